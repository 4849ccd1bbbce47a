//! Sample kernels with runtime SIMD dispatch.
//!
//! Every kernel is dispatched through [`pulp::Arch`], which picks AVX-512, AVX2+FMA or
//! SSE-level code on the running CPU from one stock build, except where the
//! benches showed the reference faster ([`f32_to_f64`] below 256 samples or
//! without AVX-512). Kernels with arithmetic
//! are written with explicit vectors; the conversions and interleaving are plain
//! loops placed inside the dispatched context, where LLVM vectorises them for the
//! detected target. No kernel uses `unsafe`.
//!
//! Contract shared by all kernels: they operate on the common length of their
//! arguments (callers pass equal lengths; a mismatch is a bug caught by
//! `debug_assert!`, never an out-of-bounds access) and return bit-for-bit what
//! the reference in [`scalar`] returns. Kernels never allocate, lock or block, so
//! they are safe on the audio thread.

pub mod scalar;

use pulp::{Arch, Simd, WithSimd};

/// Number of frames both sides of an interleave hold: the smallest channel, and no
/// more than the interleaved buffer has room for.
fn common_frames(interleaved_len: usize, channels: usize, lens: impl Iterator<Item = usize>) -> usize {
    if channels == 0 {
        return 0;
    }
    lens.fold(interleaved_len / channels, usize::min)
}

/// `dst[i] = src[i]`: a bulk copy. The standard library's `copy_from_slice` is
/// already the best bulk copy on every target (the C library's vectorised
/// `memcpy`), so this kernel is that, named so the call sites read as kernels.
#[inline]
pub fn copy(dst: &mut [f32], src: &[f32]) {
    debug_assert_eq!(dst.len(), src.len());
    let len = dst.len().min(src.len());
    dst[..len].copy_from_slice(&src[..len]);
}

/// `dst[i] = src[i] * gain`.
pub fn copy_with_gain(dst: &mut [f32], src: &[f32], gain: f32) {
    zip(dst, src, Gain(gain));
}

/// `dst[i] += src[i]`.
pub fn add(dst: &mut [f32], src: &[f32]) {
    zip(dst, src, Add);
}

/// `dst[i] += src[i] * gain`, as a multiply then an add (no fused multiply-add) so
/// the result is identical on every CPU.
pub fn mix(dst: &mut [f32], src: &[f32], gain: f32) {
    zip(dst, src, Mix(gain));
}

/// An element-wise `dst[i] = op(dst[i], src[i])`, in vector and scalar form. Both
/// forms must round identically, so the vector form of each op is the scalar one
/// lane by lane.
trait ZipOp: Copy {
    fn vector<S: Simd>(self, simd: S, dst: S::f32s, src: S::f32s) -> S::f32s;
    fn scalar(self, dst: f32, src: f32) -> f32;
}

#[derive(Clone, Copy)]
struct Gain(f32);

impl ZipOp for Gain {
    #[inline(always)]
    fn vector<S: Simd>(self, simd: S, _dst: S::f32s, src: S::f32s) -> S::f32s {
        simd.mul_f32s(src, simd.splat_f32s(self.0))
    }

    #[inline(always)]
    fn scalar(self, _dst: f32, src: f32) -> f32 {
        src * self.0
    }
}

#[derive(Clone, Copy)]
struct Add;

impl ZipOp for Add {
    #[inline(always)]
    fn vector<S: Simd>(self, simd: S, dst: S::f32s, src: S::f32s) -> S::f32s {
        simd.add_f32s(dst, src)
    }

    #[inline(always)]
    fn scalar(self, dst: f32, src: f32) -> f32 {
        dst + src
    }
}

#[derive(Clone, Copy)]
struct Mix(f32);

impl ZipOp for Mix {
    #[inline(always)]
    fn vector<S: Simd>(self, simd: S, dst: S::f32s, src: S::f32s) -> S::f32s {
        simd.add_f32s(dst, simd.mul_f32s(src, simd.splat_f32s(self.0)))
    }

    #[inline(always)]
    fn scalar(self, dst: f32, src: f32) -> f32 {
        dst + src * self.0
    }
}

