//! The write-ahead buffer: a planar sample ring whose reader runs exactly
//! `latency_samples` (L) behind its writer, in sample-clock terms.
//!
//! The writer produces the sample for input clock `i` at ring clock `i + L`; the
//! reader asks for ring clock `t` and so receives what was written for `t - L`.
//! The ring starts with L frames of silence between the two clocks, and because
//! positions are clocks the delay is structural: it cannot drift, whatever the
//! block sizes on either side.
//!
//! What can go wrong, and what happens then:
//! - **Underrun (sample aging).** The reader needs a clock the writer has not
//!   reached. That frame is silence and counted as an underrun; the reader's clock
//!   moves on regardless. When the writer gets there, `maintain_delay` drops the
//!   frames whose time has passed (counted as late frames, one adjustment per
//!   write that had to drop any), so the next frames land on their own clocks:
//!   never a stale, repeated or reordered sample.
//! - **Overrun.** The writer would overwrite frames the reader has not read. The
//!   whole write is refused and counted; nothing in the ring changes.
//!
//! Counters live in atomics behind an `Arc`: [`StatsHandle`] reads them, and both
//! ring positions, from any thread without a lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

pub use crate::limits::{DEFAULT_LATENCY_MS, MAX_CHANNELS, MAX_LATENCY_MS};
use crate::ring::{self, ChunkError, Consumer, Observer, Producer, ReadChunk, RingError, ShapeError, WriteChunk};

/// `round(latency_ms * sample_rate / 1000)`: the delay in frames.
pub fn latency_samples(latency_ms: f64, sample_rate: f64) -> usize {
    (latency_ms * sample_rate / 1000.0).round() as usize
}

/// What a write-ahead buffer is built from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteAheadConfig {
    /// Frames per second.
    pub sample_rate: f64,
    /// Planar channels, 1 to [`MAX_CHANNELS`].
    pub channels: usize,
    /// The delay between writer and reader, in milliseconds (0 to [`MAX_LATENCY_MS`]).
    pub latency_ms: f64,
    /// The largest block the host may send in one call.
    pub max_block: usize,
}

/// A [`WriteAheadConfig`] value out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigError {
    /// Not a finite rate above zero.
    SampleRate(f64),
    /// Zero or more than [`MAX_CHANNELS`] channels.
    Channels(usize),
    /// Not a finite value in 0..=[`MAX_LATENCY_MS`].
    LatencyMs(f64),
    /// A maximum block of zero frames.
    MaxBlock,
    /// The ring for this configuration could not be made.
    Ring(RingError),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SampleRate(rate) => write!(f, "sample rate {rate} is not a finite rate above 0"),
            Self::Channels(n) => write!(f, "{n} channels is outside 1..={MAX_CHANNELS}"),
            Self::LatencyMs(ms) => write!(f, "latency {ms} ms is outside 0..={MAX_LATENCY_MS} ms"),
            Self::MaxBlock => write!(f, "the maximum block must be at least one frame"),
            Self::Ring(err) => write!(f, "ring: {err}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl WriteAheadConfig {
    /// A configuration with the default latency of [`DEFAULT_LATENCY_MS`].
    pub fn new(sample_rate: f64, channels: usize, max_block: usize) -> Self {
        Self { sample_rate, channels, latency_ms: DEFAULT_LATENCY_MS, max_block }
    }

    /// The same configuration with another latency.
    pub fn with_latency_ms(self, latency_ms: f64) -> Self {
        Self { latency_ms, ..self }
    }

    /// The delay in frames: `round(latency_ms * sample_rate / 1000)`.
    pub fn latency_samples(&self) -> usize {
        latency_samples(self.latency_ms, self.sample_rate)
    }

    /// Ring capacity: the next power of two of `max(4 L, L + max_block)`, so a
    /// host block larger than the latency (8192 frames is common) still fits.
    pub fn capacity(&self) -> usize {
        let latency = self.latency_samples();
        (4 * latency).max(latency + self.max_block).next_power_of_two()
    }

    /// Checks every value's range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.sample_rate.is_finite() && self.sample_rate > 0.0) {
            return Err(ConfigError::SampleRate(self.sample_rate));
        }
        if !(1..=MAX_CHANNELS).contains(&self.channels) {
            return Err(ConfigError::Channels(self.channels));
        }
        if !(self.latency_ms.is_finite() && (0.0..=MAX_LATENCY_MS).contains(&self.latency_ms)) {
            return Err(ConfigError::LatencyMs(self.latency_ms));
        }
        if self.max_block == 0 {
            return Err(ConfigError::MaxBlock);
        }
        Ok(())
    }
}

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// The slices do not match the buffer's channels.
    Shape(ShapeError),
    /// Writing `frames` frames would overwrite unread ones: only `free` frames are
    /// free. Nothing was written; the overrun is counted.
    Overrun { frames: usize, free: usize },
}

