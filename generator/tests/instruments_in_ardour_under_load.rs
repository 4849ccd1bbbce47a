//! Ardour 7.3 races when an instrument goes on a MIDI track in any of several
//! orders (see `ardour/session.lua` and `ardour/README.md`, "Inserting an instrument
//! in Ardour 7.3"): on a loaded machine a third to three quarters of those
//! session builds abort or hang. The harness inserts instruments the way
//! Ardour's Add Track dialog does, which leaves nothing to race. This test holds it to that where the race shows most: a fresh
//! session with the shipped WA Synth on a MIDI track, built 20 times in a
//! row, never retried, while two threads of this process keep both cores
//! busy; every build must save its session with the synth's latency read, no
//! abort, no hang. The last session then renders its notes, bit for bit the
//! synth's DSP at offset 0: the instrument put there this way plays.
//!
//! A second test shows, in a few builds, what the harness avoids: the racy
//! order fails under the same load, and the other safe order does not.

mod ardour;
mod e2e;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use ardour::compare::compare;
use ardour::{Ardour, Built, Insertion, Job, Note, RATE, Scanned, SessionRun};
use e2e::{latency_samples, reference, shipped, test_notes};
use generator::config::{Kind, Plugin};

/// Session builds in a row under load.
const BUILDS: usize = 20;
/// 1 s: the test notes (0.25 s to 0.75 s) and the synth's release inside, on
/// a MIDI tick (a multiple of 25 frames at 48 kHz).
const FRAMES: usize = 48_000;

/// Threads that keep the machine's cores busy until dropped or stopped, as
/// the processes beside Ardour did when the race was measured.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<u64>>,
}

impl Load {
    fn start(threads: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..threads)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut spins = 0_u64;
                    while !stop.load(Ordering::Relaxed) {
                        spins = std::hint::black_box(spins + 1);
                    }
                    spins
                })
            })
            .collect();
        Load { stop, threads }
    }

    /// Stops the threads; how many times each went round its loop.
    fn stop(mut self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.threads.drain(..).map(|t| t.join().unwrap()).collect()
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn synth() -> &'static Plugin {
    let plugin = shipped().plugins.iter().find(|p| p.name == "WA Synth").expect("the shipped WA Synth");
    assert_eq!(plugin.kind, Kind::Instrument);
    plugin
}

/// The test notes as MIDI (velocity 1.0 is 127).
fn midi_notes() -> Vec<Note> {
    test_notes(f64::from(RATE))
        .iter()
        .map(|n| Note { frame: n.frame, on: n.on, pitch: n.pitch, velocity: (n.velocity * 127.0).round() as u8 })
        .collect()
}

/// Ok, aborted (SIGABRT), hung and otherwise failed builds among `runs`.
fn counts(runs: &[Built]) -> (usize, usize, usize, usize) {
    let count = |f: &dyn Fn(&Built) -> bool| runs.iter().filter(|b| f(b)).count();
    let ok = count(&|b| matches!(b, Built::Saved { .. }));
    let aborted = count(&|b| matches!(b, Built::Died { signal: 6 }));
    let hung = count(&|b| matches!(b, Built::Hung));
    (ok, aborted, hung, runs.len() - ok - aborted - hung)
}

/// Builds `builds` sessions on `scanned` with `insertion`, each after the
/// one before, never retried: how each ended, the first failure's log, and
/// the last run.
fn build_in_a_row(
    ardour: &Ardour,
    scanned: &Scanned,
    job: &Job,
    insertion: Insertion,
    builds: usize,
) -> (Vec<Built>, Option<String>, SessionRun) {
    let mut ended = Vec::new();
    let mut first_failure = None;
    let mut last = None;
    for i in 0..builds {
        let run = ardour.build_session_once(scanned, job, insertion);
        if !matches!(run.built, Built::Saved { .. }) && first_failure.is_none() {
            first_failure = Some(format!("build {} of {builds} ({:?}):\n{}", i + 1, run.built, run.log()));
        }
        ended.push(run.built.clone());
        last = Some(run);
    }
    (ended, first_failure, last.expect("at least one build"))
}

