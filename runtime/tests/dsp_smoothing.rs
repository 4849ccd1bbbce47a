//! The built-in kinds smooth their continuous parameters: a step at frame k
//! ramps from k over the spec's `smooth_ms` (20 ms by default), the sample
//! values at known frames follow the ramp, a ramp equals the same kind
//! unsmoothed given the ramp's values one frame at a time, and buffered
//! output stays unbuffered output delayed by L bit for bit with ramps under
//! way whatever the blocks. Parameters that are not smoothed (delay time,
//! synth attack) still step at k.

mod common;

use common::{assert_delayed_copy, blocks, noise, render};
use runtime::dsp::synth::note_frequency;
use runtime::dsp::{ParamSpec, db_to_gain, delay, filter, synth, tremolo};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};

const RATE: f64 = 48_000.0;
/// A 20 ms ramp at 48 kHz.
const RAMP: usize = 960;

fn engine<P: Processor>(processor: P, buffering: bool, channels: usize) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 1024, channels }).unwrap();
    engine.activate().unwrap();
    engine
}

fn param(id: u32, value: f64) -> EventKind {
    EventKind::Param { id, value }
}

/// `(frame, event)` pairs delivered in whatever block holds them.
fn schedule(events: &[(usize, EventKind)]) -> impl FnMut(usize, usize) -> Vec<Event> + '_ {
    move |start, len| {
        events
            .iter()
            .filter(|(at, _)| (start..start + len).contains(at))
            .map(|&(at, kind)| Event::new(at - start, kind))
            .collect()
    }
}

/// Runs `processor` inline over `input` in random blocks of up to 1024.
fn run<P: Processor>(processor: P, input: &[Vec<f32>], events: &[(usize, EventKind)]) -> Vec<Vec<f32>> {
    let mut inline = engine(processor, false, input.len());
    let sizes = blocks(input[0].len(), 7, 1..=1024);
    render(&mut inline, input, &sizes, |_| ProcessMode::Offline, schedule(events))
}

/// The value a ramp from `from` to `to` starting at k gives frame `k + i`.
fn ramp(from: f64, to: f64, i: usize) -> f64 {
    if i + 1 >= RAMP { to } else { from + (to - from) * ((i + 1) as f64 / RAMP as f64) }
}

/// `specs` with `smooth_ms` 0 everywhere.
fn unsmoothed(specs: &[ParamSpec]) -> Vec<ParamSpec> {
    specs.iter().map(|spec| ParamSpec { smooth_ms: 0.0, ..*spec }).collect()
}

/// The tremolo's gain (restated from its doc: `1 - depth * (1 - cos 2πφ) / 2`).
fn tremolo_gain(phase: f64, depth: f32) -> f32 {
    let lfo = (1.0 - (2.0 * std::f64::consts::PI * phase).cos()) as f32 * 0.5;
    1.0 - depth * lfo
}

#[test]
fn every_continuous_built_in_parameter_smooths_by_default_and_the_rest_do_not() {
    let smoothing = |specs: &[ParamSpec]| -> Vec<f64> { specs.iter().map(|s| s.smooth_ms).collect() };
    assert_eq!(smoothing(filter::PARAMS), [0.0, 20.0, 20.0], "mode, cutoff, resonance");
    assert_eq!(smoothing(delay::PARAMS), [0.0, 20.0, 20.0], "time, feedback, mix");
    assert_eq!(smoothing(tremolo::PARAMS), [20.0, 20.0], "rate, depth");
    assert_eq!(smoothing(tremolo::SYNCED_PARAMS), [20.0], "depth");
    assert_eq!(smoothing(synth::PARAMS), [0.0, 0.0, 0.0, 20.0], "waveform, attack, release, level");
}

