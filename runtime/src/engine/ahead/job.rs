//! What the audio thread and the worker pool share for one write-ahead engine:
//! the pipeline in a cell that either side takes without waiting, the flags
//! they signal each other with, and how a pool thread serves it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::pipeline::Pipeline;
use crate::cache_padded::CachePadded;
use crate::engine::pool::{Job, Pace, Round, Served};
use crate::engine::processor::Processor;
use crate::engine::stall::StallPlace;
use crate::engine::telemetry::{self, Telemetry};
use crate::engine::timing::Timing;
use crate::exclusive::Exclusive;

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
    /// The write-ahead delay, the tick and the sample rate, for judging leads.
    ahead: i64,
    tick_frames: i64,
    sample_rate: f64,
    activated: Instant,
    telemetry: Arc<Telemetry>,
}

/// Served this long, an engine's stalls so far are taken as the stalls to come
/// (see [`Pace::Comfortable`]).
const WARM_UP: Duration = Duration::from_secs(2);

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

    pub(crate) fn new(pipeline: Pipeline<P>, timing: &Timing, telemetry: Arc<Telemetry>) -> Self {
        Self {
            pipeline: Exclusive::new(Some(pipeline)),
            audio: CachePadded(AudioSignals::default()),
            chunk_started: CachePadded(AtomicU64::new(0)),
            epoch: Instant::now(),
            failed: AtomicBool::new(false),
            tick: timing.tick,
            ahead: timing.ahead as i64,
            tick_frames: (timing.tick.as_secs_f64() * timing.setup.sample_rate).ceil() as i64,
            sample_rate: timing.setup.sample_rate,
            activated: Instant::now(),
            telemetry,
        }
    }

    /// How the lead found at this service stands against the headroom: the
    /// write-ahead delay less the largest host block.
    fn pace(&self, lead_at_wake: i64) -> Pace {
        let frames = |nanos: u64| (nanos as f64 * self.sample_rate / 1e9).ceil() as i64;
        let counters = &self.telemetry;
        let headroom = self.ahead - frames(counters.audio.block_nanos_max.load(Ordering::Relaxed));
        let stall = frames(counters.pipeline.longest_stall_nanos.load(Ordering::Relaxed));
        if lead_at_wake < headroom - 2 * self.tick_frames {
            Pace::Behind
        } else if self.activated.elapsed() >= WARM_UP && stall + 3 * self.tick_frames <= headroom {
            Pace::Comfortable
        } else {
            Pace::OnTime
        }
    }
}

impl<P: Processor> Job for AheadJob<P> {
    fn tick(&self) -> Duration {
        self.tick
    }

    fn serve(&self, round: &Round<'_>) -> Served {
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
        round.slot.enter();
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
        round.slot.leave();
        drop(cell);
        match result {
            Ok(0) => Served::Nothing,
            Ok(_) => {
                let counters = &self.telemetry.pipeline;
                telemetry::lower(&counters.worst_lead, lead_at_wake);
                // Unserved for longer than planned, or held inside one service:
                // either eats into the lead.
                let planned = self.tick.max(round.interval);
                let late = gap.map_or(Duration::ZERO, |gap| gap.saturating_sub(planned));
                let unresponsive = late.max(started.elapsed());
                telemetry::raise(&counters.longest_stall_nanos, unresponsive.as_nanos() as u64);
                Served::Worked(self.pace(lead_at_wake))
            }
            Err(_) => {
                self.failed.store(true, Ordering::Relaxed);
                eprintln!("runtime: a worker failed serving an engine; its audio thread computes inline from now on");
                Served::Nothing
            }
        }
    }
}
