//! `latency_ms` and `latency_max_ms`: a fixed write-ahead latency, or an
//! adaptive one (`latency_ms = "auto"`) that starts at the default and may
//! grow up to `latency_max_ms` when the engine measures stalls near its
//! headroom (see the runtime's adaptive latency).

use std::ops::Range;

use runtime::limits::{DEFAULT_LATENCY_MS, MAX_LATENCY_MS, MIN_LATENCY_MS};
use toml::de::DeValue;

use crate::config::{Table, short};
use crate::diagnostic::Diagnostic;

/// The ceiling of an adaptive latency when `latency_max_ms` is not given.
pub const DEFAULT_CEILING_MS: f64 = 500.0;

/// What a table says about latency; `None` fields are left to `[defaults]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct LatencyKeys {
    /// `Some(None)`: "auto"; `Some(Some(ms))`: fixed.
    setting: Option<(Option<f64>, Range<usize>)>,
    ceiling: Option<(f64, Range<usize>)>,
}

/// A plugin's latency, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// The latency it starts with (all of it, when fixed).
    pub ms: f64,
    /// Adaptive: the most it may grow to.
    pub ceiling_ms: Option<f64>,
}

impl LatencyKeys {
    /// Reads `latency_ms` and `latency_max_ms` from `table`.
    pub(crate) fn read(table: &Table<'_>, errors: &mut Vec<Diagnostic>) -> Self {
        let setting = table.get("latency_ms").and_then(|value| {
            let span = value.span();
            match value.get_ref() {
                DeValue::String(text) if text == "auto" => Some((None, span)),
                DeValue::String(_) => {
                    errors.push(
                        Diagnostic::new(span, "`latency_ms` must be a number of milliseconds or \"auto\"")
                            .hint("\"auto\" starts at 50 ms and grows, up to latency_max_ms, when the DSP stalls"),
                    );
                    None
                }
                _ => in_range(table, "latency_ms", errors).map(|ms| (Some(ms), span)),
            }
        });
        let ceiling = table
            .get("latency_max_ms")
            .and_then(|value| in_range(table, "latency_max_ms", errors).map(|ms| (ms, value.span())));
        Self { setting, ceiling }
    }

    /// This table's keys over `defaults`' keys.
    pub(crate) fn over(&self, defaults: &LatencyKeys) -> LatencyKeys {
        LatencyKeys {
            setting: self.setting.clone().or_else(|| defaults.setting.clone()),
            ceiling: self.ceiling.clone().or_else(|| defaults.ceiling.clone()),
        }
    }

    /// The latency these keys give, or an error at the key that does not fit.
    pub(crate) fn resolve(&self, errors: &mut Vec<Diagnostic>) -> Option<Latency> {
        match (&self.setting, &self.ceiling) {
            (Some((Some(ms), _)), None) => Some(Latency { ms: *ms, ceiling_ms: None }),
            (None, None) => Some(Latency { ms: DEFAULT_LATENCY_MS, ceiling_ms: None }),
            (Some((Some(_), _)) | None, Some((_, span))) => {
                errors.push(
                    Diagnostic::new(span.clone(), "`latency_max_ms` is only for an adaptive latency")
                        .hint("set latency_ms = \"auto\" to let the latency grow up to it, or remove it"),
                );
                None
            }
            (Some((None, _)), ceiling) => {
                let (ceiling_ms, span) = ceiling.clone().unwrap_or((DEFAULT_CEILING_MS, 0..0));
                if ceiling_ms <= DEFAULT_LATENCY_MS {
                    errors.push(
                        Diagnostic::new(span, format!("`latency_max_ms` must be above {DEFAULT_LATENCY_MS} ms"))
                            .hint("an adaptive latency starts at 50 ms and only grows"),
                    );
                    return None;
                }
                Some(Latency { ms: DEFAULT_LATENCY_MS, ceiling_ms: Some(ceiling_ms) })
            }
        }
    }
}

/// A latency key's number, within the runtime's limits.
fn in_range(table: &Table<'_>, key: &str, errors: &mut Vec<Diagnostic>) -> Option<f64> {
    let span = table.get(key)?.span();
    let ms = table.number(key, errors)?;
    if (MIN_LATENCY_MS..=MAX_LATENCY_MS).contains(&ms) {
        return Some(ms);
    }
    let message = if ms < MIN_LATENCY_MS {
        format!("{key} = {} is below the minimum, {MIN_LATENCY_MS} ms", short(ms))
    } else {
        format!("{key} = {} is above the maximum, {MAX_LATENCY_MS} ms", short(ms))
    };
    errors.push(Diagnostic::new(span, message).hint(format!(
        "the write-ahead time in milliseconds: below {MIN_LATENCY_MS} ms the worker cannot get ahead of any host \
         block; {DEFAULT_LATENCY_MS} hides DSP stalls of about 40 ms; for no added latency set buffering = false"
    )));
    None
}
