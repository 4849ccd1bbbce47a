//! The convolver's inner loops, dispatched through [`pulp::Arch`] like
//! [`crate::simd`]: the spectral multiply-accumulate of the partitions and the
//! direct FIR of the zero-latency head. Neither allocates.
//!
//! Spectra are kept split (real parts in one array, imaginary parts in
//! another) so a complex multiply is four plain vector multiply-adds, with no
//! shuffles; the FFT's interleaved output is split once per block.

use pulp::{Arch, Simd, WithSimd};

/// `acc += x * h`, bin by bin, over split complex spectra of one length.
pub(crate) fn complex_mac(
    acc_re: &mut [f32],
    acc_im: &mut [f32],
    x_re: &[f32],
    x_im: &[f32],
    h_re: &[f32],
    h_im: &[f32],
) {
    let len = acc_re.len();
    debug_assert!([acc_im.len(), x_re.len(), x_im.len(), h_re.len(), h_im.len()].iter().all(|&l| l == len));
    Arch::new().dispatch(ComplexMac {
        acc_re,
        acc_im: &mut acc_im[..len],
        x_re: &x_re[..len],
        x_im: &x_im[..len],
        h_re: &h_re[..len],
        h_im: &h_im[..len],
    });
}

struct ComplexMac<'a> {
    acc_re: &'a mut [f32],
    acc_im: &'a mut [f32],
    x_re: &'a [f32],
    x_im: &'a [f32],
    h_re: &'a [f32],
    h_im: &'a [f32],
}

impl WithSimd for ComplexMac<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (acc_re, acc_re_tail) = S::as_mut_simd_f32s(self.acc_re);
        let (acc_im, acc_im_tail) = S::as_mut_simd_f32s(self.acc_im);
        let (x_re, x_re_tail) = S::as_simd_f32s(self.x_re);
        let (x_im, x_im_tail) = S::as_simd_f32s(self.x_im);
        let (h_re, h_re_tail) = S::as_simd_f32s(self.h_re);
        let (h_im, h_im_tail) = S::as_simd_f32s(self.h_im);
        for (((((ar, ai), xr), xi), hr), hi) in
            acc_re.iter_mut().zip(acc_im.iter_mut()).zip(x_re).zip(x_im).zip(h_re).zip(h_im)
        {
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
        complex_mac(&mut re, &mut im, &x_re, &x_im, &h_re, &h_im);
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
