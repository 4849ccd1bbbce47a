//! Renders a VST3 bundle in Ardour 7 (Debian's `ardour` package), headless:
//!
//! 1. the bundle is copied into a private VST3 folder and scanned by
//!    `ardour-vst3-scanner` into a private cache (HOME and the XDG folders
//!    point into the render's own folder: the user's ~/.vst3 and Ardour
//!    settings are never read or written);
//! 2. `ardour7-lua` runs `session.lua`: a 48 kHz session on the Dummy backend
//!    with one track and the plugin on it, the master bus as wide as the
//!    plugin, panners bypassed;
//! 3. the test's audio (a float WAV) or notes (a MIDI file) are written into
//!    the session's folder, and region, source and session range into its XML;
//! 4. `ardour7-export -b float` renders the session range from the master
//!    bus, and the file is read back.
//!
//! Or, for adaptive latency ([`Ardour::play_then_export`]), step 4 is one
//! `ardour7-lua` run of `adapt.lua` that plays the session in real time,
//! saves it, deactivates and reactivates the plugin and exports the same
//! range from the same process (a fresh process would load a fresh plugin).
//!
//! Everything lives in `target/ardour-renders/<name>/`, removed when the
//! render succeeded and kept for inspection when it did not. No step is timed
//! by an assertion; each tool gets a generous deadline so that a hung Ardour
//! fails the test instead of blocking it.
//!
//! Ardour 7.3 dies by a signal or hangs now and then for reasons of its own
//! (its exporter hangs in about 1 export in 40 on a busy machine, as the
//! export starts). A session build, export or play that does so, and leaves
//! no complete file, is run again, twice at most, but never silently: every
//! retry is printed, on stderr past the test's capture, and counted per
//! [`Ardour`] value (one per test); when it is dropped, the test fails if
//! more than one run in ten needed a retry, unless that retry is the only
//! one in the whole test binary (a binary makes dozens of runs, and one hang
//! in forty exports is Ardour's rate; two are more than rare). A crash or a
//! deadlock that often is a bug to find, Ardour's or ours, not noise to
//! retry past.

#![allow(dead_code)]

mod aborted_exports;
pub mod compare;
pub mod gui;
pub mod session_xml;
pub mod smf;
mod tools;
pub mod wav;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub use aborted_exports::judge_export;
use session_xml::Content;
use tools::{Ran, WorkDir, backdate_files, copy_dir, on_path, run, tool, tool_env};

/// The session rate: Ardour's Dummy backend runs at the rate the session asks.
pub const RATE: u32 = 48_000;
const LIBRARY_DIR: &str = "/usr/lib/ardour7";
const DEADLINE: Duration = Duration::from_secs(90);
const SESSION_NAME: &str = "render";
/// Runs of one step after the first, at most.
const MAX_RETRIES: usize = 2;

/// The Ardour tools, found or the test fails, and the tally of the runs made
/// through them (see the module's documentation): dropping it prints the
/// tally and fails the test when more than one run in ten needed a retry.
pub struct Ardour {
    lua: PathBuf,
    export: PathBuf,
    scanner: PathBuf,
    tally: Mutex<Tally>,
    /// Where the binary's retries are counted ([`RETRIES_IN_BINARY`], or a
    /// test's own counter).
    retries_in_binary: &'static AtomicUsize,
}

/// The runs of session builds, exports and plays one test made, and those
/// that needed a retry.
#[derive(Default)]
struct Tally {
    runs: usize,
    /// One line per run that needed a retry: what, and how each try ended.
    retried: Vec<String>,
    /// One line per export accepted although its tool then aborted on exit
    /// (see [`judge_export`]): no retry, but shown with the tally.
    aborted_after_writing: Vec<String>,
}

/// Retries in this test binary so far, every test's.
static RETRIES_IN_BINARY: AtomicUsize = AtomicUsize::new(0);

/// True when more than one run in ten needed a retry: the test fails.
pub fn too_many_retried(retried: usize, runs: usize) -> bool {
    retried * 10 > runs
}

