//! What a plugin is, whatever the format: the description an author (or the
//! generator) writes, in plain Rust with no format's types. The format glue
//! (`vst3/`, `clap/`) reads it and adds only its FFI.
//!
//! - [`PluginInfo`] and [`PluginKind`]: names, ids, bus layouts, latency,
//!   parameters;
//! - [`ParamSpec`] and the parameters every plugin gets after its own, with
//!   their conversions and display text (`params.rs`);
//! - the saved state's bytes (`state.rs`);
//! - a [`FileSlot`]: a file the state names and the editor changes while the
//!   plugin plays (a convolver's impulse response; `file_slot.rs`);
//! - the tail reported to hosts (`tail.rs`);
//! - [`Preset`]s, and the [`Editor`] a plugin opens.

mod file_slot;
pub(crate) mod params;
mod presets;
pub(crate) mod state;
pub(crate) mod tail;

pub use params::{
    BYPASS_PARAM_ID, FILL_PARAM_ID, PROGRAM_PARAM_ID, RESERVED_PARAM_IDS, UNDERRUNS_MAX, UNDERRUNS_PARAM_ID,
};

pub use file_slot::{FileSlot, FileStatus};

use crate::editor::Editor;
use crate::engine::EngineConfig;

/// Effect (audio in, audio out) or instrument (notes in, audio out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    Effect,
    Instrument,
}

/// One parameter: a plugin's own (the processor receives plain values,
/// `min..=max`, as [`crate::engine::EventKind::Param`]; hosts see them
/// normalized to 0..=1), and also how the engine describes the Bypass and
/// meter parameters every plugin gets after its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    pub id: u32,
    pub title: &'static str,
    pub units: &'static str,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    pub automatable: bool,
    /// 0: continuous. n: stepped, `n + 1` evenly spaced values (a choice, a
    /// switch); hosts show it as such and it is never smoothed.
    pub steps: u32,
    /// How long a change ramps, in ms, in the DSP ([`crate::typed::FloatParam`]);
    /// 0: changes apply at once.
    pub smooth_ms: f64,
    /// A stepped parameter's values as hosts and editors show them, one per
    /// step from `min` (a filter's "Low-pass", "High-pass", "Band-pass");
    /// empty: shown as numbers with the units.
    pub value_names: &'static [&'static str],
}

impl ParamSpec {
    /// The spec with id `id` in `specs`: how a generated plugin names a
    /// built-in kind's parameter (`ParamSpec { default: 1.0, ..ParamSpec::find(...) }`).
    /// Panics (at compile time, in a constant) if there is none.
    pub const fn find(specs: &[ParamSpec], id: u32) -> ParamSpec {
        let mut index = 0;
        while index < specs.len() {
            if specs[index].id == id {
                return specs[index];
            }
            index += 1;
        }
        panic!("no parameter with this id")
    }

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

/// A named set of parameter values a user can pick (hosts list them as
/// programs or presets; the generic editor lists them too).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    pub name: &'static str,
    /// `(parameter id, plain value)`; a parameter not named keeps its value.
    pub values: &'static [(u32, f64)],
}

/// Everything a format needs to present a processor as a plugin.
#[derive(Debug, Clone, Copy)]
pub struct PluginInfo {
    pub name: &'static str,
    pub vendor: &'static str,
    pub url: &'static str,
    pub email: &'static str,
    pub version: &'static str,
    /// The class id, as four 32-bit words (a VST3 `uid`). Keep it stable:
    /// hosts store it in saved sessions.
    pub class_id: [u32; 4],
    pub kind: PluginKind,
    /// The channel counts the main bus supports (in and out alike, for
    /// effects), the preferred first: a host may pick any of them (VST3
    /// `setBusArrangements`), and the plugin starts with the first. Each is
    /// 1 to [`crate::limits::MAX_CHANNELS`], listed once.
    pub layouts: &'static [usize],
    pub latency_ms: f64,
    /// Adaptive latency: the most `latency_ms` may grow to when the engine
    /// measures stalls close to its headroom (the host is told, and takes it
    /// when it reactivates the plugin). `None`: fixed latency.
    pub latency_ceiling_ms: Option<f64>,
    /// Run the processor ahead on a worker (true) or inline (false).
    pub buffering: bool,
    /// The plugin's own parameters; hosts see Bypass (and, with
    /// [`Self::meter_params`], the two meters) after them.
    pub params: &'static [ParamSpec],
    /// Also show the engine's telemetry (Underruns, Buffer fill) as
    /// read-only parameters, for hosts that show no editor. Off by default:
    /// a value that moves during `process` is not a parameter to hosts that
    /// compare values between runs (clap-validator), and the editor shows the
    /// telemetry itself.
    pub meter_params: bool,
    /// The presets hosts and the editor list.
    pub presets: &'static [Preset],
    /// The window the plugin opens, if any.
    pub editor: Option<&'static dyn Editor>,
}

impl PluginInfo {
    /// The preferred channel count: the first of [`Self::layouts`], which the
    /// main bus has until a host picks another (0 if the list is empty, which
    /// no setup accepts).
    pub fn channels(&self) -> usize {
        self.layouts.first().copied().unwrap_or(0)
    }

    /// Whether the main bus may have `channels` channels.
    pub fn supports_channels(&self, channels: usize) -> bool {
        self.layouts.contains(&channels)
    }

    /// The engine configuration this plugin runs with.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            buffering: self.buffering,
            latency_ms: self.latency_ms,
            latency_ceiling_ms: self.latency_ceiling_ms,
            ..EngineConfig::default()
        }
    }
}
