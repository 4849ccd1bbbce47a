//! The host's audio buffers of one CLAP `process` call, presented to the
//! engine as [`AudioBuffers`]: 32- or 64-bit (whichever the host filled in),
//! separate or in place. Only the engine decides how the block is cut; this
//! adapts samples, nothing else.

use clap_sys::audio_buffer::clap_audio_buffer;

use crate::engine::{AudioBuffers, ChannelsMut};
use crate::host_channels::channel_pointers;
use crate::limits::MAX_CHANNELS;

/// Channel pointers of one buffer, in whichever sample size the host used.
#[derive(Clone, Copy)]
enum Channels {
    F32([*mut f32; MAX_CHANNELS]),
    F64([*mut f64; MAX_CHANNELS]),
}

impl Channels {
    /// The buffer's first `channels` channels, if it has that many and none is
    /// null; 32-bit when the host gave 32-bit pointers.
    ///
    /// # Safety
    /// `buffer` is the host's, with `channel_count` pointers behind whichever
    /// of `data32` and `data64` is not null.
    unsafe fn of(buffer: &clap_audio_buffer, channels: usize) -> Option<Self> {
        let available = buffer.channel_count as usize;
        // SAFETY: `channel_count` pointers behind whichever is not null (this
        // function's contract); a null one is refused.
        unsafe {
            match channel_pointers(buffer.data32, available, channels) {
                Some(pointers) => Some(Self::F32(pointers)),
                None => channel_pointers(buffer.data64, available, channels).map(Self::F64),
            }
        }
    }
}

/// The first `channels` channels of the host's buffers for one call.
///
/// Slices over the host's memory live only inside one method call (or, for
/// [`AudioBuffers::lend_output_with_input`], as long as the engine borrows
/// `self`), so input and output may be the same memory: the engine reads a
/// range's input before it writes that range's output.
pub(crate) struct HostBuffers {
    input: Option<Channels>,
    output: Channels,
    channels: usize,
    frames: usize,
}

impl HostBuffers {
    /// The buffers' first `channels` channels, if the output has them; an
    /// input with fewer channels, or a null one, counts as none.
    ///
    /// # Safety
    /// `input` and `output` are the host's for this call, each channel valid
    /// for `frames` samples until the returned value is dropped.
    pub(crate) unsafe fn new(
        input: Option<&clap_audio_buffer>,
        output: &clap_audio_buffer,
        channels: usize,
        frames: usize,
    ) -> Option<Self> {
        // SAFETY: per this function's contract.
        let output = unsafe { Channels::of(output, channels) }?;
        // SAFETY: per this function's contract.
        let input = input.and_then(|buffer| unsafe { Channels::of(buffer, channels) });
        Some(Self { input, output, channels, frames })
    }

    /// A bit per output channel whose samples are all zero (CLAP's
    /// `constant_mask`: a constant channel whose value is its first sample);
    /// a NaN is never silent.
    pub(crate) fn silent_channels(&self) -> u64 {
        let silent = |channel: usize| match self.output {
            Channels::F32(outputs) => {
                // SAFETY: a non-null host channel of `frames` samples (see
                // `new`), read while no slice of the output exists (`&self`).
                let samples = unsafe { std::slice::from_raw_parts(outputs[channel], self.frames) };
                samples.iter().all(|sample| *sample == 0.0)
            }
            Channels::F64(outputs) => {
                // SAFETY: as above.
                let samples = unsafe { std::slice::from_raw_parts(outputs[channel], self.frames) };
                samples.iter().all(|sample| *sample == 0.0)
            }
        };
        (0..self.channels).filter(|&channel| silent(channel)).fold(0, |mask, channel| mask | 1 << channel)
    }

    fn check(&self, channel: usize, start: usize, len: usize) {
        assert!(channel < self.channels && start + len <= self.frames, "a range inside the host's block");
    }

    /// Whether no two output channels share memory over `start..start + len`
    /// (slices of all of them may then live at once).
    fn outputs_are_distinct(outputs: &[*mut f32], start: usize, len: usize) -> bool {
        let span = |p: *mut f32| (p.wrapping_add(start) as usize, p.wrapping_add(start + len) as usize);
        outputs.iter().enumerate().all(|(i, a)| {
            let (a_lo, a_hi) = span(*a);
            outputs[i + 1..].iter().all(|b| {
                let (b_lo, b_hi) = span(*b);
                a_hi <= b_lo || b_hi <= a_lo
            })
        })
    }
}

impl AudioBuffers for HostBuffers {
    fn frames(&self) -> usize {
        self.frames
    }

    fn has_input(&self) -> bool {
        self.input.is_some()
    }

    fn read_input(&mut self, channel: usize, start: usize, dst: &mut [f32]) {
        self.check(channel, start, dst.len());
        // SAFETY (both arms): a non-null host channel of `frames` samples (see
        // `new`); the slice lives for this copy only, while no slice of the
        // output exists (`&mut self`), so in-place hosts are fine.
        match self.input {
            None => crate::simd::fill(dst, 0.0),
            Some(Channels::F32(input)) => {
                // SAFETY: see above.
                let src = unsafe { std::slice::from_raw_parts(input[channel].add(start), dst.len()) };
                crate::simd::copy(dst, src);
            }
            Some(Channels::F64(input)) => {
                // SAFETY: see above.
                let src = unsafe { std::slice::from_raw_parts(input[channel].add(start), dst.len()) };
                crate::simd::f64_to_f32(dst, src);
            }
        }
    }

    fn write_output(&mut self, channel: usize, start: usize, src: &[f32]) {
        self.check(channel, start, src.len());
        match self.output {
            Channels::F32(output) => {
                // SAFETY: a non-null host channel of `frames` samples (see
                // `new`); no other slice of the host's memory lives meanwhile.
                let dst = unsafe { std::slice::from_raw_parts_mut(output[channel].add(start), src.len()) };
                crate::simd::copy(dst, src);
            }
            Channels::F64(output) => {
                // SAFETY: as above.
                let dst = unsafe { std::slice::from_raw_parts_mut(output[channel].add(start), src.len()) };
                crate::simd::f32_to_f64(dst, src);
            }
        }
    }

    fn lend_output_with_input(&mut self, start: usize, len: usize) -> Option<ChannelsMut<'_>> {
        let Channels::F32(output) = self.output else { return None };
        let outputs = &output[..self.channels];
        if start + len > self.frames || !Self::outputs_are_distinct(outputs, start, len) {
            return None;
        }
        let input = match self.input {
            Some(Channels::F32(input)) => Some(input),
            Some(Channels::F64(_)) => return None,
            None => None,
        };
        for (channel, out) in outputs.iter().enumerate() {
            match input {
                // SAFETY: both are host channels of `frames` samples (see `new`);
                // `copy` allows them to overlap (in-place hosts), and no slice of
                // either exists now.
                Some(input) => unsafe { std::ptr::copy(input[channel].add(start), out.add(start), len) },
                None => {
                    // SAFETY: a host channel of `frames` samples; no other slice
                    // of it exists now.
                    let samples = unsafe { std::slice::from_raw_parts_mut(out.add(start), len) };
                    crate::simd::fill(samples, 0.0);
                }
            }
        }
        Some(ChannelsMut::from_iter(outputs.iter().map(|p| {
            // SAFETY: host channels of `frames` samples, pairwise disjoint over
            // this range (checked above), borrowed as long as `self` is.
            unsafe { std::slice::from_raw_parts_mut(p.add(start), len) }
        })))
    }
}
