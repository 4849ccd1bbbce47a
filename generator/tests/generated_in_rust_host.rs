//! Every plugin of the shipped plugins.toml, generated, built and bundled by
//! the generator, loaded through its C ABI by the Rust test host: identity,
//! buses, parameters, latency, and its sound in real-time (unpaced) and
//! offline processing, sample for sample against its DSP run directly.

mod e2e;

use e2e::host::{Module, OFFLINE, REALTIME, c_string, utf16};
use e2e::session::{
    RATE, natural_layout, offer_layout, play, play_in_layout, play_on_timeline, play_on_timeline_in, start, stop,
};
use e2e::timeline::{JUMP, TEMPO, Timeline, first_departure, host_timeline, tremolo_gain};
use e2e::{
    Shipped, assert_same, assert_sounds_like, delayed, latency_samples, library, noise, reference,
    reference_on_timeline, shipped, test_notes,
};
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

            // Its parameters with their plugins.toml defaults, then Bypass (and
            // the meters only with `meter_params`, the program change only
            // with presets).
            let engine_params =
                1 + if plugin.editor.meter_params { 2 } else { 0 } + usize::from(!plugin.presets.is_empty());
            let count = instance.controller.getParameterCount() as usize;
            assert_eq!(count, plugin.params.len() + engine_params, "{}", plugin.name);
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
                assert_sounds_like(plugin, &got, &want, &format!("{} in {channels} channels, {name}", plugin.name));
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
            assert_sounds_like(plugin, &got, &delayed(&want, latency), &format!("{} {name}", plugin.name));
        }
        if plugin.kind == Kind::Effect {
            // Bypassed from the start: the input, delayed by the same latency.
            let (_, got) = play(&module, plugin, OFFLINE, &input, &notes, frames, Some(0));
            assert_same(&got, &delayed(&input, latency), &format!("{} bypassed", plugin.name));
        }
        println!("ok: {} equals its DSP delayed by {latency} frames, real-time and offline", plugin.name);
    }
}

#[test]
fn every_generated_effect_with_the_hosts_transport_sounds_like_its_dsp_on_it() {
    // Every bundle gets a ProcessContext in every call: the plugins that do
    // not sync must sound as without one, the synced ones like their DSP
    // given the same reports, all delayed by their latency.
    let shipped = shipped();
    let frames = 3 * RATE as usize / 2;
    let timeline = host_timeline();
    for plugin in shipped.plugins.iter().filter(|p| p.kind == Kind::Effect) {
        let module = load(shipped, plugin);
        let input = noise(plugin.channels, frames, 7);
        let want = reference_on_timeline(plugin, &input, frames, &timeline);
        if plugin.sync.is_none() {
            assert_same(&want, &reference(plugin, RATE, &input, &[], frames), &format!("{}: no sync", plugin.name));
        }
        let latency = latency_samples(plugin, RATE);
        let (_, got) = play_on_timeline(&module, plugin, REALTIME, &input, frames, &timeline);
        assert_sounds_like(plugin, &got, &delayed(&want, latency), &format!("{} with a ProcessContext", plugin.name));
        println!("ok: {} with the host's transport equals its DSP on it, delayed by {latency} frames", plugin.name);
    }
}

