//! A strict CLAP host in Rust: loads the built plugin's `.clap` through its C
//! ABI (`clap_entry`, with `clap-sys` types) and drives it like a DAW, held to
//! the same contract as the VST3 host (`rust_host.rs`): the latency, the
//! exact delay, events at k + L, the state (the same bytes as VST3's).

mod clap_host;
mod host;
mod support;

use clap_host::{Buffers, ClapModule, HostEvent, assert_delayed, c_field, c_text, features, play};
use clap_sys::ext::audio_ports::CLAP_AUDIO_PORT_IS_MAIN;
use clap_sys::ext::note_ports::CLAP_NOTE_DIALECT_CLAP;
use clap_sys::ext::params::{
    CLAP_PARAM_IS_AUTOMATABLE, CLAP_PARAM_IS_BYPASS, CLAP_PARAM_IS_READONLY, CLAP_PARAM_IS_STEPPED,
};
use clap_sys::process::{CLAP_PROCESS_ERROR, CLAP_PROCESS_TAIL, clap_process};
use example_plugin::{BUFFERED, GAIN, NOTE_PROBE, UNBUFFERED};
use host::{block_sizes, noise};
use runtime::plugin::{BYPASS_PARAM_ID, FILL_PARAM_ID, UNDERRUNS_PARAM_ID};
use support::{bundles, clap_file};

/// Tests run one at a time: the pool's threads are shared by the process.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn buffered() -> ClapModule {
    let _ = bundles();
    ClapModule::load(&clap_file(&BUFFERED))
}

fn unbuffered() -> ClapModule {
    let _ = bundles();
    ClapModule::load(&clap_file(&UNBUFFERED))
}

/// Block sizes 0..=8192 covering `total` frames.
fn blocks(total: usize, seed: u64) -> Vec<usize> {
    block_sizes(total, seed, 8192)
}

#[test]
fn entry_factory_and_descriptor_describe_the_plugin() {
    let _serial = serial();
    let module = buffered();
    assert_eq!(module.plugin_count(), 1);
    let descriptor = module.descriptor(0).expect("descriptor 0");
    assert_eq!(c_text(descriptor.id), runtime::clap::plugin_id(&BUFFERED));
    assert_eq!(c_text(descriptor.id), "writeahead.57a14e5d0c1e4a1b9e1a000000000001");
    assert_eq!(c_text(descriptor.name), "Example Gain");
    assert_eq!(c_text(descriptor.vendor), BUFFERED.vendor);
    assert_eq!(c_text(descriptor.url), BUFFERED.url);
    assert_eq!(c_text(descriptor.version), "0.1.0");
    assert_eq!(features(descriptor), ["audio-effect", "stereo"]);
    assert!(module.descriptor(1).is_none(), "one plugin only");
    assert!(module.try_create(c"writeahead.00000000000000000000000000000000").is_none(), "a wrong id is refused");
    assert!(module.factory_for(c"clap.preset-discovery-factory/2").is_null(), "no other factory");
    let instance = module.create();
    assert!(instance.extension::<u8>(c"clap.gui").is_some(), "the generic editor is offered");
    assert!(instance.note_ports(true).is_none(), "an effect has no note ports");
}

