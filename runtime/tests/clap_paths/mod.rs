//! Drives the CLAP glue's audio-thread paths through its C ABI, as a host's
//! audio thread calls them: `process` 32- and 64-bit, in real time and
//! offline, with parameter, note, MIDI and bypass events, with the host's
//! transport in `clap_process.transport` or as events at the block's start
//! and inside it (or none), without
//! input audio and with no frames at all;
//! `clap.params` flush while active; `reset`; `stop_processing` and
//! `start_processing`. Each plugin call runs inside `guard`, the host's own
//! preparation outside it. Used by the no-allocation test and by the
//! RealtimeSanitizer run, so both check the same paths.
//!
//! The plugin is exported by this test binary itself (`export_clap!`) and
//! driven by the Rust CLAP host of the example plugin's tests.
#![allow(dead_code)]

#[path = "../../../example-plugin/tests/clap_host/mod.rs"]
mod clap_host;

use clap_host::{Buffers, ClapModule, HostEvent, OutEvents, clap_transport};
use clap_sys::process::CLAP_PROCESS_TAIL;
use runtime::plugin::{BYPASS_PARAM_ID, ParamSpec, PluginInfo, PluginKind};

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use runtime::engine::{AudioBlock, EventKind, ProcessSetup, Processor};

use crate::common::processors::FeedbackFilter;

const PARAMS: &[ParamSpec] = &[ParamSpec {
    id: 0,
    title: "Gain",
    units: "",
    min: 0.0,
    max: 1.0,
    default: 1.0,
    automatable: true,
    steps: 0,
    smooth_ms: 0.0,
    value_names: &[],
}];

/// A buffered stereo effect, 10 ms ahead, over the feedback filter (every
/// output sample depends on the whole input history).
pub static INFO: PluginInfo = PluginInfo {
    name: "CLAP Path Probe",
    vendor: "Writeahead Tests",
    url: "",
    email: "",
    version: "1.0.0",
    class_id: [0x5752_4954, 0x4541_4845, 0x4144_434C, 0x4150_0001],
    kind: PluginKind::Effect,
    layouts: &[2],
    latency_ms: 10.0,
    latency_ceiling_ms: None,
    buffering: true,
    params: PARAMS,
    meter_params: true,
    presets: &[],
    editor: Some(&EDITOR),
};

/// The generic editor: the no-allocation and RealtimeSanitizer runs keep it
/// open while they process.
static EDITOR: runtime::editor::EguiEditor = runtime::editor::EguiEditor::generic(420, 320);

runtime::export_clap!(INFO, Probe::default);

/// Set by a test: the probe's next block on a worker thread waits inside the
/// DSP (a stall that does not end) until it is cleared; [`STUCK`] says when
/// the worker is in there.
static STICK: AtomicBool = AtomicBool::new(false);
static STUCK: AtomicBool = AtomicBool::new(false);

/// The feedback filter, which the worker can be made to get stuck in.
#[derive(Default)]
pub struct Probe(FeedbackFilter);

impl Processor for Probe {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.0.prepare(setup);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        // Only the engine's worker gets stuck: the test's own thread is the
        // host's audio thread, which must never wait.
        let on_worker = std::thread::current().name().is_some_and(|name| name.starts_with("writeahead-"));
        if on_worker && STICK.load(Ordering::Acquire) {
            STUCK.store(true, Ordering::Release);
            while STICK.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_micros(200));
            }
            STUCK.store(false, Ordering::Release);
        }
        self.0.process(audio);
    }

    fn event(&mut self, event: &EventKind) {
        self.0.event(event);
    }

    fn reset(&mut self) {
        self.0.reset();
    }
}

/// What the run saw, so a test knows the paths did their work.
#[derive(Debug, Default)]
pub struct Seen {
    /// Gesture and value events of the editor's drag, sent from `process`
    /// or a flush (the edit queue drained on the audio thread).
    pub editor_events: usize,
    /// Calls whose output held sound (the worker ran ahead and delivered).
    pub sounding_calls: usize,
    /// Meter values the plugin reported through the host's output events
    /// (only when a reading changes: none, while the worker keeps up).
    pub meter_reports: usize,
}

