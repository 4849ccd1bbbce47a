//! The example plugin's editor through `clap.gui` in the Rust CLAP host, on
//! a real X server (Xvfb in the test command): embedded in a window of the
//! host's, its first frame captured, the knob dragged with XTest and the
//! gesture and value events the host receives from `process` and
//! `params.flush`, the DSP hearing the edit at k + L, automation moving the
//! knob, scales and sizes, and open/close cycles that leave nothing behind.

mod clap_host;
mod support;
mod x11_host;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap_host::{Buffers, ClapModule, HostEvent, Instance, OutEvent, OutEvents};
use clap_sys::ext::gui::CLAP_WINDOW_API_X11;
use clap_sys::process::CLAP_PROCESS_TAIL;
use example_plugin::{BUFFERED, GAIN};
use runtime::editor::EguiEditor;
use support::leaks::{interleaved_growth, thread_names, threads, wait_for_threads};
use support::{bundles, clap_file};
use x11_host::{HostWindow, Region, Screen};

/// One test at a time: they share the X server's pointer and its resources.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn module() -> ClapModule {
    let _ = bundles();
    ClapModule::load(&clap_file(&BUFFERED))
}

fn shots() -> std::path::PathBuf {
    support::workspace().join("target/editor-shots")
}

fn natural() -> (u32, u32) {
    let size = EguiEditor::generic_size(1, true);
    (size.width, size.height)
}

/// The knob of the example plugin's only parameter, and its picture.
const KNOB: (i16, i16) = (8 + 52, 40 + 8 + 20 + 28);
const KNOB_REGION: Region = (8, 40 + 8 + 16, 104, 100);

const RATE: f64 = 48_000.0;
const BLOCK: usize = 480;

/// Creates the gui, opens it in a new host window of its size and shows it.
fn open<'s>(screen: &'s Screen, instance: &Instance<'_>) -> HostWindow<'s> {
    let gui = instance.gui().expect("clap.gui");
    assert!(gui.create(), "create");
    let (width, height) = gui.size().expect("get_size");
    let window = screen.host_window(width as u16, height as u16);
    assert!(gui.set_parent(window.id), "set_parent");
    assert!(gui.show(), "show");
    window
}

/// One block of constant 1.0 (stereo) with `events`; the first channel,
/// and what the plugin reported in `out`.
fn block(instance: &Instance<'_>, events: &[HostEvent], out: &OutEvents) -> Vec<f32> {
    let input = vec![vec![1.0_f32; BLOCK]; 2];
    let mut output = vec![vec![0.0_f32; BLOCK]; 2];
    let status = instance.process(Buffers::F32 { input: &input, output: &mut output }, 0, BLOCK, events, Some(out));
    assert_eq!(status, CLAP_PROCESS_TAIL);
    output.swap_remove(0)
}

/// The gain's plain value (dB) at a normalized value.
fn gain_db(normalized: f64) -> f64 {
    -24.0 + normalized * 48.0
}

#[test]
fn the_editor_embeds_as_an_x11_window_and_draws() {
    let _serial = serial();
    let screen = Screen::open();
    let module = module();
    let instance = module.create();
    let gui = instance.gui().expect("clap.gui");
    assert!(gui.is_api_supported(CLAP_WINDOW_API_X11, false));
    assert!(!gui.is_api_supported(CLAP_WINDOW_API_X11, true), "no floating window");
    assert!(!gui.is_api_supported(c"cocoa", false));
    assert_eq!(gui.preferred_api(), Some(("x11".to_string(), false)));
    assert!(!gui.create_floating(), "a floating window is refused");
    let window = open(&screen, &instance);
    assert_eq!(gui.size(), Some(natural()));
    assert!(gui.can_resize());
    let hints = gui.resize_hints().expect("resize hints");
    assert!(hints.can_resize_horizontally && hints.can_resize_vertically && !hints.preserve_aspect_ratio);
    let min = EguiEditor::MIN_SIZE;
    assert_eq!(gui.adjust_size(10, 10), Some((min.width, min.height)));
    let frame = screen.wait_for_frame(window.id);
    frame.save_png(&shots().join("clap-example-gain.png"));
    let children = screen.children(window.id);
    assert_eq!(children.len(), 1);
    assert!(gui.hide());
    assert!(gui.show());
    gui.destroy();
    assert!(screen.children(window.id).is_empty(), "destroy closes the window");
    assert!(gui.create(), "and the gui can be made again");
    gui.destroy();
}

