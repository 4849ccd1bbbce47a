//! Smoothed parameters through the real `.so`: a gain change at input frame
//! k ramps from k, heard at k + L, over the plugin's `smooth_ms`, the same
//! buffered and inline; WA Tremolo's depth ramps the same way (every built-in
//! kind's continuous parameters smooth); WA Custom's typed `drive` too.

mod e2e;

use e2e::host::{Buffers, Extras, Module, OFFLINE, ParamChanges, REALTIME, block_sizes};
use e2e::session::{MAX_BLOCK, RATE, start, stop};
use e2e::{default_value, library, plain_value, shipped};
use generator::config::Plugin;
use runtime::dsp::db_to_gain;
use vst3::Steinberg::kResultOk;

/// Plays a constant 0.5 through `plugin`, setting parameter `id` to
/// `normalized` at input frame `k`; returns the latency and the first channel.
fn play_with_change(
    plugin: &Plugin,
    mode: u32,
    id: u32,
    normalized: f64,
    k: usize,
    frames: usize,
) -> (usize, Vec<f32>) {
    let shipped = shipped();
    let module = Module::load(&library(&shipped.bundles, plugin));
    let instance = module.create();
    let latency = start(&instance, RATE);
    let input = vec![vec![0.5_f32; frames]; plugin.channels];
    let mut output = vec![vec![0.0_f32; frames]; plugin.channels];
    let mut at = 0;
    for n in block_sizes(frames, 5 + u64::from(mode), MAX_BLOCK) {
        let change = (at..at + n).contains(&k).then(|| ParamChanges::with(&[(id, (k - at) as i32, normalized)]));
        let extras = Extras { changes: change.as_ref(), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input: &input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    (latency, output.swap_remove(0))
}

fn plugin(slug: &str) -> &'static Plugin {
    shipped().plugins.iter().find(|p| p.slug == slug).unwrap()
}

#[test]
fn a_gain_change_ramps_from_its_sample_over_smooth_ms_buffered_and_inline() {
    let k = 30_000;
    for (slug, ramp) in [("wa-gain", 960), ("wa-gain-inline", 480)] {
        let plugin = plugin(slug);
        let gain = &plugin.params[0];
        assert_eq!((gain.smooth_ms * RATE / 1000.0) as usize, ramp, "{slug}: plugins.toml's smooth_ms");
        let normalized = (-6.0 - gain.min) / (gain.max - gain.min);
        let target = gain.min + normalized * (gain.max - gain.min);
        for mode in [REALTIME, OFFLINE] {
            let (latency, out) = play_with_change(plugin, mode, gain.id, normalized, k, 48_000);
            let at = k + latency;
            assert_eq!(out[at - 1], 0.5, "{slug}: 0 dB up to the change");
            for i in [0, 1, ramp / 2, ramp - 2] {
                let db = target * ((i + 1) as f64 / ramp as f64);
                assert_eq!(out[at + i], 0.5 * db_to_gain(db), "{slug} mode {mode}: ramp sample {i}");
            }
            assert!(out[at..at + ramp].windows(2).all(|w| w[1] < w[0]), "{slug}: falls every sample");
            assert!(out[at + ramp - 1..].iter().all(|s| *s == 0.5 * db_to_gain(target)), "{slug}: settled");
        }
    }
}

#[test]
fn wa_customs_typed_drive_ramps_from_its_sample() {
    let plugin = plugin("wa-custom");
    let drive = plugin.params.iter().find(|p| p.key == "drive").unwrap();
    let ramp = (drive.smooth_ms * RATE / 1000.0) as usize;
    let k = 20_000;
    let (latency, out) = play_with_change(plugin, OFFLINE, drive.id, 0.5, k, 40_000);
    let saturate = |drive: f32| (drive * 0.5).tanh() * (1.0 / drive.tanh());
    let at = k + latency;
    assert_eq!(out[at - 1], saturate(1.0), "drive 1 (its default) up to the change");
    for i in [0, ramp / 2, ramp - 2] {
        let value = (1.0 + 4.0 * ((i + 1) as f64 / ramp as f64)) as f32;
        assert_eq!(out[at + i], saturate(value), "ramp sample {i}");
    }
    assert!(out[at + ramp - 1..].iter().all(|s| *s == saturate(5.0)), "settled at drive 5");
}

#[test]
fn wa_tremolos_depth_ramps_from_its_sample() {
    let plugin = plugin("wa-tremolo");
    let (rate, depth) = (&plugin.params[0], &plugin.params[1]);
    assert_eq!(
        (rate.key.as_str(), depth.key.as_str(), depth.smooth_ms),
        ("rate", "depth", 20.0),
        "the built-in default"
    );
    let ramp = (depth.smooth_ms * RATE / 1000.0) as usize;
    // The LFO runs from phase 0 at the first frame, at the rate the plugin
    // applies for its default.
    let step = default_value(plugin, 0) / RATE;
    let from = default_value(plugin, 1);
    let to = plain_value(plugin, 1, 1.0);
    let gain = |phase: f64, depth: f32| {
        let lfo = (1.0 - (2.0 * std::f64::consts::PI * phase).cos()) as f32 * 0.5;
        0.5 * (1.0 - depth * lfo)
    };
    let k = 20_000;
    for mode in [REALTIME, OFFLINE] {
        let (latency, out) = play_with_change(plugin, mode, depth.id, 1.0, k, 40_000);
        let mut phase = 0.0_f64;
        for (t, sample) in out[latency..].iter().enumerate() {
            let depth = match t.checked_sub(k) {
                None => from,
                Some(i) if i + 1 >= ramp => to,
                Some(i) => from + (to - from) * ((i + 1) as f64 / ramp as f64),
            };
            assert_eq!(*sample, gain(phase, depth as f32), "mode {mode}: input frame {t}");
            phase = (phase + step).fract();
        }
    }
}
