//! WA Reverb's impulse response is part of its saved state (format version
//! 2: the parameters, then the file's path): a state naming a file plays
//! that file from the first frame and saves back byte for byte; a version 1
//! state (saved before files, or by a plugin without one) still loads and
//! plays the built-in response; a state naming a file this machine lacks
//! loads, plays the built-in response and keeps naming the file.

mod e2e;

use e2e::host::{Buffers, Extras, Instance, MemoryStream, Module, OFFLINE, block_sizes};
use e2e::session::{MAX_BLOCK, RATE, start, stop};
use e2e::{convolver, delayed, library, noise, shipped};
use generator::config::{Dsp, Plugin};
use runtime::dsp::convolver::{ImpulseResponse, encode_wav_f32};
use vst3::Steinberg::IPluginBaseTrait;
use vst3::Steinberg::Vst::IComponentTrait;
use vst3::Steinberg::{IBStream, kResultOk};

fn set_state(instance: &Instance, bytes: &[u8]) -> i32 {
    let stream = MemoryStream::new(bytes.to_vec());
    // SAFETY: a live component and a stream alive across the call.
    unsafe { instance.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()) }
}

fn get_state(instance: &Instance) -> Vec<u8> {
    let stream = MemoryStream::new(Vec::new());
    // SAFETY: a live component and a stream alive across the call.
    let result = unsafe { instance.component.getState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()) };
    assert_eq!(result, kResultOk);
    stream.bytes()
}

/// A state as the format defines it, written out here on its own: `b"WAHD"`,
/// the version, the `(id, normalized)` pairs, and for version 2 the path
/// (empty: the built-in file).
fn state(version: u32, values: &[(u32, f64)], path: Option<&str>) -> Vec<u8> {
    let mut bytes = b"WAHD".to_vec();
    bytes.extend_from_slice(&version.to_le_bytes());
    bytes.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for (id, value) in values {
        bytes.extend_from_slice(&id.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    if let Some(path) = path {
        bytes.extend_from_slice(&(path.len() as u32).to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
    }
    bytes
}

/// Plays `input` offline through `instance` (its state already set), from
/// activation to the end.
fn play(instance: &Instance, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let frames = input[0].len();
    start(instance, RATE);
    let mut output = vec![vec![0.0_f32; frames]; input.len()];
    let mut at = 0;
    for n in block_sizes(frames, 23, MAX_BLOCK) {
        let result = instance.process(OFFLINE, Buffers::F32 { input, output: &mut output }, at, n, Extras::default());
        assert_eq!(result, kResultOk);
        at += n;
    }
    stop(instance);
    output
}

/// A stereo room of 0.3 s at 44.1 kHz (the plugin resamples it), written as
/// a WAVE file.
fn room() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ir-state");
    std::fs::create_dir_all(&dir).unwrap();
    let frames = 13_230;
    let mut state = 0x1234_5678_u64;
    let samples: Vec<f32> = (0..2 * frames)
        .map(|i| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let noise = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
            noise * 0.2 * (-5.0 * (i / 2) as f32 / frames as f32).exp()
        })
        .collect();
    let path = dir.join("room é.wav");
    std::fs::write(&path, encode_wav_f32(44_100, 2, &samples)).unwrap();
    path
}

#[test]
fn the_impulse_response_is_saved_with_the_state_and_old_states_still_load() {
    let shipped = shipped();
    let plugin: &Plugin = shipped.plugins.iter().find(|p| p.dsp == Dsp::Convolver).expect("WA Reverb ships");
    let module = Module::load(&library(&shipped.bundles, plugin));
    let frames = RATE as usize;
    let input = noise(plugin.channels, frames, 31);
    let latency = e2e::latency_samples(plugin, RATE);
    let room_path = room();
    let room_text = room_path.to_str().unwrap();
    let room = ImpulseResponse::from_file(&room_path).unwrap().resampled(RATE);

    // A fresh instance saves version 2, naming the built-in file (empty).
    let fresh = module.create();
    let saved = get_state(&fresh);
    let values = e2e::state_pairs(&saved[..saved.len() - 4]);
    assert_eq!(saved, state(2, &values, Some("")), "version 2, the built-in file");
    // SAFETY: a live component.
    unsafe { fresh.component.terminate() };

    // Mix at 0.5 and a file: played from the first frame, saved back as set.
    let mix = (plugin.params[0].id, 0.5 / plugin.params[0].max);
    let values: Vec<(u32, f64)> = values.iter().map(|&(id, v)| if id == mix.0 { mix } else { (id, v) }).collect();
    let with_room = state(2, &values, Some(room_text));
    let instance = module.create();
    assert_eq!(set_state(&instance, &with_room), kResultOk);
    assert_eq!(get_state(&instance), with_room, "saved again byte for byte, path included");
    let got = play(&instance, &input);
    let want = convolver::model_with(plugin, &room, RATE, &input, frames, &[mix]);
    convolver::assert_close(&got, &delayed(&want, latency), "the state's file, from the first frame");

    // A version 1 state (no file) loads and brings the built-in file back.
    let old = state(1, &values, None);
    let instance = module.create();
    assert_eq!(set_state(&instance, &with_room), kResultOk);
    assert_eq!(set_state(&instance, &old), kResultOk, "a version 1 state still loads");
    assert_eq!(get_state(&instance), state(2, &values, Some("")), "saved as the built-in file");
    let got = play(&instance, &input);
    let want = convolver::model(plugin, RATE, &input, frames, &[mix]);
    convolver::assert_close(&got, &delayed(&want, latency), "a version 1 state: the built-in file");

    // A file this machine lacks: the state loads, the built-in file plays,
    // and the state still names the file.
    let missing = state(2, &values, Some("/nonexistent/hall.wav"));
    let instance = module.create();
    assert_eq!(set_state(&instance, &missing), kResultOk);
    assert_eq!(get_state(&instance), missing, "the missing file is still named");
    let got = play(&instance, &input);
    convolver::assert_close(&got, &delayed(&want, latency), "a missing file: the built-in file plays");
    println!("ok: {}: the impulse response is saved with the state; version 1 states load", plugin.name);
}
