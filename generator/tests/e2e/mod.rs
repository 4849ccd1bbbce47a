//! Shared by the end-to-end tests: the shipped plugins built through the
//! generator (once per test binary), and what each must sound like, computed
//! by running its DSP directly, unbuffered, in this process.
#![allow(dead_code)]

#[path = "../../../example-plugin/tests/clap_host/mod.rs"]
pub mod clap_host;
pub mod convolver;
#[path = "../../../example-plugin/tests/host/mod.rs"]
pub mod host;
pub mod session;
pub mod timeline;
#[path = "../../../example-plugin/tests/x11_host/mod.rs"]
pub mod x11_host;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use generator::config::{self, Dsp, Plugin};
use runtime::bundle::arch_dir;
use runtime::dsp::{delay::Delay, filter::Filter, gain::Gain, synth::Synth, tremolo::Tremolo};
use runtime::engine::{Engine, EngineConfig, Event, EventKind, FlushToZero, ProcessMode, ProcessSetup, Processor};
use runtime::plugin::ParamSpec;
use timeline::Timeline;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The Python with the pinned hosts: `HOSTS_PYTHON`, or the test command's venv.
pub fn python() -> PathBuf {
    let python = std::env::var_os("HOSTS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/venv/bin/python"));
    assert!(python.exists(), "no Python with the host packages at {}: run scripts/test.sh", python.display());
    python
}

/// Where builds started from tests go: the `cargo test` running them holds the
/// lock on target/ itself.
pub fn builds_dir() -> PathBuf {
    workspace().join("target/plugin-builds")
}

/// Runs the generator binary in `dir` with the tests' target directory.
pub fn generator(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", builds_dir())
        .output()
        .expect("the generator runs")
}

/// Asserts that `output` succeeded, showing what it printed if not.
pub fn assert_success(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}

/// The plugins of the shipped plugins.toml, and the folder with their bundles.
pub struct Shipped {
    pub plugins: Vec<Plugin>,
    pub bundles: PathBuf,
}

/// Runs `cargo run -p generator`'s job on the shipped plugins.toml once: the
/// committed plugins/ must already match it (nothing is rewritten), then every
/// crate is built and bundled.
pub fn shipped() -> &'static Shipped {
    static SHIPPED: OnceLock<Shipped> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        let root = workspace();
        assert_success(&generator(&root, &["check"]), "generator check (run the generator and commit plugins/)");
        let stdout = assert_success(&generator(&root, &[]), "generator build");
        let source = std::fs::read_to_string(root.join("plugins.toml")).unwrap();
        let plugins = config::parse(&source).expect("the shipped plugins.toml is valid").plugins;
        let files: usize = plugins.iter().map(|p| p.formats.extensions().len()).sum();
        assert!(stdout.contains(&format!("{files} bundles in ")), "{stdout}");
        Shipped { plugins, bundles: builds_dir().join("bundles") }
    })
}

/// The shared library inside a plugin's bundle.
pub fn library(bundles: &Path, plugin: &Plugin) -> PathBuf {
    bundles.join(format!("{}.vst3", plugin.name)).join("Contents").join(arch_dir()).join(format!("{}.so", plugin.name))
}

/// A plugin's `.clap` file.
pub fn clap_file(bundles: &Path, plugin: &Plugin) -> PathBuf {
    bundles.join(format!("{}.clap", plugin.name))
}

/// The size a plugin's editor opens at, at scale 1: the plugins.toml
/// size, or the generic editor's natural size for its parameters, with the
/// impulse response's row on top for a convolver.
pub fn editor_size(plugin: &Plugin) -> (u32, u32) {
    use runtime::editor::EguiEditor;
    plugin.editor.size.unwrap_or_else(|| {
        let (params, buffered) = (plugin.params.len(), plugin.buffering);
        let natural = if plugin.dsp == Dsp::Convolver {
            EguiEditor::generic_size_with_file(params, buffered)
        } else {
            EguiEditor::generic_size(params, buffered)
        };
        (natural.width, natural.height)
    })
}

/// The latency a plugin must report at `rate`: L, or 0 without buffering.
pub fn latency_samples(plugin: &Plugin, rate: f64) -> usize {
    if plugin.buffering { (plugin.latency_ms * rate / 1000.0).round() as usize } else { 0 }
}

/// A note event at an absolute frame.
#[derive(Debug, Clone, Copy)]
pub struct Note {
    pub frame: usize,
    pub on: bool,
    pub pitch: u8,
    pub velocity: f32,
}

/// The notes every instrument test plays: A4 from 0.25 s to 0.75 s, full
/// velocity (1.0 whatever way a host scales MIDI's 127).
pub fn test_notes(rate: f64) -> Vec<Note> {
    let at = |seconds: f64| (seconds * rate).round() as usize;
    vec![
        Note { frame: at(0.25), on: true, pitch: 69, velocity: 1.0 },
        Note { frame: at(0.75), on: false, pitch: 69, velocity: 1.0 },
    ]
}

