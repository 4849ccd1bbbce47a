//! The convolver's CPU against the `fft-convolver` crate (0.4, a port of
//! HiFi-LoFi's FFTConvolver), measured in the same run, for 0.5, 2 and 10 s
//! stereo impulse responses at 48 kHz, fed 256-frame host blocks:
//! - ours buffered at L = 20, 50 and 100 ms: an engine with buffering on,
//!   run in offline mode, so the calling thread runs the processor over every
//!   frame with the partitions the latency budget bought (the work the worker
//!   does in real time; the pool's threads' CPU is added, and is about 0);
//! - ours unbuffered: the zero-latency scheme, inline;
//! - `FFTConvolver` (uniform partitions) at 64 and 256 frames, and
//!   `TwoStageFFTConvolver` with a 64-frame head and tails of 1024 to 16384
//!   (the best one is reported), one instance per channel.
//!
//! Criterion times the CPU of the calling thread (`iter_custom` with the
//! thread's CPU clock) per 256-frame block; the table gives CPU seconds per
//! second of audio. Then the worst single audio-thread call: for the
//! buffered rows from a paced real-time session (the device thread calls
//! every 5.33 ms, the worker pool runs the convolver), for the others from
//! an unpaced run of the same length where every call is the audio thread's.
//! Both as thread CPU time (the work done in the call) and as wall time
//! (which also counts the machine taking the core away).
//!
//! `cargo bench -p benches --bench convolver` prints the tables as Markdown;
//! `cargo test --benches` runs it briefly. Nothing is written but criterion's
//! own files under `target/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use benches::{criterion, full_run, paced, proc_threads};
use criterion::{BenchmarkId, Criterion, Throughput};
use fft_convolver::{FFTConvolver, TwoStageFFTConvolver};
use runtime::dsp::convolver::{Convolver, ImpulseResponse, PARAMS, Scheme};
use runtime::engine::{Engine, EngineConfig, FlushToZero, ProcessMode, ProcessSetup};

const RATE: f64 = 48_000.0;
const CHANNELS: usize = 2;
const BLOCK: usize = 256;
const IR_SECONDS: [f64; 3] = [0.5, 2.0, 10.0];
const LATENCIES_MS: [f64; 3] = [20.0, 50.0, 100.0];
const TWO_STAGE_TAILS: [usize; 5] = [1024, 2048, 4096, 8192, 16_384];

/// What one row of the table runs.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Row {
    Buffered(f64),
    Unbuffered,
    Uniform(usize),
    TwoStage(usize),
}

impl Row {
    fn name(self) -> String {
        match self {
            Row::Buffered(ms) => format!("ours, buffered, L = {ms} ms"),
            Row::Unbuffered => "ours, unbuffered (zero latency)".into(),
            Row::Uniform(block) => format!("FFTConvolver, uniform {block}"),
            Row::TwoStage(tail) => format!("TwoStageFFTConvolver 64 / {tail}"),
        }
    }

    fn id(self) -> String {
        match self {
            Row::Buffered(ms) => format!("ours_buffered_{ms}ms"),
            Row::Unbuffered => "ours_unbuffered".into(),
            Row::Uniform(block) => format!("fft_convolver_uniform_{block}"),
            Row::TwoStage(tail) => format!("fft_convolver_two_stage_64_{tail}"),
        }
    }

    fn all() -> Vec<Row> {
        let mut rows: Vec<Row> = LATENCIES_MS.iter().map(|&ms| Row::Buffered(ms)).collect();
        rows.push(Row::Unbuffered);
        rows.extend([Row::Uniform(64), Row::Uniform(256)]);
        rows.extend(TWO_STAGE_TAILS.iter().map(|&t| Row::TwoStage(t)));
        rows
    }
}

/// A stereo response: decaying noise, each channel its own.
fn response(seconds: f64) -> ImpulseResponse {
    let len = (seconds * RATE) as usize;
    let channels = (0..CHANNELS as u64)
        .map(|seed| {
            let mut state = 0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(seed + 1) | 1;
            (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let noise = (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0;
                    noise * (-6.9 * i as f32 / len as f32).exp()
                })
                .collect()
        })
        .collect();
    ImpulseResponse::new(RATE, channels).expect("a valid response")
}

/// About a second of stereo input (a whole number of blocks), played in a loop.
fn input() -> Vec<Vec<f32>> {
    let frames = (RATE as usize).next_multiple_of(BLOCK);
    (0..CHANNELS).map(|c| (0..frames).map(|i| ((i * (c + 3)) as f32 * 0.013).sin() * 0.5).collect()).collect()
}

