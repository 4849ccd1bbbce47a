//! plugins.toml parsing and validation: the shipped file, a full fixture, the
//! exact diagnostics of broken ones, and no panic on arbitrary input.

use generator::config::{self, Dsp, Kind};
use generator::diagnostic::render;
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn diagnostics(name: &str) -> String {
    let source = fixture(name);
    let errors = config::parse(&source).expect_err("the fixture is broken on purpose");
    render(name, &source, &errors)
}

#[test]
fn the_shipped_plugins_toml_is_valid() {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../plugins.toml")).unwrap();
    let config = config::parse(&source).unwrap_or_else(|errors| panic!("{}", render("plugins.toml", &source, &errors)));
    let names: Vec<&str> = config.plugins.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["WA Gain", "WA Gain Inline", "WA Filter", "WA Delay", "WA Tremolo", "WA Synth", "WA Custom"]);
    let gain = &config.plugins[0];
    assert_eq!((gain.slug.as_str(), gain.kind, gain.dsp, gain.channels), ("wa-gain", Kind::Effect, Dsp::Gain, 2));
    assert_eq!((gain.latency_ms, gain.buffering), (50.0, true), "defaults apply");
    assert!(!config.plugins[1].buffering);
    let filter = &config.plugins[2];
    assert_eq!(filter.latency_ms, 20.0);
    assert_eq!(filter.params.iter().find(|p| p.title == "Cutoff").unwrap().default, 800.0, "override applied");
    let delay = &config.plugins[3];
    let time = delay.params.iter().find(|p| p.title == "Time").unwrap();
    assert_eq!((time.default, time.max, time.min), (375.0, 1500.0, 1.0));
    assert_eq!(config.plugins[5].kind, Kind::Instrument);
    let custom = &config.plugins[6];
    assert_eq!((custom.dsp, custom.channels), (Dsp::Custom, 4));
    assert_eq!((custom.params[0].key.as_str(), custom.params[0].title.as_str()), ("drive", "Drive"));
    assert_eq!((custom.params[0].max, custom.params[0].units.as_str()), (10.0, "x"));
    let mut ids: Vec<[u32; 4]> = config.plugins.iter().map(|p| p.class_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 7, "every plugin has its own class id");
}

#[test]
fn every_problem_is_reported_at_once_with_file_line_and_column() {
    insta::assert_snapshot!(diagnostics("all_errors.toml"));
}

#[test]
fn syntax_errors_point_at_the_broken_toml() {
    insta::assert_snapshot!(diagnostics("syntax.toml"));
}

#[test]
fn a_file_without_plugins_says_so() {
    let errors = config::parse("[defaults]\nvendor = \"x\"\n").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("no plugins"));
}

/// A valid file to mutate.
const VALID: &str = "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"G\"\nkind = \"effect\"\ndsp = \"gain\"\nchannels = 2\nlatency_ms = 50\n[plugins.params.gain]\ndefault = -3\n";

proptest! {
    #[test]
    fn arbitrary_bytes_give_diagnostics_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let source = String::from_utf8_lossy(&bytes);
        if let Err(errors) = config::parse(&source) {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                prop_assert!(error.span.start <= source.len() && error.span.end <= source.len());
            }
            let _ = render("fuzz.toml", &source, &errors);
        }
    }

    #[test]
    fn mutated_toml_gives_diagnostics_never_a_panic(
        edits in proptest::collection::vec((0..VALID.len(), any::<char>(), 0_u8..3), 1..6),
    ) {
        let mut source: Vec<char> = VALID.chars().collect();
        for (at, c, op) in edits {
            let at = at.min(source.len());
            match op {
                0 if at < source.len() => { source.remove(at); }
                1 => source.insert(at, c),
                _ if at < source.len() => source[at] = c,
                _ => {}
            }
        }
        let source: String = source.into_iter().collect();
        if let Err(errors) = config::parse(&source) {
            prop_assert!(!errors.is_empty());
            let shown = render("mutated.toml", &source, &errors);
            prop_assert!(shown.contains("mutated.toml:"));
        }
    }
}

#[test]
fn duplicate_names_and_class_ids_are_refused() {
    insta::assert_snapshot!(diagnostics("duplicates.toml"));
}
