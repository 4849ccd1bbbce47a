//! The example plugin's editor in a VST3 host written in Rust, on a real X
//! server (Xvfb in the test command): the view embedded in a window of the
//! host's, its first frame captured, the knob dragged with synthetic pointer
//! input (XTest) and the edits the host receives, the DSP hearing them like
//! automation, automation and state loads moving the knob, sizes and scales,
//! and open/close cycles that leave nothing behind.

mod host;
mod support;
mod x11_host;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use example_plugin::{BUFFERED, GAIN};
use host::view::View;
use host::{Buffers, ComponentHandler, Extras, HostEdit, Instance, MemoryStream, Module, ParamChanges, REALTIME};
use runtime::editor::EguiEditor;
use runtime::plugin::BYPASS_PARAM_ID;
use support::leaks::{interleaved_growth, thread_names, threads, wait_for_threads};
use support::{bundles, library};
use vst3::Steinberg::Vst::{IAudioProcessorTrait, IComponentTrait, IEditControllerTrait, ProcessSetup};
use vst3::Steinberg::{IBStream, kResultOk, kResultTrue};
use x11_host::{HostWindow, Region, Screen};

/// One test at a time: they share the X server's pointer and its resources.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn buffered() -> Module {
    Module::load(&library(&bundles().0, &BUFFERED))
}

/// Where screenshots go.
fn shots() -> std::path::PathBuf {
    support::workspace().join("target/editor-shots")
}

/// The example plugin's editor size at scale 1: the generic editor's for one
/// parameter, buffered.
fn natural() -> (i32, i32) {
    let size = EguiEditor::generic_size(1, true);
    (size.width as i32, size.height as i32)
}

/// Opens `instance`'s editor in a new host window of the view's size.
fn open<'s>(screen: &'s Screen, instance: &Instance) -> (View, HostWindow<'s>) {
    let mut view = instance.create_view().expect("the plugin has an editor");
    let (width, height) = view.size();
    let window = screen.host_window(width as u16, height as u16);
    assert_eq!(view.attach(window.id), kResultOk, "attached");
    (view, window)
}

/// Where the example plugin's knob is: the grid's first cell, below the
/// header, under its title (see the generic editor's layout).
const KNOB: (i16, i16) = (8 + 52, 40 + 8 + 20 + 28);
/// The knob and its value text.
const KNOB_REGION: Region = (8, 40 + 8 + 16, 104, 100);

const RATE: f64 = 48_000.0;
const BLOCK: usize = 480;

/// setupProcessing (real time, 48 kHz, blocks of 480), setActive,
/// setProcessing; returns the latency.
fn start(instance: &Instance) -> usize {
    let mut setup = ProcessSetup {
        processMode: REALTIME as i32,
        symbolicSampleSize: 0,
        maxSamplesPerBlock: BLOCK as i32,
        sampleRate: RATE,
    };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
        instance.processor.getLatencySamples() as usize
    }
}

/// One block of constant 1.0 through the plugin, with `changes` if any;
/// the output's first channel.
fn block(instance: &Instance, changes: Option<&vst3::ComPtr<vst3::Steinberg::Vst::IParameterChanges>>) -> Vec<f32> {
    let input = vec![vec![1.0_f32; BLOCK]; 2];
    let mut output = vec![vec![0.0_f32; BLOCK]; 2];
    let extras = Extras { changes, ..Extras::default() };
    let result = instance.process(REALTIME, Buffers::F32 { input: &input, output: &mut output }, 0, BLOCK, extras);
    assert_eq!(result, kResultOk);
    output.swap_remove(0)
}

