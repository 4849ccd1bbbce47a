//! Contract point 11, nothing stays poisoned, for every built-in DSP kind,
//! unbuffered and buffered: bursts of NaN, +inf, -inf, 1e30, values near
//! `f32::MAX` and subnormals inside a sine.
//!
//! - The output is finite everywhere, holds no subnormal, and buffered output
//!   is unbuffered output delayed by L, bit for bit.
//! - NaN and ±inf are replaced by 0.0 before the DSP sees them: the output is,
//!   bit for bit, the output for the same input with the burst replaced by
//!   zeros, and the engine counts every replaced sample.
//! - Huge finite values (and subnormals, which the DSP reads as zeros) are the
//!   DSP's own business: once the burst is over and the kind's own memory has
//!   passed, the output is the output for the input without the burst: bit
//!   for bit for the kinds without memory, within [`ROUNDING`] for the
//!   recursive ones (see there why not bit for bit).
//!
//! And a custom processor that makes NaN itself from finite input is reset by
//! the engine, its parameters restored: its output afterwards is a fresh
//! instance's given the same parameter values.

mod common;

use common::processors::NanMaker;
use common::{assert_delayed_copy, blocks, render};
use runtime::dsp::{delay, filter, gain, synth, tremolo};
use runtime::engine::{
    AudioBlock, Engine, EngineConfig, EngineStats, Event, EventKind, ProcessMode, ProcessSetup, Processor,
};

const RATE: f64 = 48_000.0;
const CHANNELS: usize = 2;
const MAX_BLOCK: usize = 1024;
const FRAMES: usize = 60_000;
/// The burst: frames `BURST_AT..BURST_AT + BURST_LEN`, every sample of channel
/// 0 and every third of channel 1. Longer than the delay line tested below, so
/// a huge burst meets its own echo in the feedback.
const BURST_AT: usize = 6_000;
const BURST_LEN: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Burst {
    Nan,
    PosInf,
    NegInf,
    Huge,
    /// 3e38, then -3e38 from the burst's middle: overflows any sum or gain
    /// above 1.13 (a biquad's feedback terms, a delay meeting its echo).
    NearMax,
    Subnormal,
}

const BURSTS: [Burst; 6] = [Burst::Nan, Burst::PosInf, Burst::NegInf, Burst::Huge, Burst::NearMax, Burst::Subnormal];

impl Burst {
    fn value(self, index: usize) -> f32 {
        match self {
            Burst::Nan => f32::NAN,
            Burst::PosInf => f32::INFINITY,
            Burst::NegInf => f32::NEG_INFINITY,
            Burst::Huge => 1.0e30,
            Burst::NearMax => {
                if index < BURST_AT + BURST_LEN / 2 {
                    3.0e38
                } else {
                    -3.0e38
                }
            }
            Burst::Subnormal => 1.0e-40,
        }
    }

    /// Whether the engine replaces it before the DSP sees it.
    fn non_finite(self) -> bool {
        matches!(self, Burst::Nan | Burst::PosInf | Burst::NegInf)
    }
}

fn in_burst(channel: usize, t: usize) -> bool {
    (BURST_AT..BURST_AT + BURST_LEN).contains(&t) && (channel == 0 || t.is_multiple_of(3))
}

/// Burst samples over all channels.
fn burst_samples() -> u64 {
    (0..CHANNELS).map(|ch| (0..FRAMES).filter(|&t| in_burst(ch, t)).count() as u64).sum()
}

/// A stereo sine (a different pitch per channel), amplitude 0.5, with the burst
/// written in (`None`: no burst).
fn signal(burst: Option<Burst>) -> Vec<Vec<f32>> {
    (0..CHANNELS)
        .map(|ch| {
            let frequency = [440.0, 1250.0][ch];
            (0..FRAMES)
                .map(|t| match burst {
                    Some(burst) if in_burst(ch, t) => burst.value(t),
                    _ => 0.5 * (2.0 * std::f64::consts::PI * frequency * t as f64 / RATE).sin() as f32,
                })
                .collect()
        })
        .collect()
}

/// The same signal with the burst's samples set to 0.0.
fn zeroed_burst() -> Vec<Vec<f32>> {
    let mut input = signal(None);
    for (ch, channel) in input.iter_mut().enumerate() {
        for (t, sample) in channel.iter_mut().enumerate() {
            if in_burst(ch, t) {
                *sample = 0.0;
            }
        }
    }
    input
}

