//! Ardour's GUI (`ardour`, the program a user starts), on the X server the
//! test runs on, with a session the harness built: the plugin's window
//! marked open in the session, as Ardour saves it when a user leaves a
//! plugin's editor open, so the GUI opens it as it loads the session.
//!
//! Ardour runs on its Dummy backend with the settings a user who has been
//! through its first-run dialogs has (its new-user marker, an active Dummy
//! engine state started without asking), in the session's own HOME, as the
//! headless tools do. What happens on the screen is the test's to drive and
//! check (`editors_in_ardour_gui.rs`): this module only builds, starts and
//! stops.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::tools::{WorkDir, describe, on_path, tool_env};
use super::{Ardour, Job};

/// How Ardour is set to close a plugin's window (its "Plugin GUI behavior"
/// preference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowClosing {
    /// Ardour's default: the window is hidden, the plugin's view kept.
    Hide,
    /// `PluginGUIDestroyVST`: the window and the plugin's view are destroyed.
    Destroy,
}

/// A session with the plugin's window marked open, and Ardour's settings,
/// in a folder of its own (kept for inspection unless [`GuiSession::finished`]).
pub struct GuiSession {
    work: WorkDir,
    session_file: PathBuf,
    /// The latency Ardour read from the plugin when the session was built.
    pub latency: usize,
}

/// Ardour's GUI running on a [`GuiSession`]; killed if dropped running.
pub struct Gui {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl Ardour {
    /// Builds `job`'s session as every render does (the bundle scanned, the
    /// session made by `session.lua`, retries counted), then marks the
    /// plugin's window open in it and writes Ardour's settings.
    pub fn session_for_gui(&self, name: &str, job: &Job, closing: WindowClosing) -> GuiSession {
        let prepared = self.prepare(name, job);
        let dir = prepared.work.path.clone();
        let session_file = dir.join(super::SESSION_NAME).join(format!("{}.ardour", super::SESSION_NAME));
        let xml = std::fs::read_to_string(&session_file).unwrap();
        std::fs::write(&session_file, with_plugin_window_open(&xml)).unwrap();
        write_settings(&dir.join("home/.config/ardour7"), closing);
        GuiSession { work: prepared.work, session_file, latency: prepared.latency }
    }
}

impl GuiSession {
    /// Where to keep screenshots and other evidence of this run.
    pub fn dir(&self) -> &Path {
        &self.work.path
    }

    /// Starts Ardour's GUI on the session (on `DISPLAY`).
    pub fn start(&self) -> Gui {
        let program = on_path("ardour").expect("Debian's ardour package installs /usr/bin/ardour");
        let (out, err) = (self.work.path.join("gui.stdout"), self.work.path.join("gui.stderr"));
        let mut command = Command::new(program);
        // No announcements fetched, no splash screen over the windows.
        command.arg("-a").arg("-n").arg(&self.session_file);
        tool_env(&mut command, &self.work.path);
        command.stdin(Stdio::null()).stdout(File::create(&out).unwrap()).stderr(File::create(&err).unwrap());
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start Ardour's GUI: {e}"));
        Gui { child, out, err }
    }

    /// Done, as intended: the folder is removed.
    pub fn finished(self) {
        self.work.succeeded();
    }
}

impl Gui {
    /// Whether it is still running; `Err` with its log if it ended.
    pub fn running(&mut self) -> Result<(), String> {
        match self.child.try_wait().unwrap() {
            None => Ok(()),
            Some(status) => Err(format!("Ardour ended ({}):\n{}", describe(&status), self.log())),
        }
    }

    /// Waits for it to end, `deadline` at most; `Err` if it did not.
    pub fn wait(&mut self, deadline: Duration) -> Result<ExitStatus, String> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Ok(status);
            }
            if started.elapsed() > deadline {
                return Err(format!("Ardour still runs {deadline:?} later:\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What it printed so far.
    pub fn log(&self) -> String {
        let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
        format!("--- Ardour's GUI, stdout:\n{}\n--- stderr:\n{}", read(&self.out), read(&self.err))
    }
}

impl Drop for Gui {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The session XML with the one VST3 plugin's window marked open (its
/// custom editor, not Ardour's generic controls) in `<Extra><UI>`, where
/// Ardour's window manager keeps which windows a session had open:
/// `P-<route id>-<processor id>`.
fn with_plugin_window_open(xml: &str) -> String {
    let processor_at = xml.find(" type=\"vst3\"").expect("the session holds the VST3 plugin");
    let processor_tag = &xml[xml[..processor_at].rfind("<Processor ").unwrap()..processor_at];
    let route_tag = &xml[xml[..processor_at].rfind("<Route ").expect("the plugin is on a route")..];
    let route_tag = &route_tag[..route_tag.find('>').unwrap()];
    let window = format!(
        "<Window name=\"P-{}-{}\" visible=\"1\" x-off=\"100\" y-off=\"100\" x-size=\"-1\" y-size=\"-1\" \
         custom-ui=\"1\"/>",
        attribute(route_tag, "id"),
        attribute(processor_tag, "id")
    );
    if let Some(ui) = xml.find("<UI>") {
        let at = ui + "<UI>".len();
        format!("{}{window}{}", &xml[..at], &xml[at..])
    } else if let Some(extra) = xml.find("<Extra>") {
        let at = extra + "<Extra>".len();
        format!("{}<UI>{window}</UI>{}", &xml[..at], &xml[at..])
    } else {
        let at = xml.rfind("</Session>").expect("a session file");
        format!("{}<Extra><UI>{window}</UI></Extra>{}", &xml[..at], &xml[at..])
    }
}

/// The value of ` name="…"` in an XML start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap_or_else(|| panic!("no {name} in {tag}")) + key.len();
    &tag[start..start + tag[start..].find('"').unwrap()]
}

/// Ardour's settings for a user past its first-run dialogs: the new-user
/// marker, the Dummy backend's engine state, active and started without the
/// Audio/MIDI Setup dialog, no plugin scan at start (the harness scanned),
/// and how plugin windows close.
fn write_settings(config: &Path, closing: WindowClosing) {
    std::fs::create_dir_all(config).unwrap();
    std::fs::write(config.join(".a7"), "").unwrap();
    std::fs::write(
        config.join("config"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Ardour>
  <Config>
    <Option name="try-autostart-engine" value="1"/>
    <Option name="discover-plugins-on-start" value="0"/>
    <Option name="hide-dummy-backend" value="0"/>
  </Config>
  <Extra>
    <AudioMIDISetup>
      <EngineStates>
        <State backend="None (Dummy)" driver="" device="Silence" input-device="" output-device="" sample-rate="48000" buffer-size="1024" n-periods="0" input-latency="0" output-latency="0" lm-input="" lm-output="" active="1" use-buffered-io="0" midi-option="1 in, 1 out, Silence" lru="1">
          <MIDIDevices/>
        </State>
      </EngineStates>
    </AudioMIDISetup>
  </Extra>
</Ardour>
"#,
    )
    .unwrap();
    let behavior = match closing {
        WindowClosing::Hide => "PluginGUIHide",
        WindowClosing::Destroy => "PluginGUIDestroyVST",
    };
    std::fs::write(
        config.join("ui_config"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Ardour><UI><Option name=\"plugin-gui-behavior\" \
             value=\"{behavior}\"/></UI></Ardour>\n"
        ),
    )
    .unwrap();
}
