//! The tremolo synced to the host's tempo: its LFO is locked to the musical
//! position the host reports for each sample, through tempo changes, jumps
//! and stops, buffered exactly as unbuffered delayed by L.

mod common;

use common::{assert_delayed_copy, blocks};
use runtime::dsp::NoteValue;
use runtime::dsp::tremolo::{self, Tremolo};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, TimeSignature, Transport};

const RATE: f64 = 48_000.0;
const FRAMES: usize = 80_000;
const DEPTH: f64 = 0.5;
/// 120 BPM from beat 0.25; a jump to beat 10.125; 90 BPM; a stop.
const JUMP_AT: usize = 20_000;
const TEMPO_AT: usize = 40_000;
const STOP_AT: usize = 60_000;

/// What the host reports for input frame `t`.
fn host(t: usize) -> Transport {
    let (from, playing, tempo, beats) = if t < JUMP_AT {
        (0, true, 120.0, 0.25)
    } else if t < TEMPO_AT {
        (JUMP_AT, true, 120.0, 10.125)
    } else if t < STOP_AT {
        (TEMPO_AT, true, 90.0, 10.125 + (TEMPO_AT - JUMP_AT) as f64 / RATE * 2.0)
    } else {
        (
            STOP_AT,
            false,
            90.0,
            10.125 + (TEMPO_AT - JUMP_AT) as f64 / RATE * 2.0 + (STOP_AT - TEMPO_AT) as f64 / RATE * 1.5,
        )
    };
    let elapsed = if playing { t - from } else { 0 };
    Transport {
        playing,
        tempo: Some(tempo),
        time_signature: Some(TimeSignature { numerator: 4, denominator: 4 }),
        position_samples: Some(t as i64),
        position_beats: Some(beats + elapsed as f64 / RATE * tempo / 60.0),
        ..Transport::default()
    }
}

/// Plays DC 1.0 (so the output is the tremolo's gain) through a tremolo
/// synced to eighth notes, in `sizes` cut at the host's changes, with every
/// block's report.
fn play(buffering: bool, sizes: &[usize], mode: ProcessMode) -> (usize, Vec<Vec<f32>>) {
    let config = EngineConfig { buffering, ..EngineConfig::default() };
    let mut engine = Engine::new(Tremolo::synced(NoteValue::new(1, 8)), config);
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 1024, channels: 2 }).unwrap();
    engine.activate().unwrap();
    let input = vec![vec![1.0_f32; FRAMES]; 2];
    let mut output = vec![vec![0.0_f32; FRAMES]; 2];
    let mut start = 0;
    for len in cut_at_changes(sizes) {
        let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
        let depth = [Event::new(0, EventKind::Param { id: tremolo::DEPTH, value: DEPTH })];
        let events = if start == 0 { &depth[..] } else { &[] };
        engine.process_with_transport(mode, &ins, &mut outs, events, Some(&host(start))).unwrap();
        start += len;
    }
    (engine.latency_samples(), output)
}

fn cut_at_changes(sizes: &[usize]) -> Vec<usize> {
    let mut cut = Vec::new();
    let mut start = 0;
    for &size in sizes {
        let mut from = start;
        for change in [JUMP_AT, TEMPO_AT, STOP_AT] {
            if (start + 1..start + size).contains(&change) {
                cut.push(change - from);
                from = change;
            }
        }
        cut.push(start + size - from);
        start += size;
    }
    cut
}

/// The gain at input frame `t` of an LFO locked to the host's position.
fn locked_gain(t: usize) -> f64 {
    let phase = host(t).position_beats.unwrap() / 0.5;
    1.0 - DEPTH * (1.0 - (2.0 * std::f64::consts::PI * phase).cos()) / 2.0
}

#[test]
fn the_lfo_is_locked_to_the_musical_position_at_k_plus_latency() {
    for (buffering, mode) in
        [(false, ProcessMode::Offline), (true, ProcessMode::Realtime), (true, ProcessMode::Offline)]
    {
        let (latency, output) = play(buffering, &blocks(FRAMES, 5, 1..=2000), mode);
        let at = |t: usize| f64::from(output[0][t + latency]);
        let what = format!("buffering {buffering}, {mode:?}");
        // 120 BPM: an eighth is 12 000 frames; from beat 0.25 the first dip is
        // at frame 0, the peaks at 6000 and 18 000.
        for (t, gain) in [(0, 0.5), (6000, 1.0), (12_000, 0.5), (18_000, 1.0)] {
            assert!((at(t) - gain).abs() < 1e-6, "{what}: frame {t}: {} not {gain}", at(t));
        }
        // The jump to beat 10.125 lands a quarter period in (gain 0.75) at
        // exactly JUMP_AT + L, the next peak 0.375 quarter notes later.
        assert!((at(JUMP_AT - 1) - locked_gain(JUMP_AT - 1)).abs() < 1e-6, "{what}: before the jump");
        assert!((at(JUMP_AT) - 0.75).abs() < 1e-6, "{what}: the jump: {}", at(JUMP_AT));
        assert!((at(JUMP_AT + 9000) - 1.0).abs() < 1e-6, "{what}: the peak after the jump");
        // At 90 BPM an eighth is 16 000 frames.
        let peak = (TEMPO_AT..TEMPO_AT + 16_000).find(|&t| locked_gain(t) > locked_gain(t + 1)).unwrap();
        assert!((at(peak + 16_000) - at(peak)).abs() < 1e-4, "{what}: 90 BPM period");
        for t in 0..STOP_AT {
            assert!((at(t) - locked_gain(t)).abs() < 1e-5, "{what}: frame {t}: {} not {}", at(t), locked_gain(t));
        }
        // Stopped: the LFO runs on from where it was at 90 BPM, no jump.
        let step = (at(STOP_AT) - at(STOP_AT - 1)).abs();
        assert!(step < 1e-3, "{what}: the stop is seamless ({step})");
        let (a, b) = (at(STOP_AT + 1000), at(STOP_AT + 17_000));
        assert!((a - b).abs() < 1e-4, "{what}: free-running period of 16 000 frames: {a} vs {b}");
    }
}

#[test]
fn synced_output_does_not_depend_on_blocks_buffered_is_unbuffered_delayed() {
    let (_, reference) = play(false, &blocks(FRAMES, 1, 1..=700), ProcessMode::Offline);
    for (seed, mode) in [(2, ProcessMode::Realtime), (3, ProcessMode::Offline), (4, ProcessMode::Prefetch)] {
        let (latency, output) = play(true, &blocks(FRAMES, seed, 0..=4096), mode);
        assert_delayed_copy(&output, &reference, latency, &format!("{mode:?}"));
    }
}
