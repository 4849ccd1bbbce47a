//! Paced sessions: one simulated audio device (48 kHz stereo, 256-frame
//! blocks) calls `process` on every instance once per block period, in real
//! time, as a DAW calls every track's plugin (see `benches::paced`). Measures
//! what only real time shows, in one run:
//! - total CPU of 1 to 256 instances of gain, low-pass and a 512-tap FIR,
//!   buffered (the device thread inside `process`, plus every thread of the
//!   worker pool) against the same instances unbuffered (all on the device
//!   thread);
//! - the pool: its threads, their wakes per second, underruns and catch-ups,
//!   and whether the device kept up;
//! - the longest stall inside the DSP that each latency hides with 0 underruns;
//! - a trace of the lead under injected stalls, as an SVG picture;
//! - loading a 10 s impulse response into a playing convolver (WA Reverb):
//!   underruns, and how long the load took on the loader's thread (alone:
//!   `cargo bench -p benches --bench session -- load-ir`).
//!
//! Not criterion: these runs are idle most of the wall time, and criterion's
//! sampling assumes measured time is elapsed time. `cargo bench -p benches
//! --bench session` runs the full sessions (a few minutes) and prints the
//! tables as Markdown; `cargo test --benches` runs short smoke sessions.
//! Neither writes a tracked file: the picture goes to `target/bench/`, and a
//! person refreshes `docs/book/src/images/lead-under-stalls.svg` by copying it from there.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use benches::lead_svg::lead_svg;
use benches::paced::{self, BLOCK, POOL_PREFIX, Plan, RATE, Session};
use benches::processors::Fir;
use benches::{full_run, half_gain, lowpass, output_dir, proc_threads};
use runtime::dsp::convolver::{self, Convolver, IrLoader};
use runtime::engine::{
    EngineConfig, Processor, STALL_ENV, StallPlace, StallPlan, WORKERS_ENV, pool_thread_count, pool_worker_count,
};

/// Instance counts of the cheap DSP (gain, low-pass).
const COUNTS: [usize; 4] = [1, 16, 64, 256];
/// Instance counts of the FIR: 64 of them already ask for more than the
/// machine's two cores (about 130 µs each per 5.33 ms block).
const FIR_COUNTS: [usize; 3] = [1, 16, 64];
/// What buffering cost per block per instance before the shared pool, when
/// every instance had its own worker thread (measured by this bench then).
const OLD_OVERHEAD_US: [(&str, f64); 2] = [("gain", 24.0), ("low-pass", 27.0)];

/// How long the sessions run.
#[derive(Clone, Copy)]
struct Lengths {
    warmup: f64,
    seconds: f64,
    /// Each session of the stall bisection.
    stall_seconds: f64,
    trace_seconds: f64,
    /// Each session of the pool under stalls.
    scenario_seconds: f64,
}

const FULL: Lengths =
    Lengths { warmup: 0.5, seconds: 3.0, stall_seconds: 1.2, trace_seconds: 2.5, scenario_seconds: 3.0 };
const SMOKE: Lengths =
    Lengths { warmup: 0.02, seconds: 0.05, stall_seconds: 0.2, trace_seconds: 0.2, scenario_seconds: 0.3 };

/// The same instances measured unbuffered and buffered, one after the other.
struct Pair {
    dsp: &'static str,
    instances: usize,
    unbuffered: Session,
    buffered: Session,
}

impl Pair {
    /// Buffered total CPU over unbuffered total CPU.
    fn ratio(&self) -> f64 {
        self.buffered.total_cpu().as_secs_f64() / self.unbuffered.total_cpu().as_secs_f64()
    }

    /// What buffering adds per block per instance, in microseconds.
    fn overhead_us(&self) -> f64 {
        self.buffered.per_block_us(self.buffered.total_cpu())
            - self.unbuffered.per_block_us(self.unbuffered.total_cpu())
    }

    fn name(&self) -> String {
        format!("{} ×{}", self.dsp, self.instances)
    }
}

