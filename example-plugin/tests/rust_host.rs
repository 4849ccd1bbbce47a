//! A strict host in Rust: loads the built plugin's `.so` through its C ABI
//! (libloading and the `vst3` crate's types) and drives it like a DAW.

mod host;
mod support;

use example_plugin::{BUFFERED, GAIN, UNBUFFERED};
use host::{
    Buffers, Extras, Instance, MemoryStream, Module, OFFLINE, ParamChanges, REALTIME, block_sizes, c_string, noise,
};
use runtime::plugin::{BYPASS_PARAM_ID, FILL_PARAM_ID, UNDERRUNS_PARAM_ID};
use support::leaks::{count_pool_threads, count_threads, read_resident_kib, resident_kib, threads, vm_rss_kib};
use support::{bundles, library};
use vst3::Steinberg::Vst::{
    BusDirections_, BusInfo, IAudioProcessorTrait, IComponentTrait, IEditControllerTrait, MediaTypes_, ParameterInfo,
    ParameterInfo_, ProcessData, ProcessSetup, SpeakerArr, SymbolicSampleSizes_,
};
use vst3::Steinberg::{
    IBStream, IPluginBaseTrait, IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo2, PFactoryInfo,
    kInvalidArgument, kResultFalse, kResultOk, kResultTrue,
};

const MAX_BLOCK: usize = 8192;

/// Tests run one at a time: the leak test counts this process's threads.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn buffered() -> Module {
    Module::load(&library(&bundles().0, &BUFFERED))
}

fn unbuffered() -> Module {
    Module::load(&library(&bundles().1, &UNBUFFERED))
}

/// setupProcessing, setActive(true), setProcessing(true); returns the latency
/// read before activation.
fn start(instance: &Instance, rate: f64, max_block: usize, sample_size: u32) -> u32 {
    let mut setup = ProcessSetup {
        processMode: REALTIME as i32,
        symbolicSampleSize: sample_size as i32,
        maxSamplesPerBlock: max_block as i32,
        sampleRate: rate,
    };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        let latency = instance.processor.getLatencySamples();
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.getLatencySamples(), latency, "latency is the same after activation");
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
        latency
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

/// Block sizes 0..=8192 (above the announced maximum too) covering `total` frames.
fn blocks(total: usize, seed: u64) -> Vec<usize> {
    block_sizes(total, seed, 8192)
}

/// Plays `input` through the instance in `sizes` blocks, 32-bit.
fn play(instance: &Instance, mode: u32, input: &[Vec<f32>], sizes: &[usize]) -> Vec<Vec<f32>> {
    let mut output = vec![vec![0.0_f32; input[0].len()]; 2];
    let mut start = 0;
    for &n in sizes {
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, start, n, Extras::default());
        assert_eq!(result, kResultOk);
        start += n;
    }
    output
}

fn assert_delayed(got: &[Vec<f32>], want: &[Vec<f32>], latency: usize, what: &str) {
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        for (t, sample) in got.iter().enumerate() {
            let expected = if t < latency { 0.0 } else { want[t - latency] };
            assert_eq!(sample.to_bits(), expected.to_bits(), "{what}: channel {ch}, frame {t}");
        }
    }
}

#[test]
fn factory_and_class_scan() {
    let _serial = serial();
    let module = buffered();
    // SAFETY: zeroed infos are valid out-structs; live factory.
    unsafe {
        let mut factory_info: PFactoryInfo = std::mem::zeroed();
        assert_eq!(module.factory().getFactoryInfo(&mut factory_info), kResultOk);
        assert_eq!(c_string(&factory_info.vendor), BUFFERED.vendor);
        assert_eq!(module.factory().countClasses(), 1);
        let factory2 = module.factory().cast::<IPluginFactory2>().expect("IPluginFactory2");
        let mut info: PClassInfo2 = std::mem::zeroed();
        assert_eq!(factory2.getClassInfo2(0, &mut info), kResultOk);
        assert_eq!(c_string(&info.name), "Example Gain");
        assert_eq!(c_string(&info.subCategories), "Fx");
        assert_eq!(c_string(&info.category), "Audio Module Class");
        assert_eq!(factory2.getClassInfo2(1, &mut info), kInvalidArgument);
        let mut object = std::ptr::null_mut();
        let wrong = [0 as std::ffi::c_char; 16];
        let iid = vst3::Steinberg::Vst::IComponent_iid;
        assert_eq!(module.factory().createInstance(wrong.as_ptr(), iid.as_ptr(), &mut object), kInvalidArgument);
        assert!(object.is_null());
        // Null pointers get an error code, not a crash.
        assert_eq!(module.factory().getClassInfo(0, std::ptr::null_mut()), kInvalidArgument);
    }
}

