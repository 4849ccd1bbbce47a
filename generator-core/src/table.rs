//! A TOML table with the spans its values came from, and typed reads that
//! report a wrong type or value at its line and column.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Diagnostic;
use crate::text;

/// A TOML table with the spans it needs for diagnostics.
pub(crate) struct Table<'a> {
    table: &'a DeTable<'a>,
    pub(crate) span: Range<usize>,
    what: &'static str,
}

impl<'a> Table<'a> {
    pub(crate) fn new(table: &'a DeTable<'a>, span: Range<usize>, what: &'static str) -> Self {
        Self { table, span, what }
    }

    /// The table's keys.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.table.iter().map(|(key, _)| key.get_ref().as_ref())
    }

    /// The table's keys and values, with their spans.
    pub(crate) fn entries(
        &self,
    ) -> impl Iterator<Item = (&'a Spanned<std::borrow::Cow<'a, str>>, &'a Spanned<DeValue<'a>>)> + 'a {
        self.table.iter()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'a>>> {
        self.table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    pub(crate) fn check_keys(&self, allowed: &[&str], errors: &mut Vec<Diagnostic>) {
        for (key, _) in self.table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                errors.push(
                    Diagnostic::new(key.span(), format!("unknown key `{}` in {}", key.get_ref(), self.what))
                        .hint(format!("expected one of: {}", allowed.join(", "))),
                );
            }
        }
    }

    pub(crate) fn string(&self, key: &str, errors: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(value.span(), s.to_string())),
            _ => {
                errors.push(
                    Diagnostic::new(value.span(), format!("`{key}` must be a string")).hint("put it in double quotes"),
                );
                None
            }
        }
    }

    pub(crate) fn required_string(
        &self,
        key: &str,
        what: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<String>> {
        if self.get(key).is_none() {
            errors.push(
                Diagnostic::new(self.span.start..self.span.start, format!("missing `{key}` in {}", self.what))
                    .hint(format!("`{key}` is {what}")),
            );
            return None;
        }
        self.string(key, errors)
    }

    pub(crate) fn integer(&self, key: &str, errors: &mut Vec<Diagnostic>) -> Option<Spanned<i64>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Integer(int) => match i64::from_str_radix(int.as_str(), int.radix()) {
                Ok(n) => Some(Spanned::new(value.span(), n)),
                Err(_) => {
                    errors.push(Diagnostic::new(value.span(), format!("`{key}` is too large")));
                    None
                }
            },
            _ => {
                errors.push(Diagnostic::new(value.span(), format!("`{key}` must be a whole number")));
                None
            }
        }
    }

    pub(crate) fn number(&self, key: &str, errors: &mut Vec<Diagnostic>) -> Option<f64> {
        let value = self.get(key)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(int) => i64::from_str_radix(int.as_str(), int.radix()).ok().map(|n| n as f64),
            DeValue::Float(float) => float.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match parsed.filter(|n| n.is_finite()) {
            Some(n) => Some(n),
            None => {
                errors.push(
                    Diagnostic::new(value.span(), format!("`{key}` must be a finite number"))
                        .hint("write a number without quotes, such as 0.5 or -6"),
                );
                None
            }
        }
    }

    pub(crate) fn boolean(&self, key: &str, errors: &mut Vec<Diagnostic>) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                errors.push(
                    Diagnostic::new(value.span(), format!("`{key}` must be true or false"))
                        .hint("write true or false, without quotes"),
                );
                None
            }
        }
    }

    /// A string a host will show, checked for `field` (see [`text`]).
    pub(crate) fn host_string(&self, key: &str, field: &text::Field, errors: &mut Vec<Diagnostic>) -> Option<String> {
        let value = self.string(key, errors)?;
        text::check(field, value.get_ref(), value.span(), errors).then(|| value.into_inner())
    }

    pub(crate) fn version(&self, key: &str, errors: &mut Vec<Diagnostic>) -> Option<String> {
        let version = self.string(key, errors)?;
        if !text::check(&text::VERSION, version.get_ref(), version.span(), errors) {
            return None;
        }
        let parts: Vec<&str> = version.get_ref().split('.').collect();
        if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
            Some(version.into_inner())
        } else {
            errors.push(
                Diagnostic::new(version.span(), format!("version `{}` is not MAJOR.MINOR.PATCH", version.get_ref()))
                    .hint("e.g. \"1.2.0\""),
            );
            None
        }
    }
}
