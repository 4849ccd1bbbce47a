//! How audio reaches the engine: [`AudioBuffers`], one host block of planar
//! channels that the engine reads input from and writes output to, in pieces
//! of its own choosing. Format glue implements it over the host's buffers (32-
//! or 64-bit, separate or in place); [`SliceBuffers`] implements it over Rust
//! slices for [`super::Engine::process`].

use crate::limits::MAX_CHANNELS;
use crate::ring::{self, ShapeError};

/// One host block, as the engine sees it. The engine reads the input of a
/// range of frames before it writes the output of the same range, and never
/// writes output ahead of the input it has read, so a host may pass the same
/// memory as input and output (in-place processing).
pub trait AudioBuffers {
    /// Frames in the block; every channel holds this many.
    fn frames(&self) -> usize;

    /// Whether the block carries input. Without input (an instrument) the
    /// processor gets silence.
    fn has_input(&self) -> bool;

    /// Copies input channel `channel`, frames `start..start + dst.len()`, into
    /// `dst`. Only called when [`Self::has_input`].
    fn read_input(&mut self, channel: usize, start: usize, dst: &mut [f32]);

    /// Copies `src` into output channel `channel`, frames `start..start + src.len()`.
    fn write_output(&mut self, channel: usize, start: usize, src: &[f32]);

    /// For processing directly in the host's output: copies the input of frames
    /// `start..start + len` into the output (silence without input) and lends
    /// those output frames as f32. `None` when the output is not f32: the
    /// engine then goes through [`Self::read_input`] and [`Self::write_output`].
    fn lend_output_with_input(&mut self, start: usize, len: usize) -> Option<ChannelsMut<'_>> {
        let _ = (start, len);
        None
    }
}

/// [`AudioBuffers`] over slices: one input slice per channel (or none, for an
/// instrument) and one output slice per channel, all the same length.
pub struct SliceBuffers<'i, 'o, 'a, 'b> {
    input: &'i [&'a [f32]],
    output: &'o mut [&'b mut [f32]],
    frames: usize,
}

impl<'i, 'o, 'a, 'b> SliceBuffers<'i, 'o, 'a, 'b> {
    /// Checks that there are `channels` output slices of one length, and
    /// either no input or `channels` input slices of that length.
    pub fn new(channels: usize, input: &'i [&'a [f32]], output: &'o mut [&'b mut [f32]]) -> Result<Self, ShapeError> {
        let frames = ring::frames_in(channels, output.iter().map(|c| c.len()))?;
        if !input.is_empty() && ring::frames_in(channels, input.iter().map(|c| c.len()))? != frames {
            return Err(ShapeError::UnequalLengths);
        }
        Ok(Self { input, output, frames })
    }
}

impl AudioBuffers for SliceBuffers<'_, '_, '_, '_> {
    fn frames(&self) -> usize {
        self.frames
    }

    fn has_input(&self) -> bool {
        !self.input.is_empty()
    }

    fn read_input(&mut self, channel: usize, start: usize, dst: &mut [f32]) {
        crate::simd::copy(dst, &self.input[channel][start..start + dst.len()]);
    }

    fn write_output(&mut self, channel: usize, start: usize, src: &[f32]) {
        crate::simd::copy(&mut self.output[channel][start..start + src.len()], src);
    }

    fn lend_output_with_input(&mut self, start: usize, len: usize) -> Option<ChannelsMut<'_>> {
        for (ch, out) in self.output.iter_mut().enumerate() {
            match self.input.get(ch) {
                Some(input) => crate::simd::copy(&mut out[start..start + len], &input[start..start + len]),
                None => crate::simd::fill(&mut out[start..start + len], 0.0),
            }
        }
        Some(ChannelsMut::from_iter(self.output.iter_mut().map(|c| &mut c[start..start + len])))
    }
}

/// Up to [`MAX_CHANNELS`] mutable channel slices in a fixed array, so planar
/// audio moves around without allocating.
pub struct ChannelsMut<'a> {
    refs: [&'a mut [f32]; MAX_CHANNELS],
    len: usize,
}

impl<'a> ChannelsMut<'a> {
    /// `channels` consecutive runs of `stride` samples in `data`, each cut to
    /// `frames` samples.
    pub(crate) fn from_planar(data: &'a mut [f32], stride: usize, channels: usize, frames: usize) -> Self {
        Self::from_iter(data.chunks_exact_mut(stride).take(channels).map(|run| &mut run[..frames]))
    }

    /// The first [`MAX_CHANNELS`] slices of an iterator.
    #[allow(clippy::should_implement_trait)] // a bounded collect, not FromIterator
    pub fn from_iter(channels: impl Iterator<Item = &'a mut [f32]>) -> Self {
        let mut refs: [&'a mut [f32]; MAX_CHANNELS] = Default::default();
        let mut len = 0;
        for (slot, channel) in refs.iter_mut().zip(channels) {
            *slot = channel;
            len += 1;
        }
        Self { refs, len }
    }

    /// The slices, in channel order.
    pub fn slices_mut(&mut self) -> &mut [&'a mut [f32]] {
        &mut self.refs[..self.len]
    }

    /// Number of channels.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
