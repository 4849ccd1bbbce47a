//! Gain: one parameter, in decibels.

use super::{ParamSpec, db_to_gain};
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor};

pub const GAIN_DB: u32 = 0;

pub const PARAMS: &[ParamSpec] =
    &[ParamSpec { id: GAIN_DB, title: "Gain", units: "dB", min: -60.0, max: 24.0, default: 0.0, automatable: true }];

/// Multiplies every channel by a gain set in decibels.
pub struct Gain {
    factor: f32,
}

impl Default for Gain {
    fn default() -> Self {
        Self { factor: 1.0 }
    }
}

impl Processor for Gain {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        if self.factor == 1.0 {
            return;
        }
        for channel in audio.channels_mut() {
            channel.iter_mut().for_each(|s| *s *= self.factor);
        }
    }

    fn event(&mut self, event: &EventKind) {
        if let EventKind::Param { id: GAIN_DB, value } = *event {
            self.factor = db_to_gain(value);
        }
    }

    fn reset(&mut self) {
        self.factor = 1.0;
    }
}
