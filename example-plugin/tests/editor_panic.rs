//! An editor whose drawing code panics (a plugin author's bug) in both
//! formats: the host goes on, audio goes on, the window shows what happened
//! instead of the editor, closes cleanly, and a new window opens.

mod clap_host;
mod host;
mod support;
mod x11_host;

use example_plugin::{PANICKING_EDITOR, PANICKING_EDITOR_RED};
use support::{clap_file, library, panicking_editor_bundle};
use vst3::Steinberg::kResultOk;
use x11_host::Screen;

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits until the window shows the failure instead of the editor (whose
/// red is gone), drawn in full.
fn wait_for_the_failure(screen: &Screen, window: u32) -> x11_host::Image {
    let started = std::time::Instant::now();
    loop {
        let image = screen.wait_for_frame(window);
        if image.pixels_of(PANICKING_EDITOR_RED) == 0 {
            return image;
        }
        assert!(started.elapsed() < x11_host::FIRST_FRAME_DEADLINE, "the editor never stopped drawing");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_panicking_vst3_editor_leaves_the_host_and_the_audio_running() {
    let _serial = serial();
    let screen = Screen::open();
    let module = host::Module::load(&library(panicking_editor_bundle(), &PANICKING_EDITOR));
    let instance = module.create();
    for round in 0..2 {
        let mut view = instance.create_view().expect("an editor");
        let (width, height) = view.size();
        let window = screen.host_window(width as u16, height as u16);
        assert_eq!(view.attach(window.id), kResultOk);
        let failed = wait_for_the_failure(&screen, window.id);
        failed.save_png(&support::workspace().join("target/editor-shots/vst3-panicking-editor.png"));
        assert_eq!(view.remove(), kResultOk, "round {round}: removed after the panic");
        assert!(screen.children(window.id).is_empty(), "round {round}: the window closed");
    }
    // The plugin itself is unharmed: it still processes.
    let output = play_vst3(&instance);
    assert!(output.iter().any(|s| *s != 0.0), "audio after the editor panicked");
}

fn play_vst3(instance: &host::Instance) -> Vec<f32> {
    use vst3::Steinberg::Vst::{IAudioProcessorTrait, IComponentTrait, ProcessSetup};
    let mut setup =
        ProcessSetup { processMode: 0, symbolicSampleSize: 0, maxSamplesPerBlock: 512, sampleRate: 48_000.0 };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
    }
    let input = vec![vec![0.5_f32; 48_000]; 2];
    let mut output = vec![vec![0.0_f32; 48_000]; 2];
    for start in (0..48_000).step_by(512) {
        let n = 512.min(48_000 - start);
        let buffers = host::Buffers::F32 { input: &input, output: &mut output };
        assert_eq!(instance.process(host::OFFLINE, buffers, start, n, host::Extras::default()), kResultOk);
    }
    output.swap_remove(0)
}

#[test]
fn a_panicking_clap_editor_leaves_the_host_and_the_audio_running() {
    let _serial = serial();
    let screen = Screen::open();
    let _ = panicking_editor_bundle();
    let module = clap_host::ClapModule::load(&clap_file(&PANICKING_EDITOR));
    let instance = module.create();
    let latency = instance.start(48_000.0, 512) as usize;
    let gui = instance.gui().expect("clap.gui");
    for round in 0..2 {
        assert!(gui.create());
        let (width, height) = gui.size().unwrap();
        let window = screen.host_window(width as u16, height as u16);
        assert!(gui.set_parent(window.id) && gui.show());
        wait_for_the_failure(&screen, window.id);
        gui.destroy();
        assert!(screen.children(window.id).is_empty(), "round {round}: the window closed");
    }
    let input = vec![vec![0.5_f32; 9600]; 2];
    let output = clap_host::play(&instance, &input, 2, &[512; 18], &[]);
    assert!(output[0][latency..].iter().any(|s| *s != 0.0), "audio after the editor panicked");
}
