// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Gain: a gain effect, 2 channels; its DSP runs 50 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Gain (dB), -60 to 24, default 0.
    pub const GAIN: u32 = 0;
}

const PARAMS: &[ParamSpec] =
    &[ParamSpec { smooth_ms: 20.0, ..ParamSpec::find(runtime::dsp::gain::PARAMS, params::GAIN) }];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(1, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Gain",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // E7E64DF99B85CAFD66EA2E58D9AEE6D4: derived from vendor and name, or set in plugins.toml.
    class_id: [0xE7E64DF9, 0x9B85CAFD, 0x66EA2E58, 0xD9AEE6D4],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[
        runtime::plugin::Preset { name: "Unity", values: &[(params::GAIN, 0.0)] },
        runtime::plugin::Preset { name: "Half", values: &[(params::GAIN, -6.0)] },
        runtime::plugin::Preset { name: "Quiet", values: &[(params::GAIN, -20.0)] },
    ],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::gain::Gain::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::gain::Gain::new(PARAMS));
