//! Engine telemetry: one store, readable lock-free from any thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU8, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use super::mode::RunMode;
use super::processor::Tail;
use super::timing::Timing;
use crate::cache_padded::CachePadded;
use crate::writeahead::BufferCounters;

/// Every counter of one engine. It outlives activations, so a handle taken
/// once keeps reporting. Each group has one writer at a time and its own cache
/// lines, so counting never makes the audio thread and the worker fight over a
/// line.
pub(crate) struct Telemetry {
    /// Written by the audio thread.
    pub(crate) audio: CachePadded<AudioCounters>,
    /// Written by whoever holds the processor, and by the worker serving it.
    pub(crate) pipeline: CachePadded<PipelineCounters>,
    /// The output ring's own counts: underruns, late frames, overruns. The ring
    /// counts them; nothing else does.
    pub(crate) buffer: Arc<BufferCounters>,
    /// The setup's figures, published for readers on other threads (the
    /// engine's [`Timing`] is their owner).
    timing: PublishedTiming,
}

#[derive(Default)]
pub(crate) struct AudioCounters {
    pub(crate) catch_ups: AtomicU64,
    pub(crate) inline_frames: AtomicU64,
    /// Host time after the last block: frames delivered to `process`.
    pub(crate) host_clock: AtomicU64,
    pub(crate) dropped_events: AtomicU64,
    pub(crate) lost_input_frames: AtomicU64,
    pub(crate) block_nanos_max: AtomicU64,
    /// [`RunMode::code`] of the last block (0: none yet).
    pub(crate) run_mode: AtomicU8,
}

#[derive(Default)]
pub(crate) struct PipelineCounters {
    /// Input frames processed since activation.
    pub(crate) produced: AtomicU64,
    /// The smallest lead a worker found when it came to process new input.
    pub(crate) worst_lead: AtomicI64,
    pub(crate) dsp_panics: AtomicU64,
    /// Non-finite input samples replaced by 0.0 before the processor saw them.
    pub(crate) non_finite_input: AtomicU64,
    /// Times the processor was reset for making non-finite output.
    pub(crate) dsp_resets: AtomicU64,
    pub(crate) longest_stall_nanos: AtomicU64,
    /// The processor's own tail ([`Tail`] as bits), as it last reported it.
    pub(crate) dsp_tail: AtomicU64,
}

#[derive(Default)]
struct PublishedTiming {
    /// The write-ahead latency in milliseconds, and the adaptive ceiling (0:
    /// fixed), as f64 bits.
    latency_ms_bits: AtomicU64,
    ceiling_ms_bits: AtomicU64,
    latency: AtomicU64,
    ahead: AtomicU64,
    capacity: AtomicU64,
    tick_nanos: AtomicU64,
    sample_rate_bits: AtomicU64,
}

impl Telemetry {
    pub(crate) fn new() -> Arc<Self> {
        let pipeline = PipelineCounters { worst_lead: AtomicI64::new(i64::MAX), ..PipelineCounters::default() };
        Arc::new(Self {
            audio: CachePadded(AudioCounters::default()),
            pipeline: CachePadded(pipeline),
            buffer: Arc::default(),
            timing: PublishedTiming::default(),
        })
    }

    /// Publishes a new setup's figures, and the latency policy.
    pub(crate) fn publish_timing(&self, timing: &Timing, latency_ms: f64, ceiling_ms: Option<f64>) {
        let published = &self.timing;
        published.latency_ms_bits.store(latency_ms.to_bits(), Relaxed);
        published.ceiling_ms_bits.store(ceiling_ms.unwrap_or(0.0).to_bits(), Relaxed);
        published.latency.store(timing.latency as u64, Relaxed);
        published.ahead.store(timing.ahead as u64, Relaxed);
        let capacity = if timing.ahead > 0 { timing.ring.capacity() } else { 0 };
        published.capacity.store(capacity as u64, Relaxed);
        published.tick_nanos.store(timing.tick.as_nanos() as u64, Relaxed);
        published.sample_rate_bits.store(timing.setup.sample_rate.to_bits(), Relaxed);
    }

