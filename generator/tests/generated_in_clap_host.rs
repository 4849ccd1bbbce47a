//! Every plugin of the shipped plugins.toml, generated, built and assembled as
//! a `.clap` file by the generator, loaded through its C ABI by the Rust CLAP
//! host: identity, ports, parameters, latency, and its sound in real-time
//! (unpaced) and offline rendering, sample for sample against its DSP run
//! directly; its state is the VST3 build's.

mod e2e;

use e2e::clap_host::{Buffers, ClapModule, HostEvent, Instance, assert_delayed, c_field, c_text, features, play};
use e2e::host::{Module, REALTIME, block_sizes};
use e2e::session::{RATE, play_on_timeline};
use e2e::timeline::{JUMP, TEMPO, Timeline, first_departure, host_timeline, tremolo_gain};
use e2e::{
    Shipped, assert_same, clap_file, latency_samples, library, noise, reference, reference_on_timeline, reference_with,
    shipped, test_notes,
};
use generator::config::{Kind, Plugin};
use runtime::plugin::{BYPASS_PARAM_ID, FILL_PARAM_ID, UNDERRUNS_PARAM_ID};

fn load(shipped: &Shipped, plugin: &Plugin) -> ClapModule {
    assert!(plugin.formats.clap, "{} is built as CLAP", plugin.name);
    ClapModule::load(&clap_file(&shipped.bundles, plugin))
}

/// The notes as CLAP note events at absolute frames.
fn note_events(plugin: &Plugin) -> Vec<(usize, HostEvent)> {
    if plugin.kind == Kind::Effect {
        return Vec::new();
    }
    test_notes(RATE)
        .iter()
        .map(|n| {
            (n.frame, HostEvent::Note { time: 0, on: n.on, key: i16::from(n.pitch), velocity: f64::from(n.velocity) })
        })
        .collect()
}

#[test]
fn every_generated_plugin_is_the_clap_plugin_plugins_toml_describes() {
    let shipped = shipped();
    for plugin in &shipped.plugins {
        let module = load(shipped, plugin);
        assert_eq!(module.plugin_count(), 1);
        let descriptor = module.descriptor(0).unwrap();
        let info = generator::bundles::info(plugin);
        assert_eq!(c_text(descriptor.id), runtime::clap::plugin_id(&info), "{}", plugin.name);
        assert_eq!(c_text(descriptor.name), plugin.name);
        assert_eq!(c_text(descriptor.vendor), plugin.vendor);
        assert_eq!(c_text(descriptor.version), plugin.version);
        let kind: &[&str] =
            if plugin.kind == Kind::Effect { &["audio-effect"] } else { &["instrument", "synthesizer"] };
        let layout = match plugin.channels {
            1 => "mono",
            2 => "stereo",
            _ => "surround",
        };
        assert_eq!(features(descriptor), [kind, &[layout]].concat(), "{}", plugin.name);

        let instance = module.create();
        let effect = plugin.kind == Kind::Effect;
        assert_eq!(instance.audio_ports(true).len(), usize::from(effect), "{}", plugin.name);
        let output = instance.audio_ports(false);
        assert_eq!(output.len(), 1);
        assert_eq!(output[0].channel_count as usize, plugin.channels, "{}: channels", plugin.name);
        assert_eq!(c_text(output[0].port_type), layout, "{}", plugin.name);
        assert_eq!(instance.note_ports(true).map(|p| p.len()), (!effect).then_some(1), "{}", plugin.name);

        // Its parameters in plain units with their plugins.toml defaults, then
        // Bypass, and the meters only with `meter_params`.
        let engine_params: &[u32] = if plugin.editor.meter_params {
            &[BYPASS_PARAM_ID, UNDERRUNS_PARAM_ID, FILL_PARAM_ID]
        } else {
            &[BYPASS_PARAM_ID]
        };
        let infos = instance.param_infos();
        assert_eq!(infos.len(), plugin.params.len() + engine_params.len(), "{}", plugin.name);
        for (info, param) in infos.iter().zip(&plugin.params) {
            assert_eq!((info.id, c_field(&info.name)), (param.id, param.title.clone()), "{}", plugin.name);
            assert_eq!((info.min_value, info.max_value), (param.min, param.max), "{}: {}", plugin.name, param.title);
            let default = instance.value(param.id).unwrap();
            assert!(
                (default - param.default).abs() <= 1e-9 * (param.max - param.min),
                "{}: {}",
                plugin.name,
                param.title
            );
        }
        let engine_ids: Vec<u32> = infos[plugin.params.len()..].iter().map(|i| i.id).collect();
        assert_eq!(engine_ids, engine_params, "{}", plugin.name);
        drop(instance);

        for rate in [44_100.0, 48_000.0, 96_000.0, 192_000.0] {
            let instance = module.create();
            let latency = instance.start(rate, 4096) as usize;
            assert_eq!(latency, latency_samples(plugin, rate), "{} at {rate} Hz", plugin.name);
            instance.stop();
        }
        println!(
            "ok: {} as CLAP, {} ch, latency {} at 48 kHz",
            plugin.name,
            plugin.channels,
            latency_samples(plugin, RATE)
        );
    }
}

