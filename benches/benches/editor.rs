//! What an open editor costs: the CPU of its threads (the window's thread,
//! the redraw watcher, Mesa's software renderer) per second, on the X server
//! `DISPLAY` names (Xvfb in the test command), against two bare egui
//! windows measured in the same run: one that redraws only when asked and
//! one that redraws every frame, as editors that always repaint do.
//!
//! Scenarios, each a few seconds:
//! - the generic editor of a buffered gain, idle (no audio);
//! - the same while audio runs, paced like a device (256-frame blocks at
//!   48 kHz): the write-ahead panel is live, at most 20 frames a second;
//! - a bare egui window, idle;
//! - a bare egui window that asks for a new frame every frame.
//!
//! `cargo bench -p benches --bench editor` runs 5 s each and prints the
//! table as Markdown; `cargo test --benches` runs 1 s each (smoke).

use std::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use benches::full_run;
use benches::proc_threads::threads_named;
use egui_baseview::baseview::dpi::PhysicalSize;
use egui_baseview::{EguiWindow, EguiWindowSettings};
use raw_window_handle::{HandleError, HasWindowHandle, RawWindowHandle, WindowHandle, XlibWindowHandle};
use runtime::dsp::gain::{self, Gain};
use runtime::editor::{Editor, EguiEditor};
use runtime::plugin::{ParamSpec, PluginInfo, PluginKind};
use vst3::ComPtr;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait, IComponent, IComponent_iid,
    IComponentTrait, IEditController, IEditControllerTrait, ProcessData, ProcessModes_, ProcessSetup,
    SymbolicSampleSizes_, ViewType,
};
use vst3::Steinberg::{
    IPlugView, IPlugViewTrait, IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait, PClassInfo,
    kPlatformTypeX11EmbedWindowID, kResultOk,
};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, CreateWindowAux, WindowClass};

const PARAMS: &[ParamSpec] = gain::PARAMS;

static EDITOR: EguiEditor = {
    let size = EguiEditor::generic_size(1, true);
    EguiEditor::generic(size.width, size.height)
};

static INFO: PluginInfo = PluginInfo {
    name: "Editor Bench Gain",
    vendor: "Writeahead Benches",
    url: "",
    email: "",
    version: "1.0.0",
    class_id: [0x5742_4E43, 0x4544_4954, 0x4F52_0000, 1],
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

const BLOCK: usize = 256;
const RATE: f64 = 48_000.0;

/// Threads whose CPU is the editor's: its window thread (and the clipboard
/// thread it starts), its redraw watcher, and Mesa's renderer threads.
const EDITOR_THREADS: [&str; 3] = ["wa-editor", "writeahead-editor", "llvmpipe"];

/// CPU of every editor thread alive now.
fn editor_cpu() -> Duration {
    EDITOR_THREADS.iter().flat_map(|prefix| threads_named(prefix)).map(|thread| thread.cpu).sum()
}

/// An X window of the bench's, for editors to open in.
struct HostWindow {
    conn: x11rb::rust_connection::RustConnection,
    id: u32,
}

impl HostWindow {
    fn new(width: u16, height: u16) -> HostWindow {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the editor bench needs an X server: run it under Xvfb (scripts/test.sh starts one)"
        );
        let (conn, screen) = x11rb::connect(None).expect("an X server");
        let root = conn.setup().roots[screen].root;
        let id = conn.generate_id().unwrap();
        conn.create_window(0, id, root, 0, 0, width, height, 0, WindowClass::INPUT_OUTPUT, 0, &CreateWindowAux::new())
            .unwrap()
            .check()
            .unwrap();
        conn.map_window(id).unwrap().check().unwrap();
        HostWindow { conn, id }
    }
}

impl Drop for HostWindow {
    fn drop(&mut self) {
        let _ = self.conn.destroy_window(self.id).map(|cookie| cookie.check());
    }
}

/// The plugin, active and processing, with its editor attached to `window`.
struct Plugin {
    component: ComPtr<IComponent>,
    processor: ComPtr<IAudioProcessor>,
    view: ComPtr<IPlugView>,
}

