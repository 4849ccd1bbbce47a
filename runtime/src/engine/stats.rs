//! Engine telemetry, readable lock-free from any thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::cache_padded::CachePadded;

/// Counters shared by the audio thread, the worker and observers. They outlive
/// activations, so a handle taken once keeps reporting. Each group has one
/// writer at a time and its own cache lines, so counting never makes the audio
/// thread and the worker fight over a line.
pub(crate) struct EngineCounters {
    /// Written by the audio thread.
    pub(crate) audio: CachePadded<AudioCounters>,
    /// Written by whoever holds the pipeline, and by the worker loop.
    pub(crate) pipeline: CachePadded<PipelineCounters>,
    /// Written by `setup`.
    pub(crate) setup: SetupValues,
}

#[derive(Default)]
pub(crate) struct AudioCounters {
    pub(crate) underruns: AtomicU64,
    pub(crate) catch_ups: AtomicU64,
    pub(crate) inline_frames: AtomicU64,
    /// Host time after the last block: frames delivered to `process`.
    pub(crate) host_clock: AtomicU64,
    pub(crate) dropped_events: AtomicU64,
    pub(crate) lost_input_frames: AtomicU64,
    pub(crate) block_nanos_max: AtomicU64,
}

#[derive(Default)]
pub(crate) struct PipelineCounters {
    /// Input frames processed since activation.
    pub(crate) produced: AtomicU64,
    /// The smallest lead the worker found when it woke to process new input.
    pub(crate) worst_lead: AtomicI64,
    pub(crate) overruns: AtomicU64,
    pub(crate) adjustments: AtomicU64,
    pub(crate) dsp_panics: AtomicU64,
    /// Non-finite input samples replaced by 0.0 before the processor saw them.
    pub(crate) non_finite_input: AtomicU64,
    /// Times the processor was reset for making non-finite output.
    pub(crate) dsp_resets: AtomicU64,
    pub(crate) longest_stall_nanos: AtomicU64,
}

#[derive(Default)]
pub(crate) struct SetupValues {
    pub(crate) latency_samples: AtomicU64,
    pub(crate) ring_latency: AtomicU64,
    pub(crate) capacity: AtomicU64,
    pub(crate) tick_nanos: AtomicU64,
    pub(crate) sample_rate_bits: AtomicU64,
}

impl EngineCounters {
    pub(crate) fn new() -> Arc<Self> {
        let pipeline = PipelineCounters { worst_lead: AtomicI64::new(i64::MAX), ..PipelineCounters::default() };
        Arc::new(Self {
            audio: CachePadded(AudioCounters::default()),
            pipeline: CachePadded(pipeline),
            setup: SetupValues::default(),
        })
    }
}

/// Raises a single-writer maximum without a read-modify-write instruction.
pub(crate) fn raise(counter: &AtomicU64, value: u64) {
    if value > counter.load(Relaxed) {
        counter.store(value, Relaxed);
    }
}

/// Output frames that exist beyond host time `host_clock`: how far the worker
/// is ahead (negative: behind).
pub(crate) fn lead(produced: u64, ring_latency: u64, host_clock: u64) -> i64 {
    (produced + ring_latency) as i64 - host_clock as i64
}

/// Lowers a single-writer minimum without a read-modify-write instruction.
pub(crate) fn lower(counter: &AtomicI64, value: i64) {
    if value < counter.load(Relaxed) {
        counter.store(value, Relaxed);
    }
}

/// Adds to a single-writer count without a read-modify-write instruction.
pub(crate) fn add(counter: &AtomicU64, value: u64) {
    counter.store(counter.load(Relaxed) + value, Relaxed);
}