/// Whether a test with `retried` of `runs` runs retried fails, when the
/// whole binary has retried `in_binary` runs so far: more than one run in
/// ten, unless it is the binary's one retry.
pub fn fails_for_retries(retried: usize, runs: usize, in_binary: usize) -> bool {
    too_many_retried(retried, runs) && in_binary > 1
}

/// How the session build ([`Ardour::build_session_once`]) puts an
/// instrument on its MIDI track (see `session.lua`, where each is described).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insertion {
    /// As Ardour's Add Track dialog does: the instrument named when the
    /// track is created with one MIDI input and output and strict I/O. What
    /// every render uses.
    AsAddTrackDialog,
    /// The track created with audio outputs and strict I/O off, the
    /// instrument inserted, then strict I/O turned on.
    StrictIoAfter,
    /// The track created with audio outputs and strict I/O, the instrument
    /// inserted afterwards: races in Ardour 7.3 (a port registered twice).
    InsertedAfterAudioOutputs,
    /// The same track with the instrument named at its creation: the same race.
    NamedWithAudioOutputs,
}

impl Insertion {
    /// Its name in `session.lua`.
    pub fn argument(self) -> &'static str {
        match self {
            Insertion::AsAddTrackDialog => "add-track-dialog",
            Insertion::StrictIoAfter => "strict-io-after",
            Insertion::InsertedAfterAudioOutputs => "inserted-after-audio-outputs",
            Insertion::NamedWithAudioOutputs => "named-with-audio-outputs",
        }
    }
}

/// How one `ardour7-lua session.lua` run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// Saved; the latency Ardour read from the plugin after inserting it.
    Saved { latency: usize },
    /// Died by this signal (6: an abort, 11: a segfault).
    Died { signal: i32 },
    /// Killed at the deadline: hung.
    Hung,
    /// Exited with a status, or saved nothing: the script failed (plugin not
    /// found, not inserted, outputs not as asked).
    Failed,
}

/// One session build: how it ended, and what the tool printed.
pub struct SessionRun {
    pub built: Built,
    ran: Ran,
}

impl SessionRun {
    /// The tool's output, for a failure message.
    pub fn log(&self) -> String {
        self.ran.log()
    }
}

/// A bundle copied where Ardour looks and scanned into a render folder of its
/// own, ready for session builds ([`Ardour::build_session_once`]) and a
/// render of one of them ([`Ardour::render_built`]). Its folder is kept for
/// inspection unless that render succeeds or [`Scanned::finished`] says so.
pub struct Scanned {
    work: WorkDir,
    started: Instant,
}

impl Scanned {
    /// Done with it, as intended: its folder is removed.
    pub fn finished(self) {
        self.work.succeeded();
    }
}

/// A note on MIDI channel 1 at an absolute frame.
#[derive(Debug, Clone, Copy)]
pub struct Note {
    pub frame: usize,
    pub on: bool,
    pub pitch: u8,
    pub velocity: u8,
}

/// What the track plays.
pub enum Input<'a> {
    /// An audio track playing these samples (one row per channel, as many
    /// rows as the plugin has channels) in a region from time 0; shorter
    /// than the session range, the track is silent after it.
    Audio(&'a [Vec<f32>]),
    /// A MIDI track playing these notes into the instrument.
    Notes(&'a [Note]),
}

/// One render: `plugin` (its VST3 class name) from `bundle` on a track with
/// `channels` audio channels, the session range `frames` long from time 0.
pub struct Job<'a> {
    pub bundle: &'a Path,
    pub plugin: &'a str,
    pub channels: usize,
    pub input: Input<'a>,
    pub frames: usize,
    /// The plugin's saved state (its `getState` bytes) to put in the session
    /// in place of the one Ardour saved when it inserted the plugin, as a
    /// session saved with those values holds it; `None` keeps Ardour's.
    pub state: Option<&'a [u8]>,
    /// Automation of the plugin's first parameter: `(frame, value)` points
    /// in the units Ardour shows (the plugin's plain values), played back.
    /// Empty: none.
    pub automation: &'a [(usize, f64)],
}