/// Runs `op` over the common length of `dst` and `src` with the best vectors the
/// CPU has.
fn zip(dst: &mut [f32], src: &[f32], op: impl ZipOp) {
    debug_assert_eq!(dst.len(), src.len());
    let len = dst.len().min(src.len());
    Arch::new().dispatch(Zip { dst: &mut dst[..len], src: &src[..len], op });
}

struct Zip<'a, Op> {
    dst: &'a mut [f32],
    src: &'a [f32],
    op: Op,
}

impl<Op: ZipOp> WithSimd for Zip<'_, Op> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (dst_head, dst_tail) = S::as_mut_simd_f32s(self.dst);
        let (src_head, src_tail) = S::as_simd_f32s(self.src);
        for (d, s) in dst_head.iter_mut().zip(src_head) {
            *d = self.op.vector(simd, *d, *s);
        }
        for (d, s) in dst_tail.iter_mut().zip(src_tail) {
            *d = self.op.scalar(*d, *s);
        }
    }
}

/// `dst[i] = value`.
pub fn fill(dst: &mut [f32], value: f32) {
    // `slice::fill` lowers to `memset` for zero and to a vectorised store loop
    // otherwise; nothing a hand-written kernel does beats either.
    dst.fill(value);
}

/// Planar channels to one interleaved buffer: `dst[frame * channels + ch] = src[ch][frame]`.
pub fn interleave(dst: &mut [f32], src: &[&[f32]]) {
    Arch::new().dispatch(Interleave { dst, src });
}

struct Interleave<'a, 'b> {
    dst: &'a mut [f32],
    src: &'a [&'b [f32]],
}

impl WithSimd for Interleave<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let channels = self.src.len();
        let frames = common_frames(self.dst.len(), channels, self.src.iter().map(|c| c.len()));
        let dst = &mut self.dst[..frames * channels];
        match self.src {
            [mono] => dst.copy_from_slice(&mono[..frames]),
            [left, right] => {
                for ((pair, l), r) in dst.chunks_exact_mut(2).zip(&left[..frames]).zip(&right[..frames]) {
                    pair[0] = *l;
                    pair[1] = *r;
                }
            }
            _ => {
                for (ch, channel) in self.src.iter().enumerate() {
                    for (frame, sample) in channel[..frames].iter().enumerate() {
                        dst[frame * channels + ch] = *sample;
                    }
                }
            }
        }
    }
}

/// One interleaved buffer to planar channels: `dst[ch][frame] = src[frame * channels + ch]`.
pub fn deinterleave(dst: &mut [&mut [f32]], src: &[f32]) {
    Arch::new().dispatch(Deinterleave { dst, src });
}

struct Deinterleave<'a, 'b> {
    dst: &'a mut [&'b mut [f32]],
    src: &'a [f32],
}

impl WithSimd for Deinterleave<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let channels = self.dst.len();
        let frames = common_frames(self.src.len(), channels, self.dst.iter().map(|c| c.len()));
        let src = &self.src[..frames * channels];
        match self.dst {
            [mono] => mono[..frames].copy_from_slice(src),
            [left, right] => {
                for ((pair, l), r) in src.chunks_exact(2).zip(&mut left[..frames]).zip(&mut right[..frames]) {
                    *l = pair[0];
                    *r = pair[1];
                }
            }
            _ => {
                for (ch, channel) in self.dst.iter_mut().enumerate() {
                    for (frame, sample) in channel[..frames].iter_mut().enumerate() {
                        *sample = src[frame * channels + ch];
                    }
                }
            }
        }
    }
}

/// From how many samples widening is dispatched, with AVX-512 only.
///
/// The reference loop is already vectorised by the compiler (SSE2), and the
/// dispatched one gains on it only with 512-bit vectors and blocks of 256 or
/// more (measured 1.2-1.6x there; 0.6x at 64 samples, and 0.82-0.95x from 64
/// to 1024 samples on an AVX2-only machine). Elsewhere the reference is the
/// faster, so it runs.
pub const WIDEN_DISPATCH_MIN: usize = 256;