    /// The processor's tail plus the latency (see [`EngineStats::tail`]).
    pub(crate) fn tail(&self) -> Tail {
        let latency = self.timing.latency.load(Relaxed) as usize;
        Tail::from_bits(self.pipeline.dsp_tail.load(Relaxed)).delayed_by(latency)
    }

    /// Publishes the processor's own tail (written by whoever holds it).
    pub(crate) fn publish_tail(&self, tail: Tail) {
        self.pipeline.dsp_tail.store(tail.to_bits(), Relaxed);
    }

    /// How the last block ran (written by the audio thread).
    pub(crate) fn publish_run_mode(&self, mode: RunMode) {
        let code = mode.code();
        if self.audio.run_mode.load(Relaxed) != code {
            self.audio.run_mode.store(code, Relaxed);
        }
    }

    /// The write-ahead delay in frames, as published.
    pub(crate) fn ahead(&self) -> u64 {
        self.timing.ahead.load(Relaxed)
    }

    /// Output frames that exist beyond the host's current time.
    pub(crate) fn lead(&self) -> i64 {
        lead(self.pipeline.produced.load(Relaxed), self.ahead(), self.audio.host_clock.load(Relaxed))
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
pub(crate) fn lead(produced: u64, ahead: u64, host_clock: u64) -> i64 {
    (produced + ahead) as i64 - host_clock as i64
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
    /// Input frames the processor has finished since activation (by a worker
    /// or inline).
    pub produced: u64,
    /// Output writes refused because the ring was full (should stay 0).
    pub overruns: u64,
    /// Times a worker found the host already past the frames it delivered and
    /// dropped them to land back on its clock (after an underrun).
    pub adjustments: u64,
    /// Realtime calls in which the audio thread computed frames itself because
    /// no worker was ahead (asleep, descheduled, or the host calls faster than
    /// real time).
    pub catch_ups: u64,
    /// Frames the audio thread computed itself in realtime mode.
    pub inline_frames: u64,
    /// Output frames that exist beyond the host's current time: how far the
    /// processing is ahead (negative: behind).
    pub lead: i64,
    /// The smallest lead a worker found when it came to new input (the lead is
    /// lowest just then): the worst headroom seen, in frames.
    pub worst_lead: i64,
    /// The worker's lead after the last call, as a fraction of the output
    /// ring's capacity.
    pub fill: f64,
    /// The longest time this engine went unserved (a worker stalled,
    /// descheduled or inside one DSP call), beyond the planned tick.
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
    /// Adaptive latency only: the write-ahead latency the engine asks for
    /// because the stalls it measured came close to the headroom (their
    /// recommended latency is above 80 % of the current one): 1.25 times the
    /// recommendation, rounded up to 5 ms, at most the ceiling; `None` while the
    /// current latency is enough. The engine takes it at its next activation.
    pub wanted_latency_ms: Option<f64>,
    /// The latency reported to the host, in frames.
    pub latency_samples: u64,
    /// The same latency as a duration.
    pub latency: Duration,
    /// How long the plugin's output outlasts its input: the processor's own
    /// tail (as it reported it last) plus the latency, since the last input
    /// frame comes out that much later. A host must keep processing this long
    /// after the input ends to hear everything.
    pub tail: Tail,
    /// How the engine ran its last block; None before the first.
    pub run_mode: Option<RunMode>,
    /// The write-ahead latency in milliseconds (the adaptive one in force), and
    /// its ceiling when adaptive.
    pub latency_ms: f64,
    pub latency_ceiling_ms: Option<f64>,
    /// The setup's sample rate (0 before the first setup).
    pub sample_rate: f64,
}

/// Reads [`EngineStats`] from any thread.
#[derive(Clone)]
pub struct EngineStatsHandle {
    pub(crate) telemetry: Arc<Telemetry>,
}

impl EngineStatsHandle {
    pub fn stats(&self) -> EngineStats {
        self.telemetry.snapshot()
    }

    /// [`EngineStats::tail`] alone.
    pub fn tail(&self) -> Tail {
        self.telemetry.tail()
    }
}

impl Telemetry {
    /// Reads every counter (lock-free, no allocation).
    pub(crate) fn snapshot(&self) -> EngineStats {
        let (a, p, b, t) = (&self.audio, &self.pipeline, &self.buffer, &self.timing);
        let sample_rate = f64::from_bits(t.sample_rate_bits.load(Relaxed));
        let latency_samples = t.latency.load(Relaxed);
        let latency = if sample_rate > 0.0 {
            Duration::from_secs_f64(latency_samples as f64 / sample_rate)
        } else {
            Duration::ZERO
        };
        let longest_stall = Duration::from_nanos(p.longest_stall_nanos.load(Relaxed));
        let needed = longest_stall.as_nanos() as u64 + a.block_nanos_max.load(Relaxed) + t.tick_nanos.load(Relaxed);
        let lead = self.lead();
        let capacity = t.capacity.load(Relaxed);
        let buffer = b.snapshot();
        EngineStats {
            underruns: buffer.underrun_frames,
            produced: p.produced.load(Relaxed),
            overruns: buffer.overruns,
            adjustments: buffer.adjustments,
            catch_ups: a.catch_ups.load(Relaxed),
            inline_frames: a.inline_frames.load(Relaxed),
            lead,
            worst_lead: p.worst_lead.load(Relaxed),
            fill: if capacity > 0 { lead.max(0) as f64 / capacity as f64 } else { 0.0 },
            longest_stall,
            recommended_latency_ms: recommended(needed),
            dsp_panics: p.dsp_panics.load(Relaxed),
            non_finite_input: p.non_finite_input.load(Relaxed),
            dsp_resets: p.dsp_resets.load(Relaxed),
            dropped_events: a.dropped_events.load(Relaxed),
            lost_input_frames: a.lost_input_frames.load(Relaxed),
            wanted_latency_ms: wanted_latency_ms(
                recommended(needed),
                f64::from_bits(t.latency_ms_bits.load(Relaxed)),
                f64::from_bits(t.ceiling_ms_bits.load(Relaxed)),
            ),
            latency_samples,
            latency,
            tail: self.tail(),
            run_mode: RunMode::from_code(a.run_mode.load(Relaxed)),
            latency_ms: f64::from_bits(t.latency_ms_bits.load(Relaxed)),
            latency_ceiling_ms: Some(f64::from_bits(t.ceiling_ms_bits.load(Relaxed))).filter(|ms| *ms > 0.0),
            sample_rate,
        }
    }
}

/// Nanoseconds to whole milliseconds, rounded up.
fn recommended(nanos: u64) -> u64 {
    nanos.div_ceil(1_000_000)
}

/// The adaptive latency rule (see [`EngineStats::wanted_latency_ms`]); a
/// `ceiling_ms` of 0 means fixed latency.
fn wanted_latency_ms(recommended_ms: u64, current_ms: f64, ceiling_ms: f64) -> Option<f64> {
    let recommended_ms = recommended_ms as f64;
    if ceiling_ms <= 0.0 || recommended_ms <= 0.8 * current_ms {
        return None;
    }
    let wanted = ((recommended_ms * 1.25 / 5.0).ceil() * 5.0).min(ceiling_ms);
    (wanted > current_ms).then_some(wanted)
}

#[cfg(test)]
mod tests {
    use super::wanted_latency_ms;

    #[test]
    fn adaptive_latency_rises_when_stalls_near_the_headroom_and_never_past_the_ceiling() {
        assert_eq!(wanted_latency_ms(40, 50.0, 0.0), None, "fixed latency");
        assert_eq!(wanted_latency_ms(40, 50.0, 200.0), None, "40 ms of 50 is not above 80 %");
        assert_eq!(wanted_latency_ms(41, 50.0, 200.0), Some(55.0), "41 x 1.25 = 51.25, up to 55");
        assert_eq!(wanted_latency_ms(90, 50.0, 100.0), Some(100.0), "at most the ceiling");
        assert_eq!(wanted_latency_ms(90, 100.0, 100.0), None, "already at the ceiling");
    }
}