#[test]
fn ports_and_parameters_as_a_host_lists_them() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    for is_input in [true, false] {
        let ports = instance.audio_ports(is_input);
        assert_eq!(ports.len(), 1, "one main port each way");
        assert_eq!(ports[0].channel_count, 2);
        assert_ne!(ports[0].flags & CLAP_AUDIO_PORT_IS_MAIN, 0);
        assert_eq!(c_text(ports[0].port_type), "stereo");
        assert_eq!(ports[0].in_place_pair, 0, "input and output may share memory");
    }
    let infos = instance.param_infos();
    let ids: Vec<u32> = infos.iter().map(|i| i.id).collect();
    assert_eq!(ids, [GAIN, BYPASS_PARAM_ID, UNDERRUNS_PARAM_ID, FILL_PARAM_ID]);
    let names: Vec<String> = infos.iter().map(|i| c_field(&i.name)).collect();
    assert_eq!(names, ["Gain", "Bypass", "Underruns", "Buffer fill"]);
    let ranges: Vec<(f64, f64, f64)> = infos.iter().map(|i| (i.min_value, i.max_value, i.default_value)).collect();
    assert_eq!(ranges, [(-24.0, 24.0, 0.0), (0.0, 1.0, 0.0), (0.0, 1e6, 0.0), (0.0, 100.0, 0.0)]);
    assert_eq!(infos[0].flags, CLAP_PARAM_IS_AUTOMATABLE);
    assert_eq!(infos[1].flags, CLAP_PARAM_IS_AUTOMATABLE | CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_BYPASS);
    assert_eq!(infos[2].flags, CLAP_PARAM_IS_READONLY | CLAP_PARAM_IS_STEPPED);
    assert_eq!(infos[3].flags, CLAP_PARAM_IS_READONLY);
    assert_eq!(instance.value(GAIN), Some(0.0));
    assert_eq!(instance.value(12345), None, "an unknown id");
    // Text both ways, in plain values: -6 dB.
    assert_eq!(instance.value_to_text(GAIN, -6.0).as_deref(), Some("-6.00 dB"));
    assert_eq!(instance.text_to_value(GAIN, "-6.00 dB"), Some(-6.0));
    assert_eq!(instance.text_to_value(GAIN, "loud"), None);
    assert_eq!(instance.value_to_text(BYPASS_PARAM_ID, 1.0).as_deref(), Some("On"));
    assert_eq!(instance.text_to_value(BYPASS_PARAM_ID, "off"), Some(0.0));
    assert_eq!(instance.value_to_text(UNDERRUNS_PARAM_ID, 140_416.0).as_deref(), Some("140416 frames"));
    assert_eq!(instance.value_to_text(FILL_PARAM_ID, 8.4).as_deref(), Some("8.4 %"));
}

#[test]
fn latency_is_exact_after_activation_at_every_rate() {
    let _serial = serial();
    let (b, u) = (buffered(), unbuffered());
    for rate in [44_100.0, 48_000.0, 88_200.0, 96_000.0, 176_400.0, 192_000.0] {
        let instance = b.create();
        let latency = instance.start(rate, 512);
        assert_eq!(latency, (0.05 * rate).round() as u32, "{rate} Hz");
        assert!(instance.requests().latency_changed.is_empty(), "the first activation changes nothing");
        assert_eq!(instance.tail(), latency, "{rate} Hz: the tail is L (the gain has none of its own)");
        instance.stop();
        let instance = u.create();
        assert_eq!(instance.start(rate, 512), 0, "unbuffered at {rate} Hz");
        assert_eq!(instance.tail(), 0, "{rate} Hz: no tail unbuffered");
        instance.stop();
    }
}

#[test]
fn impulse_lands_at_its_index_plus_latency_and_buffered_equals_unbuffered() {
    let _serial = serial();
    let (b_module, u_module) = (buffered(), unbuffered());
    for rate in [44_100.0, 48_000.0, 96_000.0] {
        let frames = rate as usize;
        let (b, u) = (b_module.create(), u_module.create());
        // A smaller announced maximum than some blocks: the plugin must split.
        let latency = b.start(rate, 4096) as usize;
        u.start(rate, 8192);
        let mut impulse = vec![vec![0.0_f32; frames]; 2];
        impulse[0][1234] = 1.0;
        impulse[1][1234] = 0.5;
        let output = play(&b, &impulse, 2, &blocks(frames, 3), &[]);
        assert_delayed(&output, &impulse, latency, &format!("impulse at {rate} Hz"));
        b.stop();

        let input = noise(frames, 5);
        let reference = play(&u, &input, 2, &blocks(frames, 11), &[]);
        for offline in [false, true] {
            let b = b_module.create();
            b.set_offline(offline);
            b.start(rate, 4096);
            let output = play(&b, &input, 2, &blocks(frames, 13 + u64::from(offline)), &[]);
            let what = if offline { "offline" } else { "real time, unpaced" };
            assert_delayed(&output, &reference, latency, &format!("buffered vs unbuffered at {rate} Hz, {what}"));
            b.stop();
        }
        u.stop();
    }
}

