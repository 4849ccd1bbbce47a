//! `[[plugins.presets]]`: named sets of parameter values, which hosts list
//! (VST3 as a program list, CLAP through its preset-discovery factory) and
//! the generic editor offers. Each table has a `name` and, for any of the
//! plugin's parameters, its key with a value in the parameter's unit
//! (`gain = -6`), or one of its value names (`mode = "Band-pass"`), or
//! `bypass = true`; a parameter a preset leaves out keeps its value when the
//! preset is loaded.
//!
//! ```toml
//! [[plugins.presets]]
//! name = "Warm"
//! drive = 2.5
//! mix = 0.8
//! ```

use std::collections::HashSet;

use runtime::limits::MAX_PRESETS;
use runtime::plugin::BYPASS_PARAM_ID;
use toml::de::DeValue;

use crate::config::{Param, Table, short};
use crate::diagnostic::Diagnostic;
use crate::text;

/// One preset, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    /// `(parameter id, plain value)`, in the order written.
    pub values: Vec<(u32, f64)>,
}

/// Reads `presets` from a plugin's `table`, checking each value against the
/// plugin's `params`; problems go to `errors`.
pub(crate) fn read(table: &Table<'_>, params: &[Param], errors: &mut Vec<Diagnostic>) -> Vec<Preset> {
    let Some(value) = table.get("presets") else { return Vec::new() };
    let DeValue::Array(entries) = value.get_ref() else {
        errors.push(
            Diagnostic::new(value.span(), "`presets` must be a list of tables")
                .hint("write each preset as [[plugins.presets]] with a name and parameter values"),
        );
        return Vec::new();
    };
    let mut presets = Vec::new();
    let mut names = HashSet::new();
    for (index, entry) in entries.iter().enumerate() {
        if index == MAX_PRESETS {
            errors.push(
                Diagnostic::new(entry.span(), format!("more than {MAX_PRESETS} presets in one plugin"))
                    .hint("hosts list them in one menu: keep the best"),
            );
            break;
        }
        let DeValue::Table(fields) = entry.get_ref() else {
            errors.push(Diagnostic::new(entry.span(), "each preset must be a table").hint("write [[plugins.presets]]"));
            continue;
        };
        let fields = Table::new(fields, entry.span(), "a preset");
        let name = fields.required_string("name", "what hosts list the preset as", errors);
        if let Some(name) = &name
            && name.get_ref().trim().is_empty()
        {
            errors.push(
                Diagnostic::new(name.span(), "the preset's name is empty")
                    .hint("hosts list presets by name: give it one people will recognize"),
            );
        } else if let Some(name) = &name
            && text::check(&text::PRESET_NAME, name.get_ref(), name.span(), errors)
            && !names.insert(name.get_ref().to_lowercase())
        {
            errors.push(
                Diagnostic::new(name.span(), format!("two presets are named `{}`", name.get_ref()))
                    .hint("hosts list presets by name: give each its own"),
            );
        }
        let values = read_values(&fields, params, errors);
        if values.is_empty() && !fields_beyond_name(&fields) {
            errors.push(
                Diagnostic::new(entry.span(), "this preset sets no parameter")
                    .hint("add parameter values: the parameter's key and a value in its unit, e.g. gain = -6"),
            );
        }
        if let Some(name) = name {
            presets.push(Preset { name: name.into_inner(), values });
        }
    }
    presets
}

/// Whether a preset's table has keys other than `name`.
fn fields_beyond_name(fields: &Table<'_>) -> bool {
    fields.keys().any(|key| key != "name")
}

/// The parameter values of one preset table, in the order written.
fn read_values(fields: &Table<'_>, params: &[Param], errors: &mut Vec<Diagnostic>) -> Vec<(u32, f64)> {
    let mut values = Vec::new();
    let mut keys: Vec<_> = fields.entries().filter(|(key, _)| key.get_ref() != "name").collect();
    keys.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in keys {
        let key_name = key.get_ref();
        if key_name == "bypass" {
            match value.get_ref() {
                DeValue::Boolean(on) => values.push((BYPASS_PARAM_ID, if *on { 1.0 } else { 0.0 })),
                _ => errors.push(
                    Diagnostic::new(value.span(), "`bypass` must be true or false")
                        .hint("write true or false, without quotes"),
                ),
            }
            continue;
        }
        let Some(param) = params.iter().find(|p| p.key == *key_name) else {
            let keys: Vec<&str> = params.iter().map(|p| p.key.as_str()).chain(["bypass"]).collect();
            errors.push(
                Diagnostic::new(key.span(), format!("the plugin has no parameter `{key_name}`"))
                    .hint(format!("a preset sets the plugin's parameters by key: {}", keys.join(", "))),
            );
            continue;
        };
        // A named value (`mode = "Band-pass"`) stands for its step.
        let named = match value.get_ref() {
            DeValue::String(name) if !param.value_names.is_empty() => {
                match param.value_names.iter().position(|v| v.eq_ignore_ascii_case(name)) {
                    Some(step) => Some(param.min + step as f64 * (param.max - param.min) / f64::from(param.steps)),
                    None => {
                        errors.push(
                            Diagnostic::new(value.span(), format!("`{key_name}` has no value named `{name}`"))
                                .hint(format!("its values: {}", param.value_names.join(", "))),
                        );
                        continue;
                    }
                }
            }
            _ => None,
        };
        let Some(plain) = named.or_else(|| fields.number(key_name, errors)) else { continue };
        let hint = || format!("`{key_name}` goes from {} to {}", short(param.min), short(param.max));
        if !(param.min..=param.max).contains(&plain) {
            errors.push(
                Diagnostic::new(value.span(), format!("{key_name} = {} is outside its range", short(plain)))
                    .hint(hint()),
            );
            continue;
        }
        if param.steps > 0 {
            let step = (plain - param.min) / (param.max - param.min) * f64::from(param.steps);
            if (step - step.round()).abs() > 1e-9 {
                let values: Vec<String> = (0..=param.steps.min(8))
                    .map(|k| short(param.min + f64::from(k) * (param.max - param.min) / f64::from(param.steps)))
                    .collect();
                errors.push(
                    Diagnostic::new(value.span(), format!("{key_name} = {} is between its steps", short(plain))).hint(
                        format!(
                            "`{key_name}` is stepped: {}{}",
                            values.join(", "),
                            if param.steps > 8 { ", …" } else { "" }
                        ),
                    ),
                );
                continue;
            }
        }
        values.push((param.id, plain));
    }
    values
}
