//! Paced sessions: a simulated audio device calls the engine once per block
//! period in real time, as a DAW does. Measures what only real time shows:
//! - total CPU (audio thread inside `process` + the worker thread), buffered vs
//!   unbuffered, for gain and low-pass DSP at 48 kHz stereo, 256-frame blocks;
//! - the longest stall inside the DSP that each latency hides with 0 underruns;
//! - a trace of the worker's lead under injected stalls, as an SVG picture.
//!
//! Not criterion: these runs are idle most of the wall time, and criterion's
//! sampling assumes measured time is elapsed time. `cargo bench --bench session`
//! runs the full sessions and writes `docs/lead-under-stalls.svg`; `cargo test
//! --benches` runs short smoke sessions.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use benches::full_run;
use benches::processors::Fir;
use benches::{half_gain, lowpass};
use runtime::engine::{Engine, EngineConfig, EngineStats, ProcessMode, ProcessSetup, Processor, StallPlace, StallPlan};

const RATE: f64 = 48_000.0;
const CHANNELS: usize = 2;
const BLOCK: usize = 256;

struct Session {
    audio_cpu: Duration,
    worker_cpu: Duration,
    stats: EngineStats,
    /// (seconds, lead in ms, underruns so far) after each block.
    trace: Vec<(f64, f64, u64)>,
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant the
    // kernel supports for every thread.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// CPU time of this process's thread named `name` (0 if there is none), from
/// the scheduler's own account in /proc.
fn named_thread_cpu(prefix: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return Duration::ZERO };
    let mut total = Duration::ZERO;
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim().starts_with(prefix) {
            let schedstat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            let nanos = schedstat.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
            total += Duration::from_nanos(nanos);
        }
    }
    total
}

fn session<P: Processor>(processor: P, config: EngineConfig, seconds: f64) -> Session {
    let mut engine = Engine::new(processor, config);
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: BLOCK, channels: CHANNELS }).unwrap();
    engine.activate().unwrap();
    let input: Vec<Vec<f32>> =
        (0..CHANNELS).map(|ch| (0..BLOCK).map(|i| ((i + ch) as f32 * 0.05).sin()).collect()).collect();
    let mut output = vec![vec![0.0_f32; BLOCK]; CHANNELS];
    let blocks = (seconds * RATE / BLOCK as f64) as usize;
    let worker_before = named_thread_cpu("writeahead-");
    let mut audio_cpu = Duration::ZERO;
    let mut trace = Vec::with_capacity(blocks);
    let started = Instant::now();
    for block in 0..blocks {
        let deadline = started + Duration::from_secs_f64((block * BLOCK) as f64 / RATE);
        if let Some(wait) = deadline.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let ins: [&[f32]; CHANNELS] = [&input[0], &input[1]];
        let [left, right] = &mut output[..] else { unreachable!() };
        let mut outs: [&mut [f32]; CHANNELS] = [left, right];
        let before = thread_cpu();
        engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
        audio_cpu += thread_cpu() - before;
        let stats = engine.stats();
        trace.push((started.elapsed().as_secs_f64(), stats.lead as f64 * 1000.0 / RATE, stats.underruns));
    }
    let worker_cpu = named_thread_cpu("writeahead-").saturating_sub(worker_before);
    let stats = engine.stats();
    Session { audio_cpu, worker_cpu, stats, trace }
}