#[test]
fn sixty_four_bit_processing_equals_thirty_two_bit() {
    let _serial = serial();
    let module = buffered();
    let (single, double) = (module.create(), module.create());
    single.start(48_000.0, 1024);
    double.start(48_000.0, 1024);
    let input = noise(48_000, 17);
    let sizes = blocks(48_000, 19);
    let expected = play(&single, &input, 2, &sizes, &[]);
    let wide: Vec<Vec<f64>> = input.iter().map(|c| c.iter().map(|s| f64::from(*s)).collect()).collect();
    let mut output = vec![vec![0.0_f64; 48_000]; 2];
    let mut start = 0;
    for &n in &sizes {
        let status = double.process(Buffers::F64 { input: &wide, output: &mut output }, start, n, &[], None);
        assert_eq!(status, CLAP_PROCESS_TAIL);
        start += n;
    }
    for (got, want) in output.iter().zip(&expected) {
        for (t, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(*g, f64::from(*w), "frame {t}");
        }
    }
}

/// The example gain's factor for a plain value in dB, as its DSP computes it.
fn factor(db: f64) -> f32 {
    10_f64.powf(db / 20.0) as f32
}

#[test]
fn parameter_changes_land_at_their_sample_plus_latency_and_flushes_keep_time() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    // Set while inactive, through a flush on the main thread: heard from the start.
    instance.flush(&[HostEvent::Param { time: 0, id: GAIN, value: -6.0 }]);
    assert_eq!(instance.value(GAIN), Some(-6.0));
    let latency = instance.start(48_000.0, 512) as usize;
    let (frames, k, flush_at) = (24_000, 5000, 9000);
    let input = noise(frames, 23);
    // -12 dB from input frame k (inside a block), 0 dB from `flush_at` on
    // through an active flush between two blocks: time does not advance.
    let change = [(k, HostEvent::Param { time: 0, id: GAIN, value: -12.0 })];
    let mut output = play(&instance, &input, 2, &blocks(flush_at, 29), &change);
    instance.flush(&[HostEvent::Param { time: 0, id: GAIN, value: 0.0 }]);
    let rest: Vec<Vec<f32>> = input.iter().map(|c| c[flush_at..].to_vec()).collect();
    let tail = play(&instance, &rest, 2, &blocks(frames - flush_at, 31), &[]);
    for (out, more) in output.iter_mut().zip(tail) {
        out.extend(more);
    }
    let gains = |t: usize| {
        if t < k {
            factor(-6.0)
        } else if t < flush_at {
            factor(-12.0)
        } else {
            1.0
        }
    };
    let want: Vec<Vec<f32>> = input.iter().map(|c| c.iter().enumerate().map(|(t, x)| x * gains(t)).collect()).collect();
    assert_delayed(&output, &want, latency, "gain changes at k + L");
    instance.stop();
}

