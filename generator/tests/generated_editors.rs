//! Every generated plugin's editor, in both formats, in the Rust test hosts
//! on a real X server (Xvfb in the test command): embedded in a window of
//! the host's at the size plugins.toml gives (or the generic editor's
//! natural size), its first frame captured to `target/editor-shots/`
//! (`scripts/screenshots.sh` copies two of them into the book), and the
//! control of its first continuous parameter dragged with XTest, which the
//! host hears as a gesture on that parameter.

mod e2e;

use std::time::Duration;

use e2e::clap_host::{ClapModule, OutEvent};
use e2e::host::view::View;
use e2e::host::{ComponentHandler, HostEdit, Module};
use e2e::x11_host::Screen;
use e2e::{Shipped, clap_file, library, shipped, workspace};
use generator::config::Plugin;
use generator::editor::EditorKind;
use vst3::Steinberg::Vst::IEditControllerTrait;

/// One test at a time: they share the X server's pointer.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// The plugin's first continuous parameter: the one [`first_control`]
/// drags.
fn first_continuous(plugin: &Plugin) -> (usize, &generator::config::Param) {
    plugin
        .params
        .iter()
        .enumerate()
        .find(|(_, p)| p.steps == 0)
        .expect("every shipped plugin has a continuous parameter")
}

/// Where a drag changes the plugin's first continuous parameter (from, to):
/// up across its knob in the generic editor's first row (cells of 104
/// pixels from x = 8), or along WA Custom's drive fader.
fn first_control(plugin: &Plugin) -> ((i16, i16), (i16, i16)) {
    match plugin.editor.kind {
        EditorKind::Custom => ((266, 98), (426, 98)),
        _ => {
            let (index, _) = first_continuous(plugin);
            assert!(index < 4, "{}: the knob is in the first row", plugin.name);
            let x = 60 + 104 * index as i16;
            // A convolver's impulse-response row sits above the knobs.
            let (with_row, without) = (e2e::editor_size(plugin).1, {
                let natural = runtime::editor::EguiEditor::generic_size(plugin.params.len(), plugin.buffering);
                natural.height
            });
            let y = 96 + (with_row - without) as i16;
            ((x, y), (x, y - 60))
        }
    }
}

/// Drags the first continuous parameter's control.
fn use_first_control(screen: &Screen, window: u32, plugin: &Plugin) {
    let (from, to) = first_control(plugin);
    screen.drag(window, from, to, 6);
}

fn with_editor(shipped: &Shipped) -> impl Iterator<Item = &Plugin> {
    shipped.plugins.iter().filter(|plugin| plugin.editor.kind != EditorKind::None)
}

fn shot(plugin: &Plugin, format: &str) -> std::path::PathBuf {
    workspace().join("target/editor-shots").join(format!("{}-{format}.png", plugin.slug))
}

#[test]
fn every_generated_vst3_editor_opens_draws_and_edits_a_parameter() {
    let _serial = serial();
    let shipped = shipped();
    let screen = Screen::open();
    assert!(with_editor(shipped).count() >= 2, "the shipped plugins have editors");
    for plugin in with_editor(shipped) {
        let module = Module::load(&library(&shipped.bundles, plugin));
        let instance = module.create();
        let handler = ComponentHandler::new();
        ComponentHandler::install(&handler, &instance);
        let mut view: View = instance.create_view().unwrap_or_else(|| panic!("{} has an editor", plugin.name));
        let (width, height) = e2e::editor_size(plugin);
        assert_eq!(view.size(), (width as i32, height as i32), "{}: getSize", plugin.name);
        let window = screen.host_window(width as u16, height as u16);
        assert_eq!(view.attach(window.id), vst3::Steinberg::kResultOk, "{}", plugin.name);
        let frame = screen.wait_for_frame(window.id);
        frame.save_png(&shot(plugin, "vst3"));
        use_first_control(&screen, window.id, plugin);
        view.pump(Duration::from_millis(200));
        let id = first_continuous(plugin).1.id;
        let edits: Vec<HostEdit> = handler.take_edits().into_iter().map(|(edit, _)| edit).collect();
        assert_eq!(edits.first(), Some(&HostEdit::Begin(id)), "{}: {edits:?}", plugin.name);
        assert_eq!(edits.last(), Some(&HostEdit::End(id)), "{}: {edits:?}", plugin.name);
        assert!(edits.len() >= 3, "{}: a value between: {edits:?}", plugin.name);
        assert_eq!(view.remove(), vst3::Steinberg::kResultOk);
        println!("ok: {}: VST3 editor {width}x{height}, {} edits from a drag", plugin.name, edits.len());
    }
}