impl Plugin {
    fn open(window: &HostWindow) -> Plugin {
        let factory = runtime::vst3::plugin_factory(&INFO, || Gain::new(PARAMS));
        // SAFETY: plugin_factory returns an owned factory; zeroed out-structs
        // are valid; the calls follow the VST3 lifecycle on live objects.
        unsafe {
            let factory = ComPtr::from_raw(factory as *mut IPluginFactory).expect("a factory");
            let mut class: PClassInfo = std::mem::zeroed();
            assert_eq!(factory.getClassInfo(0, &mut class), kResultOk);
            let mut object: *mut c_void = std::ptr::null_mut();
            assert_eq!(factory.createInstance(class.cid.as_ptr(), IComponent_iid.as_ptr(), &mut object), kResultOk);
            let component = ComPtr::from_raw(object as *mut IComponent).expect("an IComponent");
            assert_eq!(component.initialize(std::ptr::null_mut()), kResultOk);
            let processor = component.cast::<IAudioProcessor>().expect("an IAudioProcessor");
            let mut setup = ProcessSetup {
                processMode: ProcessModes_::kRealtime as i32,
                symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
                maxSamplesPerBlock: BLOCK as i32,
                sampleRate: RATE,
            };
            assert_eq!(processor.setupProcessing(&mut setup), kResultOk);
            assert_eq!(component.setActive(1), kResultOk);
            assert_eq!(processor.setProcessing(1), kResultOk);
            let controller = component.cast::<IEditController>().expect("an IEditController");
            let view = ComPtr::from_raw(controller.createView(ViewType::kEditor)).expect("a view");
            let parent = window.id as usize as *mut c_void;
            assert_eq!(view.attached(parent, kPlatformTypeX11EmbedWindowID), kResultOk);
            Plugin { component, processor, view }
        }
    }

    /// One real-time block of a quiet sine.
    fn process(&self, input: &[Vec<f32>], output: &mut [Vec<f32>]) {
        let mut in_ptrs: Vec<*mut f32> = input.iter().map(|c| c.as_ptr() as *mut f32).collect();
        let mut out_ptrs: Vec<*mut f32> = output.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let bus = |ptrs: &mut Vec<*mut f32>| AudioBusBuffers {
            numChannels: 2,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 { channelBuffers32: ptrs.as_mut_ptr() },
        };
        let (mut inputs, mut outputs) = (bus(&mut in_ptrs), bus(&mut out_ptrs));
        let mut data = ProcessData {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: BLOCK as i32,
            numInputs: 1,
            numOutputs: 1,
            inputs: &mut inputs,
            outputs: &mut outputs,
            inputParameterChanges: std::ptr::null_mut(),
            outputParameterChanges: std::ptr::null_mut(),
            inputEvents: std::ptr::null_mut(),
            outputEvents: std::ptr::null_mut(),
            processContext: std::ptr::null_mut(),
        };
        // SAFETY: every pointer in `data` is alive for the call; each channel
        // holds BLOCK samples.
        assert_eq!(unsafe { self.processor.process(&mut data) }, kResultOk);
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        // SAFETY: live objects, torn down in the VST3 order.
        unsafe {
            self.view.removed();
            self.processor.setProcessing(0);
            self.component.setActive(0);
            self.component.terminate();
        }
    }
}

/// CPU of the editor threads per second over `seconds`, after a second to
/// settle, with paced audio if `audio`.
fn measure_plugin(audio: bool, seconds: f64) -> f64 {
    let size = EDITOR.size();
    let window = HostWindow::new(size.width as u16, size.height as u16);
    let plugin = Plugin::open(&window);
    let running = AtomicBool::new(true);
    let result = std::thread::scope(|scope| {
        if audio {
            scope.spawn(|| {
                let input: Vec<Vec<f32>> =
                    (0..2).map(|_| (0..BLOCK).map(|i| 0.25 * (i as f32 * 0.05).sin()).collect()).collect();
                let mut output = vec![vec![0.0_f32; BLOCK]; 2];
                let period = Duration::from_secs_f64(BLOCK as f64 / RATE);
                let mut next = Instant::now();
                while running.load(Ordering::Relaxed) {
                    plugin.process(&input, &mut output);
                    next += period;
                    std::thread::sleep(next.saturating_duration_since(Instant::now()));
                }
            });
        }
        std::thread::sleep(Duration::from_secs(1));
        let (cpu, wall) = (editor_cpu(), Instant::now());
        std::thread::sleep(Duration::from_secs_f64(seconds));
        let used = editor_cpu().saturating_sub(cpu).as_secs_f64() / wall.elapsed().as_secs_f64();
        running.store(false, Ordering::Relaxed);
        used
    });
    drop(plugin);
    result
}