fn setup() -> ProcessSetup {
    ProcessSetup { sample_rate: RATE, max_block: BLOCK, channels: CHANNELS }
}

fn config(row: Row) -> EngineConfig {
    match row {
        Row::Buffered(ms) => EngineConfig { latency_ms: ms, ..EngineConfig::default() },
        _ => EngineConfig { buffering: false, ..EngineConfig::default() },
    }
}

/// The first partition the engine's budget buys at `ms` with these blocks
/// (the engine's arithmetic: L less a host block and the worker's tick, L / 10).
fn first_partition(ms: f64) -> usize {
    let latency = (ms * RATE / 1000.0).round() as usize;
    let tick = ((ms / 10.0).clamp(0.5, 5.0) * RATE / 1000.0).ceil() as usize;
    Scheme::for_budget(latency.saturating_sub(BLOCK + tick)).first
}

/// Something that convolves a stereo block as an audio callback would.
enum Subject {
    Ours(Box<Engine<Convolver>>, ProcessMode),
    Uniform(Vec<FFTConvolver<f32>>),
    TwoStage(Vec<TwoStageFFTConvolver<f32>>),
}

impl Subject {
    fn new(row: Row, ir: &ImpulseResponse) -> Self {
        match row {
            Row::Buffered(_) | Row::Unbuffered => {
                let (convolver, _) = Convolver::new(PARAMS, ir.clone());
                let mut engine = Box::new(Engine::new(convolver, config(row)));
                engine.setup(setup()).expect("a valid setup");
                engine.activate().expect("the engine activates");
                let mode = if row == Row::Unbuffered { ProcessMode::Realtime } else { ProcessMode::Offline };
                Subject::Ours(engine, mode)
            }
            Row::Uniform(block) => Subject::Uniform(
                ir.channels()
                    .iter()
                    .map(|c| {
                        let mut convolver = FFTConvolver::default();
                        convolver.init(block, c).expect("fft-convolver takes the response");
                        convolver
                    })
                    .collect(),
            ),
            Row::TwoStage(tail) => Subject::TwoStage(
                ir.channels()
                    .iter()
                    .map(|c| {
                        let mut convolver = TwoStageFFTConvolver::default();
                        convolver.init(64, tail, c).expect("fft-convolver takes the response");
                        convolver
                    })
                    .collect(),
            ),
        }
    }

    /// Processes the block of `input` starting at `frame` into `output`.
    fn block(&mut self, input: &[Vec<f32>], frame: usize, output: &mut [Vec<f32>]) {
        let at = frame % input[0].len();
        let ins: [&[f32]; CHANNELS] = [&input[0][at..at + BLOCK], &input[1][at..at + BLOCK]];
        match self {
            Subject::Ours(engine, mode) => {
                let [left, right] = output else { unreachable!() };
                let mut outs: [&mut [f32]; CHANNELS] = [left, right];
                engine.process(*mode, &ins, &mut outs, &[]).expect("the engine processes");
            }
            Subject::Uniform(convolvers) => {
                for ((c, i), o) in convolvers.iter_mut().zip(ins).zip(output.iter_mut()) {
                    c.process(i, o).expect("fft-convolver processes");
                }
            }
            Subject::TwoStage(convolvers) => {
                for ((c, i), o) in convolvers.iter_mut().zip(ins).zip(output.iter_mut()) {
                    c.process(i, o).expect("fft-convolver processes");
                }
            }
        }
    }
}

/// CPU seconds per 256-frame block, summed over every timed batch of a row.
#[derive(Debug, Default, Clone, Copy)]
struct Cpu {
    blocks: u64,
    seconds: f64,
}

impl Cpu {
    /// CPU seconds per second of audio.
    fn per_second(&self) -> f64 {
        self.seconds / (self.blocks as f64 * BLOCK as f64 / RATE)
    }
}

type Key = (u64, String);

static CPU: Mutex<BTreeMap<Key, Cpu>> = Mutex::new(BTreeMap::new());

fn key(seconds: f64, row: Row) -> Key {
    ((seconds * 1000.0).round() as u64, row.id())
}