/// How far a recursive kind (filter, delay with feedback) may be from its
/// output without the burst once its memory has passed: 1e-5, -100 dB below
/// full scale.
///
/// Why not bit for bit: two runs of an f32 recursion that took different
/// paths converge to the same signal but need not merge to the same bits;
/// their rounding can stay a few ulps apart for ever (measured here: up to
/// 7.3e-7, about 12 ulps of the 0.5 sine, in the Q 10 band-pass; 3e-8 in the
/// delay; other channels do merge exactly). 1e-5 is more than ten times
/// that, and 10^25 times below the 1e30 bursts: state that still held any of
/// the burst could not pass.
const ROUNDING: f32 = 1.0e-5;

/// One built-in kind with its parameters (sent at frame 0) and notes.
struct Case {
    name: &'static str,
    params: Vec<(u32, f64)>,
    notes: Vec<(usize, EventKind)>,
    /// Frames after the burst's end from which the output must equal the
    /// output without the burst: how long the kind remembers its input. For
    /// the recursive kinds, the time for a residual at the burst's level to
    /// decay to 1e-9 (10^4 times under [`ROUNDING`]), plus 10 % (which also
    /// covers the biquad's transient gain of a few times its input).
    memory: fn(Burst) -> usize,
}

/// Frames for a residual of `level` to decay to 1e-9 when it shrinks by
/// `factor` every `period` frames, plus 10 %.
fn decay_frames(level: f64, factor: f64, period: usize) -> usize {
    let steps = (level / 1.0e-9).ln() / -factor.ln();
    (steps.max(0.0).ceil() * period as f64 * 1.1).ceil() as usize
}

/// The largest pole radius of the filter's biquad with these settings, from
/// the same RBJ formulas (`a1`, `a2` of `z^2 + a1 z + a2`).
fn biquad_pole_radius(cutoff: f64, q: f64) -> f64 {
    let w0 = 2.0 * std::f64::consts::PI * cutoff / RATE;
    let alpha = w0.sin() / (2.0 * q);
    let (a1, a2) = (-2.0 * w0.cos() / (1.0 + alpha), (1.0 - alpha) / (1.0 + alpha));
    let discriminant = a1 * a1 - 4.0 * a2;
    if discriminant < 0.0 { a2.sqrt() } else { ((-a1).abs() + discriminant.sqrt()) / 2.0 }
}

/// The largest magnitude the burst or the sine puts into the DSP (zeros
/// replace non-finite values).
fn level(burst: Burst) -> f64 {
    let burst = if burst.non_finite() { 0.0 } else { f64::from(burst.value(0).abs()) };
    burst.max(1.0)
}

fn cases() -> Vec<(Case, fn() -> Kind)> {
    const LOW_PASS: (f64, f64) = (1000.0, 0.707);
    const BAND_PASS: (f64, f64) = (1000.0, 10.0);
    vec![
        (Case { name: "gain +24 dB", params: vec![(gain::GAIN_DB, 24.0)], notes: vec![], memory: |_| 0 }, || {
            Kind(Box::new(gain::Gain::default()))
        }),
        (
            Case {
                name: "filter low-pass",
                params: vec![(filter::MODE, 0.0), (filter::CUTOFF_HZ, LOW_PASS.0), (filter::RESONANCE, LOW_PASS.1)],
                notes: vec![],
                memory: |burst| decay_frames(level(burst), biquad_pole_radius(LOW_PASS.0, LOW_PASS.1), 1),
            },
            || Kind(Box::new(filter::Filter::default())),
        ),
        (
            Case {
                name: "filter band-pass, Q 10",
                params: vec![(filter::MODE, 2.0), (filter::CUTOFF_HZ, BAND_PASS.0), (filter::RESONANCE, BAND_PASS.1)],
                notes: vec![],
                memory: |burst| decay_frames(level(burst), biquad_pole_radius(BAND_PASS.0, BAND_PASS.1), 1),
            },
            || Kind(Box::new(filter::Filter::default())),
        ),
        (
            Case {
                name: "delay 1 ms, feedback 0.5",
                params: vec![(delay::TIME_MS, 1.0), (delay::FEEDBACK, 0.5), (delay::MIX, 0.5)],
                notes: vec![],
                // The line holds a residual at most the burst's level (an
                // overflowing sum is stored as 0), halved every 48 frames.
                memory: |burst| decay_frames(level(burst), 0.5, 48) + 48,
            },
            || Kind(Box::new(delay::Delay::default())),
        ),
        (
            Case {
                name: "tremolo",
                params: vec![(tremolo::RATE_HZ, 7.0), (tremolo::DEPTH, 0.8)],
                notes: vec![],
                memory: |_| 0,
            },
            || Kind(Box::new(tremolo::Tremolo::default())),
        ),
        (
            Case {
                name: "synth (input ignored)",
                params: vec![(synth::ATTACK_MS, 2.0), (synth::RELEASE_MS, 30.0)],
                notes: vec![
                    (100, EventKind::NoteOn { channel: 0, pitch: 60, velocity: 0.9, note_id: 1 }),
                    (BURST_AT + 50, EventKind::NoteOn { channel: 0, pitch: 67, velocity: 0.7, note_id: 2 }),
                    (BURST_AT + 2000, EventKind::NoteOff { channel: 0, pitch: 60, velocity: 0.0, note_id: 1 }),
                ],
                memory: |_| 0,
            },
            || Kind(Box::new(synth::Synth::default())),
        ),
    ]
}

