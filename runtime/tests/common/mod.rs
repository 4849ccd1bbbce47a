//! Helpers shared by the runtime's integration tests.
#![allow(dead_code)]

/// A sample value that encodes `(clock, channel)`: distinct for every pair, never
/// ±0.0 (so it cannot be mistaken for silence), compared by bits.
pub fn encode(clock: u64, channel: usize) -> f32 {
    let mixed =
        (clock as u32).wrapping_mul(0x9E37_79B1) ^ ((clock >> 32) as u32).rotate_left(7) ^ (channel as u32) << 27;
    // Keep exponent bits clear of NaN/inf patterns and the low bit set (never zero).
    f32::from_bits((mixed & 0x3FFF_FFFF) | 1)
}

/// Channel buffers of `frames` frames whose samples encode clocks `start..`.
pub fn encoded_block(channels: usize, start: u64, frames: usize) -> Vec<Vec<f32>> {
    (0..channels).map(|ch| (0..frames as u64).map(|i| encode(start + i, ch)).collect()).collect()
}

/// Borrow a set of channel vectors as `&[&[f32]]`.
pub fn as_refs(channels: &[Vec<f32>]) -> Vec<&[f32]> {
    channels.iter().map(Vec::as_slice).collect()
}

/// Borrow a set of channel vectors as `&mut [&mut [f32]]`.
pub fn as_muts(channels: &mut [Vec<f32>]) -> Vec<&mut [f32]> {
    channels.iter_mut().map(Vec::as_mut_slice).collect()
}

pub mod audio_paths;
pub mod open_editor;
pub mod processors;
pub mod vst3_paths;

use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};

/// Deterministic noise in [-1, 1).
pub fn noise(channels: usize, frames: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..channels)
        .map(|_| {
            (0..frames)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
                })
                .collect()
        })
        .collect()
}

/// Block sizes drawn from `sizes` (a small deterministic generator) until
/// `total` frames are covered; the last block is cut to fit.
pub fn blocks(total: usize, seed: u64, sizes: std::ops::RangeInclusive<usize>) -> Vec<usize> {
    let mut state = seed.wrapping_add(0x2545_F491_4F6C_DD1D);
    let mut out = Vec::new();
    let mut covered = 0;
    let span = (sizes.end() - sizes.start() + 1) as u64;
    while covered < total {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let size = (sizes.start() + ((state >> 33) % span) as usize).min(total - covered);
        out.push(size);
        covered += size;
    }
    out
}

/// Runs `input` through `engine` in `blocks`, with `mode(i)` for block `i` and
/// the events `events(start, len)` for the block at `start`. Returns the output.
pub fn render<P: Processor>(
    engine: &mut Engine<P>,
    input: &[Vec<f32>],
    blocks: &[usize],
    mut mode: impl FnMut(usize) -> ProcessMode,
    mut events: impl FnMut(usize, usize) -> Vec<Event>,
) -> Vec<Vec<f32>> {
    let frames: usize = blocks.iter().sum();
    let mut output = vec![vec![0.0_f32; frames]; input.len()];
    let mut start = 0;
    for (i, &len) in blocks.iter().enumerate() {
        let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
        engine.process(mode(i), &ins, &mut outs, &events(start, len)).unwrap();
        start += len;
    }
    output
}

/// Runs `input` through `processor` unbuffered and offline at 48 kHz, in
/// blocks of 1000 frames, with `params` set before the first frame and
/// `events` at their frames; returns the output and the engine (its tail,
/// its stats).
pub fn run_inline<P: Processor>(
    processor: P,
    input: &[Vec<f32>],
    params: &[(u32, f64)],
    events: &[(usize, EventKind)],
) -> (Vec<Vec<f32>>, Engine<P>) {
    let mut engine = Engine::new(processor, EngineConfig { buffering: false, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: 48_000.0, max_block: 1024, channels: input.len() }).unwrap();
    engine.activate().unwrap();
    let frames = input[0].len();
    let sizes: Vec<usize> = (0..frames).step_by(1000).map(|s| 1000.min(frames - s)).collect();
    let output = render(
        &mut engine,
        input,
        &sizes,
        |_| ProcessMode::Offline,
        |start, len| {
            let mut out: Vec<Event> = Vec::new();
            if start == 0 {
                out.extend(params.iter().map(|&(id, value)| Event::new(0, EventKind::Param { id, value })));
            }
            out.extend(
                events
                    .iter()
                    .filter(|(at, _)| (start..start + len).contains(at))
                    .map(|(at, kind)| Event::new(at - start, *kind)),
            );
            out
        },
    );
    (output, engine)
}

/// Asserts `delayed[t] == reference[t - latency]` bit for bit (silence before),
/// naming the first differing frame.
pub fn assert_delayed_copy(delayed: &[Vec<f32>], reference: &[Vec<f32>], latency: usize, what: &str) {
    for (ch, (got, want)) in delayed.iter().zip(reference).enumerate() {
        for (t, sample) in got.iter().enumerate() {
            let expected = if t < latency { 0.0 } else { want[t - latency] };
            assert!(
                sample.to_bits() == expected.to_bits(),
                "{what}: channel {ch} frame {t}: got {sample}, expected {expected} (reference frame {})",
                t as i64 - latency as i64
            );
        }
    }
}