#[test]
fn the_generic_editor_opens_in_the_hosts_window_and_draws() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    let (mut view, window) = open(&screen, &instance);
    assert_eq!(view.size(), natural(), "getSize at scale 1");
    let children = screen.children(window.id);
    assert_eq!(children.len(), 1, "the editor's window is the host window's child");
    assert_eq!(screen.size(children[0]), (natural().0 as u16, natural().1 as u16));
    let frame = screen.wait_for_frame(window.id);
    frame.save_png(&shots().join("vst3-example-gain.png"));
    assert_eq!(view.frame.handler_count(), 1, "the view registered with the host's run loop");
    assert_eq!(view.remove(), kResultOk);
    assert!(screen.children(window.id).is_empty(), "removed closes the editor's window");
    assert_eq!(view.frame.handler_count(), 0, "and unregisters from the run loop");
}

#[test]
fn a_knob_drag_reaches_the_host_as_begin_perform_end_and_the_dsp_at_k_plus_l() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    let handler = ComponentHandler::new();
    ComponentHandler::install(&handler, &instance);
    let latency = start(&instance);
    // Audio runs before the edit, as in a DAW.
    let mut output: Vec<f32> = (0..5).flat_map(|_| block(&instance, None)).collect();
    let (view, window) = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    screen.drag(window.id, KNOB, (KNOB.0, KNOB.1 - 60), 6);
    view.pump(Duration::from_millis(200));
    let edits = handler.take_edits();
    assert!(edits.iter().all(|(_, on_main)| *on_main), "every edit on the host's UI thread: {edits:?}");
    let edits: Vec<HostEdit> = edits.into_iter().map(|(edit, _)| edit).collect();
    assert_eq!(edits.first(), Some(&HostEdit::Begin(GAIN)), "{edits:?}");
    assert_eq!(edits.last(), Some(&HostEdit::End(GAIN)), "{edits:?}");
    let performs: Vec<f64> =
        edits.iter().filter_map(|e| if let HostEdit::Perform(GAIN, v) = e { Some(*v) } else { None }).collect();
    assert_eq!(performs.len() + 2, edits.len(), "begin, the performs, end: {edits:?}");
    assert!(performs.len() >= 3, "a value per drag step: {edits:?}");
    assert!(performs.windows(2).all(|w| w[1] > w[0]), "dragging up raises the gain: {performs:?}");
    // 60 px up at 1/200 per px from the default, 0.5.
    let last = *performs.last().unwrap();
    assert!((last - 0.8).abs() < 0.05, "ends near 0.8: {last}");
    // SAFETY: a live controller.
    assert_eq!(unsafe { instance.controller.getParamNormalized(GAIN) }, last, "the controller's own value");

    // The host sends the edit to the processor with its next block, as it
    // sends automation: the DSP hears it L frames later.
    let k = output.len() + 5 * BLOCK;
    while output.len() < k + latency + 4 * BLOCK {
        let changes = (output.len() == k).then(|| ParamChanges::with(&[(GAIN, 0, last)]));
        output.extend(block(&instance, changes.as_ref()));
    }
    let gain = 10_f64.powf((-24.0 + last * 48.0) / 20.0) as f32;
    assert!(output[latency..k + latency].iter().all(|s| *s == 1.0), "0 dB until the edit is heard");
    let first = output.iter().position(|s| *s != 1.0 && *s != 0.0).expect("the gain changes");
    assert_eq!(first, k + latency, "the edit made at frame {k} is heard at k + L");
    assert_eq!(output[first], gain, "at the gain the knob set");
}

/// Automation, a state load and a preset-like host change each move the
/// knob: its picture changes.
#[test]
fn automation_and_a_state_load_move_the_knob() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    start(&instance);
    let (_view, window) = open(&screen, &instance);
    let before = screen.wait_for_frame(window.id);
    block(&instance, Some(&ParamChanges::with(&[(GAIN, 0, 0.1)])));
    let automated = screen.wait_for_change(window.id, &before, KNOB_REGION, Duration::from_secs(5));
    let mut state = b"WAHD".to_vec();
    state.extend(1_u32.to_le_bytes());
    state.extend(2_u32.to_le_bytes());
    for (id, value) in [(GAIN, 0.9_f64), (BYPASS_PARAM_ID, 0.0)] {
        state.extend(id.to_le_bytes());
        state.extend(value.to_le_bytes());
    }
    let stream = MemoryStream::new(state);
    // SAFETY: a live component and stream.
    let loaded = unsafe { instance.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()) };
    assert_eq!(loaded, kResultOk);
    screen.wait_for_change(window.id, &automated, KNOB_REGION, Duration::from_secs(5));
}

