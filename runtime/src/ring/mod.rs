//! Lock-free single-producer/single-consumer planar sample ring.
//!
//! Positions are `u64` sample clocks that never wrap (at 192 kHz they last three
//! million years), so "has this sample been written?" is one integer comparison.
//! Capacity is a power of two and a clock maps to its slot with a mask. All
//! channels of a stream share one pair of positions, so channels can never drift
//! apart. Bulk reads and writes copy at most two contiguous segments per channel
//! with [`crate::simd::copy`].
//!
//! Each position sits on its own cache line. The producer publishes its position
//! with `Release` after writing samples and the consumer loads it with `Acquire`
//! before reading them (and the reverse for freeing slots). Each side caches the
//! other's position and reloads it only when the cached value says the ring looks
//! full (producer) or empty (consumer), so a steady stream costs one shared-line
//! load per wrap rather than one per call.
//!
//! Sample aging: [`Consumer::read_or_silence`] may move the read clock past the
//! write clock, answering silence for the frames not written yet. The producer then
//! drops the frames it later offers for clocks the consumer has already passed
//! ([`Producer::late_frames`] counts them), so a late sample is never played late,
//! repeated or reordered, and every later sample keeps its clock.
//!
//! Each side is `Send` but not `Sync`: it belongs to one thread at a time.
//!
//! ```compile_fail
//! fn shared_between_threads<T: Sync>() {}
//! shared_between_threads::<runtime::ring::Producer>();
//! ```
//!
//! ```compile_fail
//! fn shared_between_threads<T: Sync>() {}
//! shared_between_threads::<runtime::ring::Consumer>();
//! ```

#[cfg(not(loom))]
mod chunk;
mod storage;
mod sync;

#[cfg(not(loom))]
pub use chunk::{ChunkError, ReadChunk, WriteChunk};

use std::marker::PhantomData;

use storage::PlanarStorage;
use sync::{Arc, AtomicU64, CachePadded, Ordering};

/// Why a ring could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingError {
    /// A ring needs at least one channel.
    NoChannels,
    /// The requested capacity times the channel count does not fit in memory.
    CapacityTooLarge { channels: usize, min_capacity: usize },
    /// More pre-filled silence was asked for than the ring holds.
    SilenceExceedsCapacity { silence: usize, capacity: usize },
}

impl std::fmt::Display for RingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoChannels => write!(f, "a ring needs at least one channel"),
            Self::CapacityTooLarge { channels, min_capacity } => {
                write!(f, "{channels} channels of {min_capacity} samples do not fit in memory")
            }
            Self::SilenceExceedsCapacity { silence, capacity } => {
                write!(f, "{silence} frames of silence do not fit in a ring of {capacity} frames")
            }
        }
    }
}

impl std::error::Error for RingError {}

/// The channel slices handed to a bulk operation do not match the ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeError {
    /// One slice per channel is required.
    ChannelCount { expected: usize, got: usize },
    /// All channel slices of one operation must have the same length.
    UnequalLengths,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ChannelCount { expected, got } => write!(f, "expected {expected} channel slices, got {got}"),
            Self::UnequalLengths => write!(f, "channel slices of one operation differ in length"),
        }
    }
}

impl std::error::Error for ShapeError {}

/// Frames in a set of channel slices, if they fit a ring of `channels` channels.
pub(crate) fn frames_in(channels: usize, mut lens: impl ExactSizeIterator<Item = usize>) -> Result<usize, ShapeError> {
    if lens.len() != channels {
        return Err(ShapeError::ChannelCount { expected: channels, got: lens.len() });
    }
    let frames = lens.next().unwrap_or(0);
    if lens.any(|len| len != frames) {
        return Err(ShapeError::UnequalLengths);
    }
    Ok(frames)
}

struct Shared {
    /// Next clock the producer will write; everything below it (and at or above
    /// the read clock) is readable.
    write: CachePadded<AtomicU64>,
    /// Next clock the consumer will read; slots below it are free.
    read: CachePadded<AtomicU64>,
    storage: PlanarStorage,
    channels: usize,
    capacity: usize,
}

impl Shared {
    fn mask(&self) -> u64 {
        self.capacity as u64 - 1
    }
}

/// Creates an empty ring of `channels` channels holding at least `min_capacity`
/// frames (rounded up to a power of two), with both clocks at 0.
pub fn new(channels: usize, min_capacity: usize) -> Result<(Producer, Consumer), RingError> {
    with_clock(channels, min_capacity, 0, 0)
}

