// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Reverb: a convolver effect with the impulse response irs/wa-reverb.wav, 2 channels; its DSP runs 50 ms ahead on the write-ahead worker.

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Mix, 0 to 1, default 0.3.
    pub const MIX: u32 = 0;
    /// Output (dB), -60 to 12, default 0.
    pub const OUTPUT: u32 = 1;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec { default: 0.3, ..ParamSpec::find(runtime::dsp::convolver::PARAMS, params::MIX) },
    ParamSpec::find(runtime::dsp::convolver::PARAMS, params::OUTPUT),
];

/// The impulse response the plugin starts with, `irs/wa-reverb.wav` next to
/// plugins.toml, embedded at build time (the bundle needs no other file).
/// The editor and a saved state may choose another file while it plays.
static IMPULSE_RESPONSE: &[u8] = include_bytes!("../../../irs/wa-reverb.wav");

/// The editor: the generic one, made from the parameters.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size_with_file(2, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Reverb",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // 7E7FEF2137D3640686332749FF9EF82B: derived from vendor and name, or set in plugins.toml.
    class_id: [0x7E7FEF21, 0x37D36406, 0x86332749, 0xFF9EF82B],
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

runtime::export_vst3!(INFO, || runtime::dsp::convolver::Convolver::embedded(PARAMS, "wa-reverb.wav", IMPULSE_RESPONSE));
runtime::export_clap!(INFO, || runtime::dsp::convolver::Convolver::embedded(PARAMS, "wa-reverb.wav", IMPULSE_RESPONSE));
