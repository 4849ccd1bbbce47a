//! `generator process`: audio files through the shipped plugins from the
//! command line. Its output must be, bit for bit, what the Rust test host
//! gets from the same plugin (every effect over a WAV file, in both formats,
//! the tail included; WA Synth over a MIDI file with a tempo change) lined up
//! with the input as a DAW's delay compensation lines it up, and what
//! pedalboard renders from the same file (WA Reverb within the convolver's
//! tolerance: its partitions follow the host's block size, and so does their
//! rounding); written in the input's format;
//! with progress shown on a long file; bad input refused with nothing written.

mod e2e;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e::host::{Module, OFFLINE, ParamChanges};
use e2e::session::{RATE, offer_layout, play, start, stop};
use e2e::{Note, assert_same, builds_dir, noise, shipped, workspace};
use generator::config::{Dsp, Kind, Plugin};
use vst3::Steinberg::kResultTrue;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("process").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `generator process` in the workspace, with the bundles the e2e build made.
fn process(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("process")
        .args(args)
        .arg("--bundles")
        .arg(builds_dir().join("bundles"))
        .current_dir(workspace())
        .env("CARGO_TARGET_DIR", builds_dir())
        .output()
        .expect("the generator runs")
}

fn succeeded(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}

fn write_wav(path: &Path, channels: &[Vec<f32>], spec: hound::WavSpec) {
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for t in 0..channels[0].len() {
        for channel in channels {
            match spec.sample_format {
                hound::SampleFormat::Float => writer.write_sample(channel[t]).unwrap(),
                hound::SampleFormat::Int => {
                    let full = (1i64 << (spec.bits_per_sample - 1)) as f32;
                    writer.write_sample((channel[t] * full).round() as i32).unwrap();
                }
            }
        }
    }
    writer.finalize().unwrap();
}

fn float_spec(channels: usize) -> hound::WavSpec {
    hound::WavSpec {
        channels: channels as u16,
        sample_rate: RATE as u32,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    }
}

/// A WAV file's spec and its samples as floats (integers over full scale).
fn read_wav(path: &Path) -> (hound::WavSpec, Vec<Vec<f32>>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().map(Result::unwrap).collect(),
        hound::SampleFormat::Int => {
            let full = (1i64 << (spec.bits_per_sample - 1)) as f64;
            reader.samples::<i32>().map(|s| (f64::from(s.unwrap()) / full) as f32).collect()
        }
    };
    let count = usize::from(spec.channels);
    let channels = (0..count).map(|c| interleaved.iter().skip(c).step_by(count).copied().collect()).collect();
    (spec, channels)
}

/// What the Rust test host hears from `plugin` (VST3, offline, varying
/// blocks) for `input` then silence, over `frames` output frames from the
/// frame its latency puts the input's first at.
fn host_render(plugin: &Plugin, input: &[Vec<f32>], notes: &[Note], frames: usize) -> Vec<Vec<f32>> {
    let module = Module::load(&e2e::library(&shipped().bundles, plugin));
    let latency = e2e::latency_samples(plugin, RATE);
    let total = frames + latency;
    let padded: Vec<Vec<f32>> =
        input.iter().map(|c| c.iter().copied().chain(std::iter::repeat(0.0)).take(total).collect()).collect();
    let (reported, output) = play(&module, plugin, OFFLINE, &padded, notes, total, None);
    assert_eq!(reported, latency, "{}", plugin.name);
    output.into_iter().map(|c| c[latency..].to_vec()).collect()
}

