//! The host's audio buffers of one `process` call, presented to the engine as
//! [`AudioBuffers`]: 32- or 64-bit, separate or in place. Only the engine
//! decides how the block is cut; this adapts samples, nothing else.

use vst3::Steinberg::Vst::AudioBusBuffers;

use crate::engine::{AudioBuffers, ChannelsMut};
use crate::host_channels::channel_pointers;
use crate::limits::MAX_CHANNELS;

/// A sample type hosts use.
pub(crate) trait HostSample: Copy {
    /// Whether the engine may process these samples in place (they are f32).
    const IN_PLACE: bool;
    /// The bus's channel pointers of this type.
    ///
    /// # Safety
    /// The bus is the host's, for a call of this sample size.
    unsafe fn pointers(bus: &AudioBusBuffers) -> *mut *mut Self;
    fn to_f32(dst: &mut [f32], src: &[Self]);
    fn from_f32(dst: &mut [Self], src: &[f32]);
    /// The samples as f32, if they are.
    fn as_f32(data: &mut [Self]) -> Option<&mut [f32]>;
    /// Whether the sample is 0 (either sign).
    fn is_zero(sample: Self) -> bool;
}

impl HostSample for f32 {
    const IN_PLACE: bool = true;

    unsafe fn pointers(bus: &AudioBusBuffers) -> *mut *mut Self {
        // SAFETY: the union holds f32 pointers for a 32-bit call (caller's contract).
        unsafe { bus.__field0.channelBuffers32 }
    }

    fn to_f32(dst: &mut [f32], src: &[Self]) {
        crate::simd::copy(dst, src);
    }

    fn from_f32(dst: &mut [Self], src: &[f32]) {
        crate::simd::copy(dst, src);
    }

    fn as_f32(data: &mut [Self]) -> Option<&mut [f32]> {
        Some(data)
    }

    fn is_zero(sample: Self) -> bool {
        sample == 0.0
    }
}

impl HostSample for f64 {
    const IN_PLACE: bool = false;

    unsafe fn pointers(bus: &AudioBusBuffers) -> *mut *mut Self {
        // SAFETY: the union holds f64 pointers for a 64-bit call (caller's contract).
        unsafe { bus.__field0.channelBuffers64 }
    }

    fn to_f32(dst: &mut [f32], src: &[Self]) {
        crate::simd::f64_to_f32(dst, src);
    }

    fn from_f32(dst: &mut [Self], src: &[f32]) {
        crate::simd::f32_to_f64(dst, src);
    }

    fn as_f32(_: &mut [Self]) -> Option<&mut [f32]> {
        None
    }

    fn is_zero(sample: Self) -> bool {
        sample == 0.0
    }
}

/// The first `channels` channels of the host's buses for one call.
///
/// Slices over the host's memory live only inside one method call (or, for
/// [`AudioBuffers::lend_output_with_input`], as long as the engine borrows
/// `self`), so input and output may be the same memory: the engine reads a
/// range's input before it writes that range's output.
pub(crate) struct HostBuffers<T> {
    input: Option<[*mut T; MAX_CHANNELS]>,
    output: [*mut T; MAX_CHANNELS],
    channels: usize,
    frames: usize,
}

impl<T: HostSample> HostBuffers<T> {
    /// The buses' first `channels` channels, if the output has that many
    /// non-null channels; an input with fewer channels, or a null one, counts
    /// as none.
    ///
    /// # Safety
    /// `output` and `input` are the host's buses for this call, whose sample
    /// size is `T`'s, each channel pointer valid for `frames` samples until the
    /// returned value is dropped, as the VST3 `process` contract says.
    pub(crate) unsafe fn new(
        input: Option<&AudioBusBuffers>,
        output: &AudioBusBuffers,
        channels: usize,
        frames: usize,
    ) -> Option<Self> {
        // SAFETY: per this function's contract.
        let output = unsafe { bus_channels::<T>(output, channels) }?;
        // SAFETY: per this function's contract.
        let input = input.and_then(|bus| unsafe { bus_channels::<T>(bus, channels) });
        Some(Self { input, output, channels, frames })
    }