#[test]
fn a_tremolo_depth_step_at_k_fades_the_modulation_over_20_ms() {
    let (k, frames, rate) = (5_000, 9_000, 3.0);
    let input = vec![vec![1.0_f32; frames]; 2];
    let events = [(0, param(tremolo::RATE_HZ, rate)), (0, param(tremolo::DEPTH, 0.2)), (k, param(tremolo::DEPTH, 0.9))];
    let output = run(tremolo::Tremolo::default(), &input, &events);
    // The phase runs on the sample clock at 3 Hz from 0.
    let step = rate / RATE;
    let mut phases = vec![0.0_f64; frames];
    for t in 1..frames {
        phases[t] = (phases[t - 1] + step).fract();
    }
    for channel in &output {
        assert_eq!(channel[k - 1], tremolo_gain(phases[k - 1], 0.2_f64 as f32), "depth 0.2 up to k");
        for i in [0, 1, RAMP / 2, RAMP - 2, RAMP - 1, RAMP + 500] {
            let depth = ramp(0.2, 0.9, i) as f32;
            assert_eq!(channel[k + i], tremolo_gain(phases[k + i], depth), "ramp sample {i}");
        }
        // Not a step: one frame after k the depth has moved 1/960 of the way.
        assert_ne!(channel[k], tremolo_gain(phases[k], 0.9));
    }
}

#[test]
fn a_tremolo_rate_step_bends_the_lfo_speed_sample_by_sample() {
    let (k, frames) = (4_000, 8_000);
    let input = vec![vec![1.0_f32; frames]; 1];
    let events =
        [(0, param(tremolo::RATE_HZ, 2.0)), (0, param(tremolo::DEPTH, 1.0)), (k, param(tremolo::RATE_HZ, 12.0))];
    let output = run(tremolo::Tremolo::default(), &input, &events);
    // Frame t's phase is the sum of the steps of the frames before it, each
    // at that frame's rate.
    let mut phase = 0.0_f64;
    for (t, sample) in output[0].iter().enumerate() {
        assert_eq!(*sample, tremolo_gain(phase, 1.0), "frame {t}");
        let rate = if t < k { 2.0 } else { ramp(2.0, 12.0, t - k) };
        phase = (phase + rate / RATE).fract();
    }
}

#[test]
fn a_synced_tremolo_smooths_its_depth() {
    let (k, frames) = (3_000, 6_000);
    let input = vec![vec![1.0_f32; frames]; 2];
    let note = runtime::dsp::NoteValue::new(1, 8);
    let events = [(0, param(tremolo::DEPTH, 1.0)), (k, param(tremolo::DEPTH, 0.0))];
    let output = run(tremolo::Tremolo::synced(note), &input, &events);
    // No transport: the phase runs at the fallback 120 bpm, an eighth per period.
    let step = tremolo::FALLBACK_TEMPO / (60.0 * note.quarter_notes() * RATE);
    let mut phase = 0.0_f64;
    for (t, sample) in output[0].iter().enumerate() {
        let depth = if t < k { 1.0 } else { ramp(1.0, 0.0, t - k) };
        assert_eq!(*sample, tremolo_gain(phase, depth as f32), "frame {t}");
        phase = (phase + step).fract();
    }
}

#[test]
fn a_delay_mix_step_at_k_crossfades_dry_and_echo_over_20_ms() {
    // 30 ms without feedback: the echo of a constant 0.5 that stops at k is
    // 0.5 from 1440 to k + 1440 while the dry signal is 0 from k, so the
    // output there is 0.5 · mix, frame by frame.
    let (k, frames, time) = (5_000, 8_000, 1_440);
    let mut input = vec![vec![0.5_f32; frames]; 2];
    input.iter_mut().for_each(|channel| channel[k..].fill(0.0));
    let events = [
        (0, param(delay::TIME_MS, 30.0)),
        (0, param(delay::FEEDBACK, 0.0)),
        (0, param(delay::MIX, 0.25)),
        (k, param(delay::MIX, 1.0)),
    ];
    let output = run(delay::Delay::default(), &input, &events);
    for channel in &output {
        assert_eq!(channel[k - 1], 0.5 * 0.75 + 0.5 * 0.25, "dry and echo, mix 0.25");
        for i in [0, 1, 100, RAMP / 2, RAMP - 2, RAMP - 1, time - 1] {
            let mix = ramp(0.25, 1.0, i) as f32;
            assert_eq!(channel[k + i], 0.5 * mix, "ramp sample {i}");
        }
        assert!(channel[k..k + RAMP].windows(2).all(|w| w[0] < w[1]), "rises every sample: no zipper");
    }
}