fn cpu_table(seconds: f64) -> String {
    let mut table = String::from(
        "| DSP | unbuffered CPU per block | buffered: audio thread | buffered: worker | buffered total / unbuffered |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    let blocks = (seconds * RATE / BLOCK as f64) as u32;
    let per_block = |d: Duration| format!("{:.2} µs", d.as_secs_f64() * 1e6 / blocks as f64);
    for (name, buffered, unbuffered) in [
        ("gain", session(half_gain(), EngineConfig::default(), seconds), {
            session(half_gain(), EngineConfig { buffering: false, ..EngineConfig::default() }, seconds)
        }),
        ("low-pass", session(lowpass(), EngineConfig::default(), seconds), {
            session(lowpass(), EngineConfig { buffering: false, ..EngineConfig::default() }, seconds)
        }),
        ("512-tap FIR", session(Fir::default(), EngineConfig::default(), seconds), {
            session(Fir::default(), EngineConfig { buffering: false, ..EngineConfig::default() }, seconds)
        }),
    ] {
        assert_eq!(buffered.stats.underruns, 0, "{name}: {:?}", buffered.stats);
        let total = buffered.audio_cpu + buffered.worker_cpu;
        writeln!(
            table,
            "| {name} | {} | {} | {} | {:.2}x |",
            per_block(unbuffered.audio_cpu),
            per_block(buffered.audio_cpu),
            per_block(buffered.worker_cpu),
            total.as_secs_f64() / unbuffered.audio_cpu.as_secs_f64()
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
    session(half_gain(), config, seconds).stats.underruns == 0
}

fn stall_table(seconds: f64) -> String {
    let mut table = String::from(
        "| latency L | longest stall inside the DSP with 0 underruns | L - block - tick |\n| ---: | ---: | ---: |\n",
    );
    let block_ms = BLOCK as f64 * 1000.0 / RATE;
    for latency_ms in [10.0_f64, 20.0, 50.0, 100.0] {
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

/// An SVG of the worker's lead (ms of output ready beyond the current block)
/// over a session with stalls inside the DSP, marking underruns.
fn trace_svg(session: &Session, latency_ms: f64, stall: &str) -> String {
    let (width, height, margin) = (860.0, 320.0, 50.0);
    let duration = session.trace.last().map_or(1.0, |t| t.0);
    let top = latency_ms * 1.2;
    let x = |t: f64| margin + t / duration * (width - 2.0 * margin);
    let y =
        |ms: f64| height - margin - (ms.clamp(-top * 0.25, top) + top * 0.25) / (top * 1.25) * (height - 2.0 * margin);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{margin}\" y=\"24\" font-size=\"14\">Worker lead under injected DSP stalls ({stall}); L = {latency_ms} ms, 256-frame blocks at 48 kHz</text>\n"
    );
    for (ms, label, color) in [(0.0, "0: output due", "#c00"), (latency_ms, "L", "#888")] {
        writeln!(
            svg,
            "<line x1=\"{margin}\" x2=\"{}\" y1=\"{1:.1}\" y2=\"{1:.1}\" stroke=\"{color}\" stroke-dasharray=\"4 3\"/>",
            width - margin,
            y(ms)
        )
        .unwrap();
        writeln!(svg, "<text x=\"{}\" y=\"{:.1}\" fill=\"{color}\">{label}</text>", width - margin + 4.0, y(ms) + 4.0)
            .unwrap();
    }
    let points: Vec<String> =
        session.trace.iter().map(|(t, lead, _)| format!("{:.1},{:.1}", x(*t), y(*lead))).collect();
    writeln!(svg, "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"{}\"/>", points.join(" "))
        .unwrap();
    let mut previous = 0;
    for (t, _, underruns) in &session.trace {
        if *underruns > previous {
            writeln!(svg, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#c00\"/>", x(*t), y(0.0)).unwrap();
            previous = *underruns;
        }
    }
    writeln!(svg, "<text x=\"{margin}\" y=\"{}\">time (s), 0 to {duration:.1}; lead in ms of output ready beyond the current block; red dots: underruns ({})</text>", height - 15.0, session.stats.underruns).unwrap();
    svg.push_str("</svg>\n");
    svg
}

fn main() {
    let full = full_run();
    let seconds = if full { 3.0 } else { 0.2 };
    println!("Total CPU, buffered vs unbuffered ({seconds} s sessions)\n\n{}", cpu_table(seconds));
    println!("Stall tolerance\n\n{}", stall_table(if full { 1.2 } else { 0.2 }));
    let stall =
        StallPlan { place: StallPlace::InsideDsp, pause: Duration::from_millis(35), every: Duration::from_millis(400) };
    let traced = session(
        half_gain(),
        EngineConfig { stall: Some(stall), ..EngineConfig::default() },
        if full { 2.5 } else { 0.2 },
    );
    let svg = trace_svg(&traced, 50.0, "35 ms every 400 ms");
    let path = if full { "docs/lead-under-stalls.svg" } else { "target/lead-under-stalls.svg" };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, svg).unwrap();
    println!(
        "Trace: {} ({} underruns, worst lead {:.1} ms)",
        path.display(),
        traced.stats.underruns,
        traced.stats.worst_lead as f64 * 1000.0 / RATE
    );
}
