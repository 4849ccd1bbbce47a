//! What a plugin is: the description an author (or the generator) writes, in
//! plain Rust with no VST3 types.

use crate::engine::EngineConfig;

/// Effect (audio in, audio out) or instrument (notes in, audio out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    Effect,
    Instrument,
}

/// One automatable parameter. The processor receives plain values
/// (`min..=max`) as [`crate::engine::EventKind::Param`]; hosts see them
/// normalized to 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    pub id: u32,
    pub title: &'static str,
    pub units: &'static str,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    pub automatable: bool,
}

impl ParamSpec {
    /// Normalized 0..=1 to `min..=max`.
    pub fn to_plain(&self, normalized: f64) -> f64 {
        self.min + normalized.clamp(0.0, 1.0) * (self.max - self.min)
    }

    /// `min..=max` to normalized 0..=1.
    pub fn to_normalized(&self, plain: f64) -> f64 {
        if self.max == self.min { 0.0 } else { ((plain - self.min) / (self.max - self.min)).clamp(0.0, 1.0) }
    }

    pub fn default_normalized(&self) -> f64 {
        self.to_normalized(self.default)
    }
}

/// The id of the bypass parameter every plugin gets (flagged `kIsBypass`).
pub const BYPASS_PARAM_ID: u32 = 0x7FFF_0001;
/// Read-only parameter: frames played as silence because they were not ready
/// (plain value = the count, up to [`UNDERRUNS_MAX`]).
pub const UNDERRUNS_PARAM_ID: u32 = 0x7FFF_0002;
/// Read-only parameter: how full the write-ahead buffer is (0 to 1).
pub const FILL_PARAM_ID: u32 = 0x7FFF_0003;
/// The underrun count that maps to a normalized 1.0 (counts are exact below it).
pub const UNDERRUNS_MAX: f64 = 1_000_000.0;

/// Everything the VST3 layer needs to present a processor as a plugin.
#[derive(Debug, Clone, Copy)]
pub struct PluginInfo {
    pub name: &'static str,
    pub vendor: &'static str,
    pub url: &'static str,
    pub email: &'static str,
    pub version: &'static str,
    /// The class id, as the four 32-bit words of a VST3 `uid`. Keep it stable:
    /// hosts store it in saved sessions.
    pub class_id: [u32; 4],
    pub kind: PluginKind,
    /// Audio channels of the main bus (in and out for effects).
    pub channels: usize,
    pub latency_ms: f64,
    /// Run the processor ahead on a worker (true) or inline (false).
    pub buffering: bool,
    pub params: &'static [ParamSpec],
}

impl PluginInfo {
    /// The VST3 subcategories string.
    pub fn subcategories(&self) -> &'static str {
        match self.kind {
            PluginKind::Effect => "Fx",
            PluginKind::Instrument => "Instrument|Synth",
        }
    }

    /// The engine configuration this plugin runs with.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig { buffering: self.buffering, latency_ms: self.latency_ms, ..EngineConfig::default() }
    }

    /// The index of parameter `id` in the plugin's parameter list: its own
    /// parameters, then bypass, then the two telemetry parameters.
    pub(crate) fn param_index(&self, id: u32) -> Option<usize> {
        let own = self.params.len();
        match id {
            BYPASS_PARAM_ID => Some(own),
            UNDERRUNS_PARAM_ID => Some(own + 1),
            FILL_PARAM_ID => Some(own + 2),
            _ => self.params.iter().position(|p| p.id == id),
        }
    }

    /// Parameters that are saved: the plugin's own and bypass.
    pub(crate) fn param_count(&self) -> usize {
        self.params.len() + 1
    }

    /// Every parameter a host sees: the saved ones and the telemetry.
    pub(crate) fn host_param_count(&self) -> usize {
        self.params.len() + 3
    }
}
