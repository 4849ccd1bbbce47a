//! Contract points 5, 7 and 9: events land at k + L, bypass is the input
//! delayed by L, and a panicking processor leaves the plugin running.

mod common;

use common::processors::{OnsetProbe, PanicAt};
use common::{blocks, noise, render};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};

const RATE: f64 = 48_000.0;

fn engine<P: Processor>(processor: P, buffering: bool, channels: usize) -> Engine<P> {
    let config = EngineConfig { buffering, ..EngineConfig::default() };
    let mut engine = Engine::new(processor, config);
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 1024, channels }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Delivers `kind` at absolute input frame `at` within whatever block holds it.
fn at(at: usize, kind: EventKind) -> impl FnMut(usize, usize) -> Vec<Event> {
    move |start, len| if (start..start + len).contains(&at) { vec![Event::new(at - start, kind)] } else { Vec::new() }
}

fn first_nonzero(output: &[f32]) -> Option<usize> {
    output.iter().position(|s| *s != 0.0)
}

const NOTE_ON: EventKind = EventKind::NoteOn { channel: 0, pitch: 60, velocity: 1.0, note_id: -1 };

#[test]
fn note_on_at_k_sounds_at_k_plus_latency_in_every_mode() {
    let k = 7_777;
    let input = vec![vec![0.0; 20_000]];
    for (i, mode) in [ProcessMode::Offline, ProcessMode::Prefetch, ProcessMode::Realtime].into_iter().enumerate() {
        let mut unbuffered = engine(OnsetProbe::default(), false, 1);
        let reference = render(&mut unbuffered, &input, &blocks(20_000, i as u64, 1..=700), |_| mode, at(k, NOTE_ON));
        assert_eq!(first_nonzero(&reference[0]), Some(k), "unbuffered onset");

        let mut buffered = engine(OnsetProbe::default(), true, 1);
        let latency = buffered.latency_samples();
        assert_eq!(latency, 2400);
        let output = render(&mut buffered, &input, &blocks(20_000, i as u64 + 50, 0..=3000), |_| mode, at(k, NOTE_ON));
        assert_eq!(first_nonzero(&output[0]), Some(k + latency), "{mode:?}");
        assert_eq!(output[0][k + latency], 0.5);
    }
}

#[test]
fn parameter_step_at_k_appears_at_k_plus_latency() {
    let k = 12_345;
    let input = vec![vec![0.0; 20_000]; 2];
    let step = EventKind::Param { id: 0, value: 0.25 };
    for mode in [ProcessMode::Offline, ProcessMode::Realtime] {
        let mut buffered = engine(OnsetProbe::default(), true, 2);
        let latency = buffered.latency_samples();
        let output = render(&mut buffered, &input, &blocks(20_000, 3, 1..=1024), |_| mode, at(k, step));
        for channel in &output {
            assert_eq!(first_nonzero(channel), Some(k + latency), "{mode:?}");
            assert!(channel[k + latency..].iter().all(|s| *s == 0.25));
        }
    }
}

#[test]
fn events_in_an_empty_block_apply_before_the_next_frame() {
    // The parameter-flush case: a zero-length call carrying an event.
    let mut buffered = engine(OnsetProbe::default(), true, 1);
    let latency = buffered.latency_samples();
    let input = vec![vec![0.0; 6000]];
    let sizes = [1000, 0, 5000];
    let output = render(
        &mut buffered,
        &input,
        &sizes,
        |_| ProcessMode::Realtime,
        |start, len| if start == 1000 && len == 0 { vec![Event::new(0, NOTE_ON)] } else { Vec::new() },
    );
    assert_eq!(first_nonzero(&output[0]), Some(1000 + latency));
}

#[test]
fn bypass_is_the_input_delayed_by_the_latency() {
    let input = noise(2, 30_000, 5);
    let on = 10_000;
    let off = 20_000;
    let mut buffered = engine(OnsetProbe::default(), true, 2);
    let latency = buffered.latency_samples();
    let ramp = (0.005 * RATE) as usize;
    let output = render(
        &mut buffered,
        &input,
        &blocks(30_000, 8, 1..=1024),
        |_| ProcessMode::Realtime,
        |start, len| {
            let mut events = Vec::new();
            for (t, state) in [(on, true), (off, false)] {
                if (start..start + len).contains(&t) {
                    events.push(Event::new(t - start, EventKind::Bypass(state)));
                }
            }
            events
        },
    );
    for (channel, dry) in output.iter().zip(&input) {
        // Fully bypassed once the crossfade is over: exactly the delayed input.
        for t in on + ramp..off {
            assert_eq!(channel[t + latency].to_bits(), dry[t].to_bits(), "frame {t}");
        }
        // Before the switch: processed (the probe outputs 0 with no note).
        assert!(channel[latency..on + latency].iter().all(|s| *s == 0.0));
        // The crossfade moves monotonically between the two, no jump in time.
        for t in on..on + ramp {
            let wet_share = 1.0 - (t - on + 1) as f32 / ramp as f32;
            let expected = dry[t] * (1.0 - wet_share.max(0.0));
            assert!((channel[t + latency] - expected).abs() < 1e-4, "crossfade frame {t}");
        }
        // Back to processing after the switch off.
        let bad = channel[off + ramp + latency..].iter().position(|s| *s != 0.0);
        assert!(
            bad.is_none(),
            "nonzero at {:?} (off+ramp+L = {})",
            bad.map(|b| b + off + ramp + latency),
            off + ramp + latency
        );
    }
    assert_eq!(buffered.latency_samples(), latency, "bypass keeps the latency");
}

#[test]
fn a_panicking_processor_is_contained_and_the_plugin_goes_on_dry() {
    let input = noise(1, 40_000, 9);
    for mode in [ProcessMode::Realtime, ProcessMode::Offline] {
        let mut buffered = engine(PanicAt::new(10_000), true, 1);
        let latency = buffered.latency_samples();
        let output = render(&mut buffered, &input, &blocks(40_000, 4, 64..=1024), |_| mode, |_, _| Vec::new());
        let stats = buffered.stats();
        assert_eq!(stats.dsp_panics, 1, "{mode:?}: {stats:?}");
        // Before the panic: the processor doubled the input.
        assert_eq!(output[0][latency + 100], input[0][100] * 2.0);
        // Well after it: the dry input, still delayed by the latency.
        for t in 20_000..40_000 - latency {
            assert_eq!(output[0][t + latency].to_bits(), input[0][t].to_bits(), "{mode:?} frame {t}");
        }
        assert_eq!(stats.underruns, 0);
    }
}

#[test]
fn bypass_set_before_the_first_frame_applies_without_a_crossfade() {
    // A host that restores "bypassed" and then renders (pedalboard resets the
    // plugin for every render) must get the dry input from the first frame.
    let input = noise(2, 8000, 6);
    let mut buffered = engine(OnsetProbe::default(), true, 2);
    let latency = buffered.latency_samples();
    let output = render(
        &mut buffered,
        &input,
        &[1000; 8],
        |_| ProcessMode::Offline,
        |start, _| {
            if start == 0 { vec![Event::new(0, EventKind::Bypass(true))] } else { Vec::new() }
        },
    );
    for (channel, dry) in output.iter().zip(&input) {
        for t in 0..8000 - latency {
            assert_eq!(channel[t + latency].to_bits(), dry[t].to_bits(), "frame {t}");
        }
    }
}