/// Every shipped effect, both formats: the Rust host's output bit for bit
/// (a convolver within its tolerance: its partitions follow the block size),
/// the whole tail included, and that tail runs until the output is silent.
#[test]
fn every_shipped_effect_renders_a_wav_file_as_the_rust_host_plays_it() {
    let shipped = shipped();
    let dir = scratch("effects");
    let frames = RATE as usize / 2;
    let mut manifest = Vec::new();
    for plugin in shipped.plugins.iter().filter(|p| p.kind == Kind::Effect) {
        let input = noise(plugin.channels, frames, 7);
        let wav = dir.join(format!("{}.wav", plugin.slug));
        write_wav(&wav, &input, float_spec(plugin.channels));
        for format in plugin.formats.extensions() {
            let out = dir.join(format!("{}-{format}.wav", plugin.slug));
            let stdout = succeeded(
                &process(&["--plugin", &plugin.name, "--format", format, wav.to_str().unwrap(), out.to_str().unwrap()]),
                &format!("process through {} ({format})", plugin.name),
            );
            let latency = e2e::latency_samples(plugin, RATE);
            assert!(
                stdout.contains(&format!("latency of {latency} frame")),
                "{}: the latency compensated: {stdout}",
                plugin.name
            );
            let (spec, got) = read_wav(&out);
            assert_eq!(spec, float_spec(plugin.channels), "{}: written as the input is", plugin.name);
            let length = got[0].len();
            assert!(length >= frames, "{}: {length} frames, shorter than the input", plugin.name);
            // The host run goes on a second past the end: silent there.
            let want = host_render(plugin, &input, &[], length + RATE as usize);
            let (head, rest): (Vec<Vec<f32>>, Vec<Vec<f32>>) =
                want.into_iter().map(|c| (c[..length].to_vec(), c[length..].to_vec())).unzip();
            let what = format!("{} ({format}) against the Rust host", plugin.name);
            if plugin.dsp == Dsp::Convolver {
                // Its partitions are as large as the latency allows beside the
                // host's largest block: blocks of 512 here and of up to 8192
                // in the test host give other partitions, and so other
                // rounding (about 1e-9 here).
                e2e::convolver::close(&got, &head, &what).unwrap_or_else(|problem| panic!("{problem}"));
            } else {
                assert_same(&got, &head, &what);
            }
            let loudest_after = rest.iter().flatten().fold(0.0_f32, |m, x| m.max(x.abs()));
            assert!(loudest_after <= 1e-6, "{}: the tail goes on after the file ends ({loudest_after})", plugin.name);
            if length > frames {
                let last: f32 = got.iter().map(|c| c[length - 1].abs()).fold(0.0, f32::max);
                assert!(last > 1e-6, "{}: the file ends on its last sound, not after silence", plugin.name);
            }
            if format == "vst3" {
                let bundle = shipped.bundles.join(format!("{}.vst3", plugin.name));
                let tolerance = (plugin.dsp == Dsp::Convolver).then(|| {
                    serde_json::json!({
                        "relative_rms": e2e::convolver::MAX_RELATIVE_RMS, "max_error": e2e::convolver::MAX_ERROR,
                    })
                });
                manifest.push(serde_json::json!({
                    "name": plugin.name, "bundle": bundle, "input": wav, "output": out, "frames": frames,
                    "tolerance": tolerance,
                }));
            }
        }
        if plugin.name == "WA Delay" {
            let (_, got) = read_wav(&dir.join("wa-delay-vst3.wav"));
            assert!(got[0].len() > frames + RATE as usize / 2, "the delay's echoes are rendered after the input");
        }
    }
    assert_eq!(manifest.len(), 8, "eight shipped effects");
    // pedalboard over the same files: the same samples, on time.
    let manifest_path = dir.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();
    let script = workspace().join("generator/tests/hosts/process_check.py");
    let checked = Command::new(e2e::python()).arg(script).arg(&manifest_path).output().unwrap();
    let stdout = succeeded(&checked, "pedalboard over the same files");
    assert!(stdout.contains("ok: 8 files in pedalboard"), "{stdout}");
}