#[test]
fn a_delay_feedback_step_at_k_ramps_what_goes_back_into_the_line() {
    // Mix 1 (echo only), 30 ms: a constant 0.5 that stops at k leaves the
    // line holding `0 + feedback · 0.5` from k on, heard 1440 frames later.
    let (k, frames, time) = (5_000, 9_000, 1_440);
    let mut input = vec![vec![0.5_f32; frames]; 1];
    input[0][k..].fill(0.0);
    let events = [
        (0, param(delay::TIME_MS, 30.0)),
        (0, param(delay::FEEDBACK, 0.0)),
        (0, param(delay::MIX, 1.0)),
        (k, param(delay::FEEDBACK, 0.9)),
    ];
    let output = run(delay::Delay::default(), &input, &events);
    assert_eq!(output[0][k + time - 1], 0.5, "the echo of the last input before k");
    for i in [0, 1, RAMP / 2, RAMP - 2, RAMP - 1] {
        let feedback = ramp(0.0, 0.9, i) as f32;
        assert_eq!(output[0][k + time + i], feedback * 0.5, "ramp sample {i}");
    }
}

#[test]
fn the_delay_time_is_not_smoothed_it_steps_at_k() {
    // A smoothed time would glide the read position and bend the pitch.
    let (k, frames) = (3_000, 6_000);
    let input = noise(1, frames, 3);
    let events = [(0, param(delay::MIX, 1.0)), (0, param(delay::FEEDBACK, 0.0)), (k, param(delay::TIME_MS, 5.0))];
    let output = run(delay::Delay::default(), &input, &events);
    // From k the echo is the input 240 frames back at once.
    for t in [k, k + 1, k + 500] {
        assert_eq!(output[0][t], input[0][t - 240], "frame {t}");
    }
}

#[test]
fn a_synth_level_step_at_k_ramps_in_decibels_over_20_ms() {
    let (k, frames, pitch, velocity) = (4_000, 8_000, 69, 0.5_f32);
    let silence = vec![vec![0.0_f32; frames]; 2];
    let events = [
        (0, param(synth::ATTACK_MS, 0.0)),
        (0, param(synth::LEVEL_DB, -6.0)),
        (0, EventKind::NoteOn { channel: 0, pitch, velocity, note_id: -1 }),
        (k, param(synth::LEVEL_DB, -30.0)),
    ];
    let output = run(synth::Synth::default(), &silence, &events);
    // One voice, envelope 1 from the first sample (no attack): a sine at 440 Hz.
    let step = note_frequency(pitch) / RATE;
    let mut phases = vec![0.0_f64; frames];
    for t in 1..frames {
        phases[t] = (phases[t - 1] + step).fract();
    }
    let voice = |t: usize, db: f64| {
        let wave = (2.0 * std::f64::consts::PI * phases[t]).sin() as f32;
        wave * 1.0 * velocity * db_to_gain(db)
    };
    for channel in &output {
        assert_eq!(channel[k - 1], voice(k - 1, -6.0), "-6 dB up to k");
        for i in [0, 1, RAMP / 2, RAMP - 2, RAMP - 1, RAMP + 100] {
            assert_eq!(channel[k + i], voice(k + i, ramp(-6.0, -30.0, i)), "ramp sample {i}");
        }
    }
}

#[test]
fn the_synth_attack_is_not_smoothed_it_applies_to_the_next_note_at_once() {
    let silence = vec![vec![0.0_f32; 2_000]; 1];
    let on = EventKind::NoteOn { channel: 0, pitch: 60, velocity: 1.0, note_id: -1 };
    // Attack 0 set at the note's own frame: the note starts at full level.
    let events = [(0, param(synth::ATTACK_MS, 500.0)), (1_000, param(synth::ATTACK_MS, 0.0)), (1_000, on)];
    let output = run(synth::Synth::default(), &silence, &events);
    let step = note_frequency(60) / RATE;
    let wave = (2.0 * std::f64::consts::PI * step).sin() as f32;
    assert_eq!(output[0][1_001], wave * db_to_gain(-12.0), "envelope 1 on the note's second sample");
}