/// Activates the probe at 48 kHz (blocks up to 2048 frames), opens its
/// editor (a drag on its knob queues edits), and makes `rounds` audio-thread
/// calls, each plugin call inside `guard`.
pub fn every_path(rounds: usize, guard: &mut dyn FnMut(&mut dyn FnMut())) -> Seen {
    let module = ClapModule::linked(clap_entry.raw());
    let instance = module.create();
    assert!(instance.activate(48_000.0, 1, 2048), "activated");
    let gui = instance.gui().expect("clap.gui");
    assert!(gui.create(), "gui created");
    let (width, height) = gui.size().expect("its size");
    let window = crate::common::open_editor::host_window(width, height);
    assert!(gui.set_parent(window.id) && gui.show(), "the editor is open");
    crate::common::open_editor::draw_and_drag(&window);
    let mut started = false;
    guard(&mut || started = instance.start_processing());
    assert!(started, "processing started");
    let input32 = vec![vec![0.25_f32; 2048]; 2];
    let input64 = vec![vec![0.25_f64; 2048]; 2];
    let (mut output32, mut output64) = (vec![vec![0.0_f32; 2048]; 2], vec![vec![0.0_f64; 2048]; 2]);
    // Room for every value the plugin reports: pushing never allocates.
    let out = OutEvents::with_capacity(1 << 16);
    let events = [
        HostEvent::Param { time: 3, id: 0, value: 0.5 },
        HostEvent::Note { time: 100, on: true, key: 64, velocity: 0.8 },
        HostEvent::Midi { time: 150, data: [0x90, 60, 100] },
        HostEvent::Param { time: 200, id: BYPASS_PARAM_ID, value: 1.0 },
        HostEvent::Param { time: 400, id: BYPASS_PARAM_ID, value: 0.0 },
        HostEvent::Param { time: 401, id: 0, value: 0.9 },
    ];
    let mut seen = Seen::default();
    for round in 0..rounds {
        // The render mode is the main thread's to set, between calls.
        instance.set_offline(round % 3 == 1);
        let frames = [512, 0, 1536, 64][round % 4];
        // The host's transport: playing on at 120 BPM and up, jumping back
        // now and then; in the call, as an event, or not at all.
        let transport = clap_transport(
            48_000.0,
            round % 11 != 10,
            120.0 + (round % 5) as f64,
            round as i64 * 1000,
            round as f64 / 2.0,
        );
        instance.set_transport((round % 6 != 5).then_some(transport));
        let mut in_block = events[..if frames > 401 { events.len() } else { 0 }].to_vec();
        if round % 6 == 2 {
            in_block.insert(0, HostEvent::Transport { time: 0, transport });
        }
        if round % 6 == 3 && frames > 401 {
            // A tempo change inside the block, between the bypass events.
            let slower = clap_sys::events::clap_event_transport { tempo: 90.0, ..transport };
            in_block.insert(4, HostEvent::Transport { time: 300, transport: slower });
        }
        let in_block = &in_block[..];
        let no_input = round % 5 == 4;
        let status = if round % 2 == 0 {
            let input: &[Vec<f32>] = if no_input { &[] } else { &input32 };
            let buffers = Buffers::F32 { input, output: &mut output32 };
            let status = instance.process_inside(buffers, 0, frames, in_block, Some(&out), guard);
            seen.sounding_calls += usize::from(output32.iter().any(|c| c[..frames].iter().any(|s| *s != 0.0)));
            status
        } else {
            let input: &[Vec<f64>] = if no_input { &[] } else { &input64 };
            let buffers = Buffers::F64 { input, output: &mut output64 };
            let status = instance.process_inside(buffers, 0, frames, in_block, Some(&out), guard);
            seen.sounding_calls += usize::from(output64.iter().any(|c| c[..frames].iter().any(|s| *s != 0.0)));
            status
        };
        assert_eq!(status, CLAP_PROCESS_TAIL, "round {round}");
        if round % 7 == 3 {
            instance.flush_inside(&events[..1], &out, guard);
        }
        if round % 37 == 36 {
            guard(&mut || instance.reset());
        }
        if round % 41 == 40 {
            guard(&mut || instance.stop_processing());
            guard(&mut || started = instance.start_processing());
            assert!(started, "processing restarted");
        }
        seen.meter_reports += out.values.borrow().iter().filter(|(id, _)| *id != 0).count();
        seen.editor_events += out.events.borrow().iter().filter(|event| event_of_param(event, 0)).count();
        out.values.borrow_mut().clear();
        out.events.borrow_mut().clear();
    }
    instance.stop_processing();
    instance.deactivate();
    gui.destroy();
    drop(window);
    seen
}

