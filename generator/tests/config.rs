//! plugins.toml parsing and validation: the shipped file, a full fixture, the
//! exact diagnostics of broken ones, and property tests: arbitrary bytes,
//! mutations and hostile values (long, control characters, path-like names,
//! tiny and huge numbers, many plugins and parameters) are either accepted
//! within every limit or refused with every error at its file:line:column.

mod located;

use std::path::Path;
use std::process::Command;

use generator::config::{self, Dsp, Kind};
use generator::diagnostic::render;
use generator::limits::MAX_PLUGINS;
use generator::source;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use runtime::bundle;
use runtime::limits;

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
    assert_eq!(
        names,
        [
            "WA Gain",
            "WA Gain Inline",
            "WA Filter",
            "WA Delay",
            "WA Tremolo",
            "WA Tremolo Sync",
            "WA Synth",
            "WA Custom",
            "WA Reverb"
        ]
    );
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
    assert_eq!(gain.layouts, [2], "`channels = 2`: one layout");
    let tremolo = &config.plugins[4];
    assert_eq!((tremolo.channels, tremolo.layouts.as_slice()), (1, &[1, 2][..]), "mono or stereo, mono preferred");
    assert_eq!(tremolo.sync, None);
    let synced = &config.plugins[5];
    assert_eq!((synced.dsp, synced.sync), (Dsp::Tremolo, Some(runtime::dsp::NoteValue::new(1, 8))));
    let synced_params: Vec<&str> = synced.params.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(synced_params, ["depth"], "a synced tremolo's rate is its note value, not a parameter");
    assert_eq!(config.plugins[6].kind, Kind::Instrument);
    let custom = &config.plugins[7];
    assert_eq!((custom.dsp, custom.channels, custom.layouts.as_slice()), (Dsp::Custom, 4, &[4, 2][..]));
    assert_eq!((custom.params[0].key.as_str(), custom.params[0].title.as_str()), ("drive", "Drive"));
    assert_eq!((custom.params[0].max, custom.params[0].units.as_str()), (10.0, "x"));
    assert_eq!((custom.params[0].smooth_ms, custom.params[1].key.as_str()), (20.0, "mix"), "typed, smoothed");
    assert_eq!(gain.params[0].smooth_ms, 20.0, "the shipped gain ramps its changes");
    assert_eq!(config.plugins[1].params[0].smooth_ms, runtime::dsp::gain::SMOOTH_MS, "the built-in default");
    let mode = filter.params.iter().find(|p| p.title == "Mode").unwrap();
    assert_eq!((mode.steps, mode.smooth_ms), (2, 0.0), "a choice: stepped, never smoothed");
    let smoothing = |plugin: usize| -> Vec<f64> { config.plugins[plugin].params.iter().map(|p| p.smooth_ms).collect() };
    assert_eq!(smoothing(2), [0.0, 20.0, 20.0], "filter: cutoff and resonance ramp by default");
    assert_eq!(smoothing(3), [0.0, 20.0, 20.0], "delay: feedback and mix ramp, the time never");
    assert_eq!((smoothing(4), smoothing(5)), (vec![20.0, 20.0], vec![20.0]), "tremolo: rate and depth");
    assert_eq!(smoothing(6), [0.0, 0.0, 0.0, 20.0], "synth: the level only");
    let reverb = &config.plugins[8];
    assert_eq!((reverb.dsp, reverb.kind, reverb.layouts.as_slice()), (Dsp::Convolver, Kind::Effect, &[2][..]));
    assert_eq!(reverb.ir.as_ref().map(|ir| ir.path.as_str()), Some("irs/wa-reverb.wav"));
    let keys: Vec<(&str, f64, f64)> = reverb.params.iter().map(|p| (p.key.as_str(), p.default, p.smooth_ms)).collect();
    assert_eq!(keys, [("mix", 0.3, 20.0), ("output", 0.0, 20.0)], "mix and output gain, typed and smoothed");
    let mut ids: Vec<[u32; 4]> = config.plugins.iter().map(|p| p.class_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 9, "every plugin has its own class id");
}