/// Runs `specs`' kind (made by `make`) with a step of parameter `id` from
/// `from` to `to` at frame k, smoothed; and the kind unsmoothed, given the
/// ramp's values as events one frame at a time. Asserts both outputs equal
/// bit for bit, and differ from an unsmoothed step.
fn ramp_equals_its_values_frame_by_frame<P: Processor>(
    what: &str,
    make: impl Fn(&[ParamSpec]) -> P,
    specs: &[ParamSpec],
    setup: &[(u32, f64)],
    (id, from, to): (u32, f64, f64),
    input: &[Vec<f32>],
) {
    let k = 3_000;
    let frames = input[0].len();
    let mut events: Vec<(usize, EventKind)> = setup.iter().map(|&(id, value)| (0, param(id, value))).collect();
    events.push((0, param(id, from)));
    events.push((k, param(id, to)));
    let smoothed = run(make(specs), input, &events);

    let plain = unsmoothed(specs);
    let mut stepped = engine(make(&plain), false, input.len());
    let sizes: Vec<usize> = [k].into_iter().chain(std::iter::repeat_n(1, RAMP)).chain([frames - k - RAMP]).collect();
    let step = render(&mut stepped, input, &sizes, |_| ProcessMode::Offline, schedule(&events));

    let mut by_frame = events.clone();
    by_frame.pop();
    by_frame.extend((0..RAMP).map(|i| (k + i, param(id, ramp(from, to, i)))));
    let mut frame_by_frame = engine(make(&plain), false, input.len());
    let reference = render(&mut frame_by_frame, input, &sizes, |_| ProcessMode::Offline, schedule(&by_frame));

    assert_delayed_copy(&smoothed, &reference, 0, what);
    assert_eq!(smoothed[0][..k], step[0][..k], "{what}: nothing moves before k");
    assert_ne!(smoothed[0][k..k + RAMP], step[0][k..k + RAMP], "{what}: the ramp is not a step");
}

#[test]
fn every_ramp_is_its_values_frame_by_frame() {
    let noise = noise(2, 8_000, 11);
    use filter::{CUTOFF_HZ, Filter, MODE, RESONANCE};
    for (mode, name) in [(0.0, "low-pass"), (1.0, "high-pass"), (2.0, "band-pass")] {
        let setup = [(MODE, mode), (RESONANCE, 2.0)];
        let what = format!("filter {name} cutoff");
        ramp_equals_its_values_frame_by_frame(
            &what,
            Filter::new,
            filter::PARAMS,
            &setup,
            (CUTOFF_HZ, 200.0, 8_000.0),
            &noise,
        );
        let setup = [(MODE, mode), (CUTOFF_HZ, 1_000.0)];
        let what = format!("filter {name} resonance");
        ramp_equals_its_values_frame_by_frame(
            &what,
            Filter::new,
            filter::PARAMS,
            &setup,
            (RESONANCE, 0.5, 8.0),
            &noise,
        );
    }
    use delay::{Delay, FEEDBACK, MIX, TIME_MS};
    let setup = [(TIME_MS, 3.0), (MIX, 0.5)];
    ramp_equals_its_values_frame_by_frame(
        "delay feedback",
        Delay::new,
        delay::PARAMS,
        &setup,
        (FEEDBACK, 0.9, 0.1),
        &noise,
    );
    let setup = [(TIME_MS, 3.0), (FEEDBACK, 0.5)];
    ramp_equals_its_values_frame_by_frame("delay mix", Delay::new, delay::PARAMS, &setup, (MIX, 0.0, 1.0), &noise);
    use tremolo::{DEPTH, RATE_HZ, Tremolo};
    let setup = [(DEPTH, 1.0)];
    ramp_equals_its_values_frame_by_frame(
        "tremolo rate",
        Tremolo::new,
        tremolo::PARAMS,
        &setup,
        (RATE_HZ, 0.5, 20.0),
        &noise,
    );
    ramp_equals_its_values_frame_by_frame(
        "tremolo depth",
        Tremolo::new,
        tremolo::PARAMS,
        &[],
        (DEPTH, 0.0, 1.0),
        &noise,
    );
    let note = runtime::dsp::NoteValue::new(1, 16);
    let synced = |specs: &[ParamSpec]| Tremolo::synced_with(note, specs);
    ramp_equals_its_values_frame_by_frame(
        "synced depth",
        synced,
        tremolo::SYNCED_PARAMS,
        &[],
        (DEPTH, 1.0, 0.2),
        &noise,
    );
}

