//! The buffers a convolution keeps between blocks: planar scratch, the input
//! history its partitions transform, and the output accumulator their blocks
//! add into ahead of time. All sized once; nothing here allocates after `new`.

/// `channels` planar channels of `frames` frames each, in one allocation.
#[derive(Debug, Clone)]
pub struct Planar {
    data: Vec<f32>,
    frames: usize,
}

impl Planar {
    pub fn new(channels: usize, frames: usize) -> Self {
        Self { data: vec![0.0; channels * frames], frames }
    }

    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.frames
    }

    pub fn channels(&self) -> usize {
        self.data.len().checked_div(self.frames).unwrap_or(0)
    }

    pub fn channel(&self, channel: usize) -> &[f32] {
        &self.data[channel * self.frames..(channel + 1) * self.frames]
    }

    pub fn channel_mut(&mut self, channel: usize) -> &mut [f32] {
        &mut self.data[channel * self.frames..(channel + 1) * self.frames]
    }

    pub fn fill(&mut self, value: f32) {
        self.data.fill(value);
    }
}

/// The last `keep` input frames of every channel, and room to append, in one
/// linear buffer per channel so any recent window is one contiguous slice.
/// When the room runs out, the last `keep` frames move to the front (one copy
/// per frame on average).
#[derive(Debug, Clone)]
pub(crate) struct History {
    data: Vec<f32>,
    capacity: usize,
    keep: usize,
    /// Where the next frame goes; `data[.. pos]` of each channel is the past.
    pos: usize,
}

impl History {
    /// Keeps `keep` frames; appends take at most `chunk` frames at once.
    pub(crate) fn new(channels: usize, keep: usize, chunk: usize) -> Self {
        let capacity = keep + keep.max(chunk);
        Self { data: vec![0.0; channels * capacity], capacity, keep, pos: keep }
    }

    /// Appends `frames` frames of `input` from frame `at`, and returns where
    /// the first of them is: the frames before it are the past (silence before
    /// the first frame ever appended).
    pub(crate) fn append(&mut self, input: &Planar, at: usize, frames: usize) -> usize {
        debug_assert!(frames <= self.capacity - self.keep);
        if self.pos + frames > self.capacity {
            let (keep, pos) = (self.keep, self.pos);
            for channel in self.data.chunks_exact_mut(self.capacity) {
                channel.copy_within(pos - keep..pos, 0);
            }
            self.pos = keep;
        }
        let start = self.pos;
        for (c, channel) in self.data.chunks_exact_mut(self.capacity).enumerate() {
            channel[start..start + frames].copy_from_slice(&input.channel(c)[at..at + frames]);
        }
        self.pos += frames;
        start
    }

    /// Channel `channel`'s buffer: the frames before [`Self::end`] are the input so far.
    pub(crate) fn channel(&self, channel: usize) -> &[f32] {
        &self.data[channel * self.capacity..(channel + 1) * self.capacity]
    }

    /// Where the next frame will go.
    pub(crate) fn end(&self) -> usize {
        self.pos
    }

    pub(crate) fn clear(&mut self) {
        self.data.fill(0.0);
        self.pos = self.keep;
    }
}

/// Output frames computed ahead, per output channel: a ring indexed by the
/// output clock, a power of two long. Stages add a block's output at the
/// frames it is for; each frame is taken (and cleared) when it is due.
#[derive(Debug, Clone)]
pub(crate) struct Accumulator {
    data: Vec<f32>,
    len: usize,
}

impl Accumulator {
    /// Room for frames up to `reach` ahead of the one due.
    pub(crate) fn new(channels: usize, reach: usize) -> Self {
        let len = (reach + 1).next_power_of_two();
        Self { data: vec![0.0; channels * len], len }
    }

    fn ring(&mut self, channel: usize) -> &mut [f32] {
        &mut self.data[channel * self.len..(channel + 1) * self.len]
    }

    /// Adds `block` at clock `at` onwards.
    pub(crate) fn add(&mut self, channel: usize, at: u64, block: &[f32]) {
        let len = self.len;
        let start = (at % len as u64) as usize;
        let first = block.len().min(len - start);
        let ring = self.ring(channel);
        crate::simd::add(&mut ring[start..start + first], &block[..first]);
        crate::simd::add(&mut ring[..block.len() - first], &block[first..]);
    }

    /// Moves the frames from clock `at` into `out` (its length) and clears them.
    pub(crate) fn take(&mut self, channel: usize, at: u64, out: &mut [f32]) {
        let len = self.len;
        let start = (at % len as u64) as usize;
        let first = out.len().min(len - start);
        let rest = out.len() - first;
        let ring = self.ring(channel);
        out[..first].copy_from_slice(&ring[start..start + first]);
        ring[start..start + first].fill(0.0);
        out[first..].copy_from_slice(&ring[..rest]);
        ring[..rest].fill(0.0);
    }

    pub(crate) fn clear(&mut self) {
        self.data.fill(0.0);
    }
}