#[test]
fn buses_arrangements_and_parameters() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let (audio, event) = (MediaTypes_::kAudio as i32, MediaTypes_::kEvent as i32);
    let (input, output) = (BusDirections_::kInput as i32, BusDirections_::kOutput as i32);
    // SAFETY: live interfaces, valid out-pointers.
    unsafe {
        assert_eq!(instance.component.getBusCount(audio, input), 1);
        assert_eq!(instance.component.getBusCount(audio, output), 1);
        assert_eq!(instance.component.getBusCount(event, input), 0);
        let mut bus: BusInfo = std::mem::zeroed();
        assert_eq!(instance.component.getBusInfo(audio, output, 0, &mut bus), kResultOk);
        assert_eq!(bus.channelCount, 2);
        assert_eq!(instance.component.getBusInfo(audio, output, 1, &mut bus), kInvalidArgument);

        let (mut stereo_in, mut stereo_out, mut mono) = (SpeakerArr::kStereo, SpeakerArr::kStereo, SpeakerArr::kMono);
        assert_eq!(instance.processor.setBusArrangements(&mut stereo_in, 1, &mut stereo_out, 1), kResultTrue);
        assert_eq!(instance.processor.setBusArrangements(&mut mono, 1, &mut stereo_out, 1), kResultFalse);
        assert_eq!(instance.processor.canProcessSampleSize(SymbolicSampleSizes_::kSample64 as i32), kResultTrue);

        // Gain, bypass, then the two read-only telemetry parameters.
        assert_eq!(instance.controller.getParameterCount(), 4);
        let mut info: ParameterInfo = std::mem::zeroed();
        assert_eq!(instance.controller.getParameterInfo(1, &mut info), kResultOk);
        assert_eq!(info.id, BYPASS_PARAM_ID);
        assert_ne!(info.flags & ParameterInfo_::ParameterFlags_::kIsBypass, 0);
        assert_eq!(instance.controller.getParameterInfo(2, &mut info), kResultOk);
        assert_eq!(info.id, UNDERRUNS_PARAM_ID);
        assert_ne!(info.flags & ParameterInfo_::ParameterFlags_::kIsReadOnly, 0);
        assert_eq!(instance.controller.setParamNormalized(UNDERRUNS_PARAM_ID, 0.5), kInvalidArgument);

        // Display strings both ways: 0.375 of -24..24 dB is -6 dB.
        let mut text = [0_u16; 128];
        assert_eq!(instance.controller.getParamStringByValue(GAIN, 0.375, &mut text), kResultOk);
        let shown: String = String::from_utf16_lossy(&text[..text.iter().position(|c| *c == 0).unwrap()]);
        assert_eq!(shown, "-6.00 dB");
        let mut value = 0.0;
        assert_eq!(instance.controller.getParamValueByString(GAIN, text.as_mut_ptr(), &mut value), kResultOk);
        assert_eq!(value, 0.375);
    }
    stop(&instance);
}

#[test]
fn latency_is_reported_before_activation_at_every_rate() {
    let _serial = serial();
    for rate in [44_100.0, 48_000.0, 96_000.0] {
        let module = buffered();
        let instance = module.create();
        assert_eq!(start(&instance, rate, 512, SymbolicSampleSizes_::kSample32), (0.05 * rate).round() as u32);
        stop(&instance);
        let module = unbuffered();
        let instance = module.create();
        assert_eq!(start(&instance, rate, 512, SymbolicSampleSizes_::kSample32), 0);
        stop(&instance);
    }
}

