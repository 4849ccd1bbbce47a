//! Tremolo: amplitude modulation by a sine LFO.

use super::ParamSpec;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor};

pub const RATE_HZ: u32 = 0;
pub const DEPTH: u32 = 1;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: RATE_HZ,
        title: "Rate",
        units: "Hz",
        min: 0.1,
        max: 20.0,
        default: 5.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
    ParamSpec {
        id: DEPTH,
        title: "Depth",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 0.5,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
];

/// `gain = 1 - depth * (1 - cos(phase)) / 2`: 1 at phase 0, `1 - depth` at
/// half a period. The phase runs on the sample clock, so it is exact and
/// independent of block sizes.
pub struct Tremolo {
    rate: f64,
    depth: f32,
    sample_rate: f64,
    /// Phase in cycles, 0..1.
    phase: f64,
}

impl Default for Tremolo {
    fn default() -> Self {
        Self { rate: 5.0, depth: 0.5, sample_rate: 48_000.0, phase: 0.0 }
    }
}

impl Processor for Tremolo {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let step = self.rate / self.sample_rate;
        let start = self.phase;
        let mut end = start;
        for channel in audio.channels_mut() {
            let mut phase = start;
            for sample in channel.iter_mut() {
                let lfo = (1.0 - (2.0 * std::f64::consts::PI * phase).cos()) as f32 * 0.5;
                *sample *= 1.0 - self.depth * lfo;
                phase = (phase + step).fract();
            }
            end = phase;
        }
        // The phase carried on is the one accumulated sample by sample, so the
        // output does not depend on where blocks are cut.
        self.phase = end;
    }

    fn event(&mut self, event: &EventKind) {
        match *event {
            EventKind::Param { id: RATE_HZ, value } => self.rate = value,
            EventKind::Param { id: DEPTH, value } => self.depth = value as f32,
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.phase = 0.0;
    }
}