impl<'a> Job<'a> {
    /// `plugin` from `bundle`, `channels` wide, playing `input` in a session
    /// `frames` long, with the state Ardour saves and no automation.
    pub fn new(bundle: &'a Path, plugin: &'a str, channels: usize, input: Input<'a>, frames: usize) -> Self {
        Job { bundle, plugin, channels, input, frames, state: None, automation: &[] }
    }
}

/// What Ardour rendered.
pub struct Render {
    /// The master bus, one row per channel, `frames` long.
    pub output: Vec<Vec<f32>>,
    /// The latency Ardour read from the plugin after inserting it.
    pub latency: usize,
    /// Set when `ardour7-export` died after writing a complete file (Ardour's
    /// own exit-time bug): how it ended.
    pub export_died_after_writing: Option<String>,
    /// Wall-clock seconds of scan + session, and of the export (reported, never asserted).
    pub seconds: (f64, f64),
}

/// What Ardour did in [`Ardour::play_then_export`].
pub struct Played {
    /// The export made after the plugin was reactivated: the master bus, one
    /// row per channel, `frames` long.
    pub output: Vec<Vec<f32>>,
    /// The plugin latency Ardour reported: after inserting the plugin (the
    /// session build), after loading the session, after it played and was
    /// saved, and after the plugin was deactivated and activated again.
    pub latency: [usize; 4],
    /// The transport position when it stopped: how far it played.
    pub rolled: usize,
    /// Frames per engine cycle: the block size Ardour processed in.
    pub block: usize,
    /// The plugin's read-only parameters as Ardour showed them once the
    /// transport had stopped.
    pub meters: Vec<Meter>,
    /// Set when `ardour7-lua` died after writing a complete file: how it ended.
    pub died_after_export: Option<String>,
    /// Wall-clock seconds of scan + session, and of the play and export
    /// (reported, never asserted).
    pub seconds: (f64, f64),
}

/// A read-only parameter as Ardour shows it: its value and range in the
/// units Ardour displays (the plugin's plain values).
#[derive(Debug, Clone, PartialEq)]
pub struct Meter {
    pub name: String,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Played {
    /// The meter called `name`, or a panic listing those Ardour showed.
    pub fn meter(&self, name: &str) -> &Meter {
        self.meters
            .iter()
            .find(|meter| meter.name == name)
            .unwrap_or_else(|| panic!("Ardour shows no meter {name:?}; it shows {:?}", self.meters))
    }
}

impl Ardour {
    /// The installed tools, or a panic that says what to install.
    pub fn installed() -> Ardour {
        let lua = on_path("ardour7-lua");
        let export = on_path("ardour7-export");
        let scanner = Path::new(LIBRARY_DIR).join("ardour-vst3-scanner");
        let missing: Vec<String> = [("ardour7-lua", lua.as_ref()), ("ardour7-export", export.as_ref())]
            .into_iter()
            .filter(|(_, found)| found.is_none())
            .map(|(name, _)| format!("{name} (not on PATH)"))
            .chain((!scanner.exists()).then(|| scanner.display().to_string()))
            .collect();
        assert!(
            missing.is_empty(),
            "Ardour 7 is not installed: missing {}. Install Debian's `ardour` package \
             (scripts/test.sh does: apt-get install --no-install-recommends ardour)",
            missing.join(", ")
        );
        Ardour {
            lua: lua.unwrap(),
            export: export.unwrap(),
            scanner,
            tally: Mutex::default(),
            retries_in_binary: &RETRIES_IN_BINARY,
        }
    }

    /// The same tools, counting this value's retries on `counter` instead of
    /// the binary's (for the test of the tally itself).
    pub fn counting_retries_on(mut self, counter: &'static AtomicUsize) -> Ardour {
        self.retries_in_binary = counter;
        self
    }

    /// Renders `job` in a fresh session; `name` names its folder. Panics, with
    /// the tools' output, when any step fails.
    pub fn render(&self, name: &str, job: &Job) -> Render {
        let prepared = self.prepare(name, job);
        self.export(prepared, job)
    }