    /// A bit per output channel whose samples are all zero (VST3's
    /// `silenceFlags`); a NaN is never silent.
    pub(crate) fn silent_channels(&self) -> u64 {
        let silent = |channel: usize| {
            // SAFETY: a non-null host channel of `frames` samples (see `new`),
            // read while no slice of the output exists (`&self`).
            let samples = unsafe { std::slice::from_raw_parts(self.output[channel], self.frames) };
            samples.iter().all(|sample| T::is_zero(*sample))
        };
        (0..self.channels).filter(|&channel| silent(channel)).fold(0, |mask, channel| mask | 1 << channel)
    }

    fn output_slice(&mut self, channel: usize, start: usize, len: usize) -> &mut [T] {
        assert!(channel < self.channels && start + len <= self.frames);
        // SAFETY: a non-null host channel of `frames` samples (see `new`); no
        // other slice of the host's memory lives while `&mut self` is held.
        unsafe { std::slice::from_raw_parts_mut(self.output[channel].add(start), len) }
    }

    /// Whether no two output channels share memory (slices of all of them may
    /// then live at once).
    fn outputs_are_distinct(&self, start: usize, len: usize) -> bool {
        let span = |p: *mut T| (p.wrapping_add(start) as usize, p.wrapping_add(start + len) as usize);
        let outputs = &self.output[..self.channels];
        outputs.iter().enumerate().all(|(i, a)| {
            let (a_lo, a_hi) = span(*a);
            outputs[i + 1..].iter().all(|b| {
                let (b_lo, b_hi) = span(*b);
                a_hi <= b_lo || b_hi <= a_lo
            })
        })
    }
}

/// A bus's first `channels` channel pointers, if there are that many and none
/// is null.
///
/// # Safety
/// `bus` is the host's, for a call of `T`'s sample size, with `numChannels`
/// pointers behind its channel array.
unsafe fn bus_channels<T: HostSample>(bus: &AudioBusBuffers, channels: usize) -> Option<[*mut T; MAX_CHANNELS]> {
    // SAFETY: per this function's contract: `numChannels` pointers behind the
    // array of `T`'s sample size.
    unsafe { channel_pointers(T::pointers(bus), bus.numChannels.max(0) as usize, channels) }
}

impl<T: HostSample> AudioBuffers for HostBuffers<T> {
    fn frames(&self) -> usize {
        self.frames
    }

    fn has_input(&self) -> bool {
        self.input.is_some()
    }

    fn read_input(&mut self, channel: usize, start: usize, dst: &mut [f32]) {
        let Some(input) = &self.input else { return crate::simd::fill(dst, 0.0) };
        assert!(channel < self.channels && start + dst.len() <= self.frames);
        // SAFETY: a non-null host channel of `frames` samples (see `new`). The
        // slice lives for this copy only, while no slice of the output exists
        // (`&mut self`), so in-place hosts are fine; `dst` is the engine's own
        // memory.
        let src = unsafe { std::slice::from_raw_parts(input[channel].add(start), dst.len()) };
        T::to_f32(dst, src);
    }

    fn write_output(&mut self, channel: usize, start: usize, src: &[f32]) {
        T::from_f32(self.output_slice(channel, start, src.len()), src);
    }

    fn lend_output_with_input(&mut self, start: usize, len: usize) -> Option<ChannelsMut<'_>> {
        if !T::IN_PLACE || !self.outputs_are_distinct(start, len) {
            return None;
        }
        for channel in 0..self.channels {
            let out = self.output[channel];
            match &self.input {
                // SAFETY: both are host channels of `frames` samples (see `new`);
                // `copy` allows them to overlap (in-place hosts), and no slice of
                // either exists now.
                Some(input) => unsafe { std::ptr::copy(input[channel].add(start), out.add(start), len) },
                None => {
                    if let Some(samples) = T::as_f32(self.output_slice(channel, start, len)) {
                        crate::simd::fill(samples, 0.0);
                    }
                }
            }
        }
        let outputs = self.output;
        Some(ChannelsMut::from_iter(outputs[..self.channels].iter().map(|p| {
            // SAFETY: host channels of `frames` samples, pairwise disjoint over
            // this range (checked above), borrowed as long as `self` is.
            let slice = unsafe { std::slice::from_raw_parts_mut(p.add(start), len) };
            T::as_f32(slice).expect("checked above")
        })))
    }
}
