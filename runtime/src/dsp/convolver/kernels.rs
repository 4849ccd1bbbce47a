//! The convolver's inner loops, dispatched through [`pulp::Arch`] like
//! [`crate::simd`]: the spectral multiply-accumulate of the partitions and the
//! direct FIR of the zero-latency head. Neither allocates.
//!
//! Spectra are kept split (real parts in one array, imaginary parts in
//! another) so a complex multiply is four plain vector multiply-adds, with no
//! shuffles; the FFT's interleaved output is split once per block.

use pulp::{Arch, Simd, WithSimd};

/// Split complex spectra: the real parts and the imaginary parts.
#[derive(Clone, Copy)]
pub(crate) struct Split<'a> {
    pub(crate) re: &'a [f32],
    pub(crate) im: &'a [f32],
}

/// `acc += x * h`, bin by bin, over split complex spectra of one length.
#[cfg(test)]
pub(crate) fn complex_mac(acc_re: &mut [f32], acc_im: &mut [f32], x: Split<'_>, h: Split<'_>) {
    let len = acc_re.len();
    complex_mac_rows(acc_re, acc_im, x, h, std::iter::once((0, 0)), 0..len);
}

/// For every `(x_row, h_row)` of `rows`: `acc += x[x_row + bin] * h[h_row +
/// bin]` for the bins of `bins` (`acc` holds just those bins), in one
/// dispatch: the rows of a frequency-domain delay line against the
/// partitions they meet.
pub(crate) fn complex_mac_rows(
    acc_re: &mut [f32],
    acc_im: &mut [f32],
    x: Split<'_>,
    h: Split<'_>,
    rows: impl Iterator<Item = (usize, usize)>,
    bins: std::ops::Range<usize>,
) {
    debug_assert_eq!(acc_re.len(), bins.len());
    debug_assert_eq!(acc_im.len(), bins.len());
    Arch::new().dispatch(ComplexMac { acc_re, acc_im, x, h, rows, bins });
}

struct ComplexMac<'a, I> {
    acc_re: &'a mut [f32],
    acc_im: &'a mut [f32],
    x: Split<'a>,
    h: Split<'a>,
    rows: I,
    bins: std::ops::Range<usize>,
}

impl<I: Iterator<Item = (usize, usize)>> WithSimd for ComplexMac<'_, I> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { acc_re, acc_im, x, h, rows, bins } = self;
        let len = bins.len().min(acc_re.len()).min(acc_im.len());
        for (x_row, h_row) in rows {
            let (lo, hi) = (bins.start, bins.start + len);
            let (x_re, x_im) = (&x.re[x_row + lo..x_row + hi], &x.im[x_row + lo..x_row + hi]);
            let (h_re, h_im) = (&h.re[h_row + lo..h_row + hi], &h.im[h_row + lo..h_row + hi]);
            let (acc_re_v, acc_re_tail) = S::as_mut_simd_f32s(&mut acc_re[..len]);
            let (acc_im_v, acc_im_tail) = S::as_mut_simd_f32s(&mut acc_im[..len]);
            let (x_re_v, x_re_tail) = S::as_simd_f32s(x_re);
            let (x_im_v, x_im_tail) = S::as_simd_f32s(x_im);
            let (h_re_v, h_re_tail) = S::as_simd_f32s(h_re);
            let (h_im_v, h_im_tail) = S::as_simd_f32s(h_im);
            let vectors = acc_re_v.iter_mut().zip(acc_im_v.iter_mut()).zip(x_re_v.iter().zip(x_im_v));
            for (((ar, ai), (xr, xi)), (hr, hi)) in vectors.zip(h_re_v.iter().zip(h_im_v)) {
                let re = simd.mul_add_e_f32s(*xr, *hr, *ar);
                *ar = simd.mul_add_e_f32s(simd.neg_f32s(*xi), *hi, re);
                let im = simd.mul_add_e_f32s(*xr, *hi, *ai);
                *ai = simd.mul_add_e_f32s(*xi, *hr, im);
            }
            for i in 0..acc_re_tail.len() {
                let (xr, xi, hr, hi) = (x_re_tail[i], x_im_tail[i], h_re_tail[i], h_im_tail[i]);
                acc_re_tail[i] += xr * hr - xi * hi;
                acc_im_tail[i] += xr * hi + xi * hr;
            }
        }
    }
}

/// The direct FIR of the head: `out[j] += Σ_k taps[k] * input[j + taps.len() - 1 - k]`
/// for every `j < out.len()`, where `reversed` holds the taps last to first and
/// `input` the `taps - 1` samples before the block followed by the block.
pub(crate) fn fir_add(out: &mut [f32], input: &[f32], reversed: &[f32]) {
    let taps = reversed.len();
    if taps == 0 {
        return;
    }
    debug_assert!(input.len() + 1 >= out.len() + taps);
    let frames = out.len().min((input.len() + 1).saturating_sub(taps));
    Arch::new().dispatch(Fir { out: &mut out[..frames], input, reversed });
}

struct Fir<'a> {
    out: &'a mut [f32],
    input: &'a [f32],
    reversed: &'a [f32],
}

impl WithSimd for Fir<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let taps = self.reversed.len();
        let (taps_head, taps_tail) = S::as_simd_f32s(self.reversed);
        for (j, out) in self.out.iter_mut().enumerate() {
            let window = &self.input[j..j + taps];
            let (window_head, window_tail) = S::as_simd_f32s(window);
            let mut sum = simd.splat_f32s(0.0);
            for (w, t) in window_head.iter().zip(taps_head) {
                sum = simd.mul_add_e_f32s(*w, *t, sum);
            }
            let mut total = simd.reduce_sum_f32s(sum);
            for (w, t) in window_tail.iter().zip(taps_tail) {
                total += w * t;
            }
            *out += total;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_mac_multiplies_and_adds_every_bin() {
        let n = 37;
        let x_re: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
        let x_im: Vec<f32> = (0..n).map(|i| 1.0 - i as f32).collect();
        let h_re: Vec<f32> = (0..n).map(|i| (i % 5) as f32).collect();
        let h_im: Vec<f32> = (0..n).map(|i| 2.0 - (i % 3) as f32).collect();
        let (mut re, mut im) = (vec![1.0_f32; n], vec![-1.0_f32; n]);
        complex_mac(&mut re, &mut im, Split { re: &x_re, im: &x_im }, Split { re: &h_re, im: &h_im });
        for i in 0..n {
            let expect_re = 1.0 + x_re[i] * h_re[i] - x_im[i] * h_im[i];
            let expect_im = -1.0 + x_re[i] * h_im[i] + x_im[i] * h_re[i];
            assert!((re[i] - expect_re).abs() < 1e-4 && (im[i] - expect_im).abs() < 1e-4, "bin {i}");
        }
    }

    #[test]
    fn fir_add_is_a_direct_convolution() {
        let taps = [0.5_f32, -0.25, 0.125, 2.0, 1.0, -1.0, 0.5, 0.25, 3.0, -2.0, 0.0];
        let reversed: Vec<f32> = taps.iter().rev().copied().collect();
        let signal: Vec<f32> = (0..40).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
        let frames = signal.len() - (taps.len() - 1);
        let mut out = vec![1.0_f32; frames];
        fir_add(&mut out, &signal, &reversed);
        for (j, value) in out.iter().enumerate() {
            let t = j + taps.len() - 1;
            let expect: f32 = 1.0 + taps.iter().enumerate().map(|(k, h)| h * signal[t - k]).sum::<f32>();
            assert!((value - expect).abs() < 1e-3, "frame {j}: {value} vs {expect}");
        }
    }
}
