//! The `generator` binary as a user runs it.

use std::process::Command;

fn generator(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator")).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

#[test]
fn validate_accepts_the_shipped_plugins_toml() {
    let (code, stdout, _) = generator(&["validate"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok: ")).count(), 9);
}

#[test]
fn validate_reports_file_line_and_column_and_fails() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/duplicates.toml");
    let (code, stdout, stderr) = generator(&["validate", "--config", fixture]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--> tests/fixtures/duplicates.toml:11:8"), "{stderr}");
    // Shown relative to the working directory (cargo runs tests in the crate).
    assert!(stderr.contains("2 errors in tests/fixtures/duplicates.toml"), "{stderr}");
}

#[test]
fn usage_problems_exit_2_with_the_usage() {
    for args in [&["validate", "--config"][..], &["frobnicate"], &["render", "--verbose"], &["--plugin"]] {
        let (code, stdout, stderr) = generator(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains("usage: cargo run -p generator"), "{args:?}: {stderr}");
    }
    let (code, stdout, _) = generator(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("check      exit 1 if plugins/ is not what plugins.toml renders"), "{stdout}");
}

#[test]
fn an_unknown_plugin_name_lists_the_known_ones() {
    let (code, _, stderr) = generator(&["validate", "--plugin", "WA Gian"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no plugin `WA Gian` in /") // the workspace's file, found from tests' working directory
            && stderr.contains("/plugins.toml; there are: WA Gain, WA Gain Inline, WA Filter"),
        "{stderr}"
    );
    let (code, stdout, _) = generator(&["validate", "--plugin", "wa-delay", "--plugin", "WA Synth"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.lines().map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>(),
        ["ok: WA Delay", "ok: WA Synth"]
    );
}

#[test]
fn the_shipped_plugins_folder_is_up_to_date_with_plugins_toml() {
    let (code, stdout, stderr) = generator(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("is up to date with plugins.toml (9 crates)"), "{stdout}");
}