/// A bare egui window's app: a heading and a label, redrawing every frame
/// when `always`.
struct Bare {
    always: bool,
    frames: Arc<std::sync::atomic::AtomicU64>,
}

impl egui_baseview::App for Bare {
    fn build(
        &mut self,
        _ctx: egui::Context,
        _frame: &mut egui_baseview::Frame,
    ) -> Result<(), egui_baseview::baseview::HandlerError> {
        // Counted with the editor's threads (and so are the renderer threads
        // it starts).
        let name = std::ffi::CString::new("wa-editor-bare").unwrap();
        // SAFETY: PR_SET_NAME reads a NUL-terminated string.
        unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0) };
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut egui_baseview::Frame) {
        self.frames.fetch_add(1, Ordering::Relaxed);
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("bare egui");
            ui.label(format!("frame {}", self.frames.load(Ordering::Relaxed)));
        });
        if self.always {
            ui.ctx().request_repaint();
        }
    }
}

struct Parent(u32);

impl HasWindowHandle for Parent {
    fn window_handle(&self) -> Result<WindowHandle<'_>, HandleError> {
        let handle = XlibWindowHandle::new(std::ffi::c_ulong::from(self.0));
        // SAFETY: an X window id is a plain number; the bench's window
        // outlives the egui window in it.
        Ok(unsafe { WindowHandle::borrow_raw(RawWindowHandle::Xlib(handle)) })
    }
}

/// CPU per second of a bare egui window's threads, and its frames per
/// second.
fn measure_bare(always: bool, seconds: f64) -> (f64, f64) {
    let size = EDITOR.size();
    let window = HostWindow::new(size.width as u16, size.height as u16);
    let frames = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let settings =
        EguiWindowSettings::new().with_size(PhysicalSize::new(size.width, size.height)).with_parent(&Parent(window.id));
    let bare = EguiWindow::create(settings, Bare { always, frames: Arc::clone(&frames) }).expect("a window");
    bare.show().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let (cpu, wall, drawn) = (editor_cpu(), Instant::now(), frames.load(Ordering::Relaxed));
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let elapsed = wall.elapsed().as_secs_f64();
    let used = editor_cpu().saturating_sub(cpu).as_secs_f64() / elapsed;
    let rate = (frames.load(Ordering::Relaxed) - drawn) as f64 / elapsed;
    drop(bare);
    (used, rate)
}

fn main() {
    let full = full_run();
    let seconds = if full { 5.0 } else { 1.0 };
    let idle = measure_plugin(false, seconds);
    let live = measure_plugin(true, seconds);
    let (bare_idle, _) = measure_bare(false, seconds);
    let (always, always_fps) = measure_bare(true, seconds);
    println!("## Editor CPU{}\n", if full { "" } else { " (smoke run: 1 s each, figures rough)" });
    println!(
        "CPU of the editor's threads (window, watcher, Mesa's llvmpipe renderer) per second of wall time, as a \
         share of one core, {} s each, under Xvfb.\n",
        seconds
    );
    println!("| window | CPU (% of a core) | vs always redrawing |");
    println!("| --- | ---: | ---: |");
    let row = |name: &str, cpu: f64| {
        println!("| {name} | {:.2} | {:.3}× |", cpu * 100.0, cpu / always.max(1e-9));
    };
    row("generic editor, idle (no audio)", idle);
    row("generic editor, audio running (panel live)", live);
    row("bare egui window, idle", bare_idle);
    row(&format!("bare egui window redrawing every frame ({always_fps:.0} fps)"), always);
    assert!(always > 0.0, "the always-redrawing window used no CPU: the measurement is broken");
}
