//! Impulse responses named by `ir` (dsp = "convolver"): every file the
//! generator cannot use is refused at the `ir` value's line and column, all at
//! once, and nothing is written; the generator (hound) and the plugin (the
//! runtime's reader) read the same samples.

mod located;

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::diagnostic::render;
use generator::{ir, source};
use runtime::dsp::convolver::ImpulseResponse;
use runtime::limits::MAX_IR_FILE_BYTES;

/// A fresh folder in the tests' scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ir-files").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.join("irs")).unwrap();
    dir
}

/// Writes a WAVE file with hound: `samples` interleaved, as `bits`-bit
/// integers (scaled from -1..1) or 32-bit float (`bits` 0).
fn wav(path: &Path, channels: u16, rate: u32, bits: u16, samples: &[f32]) {
    let float = bits == 0;
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: if float { 32 } else { bits },
        sample_format: if float { hound::SampleFormat::Float } else { hound::SampleFormat::Int },
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        if float {
            writer.write_sample(s).unwrap();
        } else {
            let full = f64::from(1_u32 << (bits - 1));
            let value = (f64::from(s) * full).round().clamp(-full, full - 1.0) as i32;
            writer.write_sample(value).unwrap();
        }
    }
    writer.finalize().unwrap();
}

/// The files `fixtures/ir_files.toml` names, each broken in its own way but
/// `good.wav`.
fn write_irs(dir: &Path) {
    let irs = dir.join("irs");
    let decay: Vec<f32> = (0..200).map(|i| 0.9_f32.powi(i) * if i % 2 == 0 { 1.0 } else { -0.5 }).collect();
    wav(&irs.join("good.wav"), 2, 44_100, 16, &decay);
    std::fs::write(irs.join("text.wav"), "not a wave file\n").unwrap();
    wav(&irs.join("empty.wav"), 1, 48_000, 0, &[]);
    wav(&irs.join("three.wav"), 3, 48_000, 24, &decay[..150]);
    let mut nan = decay.clone();
    nan[5] = f32::NAN;
    wav(&irs.join("nan.wav"), 1, 48_000, 0, &nan);
    // Past the size limit without taking the disk space: a sparse file.
    std::fs::File::create(irs.join("huge.wav")).unwrap().set_len(MAX_IR_FILE_BYTES + 1).unwrap();
    // 61 frames at 1 Hz: 61 s, past the 60 s limit, in a few bytes.
    wav(&irs.join("endless.wav"), 1, 1, 16, &decay[..61]);
    // A link out of the folder, to a file that is fine in itself.
    let outside = dir.parent().unwrap().join("outside.wav");
    wav(&outside, 1, 48_000, 16, &decay);
    std::os::unix::fs::symlink(&outside, irs.join("linked.wav")).unwrap();
    std::fs::create_dir_all(irs.join("folder.wav")).unwrap();
}

#[test]
fn every_unusable_impulse_response_is_refused_at_its_ir_value() {
    let dir = scratch("refused");
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ir_files.toml")).unwrap();
    std::fs::write(dir.join("plugins.toml"), &toml).unwrap();
    write_irs(&dir);
    let rejected = source::load_in(toml.as_bytes(), &dir).expect_err("the files are broken on purpose");
    assert_eq!(rejected.diagnostics.len(), 9, "every file but good.wav");
    located::check_located("ir_files.toml", &rejected.source, &rejected.diagnostics).unwrap();
    insta::assert_snapshot!(render("ir_files.toml", &rejected.source, &rejected.diagnostics));

    // The generator itself: exit 1, the same errors, nothing written.
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["render", "--config"])
        .arg(dir.join("plugins.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("9 errors in "), "{stderr}");
    assert!(!dir.join("plugins").exists(), "nothing is written when a file is refused");
    assert!(!dir.join("target").exists(), "not even a staging folder");
}

#[test]
fn a_good_impulse_response_is_taken_with_its_channels_and_rate() {
    let dir = scratch("good");
    write_irs(&dir);
    let toml = "[defaults]\nvendor = \"V\"\n[[plugins]]\nname = \"Hall\"\nkind = \"effect\"\ndsp = \"convolver\"\n\
                ir = \"./irs/../irs/good.wav\"\n";
    let config = source::load_in(toml.as_bytes(), &dir).unwrap_or_else(|r| panic!("{:?}", r.diagnostics));
    let file = config.plugins[0].ir.as_ref().unwrap();
    assert_eq!((file.path.as_str(), file.name()), ("irs/good.wav", "good.wav"), "normalised inside the folder");
    let summary = ir::read_file(&dir, &file.path).unwrap();
    assert_eq!((summary.channels, summary.frames, summary.sample_rate), (2, 100, 44_100));
}

#[test]
fn the_generator_and_the_plugin_read_the_same_samples() {
    let dir = scratch("same");
    let samples: Vec<f32> = (0..400).map(|i| ((i * 37 % 101) as f32 / 50.0 - 1.0) * 0.9).collect();
    for (channels, bits) in [(1, 8), (2, 16), (4, 24), (1, 32), (2, 0)] {
        let path = dir.join(format!("irs/{channels}-{bits}.wav"));
        wav(&path, channels, 48_000, bits, &samples);
        let summary = ir::read_file(&dir, &format!("irs/{channels}-{bits}.wav")).unwrap();
        let mut reader = hound::WavReader::open(&path).unwrap();
        let generator_read: Vec<f32> = match reader.spec().sample_format {
            hound::SampleFormat::Float => reader.samples::<f32>().map(Result::unwrap).collect(),
            hound::SampleFormat::Int => {
                let scale = 1.0 / f64::from(1_u32 << (bits - 1));
                reader.samples::<i32>().map(|s| (f64::from(s.unwrap()) * scale) as f32).collect()
            }
        };
        let plugin_read = ImpulseResponse::from_wav(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!((plugin_read.channel_count(), plugin_read.len()), (summary.channels, summary.frames));
        for (i, sample) in generator_read.iter().enumerate() {
            let plugin = plugin_read.channels()[i % usize::from(channels)][i / usize::from(channels)];
            assert_eq!(plugin, *sample, "{channels} channels, {bits} bits, sample {i}");
        }
    }
}
