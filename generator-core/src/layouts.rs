//! `channels`: the bus layouts a plugin supports, as channel counts. One
//! number (`channels = 2`) or a list, the preferred first (`channels = [1,
//! 2]`): a host may pick any of them, and the plugin starts with the first.

use std::ops::Range;

use runtime::limits::MAX_CHANNELS;
use toml::Spanned;
use toml::de::DeValue;

use crate::config::Table;
use crate::diagnostic::Diagnostic;

/// The layouts of a plugin that says nothing: stereo.
pub const DEFAULT: &[usize] = &[2];

/// Reads `channels` from `table`: the channel counts, the preferred first, or
/// `None` with the problems in `errors`. Missing: [`DEFAULT`].
pub(crate) fn read(table: &Table<'_>, errors: &mut Vec<Diagnostic>) -> Option<Vec<usize>> {
    let Some(value) = table.get("channels") else { return Some(DEFAULT.to_vec()) };
    let before = errors.len();
    let counts: Vec<usize> = match value.get_ref() {
        DeValue::Array(items) => {
            if items.is_empty() {
                errors.push(
                    Diagnostic::new(value.span(), "`channels` lists no layout")
                        .hint("list the channel counts the plugin supports, the preferred first: [1, 2]"),
                );
            }
            let counts: Vec<Option<usize>> = items.iter().map(|item| count(item, errors)).collect();
            for (index, item) in items.iter().enumerate() {
                if let Some(first) = counts[..index].iter().position(|c| c.is_some() && *c == counts[index]) {
                    let n = counts[first].unwrap_or_default();
                    errors.push(
                        Diagnostic::new(item.span(), format!("the channel count {n} is listed twice"))
                            .hint("list each channel count once"),
                    );
                }
            }
            counts.into_iter().flatten().collect()
        }
        _ => count(value, errors).into_iter().collect(),
    };
    (errors.len() == before).then_some(counts)
}

/// One channel count, checked against the runtime's limit.
fn count(value: &Spanned<DeValue<'_>>, errors: &mut Vec<Diagnostic>) -> Option<usize> {
    let span: Range<usize> = value.span();
    let DeValue::Integer(int) = value.get_ref() else {
        errors.push(
            Diagnostic::new(span, "`channels` must be a whole number or a list of them")
                .hint("e.g. `channels = 2`, or `channels = [1, 2]` for mono and stereo, mono preferred"),
        );
        return None;
    };
    match i64::from_str_radix(int.as_str(), int.radix()) {
        Ok(n) if (1..=MAX_CHANNELS as i64).contains(&n) => Some(n as usize),
        parsed => {
            let shown = parsed.map_or_else(|_| int.as_str().to_string(), |n| n.to_string());
            errors.push(
                Diagnostic::new(span, format!("{shown} channels is outside 1..={MAX_CHANNELS}"))
                    .hint("1 is mono, 2 stereo, up to 8 (7.1)"),
            );
            None
        }
    }
}
