//! Bus layouts a host negotiates, through the built plugin's C ABI: the
//! example gain supports stereo (preferred) and mono. A VST3 host picks one
//! with `setBusArrangements` while the plugin is inactive, a CLAP host selects
//! one of its `clap.audio-ports-config` configurations while it is
//! deactivated; the plugin reports it back, is prepared for it at activation
//! and plays it sample for sample; a layout it does not support is refused
//! and the one in force stays.

mod clap_host;
mod host;
mod support;

use std::ffi::CStr;

use clap_host::{ClapModule, HostEvent};
use clap_sys::ext::audio_ports_config::{
    CLAP_EXT_AUDIO_PORTS_CONFIG, clap_audio_ports_config, clap_plugin_audio_ports_config,
};
use example_plugin::{BUFFERED, GAIN};
use host::{Buffers, Extras, Instance, Module, OFFLINE, ParamChanges, REALTIME, block_sizes, noise};
use support::{bundles, clap_file, library};
use vst3::Steinberg::Vst::{
    BusDirections_, BusInfo, IAudioProcessorTrait, IComponentTrait, MediaTypes_, ProcessSetup, SpeakerArr,
    SpeakerArrangement, SymbolicSampleSizes_,
};
use vst3::Steinberg::{IPluginBaseTrait, kResultFalse, kResultOk, kResultTrue, tresult};

const RATE: f64 = 48_000.0;

/// Offers `arrangement` for the input and output buses (`output` differs for
/// a mismatched offer).
fn offer(instance: &Instance, input: SpeakerArrangement, output: SpeakerArrangement) -> tresult {
    let (mut input, mut output) = (input, output);
    // SAFETY: a live interface; one arrangement per bus, as the counts say.
    unsafe { instance.processor.setBusArrangements(&mut input, 1, &mut output, 1) }
}

/// The layout in force, as a host reads it back: the output and input
/// arrangements and the buses' channel counts.
fn in_force(instance: &Instance) -> (SpeakerArrangement, SpeakerArrangement, i32, i32) {
    let (audio, input, output) =
        (MediaTypes_::kAudio as i32, BusDirections_::kInput as i32, BusDirections_::kOutput as i32);
    let (mut arr_in, mut arr_out) = (0, 0);
    // SAFETY: live interfaces; zeroed BusInfos are valid out-structs.
    unsafe {
        let (mut bus_in, mut bus_out): (BusInfo, BusInfo) = (std::mem::zeroed(), std::mem::zeroed());
        assert_eq!(instance.processor.getBusArrangement(output, 0, &mut arr_out), kResultOk);
        assert_eq!(instance.processor.getBusArrangement(input, 0, &mut arr_in), kResultOk);
        assert_eq!(instance.component.getBusInfo(audio, input, 0, &mut bus_in), kResultOk);
        assert_eq!(instance.component.getBusInfo(audio, output, 0, &mut bus_out), kResultOk);
        (arr_out, arr_in, bus_out.channelCount, bus_in.channelCount)
    }
}

/// setupProcessing, setActive(true), setProcessing(true); the latency.
fn activate(instance: &Instance) -> usize {
    let mut setup = ProcessSetup {
        processMode: REALTIME as i32,
        symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
        maxSamplesPerBlock: 1024,
        sampleRate: RATE,
    };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
        instance.processor.getLatencySamples() as usize
    }
}

fn deactivate(instance: &Instance) {
    // SAFETY: live interfaces.
    unsafe {
        assert_eq!(instance.processor.setProcessing(0), kResultOk);
        assert_eq!(instance.component.setActive(0), kResultOk);
    }
}