/// [`assert_delayed`] for `plugin`'s kind: within the convolver's tolerance
/// for a convolver (see `e2e::convolver`), bit for bit for the others.
fn assert_delayed_as(plugin: &Plugin, got: &[Vec<f32>], want: &[Vec<f32>], latency: usize, what: &str) {
    match plugin.dsp {
        generator::config::Dsp::Convolver => e2e::assert_sounds_like(plugin, got, &e2e::delayed(want, latency), what),
        _ => assert_delayed(got, want, latency, what),
    }
}

/// Bypass switched on by an event at frame k: the DSP's sound (delayed by L)
/// up to k + L, then, after the bypass crossfade, the input delayed by L;
/// and the very samples the VST3 build plays for the same event.
fn bypass_at_k_lands_at_k_plus_latency(
    shipped: &Shipped,
    plugin: &Plugin,
    module: &ClapModule,
    input: &[Vec<f32>],
    want: &[Vec<f32>],
) {
    let frames = input[0].len();
    let (k, latency) = (RATE as usize / 2 + 7, latency_samples(plugin, RATE));
    let crossfade = RATE as usize / 50; // 20 ms: the engine's crossfade is shorter
    let instance = module.create();
    instance.set_offline(true);
    instance.start(RATE, 4096);
    let bypass = [(k, HostEvent::Param { time: 0, id: BYPASS_PARAM_ID, value: 1.0 })];
    let got = play(&instance, input, plugin.channels, &block_sizes(frames, 53, 4096), &bypass);
    instance.stop();
    let what = format!("{}: bypass at frame {k}", plugin.name);
    let processed = e2e::delayed(want, latency);
    let passed = e2e::delayed(input, latency);
    let head = |signal: &[Vec<f32>]| -> Vec<Vec<f32>> { signal.iter().map(|c| c[..k + latency].to_vec()).collect() };
    let before_k = format!("{what}: the processed sound before k + L");
    e2e::assert_sounds_like(plugin, &head(&got), &head(&processed), &before_k);
    for ch in 0..plugin.channels {
        let same = |t: usize, as_: &[Vec<f32>]| got[ch][t].to_bits() == as_[ch][t].to_bits();
        let after = (k + latency + crossfade..frames).find(|&t| !same(t, &passed));
        assert_eq!(after, None, "{what}: channel {ch} differs from the input after the crossfade");
    }
    let vst3 = Module::load(&library(&shipped.bundles, plugin));
    let (_, vst3_out) = e2e::session::play(&vst3, plugin, e2e::host::OFFLINE, input, &[], frames, Some(k));
    e2e::assert_sounds_like(plugin, &got, &vst3_out, &format!("{what}, CLAP and VST3"));
}

#[test]
fn every_layout_of_every_generated_clap_plugin_is_selectable_and_sounds_like_its_dsp() {
    use clap_sys::ext::audio_ports_config::{CLAP_EXT_AUDIO_PORTS_CONFIG, clap_plugin_audio_ports_config};
    let shipped = shipped();
    let frames = RATE as usize / 2;
    for plugin in shipped.plugins.iter().filter(|p| p.layouts.len() > 1) {
        let module = load(shipped, plugin);
        let latency = latency_samples(plugin, RATE);
        for (id, &channels) in plugin.layouts.iter().enumerate() {
            let instance = module.create();
            let configs = instance
                .extension::<clap_plugin_audio_ports_config>(CLAP_EXT_AUDIO_PORTS_CONFIG)
                .expect("clap.audio-ports-config");
            // SAFETY: the plugin's own functions, on the main thread, deactivated.
            unsafe {
                assert_eq!((configs.count.unwrap())(instance.plugin) as usize, plugin.layouts.len());
                assert!((configs.select.unwrap())(instance.plugin, id as u32), "{}: {channels} ch", plugin.name);
            }
            assert_eq!(instance.audio_ports(false)[0].channel_count as usize, channels, "{}", plugin.name);
            let input = noise(channels, frames, 29);
            let notes = if plugin.kind == Kind::Instrument { test_notes(RATE) } else { Vec::new() };
            let want = reference(plugin, RATE, &input, &notes, frames);
            let host_input = if plugin.kind == Kind::Effect { input.clone() } else { Vec::new() };
            assert_eq!(instance.start(RATE, 4096) as usize, latency);
            let got = play(&instance, &host_input, channels, &block_sizes(frames, 53, 4096), &note_events(plugin));
            assert_delayed_as(plugin, &got, &want, latency, &format!("{} as CLAP in {channels} channels", plugin.name));
            instance.stop();
            println!("ok: {} as CLAP in {channels} channels equals its DSP", plugin.name);
        }
    }
}