#[test]
fn impulse_lands_at_its_index_plus_latency_and_buffered_equals_unbuffered() {
    let _serial = serial();
    for rate in [44_100.0, 48_000.0, 96_000.0] {
        let frames = rate as usize;
        let (buffered_module, unbuffered_module) = (buffered(), unbuffered());
        let (b, u) = (buffered_module.create(), unbuffered_module.create());
        // A smaller announced maximum than some blocks: the plugin must split.
        let latency = start(&b, rate, 4096, SymbolicSampleSizes_::kSample32) as usize;
        start(&u, rate, MAX_BLOCK, SymbolicSampleSizes_::kSample32);
        let mut impulse = vec![vec![0.0_f32; frames]; 2];
        impulse[0][1234] = 1.0;
        impulse[1][1234] = 0.5;
        let output = play(&b, REALTIME, &impulse, &blocks(frames, 3));
        assert_delayed(&output, &impulse, latency, &format!("impulse at {rate} Hz"));

        // A fresh instance for the comparison: the impulse run moved the clock on.
        stop(&b);
        let b = buffered_module.create();
        start(&b, rate, 4096, SymbolicSampleSizes_::kSample32);
        let input = noise(frames, 5);
        let reference = play(&u, OFFLINE, &input, &blocks(frames, 11));
        let output = play(&b, OFFLINE, &input, &blocks(frames, 13));
        assert_delayed(&output, &reference, latency, &format!("buffered vs unbuffered at {rate} Hz"));
        stop(&b);
        stop(&u);
    }
}

#[test]
fn sixty_four_bit_processing_equals_thirty_two_bit() {
    let _serial = serial();
    let module = buffered();
    let (single, double) = (module.create(), module.create());
    start(&single, 48_000.0, 1024, SymbolicSampleSizes_::kSample32);
    start(&double, 48_000.0, 1024, SymbolicSampleSizes_::kSample64);
    let input = noise(48_000, 17);
    let sizes = blocks(48_000, 19);
    let expected = play(&single, REALTIME, &input, &sizes);
    let wide: Vec<Vec<f64>> = input.iter().map(|c| c.iter().map(|s| f64::from(*s)).collect()).collect();
    let mut output = vec![vec![0.0_f64; 48_000]; 2];
    let mut start_frame = 0;
    for &n in &sizes {
        let result = double.process(
            REALTIME,
            Buffers::F64 { input: &wide, output: &mut output },
            start_frame,
            n,
            Extras::default(),
        );
        assert_eq!(result, kResultOk);
        start_frame += n;
    }
    for (got, want) in output.iter().zip(&expected) {
        for (t, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(*g, f64::from(*w), "frame {t}");
        }
    }
    stop(&single);
    stop(&double);
}

