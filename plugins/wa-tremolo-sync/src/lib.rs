// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Tremolo Sync: a tremolo effect synced to the host's tempo (one period per 1/8 note), 2 channels; its DSP runs 50 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Depth, 0 to 1, default 0.5.
    pub const DEPTH: u32 = 1;
}

const PARAMS: &[ParamSpec] = &[ParamSpec::find(runtime::dsp::tremolo::PARAMS, params::DEPTH)];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(1, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Tremolo Sync",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // 9B78A281E71E63A31DADAA4CA1A9BC24: derived from vendor and name, or set in plugins.toml.
    class_id: [0x9B78A281, 0xE71E63A3, 0x1DADAA4C, 0xA1A9BC24],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::tremolo::Tremolo::synced_with(runtime::dsp::NoteValue::new(1, 8), PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::tremolo::Tremolo::synced_with(runtime::dsp::NoteValue::new(1, 8), PARAMS));
