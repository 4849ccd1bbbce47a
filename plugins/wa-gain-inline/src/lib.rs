// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Gain Inline: a gain effect, 2 channels; its DSP runs inline in the host's callback (buffering off, no added latency).

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Gain (dB), -60 to 24, default 0.
    pub const GAIN: u32 = 0;
}

const PARAMS: &[ParamSpec] = &[ParamSpec::find(runtime::dsp::gain::PARAMS, params::GAIN)];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(1, false);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Gain Inline",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // 47134895855376C8384242C3871A5E99: derived from vendor and name, or set in plugins.toml.
    class_id: [0x47134895, 0x855376C8, 0x384242C3, 0x871A5E99],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: false,
    params: PARAMS,
    meter_params: false,
    presets: &[],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::gain::Gain::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::gain::Gain::new(PARAMS));