/// A snapshot of the engine's health.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineStats {
    /// Frames that came due before they were produced and were played as silence.
    pub underruns: u64,
    /// Input frames the processor has finished since activation (by the worker
    /// or inline).
    pub produced: u64,
    /// Output writes refused because the ring was full (should stay 0).
    pub overruns: u64,
    /// Times the worker found the host already past the frames it delivered and
    /// dropped them to land back on its clock (after an underrun).
    pub adjustments: u64,
    /// Realtime calls in which the audio thread computed frames itself because
    /// the worker was not ahead (asleep, descheduled, or the host calls faster
    /// than real time).
    pub catch_ups: u64,
    /// Frames the audio thread computed itself in realtime mode.
    pub inline_frames: u64,
    /// Output frames that exist beyond the host's current time: how far the
    /// processing is ahead (negative: behind).
    pub lead: i64,
    /// The smallest lead the worker found when it woke to new input (its lead
    /// is lowest just then): the worst headroom seen, in frames.
    pub worst_lead: i64,
    /// Output ring fill after the last call, as a fraction of its capacity.
    pub fill: f64,
    /// The longest time the worker was unresponsive (stalled, descheduled or
    /// inside one DSP call), beyond its planned sleep.
    pub longest_stall: Duration,
    /// The smallest `latency_ms` that would have hidden `longest_stall` with the
    /// largest block seen: stall + block + worker tick, rounded up to 1 ms.
    pub recommended_latency_ms: u64,
    /// Panics caught from the processor (its output is replaced by the dry
    /// signal until reset).
    pub dsp_panics: u64,
    /// Input samples that were NaN or ±infinity, replaced by 0.0 before the
    /// processor (and the bypass path) saw them.
    pub non_finite_input: u64,
    /// Times the processor made NaN or ±infinity itself: those samples were
    /// replaced by 0.0, and the processor was reset and given every parameter's
    /// last value again.
    pub dsp_resets: u64,
    /// Events dropped because the event queue was full.
    pub dropped_events: u64,
    /// Input frames replaced by silence because the worker was stuck for longer
    /// than the input queue holds (at least a second).
    pub lost_input_frames: u64,
    /// The latency reported to the host, in frames.
    pub latency_samples: u64,
    /// The same latency as a duration.
    pub latency: Duration,
}

/// Reads [`EngineStats`] from any thread.
#[derive(Clone)]
pub struct EngineStatsHandle {
    pub(crate) counters: Arc<EngineCounters>,
}

impl EngineStatsHandle {
    pub fn stats(&self) -> EngineStats {
        self.counters.snapshot()
    }
}

impl EngineCounters {
    /// Reads every counter (lock-free, no allocation).
    pub(crate) fn snapshot(&self) -> EngineStats {
        let (a, p, s) = (&self.audio, &self.pipeline, &self.setup);
        let sample_rate = f64::from_bits(s.sample_rate_bits.load(Relaxed));
        let latency_samples = s.latency_samples.load(Relaxed);
        let latency = if sample_rate > 0.0 {
            Duration::from_secs_f64(latency_samples as f64 / sample_rate)
        } else {
            Duration::ZERO
        };
        let longest_stall = Duration::from_nanos(p.longest_stall_nanos.load(Relaxed));
        let needed = longest_stall.as_nanos() as u64 + a.block_nanos_max.load(Relaxed) + s.tick_nanos.load(Relaxed);
        let lead = lead(p.produced.load(Relaxed), s.ring_latency.load(Relaxed), a.host_clock.load(Relaxed));
        let capacity = s.capacity.load(Relaxed);
        EngineStats {
            underruns: a.underruns.load(Relaxed),
            produced: p.produced.load(Relaxed),
            overruns: p.overruns.load(Relaxed),
            adjustments: p.adjustments.load(Relaxed),
            catch_ups: a.catch_ups.load(Relaxed),
            inline_frames: a.inline_frames.load(Relaxed),
            lead,
            worst_lead: p.worst_lead.load(Relaxed),
            fill: if capacity > 0 { lead.max(0) as f64 / capacity as f64 } else { 0.0 },
            longest_stall,
            recommended_latency_ms: needed.div_ceil(1_000_000),
            dsp_panics: p.dsp_panics.load(Relaxed),
            non_finite_input: p.non_finite_input.load(Relaxed),
            dsp_resets: p.dsp_resets.load(Relaxed),
            dropped_events: a.dropped_events.load(Relaxed),
            lost_input_frames: a.lost_input_frames.load(Relaxed),
            latency_samples,
            latency,
        }
    }
}