/// Any built-in kind as one processor type, so one engine type runs them all.
struct Kind(Box<dyn Processor>);

impl Processor for Kind {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.0.prepare(setup);
    }
    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        self.0.process(audio);
    }
    fn event(&mut self, event: &EventKind) {
        self.0.event(event);
    }
    fn reset(&mut self) {
        self.0.reset();
    }
}

fn engine<P: Processor>(processor: P, buffering: bool) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: MAX_BLOCK, channels: CHANNELS }).unwrap();
    engine.activate().unwrap();
    engine
}

/// The case's parameters at frame 0 and its notes, for the block at `start`.
fn events(case: &Case, start: usize, len: usize) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    if start == 0 {
        events.extend(case.params.iter().map(|&(id, value)| Event::new(0, EventKind::Param { id, value })));
    }
    for &(at, kind) in &case.notes {
        if (start..start + len).contains(&at) {
            events.push(Event::new(at - start, kind));
        }
    }
    events
}

/// Unbuffered, in blocks of 1 to `MAX_BLOCK` frames.
fn unbuffered(make: fn() -> Kind, case: &Case, input: &[Vec<f32>]) -> (Vec<Vec<f32>>, EngineStats) {
    let mut engine = engine(make(), false);
    let output = render(
        &mut engine,
        input,
        &blocks(FRAMES, 3, 1..=MAX_BLOCK),
        |_| ProcessMode::Offline,
        |s, n| events(case, s, n),
    );
    (output, engine.stats())
}

/// Buffered, in blocks of 0 to 4096 frames (above the prepared maximum too),
/// realtime (unpaced), offline and prefetch in turn; the input padded with
/// silence to cover the latency.
fn buffered(make: fn() -> Kind, case: &Case, input: &[Vec<f32>]) -> (Vec<Vec<f32>>, EngineStats, usize) {
    let mut engine = engine(make(), true);
    let latency = engine.latency_samples();
    let padded: Vec<Vec<f32>> =
        input.iter().map(|c| c.iter().copied().chain(std::iter::repeat_n(0.0, latency)).collect()).collect();
    let modes = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch];
    let output = render(
        &mut engine,
        &padded,
        &blocks(FRAMES + latency, 8, 0..=4096),
        |i| modes[i / 7 % 3],
        |s, n| events(case, s, n),
    );
    (output, engine.stats(), latency)
}

/// Asserts bit-equality over frames `range`, naming the first and the last
/// differing frame.
fn assert_same_in(got: &[Vec<f32>], want: &[Vec<f32>], range: std::ops::Range<usize>, what: &str) {
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        let differs = |&t: &usize| got[t].to_bits() != want[t].to_bits();
        if let Some(first) = range.clone().find(differs) {
            let last = range.clone().rev().find(differs).unwrap();
            panic!(
                "{what}: channel {ch} frame {first} (checked {range:?}): got {}, expected {}; last difference at {last}",
                got[first], want[first]
            );
        }
    }
}

/// Asserts `|got - want| <= ROUNDING` over frames `range`.
fn assert_close_in(got: &[Vec<f32>], want: &[Vec<f32>], range: std::ops::Range<usize>, what: &str) {
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        if let Some(t) = range.clone().find(|&t| (got[t] - want[t]).abs() > ROUNDING) {
            panic!("{what}: channel {ch} frame {t} (checked {range:?}): got {}, expected {}", got[t], want[t]);
        }
    }
}

fn assert_clean(output: &[Vec<f32>], what: &str) {
    for (ch, channel) in output.iter().enumerate() {
        if let Some(t) = channel.iter().position(|s| !s.is_finite() || s.is_subnormal()) {
            panic!("{what}: channel {ch} frame {t} is {}", channel[t]);
        }
    }
}

