//! Contract point 6: once active, the engine's audio-thread path allocates
//! nothing, in every mode and branch: inline offline/prefetch, realtime with
//! the worker ahead, catch-up, aging (silence), events, bypass, block splitting,
//! instruments (no input), empty blocks, and the unbuffered fallback; and the
//! CLAP glue's audio-thread calls around it (`process`, flush, reset).

mod clap_paths;
mod common;

use assert_no_alloc::{AllocDisabler, assert_no_alloc, reset_violation_count, violation_count};
use common::audio_paths::{aging, engine, every_mode, kind_ramps, non_finite, ramps, ramps_of, restart_while_stuck};
use common::processors::{FeedbackFilter, NanMaker, TypedLevel};
use common::vst3_paths::{Vst3Plugin, every_vst3_call};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

/// Runs `call` with allocation forbidden.
fn no_alloc(call: &mut dyn FnMut()) {
    assert_no_alloc(call);
}

#[test]
fn buffered_paths_do_not_allocate() {
    let mut buffered = engine(FeedbackFilter::default(), true);
    reset_violation_count();
    every_mode(&mut buffered, 300, &mut no_alloc);
    assert_eq!(violation_count(), 0);
    assert!(buffered.stats().catch_ups > 0, "the catch-up path ran: {:?}", buffered.stats());
}

#[test]
fn unbuffered_paths_do_not_allocate() {
    let mut unbuffered = engine(FeedbackFilter::default(), false);
    reset_violation_count();
    every_mode(&mut unbuffered, 300, &mut no_alloc);
    assert_eq!(violation_count(), 0);
}

#[test]
fn aging_path_does_not_allocate() {
    reset_violation_count();
    let stuck = aging(&mut no_alloc);
    let count = violation_count();
    assert!(stuck.stats().underruns > 0, "the aging path ran: {:?}", stuck.stats());
    assert_eq!(count, 0);
}

#[test]
fn non_finite_guards_do_not_allocate() {
    for buffering in [false, true] {
        let mut engine = engine(NanMaker::default(), buffering);
        reset_violation_count();
        non_finite(&mut engine, 120, &mut no_alloc);
        assert_eq!(violation_count(), 0, "buffering {buffering}");
        let stats = engine.stats();
        assert!(stats.non_finite_input > 0 && stats.dsp_resets > 0, "both guards ran: {stats:?}");
    }
}

#[test]
fn built_in_dsp_kinds_do_not_allocate() {
    use runtime::dsp::{delay::Delay, filter::Filter, gain::Gain, synth::Synth, tremolo::Tremolo};
    // Buffered too: the audio thread runs the processor when it catches up,
    // and reads its tail after each block (`every_mode` reads the stats,
    // tail included, after every call).
    fn check<P: runtime::engine::Processor>(name: &str, make: impl Fn() -> P) {
        for buffering in [false, true] {
            let mut engine = engine(make(), buffering);
            reset_violation_count();
            every_mode(&mut engine, 120, &mut no_alloc);
            no_alloc(&mut || {
                std::hint::black_box(engine.tail());
            });
            assert_eq!(violation_count(), 0, "{name}, buffering {buffering}");
        }
    }
    check("gain", Gain::default);
    check("filter", Filter::default);
    check("delay", Delay::default);
    check("tremolo", Tremolo::default);
    check("tremolo synced", || Tremolo::synced(runtime::dsp::NoteValue::new(1, 8).dotted()));
    check("synth", Synth::default);
}

#[test]
fn smoothed_parameter_ramps_do_not_allocate() {
    for buffering in [false, true] {
        let mut gain = engine(runtime::dsp::gain::Gain::default(), buffering);
        reset_violation_count();
        let moved = ramps(&mut gain, 200, &mut no_alloc);
        assert_eq!(violation_count(), 0, "buffering {buffering}");
        assert!(moved > 10_000, "the gain ramped: {moved} frames moved");
        // Typed parameters as a generated plugin has them, read by block.
        let mut typed = engine(TypedLevel::default(), buffering);
        reset_violation_count();
        let moved = ramps(&mut typed, 200, &mut no_alloc);
        assert_eq!(violation_count(), 0, "typed, buffering {buffering}");
        assert!(moved > 10_000, "the level ramped: {moved} frames moved");
    }
}