/// Widens `f32` samples to `f64` (exact).
pub fn f32_to_f64(dst: &mut [f64], src: &[f32]) {
    debug_assert_eq!(dst.len(), src.len());
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    if src.len() >= WIDEN_DISPATCH_MIN
        && let arch @ Arch::V4(_) = Arch::new()
    {
        return arch.dispatch(Widen { dst, src });
    }
    scalar::f32_to_f64(dst, src);
}

struct Widen<'a> {
    dst: &'a mut [f64],
    src: &'a [f32],
}

impl WithSimd for Widen<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        for (d, s) in self.dst.iter_mut().zip(self.src) {
            *d = f64::from(*s);
        }
    }
}

/// Narrows `f64` samples to `f32`, rounding to nearest.
pub fn f64_to_f32(dst: &mut [f32], src: &[f64]) {
    debug_assert_eq!(dst.len(), src.len());
    Arch::new().dispatch(Narrow { dst, src });
}

struct Narrow<'a> {
    dst: &'a mut [f32],
    src: &'a [f64],
}

impl WithSimd for Narrow<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        for (d, s) in self.dst.iter_mut().zip(self.src) {
            *d = *s as f32;
        }
    }
}

/// Replaces every NaN and ±infinity in `samples` by +0.0 and returns how many
/// it replaced; finite samples (subnormals included) are left untouched.
///
/// It runs over every block the engine renders, so the common case (all finite)
/// is one read-only pass: `x - x` is +0.0 for every finite `x` and NaN for NaN
/// and ±infinity, so OR-ing those bits over the slice gives zero when nothing
/// needs replacing. Otherwise a second pass replaces and counts. (Under a
/// rounding mode other than to-nearest `x - x` is -0.0, which only costs the
/// second pass, never a wrong result.)
pub fn zero_non_finite(samples: &mut [f32]) -> usize {
    Arch::new().dispatch(ZeroNonFinite { samples })
}

struct ZeroNonFinite<'a> {
    samples: &'a mut [f32],
}

impl WithSimd for ZeroNonFinite<'_> {
    type Output = usize;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> usize {
        let (head, tail) = S::as_simd_f32s(self.samples);
        let mut poison = simd.splat_f32s(0.0);
        for x in head {
            poison = simd.or_f32s(poison, simd.sub_f32s(*x, *x));
        }
        // Spilled through a buffer as wide as the widest vector (AVX-512: 16 lanes).
        let mut lanes = [0.0_f32; 16];
        S::as_mut_simd_f32s(&mut lanes).0[0] = poison;
        let all_finite = lanes.iter().all(|lane| lane.to_bits() == 0) && tail.iter().all(|s| s.is_finite());
        if all_finite {
            return 0;
        }
        // Rare: a plain loop, which LLVM vectorises for the detected target.
        let mut replaced = 0;
        for sample in self.samples.iter_mut() {
            let bad = !sample.is_finite();
            *sample = if bad { 0.0 } else { *sample };
            replaced += usize::from(bad);
        }
        replaced
    }
}

/// The largest magnitude in `src` (0 for an empty slice). NaNs are ignored, as in
/// the reference.
pub fn peak(src: &[f32]) -> f32 {
    Arch::new().dispatch(Peak { src })
}

struct Peak<'a> {
    src: &'a [f32],
}

impl WithSimd for Peak<'_> {
    type Output = f32;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> f32 {
        let (head, tail) = S::as_simd_f32s(self.src);
        // Four accumulators hide the latency of the max instruction.
        let zero = simd.splat_f32s(0.0);
        let mut acc = [zero; 4];
        let (quads, rest) = head.as_chunks::<4>();
        for quad in quads {
            for (a, x) in acc.iter_mut().zip(quad) {
                // The new value goes first: x86's max returns its second operand when
                // either is NaN, so a NaN sample leaves the accumulator untouched.
                *a = simd.max_f32s(simd.abs_f32s(*x), *a);
            }
        }
        for x in rest {
            acc[0] = simd.max_f32s(simd.abs_f32s(*x), acc[0]);
        }
        let acc = simd.max_f32s(simd.max_f32s(acc[0], acc[1]), simd.max_f32s(acc[2], acc[3]));
        simd.reduce_max_f32s(acc).max(scalar::peak(tail))
    }
}
