//! Builds the example plugin (buffered and unbuffered) and bundles both, once
//! per test binary, in both formats: a `.vst3` bundle and a `.clap` file of
//! the same library.
#![allow(dead_code)]

pub mod baseline_window;
pub mod leaks;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use runtime::bundle::{arch_dir, write_bundle, write_clap};
use runtime::plugin::PluginInfo;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Builds the plugin with `features` in release mode and bundles it as `info`.
fn build_bundle(info: &PluginInfo, features: &[&str]) -> PathBuf {
    let target = workspace().join("target/plugin-builds");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "example-plugin", "--target-dir"])
        .arg(&target)
        .args(features.iter().flat_map(|f| ["--features", f]))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the example plugin failed");
    let (dir, library) = (workspace().join("target/test-bundles"), target.join("release/libexample_plugin.so"));
    write_clap(&dir, info, &library).expect(".clap written");
    write_bundle(&dir, info, &library).expect("bundle written")
}

/// `(buffered, unbuffered)` bundle paths.
pub fn bundles() -> &'static (PathBuf, PathBuf) {
    static BUNDLES: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        // One at a time: both builds share a target directory.
        let buffered = build_bundle(&example_plugin::BUFFERED, &[]);
        let unbuffered = build_bundle(&example_plugin::UNBUFFERED, &["unbuffered"]);
        (buffered, unbuffered)
    })
}

/// The note probe instrument's bundle.
pub fn instrument_bundle() -> &'static PathBuf {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    // Built after the effects, which it would otherwise overwrite mid-copy.
    let _ = bundles();
    BUNDLE.get_or_init(|| build_bundle(&example_plugin::NOTE_PROBE, &["instrument"]))
}

/// The adaptive-latency gain's bundle.
pub fn adaptive_bundle() -> &'static PathBuf {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    // Built after the others, which share its target directory.
    let _ = instrument_bundle();
    BUNDLE.get_or_init(|| build_bundle(&example_plugin::ADAPTIVE, &["adaptive"]))
}

/// The gain with a panicking editor's bundle.
pub fn panicking_editor_bundle() -> &'static PathBuf {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    // Built after the others, which share its target directory.
    let _ = adaptive_bundle();
    BUNDLE.get_or_init(|| build_bundle(&example_plugin::PANICKING_EDITOR, &["panicking-editor"]))
}

/// The Python with the pinned hosts: `HOSTS_PYTHON`, or the test command's venv.
pub fn python() -> PathBuf {
    let python = std::env::var_os("HOSTS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/venv/bin/python"));
    assert!(
        python.exists(),
        "no Python with the host packages at {}: run scripts/test.sh, which creates it",
        python.display()
    );
    python
}

/// The shared library inside a bundle.
pub fn library(bundle: &Path, info: &PluginInfo) -> PathBuf {
    bundle.join("Contents").join(arch_dir()).join(format!("{}.so", info.name))
}

/// The `.clap` file built next to a plugin's `.vst3` bundle (call one of the
/// bundle functions first).
pub fn clap_file(info: &PluginInfo) -> PathBuf {
    workspace().join("target/test-bundles").join(format!("{}.clap", info.name))
}

/// The environment variable that marks a test binary run by [`alone`].
const ALONE: &str = "WRITEAHEAD_TEST_ALONE";

/// Runs the test `name` of this test binary by itself, in a child process with
/// one test thread (libtest then runs it on the main thread), so that counts
/// of this process's threads see only what the test made. Returns true in
/// the child, which runs the test's body; in the parent, asserts that the
/// child passed (showing what it printed) and returns false.
pub fn alone(name: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .expect("the test binary runs again");
    let (stdout, stderr) = (String::from_utf8_lossy(&child.stdout), String::from_utf8_lossy(&child.stderr));
    assert!(child.status.success(), "{name}, run alone:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{name} ran alone:\n{stdout}");
    print!("{stdout}");
    false
}
