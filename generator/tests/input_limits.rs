//! Input that used to be accepted though it made no sense, or refused without
//! a place: bytes that are not UTF-8, a latency under the engine's minimum,
//! control characters in any string a host shows, strings longer than the
//! VST3 field they land in, too many parameters or plugins, a file past the
//! size ceiling. Each is refused at its place, with a hint.

mod located;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config;
use generator::diagnostic::render;
use generator::limits::{MAX_FILE_BYTES, MAX_PLUGINS};
use runtime::limits;

/// A custom plugin with one parameter; `{NAME}` and friends are replaced.
const TEMPLATE: &str = r#"[defaults]
vendor = {VENDOR}
url = {URL}
email = {EMAIL}
version = {VERSION}
latency_ms = {LATENCY}

[[plugins]]
name = {NAME}
kind = "effect"
dsp = "custom"
vendor = {PLUGIN_VENDOR}
latency_ms = {PLUGIN_LATENCY}
[plugins.params.drive]
title = {TITLE}
units = {UNITS}
"#;

const FIELDS: &[(&str, &str)] = &[
    ("{VENDOR}", "\"V\""),
    ("{URL}", "\"https://example.com\""),
    ("{EMAIL}", "\"a@example.com\""),
    ("{VERSION}", "\"1.0.0\""),
    ("{LATENCY}", "50"),
    ("{NAME}", "\"Plain\""),
    ("{PLUGIN_VENDOR}", "\"V\""),
    ("{PLUGIN_LATENCY}", "20"),
    ("{TITLE}", "\"Drive\""),
    ("{UNITS}", "\"x\""),
];