/// Runs every burst through the built-in case called `name`.
fn check(name: &str) {
    let clean = signal(None);
    let zeroed = zeroed_burst();
    let (case, make) = cases().into_iter().find(|(case, _)| case.name.starts_with(name)).expect("a case");
    let (without_burst, _) = unbuffered(make, &case, &clean);
    let (with_zeros, _) = unbuffered(make, &case, &zeroed);
    assert_clean(&without_burst, case.name);
    assert!(without_burst[0][BURST_AT..].iter().any(|s| *s != 0.0), "{}: not silence", case.name);
    for burst in BURSTS {
        let what = format!("{} with a {burst:?} burst", case.name);
        let input = signal(Some(burst));
        let (output, stats) = unbuffered(make, &case, &input);
        assert_clean(&output, &format!("{what}, unbuffered"));

        let (delayed, buffered_stats, latency) = buffered(make, &case, &input);
        assert_clean(&delayed, &format!("{what}, buffered"));
        assert_delayed_copy(&delayed, &output, latency, &format!("{what}: buffered = unbuffered delayed by L"));

        let replaced = if burst.non_finite() { burst_samples() } else { 0 };
        for (stats, mode) in [(stats, "unbuffered"), (buffered_stats, "buffered")] {
            assert_eq!(stats.non_finite_input, replaced, "{what}, {mode}: {stats:?}");
            // Only the gain, raising ±3e38 above f32::MAX, makes non-finite
            // output: the engine zeroes it and resets the (stateless) gain.
            // Every other kind keeps its output finite itself.
            if case.name.starts_with("gain") && burst == Burst::NearMax {
                assert!(stats.dsp_resets > 0, "{what}, {mode}: {stats:?}");
            } else {
                assert_eq!(stats.dsp_resets, 0, "{what}, {mode}: {stats:?}");
            }
            assert_eq!(stats.dsp_panics, 0, "{what}, {mode}");
        }

        if burst.non_finite() {
            assert_same_in(&output, &with_zeros, 0..FRAMES, &format!("{what}: as if the burst were zeros"));
        } else {
            let memory = (case.memory)(burst);
            assert_same_in(&output, &without_burst, 0..BURST_AT, &format!("{what}: before the burst"));
            let settled = BURST_AT + BURST_LEN + memory..FRAMES;
            assert!(settled.len() > FRAMES / 2, "{what}: the memory ({memory} frames) leaves enough to check");
            let what = format!("{what}: after the burst and the DSP's memory ({memory} frames)");
            if memory == 0 {
                assert_same_in(&output, &without_burst, settled, &what);
            } else {
                assert_close_in(&output, &without_burst, settled, &what);
            }
        }
    }
}

#[test]
fn gain_survives_every_burst() {
    check("gain");
}

#[test]
fn low_pass_filter_survives_every_burst() {
    check("filter low-pass");
}

#[test]
fn resonant_band_pass_filter_survives_every_burst() {
    check("filter band-pass");
}

#[test]
fn feedback_delay_survives_every_burst() {
    check("delay");
}

#[test]
fn tremolo_survives_every_burst() {
    check("tremolo");
}

#[test]
fn synth_survives_every_burst() {
    check("synth");
}

#[test]
fn a_nan_velocity_is_a_silent_note_not_a_poisoned_voice() {
    let note = |pitch, velocity| EventKind::NoteOn { channel: 0, pitch, velocity, note_id: -1 };
    let played = |notes: Vec<(usize, EventKind)>| {
        let case = Case { name: "synth", params: vec![], notes, memory: |_| 0 };
        unbuffered(|| Kind(Box::new(synth::Synth::default())), &case, &signal(None))
    };
    let (alone, _) = played(vec![(100, note(60, 0.8))]);
    let (with_bad, stats) =
        played(vec![(100, note(60, 0.8)), (500, note(64, f32::NAN)), (900, note(67, f32::INFINITY))]);
    assert_clean(&with_bad, "synth with NaN and infinite velocities");
    // A NaN velocity plays at 0 (silent), an infinite one at full velocity 1.
    let (loud, _) = played(vec![(100, note(60, 0.8)), (900, note(67, 1.0))]);
    assert_same_in(&with_bad, &loud, 0..FRAMES, "bad velocities read as 0 and 1");
    assert!(alone[0][..900] == with_bad[0][..900], "the NaN-velocity note is silent");
    assert_eq!(stats.dsp_resets, 0, "the synth never made NaN: {stats:?}");
}

