//! `editor`, `editor_size` and `meter_params`: the window a plugin opens
//! (`"generic"`, made from its parameters, the default; `"custom"`, drawn by
//! the plugin's own `src/editor.rs`; or `"none"`), the logical size it opens
//! at, and whether the engine's telemetry is also shown as read-only
//! parameters, for hosts that show no editor.

use std::ops::Range;

use runtime::limits::{EDITOR_MAX_SIZE, EDITOR_MIN_SIZE};
use toml::de::DeValue;

use crate::config::Table;
use crate::diagnostic::Diagnostic;

/// Which editor a plugin opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorKind {
    /// Made from the parameter description, with the write-ahead panel.
    Generic,
    /// The plugin's own drawing function in `src/editor.rs` (written once).
    Custom,
    /// No window.
    None,
}

impl EditorKind {
    const NAMES: [(&str, EditorKind); 3] =
        [("generic", EditorKind::Generic), ("custom", EditorKind::Custom), ("none", EditorKind::None)];
}

/// A plugin's editor, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditorChoice {
    pub kind: EditorKind,
    /// The size it opens at (logical pixels); None: the generic editor's
    /// natural size for the plugin's parameters, or the custom skeleton's.
    pub size: Option<(u32, u32)>,
    /// The meters are parameters too (`meter_params = true`).
    pub meter_params: bool,
}

/// What a table says; `None` fields are left to `[defaults]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct EditorKeys {
    kind: Option<EditorKind>,
    size: Option<((u32, u32), Range<usize>)>,
    meter_params: Option<bool>,
}

impl EditorKeys {
    /// The keys this module reads.
    pub(crate) const KEYS: [&str; 3] = ["editor", "editor_size", "meter_params"];

    /// Reads `editor`, `editor_size` and `meter_params` from `table`.
    pub(crate) fn read(table: &Table<'_>, errors: &mut Vec<Diagnostic>) -> Self {
        let kind = table.get("editor").and_then(|value| {
            let names: Vec<&str> = EditorKind::NAMES.iter().map(|(name, _)| *name).collect();
            let hint = format!("use one of: {}", names.join(", "));
            match value.get_ref() {
                DeValue::String(text) => {
                    let found = EditorKind::NAMES.iter().find(|(name, _)| name == text).map(|(_, kind)| *kind);
                    if found.is_none() {
                        errors.push(Diagnostic::new(value.span(), format!("unknown editor `{text}`")).hint(hint));
                    }
                    found
                }
                _ => {
                    errors.push(Diagnostic::new(value.span(), "`editor` must be a string").hint(hint));
                    None
                }
            }
        });
        let size = table
            .get("editor_size")
            .and_then(|value| Some((size(value.get_ref(), value.span(), errors)?, value.span())));
        let meter_params = table.boolean("meter_params", errors);
        Self { kind, size, meter_params }
    }

    /// This table's keys over `defaults`' keys.
    pub(crate) fn over(&self, defaults: &EditorKeys) -> EditorKeys {
        EditorKeys {
            kind: self.kind.or(defaults.kind),
            size: self.size.clone().or_else(|| defaults.size.clone()),
            meter_params: self.meter_params.or(defaults.meter_params),
        }
    }

    /// The editor these keys give, or an error at a key that does nothing.
    pub(crate) fn resolve(&self, errors: &mut Vec<Diagnostic>) -> Option<EditorChoice> {
        let kind = self.kind.unwrap_or(EditorKind::Generic);
        if let (EditorKind::None, Some((_, span))) = (kind, &self.size) {
            errors.push(
                Diagnostic::new(span.clone(), "`editor_size` does nothing with editor = \"none\"")
                    .hint("remove it, or give the plugin an editor (\"generic\" or \"custom\")"),
            );
            return None;
        }
        Some(EditorChoice {
            kind,
            size: self.size.as_ref().map(|(size, _)| *size),
            meter_params: self.meter_params.unwrap_or(false),
        })
    }
}

/// `[width, height]` in logical pixels, within the runtime's limits.
fn size(value: &DeValue<'_>, span: Range<usize>, errors: &mut Vec<Diagnostic>) -> Option<(u32, u32)> {
    let (min, max) = (EDITOR_MIN_SIZE, EDITOR_MAX_SIZE);
    let hint = format!(
        "the editor's width and height in logical pixels, from {}x{} to {}x{}: e.g. editor_size = [600, 400]",
        min.0, min.1, max.0, max.1
    );
    let DeValue::Array(items) = value else {
        errors.push(Diagnostic::new(span, "`editor_size` must be [width, height]").hint(hint));
        return None;
    };
    let numbers: Vec<Option<i64>> = items
        .iter()
        .map(|item| match item.get_ref() {
            DeValue::Integer(int) => i64::from_str_radix(int.as_str(), int.radix()).ok(),
            _ => None,
        })
        .collect();
    let [Some(width), Some(height)] = numbers[..] else {
        errors.push(Diagnostic::new(span, "`editor_size` must be two whole numbers, [width, height]").hint(hint));
        return None;
    };
    let fits = |n: i64, low: u32, high: u32| (i64::from(low)..=i64::from(high)).contains(&n);
    if !(fits(width, min.0, max.0) && fits(height, min.1, max.1)) {
        errors.push(Diagnostic::new(span, format!("editor_size = [{width}, {height}] is out of range")).hint(hint));
        return None;
    }
    Some((width as u32, height as u32))
}
