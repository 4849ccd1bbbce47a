// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Filter: a filter effect, 2 channels; its DSP runs 20 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Mode, 0 to 2, default 0.
    pub const MODE: u32 = 0;
    /// Cutoff (Hz), 20 to 20000, default 800.
    pub const CUTOFF: u32 = 1;
    /// Resonance (Q), 0.1 to 10, default 0.707.
    pub const RESONANCE: u32 = 2;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec::find(runtime::dsp::filter::PARAMS, params::MODE),
    ParamSpec { default: 800.0, ..ParamSpec::find(runtime::dsp::filter::PARAMS, params::CUTOFF) },
    ParamSpec::find(runtime::dsp::filter::PARAMS, params::RESONANCE),
];

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(3, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Filter",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // DE95F1E4D6D364068608249CADD2F9F5: derived from vendor and name, or set in plugins.toml.
    class_id: [0xDE95F1E4, 0xD6D36406, 0x8608249C, 0xADD2F9F5],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 20.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: false,
    presets: &[
        runtime::plugin::Preset {
            name: "Warm",
            values: &[(params::MODE, 0.0), (params::CUTOFF, 800.0), (params::RESONANCE, 0.707)],
        },
        runtime::plugin::Preset {
            name: "Telephone",
            values: &[(params::MODE, 2.0), (params::CUTOFF, 1500.0), (params::RESONANCE, 2.0)],
        },
        runtime::plugin::Preset {
            name: "Thin",
            values: &[(params::MODE, 1.0), (params::CUTOFF, 400.0), (params::RESONANCE, 0.707)],
        },
    ],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, || runtime::dsp::filter::Filter::new(PARAMS));
runtime::export_clap!(INFO, || runtime::dsp::filter::Filter::new(PARAMS));