#[test]
fn the_size_follows_the_hosts_scale_then_the_displays() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let (width, height) = natural();
    let opened_size = |set: &dyn Fn(&View)| {
        let instance = module.create();
        let mut view = instance.create_view().unwrap();
        set(&view);
        let (w, h) = view.size();
        let window = screen.host_window(w as u16, h as u16);
        assert_eq!(view.attach(window.id), kResultOk);
        screen.wait_for_frame(window.id);
        let child = screen.children(window.id)[0];
        assert_eq!(screen.size(child), (w as u16, h as u16), "the window has the size getSize reports");
        view.remove();
        (w, h)
    };
    assert_eq!(opened_size(&|_| ()), (width, height), "scale 1");
    assert_eq!(opened_size(&|view| assert_eq!(view.set_scale(2.0), kResultOk)), (2 * width, 2 * height));
    screen.set_xft_dpi(Some(192));
    let display = opened_size(&|_| ());
    let host_wins = opened_size(&|view| assert_eq!(view.set_scale(1.0), kResultOk));
    screen.set_xft_dpi(None);
    assert_eq!(display, (2 * width, 2 * height), "Xft.dpi 192 without a host scale");
    assert_eq!(host_wins, (width, height), "the host's scale over Xft.dpi");

    // A scale change while open: the editor asks the host to resize, from
    // its UI thread, and the window follows.
    let instance = module.create();
    let (view, window) = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    assert_eq!(view.set_scale(1.5), kResultOk);
    let wanted = ((width as f64 * 1.5).round() as i32, (height as f64 * 1.5).round() as i32);
    let mut waited = 0;
    while view.frame.resizes.lock().unwrap().is_empty() && waited < 100 {
        view.pump(Duration::from_millis(50));
        waited += 1;
    }
    assert_eq!(*view.frame.resizes.lock().unwrap(), [wanted], "resizeView with the new size");
    assert_eq!(view.size(), wanted);
    let child = screen.children(window.id)[0];
    assert_eq!(screen.size(child), (wanted.0 as u16, wanted.1 as u16));
}

#[test]
fn the_host_resizes_the_editor_within_its_minimum() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    let (view, window) = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    // SAFETY: a live view.
    assert_eq!(unsafe { vst3::Steinberg::IPlugViewTrait::canResize(&view.view) }, kResultTrue);
    let min = EguiEditor::MIN_SIZE;
    assert_eq!(view.constrain(10, 10), (min.width as i32, min.height as i32), "held at the minimum");
    assert_eq!(view.constrain(700, 500), (700, 500));
    screen.resize(window.id, 700, 500);
    assert_eq!(view.on_size(700, 500), kResultOk);
    assert_eq!(view.size(), (700, 500));
    let child = screen.children(window.id)[0];
    let mut tries = 0;
    while screen.size(child) != (700, 500) && tries < 100 {
        std::thread::sleep(Duration::from_millis(20));
        tries += 1;
    }
    assert_eq!(screen.size(child), (700, 500));
    let frame = screen.wait_for_frame(window.id);
    assert_eq!((frame.width, frame.height), (700, 500), "drawn edge to edge, no host background showing");
    assert!(view.frame.resizes.lock().unwrap().is_empty(), "no resizeView while the host resizes");
}

