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
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok: ")).count(), 7);
}

#[test]
fn validate_reports_file_line_and_column_and_fails() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/duplicates.toml");
    let (code, stdout, stderr) = generator(&["validate", "--config", fixture]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--> duplicates.toml:11:8"), "{stderr}");
    assert!(stderr.contains("2 errors in duplicates.toml"), "{stderr}");
}

#[test]
fn unfinished_commands_say_so_instead_of_pretending() {
    let (code, _, stderr) = generator(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not implemented"), "{stderr}");
    let (code, _, stderr) = generator(&["validate", "--config"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("usage"), "{stderr}");
}
