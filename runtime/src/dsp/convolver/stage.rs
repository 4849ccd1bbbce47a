//! One stage of uniform partitions: a frequency-domain delay line (FDL).
//!
//! Every `P` input frames (when its block ends) the stage transforms the last
//! `2P` input frames of each channel (real FFT of `2P` points), keeps the
//! spectrum in a ring of its last `K` blocks, and for each output sums, over
//! its paths and partitions, the spectrum of `k` blocks back times partition
//! `k` of the response (overlap-save: the partition is zero-padded to `2P`,
//! and of the inverse transform the last `P` frames are the block's output).
//! Those frames land in the accumulator `offset + latency` frames after the
//! block's first frame, ahead of the output clock.
//!
//! Only partition 0 needs the block that just ended: the products of the
//! older blocks with partitions 1 to `K - 1` are summed ahead, a slice of the
//! bins at every end of a first-size block between two ends of this stage's
//! blocks. What is left when its block ends is two FFTs per channel and one
//! partition's products, so a large stage's burst is mostly its transforms,
//! not `K` sweeps through megabytes of spectra.

use std::sync::Arc;

use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::num_complex::Complex;

use super::buffers::{Accumulator, History};
use super::kernels::{Split, complex_mac_rows};
use super::plan;
use super::routing::Path;

/// Bins of each spectrum row are padded to a multiple of this, so every row
/// starts on a vector boundary of the row before it.
const ROW_ALIGN: usize = 16;

pub(crate) struct Stage {
    spec: plan::Stage,
    /// Where in the delayed response the stage starts: `offset + latency`.
    start: usize,
    bins: usize,
    stride: usize,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    /// Input spectra, per input channel `count` rows of `stride`, a ring whose
    /// newest row is `newest`.
    fdl_re: Vec<f32>,
    fdl_im: Vec<f32>,
    newest: usize,
    /// The partitions' spectra, per response `count` rows of `stride`, scaled
    /// by `1 / (2P)` (the inverse FFT's missing normalisation).
    h_re: Vec<f32>,
    h_im: Vec<f32>,
    /// Scratch: a window in time, a spectrum, the FFT's own, a sum of spectra.
    time: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    acc_re: Vec<f32>,
    acc_im: Vec<f32>,
    /// Per output, partitions 1.. times the older blocks, for the next block's
    /// end, summed a slice at a time.
    ahead_re: Vec<f32>,
    ahead_im: Vec<f32>,
    /// First-size blocks per block of this stage: the slices of that sum.
    slices: usize,
}

impl Stage {
    /// Transforms the stage's span of every response (the taps past a
    /// response's end are zero). Allocates: off the audio thread.
    pub(crate) fn new(
        spec: plan::Stage,
        scheme: &plan::Scheme,
        responses: &[Vec<f32>],
        channels: usize,
        planner: &mut RealFftPlanner<f32>,
    ) -> Self {
        let (latency, inputs) = (scheme.latency, channels);
        let size = spec.size;
        let forward = planner.plan_fft_forward(2 * size);
        let inverse = planner.plan_fft_inverse(2 * size);
        let bins = size + 1;
        let stride = bins.next_multiple_of(ROW_ALIGN);
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        let mut stage = Self {
            spec,
            start: spec.offset + latency,
            bins,
            stride,
            fdl_re: vec![0.0; inputs * spec.count * stride],
            fdl_im: vec![0.0; inputs * spec.count * stride],
            newest: 0,
            h_re: vec![0.0; responses.len() * spec.count * stride],
            h_im: vec![0.0; responses.len() * spec.count * stride],
            time: vec![0.0; 2 * size],
            spectrum: vec![Complex::default(); bins],
            scratch: vec![Complex::default(); scratch_len],
            acc_re: vec![0.0; stride],
            acc_im: vec![0.0; stride],
            ahead_re: vec![0.0; channels * stride],
            ahead_im: vec![0.0; channels * stride],
            slices: (size / scheme.first).max(1),
            forward,
            inverse,
        };
        let norm = 1.0 / (2 * size) as f32;
        for (r, response) in responses.iter().enumerate() {
            for k in 0..spec.count {
                let from = (spec.offset + k * size).min(response.len());
                let to = (from + size).min(response.len());
                stage.time.fill(0.0);
                for (t, tap) in stage.time.iter_mut().zip(&response[from..to]) {
                    *t = tap * norm;
                }
                let _ = stage.forward.process_with_scratch(&mut stage.time, &mut stage.spectrum, &mut stage.scratch);
                let row = (r * spec.count + k) * stride;
                split(&stage.spectrum, &mut stage.h_re[row..row + bins], &mut stage.h_im[row..row + bins]);
            }
        }
        stage
    }

