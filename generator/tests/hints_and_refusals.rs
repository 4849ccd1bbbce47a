//! What the generator says, as a user reads it: counts in the right number,
//! hints that name the file the user gave and advice that works (a stale
//! custom crate is the user's to clear: `render` leaves it), and plugins.toml
//! settings that would do nothing or clash refused at their place.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config;
use generator::diagnostic::render;

/// A fresh folder with `toml` as its plugins.toml.
fn scratch(name: &str, toml: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hints").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plugins.toml"), toml).unwrap();
    dir
}

/// Runs the generator with `--config dir/plugins.toml`: (exit code, stdout, stderr).
fn generator(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .arg("--config")
        .arg(dir.join("plugins.toml"))
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

const ONE_CUSTOM: &str = r#"[defaults]
vendor = "Hint Audio"

[[plugins]]
name = "Hint Custom"
kind = "effect"
dsp = "custom"
[plugins.params.drive]
default = 0.5
"#;

const ONE_GAIN: &str = r#"[defaults]
vendor = "Hint Audio"

[[plugins]]
name = "Hint Gain"
kind = "effect"
dsp = "gain"
"#;

#[test]
fn one_crate_is_one_crate() {
    let dir = scratch("one", ONE_GAIN);
    let (code, stdout, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("rendered 1 crate into "), "{stdout}");
    assert!(stdout.contains(": 2 files written, 0 up to date"), "{stdout}");
    let (code, stdout, _) = generator(&dir, &["check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("is up to date with plugins.toml (1 crate)"), "{stdout}");
}

#[test]
fn a_stale_custom_crate_gets_advice_that_works_not_render() {
    let dir = scratch("stale-custom", ONE_CUSTOM);
    assert_eq!(generator(&dir, &["render"]).0, 0);
    // The custom plugin leaves plugins.toml; its dsp.rs is the user's.
    std::fs::write(dir.join("plugins.toml"), ONE_GAIN).unwrap();
    assert_eq!(generator(&dir, &["render"]).0, 0, "renders the gain, leaves the custom crate");
    let (code, _, stderr) = generator(&dir, &["check"]);
    assert_eq!(code, 1, "the stale crate is still there: {stderr}");
    assert!(!stderr.contains("-- render"), "render would change nothing, so check must not advise it: {stderr}");
    let folder = dir.join("plugins/hint-custom");
    let advice =
        format!("hint: hint-custom/ is yours to clear: move the files you want to keep out of {}", folder.display());
    assert!(stderr.contains(&advice), "{advice:?} in\n{stderr}");
    // Following the advice makes check pass.
    std::fs::remove_dir_all(&folder).unwrap();
    let (code, _, stderr) = generator(&dir, &["check"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn hints_and_messages_name_the_config_the_user_gave() {
    let dir = scratch("named config", ONE_GAIN);
    let config = dir.join("plugins.toml");
    let (code, _, stderr) = generator(&dir, &["check"]);
    assert_eq!(code, 1);
    // The folder has a space: the hint quotes it so it can be pasted.
    let hint = format!("hint: run `cargo run -p generator -- render --config '{}'`", config.display());
    assert!(stderr.contains(&hint), "{hint:?} in\n{stderr}");
    let (code, _, stderr) = generator(&dir, &["validate", "--plugin", "Hint Gian"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("no plugin `Hint Gian` in {}; there are: Hint Gain", config.display())),
        "{stderr}"
    );
}

/// The diagnostics `source` gets, rendered as the generator prints them.
fn refused(source: &str) -> String {
    let errors = config::parse(source).expect_err("refused");
    render("plugins.toml", source, &errors)
}

#[test]
fn a_latency_without_buffering_is_refused_where_it_is_set() {
    let source = "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"Inline\"\nkind = \"effect\"\ndsp = \"gain\"\n\
                  buffering = false\nlatency_ms = 35\n";
    let shown = refused(source);
    assert!(shown.starts_with("error: `latency_ms` does nothing with buffering = false"), "{shown}");
    assert!(shown.contains("--> plugins.toml:9:14"), "{shown}");
    assert!(shown.contains("hint: without buffering the DSP runs inline and adds no latency"), "{shown}");
    // Off by default for all, on for one: the defaults' latency is that one's.
    let defaults = "[defaults]\nvendor = \"V\"\nlatency_ms = 35\nbuffering = false\n\n[[plugins]]\nname = \"A\"\n\
                    kind = \"effect\"\ndsp = \"gain\"\n\n[[plugins]]\nname = \"B\"\nkind = \"effect\"\ndsp = \"gain\"\n\
                    buffering = true\n";
    let parsed = config::parse(defaults).expect("a default latency is fine");
    assert_eq!((parsed.plugins[1].buffering, parsed.plugins[1].latency_ms), (true, 35.0));
    let adaptive = source.replace("latency_ms = 35", "latency_ms = \"auto\"\nlatency_max_ms = 200");
    let shown = refused(&adaptive);
    assert!(shown.contains("`latency_ms` does nothing with buffering = false"), "{shown}");
    assert!(shown.contains("`latency_max_ms` does nothing with buffering = false"), "{shown}");
}

#[test]
fn a_custom_parameter_cannot_be_another_bypass() {
    let base = "[defaults]\nvendor = \"V\"\n\n[[plugins]]\nname = \"Mine\"\nkind = \"effect\"\ndsp = \"custom\"\n";
    let shown = refused(&format!("{base}[plugins.params.bypass]\ndefault = 0\n"));
    assert!(shown.starts_with("error: parameter name `bypass` is taken"), "{shown}");
    assert!(shown.contains("--> plugins.toml:8:17"), "{shown}");
    assert!(shown.contains("hint: every plugin has a built-in Bypass"), "{shown}");
    let shown = refused(&format!("{base}[plugins.params.skip]\ntitle = \"Bypass\"\n"));
    assert!(shown.starts_with("error: the title `Bypass` is taken"), "{shown}");
    assert!(shown.contains("--> plugins.toml:9:9"), "{shown}");
    config::parse(&format!("{base}[plugins.params.bypass_amount]\ndefault = 0\n")).expect("other names are fine");
}