fn cpu_benches(c: &mut Criterion, irs: &[(f64, ImpulseResponse)]) {
    let input = input();
    for (seconds, ir) in irs {
        let mut group = c.benchmark_group(format!("convolver_cpu/{seconds}s"));
        group.throughput(Throughput::Elements(BLOCK as u64));
        for row in Row::all() {
            let mut subject = Subject::new(row, ir);
            let mut output = vec![vec![0.0_f32; BLOCK]; CHANNELS];
            let mut frame = 0;
            let key = key(*seconds, row);
            group.bench_function(BenchmarkId::from_parameter(row.id()), |b| {
                b.iter_custom(|iters| {
                    let pool_before = proc_threads::threads_named(paced::POOL_PREFIX);
                    let started = proc_threads::thread_cpu();
                    for _ in 0..iters {
                        subject.block(&input, frame, &mut output);
                        frame += BLOCK;
                    }
                    let mut cpu = proc_threads::thread_cpu() - started;
                    if matches!(row, Row::Buffered(_)) {
                        let pool = proc_threads::threads_named(paced::POOL_PREFIX);
                        cpu += proc_threads::delta(&pool_before, &pool).cpu;
                    }
                    let mut all = CPU.lock().unwrap();
                    let entry = all.entry(key.clone()).or_default();
                    entry.blocks += iters;
                    entry.seconds += cpu.as_secs_f64();
                    cpu
                });
            });
        }
        group.finish();
    }
}

/// The worst single call of one run.
#[derive(Debug, Default, Clone, Copy)]
struct Worst {
    cpu: Duration,
    wall: Duration,
    calls: u64,
    /// Buffered only: frames the audio thread computed itself, and underruns.
    catch_ups: u64,
    underruns: u64,
}