/// Whether `event` is a gesture or value event for parameter `id`.
fn event_of_param(event: &clap_host::OutEvent, id: u32) -> bool {
    use clap_host::OutEvent::{GestureBegin, GestureEnd, Value};
    matches!(*event, GestureBegin(i) | GestureEnd(i) | Value(i, _) if i == id)
}

/// The calls a host paced by a device makes on its audio thread to restart
/// the plugin, `reset` and `stop_processing` + `start_processing`, each
/// followed by `process`, made while the worker is stuck inside the DSP, each
/// plugin call inside `guard`. Returns whether every one returned while the worker was
/// still stuck (none waited for it).
pub fn restart_while_stuck(guard: &mut dyn FnMut(&mut dyn FnMut())) -> bool {
    let module = ClapModule::linked(clap_entry.raw());
    let instance = module.create();
    assert!(instance.activate(48_000.0, 1, 512), "activated");
    assert!(instance.start_processing(), "processing started");
    let input = vec![vec![0.25_f32; 512]; 2];
    let mut output = vec![vec![0.0_f32; 512]; 2];
    // Room for the meters' reports (underruns, while the worker is stuck):
    // the host's list never allocates.
    let out = OutEvents::with_capacity(1 << 16);
    let mut play = |instance: &clap_host::Instance<'_>, guard: &mut dyn FnMut(&mut dyn FnMut())| {
        let buffers = Buffers::F32 { input: &input, output: &mut output };
        assert_eq!(instance.process_inside(buffers, 0, 512, &[], Some(&out), guard), CLAP_PROCESS_TAIL);
        out.values.borrow_mut().clear();
        out.events.borrow_mut().clear();
    };
    let mut direct = |call: &mut dyn FnMut()| call();
    // Paced like a device (512 frames at 48 kHz every 10.7 ms): a host
    // calling faster than real time is waited for instead (see the engine's
    // `produce`), as nobody listens to it in real time.
    const BLOCK_TIME: Duration = Duration::from_micros(10_667);
    for _ in 0..8 {
        play(&instance, &mut direct);
        std::thread::sleep(BLOCK_TIME);
    }
    STICK.store(true, Ordering::Release);
    // A fail-safe: the worker is let go after 3 s whatever happens here.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let fail_safe = std::thread::spawn(move || {
        let _ = finished.recv_timeout(Duration::from_secs(3));
        STICK.store(false, Ordering::Release);
    });
    while !STUCK.load(Ordering::Acquire) {
        play(&instance, &mut direct);
        std::thread::sleep(BLOCK_TIME);
    }
    let mut returned_while_stuck = true;
    for round in 0..6 {
        if round % 3 == 0 {
            guard(&mut || instance.reset());
        } else if round % 3 == 1 {
            guard(&mut || instance.stop_processing());
            let mut started = false;
            guard(&mut || started = instance.start_processing());
            assert!(started, "processing restarted");
        }
        play(&instance, guard);
        returned_while_stuck &= STUCK.load(Ordering::Acquire);
        std::thread::sleep(BLOCK_TIME);
    }
    STICK.store(false, Ordering::Release);
    let _ = done.send(());
    while STUCK.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_millis(1));
    }
    instance.stop_processing();
    instance.deactivate();
    fail_safe.join().unwrap();
    returned_while_stuck
}
