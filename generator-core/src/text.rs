//! Strings that reach a host: the plugin's name, vendor, url, e-mail and
//! version, and parameter titles and units. Each must fit the smallest VST3
//! field it is copied into (limits in `runtime::limits`), and none may hold a
//! character that breaks the one line a host shows it on or the generated
//! source it is written into.

use std::ops::Range;

use runtime::limits;

use crate::diagnostic::Diagnostic;

/// How a field's length is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// UTF-8 bytes (`char8` fields).
    Bytes,
    /// UTF-16 code units (`String128` fields).
    Utf16,
}

/// A string field of plugins.toml and the host field it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// As messages name it: "the name", "`vendor`".
    pub what: &'static str,
    pub max: usize,
    pub measure: Measure,
    /// The VST3 field that sets the limit.
    pub host_field: &'static str,
}

pub const NAME: Field =
    Field { what: "the name", max: limits::MAX_NAME_BYTES, measure: Measure::Bytes, host_field: "PClassInfo::name" };
pub const VENDOR: Field = Field {
    what: "`vendor`",
    max: limits::MAX_VENDOR_BYTES,
    measure: Measure::Bytes,
    host_field: "PFactoryInfo::vendor",
};
pub const URL: Field =
    Field { what: "`url`", max: limits::MAX_URL_BYTES, measure: Measure::Bytes, host_field: "PFactoryInfo::url" };
pub const EMAIL: Field =
    Field { what: "`email`", max: limits::MAX_EMAIL_BYTES, measure: Measure::Bytes, host_field: "PFactoryInfo::email" };
pub const VERSION: Field = Field {
    what: "`version`",
    max: limits::MAX_VERSION_BYTES,
    measure: Measure::Bytes,
    host_field: "PClassInfo2::version",
};
pub const TITLE: Field = Field {
    what: "`title`",
    max: limits::MAX_PARAM_TITLE_UTF16,
    measure: Measure::Utf16,
    host_field: "ParameterInfo::title",
};
/// A preset's name.
pub const PRESET_NAME: Field = Field {
    what: "the preset's name",
    max: limits::MAX_PRESET_NAME_UTF16,
    measure: Measure::Utf16,
    host_field: "IUnitInfo::getProgramName's String128",
};
/// The name of one of a stepped parameter's values (`values`).
pub const VALUE_NAME: Field = Field {
    what: "a value's name",
    max: limits::MAX_PARAM_TITLE_UTF16,
    measure: Measure::Utf16,
    host_field: "the String128 of getParamStringByValue",
};
/// A custom parameter's name: its title unless `title` is given.
pub const PARAM_NAME: Field = Field { what: "the parameter name", ..TITLE };
pub const UNITS: Field = Field {
    what: "`units`",
    max: limits::MAX_PARAM_UNITS_UTF16,
    measure: Measure::Utf16,
    host_field: "ParameterInfo::units and the value text",
};

/// Characters refused in every host string: control characters (NUL, line
/// breaks, escapes; hosts cut C strings at NUL and show one line), the Unicode
/// line and paragraph separators, and the bidirectional controls, which
/// reorder how text is shown and which rustc refuses in the generated source
/// (`text_direction_codepoint_in_literal`, `..._in_comment`).
pub fn is_refused(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The length of `text` as `field` counts it.
pub fn length(field: &Field, text: &str) -> usize {
    match field.measure {
        Measure::Bytes => text.len(),
        Measure::Utf16 => text.encode_utf16().count(),
    }
}

/// Checks `text`, found at `span`, for `field`; pushes a diagnostic per
/// problem and returns whether there was none.
pub fn check(field: &Field, text: &str, span: Range<usize>, errors: &mut Vec<Diagnostic>) -> bool {
    let before = errors.len();
    if let Some(c) = text.chars().find(|c| is_refused(*c)) {
        let kind = if c.is_control() { "a control character" } else { "a character that changes the flow of text" };
        errors.push(
            Diagnostic::new(span.clone(), format!("{} contains {kind} (U+{:04X})", field.what, c as u32))
                .hint("hosts show it on one line and cut it at a NUL: use letters, digits, spaces and punctuation"),
        );
    }
    let length = length(field, text);
    if length > field.max {
        let unit = match field.measure {
            Measure::Bytes => "bytes",
            Measure::Utf16 => "UTF-16 units",
        };
        errors.push(
            Diagnostic::new(span, format!("{} is {length} {unit} long; hosts read at most {}", field.what, field.max))
                .hint(format!("{} holds {} {unit} and a NUL: shorten it", field.host_field, field.max)),
        );
    }
    errors.len() == before
}
