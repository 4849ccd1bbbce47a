// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Tremolo: a tremolo effect, 1 or 2 channels (1 preferred); its DSP runs 50 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Rate (Hz), 0.1 to 20, default 5.
    pub const RATE: u32 = 0;
    /// Depth, 0 to 1, default 0.5.
    pub const DEPTH: u32 = 1;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec::find(runtime::dsp::tremolo::PARAMS, params::RATE),
    ParamSpec::find(runtime::dsp::tremolo::PARAMS, params::DEPTH),
];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(2, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Tremolo",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // BA02FFCB4D1C14073BA40E7464F42579: derived from vendor and name, or set in plugins.toml.
    class_id: [0xBA02FFCB, 0x4D1C1407, 0x3BA40E74, 0x64F42579],
    kind: PluginKind::Effect,
    layouts: &[1, 2],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::tremolo::Tremolo::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::tremolo::Tremolo::new(PARAMS));
