// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Custom: a custom effect, 4 or 2 channels (4 preferred); its DSP runs 30 ms ahead on the write-ahead worker.

mod dsp;

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass and two
/// read-only meters after these).
pub mod params {
    /// Drive (x), 0 to 10, default 1.
    pub const DRIVE: u32 = 531555959;
}

const PARAMS: &[ParamSpec] = &[ParamSpec {
    id: params::DRIVE,
    title: "Drive",
    units: "x",
    min: 0.0,
    max: 10.0,
    default: 1.0,
    automatable: true,
}];

/// What the format layers tell hosts, and how the engine runs the DSP.
pub static INFO: PluginInfo = PluginInfo {
    name: "WA Custom",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    // BD655D2D03D3640685F7A5EE474D68B0: derived from vendor and name, or set in plugins.toml.
    class_id: [0xBD655D2D, 0x03D36406, 0x85F7A5EE, 0x474D68B0],
    kind: PluginKind::Effect,
    layouts: &[4, 2],
    latency_ms: 30.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
};

runtime::export_vst3!(INFO, dsp::WaCustom::default);
runtime::export_clap!(INFO, dsp::WaCustom::default);
