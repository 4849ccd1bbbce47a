//! Paced sessions: one simulated audio device calls `process` on every
//! instance once per block period, in real time, as a DAW's audio thread calls
//! every track's plugin. What only real time shows is measured here: the CPU
//! of the device thread inside those calls, the CPU and wakes of the worker
//! pool's threads, the pool's thread count, and whether anyone fell behind.
//!
//! The device is 48 kHz stereo with 256-frame blocks (5.33 ms). Its thread
//! sleeps until each block's deadline, then calls every instance in turn. A
//! callback that ends after the next block was due is a device overrun (a real
//! device would have played a glitch); the device then starts the next period
//! from there, as a device restarts after an overrun, rather than calling
//! faster than real time to make up the lost time.

use std::time::{Duration, Instant};

use runtime::engine::{
    Engine, EngineConfig, EngineStats, FlushToZero, ProcessMode, ProcessSetup, Processor, pool_spare_starts,
    pool_thread_count, pool_worker_count,
};

use crate::proc_threads::{self, ThreadsDelta};

pub const RATE: f64 = 48_000.0;
pub const CHANNELS: usize = 2;
pub const BLOCK: usize = 256;
/// The names of the worker pool's threads start with this: workers
/// `writeahead-<n>`, the watchdog `writeahead-dog`, spares `writeahead-sp`.
pub const POOL_PREFIX: &str = "writeahead-";
/// Device callbacks between two counts of the pool's threads.
pub const COUNT_THREADS_EVERY: usize = 32;

/// The device's block period.
pub fn period() -> Duration {
    Duration::from_secs_f64(BLOCK as f64 / RATE)
}

/// Blocks in `seconds` of audio (at least one).
pub fn blocks_in(seconds: f64) -> usize {
    ((seconds * RATE / BLOCK as f64) as usize).max(1)
}

/// What one session runs.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Instances of the processor, each its own engine.
    pub instances: usize,
    /// Seconds played before measuring (engines settle, pages are touched).
    pub warmup: f64,
    /// Seconds of audio measured.
    pub seconds: f64,
    /// Whether to record the first instance's lead after every callback.
    pub trace: bool,
}

/// How the device kept time, over every callback of a session.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeviceLog {
    pub callbacks: u64,
    /// Callbacks that ended after the next block was due.
    pub overruns: u64,
    /// Overruns of callbacks that themselves took longer than a period (the
    /// rest began late: the device thread was woken late).
    pub long_overruns: u64,
    /// The longest callback, as a fraction of the block period.
    pub worst_load: f64,
    /// Wall time of all callbacks over the wall time of all periods.
    pub mean_load: f64,
}

/// What one session measured.
#[derive(Debug, Clone)]
pub struct Session {
    pub instances: usize,
    /// Blocks measured (after the warm-up).
    pub blocks: u64,
    /// Wall time of the measured blocks.
    pub wall: Duration,
    /// CPU of the device thread inside the measured callbacks.
    pub device_cpu: Duration,
    /// What the pool's threads did over the measured blocks.
    pub pool: ThreadsDelta,
    /// The most pool threads the runtime reported at once (sampled).
    pub pool_threads: usize,
    /// The most `writeahead-*` threads /proc listed at once (sampled).
    pub pool_threads_proc: usize,
    /// The pool's worker count K.
    pub workers: usize,
    /// Spares the watchdog started (every worker was stuck at once).
    pub spare_starts: usize,
    pub device: DeviceLog,
    /// Every instance's telemetry at the end (counted since activation, the
    /// warm-up included).
    pub stats: Vec<EngineStats>,
    /// (seconds, lead in ms, underruns so far) of the first instance after
    /// every callback, when the plan asks for it.
    pub trace: Vec<(f64, f64, u64)>,
}

impl Session {
    /// Device-thread plus pool CPU.
    pub fn total_cpu(&self) -> Duration {
        self.device_cpu + self.pool.cpu
    }

    /// `cpu` per measured block per instance, in microseconds.
    pub fn per_block_us(&self, cpu: Duration) -> f64 {
        cpu.as_secs_f64() * 1e6 / (self.blocks as f64 * self.instances as f64)
    }

    /// The pool threads' wakes (voluntary context switches) per second.
    pub fn wakes_per_second(&self) -> f64 {
        self.pool.voluntary_switches as f64 / self.wall.as_secs_f64()
    }

    /// Frames played as silence because they came due unproduced, summed
    /// over the instances.
    pub fn underruns(&self) -> u64 {
        self.stats.iter().map(|s| s.underruns).sum()
    }

    /// Calls in which the device thread computed frames no worker had,
    /// summed over the instances.
    pub fn catch_ups(&self) -> u64 {
        self.stats.iter().map(|s| s.catch_ups).sum()
    }

    /// Frames the device thread computed in those calls.
    pub fn inline_frames(&self) -> u64 {
        self.stats.iter().map(|s| s.inline_frames).sum()
    }

