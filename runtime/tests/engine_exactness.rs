//! Contract point 1 and 2: buffered output equals unbuffered output delayed by L,
//! bit for bit, for random block sizes (0 to 8192, above the prepared maximum
//! too), at every common rate, mono and stereo, in offline, prefetch and
//! unpaced realtime mode, and across mode switches mid-stream.

mod common;

use common::processors::FeedbackFilter;
use common::{assert_delayed_copy, blocks, noise, render};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup};

const RATES: [f64; 5] = [44_100.0, 48_000.0, 88_200.0, 96_000.0, 192_000.0];
const MAX_BLOCK: usize = 4096;

fn engine(buffering: bool, rate: f64, channels: usize) -> Engine<FeedbackFilter> {
    let config = EngineConfig { buffering, ..EngineConfig::default() };
    let mut engine = Engine::new(FeedbackFilter::default(), config);
    engine.setup(ProcessSetup { sample_rate: rate, max_block: MAX_BLOCK, channels }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Gain automation every 3000 frames, so parameter timing is part of the check.
fn automation(start: usize, len: usize) -> Vec<Event> {
    (start..start + len)
        .filter(|t| t % 3000 == 1234)
        .map(|t| Event::new(t - start, EventKind::Param { id: 0, value: 0.5 + (t / 3000 % 3) as f64 * 0.25 }))
        .collect()
}

/// The unbuffered reference, in its own block partition (the output must not
/// depend on it).
fn reference(rate: f64, channels: usize, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut unbuffered = engine(false, rate, channels);
    assert_eq!(unbuffered.latency_samples(), 0);
    let frames = input[0].len();
    render(&mut unbuffered, input, &blocks(frames, 99, 1..=2048), |_| ProcessMode::Offline, automation)
}

fn check_mode(mode_for_block: impl Fn(usize) -> ProcessMode + Copy, what: &str) {
    for (i, rate) in RATES.into_iter().enumerate() {
        for channels in [1, 2] {
            let frames = (rate * 0.5) as usize;
            let input = noise(channels, frames, i as u64 * 10 + channels as u64);
            let expected = reference(rate, channels, &input);
            let mut buffered = engine(true, rate, channels);
            let latency = buffered.latency_samples();
            assert_eq!(latency, (0.05 * rate).round() as usize);
            let sizes = blocks(frames, i as u64 + 7, 0..=8192);
            let output = render(&mut buffered, &input, &sizes, mode_for_block, automation);
            assert_delayed_copy(&output, &expected, latency, &format!("{what} at {rate} Hz, {channels} ch"));
            let stats = buffered.stats();
            assert_eq!(stats.underruns, 0, "{what} at {rate} Hz: {stats:?}");
        }
    }
}

#[test]
fn offline_is_exact() {
    check_mode(|_| ProcessMode::Offline, "offline");
}

#[test]
fn prefetch_is_exact() {
    check_mode(|_| ProcessMode::Prefetch, "prefetch");
}

#[test]
fn unpaced_realtime_is_exact() {
    check_mode(|_| ProcessMode::Realtime, "realtime, unpaced");
}

#[test]
fn mode_switches_mid_stream_are_exact() {
    let cycle = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch, ProcessMode::Realtime];
    check_mode(move |block| cycle[(block / 5) % cycle.len()], "realtime -> offline -> prefetch -> realtime");
}

#[test]
fn latency_follows_the_sample_rate_and_reset_leaves_no_stale_audio() {
    let mut engine = Engine::new(FeedbackFilter::default(), EngineConfig::default());
    assert_eq!(engine.setup(ProcessSetup { sample_rate: 48_000.0, max_block: 512, channels: 2 }), Ok(2400));
    engine.activate().unwrap();
    assert_eq!(engine.latency_samples(), 2400, "unchanged by activation");
    let loud = vec![vec![1.0_f32; 4096]; 2];
    render(&mut engine, &loud, &[512; 8], |_| ProcessMode::Offline, |_, _| Vec::new());

    engine.deactivate();
    assert_eq!(engine.setup(ProcessSetup { sample_rate: 96_000.0, max_block: 512, channels: 2 }), Ok(4800));
    engine.activate().unwrap();
    let silence = vec![vec![0.0_f32; 8192]; 2];
    let output = render(&mut engine, &silence, &[512; 16], |_| ProcessMode::Realtime, |_, _| Vec::new());
    assert!(output.iter().flatten().all(|s| *s == 0.0), "nothing from before the rate change comes back");

    render(&mut engine, &loud, &[512; 8], |_| ProcessMode::Offline, |_, _| Vec::new());
    engine.reset().unwrap();
    let output = render(&mut engine, &silence, &[512; 16], |_| ProcessMode::Offline, |_, _| Vec::new());
    assert!(output.iter().flatten().all(|s| *s == 0.0), "nothing from before the reset comes back");
}

#[test]
fn setup_while_active_and_process_while_inactive_are_errors() {
    use runtime::engine::{EngineError, ProcessError};
    let mut engine = Engine::new(FeedbackFilter::default(), EngineConfig::default());
    let mut out = vec![0.0_f32; 16];
    assert_eq!(engine.process(ProcessMode::Realtime, &[], &mut [&mut out], &[]), Err(ProcessError::NotActive));
    assert_eq!(engine.activate(), Err(EngineError::NotSetUp));
    let setup = ProcessSetup { sample_rate: 44_100.0, max_block: 64, channels: 1 };
    engine.setup(setup).unwrap();
    engine.activate().unwrap();
    assert_eq!(engine.setup(setup), Err(EngineError::Active));
    let mut left = vec![0.0_f32; 16];
    let mut right = vec![0.0_f32; 16];
    assert!(matches!(
        engine.process(ProcessMode::Realtime, &[], &mut [&mut left, &mut right], &[]),
        Err(ProcessError::Shape(_))
    ));
    assert!(matches!(
        Engine::new(FeedbackFilter::default(), EngineConfig::default()).setup(ProcessSetup {
            sample_rate: 0.0,
            max_block: 64,
            channels: 1
        }),
        Err(EngineError::Config(_))
    ));
}

#[test]
fn restart_drops_audio_in_flight_and_plays_like_a_fresh_engine() {
    for buffering in [true, false] {
        for mode in [ProcessMode::Offline, ProcessMode::Realtime] {
            let before = noise(2, 30_000, 41);
            let after = noise(2, 40_000, 43);
            let mut fresh = engine(buffering, 48_000.0, 2);
            let expected = render(&mut fresh, &after, &blocks(40_000, 47, 0..=3000), |_| mode, automation);

            let mut restarted = engine(buffering, 48_000.0, 2);
            render(&mut restarted, &before, &blocks(30_000, 45, 0..=3000), |_| mode, automation);
            restarted.restart();
            let got = render(&mut restarted, &after, &blocks(40_000, 47, 0..=3000), |_| mode, automation);
            let what = format!("restart, buffering {buffering}, {mode:?}");
            for (ch, (got, want)) in got.iter().zip(&expected).enumerate() {
                for (t, (g, w)) in got.iter().zip(want).enumerate() {
                    assert_eq!(g.to_bits(), w.to_bits(), "{what}: channel {ch}, frame {t}");
                }
            }
            assert_eq!(restarted.stats().underruns, 0, "{what}");
        }
    }
}