#[test]
fn every_generated_clap_plugin_sounds_like_its_dsp_delayed_by_its_latency() {
    let shipped = shipped();
    let frames = 3 * RATE as usize / 2;
    for plugin in &shipped.plugins {
        let module = load(shipped, plugin);
        let input = noise(plugin.channels, frames, 5);
        let notes = if plugin.kind == Kind::Instrument { test_notes(RATE) } else { Vec::new() };
        let want = reference(plugin, RATE, &input, &notes, frames);
        assert!(want.iter().flatten().any(|s| *s != 0.0), "{}: the reference is not silence", plugin.name);
        let latency = latency_samples(plugin, RATE);
        let host_input = if plugin.kind == Kind::Effect { input.clone() } else { Vec::new() };
        for offline in [false, true] {
            let instance = module.create();
            instance.set_offline(offline);
            assert_eq!(instance.start(RATE, 4096) as usize, latency);
            let sizes = block_sizes(frames, 41 + u64::from(offline), 4096);
            let got = play(&instance, &host_input, plugin.channels, &sizes, &note_events(plugin));
            let what = if offline { "offline" } else { "real time, called faster than real time" };
            assert_delayed_as(plugin, &got, &want, latency, &format!("{} {what}", plugin.name));
            instance.stop();
        }
        if plugin.kind == Kind::Effect {
            let instance = module.create();
            instance.set_offline(true);
            instance.start(RATE, 4096);
            let bypass = [(0, HostEvent::Param { time: 0, id: BYPASS_PARAM_ID, value: 1.0 })];
            let got = play(&instance, &input, plugin.channels, &block_sizes(frames, 43, 4096), &bypass);
            assert_delayed(&got, &input, latency, &format!("{} bypassed", plugin.name));
            instance.stop();
            bypass_at_k_lands_at_k_plus_latency(shipped, plugin, &module, &input, &want);
        }
        if let Some(param) = plugin.params.first().filter(|_| plugin.dsp != generator::config::Dsp::Custom) {
            // A parameter set by the host at frame 0, in plain units, sounds as
            // the plugin's DSP run with that value.
            let plain = param.min + 0.3 * (param.max - param.min);
            let normalized = (plain - param.min) / (param.max - param.min);
            let want = reference_with(plugin, RATE, &input, &notes, frames, &[(param.id, normalized)]);
            let instance = module.create();
            instance.set_offline(true);
            instance.start(RATE, 4096);
            let mut events = note_events(plugin);
            events.insert(0, (0, HostEvent::Param { time: 0, id: param.id, value: plain }));
            let got = play(&instance, &host_input, plugin.channels, &block_sizes(frames, 47, 4096), &events);
            assert_delayed_as(
                plugin,
                &got,
                &want,
                latency,
                &format!("{} with {} at {plain}", plugin.name, param.title),
            );
            instance.stop();
        }
        println!("ok: {} as CLAP equals its DSP delayed by {latency} frames, real time and offline", plugin.name);
    }
}

