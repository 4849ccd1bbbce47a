//! Every plugin of the shipped plugins.toml, generated, built and bundled by
//! the generator, loaded through its C ABI by the Rust test host: identity,
//! buses, parameters, latency, and its sound in real-time (unpaced) and
//! offline processing, sample for sample against its DSP run directly.

#[path = "../../example-plugin/tests/host/mod.rs"]
mod host;

mod e2e;

use e2e::{Note, Shipped, assert_same, delayed, latency_samples, library, noise, reference, shipped, test_notes};
use generator::config::{Kind, Plugin};
use host::{Buffers, EventList, Extras, Instance, Module, OFFLINE, ParamChanges, REALTIME};
use runtime::vst3::BYPASS_PARAM_ID;
use runtime::vst3::bundle::class_id_hex;
use vst3::Steinberg::Vst::{
    BusDirections_, BusInfo, IAudioProcessorTrait, IComponentTrait, IEditControllerTrait, MediaTypes_, ParameterInfo,
    ProcessSetup, SymbolicSampleSizes_,
};
use vst3::Steinberg::{
    IPluginBaseTrait, IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo2, PFactoryInfo, kResultOk,
};

const RATE: f64 = 48_000.0;
const MAX_BLOCK: usize = 4096;

fn c_string(bytes: &[std::ffi::c_char]) -> String {
    bytes.iter().take_while(|c| **c != 0).map(|c| *c as u8 as char).collect()
}

fn utf16(text: &[u16]) -> String {
    String::from_utf16_lossy(&text[..text.iter().position(|c| *c == 0).unwrap_or(text.len())])
}

fn load(shipped: &Shipped, plugin: &Plugin) -> Module {
    Module::load(&library(&shipped.bundles, plugin))
}

/// setupProcessing, setActive(true), setProcessing(true); returns the latency.
fn start(instance: &Instance, rate: f64) -> usize {
    let mut setup = ProcessSetup {
        processMode: REALTIME as i32,
        symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
        maxSamplesPerBlock: MAX_BLOCK as i32,
        sampleRate: rate,
    };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
        instance.processor.getLatencySamples() as usize
    }
}

fn stop(instance: &Instance) {
    // SAFETY: live interfaces.
    unsafe {
        assert_eq!(instance.processor.setProcessing(0), kResultOk);
        assert_eq!(instance.component.setActive(0), kResultOk);
        assert_eq!(instance.component.terminate(), kResultOk);
    }
}

/// Block sizes 0..=MAX_BLOCK, varying call to call, covering `total` frames.
fn blocks(total: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut sizes = Vec::new();
    let mut covered = 0;
    while covered < total {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let size = ((state >> 33) as usize % (MAX_BLOCK + 1)).min(total - covered);
        sizes.push(size);
        covered += size;
    }
    sizes
}