    /// Renders `job` in `session`, a session [`Ardour::build_session_once`]
    /// saved on `scanned`, as [`Ardour::render`] renders its own; panics if
    /// it was not saved.
    pub fn render_built(&self, scanned: Scanned, session: SessionRun, job: &Job) -> Render {
        let prepared = self.fill(scanned, session.ran, job);
        self.export(prepared, job)
    }

    /// Step 4: export and read back.
    fn export(&self, prepared: Prepared, job: &Job) -> Render {
        let dir = &prepared.work.path;
        let out = dir.join("export.wav");
        let mut export = tool(&self.export);
        export.arg("-b").arg("float").arg("-o").arg(&out).arg(dir.join(SESSION_NAME)).arg(SESSION_NAME);
        tool_env(&mut export, dir);
        // ardour7-export aborts now and then once it has exported ("double
        // free or corruption", "munmap_chunk(): invalid pointer": its
        // teardown frees a PortExportChannel twice, seen in gdb, with no
        // plugin in the session too); `judge_export` accepts that once the
        // file is complete. It also hangs now and then as the export starts
        // (waiting for its butler thread, which waits for a lock; a session
        // without any plugin too). A death by a signal that leaves no
        // complete file, or a hang, is tried again, and counted.
        let exported = self.counted(
            &format!("export of {}", job.plugin),
            || run(&mut export, dir, "export"),
            |exported| {
                let done = exported.stdout.contains("* Done.");
                let refused = judge_export(&exported.status, done, wav::read(&out), job.channels, job.frames).is_err();
                exported.status.signal().is_some() && refused
            },
            || {
                let _ = std::fs::remove_file(&out);
            },
        );
        let done = exported.stdout.contains("* Done.");
        let (read, died) = judge_export(&exported.status, done, wav::read(&out), job.channels, job.frames)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", job.plugin, exported.log()));
        let (read, died) = self.confirmed(read, died, &mut export, dir, job);
        let total = prepared.started.elapsed().as_secs_f64();
        let seconds = (prepared.seconds, total - prepared.seconds);
        prepared.work.succeeded();
        Render { output: read.channels, latency: prepared.latency, export_died_after_writing: died, seconds }
    }

    /// Adaptive latency as a user meets it in Ardour, in one `ardour7-lua`
    /// process (`adapt.lua`, on the Dummy backend, in real time) with `env`
    /// added to its environment (a stall plan reaches the plugin this way):
    /// the session loads and plays for `seconds`; it stops and is saved (the
    /// plugin's state is read on the main thread, a call on which the plugin
    /// can tell Ardour that its latency wants to change); the plugin is
    /// deactivated and activated again, as the processor box's
    /// Deactivate/Activate does; then the session range is exported, as 32-bit
    /// float, by the same process. Ardour's plugin latency is read at each step.
    pub fn play_then_export(&self, name: &str, job: &Job, env: &[(&str, &str)], seconds: f64) -> Played {
        let prepared = self.prepare(name, job);
        let dir = &prepared.work.path;
        let export_config = dir.join("home/.config/ardour7/export");
        std::fs::create_dir_all(&export_config).unwrap();
        std::fs::write(export_config.join("float.format"), include_str!("float.format")).unwrap();
        std::fs::write(export_config.join("float.preset"), include_str!("float.preset")).unwrap();
        let script = dir.join("adapt.lua");
        std::fs::write(&script, include_str!("adapt.lua")).unwrap();
        let folder = dir.join("played");
        let out = folder.join(format!("{SESSION_NAME}.wav"));
        let play = || {
            let mut lua = tool(&self.lua);
            lua.arg(&script)
                .arg(dir.join(SESSION_NAME))
                .arg(SESSION_NAME)
                .arg(format!("{seconds}"))
                .arg(&folder)
                .arg(job.frames.to_string())
                .envs(env.iter().copied());
            tool_env(&mut lua, dir);
            run(&mut lua, dir, "play")
        };
        // Ardour's own deaths by a signal (see `export`), before the export
        // finished: tried again, and counted.
        let played = self.counted(
            &format!("play and export of {}", job.plugin),
            play,
            |played| {
                let done = played.stdout.contains("exported");
                let refused = judge_export(&played.status, done, wav::read(&out), job.channels, job.frames).is_err();
                played.status.signal().is_some() && refused
            },
            || {
                let _ = std::fs::remove_file(&out);
            },
        );
        let done = played.stdout.contains("exported");
        let (read, died) = judge_export(&played.status, done, wav::read(&out), job.channels, job.frames)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", job.plugin, played.log()));
        self.aborted_after_writing(&format!("play and export of {}", job.plugin), &died);
        let number = |key: &str| {
            played
                .stdout
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or_else(|| panic!("adapt.lua printed no \"{key}N\":\n{}", played.log()))
        };
        let result = Played {
            output: read.channels,
            latency: [
                prepared.latency,
                number("latency loaded "),
                number("latency saved "),
                number("latency reactivated "),
            ],
            rolled: number("rolled to "),
            block: number("block "),
            meters: played.stdout.lines().filter_map(|line| line.strip_prefix("meter ")).map(parse_meter).collect(),
            died_after_export: died,
            seconds: (prepared.seconds, prepared.started.elapsed().as_secs_f64() - prepared.seconds),
        };
        prepared.work.succeeded();
        result
    }