#[test]
fn a_synced_plugin_follows_a_tempo_change_and_a_jump_at_their_frames_plus_its_latency() {
    const FRAMES: usize = 80_000;
    let shipped = shipped();
    let synced: Vec<&Plugin> = shipped.plugins.iter().filter(|p| p.sync.is_some()).collect();
    assert!(!synced.is_empty(), "the shipped plugins.toml has a synced plugin");
    let timeline = host_timeline();
    let without_jump = Timeline { sections: vec![timeline.sections[0]], ..timeline.clone() };
    let without_tempo_change = Timeline { sections: timeline.sections[..2].to_vec(), ..timeline.clone() };
    for plugin in synced {
        let module = load(shipped, plugin);
        let latency = latency_samples(plugin, RATE);
        let period = plugin.sync.unwrap().quarter_notes();
        let depth = e2e::default_value(plugin, 0);
        // A constant signal: the output is the tremolo's gain envelope.
        let input = vec![vec![1.0_f32; FRAMES]; plugin.channels];
        let want = reference_on_timeline(plugin, &input, FRAMES, &timeline);
        // The gain of output frame t on a timeline: that of input frame t - L.
        let envelope = |timeline: &Timeline| {
            let timeline = timeline.clone();
            move |t: usize| if t < latency { 0.0 } else { tremolo_gain(timeline.beats(t - latency) / period, depth) }
        };
        for (mode, name) in [(REALTIME, "real-time, unpaced"), (OFFLINE, "offline")] {
            let (reported, got) = play_on_timeline(&module, plugin, mode, &input, FRAMES, &timeline);
            let what = format!("{} {name}", plugin.name);
            assert_eq!(reported, latency, "{what}");
            // Buffered, exactly the DSP run unbuffered delayed by L.
            assert_same(&got, &delayed(&want, latency), &what);
            let got = &got[0];
            assert_eq!(first_departure(got, 0, envelope(&timeline), 1e-6), None, "{what}: the host's timeline");
            // The jump at input frame JUMP changes the envelope at output frame
            // JUMP + L: from a quarter period (gain 1 - depth / 2) to the dip.
            assert_eq!(first_departure(got, 0, envelope(&without_jump), 1e-3), Some(JUMP + latency), "{what}");
            assert!((f64::from(got[JUMP + latency]) - (1.0 - depth)).abs() < 1e-6, "{what}: the dip after the jump");
            // The tempo change at input frame TEMPO: the position goes on, so
            // frame TEMPO + L is the same either way, the next one is not.
            let slower = first_departure(got, 0, envelope(&without_tempo_change), 1e-6);
            assert_eq!(slower, Some(TEMPO + latency + 1), "{what}");
        }
        println!(
            "ok: {}: a jump at frame {JUMP} and a tempo change at frame {TEMPO} act at output frames {} and {} \
             (latency {latency}), real-time and offline, bit for bit the DSP unbuffered",
            plugin.name,
            JUMP + latency,
            TEMPO + latency + 1
        );
    }
}

/// How many frames ahead of the input's position the position a synced
/// tremolo plays is, read off its gain envelope on a constant input while the
/// host plays at 120 BPM from beat 0: the shift `s` with which output frame
/// t shows the gain of input frame t - L + s, searched from 0 to 2 L (an
/// eighth-note period is 12 000 frames, so one shift alone fits).
fn position_shift(got: &[f32], latency: usize, period: f64, depth: f64) -> Vec<usize> {
    let beats_per_frame = 120.0 / (60.0 * RATE);
    (0..=2 * latency)
        .filter(|&s| {
            let gain = |t: usize| tremolo_gain((t + s - latency) as f64 * beats_per_frame / period, depth);
            first_departure(got, latency, gain, 1e-6).is_none()
        })
        .collect()
}

#[test]
fn a_host_named_ardour_gets_its_positions_moved_forward_by_the_latency_and_other_hosts_do_not() {
    // Ardour (and Mixbus, Ardour renamed) reports the position of a plugin's
    // output; the plugin, told the host's name in `initialize`, moves it to
    // its input's. The same reports from any other host are the input's.
    let shipped = shipped();
    let timeline = host_timeline();
    let frames = JUMP; // the first section: 120 BPM from beat 0
    for plugin in shipped.plugins.iter().filter(|p| p.sync.is_some()) {
        let module = load(shipped, plugin);
        let latency = latency_samples(plugin, RATE);
        let (period, depth) = (plugin.sync.unwrap().quarter_notes(), e2e::default_value(plugin, 0));
        let input = vec![vec![1.0_f32; frames]; plugin.channels];
        let hosts = [(Some("Ardour"), latency), (Some("Mixbus32C"), latency), (Some("Rust test host"), 0), (None, 0)];
        for (host, moved) in hosts {
            let (_, got) = play_on_timeline_in(host, &module, plugin, REALTIME, &input, frames, &timeline);
            let shift = position_shift(&got[0], latency, period, depth);
            assert_eq!(shift, [moved], "{} in a host named {host:?}", plugin.name);
            println!("ok: {} in a host named {host:?}: positions moved forward by {moved} frames", plugin.name);
        }
    }
}
