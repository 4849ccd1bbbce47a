//! Presets: named sets of parameter values a plugin's description lists
//! ([`PluginInfo::presets`]). Applying one stores each value it names into
//! the plugin's parameter values (normalized, host order); the format glue
//! then has the processor hear them (as after a state load) and tells the
//! host. A parameter a preset does not name keeps its value.

use std::sync::atomic::{AtomicU64, Ordering};

use super::PluginInfo;
use super::params::Role;

impl PluginInfo {
    /// The parameters preset `index` sets, as `(host index, normalized)`;
    /// None if there is no such preset. Ids that are not a settable
    /// parameter of this plugin are skipped.
    pub(crate) fn preset_values(&self, index: usize) -> Option<impl Iterator<Item = (usize, f64)> + '_> {
        let preset = self.presets.get(index)?;
        Some(preset.values.iter().filter_map(|&(id, plain)| {
            let (index, param) = self.host_param_by_id(id)?;
            (param.role != Role::Meter).then(|| (index, param.to_normalized(plain)))
        }))
    }

    /// Stores preset `index`'s values into `values` (normalized, host
    /// order); false if there is no such preset.
    pub(crate) fn apply_preset(&self, index: usize, values: &[AtomicU64]) -> bool {
        let Some(preset) = self.preset_values(index) else { return false };
        for (param, normalized) in preset {
            values[param].store(normalized.to_bits(), Ordering::Relaxed);
        }
        true
    }

    /// The preset whose values every parameter has, if one does (the first
    /// of several that match).
    pub(crate) fn matching_preset(&self, values: &[AtomicU64]) -> Option<usize> {
        (0..self.presets.len()).find(|&index| {
            self.preset_values(index).is_some_and(|mut preset| {
                preset.all(|(param, normalized)| {
                    (f64::from_bits(values[param].load(Ordering::Relaxed)) - normalized).abs() < 1e-9
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::{BYPASS_PARAM_ID, ParamSpec, PluginKind, Preset};

    const PARAMS: &[ParamSpec] = &[ParamSpec {
        id: 7,
        title: "Drive",
        units: "",
        min: 0.0,
        max: 10.0,
        default: 1.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
        value_names: &[],
    }];

    const PRESETS: &[Preset] = &[
        Preset { name: "Hot", values: &[(7, 8.0), (BYPASS_PARAM_ID, 0.0)] },
        Preset { name: "Off", values: &[(BYPASS_PARAM_ID, 1.0), (99, 1.0)] },
    ];

    fn info() -> PluginInfo {
        PluginInfo {
            name: "P",
            vendor: "",
            url: "",
            email: "",
            version: "1.0.0",
            class_id: [0; 4],
            kind: PluginKind::Effect,
            layouts: &[2],
            latency_ms: 50.0,
            latency_ceiling_ms: None,
            buffering: true,
            params: PARAMS,
            meter_params: false,
            presets: PRESETS,
            editor: None,
        }
    }

    #[test]
    fn a_preset_sets_the_values_it_names_and_leaves_the_rest() {
        let info = info();
        let values: Vec<AtomicU64> = [0.1_f64, 0.0].iter().map(|v| AtomicU64::new(v.to_bits())).collect();
        assert_eq!(info.matching_preset(&values), None);
        assert!(info.apply_preset(0, &values));
        let now = |i: usize| f64::from_bits(values[i].load(Ordering::Relaxed));
        assert_eq!((now(0), now(1)), (0.8, 0.0));
        assert_eq!(info.matching_preset(&values), Some(0));
        assert!(info.apply_preset(1, &values));
        assert_eq!((now(0), now(1)), (0.8, 1.0), "drive kept; an unknown id skipped");
        assert_eq!(info.matching_preset(&values), Some(1));
        assert!(!info.apply_preset(2, &values), "no such preset");
    }
}