/// `--param` by plugins.toml name and by id, offline and in real time, and
/// integer WAV files written back in their own format.
#[test]
fn parameters_and_integer_formats() {
    let shipped = shipped();
    let gain = shipped.plugins.iter().find(|p| p.name == "WA Gain").unwrap();
    let dir = scratch("params");
    let frames = 24_000;
    // Exactly representable at 16 bits, so the input is what the host gets.
    let input: Vec<Vec<f32>> = noise(2, frames, 3)
        .into_iter()
        .map(|c| c.into_iter().map(|x| (x * 32768.0).round() / 32768.0).collect())
        .collect();
    let id = gain.params[0].id;
    let module = Module::load(&e2e::library(&shipped.bundles, gain));
    let instance = module.create();
    assert_eq!(offer_layout(&instance, gain, 2), kResultTrue);
    let normalized = instance.normalized(id, -6.0);
    let latency = start(&instance, RATE);
    let total = frames + latency;
    let padded: Vec<Vec<f32>> =
        input.iter().map(|c| c.iter().copied().chain([0.0; 4096]).take(total).collect()).collect();
    let mut output = vec![vec![0.0_f32; total]; 2];
    let changes = ParamChanges::with(&[(id, 0, normalized)]);
    let extras = e2e::host::Extras { changes: Some(&changes), ..Default::default() };
    let buffers = e2e::host::Buffers::F32 { input: &padded, output: &mut output };
    assert_eq!(instance.process(OFFLINE, buffers, 0, total, extras), vst3::Steinberg::kResultOk);
    stop(&instance);
    let want: Vec<Vec<f32>> = output.iter().map(|c| c[latency..].to_vec()).collect();

    for (bits, how) in [(16, "gain=-6"), (24, &*format!("{id}=-6")), (32, "Gain=-6")] {
        let spec = match bits {
            32 => float_spec(2),
            _ => hound::WavSpec { bits_per_sample: bits, sample_format: hound::SampleFormat::Int, ..float_spec(2) },
        };
        let wav = dir.join(format!("in-{bits}.wav"));
        write_wav(&wav, &input, spec);
        for realtime in [false, true] {
            let out = dir.join(format!("out-{bits}-{realtime}.wav"));
            let mut args = vec!["--plugin", "wa-gain", "--param", how, wav.to_str().unwrap(), out.to_str().unwrap()];
            if realtime {
                args.push("--realtime");
            }
            succeeded(&process(&args), &format!("WA Gain --param {how}, {bits}-bit"));
            let (got_spec, got) = read_wav(&out);
            assert_eq!(got_spec, spec, "{bits}-bit in, {bits}-bit out");
            let quantized: Vec<Vec<f32>> = want
                .iter()
                .map(|c| {
                    c[..got[0].len()]
                        .iter()
                        .map(|&x| match bits {
                            32 => x,
                            _ => {
                                let full = (1i64 << (bits - 1)) as f64;
                                ((f64::from(x) * full).round().clamp(-full, full - 1.0) / full) as f32
                            }
                        })
                        .collect()
                })
                .collect();
            assert_eq!(got[0].len(), frames, "a gain has no tail");
            assert_same(&got, &quantized, &format!("WA Gain at -6 dB, {bits}-bit, realtime {realtime}"));
        }
    }
    // -6 dB really happened: about half the input's level.
    let ratio = want[0][1000] / input[0][1000];
    assert!((ratio - 0.501).abs() < 0.01, "gain ratio {ratio}");
}

/// A type 1 MIDI file with a tempo change, through WA Synth: the Rust host's
/// output for the same notes, bit for bit, and the release rendered.
#[test]
fn wa_synth_renders_a_midi_file() {
    use midly::num::{u4, u7, u15, u24, u28};
    use midly::{Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};
    let shipped = shipped();
    let synth = shipped.plugins.iter().find(|p| p.name == "WA Synth").unwrap();
    let dir = scratch("synth");
    // 480 ticks a quarter; 120 bpm (0.5 s a quarter) until tick 960, then 60.
    let event = |delta: u32, kind| TrackEvent { delta: u28::new(delta), kind };
    let note = |on: bool, key: u8| TrackEventKind::Midi {
        channel: u4::new(0),
        message: if on {
            MidiMessage::NoteOn { key: u7::new(key), vel: u7::new(100) }
        } else {
            MidiMessage::NoteOff { key: u7::new(key), vel: u7::new(0) }
        },
    };
    let tempo = vec![
        event(0, TrackEventKind::Meta(MetaMessage::Tempo(u24::new(500_000)))),
        event(960, TrackEventKind::Meta(MetaMessage::Tempo(u24::new(1_000_000)))),
        event(0, TrackEventKind::Meta(MetaMessage::EndOfTrack)),
    ];
    let notes = vec![
        event(240, note(true, 69)),  // 0.25 s
        event(480, note(false, 69)), // 0.75 s
        event(240, note(true, 72)),  // 1.0 s, where the tempo halves
        event(480, note(false, 72)), // 2.0 s
        event(0, TrackEventKind::Meta(MetaMessage::EndOfTrack)),
    ];
    let smf = Smf {
        header: Header::new(midly::Format::Parallel, Timing::Metrical(u15::new(480))),
        tracks: vec![tempo, notes],
    };
    let mid = dir.join("song.mid");
    smf.save(&mid).unwrap();
    let out = dir.join("song.wav");
    succeeded(
        &process(&["--plugin", "WA Synth", mid.to_str().unwrap(), out.to_str().unwrap()]),
        "WA Synth over a MIDI file",
    );
    let (spec, got) = read_wav(&out);
    assert_eq!(spec, float_spec(synth.channels), "a MIDI file renders to 32-bit float at 48 kHz");
    let at = |seconds: f64| (seconds * RATE).round() as usize;
    let velocity = 100.0 / 127.0;
    let played = [(0.25, true, 69), (0.75, false, 69), (1.0, true, 72), (2.0, false, 72)].map(|(s, on, pitch)| Note {
        frame: at(s),
        on,
        pitch,
        velocity: if on { velocity } else { 0.0 },
    });
    let length = got[0].len();
    assert!(length > at(2.0), "the release after the last note-off is rendered: {length} frames");
    let want = host_render(synth, &[], &played, length + RATE as usize);
    let (head, rest): (Vec<Vec<f32>>, Vec<Vec<f32>>) =
        want.into_iter().map(|c| (c[..length].to_vec(), c[length..].to_vec())).unzip();
    assert_same(&got, &head, "WA Synth against the Rust host");
    assert!(rest.iter().flatten().all(|x| x.abs() <= 1e-6), "rendered until silent");
    let first_sound = got[0].iter().position(|x| *x != 0.0).unwrap();
    assert!(
        (at(0.25)..at(0.25) + 4).contains(&first_sound),
        "the first note sounds at its time in the file (frame {}), the latency made up: {first_sound}",
        at(0.25)
    );
    // The same library as CLAP: the same samples.
    let clap_out = dir.join("song-clap.wav");
    let args = ["--plugin", "WA Synth", "--format", "clap", mid.to_str().unwrap(), clap_out.to_str().unwrap()];
    succeeded(&process(&args), "WA Synth (CLAP) over a MIDI file");
    assert_same(&read_wav(&clap_out).1, &got, "WA Synth: CLAP as VST3");
}

