//! Band-limited resampling of an impulse response to the session's rate: a
//! windowed-sinc interpolator (Kaiser window, beta 9, 32 zero crossings each
//! side; cutoff at 95 % of the lower of the two Nyquist frequencies, so the
//! stop band, about -90 dB, starts below the new Nyquist when downsampling).
//!
//! Offline work (a 10 s stereo response takes a few hundred milliseconds):
//! it runs where a response is prepared, never on the audio thread. The
//! kernel is tabulated 512 steps per zero crossing and interpolated linearly,
//! well below the window's own stop band.

use std::f64::consts::PI;

/// Zero crossings of the sinc on each side.
const ZEROS: usize = 32;
/// Table steps per zero crossing.
const STEPS: usize = 512;
/// Kaiser window shape: about -90 dB side lobes.
const BETA: f64 = 9.0;
/// Cutoff as a fraction of the lower Nyquist frequency.
const CUTOFF: f64 = 0.95;

/// The zeroth-order modified Bessel function of the first kind (series).
fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term) = (1.0, 1.0);
    let half = x / 2.0;
    for k in 1..64 {
        term *= (half / k as f64) * (half / k as f64);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// The windowed sinc at `z` zero crossings from its centre, `0..=ZEROS`, in
/// `ZEROS * STEPS + 2` entries (one past the end, so interpolation never reads
/// out of bounds).
fn kernel_table() -> Vec<f64> {
    let norm = bessel_i0(BETA);
    (0..ZEROS * STEPS + 2)
        .map(|i| {
            let z = i as f64 / STEPS as f64;
            if z >= ZEROS as f64 {
                return 0.0;
            }
            let sinc = if z == 0.0 { 1.0 } else { (PI * z).sin() / (PI * z) };
            let r = z / ZEROS as f64;
            sinc * bessel_i0(BETA * (1.0 - r * r).sqrt()) / norm
        })
        .collect()
}

/// `input` at rate `from` resampled to rate `to`: `ceil(len * to / from)`
/// samples, output sample `m` interpolated at input position `m * from / to`,
/// scaled by `from / to` so a convolution with it has the gain the original
/// had.
pub fn resample(input: &[f32], from: f64, to: f64) -> Vec<f32> {
    let ratio = to / from;
    let len = (input.len() as f64 * ratio).ceil() as usize;
    let table = kernel_table();
    // The sinc's zero crossings are `1 / cutoff` input samples apart.
    let cutoff = CUTOFF * ratio.min(1.0);
    let reach = ZEROS as f64 / cutoff;
    let scale = cutoff / ratio;
    let step = from / to;
    let last = input.len() as isize - 1;
    (0..len)
        .map(|m| {
            let t = m as f64 * step;
            let first = ((t - reach).ceil() as isize).max(0);
            let end = ((t + reach).floor() as isize).min(last);
            let mut sum = 0.0_f64;
            for j in first..=end {
                let z = (t - j as f64).abs() * cutoff * STEPS as f64;
                let i = z as usize;
                let frac = z - i as f64;
                let k = table[i] + (table[i + 1] - table[i]) * frac;
                sum += k * f64::from(input[j as usize]);
            }
            (sum * scale) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: f64, hz: f64, len: usize) -> Vec<f32> {
        (0..len).map(|i| (2.0 * PI * hz * i as f64 / rate).sin() as f32).collect()
    }

    #[test]
    fn a_sine_keeps_its_shape_and_the_convolution_gain() {
        for (from, to) in [(44_100.0, 48_000.0), (96_000.0, 48_000.0), (48_000.0, 44_100.0)] {
            let input = sine(from, 1000.0, 4410);
            let out = resample(&input, from, to);
            assert_eq!(out.len(), (4410.0 * to / from).ceil() as usize);
            let expect = sine(to, 1000.0, out.len());
            // Away from the edges (where the window runs out of input).
            let middle = out.len() / 4..3 * out.len() / 4;
            let scale = (from / to) as f32;
            let err = middle.clone().map(|i| (out[i] - expect[i] * scale).abs()).fold(0.0, f32::max);
            assert!(err < 3e-4 * scale, "{from} -> {to}: error {err}");
        }
    }

    #[test]
    fn downsampling_removes_what_the_new_rate_cannot_hold() {
        // 30 kHz at 96 kHz cannot exist at 48 kHz: it must go, not alias to 18 kHz.
        let out = resample(&sine(96_000.0, 30_000.0, 9600), 96_000.0, 48_000.0);
        let peak = out[1200..3600].iter().fold(0.0_f32, |m, s| m.max(s.abs()));
        assert!(peak < 1e-3, "peak {peak}");
    }
}