/// A drag on the knob while audio runs: the host hears a gesture begin, a
/// value per step and a gesture end from `process`, the plugin's own value
/// follows, and the DSP hears each value from the block it was sent in, L
/// later.
#[test]
fn a_knob_drag_reaches_the_host_as_gesture_events_and_the_dsp_at_k_plus_l() {
    let _serial = serial();
    let screen = Screen::open();
    let module = module();
    let instance = module.create();
    let latency = instance.start(RATE, BLOCK as u32) as usize;
    let out = OutEvents::new();
    let mut output: Vec<f32> = (0..5).flat_map(|_| block(&instance, &[], &out)).collect();
    let window = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    instance.take_flush_requests();
    screen.drag(window.id, KNOB, (KNOB.0, KNOB.1 - 60), 6);
    // The editor's frame that sees the button go up.
    std::thread::sleep(Duration::from_millis(200));
    assert!(instance.take_flush_requests() > 0, "the editor asked for a flush");
    // The host goes on processing; the plugin reports the edits from the
    // block after them, and the DSP hears them there.
    let k = output.len();
    let out = OutEvents::new();
    while output.len() < k + latency + 4 * BLOCK {
        output.extend(block(&instance, &[], &out));
    }
    // The gain's events (the example plugin also reports its meters).
    let events: Vec<OutEvent> = out
        .events
        .borrow()
        .iter()
        .copied()
        .filter(|e| matches!(e, OutEvent::Value(GAIN, _) | OutEvent::GestureBegin(GAIN) | OutEvent::GestureEnd(GAIN)))
        .collect();
    let values: Vec<f64> =
        events.iter().filter_map(|e| if let OutEvent::Value(GAIN, v) = e { Some(*v) } else { None }).collect();
    assert_eq!(events.first(), Some(&OutEvent::GestureBegin(GAIN)), "{events:?}");
    assert_eq!(events.last(), Some(&OutEvent::GestureEnd(GAIN)), "{events:?}");
    assert_eq!(values.len() + 2, events.len(), "begin, the values, end: {events:?}");
    assert!(values.len() >= 3 && values.windows(2).all(|w| w[1] > w[0]), "rising values: {values:?}");
    let last = *values.last().unwrap();
    assert!((last - gain_db(0.8)).abs() < 2.5, "ends near 0.8 normalized: {last} dB");
    assert_eq!(instance.value(GAIN), Some(last), "the plugin's own value");
    // Every edit went in the first block after the drag: heard at k + L.
    let first = output.iter().position(|s| *s != 1.0 && *s != 0.0).expect("the gain changes");
    assert_eq!(first, k + latency, "the edits sent with the block at {k} are heard at k + L");
    assert_eq!(output[first], 10_f64.powf(last / 20.0) as f32, "at the gain the knob set last");
    instance.gui().unwrap().destroy();
}

/// With the plugin inactive, the edits reach the host from `params.flush`.
#[test]
fn edits_made_while_inactive_come_from_a_flush() {
    let _serial = serial();
    let screen = Screen::open();
    let module = module();
    let instance = module.create();
    let window = open(&screen, &instance);
    screen.wait_for_frame(window.id);
    screen.double_click(window.id, KNOB);
    screen.drag(window.id, KNOB, (KNOB.0 + 40, KNOB.1), 4);
    assert!(instance.take_flush_requests() > 0, "the editor asked for a flush");
    // The editor's thread sends the drag's end when it has seen the button
    // released; a host flushes again whenever the plugin asks.
    let mut events = Vec::new();
    let started = std::time::Instant::now();
    while events.last() != Some(&OutEvent::GestureEnd(GAIN)) || events.len() < 4 {
        assert!(started.elapsed() < Duration::from_secs(10), "no end of the drag in {events:?}");
        std::thread::sleep(Duration::from_millis(20));
        if instance.take_flush_requests() > 0 || events.is_empty() {
            events.extend(instance.flush(&[]).events.borrow().iter().cloned());
        }
    }
    assert_eq!(events.first(), Some(&OutEvent::GestureBegin(GAIN)), "{events:?}");
    assert_eq!(events.last(), Some(&OutEvent::GestureEnd(GAIN)), "{events:?}");
    let begins = events.iter().filter(|e| matches!(e, OutEvent::GestureBegin(_))).count();
    let ends = events.iter().filter(|e| matches!(e, OutEvent::GestureEnd(_))).count();
    assert_eq!((begins, ends), (begins, begins), "every gesture ended: {events:?}");
    let last = events.iter().rev().find_map(|e| if let OutEvent::Value(_, v) = e { Some(*v) } else { None });
    assert_eq!(instance.value(GAIN), last, "the plugin's value is the last one sent");
    instance.gui().unwrap().destroy();
}

#[test]
fn automation_moves_the_knob() {
    let _serial = serial();
    let screen = Screen::open();
    let module = module();
    let instance = module.create();
    instance.start(RATE, BLOCK as u32);
    let window = open(&screen, &instance);
    let before = screen.wait_for_frame(window.id);
    let out = OutEvents::new();
    block(&instance, &[HostEvent::Param { time: 0, id: GAIN, value: gain_db(0.1) }], &out);
    screen.wait_for_change(window.id, &before, KNOB_REGION, Duration::from_secs(5));
    instance.gui().unwrap().destroy();
}