/// The template with `field` set to `value` (TOML source text) and every
/// other field valid; with the span of `value`.
fn with(field: &str, value: &str) -> (String, Range<usize>) {
    let mut source = TEMPLATE.to_string();
    for (key, valid) in FIELDS {
        if *key != field {
            source = source.replace(key, valid);
        }
    }
    let at = source.find(field).unwrap();
    (source.replace(field, value), at..at + value.len())
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Parses `source`, which must be refused with one error at `span`.
fn refused_at(source: &str, span: Range<usize>, what: &str) -> String {
    let errors = match config::parse(source) {
        Ok(_) => panic!("{what}: accepted"),
        Err(errors) => errors,
    };
    assert_eq!(errors.len(), 1, "{what}: {errors:?}");
    assert_eq!(errors[0].span, span, "{what}: {}", errors[0].message);
    assert!(errors[0].hint.is_some(), "{what}: a hint");
    located::check_located("input.toml", source, &errors).unwrap_or_else(|problem| panic!("{what}: {problem}"));
    errors[0].message.clone()
}

#[test]
fn a_latency_under_the_minimum_or_over_the_maximum_is_refused() {
    for latency in ["1e-320", "0.001", "0.5", "0.999", "1000.001", "1e300", "-5"] {
        for field in ["{LATENCY}", "{PLUGIN_LATENCY}"] {
            let (source, span) = with(field, latency);
            let message = refused_at(&source, span, latency);
            assert!(message.contains("latency_ms"), "{message}");
        }
    }
    for latency in [limits::MIN_LATENCY_MS, limits::MAX_LATENCY_MS, limits::DEFAULT_LATENCY_MS] {
        for field in ["{LATENCY}", "{PLUGIN_LATENCY}"] {
            let (source, _) = with(field, &format!("{latency:?}"));
            assert!(config::parse(&source).is_ok(), "{field} = {latency}");
        }
    }
}

/// Every string that reaches a host, with its limit and how it is counted.
fn host_strings() -> [(&'static str, usize, bool); 8] {
    // (field, limit, counted in UTF-16 units rather than bytes)
    [
        ("{VENDOR}", limits::MAX_VENDOR_BYTES, false),
        ("{URL}", limits::MAX_URL_BYTES, false),
        ("{EMAIL}", limits::MAX_EMAIL_BYTES, false),
        ("{VERSION}", limits::MAX_VERSION_BYTES, false),
        ("{NAME}", limits::MAX_NAME_BYTES, false),
        ("{PLUGIN_VENDOR}", limits::MAX_VENDOR_BYTES, false),
        ("{TITLE}", limits::MAX_PARAM_TITLE_UTF16, true),
        ("{UNITS}", limits::MAX_PARAM_UNITS_UTF16, true),
    ]
}

#[test]
fn control_characters_are_refused_in_every_string_a_host_shows() {
    for (field, _, _) in host_strings() {
        for bad in ['\0', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}', '\u{202E}'] {
            let text = if field == "{VERSION}" { format!("1.0.0{bad}") } else { format!("Some{bad}thing") };
            let literal = toml_string(&text);
            let (source, span) = with(field, &literal);
            refused_at(&source, span, &format!("{field} with U+{:04X}", bad as u32));
        }
    }
}

#[test]
fn strings_longer_than_their_vst3_field_are_refused() {
    for (field, limit, utf16) in host_strings() {
        // In UTF-16 fields, `é` is one unit (and two bytes): the limit counts units.
        let unit = if utf16 { "é" } else { "a" };
        let text = |n: usize| match field {
            "{VERSION}" => format!("1.0.{}", "0".repeat(n - 4)),
            _ => unit.repeat(n),
        };
        let (fits, _) = with(field, &toml_string(&text(limit)));
        config::parse(&fits).unwrap_or_else(|errors| panic!("{field} of {limit}: {errors:?}"));
        let literal = toml_string(&text(limit + 1));
        let (source, span) = with(field, &literal);
        let message = refused_at(&source, span, &format!("{field} of {}", limit + 1));
        assert!(message.contains(&format!("hosts read at most {limit}")), "{message}");
    }
}

#[test]
fn a_50_mb_url_is_refused_in_a_few_lines() {
    let literal = toml_string(&"u".repeat(50 << 20));
    let (source, span) = with("{URL}", &literal);
    let Err(errors) = config::parse(&source) else { panic!("a 50 MB url was accepted") };
    assert_eq!(errors.iter().map(|e| e.span.clone()).collect::<Vec<_>>(), [span]);
    let shown = render("plugins.toml", &source, &errors);
    assert!(shown.len() < 1000, "the line is cut around the caret: {} bytes", shown.len());
    assert!(shown.contains("--> plugins.toml:3:7"), "{shown}");
}

#[test]
fn more_parameters_than_the_runtime_takes_are_refused() {
    let params = |n: usize| (0..n).map(|i| format!("[plugins.params.p{i}]\n")).collect::<String>();
    let plugin = "[defaults]\nvendor = \"V\"\n[[plugins]]\nname = \"Many\"\nkind = \"effect\"\ndsp = \"custom\"\n";
    let fits = format!("{plugin}{}", params(limits::MAX_PARAMS));
    assert_eq!(config::parse(&fits).unwrap().plugins[0].params.len(), limits::MAX_PARAMS);
    let source = format!("{plugin}{}", params(limits::MAX_PARAMS + 2));
    let key = format!("p{}", limits::MAX_PARAMS);
    let at = source.find(&format!("[plugins.params.{key}]")).unwrap() + "[plugins.params.".len();
    let message = refused_at(&source, at..at + key.len(), "one parameter too many");
    assert!(message.contains(&format!("more than {} parameters", limits::MAX_PARAMS)), "{message}");
}

#[test]
fn more_plugins_than_one_file_may_list_are_refused() {
    let plugins = |n: usize| {
        (0..n).map(|i| format!("[[plugins]]\nname = \"P{i}\"\nkind = \"effect\"\ndsp = \"gain\"\n")).collect::<String>()
    };
    let fits = format!("[defaults]\nvendor = \"V\"\n{}", plugins(MAX_PLUGINS));
    assert_eq!(config::parse(&fits).unwrap().plugins.len(), MAX_PLUGINS);
    let source = format!("[defaults]\nvendor = \"V\"\n{}", plugins(MAX_PLUGINS + 3));
    let errors = config::parse(&source).expect_err("one plugin too many");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let at = source.find(&format!("name = \"P{MAX_PLUGINS}\"")).unwrap();
    let (line, _) = generator::diagnostic::line_and_column(&source, errors[0].span.start);
    assert_eq!(line, generator::diagnostic::line_and_column(&source, at).0 - 1, "at its [[plugins]]");
    assert!(errors[0].message.contains(&format!("more than {MAX_PLUGINS} plugins")), "{}", errors[0].message);
    located::check_located("input.toml", &source, &errors).unwrap();
}

#[test]
fn a_parameter_range_wider_than_a_number_holds_is_refused() {
    let source = "[defaults]\nvendor = \"V\"\n[[plugins]]\nname = \"Wide\"\nkind = \"effect\"\ndsp = \"custom\"\n\
                  [plugins.params.level]\nmin = -1e308\nmax = 1e308\n";
    let errors = config::parse(source).expect_err("max - min is infinite");
    assert_eq!(errors.len(), 1, "{errors:?}");
    located::check_located("input.toml", source, &errors).unwrap();
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("input_limits").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plugins.toml"), bytes).unwrap();
    dir
}

/// `generator validate` on `dir/plugins.toml`, run in `dir`: (exit code, stderr).
fn validate(dir: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["validate", "--config", "plugins.toml"])
        .current_dir(dir)
        .output()
        .unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_file_that_is_not_utf8_is_refused_at_its_first_bad_byte() {
    // Latin-1 `é` (0xE9) in the vendor on line 2, column 14.
    let bytes =
        b"[defaults]\nvendor = \"Caf\xE9 Audio\"\n\n[[plugins]]\nname = \"G\"\nkind = \"effect\"\ndsp = \"gain\"\n";
    let dir = scratch("not-utf8", bytes);
    let (code, stderr) = validate(&dir);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: the file is not UTF-8: byte 0xE9"), "{stderr}");
    assert!(stderr.contains(" --> plugins.toml:2:14\n"), "{stderr}");
    assert!(stderr.contains("2 | vendor = \"Caf\u{FFFD} Audio\"\n  |              ^\n"), "{stderr}");
    assert!(stderr.contains("= hint: TOML files are UTF-8 text"), "{stderr}");
    located::check_rendering("plugins.toml", &String::from_utf8_lossy(bytes), stderr.trim_end()).unwrap();
}

#[test]
fn a_file_past_the_size_ceiling_is_refused_before_parsing_at_a_place() {
    // A valid file, made too large by a url on its line 3.
    let head = "[defaults]\nvendor = \"V\"\nurl = \"";
    let tail = "\"\n[[plugins]]\nname = \"G\"\nkind = \"effect\"\ndsp = \"gain\"\n";
    let source = format!("{head}{}{tail}", "u".repeat(MAX_FILE_BYTES));
    let dir = scratch("too-large", source.as_bytes());
    let (code, stderr) = validate(&dir);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: the file is larger than 1024 KiB"), "{stderr}");
    let column = MAX_FILE_BYTES - "[defaults]\nvendor = \"V\"\n".len() + 1;
    assert!(stderr.contains(&format!(" --> plugins.toml:3:{column}\n")), "{stderr}");
    assert!(stderr.len() < 1000, "the line is cut around the caret: {} bytes", stderr.len());
    located::check_rendering("plugins.toml", &source, stderr.trim_end()).unwrap();
}
