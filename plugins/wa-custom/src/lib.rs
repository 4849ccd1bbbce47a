// Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.
//! WA Custom: a custom effect, 4 or 2 channels (4 preferred); its DSP runs 30 ms ahead on the write-ahead worker.

mod dsp;
mod editor;

use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};

/// Parameter ids as hosts see them (the write-ahead engine adds bypass after these).
pub mod params {
    /// Drive (x), 0 to 10, default 1.
    pub const DRIVE: u32 = 531555959;
    /// Mix, 0 to 1, default 1.
    pub const MIX: u32 = 1469012833;
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: params::DRIVE,
        title: "Drive",
        units: "x",
        min: 0.0,
        max: 10.0,
        default: 1.0,
        automatable: true,
        steps: 0,
        smooth_ms: 20.0,
        value_names: &[],
    },
    ParamSpec {
        id: params::MIX,
        title: "Mix",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 1.0,
        automatable: true,
        steps: 0,
        smooth_ms: 20.0,
        value_names: &[],
    },
];

/// The parameters as `src/dsp.rs` reads them, one typed field each, from the
/// specs above (range, default, smoothing): `self.params.<name>.next()` per
/// sample. Regenerated with plugins.toml, so a parameter added there needs no
/// edit in `src/dsp.rs`.
pub struct Params {
    /// Drive (x), 0 to 10, default 1; changes ramp over 20 ms.
    pub drive: runtime::typed::FloatParam,
    /// Mix, 0 to 1, default 1; changes ramp over 20 ms.
    pub mix: runtime::typed::FloatParam,
}

impl Default for Params {
    fn default() -> Self {
        Self { drive: runtime::typed::FloatParam::new(&PARAMS[0]), mix: runtime::typed::FloatParam::new(&PARAMS[1]) }
    }
}

impl runtime::typed::ParamSet for Params {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            params::DRIVE => self.drive.set(plain),
            params::MIX => self.mix.set(plain),
            _ => return false,
        }
        true
    }

    fn prepare(&mut self, setup: &runtime::engine::ProcessSetup) {
        self.drive.prepare(setup);
        self.mix.prepare(setup);
    }

    fn reset(&mut self) {
        self.drive.reset();
        self.mix.reset();
    }
}

/// The parameters as `src/editor.rs` edits them, one handle each: read
/// `.plain()` or `.normalized()`, and change them with `.set_once_plain(v)`
/// (a click, a typed value) or `.begin()`, `.set_plain(v)` per step,
/// `.end()` (a drag), which hosts record as one gesture. Regenerated with
/// plugins.toml, like `Params`.
pub struct Controls<'a> {
    /// Drive (x), 0 to 10, default 1.
    pub drive: runtime::editor::Param<'a>,
    /// Mix, 0 to 1, default 1.
    pub mix: runtime::editor::Param<'a>,
    /// The Bypass switch every plugin has.
    pub bypass: runtime::editor::Param<'a>,
}

impl<'a> Controls<'a> {
    pub fn new(context: &'a runtime::editor::EditorContext) -> Self {
        let param = |id| context.param(id).expect("every parameter of PARAMS is in the plugin");
        Self { drive: param(params::DRIVE), mix: param(params::MIX), bypass: context.bypass() }
    }
}

/// The editor: drawn by `src/editor.rs`.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::Size::new(560, 380);
    runtime::editor::EguiEditor::custom(size.width, size.height, editor::draw)
};

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
    meter_params: false,
    presets: &[
        runtime::plugin::Preset { name: "Clean", values: &[(params::DRIVE, 1.0), (params::MIX, 1.0)] },
        runtime::plugin::Preset { name: "Warm", values: &[(params::DRIVE, 2.5), (params::MIX, 0.8)] },
        runtime::plugin::Preset { name: "Crushed", values: &[(params::DRIVE, 9.0), (params::MIX, 1.0)] },
    ],
    editor: Some(&EDITOR),
};

runtime::export_vst3!(INFO, dsp::WaCustom::default);
runtime::export_clap!(INFO, dsp::WaCustom::default);
