//! Formats generated Rust with the workspace's style, so that `cargo fmt
//! --check` stays clean over `plugins/` however long a plugin's strings are.

use std::io::Write;
use std::process::{Command, Stdio};

/// The workspace's `rustfmt.toml`, named explicitly. Without it rustfmt reads
/// a `rustfmt.toml` from its working directory or a folder above it, else the
/// user's own (`~/.config/rustfmt/`), and the generated files would depend
/// on where and by whom the generator runs.
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../rustfmt.toml");

/// `source` formatted by `rustfmt` (from `$RUSTFMT`, else the toolchain's).
pub fn format(source: &str) -> Result<String, String> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet", "--config-path", CONFIG])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run `{rustfmt}` ({err}); install it with `rustup component add rustfmt`"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    // Written from another thread: rustfmt may fill its stdout pipe before it
    // has read all of stdin.
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|err| format!("rustfmt failed: {err}"))?;
    writer.join().map_err(|_| "rustfmt input thread panicked")?.map_err(|err| format!("rustfmt input: {err}"))?;
    if !output.status.success() {
        return Err(format!("rustfmt rejected generated code:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8(output.stdout).map_err(|_| "rustfmt wrote invalid UTF-8".into())
}