/// Every call of `seconds` of audio timed, paced by a real-time clock when
/// `paced` (the device thread sleeps until each block is due).
fn worst_call(row: Row, ir: &ImpulseResponse, seconds: f64, warmup: f64) -> Worst {
    let input = input();
    let mut subject = match row {
        Row::Buffered(_) => {
            let (convolver, _) = Convolver::new(PARAMS, ir.clone());
            let mut engine = Box::new(Engine::new(convolver, config(row)));
            engine.setup(setup()).expect("a valid setup");
            engine.activate().expect("the engine activates");
            Subject::Ours(engine, ProcessMode::Realtime)
        }
        _ => Subject::new(row, ir),
    };
    let paced = matches!(row, Row::Buffered(_));
    let mut output = vec![vec![0.0_f32; BLOCK]; CHANNELS];
    let blocks = (seconds * RATE / BLOCK as f64) as usize;
    let warm = (warmup * RATE / BLOCK as f64) as usize;
    let period = Duration::from_secs_f64(BLOCK as f64 / RATE);
    let mut worst = Worst::default();
    let started = Instant::now();
    for block in 0..warm + blocks {
        if paced {
            let due = started + period * block as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let (wall, cpu) = (Instant::now(), proc_threads::thread_cpu());
        subject.block(&input, block * BLOCK, &mut output);
        let (cpu, wall) = (proc_threads::thread_cpu() - cpu, wall.elapsed());
        if block >= warm {
            worst.cpu = worst.cpu.max(cpu);
            worst.wall = worst.wall.max(wall);
            worst.calls += 1;
        }
    }
    if let Subject::Ours(engine, _) = &subject {
        let stats = engine.stats();
        (worst.catch_ups, worst.underruns) = (stats.catch_ups, stats.underruns);
    }
    worst
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // An audio thread runs with denormals flushed, as the worker pool does.
    let _flush_to_zero = FlushToZero::enable();
    let full = full_run();
    // The smoke run (`cargo test --benches`, a debug build) only checks that
    // everything runs: short responses.
    let lengths = if full { IR_SECONDS } else { [0.05, 0.1, 0.2] };
    let irs: Vec<(f64, ImpulseResponse)> = lengths.iter().map(|&s| (s, response(s))).collect();
    let mut c = criterion();
    cpu_benches(&mut c, &irs);
    c.final_summary();

    let cpu = CPU.lock().unwrap().clone();
    let (seconds, warmup) = if full { (8.0, 0.5) } else { (0.2, 0.05) };
    let mut worst = BTreeMap::new();
    for (ir_seconds, ir) in &irs {
        for row in Row::all() {
            if cpu.contains_key(&key(*ir_seconds, row)) {
                eprintln!("worst call: {ir_seconds} s, {}", row.name());
                worst.insert(key(*ir_seconds, row), worst_call(row, ir, seconds, warmup));
            }
        }
    }
    print_tables(&irs, &cpu, &worst, seconds, full);
}

fn print_tables(
    irs: &[(f64, ImpulseResponse)],
    cpu: &BTreeMap<Key, Cpu>,
    worst: &BTreeMap<Key, Worst>,
    seconds: f64,
    full: bool,
) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("## Convolver{}\n", if full { "" } else { " (smoke run: figures meaningless)" });
    println!(
        "CPU seconds per second of stereo audio at 48 kHz, 256-frame host blocks; {cores} cores. Worst call: the \
         longest single audio-thread call over {seconds} s of audio, as thread CPU time / wall time (buffered: a \
         paced real-time session, the worker pool doing the convolution; the audio thread computes only what the \
         worker has not, counted as catch-ups). First partition: what the latency budget bought (L less a \
         256-frame block and the worker's tick, halved, to a power of two).\n"
    );
    let mut table = String::from(
        "| response | convolver | first partition | CPU s / s | worst call, CPU / wall (ms) |\n| ---: | --- | ---: | ---: | ---: |\n",
    );
    for (seconds, _) in irs {
        let best_two_stage = best_two_stage(cpu, *seconds);
        for row in Row::all() {
            let Some(measured) = cpu.get(&key(*seconds, row)) else { continue };
            if let Row::TwoStage(_) = row
                && Some(row) != best_two_stage
            {
                continue;
            }
            let first = match row {
                Row::Buffered(ms) => first_partition(ms).to_string(),
                Row::Unbuffered => "64 (direct head)".into(),
                Row::Uniform(b) => b.to_string(),
                Row::TwoStage(_) => "64".into(),
            };
            let w = worst.get(&key(*seconds, row)).copied().unwrap_or_default();
            let extra = if matches!(row, Row::Buffered(_)) {
                format!(" ({} catch-ups, {} underruns)", w.catch_ups, w.underruns)
            } else {
                String::new()
            };
            writeln!(
                table,
                "| {seconds} s | {} | {first} | {:.4} | {:.3} / {:.3}{extra} |",
                row.name(),
                measured.per_second(),
                ms(w.cpu),
                ms(w.wall)
            )
            .unwrap();
        }
    }
    println!("{table}");

    let mut tails = String::from("| response |");
    for t in TWO_STAGE_TAILS {
        write!(tails, " 64 / {t} |").unwrap();
    }
    tails.push_str("\n| ---: |");
    tails.push_str(&" ---: |".repeat(TWO_STAGE_TAILS.len()));
    tails.push('\n');
    for (seconds, _) in irs {
        write!(tails, "| {seconds} s |").unwrap();
        for t in TWO_STAGE_TAILS {
            match cpu.get(&key(*seconds, Row::TwoStage(t))) {
                Some(m) => write!(tails, " {:.4} |", m.per_second()).unwrap(),
                None => tails.push_str(" - |"),
            }
        }
        tails.push('\n');
    }
    println!("### TwoStageFFTConvolver by tail size (CPU s / s)\n\n{tails}");

    let get = |row: Row| cpu.get(&key(10.0, row)).map(Cpu::per_second);
    let (Some(ours), Some(uniform)) = (get(Row::Buffered(50.0)), get(Row::Uniform(64))) else { return };
    let Some(two_stage) = best_two_stage(cpu, 10.0) else { return };
    let two_stage_cpu = get(two_stage).unwrap_or(f64::NAN);
    let our_worst = worst.get(&key(10.0, Row::Buffered(50.0))).copied().unwrap_or_default();
    let their_worst = worst.get(&key(10.0, two_stage)).copied().unwrap_or_default();
    let verdict = |met: bool| if met { "yes" } else { "**no**" };
    let mut goals =
        String::from("| goal (10 s response, ours buffered at L = 50 ms) | measured | met |\n| --- | ---: | --- |\n");
    let r = uniform / ours;
    writeln!(goals, "| ≥ 50× less CPU than FFTConvolver at 64 frames | {r:.0}× | {} |", verdict(r >= 50.0)).unwrap();
    let r = two_stage_cpu / ours;
    writeln!(goals, "| ≥ 3× less CPU than {} (its best tail) | {r:.1}× | {} |", two_stage.name(), verdict(r >= 3.0))
        .unwrap();
    let (r_cpu, r_wall) = (
        their_worst.cpu.as_secs_f64() / our_worst.cpu.as_secs_f64(),
        their_worst.wall.as_secs_f64() / our_worst.wall.as_secs_f64(),
    );
    writeln!(
        goals,
        "| audio-thread worst call ≥ 10× below the two-stage convolver's | {r_cpu:.0}× (CPU), {r_wall:.0}× (wall) | {} |",
        verdict(r_cpu >= 10.0 && r_wall >= 10.0)
    )
    .unwrap();
    println!("### Goals\n\n{goals}");
}

/// The two-stage tail size with the least CPU for a response length.
fn best_two_stage(cpu: &BTreeMap<Key, Cpu>, seconds: f64) -> Option<Row> {
    TWO_STAGE_TAILS
        .iter()
        .map(|&t| Row::TwoStage(t))
        .filter_map(|row| cpu.get(&key(seconds, row)).map(|m| (row, m.per_second())))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(row, _)| row)
}
