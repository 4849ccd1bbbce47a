//! Gain: one parameter, in decibels, smoothed so that changes do not zipper.

use super::{ParamSpec, db_to_gain};
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor};
use crate::typed::{FloatParam, ParamSet};

pub const GAIN_DB: u32 = 0;

/// How long a gain change ramps by default (linearly in decibels).
pub const SMOOTH_MS: f64 = 10.0;

pub const PARAMS: &[ParamSpec] = &[ParamSpec {
    id: GAIN_DB,
    title: "Gain",
    units: "dB",
    min: -60.0,
    max: 24.0,
    default: 0.0,
    automatable: true,
    steps: 0,
    smooth_ms: SMOOTH_MS,
    value_names: &[],
}];

/// Multiplies every channel by a gain set in decibels. A change ramps over
/// the parameter's `smooth_ms` from the sample it arrives at.
pub struct Gain {
    gain_db: FloatParam,
    /// The factor while the gain is settled.
    factor: f32,
    /// One factor per frame while it ramps, sized in `prepare`.
    ramp: Vec<f32>,
}

impl Default for Gain {
    fn default() -> Self {
        Self::new(PARAMS)
    }
}

impl Gain {
    /// A gain with the plugin's own spec of the parameter (range, default and
    /// smoothing as plugins.toml set them), found by id in `params`.
    pub fn new(params: &[ParamSpec]) -> Self {
        let spec = params.iter().find(|p| p.id == GAIN_DB).copied().unwrap_or(PARAMS[0]);
        let gain_db = FloatParam::new(&spec);
        Self { factor: db_to_gain(gain_db.target()), gain_db, ramp: Vec::new() }
    }
}

impl ParamSet for Gain {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        if id != GAIN_DB {
            return false;
        }
        self.gain_db.set(plain);
        self.factor = db_to_gain(self.gain_db.target());
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.gain_db.prepare(setup);
        self.ramp = vec![0.0; setup.max_block];
    }

    fn reset(&mut self) {
        self.gain_db.reset();
    }
}

impl Processor for Gain {
    fn prepare(&mut self, setup: &ProcessSetup) {
        ParamSet::prepare(self, setup);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        if !self.gain_db.is_smoothing() {
            // Settled: one factor for the whole block.
            self.gain_db.skip(audio.frames());
            if self.factor == 1.0 {
                return;
            }
            for channel in audio.channels_mut() {
                channel.iter_mut().for_each(|s| *s *= self.factor);
            }
            return;
        }
        let frames = audio.frames().min(self.ramp.len());
        for factor in &mut self.ramp[..frames] {
            *factor = db_to_gain(self.gain_db.next());
        }
        for channel in audio.channels_mut() {
            for (sample, factor) in channel.iter_mut().zip(&self.ramp[..frames]) {
                *sample *= factor;
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        ParamSet::event(self, event);
    }

    fn reset(&mut self) {
        ParamSet::reset(self);
    }
}
