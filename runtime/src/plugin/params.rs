//! Every parameter a host sees, described one way: the plugin's own
//! ([`PluginInfo::params`]), then Bypass, then the two read-only meters
//! (Underruns and Buffer fill). Each is a [`ParamSpec`] (range, units,
//! default) plus how its values are spaced and shown and what it is for, so
//! ids, ranges, normalized <-> plain conversions, display text and what the
//! engine receives all come from here, with no VST3 types: the format glue
//! reads this list and adds only its flags.
//!
//! Conversions follow the VST3 rules: a continuous parameter maps 0..=1
//! linearly onto `min..=max`; a stepped one with `steps` steps has
//! `steps + 1` values, plain = `min + k * (max - min) / steps` with
//! `k = min(steps, floor(normalized * (steps + 1)))`, and normalized `k / steps`.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{ParamSpec, PluginInfo};
use crate::engine::{Engine, EngineStats, EventKind, Processor};

/// The id of the bypass parameter every plugin gets (flagged `kIsBypass`).
pub const BYPASS_PARAM_ID: u32 = 0x7FFF_0001;
/// Read-only parameter: frames played as silence because they were not ready
/// (plain value = the count in frames, up to [`UNDERRUNS_MAX`]).
pub const UNDERRUNS_PARAM_ID: u32 = 0x7FFF_0002;
/// Read-only parameter: how full the write-ahead buffer is (0 to 100 %).
pub const FILL_PARAM_ID: u32 = 0x7FFF_0003;
/// VST3's program-change parameter, which selects a preset (a plugin with
/// presets has it after every other parameter; CLAP loads presets through
/// its own extension instead).
pub const PROGRAM_PARAM_ID: u32 = 0x7FFF_0004;
/// Every id the engine's parameters use: a plugin's own must differ.
pub const RESERVED_PARAM_IDS: [u32; 4] = [BYPASS_PARAM_ID, UNDERRUNS_PARAM_ID, FILL_PARAM_ID, PROGRAM_PARAM_ID];
/// The largest underrun count the meter shows (normalized 1.0); counts are
/// exact up to it and stay there beyond it.
pub const UNDERRUNS_MAX: f64 = 1_000_000.0;

/// What a parameter is for, which decides what hosts and the engine do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// One of the plugin's own: saved, and sent to the processor.
    Own,
    /// The bypass switch: saved, and sent to the engine.
    Bypass,
    /// A read-only meter: written by the engine, never saved or set by a host.
    Meter,
}

/// How a parameter's values are spaced and shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scale {
    /// Any value in range, shown with this many decimals.
    Continuous { decimals: usize },
    /// `steps + 1` evenly spaced values, shown by `labels` (one per value) or,
    /// without labels, as whole numbers.
    Stepped { steps: u32, labels: &'static [&'static str] },
}

/// One parameter as hosts see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HostParam {
    pub(crate) spec: ParamSpec,
    pub(crate) role: Role,
    pub(crate) scale: Scale,
}

/// Bypass: off or on, saved and automatable.
const BYPASS: HostParam = HostParam {
    spec: ParamSpec {
        id: BYPASS_PARAM_ID,
        title: "Bypass",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 0.0,
        automatable: true,
        steps: 1,
        smooth_ms: 0.0,
        value_names: &[],
    },
    role: Role::Bypass,
    scale: Scale::Stepped { steps: 1, labels: &["Off", "On"] },
};

/// Underruns: a whole number of frames.
const UNDERRUNS: HostParam = HostParam {
    spec: ParamSpec {
        id: UNDERRUNS_PARAM_ID,
        title: "Underruns",
        units: "frames",
        min: 0.0,
        max: UNDERRUNS_MAX,
        default: 0.0,
        automatable: false,
        steps: UNDERRUNS_MAX as u32,
        smooth_ms: 0.0,
        value_names: &[],
    },
    role: Role::Meter,
    scale: Scale::Stepped { steps: UNDERRUNS_MAX as u32, labels: &[] },
};