#[test]
fn parameter_flushes_apply_changes_without_advancing_time() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = start(&instance, 48_000.0, 512, SymbolicSampleSizes_::kSample32) as usize;
    let input = noise(12_000, 23);
    let mut output = vec![vec![0.0_f32; 12_000]; 2];
    // Plain block, then the three flush forms, each setting the gain (-6, -12,
    // then 0 dB: only the last one should be heard, from frame 3000 on).
    let result =
        instance.process(REALTIME, Buffers::F32 { input: &input, output: &mut output }, 0, 3000, Extras::default());
    assert_eq!(result, kResultOk);
    for (form, normalized) in [(0, 0.375), (1, 0.25), (2, 0.5)] {
        let changes = ParamChanges::with(&[(GAIN, 0, normalized)]);
        let mut silent: Vec<*mut f32> = vec![];
        // Form 0: no buses at all; 1: buses but zero frames; 2: zero channels.
        let mut bus = vst3::Steinberg::Vst::AudioBusBuffers {
            numChannels: if form == 1 { 2 } else { 0 },
            silenceFlags: 0,
            __field0: vst3::Steinberg::Vst::AudioBusBuffers__type0 { channelBuffers32: silent.as_mut_ptr() },
        };
        let mut data = ProcessData {
            processMode: REALTIME as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: if form == 1 { 0 } else { 256 },
            numInputs: if form == 0 { 0 } else { 1 },
            numOutputs: if form == 0 { 0 } else { 1 },
            inputs: if form == 0 { std::ptr::null_mut() } else { &mut bus },
            outputs: if form == 0 { std::ptr::null_mut() } else { &mut bus },
            inputParameterChanges: changes.as_ptr(),
            outputParameterChanges: std::ptr::null_mut(),
            inputEvents: std::ptr::null_mut(),
            outputEvents: std::ptr::null_mut(),
            processContext: std::ptr::null_mut(),
        };
        assert_eq!(instance.process_raw(&mut data), kResultOk, "flush form {form}");
    }
    let result =
        instance.process(REALTIME, Buffers::F32 { input: &input, output: &mut output }, 3000, 9000, Extras::default());
    assert_eq!(result, kResultOk);
    // Time did not advance during the flushes, and the last gain (0 dB) applies
    // from input frame 3000 on.
    assert_delayed(&output, &input, latency, "flushes");
    stop(&instance);
}

