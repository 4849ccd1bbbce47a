//! Chunks: a ring's slots lent out for use in place, as in rtrb's chunk API.
//!
//! A [`WriteChunk`] lends the producer the slots of the next clocks — per
//! channel at most two runs, the second where the ring wraps — to fill, or to
//! run a processor over in place; [`WriteChunk::commit`] publishes them. A
//! [`ReadChunk`] lends the consumer published frames the same way, and
//! [`ReadChunk::commit`] frees them. Nothing is copied on the way: this is how
//! the engine's worker runs the DSP directly in the output ring's slots.
//!
//! The protocol is the one of [`Producer::write`] and [`Consumer::read`]: a
//! chunk's slots belong to its side until the commit publishes the new
//! position (Release), and the other side loads positions with Acquire.
//!
//! ```
//! let (mut producer, mut consumer) = runtime::ring::new(2, 8).unwrap();
//! let mut chunk = producer.write_chunk(3).unwrap();
//! for channel in 0..2 {
//!     let (first, second) = chunk.channel_mut(channel);
//!     first.fill(channel as f32);
//!     second.fill(channel as f32);
//! }
//! chunk.commit();
//! let chunk = consumer.read_chunk(3).unwrap();
//! assert_eq!(chunk.channel(1).0, &[1.0; 3]);
//! chunk.commit();
//! ```

use super::{Consumer, Ordering, Producer};

/// Why a chunk could not be lent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkError {
    /// `frames` were asked for; only `available` can be lent now.
    TooLarge { frames: usize, available: usize },
}

impl std::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { frames, available } => write!(f, "{frames} frames asked for, {available} available"),
        }
    }
}

impl std::error::Error for ChunkError {}

impl Producer {
    /// Frames the next chunk may hold: the free slots, plus those of frames the
    /// consumer has already passed (a commit drops them as late), at most the
    /// capacity. Reloads the consumer's position.
    pub fn writable_len(&mut self) -> usize {
        self.refresh();
        self.writable_cached()
    }

    /// `read + capacity - write` (the write position never passes it), at most
    /// the capacity (a chunk's slots must not wrap onto themselves).
    fn writable_cached(&self) -> usize {
        ((self.cached_read + self.shared.capacity as u64 - self.write) as usize).min(self.shared.capacity)
    }

    /// `read + capacity - write`: how far the write clock may move.
    fn room_cached(&self) -> usize {
        (self.cached_read + self.shared.capacity as u64 - self.write) as usize
    }

    /// Lends the slots of the next `frames` clocks, to be written in place and
    /// published by [`WriteChunk::commit`]. Dropping the chunk publishes nothing.
    pub fn write_chunk(&mut self, frames: usize) -> Result<WriteChunk<'_>, ChunkError> {
        let available = if self.writable_cached() >= frames { self.writable_cached() } else { self.writable_len() };
        if frames > available {
            return Err(ChunkError::TooLarge { frames, available });
        }
        Ok(WriteChunk { producer: self, frames })
    }

    /// Moves the write clock forward to `clock` without writing. The frames in
    /// between hold whatever their slots held, so the consumer must know to
    /// skip them (a restart of the stream does this). They are not counted as
    /// late. Fails, moving nothing, if `clock` is beyond the ring's room.
    pub fn skip_to(&mut self, clock: u64) -> Result<(), ChunkError> {
        let frames = clock.saturating_sub(self.write) as usize;
        if frames > self.room_cached() {
            self.refresh();
            if frames > self.room_cached() {
                return Err(ChunkError::TooLarge { frames, available: self.room_cached() });
            }
        }
        self.write += frames as u64;
        self.shared.write.store(self.write, Ordering::Release);
        Ok(())
    }
}

/// Slots of the next clocks, lent to the producer (see the module docs).
pub struct WriteChunk<'a> {
    producer: &'a mut Producer,
    frames: usize,
}

