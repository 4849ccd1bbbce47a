//! The worker thread: wakes every tick, processes whatever input has arrived,
//! and hands the processor over between chunks whenever the audio thread asks.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::denormals::FlushToZero;
use super::exclusive::Exclusive;
use super::pipeline::Pipeline;
use super::processor::Processor;
use super::stall::{StallPlace, StallPlan, Staller};
use super::stats::EngineCounters;

/// What the audio thread and the worker share.
pub(crate) struct Shared<P> {
    pub(crate) pipeline: Exclusive<Pipeline<P>>,
    /// Set by the audio thread while it wants the pipeline; the worker does not
    /// take it, and gives it back after the current chunk.
    pub(crate) yield_request: AtomicBool,
    /// When the worker took the pipeline, in nanoseconds since `epoch` (plus one,
    /// so 0 means "not holding").
    pub(crate) worker_holding_since: AtomicU64,
    pub(crate) running: AtomicBool,
    pub(crate) epoch: Instant,
    pub(crate) counters: Arc<EngineCounters>,
}

impl<P> Shared<P> {
    pub(crate) fn new(pipeline: Pipeline<P>, counters: Arc<EngineCounters>) -> Self {
        Self {
            pipeline: Exclusive::new(pipeline),
            yield_request: AtomicBool::new(false),
            worker_holding_since: AtomicU64::new(0),
            running: AtomicBool::new(true),
            epoch: Instant::now(),
            counters,
        }
    }

    pub(crate) fn now_nanos(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64 + 1
    }
}

/// Starts the worker thread.
pub(crate) fn spawn<P: Processor>(
    shared: Arc<Shared<P>>,
    tick: Duration,
    stall: Option<StallPlan>,
) -> std::io::Result<JoinHandle<()>> {
    // Named within the 15 bytes Linux keeps, so /proc and debuggers show it whole.
    std::thread::Builder::new().name("writeahead-dsp".into()).spawn(move || run(&shared, tick, stall))
}

fn run<P: Processor>(shared: &Shared<P>, tick: Duration, stall: Option<StallPlan>) {
    let _flush_to_zero = FlushToZero::enable();
    let mut staller = Staller::new(stall);
    let mut awake_since = Instant::now();
    while shared.running.load(Ordering::Acquire) {
        staller.maybe_stall(StallPlace::WorkerLoop);
        if !shared.yield_request.load(Ordering::Acquire)
            && let Some(mut pipeline) = shared.pipeline.try_lock()
        {
            shared.worker_holding_since.store(shared.now_nanos(), Ordering::Release);
            staller.maybe_stall(StallPlace::InsideDsp);
            // The lead is lowest right now, before this wake's processing: that
            // is the headroom left, recorded if there is new input to process.
            let counters = &shared.counters;
            let lead_at_wake = super::stats::lead(
                counters.pipeline.produced.load(Ordering::Relaxed),
                counters.setup.ring_latency.load(Ordering::Relaxed),
                counters.audio.host_clock.load(Ordering::Relaxed),
            );
            // The processor's own panics are contained inside `Dsp`; this catches
            // anything else so the worker never takes the plugin down.
            let result = catch_unwind(AssertUnwindSafe(|| {
                // Restamped at every chunk: "holding since" measures the current DSP
                // call, which is what tells a busy worker from a stuck one.
                pipeline.process_until(u64::MAX, || {
                    shared.worker_holding_since.store(shared.now_nanos(), Ordering::Release);
                    !shared.yield_request.load(Ordering::Relaxed)
                })
            }));
            if let Ok(processed) = result
                && processed > 0
            {
                super::stats::lower(&counters.pipeline.worst_lead, lead_at_wake);
            }
            shared.worker_holding_since.store(0, Ordering::Release);
            drop(pipeline);
            if result.is_err() {
                eprintln!("runtime: the worker failed; the audio thread computes inline from now on");
                return;
            }
        }
        let going_to_sleep = Instant::now();
        std::thread::sleep(tick);
        let overslept = going_to_sleep.elapsed().saturating_sub(tick);
        let unresponsive = (going_to_sleep - awake_since) + overslept;
        super::stats::raise(&shared.counters.pipeline.longest_stall_nanos, unresponsive.as_nanos() as u64);
        awake_since = Instant::now();
    }
}