/// Creates a ring whose read clock starts at `start` and whose write clock starts
/// `silence` frames later: the consumer first reads `silence` frames of zeros.
/// This is how a fixed delay is laid down before the first real sample.
pub fn with_clock(
    channels: usize,
    min_capacity: usize,
    start: u64,
    silence: usize,
) -> Result<(Producer, Consumer), RingError> {
    if channels == 0 {
        return Err(RingError::NoChannels);
    }
    let too_large = RingError::CapacityTooLarge { channels, min_capacity };
    let capacity = min_capacity.max(1).checked_next_power_of_two().ok_or(too_large)?;
    let total = capacity.checked_mul(channels).ok_or(too_large)?;
    if total.checked_mul(size_of::<f32>()).is_none_or(|bytes| bytes > isize::MAX as usize) {
        return Err(too_large);
    }
    if silence > capacity {
        return Err(RingError::SilenceExceedsCapacity { silence, capacity });
    }
    let write = start + silence as u64;
    let shared = Arc::new(Shared {
        write: CachePadded(AtomicU64::new(write)),
        read: CachePadded(AtomicU64::new(start)),
        storage: PlanarStorage::new(channels, capacity),
        channels,
        capacity,
    });
    let producer = Producer { shared: Arc::clone(&shared), write, cached_read: start, late: 0, _not_sync: PhantomData };
    let consumer = Consumer {
        shared,
        read: start,
        published_read: start,
        release_every: 1,
        cached_write: write,
        _not_sync: PhantomData,
    };
    Ok((producer, consumer))
}

/// `Send` but not `Sync`: each side belongs to one thread at a time.
type NotSync = PhantomData<std::cell::Cell<()>>;

/// The writing side of a ring.
pub struct Producer {
    shared: Arc<Shared>,
    write: u64,
    cached_read: u64,
    late: u64,
    _not_sync: NotSync,
}

impl Producer {
    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.shared.channels
    }

    /// Capacity in frames (a power of two).
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// The clock the next written frame gets.
    pub fn clock(&self) -> u64 {
        self.write
    }

    /// Frames dropped so far because the consumer had already passed their clock.
    pub fn late_frames(&self) -> u64 {
        self.late
    }

    /// Reloads the consumer's position. Writes do this on their own when the ring
    /// looks full; call it to learn of a consumer that has moved past the writer.
    pub fn refresh(&mut self) {
        self.cached_read = self.shared.read.load(Ordering::Acquire);
    }

    /// How far the consumer's read clock (as last seen) is ahead of the write
    /// clock: the number of frames the next write will drop as late.
    pub fn lag(&self) -> u64 {
        self.cached_read.saturating_sub(self.write)
    }

    /// How far the write clock is ahead of the consumer's read clock (as last
    /// seen): the frames written and not yet read.
    pub fn lead(&self) -> u64 {
        self.write.saturating_sub(self.cached_read)
    }

    /// Frames that can be written now without dropping any (reloads the consumer's
    /// position).
    pub fn free_len(&mut self) -> usize {
        self.refresh();
        self.free_cached()
    }

    /// Free frames according to the cached read position, after any late frames.
    fn free_cached(&self) -> usize {
        let from = self.write.max(self.cached_read);
        (self.cached_read + self.shared.capacity as u64 - from) as usize
    }

    /// A handle that reads both positions from any thread.
    pub fn observer(&self) -> Observer {
        Observer { shared: Arc::clone(&self.shared) }
    }

    /// Writes as many frames of `input` (one slice per channel, all the same
    /// length) as fit, at consecutive clocks. Frames for clocks the consumer has
    /// already passed are dropped and counted in [`Self::late_frames`]. Returns the
    /// number of frames taken from `input` (written or dropped as late).
    pub fn write(&mut self, input: &[&[f32]]) -> Result<usize, ShapeError> {
        let frames = frames_in(self.shared.channels, input.iter().map(|c| c.len()))?;
        if frames == 0 {
            return Ok(0);
        }
        if self.free_cached() + self.lag() as usize >= frames {
            // Room by the cached position: no reload needed.
        } else {
            self.refresh();
        }
        let late = (self.lag() as usize).min(frames);
        self.write += late as u64;
        self.late += late as u64;
        let count = (frames - late).min(self.free_cached());
        if count > 0 {
            let start = (self.write & self.shared.mask()) as usize;
            let first = count.min(self.shared.capacity - start);
            for (ch, channel) in input.iter().enumerate() {
                let samples = &channel[late..late + count];
                // SAFETY: we are the only producer; slots for clocks
                // [write, write + count) are free because count <= free_cached,
                // i.e. write + count <= read + capacity for a read position the
                // consumer has published (it only grows), so the consumer is not
                // reading them; `first` and `count - first` keep both segments in
                // bounds.
                unsafe {
                    self.shared.storage.write(ch, start, &samples[..first]);
                    if first < count {
                        self.shared.storage.write(ch, 0, &samples[first..]);
                    }
                }
            }
            self.write += count as u64;
        }
        self.shared.write.store(self.write, Ordering::Release);
        Ok(late + count)
    }
}

/// The reading side of a ring.
pub struct Consumer {
    shared: Arc<Shared>,
    read: u64,
    /// The read clock as last published to the producer.
    published_read: u64,
    /// Publish the read clock once it has moved this many frames (1: always).
    release_every: u64,
    cached_write: u64,
    _not_sync: NotSync,
}