    /// Steps 1 to 3: the bundle scanned, the session built with the plugin
    /// on its track, the input and the session range written into it.
    fn prepare(&self, name: &str, job: &Job) -> Prepared {
        let scanned = self.scan(name, job);
        self.build(scanned, job)
    }

    /// Step 1: `job`'s bundle copied into a fresh render folder called
    /// `name` and scanned there.
    pub fn scan(&self, name: &str, job: &Job) -> Scanned {
        let started = Instant::now();
        let work = WorkDir::new(name);
        let dir = &work.path;
        let vst3 = dir.join("vst3");
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::create_dir_all(&vst3).unwrap();

        // 1. The bundle where Ardour looks, scanned.
        let bundle_name = job.bundle.file_name().expect("a bundle path");
        let bundle = vst3.join(bundle_name);
        copy_dir(job.bundle, &bundle);
        backdate_files(&bundle);
        let mut scan = tool(&self.scanner);
        scan.arg("--force").arg(&bundle).env("LD_LIBRARY_PATH", LIBRARY_DIR);
        tool_env(&mut scan, dir);
        let scanned = run(&mut scan, dir, "scan");
        assert!(
            scanned.stdout.contains(&format!("Found Plugin: {}", job.plugin)),
            "ardour-vst3-scanner did not find {} in {}:\n{}",
            job.plugin,
            bundle.display(),
            scanned.log()
        );

        Scanned { work, started }
    }

    /// Step 2 once, never tried again: a fresh session with `job`'s plugin
    /// inserted on its track, the instrument of a MIDI track put there as
    /// `insertion` says. Counted as a run (that needed no retry) in this
    /// test's tally; what it means for the test is the caller's to say.
    pub fn build_session_once(&self, scanned: &Scanned, job: &Job, insertion: Insertion) -> SessionRun {
        let ran = self.run_session_script(scanned, job, insertion);
        self.record(None);
        SessionRun { built: built(&ran), ran }
    }

    /// One `ardour7-lua session.lua` run in `scanned`'s folder, over any
    /// session an earlier run left there.
    fn run_session_script(&self, scanned: &Scanned, job: &Job, insertion: Insertion) -> Ran {
        let dir = &scanned.work.path;
        let script = dir.join("session.lua");
        std::fs::write(&script, include_str!("session.lua")).unwrap();
        // Ardour names the session's media folders after the session folder,
        // not the state name: both are SESSION_NAME.
        let session = dir.join(SESSION_NAME);
        if session.exists() {
            std::fs::remove_dir_all(&session).unwrap();
        }
        let kind = match job.input {
            Input::Audio(_) => "effect",
            Input::Notes(_) => "instrument",
        };
        let mut lua = tool(&self.lua);
        lua.arg(&script)
            .arg(&session)
            .arg(SESSION_NAME)
            .arg(job.plugin)
            .arg(job.channels.to_string())
            .arg(kind)
            .arg(insertion.argument());
        tool_env(&mut lua, dir);
        run(&mut lua, dir, "session")
    }