impl From<ShapeError> for WriteError {
    fn from(err: ShapeError) -> Self {
        Self::Shape(err)
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Shape(err) => err.fmt(f),
            Self::Overrun { frames, free } => write!(f, "overrun: {frames} frames offered, {free} free"),
        }
    }
}

impl std::error::Error for WriteError {}

/// What a buffer counts. An engine keeps one set across activations and hands
/// it to each buffer it makes, so these are its only underrun and late-frame
/// counts.
#[derive(Default)]
pub(crate) struct BufferCounters {
    underrun_frames: AtomicU64,
    underrun_events: AtomicU64,
    overruns: AtomicU64,
    adjustments: AtomicU64,
    late_frames: AtomicU64,
    peak_lead: AtomicU64,
}

impl BufferCounters {
    /// The counts as they stand.
    pub(crate) fn snapshot(&self) -> BufferCounts {
        BufferCounts {
            underrun_frames: self.underrun_frames.load(Relaxed),
            overruns: self.overruns.load(Relaxed),
            adjustments: self.adjustments.load(Relaxed),
        }
    }
}

/// What an engine reports of its buffer's counts.
pub(crate) struct BufferCounts {
    pub(crate) underrun_frames: u64,
    pub(crate) overruns: u64,
    pub(crate) adjustments: u64,
}

/// A snapshot of a write-ahead buffer's health.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BufferStats {
    /// Ring capacity in frames.
    pub capacity: usize,
    /// The delay between writer and reader in frames (L). It never drifts.
    pub latency_samples: usize,
    /// The same delay as a duration.
    pub latency: Duration,
    /// Frames written ahead of the reader right now (0 while the writer is late).
    pub lead: u64,
    /// `lead / capacity`.
    pub fill: f64,
    /// The largest lead seen, as a fraction of capacity: how much of the ring the
    /// writer has ever needed.
    pub utilisation: f64,
    /// Frames read as silence because they were not written in time.
    pub underruns: u64,
    /// Reads that came back with at least one such frame.
    pub underrun_events: u64,
    /// Writes refused because they would have overwritten unread frames.
    pub overruns: u64,
    /// Writes that had to drop late frames to put the writer back on its clock.
    pub adjustments: u64,
    /// Frames dropped because the reader had already passed their clock.
    pub late_frames: u64,
}

/// Reads a buffer's [`BufferStats`] from any thread, lock-free.
#[derive(Clone)]
pub struct StatsHandle {
    counters: Arc<BufferCounters>,
    observer: Observer,
    latency_samples: usize,
    sample_rate: f64,
}

impl StatsHandle {
    /// The current statistics.
    pub fn stats(&self) -> BufferStats {
        let (read, write) = self.observer.clocks();
        let capacity = self.observer.capacity();
        let lead = write.saturating_sub(read);
        let c = &self.counters;
        BufferStats {
            capacity,
            latency_samples: self.latency_samples,
            latency: Duration::from_secs_f64(self.latency_samples as f64 / self.sample_rate),
            lead,
            fill: lead as f64 / capacity as f64,
            utilisation: c.peak_lead.load(Relaxed) as f64 / capacity as f64,
            underruns: c.underrun_frames.load(Relaxed),
            underrun_events: c.underrun_events.load(Relaxed),
            overruns: c.overruns.load(Relaxed),
            adjustments: c.adjustments.load(Relaxed),
            late_frames: c.late_frames.load(Relaxed),
        }
    }
}

