//! What the audio thread and the worker pool share for one write-ahead engine:
//! the pipeline in a cell that either side takes without waiting, the flags
//! they signal each other with, and how a pool thread serves it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::pipeline::Pipeline;
use crate::cache_padded::CachePadded;
use crate::engine::exclusive::Exclusive;
use crate::engine::pool::{Job, Served, ThreadSlot};
use crate::engine::processor::Processor;
use crate::engine::stall::StallPlace;
use crate::engine::telemetry::{self, Telemetry};

/// A restart of the stream, raised by the audio thread and followed by
/// whoever holds the pipeline next: the input clock it happens at, and how
/// many events were queued before it (those are dropped).
#[derive(Default)]
pub(crate) struct RestartSignal {
    at: AtomicU64,
    events_before: AtomicU64,
}

impl RestartSignal {
    /// Raises a restart at input clock `at` (audio thread). Must come before
    /// anything past `at` is queued.
    pub(crate) fn raise(&self, at: u64, events_before: u64) {
        self.events_before.store(events_before, Ordering::Relaxed);
        self.at.store(at, Ordering::Release);
    }

    /// The latest restart: its clock and the events queued before it.
    pub(crate) fn load(&self) -> (u64, u64) {
        let at = self.at.load(Ordering::Acquire);
        (at, self.events_before.load(Ordering::Relaxed))
    }

    /// The latest restart's clock.
    pub(crate) fn clock(&self) -> u64 {
        self.at.load(Ordering::Acquire)
    }
}

/// One engine's share of the pool's work.
pub(crate) struct AheadJob<P> {
    /// `None` once the engine has taken its pipeline back (deactivation).
    pub(crate) pipeline: Exclusive<Option<Pipeline<P>>>,
    /// Written by the audio thread.
    pub(crate) audio: CachePadded<AudioSignals>,
    /// When the worker holding the pipeline began its current chunk, in
    /// nanoseconds since `epoch` plus one (0: no worker holds it). Tells a
    /// worker finishing a chunk from one stuck inside the processor.
    chunk_started: CachePadded<AtomicU64>,
    epoch: Instant,
    /// The pipeline's own code panicked on a worker: the audio thread does the
    /// work from then on.
    failed: AtomicBool,
    tick: Duration,
    telemetry: Arc<Telemetry>,
}

/// What the audio thread tells the workers.
#[derive(Default)]
pub(crate) struct AudioSignals {
    /// The audio thread wants the pipeline: workers leave it alone, and the
    /// one holding it gives it back after the current chunk.
    pub(crate) yield_request: AtomicBool,
    pub(crate) restart: RestartSignal,
    /// The engine is taking its pipeline back.
    pub(crate) retired: AtomicBool,
}

impl<P> AheadJob<P> {
    fn now_nanos(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64 + 1
    }

    /// How long ago the worker holding the pipeline began its current chunk,
    /// if a worker holds it.
    pub(crate) fn worker_chunk_age(&self) -> Option<u64> {
        let started = self.chunk_started.load(Ordering::Acquire);
        (started != 0).then(|| self.now_nanos().saturating_sub(started))
    }

    pub(crate) fn new(pipeline: Pipeline<P>, tick: Duration, telemetry: Arc<Telemetry>) -> Self {
        Self {
            pipeline: Exclusive::new(Some(pipeline)),
            audio: CachePadded(AudioSignals::default()),
            chunk_started: CachePadded(AtomicU64::new(0)),
            epoch: Instant::now(),
            failed: AtomicBool::new(false),
            tick,
            telemetry,
        }
    }
}

impl<P: Processor> Job for AheadJob<P> {
    fn tick(&self) -> Duration {
        self.tick
    }

    fn serve(&self, slot: &ThreadSlot) -> Served {
        let signals = &self.audio;
        if signals.yield_request.load(Ordering::Acquire)
            || signals.retired.load(Ordering::Acquire)
            || self.failed.load(Ordering::Relaxed)
        {
            return Served::Nothing;
        }
        let Some(mut cell) = self.pipeline.try_lock() else { return Served::Nothing };
        let Some(pipeline) = cell.as_mut() else { return Served::Nothing };
        if let Some(pause) = pipeline.staller.due(StallPlace::WorkerLoop) {
            // Paused without the pipeline, like a descheduled thread.
            drop(cell);
            std::thread::sleep(pause);
            return Served::Nothing;
        }
        let started = Instant::now();
        self.chunk_started.store(self.now_nanos(), Ordering::Release);
        slot.enter();
        if let Some(pause) = pipeline.staller.due(StallPlace::InsideDsp) {
            // Paused holding the pipeline, like a garbage collector in the DSP.
            std::thread::sleep(pause);
        }
        // The lead is lowest right now, before this service: that is the
        // headroom left, recorded if there is new input to process.
        let lead_at_wake = self.telemetry.lead();
        let gap = pipeline.last_serve.replace(started).map(|last| started - last);
        let until = pipeline.queued_until();
        let result = catch_unwind(AssertUnwindSafe(|| {
            pipeline.process_until(until, &signals.restart, || {
                self.chunk_started.store(self.now_nanos(), Ordering::Release);
                !signals.yield_request.load(Ordering::Relaxed)
            })
        }));
        self.chunk_started.store(0, Ordering::Release);
        slot.leave();
        drop(cell);
        match result {
            Ok(0) => Served::Nothing,
            Ok(_) => {
                let counters = &self.telemetry.pipeline;
                telemetry::lower(&counters.worst_lead, lead_at_wake);
                // Unserved for longer than a tick, or held inside one service:
                // either eats into the lead.
                let late = gap.map_or(Duration::ZERO, |gap| gap.saturating_sub(self.tick));
                let unresponsive = late.max(started.elapsed());
                telemetry::raise(&counters.longest_stall_nanos, unresponsive.as_nanos() as u64);
                Served::Worked
            }
            Err(_) => {
                self.failed.store(true, Ordering::Relaxed);
                eprintln!("runtime: a worker failed serving an engine; its audio thread computes inline from now on");
                Served::Nothing
            }
        }
    }
}