/// 200 open/close cycles while an audio thread processes: afterwards the
/// process has the same threads, the X server the same clients of this
/// process, the run loop no handler, and the heap grew no more than 200
/// bare egui windows (no runtime code) make it grow, measured in turns with
/// them in the same run.
#[test]
fn two_hundred_open_close_cycles_with_audio_running_leave_nothing_behind() {
    let _serial = serial();
    if !support::alone("two_hundred_open_close_cycles_with_audio_running_leave_nothing_behind") {
        return;
    }
    const CYCLES: usize = 200;
    /// Cycles measured at a time, editors and bare windows in turn.
    const ROUND: usize = 25;
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    let handler = ComponentHandler::new();
    ComponentHandler::install(&handler, &instance);
    start(&instance);
    let (width, height) = natural();
    let parent = screen.host_window(width as u16, height as u16);
    let bare_cycle = |wait: bool| {
        let before = threads();
        let window = support::baseline_window::open(parent.id, width as u32, height as u32);
        if wait {
            screen.wait_for_frame(parent.id);
        }
        drop(window);
        wait_for_threads(before);
    };
    let editor_cycle = |cycle: usize, wait: bool| {
        let (mut view, window) = open(&screen, &instance);
        if wait {
            screen.wait_for_frame(window.id);
        }
        view.pump(Duration::from_millis(1));
        assert_eq!(view.remove(), kResultOk, "cycle {cycle}");
        assert_eq!(view.frame.handler_count(), 0, "cycle {cycle}: the run loop handler is gone");
        assert_eq!(*view.frame.registered.lock().unwrap(), (1, 1), "cycle {cycle}: one handler, registered once");
    };
    // Whatever a process sets up once (GL drivers, fonts) is set up first.
    for cycle in 0..10 {
        bare_cycle(true);
        editor_cycle(cycle, true);
    }
    let (threads_before, clients_before) = (threads(), screen.client_count());
    let names_before = thread_names();
    let running = AtomicBool::new(true);
    let (editor_growth, bare_growth) = std::thread::scope(|scope| {
        scope.spawn(|| {
            while running.load(Ordering::Relaxed) {
                block(&instance, None);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let growth =
            interleaved_growth(CYCLES, ROUND, |_| bare_cycle(false), |cycle| editor_cycle(cycle, cycle % ROUND == 0));
        running.store(false, Ordering::Relaxed);
        growth
    });
    println!(
        "heap growth over {CYCLES} open/close cycles: editors {editor_growth} bytes ({} a cycle), bare egui windows \
         {bare_growth} bytes ({} a cycle)",
        editor_growth / CYCLES as i64,
        bare_growth / CYCLES as i64
    );
    // The window threads are joined when each window closes.
    assert_eq!(threads(), threads_before, "threads: {:?}, before: {names_before:?}", thread_names());
    assert_eq!(screen.client_count(), clients_before, "X connections of this process");
    assert!(
        editor_growth <= bare_growth + (CYCLES * 2048) as i64,
        "the editor leaks beyond what a bare egui window does: {editor_growth} against {bare_growth} bytes"
    );
    assert!(handler.take_edits().is_empty(), "opening and closing edits nothing");
}

/// A host that releases the view and the plugin without calling `removed`,
/// then unloads the module: the window closes, nothing is left.
#[test]
fn unloading_with_the_editor_open_is_clean() {
    let _serial = serial();
    if !support::alone("unloading_with_the_editor_open_is_clean") {
        return;
    }
    let screen = Screen::open();
    let clients_before = screen.client_count();
    let threads_before = threads();
    {
        let module = buffered();
        let instance = module.create();
        start(&instance);
        let (mut view, window) = open(&screen, &instance);
        screen.wait_for_frame(window.id);
        block(&instance, None);
        view.forget_attached();
        drop(view);
        assert!(screen.children(window.id).is_empty(), "releasing the view closed its window");
        drop(instance);
    }
    assert_eq!(screen.client_count(), clients_before, "X clients");
    assert_eq!(threads(), threads_before, "threads");
}

/// A host that destroys its window before `removed` (Bitwig does): the
/// editor notices, `removed` still succeeds, and a new editor opens.
#[test]
fn a_parent_window_destroyed_first_is_survived() {
    let _serial = serial();
    let screen = Screen::open();
    let module = buffered();
    let instance = module.create();
    let (mut view, mut window) = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    window.destroy();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(view.remove(), kResultOk);
    let (_view, window) = open(&screen, &instance);
    screen.wait_for_frame(window.id);
}