impl Consumer {
    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.shared.channels
    }

    /// Capacity in frames (a power of two).
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// The clock of the next frame to read.
    pub fn clock(&self) -> u64 {
        self.read
    }

    /// Publishes the read clock only after it has moved `frames` frames since
    /// it was last published, instead of after every read (`frames` of 0 or 1
    /// means every read). Publishing writes a cache line the producer reads,
    /// which costs a cross-core transfer; a ring much larger than its usual fill
    /// can afford to tell the producer about freed slots late. Reads that come
    /// back with silence always publish, so a late producer learns it at once.
    ///
    /// The producer sees up to `frames - 1` fewer free slots than there are, so
    /// use this only where the consumer keeps reading and the ring has that
    /// much slack above its fill; otherwise a producer waiting for space can
    /// wait for a consumer that has nothing left to read.
    pub fn release_every(&mut self, frames: usize) {
        self.release_every = frames.max(1) as u64;
    }

    /// Publishes the read clock if it is due, or right away if `now`.
    fn publish_read(&mut self, now: bool) {
        if now || self.read - self.published_read >= self.release_every {
            self.shared.read.store(self.read, Ordering::Release);
            self.published_read = self.read;
        }
    }

    /// The clock below which frames are readable, reloading the producer's
    /// position only if the cached one is below `wanted`.
    pub fn written_until(&mut self, wanted: u64) -> u64 {
        if self.cached_write < wanted {
            self.cached_write = self.shared.write.load(Ordering::Acquire);
        }
        self.cached_write
    }

    /// Frames readable now (reloads the producer's position).
    pub fn available(&mut self) -> usize {
        self.cached_write = self.shared.write.load(Ordering::Acquire);
        self.available_cached()
    }

    fn available_cached(&self) -> usize {
        self.cached_write.saturating_sub(self.read) as usize
    }

    /// A handle that reads both positions from any thread.
    pub fn observer(&self) -> Observer {
        Observer { shared: Arc::clone(&self.shared) }
    }

    /// Reads up to `output`'s length of frames (one slice per channel, all the same
    /// length) into the front of the slices. Returns the number of frames read; the
    /// rest of `output` is left untouched.
    pub fn read(&mut self, output: &mut [&mut [f32]]) -> Result<usize, ShapeError> {
        let frames = frames_in(self.shared.channels, output.iter().map(|c| c.len()))?;
        Ok(self.copy_out(output, frames))
    }

    /// Reads the next `output`-length frames by clock: frames already written are
    /// copied, frames not written yet become silence (0.0), and the read clock
    /// advances by the full length either way. Returns how many frames were
    /// missing (silenced). Missing frames are never delivered later: the producer
    /// drops them when it gets to them.
    pub fn read_or_silence(&mut self, output: &mut [&mut [f32]]) -> Result<usize, ShapeError> {
        let frames = frames_in(self.shared.channels, output.iter().map(|c| c.len()))?;
        let copied = self.copy_out(output, frames);
        for channel in output.iter_mut() {
            crate::simd::fill(&mut channel[copied..frames], 0.0);
        }
        let missing = frames - copied;
        self.read += missing as u64;
        self.publish_read(missing > 0);
        Ok(missing)
    }

    /// Copies up to `frames` readable frames into the front of `output` and frees
    /// their slots. Returns the number copied.
    fn copy_out(&mut self, output: &mut [&mut [f32]], frames: usize) -> usize {
        if frames == 0 {
            return 0;
        }
        if self.available_cached() < frames {
            self.cached_write = self.shared.write.load(Ordering::Acquire);
        }
        let count = frames.min(self.available_cached());
        if count == 0 {
            return 0;
        }
        let start = (self.read & self.shared.mask()) as usize;
        let first = count.min(self.shared.capacity - start);
        for (ch, channel) in output.iter_mut().enumerate() {
            let (head, tail) = channel[..count].split_at_mut(first);
            // SAFETY: we are the only consumer; clocks [read, read + count) are below
            // the write position the producer published with Release (loaded with
            // Acquire), so their samples are complete and the producer will not
            // touch these slots until we publish a read position past them; the
            // two segments stay within capacity.
            unsafe {
                self.shared.storage.read(ch, start, head);
                if !tail.is_empty() {
                    self.shared.storage.read(ch, 0, tail);
                }
            }
        }
        self.read += count as u64;
        self.publish_read(false);
        count
    }
}

/// Reads a ring's positions from any thread, for telemetry. Never blocks.
#[derive(Clone)]
pub struct Observer {
    shared: Arc<Shared>,
}

impl Observer {
    /// `(read clock, write clock)` as last published. The write clock may be below
    /// the read clock while the producer is late.
    pub fn clocks(&self) -> (u64, u64) {
        let read = self.shared.read.load(Ordering::Acquire);
        let write = self.shared.write.load(Ordering::Acquire);
        (read, write)
    }

    /// Capacity in frames.
    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }
}
