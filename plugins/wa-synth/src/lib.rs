// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Synth: a synth instrument, 2 channels; its DSP runs 50 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Waveform, 0 to 1, default 0.
    pub const WAVEFORM: u32 = 0;
    /// Attack (ms), 0 to 2000, default 5.
    pub const ATTACK: u32 = 1;
    /// Release (ms), 0 to 5000, default 200.
    pub const RELEASE: u32 = 2;
    /// Level (dB), -60 to 0, default -12.
    pub const LEVEL: u32 = 3;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec::find(runtime::dsp::synth::PARAMS, params::WAVEFORM),
    ParamSpec::find(runtime::dsp::synth::PARAMS, params::ATTACK),
    ParamSpec::find(runtime::dsp::synth::PARAMS, params::RELEASE),
    ParamSpec::find(runtime::dsp::synth::PARAMS, params::LEVEL),
];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(4, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Synth",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // 36D23E7662A0C5CDA22727F5CEAB2B8B: derived from vendor and name, or set in plugins.toml.
    class_id: [0x36D23E76, 0x62A0C5CD, 0xA22727F5, 0xCEAB2B8B],
    kind: PluginKind::Instrument,
    layouts: &[2],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::synth::Synth::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::synth::Synth::new(PARAMS));
