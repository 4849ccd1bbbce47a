//! Every built-in kind works for any channel count a plugin may have (1 to
//! 8): prepared for n channels, each channel of an effect's output is what the
//! kind makes of that channel alone, and the synth writes its one signal to
//! every channel.

mod common;

use common::{noise, render};
use runtime::dsp::{delay, filter, gain, synth, tremolo};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};
use runtime::limits::MAX_CHANNELS;

const RATE: f64 = 48_000.0;
const FRAMES: usize = 6000;

/// `input` (one row per channel) through a fresh `make()` prepared for as
/// many channels, inline, with `events` at their frames.
fn run<P: Processor>(make: &impl Fn() -> P, input: &[Vec<f32>], events: &[(usize, EventKind)]) -> Vec<Vec<f32>> {
    let mut engine = Engine::new(make(), EngineConfig { buffering: false, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 512, channels: input.len() }).unwrap();
    engine.activate().unwrap();
    let sizes: Vec<usize> = (0..FRAMES).step_by(500).map(|s| 500.min(FRAMES - s)).collect();
    render(
        &mut engine,
        input,
        &sizes,
        |_| ProcessMode::Offline,
        |start, len| {
            events
                .iter()
                .filter(|(at, _)| (start..start + len).contains(at))
                .map(|(at, kind)| Event::new(at - start, *kind))
                .collect()
        },
    )
}

/// For 1 to 8 channels: channel c of the output equals a mono run of input
/// channel c, bit for bit.
fn each_channel_alone<P: Processor>(name: &str, make: impl Fn() -> P, params: &[(u32, f64)]) {
    let events: Vec<(usize, EventKind)> =
        params.iter().map(|&(id, value)| (0, EventKind::Param { id, value })).collect();
    for channels in 1..=MAX_CHANNELS {
        let input = noise(channels, FRAMES, 40 + channels as u64);
        let output = run(&make, &input, &events);
        assert_eq!(output.len(), channels);
        for (c, (got, dry)) in output.iter().zip(&input).enumerate() {
            let alone = run(&make, std::slice::from_ref(dry), &events);
            assert!(
                got.iter().zip(&alone[0]).all(|(a, b)| a.to_bits() == b.to_bits()),
                "{name}: {channels} ch, channel {c}"
            );
            assert!(got.iter().any(|s| *s != 0.0), "{name}: {channels} ch, channel {c} is not silent");
        }
    }
}

#[test]
fn every_effect_kind_processes_each_of_1_to_8_channels_as_if_alone() {
    each_channel_alone("gain", gain::Gain::default, &[(gain::GAIN_DB, -6.0)]);
    each_channel_alone("filter", filter::Filter::default, &[(filter::CUTOFF_HZ, 800.0), (filter::RESONANCE, 4.0)]);
    each_channel_alone("delay", delay::Delay::default, &[(delay::TIME_MS, 20.0), (delay::FEEDBACK, 0.5)]);
    each_channel_alone("tremolo", tremolo::Tremolo::default, &[(tremolo::RATE_HZ, 9.0), (tremolo::DEPTH, 0.8)]);
}

#[test]
fn the_synth_plays_the_same_signal_on_each_of_1_to_8_channels() {
    let notes = [
        (100, EventKind::NoteOn { channel: 0, pitch: 60, velocity: 1.0, note_id: -1 }),
        (3000, EventKind::NoteOff { channel: 0, pitch: 60, velocity: 0.0, note_id: -1 }),
    ];
    let mono = run(&synth::Synth::default, &[vec![0.0; FRAMES]], &notes);
    assert!(mono[0].iter().any(|s| *s != 0.0));
    for channels in 2..=MAX_CHANNELS {
        let output = run(&synth::Synth::default, &vec![vec![0.0; FRAMES]; channels], &notes);
        for (c, got) in output.iter().enumerate() {
            assert!(got.iter().zip(&mono[0]).all(|(a, b)| a.to_bits() == b.to_bits()), "{channels} ch, channel {c}");
        }
    }
}