/// Waits (up to a second) until no pool thread of an earlier session is
/// listed any more: the pool joins its threads when its last engine goes,
/// but /proc may list an exiting thread a little longer.
fn settle() {
    let started = Instant::now();
    while proc_threads::count_named(POOL_PREFIX) > 0 && started.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn session<P: Processor>(make: fn() -> P, config: impl Fn(usize) -> EngineConfig, plan: &Plan) -> Session {
    settle();
    paced::run(make, config, plan)
}

fn pair<P: Processor>(dsp: &'static str, make: fn() -> P, instances: usize, lengths: Lengths) -> Pair {
    eprintln!("session: {dsp} ×{instances}, unbuffered then buffered");
    let plan = Plan { instances, warmup: lengths.warmup, seconds: lengths.seconds, trace: false };
    let unbuffered = session(make, |_| EngineConfig { buffering: false, ..EngineConfig::default() }, &plan);
    let buffered = session(make, |_| EngineConfig::default(), &plan);
    Pair { dsp, instances, unbuffered, buffered }
}

fn measure(full: bool, lengths: Lengths) -> Vec<Pair> {
    let (counts, fir_counts): (&[usize], &[usize]) = if full { (&COUNTS, &FIR_COUNTS) } else { (&[1, 16], &[1]) };
    let mut pairs = Vec::new();
    for &n in counts {
        pairs.push(pair("gain", half_gain, n, lengths));
    }
    for &n in counts {
        pairs.push(pair("low-pass", lowpass, n, lengths));
    }
    for &n in fir_counts {
        pairs.push(pair("512-tap FIR", Fir::default, n, lengths));
    }
    pairs
}

/// What must hold whatever the timing: the pool runs exactly while buffered
/// engines exist, and /proc shows its threads.
fn check(pairs: &[Pair]) {
    for pair in pairs {
        let (unbuffered, buffered) = (&pair.unbuffered, &pair.buffered);
        assert_eq!(unbuffered.pool_threads, 0, "{}: unbuffered engines started the pool", pair.name());
        assert!(buffered.pool_threads > buffered.workers, "{}: the pool did not run", pair.name());
        assert!(!buffered.pool.per_thread.is_empty(), "{}: /proc listed no pool thread", pair.name());
        let blocks = |s: &Session| s.device.callbacks;
        assert_eq!(blocks(unbuffered), blocks(buffered), "{}: both sides play as many blocks", pair.name());
    }
    assert_eq!(pool_thread_count(), 0, "the pool stops with its last engine");
}

fn cpu_table(pairs: &[Pair]) -> String {
    let mut table = String::from(
        "| DSP | instances | unbuffered | buffered: device thread | buffered: pool threads | buffered total | buffering overhead | buffered / unbuffered |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for pair in pairs {
        let (u, b) = (&pair.unbuffered, &pair.buffered);
        writeln!(
            table,
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:+.2} | {:.2}x |",
            pair.dsp,
            pair.instances,
            u.per_block_us(u.total_cpu()),
            b.per_block_us(b.device_cpu),
            b.per_block_us(b.pool.cpu),
            b.per_block_us(b.total_cpu()),
            pair.overhead_us(),
            pair.ratio(),
        )
        .unwrap();
    }
    table
}

/// Each pool thread, by its name without the prefix: wakes per second, and
/// CPU per block (for all instances together).
fn by_thread(session: &Session) -> String {
    let seconds = session.wall.as_secs_f64();
    let parts: Vec<String> = session
        .pool
        .per_thread
        .iter()
        .map(|t| {
            format!(
                "{}: {:.0}/s, {:.1} µs",
                t.name.trim_start_matches(POOL_PREFIX),
                t.voluntary_switches as f64 / seconds,
                t.cpu.as_secs_f64() * 1e6 / session.blocks as f64
            )
        })
        .collect();
    parts.join("; ")
}

fn pool_table(pairs: &[Pair]) -> String {
    let mut table = String::from(
        "| DSP | instances | pool threads (runtime / /proc) | wakes/s | wakes per block | by thread: wakes/s, CPU per block | underruns | catch-ups | device overruns (unbuffered / buffered) | longest callback, % of period (unbuffered / buffered) |\n\
         | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n",
    );
    for pair in pairs {
        let (u, b) = (&pair.unbuffered, &pair.buffered);
        writeln!(
            table,
            "| {} | {} | {} / {} | {:.0} | {:.2} | {} | {} | {} | {} / {} | {:.0} % / {:.0} % |",
            pair.dsp,
            pair.instances,
            b.pool_threads,
            b.pool_threads_proc,
            b.wakes_per_second(),
            b.pool.voluntary_switches as f64 / b.blocks as f64,
            by_thread(b),
            b.underruns(),
            b.catch_ups(),
            u.device.overruns,
            b.device.overruns,
            u.device.worst_load * 100.0,
            b.device.worst_load * 100.0,
        )
        .unwrap();
    }
    table
}

