//! Contract point 6: once active, the engine's audio-thread path allocates
//! nothing, in every mode and branch: inline offline/prefetch, realtime with
//! the worker ahead, catch-up, aging (silence), events, bypass, block splitting,
//! instruments (no input), empty blocks, and the unbuffered fallback.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use assert_no_alloc::{AllocDisabler, assert_no_alloc, reset_violation_count, violation_count};
use common::processors::{FeedbackFilter, Gate, GateControl};
use runtime::engine::{BufferedProcessor, EngineConfig, Event, EventKind, ProcessMode, ProcessSetup, Processor};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

const NOTE: EventKind = EventKind::NoteOn { channel: 0, pitch: 64, velocity: 0.8, note_id: 3 };

fn engine<P: Processor>(processor: P, buffering: bool) -> BufferedProcessor<P> {
    let mut engine = BufferedProcessor::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: 48_000.0, max_block: 512, channels: 2 }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Calls `process` in every mode with events, bypass, an empty block, an
/// instrument-style call without input and a block above `max_block`.
fn drive<P: Processor>(engine: &mut BufferedProcessor<P>, rounds: usize) -> u32 {
    let input = vec![vec![0.25_f32; 2048]; 2];
    let mut output = vec![vec![0.0_f32; 2048]; 2];
    let events = [
        Event::new(3, EventKind::Param { id: 0, value: 0.5 }),
        Event::new(100, NOTE),
        Event::new(200, EventKind::Bypass(true)),
        Event::new(400, EventKind::Bypass(false)),
    ];
    reset_violation_count();
    assert_no_alloc(|| {
        for round in 0..rounds {
            let mode = [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch][round % 3];
            let len = [512, 0, 1536, 64][round % 4];
            let [left_in, right_in] = &input[..] else { unreachable!() };
            let [left, right] = &mut output[..] else { unreachable!() };
            let ins: [&[f32]; 2] = [&left_in[..len], &right_in[..len]];
            let mut outs: [&mut [f32]; 2] = [&mut left[..len], &mut right[..len]];
            let with_input: &[&[f32]] = if round % 5 == 4 { &[] } else { &ins };
            engine.process(mode, with_input, &mut outs, &events[..if len > 400 { 4 } else { 0 }]).unwrap();
            std::hint::black_box(engine.stats());
        }
    });
    violation_count()
}

#[test]
fn buffered_paths_do_not_allocate() {
    let mut buffered = engine(FeedbackFilter::default(), true);
    assert_eq!(drive(&mut buffered, 300), 0);
    assert!(buffered.stats().catch_ups > 0, "the catch-up path ran: {:?}", buffered.stats());
}

#[test]
fn unbuffered_paths_do_not_allocate() {
    let mut unbuffered = engine(FeedbackFilter::default(), false);
    assert_eq!(drive(&mut unbuffered, 300), 0);
}

#[test]
fn aging_path_does_not_allocate() {
    let control = Arc::new(GateControl::default());
    control.stick_at.store(0, Ordering::Release);
    control.armed.store(true, Ordering::Release);
    let mut stuck = engine(Gate::new(Arc::clone(&control)), true);
    // Let the worker take the first frames and get stuck on them.
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
    reset_violation_count();
    assert_no_alloc(|| {
        for _ in 0..20 {
            let [left, right] = &mut output[..] else { unreachable!() };
            let mut outs: [&mut [f32]; 2] = [left, right];
            // Unpaced calls would wait for the stuck worker; sleep like a device
            // would between callbacks so the engine treats them as paced.
            stuck.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
            assert_no_alloc::permit_alloc(|| std::thread::sleep(std::time::Duration::from_millis(10)));
        }
    });
    let count = violation_count();
    control.released.store(true, Ordering::Release);
    assert!(stuck.stats().underruns > 0, "the aging path ran: {:?}", stuck.stats());
    assert_eq!(count, 0);
}