#[test]
fn every_generated_clap_editor_opens_draws_and_edits_a_parameter() {
    let _serial = serial();
    let shipped = shipped();
    let screen = Screen::open();
    for plugin in with_editor(shipped) {
        let module = ClapModule::load(&clap_file(&shipped.bundles, plugin));
        let instance = module.create();
        let gui = instance.gui().unwrap_or_else(|| panic!("{} has clap.gui", plugin.name));
        assert!(gui.create());
        let (width, height) = e2e::editor_size(plugin);
        assert_eq!(gui.size(), Some((width, height)), "{}: get_size", plugin.name);
        let window = screen.host_window(width as u16, height as u16);
        assert!(gui.set_parent(window.id) && gui.show(), "{}", plugin.name);
        let frame = screen.wait_for_frame(window.id);
        frame.save_png(&shot(plugin, "clap"));
        use_first_control(&screen, window.id, plugin);
        std::thread::sleep(Duration::from_millis(200));
        let out = instance.flush(&[]);
        let id = first_continuous(plugin).1.id;
        let events: Vec<OutEvent> = out.events.borrow().clone();
        assert_eq!(events.first(), Some(&OutEvent::GestureBegin(id)), "{}: {events:?}", plugin.name);
        assert_eq!(events.last(), Some(&OutEvent::GestureEnd(id)), "{}: {events:?}", plugin.name);
        assert!(events.len() >= 3, "{}: a value between: {events:?}", plugin.name);
        gui.destroy();
        println!("ok: {}: CLAP editor {width}x{height}, {} events from a drag", plugin.name, events.len());
    }
}

/// `editor = "none"` means no window in either format.
#[test]
fn a_plugin_without_an_editor_offers_none() {
    let dir = e2e::scratch_workspace(
        "no-editor",
        "[defaults]\nvendor = \"Tests\"\n\n[[plugins]]\nname = \"Windowless\"\nkind = \"effect\"\ndsp = \"gain\"\neditor = \"none\"\n",
    );
    let (config, bundles) = (dir.join("plugins.toml"), dir.join("bundles"));
    let args = ["build", "--config", config.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    e2e::assert_success(&e2e::generator(&dir, &args), "generator build");
    let config = generator::config::parse(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let plugin = &config.plugins[0];
    let module = Module::load(&library(&bundles, plugin));
    assert!(module.create().create_view().is_none(), "no VST3 view");
    let clap = ClapModule::load(&clap_file(&bundles, plugin));
    assert!(clap.create().gui().is_none(), "no clap.gui");
    let manifest = std::fs::read_to_string(dir.join("plugins/windowless/Cargo.toml")).unwrap();
    assert!(!manifest.contains("editor"), "built without the editor feature:\n{manifest}");
}

/// While audio runs, the write-ahead panel (and WA Custom's lead strip)
/// shows the engine: the picture changes within a few frames of the audio
/// starting, and after a few seconds the plot holds the worker's lead. The
/// captures are the book's screenshots (`scripts/screenshots.sh`).
#[test]
fn the_editor_shows_the_engine_live_while_audio_runs() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;
    let _serial = serial();
    let shipped = shipped();
    let screen = Screen::open();
    for name in ["WA Gain", "WA Custom"] {
        let plugin = shipped.plugins.iter().find(|p| p.name == name).expect("a shipped plugin");
        let module = Module::load(&library(&shipped.bundles, plugin));
        let instance = module.create();
        let channels = plugin.channels;
        start(&instance);
        let mut view = instance.create_view().unwrap();
        let (width, height) = view.size();
        let window = screen.host_window(width as u16, height as u16);
        assert_eq!(view.attach(window.id), vst3::Steinberg::kResultOk);
        let idle = screen.wait_for_frame(window.id);
        // The panel (or the strip), across the window's lower part.
        let telemetry = (0, height as u32 / 2, width as u32, height as u32 / 2);
        let running = AtomicBool::new(true);
        let (first_change, live) = std::thread::scope(|scope| {
            scope.spawn(|| paced_audio(&instance, channels, &running));
            let started = Instant::now();
            screen.wait_for_change(window.id, &idle, telemetry, Duration::from_secs(10));
            let first_change = started.elapsed();
            std::thread::sleep(Duration::from_secs(3));
            let (w, h) = (width as u16, height as u16);
            let live = screen.capture(window.id, w, h);
            running.store(false, Ordering::Relaxed);
            (first_change, live)
        });
        live.save_png(&workspace().join("target/editor-shots").join(format!("{}-live.png", plugin.slug)));
        // The lead plot of the generic panel, or the bars of WA Custom's strip.
        let (w, h) = (width as u32, height as u32);
        let (plot, accent) = match plugin.editor.kind {
            EditorKind::Custom => ((24, h - 60, w - 48, 36), [0xc0, 0x4a, 0x1c]),
            _ => ((12, h - 140, w - 24, 52), [0x3f, 0xc1, 0xb0]),
        };
        let drawn = live.pixels_near(accent, plot, 24);
        let idle_drawn = idle.pixels_near(accent, plot, 24);
        assert_eq!(idle_drawn, 0, "{name}: nothing plotted before audio");
        assert!(drawn > 50, "{name}: the lead plotted while audio runs ({drawn} pixels)");
        println!("ok: {name}: the editor changed {first_change:?} after audio started; {drawn} pixels of lead drawn");
        view.remove();
    }
}

/// setupProcessing (real time, 48 kHz, blocks of 512), setActive, setProcessing.
fn start(instance: &e2e::host::Instance) {
    use vst3::Steinberg::Vst::{IAudioProcessorTrait, IComponentTrait, ProcessSetup};
    let mut setup =
        ProcessSetup { processMode: 0, symbolicSampleSize: 0, maxSamplesPerBlock: 512, sampleRate: 48_000.0 };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), vst3::Steinberg::kResultOk);
        assert_eq!(instance.component.setActive(1), vst3::Steinberg::kResultOk);
        assert_eq!(instance.processor.setProcessing(1), vst3::Steinberg::kResultOk);
    }
}

