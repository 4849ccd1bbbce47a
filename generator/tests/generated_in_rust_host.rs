//! Every plugin of the shipped plugins.toml, generated, built and bundled by
//! the generator, loaded through its C ABI by the Rust test host: identity,
//! buses, parameters, latency, and its sound in real-time (unpaced) and
//! offline processing, sample for sample against its DSP run directly.

mod e2e;

use e2e::host::{Module, OFFLINE, REALTIME, c_string, utf16};
use e2e::session::{RATE, natural_layout, offer_layout, play, play_in_layout, start, stop};
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
            assert_eq!(offer_layout(&instance, plugin, plugin.channels), kResultTrue, "{}", plugin.name);
            if plugin.channels == 4 {
                let (mut ins, mut outs) = (SpeakerArr::k31Cine, SpeakerArr::k31Cine);
                let offered = instance.processor.setBusArrangements(&mut ins, 1, &mut outs, 1);
                assert_eq!(offered, kResultFalse, "{}: four channels are quad, not L R C LFE", plugin.name);
            }
            // Every layout plugins.toml lists is accepted and then in force;
            // any other is refused, leaving the last one accepted in force.
            for channels in 1..=8 {
                let listed = plugin.layouts.contains(&channels);
                let before = bus_channels(&instance, output);
                let offered = offer_layout(&instance, plugin, channels);
                assert_eq!(offered, if listed { kResultTrue } else { kResultFalse }, "{}: {channels}", plugin.name);
                let now = if listed { channels } else { before };
                assert_eq!(bus_channels(&instance, output), now, "{}: after offering {channels}", plugin.name);
                assert_eq!(instance.processor.getBusArrangement(output, 0, &mut layout), kResultOk);
                assert_eq!(layout, natural_layout(now), "{}: after offering {channels}", plugin.name);
                if effect {
                    assert_eq!(bus_channels(&instance, input), now, "{}: input after {channels}", plugin.name);
                }
            }
            assert_eq!(offer_layout(&instance, plugin, plugin.channels), kResultTrue, "{}", plugin.name);

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

/// The channel count of a plugin's audio bus in `direction`, as a host reads it.
fn bus_channels(instance: &e2e::host::Instance, direction: i32) -> usize {
    // SAFETY: a live component; a zeroed BusInfo is a valid out-struct.
    unsafe {
        let mut bus: BusInfo = std::mem::zeroed();
        assert_eq!(instance.component.getBusInfo(MediaTypes_::kAudio as i32, direction, 0, &mut bus), kResultOk);
        bus.channelCount as usize
    }
}

#[test]
fn every_layout_of_every_generated_plugin_sounds_like_its_dsp() {
    let shipped = shipped();
    let frames = RATE as usize / 2;
    let several: Vec<&Plugin> = shipped.plugins.iter().filter(|p| p.layouts.len() > 1).collect();
    assert!(several.iter().any(|p| p.layouts == [1, 2]), "the shipped plugins.toml has a mono/stereo plugin");
    for plugin in several {
        let module = load(shipped, plugin);
        let latency = latency_samples(plugin, RATE);
        for &channels in &plugin.layouts {
            let input = noise(channels, frames, 29);
            let notes = if plugin.kind == Kind::Instrument { test_notes(RATE) } else { Vec::new() };
            let want = delayed(&reference(plugin, RATE, &input, &notes, frames), latency);
            assert_eq!(want.len(), channels);
            for (mode, name) in [(REALTIME, "real-time"), (OFFLINE, "offline")] {
                let (reported, got) = play_in_layout(&module, plugin, channels, mode, &input, &notes, frames, None);
                assert_eq!(reported, latency);
                assert_same(&got, &want, &format!("{} in {channels} channels, {name}", plugin.name));
            }
            println!("ok: {} in {channels} channels equals its DSP delayed by {latency} frames", plugin.name);
        }
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
