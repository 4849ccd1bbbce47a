//! `values = ["Soft", "Hard", "Fold"]` on a custom parameter: the names a
//! stepped parameter's values are shown by, in hosts and editors, one per
//! step from `min`. The list makes the parameter stepped (`steps` is the
//! count less one, and must agree when also given).

use std::collections::HashSet;

use runtime::limits::MAX_VALUE_NAMES;
use toml::de::DeValue;

use crate::config::{Param, Table};
use crate::diagnostic::Diagnostic;
use crate::text;

/// Reads `values` from a custom parameter's `fields` into `param`, after
/// `steps` has been read.
pub(crate) fn read(fields: &Table<'_>, param: &mut Param, key_name: &str, errors: &mut Vec<Diagnostic>) {
    let Some(value) = fields.get("values") else { return };
    let DeValue::Array(items) = value.get_ref() else {
        errors.push(
            Diagnostic::new(value.span(), "`values` must be a list of names")
                .hint("one name per value, e.g. values = [\"Soft\", \"Hard\", \"Fold\"]"),
        );
        return;
    };
    if !(2..=MAX_VALUE_NAMES).contains(&items.len()) {
        errors.push(
            Diagnostic::new(value.span(), format!("`values` lists {} names", items.len()))
                .hint(format!("a stepped parameter has 2 to {MAX_VALUE_NAMES} named values")),
        );
        return;
    }
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    for item in items {
        let DeValue::String(name) = item.get_ref() else {
            errors.push(Diagnostic::new(item.span(), "a value's name is a string").hint("write it in quotes"));
            continue;
        };
        if name.trim().is_empty() {
            errors.push(Diagnostic::new(item.span(), "a value's name is empty").hint("hosts show it: name it"));
        } else if text::check(&text::VALUE_NAME, name, item.span(), errors) && !seen.insert(name.to_lowercase()) {
            errors.push(
                Diagnostic::new(item.span(), format!("`{name}` is listed twice"))
                    .hint("hosts read a typed name back: each must differ (ignoring case)"),
            );
        }
        names.push(name.to_string());
    }
    let steps = (items.len() - 1) as u32;
    if param.steps == 0 {
        param.steps = steps;
    } else if param.steps != steps {
        errors.push(
            Diagnostic::new(
                value.span(),
                format!("{} names for the {} values of `{key_name}`", items.len(), param.steps + 1),
            )
            .hint("`steps` is one less than the number of values: remove it, values alone set it"),
        );
    }
    param.value_names = names;
}