/// Plays `input` (any number of channels) with the gain at -6 dB from frame 0.
fn play(instance: &Instance, mode: u32, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let frames = input[0].len();
    let mut output = vec![vec![0.0_f32; frames]; input.len()];
    let minus_six = ParamChanges::with(&[(GAIN, 0, 0.375)]);
    let mut at = 0;
    for (i, n) in block_sizes(frames, 7 + input.len() as u64, 1024).into_iter().enumerate() {
        let extras = Extras { changes: (i == 0).then_some(&minus_six), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{} channels", input.len());
        at += n;
    }
    output
}

#[test]
fn mono_and_stereo_are_negotiated_and_each_plays_sample_for_sample() {
    let module = Module::load(&library(&bundles().0, &BUFFERED));
    let instance = module.create();
    let (mono, stereo) = (SpeakerArr::kMono, SpeakerArr::kStereo);
    assert_eq!(in_force(&instance), (stereo, stereo, 2, 2), "stereo first: the preferred layout");

    // Mono is offered and taken.
    assert_eq!(offer(&instance, mono, mono), kResultTrue);
    assert_eq!(in_force(&instance), (mono, mono, 1, 1));
    // Layouts it does not support, or mono in and stereo out, are refused:
    // mono stays in force.
    for (input, output) in [(SpeakerArr::k51, SpeakerArr::k51), (SpeakerArr::k40Music, SpeakerArr::k40Music)] {
        assert_eq!(offer(&instance, input, output), kResultFalse);
    }
    assert_eq!(offer(&instance, mono, stereo), kResultFalse);
    assert_eq!(in_force(&instance), (mono, mono, 1, 1), "a refused offer leaves the layout in force");

    // Each layout plays exactly: the input at -6 dB, delayed by the latency.
    // The same instance goes mono, stereo and mono again.
    let factor = 10_f64.powf(-6.0 / 20.0) as f32;
    for (arrangement, channels) in [(mono, 1), (stereo, 2), (mono, 1)] {
        assert_eq!(offer(&instance, arrangement, arrangement), kResultTrue);
        let latency = activate(&instance);
        assert_eq!(latency, 2400);
        // While active the layout cannot change.
        let other = if channels == 1 { stereo } else { mono };
        assert_eq!(offer(&instance, other, other), kResultFalse, "refused while active");
        assert_eq!(in_force(&instance).2, channels);
        for mode in [REALTIME, OFFLINE] {
            let input: Vec<Vec<f32>> = noise(24_000, 3).into_iter().take(channels as usize).collect();
            let output = play(&instance, mode, &input);
            assert_eq!(output.len(), channels as usize);
            for (ch, (got, dry)) in output.iter().zip(&input).enumerate() {
                // The first call after activation restarts from silence; the
                // clock goes on across the two modes' runs.
                let start = if mode == REALTIME { 0 } else { latency };
                for t in start..got.len() {
                    let want = if t < latency { 0.0 } else { dry[t - latency] * factor };
                    assert_eq!(got[t].to_bits(), want.to_bits(), "{channels} ch, mode {mode}, channel {ch}, frame {t}");
                }
            }
        }
        deactivate(&instance);
    }
    // SAFETY: a live component.
    assert_eq!(unsafe { instance.component.terminate() }, kResultOk);
}

#[test]
fn clap_hosts_select_mono_or_stereo_and_each_plays_sample_for_sample() {
    let _ = bundles();
    let module = ClapModule::load(&clap_file(&BUFFERED));
    let instance = module.create();
    let configs = instance
        .extension::<clap_plugin_audio_ports_config>(CLAP_EXT_AUDIO_PORTS_CONFIG)
        .expect("clap.audio-ports-config");
    let main_channels = |instance: &clap_host::Instance<'_>| {
        let (ins, outs) = (instance.audio_ports(true), instance.audio_ports(false));
        (ins[0].channel_count, outs[0].channel_count)
    };
    // SAFETY: the plugin's own functions; a zeroed config is a valid out-struct.
    let listed: Vec<(u32, String, u32, u32)> = unsafe {
        (0..(configs.count.unwrap())(instance.plugin))
            .map(|index| {
                let mut config: clap_audio_ports_config = std::mem::zeroed();
                assert!((configs.get.unwrap())(instance.plugin, index, &mut config));
                let name = CStr::from_ptr(config.name.as_ptr()).to_string_lossy().into_owned();
                (config.id, name, config.main_input_channel_count, config.main_output_channel_count)
            })
            .collect()
    };
    assert_eq!(listed, [(0, "Stereo".to_string(), 2, 2), (1, "Mono".to_string(), 1, 1)], "preferred first");
    assert_eq!(main_channels(&instance), (2, 2));
    // SAFETY: the plugin's own function, on the main thread, deactivated.
    let select = |id: u32| unsafe { (configs.select.unwrap())(instance.plugin, id) };
    assert!(select(1), "mono");
    assert_eq!(main_channels(&instance), (1, 1));
    assert!(!select(2), "no third configuration");
    assert_eq!(main_channels(&instance), (1, 1), "a refused selection leaves the one in force");

    let factor = 10_f64.powf(-6.0 / 20.0) as f32;
    for (id, channels) in [(1, 1), (0, 2), (1, 1)] {
        assert!(select(id));
        let latency = instance.start(RATE, 1024) as usize;
        assert_eq!(latency, 2400);
        assert!(!select(1 - id), "refused while active");
        assert_eq!(main_channels(&instance), (channels as u32, channels as u32));
        let input: Vec<Vec<f32>> = noise(24_000, 5).into_iter().take(channels).collect();
        let minus_six = [(0, HostEvent::Param { time: 0, id: GAIN, value: -6.0 })];
        let output = clap_host::play(&instance, &input, channels, &block_sizes(24_000, 9, 1024), &minus_six);
        let want: Vec<Vec<f32>> = input.iter().map(|c| c.iter().map(|s| s * factor).collect()).collect();
        clap_host::assert_delayed(&output, &want, latency, &format!("CLAP, {channels} channels"));
        instance.stop();
    }
}