/// The custom processor's automation: both parameters at frame 0, the gain
/// changed at frame 3000 (the value to restore is the last one).
fn nan_maker_events(start: usize, len: usize) -> Vec<Event> {
    let mut events = Vec::new();
    for (at, id, value) in [(0, 0, 0.25), (0, 1000, 0.125), (3000, 0, 0.75)] {
        if (start..start + len).contains(&at) {
            events.push(Event::new(at - start, EventKind::Param { id, value }));
        }
    }
    events
}

/// A fresh instance given the parameters' last values (gain 0.75, bias
/// 0.125), run unbuffered over `input[from..]`.
fn fresh_nan_maker(input: &[Vec<f32>], from: usize) -> Vec<Vec<f32>> {
    let rest: Vec<Vec<f32>> = input.iter().map(|c| c[from..].to_vec()).collect();
    let mut engine = engine(NanMaker::default(), false);
    let params = |start: usize, _| {
        if start > 0 {
            return Vec::new();
        }
        [(0, 0.75), (1000, 0.125)].map(|(id, value)| Event::new(0, EventKind::Param { id, value })).to_vec()
    };
    render(&mut engine, &rest, &blocks(rest[0].len(), 9, 1..=MAX_BLOCK), |_| ProcessMode::Offline, params)
}

#[test]
fn a_processor_that_makes_nan_is_reset_with_its_parameters_restored() {
    const TRIGGER: usize = 7_777;
    let clean = signal(None);
    let mut input = clean.clone();
    input[1][TRIGGER] = 1.0;
    let sizes = blocks(FRAMES, 5, 1..=MAX_BLOCK);
    let healthy =
        render(&mut engine(NanMaker::default(), false), &clean, &sizes, |_| ProcessMode::Offline, nan_maker_events);

    // Unbuffered, in known blocks: the span that made NaN ends with its block.
    let mut unbuffered = engine(NanMaker::default(), false);
    let output = render(&mut unbuffered, &input, &sizes, |_| ProcessMode::Offline, nan_maker_events);
    let reset_at = sizes
        .iter()
        .scan(0, |end, n| {
            *end += n;
            Some(*end)
        })
        .find(|&end| end > TRIGGER)
        .unwrap();
    assert_clean(&output, "unbuffered");
    assert_same_in(&output[..1], &healthy[..1], 0..reset_at, "the other channel, up to the reset");
    assert_same_in(&output[1..], &healthy[1..], 0..TRIGGER, "before the NaN");
    assert!(output[1][TRIGGER..reset_at].iter().all(|s| s.to_bits() == 0), "NaN output replaced by 0.0");
    let fresh = fresh_nan_maker(&input, reset_at);
    let after: Vec<Vec<f32>> = output.iter().map(|c| c[reset_at..].to_vec()).collect();
    assert_same_in(&after, &fresh, 0..FRAMES - reset_at, "after the reset: a fresh instance with the same parameters");
    let stats = unbuffered.stats();
    assert_eq!((stats.dsp_resets, stats.non_finite_input, stats.dsp_panics), (1, 0, 0), "{stats:?}");

    // Buffered: the reset comes at the end of whichever span the engine cut.
    for mode in [ProcessMode::Realtime, ProcessMode::Offline] {
        let mut buffered = engine(NanMaker::default(), true);
        let latency = buffered.latency_samples();
        let padded: Vec<Vec<f32>> =
            input.iter().map(|c| c.iter().copied().chain(std::iter::repeat_n(0.0, latency)).collect()).collect();
        let delayed =
            render(&mut buffered, &padded, &blocks(FRAMES + latency, 6, 0..=4096), |_| mode, nan_maker_events);
        let output: Vec<Vec<f32>> = delayed.iter().map(|c| c[latency..].to_vec()).collect();
        assert_clean(&output, &format!("{mode:?}"));
        let reset_at = (TRIGGER..FRAMES).find(|&t| output[1][t] != 0.0).unwrap();
        assert!(reset_at > TRIGGER && reset_at <= TRIGGER + MAX_BLOCK, "{mode:?}: reset at {reset_at}");
        assert_same_in(&output[..1], &healthy[..1], 0..reset_at, &format!("{mode:?}: the other channel"));
        assert_same_in(&output[1..], &healthy[1..], 0..TRIGGER, &format!("{mode:?}: before the NaN"));
        let fresh = fresh_nan_maker(&input, reset_at);
        let after: Vec<Vec<f32>> = output.iter().map(|c| c[reset_at..].to_vec()).collect();
        assert_same_in(&after, &fresh, 0..FRAMES - reset_at, &format!("{mode:?}: after the reset"));
        let stats = buffered.stats();
        assert_eq!((stats.dsp_resets, stats.non_finite_input, stats.dsp_panics), (1, 0, 0), "{mode:?}: {stats:?}");
    }
}