#[test]
fn every_built_in_kinds_ramps_do_not_allocate() {
    use runtime::dsp::{delay::Delay, filter::Filter, synth::Synth, tremolo::Tremolo};
    fn check<P: runtime::engine::Processor>(name: &str, make: impl Fn() -> P, moves: &[(u32, [f64; 5])]) {
        for buffering in [false, true] {
            let mut engine = engine(make(), buffering);
            reset_violation_count();
            let moved = ramps_of(&mut engine, moves, 200, &mut no_alloc);
            assert_eq!(violation_count(), 0, "{name}, buffering {buffering}");
            assert!(moved > 1_000, "{name}: the output moved on {moved} frames");
        }
    }
    check("filter", Filter::default, kind_ramps::FILTER);
    check("delay", Delay::default, kind_ramps::DELAY);
    check("tremolo", Tremolo::default, kind_ramps::TREMOLO);
    check("tremolo synced", || Tremolo::synced(runtime::dsp::NoteValue::new(1, 8)), kind_ramps::SYNCED);
    check("synth", Synth::default, kind_ramps::SYNTH);
}

#[test]
fn restart_while_the_worker_is_stuck_in_the_dsp_neither_waits_nor_allocates() {
    reset_violation_count();
    let (stuck, returned_while_stuck) = restart_while_stuck(&mut no_alloc);
    let count = violation_count();
    assert!(returned_while_stuck, "a restart waited for the stuck worker");
    assert_eq!(count, 0);
    drop(stuck);
}

#[test]
fn clap_process_flush_and_reset_do_not_allocate() {
    reset_violation_count();
    let seen = clap_paths::every_path(300, &mut no_alloc);
    assert_eq!(violation_count(), 0);
    assert!(seen.sounding_calls > 100, "the worker delivered sound through the CLAP calls: {seen:?}");
    assert!(seen.editor_events >= 3, "the open editor's drag went out through these calls: {seen:?}");
}

#[test]
fn clap_reset_and_restart_while_the_worker_is_stuck_in_the_dsp_return_at_once_without_allocating() {
    reset_violation_count();
    let returned_while_stuck = clap_paths::restart_while_stuck(&mut no_alloc);
    assert!(returned_while_stuck, "a CLAP reset or restart waited for the stuck worker");
    assert_eq!(violation_count(), 0);
}

#[test]
fn the_vst3_process_call_with_a_process_context_does_not_allocate() {
    // The glue every generated plugin runs: reading the host's ProcessContext,
    // the flush forms, restarts, and the engine with a tempo-synced DSP.
    for buffering in [true, false] {
        let mut plugin = Vst3Plugin::synced_tremolo(buffering);
        // With its editor open, a knob dragged: the edited value reaches the
        // processor through these calls.
        plugin.open_editor();
        reset_violation_count();
        let peak = every_vst3_call(&plugin, 300, &mut no_alloc);
        assert_eq!(violation_count(), 0, "buffering {buffering}");
        assert!(peak > 0.2, "buffering {buffering}: the plugin made sound, peak {peak}");
    }
}

#[test]
fn moving_the_reports_of_a_host_that_reports_the_outputs_position_does_not_allocate() {
    for buffering in [true, false] {
        let synced = runtime::dsp::tremolo::Tremolo::synced(runtime::dsp::NoteValue::new(1, 8));
        let mut engine = engine(synced, buffering);
        engine.set_position_reference(runtime::engine::PositionReference::Output);
        reset_violation_count();
        every_mode(&mut engine, 120, &mut no_alloc);
        assert_eq!(violation_count(), 0, "buffering {buffering}");
    }
}