    /// Whether the device could not keep up with real time over the session
    /// (not a few overruns a busy machine causes, but most of the time).
    pub fn over_capacity(&self) -> bool {
        self.device.mean_load >= 0.9 || self.device.long_overruns * 10 > self.device.callbacks
    }
}

/// What reading the thread CPU clock twice costs: the device figures include
/// it once per callback, buffered and unbuffered alike.
pub fn clock_read_cost() -> Duration {
    const READS: u32 = 1000;
    let started = proc_threads::thread_cpu();
    for _ in 0..READS {
        std::hint::black_box(proc_threads::thread_cpu());
        std::hint::black_box(proc_threads::thread_cpu());
    }
    (proc_threads::thread_cpu() - started) / READS
}

/// Runs `plan.instances` engines of `make()`'s processors, instance `i` with
/// `config(i)`, paced by one device, and measures them. The engines are
/// dropped (and the pool stopped, when they were its last) before it returns.
pub fn run<P: Processor>(mut make: impl FnMut() -> P, config: impl Fn(usize) -> EngineConfig, plan: &Plan) -> Session {
    // A DAW's audio thread runs with denormals flushed, as the pool's do.
    let _flush_to_zero = FlushToZero::enable();
    let setup = ProcessSetup { sample_rate: RATE, max_block: BLOCK, channels: CHANNELS };
    let mut engines: Vec<Engine<P>> = (0..plan.instances)
        .map(|i| {
            let mut engine = Engine::new(make(), config(i));
            engine.setup(setup).expect("the bench's setup is valid");
            engine.activate().expect("the engine activates");
            engine
        })
        .collect();
    let input: Vec<Vec<f32>> =
        (0..CHANNELS).map(|ch| (0..BLOCK).map(|i| ((i + ch) as f32 * 0.05).sin()).collect()).collect();
    let mut output = vec![vec![0.0_f32; BLOCK]; CHANNELS];
    let warmup = if plan.warmup > 0.0 { blocks_in(plan.warmup) } else { 0 };
    let measured = blocks_in(plan.seconds);
    let period = period();

    let mut pool_before = Vec::new();
    let mut measure_started = Instant::now();
    let mut device_cpu = Duration::ZERO;
    let mut device = DeviceLog::default();
    let mut busy = Duration::ZERO;
    let (mut pool_threads, mut pool_threads_proc) = (0, 0);
    let mut trace = Vec::with_capacity(if plan.trace { warmup + measured } else { 0 });
    let started = Instant::now();
    // The period grid: block `b` is due at `anchor + (b - anchor_block) * period`.
    let (mut anchor, mut anchor_block) = (started, 0);
    for block in 0..warmup + measured {
        if block == warmup {
            pool_before = proc_threads::threads_named(POOL_PREFIX);
            measure_started = Instant::now();
        }
        let due = anchor + period * (block - anchor_block) as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let begun = Instant::now();
        let cpu_before = proc_threads::thread_cpu();
        for engine in &mut engines {
            let ins: [&[f32]; CHANNELS] = [&input[0], &input[1]];
            let [left, right] = &mut output[..] else { unreachable!() };
            let mut outs: [&mut [f32]; CHANNELS] = [left, right];
            engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).expect("the engine processes");
        }
        let cpu = proc_threads::thread_cpu() - cpu_before;
        let ended = Instant::now();
        if block >= warmup {
            device_cpu += cpu;
        }
        let took = ended - begun;
        busy += took;
        device.callbacks += 1;
        device.worst_load = device.worst_load.max(took.as_secs_f64() / period.as_secs_f64());
        if ended > due + period {
            device.overruns += 1;
            device.long_overruns += u64::from(took > period);
            (anchor, anchor_block) = (ended, block + 1);
        }
        if plan.trace {
            let stats = engines[0].stats();
            trace.push((started.elapsed().as_secs_f64(), stats.lead as f64 * 1000.0 / RATE, stats.underruns));
        }
        if block % COUNT_THREADS_EVERY == 0 || block + 1 == warmup + measured {
            pool_threads = pool_threads.max(pool_thread_count());
            pool_threads_proc = pool_threads_proc.max(proc_threads::count_named(POOL_PREFIX));
        }
    }
    let pool = proc_threads::delta(&pool_before, &proc_threads::threads_named(POOL_PREFIX));
    let wall = measure_started.elapsed();
    device.mean_load = busy.as_secs_f64() / started.elapsed().as_secs_f64();
    let spare_starts = pool_spare_starts();
    let stats: Vec<EngineStats> = engines.iter().map(Engine::stats).collect();
    drop(engines);
    Session {
        instances: plan.instances,
        blocks: measured as u64,
        wall,
        device_cpu,
        pool,
        pool_threads,
        pool_threads_proc,
        workers: pool_worker_count(),
        spare_starts,
        device,
        stats,
        trace,
    }
}
