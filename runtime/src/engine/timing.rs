//! The engine's frame arithmetic, computed once per setup and passed to
//! everything that needs it: the one owner of the latency in frames, the ring
//! capacities, the worker's tick and the chunk size.

use std::time::Duration;

use super::config::{EngineConfig, EngineError};
use super::processor::ProcessSetup;
use crate::limits;
use crate::writeahead::{ConfigError, WriteAheadConfig};

/// Most frames processed at once before the processor may change hands (the
/// worker yields to the audio thread between chunks).
const CHUNK: usize = 256;

/// Everything derived from one setup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Timing {
    pub(crate) setup: ProcessSetup,
    /// The output ring's shape (buffering only): its latency is the write-ahead
    /// delay, its capacity the output ring's.
    pub(crate) ring: WriteAheadConfig,
    /// The write-ahead delay in frames: 0 without buffering.
    pub(crate) ahead: usize,
    /// The processor's own latency in frames, as it reported after `prepare`.
    pub(crate) dsp_latency: usize,
    /// The part of `dsp_latency` taken from the write-ahead delay (see
    /// [`super::Processor::take_latency_budget`]): `ahead` is that much shorter.
    pub(crate) budget_taken: usize,
    /// The latency the host is told: `ahead + dsp_latency`.
    pub(crate) latency: usize,
    /// Frames the input queue holds: a second beyond what normal operation
    /// needs, so a worker stuck that long loses no input.
    pub(crate) input_capacity: usize,
    /// Most frames processed before the processor may change hands.
    pub(crate) chunk: usize,
    /// How often a worker looks for new input.
    pub(crate) tick: Duration,
}

impl Timing {
    /// Checks the setup against the configuration and the limits, and derives
    /// every figure from it. The processor must already be prepared for it.
    pub(crate) fn new(setup: ProcessSetup, config: &EngineConfig, dsp_latency: usize) -> Result<Self, EngineError> {
        if !(1..=limits::MAX_CHANNELS).contains(&setup.channels) {
            return Err(EngineError::Channels(setup.channels));
        }
        let latency_ms = if config.buffering { config.latency_ms } else { 0.0 };
        if config.buffering && (latency_ms.is_nan() || latency_ms < limits::MIN_LATENCY_MS) {
            return Err(EngineError::Config(ConfigError::LatencyMs(latency_ms)));
        }
        let ring =
            WriteAheadConfig::new(setup.sample_rate, setup.channels, setup.max_block).with_latency_ms(latency_ms);
        ring.validate().map_err(EngineError::Config)?;
        let ahead = ring.latency_samples();
        let tick = config.worker_tick.unwrap_or_else(|| {
            Duration::from_secs_f64(ahead as f64 / setup.sample_rate / 10.0)
                .clamp(Duration::from_micros(500), Duration::from_millis(5))
        });
        Ok(Self {
            setup,
            ring,
            ahead,
            dsp_latency,
            budget_taken: 0,
            latency: ahead + dsp_latency,
            input_capacity: 2 * (ahead + setup.max_block) + setup.sample_rate.ceil() as usize,
            chunk: CHUNK.min(setup.max_block),
            tick,
        })
    }

    /// What a processor may take from the write-ahead delay for its own
    /// block processing: the delay less the host's largest block and the
    /// worker's tick (0 unbuffered, or when they already fill it).
    pub(crate) fn latency_budget(&self) -> usize {
        let tick = (self.tick.as_secs_f64() * self.setup.sample_rate).ceil() as usize;
        (self.ahead + self.budget_taken).saturating_sub(self.setup.max_block + tick)
    }

    /// The same timing with `frames` of the processor's latency taken from
    /// the write-ahead delay (no more than its latency and the budget): the
    /// ring's delay shrinks by as much and the latency the host is told stays
    /// what the configuration asks for.
    pub(crate) fn taking(self, frames: usize) -> Self {
        let taken = frames.min(self.dsp_latency).min(self.latency_budget());
        let full = self.ahead + self.budget_taken;
        let ahead = full - taken;
        // The ring counts its delay in milliseconds; this one rounds back to
        // exactly `ahead` frames.
        let ring = self.ring.with_latency_ms(ahead as f64 * 1000.0 / self.setup.sample_rate);
        debug_assert_eq!(ring.latency_samples(), ahead);
        Self { ring, ahead, budget_taken: taken, latency: ahead + self.dsp_latency, ..self }
    }

    /// Frames as a duration at this setup's rate.
    pub(crate) fn duration(&self, frames: usize) -> Duration {
        Duration::from_secs_f64(frames as f64 / self.setup.sample_rate)
    }
}