/// A line for every session that did not keep up with real time, or whose
/// pool changed threads while it was measured.
fn notes(pairs: &[Pair]) -> String {
    let mut notes = String::new();
    let period_ms = paced::period().as_secs_f64() * 1000.0;
    for pair in pairs {
        for (mode, s) in [("unbuffered", &pair.unbuffered), ("buffered", &pair.buffered)] {
            let d = &s.device;
            if s.over_capacity() {
                let audio = s.blocks as f64 * paced::period().as_secs_f64();
                writeln!(
                    notes,
                    "- {} {mode}: **cannot keep up in real time**: {} of {} callbacks ended after the next block was \
                     due ({} of them longer than a period, the longest {:.0} % of the {period_ms:.2} ms period); the \
                     device thread was busy {:.0} % of the time, and the measured part took {:.2} s for {audio:.2} s of audio.",
                    pair.name(),
                    d.overruns,
                    d.callbacks,
                    d.long_overruns,
                    d.worst_load * 100.0,
                    d.mean_load * 100.0,
                    s.wall.as_secs_f64(),
                )
                .unwrap();
            } else if d.overruns > 0 {
                writeln!(
                    notes,
                    "- {} {mode}: {} device overrun(s) in {} callbacks: {} callback(s) longer than a period (the \
                     longest {:.0} % of it), the others began more than a period late (the device thread was woken \
                     late); the device thread was busy {:.1} % of the time on average.",
                    pair.name(),
                    d.overruns,
                    d.callbacks,
                    d.long_overruns,
                    d.worst_load * 100.0,
                    d.mean_load * 100.0,
                )
                .unwrap();
            }
            if s.spare_starts > 0 || s.pool.exited > 0 {
                writeln!(
                    notes,
                    "- {} {mode}: the watchdog started {} spare(s); {} pool thread(s) exited while measured \
                     (their CPU and wakes are missing above).",
                    pair.name(),
                    s.spare_starts,
                    s.pool.exited
                )
                .unwrap();
            }
        }
        let b = &pair.buffered;
        if b.underruns() > 0 || b.catch_ups() > 0 {
            writeln!(
                notes,
                "- {} buffered: {} frames of underrun, {} catch-ups ({:.0} % of all frames computed on the device thread).",
                pair.name(),
                b.underruns(),
                b.catch_ups(),
                b.inline_frames() as f64 * 100.0 / b.stats.iter().map(|s| s.produced).sum::<u64>().max(1) as f64,
            )
            .unwrap();
        }
    }
    if notes.is_empty() { String::from("- Every session kept up with real time.\n") } else { notes }
}

