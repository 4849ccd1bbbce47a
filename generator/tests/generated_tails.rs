//! Every shipped plugin's tail, through its real `.so` in the Rust host: the
//! frames `getTailSamples` reports for each built-in kind (its DSP's tail plus
//! the latency L), and what a host that honours it hears. The host plays an
//! impulse (effects) or a short note (instruments), then keeps processing
//! silence for the reported tail after the input ends, and nothing the plugin
//! would have played after that is above -100 dB: echoes and releases are
//! not cut.

mod e2e;

use e2e::host::{Module, OFFLINE};
use e2e::session::{RATE, play, start, stop};
use e2e::{Note, delayed, latency_samples, library, reference, shipped};
use generator::config::{Dsp, Kind, Plugin};
use vst3::Steinberg::Vst::{IAudioProcessorTrait, kInfiniteTail};

/// -100 dB: below it, a sample counts as silence.
const SILENCE: f32 = 1e-5;

/// What the plugin reports, read as a host does after activating it.
fn reported_tail(module: &Module) -> u32 {
    let instance = module.create();
    start(&instance, RATE);
    // SAFETY: a live, active processor.
    let tail = unsafe { instance.processor.getTailSamples() };
    stop(&instance);
    tail
}

/// The plugin's own default for its parameter `key`.
fn default(plugin: &Plugin, key: &str) -> f64 {
    plugin.params.iter().find(|p| p.key == key).unwrap_or_else(|| panic!("{}: no {key}", plugin.name)).default
}

/// The tail of each built-in kind at the shipped defaults, in frames at 48
/// kHz, before the latency; `None` for the filter, whose tail depends on its
/// poles (checked against what is heard instead).
fn dsp_tail(plugin: &Plugin) -> Option<usize> {
    let ms = |ms: f64| (ms * RATE / 1000.0).round() as usize;
    match plugin.dsp {
        Dsp::Gain | Dsp::Tremolo | Dsp::Custom => Some(0),
        // An echo every `time`, each `feedback` times the last: at 0.4 the 13th
        // is the last at or above -100 dB (0.4^12 = 1.7e-5, 0.4^13 = 6.7e-6).
        Dsp::Delay => {
            assert_eq!(default(plugin, "feedback"), 0.4, "{}: the feedback this expects", plugin.name);
            Some(13 * ms(default(plugin, "time")))
        }
        // The release, from full level to silence.
        Dsp::Synth => Some(ms(default(plugin, "release"))),
        // The impulse response's length (at the session's rate).
        Dsp::Convolver => Some(e2e::convolver::response_frames(plugin, RATE)),
        Dsp::Filter => None,
    }
}

/// The input a tail is heard after: a full-scale impulse on every channel at
/// frame 0, or A4 from frame 0 to 0.1 s; and the frame it ends at.
fn last_input(plugin: &Plugin, frames: usize) -> (Vec<Vec<f32>>, Vec<Note>, usize) {
    if plugin.kind == Kind::Instrument {
        let off = RATE as usize / 10;
        let notes = vec![
            Note { frame: 0, on: true, pitch: 69, velocity: 1.0 },
            Note { frame: off, on: false, pitch: 69, velocity: 1.0 },
        ];
        (Vec::new(), notes, off)
    } else {
        let mut impulse = vec![vec![0.0_f32; frames]; plugin.channels];
        impulse.iter_mut().for_each(|channel| channel[0] = 1.0);
        (impulse, Vec::new(), 0)
    }
}

fn last_audible(output: &[Vec<f32>]) -> Option<usize> {
    output.iter().filter_map(|c| c.iter().rposition(|s| s.abs() >= SILENCE)).max()
}

#[test]
fn every_generated_plugin_reports_its_tail_and_a_host_that_honours_it_hears_every_echo_and_release() {
    let shipped = shipped();
    for plugin in &shipped.plugins {
        let module = Module::load(&library(&shipped.bundles, plugin));
        let latency = latency_samples(plugin, RATE);
        let tail = reported_tail(&module);
        assert_ne!(tail, kInfiniteTail, "{}: every shipped plugin's tail ends", plugin.name);
        let tail = tail as usize;
        assert!(tail >= latency, "{}: tail {tail} covers the latency {latency}", plugin.name);
        let own = tail - latency;
        if let Some(expected) = dsp_tail(plugin) {
            assert_eq!(own, expected, "{}: its DSP's tail, then L = {latency}", plugin.name);
        }

        // The whole response, a second past the tail, through the plugin.
        let frames = tail + RATE as usize;
        let (input, notes, end) = last_input(plugin, frames);
        let (_, got) = play(&module, plugin, OFFLINE, &input, &notes, frames, None);
        let want = delayed(&reference(plugin, RATE, &input, &notes, frames), latency);
        e2e::assert_sounds_like(plugin, &got, &want, &format!("{}: the full response", plugin.name));

        // A host that stops `tail` frames after the input ends misses nothing.
        let heard = last_audible(&got).unwrap_or_else(|| panic!("{}: the response is not silence", plugin.name));
        assert!(heard <= end + tail, "{}: heard until frame {heard}, the tail ends at {}", plugin.name, end + tail);
        // And the tail is honest the other way: not much longer than what rings.
        let rings = heard.saturating_sub(end + latency);
        assert!(own <= 3 * rings + 64, "{}: tail {own} frames for {rings} frames that ring", plugin.name);
        println!(
            "ok: {}: tail {tail} frames ({own} of its own + L {latency}); last sound at {heard}, input ended at {end}",
            plugin.name
        );
    }
}
