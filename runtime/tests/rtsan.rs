//! RealtimeSanitizer over every audio-thread path of the engine.
//!
//! Built only with the nightly toolchain and
//! `RUSTFLAGS="-Zsanitizer=realtime --cfg rtsan"`, which marks
//! `Engine::process` and the CLAP glue's audio-thread calls (`process`,
//! flush, `reset`, `start_processing`) as nonblocking: any allocation, lock
//! or blocking system call inside them aborts the process with a report.
#![cfg(rtsan)]
#![feature(sanitize)]

mod clap_paths;
mod common;

use common::audio_paths::{aging, engine, every_mode, kind_ramps, non_finite, ramps, ramps_of, restart_while_stuck};
use common::processors::{FeedbackFilter, NanMaker, TypedLevel};
use common::vst3_paths::{Vst3Plugin, every_vst3_call};

fn direct(call: &mut dyn FnMut()) {
    call();
}

#[test]
fn buffered_paths_are_realtime_safe() {
    let mut buffered = engine(FeedbackFilter::default(), true);
    every_mode(&mut buffered, 300, &mut direct);
    assert!(buffered.stats().catch_ups > 0, "the catch-up path ran: {:?}", buffered.stats());
}

#[test]
fn unbuffered_paths_are_realtime_safe() {
    let mut unbuffered = engine(FeedbackFilter::default(), false);
    every_mode(&mut unbuffered, 300, &mut direct);
}

#[test]
fn tempo_synced_tremolo_is_realtime_safe_on_the_audio_thread() {
    // Unbuffered, the processor runs inside `process`: the sanitizer checks
    // the synced LFO itself, with the transport reports every_mode sends.
    let synced = runtime::dsp::tremolo::Tremolo::synced(runtime::dsp::NoteValue::new(1, 16).triplet());
    let mut unbuffered = engine(synced, false);
    every_mode(&mut unbuffered, 300, &mut direct);
}

#[test]
fn the_vst3_process_call_with_a_process_context_is_realtime_safe() {
    // `process` of the VST3 glue is nonblocking in this build: reading the
    // host's ProcessContext, the flush forms and restarts are checked too.
    for buffering in [true, false] {
        let mut plugin = Vst3Plugin::synced_tremolo(buffering);
        // With its editor open, a knob dragged: the edited value reaches the
        // processor through these calls.
        plugin.open_editor();
        let peak = every_vst3_call(&plugin, 300, &mut direct);
        assert!(peak > 0.2, "buffering {buffering}: the plugin made sound, peak {peak}");
    }
}

#[test]
fn non_finite_guards_are_realtime_safe() {
    for buffering in [false, true] {
        let mut engine = engine(NanMaker::default(), buffering);
        non_finite(&mut engine, 120, &mut direct);
        let stats = engine.stats();
        assert!(stats.non_finite_input > 0 && stats.dsp_resets > 0, "both guards ran: {stats:?}");
    }
}

#[test]
fn smoothed_parameter_ramps_are_realtime_safe() {
    for buffering in [false, true] {
        let mut gain = engine(runtime::dsp::gain::Gain::default(), buffering);
        let moved = ramps(&mut gain, 200, &mut direct);
        assert!(moved > 10_000, "the gain ramped: {moved} frames moved");
        // Typed parameters as a generated plugin has them, read by block.
        let mut typed = engine(TypedLevel::default(), buffering);
        let moved = ramps(&mut typed, 200, &mut direct);
        assert!(moved > 10_000, "the level ramped: {moved} frames moved");
    }
}

#[test]
fn every_built_in_kinds_ramps_are_realtime_safe() {
    use runtime::dsp::{delay::Delay, filter::Filter, synth::Synth, tremolo::Tremolo};
    fn check<P: runtime::engine::Processor>(name: &str, make: impl Fn() -> P, moves: &[(u32, [f64; 5])]) {
        for buffering in [false, true] {
            let mut engine = engine(make(), buffering);
            let moved = ramps_of(&mut engine, moves, 200, &mut direct);
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
fn built_in_dsp_kinds_are_realtime_safe() {
    use runtime::dsp::{delay::Delay, filter::Filter, gain::Gain, synth::Synth, tremolo::Tremolo};
    fn check<P: runtime::engine::Processor>(make: impl Fn() -> P) {
        for buffering in [false, true] {
            let mut engine = engine(make(), buffering);
            every_mode(&mut engine, 120, &mut direct);
        }
    }
    check(Gain::default);
    check(Filter::default);
    check(Delay::default);
    check(Tremolo::default);
    check(|| Tremolo::synced(runtime::dsp::NoteValue::new(1, 8).dotted()));
    check(Synth::default);
}

#[test]
fn aging_path_is_realtime_safe() {
    let stuck = aging(&mut direct);
    assert!(stuck.stats().underruns > 0, "the aging path ran: {:?}", stuck.stats());
}

#[test]
fn restart_while_the_worker_is_stuck_in_the_dsp_is_realtime_safe_and_does_not_wait() {
    let (_stuck, returned_while_stuck) = restart_while_stuck(&mut direct);
    assert!(returned_while_stuck, "a restart waited for the stuck worker");
}

#[test]
fn clap_process_flush_and_reset_are_realtime_safe() {
    let seen = clap_paths::every_path(300, &mut direct);
    assert!(seen.sounding_calls > 100, "the worker delivered sound through the CLAP calls: {seen:?}");
    assert!(seen.editor_events >= 3, "the open editor's drag went out through these calls: {seen:?}");
}

#[test]
fn clap_reset_and_restart_while_the_worker_is_stuck_in_the_dsp_are_realtime_safe() {
    assert!(clap_paths::restart_while_stuck(&mut direct), "a CLAP reset or restart waited for the stuck worker");
}

/// The control: an allocation inside a nonblocking function must abort, or the
/// tests above prove nothing. Runs this binary again to make one.
#[test]
fn the_sanitizer_catches_an_allocation() {
    if std::env::var_os("RTSAN_CONTROL_CHILD").is_some() {
        allocate_in_realtime_context();
        return;
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "the_sanitizer_catches_an_allocation", "--nocapture"])
        .env("RTSAN_CONTROL_CHILD", "1")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&child.stderr);
    assert!(!child.status.success(), "the allocation was not caught");
    assert!(report.contains("RealtimeSanitizer"), "no sanitizer report: {report}");
}

#[sanitize(realtime = "nonblocking")]
fn allocate_in_realtime_context() {
    std::hint::black_box(Box::new([0_u8; 64]));
}

#[test]
fn moving_the_reports_of_a_host_that_reports_the_outputs_position_is_realtime_safe() {
    for buffering in [true, false] {
        let synced = runtime::dsp::tremolo::Tremolo::synced(runtime::dsp::NoteValue::new(1, 8));
        let mut engine = engine(synced, buffering);
        engine.set_position_reference(runtime::engine::PositionReference::Output);
        every_mode(&mut engine, 120, &mut direct);
    }
}