    /// At the end of a first-size block (input clock `clock`, the history's
    /// end): sums the next slice of the older blocks' products and, when the
    /// stage's own block ends here, transforms it and adds its output to `acc`
    /// for the output clocks it is for.
    pub(crate) fn step(&mut self, history: &History, paths: &[Path], acc: &mut Accumulator, clock: u64) {
        let size = self.spec.size as u64;
        let first = size / self.slices as u64;
        // First-size blocks since this stage's last block ended: 0 when one ends now.
        let since = ((clock + size - self.spec.phase as u64) % size / first) as usize;
        let slice = if since == 0 { self.slices - 1 } else { since - 1 };
        self.sum_ahead(paths, slice);
        if since == 0 {
            self.complete(history, paths, acc, clock);
        }
    }

    /// Adds slice `slice` of the bins of partitions 1.. times the blocks
    /// before the next one (`k - 1` blocks back from the newest) to `ahead`.
    fn sum_ahead(&mut self, paths: &[Path], slice: usize) {
        let (count, stride, bins) = (self.spec.count, self.stride, self.bins);
        if count < 2 {
            return;
        }
        let (lo, hi) = (slice * bins / self.slices, (slice + 1) * bins / self.slices);
        if lo == hi {
            return;
        }
        let (x, h) = (Split { re: &self.fdl_re, im: &self.fdl_im }, Split { re: &self.h_re, im: &self.h_im });
        let newest = self.newest;
        for path in paths {
            let out = path.output * stride;
            let rows = (1..count).map(|k| {
                let slot = (newest + count + 1 - k) % count;
                ((path.input * count + slot) * stride, (path.response * count + k) * stride)
            });
            let (acc_re, acc_im) = (&mut self.ahead_re[out + lo..out + hi], &mut self.ahead_im[out + lo..out + hi]);
            complex_mac_rows(acc_re, acc_im, x, h, rows, lo..hi);
        }
    }

    /// The block ending at input clock `clock`: transforms it, adds its
    /// products with partition 0 to what `ahead` summed, transforms back.
    fn complete(&mut self, history: &History, paths: &[Path], acc: &mut Accumulator, clock: u64) {
        let (size, count, stride, bins) = (self.spec.size, self.spec.count, self.stride, self.bins);
        let end = history.end();
        let inputs = self.fdl_re.len() / (count * stride);
        self.newest = (self.newest + 1) % count;
        for input in 0..inputs {
            self.time.copy_from_slice(&history.channel(input)[end - 2 * size..end]);
            let _ = self.forward.process_with_scratch(&mut self.time, &mut self.spectrum, &mut self.scratch);
            let row = (input * count + self.newest) * stride;
            split(&self.spectrum, &mut self.fdl_re[row..row + bins], &mut self.fdl_im[row..row + bins]);
        }
        let mut remaining = paths;
        while let Some(first) = remaining.first() {
            let output = first.output;
            let split_at = remaining.iter().position(|p| p.output != output).unwrap_or(remaining.len());
            let (these, rest) = remaining.split_at(split_at);
            remaining = rest;
            let ahead = output * stride..output * stride + bins;
            self.acc_re[..bins].copy_from_slice(&self.ahead_re[ahead.clone()]);
            self.acc_im[..bins].copy_from_slice(&self.ahead_im[ahead.clone()]);
            self.ahead_re[ahead.clone()].fill(0.0);
            self.ahead_im[ahead].fill(0.0);
            let rows = these.iter().map(|p| ((p.input * count + self.newest) * stride, p.response * count * stride));
            let (x, h) = (Split { re: &self.fdl_re, im: &self.fdl_im }, Split { re: &self.h_re, im: &self.h_im });
            complex_mac_rows(&mut self.acc_re[..bins], &mut self.acc_im[..bins], x, h, rows, 0..bins);
            for ((bin, re), im) in self.spectrum.iter_mut().zip(&self.acc_re).zip(&self.acc_im) {
                *bin = Complex::new(*re, *im);
            }
            // A real signal's DC and Nyquist bins are real; rounding must not
            // make the inverse transform refuse them.
            self.spectrum[0].im = 0.0;
            self.spectrum[bins - 1].im = 0.0;
            let _ = self.inverse.process_with_scratch(&mut self.spectrum, &mut self.time, &mut self.scratch);
            acc.add(output, clock + self.start as u64 - size as u64, &self.time[size..]);
        }
    }

    /// Forgets every input block.
    pub(crate) fn clear(&mut self) {
        self.fdl_re.fill(0.0);
        self.fdl_im.fill(0.0);
        self.ahead_re.fill(0.0);
        self.ahead_im.fill(0.0);
        self.newest = 0;
    }
}

/// An interleaved spectrum into split real and imaginary parts.
fn split(spectrum: &[Complex<f32>], re: &mut [f32], im: &mut [f32]) {
    for ((bin, re), im) in spectrum.iter().zip(re).zip(im) {
        *re = bin.re;
        *im = bin.im;
    }
}
