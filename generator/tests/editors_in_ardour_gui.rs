//! Editors in a DAW's own GUI: Ardour 7.3 (`ardour`, Debian's), on the test
//! command's X server, opens a session that has a plugin's window open, as a
//! user's saved session does. The plugin's editor must be embedded in
//! Ardour's plugin window at its own size and draw; closing that window as a
//! window manager's close button does must leave Ardour running (with
//! Ardour's default of hiding plugin windows, and with its setting that
//! destroys the plugin's view, which must take our window with it); and
//! Ardour must quit cleanly from its keyboard shortcut, with the editor
//! closed or still open (the plugin unloaded under an open editor).
//!
//! Ardour 7.3 has no CLAP support: the VST3 bundles are what it loads. No
//! run is retried: a crash or hang fails the test. WA Gain shows the
//! generic editor, WA Custom its own.

mod ardour;
mod e2e;

use std::time::{Duration, Instant};

use ardour::gui::{Gui, WindowClosing};
use ardour::{Ardour, Input, Job, RATE};
use e2e::x11_host::Screen;
use e2e::{noise, shipped};
use generator::config::Plugin;
use generator::editor::EditorKind;

/// How long Ardour may take from its start to showing the plugin's editor
/// (10 to 25 s measured on a loaded 2-core machine).
const OPENS_WITHIN: Duration = Duration::from_secs(120);
/// How long a closed window, or a quit, may take to happen.
const ACTS_WITHIN: Duration = Duration::from_secs(60);

/// X keysyms: the left Control key and `q` (Ardour's Quit is Ctrl+Q).
const CONTROL_L: u32 = 0xffe3;
const Q: u32 = 0x71;

/// The generic editor's accent colour (`runtime::editor`'s theme): drawn by
/// every generic editor's knobs and panel.
const ACCENT: [u8; 3] = [0x3f, 0xc1, 0xb0];

/// What the test does once the editor shows.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// Closes the plugin's window (Ardour set to `closing`), then quits.
    CloseWindow(WindowClosing),
    /// Quits with the editor open.
    Quit,
}

#[test]
fn ardours_gui_shows_each_editor_and_closes_and_quits_cleanly() {
    let screen = Screen::open();
    let ardour = Ardour::installed();
    let shipped = shipped();
    let find = |name: &str| shipped.plugins.iter().find(|p| p.name == name).expect("a shipped plugin");
    let mut runs = 0;
    for plugin in [find("WA Gain"), find("WA Custom")] {
        for then in [Then::CloseWindow(WindowClosing::Hide), Then::CloseWindow(WindowClosing::Destroy), Then::Quit] {
            let started = Instant::now();
            run(&screen, &ardour, plugin, then);
            runs += 1;
            println!("ok: {} in Ardour's GUI, {then:?}: {:.1} s", plugin.name, started.elapsed().as_secs_f64());
        }
    }
    println!("ok: {runs} of {runs} Ardour GUI sessions showed the editor, closed it and quit cleanly; no retries");
}