#[test]
fn smooth_ms_is_taken_where_the_kind_smooths_and_refused_elsewhere() {
    for dsp in [Dsp::Gain, Dsp::Filter, Dsp::Delay, Dsp::Tremolo, Dsp::Synth] {
        let kind = if dsp == Dsp::Synth { "instrument" } else { "effect" };
        for (synced, specs) in [(false, dsp.params()), (true, dsp.params_synced(true))] {
            if synced && dsp != Dsp::Tremolo {
                continue;
            }
            for spec in specs {
                let key = spec.title.to_lowercase();
                let source = format!(
                    "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"P\"\nkind = \"{kind}\"\ndsp = \"{}\"\n\
                     sync = {synced}\nchannels = 2\n[plugins.params.{key}]\nsmooth_ms = 7\n",
                    dsp.name()
                );
                let what = format!("{} {key} (synced {synced})", dsp.name());
                match config::parse(&source) {
                    Ok(config) => {
                        assert!(spec.smooth_ms > 0.0, "{what}: accepted though never smoothed");
                        let param = config.plugins[0].params.iter().find(|p| p.id == spec.id).unwrap();
                        assert_eq!(param.smooth_ms, 7.0, "{what}");
                    }
                    Err(errors) => {
                        assert_eq!(spec.smooth_ms, 0.0, "{what}: refused: {errors:?}");
                        let message = &errors[0].message;
                        assert!(
                            message.contains("does not smooth") || message.contains("never smoothed"),
                            "{what}: {message}"
                        );
                    }
                }
            }
        }
    }
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
const VALID: &str = "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"G\"\nkind = \"effect\"\ndsp = \"gain\"\nchannels = 2\nlatency_ms = 50\n[plugins.params.gain]\ndefault = -3.5\n";

/// Whether `c` may not appear in a string a host shows (written out here
/// apart from the generator's own rule): control characters, the line and
/// paragraph separators and the bidirectional controls.
fn breaks_a_host_string(c: char) -> bool {
    c.is_control() || ('\u{2028}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// What an accepted file promises: everything within the limits hosts and
/// the runtime have, and every name a plain file name to the bundle writer.
fn check_accepted(config: &config::Config) -> Result<(), TestCaseError> {
    prop_assert!((1..=MAX_PLUGINS).contains(&config.plugins.len()));
    for p in &config.plugins {
        for (text, max) in [
            (&p.name, limits::MAX_NAME_BYTES),
            (&p.vendor, limits::MAX_VENDOR_BYTES),
            (&p.url, limits::MAX_URL_BYTES),
            (&p.email, limits::MAX_EMAIL_BYTES),
            (&p.version, limits::MAX_VERSION_BYTES),
        ] {
            prop_assert!(text.len() <= max && !text.chars().any(breaks_a_host_string), "{text:?}");
        }
        prop_assert!(bundle::file_name(&p.name, "vst3").is_ok() && bundle::file_name(&p.name, "so").is_ok());
        prop_assert!((limits::MIN_LATENCY_MS..=limits::MAX_LATENCY_MS).contains(&p.latency_ms), "{}", p.latency_ms);
        prop_assert!(!p.layouts.is_empty() && p.layouts[0] == p.channels);
        for (i, n) in p.layouts.iter().enumerate() {
            prop_assert!((1..=limits::MAX_CHANNELS).contains(n) && !p.layouts[..i].contains(n), "{:?}", p.layouts);
        }
        prop_assert!(p.params.len() <= limits::MAX_PARAMS);
        for param in &p.params {
            for (text, max) in
                [(&param.title, limits::MAX_PARAM_TITLE_UTF16), (&param.units, limits::MAX_PARAM_UNITS_UTF16)]
            {
                prop_assert!(text.encode_utf16().count() <= max && !text.chars().any(breaks_a_host_string), "{text:?}");
            }
            prop_assert!((param.max - param.min).is_finite() && param.min < param.max);
            prop_assert!((param.min..=param.max).contains(&param.default));
        }
    }
    Ok(())
}

/// Loads `bytes` as the generator does: accepted within every limit, or
/// refused with every error at its place.
fn check_load(bytes: &[u8]) -> Result<(), TestCaseError> {
    match source::load(bytes) {
        Ok(config) => check_accepted(&config),
        Err(rejected) => {
            let located = located::check_located("fuzz.toml", &rejected.source, &rejected.diagnostics);
            prop_assert_eq!(located, Ok(()));
            Ok(())
        }
    }
}

/// A custom plugin with every key that takes a value from the user.
const TEMPLATE: &str = "[defaults]\nvendor = {VENDOR}\nurl = {URL}\nemail = {EMAIL}\nversion = {VERSION}\n\
    latency_ms = {LATENCY}\n\n[[plugins]]\nname = {NAME}\nkind = \"effect\"\ndsp = \"custom\"\n\
    vendor = {PLUGIN_VENDOR}\nchannels = {CHANNELS}\nlatency_ms = {PLUGIN_LATENCY}\n\
    [plugins.params.{KEY}]\ntitle = {TITLE}\nunits = {UNITS}\nmin = {MIN}\nmax = {MAX}\ndefault = {DEFAULT}\n";

const FIELDS: &[(&str, &str)] = &[
    ("{VENDOR}", "\"V\""),
    ("{URL}", "\"https://example.com\""),
    ("{EMAIL}", "\"a@example.com\""),
    ("{VERSION}", "\"1.0.0\""),
    ("{LATENCY}", "50"),
    ("{NAME}", "\"Plain\""),
    ("{PLUGIN_VENDOR}", "\"V\""),
    ("{CHANNELS}", "2"),
    ("{PLUGIN_LATENCY}", "20"),
    ("{KEY}", "drive"),
    ("{TITLE}", "\"Drive\""),
    ("{UNITS}", "\"x\""),
    ("{MIN}", "0"),
    ("{MAX}", "10"),
    ("{DEFAULT}", "1"),
];

/// A string as a TOML literal: around every length limit, path-like, device
/// names, control and direction characters, anything.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = ["a", "é", "\u{1D11E}", "/", "\\", ".", " ", ":", "\"", "\0", "\n", "\u{1b}", "\u{202E}", "\u{2028}"];
    let lengths = [31, 32, 33, 62, 63, 64, 126, 127, 128, 254, 255, 256, 1000];
    prop_oneof![
        "[a-zA-Z0-9 ._/\\\\:*?\"<>|-]{0,12}",
        proptest::collection::vec(any::<char>(), 0..80).prop_map(String::from_iter),
        proptest::collection::vec(proptest::sample::select(pieces.to_vec()), 1..6).prop_map(|p| p.concat()),
        (proptest::sample::select(lengths.to_vec()), proptest::sample::select(vec!["a", "é", "\u{1D11E}"]))
            .prop_map(|(n, piece)| piece.repeat(n)),
        proptest::sample::select(vec!["con", "Nul.txt", "lpt1", "..", ".", "", "a/b", "/abs", "C:\\x", "x."])
            .prop_map(String::from),
    ]
    .prop_map(|text| toml::Value::String(text).to_string())
}

/// A number as TOML source: tiny, huge, negative, subnormal, not finite; or a
/// list of them.
fn hostile_number() -> impl Strategy<Value = String> {
    let edges = [
        "1e-320",
        "5e-324",
        "0",
        "-0.0",
        "0.5",
        "0.999999",
        "1",
        "8",
        "9",
        "1000",
        "1000.0001",
        "1e308",
        "-1e308",
        "inf",
        "-inf",
        "nan",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
    ];
    prop_oneof![
        any::<f64>().prop_map(|x| if x.is_finite() { format!("{x:e}") } else { "inf".into() }),
        any::<i64>().prop_map(|n| n.to_string()),
        proptest::sample::select(edges.to_vec()).prop_map(String::from),
        // Lists, as `channels` takes them.
        proptest::collection::vec(proptest::sample::select(edges.to_vec()), 0..4)
            .prop_map(|items| format!("[{}]", items.join(", "))),
    ]
}

/// A parameter name: long identifiers past the title limit, or anything quoted.
fn hostile_key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9_]{0,140}", hostile_text()]
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_refused_at_a_place_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_load(&bytes)?;
    }

    #[test]
    fn mutated_bytes_are_refused_at_a_place_never_a_panic(
        edits in proptest::collection::vec((0..VALID.len(), any::<u8>(), 0_u8..3), 1..6),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len());
            match op {
                0 if at < bytes.len() => { bytes.remove(at); }
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => bytes[at] = byte,
                _ => {}
            }
        }
        check_load(&bytes)?;
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
        check_load(source.as_bytes())?;
    }
}

