// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Delay: a delay effect, 2 channels; its DSP runs 100 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Time (ms), 1 to 1500, default 375.
    pub const TIME: u32 = 0;
    /// Feedback, 0 to 0.95, default 0.4.
    pub const FEEDBACK: u32 = 1;
    /// Mix, 0 to 1, default 0.5.
    pub const MIX: u32 = 2;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec { max: 1500.0, default: 375.0, ..ParamSpec::find(runtime::dsp::delay::PARAMS, params::TIME) },
    ParamSpec::find(runtime::dsp::delay::PARAMS, params::FEEDBACK),
    ParamSpec::find(runtime::dsp::delay::PARAMS, params::MIX),
];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(3, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Delay",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // D1927549E0A0C5CDA2270F28C4B72962: derived from vendor and name, or set in plugins.toml.
    class_id: [0xD1927549, 0xE0A0C5CD, 0xA2270F28, 0xC4B72962],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 100.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::delay::Delay::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::delay::Delay::new(PARAMS));