#[test]
fn state_round_trips_and_bad_state_changes_nothing() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    // SAFETY: live interfaces; streams alive across the calls.
    unsafe {
        assert_eq!(instance.controller.setParamNormalized(GAIN, 0.25), kResultOk);
        assert_eq!(instance.controller.setParamNormalized(BYPASS_PARAM_ID, 1.0), kResultOk);
        let saved = MemoryStream::new(Vec::new());
        assert_eq!(instance.component.getState(saved.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
        let bytes = saved.bytes();

        let other = module.create();
        let restore = MemoryStream::new(bytes.clone());
        assert_eq!(other.component.setState(restore.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
        assert_eq!(other.controller.getParamNormalized(GAIN), 0.25);
        let again = MemoryStream::new(Vec::new());
        assert_eq!(other.component.getState(again.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
        assert_eq!(again.bytes(), bytes, "byte-identical round trip");

        for bad in [bytes[..bytes.len() - 3].to_vec(), b"something else entirely".to_vec(), Vec::new()] {
            let stream = MemoryStream::new(bad);
            assert_eq!(other.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultFalse);
            assert_eq!(other.controller.getParamNormalized(GAIN), 0.25, "a refused state changes nothing");
        }
        assert_eq!(other.component.setState(std::ptr::null_mut()), kInvalidArgument);
        stop(&other);
    }
    stop(&instance);
}

#[test]
fn bypass_is_the_input_delayed_by_the_latency_and_telemetry_is_reported() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = start(&instance, 48_000.0, 1024, SymbolicSampleSizes_::kSample32) as usize;
    let input = noise(24_000, 29);
    let mut output = vec![vec![0.0_f32; 24_000]; 2];
    // Gain -6 dB and bypass on from the first frame: bypass wins, no crossfade
    // (nothing had sounded yet).
    let changes = ParamChanges::with(&[(GAIN, 0, 0.375), (BYPASS_PARAM_ID, 0, 1.0)]);
    let reported = ParamChanges::default();
    let reported = vst3::ComWrapper::new(reported);
    let reported_ptr = reported.to_com_ptr().unwrap();
    let result = instance.process(
        REALTIME,
        Buffers::F32 { input: &input, output: &mut output },
        0,
        1024,
        Extras { changes: Some(&changes), output_changes: Some(&reported_ptr), events: None, context: None },
    );
    assert_eq!(result, kResultOk);
    let mut start_frame = 1024;
    while start_frame < 24_000 {
        let n = 1024.min(24_000 - start_frame);
        let result = instance.process(
            REALTIME,
            Buffers::F32 { input: &input, output: &mut output },
            start_frame,
            n,
            Extras::default(),
        );
        assert_eq!(result, kResultOk);
        start_frame += n;
    }
    assert_delayed(&output, &input, latency, "bypass");
    assert!(reported.last(FILL_PARAM_ID).is_some(), "buffer fill is reported through the output changes");
    // SAFETY: live interface.
    assert_eq!(unsafe { instance.controller.getParamNormalized(UNDERRUNS_PARAM_ID) }, 0.0, "no underruns");
    stop(&instance);
}

/// Normalized values to convert: the ends, the middle, awkward fractions and
/// a value just below the middle (a plain value that rounds to -0).
const PROBES: [f64; 10] = [0.0, 1e-7, 0.1, 0.123_456_789, 0.375, 0.499_999_9, 0.5, 0.84, 0.999_999, 1.0];

#[test]
fn every_parameter_converts_between_normalized_plain_and_text_both_ways() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    // What a DAW shows: title, plain range, units and steps of every parameter.
    let expected = [
        ("Gain", GAIN, -24.0, 24.0, "dB", 0),
        ("Bypass", BYPASS_PARAM_ID, 0.0, 1.0, "", 1),
        ("Underruns", UNDERRUNS_PARAM_ID, 0.0, 1_000_000.0, "frames", 1_000_000),
        ("Buffer fill", FILL_PARAM_ID, 0.0, 100.0, "%", 0),
    ];
    let controller = &instance.controller;
    // SAFETY: live interfaces, valid out-pointers.
    unsafe {
        assert_eq!(controller.getParameterCount() as usize, expected.len());
        for (index, &(title, id, min, max, units, steps)) in expected.iter().enumerate() {
            let mut info: ParameterInfo = std::mem::zeroed();
            assert_eq!(controller.getParameterInfo(index as i32, &mut info), kResultOk);
            assert_eq!((info.id, host::utf16(&info.title).as_str()), (id, title));
            assert_eq!(host::utf16(&info.units), units, "{title}: units");
            assert_eq!(info.stepCount, steps, "{title}: steps");
            let plain = |normalized| controller.normalizedParamToPlain(id, normalized);
            assert_eq!((plain(0.0), plain(1.0)), (min, max), "{title}: the plain range a DAW shows");
            let mut probes = PROBES.to_vec();
            if steps > 0 {
                // Each step, and just either side of the boundary between two.
                let step = 1.0 / f64::from(steps);
                probes.extend([step, 2.0 * step, 1.0 - step, step / 2.0, step * 1.000_001, 1.0 - step * 0.999_999]);
            }
            for normalized in probes {
                let value = plain(normalized);
                assert!((min..=max).contains(&value), "{title}: {normalized} -> {value}");
                let back = controller.plainParamToNormalized(id, value);
                assert_eq!(plain(back), value, "{title}: {normalized} -> plain {value} -> {back} -> plain again");
                if steps == 0 {
                    assert!((back - normalized).abs() < 1e-12, "{title}: {normalized} -> {value} -> {back}");
                } else {
                    let step = back * f64::from(steps);
                    assert_eq!(step, step.round(), "{title}: a stepped value normalizes to a step");
                    assert_eq!(value, min + step.round() * (max - min) / f64::from(steps), "{title}: plain of a step");
                }
                let text = instance.param_text(id, normalized);
                let read = instance.param_from_text(id, &text).unwrap_or_else(|e| panic!("{title}: {text:?}: {e}"));
                assert_eq!(instance.param_text(id, read), text, "{title}: {text:?} -> {read} shows the same text");
                assert!((plain(read) - value).abs() <= (max - min) * 1e-3, "{title}: {text:?} is about {value}");
                let shown = text.split_whitespace().next().unwrap_or("");
                if let Ok(number) = shown.parse::<f64>() {
                    // A number on screen is the plain value, to its shown precision.
                    let decimals = shown.split_once('.').map_or(0, |(_, d)| d.len() as i32);
                    let precision = 0.5 * 10_f64.powi(-decimals) + 1e-9;
                    assert!((number - value).abs() <= precision, "{title}: {text:?} shows {value}");
                    let unit_part = text[text.find(' ').map_or(text.len(), |i| i + 1)..].to_string();
                    assert_eq!(unit_part, units, "{title}: {text:?} ends with its units");
                }
            }
        }
    }
    assert_eq!(instance.param_text(BYPASS_PARAM_ID, 1.0), "On");
    assert_eq!(instance.param_from_text(BYPASS_PARAM_ID, "off"), Ok(0.0));
    assert_eq!(instance.param_from_text(GAIN, "loud"), Err(kResultFalse));
    stop(&instance);
}

/// Set in the child process the meter test runs itself in.
const STALLED_CHILD: &str = "RUST_HOST_STALLED_CHILD";

#[test]
fn meters_read_underrun_frames_and_fill_percent_as_a_daw_converts_them() {
    let _serial = serial();
    let name = "meters_read_underrun_frames_and_fill_percent_as_a_daw_converts_them";
    if std::env::var_os(STALLED_CHILD).is_none() {
        // The stall plan is read from the environment when an engine is built:
        // run this test again in a process that has one. 200 ms stalls inside
        // the DSP every 300 ms, at L = 50 ms, must play frames as silence.
        let _ = bundles();
        let stdout = host::run_again_with_stalls(name, STALLED_CHILD, "dsp:200ms/300ms");
        stdout.lines().filter(|line| line.contains("underrun frames")).for_each(|line| println!("{line}"));
        return;
    }
    let module = buffered();
    let instance = module.create();
    let (rate, block, blocks) = (48_000.0, 1024, 72);
    let latency = start(&instance, rate, block, SymbolicSampleSizes_::kSample32) as usize;
    let frames = block * blocks;
    let input = noise(frames, 41);
    assert!(input.iter().flatten().all(|s| *s != 0.0), "every input frame is audible");
    let mut output = vec![vec![0.0_f32; frames]; 2];
    let mut fill_seen = 0.0_f64;
    for b in 0..blocks {
        let reported = vst3::ComWrapper::new(ParamChanges::default());
        let reported_ptr = reported.to_com_ptr().unwrap();
        let extras = Extras { output_changes: Some(&reported_ptr), ..Extras::default() };
        let result =
            instance.process(REALTIME, Buffers::F32 { input: &input, output: &mut output }, b * block, block, extras);
        assert_eq!(result, kResultOk);
        fill_seen = fill_seen.max(reported.last(FILL_PARAM_ID).unwrap_or(0.0));
        // Paced like an audio device, so frames the stalled worker owes age
        // into silence instead of being waited for.
        std::thread::sleep(std::time::Duration::from_secs_f64(block as f64 / rate));
    }
    // Every frame after L is the input delayed by L, or an underrun: silence.
    let mut silent = 0_u32;
    for t in latency..frames {
        let (left, right) = (output[0][t], output[1][t]);
        if left == 0.0 && right == 0.0 {
            silent += 1;
        } else {
            assert_eq!((left, right), (input[0][t - latency], input[1][t - latency]), "frame {t}");
        }
    }
    assert!(silent > 0, "stalls longer than the latency play frames as silence");
    let controller = &instance.controller;
    // SAFETY: live interface.
    unsafe {
        // What Ardour shows: the normalized value through normalizedParamToPlain.
        let normalized = controller.getParamNormalized(UNDERRUNS_PARAM_ID);
        assert_eq!(controller.normalizedParamToPlain(UNDERRUNS_PARAM_ID, normalized), f64::from(silent));
        let text = instance.param_text(UNDERRUNS_PARAM_ID, normalized);
        assert_eq!(text, format!("{silent} frames"));
        assert_eq!(instance.param_from_text(UNDERRUNS_PARAM_ID, &text), Ok(normalized));
        assert_eq!(controller.plainParamToNormalized(UNDERRUNS_PARAM_ID, f64::from(silent)), normalized);

        // The fill the plugin reported to the host, shown in percent.
        let percent = controller.normalizedParamToPlain(FILL_PARAM_ID, fill_seen);
        assert!((percent - 100.0 * fill_seen).abs() < 1e-9, "{percent} % for {fill_seen}");
        assert!(percent > 1.0 && percent <= 100.0, "a worker ahead fills a visible share: {percent} %");
        let text = instance.param_text(FILL_PARAM_ID, fill_seen);
        assert_eq!(text, format!("{percent:.1} %"));
        let read = instance.param_from_text(FILL_PARAM_ID, &text).expect("the fill text reads back");
        assert!((controller.normalizedParamToPlain(FILL_PARAM_ID, read) - percent).abs() <= 0.05, "{text}");
        assert!((controller.plainParamToNormalized(FILL_PARAM_ID, percent) - fill_seen).abs() < 1e-12);
    }
    println!("{silent} underrun frames, buffer fill up to {:.1} %", 100.0 * fill_seen);
    stop(&instance);
}

#[test]
fn leak_measurements_fail_when_they_cannot_measure_and_use_the_systems_page_size() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("rust-host-proc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing");
    assert!(count_threads(&missing).is_err(), "an unreadable task folder is an error, not 0 threads");
    assert!(count_threads(&dir).is_err(), "an empty folder is not a count of 0 threads");
    assert!(count_pool_threads(&missing).is_err(), "an unreadable task folder is an error, not 0 pool threads");
    assert!(read_resident_kib(&missing, 4096).is_err(), "an unreadable statm is an error, not 0 KiB");
    let statm = dir.join("statm");
    for garbage in ["", "1234", "1234 x 5", "1234 0 5"] {
        std::fs::write(&statm, garbage).unwrap();
        assert!(read_resident_kib(&statm, 4096).is_err(), "statm {garbage:?} is an error, not a measurement");
    }
    // 25 resident pages: 100 KiB with 4 KiB pages, 400 KiB with 16 KiB pages
    // (arm64 and Apple silicon Linux kernels), 1600 KiB with 64 KiB pages.
    std::fs::write(&statm, "3000 25 10 1 0 20 0\n").unwrap();
    assert_eq!(read_resident_kib(&statm, 4096), Ok(100));
    assert_eq!(read_resident_kib(&statm, 16_384), Ok(400));
    assert_eq!(read_resident_kib(&statm, 65_536), Ok(1600));
    std::fs::remove_dir_all(&dir).unwrap();
    // This process, measured both ways: statm pages times the page size agree
    // with the kernel's own KiB count (to within what a few reads allocate).
    let (kib, rss) = (resident_kib(), vm_rss_kib());
    assert!(kib.abs_diff(rss) < 1024, "statm says {kib} KiB resident, VmRSS says {rss} KiB");
    assert!(threads() >= 1);
}

#[test]
fn a_thousand_load_process_unload_cycles_leave_nothing_behind() {
    let _serial = serial();
    let path = library(&bundles().0, &BUFFERED);
    let input = noise(256, 31);
    let cycle = || {
        let module = Module::load(&path);
        let instance = module.create();
        start(&instance, 48_000.0, 256, SymbolicSampleSizes_::kSample32);
        play(&instance, REALTIME, &input, &[256]);
        stop(&instance);
        drop(instance);
        drop(module);
    };
    for _ in 0..20 {
        cycle();
    }
    let (threads_before, memory_before) = (threads(), resident_kib());
    for _ in 0..1000 {
        cycle();
    }
    assert_eq!(threads(), threads_before, "every worker thread was joined");
    let growth = resident_kib().saturating_sub(memory_before);
    assert!(growth < 4096, "resident memory grew by {growth} KiB over 1000 cycles");
}

#[test]
fn a_note_on_at_frame_k_sounds_at_k_plus_latency() {
    let _serial = serial();
    let module = Module::load(&library(support::instrument_bundle(), &example_plugin::NOTE_PROBE));
    let instance = module.create();
    let (event, audio) = (MediaTypes_::kEvent as i32, MediaTypes_::kAudio as i32);
    let (input, output) = (BusDirections_::kInput as i32, BusDirections_::kOutput as i32);
    // SAFETY: live interface.
    unsafe {
        assert_eq!(instance.component.getBusCount(event, input), 1, "an event input");
        assert_eq!(instance.component.getBusCount(audio, input), 0, "no audio input");
        assert_eq!(instance.component.getBusCount(audio, output), 1);
    }
    let latency = start(&instance, 48_000.0, 512, SymbolicSampleSizes_::kSample32) as usize;
    assert_eq!(latency, 2400);
    let k = 5000;
    let no_input: Vec<Vec<f32>> = Vec::new();
    let mut out = vec![vec![0.0_f32; 12_000]; 2];
    let mut start_frame = 0;
    while start_frame < 12_000 {
        let n = 512.min(12_000 - start_frame);
        let notes = (start_frame..start_frame + n)
            .contains(&k)
            .then(|| host::EventList::notes_on(&[((k - start_frame) as i32, 60, 0.75)]));
        let extras = Extras { events: notes.as_ref(), ..Extras::default() };
        let result =
            instance.process(REALTIME, Buffers::F32 { input: &no_input, output: &mut out }, start_frame, n, extras);
        assert_eq!(result, kResultOk);
        start_frame += n;
    }
    for channel in &out {
        assert_eq!(channel.iter().position(|s| *s != 0.0), Some(k + latency), "onset at k + L");
        assert!(channel[k + latency..].iter().all(|s| *s == 0.75));
    }
    stop(&instance);
}

#[test]
fn processing_restart_leaves_no_stale_audio() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = start(&instance, 48_000.0, 512, SymbolicSampleSizes_::kSample32) as usize;
    let loud = noise(6_000, 37);
    play(&instance, REALTIME, &loud, &[512; 11]);
    // SAFETY: live interface; the host stops and restarts processing.
    unsafe {
        assert_eq!(instance.processor.setProcessing(0), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
    }
    let mut impulse = vec![vec![0.0_f32; 6_000]; 2];
    impulse[0][700] = 1.0;
    impulse[1][700] = 1.0;
    let output = play(&instance, REALTIME, &impulse, &[500; 12]);
    assert_delayed(&output, &impulse, latency, "after setProcessing(false/true)");
    stop(&instance);
}

/// `silenceFlags`: set on every output channel of a block that is all zeros
/// (the latency's first blocks, silence in), clear once sound comes out, so
/// a host may skip what follows a silent plugin.
#[test]
fn silent_output_is_flagged_and_sound_is_not() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = start(&instance, 48_000.0, 512, SymbolicSampleSizes_::kSample32) as usize;
    let input = noise(48_000, 7);
    let silence = vec![vec![0.0_f32; 48_000]; 2];
    let mut output = vec![vec![0.0_f32; 48_000]; 2];
    let mut flags = Vec::new();
    for start in (0..48_000).step_by(512) {
        let n = 512.min(48_000 - start);
        // Sound in the first half second, silence after.
        let source = if start < 24_000 { &input } else { &silence };
        let buffers = Buffers::F32 { input: source, output: &mut output };
        assert_eq!(instance.process(REALTIME, buffers, start, n, Extras::default()), kResultOk);
        flags.push((start, n, instance.silence_flags()));
    }
    for (start, n, flags) in flags {
        let silent = (start..start + n).all(|t| output[0][t] == 0.0 && output[1][t] == 0.0);
        assert_eq!(flags, if silent { 0b11 } else { 0 }, "block at {start}: output silent {silent}");
        if start + n <= latency {
            assert_eq!(flags, 0b11, "the latency's blocks are silent and flagged");
        }
        if (latency..24_000 + latency - n).contains(&start) {
            assert_eq!(flags, 0, "the noise comes out, unflagged, at {start}");
        }
        if start >= 24_000 + latency {
            assert_eq!(flags, 0b11, "the silence comes out, flagged, at {start}");
        }
    }
    stop(&instance);
}
