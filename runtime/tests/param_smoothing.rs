//! Typed, smoothed parameters through the engine: a change at input sample k
//! starts its ramp at k (heard at k + L buffered), the ramp's values at known
//! samples, buffered equal to unbuffered delayed by L bit for bit whatever the
//! blocks and modes, no fade-in after a restart, and non-finite values
//! ignored.

mod common;

use common::{assert_delayed_copy, blocks, noise, render};
use runtime::dsp::db_to_gain;
use runtime::dsp::gain::{GAIN_DB, Gain, PARAMS};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};
use runtime::plugin::ParamSpec;

const RATE: f64 = 48_000.0;
/// The ramp of a 10 ms smoothing at 48 kHz.
const RAMP: usize = 480;

fn engine<P: Processor>(processor: P, buffering: bool) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 1024, channels: 2 }).unwrap();
    engine.activate().unwrap();
    engine
}

fn gain(db: f64) -> EventKind {
    EventKind::Param { id: GAIN_DB, value: db }
}

/// `(frame, event)` pairs delivered in whatever block holds them.
fn schedule(events: &[(usize, EventKind)]) -> impl FnMut(usize, usize) -> Vec<Event> + '_ {
    move |start, len| {
        events
            .iter()
            .filter(|(at, _)| (start..start + len).contains(at) || (*at == start && len == 0))
            .map(|&(at, kind)| Event::new(at - start, kind))
            .collect()
    }
}

#[test]
fn a_gain_change_at_k_ramps_from_k_over_smooth_ms() {
    assert_eq!(PARAMS[0].smooth_ms, 10.0, "the built-in gain smooths by default");
    let k = 5_000;
    let input = vec![vec![0.5_f32; 12_000]; 2];
    let events = [(0, gain(-6.0)), (k, gain(0.0))];
    let mut inline = engine(Gain::default(), false);
    let output = render(&mut inline, &input, &blocks(12_000, 1, 1..=1024), |_| ProcessMode::Offline, schedule(&events));
    let at = |db: f64| 0.5 * db_to_gain(db);
    for channel in &output {
        assert_eq!(channel[0], at(-6.0), "set before the first sample: no fade-in");
        assert_eq!(channel[k - 1], at(-6.0), "nothing moves before k");
        for i in [0, 1, 239, 478] {
            let db = -6.0 + 6.0 * ((i + 1) as f64 / RAMP as f64);
            assert_eq!(channel[k + i], at(db), "ramp sample {i}");
        }
        assert!(channel[k..k + RAMP].windows(2).all(|w| w[0] < w[1]), "rises every sample: no zipper");
        assert_eq!(channel[k + RAMP - 1], 0.5, "lands on the target after {RAMP} samples");
        assert!(channel[k + RAMP..].iter().all(|s| *s == 0.5));
    }
}

#[test]
fn buffered_equals_unbuffered_delayed_by_the_latency_with_ramps() {
    let frames = 30_000;
    let input = noise(2, frames, 9);
    // Changes mid-ramp, at block-sized distances, in an empty block, and one
    // that is not finite (ignored).
    let events = [
        (0, gain(-12.0)),
        (3_000, gain(6.0)),
        (3_200, gain(-30.0)),
        (9_999, gain(0.0)),
        (10_000, gain(f64::NAN)),
        (17_001, gain(-3.0)),
        (17_300, gain(f64::INFINITY)),
    ];
    let mut inline = engine(Gain::default(), false);
    let reference =
        render(&mut inline, &input, &blocks(frames, 2, 0..=700), |_| ProcessMode::Offline, schedule(&events));
    for (seed, mode) in [(3, ProcessMode::Offline), (4, ProcessMode::Realtime), (5, ProcessMode::Prefetch)] {
        let mut buffered = engine(Gain::default(), true);
        let latency = buffered.latency_samples();
        let output = render(&mut buffered, &input, &blocks(frames, seed, 0..=1024), |_| mode, schedule(&events));
        assert_delayed_copy(&output, &reference, latency, &format!("{mode:?}"));
    }
    assert!(reference.iter().flatten().all(|s| s.is_finite()), "a NaN or infinite value never reaches the ramp");
    // The NaN at 10 000 neither stopped nor restarted the ramp to 0 dB begun at 9 999.
    let ramp = |t: usize| -30.0 + 30.0 * ((t - 9_999 + 1) as f64 / RAMP as f64);
    for t in [10_000, 10_200, 9_999 + RAMP - 1, 15_000] {
        let db = if t >= 9_999 + RAMP - 1 { 0.0 } else { ramp(t) };
        assert_eq!(reference[0][t], input[0][t] * db_to_gain(db), "frame {t}");
    }
}

#[test]
fn after_a_restart_the_values_sent_before_the_first_sample_apply_at_once() {
    let input = vec![vec![0.5_f32; 2_000]; 2];
    let mut inline = engine(Gain::default(), false);
    render(&mut inline, &input, &[1_000], |_| ProcessMode::Offline, schedule(&[(0, gain(0.0))]));
    inline.restart();
    let output = render(&mut inline, &input, &[2_000], |_| ProcessMode::Offline, schedule(&[(0, gain(-20.0))]));
    assert!(output[0].iter().all(|s| *s == 0.5 * db_to_gain(-20.0)), "no ramp from the old value");
}

#[test]
fn a_plugin_spec_sets_the_ramp_and_zero_turns_it_off() {
    let input = vec![vec![0.5_f32; 4_000]; 2];
    let events = [(0, gain(0.0)), (1_000, gain(-6.0))];
    let spec = |smooth_ms: f64| [ParamSpec { smooth_ms, ..PARAMS[0] }];
    let twenty = spec(20.0);
    let mut slow = engine(Gain::new(&twenty), false);
    let output = render(&mut slow, &input, &[4_000], |_| ProcessMode::Offline, schedule(&events));
    assert_eq!(output[0][1_000 + 959], 0.5 * db_to_gain(-6.0), "20 ms is 960 samples");
    assert!(output[0][1_000 + 958] > 0.5 * db_to_gain(-6.0));
    let off = spec(0.0);
    let mut instant = engine(Gain::new(&off), false);
    let output = render(&mut instant, &input, &[4_000], |_| ProcessMode::Offline, schedule(&events));
    assert_eq!((output[0][999], output[0][1_000]), (0.5, 0.5 * db_to_gain(-6.0)), "a step at k");
}
