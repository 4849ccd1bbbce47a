//! Drives every audio-thread path of the engine: used by the no-allocation
//! test and by the RealtimeSanitizer run, so both check the same paths.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::processors::{Gate, GateControl, NanMaker};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor, Transport};

const NOTE: EventKind = EventKind::NoteOn { channel: 0, pitch: 64, velocity: 0.8, note_id: 3 };

pub fn engine<P: Processor>(processor: P, buffering: bool) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: 48_000.0, max_block: 512, channels: 2 }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Calls `process` in every mode with events, bypass, empty blocks, calls
/// without input (instruments), blocks above `max_block` and transport
/// reports (tempo changes, jumps, stops, none), and now and then `restart`,
/// each call inside `guard`.
pub fn every_mode<P: Processor>(engine: &mut Engine<P>, rounds: usize, guard: &mut dyn FnMut(&mut dyn FnMut())) {
    let input = vec![vec![0.25_f32; 2048]; 2];
    let mut output = vec![vec![0.0_f32; 2048]; 2];
    let events = [
        Event::new(3, EventKind::Param { id: 0, value: 0.5 }),
        Event::new(100, NOTE),
        Event::new(200, EventKind::Bypass(true)),
        Event::new(400, EventKind::Bypass(false)),
    ];
    for round in 0..rounds {
        let mode = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch][round % 3];
        let len = [512, 0, 1536, 64][round % 4];
        let [left_in, right_in] = &input[..] else { unreachable!() };
        let [left, right] = &mut output[..] else { unreachable!() };
        let ins: [&[f32]; 2] = [&left_in[..len], &right_in[..len]];
        let mut outs: [&mut [f32]; 2] = [&mut left[..len], &mut right[..len]];
        let with_input: &[&[f32]] = if round % 5 == 4 { &[] } else { &ins };
        let events = &events[..if len > 400 { 4 } else { 0 }];
        let transport = Transport {
            playing: round % 7 != 6,
            tempo: Some(100.0 + (round % 5) as f64),
            position_samples: Some(round as i64 * 1000),
            position_beats: Some(round as f64 / 2.0),
            ..Transport::default()
        };
        let transport = (round % 4 != 3).then_some(&transport);
        guard(&mut || {
            engine.process_with_transport(mode, with_input, &mut outs, events, transport).unwrap();
            std::hint::black_box(engine.stats());
        });
        if round % 37 == 36 {
            guard(&mut || engine.restart());
        }
    }
}

/// Gets the worker stuck inside the processor, then makes paced realtime calls
/// whose frames age into silence, each call inside `guard`. Returns the engine
/// (its gate released) for inspection.
pub fn aging(guard: &mut dyn FnMut(&mut dyn FnMut())) -> Engine<Gate> {
    let control = Arc::new(GateControl::default());
    control.stick_at.store(0, Ordering::Release);
    control.armed.store(true, Ordering::Release);
    let mut stuck = engine(Gate::new(Arc::clone(&control)), true);
    let input = vec![vec![0.5_f32; 512]; 2];
    let mut output = vec![vec![0.0_f32; 512]; 2];
    let ins: Vec<&[f32]> = input.iter().map(Vec::as_slice).collect();
    {
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(Vec::as_mut_slice).collect();
        stuck.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
    }
    while !control.stuck.load(Ordering::Acquire) {
        std::thread::yield_now();
    }
    for _ in 0..20 {
        let [left, right] = &mut output[..] else { unreachable!() };
        let mut outs: [&mut [f32]; 2] = [left, right];
        guard(&mut || stuck.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap());
        // Paced like a device, so the engine does not wait for the stuck worker.
        std::thread::sleep(Duration::from_millis(10));
    }
    control.released.store(true, Ordering::Release);
    stuck
}

/// Calls `process` in every mode with input that holds NaN, ±inf and, now and
/// then, the 1.0 that makes a [`NanMaker`] produce NaN (so the engine replaces
/// input, replaces output and resets the processor, restoring its parameters),
/// with parameter changes for ids old and new, each call inside `guard`.
pub fn non_finite(engine: &mut Engine<NanMaker>, rounds: usize, guard: &mut dyn FnMut(&mut dyn FnMut())) {
    let mut input = vec![vec![0.25_f32; 1536]; 2];
    for (i, sample) in input[0].iter_mut().enumerate().step_by(97) {
        *sample = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY][i % 3];
    }
    input[1][700] = 1.0;
    let mut output = vec![vec![0.0_f32; 1536]; 2];
    for round in 0..rounds {
        let mode = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch][round % 3];
        let len = [512, 1536, 64, 0][round % 4];
        let events = [
            Event::new(0, EventKind::Param { id: 0, value: 0.5 }),
            Event::new(len / 2, EventKind::Param { id: 1000 + round as u32 % 5, value: 0.125 }),
        ];
        let [left_in, right_in] = &input[..] else { unreachable!() };
        let [left, right] = &mut output[..] else { unreachable!() };
        let ins: [&[f32]; 2] = [&left_in[..len], &right_in[..len]];
        let mut outs: [&mut [f32]; 2] = [&mut left[..len], &mut right[..len]];
        guard(&mut || {
            engine.process(mode, &ins, &mut outs, &events).unwrap();
            std::hint::black_box(engine.stats());
        });
        assert!(outs.iter().flat_map(|c| c.iter()).all(|s| s.is_finite()), "round {round}");
    }
}