/// Uniform noise in ±0.5, one row per channel.
pub fn noise(channels: usize, frames: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut state = seed | 1;
    (0..channels)
        .map(|_| {
            (0..frames)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
                })
                .collect()
        })
        .collect()
}

/// A plugin parameter's default as the plugin applies it: the plain value of
/// its default's normalized value.
pub fn default_value(plugin: &Plugin, index: usize) -> f64 {
    plain_value(plugin, index, spec(plugin, index).default_normalized())
}

/// The plain value the plugin applies for a parameter's normalized value.
pub fn plain_value(plugin: &Plugin, index: usize, normalized: f64) -> f64 {
    spec(plugin, index).to_plain(normalized)
}

fn spec(plugin: &Plugin, index: usize) -> ParamSpec {
    let param = &plugin.params[index];
    ParamSpec {
        id: param.id,
        title: "",
        units: "",
        min: param.min,
        max: param.max,
        default: param.default,
        automatable: true,
        steps: param.steps,
        smooth_ms: param.smooth_ms,
        value_names: &[],
    }
}

/// The `(id, normalized)` pairs of a format-1 state (`getState` bytes).
pub fn state_pairs(bytes: &[u8]) -> Vec<(u32, f64)> {
    bytes[12..]
        .chunks_exact(12)
        .map(|e| (u32::from_le_bytes(e[..4].try_into().unwrap()), f64::from_le_bytes(e[4..].try_into().unwrap())))
        .collect()
}

/// What `plugin` must output for `input` (effects, as many channels as the
/// input has) or `notes` (instruments) at `rate`, before its latency: its DSP run directly and unbuffered, with
/// every parameter at its plugins.toml default.
pub fn reference(plugin: &Plugin, rate: f64, input: &[Vec<f32>], notes: &[Note], frames: usize) -> Vec<Vec<f32>> {
    reference_with(plugin, rate, input, notes, frames, &[])
}

/// [`reference`] with some parameters set to other normalized values, as a
/// host sets them before the first frame: `(id, normalized)`.
pub fn reference_with(
    plugin: &Plugin,
    rate: f64,
    input: &[Vec<f32>],
    notes: &[Note],
    frames: usize,
    params: &[(u32, f64)],
) -> Vec<Vec<f32>> {
    reference_run(Run { plugin, rate, input, notes, frames, params, timeline: None })
}

/// [`reference`] for an effect while the host reports `timeline`, one report
/// per block, blocks starting where its sections do.
pub fn reference_on_timeline(plugin: &Plugin, input: &[Vec<f32>], frames: usize, timeline: &Timeline) -> Vec<Vec<f32>> {
    reference_run(Run { plugin, rate: timeline.rate, input, notes: &[], frames, params: &[], timeline: Some(timeline) })
}

/// A plugin's parameter specs as its generated `PARAMS` has them, for the
/// DSP: plugins.toml's ranges, defaults and smoothing.
pub fn specs(plugin: &Plugin) -> Vec<ParamSpec> {
    (0..plugin.params.len()).map(|index| spec(plugin, index)).collect()
}

/// The processor a built-in plugin's generated crate makes: the same
/// constructor, with the same specs.
fn reference_run(run: Run<'_>) -> Vec<Vec<f32>> {
    let plugin = run.plugin;
    let specs = specs(plugin);
    match plugin.dsp {
        Dsp::Gain => run.with(Gain::new(&specs)),
        Dsp::Filter => run.with(Filter::new(&specs)),
        Dsp::Delay => run.with(Delay::new(&specs)),
        Dsp::Tremolo => match plugin.sync {
            Some(note) => run.with(Tremolo::synced_with(note, &specs)),
            None => run.with(Tremolo::new(&specs)),
        },
        Dsp::Synth => run.with(Synth::new(&specs)),
        Dsp::Convolver => convolver::model(plugin, run.rate, run.input, run.frames, run.params),
        Dsp::Custom => soft_saturator(plugin, run.input, run.params),
    }
}

/// The shipped WA Custom's `src/dsp.rs` (the user's code, so restated here):
/// `tanh(drive·x) / tanh(drive)` mixed with the dry signal, drive and mix at
/// their defaults or as `params` set them from the start (`(id,
/// normalized)`), computed with flush-to-zero set as the engine runs every
/// DSP.
fn soft_saturator(plugin: &Plugin, input: &[Vec<f32>], params: &[(u32, f64)]) -> Vec<Vec<f32>> {
    assert_eq!(
        plugin.params.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
        ["drive", "mix"],
        "the custom plugin this reference describes"
    );
    let value = |index: usize| {
        let id = plugin.params[index].id;
        match params.iter().find(|(param, _)| *param == id) {
            Some(&(_, normalized)) => plain_value(plugin, index, normalized),
            None => default_value(plugin, index),
        }
    };
    assert!(
        params.iter().all(|(id, _)| plugin.params.iter().any(|p| p.id == *id)),
        "the custom reference knows drive and mix and nothing else: {params:?}"
    );
    let _flush_to_zero = FlushToZero::enable();
    let (drive, mix) = (value(0) as f32, value(1) as f32);
    let sample = |x: f32| {
        let wet = if drive < 1e-3 { x } else { (drive * x).tanh() * (1.0 / drive.tanh()) };
        wet * mix + x * (1.0 - mix)
    };
    input.iter().map(|channel| channel.iter().map(|&x| sample(x)).collect()).collect()
}

