//! Contract point 13: buffered engines in one process share one worker pool.
//! Threads do not grow with engines, none outlives them, a stall in one
//! engine's processor does not eat the others' lead, and engines handed
//! between the pool and their audio threads while others come and go stay
//! exact.
//!
//! These tests count threads and run in real time, so they run one at a time.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::processors::FeedbackFilter;
use common::{assert_delayed_copy, blocks, noise, render};
use runtime::engine::{
    Engine, EngineConfig, EngineStats, ProcessMode, ProcessSetup, StallPlace, StallPlan, pool_spare_starts,
    pool_thread_count, pool_worker_count,
};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const RATE: f64 = 48_000.0;

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn engine(config: EngineConfig, max_block: usize) -> Engine<FeedbackFilter> {
    let mut engine = Engine::new(FeedbackFilter::default(), config);
    engine.setup(ProcessSetup { sample_rate: RATE, max_block, channels: 2 }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Threads of this process whose name says they belong to the engine's pool
/// (`writeahead-…`), counted in /proc (the test harness's own threads come and
/// go, so all threads would not do); fails the test if it cannot count.
fn pool_threads_now() -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task is readable");
    let mut listed = 0;
    let mut ours = 0;
    for task in tasks {
        let name = std::fs::read_to_string(task.expect("a task entry").path().join("comm"));
        // A thread may end between the listing and the read.
        let Ok(name) = name else { continue };
        listed += 1;
        ours += usize::from(name.starts_with("writeahead-"));
    }
    assert!(listed > 0, "/proc/self/task lists no thread");
    ours
}

/// The reference: the filter run unbuffered over the whole input.
fn reference(input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut unbuffered = engine(EngineConfig { buffering: false, ..Default::default() }, 8192);
    render(&mut unbuffered, input, &[input[0].len()], |_| ProcessMode::Offline, |_, _| Vec::new())
}

#[test]
fn a_stall_in_one_engine_does_not_eat_the_others_lead() {
    let _serial = serial();
    const ENGINES: usize = 16;
    const BLOCK: usize = 128;
    let seconds = 2.0;
    let frames = (RATE * seconds) as usize / BLOCK * BLOCK;
    let input = noise(2, frames, 77);
    let expected = reference(&input);
    let stall =
        StallPlan { place: StallPlace::InsideDsp, pause: Duration::from_millis(40), every: Duration::from_millis(250) };
    let mut engines: Vec<Engine<FeedbackFilter>> = (0..ENGINES)
        .map(|i| {
            let stall = (i == 0).then_some(stall);
            engine(EngineConfig { stall, ..Default::default() }, BLOCK)
        })
        .collect();
    let latency = engines[0].latency_samples();
    let workers = pool_worker_count();
    let mut most_threads = 0;
    let mut spares = 0;
    // A simulated audio device: every block period it calls every engine, as a
    // DAW calls the plugins of its tracks.
    let (outputs, stats): (Vec<Vec<Vec<f32>>>, Vec<EngineStats>) = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut outputs = vec![vec![vec![0.0_f32; frames]; 2]; ENGINES];
                let started = Instant::now();
                for start in (0..frames).step_by(BLOCK) {
                    let deadline = started + Duration::from_secs_f64(start as f64 / RATE);
                    if let Some(wait) = deadline.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    for (engine, output) in engines.iter_mut().zip(&mut outputs) {
                        let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + BLOCK]).collect();
                        let mut outs: Vec<&mut [f32]> =
                            output.iter_mut().map(|c| &mut c[start..start + BLOCK]).collect();
                        engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
                    }
                    most_threads = most_threads.max(pool_thread_count());
                }
                spares = pool_spare_starts();
                let stats = engines.iter().map(Engine::stats).collect();
                (outputs, stats)
            })
            .join()
            .unwrap()
    });
    let staller = &stats[0];
    assert!(staller.longest_stall >= Duration::from_millis(40), "the stalls happened: {staller:?}");
    assert_eq!(staller.underruns, 0, "the stalling engine: {staller:?}");
    for (i, (output, stats)) in outputs.iter().zip(&stats).enumerate() {
        assert_delayed_copy(output, &expected, latency, &format!("engine {i}"));
        if i > 0 {
            assert_eq!(
                (stats.underruns, stats.catch_ups),
                (0, 0),
                "engine {i} lost lead to engine 0's stall: {stats:?}"
            );
        }
    }
    assert!(most_threads <= workers + 2, "{most_threads} pool threads for {workers} workers");
    if workers == 1 {
        // The one worker was stuck in engine 0: a spare served the others.
        assert!(spares >= 1, "no spare worker started");
    }
}

