//! The example plugin in real VST3 hosts from PyPI (pedalboard, DawDreamer,
//! minihost), run from the virtualenv `scripts/test.sh` creates. Each check
//! script asserts sample values and positions and exits non-zero on failure.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{bundles, instrument_bundle, python};

fn run_check(script: &str) {
    let (buffered, unbuffered) = bundles();
    run_script(script, &[buffered, unbuffered]);
}

fn run_script(script: &str, bundles: &[&PathBuf]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hosts");
    let output = Command::new("timeout")
        .arg("300")
        .arg(python())
        .arg(dir.join(script))
        .args(bundles)
        .current_dir(&dir)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "{script} failed ({}):\n{stdout}\n{stderr}", output.status);
}

#[test]
fn pedalboard_offline_with_latency_compensation() {
    run_check("pedalboard_check.py");
}

#[test]
fn dawdreamer_without_latency_compensation() {
    run_check("dawdreamer_check.py");
}

#[test]
fn minihost_unpaced_realtime_offline_double_and_state() {
    run_check("minihost_check.py");
}

#[test]
fn minihost_note_on_lands_at_k_plus_latency() {
    run_script("minihost_midi_check.py", &[instrument_bundle()]);
}