#[test]
fn state_round_trips_refuses_bad_state_and_is_the_vst3_state() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    instance.flush(&[
        HostEvent::Param { time: 0, id: GAIN, value: -12.0 },
        HostEvent::Param { time: 0, id: BYPASS_PARAM_ID, value: 1.0 },
    ]);
    let saved = instance.save(usize::MAX).expect("saved");
    assert_eq!(instance.save(1), Some(saved.clone()), "the same bytes through a stream taking one byte a call");
    assert_eq!(instance.save(usize::MAX), Some(saved.clone()), "reproducible");

    let other = module.create();
    assert!(other.load(&saved, 3), "loads through a stream giving three bytes a call");
    assert_eq!((other.value(GAIN), other.value(BYPASS_PARAM_ID)), (Some(-12.0), Some(1.0)));
    assert_eq!(other.save(usize::MAX), Some(saved.clone()), "byte-identical round trip");
    assert_eq!(other.requests().param_rescans, 1, "the host is told to read the values again");
    for bad in [saved[..saved.len() - 3].to_vec(), b"something else entirely".to_vec(), Vec::new()] {
        assert!(!other.load(&bad, usize::MAX), "{bad:?} is refused");
        assert_eq!(other.value(GAIN), Some(-12.0), "a refused state changes nothing");
    }

    // The same bytes as the VST3 layer's state, both ways.
    use vst3::Steinberg::Vst::{IComponentTrait, IEditControllerTrait};
    use vst3::Steinberg::{IBStream, IPluginBaseTrait, kResultOk};
    let vst3_module = host::Module::load(&support::library(&bundles().0, &BUFFERED));
    let vst3 = vst3_module.create();
    // SAFETY: live interfaces; streams alive across the calls.
    unsafe {
        let stream = host::MemoryStream::new(saved.clone());
        assert_eq!(vst3.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
        assert_eq!(vst3.controller.getParamNormalized(GAIN), 0.25, "-12 dB of -24..24");
        assert_eq!(vst3.controller.setParamNormalized(GAIN, 0.625), kResultOk);
        let written = host::MemoryStream::new(Vec::new());
        assert_eq!(vst3.component.getState(written.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
        assert!(other.load(&written.bytes(), usize::MAX), "a VST3 state loads in CLAP");
        assert_eq!(other.value(GAIN), Some(6.0));
        assert_eq!(other.save(usize::MAX), Some(written.bytes()), "and saves the same bytes again");
        assert_eq!(vst3.component.terminate(), kResultOk);
    }
}

#[test]
fn bypass_is_the_input_delayed_by_the_latency_and_meters_are_reported() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = instance.start(48_000.0, 1024) as usize;
    let input = noise(24_000, 29);
    let mut output = vec![vec![0.0_f32; 24_000]; 2];
    let reported = clap_host::OutEvents::new();
    let first = [
        HostEvent::Param { time: 0, id: GAIN, value: -6.0 },
        HostEvent::Param { time: 0, id: BYPASS_PARAM_ID, value: 1.0 },
        // A meter is read-only: writing it changes nothing.
        HostEvent::Param { time: 0, id: UNDERRUNS_PARAM_ID, value: 500.0 },
    ];
    let status =
        instance.process(Buffers::F32 { input: &input, output: &mut output }, 0, 1024, &first, Some(&reported));
    assert_eq!(status, CLAP_PROCESS_TAIL);
    let mut start = 1024;
    while start < 24_000 {
        let n = 1024.min(24_000 - start);
        let status = instance.process(Buffers::F32 { input: &input, output: &mut output }, start, n, &[], None);
        assert_eq!(status, CLAP_PROCESS_TAIL);
        start += n;
    }
    assert_delayed(&output, &input, latency, "bypass");
    let fill = reported.last(FILL_PARAM_ID).expect("buffer fill is reported through the output events");
    assert!((0.0..=100.0).contains(&fill), "in percent: {fill}");
    assert_eq!(instance.value(UNDERRUNS_PARAM_ID), Some(0.0), "no underruns");
    let fill_now = instance.value(FILL_PARAM_ID).unwrap();
    assert_eq!(instance.value_to_text(FILL_PARAM_ID, fill_now), Some(format!("{fill_now:.1} %")));
    instance.stop();
}

#[test]
fn a_note_on_at_frame_k_sounds_at_k_plus_latency() {
    let _serial = serial();
    let _ = support::instrument_bundle();
    let module = ClapModule::load(&clap_file(&NOTE_PROBE));
    let descriptor = module.descriptor(0).unwrap();
    assert_eq!(features(descriptor), ["instrument", "synthesizer", "stereo"]);
    let instance = module.create();
    assert!(instance.audio_ports(true).is_empty(), "no audio input");
    assert_eq!(instance.audio_ports(false).len(), 1);
    let notes = instance.note_ports(true).expect("clap.note-ports");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].preferred_dialect, CLAP_NOTE_DIALECT_CLAP);
    assert_eq!(instance.note_ports(false).map(|p| p.len()), Some(0));
    let latency = instance.start(48_000.0, 512) as usize;
    assert_eq!(latency, 2400);
    // A CLAP note at k, its note-off at k2; a MIDI note (velocity 127) at k3.
    let (k, k2, k3) = (5000, 7000, 9001);
    let events = [
        (k, HostEvent::Note { time: 0, on: true, key: 60, velocity: 0.75 }),
        (k2, HostEvent::Note { time: 0, on: false, key: 60, velocity: 0.0 }),
        (k3, HostEvent::Midi { time: 0, data: [0x90, 64, 127] }),
    ];
    let out = play(&instance, &[], 2, &blocks(16_000, 37), &events);
    for channel in &out {
        let level = |t: usize| {
            if t < k {
                0.0
            } else if t < k2 {
                0.75
            } else if t < k3 {
                0.0
            } else {
                1.0
            }
        };
        for (t, sample) in channel.iter().enumerate() {
            let want = if t < latency { 0.0 } else { level(t - latency) };
            assert_eq!(*sample, want, "frame {t}: notes at {k}, {k2}, {k3} sound L = {latency} later");
        }
    }
    instance.stop();
}