/// Buffer fill: the worker's lead as a share of the output ring, in percent.
const FILL: HostParam = HostParam {
    spec: ParamSpec {
        id: FILL_PARAM_ID,
        title: "Buffer fill",
        units: "%",
        min: 0.0,
        max: 100.0,
        default: 0.0,
        automatable: false,
        steps: 0,
        smooth_ms: 0.0,
        value_names: &[],
    },
    role: Role::Meter,
    scale: Scale::Continuous { decimals: 1 },
};

/// The parameters every plugin gets after its own, in this order; the
/// meters only with [`PluginInfo::meter_params`].
static ENGINE_PARAMS: [HostParam; 3] = [BYPASS, UNDERRUNS, FILL];

/// The meters' plain values (frames, percent) in an engine's stats.
pub(crate) fn meter_readings(stats: &EngineStats) -> [(HostParam, f64); 2] {
    [(UNDERRUNS, stats.underruns as f64), (FILL, 100.0 * stats.fill)]
}

impl HostParam {
    /// A plugin's own parameter: continuous, shown with two decimals, or
    /// stepped, shown by its value names or as whole numbers.
    fn own(spec: ParamSpec) -> Self {
        let scale = match spec.steps {
            0 => Scale::Continuous { decimals: 2 },
            steps => Scale::Stepped { steps, labels: spec.value_names },
        };
        Self { spec, role: Role::Own, scale }
    }

    pub(crate) fn id(self) -> u32 {
        self.spec.id
    }

    /// Steps between the first and last value; 0 when continuous.
    pub(crate) fn steps(self) -> u32 {
        match self.scale {
            Scale::Continuous { .. } => 0,
            Scale::Stepped { steps, .. } => steps,
        }
    }

    /// Normalized 0..=1 to plain `min..=max` (a step's value when stepped).
    pub(crate) fn to_plain(self, normalized: f64) -> f64 {
        let normalized = if normalized.is_nan() { 0.0 } else { normalized.clamp(0.0, 1.0) };
        match self.scale {
            Scale::Continuous { .. } => self.spec.to_plain(normalized),
            Scale::Stepped { steps, .. } => {
                let (min, max) = (self.spec.min, self.spec.max);
                min + f64::from(step_of(normalized, steps)) * ((max - min) / f64::from(steps))
            }
        }
    }

    /// Plain `min..=max` to normalized 0..=1 (the nearest step's when stepped).
    pub(crate) fn to_normalized(self, plain: f64) -> f64 {
        let linear = if plain.is_nan() { 0.0 } else { self.spec.to_normalized(plain) };
        match self.scale {
            Scale::Continuous { .. } => linear,
            Scale::Stepped { steps, .. } => (linear * f64::from(steps)).round() / f64::from(steps),
        }
    }

    pub(crate) fn default_normalized(self) -> f64 {
        self.to_normalized(self.spec.default)
    }

    /// What a host shows for `normalized`: its label, or the plain value with
    /// the units after a space.
    pub(crate) fn text(self, normalized: f64) -> String {
        let plain = self.to_plain(normalized);
        let number = match self.scale {
            Scale::Continuous { decimals } => number(plain, decimals),
            Scale::Stepped { steps, labels } => match labels.get(step_of(normalized, steps) as usize) {
                Some(label) => return (*label).to_string(),
                None => number(plain, 0),
            },
        };
        if self.spec.units.is_empty() { number } else { format!("{number} {}", self.spec.units) }
    }

    /// The normalized value of `text` as [`Self::text`] writes it (a label, or
    /// a number with or without the units), or None if it is neither.
    pub(crate) fn parse(self, text: &str) -> Option<f64> {
        let text = text.trim();
        if let Scale::Stepped { steps, labels } = self.scale
            && let Some(step) = labels.iter().position(|label| label.eq_ignore_ascii_case(text))
        {
            return Some(step as f64 / f64::from(steps));
        }
        let units = self.spec.units;
        let number = match text.len().checked_sub(units.len()) {
            Some(cut) if !units.is_empty() && text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(units) => {
                &text[..cut]
            }
            _ => text,
        };
        let plain: f64 = number.trim().parse().ok()?;
        plain.is_finite().then(|| self.to_normalized(plain))
    }

