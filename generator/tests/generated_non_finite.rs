//! Contract point 11, nothing stays poisoned, through the real plugins: every
//! shipped effect of plugins.toml, generated, built and bundled by the
//! generator, loaded through its C ABI by the Rust test host and played in
//! varying blocks, real-time (unpaced) and offline.
//!
//! - The case: a sine with a single NaN at 0.5 s. WA Filter and WA
//!   Delay (at their shipped settings) stay exact: their output is, bit for
//!   bit, their DSP's for the sine with a 0.0 in place of the NaN, and once
//!   their memory has passed it is the output for the sine alone. 12 s rather
//!   than the 10, so that WA Delay's memory (375 ms echoes fed back at
//!   0.4: about 10 s to decay by 10^9) ends inside the signal.
//! - Bursts of NaN, +inf, -inf, 1e30, ±3e38 and subnormals in a sine, in
//!   every effect: the output is finite everywhere and, bit for bit, the DSP's
//!   run in this process (for NaN and ±inf: for the input with zeros in place
//!   of the burst); after the burst and the DSP's memory it is the output for
//!   the input without the burst.
//!
//! The instrument (WA Synth) has no audio input for a burst to reach.

mod e2e;

use e2e::host::{Buffers, EventList, Extras, Module, OFFLINE, ParamChanges, REALTIME, block_sizes};
use e2e::session::{MAX_BLOCK, RATE, start, stop};
use e2e::{Shipped, assert_same, default_value, delayed, latency_samples, library, reference_with, shipped};
use generator::config::{Dsp, Kind, Plugin};
use runtime::dsp::{delay, filter};
use vst3::Steinberg::kResultOk;

/// How far a recursive DSP may be from its burst-free output once its memory
/// has passed: 1e-5 (-100 dB). Two f32 runs of a recursion that took
/// different paths converge but need not merge bit for bit; their rounding
/// stays a few ulps apart (see `runtime/tests/non_finite.rs`, where this was
/// measured at up to 7.3e-7). State that kept any of a burst could not pass.
const ROUNDING: f32 = 1.0e-5;

fn load(shipped: &Shipped, plugin: &Plugin) -> Module {
    Module::load(&library(&shipped.bundles, plugin))
}

fn effects(shipped: &Shipped) -> impl Iterator<Item = &Plugin> {
    shipped.plugins.iter().filter(|plugin| plugin.kind == Kind::Effect)
}

fn sine(channels: usize, frames: usize) -> Vec<Vec<f32>> {
    (0..channels)
        .map(|ch| {
            let frequency = 440.0 + 310.0 * ch as f64;
            (0..frames).map(|t| 0.5 * (2.0 * std::f64::consts::PI * frequency * t as f64 / RATE).sin() as f32).collect()
        })
        .collect()
}

