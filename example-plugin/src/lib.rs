//! Example Gain: a gain effect, stereo or (if the host picks it) mono, whose
//! DSP runs 50 ms ahead on the write-ahead worker. Written by hand; the
//! generator renders plugins of the same shape from plugins.toml.

use runtime::prelude::*;

/// The gain parameter's id.
pub const GAIN: u32 = 0;

const PARAMS: &[ParamSpec] = &[ParamSpec {
    id: GAIN,
    title: "Gain",
    units: "dB",
    min: -24.0,
    max: 24.0,
    default: 0.0,
    automatable: true,
    steps: 0,
    smooth_ms: 0.0,
    value_names: &[],
}];

/// The plugin as shipped: buffered, 50 ms ahead.
pub static BUFFERED: PluginInfo = PluginInfo {
    name: "Example Gain",
    vendor: "Writeahead Audio",
    url: "https://example.com/writeahead",
    email: "plugins@example.com",
    version: "0.1.0",
    class_id: [0x57A1_4E5D, 0x0C1E_4A1B, 0x9E1A_0000, 0x0000_0001],
    kind: PluginKind::Effect,
    layouts: &[2, 1],
    latency_ms: 50.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    // Hand-written and loaded by hosts that show no editor in the tests
    // (pedalboard, DawDreamer, minihost): the meters are parameters too.
    meter_params: true,
    presets: &[],
    editor: Some(&EDITOR),
};

/// The generic editor, sized for one knob and the write-ahead panel.
static EDITOR: runtime::editor::EguiEditor = {
    let size = runtime::editor::EguiEditor::generic_size(1, true);
    runtime::editor::EguiEditor::generic(size.width, size.height)
};

/// The same plugin with buffering off: its own name and class id, no added
/// latency. Built with the `unbuffered` feature.
pub static UNBUFFERED: PluginInfo = PluginInfo {
    name: "Example Gain Unbuffered",
    class_id: [0x57A1_4E5D, 0x0C1E_4A1B, 0x9E1A_0000, 0x0000_0002],
    buffering: false,
    ..BUFFERED
};

/// The same plugin with adaptive latency: it starts at 50 ms and asks the host
/// for up to 200 ms when the stalls it measures come close to its headroom.
/// Built with the `adaptive` feature.
pub static ADAPTIVE: PluginInfo = PluginInfo {
    name: "Example Gain Adaptive",
    class_id: [0x57A1_4E5D, 0x0C1E_4A1B, 0x9E1A_0000, 0x0000_0004],
    latency_ceiling_ms: Some(200.0),
    ..BUFFERED
};

/// A test instrument: its output jumps at the exact frame of each note event,
/// so hosts can see where a note lands. Built with the `instrument` feature.
pub static NOTE_PROBE: PluginInfo = PluginInfo {
    name: "Example Note Probe",
    class_id: [0x57A1_4E5D, 0x0C1E_4A1B, 0x9E1A_0000, 0x0000_0003],
    kind: PluginKind::Instrument,
    params: &[],
    ..BUFFERED
};

/// The same gain with an editor whose drawing code panics after a few
/// frames, for the tests that the host survives it. Built with the
/// `panicking-editor` feature.
pub static PANICKING_EDITOR: PluginInfo = PluginInfo {
    name: "Example Panicking Editor",
    class_id: [0x57A1_4E5D, 0x0C1E_4A1B, 0x9E1A_0000, 0x0000_0005],
    editor: Some(&PANICKING),
    ..BUFFERED
};

static PANICKING: runtime::editor::EguiEditor = runtime::editor::EguiEditor::custom(400, 240, draw_then_panic);

/// What the panicking editor paints before it panics: the tests look for it.
pub const PANICKING_EDITOR_RED: [u8; 3] = [0xff, 0x00, 0x00];

/// Paints the window red for a few frames, then panics, as buggy editor code
/// does.
fn draw_then_panic(ui: &mut runtime::editor::egui::Ui, _view: &runtime::editor::EditorView<'_>) {
    use runtime::editor::egui;
    use std::sync::atomic::{AtomicU32, Ordering};
    static FRAMES: AtomicU32 = AtomicU32::new(0);
    let [r, g, b] = PANICKING_EDITOR_RED;
    let red = egui::Frame::NONE.fill(egui::Color32::from_rgb(r, g, b));
    egui::CentralPanel::default().frame(red).show(ui, |ui| ui.label("about to fail"));
    if FRAMES.fetch_add(1, Ordering::Relaxed) >= 3 {
        panic!("the editor's drawing code failed");
    }
    ui.ctx().request_repaint();
}

/// Exports one build's plugin in both formats: the same library is a VST3
/// module and a CLAP plugin.
macro_rules! export_both {
    ($info:path, $make:expr) => {
        runtime::export_vst3!($info, $make);
        runtime::export_clap!($info, $make);
    };
}

#[cfg(not(any(feature = "unbuffered", feature = "instrument", feature = "adaptive", feature = "panicking-editor")))]
export_both!(BUFFERED, Gain::default);
#[cfg(all(feature = "panicking-editor", not(any(feature = "unbuffered", feature = "instrument"))))]
export_both!(PANICKING_EDITOR, Gain::default);
#[cfg(all(
    feature = "adaptive",
    not(any(feature = "unbuffered", feature = "instrument", feature = "panicking-editor"))
))]
export_both!(ADAPTIVE, Gain::default);
#[cfg(feature = "unbuffered")]
export_both!(UNBUFFERED, Gain::default);
#[cfg(all(feature = "instrument", not(feature = "unbuffered")))]
export_both!(NOTE_PROBE, NoteProbe::default);

/// Outputs, on every channel, the summed velocity of the notes held: silence
/// until the first note-on, a step at its exact frame. Its tail is infinite
/// while a note is held.
pub struct NoteProbe {
    held: [f32; 128],
}

impl Default for NoteProbe {
    fn default() -> Self {
        Self { held: [0.0; 128] }
    }
}

impl Processor for NoteProbe {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let level: f32 = self.held.iter().sum();
        for channel in audio.channels_mut() {
            channel.fill(level);
        }
    }

    fn event(&mut self, event: &EventKind) {
        match *event {
            EventKind::NoteOn { pitch, velocity, .. } => self.held[usize::from(pitch & 127)] = velocity,
            EventKind::NoteOff { pitch, .. } => self.held[usize::from(pitch & 127)] = 0.0,
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.held = [0.0; 128];
    }

    /// A held note sounds until its note-off, however long that is: an
    /// infinite tail while any is held, none once all are released.
    fn tail(&self) -> Tail {
        if self.held.iter().any(|v| *v != 0.0) { Tail::Infinite } else { Tail::None }
    }
}

/// Multiplies by a gain set in decibels.
#[derive(Default)]
pub struct Gain {
    factor: f32,
}

impl Processor for Gain {
    fn prepare(&mut self, _setup: &ProcessSetup) {
        self.factor = 1.0;
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        for channel in audio.channels_mut() {
            for sample in channel.iter_mut() {
                *sample *= self.factor;
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        if let EventKind::Param { id: GAIN, value } = event {
            self.factor = 10_f64.powf(value / 20.0) as f32;
        }
    }

    fn reset(&mut self) {
        self.factor = 1.0;
    }
}