proptest! {
    // Most cases change one value; many cases, so each rule meets its edge.
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn hostile_values_are_refused_at_their_place_or_fit_every_limit(
        overrides in proptest::collection::vec(
            (0..FIELDS.len(), prop_oneof![3 => hostile_text(), 2 => hostile_number(), 1 => hostile_key()]),
            1..3,
        ),
    ) {
        let mut values: Vec<String> = FIELDS.iter().map(|(_, valid)| valid.to_string()).collect();
        for (field, value) in overrides {
            values[field] = value;
        }
        let mut source = TEMPLATE.to_string();
        for ((key, _), value) in FIELDS.iter().zip(&values) {
            source = source.replace(key, value);
        }
        check_load(source.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_number_of_plugins_and_parameters_is_accepted_within_the_limits_only(
        plugins in 0_usize..MAX_PLUGINS + 20,
        params in 0_usize..limits::MAX_PARAMS + 20,
    ) {
        let mut source = String::from("[defaults]\nvendor = \"V\"\n");
        for i in 0..plugins {
            source += &format!("[[plugins]]\nname = \"P{i}\"\nkind = \"effect\"\ndsp = \"custom\"\n");
            if i == 0 {
                source.extend((0..params).map(|k| format!("[plugins.params.p{k}]\n")));
            }
        }
        let within = (1..=MAX_PLUGINS).contains(&plugins) && params <= limits::MAX_PARAMS;
        prop_assert_eq!(source::load(source.as_bytes()).is_ok(), within);
        check_load(source.as_bytes())?;
    }

    /// The binary, as a user runs it: whatever the bytes, exit 0, or exit 1
    /// with nothing on stderr but errors placed at FILE:LINE:COLUMN. (This is
    /// where an error that never became a diagnostic would show.)
    #[test]
    fn every_error_the_binary_prints_has_a_place(
        edits in proptest::collection::vec((0..VALID.len(), any::<u8>()), 0..3),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in edits {
            bytes.insert(at.min(bytes.len()), byte);
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("config-fuzz");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fuzz.toml"), &bytes).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_generator"))
            .args(["validate", "--config", "fuzz.toml"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => prop_assert!(stderr.is_empty(), "{stderr}"),
            Some(1) => {
                let checked = located::check_rendering("fuzz.toml", &String::from_utf8_lossy(&bytes), stderr.trim_end());
                prop_assert!(checked.is_ok(), "{:?}\n{stderr}", checked);
            }
            other => prop_assert!(false, "exit {other:?}: {stderr}"),
        }
    }
}

/// The place check itself: it passes a real rendering and fails one where an
/// error has no place, a place outside the file, or no line and caret.
#[test]
fn the_place_check_catches_an_error_without_a_place() {
    let source = fixture("all_errors.toml");
    let errors = config::parse(&source).unwrap_err();
    let shown = render("all_errors.toml", &source, &errors);
    assert_eq!(located::check_rendering("all_errors.toml", &source, &shown), Ok(errors.len()));
    let first_place = shown.lines().nth(1).unwrap().to_string();
    let broken = [
        shown.replacen(&format!("{first_place}\n"), "", 1),
        format!("error: cannot read all_errors.toml: stream did not contain valid UTF-8\n\n{shown}"),
        shown.replacen("all_errors.toml:3:14", "all_errors.toml:999:1", 1),
        shown.replacen("all_errors.toml:3:14", "all_errors.toml:3:99", 1),
        shown.replacen("              ^\n", "\n", 1),
    ];
    for (i, text) in broken.iter().enumerate() {
        assert_ne!(text, &shown, "case {i} changes the rendering");
        assert!(located::check_rendering("all_errors.toml", &source, text).is_err(), "case {i}:\n{text}");
    }
    let mut nowhere = errors.clone();
    nowhere[0].span = source.len() + 1..source.len() + 2;
    assert!(located::check_located("all_errors.toml", &source, &nowhere).is_err(), "a span past the end");
}

#[test]
fn duplicate_names_and_class_ids_are_refused() {
    insta::assert_snapshot!(diagnostics("duplicates.toml"));
}

#[test]
fn an_adaptive_latency_starts_at_the_default_and_grows_up_to_its_ceiling() {
    let source = |latency: &str| {
        format!(
            "[defaults]\nvendor = \"V\"\n{latency}\n\n[[plugins]]\nname = \"A\"\nkind = \"effect\"\ndsp = \"gain\"\n"
        )
    };
    let plugin =
        |text: &str| config::parse(&source(text)).map(|c| (c.plugins[0].latency_ms, c.plugins[0].latency_ceiling_ms));
    assert_eq!(plugin("latency_ms = \"auto\""), Ok((50.0, Some(generator::latency::DEFAULT_CEILING_MS))));
    assert_eq!(plugin("latency_ms = \"auto\"\nlatency_max_ms = 120"), Ok((50.0, Some(120.0))));
    assert_eq!(plugin("latency_ms = 30"), Ok((30.0, None)));
    for (text, problem) in [
        ("latency_ms = \"fast\"", "must be a number of milliseconds or \"auto\""),
        ("latency_ms = 30\nlatency_max_ms = 120", "only for an adaptive latency"),
        ("latency_max_ms = 120", "only for an adaptive latency"),
        ("latency_ms = \"auto\"\nlatency_max_ms = 40", "must be above 50 ms"),
        ("latency_ms = \"auto\"\nlatency_max_ms = 2000", "above the maximum"),
    ] {
        let errors = config::parse(&source(text)).expect_err(text);
        assert!(errors.iter().any(|e| e.message.contains(problem)), "{text}: {errors:?}");
    }
}

#[test]
fn formats_default_to_both_and_are_validated_like_every_key() {
    use generator::formats::Formats;
    let source = |defaults: &str, plugin: &str| {
        format!(
            "[defaults]\nvendor = \"V\"\n{defaults}\n\n[[plugins]]\nname = \"A\"\nkind = \"effect\"\ndsp = \"gain\"\n{plugin}\n"
        )
    };
    let formats = |defaults: &str, plugin: &str| config::parse(&source(defaults, plugin)).map(|c| c.plugins[0].formats);
    let (both, vst3, clap) =
        (Formats { vst3: true, clap: true }, Formats { vst3: true, clap: false }, Formats { vst3: false, clap: true });
    assert_eq!(formats("", ""), Ok(both), "both by default");
    assert_eq!(formats("", "formats = [\"clap\"]"), Ok(clap));
    assert_eq!(formats("formats = [\"vst3\"]", ""), Ok(vst3), "from [defaults]");
    assert_eq!(formats("formats = [\"vst3\"]", "formats = [\"clap\", \"vst3\"]"), Ok(both), "the plugin's wins");
    assert_eq!(clap.extensions(), ["clap"]);
    for (defaults, plugin, place, problem, hint) in [
        ("", "formats = [\"au\"]", "9:12", "unknown format `au`", "use vst3 or clap"),
        ("", "formats = [\"clap\", \"clap\"]", "9:20", "this format is listed twice", "list each format once"),
        ("", "formats = []", "9:11", "no format: the plugin would not be built", "formats = [\"vst3\", \"clap\"]"),
        ("formats = \"vst3\"", "", "3:11", "`formats` must be a list of format names", "one of them alone"),
        ("formats = [3]", "", "3:12", "a format is a string", "(the default)"),
    ] {
        let text = source(defaults, plugin);
        let errors = config::parse(&text).expect_err(plugin);
        let shown = render("f.toml", &text, &errors);
        assert_eq!(errors.len(), 1, "{shown}");
        assert!(shown.contains(&format!("--> f.toml:{place}")), "{shown}");
        assert!(shown.contains(problem) && shown.contains(hint), "{shown}");
    }
}

#[test]
fn the_editor_keys_default_to_a_generic_editor_without_meter_parameters() {
    use generator::editor::{EditorChoice, EditorKind};
    let source = |defaults: &str, plugin: &str| {
        format!(
            "[defaults]\nvendor = \"V\"\n{defaults}\n\n[[plugins]]\nname = \"A\"\nkind = \"effect\"\ndsp = \"gain\"\n{plugin}\n"
        )
    };
    let editor = |defaults: &str, plugin: &str| config::parse(&source(defaults, plugin)).map(|c| c.plugins[0].editor);
    let generic = EditorChoice { kind: EditorKind::Generic, size: None, meter_params: false };
    assert_eq!(editor("", ""), Ok(generic), "the default");
    assert_eq!(editor("", "editor = \"custom\""), Ok(EditorChoice { kind: EditorKind::Custom, ..generic }));
    assert_eq!(editor("editor = \"none\"", ""), Ok(EditorChoice { kind: EditorKind::None, ..generic }));
    assert_eq!(editor("editor = \"none\"", "editor = \"generic\""), Ok(generic), "the plugin's wins");
    assert_eq!(editor("editor_size = [600, 400]", ""), Ok(EditorChoice { size: Some((600, 400)), ..generic }));
    assert_eq!(editor("", "meter_params = true"), Ok(EditorChoice { meter_params: true, ..generic }));
    let (min, max) = (limits::EDITOR_MIN_SIZE, limits::EDITOR_MAX_SIZE);
    assert!(editor("", &format!("editor_size = [{}, {}]", min.0, max.1)).is_ok(), "the limits are inside");
    for (defaults, plugin, place, problem) in [
        ("", "editor = \"web\"", "9:10", "unknown editor `web`"),
        ("", "editor = true", "9:10", "`editor` must be a string"),
        ("", "editor_size = [800]", "9:15", "`editor_size` must be two whole numbers"),
        ("", "editor_size = \"800x600\"", "9:15", "`editor_size` must be [width, height]"),
        ("", &format!("editor_size = [{}, 300]", min.0 - 1), "9:15", "is out of range"),
        ("", &format!("editor_size = [300, {}]", max.1 + 1), "9:15", "is out of range"),
        ("editor_size = [500, 300]", "editor = \"none\"", "3:15", "`editor_size` does nothing with editor = \"none\""),
        ("meter_params = 1", "", "3:16", "`meter_params` must be true or false"),
    ] {
        let text = source(defaults, plugin);
        let errors = config::parse(&text).expect_err(plugin);
        let shown = render("f.toml", &text, &errors);
        assert_eq!(errors.len(), 1, "{shown}");
        assert!(shown.contains(&format!("--> f.toml:{place}")), "{shown}");
        assert!(shown.contains(problem) && shown.contains("= hint:"), "{shown}");
    }
}

/// Hosts save parameter values by id: an id must not move when plugins.toml
/// gains, loses or reorders parameters or changes a default, for a custom
/// DSP (ids derived from the names) and a built-in kind (the kind's own ids,
/// whatever overrides are written, in whatever order).
#[test]
fn parameter_ids_survive_adding_removing_and_reordering() {
    let ids = |params: &str| -> Vec<(String, u32)> {
        let source = format!("[defaults]\nvendor = \"V\"\n{params}");
        let config = config::parse(&source).unwrap_or_else(|e| panic!("{}", render("t.toml", &source, &e)));
        let mut ids: Vec<(String, u32)> = config
            .plugins
            .iter()
            .flat_map(|p| p.params.iter().map(|q| (format!("{}.{}", p.slug, q.key), q.id)))
            .collect();
        ids.sort();
        ids
    };
    let before = ids("[[plugins]]\nname = \"C\"\nkind = \"effect\"\ndsp = \"custom\"\n\
         [plugins.params.drive]\n[plugins.params.mix]\n[plugins.params.tone]\n\
         [[plugins]]\nname = \"F\"\nkind = \"effect\"\ndsp = \"filter\"\n\
         [plugins.params.cutoff]\ndefault = 800\n[plugins.params.resonance]\ndefault = 2");
    let after = ids("[[plugins]]\nname = \"C\"\nkind = \"effect\"\ndsp = \"custom\"\n\
         [plugins.params.tone]\ndefault = 0.5\n[plugins.params.extra]\n[plugins.params.drive]\n\
         [[plugins]]\nname = \"F\"\nkind = \"effect\"\ndsp = \"filter\"\n\
         [plugins.params.resonance]\ndefault = 3\n[plugins.params.mode]\ndefault = 1");
    let kept: Vec<&(String, u32)> = before.iter().filter(|(key, _)| key != "c.mix").collect();
    for (key, id) in kept {
        assert_eq!(after.iter().find(|(k, _)| k == key).map(|(_, id)| *id), Some(*id), "{key}");
    }
    let filter: Vec<u32> = after.iter().filter(|(k, _)| k.starts_with("f.")).map(|(_, id)| *id).collect();
    let kind: Vec<u32> = runtime::dsp::filter::PARAMS.iter().map(|spec| spec.id).collect();
    assert_eq!(filter.len(), kind.len());
    assert!(filter.iter().all(|id| kind.contains(id)), "a built-in kind's ids are the kind's own");
}

#[test]
fn presets_are_read_in_the_plugins_units_and_checked_against_its_parameters() {
    let source = |presets: &str| {
        format!(
            "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"F\"\nkind = \"effect\"\ndsp = \"filter\"\n{presets}\n"
        )
    };
    let presets = |text: &str| config::parse(&source(text)).map(|c| c.plugins[0].presets.clone());
    let filter = config::parse(&source("")).unwrap().plugins[0].params.clone();
    let id = |key: &str| filter.iter().find(|p| p.key == key).unwrap().id;
    assert_eq!(presets(""), Ok(Vec::new()), "none by default");
    let read = presets("[[plugins.presets]]\nname = \"Warm\"\nresonance = 2\ncutoff = 800\n[[plugins.presets]]\nname = \"Off\"\nbypass = true")
        .unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].name, "Warm");
    assert_eq!(read[0].values, vec![(id("resonance"), 2.0), (id("cutoff"), 800.0)], "in the order written");
    assert_eq!(read[1].values, vec![(runtime::plugin::BYPASS_PARAM_ID, 1.0)]);
    let many: String = (0..=runtime::limits::MAX_PRESETS)
        .map(|i| format!("[[plugins.presets]]\nname = \"P{i}\"\ncutoff = 800\n"))
        .collect();
    for (presets, place, problem) in [
        ("presets = 3", "8:11", "`presets` must be a list of tables"),
        ("[[plugins.presets]]\ncutoff = 800", "8:1", "missing `name` in a preset"),
        ("[[plugins.presets]]\nname = \"A\"", "8:1", "this preset sets no parameter"),
        ("[[plugins.presets]]\nname = \"A\"\nq = 1", "10:1", "the plugin has no parameter `q`"),
        ("[[plugins.presets]]\nname = \"A\"\ncutoff = 1", "10:10", "cutoff = 1 is outside its range"),
        ("[[plugins.presets]]\nname = \"A\"\nmode = 0.5", "10:8", "mode = 0.5 is between its steps"),
        ("[[plugins.presets]]\nname = \"A\"\ncutoff = \"high\"", "10:10", "`cutoff` must be a finite number"),
        ("[[plugins.presets]]\nname = \"A\"\nbypass = 1", "10:10", "`bypass` must be true or false"),
        (
            "[[plugins.presets]]\nname = \"A\"\ncutoff = 800\n[[plugins.presets]]\nname = \"a\"\ncutoff = 900",
            "12:8",
            "two presets are named `a`",
        ),
        ("[[plugins.presets]]\nname = \"\"\ncutoff = 800", "9:8", "empty"),
        (many.as_str(), "", "more than 128 presets"),
    ] {
        let text = source(presets);
        let errors = config::parse(&text).expect_err(presets);
        let shown = render("f.toml", &text, &errors);
        assert_eq!(errors.len(), 1, "{shown}");
        assert!(shown.contains(&format!("--> f.toml:{place}")), "{shown}");
        assert!(shown.contains(problem) && shown.contains("= hint:"), "{shown}");
    }
}