/// Plays `input` through a fresh instance in `mode`, in varying blocks, with
/// `params` (`(id, normalized)`) sent with the first block.
fn play(module: &Module, plugin: &Plugin, mode: u32, input: &[Vec<f32>], params: &[(u32, f64)]) -> Vec<Vec<f32>> {
    let frames = input[0].len();
    let instance = module.create();
    let latency = start(&instance, RATE);
    assert_eq!(latency, latency_samples(plugin, RATE), "{}", plugin.name);
    let mut output = vec![vec![0.0_f32; frames]; plugin.channels];
    let mut at = 0;
    let no_notes = EventList::notes(&[]);
    for (i, n) in block_sizes(frames, 23 + mode as u64, MAX_BLOCK).into_iter().enumerate() {
        let points: Vec<_> = params.iter().map(|&(id, value)| (id, 0, value)).collect();
        let changes = (i == 0 && !points.is_empty()).then(|| ParamChanges::with(&points));
        let extras = Extras { changes: changes.as_ref(), events: Some(&no_notes), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    output
}

/// The plain value `plugin` applies for parameter `id`: `normalized` if given
/// in `params`, else its default.
fn plain(plugin: &Plugin, id: u32, params: &[(u32, f64)]) -> f64 {
    let index = plugin.params.iter().position(|p| p.id == id).expect("the parameter");
    match params.iter().find(|(param, _)| *param == id) {
        Some(&(_, normalized)) => e2e::plain_value(plugin, index, normalized),
        None => default_value(plugin, index),
    }
}

/// Frames after an input of magnitude `level` ends until the DSP's output no
/// longer depends on it: 0 for the kinds without memory; for the recursive
/// ones, the time for a residual at `level` to decay to 1e-9 (10^4 times under
/// [`ROUNDING`]), plus 10 %. The same rule as `runtime/tests/non_finite.rs`.
fn memory(plugin: &Plugin, params: &[(u32, f64)], level: f64) -> usize {
    let decay = |factor: f64, period: usize| {
        let steps = (level.max(1.0) / 1.0e-9).ln() / -factor.ln();
        (steps.ceil() * period as f64 * 1.1).ceil() as usize
    };
    match plugin.dsp {
        Dsp::Gain | Dsp::Tremolo | Dsp::Custom | Dsp::Synth => 0,
        // The response's length; after a huge input, also the transforms'
        // rounding of it, which lasts as long as it sits in a partition of
        // the convolver's plan: up to its largest partition longer (6 663
        // frames past the response measured for WA Reverb at L = 50 ms,
        // whose largest is 8 192). A second covers partitions up to 32 768.
        Dsp::Convolver => e2e::convolver::response_frames(plugin, RATE) + if level > 1.0 { RATE as usize } else { 0 },
        Dsp::Filter => {
            // The poles of the RBJ biquad: the same for every mode.
            let cutoff = plain(plugin, filter::CUTOFF_HZ, params);
            let q = plain(plugin, filter::RESONANCE, params);
            let w0 = 2.0 * std::f64::consts::PI * cutoff.clamp(1.0, RATE * 0.49) / RATE;
            let alpha = w0.sin() / (2.0 * q.max(0.01));
            let (a1, a2) = (-2.0 * w0.cos() / (1.0 + alpha), (1.0 - alpha) / (1.0 + alpha));
            let discriminant = a1 * a1 - 4.0 * a2;
            let radius = if discriminant < 0.0 { a2.sqrt() } else { (a1.abs() + discriminant.sqrt()) / 2.0 };
            decay(radius, 1)
        }
        Dsp::Delay => {
            let period = (plain(plugin, delay::TIME_MS, params) * RATE / 1000.0).round() as usize;
            let feedback = plain(plugin, delay::FEEDBACK, params);
            period + if feedback > 0.0 { decay(feedback, period) } else { 0 }
        }
    }
}

fn assert_finite(output: &[Vec<f32>], what: &str) {
    for (ch, channel) in output.iter().enumerate() {
        if let Some(t) = channel.iter().position(|s| !s.is_finite()) {
            panic!("{what}: channel {ch} frame {t} is {}", channel[t]);
        }
    }
}

/// Asserts `|got - want| <= tolerance` from frame `from` on (bit-equality
/// for a tolerance of 0).
fn assert_close_from(got: &[Vec<f32>], want: &[Vec<f32>], from: usize, tolerance: f32, what: &str) {
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        let bad = |t: &usize| {
            if tolerance == 0.0 {
                got[*t].to_bits() != want[*t].to_bits()
            } else {
                (got[*t] - want[*t]).abs() > tolerance
            }
        };
        if let Some(t) = (from..got.len()).find(bad) {
            panic!("{what}: channel {ch} frame {t} (checked from {from}): got {}, expected {}", got[t], want[t]);
        }
    }
}

#[test]
fn a_single_nan_leaves_wa_filter_and_wa_delay_exact() {
    let shipped = shipped();
    let frames = 12 * RATE as usize;
    let nan_at = RATE as usize / 2;
    for plugin in effects(shipped).filter(|p| matches!(p.dsp, Dsp::Filter | Dsp::Delay)) {
        let module = load(shipped, plugin);
        let clean = sine(plugin.channels, frames);
        let mut input = clean.clone();
        let mut zeroed = clean.clone();
        for (with_nan, with_zero) in input.iter_mut().zip(&mut zeroed) {
            with_nan[nan_at] = f32::NAN;
            with_zero[nan_at] = 0.0;
        }
        let latency = latency_samples(plugin, RATE);
        let as_zero = delayed(&reference_with(plugin, RATE, &zeroed, &[], frames, &[]), latency);
        let without = delayed(&reference_with(plugin, RATE, &clean, &[], frames, &[]), latency);
        let settled = nan_at + 1 + memory(plugin, &[], 1.0) + latency;
        assert!(settled + RATE as usize / 4 < frames, "{}: the signal outlasts the memory", plugin.name);
        for (mode, name) in [(REALTIME, "real-time"), (OFFLINE, "offline")] {
            let what = format!("{} {name}", plugin.name);
            let got = play(&module, plugin, mode, &input, &[]);
            assert_finite(&got, &what);
            assert_same(&got, &as_zero, &format!("{what}: the NaN read as 0.0"));
            assert_close_from(&got, &without, settled, ROUNDING, &format!("{what}: the sine's own output again"));
        }
        println!("ok: {}: one NaN at 0.5 s, exact afterwards (memory {} frames)", plugin.name, settled - nan_at);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Burst {
    Nan,
    PosInf,
    NegInf,
    Huge,
    NearMax,
    Subnormal,
}

impl Burst {
    /// The burst's value at its `index`th frame.
    fn value(self, index: usize) -> f32 {
        match self {
            Burst::Nan => f32::NAN,
            Burst::PosInf => f32::INFINITY,
            Burst::NegInf => f32::NEG_INFINITY,
            Burst::Huge => 1.0e30,
            Burst::NearMax if index < BURST_LEN / 2 => 3.0e38,
            Burst::NearMax => -3.0e38,
            Burst::Subnormal => 1.0e-40,
        }
    }

    fn non_finite(self) -> bool {
        matches!(self, Burst::Nan | Burst::PosInf | Burst::NegInf)
    }
}

const BURST_AT: usize = 12_000;
/// Longer than the delay time set below, so a huge burst meets its own echo.
const BURST_LEN: usize = 600;

#[test]
fn every_generated_effect_survives_bursts_of_nan_inf_huge_and_subnormal_values() {
    let shipped = shipped();
    for plugin in effects(shipped) {
        let module = load(shipped, plugin);
        // Long enough for the burst to be forgotten: a convolver's memory is
        // its response.
        let frames = if plugin.dsp == Dsp::Convolver { 4 * RATE as usize } else { 3 * RATE as usize / 2 };
        // WA Delay at 10 ms with feedback 0.2, so its memory fits the signal.
        let params: Vec<(u32, f64)> = match plugin.dsp {
            Dsp::Delay => {
                let normalized = |id, plain: f64| {
                    let param = plugin.params.iter().find(|p| p.id == id).unwrap();
                    (id, (plain - param.min) / (param.max - param.min))
                };
                vec![normalized(delay::TIME_MS, 10.0), normalized(delay::FEEDBACK, 0.2)]
            }
            _ => Vec::new(),
        };
        let latency = latency_samples(plugin, RATE);
        let clean = sine(plugin.channels, frames);
        let without = delayed(&reference_with(plugin, RATE, &clean, &[], frames, &params), latency);
        for burst in [Burst::Nan, Burst::PosInf, Burst::NegInf, Burst::Huge, Burst::NearMax, Burst::Subnormal] {
            // Every frame of channel 0, every third of the others.
            let in_burst =
                |ch: usize, t: usize| (BURST_AT..BURST_AT + BURST_LEN).contains(&t) && (ch == 0 || t.is_multiple_of(3));
            let mut input = clean.clone();
            let mut zeroed = clean.clone();
            for ch in 0..plugin.channels {
                for t in (0..frames).filter(|&t| in_burst(ch, t)) {
                    input[ch][t] = burst.value(t - BURST_AT);
                    zeroed[ch][t] = 0.0;
                }
            }
            let as_dsp = if burst.non_finite() { &zeroed } else { &input };
            let want = delayed(&reference_with(plugin, RATE, as_dsp, &[], frames, &params), latency);
            let level = if burst.non_finite() { 1.0 } else { f64::from(burst.value(0).abs()) };
            let memory = memory(plugin, &params, level);
            let settled = BURST_AT + BURST_LEN + memory + latency;
            assert!(settled + RATE as usize / 10 < frames, "{}: the signal outlasts the memory", plugin.name);
            let convolver = plugin.dsp == Dsp::Convolver;
            let tolerance = match memory {
                0 => 0.0,
                _ if convolver => e2e::convolver::MAX_ERROR as f32,
                _ => ROUNDING,
            };
            for (mode, name) in [(REALTIME, "real-time"), (OFFLINE, "offline")] {
                let what = format!("{} {name}, {burst:?} burst", plugin.name);
                let got = play(&module, plugin, mode, &input, &params);
                assert_finite(&got, &what);
                // A convolver's f32 transforms of values near f32::MAX
                // overflow (its f64 model does not): the engine then resets
                // it, and only the output after the burst is compared.
                if !(convolver && burst == Burst::NearMax) {
                    e2e::assert_sounds_like(plugin, &got, &want, &format!("{what}: the DSP's own output"));
                }
                assert_close_from(&got, &without, settled, tolerance, &format!("{what}: the burst forgotten"));
            }
        }
        println!("ok: {}: every burst, finite and forgotten", plugin.name);
    }
}