/// Plays `input` (effects) or `notes` (instruments) through a fresh instance
/// in `mode`, in varying blocks; `bypass_from` switches bypass on at that frame.
fn play(
    module: &Module,
    plugin: &Plugin,
    mode: u32,
    input: &[Vec<f32>],
    notes: &[Note],
    frames: usize,
    bypass_from: Option<usize>,
) -> (usize, Vec<Vec<f32>>) {
    let instance = module.create();
    let latency = start(&instance, RATE);
    let mut output = vec![vec![0.0_f32; frames]; plugin.channels];
    let no_input: Vec<Vec<f32>> = Vec::new();
    let input = if plugin.kind == Kind::Effect { input } else { &no_input };
    let mut at = 0;
    for (i, n) in blocks(frames, 11 + mode as u64).into_iter().enumerate() {
        let in_block: Vec<(i32, bool, i16, f32)> = notes
            .iter()
            .filter(|note| (at..at + n).contains(&note.frame))
            .map(|note| ((note.frame - at) as i32, note.on, i16::from(note.pitch), note.velocity))
            .collect();
        let events = EventList::notes(&in_block);
        let bypass = bypass_from.filter(|&from| (at..at + n).contains(&from) || (i == 0 && from == 0));
        let changes = bypass.map(|from| ParamChanges::with(&[(BYPASS_PARAM_ID, (from - at) as i32, 1.0)]));
        let extras = Extras { changes: changes.as_ref(), events: Some(&events), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    (latency, output)
}

#[test]
fn every_generated_plugin_is_the_plugin_plugins_toml_describes() {
    let shipped = shipped();
    for plugin in &shipped.plugins {
        let module = load(shipped, plugin);
        // SAFETY: zeroed infos are valid out-structs; live factory and instance.
        unsafe {
            let mut factory_info: PFactoryInfo = std::mem::zeroed();
            assert_eq!(module.factory().getFactoryInfo(&mut factory_info), kResultOk);
            assert_eq!(c_string(&factory_info.vendor), plugin.vendor);
            assert_eq!(module.factory().countClasses(), 1);
            let factory2 = module.factory().cast::<IPluginFactory2>().expect("IPluginFactory2");
            let mut info: PClassInfo2 = std::mem::zeroed();
            assert_eq!(factory2.getClassInfo2(0, &mut info), kResultOk);
            assert_eq!(c_string(&info.name), plugin.name);
            assert_eq!(c_string(&info.version), plugin.version);
            let expected_subcategories = if plugin.kind == Kind::Effect { "Fx" } else { "Instrument|Synth" };
            assert_eq!(c_string(&info.subCategories), expected_subcategories, "{}", plugin.name);
            let cid: String = info.cid.iter().map(|b| format!("{:02X}", *b as u8)).collect();
            let words: String = plugin.class_id.iter().map(|w| format!("{w:08X}")).collect();
            assert_eq!(cid, words, "{}: the class id derived from vendor and name", plugin.name);
            assert_eq!(class_id_hex(&generator::bundles::info(plugin)), words, "moduleinfo.json names the same id");

            let instance = module.create();
            let (audio, event) = (MediaTypes_::kAudio as i32, MediaTypes_::kEvent as i32);
            let (input, output) = (BusDirections_::kInput as i32, BusDirections_::kOutput as i32);
            let effect = plugin.kind == Kind::Effect;
            assert_eq!(instance.component.getBusCount(audio, input), i32::from(effect), "{}", plugin.name);
            assert_eq!(instance.component.getBusCount(event, input), i32::from(!effect), "{}", plugin.name);
            let mut bus: BusInfo = std::mem::zeroed();
            assert_eq!(instance.component.getBusInfo(audio, output, 0, &mut bus), kResultOk);
            assert_eq!(bus.channelCount as usize, plugin.channels, "{}: channels", plugin.name);

            // Its parameters with their plugins.toml defaults, then the engine's three.
            assert_eq!(instance.controller.getParameterCount() as usize, plugin.params.len() + 3, "{}", plugin.name);
            for (index, param) in plugin.params.iter().enumerate() {
                let mut info: ParameterInfo = std::mem::zeroed();
                assert_eq!(instance.controller.getParameterInfo(index as i32, &mut info), kResultOk);
                assert_eq!((info.id, utf16(&info.title)), (param.id, param.title.clone()), "{}", plugin.name);
                assert_eq!(utf16(&info.units), param.units, "{}: {}", plugin.name, param.title);
                let default = (param.default - param.min) / (param.max - param.min);
                assert_eq!(info.defaultNormalizedValue, default, "{}: {} default", plugin.name, param.title);
                assert_eq!(instance.controller.getParamNormalized(param.id), default, "{}", plugin.name);
            }

            for rate in [44_100.0, 48_000.0, 96_000.0] {
                let instance = module.create();
                let latency = start(&instance, rate);
                assert_eq!(latency, latency_samples(plugin, rate), "{} at {rate} Hz", plugin.name);
                stop(&instance);
            }
            assert_eq!(instance.component.terminate(), kResultOk);
        }
        println!(
            "ok: {} ({}), {} ch, latency {} at 48 kHz",
            plugin.name,
            plugin.slug,
            plugin.channels,
            latency_samples(plugin, RATE)
        );
    }
}

#[test]
fn every_generated_plugin_sounds_like_its_dsp_delayed_by_its_latency() {
    let shipped = shipped();
    let frames = 3 * RATE as usize / 2;
    for plugin in &shipped.plugins {
        let module = load(shipped, plugin);
        let input = noise(plugin.channels, frames, 5);
        let notes = if plugin.kind == Kind::Instrument { test_notes(RATE) } else { Vec::new() };
        let want = reference(plugin, RATE, &input, &notes, frames);
        assert!(want.iter().flatten().any(|s| *s != 0.0), "{}: the reference is not silence", plugin.name);
        let latency = latency_samples(plugin, RATE);
        for (mode, name) in [(REALTIME, "real-time, called faster than real time"), (OFFLINE, "offline")] {
            let (reported, got) = play(&module, plugin, mode, &input, &notes, frames, None);
            assert_eq!(reported, latency);
            assert_same(&got, &delayed(&want, latency), &format!("{} {name}", plugin.name));
        }
        if plugin.kind == Kind::Effect {
            // Bypassed from the start: the input, delayed by the same latency.
            let (_, got) = play(&module, plugin, OFFLINE, &input, &notes, frames, Some(0));
            assert_same(&got, &delayed(&input, latency), &format!("{} bypassed", plugin.name));
        }
        println!("ok: {} equals its DSP delayed by {latency} frames, real-time and offline", plugin.name);
    }
}