#[test]
fn processing_restart_and_reset_leave_no_stale_audio() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = instance.start(48_000.0, 512) as usize;
    let loud = noise(6_000, 37);
    let mut impulse = vec![vec![0.0_f32; 6_000]; 2];
    impulse[0][700] = 1.0;
    impulse[1][700] = 1.0;
    play(&instance, &loud, 2, &[512; 11], &[]);
    instance.stop_processing();
    assert!(instance.start_processing());
    let output = play(&instance, &impulse, 2, &[500; 12], &[]);
    assert_delayed(&output, &impulse, latency, "after stop/start processing");
    play(&instance, &loud, 2, &[512; 11], &[]);
    instance.stop_processing();
    instance.reset();
    assert!(instance.start_processing());
    let output = play(&instance, &impulse, 2, &[300; 20], &[]);
    assert_delayed(&output, &impulse, latency, "after reset");
    instance.stop();
}

#[test]
fn lifecycle_calls_the_host_makes_on_its_audio_thread_are_refused_not_waited_on() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    assert!(!instance.activate_on_audio_thread(48_000.0, 512), "activate on the audio thread");
    assert_eq!(instance.start(48_000.0, 512), 2400, "the same call on the main thread");
    assert!(!instance.activate(48_000.0, 1, 512), "activate while active");
    // process before activation, or with no buffers at all, is an error, not a crash.
    let other = module.create();
    let input = noise(64, 1);
    let mut output = vec![vec![0.0_f32; 64]; 2];
    assert_eq!(
        other.process(Buffers::F32 { input: &input, output: &mut output }, 0, 64, &[], None),
        CLAP_PROCESS_ERROR
    );
    // SAFETY: all-zero is a valid clap_process (null pointers, zero counts).
    let empty: clap_process = unsafe { std::mem::zeroed() };
    assert_eq!(instance.process_raw(&empty), CLAP_PROCESS_TAIL, "no audio, no events: time stands still");
    instance.stop();
}

/// An effect's silent output channels are flagged constant (`constant_mask`),
/// and its status tells the host to rely on its tail; channels with sound are
/// not flagged.
#[test]
fn silent_output_channels_are_constant_and_an_effect_relies_on_its_tail() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = instance.start(48_000.0, 512) as usize;
    let input = noise(24_000, 3);
    let silence = vec![vec![0.0_f32; 24_000]; 2];
    assert_eq!(input.len(), 2, "stereo noise");
    let mut output = vec![vec![0.0_f32; 24_000]; 2];
    for start in (0..24_000).step_by(480) {
        let source = if start < 12_000 { &input } else { &silence };
        let status = instance.process(Buffers::F32 { input: source, output: &mut output }, start, 480, &[], None);
        assert_eq!(status, CLAP_PROCESS_TAIL, "block at {start}");
        let silent = (start..start + 480).all(|t| output[0][t] == 0.0 && output[1][t] == 0.0);
        assert_eq!(instance.constant_mask(), if silent { 0b11 } else { 0 }, "block at {start}: silent {silent}");
        if start + 480 <= latency || start >= 12_000 + latency {
            assert!(silent, "block at {start} is silent");
        }
    }
    instance.stop();
}