/// Blocks of 512 frames of noise at 48 kHz, paced as a device would (one
/// every 10.7 ms), until `running` is cleared.
fn paced_audio(instance: &e2e::host::Instance, channels: usize, running: &std::sync::atomic::AtomicBool) {
    let input = e2e::noise(channels, 512, 9);
    let mut output = vec![vec![0.0_f32; 512]; channels];
    let period = Duration::from_micros(10_667);
    let mut next = std::time::Instant::now();
    while running.load(std::sync::atomic::Ordering::Relaxed) {
        let buffers = e2e::host::Buffers::F32 { input: &input, output: &mut output };
        let result = instance.process(e2e::host::REALTIME, buffers, 0, 512, e2e::host::Extras::default());
        assert_eq!(result, vst3::Steinberg::kResultOk);
        next += period;
        std::thread::sleep(next.saturating_duration_since(std::time::Instant::now()));
    }
}

/// The generic editor's preset menu: a click opens it, a click on a preset
/// loads it as a user would by hand (a gesture per parameter it sets, the
/// host told each value), and the menu then shows that preset's name.
#[test]
fn the_generic_editors_preset_menu_loads_a_preset_the_host_hears() {
    let _serial = serial();
    let shipped = shipped();
    let screen = Screen::open();
    let plugin = shipped.plugins.iter().find(|p| p.name == "WA Gain").unwrap();
    let half = plugin.presets.iter().position(|p| p.name == "Half").expect("WA Gain has a preset Half");
    let module = Module::load(&library(&shipped.bundles, plugin));
    let instance = module.create();
    let handler = ComponentHandler::new();
    ComponentHandler::install(&handler, &instance);
    let mut view: View = instance.create_view().unwrap();
    let (width, height) = e2e::editor_size(plugin);
    let window = screen.host_window(width as u16, height as u16);
    assert_eq!(view.attach(window.id), vst3::Steinberg::kResultOk);
    let closed = screen.wait_for_frame(window.id);
    screen.click(window.id, PRESET_MENU);
    let open = screen.wait_for_change(window.id, &closed, (0, 40, width, 120), Duration::from_secs(5));
    open.save_png(&workspace().join("target/editor-shots/wa-gain-presets.png"));
    screen.click(window.id, (PRESET_MENU.0, PRESET_LIST_TOP + PRESET_ROW * half as i16));
    view.pump(Duration::from_millis(300));
    let gain = &plugin.params[0];
    let expected = (-6.0 - gain.min) / (gain.max - gain.min);
    let edits: Vec<HostEdit> = handler.take_edits().into_iter().map(|(edit, _)| edit).collect();
    assert_eq!(edits, [HostEdit::Begin(gain.id), HostEdit::Perform(gain.id, expected), HostEdit::End(gain.id)]);
    // SAFETY: a live controller, on the thread that made it.
    let value = unsafe { instance.controller.getParamNormalized(gain.id) };
    assert_eq!(value, expected, "the controller holds the preset's value");
    let chosen = screen.wait_for_change(window.id, &open, (0, 0, width, 40), Duration::from_secs(5));
    chosen.save_png(&workspace().join("target/editor-shots/wa-gain-preset-chosen.png"));
    assert_eq!(view.remove(), vst3::Steinberg::kResultOk);
}

/// Where the generic editor's preset menu is in a 420-pixel-wide header,
/// the middle of its list's first row once open, and a row's height.
const PRESET_MENU: (i16, i16) = (245, 19);
const PRESET_LIST_TOP: i16 = 47;
const PRESET_ROW: i16 = 23;
