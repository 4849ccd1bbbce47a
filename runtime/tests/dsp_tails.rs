//! The tails the built-in kinds report are honest: after the last input (an
//! impulse, or a note-off), nothing above -100 dB comes out later than the
//! tail, and the tail is not much longer than what is heard. The engine
//! reports the processor's tail plus its latency, and follows parameter
//! changes, before activation too.

mod common;

use common::run_inline;
use runtime::dsp::{delay, filter, gain, synth, tremolo};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor, Tail};

const RATE: f64 = 48_000.0;
/// -100 dB, the level the tails are measured to.
const SILENCE: f32 = 1e-5;

/// Runs `input` through `processor` inline with `params` set before the first
/// frame and `events` at their frames; returns the output and the engine's tail.
fn run<P: Processor>(
    processor: P,
    input: &[Vec<f32>],
    params: &[(u32, f64)],
    events: &[(usize, EventKind)],
) -> (Vec<Vec<f32>>, Tail) {
    let (output, engine) = run_inline(processor, input, params, events);
    (output, engine.tail())
}

/// The last frame at or above -100 dB, if any.
fn last_audible(output: &[Vec<f32>]) -> Option<usize> {
    output.iter().filter_map(|c| c.iter().rposition(|s| s.abs() >= SILENCE)).max()
}

fn impulse(frames: usize) -> Vec<Vec<f32>> {
    let mut channel = vec![0.0_f32; frames];
    channel[0] = 1.0;
    vec![channel]
}

fn frames(tail: Tail) -> usize {
    tail.frames().unwrap_or_else(|| panic!("a finite tail, got {tail:?}"))
}

#[test]
fn delay_reports_its_echoes_down_to_minus_100_db() {
    // 10 ms, feedback 0.5, mix 0.5: echo k at 480 k frames, 0.5^k high. The
    // last at or above 1e-5 is k = 16 (1.5e-5), at frame 7680.
    let params = [(delay::TIME_MS, 10.0), (delay::FEEDBACK, 0.5), (delay::MIX, 0.5)];
    let (output, tail) = run(delay::Delay::default(), &impulse(20_000), &params, &[]);
    assert_eq!(last_audible(&output), Some(16 * 480));
    assert_eq!(tail, Tail::Frames(17 * 480), "every echo from feedback^(k-1) >= 1e-5, k = 1..=17");

    // No feedback: one echo, one delay time.
    let params = [(delay::TIME_MS, 10.0), (delay::FEEDBACK, 0.0), (delay::MIX, 0.5)];
    let (output, tail) = run(delay::Delay::default(), &impulse(2000), &params, &[]);
    assert_eq!((last_audible(&output), tail), (Some(480), Tail::Frames(480)));

    // The shipped defaults (250 ms, 0.4): 13 echoes, 3.25 s.
    let (output, tail) = run(delay::Delay::default(), &impulse(48_000 * 4), &[], &[]);
    let heard = last_audible(&output).unwrap();
    assert_eq!(tail, Tail::Frames(13 * 12_000));
    assert!(heard <= frames(tail) && heard >= 12 * 12_000, "last echo at {heard}");

    // Dry only: nothing outlasts the input.
    let (_, tail) = run(delay::Delay::default(), &impulse(100), &[(delay::MIX, 0.0)], &[]);
    assert_eq!(tail, Tail::None);
}

#[test]
fn filter_reports_a_short_tail_its_impulse_response_fits_in() {
    use filter::{CUTOFF_HZ, MODE, RESONANCE};
    let cases: [(&str, [(u32, f64); 3]); 8] = [
        ("low-pass 1 kHz (defaults)", [(MODE, 0.0), (CUTOFF_HZ, 1000.0), (RESONANCE, 0.707)]),
        ("low-pass 20 Hz", [(MODE, 0.0), (CUTOFF_HZ, 20.0), (RESONANCE, 0.707)]),
        ("low-pass 20 Hz, Q 10", [(MODE, 0.0), (CUTOFF_HZ, 20.0), (RESONANCE, 10.0)]),
        ("low-pass 10 kHz, Q 10", [(MODE, 0.0), (CUTOFF_HZ, 10_000.0), (RESONANCE, 10.0)]),
        ("high-pass 5 kHz", [(MODE, 1.0), (CUTOFF_HZ, 5000.0), (RESONANCE, 0.707)]),
        ("high-pass 20 Hz, Q 10", [(MODE, 1.0), (CUTOFF_HZ, 20.0), (RESONANCE, 10.0)]),
        ("band-pass 100 Hz, Q 0.1", [(MODE, 2.0), (CUTOFF_HZ, 100.0), (RESONANCE, 0.1)]),
        ("band-pass 1 kHz, Q 10", [(MODE, 2.0), (CUTOFF_HZ, 1000.0), (RESONANCE, 10.0)]),
    ];
    for (what, params) in cases {
        let (output, tail) = run(filter::Filter::default(), &impulse(4 * 48_000), &params, &[]);
        let heard = last_audible(&output).unwrap();
        let tail = frames(tail);
        assert!(heard <= tail, "{what}: heard until frame {heard}, tail {tail}");
        assert!(tail <= 3 * heard + 64, "{what}: tail {tail} for a response heard until {heard}");
        println!("{what}: heard until {heard}, tail {tail}");
    }
    // The defaults ring for a few milliseconds, not seconds.
    let (_, tail) = run(filter::Filter::default(), &impulse(100), &[], &[]);
    assert!(frames(tail) < 480, "{tail:?}");
}

