//! Every plugin of the shipped plugins.toml, generated, built and bundled by
//! the generator, loaded through its C ABI by the Rust test host: identity,
//! buses, parameters, latency, and its sound in real-time (unpaced) and
//! offline processing, sample for sample against its DSP run directly.

mod e2e;

use e2e::host::{Module, OFFLINE, REALTIME, c_string, utf16};
use e2e::session::{RATE, play, start, stop};
use e2e::{Shipped, assert_same, delayed, latency_samples, library, noise, reference, shipped, test_notes};
use generator::config::{Kind, Plugin};
use runtime::bundle::class_id_hex;
use vst3::Steinberg::Vst::{
    BusDirections_, BusInfo, IAudioProcessorTrait, IComponentTrait, IEditControllerTrait, MediaTypes_, ParameterInfo,
    SpeakerArr, SpeakerArrangement,
};
use vst3::Steinberg::{
    IPluginBaseTrait, IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo2, PFactoryInfo,
    kResultFalse, kResultOk, kResultTrue,
};

fn load(shipped: &Shipped, plugin: &Plugin) -> Module {
    Module::load(&library(&shipped.bundles, plugin))
}

/// The speaker layout a user expects for 1 to 8 channels, by its SDK name.
fn natural_layout(channels: usize) -> SpeakerArrangement {
    use SpeakerArr::*;
    [kMono, kStereo, k30Cine, k40Music, k50, k51, k70Music, k71Music][channels - 1]
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

            // Its buses in the natural layout for their channel count (quad for
            // WA Custom's 4), and hosts offering that layout are accepted.
            let natural = natural_layout(plugin.channels);
            let mut layout: SpeakerArrangement = 0;
            assert_eq!(instance.processor.getBusArrangement(output, 0, &mut layout), kResultOk);
            assert_eq!(layout, natural, "{}: output layout for {} channels", plugin.name, plugin.channels);
            if effect {
                assert_eq!(instance.processor.getBusArrangement(input, 0, &mut layout), kResultOk);
                assert_eq!(layout, natural, "{}: input layout", plugin.name);
            }
            let (mut ins, mut outs) = (natural, natural);
            let ins_ptr = if effect { &mut ins as *mut SpeakerArrangement } else { std::ptr::null_mut() };
            let offered = instance.processor.setBusArrangements(ins_ptr, i32::from(effect), &mut outs, 1);
            assert_eq!(offered, kResultTrue, "{}: its own layout is accepted", plugin.name);
            if plugin.channels == 4 {
                let (mut ins, mut outs) = (SpeakerArr::k31Cine, SpeakerArr::k31Cine);
                let offered = instance.processor.setBusArrangements(&mut ins, 1, &mut outs, 1);
                assert_eq!(offered, kResultFalse, "{}: four channels are quad, not L R C LFE", plugin.name);
            }

            // Its parameters with their plugins.toml defaults, then the engine's three.
            assert_eq!(instance.controller.getParameterCount() as usize, plugin.params.len() + 3, "{}", plugin.name);
            for (index, param) in plugin.params.iter().enumerate() {
                let mut info: ParameterInfo = std::mem::zeroed();
                assert_eq!(instance.controller.getParameterInfo(index as i32, &mut info), kResultOk);
                assert_eq!((info.id, utf16(&info.title)), (param.id, param.title.clone()), "{}", plugin.name);
                assert_eq!(utf16(&info.units), param.units, "{}: {}", plugin.name, param.title);
                assert_eq!(
                    info.stepCount as u32, param.steps,
                    "{}: {} steps (a choice is stepped)",
                    plugin.name, param.title
                );
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
