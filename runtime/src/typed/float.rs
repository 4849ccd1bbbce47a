//! A continuous parameter as a DSP reads it: plain values, smoothed per sample.

use super::Smoother;
use crate::engine::ProcessSetup;
use crate::plugin::ParamSpec;

/// A continuous parameter: the plain value (`min..=max`, in its units) the
/// host set, ramped over the spec's `smooth_ms` when it changes.
///
/// Read it once per sample with [`FloatParam::next`], or a block at a time
/// with [`FloatParam::block`]; a change arrives between two samples (the
/// engine splits blocks at events), so its ramp starts at the sample it was
/// made for.
#[derive(Debug, Clone)]
pub struct FloatParam {
    spec: ParamSpec,
    smoother: Smoother,
    /// One value per frame for [`FloatParam::block`], sized in `prepare`.
    block: Vec<f32>,
}

impl FloatParam {
    /// At the spec's default, settled.
    pub fn new(spec: &ParamSpec) -> Self {
        Self { spec: *spec, smoother: Smoother::new(spec.default), block: Vec::new() }
    }

    pub fn spec(&self) -> &ParamSpec {
        &self.spec
    }

    /// Takes a new plain value from the next sample on (clamped to the range;
    /// a non-finite value is ignored).
    pub fn set(&mut self, plain: f64) {
        if plain.is_finite() {
            self.smoother.set_target(plain.clamp(self.spec.min, self.spec.max));
        }
    }

    /// The value for the next sample: call once per sample.
    #[inline]
    #[allow(clippy::should_implement_trait, reason = "a value per sample for ever, not an iterator that ends")]
    pub fn next(&mut self) -> f64 {
        self.smoother.next()
    }

    /// Advances `frames` samples without reading them (a block the DSP
    /// processes with one value because [`FloatParam::is_smoothing`] is false).
    pub fn skip(&mut self, frames: usize) {
        self.smoother.skip(frames);
    }

    /// The value the last sample read.
    pub fn value(&self) -> f64 {
        self.smoother.current()
    }

    /// Where the value is heading (the last value set).
    pub fn target(&self) -> f64 {
        self.smoother.target()
    }

    /// Whether the value is still ramping.
    pub fn is_smoothing(&self) -> bool {
        self.smoother.is_ramping()
    }

    /// The next `frames` values, one per sample (as many `next` calls), in a
    /// buffer sized by `prepare` for `max_block` frames.
    pub fn block(&mut self, frames: usize) -> &[f32] {
        let frames = frames.min(self.block.len());
        for value in &mut self.block[..frames] {
            *value = self.smoother.next() as f32;
        }
        &self.block[..frames]
    }

    /// Sizes the block buffer and the ramp for `setup`; jumps to the target.
    /// Not on the audio thread (it allocates).
    pub fn prepare(&mut self, setup: &ProcessSetup) {
        self.block = vec![0.0; setup.max_block];
        self.smoother.set_frames(Smoother::frames_for(self.spec.smooth_ms, setup.sample_rate));
        self.smoother.reset();
    }

    /// Jumps to the target; a value set before the next sample is taken at
    /// once too (after a restart there is nothing to ramp from).
    pub fn reset(&mut self) {
        self.smoother.reset();
    }
}