/// One session: Ardour started on it, the editor found and checked, then
/// closed or not, and Ardour quit. Panics with Ardour's log and a screenshot
/// kept in the session's folder when a step fails.
fn run(screen: &Screen, ardour: &Ardour, plugin: &Plugin, then: Then) {
    let closing = match then {
        Then::CloseWindow(closing) => closing,
        Then::Quit => WindowClosing::Hide,
    };
    let input = noise(plugin.channels, RATE as usize, 7);
    let bundle = shipped().bundles.join(format!("{}.vst3", plugin.name));
    let job = Job::new(&bundle, &plugin.name, plugin.channels, Input::Audio(&input), RATE as usize);
    let session = ardour.session_for_gui(&format!("gui-{}-{then:?}", plugin.slug), &job, closing);
    let mut gui = session.start();
    let fail = |gui: &Gui, what: String| -> ! {
        let shot = session.dir().join("screen.png");
        let (width, height) = screen.size(screen.root);
        screen.capture(screen.root, width, height).save_png(&shot);
        panic!("{}: {what}\n(screen: {})\n{}", plugin.name, shot.display(), gui.log());
    };

    // Ardour's window for the plugin ("track: WA Gain (by …) [VST3]"), with
    // the editor's own X window inside it, both shown.
    let title = format!("track: {} (", plugin.name);
    let opened = Instant::now();
    let (window, editor) = loop {
        if let Err(ended) = gui.running() {
            fail(&gui, format!("Ardour ended before showing the editor: {ended}"));
        }
        let shown = |w: u32| screen.is_viewable(w) == Some(true);
        let window = screen.children(screen.root).into_iter().find(|&w| {
            screen.window_name(w).is_some_and(|name| name.starts_with(&title) && name.ends_with("[VST3]")) && shown(w)
        });
        let editor = window.and_then(|window| {
            screen
                .descendants(window)
                .into_iter()
                .find(|&w| screen.window_name(w).as_deref() == Some(plugin.name.as_str()) && shown(w))
                .map(|editor| (window, editor))
        });
        if let Some(found) = editor {
            break found;
        }
        if opened.elapsed() > OPENS_WITHIN {
            fail(&gui, format!("no editor in a plugin window of Ardour's within {OPENS_WITHIN:?}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    };

    // At least the size plugins.toml gives it (or the generic editor's own):
    // the editor is resizable, and Ardour widens its window to its own
    // toolbar (WA Gain's 420 pixels become 438); and drawn.
    let (natural_width, natural_height) = e2e::editor_size(plugin);
    let (width, height) = screen.size(editor);
    if u32::from(width) < natural_width || u32::from(height) < natural_height {
        fail(&gui, format!("the editor is {width}x{height} in Ardour, smaller than {natural_width}x{natural_height}"));
    }
    let image = screen.wait_for_frame(editor);
    let accent = image.pixels_near(ACCENT, (0, 0, image.width, image.height), 12);
    if plugin.editor.kind == EditorKind::Generic && accent < 100 {
        fail(&gui, format!("the generic editor shows {accent} pixels of its accent colour"));
    }
    image.save_png(&session.dir().join("editor.png"));

    if let Then::CloseWindow(closing) = then {
        screen.request_close(window);
        let asked = Instant::now();
        loop {
            let hidden = screen.is_viewable(window) != Some(true);
            let editor_gone = screen.is_viewable(editor).is_none();
            // Hidden, Ardour keeps the plugin's view (and our window); told
            // to destroy it, the view goes, and our window with it.
            let done = match closing {
                WindowClosing::Hide => hidden && !editor_gone,
                WindowClosing::Destroy => hidden && editor_gone,
            };
            if done {
                break;
            }
            if let Err(ended) = gui.running() {
                fail(&gui, format!("Ardour ended when its plugin window was closed: {ended}"));
            }
            if asked.elapsed() > ACTS_WITHIN {
                fail(&gui, format!("closed ({closing:?}): window hidden {hidden}, editor's window gone {editor_gone}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // A second later, still running: closing took nothing down with it.
        std::thread::sleep(Duration::from_secs(1));
        if let Err(ended) = gui.running() {
            fail(&gui, format!("Ardour ended after its plugin window was closed: {ended}"));
        }
    }

    if let Err(problem) = quit(screen, &mut gui) {
        fail(&gui, problem);
    }
    session.finished();
}

/// Ctrl+Q over Ardour's main window; Ardour must exit with status 0.
fn quit(screen: &Screen, gui: &mut Gui) -> Result<(), String> {
    let main = screen.children(screen.root).into_iter().find(|&w| {
        screen.is_viewable(w) == Some(true)
            && screen.window_name(w).is_some_and(|name| name.contains("Ardour") && !name.starts_with("track: "))
    });
    let main = main.ok_or("no main window of Ardour's to quit from")?;
    let (width, height) = screen.size(main);
    screen.move_pointer(main, (width / 2) as i16, (height / 2) as i16);
    screen.key_chord(&[CONTROL_L, Q]);
    let status = gui.wait(ACTS_WITHIN).map_err(|still| format!("Ctrl+Q: {still}"))?;
    if !status.success() {
        return Err(format!("Ardour quit with {status}"));
    }
    match gui.log().lines().find(|l| l.contains("terminate called") || l.contains("Assertion")) {
        Some(line) => Err(format!("Ardour exited 0 but printed {line:?}")),
        None => Ok(()),
    }
}
