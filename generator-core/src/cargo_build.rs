//! Builds plugin crates with Cargo in release mode and finds their libraries
//! in Cargo's JSON messages (so a custom `--target-dir`, `CARGO_TARGET_DIR` or
//! build target is followed rather than guessed).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The Cargo that runs the generator (`cargo run` sets `CARGO`), else `cargo`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds `packages` in the workspace at `root`; returns each one's shared
/// library. Compiler messages go to the terminal as Cargo renders them.
pub fn build(root: &Path, packages: &[&str]) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut command = cargo();
    command.current_dir(root).args(["build", "--release", "--message-format=json-render-diagnostics"]);
    for package in packages {
        command.args(["-p", package]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let stdout = child.stdout.take().ok_or("cargo has no stdout")?;
    let mut libraries = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|err| format!("reading cargo's output: {err}"))?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        if let Some((package, library)) = cdylib_artifact(&message)
            && packages.contains(&package.as_str())
        {
            libraries.insert(package, library);
        }
    }
    let status = child.wait().map_err(|err| format!("waiting for cargo: {err}"))?;
    if !status.success() {
        return Err("cargo build failed (its messages are above)".into());
    }
    if let Some(missing) = packages.iter().find(|p| !libraries.contains_key(**p)) {
        return Err(format!("cargo built `{missing}` but reported no shared library for it"));
    }
    Ok(libraries)
}

/// `(package name, .so path)` from a `compiler-artifact` message of a cdylib.
fn cdylib_artifact(message: &Value) -> Option<(String, PathBuf)> {
    if message["reason"] != "compiler-artifact" {
        return None;
    }
    let kinds = message["target"]["kind"].as_array()?;
    if !kinds.iter().any(|kind| kind == "cdylib") {
        return None;
    }
    // A generated crate's package name is its folder's name in plugins/.
    let manifest = message["manifest_path"].as_str()?;
    let package = Path::new(manifest).parent()?.file_name()?.to_string_lossy().into_owned();
    let library = message["filenames"].as_array()?.iter().filter_map(Value::as_str).find(|f| f.ends_with(".so"))?;
    Some((package, PathBuf::from(library)))
}

/// Cargo's target directory for the workspace at `root`.
pub fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let output = cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot run cargo metadata: {err}"))?;
    if !output.status.success() {
        return Err("cargo metadata failed (its message is above)".into());
    }
    let metadata: Value =
        serde_json::from_slice(&output.stdout).map_err(|err| format!("cargo metadata printed no JSON: {err}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".into())
}