/// Both halves of a write-ahead buffer, for single-threaded use, or
/// [`Self::split`] into a writer and a reader for two threads.
pub struct WriteAheadBuffer {
    writer: WriteAheadWriter,
    reader: WriteAheadReader,
}

impl WriteAheadBuffer {
    /// Allocates the ring and lays down L frames of silence between the clocks.
    pub fn new(config: WriteAheadConfig) -> Result<Self, ConfigError> {
        Self::with_counters(config, Arc::default())
    }

    /// A buffer that counts into `counters` (which may outlive it).
    pub(crate) fn with_counters(config: WriteAheadConfig, counters: Arc<BufferCounters>) -> Result<Self, ConfigError> {
        config.validate()?;
        let latency = config.latency_samples();
        let (producer, consumer) =
            ring::with_clock(config.channels, config.capacity(), 0, latency).map_err(ConfigError::Ring)?;
        let stats = StatsHandle {
            counters,
            observer: producer.observer(),
            latency_samples: latency,
            sample_rate: config.sample_rate,
        };
        Ok(Self {
            writer: WriteAheadWriter { producer, stats: stats.clone() },
            reader: WriteAheadReader { consumer, stats },
        })
    }

    /// See [`WriteAheadWriter::write`].
    pub fn write(&mut self, input: &[&[f32]]) -> Result<(), WriteError> {
        self.writer.write(input)
    }

    /// See [`WriteAheadReader::read`].
    pub fn read(&mut self, output: &mut [&mut [f32]]) -> Result<usize, ShapeError> {
        self.reader.read(output)
    }

    /// The current statistics.
    pub fn stats(&self) -> BufferStats {
        self.reader.stats.stats()
    }

    /// A handle for reading statistics from another thread.
    pub fn stats_handle(&self) -> StatsHandle {
        self.reader.stats.clone()
    }

    /// The delay in frames.
    pub fn latency_samples(&self) -> usize {
        self.reader.stats.latency_samples
    }

    /// Splits into the writing half (e.g. a worker thread) and the reading half
    /// (the audio thread).
    pub fn split(self) -> (WriteAheadWriter, WriteAheadReader) {
        (self.writer, self.reader)
    }
}

/// The producing half: writes processed frames in input-clock order.
pub struct WriteAheadWriter {
    producer: Producer,
    stats: StatsHandle,
}

impl WriteAheadWriter {
    /// The input clock of the next frame to write (its ring clock minus L).
    pub fn input_clock(&self) -> u64 {
        self.producer.clock() - self.stats.latency_samples as u64
    }

    /// Frames that can be written now without an overrun.
    pub fn free_len(&mut self) -> usize {
        self.producer.free_len()
    }

    /// Frames the next write may carry without an overrun: the free frames plus
    /// any the reader has already passed (which the write drops).
    pub fn writable_len(&mut self) -> usize {
        let free = self.producer.free_len();
        free + self.producer.lag() as usize
    }

    /// Writes the frames for the next input clocks (one slice per channel, equal
    /// lengths). All or nothing: if they do not fit, nothing is written and the
    /// overrun is counted. Frames whose time the reader has already passed are
    /// dropped (see the module docs).
    pub fn write(&mut self, input: &[&[f32]]) -> Result<(), WriteError> {
        let frames = ring::frames_in(self.producer.channels(), input.iter().map(|c| c.len()))?;
        let (late, free) = self.maintain_delay(frames);
        if frames - late > free {
            self.stats.counters.overruns.fetch_add(1, Relaxed);
            return Err(WriteError::Overrun { frames: frames - late, free });
        }
        let taken = self.producer.write(input)?;
        debug_assert_eq!(taken, frames);
        if late > 0 {
            let counters = &self.stats.counters;
            counters.adjustments.fetch_add(1, Relaxed);
            counters.late_frames.fetch_add(late as u64, Relaxed);
        }
        self.stats.counters.peak_lead.fetch_max(self.producer.lead(), Relaxed);
        Ok(())
    }