impl WriteChunk<'_> {
    /// Frames in the chunk.
    pub fn len(&self) -> usize {
        self.frames
    }

    pub fn is_empty(&self) -> bool {
        self.frames == 0
    }

    /// The clock of the chunk's first frame.
    pub fn clock(&self) -> u64 {
        self.producer.write
    }

    fn start(&self) -> usize {
        (self.producer.write & self.producer.shared.mask()) as usize
    }

    /// Frames in the first run, up to the ring's end; the rest, if any, are in
    /// the second run, from the ring's start.
    pub fn first_len(&self) -> usize {
        self.frames.min(self.producer.shared.capacity - self.start())
    }

    /// One channel's slots: the first run and the second (empty unless the
    /// chunk wraps).
    pub fn channel_mut(&mut self, channel: usize) -> (&mut [f32], &mut [f32]) {
        assert!(channel < self.producer.shared.channels, "channel {channel} out of range");
        let (start, first) = (self.start(), self.first_len());
        let storage = &self.producer.shared.storage;
        // SAFETY: the producer owns the slots of clocks [write, write + frames):
        // `frames` was checked against `read + capacity - write` for a read
        // position the consumer published, so the consumer reads none of them
        // until the commit publishes them. The two runs are disjoint and within
        // capacity, and `&mut self` keeps any other slice of this chunk from
        // existing meanwhile.
        unsafe { (storage.slots_mut(channel, start, first), storage.slots_mut(channel, 0, self.frames - first)) }
    }

    /// Every channel's slots of one run (`0`: up to the ring's end, `1`: after
    /// the wrap), in channel order, to process all channels in place at once.
    pub fn run_mut(&mut self, run: usize) -> impl Iterator<Item = &mut [f32]> + '_ {
        let (start, first) = (self.start(), self.first_len());
        let (offset, len) = if run == 0 { (start, first) } else { (0, self.frames - first) };
        let storage = &self.producer.shared.storage;
        // SAFETY: as in `channel_mut`; each channel's run is a distinct range of
        // the storage, so the slices handed out together never overlap.
        (0..self.producer.shared.channels).map(move |channel| unsafe { storage.slots_mut(channel, offset, len) })
    }

    /// Publishes the chunk's frames. Frames for clocks the consumer has already
    /// passed are dropped (it played silence for them); returns how many.
    pub fn commit(self) -> usize {
        let producer = self.producer;
        let late = (producer.lag() as usize).min(self.frames);
        producer.late += late as u64;
        producer.write += self.frames as u64;
        producer.shared.write.store(producer.write, Ordering::Release);
        late
    }
}

impl Consumer {
    /// Lends the next `frames` published frames, to be read in place and freed
    /// by [`ReadChunk::commit`]. Dropping the chunk frees nothing.
    pub fn read_chunk(&mut self, frames: usize) -> Result<ReadChunk<'_>, ChunkError> {
        let available = if self.available_cached() >= frames { self.available_cached() } else { self.available() };
        if frames > available {
            return Err(ChunkError::TooLarge { frames, available });
        }
        Ok(ReadChunk { consumer: self, frames })
    }

    /// Moves the read clock `frames` forward without reading, written or not:
    /// like [`Consumer::read_or_silence`] without the copy. Frames not written
    /// yet are never delivered (the producer drops them). Returns how many were
    /// not written.
    pub fn skip(&mut self, frames: usize) -> usize {
        if self.available_cached() < frames {
            self.cached_write = self.shared.write.load(Ordering::Acquire);
        }
        let missing = frames - frames.min(self.available_cached());
        self.read += frames as u64;
        self.publish_read(missing > 0);
        missing
    }
}

/// Published frames, lent to the consumer (see the module docs).
pub struct ReadChunk<'a> {
    consumer: &'a mut Consumer,
    frames: usize,
}

impl ReadChunk<'_> {
    /// Frames in the chunk.
    pub fn len(&self) -> usize {
        self.frames
    }

    pub fn is_empty(&self) -> bool {
        self.frames == 0
    }

    /// The clock of the chunk's first frame.
    pub fn clock(&self) -> u64 {
        self.consumer.read
    }

    /// One channel's frames: the run up to the ring's end and the run after the
    /// wrap (empty unless the chunk wraps).
    pub fn channel(&self, channel: usize) -> (&[f32], &[f32]) {
        let shared = &self.consumer.shared;
        assert!(channel < shared.channels, "channel {channel} out of range");
        let start = (self.consumer.read & shared.mask()) as usize;
        let first = self.frames.min(shared.capacity - start);
        // SAFETY: clocks [read, read + frames) are below the write position the
        // producer published (loaded with Acquire), so their samples are complete
        // and the producer writes none of these slots until a read position past
        // them is published, which only the commit does; both runs are in bounds.
        unsafe { (shared.storage.slots(channel, start, first), shared.storage.slots(channel, 0, self.frames - first)) }
    }

    /// Frees the chunk's frames.
    pub fn commit(self) {
        self.consumer.read += self.frames as u64;
        self.consumer.publish_read(false);
    }
}
