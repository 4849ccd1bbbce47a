//! Plugin names are file names (`<name>.vst3`, `<name>.so`): plugins.toml
//! refuses every name a file system would read as a path or that is not a
//! portable file name, at the name, with a hint.

mod located;

use generator::config;
use generator::diagnostic::render;

/// A plugins.toml whose only plugin is called `name` (written as a TOML
/// string, escapes and all), and the byte span of that string.
fn with_name(name: &str) -> (String, std::ops::Range<usize>) {
    let literal = toml::Value::String(name.to_string()).to_string();
    let head = "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = ";
    let source = format!("{head}{literal}\nkind = \"effect\"\ndsp = \"gain\"\n");
    (source, head.len()..head.len() + literal.len())
}

const REFUSED: &[&str] = &[
    "../../escape pwn",
    "/tmp/x/abs pwn",
    "a/b",
    "a\\b",
    "..",
    ".",
    ".hidden Gain",
    "C:\\Gain",
    "Gain: Deluxe",
    "Gain*",
    "Gain?",
    "\"Quoted\" Gain",
    "<Gain>",
    "Gain | Two",
    "con",
    "CON",
    "Nul",
    "aux.txt",
    "Com1",
    "lpt9.Gain",
    "Gain.",
    "Gain ",
    " Gain",
    "Gain\0",
    "Gain\nTwo",
    "Gain\u{202E}",
];

#[test]
fn names_that_read_as_paths_or_are_not_portable_are_refused_at_the_name() {
    for name in REFUSED {
        let (source, span) = with_name(name);
        let errors = config::parse(&source).expect_err(name);
        assert_eq!(errors.len(), 1, "{name:?}: {errors:?}");
        assert_eq!(errors[0].span, span, "{name:?}: at the name");
        assert!(errors[0].hint.is_some(), "{name:?}: with a hint");
        let shown = render("plugins.toml", &source, &errors);
        assert!(shown.contains(" --> plugins.toml:5:8\n"), "{name:?}: {shown}");
        located::check_located("plugins.toml", &source, &errors).unwrap();
    }
}

#[test]
fn plain_names_are_accepted() {
    for name in ["WA Gain", "Bob's Gain", "Über Gain", "AUX Send", "Con Brio", "Gain 2.0", "COM10", "Null Filter"] {
        let (source, _) = with_name(name);
        let config = config::parse(&source).unwrap_or_else(|errors| panic!("{name:?}: {errors:?}"));
        assert_eq!(config.plugins[0].name, *name);
    }
}

#[test]
fn each_refusal_says_why_and_what_to_do() {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/names.toml")).unwrap();
    let errors = config::parse(&source).expect_err("every name in the fixture is refused");
    insta::assert_snapshot!(render("names.toml", &source, &errors));
}