fn verdict(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

fn targets(pairs: &[Pair], scenarios: &[Scenario]) -> String {
    let mut table = String::from("| target | measured | met |\n| --- | --- | --- |\n");
    let find = |dsp: &str, n: usize| pairs.iter().find(|p| p.dsp == dsp && p.instances == n);
    for (dsp, old) in OLD_OVERHEAD_US {
        if let Some(pair) = find(dsp, 64) {
            let limit = old / 10.0;
            let overhead = pair.overhead_us();
            writeln!(
                table,
                "| {dsp}: buffering overhead per instance at 64 instances ≤ 1/10 of the old {old:.0} µs = {limit:.1} µs per block | {overhead:+.2} µs | {} |",
                verdict(overhead <= limit)
            )
            .unwrap();
        }
    }
    let ratio_rows = pairs.iter().filter(|p| (p.dsp == "low-pass" && p.instances == 64) || p.dsp == "512-tap FIR");
    for pair in ratio_rows {
        let ratio = pair.ratio();
        writeln!(
            table,
            "| {}: buffered / unbuffered total CPU ≤ 1.05x | {ratio:.2}x | {} |",
            pair.name(),
            verdict(ratio <= 1.05)
        )
        .unwrap();
    }
    let k = pairs.first().map_or(pool_worker_count(), |p| p.buffered.workers);
    let threads = |s: &Session| s.pool_threads.max(s.pool_threads_proc);
    let most = pairs.iter().map(|p| threads(&p.buffered)).max().unwrap_or(0);
    writeln!(
        table,
        "| pool threads ≤ K + 2 = {} at every count, no stalls | at most {most} | {} |",
        k + 2,
        verdict(most <= k + 2)
    )
    .unwrap();
    for scenario in scenarios {
        let most = threads(&scenario.session);
        writeln!(
            table,
            "| pool threads ≤ K + 2 = {} with {} of 16 instances stalling | {most} | {} |",
            k + 2,
            scenario.stalling,
            verdict(most <= k + 2)
        )
        .unwrap();
    }
    let troubled: Vec<String> = pairs
        .iter()
        .filter(|p| p.buffered.underruns() > 0 || p.buffered.catch_ups() > 0)
        .map(|p| {
            let over = if p.unbuffered.over_capacity() { " (unbuffered cannot keep up)" } else { "" };
            format!("{}{over}: {} / {}", p.name(), p.buffered.underruns(), p.buffered.catch_ups())
        })
        .collect();
    let measured = if troubled.is_empty() {
        format!("0 / 0 in all {} buffered sessions", pairs.len())
    } else {
        format!("underrun frames / catch-ups: {}", troubled.join("; "))
    };
    writeln!(
        table,
        "| 0 underruns and 0 catch-ups without injected stalls | {measured} | {} |",
        verdict(troubled.is_empty())
    )
    .unwrap();
    table
}

/// Sixteen gain instances, `stalling` of them stalling inside the DSP.
struct Scenario {
    stalling: usize,
    session: Session,
}

/// The stall every stalling instance of a scenario takes (L = 50 ms).
const SCENARIO_STALL: StallPlan =
    StallPlan { place: StallPlace::InsideDsp, pause: Duration::from_millis(40), every: Duration::from_millis(250) };

fn stall_scenarios(seconds: f64) -> Vec<Scenario> {
    [1, 3]
        .into_iter()
        .map(|stalling| {
            eprintln!("session: gain ×16, {stalling} stalling");
            let plan = Plan { instances: 16, warmup: 0.0, seconds, trace: false };
            let config =
                |i: usize| EngineConfig { stall: (i < stalling).then_some(SCENARIO_STALL), ..EngineConfig::default() };
            Scenario { stalling, session: session(half_gain, config, &plan) }
        })
        .collect()
}

fn scenario_table(scenarios: &[Scenario]) -> String {
    let mut table = String::from(
        "| stalling instances | pool threads (runtime / /proc) | spares started | stalling: underrun frames / catch-ups | others: underrun frames / catch-ups | device overruns |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for scenario in scenarios {
        let s = &scenario.session;
        let (stalling, others) = s.stats.split_at(scenario.stalling);
        let sums = |stats: &[runtime::engine::EngineStats]| {
            let underruns: u64 = stats.iter().map(|s| s.underruns).sum();
            let catch_ups: u64 = stats.iter().map(|s| s.catch_ups).sum();
            format!("{underruns} / {catch_ups}")
        };
        writeln!(
            table,
            "| {} of 16 | {} / {} | {} | {} | {} | {} |",
            scenario.stalling,
            s.pool_threads,
            s.pool_threads_proc,
            s.spare_starts,
            sums(stalling),
            sums(others),
            s.device.overruns
        )
        .unwrap();
    }
    table
}

/// Whether a stall of `stall_ms` inside the DSP every 150 ms stays inaudible at
/// `latency_ms`.
fn hides(latency_ms: f64, stall_ms: u64, seconds: f64) -> bool {
    let stall = StallPlan {
        place: StallPlace::InsideDsp,
        pause: Duration::from_millis(stall_ms),
        every: Duration::from_millis(150),
    };
    let config = EngineConfig { latency_ms, stall: Some(stall), ..EngineConfig::default() };
    let plan = Plan { instances: 1, warmup: 0.0, seconds, trace: false };
    session(half_gain, |_| config, &plan).underruns() == 0
}

fn stall_table(latencies: &[f64], seconds: f64) -> String {
    let mut table = String::from(
        "| latency L | longest stall inside the DSP with 0 underruns | L - block - tick |\n| ---: | ---: | ---: |\n",
    );
    let block_ms = BLOCK as f64 * 1000.0 / RATE;
    for &latency_ms in latencies {
        eprintln!("stall tolerance: L = {latency_ms} ms");
        let tick_ms = (latency_ms / 10.0).clamp(0.5, 5.0);
        // Bisection over whole milliseconds: `low` always hides, `high` never does.
        let (mut low, mut high) = (0_u64, latency_ms as u64 + 1);
        while high - low > 1 {
            let mid = (low + high) / 2;
            if hides(latency_ms, mid, seconds) { low = mid } else { high = mid }
        }
        writeln!(table, "| {latency_ms} ms | {low} ms | {:.1} ms |", latency_ms - block_ms - tick_ms).unwrap();
    }
    table
}

fn main() {
    let full = full_run();
    if std::env::args().any(|arg| arg == "load-ir") {
        // `cargo bench -p benches --bench session -- load-ir`: only the load.
        println!("{}", load_while_playing(full));
        return;
    }
    let lengths = if full { FULL } else { SMOKE };
    let k = pool_worker_count();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("## Paced sessions{}\n", if full { "" } else { " (smoke run: short sessions, figures meaningless)" });
    println!(
        "One simulated device at 48 kHz stereo calls every instance once per 256-frame block ({:.2} ms); \
         {} s measured after {} s of warm-up per session. {cores} cores; the pool has K = {k} worker(s) \
         (`{WORKERS_ENV}` or cores - 1).\n",
        paced::period().as_secs_f64() * 1000.0,
        lengths.seconds,
        lengths.warmup
    );
    if let Ok(stall) = std::env::var(STALL_ENV) {
        println!("> `{STALL_ENV}={stall}` is set: every session below has injected stalls.\n");
    }
    let clock = paced::clock_read_cost();
    println!(
        "Reading the device thread's CPU clock around each callback costs {:.2} µs, counted in every device \
         figure below (buffered and unbuffered alike; per instance it matters only at 1 instance).\n",
        clock.as_secs_f64() * 1e6
    );
    let pairs = measure(full, lengths);
    check(&pairs);
    println!(
        "### Total CPU, buffered vs unbuffered\n\n\
         µs of CPU per block per instance. Unbuffered: the device thread inside `process`. Buffered: the device \
         thread inside `process` plus every `{POOL_PREFIX}*` thread (workers, watchdog, spares), from \
         /proc/self/task/*/schedstat. Overhead: buffered total minus unbuffered.\n\n{}",
        cpu_table(&pairs)
    );
    println!(
        "### The pool\n\n\
         Threads: the most the runtime reported at once and the most `{POOL_PREFIX}*` threads /proc listed. \
         Wakes: voluntary context switches of those threads (/proc/self/task/*/status) over the measured part. \
         Underrun frames and catch-ups: summed over the instances since activation. Device overruns: callbacks \
         that ended after the next block was due.\n\n{}\n{}",
        pool_table(&pairs),
        notes(&pairs)
    );
    let scenarios = stall_scenarios(lengths.scenario_seconds);
    println!(
        "### The pool under stalls\n\n\
         16 gain instances, L = 50 ms; some stall {} ms inside the DSP every {} ms (all at about the same \
         moments). Threads: the most seen at once (sampled every {} callbacks), as above.\n\n{}",
        SCENARIO_STALL.pause.as_millis(),
        SCENARIO_STALL.every.as_millis(),
        paced::COUNT_THREADS_EVERY,
        scenario_table(&scenarios)
    );
    println!("### Goals of the shared worker pool\n\n{}", targets(&pairs, &scenarios));

    let latencies: &[f64] = if full { &[10.0, 20.0, 50.0, 100.0] } else { &[10.0] };
    println!(
        "### Stall tolerance\n\n\
         The longest stall inside the DSP, every 150 ms, with 0 underruns over a {} s session of one gain \
         instance, by bisection over whole milliseconds.\n\n{}",
        lengths.stall_seconds,
        stall_table(latencies, lengths.stall_seconds)
    );

    eprintln!("lead trace");
    let stall =
        StallPlan { place: StallPlace::InsideDsp, pause: Duration::from_millis(35), every: Duration::from_millis(400) };
    let plan = Plan { instances: 1, warmup: 0.0, seconds: lengths.trace_seconds, trace: true };
    let traced = session(half_gain, |_| EngineConfig { stall: Some(stall), ..EngineConfig::default() }, &plan);
    let svg = lead_svg(&traced.trace, 50.0, "35 ms every 400 ms");
    let path = output_dir().join(if full { "lead-under-stalls.svg" } else { "lead-under-stalls-smoke.svg" });
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("the output folder can be made");
    std::fs::write(&path, svg).expect("the trace can be written");
    println!(
        "### Lead trace\n\nWritten to `{}` ({} underruns, worst lead {:.1} ms). The README shows \
         `docs/book/src/images/lead-under-stalls.svg`: copy the file there to refresh it.",
        path.display(),
        traced.underruns(),
        traced.stats[0].worst_lead as f64 * 1000.0 / RATE
    );

    println!("{}", load_while_playing(full));
}

/// A convolver playing WA Reverb's response is asked, one second into the
/// session, to load a 10 s stereo response from a WAVE file at 44.1 kHz: read,
/// decoded, resampled to 48 kHz and transformed on the loader's thread, then
/// crossfaded in. Buffered and unbuffered, one session each.
fn load_while_playing(full: bool) -> String {
    let (seconds, ir_seconds) = if full { (4.0, 10.0) } else { (0.4, 0.5) };
    let load_at = Duration::from_secs_f64(if full { 1.0 } else { 0.1 });
    let frames = (ir_seconds * 44_100.0) as usize;
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let samples: Vec<f32> = (0..frames * 2)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0;
            noise * 0.1 * (-6.9 * (i / 2) as f32 / frames as f32).exp()
        })
        .collect();
    let path = output_dir().join("ten-second-response.wav");
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("the output folder can be made");
    std::fs::write(&path, convolver::encode_wav_f32(44_100, 2, &samples)).expect("the response can be written");

    let mut table = String::from(
        "| mode | load (read, decode, resample, transform) | request to switch | underrun frames | catch-ups | \
         device overruns | longest callback, % of period |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for buffering in [true, false] {
        eprintln!("session: loading a {ir_seconds} s response, buffering {buffering}");
        let slot: Arc<Mutex<Option<IrLoader>>> = Arc::default();
        let loader_slot = Arc::clone(&slot);
        let make = move || {
            let (processor, loader) = Convolver::new(convolver::PARAMS, convolver::reverb::wa_reverb());
            *loader_slot.lock().unwrap() = Some(loader);
            processor
        };
        let requester = {
            let (slot, path) = (Arc::clone(&slot), path.clone());
            std::thread::spawn(move || {
                // The session makes its convolver when it starts (generating
                // WA Reverb's response first, which takes a while in a debug
                // build): the load is asked for `load_at` after that.
                let started = Instant::now();
                let loader = loop {
                    if let Some(loader) = slot.lock().unwrap().clone() {
                        break loader;
                    }
                    assert!(started.elapsed() < Duration::from_secs(120), "the session made no convolver");
                    std::thread::sleep(Duration::from_millis(1));
                };
                std::thread::sleep(load_at);
                let asked = Instant::now();
                let number = loader.load_file(path);
                while loader.status().playing != number && asked.elapsed() < Duration::from_secs(30) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                (loader.status(), asked.elapsed())
            })
        };
        settle();
        let config = EngineConfig { buffering, ..EngineConfig::default() };
        let plan = Plan { instances: 1, warmup: 0.0, seconds, trace: false };
        let session = paced::run(make, |_| config, &plan);
        let (status, switched) = requester.join().expect("the requester finishes");
        let switch = if status.playing == status.requested && status.error.is_none() {
            format!("{:.0} ms", switched.as_secs_f64() * 1000.0)
        } else {
            format!("**not switched** ({:?})", status.error)
        };
        writeln!(
            table,
            "| {} | {:.0} ms | {switch} | {} | {} | {} | {:.0} % |",
            if buffering { "buffered, L = 50 ms" } else { "unbuffered" },
            status.last_prepare.as_secs_f64() * 1000.0,
            session.underruns(),
            session.catch_ups(),
            session.device.overruns,
            session.device.worst_load * 100.0,
        )
        .unwrap();
    }
    format!(
        "### Loading an impulse response while playing\n\n\
         WA Reverb (2.5 s, stereo) playing; {:.1} s in, a {ir_seconds} s stereo response is loaded from a 32-bit \
         WAVE file at 44.1 kHz. The load runs on the convolver's loader thread, never on the device thread or the \
         worker; the switch crossfades over 50 ms. {seconds} s sessions.\n\n{table}",
        load_at.as_secs_f64()
    )
}