    /// Lends the slots of the next `frames` input clocks, to fill or process in
    /// place (see [`WriteChunk`]); at most [`Self::writable_len`] frames. Pass
    /// the commit's result to [`Self::count_late`].
    pub fn write_chunk(&mut self, frames: usize) -> Result<WriteChunk<'_>, ChunkError> {
        self.producer.write_chunk(frames)
    }

    /// Counts the late frames a chunk's commit dropped (see the module docs).
    pub fn count_late(&mut self, late: usize) {
        let counters = &self.stats.counters;
        if late > 0 {
            counters.adjustments.fetch_add(1, Relaxed);
            counters.late_frames.fetch_add(late as u64, Relaxed);
        }
        let lead = self.producer.lead();
        if lead > counters.peak_lead.load(Relaxed) {
            counters.peak_lead.store(lead, Relaxed);
        }
    }

    /// Moves on to input clock `clock` without writing the frames before it:
    /// the reader must skip them (a restart: see
    /// [`WriteAheadReader::discard`]). Fails if the ring has no room for it.
    pub fn skip_to_input_clock(&mut self, clock: u64) -> Result<(), ChunkError> {
        self.producer.skip_to(clock + self.stats.latency_samples as u64)
    }

    /// Keeps every frame on its clock: learns where the reader is, and returns how
    /// many of the next `frames` frames are already too late to play (the ring
    /// drops exactly those) and how many frames are free after them.
    fn maintain_delay(&mut self, frames: usize) -> (usize, usize) {
        let free = self.producer.free_len();
        let late = (self.producer.lag() as usize).min(frames);
        (late, free)
    }

    /// The current statistics.
    pub fn stats(&self) -> BufferStats {
        self.stats.stats()
    }
}

/// The consuming half: reads the frames due at each output clock.
pub struct WriteAheadReader {
    consumer: Consumer,
    stats: StatsHandle,
}

impl WriteAheadReader {
    /// The ring clock of the next frame to read; it holds input clock `clock - L`.
    pub fn clock(&self) -> u64 {
        self.consumer.clock()
    }

    /// The ring clock up to which the writer has published frames (frames for
    /// input clocks below `produced_clock - L` exist or have been dropped), as
    /// far as the reader knows: its cached view, refreshed from the writer only
    /// when it is below `wanted`. Checking readiness this way costs no shared
    /// cache line while the writer is ahead.
    pub fn produced_clock(&mut self, wanted: u64) -> u64 {
        self.consumer.written_until(wanted)
    }

    /// See [`Consumer::release_every`]: tell the writer about freed frames only
    /// every `frames` frames (underruns are always told at once).
    pub fn release_every(&mut self, frames: usize) {
        self.consumer.release_every(frames);
    }

    /// Skips the next `frames` frames unread (a restart dropping stale audio):
    /// missing ones are not underruns.
    pub fn discard(&mut self, frames: usize) {
        self.consumer.skip(frames);
    }

    /// Lends the next `frames` frames that are ready, to read in place (see
    /// [`ReadChunk`]); at most [`Self::ready_len`] frames.
    pub fn read_chunk(&mut self, frames: usize) -> Result<ReadChunk<'_>, ChunkError> {
        self.consumer.read_chunk(frames)
    }

    /// Frames ready to read now (reloads the writer's position).
    pub fn ready_len(&mut self) -> usize {
        self.consumer.available()
    }

    /// Skips `frames` frames that came due before they were written: the host
    /// plays silence for them, counted as underruns.
    pub fn skip_missing(&mut self, frames: usize) {
        let missing = self.consumer.skip(frames);
        if missing > 0 {
            let counters = &self.stats.counters;
            counters.underrun_frames.fetch_add(missing as u64, Relaxed);
            counters.underrun_events.fetch_add(1, Relaxed);
        }
    }

    /// Fills `output` (one slice per channel, equal lengths) with the frames due
    /// for the next clocks. Frames not written in time are silence; returns how
    /// many (also counted as underruns).
    pub fn read(&mut self, output: &mut [&mut [f32]]) -> Result<usize, ShapeError> {
        let missing = self.consumer.read_or_silence(output)?;
        if missing > 0 {
            let counters = &self.stats.counters;
            counters.underrun_frames.fetch_add(missing as u64, Relaxed);
            counters.underrun_events.fetch_add(1, Relaxed);
        }
        Ok(missing)
    }

    /// The current statistics.
    pub fn stats(&self) -> BufferStats {
        self.stats.stats()
    }
}