    /// Steps 2 and 3 on `scanned`: the session built (the way every render
    /// builds it), the input and the session range written into it.
    fn build(&self, scanned: Scanned, job: &Job) -> Prepared {
        // 2. Session, track and plugin. On a loaded machine Ardour 7.3 aborts
        // or deadlocks in a third to three quarters of the session builds
        // that put an instrument on a MIDI track in the ways `session.lua`
        // calls racy; the harness puts it there as the Add Track dialog does,
        // which never failed. Any death by a signal left is tried again, and
        // counted; a failure with an exit status (a script error: plugin not
        // found, not inserted) is not.
        let built = self.counted(
            &format!("session build with {}", job.plugin),
            || self.run_session_script(&scanned, job, Insertion::AsAddTrackDialog),
            |built| !built.status.success() && built.status.signal().is_some(),
            || {},
        );
        self.fill(scanned, built, job)
    }

    /// Step 3 on the session `built` saved in `scanned`'s folder.
    fn fill(&self, scanned: Scanned, built: Ran, job: &Job) -> Prepared {
        let latency = match self::built(&built) {
            Built::Saved { latency } => latency,
            _ => panic!("ardour7-lua failed:\n{}", built.log()),
        };
        let Scanned { work, started } = scanned;
        let dir = &work.path;
        let session = dir.join(SESSION_NAME);

        // 3. Input, region and session range.
        let interchange = session.join("interchange").join(SESSION_NAME);
        // A source Ardour cannot find makes it wait for an answer, not fail:
        // write only into the folders it created.
        assert!(interchange.is_dir(), "Ardour created no {}", interchange.display());
        let content = match job.input {
            Input::Audio(input) => {
                assert_eq!(input.len(), job.channels, "{}: one input row per channel", job.plugin);
                let region = input[0].len();
                assert!(
                    region <= job.frames && input.iter().all(|c| c.len() == region),
                    "{}: input rows of one length, at most `frames` samples",
                    job.plugin
                );
                let folder = interchange.join("audiofiles");
                wav::write(&folder.join("input.wav"), RATE, input);
                Content::Audio { file: "input.wav", channels: job.channels, frames: region }
            }
            Input::Notes(notes) => {
                let folder = interchange.join("midifiles");
                let tick = |frame: usize| {
                    session_xml::ticks(frame, RATE)
                        .unwrap_or_else(|| panic!("frame {frame} is not on a MIDI tick at 120 BPM (a multiple of 25)"))
                };
                let messages: Vec<smf::Message> = notes
                    .iter()
                    .map(|n| smf::Message {
                        tick: tick(n.frame) as u32,
                        on: n.on,
                        pitch: n.pitch,
                        velocity: n.velocity,
                    })
                    .collect();
                smf::write(&folder.join("notes.mid"), &messages);
                Content::Midi { file: "notes.mid", ticks: tick(job.frames) }
            }
        };
        let file = session.join(format!("{SESSION_NAME}.ardour"));
        let xml = std::fs::read_to_string(&file).unwrap();
        let mut xml = session_xml::with_content(&xml, &content, job.frames, RATE);
        if let Some(state) = job.state {
            xml = session_xml::with_plugin_state(&xml, state);
        }
        if !job.automation.is_empty() {
            xml = session_xml::with_automation(&xml, 0, job.automation, RATE);
        }
        std::fs::write(&file, xml).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        Prepared { work, latency, started, seconds }
    }