/// One unbuffered run of a plugin's DSP in this process.
struct Run<'a> {
    plugin: &'a Plugin,
    rate: f64,
    input: &'a [Vec<f32>],
    notes: &'a [Note],
    frames: usize,
    params: &'a [(u32, f64)],
    timeline: Option<&'a Timeline>,
}

impl Run<'_> {
    fn with<P: Processor>(&self, processor: P) -> Vec<Vec<f32>> {
        const BLOCK: usize = 512;
        let (plugin, frames) = (self.plugin, self.frames);
        let config = EngineConfig { buffering: false, ..EngineConfig::default() };
        let mut engine = Engine::new(processor, config);
        // An effect's layout is its input's; an instrument's its preferred one.
        let channels = if self.input.is_empty() { plugin.channels } else { self.input.len() };
        engine.setup(ProcessSetup { sample_rate: self.rate, max_block: BLOCK, channels }).unwrap();
        engine.activate().unwrap();
        let mut output = vec![vec![0.0_f32; frames]; channels];
        let sizes: Vec<usize> = (0..frames).step_by(BLOCK).map(|start| BLOCK.min(frames - start)).collect();
        let sizes = match self.timeline {
            Some(timeline) => timeline.cut(&sizes),
            None => sizes,
        };
        let mut start = 0;
        for len in sizes {
            let mut events = Vec::new();
            if start == 0 {
                for (index, param) in plugin.params.iter().enumerate() {
                    let value = match self.params.iter().find(|(id, _)| *id == param.id) {
                        Some(&(_, normalized)) => plain_value(plugin, index, normalized),
                        None => default_value(plugin, index),
                    };
                    events.push(Event::new(0, EventKind::Param { id: param.id, value }));
                }
            }
            for note in self.notes.iter().filter(|n| (start..start + len).contains(&n.frame)) {
                let (channel, pitch, velocity, note_id) = (0, note.pitch, note.velocity, -1);
                let kind = if note.on {
                    EventKind::NoteOn { channel, pitch, velocity, note_id }
                } else {
                    EventKind::NoteOff { channel, pitch, velocity, note_id }
                };
                events.push(Event::new(note.frame - start, kind));
            }
            let ins: Vec<&[f32]> = self.input.iter().map(|c| &c[start..start + len]).collect();
            let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
            let transport = self.timeline.map(|timeline| timeline.transport(start));
            engine.process_with_transport(ProcessMode::Offline, &ins, &mut outs, &events, transport.as_ref()).unwrap();
            start += len;
        }
        output
    }
}

/// `reference` delayed by `latency` frames (silence first), same length.
pub fn delayed(reference: &[Vec<f32>], latency: usize) -> Vec<Vec<f32>> {
    reference
        .iter()
        .map(|channel| {
            let mut out = vec![0.0; channel.len()];
            if latency < channel.len() {
                out[latency..].copy_from_slice(&channel[..channel.len() - latency]);
            }
            out
        })
        .collect()
}

/// Asserts that `got` is what `plugin` must output (`want`, from
/// [`reference`] and its kin): bit for bit for every kind but the convolver,
/// whose model is an f64 convolution it matches within float rounding (see
/// [`convolver::assert_close`]).
pub fn assert_sounds_like(plugin: &Plugin, got: &[Vec<f32>], want: &[Vec<f32>], what: &str) {
    match plugin.dsp {
        Dsp::Convolver => convolver::assert_close(got, want, what),
        _ => assert_same(got, want, what),
    }
}

/// Asserts bit-equality, naming the first differing frame.
pub fn assert_same(got: &[Vec<f32>], want: &[Vec<f32>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: channel count");
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        assert_eq!(got.len(), want.len(), "{what}: length of channel {ch}");
        if let Some(t) = (0..got.len()).find(|&t| got[t].to_bits() != want[t].to_bits()) {
            panic!("{what}: channel {ch} frame {t}: got {}, expected {}", got[t], want[t]);
        }
    }
}

/// A fresh workspace outside this one, with `toml` as its plugins.toml: the
/// root Cargo.toml's settings and lock, its only members `plugins/*`, and the
/// runtime by path. What a user's own project using the generator looks like.
pub fn scratch_workspace(name: &str, toml: &str) -> PathBuf {
    let dir = workspace().join("target/generator-scratch").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    let runtime = workspace().join("runtime");
    let manifest: String = manifest
        .lines()
        .filter(|line| !line.starts_with("exclude"))
        .map(|line| {
            if line.starts_with("members") {
                "members = [\"plugins/*\"]".to_string()
            } else if line.starts_with("runtime = ") {
                format!("runtime = {{ path = {:?} }}", runtime.display().to_string())
            } else {
                line.to_string()
            }
        })
        .map(|line| line + "\n")
        .collect();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(dir.join("plugins.toml"), toml).unwrap();
    dir
}