/// Every plugins.toml example in the book and the README is a file the
/// generator accepts (with a vendor added where the example leaves
/// `[defaults]` out), so a user who copies one gets a plugin, not an error.
#[test]
fn the_documentations_plugins_toml_examples_are_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let book = root.join("docs/book/src");
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(&book).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.push(root.join("README.md"));
    files.sort();
    let mut checked = 0;
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(file).unwrap();
        for block in text.split("```toml\n").skip(1).map(|rest| rest.split("```").next().unwrap()) {
            if !block.contains("[[plugins]]") {
                continue;
            }
            let source = if block.contains("[defaults]") {
                block.to_string()
            } else {
                format!("[defaults]\nvendor = \"V\"\n{block}")
            };
            if let Err(errors) = config::parse(&source) {
                panic!("{}:\n{}", file.display(), render("example.toml", &source, &errors));
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "the examples were found: {checked}");
}

#[test]
fn named_values_make_a_stepped_parameter_and_presets_may_use_them() {
    let source = |params: &str| {
        format!(
            "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"C\"\nkind = \"effect\"\ndsp = \"custom\"\n{params}\n"
        )
    };
    let shape = |params: &str| config::parse(&source(params)).map(|c| c.plugins[0].params[0].clone());
    let param = shape("[plugins.params.shape]\nvalues = [\"Soft\", \"Hard\", \"Fold\"]\nmax = 2").unwrap();
    assert_eq!((param.steps, param.value_names.clone()), (2, vec!["Soft".into(), "Hard".into(), "Fold".into()]));
    let param = shape("[plugins.params.shape]\nvalues = [\"Soft\", \"Hard\"]\nsteps = 1").unwrap();
    assert_eq!(param.steps, 1, "steps may be given when it agrees");
    let filter = config::parse(
        "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"F\"\nkind = \"effect\"\ndsp = \"filter\"\n\
         [[plugins.presets]]\nname = \"B\"\nmode = \"band-pass\"",
    )
    .unwrap();
    let mode = filter.plugins[0].params.iter().find(|p| p.key == "mode").unwrap();
    assert_eq!(mode.value_names, ["Low-pass", "High-pass", "Band-pass"], "a built-in kind's names");
    assert_eq!(filter.plugins[0].presets[0].values, vec![(mode.id, 2.0)], "a preset names a value, any case");
    for (params, place, problem) in [
        ("[plugins.params.shape]\nvalues = \"Soft\"", "9:10", "`values` must be a list of names"),
        ("[plugins.params.shape]\nvalues = [\"Soft\"]", "9:10", "`values` lists 1 names"),
        ("[plugins.params.shape]\nvalues = [\"Soft\", 2]", "9:19", "a value's name is a string"),
        ("[plugins.params.shape]\nvalues = [\"Soft\", \" \"]", "9:19", "a value's name is empty"),
        ("[plugins.params.shape]\nvalues = [\"Soft\", \"soft\"]", "9:19", "`soft` is listed twice"),
        ("[plugins.params.shape]\nvalues = [\"A\", \"B\"]\nsteps = 2", "9:10", "2 names for the 3 values of `shape`"),
        (
            "[plugins.params.shape]\nvalues = [\"A\", \"B\"]\n[[plugins.presets]]\nname = \"P\"\nshape = \"C\"",
            "12:9",
            "`shape` has no value named `C`",
        ),
    ] {
        let text = source(params);
        let errors = config::parse(&text).expect_err(params);
        let shown = render("f.toml", &text, &errors);
        assert_eq!(errors.len(), 1, "{shown}");
        assert!(shown.contains(&format!("--> f.toml:{place}")), "{shown}");
        assert!(shown.contains(problem) && shown.contains("= hint:"), "{shown}");
    }
}