    /// Runs a step of a render: `attempt` once, and again, [`MAX_RETRIES`]
    /// times at most, while `retry` says the run died the way Ardour 7.3 is
    /// known to die (by a signal, or hung and killed at the deadline), after
    /// `clean` removed what the failed run left. The run is counted in the
    /// test's tally and every retry is printed, on stderr past the test
    /// harness's capture so that a passing run shows it too.
    fn counted(
        &self,
        what: &str,
        mut attempt: impl FnMut() -> Ran,
        retry: impl Fn(&Ran) -> bool,
        mut clean: impl FnMut(),
    ) -> Ran {
        let mut ran = attempt();
        let mut endings = Vec::new();
        while endings.len() < MAX_RETRIES && retry(&ran) {
            endings.push(ran.ending());
            report(&format!("ardour retry: {what} {}; trying again. It said:\n{}", ran.ending(), ran.log()));
            clean();
            ran = attempt();
        }
        self.record(
            (!endings.is_empty()).then(|| format!("{what}: {}, then {}", endings.join(", then "), ran.ending())),
        );
        ran
    }

    /// Counts a run in this test's tally; `retried` says what needed a retry
    /// and how each try ended, when one did.
    pub fn record(&self, retried: Option<String>) {
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        tally.runs += 1;
        if retried.is_some() {
            self.retries_in_binary.fetch_add(1, Ordering::Relaxed);
        }
        tally.retried.extend(retried);
    }

    /// Notes, for the tally, that `what` was accepted although its tool then
    /// died as `died` says (after a complete export).
    fn aborted_after_writing(&self, what: &str, died: &Option<String>) {
        if let Some(how) = died {
            let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
            tally.aborted_after_writing.push(format!("{what}: {how}, accepted"));
        }
    }
}

impl Drop for Ardour {
    /// Prints the test's tally and fails the test when more than one run in
    /// ten needed a retry (unless it is failing already).
    fn drop(&mut self) {
        let tally = self.tally.get_mut().unwrap_or_else(PoisonError::into_inner);
        let test = std::thread::current().name().unwrap_or("an Ardour test").to_string();
        let mut summary = format!(
            "ardour retries: {test}: {} of {} runs (session builds, exports, plays) needed a retry",
            tally.retried.len(),
            tally.runs
        );
        if !tally.aborted_after_writing.is_empty() {
            summary.push_str(&format!(
                "; {} accepted although the tool aborted on exit after a complete file (Ardour 7.3's exit-time \
                 double free)",
                tally.aborted_after_writing.len()
            ));
        }
        for line in tally.retried.iter().chain(&tally.aborted_after_writing) {
            summary.push_str(&format!("\n  {line}"));
        }
        report(&summary);
        let in_binary = self.retries_in_binary.load(Ordering::Relaxed);
        if fails_for_retries(tally.retried.len(), tally.runs, in_binary) && !std::thread::panicking() {
            panic!(
                "{summary}\nmore than one run in ten needed a retry ({in_binary} in this test binary): a crash or hang \
                 this often is a bug to find, \
                 Ardour's or ours, not noise to retry past"
            );
        }
    }
}

/// Prints `text` on stderr, past the test harness's capture: retries show in
/// the output of a passing test too.
fn report(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// How a session build ended (see [`Built`]).
fn built(ran: &Ran) -> Built {
    if ran.hung {
        return Built::Hung;
    }
    if let Some(signal) = ran.status.signal() {
        return Built::Died { signal };
    }
    let latency = ran
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("plugin latency "))
        .and_then(|n| n.trim().parse::<usize>().ok());
    match latency {
        Some(latency) if ran.status.success() && ran.stdout.contains("session saved") => Built::Saved { latency },
        _ => Built::Failed,
    }
}

/// A session ready to render (see [`Ardour::prepare`]).
struct Prepared {
    work: WorkDir,
    /// The latency Ardour read from the plugin after inserting it.
    latency: usize,
    started: Instant,
    /// Wall-clock seconds it took (reported, never asserted).
    seconds: f64,
}

/// A "meter NAME|VALUE|LOWER|UPPER" line of `adapt.lua`, without "meter ".
fn parse_meter(line: &str) -> Meter {
    let fields: Vec<&str> = line.split('|').collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.trim().parse::<f64>().ok());
    match (fields.first(), number(1), number(2), number(3)) {
        (Some(name), Some(value), Some(lower), Some(upper)) if fields.len() == 4 => {
            Meter { name: name.to_string(), value, lower, upper }
        }
        _ => panic!("adapt.lua printed a meter line it should not: {line:?}"),
    }
}