#[test]
fn threads_do_not_grow_with_engines_and_none_outlives_them() {
    let _serial = serial();
    assert_eq!(pool_threads_now(), 0);
    let workers = pool_worker_count();
    for count in [1, 16, 64, 256] {
        let engines: Vec<_> = (0..count).map(|_| engine(EngineConfig::default(), 256)).collect();
        assert_eq!(pool_thread_count(), workers + 1, "{count} engines: workers and the watchdog");
        assert_eq!(pool_threads_now(), workers + 1, "{count} engines");
        drop(engines);
        assert_eq!(pool_thread_count(), 0, "the pool stops with its last engine");
        assert_eq!(pool_threads_now(), 0, "no thread outlives the engines");
    }
}

#[test]
fn a_thousand_engines_created_and_dropped_leave_no_thread_behind() {
    let _serial = serial();
    assert_eq!(pool_threads_now(), 0);
    let input = noise(2, 4096, 5);
    let expected = reference(&input);
    let mut alive: Vec<Engine<FeedbackFilter>> = Vec::new();
    for i in 0..1000 {
        let mut engine = engine(EngineConfig::default(), 512);
        if i % 50 == 0 {
            // Now and then one plays, so the pool really serves them.
            let latency = engine.latency_samples();
            let output =
                render(&mut engine, &input, &blocks(4096, i, 1..=512), |_| ProcessMode::Realtime, |_, _| Vec::new());
            assert_delayed_copy(&output, &expected, latency, &format!("engine {i}"));
        }
        // Engines overlap in time: up to eight alive at once.
        alive.push(engine);
        if alive.len() > 8 {
            alive.remove((i as usize * 7) % alive.len());
        }
    }
    assert!(pool_threads_now() > 0, "the pool ran");
    drop(alive);
    assert_eq!(pool_threads_now(), 0, "threads left behind");
}

#[test]
fn engines_stay_exact_while_others_come_and_go_on_the_pool() {
    let _serial = serial();
    // Four audio threads, each playing engines one after another in unpaced
    // realtime mode (so every call races the pool for the processor) and in
    // random block sizes, while the others join and leave the pool.
    let input = noise(2, 24_000, 9);
    let expected = reference(&input);
    std::thread::scope(|scope| {
        for thread in 0..4_u64 {
            let (input, expected) = (&input, &expected);
            scope.spawn(move || {
                for round in 0..12 {
                    let mut engine = engine(EngineConfig::default(), 1024);
                    let latency = engine.latency_samples();
                    let seed = thread * 100 + round;
                    let sizes = blocks(24_000, seed, 0..=2048);
                    let output = render(&mut engine, input, &sizes, |_| ProcessMode::Realtime, |_, _| Vec::new());
                    assert_delayed_copy(&output, expected, latency, &format!("thread {thread}, round {round}"));
                    if round % 3 == 1 {
                        engine.restart();
                        let again = render(&mut engine, input, &sizes, |_| ProcessMode::Realtime, |_, _| Vec::new());
                        assert_delayed_copy(
                            &again,
                            expected,
                            latency,
                            &format!("thread {thread}, round {round}, restarted"),
                        );
                    }
                }
            });
        }
    });
    assert_eq!(pool_thread_count(), 0);
}