#[test]
fn synth_reports_its_release() {
    let silence = vec![vec![0.0_f32; 48_000]; 2];
    for release_ms in [0.0, 1.0, 50.0, 300.0] {
        let params = [(synth::ATTACK_MS, 1.0), (synth::RELEASE_MS, release_ms)];
        let on = EventKind::NoteOn { channel: 0, pitch: 69, velocity: 1.0, note_id: -1 };
        let off = EventKind::NoteOff { channel: 0, pitch: 69, velocity: 0.0, note_id: -1 };
        let (output, tail) = run(synth::Synth::default(), &silence, &params, &[(100, on), (10_000, off)]);
        let heard = last_audible(&output).unwrap();
        let release = (release_ms * RATE / 1000.0) as usize;
        assert!(heard <= 10_000 + frames(tail), "{release_ms} ms: heard until {heard}, tail {tail:?}");
        assert!(frames(tail) <= release + 1, "{release_ms} ms: tail {tail:?}");
    }
}

#[test]
fn gain_and_tremolo_stop_with_their_input() {
    let (output, tail) = run(gain::Gain::default(), &impulse(100), &[], &[]);
    assert_eq!((last_audible(&output), tail), (Some(0), Tail::None));
    let (output, tail) = run(tremolo::Tremolo::default(), &impulse(100), &[], &[]);
    assert_eq!((last_audible(&output), tail), (Some(0), Tail::None));
}

#[test]
fn the_engine_adds_its_latency_and_follows_parameter_changes() {
    let setup = ProcessSetup { sample_rate: RATE, max_block: 512, channels: 1 };
    for buffering in [false, true] {
        let mut engine = Engine::new(delay::Delay::default(), EngineConfig { buffering, ..EngineConfig::default() });
        let latency = engine.setup(setup).unwrap();
        assert_eq!(latency, if buffering { 2400 } else { 0 });
        // After prepare: the defaults, 250 ms and 0.4.
        assert_eq!(engine.tail(), Tail::Frames(13 * 12_000 + latency), "buffering {buffering}");
        // A value set before activation counts at once, and after it.
        engine.apply_while_inactive(&EventKind::Param { id: delay::TIME_MS, value: 375.0 });
        assert_eq!(engine.tail(), Tail::Frames(13 * 18_000 + latency), "buffering {buffering}");
        engine.activate().unwrap();
        assert_eq!(engine.tail(), Tail::Frames(13 * 18_000 + latency), "buffering {buffering}");
        // Feedback 0: one echo of 375 ms, once a block has run with it.
        let events = [Event::new(0, EventKind::Param { id: delay::FEEDBACK, value: 0.0 })];
        let input = [0.0_f32; 512];
        let mut output = [0.0_f32; 512];
        // Past the latency: the processor has run over the event's frame.
        for block in 0..6 {
            let events = if block == 0 { &events[..] } else { &[] };
            engine.process(ProcessMode::Offline, &[&input], &mut [&mut output], events).unwrap();
        }
        assert_eq!(engine.tail(), Tail::Frames(18_000 + latency), "buffering {buffering}");
        assert_eq!(engine.stats().tail, engine.tail());
        engine.deactivate();
    }
    // A processor without a tail: the latency alone, or none.
    let mut engine = Engine::new(gain::Gain::default(), EngineConfig::default());
    let latency = engine.setup(setup).unwrap();
    assert_eq!(engine.tail(), Tail::Frames(latency));
    let mut engine = Engine::new(gain::Gain::default(), EngineConfig { buffering: false, ..EngineConfig::default() });
    engine.setup(setup).unwrap();
    assert_eq!(engine.tail(), Tail::None);
    assert_eq!(Tail::Infinite.delayed_by(2400), Tail::Infinite);
}
