//! A stepped parameter (a choice, a switch, a whole number) as a DSP reads it.

use crate::engine::ProcessSetup;
use crate::plugin::ParamSpec;

/// A parameter with `spec.steps + 1` values: it changes at once, never
/// smoothed. [`SteppedParam::index`] is the step, 0 to `steps`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteppedParam {
    spec: ParamSpec,
    index: u32,
}

impl SteppedParam {
    pub fn new(spec: &ParamSpec) -> Self {
        let mut param = Self { spec: *spec, index: 0 };
        param.set(spec.default);
        param
    }

    pub fn spec(&self) -> &ParamSpec {
        &self.spec
    }

    /// Takes the step nearest to `plain` (a non-finite value is ignored).
    pub fn set(&mut self, plain: f64) {
        let (min, max, steps) = (self.spec.min, self.spec.max, self.spec.steps.max(1));
        if plain.is_finite() && max > min {
            let position = ((plain.clamp(min, max) - min) / (max - min) * f64::from(steps)).round();
            self.index = (position as u32).min(steps);
        }
    }

    /// Nothing to size: a stepped parameter has no ramp (here so that a
    /// parameter struct can prepare every field alike).
    pub fn prepare(&mut self, _setup: &ProcessSetup) {}

    /// Nothing to end: a stepped parameter has no ramp.
    pub fn reset(&mut self) {}

    /// The step, 0 to `steps`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The step's plain value.
    pub fn value(&self) -> f64 {
        let (min, max, steps) = (self.spec.min, self.spec.max, self.spec.steps.max(1));
        min + f64::from(self.index) * ((max - min) / f64::from(steps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_nearest_step_and_ignores_non_finite_values() {
        let spec = ParamSpec {
            id: 1,
            title: "Voices",
            units: "",
            min: 1.0,
            max: 8.0,
            default: 4.0,
            automatable: true,
            steps: 7,
            smooth_ms: 0.0,
            value_names: &[],
        };
        let mut voices = SteppedParam::new(&spec);
        assert_eq!((voices.index(), voices.value()), (3, 4.0));
        voices.set(6.4);
        assert_eq!((voices.index(), voices.value()), (5, 6.0));
        for bad in [f64::NAN, f64::INFINITY] {
            voices.set(bad);
        }
        assert_eq!(voices.value(), 6.0, "unchanged");
        voices.set(100.0);
        assert_eq!(voices.value(), 8.0, "clamped to the range");
    }
}
