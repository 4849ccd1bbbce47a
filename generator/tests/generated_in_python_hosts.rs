//! Every plugin of the shipped plugins.toml in the real hosts from PyPI
//! (pedalboard, DawDreamer, minihost), from the virtualenv `scripts/test.sh`
//! creates: each host's output must equal the plugin's DSP run directly, at
//! the position that host's latency handling puts it. Plugins with several
//! layouts also play in the others, in the hosts that negotiate them
//! (pedalboard and minihost: a stereo file through the mono-first WA
//! Tremolo); and minihost, which renders MIDI for as long as the plugin's
//! tail, renders the whole of a long synth release. A tempo-synced plugin
//! follows the tempo and position DawDreamer and minihost report; a gain
//! change ramps over the parameter's `smooth_ms` from its frame + L; the
//! states release 0.1.0 saved load.

mod e2e;

use std::path::PathBuf;
use std::process::Command;

use e2e::{Note, noise, python, reference, reference_with, shipped, test_notes, workspace};
use generator::config::{Dsp, Kind, Plugin};

const RATE: f64 = 48_000.0;

fn write_f32(path: &std::path::Path, channels: &[Vec<f32>]) {
    let bytes: Vec<u8> = channels.iter().flatten().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

/// Release 0.1.0's saved state of `plugin`, if it had one: the file and what
/// its parameters must read once a host loads it, as `[index, normalized]`
/// pairs in the host's order (the plugin's own parameters, then Bypass).
fn old_state(plugin: &Plugin) -> Option<(PathBuf, Vec<(usize, f64)>)> {
    let fixtures = workspace().join("generator/tests/fixtures/states/0.1.0");
    let values: toml::Table = std::fs::read_to_string(fixtures.join("values.toml")).unwrap().parse().unwrap();
    let saved = values.get(&plugin.slug)?.as_table().unwrap();
    let pairs = saved
        .iter()
        .map(|(key, value)| {
            if key == "bypass" {
                return (plugin.params.len(), if value.as_bool().unwrap() { 1.0 } else { 0.0 });
            }
            let (index, param) = plugin.params.iter().enumerate().find(|(_, p)| &p.key == key).unwrap();
            let plain = value.as_float().unwrap_or_else(|| value.as_integer().unwrap() as f64);
            (index, (plain - param.min) / (param.max - param.min))
        })
        .collect();
    Some((fixtures.join(format!("{}.state", plugin.slug)), pairs))
}

/// A gain plugin's smoothing check: its gain parameter's index, the
/// normalized values it starts at and moves to (0 dB to -12 dB), the gains
/// those mean, and the ramp's length in frames at [`RATE`].
fn smoothing(plugin: &Plugin) -> Option<String> {
    if plugin.dsp != Dsp::Gain {
        return None;
    }
    let param = &plugin.params[0];
    let normalized = |db: f64| (db - param.min) / (param.max - param.min);
    let frames = (param.smooth_ms * RATE / 1000.0).round();
    assert!(frames > 1.0, "{}: the gain smooths", plugin.name);
    let (from, to) = (e2e::plain_value(plugin, 0, normalized(0.0)), e2e::plain_value(plugin, 0, normalized(-12.0)));
    let gain = |db: f64| 10f64.powf(db / 20.0);
    Some(format!(
        r#"{{"index": 0, "from": {}, "to": {}, "from_gain": {}, "to_gain": {}, "frames": {frames}}}"#,
        normalized(0.0),
        normalized(-12.0),
        gain(from),
        gain(to)
    ))
}

/// One host check: the plugin in `channels` channels, its input and expected
/// output written under `dir`; its manifest entry.
fn entry(plugin: &Plugin, bundles: &std::path::Path, dir: &std::path::Path, channels: usize) -> String {
    let frames = 3 * RATE as usize / 2;
    let plugin_dir = dir.join(format!("{}-{channels}ch", plugin.slug));
    std::fs::create_dir_all(&plugin_dir).unwrap();
    let instrument = plugin.kind == Kind::Instrument;
    let input = noise(channels, frames, 9);
    let notes = if instrument { test_notes(RATE) } else { Vec::new() };
    write_f32(&plugin_dir.join("input.f32"), &input);
    write_f32(&plugin_dir.join("expected.f32"), &reference(plugin, RATE, &input, &notes, frames));
    // MIDI carries velocity as 0..=127: the notes use 127, which every host maps to 1.0.
    let midi_notes: Vec<String> = notes
        .iter()
        .map(|n| format!("[{}, {}, {}, {}]", n.frame, n.on, n.pitch, (n.velocity * 127.0).round()))
        .collect();
    format!(
        r#"{{"name": {:?}, "bundle": {:?}, "dir": {:?}, "instrument": {instrument}, "channels": {channels}, "frames": {frames}, "latency": {}, "notes": [{}], "sync_quarter_notes": {}, "depth": {}, "old_state": {}, "smoothing": {}, "tolerance": {}}}"#,
        plugin.name,
        bundles.join(format!("{}.vst3", plugin.name)).display().to_string(),
        plugin_dir.display().to_string(),
        e2e::latency_samples(plugin, RATE),
        midi_notes.join(", "),
        plugin.sync.map_or("null".to_string(), |note| note.quarter_notes().to_string()),
        // A synced tremolo's only parameter: its depth, at its default.
        if plugin.sync.is_some() { e2e::default_value(plugin, 0) } else { 0.0 },
        match old_state(plugin) {
            Some((path, values)) => {
                let values: Vec<String> = values.iter().map(|(i, v)| format!("[{i}, {v}]")).collect();
                format!(r#"{{"path": {:?}, "values": [{}]}}"#, path.display().to_string(), values.join(", "))
            }
            None => "null".to_string(),
        },
        smoothing(plugin).unwrap_or_else(|| "null".to_string()),
        // A convolver matches its f64 model within float rounding.
        if plugin.dsp == generator::config::Dsp::Convolver {
            format!(
                r#"{{"relative_rms": {:e}, "max_error": {:e}}}"#,
                e2e::convolver::MAX_RELATIVE_RMS,
                e2e::convolver::MAX_ERROR
            )
        } else {
            "null".to_string()
        }
    )
}

/// The synth's tail check: its release set to 2.5 s (longer than the 2 s
/// minihost renders after the last note when a plugin reports no tail), A4
/// from 0 to 0.1 s, and what it must sound like, 3.5 s of it.
fn tail_entry(plugin: &Plugin, bundles: &std::path::Path, dir: &std::path::Path) -> String {
    let frames = 7 * RATE as usize / 2;
    let plugin_dir = dir.join(format!("{}-tail", plugin.slug));
    std::fs::create_dir_all(&plugin_dir).unwrap();
    let (index, release) = plugin.params.iter().enumerate().find(|(_, p)| p.key == "release").unwrap();
    let normalized = (2500.0 - release.min) / (release.max - release.min);
    assert_eq!(normalized, 0.5, "exact in the f32 a host passes");
    let off = RATE as usize / 10;
    let notes = [
        Note { frame: 0, on: true, pitch: 69, velocity: 1.0 },
        Note { frame: off, on: false, pitch: 69, velocity: 1.0 },
    ];
    let want = reference_with(plugin, RATE, &[], &notes, frames, &[(release.id, normalized)]);
    write_f32(&plugin_dir.join("expected.f32"), &want);
    let latency = e2e::latency_samples(plugin, RATE);
    format!(
        r#"{{"name": {:?}, "bundle": {:?}, "dir": {:?}, "channels": {}, "frames": {frames}, "latency": {latency}, "param": {index}, "normalized": {normalized}, "tail": {}}}"#,
        plugin.name,
        bundles.join(format!("{}.vst3", plugin.name)).display().to_string(),
        plugin_dir.display().to_string(),
        plugin.channels,
        (2.5 * RATE) as usize + latency,
    )
}

/// One preset check: pedalboard's `preset` parameter (the VST3 program
/// list) set to `preset`'s name, then noise through the plugin; the expected
/// output is the DSP run at the preset's values from the start.
fn preset_entry(plugin: &Plugin, bundles: &std::path::Path, dir: &std::path::Path, index: usize) -> String {
    let preset = &plugin.presets[index];
    let frames = RATE as usize / 2;
    let plugin_dir = dir.join(format!("{}-preset-{index}", plugin.slug));
    std::fs::create_dir_all(&plugin_dir).unwrap();
    let input = noise(plugin.channels, frames, 11);
    let values: Vec<(u32, f64)> = preset
        .values
        .iter()
        .map(|&(id, plain)| {
            let param = plugin.params.iter().find(|p| p.id == id).expect("the shipped presets set own parameters");
            (id, (plain - param.min) / (param.max - param.min))
        })
        .collect();
    write_f32(&plugin_dir.join("input.f32"), &input);
    write_f32(&plugin_dir.join("expected.f32"), &reference_with(plugin, RATE, &input, &[], frames, &values));
    let names: Vec<String> = plugin.presets.iter().map(|p| format!("{:?}", p.name)).collect();
    format!(
        r#"{{"name": {:?}, "bundle": {:?}, "dir": {:?}, "channels": {}, "frames": {frames}, "preset": {:?}, "presets": [{}]}}"#,
        plugin.name,
        bundles.join(format!("{}.vst3", plugin.name)).display().to_string(),
        plugin_dir.display().to_string(),
        plugin.channels,
        preset.name,
        names.join(", "),
    )
}

#[test]
fn every_generated_plugin_in_pedalboard_dawdreamer_and_minihost() {
    let shipped = shipped();
    let dir = workspace().join("target/generated-host-checks");
    let (mut plugins, mut layouts, mut tails, mut presets) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for plugin in &shipped.plugins {
        for index in 0..plugin.presets.len() {
            presets.push(preset_entry(plugin, &shipped.bundles, &dir, index));
        }
        plugins.push(entry(plugin, &shipped.bundles, &dir, plugin.channels));
        for &channels in &plugin.layouts[1..] {
            layouts.push(entry(plugin, &shipped.bundles, &dir, channels));
        }
        if plugin.dsp == Dsp::Synth {
            tails.push(tail_entry(plugin, &shipped.bundles, &dir));
        }
    }
    assert!(
        !layouts.is_empty() && !tails.is_empty() && !presets.is_empty(),
        "the shipped plugins.toml has all to check"
    );
    let manifest_path = dir.join("manifest.json");
    let list = |entries: &[String]| format!("[\n{}\n]", entries.join(",\n"));
    let manifest = format!(
        r#"{{"plugins": {}, "layouts": {}, "tails": {}, "presets": {}}}"#,
        list(&plugins),
        list(&layouts),
        list(&tails),
        list(&presets)
    );
    std::fs::write(&manifest_path, manifest + "\n").unwrap();
    let script = workspace().join("generator/tests/hosts/generated_check.py");
    let output = Command::new("timeout").arg("600").arg(python()).arg(script).arg(&manifest_path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(output.status.success(), "host checks failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // Three hosts per plugin, two per further layout, one per tail; four tempo
    // checks per synced plugin (DawDreamer and minihost); the summary.
    let synced = shipped.plugins.iter().filter(|p| p.sync.is_some()).count();
    assert!(synced > 0, "the shipped plugins.toml has a synced plugin");
    // And one old-state load per plugin release 0.1.0 shipped.
    let released = shipped.plugins.iter().filter(|p| old_state(p).is_some()).count();
    assert_eq!(released, 7, "release 0.1.0's seven plugins are still shipped");
    // And one smoothing check per gain plugin.
    let smoothed = shipped.plugins.iter().filter(|p| smoothing(p).is_some()).count();
    assert!(smoothed > 0, "the shipped plugins.toml has a gain");
    // And one render per preset.
    let expected =
        3 * plugins.len() + 2 * layouts.len() + tails.len() + 4 * synced + released + smoothed + presets.len() + 1;
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok: ")).count(), expected, "{stdout}");
}