#[test]
fn every_generated_plugin_saves_the_same_state_and_reports_the_same_tail_as_clap_and_as_vst3() {
    use vst3::Steinberg::Vst::{IAudioProcessorTrait, IComponentTrait, IEditControllerTrait};
    use vst3::Steinberg::{IBStream, kResultOk};
    let shipped = shipped();
    for plugin in &shipped.plugins {
        let clap_module = load(shipped, plugin);
        let clap = clap_module.create();
        // Every parameter of its own away from its default: a continuous one at
        // 0.3 of its range, a stepped one at its last step; and bypass on.
        let normalized = |p: &generator::config::Param| if p.steps == 0 { 0.3 } else { 1.0 };
        let mut events: Vec<HostEvent> = plugin
            .params
            .iter()
            .map(|p| HostEvent::Param { time: 0, id: p.id, value: p.min + normalized(p) * (p.max - p.min) })
            .collect();
        events.push(HostEvent::Param { time: 0, id: BYPASS_PARAM_ID, value: 1.0 });
        clap.flush(&events);
        let saved = clap.save(7).expect("saved");
        let module = Module::load(&library(&shipped.bundles, plugin));
        let vst3 = module.create();
        // SAFETY: live interfaces; streams alive across the calls.
        unsafe {
            let stream = e2e::host::MemoryStream::new(saved.clone());
            assert_eq!(vst3.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
            for param in &plugin.params {
                let want = normalized(param);
                let normalized = vst3.controller.getParamNormalized(param.id);
                assert!(
                    (normalized - want).abs() < 1e-12,
                    "{}: {} reads {normalized} in VST3",
                    plugin.name,
                    param.title
                );
            }
            assert_eq!(vst3.controller.getParamNormalized(BYPASS_PARAM_ID), 1.0);
            let written = e2e::host::MemoryStream::new(Vec::new());
            assert_eq!(vst3.component.getState(written.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
            assert_eq!(written.bytes(), saved, "{}: VST3 saves the bytes CLAP saved", plugin.name);
            assert_eq!(clap.tail(), vst3.processor.getTailSamples(), "{}: one tail in both formats", plugin.name);
            // Active at 48 kHz with those values: the tail follows them, and
            // the latency, the same in both formats.
            clap.start(RATE, 512);
            let latency = e2e::session::start(&vst3, RATE) as u32;
            let tail = vst3.processor.getTailSamples();
            assert!(tail >= latency, "{}: tail {tail} covers L = {latency}", plugin.name);
            assert_eq!(clap.tail(), tail, "{}: one tail in both formats, active", plugin.name);
            clap.stop();
            e2e::session::stop(&vst3);
        }
        let again = clap_module.create();
        assert!(again.load(&saved, 5));
        assert_eq!(again.save(usize::MAX), Some(saved), "{}: a CLAP round trip", plugin.name);
        println!("ok: {}: one state for CLAP and VST3", plugin.name);
    }
}

/// How a CLAP host hands over its transport.
#[derive(Debug, Clone, Copy)]
enum Carried {
    /// `clap_process.transport`, every call.
    InProcess,
    /// A `CLAP_EVENT_TRANSPORT` at the block's first frame, every call (and a
    /// null `clap_process.transport`).
    AsEvent,
    /// Blocks not cut where the timeline changes: `clap_process.transport`
    /// for the first frame and a `CLAP_EVENT_TRANSPORT` at each change
    /// inside the block.
    InsideBlocks,
}

/// Plays `input` through a started instance in blocks of `sizes` cut where
/// `timeline`'s sections start, every call carrying the transport of its
/// first frame as `carried` says.
fn play_on_clap_timeline(
    instance: &Instance<'_>,
    input: &[Vec<f32>],
    sizes: &[usize],
    timeline: &Timeline,
    carried: Carried,
) -> Vec<Vec<f32>> {
    let frames: usize = sizes.iter().sum();
    let mut output = vec![vec![0.0_f32; frames]; input.len()];
    let mut start = 0;
    let sizes = match carried {
        Carried::InsideBlocks => sizes.to_vec(),
        Carried::InProcess | Carried::AsEvent => timeline.cut(sizes),
    };
    for n in sizes {
        let transport = timeline.clap(start);
        let events = match carried {
            Carried::InProcess => {
                instance.set_transport(Some(transport));
                Vec::new()
            }
            Carried::AsEvent => vec![HostEvent::Transport { time: 0, transport }],
            Carried::InsideBlocks => {
                instance.set_transport(Some(transport));
                let inside = timeline.changes().into_iter().filter(|&c| c > start && c < start + n);
                inside.map(|c| HostEvent::Transport { time: (c - start) as u32, transport: timeline.clap(c) }).collect()
            }
        };
        let status = instance.process(Buffers::F32 { input, output: &mut output }, start, n, &events, None);
        assert_eq!(status, e2e::clap_host::processed(!input.is_empty()), "process at frame {start}");
        start += n;
    }
    output
}

#[test]
fn a_synced_clap_plugin_follows_a_tempo_change_and_a_jump_at_their_frames_plus_its_latency_as_vst3_does() {
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
        let (period, depth) = (plugin.sync.unwrap().quarter_notes(), e2e::default_value(plugin, 0));
        // A constant signal: the output is the tremolo's gain envelope.
        let input = vec![vec![1.0_f32; FRAMES]; plugin.channels];
        let want = reference_on_timeline(plugin, &input, FRAMES, &timeline);
        let envelope = |timeline: &Timeline| {
            let timeline = timeline.clone();
            move |t: usize| if t < latency { 0.0 } else { tremolo_gain(timeline.beats(t - latency) / period, depth) }
        };
        let (_, vst3) = play_on_timeline(
            &Module::load(&library(&shipped.bundles, plugin)),
            plugin,
            REALTIME,
            &input,
            FRAMES,
            &timeline,
        );
        let runs = [
            (false, Carried::InProcess),
            (true, Carried::InProcess),
            (false, Carried::AsEvent),
            (false, Carried::InsideBlocks),
            (true, Carried::InsideBlocks),
        ];
        for (seed, (offline, carried)) in runs.into_iter().enumerate() {
            let what = format!("{} as CLAP, offline {offline}, transport {carried:?}", plugin.name);
            let instance = module.create();
            instance.set_offline(offline);
            assert_eq!(instance.start(RATE, 4096) as usize, latency, "{what}");
            let got = play_on_clap_timeline(
                &instance,
                &input,
                &block_sizes(FRAMES, 61 + seed as u64, 4096),
                &timeline,
                carried,
            );
            instance.stop();
            // Buffered, exactly the DSP run unbuffered delayed by L, and the
            // VST3 build's output for the same reports.
            assert_delayed(&got, &want, latency, &what);
            assert_same(&got, &vst3, &format!("{what}, CLAP and VST3"));
            let got = &got[0];
            assert_eq!(first_departure(got, 0, envelope(&timeline), 1e-6), None, "{what}: the host's timeline");
            assert_eq!(first_departure(got, 0, envelope(&without_jump), 1e-3), Some(JUMP + latency), "{what}");
            let slower = first_departure(got, 0, envelope(&without_tempo_change), 1e-6);
            assert_eq!(slower, Some(TEMPO + latency + 1), "{what}");
        }
        println!(
            "ok: {} as CLAP: a jump at frame {JUMP} and a tempo change at frame {TEMPO} act at output frames {} and {} \
             (latency {latency}), in clap_process.transport, as an event at a block's start or inside a block, real \
             time and offline, bit for bit the DSP unbuffered and the VST3 build",
            plugin.name,
            JUMP + latency,
            TEMPO + latency + 1
        );
    }
}

#[test]
fn a_clap_host_named_ardour_gets_its_positions_moved_forward_by_the_latency_and_other_hosts_do_not() {
    // Ardour reports the position of a plugin's output in every format it
    // hosts (see the VST3 test of the same name); the CLAP glue reads the
    // host's name from `clap_host.name` in `init`. Fed 1.0 on the timeline's
    // first section (120 BPM from beat 0), the output is the tremolo's gain:
    // its phase says which position the DSP saw for each frame.
    let shipped = shipped();
    let timeline = host_timeline();
    let frames = JUMP;
    for plugin in shipped.plugins.iter().filter(|p| p.sync.is_some()) {
        let module = load(shipped, plugin);
        let latency = latency_samples(plugin, RATE);
        let (period, depth) = (plugin.sync.unwrap().quarter_notes(), e2e::default_value(plugin, 0));
        let input = vec![vec![1.0_f32; frames]; plugin.channels];
        for (host, moved) in [("Ardour", latency), ("Mixbus32C", latency), ("Rust test host", 0), ("", 0)] {
            let instance = module.create_in(host);
            assert_eq!(instance.start(RATE, 4096) as usize, latency);
            let sizes: Vec<usize> = (0..frames).step_by(512).map(|at| 512.min(frames - at)).collect();
            let got = play_on_clap_timeline(&instance, &input, &sizes, &timeline, Carried::InProcess);
            instance.stop();
            let beats_per_frame = 120.0 / (60.0 * RATE);
            let shifts: Vec<usize> = (0..=2 * latency)
                .filter(|&s| {
                    let gain = |t: usize| tremolo_gain((t + s - latency) as f64 * beats_per_frame / period, depth);
                    first_departure(&got[0], latency, gain, 1e-6).is_none()
                })
                .collect();
            assert_eq!(shifts, [moved], "{} as CLAP in a host named {host:?}", plugin.name);
            println!("ok: {} as CLAP in a host named {host:?}: positions moved forward by {moved} frames", plugin.name);
        }
    }
}