#[test]
fn a_long_file_shows_progress() {
    let _ = shipped();
    let dir = scratch("progress");
    let wav = dir.join("long.wav");
    write_wav(&wav, &noise(2, 20 * RATE as usize, 9), float_spec(2));
    let out = dir.join("long-out.wav");
    let args = ["--plugin", "WA Gain Inline", "--progress", wav.to_str().unwrap(), out.to_str().unwrap()];
    let output = process(&args);
    succeeded(&output, "a 20 s file");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let updates: Vec<&str> = stderr.split('\r').filter(|s| s.contains('%')).collect();
    assert!(updates.len() > 50, "one update a percent or so, not {}: {stderr:?}", updates.len());
    assert!(updates.iter().any(|u| u.contains(" 50%")), "{stderr:?}");
    assert!(updates.last().unwrap().trim_end().ends_with("100%"), "{stderr:?}");
    // Without --progress and not on a terminal: nothing.
    let quiet = process(&args.iter().copied().filter(|a| *a != "--progress").collect::<Vec<_>>());
    succeeded(&quiet, "without --progress");
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains('%'));
}

#[test]
fn bad_input_is_refused_clearly_and_writes_nothing() {
    let _ = shipped();
    let dir = scratch("refusals");
    let wav = dir.join("in.wav");
    write_wav(&wav, &noise(2, 4800, 1), float_spec(2));
    let text = dir.join("text.wav");
    std::fs::write(&text, "not audio").unwrap();
    let mid = dir.join("song.mid");
    std::fs::write(&mid, "not midi").unwrap();
    let out = dir.join("out.wav");
    let (w, o, t, m) = (wav.to_str().unwrap(), out.to_str().unwrap(), text.to_str().unwrap(), mid.to_str().unwrap());
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--plugin", "WA Gain", t, o], 1, "text.wav is not a WAV file this can read"),
        (&["--plugin", "WA Synth", m, o], 1, "song.mid is not a MIDI file this can read"),
        (&["--plugin", "WA Synth", w, o], 1, "WA Synth: it is an instrument: give it a MIDI file; nothing was written"),
        (&["--plugin", "WA Gain", "--param", "gian=1", w, o], 1, "WA Gain has no parameter `gian`"),
        (&["--plugin", "WA Gain", "--param", "gain=99", w, o], 1, "--param gain=99: Gain takes -60 to 24"),
        (&["--plugin", "WA Gain", "--sample-rate", "44100", w, o], 1, "is at 48000 Hz, not 44100"),
        (&["--plugin", "WA Gian", w, o], 2, "no plugin `WA Gian` in plugins.toml"),
        (&["--plugin", "WA Gain", w, w], 2, "the output would overwrite the input"),
        (
            &["--plugin", "WA Gain", "--block-size", "0", w, o],
            2,
            "--block-size takes a number of frames from 1 to 8192",
        ),
        (&["--plugin", "WA Gain", "missing.wav", o], 1, "missing.wav is not a WAV file this can read"),
        (&["--plugin", "/nowhere/X.vst3", w, o], 1, "no plugin at /nowhere/X.vst3"),
    ];
    for (args, code, message) in cases {
        let output = process(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {message:?} in\n{stderr}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
        assert!(!dir.join("out.wav.partial").exists());
    }
    // The hint names the command that builds a missing bundle.
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["process", "--plugin", "WA Gain", "--bundles"])
        .arg(dir.join("no-bundles"))
        .args([w, o])
        .current_dir(workspace())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("build it first with `cargo run -p generator -- build --plugin 'WA Gain'`"), "{stderr}");
}
