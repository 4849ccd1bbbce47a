//! Every plugin of the shipped plugins.toml in the real hosts from PyPI
//! (pedalboard, DawDreamer, minihost), from the virtualenv `scripts/test.sh`
//! creates: each host's output must equal the plugin's DSP run directly, at
//! the position that host's latency handling puts it.

mod e2e;

use std::path::PathBuf;
use std::process::Command;

use e2e::{noise, reference, shipped, test_notes, workspace};
use generator::config::Kind;

const RATE: f64 = 48_000.0;

/// The Python with the pinned hosts: `HOSTS_PYTHON`, or the test command's venv.
fn python() -> PathBuf {
    let python = std::env::var_os("HOSTS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/venv/bin/python"));
    assert!(python.exists(), "no Python with the host packages at {}: run scripts/test.sh", python.display());
    python
}

fn write_f32(path: &std::path::Path, channels: &[Vec<f32>]) {
    let bytes: Vec<u8> = channels.iter().flatten().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn every_generated_plugin_in_pedalboard_dawdreamer_and_minihost() {
    let shipped = shipped();
    let frames = 3 * RATE as usize / 2;
    let dir = workspace().join("target/generated-host-checks");
    let mut manifest = Vec::new();
    for plugin in &shipped.plugins {
        let plugin_dir = dir.join(&plugin.slug);
        std::fs::create_dir_all(&plugin_dir).unwrap();
        let instrument = plugin.kind == Kind::Instrument;
        let input = noise(plugin.channels, frames, 9);
        let notes = if instrument { test_notes(RATE) } else { Vec::new() };
        write_f32(&plugin_dir.join("input.f32"), &input);
        write_f32(&plugin_dir.join("expected.f32"), &reference(plugin, RATE, &input, &notes, frames));
        // MIDI carries velocity as 0..=127: the notes use 127, which every host maps to 1.0.
        let midi_notes: Vec<String> = notes
            .iter()
            .map(|n| format!("[{}, {}, {}, {}]", n.frame, n.on, n.pitch, (n.velocity * 127.0).round()))
            .collect();
        manifest.push(format!(
            r#"{{"name": {:?}, "bundle": {:?}, "dir": {:?}, "instrument": {instrument}, "channels": {}, "frames": {frames}, "latency": {}, "notes": [{}], "sync_quarter_notes": {}, "depth": {}}}"#,
            plugin.name,
            shipped.bundles.join(format!("{}.vst3", plugin.name)).display().to_string(),
            plugin_dir.display().to_string(),
            plugin.channels,
            e2e::latency_samples(plugin, RATE),
            midi_notes.join(", "),
            plugin.sync.map_or("null".to_string(), |note| note.quarter_notes().to_string()),
            // A synced tremolo's only parameter: its depth, at its default.
            if plugin.sync.is_some() { e2e::default_value(plugin, 0) } else { 0.0 }
        ));
    }
    let manifest_path = dir.join("manifest.json");
    std::fs::write(&manifest_path, format!("[\n{}\n]\n", manifest.join(",\n"))).unwrap();
    let script = workspace().join("generator/tests/hosts/generated_check.py");
    let output = Command::new("timeout").arg("600").arg(python()).arg(script).arg(&manifest_path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(output.status.success(), "host checks failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // Three hosts per plugin; four tempo checks per synced plugin; the summary.
    let synced = shipped.plugins.iter().filter(|p| p.sync.is_some()).count();
    assert!(synced > 0, "the shipped plugins.toml has a synced plugin");
    let checks = 3 * shipped.plugins.len() + 4 * synced + 1;
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok: ")).count(), checks, "{stdout}");
}