/// Gets the worker stuck inside the processor, then restarts the engine (what
/// a host's `setProcessing(true)` does) inside `guard`, twice, with paced
/// realtime calls around it, also inside `guard`. Returns the engine (its gate
/// released) and whether every restart returned while the worker was still
/// stuck: a restart that waited for the worker would only return once a
/// fail-safe released the gate, seconds later.
pub fn restart_while_stuck(guard: &mut dyn FnMut(&mut dyn FnMut())) -> (Engine<Gate>, bool) {
    let control = Arc::new(GateControl::default());
    control.stick_at.store(0, Ordering::Release);
    control.armed.store(true, Ordering::Release);
    let mut stuck = engine(Gate::new(Arc::clone(&control)), true);
    let input = vec![vec![0.5_f32; 256]; 2];
    let mut output = vec![vec![0.0_f32; 256]; 2];
    let ins: Vec<&[f32]> = input.iter().map(Vec::as_slice).collect();
    {
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(Vec::as_mut_slice).collect();
        stuck.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
    }
    while !control.stuck.load(Ordering::Acquire) {
        std::thread::yield_now();
    }
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let fail_safe = {
        let control = Arc::clone(&control);
        std::thread::spawn(move || {
            let _ = finished.recv_timeout(Duration::from_secs(3));
            control.released.store(true, Ordering::Release);
        })
    };
    let mut returned_while_stuck = true;
    for round in 0..12 {
        if round % 6 == 3 {
            guard(&mut || stuck.restart());
            returned_while_stuck &= control.stuck.load(Ordering::Acquire);
        }
        let [left, right] = &mut output[..] else { unreachable!() };
        let mut outs: [&mut [f32]; 2] = [left, right];
        guard(&mut || stuck.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap());
        std::thread::sleep(Duration::from_millis(5));
    }
    control.released.store(true, Ordering::Release);
    let _ = done.send(());
    fail_safe.join().unwrap();
    (stuck, returned_while_stuck)
}

/// Parameter changes every call (parameter 0, values in decibels, one of them
/// NaN), so a smoothed parameter ramps, is retargeted mid-ramp and settles, in
/// every mode and with empty blocks, each call inside `guard`. Returns how
/// many output frames differed from the frame before (a ramp moves them).
pub fn ramps<P: Processor>(engine: &mut Engine<P>, rounds: usize, guard: &mut dyn FnMut(&mut dyn FnMut())) -> usize {
    ramps_of(engine, &[(0, [-30.0, 6.0, f64::NAN, 0.0, -12.0])], rounds, guard)
}

/// The smoothed parameters of each built-in kind and values to move them
/// between (one NaN and one infinity each, which must be ignored), for
/// [`ramps_of`].
pub mod kind_ramps {
    use runtime::dsp::{delay, filter, synth, tremolo};

    type Moves = &'static [(u32, [f64; 5])];
    pub const FILTER: Moves = &[
        (filter::CUTOFF_HZ, [300.0, 9_000.0, f64::NAN, 50.0, 2_000.0]),
        (filter::RESONANCE, [0.5, 9.0, 0.2, f64::INFINITY, 1.0]),
    ];
    pub const DELAY: Moves =
        &[(delay::FEEDBACK, [0.9, 0.0, f64::NAN, 0.5, 0.95]), (delay::MIX, [1.0, 0.0, 0.5, f64::INFINITY, 0.2])];
    pub const TREMOLO: Moves =
        &[(tremolo::RATE_HZ, [20.0, 0.1, f64::NAN, 7.0, 3.0]), (tremolo::DEPTH, [1.0, 0.0, 0.5, f64::INFINITY, 0.3])];
    pub const SYNCED: Moves = &[(tremolo::DEPTH, [1.0, 0.0, 0.5, f64::INFINITY, 0.3])];
    pub const SYNTH: Moves = &[(synth::LEVEL_DB, [0.0, -60.0, f64::NAN, -3.0, -40.0])];
}

/// [`ramps`] for the parameters `moves` (id and values), each changed at the
/// start and the middle of every call; a note on in the first call, for an
/// instrument.
pub fn ramps_of<P: Processor>(
    engine: &mut Engine<P>,
    moves: &[(u32, [f64; 5])],
    rounds: usize,
    guard: &mut dyn FnMut(&mut dyn FnMut()),
) -> usize {
    let input = vec![vec![0.25_f32; 1024]; 2];
    let mut output = vec![vec![0.0_f32; 1024]; 2];
    let mut moved = 0;
    for round in 0..rounds {
        let mode = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch][round % 3];
        let len = [512, 0, 1024, 64, 300][round % 5];
        // Built outside `guard`: the host's event list is not the engine's to allocate.
        let mut events: Vec<Event> = Vec::new();
        if round == 0 {
            events.push(Event::new(0, NOTE));
        }
        for (at, shift) in [(0, 0), (len / 2, 2)] {
            for (id, values) in moves {
                let value = values[(round + shift) % values.len()];
                events.push(Event::new(at, EventKind::Param { id: *id, value }));
            }
        }
        let [left_in, right_in] = &input[..] else { unreachable!() };
        let [left, right] = &mut output[..] else { unreachable!() };
        let ins: [&[f32]; 2] = [&left_in[..len], &right_in[..len]];
        let mut outs: [&mut [f32]; 2] = [&mut left[..len], &mut right[..len]];
        guard(&mut || engine.process(mode, &ins, &mut outs, &events).unwrap());
        moved += output[0][..len].windows(2).filter(|w| w[0] != w[1]).count();
    }
    moved
}