#[test]
fn a_plugin_spec_sets_the_ramp_and_zero_turns_it_off() {
    let input = vec![vec![1.0_f32; 4_000]; 1];
    let events = [(0, param(tremolo::DEPTH, 0.0)), (1_000, param(tremolo::DEPTH, 1.0))];
    let specs = |smooth_ms: f64| -> Vec<ParamSpec> {
        tremolo::PARAMS.iter().map(|spec| ParamSpec { smooth_ms, ..*spec }).collect()
    };
    // Depth 0 then 1 at frame 1000, rate 5 Hz: the gain leaves 1 as the depth rises.
    let slow = run(tremolo::Tremolo::new(&specs(50.0)), &input, &events);
    let fast = run(tremolo::Tremolo::new(&specs(5.0)), &input, &events);
    let off = run(tremolo::Tremolo::new(&specs(0.0)), &input, &events);
    let phase = (0..1_000).fold(0.0_f64, |phase, _| (phase + 5.0 / RATE).fract());
    assert_eq!(off[0][1_000], tremolo_gain(phase, 1.0), "0 ms: the step at k");
    assert_eq!(fast[0][1_000], tremolo_gain(phase, (1.0_f64 / 240.0) as f32), "5 ms: 240 frames");
    assert_eq!(slow[0][1_000], tremolo_gain(phase, (1.0_f64 / 2_400.0) as f32), "50 ms: 2400 frames");
}

#[test]
fn buffered_equals_unbuffered_delayed_by_the_latency_with_every_kind_ramping() {
    fn check<P: Processor>(what: &str, make: impl Fn() -> P, events: &[(usize, EventKind)], input: &[Vec<f32>]) {
        let frames = input[0].len();
        let mut inline = engine(make(), false, input.len());
        let reference =
            render(&mut inline, input, &blocks(frames, 2, 0..=700), |_| ProcessMode::Offline, schedule(events));
        assert!(reference.iter().flatten().all(|s| s.is_finite()), "{what}: finite");
        for (seed, mode) in [(3, ProcessMode::Offline), (4, ProcessMode::Realtime), (5, ProcessMode::Prefetch)] {
            let mut buffered = engine(make(), true, input.len());
            let latency = buffered.latency_samples();
            let output = render(&mut buffered, input, &blocks(frames, seed, 0..=1024), |_| mode, schedule(events));
            assert_delayed_copy(&output, &reference, latency, &format!("{what} {mode:?}"));
        }
    }
    let input = noise(2, 20_000, 5);
    // Changes mid-ramp, a frame apart, and non-finite ones (ignored).
    let moves = |id: u32, values: [f64; 5]| -> Vec<(usize, EventKind)> {
        [0, 3_000, 3_200, 3_201, 9_999, 10_000, 15_000]
            .into_iter()
            .zip(values.into_iter().chain([f64::NAN, f64::INFINITY]))
            .map(|(at, value)| (at, param(id, value)))
            .collect()
    };
    let mut filter_events = moves(filter::CUTOFF_HZ, [300.0, 9_000.0, 50.0, 2_000.0, 700.0]);
    filter_events.extend(moves(filter::RESONANCE, [0.7, 9.0, 0.2, 3.0, 1.0]));
    filter_events.sort_by_key(|(at, _)| *at);
    check("filter", filter::Filter::default, &filter_events, &input);
    let mut delay_events = moves(delay::FEEDBACK, [0.9, 0.0, 0.5, 0.95, 0.3]);
    delay_events.extend(moves(delay::MIX, [1.0, 0.0, 0.5, 0.7, 0.2]));
    delay_events.push((0, param(delay::TIME_MS, 7.0)));
    delay_events.sort_by_key(|(at, _)| *at);
    check("delay", delay::Delay::default, &delay_events, &input);
    let mut tremolo_events = moves(tremolo::RATE_HZ, [20.0, 0.1, 7.0, 3.0, 11.0]);
    tremolo_events.extend(moves(tremolo::DEPTH, [1.0, 0.0, 0.5, 0.9, 0.3]));
    tremolo_events.sort_by_key(|(at, _)| *at);
    check("tremolo", tremolo::Tremolo::default, &tremolo_events, &input);
    let note = runtime::dsp::NoteValue::new(1, 8).triplet();
    check(
        "tremolo synced",
        || tremolo::Tremolo::synced(note),
        &moves(tremolo::DEPTH, [1.0, 0.0, 0.5, 0.9, 0.3]),
        &input,
    );
    let mut synth_events = moves(synth::LEVEL_DB, [0.0, -60.0, -20.0, -3.0, -40.0]);
    synth_events.push((10, EventKind::NoteOn { channel: 0, pitch: 64, velocity: 0.8, note_id: -1 }));
    synth_events.sort_by_key(|(at, _)| *at);
    check("synth", synth::Synth::default, &synth_events, &input);
}