    /// What the engine receives when a host sets the parameter to
    /// `normalized`; None for a meter, which hosts only read.
    pub(crate) fn event(self, normalized: f64) -> Option<EventKind> {
        match self.role {
            Role::Own => Some(EventKind::Param { id: self.spec.id, value: self.to_plain(normalized) }),
            Role::Bypass => Some(EventKind::Bypass(self.to_plain(normalized) == self.spec.max)),
            Role::Meter => None,
        }
    }
}

/// The step `normalized` falls in: `min(steps, floor(normalized * (steps + 1)))`.
fn step_of(normalized: f64, steps: u32) -> u32 {
    ((normalized * (f64::from(steps) + 1.0)).floor() as u32).min(steps)
}

/// `value` with `decimals` decimals; a value that rounds to zero shows as 0,
/// not -0 (which would read back as 0 and then show differently).
fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(magnitude) if magnitude.bytes().all(|b| b == b'0' || b == b'.') => magnitude.to_string(),
        _ => text,
    }
}

impl PluginInfo {
    /// The engine's parameters this plugin shows: Bypass, and the meters
    /// if it exposes them.
    fn engine_params(&self) -> &'static [HostParam] {
        if self.meter_params { &ENGINE_PARAMS } else { &ENGINE_PARAMS[..1] }
    }

    /// How many parameters a host sees: the plugin's own, bypass and the
    /// meters (if shown).
    pub(crate) fn host_param_count(&self) -> usize {
        self.params.len() + self.engine_params().len()
    }

    /// The parameter at `index` in host order.
    pub(crate) fn host_param(&self, index: usize) -> Option<HostParam> {
        match self.params.get(index) {
            Some(spec) => Some(HostParam::own(*spec)),
            None => self.engine_params().get(index - self.params.len()).copied(),
        }
    }

    /// Every parameter with its index, in host order.
    pub(crate) fn host_params(&self) -> impl Iterator<Item = (usize, HostParam)> + '_ {
        (0..self.host_param_count()).filter_map(|index| Some((index, self.host_param(index)?)))
    }

    /// The parameter with id `id` and its index.
    pub(crate) fn host_param_by_id(&self, id: u32) -> Option<(usize, HostParam)> {
        let index = match self.engine_params().iter().position(|p| p.spec.id == id) {
            Some(engine) => self.params.len() + engine,
            None => self.params.iter().position(|p| p.id == id)?,
        };
        Some((index, self.host_param(index)?))
    }

    /// Hands every parameter's current value (`values`: normalized, in host
    /// order) to an inactive engine's processor, so what the engine reports
    /// before audio flows (its tail) follows them. Every format calls it just
    /// before activating; the values go again with the first block.
    pub(crate) fn apply_while_inactive<P: Processor>(&self, values: &[AtomicU64], engine: &mut Engine<P>) {
        for (index, param) in self.host_params() {
            if let Some(event) = param.event(f64::from_bits(values[index].load(Ordering::Relaxed))) {
                engine.apply_while_inactive(&event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepped_values_round_trip_and_split_at_the_sdk_boundaries() {
        assert_eq!(UNDERRUNS.to_plain(140_416.0 / UNDERRUNS_MAX), 140_416.0);
        assert_eq!(UNDERRUNS.to_normalized(140_416.0), 140_416.0 / UNDERRUNS_MAX);
        assert_eq!(UNDERRUNS.text(UNDERRUNS.to_normalized(140_416.0)), "140416 frames");
        assert_eq!(UNDERRUNS.parse("140416 frames"), Some(0.140_416));
        assert_eq!(UNDERRUNS.to_plain(UNDERRUNS.to_normalized(2.0e6)), UNDERRUNS_MAX, "saturates");
        for count in [0.0, 1.0, 2.0, 999_999.0, UNDERRUNS_MAX] {
            assert_eq!(UNDERRUNS.to_plain(UNDERRUNS.to_normalized(count)), count);
        }
        assert_eq!((BYPASS.to_plain(0.49), BYPASS.to_plain(0.5)), (0.0, 1.0));
        assert_eq!((BYPASS.text(0.0), BYPASS.text(1.0)), ("Off".to_string(), "On".to_string()));
        assert_eq!(BYPASS.parse("ON"), Some(1.0));
        assert_eq!(BYPASS.event(0.7), Some(EventKind::Bypass(true)));
        assert_eq!(UNDERRUNS.event(0.7), None);
    }

    #[test]
    fn fill_reads_in_percent_and_text_reads_back() {
        assert_eq!(FILL.to_plain(0.084), 8.4);
        assert_eq!(FILL.text(0.084), "8.4 %");
        assert_eq!(FILL.parse("8.4 %"), Some(FILL.to_normalized(8.4)));
        assert_eq!(FILL.parse("8.4%"), FILL.parse("8.4"));
        assert_eq!(FILL.parse("full"), None);
        let gain = HostParam::own(ParamSpec {
            id: 0,
            title: "Gain",
            units: "dB",
            min: -24.0,
            max: 24.0,
            default: 0.0,
            automatable: true,
            steps: 0,
            smooth_ms: 0.0,
            value_names: &[],
        });
        assert_eq!(gain.text(0.499_999_9), "0.00 dB", "no -0.00");
        assert_eq!(gain.parse("-6 DB"), Some(0.375));
    }

    /// A built-in kind's named values: one name per step, shown by hosts and
    /// read back from a typed name in any case.
    #[test]
    fn named_values_are_what_hosts_show_and_read_back() {
        for specs in [crate::dsp::filter::PARAMS, crate::dsp::synth::PARAMS] {
            for spec in specs.iter().filter(|spec| !spec.value_names.is_empty()) {
                assert_eq!(spec.value_names.len() as u32, spec.steps + 1, "{}", spec.title);
            }
        }
        let mode = HostParam::own(ParamSpec::find(crate::dsp::filter::PARAMS, crate::dsp::filter::MODE));
        assert_eq!([mode.text(0.0), mode.text(0.5), mode.text(1.0)], ["Low-pass", "High-pass", "Band-pass"]);
        assert_eq!(mode.parse("band-pass"), Some(1.0));
        assert_eq!(mode.parse("2"), Some(1.0), "the plain value still reads");
        assert_eq!(mode.parse("notch"), None);
    }

    #[test]
    fn host_order_is_own_then_bypass_then_meters() {
        const PARAMS: &[ParamSpec] = &[ParamSpec {
            id: 7,
            title: "Mix",
            units: "",
            min: 0.0,
            max: 1.0,
            default: 0.5,
            automatable: true,
            steps: 0,
            smooth_ms: 0.0,
            value_names: &[],
        }];
        let info = PluginInfo {
            name: "Test",
            vendor: "",
            url: "",
            email: "",
            version: "",
            class_id: [0; 4],
            kind: crate::plugin::PluginKind::Effect,
            layouts: &[2],
            latency_ms: 50.0,
            latency_ceiling_ms: None,
            buffering: true,
            params: PARAMS,
            meter_params: true,
            presets: &[],
            editor: None,
        };
        let ids: Vec<u32> = info.host_params().map(|(_, p)| p.id()).collect();
        assert_eq!(ids, [7, BYPASS_PARAM_ID, UNDERRUNS_PARAM_ID, FILL_PARAM_ID]);
        let without_meters = PluginInfo { meter_params: false, ..info };
        let ids: Vec<u32> = without_meters.host_params().map(|(_, p)| p.id()).collect();
        assert_eq!(ids, [7, BYPASS_PARAM_ID], "meters are parameters only when asked for");
        assert_eq!(without_meters.host_param_by_id(FILL_PARAM_ID), None);
        for (index, param) in info.host_params() {
            assert_eq!(info.host_param_by_id(param.id()), Some((index, param)));
        }
        assert_eq!(info.host_param_by_id(8), None);
        assert_eq!(info.host_param(4), None);
    }
}
