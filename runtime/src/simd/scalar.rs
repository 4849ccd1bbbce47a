//! Scalar reference kernels.
//!
//! Always compiled, never dispatched: they define what every SIMD kernel in
//! [`crate::simd`] must return, and they are the baseline the benches measure
//! against. Each one is the plainest loop that states the operation, so the
//! compiler may still vectorise some of them for the baseline target; the book's
//! benchmark table says which.

/// `dst[i] = src[i]` over the common length.
pub fn copy(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// `dst[i] = src[i] * gain` over the common length.
pub fn copy_with_gain(dst: &mut [f32], src: &[f32], gain: f32) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s * gain;
    }
}

/// `dst[i] += src[i]` over the common length.
pub fn add(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += *s;
    }
}

/// `dst[i] += src[i] * gain` over the common length (a multiply then an add,
/// never a fused multiply-add, so every target rounds the same way).
pub fn mix(dst: &mut [f32], src: &[f32], gain: f32) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += *s * gain;
    }
}

/// `dst[i] = value`.
pub fn fill(dst: &mut [f32], value: f32) {
    for d in dst {
        *d = value;
    }
}

/// Planar channels to one interleaved buffer: `dst[frame * channels + ch] = src[ch][frame]`
/// for every frame that `dst` and all channels hold.
pub fn interleave(dst: &mut [f32], src: &[&[f32]]) {
    let channels = src.len();
    let frames = super::common_frames(dst.len(), channels, src.iter().map(|c| c.len()));
    for frame in 0..frames {
        for (ch, channel) in src.iter().enumerate() {
            dst[frame * channels + ch] = channel[frame];
        }
    }
}

/// One interleaved buffer to planar channels: `dst[ch][frame] = src[frame * channels + ch]`.
pub fn deinterleave(dst: &mut [&mut [f32]], src: &[f32]) {
    let channels = dst.len();
    let frames = super::common_frames(src.len(), channels, dst.iter().map(|c| c.len()));
    for frame in 0..frames {
        for (ch, channel) in dst.iter_mut().enumerate() {
            channel[frame] = src[frame * channels + ch];
        }
    }
}

/// Widens `f32` samples to `f64` (exact).
pub fn f32_to_f64(dst: &mut [f64], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = f64::from(*s);
    }
}

/// Narrows `f64` samples to `f32`, rounding to nearest.
pub fn f64_to_f32(dst: &mut [f32], src: &[f64]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s as f32;
    }
}

/// The largest magnitude in `src` (0 for an empty slice). NaNs are ignored.
pub fn peak(src: &[f32]) -> f32 {
    src.iter().fold(0.0_f32, |peak, s| peak.max(s.abs()))
}

/// Replaces every NaN and ±infinity by +0.0; returns how many were replaced.
pub fn zero_non_finite(samples: &mut [f32]) -> usize {
    let mut replaced = 0;
    for sample in samples {
        if !sample.is_finite() {
            *sample = 0.0;
            replaced += 1;
        }
    }
    replaced
}