#[test]
fn the_size_follows_set_scale_and_a_scale_change_asks_the_host_to_resize() {
    let _serial = serial();
    let screen = Screen::open();
    let module = module();
    let instance = module.create();
    let gui = instance.gui().unwrap();
    let (width, height) = natural();
    assert!(gui.create());
    assert!(gui.set_scale(2.0));
    assert_eq!(gui.size(), Some((2 * width, 2 * height)), "scale 2 before the window opens");
    let window = screen.host_window((2 * width) as u16, (2 * height) as u16);
    assert!(gui.set_parent(window.id) && gui.show());
    screen.wait_for_frame(window.id);
    assert_eq!(screen.size(screen.children(window.id)[0]), ((2 * width) as u16, (2 * height) as u16));
    assert!(gui.set_scale(1.5));
    let wanted = ((width as f64 * 1.5).round() as u32, (height as f64 * 1.5).round() as u32);
    let mut tries = 0;
    while instance.requests().resizes.is_empty() && tries < 200 {
        instance.answer_callbacks();
        std::thread::sleep(Duration::from_millis(10));
        tries += 1;
    }
    assert_eq!(instance.requests().resizes, [(wanted, true)], "request_resize, on the main thread");
    assert_eq!(gui.size(), Some(wanted));
    assert!(gui.set_size(700, 500));
    assert_eq!(gui.size(), Some((700, 500)));
    gui.destroy();
}

/// 200 create/open/destroy cycles while an audio thread processes: the same
/// threads and X connections after, and no more heap than 200 bare egui
/// windows leave behind, measured in turns with them in the same run.
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
    let module = module();
    let instance = module.create();
    instance.start(RATE, BLOCK as u32);
    let (width, height) = natural();
    let parent = screen.host_window(width as u16, height as u16);
    let bare_cycle = || {
        let before = threads();
        drop(support::baseline_window::open(parent.id, width, height));
        wait_for_threads(before);
    };
    let editor_cycle = |wait: bool| {
        let window = open(&screen, &instance);
        if wait {
            screen.wait_for_frame(window.id);
        }
        instance.answer_callbacks();
        instance.gui().unwrap().destroy();
    };
    for _ in 0..10 {
        bare_cycle();
        editor_cycle(true);
    }
    let (threads_before, clients_before, names_before) = (threads(), screen.client_count(), thread_names());
    let running = AtomicBool::new(true);
    let audio = AudioSide(&instance);
    let (editor_growth, bare_growth) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let out = OutEvents::with_capacity(64);
            let audio = &audio;
            while running.load(Ordering::Relaxed) {
                block(audio.0, &[], &out);
                out.values.borrow_mut().clear();
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let growth = interleaved_growth(CYCLES, ROUND, |_| bare_cycle(), |cycle| editor_cycle(cycle % ROUND == 0));
        running.store(false, Ordering::Relaxed);
        growth
    });
    println!(
        "heap growth over {CYCLES} CLAP gui cycles: editors {editor_growth} bytes, bare egui windows {bare_growth} bytes"
    );
    assert_eq!(threads(), threads_before, "threads: {:?}, before: {names_before:?}", thread_names());
    assert_eq!(screen.client_count(), clients_before, "X connections of this process");
    assert!(editor_growth <= bare_growth + (CYCLES * 2048) as i64, "{editor_growth} against {bare_growth} bytes");
}

/// The instance as the host's audio thread uses it: `process` only, while
/// the main thread makes gui calls, as CLAP's threading rules allow.
struct AudioSide<'a, 'm>(&'a Instance<'m>);

// SAFETY: the audio thread only calls `process`, which touches the plugin's
// audio-thread state and the host's transport cell, which the main thread
// leaves alone; the main thread's gui calls and callback answers touch the
// plugin's main-thread state and the host's request list (a mutex).
unsafe impl Sync for AudioSide<'_, '_> {}

/// A host that destroys the plugin with its editor open, then unloads it.
#[test]
fn destroying_the_plugin_with_its_editor_open_is_clean() {
    let _serial = serial();
    if !support::alone("destroying_the_plugin_with_its_editor_open_is_clean") {
        return;
    }
    let screen = Screen::open();
    let (clients, threads_before) = (screen.client_count(), threads());
    {
        let module = module();
        let instance = module.create();
        instance.start(RATE, BLOCK as u32);
        let window = open(&screen, &instance);
        screen.wait_for_frame(window.id);
        drop(instance);
        assert!(screen.children(window.id).is_empty(), "the editor's window closed with the plugin");
    }
    assert_eq!(screen.client_count(), clients, "X connections");
    assert_eq!(threads(), threads_before, "threads");
}
