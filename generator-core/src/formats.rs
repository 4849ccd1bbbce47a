//! `formats`: which plugin formats a plugin is built as, `["vst3", "clap"]`
//! (the default) or either one alone. One library serves both: the crate
//! exports each format's entry point, and the generator assembles a
//! `<Name>.vst3` bundle and a `<Name>.clap` file from it.

use toml::de::DeValue;

use crate::config::Table;
use crate::diagnostic::Diagnostic;

/// The formats a plugin is built as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub vst3: bool,
    pub clap: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Self { vst3: true, clap: true }
    }
}

impl Formats {
    /// The names plugins.toml uses, with what each makes.
    pub const NAMES: [&str; 2] = ["vst3", "clap"];

    /// The file name extensions of what is built, in order: `vst3`, `clap`.
    pub fn extensions(self) -> Vec<&'static str> {
        [(self.vst3, "vst3"), (self.clap, "clap")].into_iter().filter(|(on, _)| *on).map(|(_, e)| e).collect()
    }

    /// `formats` in `table`, if it is there and valid (problems go to `errors`).
    pub(crate) fn read(table: &Table<'_>, errors: &mut Vec<Diagnostic>) -> Option<Formats> {
        let value = table.get("formats")?;
        let hint = "e.g. formats = [\"vst3\", \"clap\"] (the default), or one of them alone";
        let DeValue::Array(items) = value.get_ref() else {
            errors.push(Diagnostic::new(value.span(), "`formats` must be a list of format names").hint(hint));
            return None;
        };
        let mut formats = Formats { vst3: false, clap: false };
        let before = errors.len();
        for item in items.iter() {
            let slot = match item.get_ref() {
                DeValue::String(name) if name == "vst3" => &mut formats.vst3,
                DeValue::String(name) if name == "clap" => &mut formats.clap,
                DeValue::String(name) => {
                    errors.push(
                        Diagnostic::new(item.span(), format!("unknown format `{name}`"))
                            .hint(format!("use {}", Formats::NAMES.join(" or "))),
                    );
                    continue;
                }
                _ => {
                    errors.push(Diagnostic::new(item.span(), "a format is a string").hint(hint));
                    continue;
                }
            };
            if *slot {
                errors.push(Diagnostic::new(item.span(), "this format is listed twice").hint("list each format once"));
            }
            *slot = true;
        }
        if errors.len() > before {
            return None;
        }
        if !(formats.vst3 || formats.clap) {
            errors.push(Diagnostic::new(value.span(), "no format: the plugin would not be built").hint(hint));
            return None;
        }
        Some(formats)
    }
}