#[test]
fn twenty_fresh_sessions_with_the_synth_on_a_midi_track_build_under_load_without_abort_or_hang() {
    let ardour = Ardour::installed();
    let plugin = synth();
    let latency = latency_samples(plugin, f64::from(RATE));
    let bundle = shipped().bundles.join(format!("{}.vst3", plugin.name));
    let notes = midi_notes();
    let job = Job::new(&bundle, &plugin.name, plugin.channels, ardour::Input::Notes(&notes), FRAMES);
    let scanned = ardour.scan("under-load-wa-synth", &job);

    let started = std::time::Instant::now();
    let load = Load::start(2);
    let (ended, first_failure, last) = build_in_a_row(&ardour, &scanned, &job, Insertion::AsAddTrackDialog, BUILDS);
    let spins = load.stop();
    let seconds = started.elapsed().as_secs_f64();
    assert!(spins.iter().all(|&n| n > 0), "the load threads ran ({spins:?})");
    let (ok, aborted, hung, other) = counts(&ended);
    println!(
        "{} on a MIDI track, inserted as Ardour's Add Track dialog does, under two busy threads: {ok} of {BUILDS} \
         session builds ok, {aborted} aborted, {hung} hung, {other} failed otherwise ({seconds:.0} s)",
        plugin.name
    );
    assert!(
        ok == BUILDS,
        "{ok} of {BUILDS} session builds with {} under load succeeded ({aborted} aborted, {hung} hung, {other} \
         failed otherwise); the first failure, {}",
        plugin.name,
        first_failure.unwrap_or_default()
    );
    let read: Vec<&Built> = ended.iter().filter(|b| **b != Built::Saved { latency }).collect();
    assert!(read.is_empty(), "Ardour read a latency other than the synth's {latency} frames: {read:?}");

    // The last session plays the notes, bit for bit the DSP at offset 0.
    let want = reference(plugin, f64::from(RATE), &[], &test_notes(f64::from(RATE)), FRAMES);
    assert!(want.iter().flatten().any(|s| *s != 0.0), "{}: the reference is not silence", plugin.name);
    let rendered = ardour.render_built(scanned, last, &job);
    if let Some(how) = &rendered.export_died_after_writing {
        println!("note: ardour7-export ended with {how} after writing a complete file");
    }
    compare(&plugin.name, &rendered.output, &want).unwrap_or_else(|e| panic!("the last session built under load: {e}"));
    println!("ok: the last session renders the notes bit for bit, at offset 0 (latency {latency})");
}

/// At most this many builds the racy way, stopping at its first failure.
const RACY_BUILDS: usize = 12;
/// Builds the other safe way.
const SAFE_BUILDS: usize = 5;

/// What the harness avoids, shown under the same load: the order the tests
/// used before (the track made with audio outputs and strict I/O, the
/// instrument inserted or named on it) fails, and the other order
/// `ardour/README.md` recommends (strict I/O turned on after the
/// instrument) does not. Measured with 20 builds a way: the racy orders
/// saved 5 to 9 of 20 sessions (the rest aborted, 2 hung), the safe ones
/// 20 of 20. The racy builds alternate between the two racy orders and stop
/// at the first failure (a failure rate of a half gives 12 successes in a
/// row once in 4 000 runs).
#[test]
fn the_racy_instrument_insertion_fails_under_load_and_strict_io_after_does_not() {
    let ardour = Ardour::installed();
    let plugin = synth();
    let latency = latency_samples(plugin, f64::from(RATE));
    let bundle = shipped().bundles.join(format!("{}.vst3", plugin.name));
    let notes = midi_notes();
    let job = Job::new(&bundle, &plugin.name, plugin.channels, ardour::Input::Notes(&notes), FRAMES);
    let scanned = ardour.scan("race-wa-synth", &job);
    let load = Load::start(2);
    let racy = [Insertion::InsertedAfterAudioOutputs, Insertion::NamedWithAudioOutputs];
    let mut racy_ended = Vec::new();
    for way in racy.iter().cycle().take(RACY_BUILDS) {
        let built = ardour.build_session_once(&scanned, &job, *way).built;
        println!("{}: {built:?}", way.argument());
        racy_ended.push(built);
        if !matches!(racy_ended.last(), Some(Built::Saved { .. })) {
            break;
        }
    }
    let (safe_ended, first_failure, _) = build_in_a_row(&ardour, &scanned, &job, Insertion::StrictIoAfter, SAFE_BUILDS);
    drop(load);
    scanned.finished();
    let (ok, aborted, hung, other) = counts(&racy_ended);
    println!("racy: {ok} saved, {aborted} aborted, {hung} hung, {other} failed otherwise, of {}", racy_ended.len());
    assert!(ok < racy_ended.len(), "{RACY_BUILDS} racy builds all saved: the race was not reproduced");
    assert_eq!(
        safe_ended,
        vec![Built::Saved { latency }; SAFE_BUILDS],
        "strict I/O after the instrument failed under load: {}",
        first_failure.unwrap_or_default()
    );
    println!(
        "ok: the racy order failed after {} builds; strict I/O after the instrument saved {SAFE_BUILDS} of {SAFE_BUILDS}",
        racy_ended.len()
    );
}
