//! The checks of clap-validator's test list that apply to this plugin, run
//! by the Rust CLAP host on the built `.clap`: loading with RTLD_NOW, factory
//! refusals, descriptor consistency and features; in-place processing;
//! events for another port or event space; parameter fuzzing, conversions,
//! and flush = process; sample rates from 1 to 768 kHz and block sizes from
//! 1 to 16k; reactivation; denormal and non-finite input; invalid (empty,
//! random megabytes) and reproducible state; and a thousand load/unload
//! cycles that leave no thread or memory behind. (Transport, configurable
//! ports and preset discovery do not apply: the plugin has none.)

mod clap_host;
mod host;
mod support;

use clap_host::{Buffers, ClapModule, HostEvent, assert_delayed, c_text, features, play};
use clap_sys::ext::params::CLAP_PARAM_IS_READONLY;
use clap_sys::process::CLAP_PROCESS_TAIL;
use example_plugin::{BUFFERED, UNBUFFERED};
use host::{block_sizes, noise};
use support::leaks::{pool_threads, resident_kib, threads};
use support::{bundles, clap_file};

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn buffered() -> ClapModule {
    let _ = bundles();
    ClapModule::load(&clap_file(&BUFFERED))
}

/// A small deterministic generator for the fuzz tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

#[test]
fn parameter_fuzz_keeps_every_value_in_range_and_the_output_finite() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    instance.start(48_000.0, 512);
    let infos = instance.param_infos();
    let mut rng = Lcg(7);
    let input = noise(512, 3);
    let mut output = vec![vec![0.0_f32; 512]; 2];
    for round in 0..200 {
        // A value for every parameter (meters and an unknown id too): in range,
        // beyond it, or not a number at all, at random times in the block.
        let mut events: Vec<HostEvent> = infos
            .iter()
            .map(|info| info.id)
            .chain([0xDEAD_BEEF])
            .map(|id| {
                let info = infos.iter().find(|i| i.id == id);
                let (min, max) = info.map_or((0.0, 1.0), |i| (i.min_value, i.max_value));
                let value = match rng.next() % 6 {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => min - (max - min),
                    3 => max * 3.0 + 1.0,
                    _ => min + rng.unit() * (max - min),
                };
                HostEvent::Param { time: (rng.next() % 512) as u32, id, value }
            })
            .collect();
        events.sort_by_key(|e| match e {
            HostEvent::Param { time, .. } => *time,
            _ => 0,
        });
        let status = instance.process(Buffers::F32 { input: &input, output: &mut output }, 0, 512, &events, None);
        assert_eq!(status, CLAP_PROCESS_TAIL, "round {round}");
        assert!(output.iter().flatten().all(|s| s.is_finite()), "round {round}: finite output");
        for info in &infos {
            let value = instance.value(info.id).expect("every listed parameter has a value");
            assert!((info.min_value..=info.max_value).contains(&value), "round {round}: {} = {value}", info.id);
        }
    }
    instance.stop();
}

#[test]
fn every_parameter_converts_between_plain_values_and_text_both_ways() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let mut rng = Lcg(11);
    for info in instance.param_infos() {
        let (min, max) = (info.min_value, info.max_value);
        let probes = [0.0, 1e-7, 0.1, 0.123_456_789, 0.375, 0.499_999_9, 0.5, 0.84, 0.999_999, 1.0];
        for fraction in probes.into_iter().chain((0..20).map(|_| rng.unit())) {
            let value = min + fraction * (max - min);
            let text = instance.value_to_text(info.id, value).expect("a text for every value");
            let read = instance.text_to_value(info.id, &text).unwrap_or_else(|| panic!("{text:?} reads back"));
            assert!((min..=max).contains(&read), "{}: {text:?} -> {read}", info.id);
            assert_eq!(
                instance.value_to_text(info.id, read),
                Some(text.clone()),
                "{}: {text:?} shows the same",
                info.id
            );
            assert!((read - value).abs() <= (max - min) * 1e-3 + 0.5, "{}: {text:?} is about {value}", info.id);
        }
        assert_eq!(instance.text_to_value(info.id, "not a number"), None);
        if info.flags & CLAP_PARAM_IS_READONLY != 0 {
            // Hosts read meters; they never set them.
            instance.flush(&[HostEvent::Param { time: 0, id: info.id, value: max }]);
            assert_eq!(instance.value(info.id), Some(0.0), "{}: a meter ignores a host's value", info.id);
        }
    }
    assert_eq!(instance.value_to_text(0xDEAD_BEEF, 0.0), None, "an unknown id");
}

#[test]
fn random_sample_rates_and_block_sizes_give_the_unbuffered_output_delayed() {
    let _serial = serial();
    let (b_module, u_module) = (buffered(), ClapModule::load(&clap_file(&UNBUFFERED)));
    let mut rng = Lcg(13);
    for rate in [22_050.0, 32_000.0, 37_013.0, 44_100.0, 88_200.0, 192_000.0] {
        let frames = (rate / 2.0) as usize;
        let max_block = 1 + (rng.next() % 4096) as u32;
        let (b, u) = (b_module.create(), u_module.create());
        let offline = rng.next().is_multiple_of(2);
        b.set_offline(offline);
        let latency = b.start(rate, max_block) as usize;
        assert_eq!(latency, (0.05 * rate).round() as usize, "{rate} Hz");
        u.start(rate, max_block);
        let input = noise(frames, rng.next());
        let reference = play(&u, &input, 2, &block_sizes(frames, rng.next(), 4096), &[]);
        let output = play(&b, &input, 2, &block_sizes(frames, rng.next(), 8192), &[]);
        assert_delayed(&output, &reference, latency, &format!("{rate} Hz, max block {max_block}, offline {offline}"));
        b.stop();
        u.stop();
    }
}

#[test]
fn reactivation_at_another_rate_reports_the_new_latency_inside_activate() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    assert_eq!(instance.start(44_100.0, 512), 2205);
    play(&instance, &noise(10_000, 5), 2, &[1000; 10], &[]);
    instance.stop();
    assert!(instance.requests().latency_changed.is_empty());
    let latency = instance.start(96_000.0, 512) as usize;
    assert_eq!(latency, 4800);
    assert_eq!(instance.requests().latency_changed, [(true, true)], "told on the main thread, from inside activate");
    let mut impulse = vec![vec![0.0_f32; 20_000]; 2];
    impulse[0][333] = 1.0;
    impulse[1][333] = -1.0;
    let output = play(&instance, &impulse, 2, &block_sizes(20_000, 17, 2048), &[]);
    assert_delayed(&output, &impulse, latency, "after reactivation: nothing of the first run, exact delay");
    instance.stop();
}

#[test]
fn denormal_and_non_finite_input_never_reach_the_output() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let latency = instance.start(48_000.0, 512) as usize;
    let frames = 12_000;
    let mut input = noise(frames, 19);
    for (t, sample) in input[0].iter_mut().enumerate().take(4000) {
        *sample = match t % 4 {
            0 => f32::MIN_POSITIVE / 3.0,
            1 => -f32::MIN_POSITIVE / 7.0,
            2 => f32::NAN,
            _ => f32::INFINITY,
        };
    }
    let output = play(&instance, &input, 2, &block_sizes(frames, 23, 1024), &[]);
    for (ch, channel) in output.iter().enumerate() {
        for (t, sample) in channel.iter().enumerate() {
            assert!(sample.is_finite() && !sample.is_subnormal(), "channel {ch}, frame {t}: {sample}");
        }
    }
    // The rest of the signal is untouched: the right channel, and the left
    // after the burst, are the input delayed by L.
    for t in latency + 4000..frames {
        assert_eq!(output[0][t], input[0][t - latency], "frame {t}");
    }
    assert_delayed(&output[1..], &input[1..], latency, "the clean channel");
    instance.stop();
}

#[test]
fn state_is_reproducible_and_anything_else_is_refused_without_a_change() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let defaults = instance.save(usize::MAX).unwrap();
    assert_eq!(module.create().save(usize::MAX), Some(defaults.clone()), "two fresh instances save the same bytes");
    let mut rng = Lcg(29);
    for round in 0..300 {
        // Mutations of a valid state, and random bytes.
        let mut bytes = defaults.clone();
        if round % 3 == 0 {
            bytes = (0..rng.next() % 64).map(|_| rng.next() as u8).collect();
        } else {
            let at = (rng.next() as usize) % bytes.len();
            bytes[at] ^= 1 << (rng.next() % 8);
            bytes.truncate(bytes.len() - (rng.next() as usize % 2) * 3);
        }
        if instance.load(&bytes, 1 + (rng.next() as usize % 16)) {
            // Accepted (a state, perhaps naming an id this version does not
            // have): every value in range, and what it saves now is
            // reproducible, loaded into a fresh instance and saved again.
            for info in instance.param_infos() {
                let value = instance.value(info.id).unwrap();
                assert!((info.min_value..=info.max_value).contains(&value), "round {round}: {} = {value}", info.id);
            }
            let saved = instance.save(usize::MAX).unwrap();
            let fresh = module.create();
            assert!(fresh.load(&saved, 1 + (rng.next() as usize % 16)), "round {round}: its own state loads");
            assert_eq!(fresh.save(usize::MAX), Some(saved), "round {round}: saved again, the same bytes");
            assert!(instance.load(&defaults, usize::MAX));
        } else {
            assert_eq!(instance.save(usize::MAX), Some(defaults.clone()), "round {round}: a refusal changes nothing");
        }
    }
}

#[test]
fn a_thousand_load_process_unload_cycles_leave_no_thread_or_memory_behind() {
    let _serial = serial();
    let _ = bundles();
    let path = clap_file(&BUFFERED);
    let input = noise(256, 31);
    let mut pool_seen = 0;
    let mut cycle = || {
        let module = ClapModule::load(&path);
        let instance = module.create();
        instance.start(48_000.0, 256);
        play(&instance, &input, 2, &[256], &[]);
        pool_seen = pool_seen.max(pool_threads());
        instance.stop();
        drop(instance);
        drop(module);
    };
    for _ in 0..20 {
        cycle();
    }
    let (threads_before, pool_before, memory_before) = (threads(), pool_threads(), resident_kib());
    assert_eq!(pool_before, 0, "no pool thread outlives its last instance");
    for _ in 0..1000 {
        cycle();
    }
    assert!(pool_seen > 0, "the pool ran while an instance was active (the count measures something)");
    assert_eq!((threads(), pool_threads()), (threads_before, 0), "every worker thread was joined");
    let growth = resident_kib().saturating_sub(memory_before);
    println!("1000 cycles: resident memory grew by {growth} KiB, {pool_seen} pool threads while active");
    assert!(growth < 4096, "resident memory grew by {growth} KiB over 1000 cycles");
}

#[test]
fn the_library_resolves_every_symbol_and_the_factory_refuses_what_is_not_its_own() {
    let _serial = serial();
    let _ = bundles();
    let path = clap_file(&BUFFERED);
    // scan-rtld-now: every symbol resolvable at load time, kept local.
    let flags = libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL;
    // SAFETY: loading our own plugin, whose initialisers are Rust statics.
    let library = unsafe { libloading::os::unix::Library::open(Some(&path), flags) }.expect("loads with RTLD_NOW");
    drop(library);
    let module = ClapModule::load(&path);
    // query-factory-nonexistent, create-id-with-trailing-garbage.
    assert!(module.factory_for(c"clap.no-such-factory").is_null());
    let mut id = module.plugin_id().into_bytes();
    id.extend_from_slice(b"-and-more");
    assert!(module.try_create(&std::ffi::CString::new(id).unwrap()).is_none(), "an id with trailing garbage");
    // descriptor-consistency: the plugin's own descriptor is the factory's.
    let descriptor = module.descriptor(0).unwrap();
    let instance = module.create();
    // SAFETY: a live plugin; its descriptor lives as long as the module.
    let own = unsafe { &*(*instance.plugin).desc };
    for (what, a, b) in [
        ("id", descriptor.id, own.id),
        ("name", descriptor.name, own.name),
        ("vendor", descriptor.vendor, own.vendor),
        ("version", descriptor.version, own.version),
        ("url", descriptor.url, own.url),
    ] {
        assert_eq!(c_text(a), c_text(b), "{what}");
    }
    assert_eq!(features(descriptor), features(own));
    // features-categories and features-duplicates.
    let features = features(descriptor);
    assert!(["instrument", "audio-effect", "note-effect", "analyzer"].iter().any(|c| features.iter().any(|f| f == c)));
    let mut unique = features.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), features.len(), "{features:?}");
}

#[test]
fn in_place_processing_equals_separate_buffers_bit_for_bit() {
    let _serial = serial();
    let module = buffered();
    let frames = 30_000;
    let input = noise(frames, 41);
    let sizes = block_sizes(frames, 43, 2048);
    let events = [(1234, HostEvent::Param { time: 0, id: example_plugin::GAIN, value: -6.0 })];
    let separate = module.create();
    separate.start(48_000.0, 2048);
    let want = play(&separate, &input, 2, &sizes, &events);
    separate.stop();
    let in_place = module.create();
    in_place.start(48_000.0, 2048);
    let mut audio = input.clone();
    let mut at = 0;
    for &n in &sizes {
        let in_block: Vec<HostEvent> =
            events.iter().filter(|(t, _)| (at..at + n).contains(t)).map(|(t, e)| e.at((t - at) as u32)).collect();
        let status = in_place.process(Buffers::F32InPlace(&mut audio), at, n, &in_block, None);
        assert_eq!(status, CLAP_PROCESS_TAIL);
        at += n;
    }
    in_place.stop();
    assert_delayed(&audio, &want, 0, "in place");
    assert!(audio[0][3000..].iter().any(|s| *s != 0.0), "it played something");
}

#[test]
fn events_for_another_port_or_event_space_change_nothing() {
    let _serial = serial();
    // process-note-inconsistent: notes and MIDI for a port the plugin does
    // not have are not its notes; the note on its port sounds at k + L.
    let _ = support::instrument_bundle();
    let module = ClapModule::load(&clap_file(&example_plugin::NOTE_PROBE));
    let instance = module.create();
    let latency = instance.start(48_000.0, 512) as usize;
    let (k, k2) = (3000, 6000);
    let events = [
        (1000, HostEvent::NoteAt { time: 0, on: true, port: 1, channel: 0, key: 60, velocity: 0.5 }),
        (1500, HostEvent::MidiAt { time: 0, port: 2, data: [0x90, 62, 100] }),
        (2000, HostEvent::NoteAt { time: 0, on: true, port: -1, channel: 0, key: 64, velocity: 0.5 }),
        (k, HostEvent::NoteAt { time: 0, on: true, port: 0, channel: 3, key: 67, velocity: 0.25 }),
        (4000, HostEvent::NoteAt { time: 0, on: false, port: 1, channel: 3, key: 67, velocity: 0.0 }),
        (k2, HostEvent::NoteAt { time: 0, on: false, port: -1, channel: 3, key: 67, velocity: 0.0 }),
    ];
    let out = play(&instance, &[], 2, &block_sizes(12_000, 47, 512), &events);
    for channel in &out {
        for (t, sample) in channel.iter().enumerate() {
            let want = if (k + latency..k2 + latency).contains(&t) { 0.25 } else { 0.0 };
            assert_eq!(*sample, want, "frame {t}: only the note on port 0, from k + L to its note-off (any port)");
        }
    }
    instance.stop();

    // param-set-wrong-namespace: a parameter event in another space is not a
    // parameter change, in a flush or in process.
    let module = buffered();
    let instance = module.create();
    instance.start(48_000.0, 512);
    let elsewhere = HostEvent::ParamInSpace { time: 0, space: 0x7777, id: example_plugin::GAIN, value: 12.0 };
    instance.flush(&[elsewhere]);
    let input = noise(4096, 53);
    let got = play(&instance, &input, 2, &[512; 8], &[(100, elsewhere)]);
    assert_eq!(instance.value(example_plugin::GAIN), Some(0.0), "still at its default");
    assert_delayed(&got, &input, 2400, "0 dB: the input, delayed");
    instance.stop();
}

#[test]
fn a_flush_sets_what_the_same_events_in_process_set() {
    let _serial = serial();
    let module = buffered();
    let (flushed, processed) = (module.create(), module.create());
    flushed.start(48_000.0, 512);
    processed.start(48_000.0, 512);
    let mut rng = Lcg(61);
    for round in 0..50 {
        let events: Vec<HostEvent> = flushed
            .param_infos()
            .iter()
            .filter(|info| info.flags & CLAP_PARAM_IS_READONLY == 0)
            .map(|info| {
                let value = info.min_value + rng.unit() * (info.max_value - info.min_value);
                HostEvent::Param { time: 0, id: info.id, value }
            })
            .collect();
        flushed.flush(&events);
        let (input, mut output) = (noise(64, round), vec![vec![0.0_f32; 64]; 2]);
        processed.process(Buffers::F32 { input: &input, output: &mut output }, 0, 64, &events, None);
        for info in flushed.param_infos().iter().filter(|i| i.flags & CLAP_PARAM_IS_READONLY == 0) {
            assert_eq!(flushed.value(info.id), processed.value(info.id), "round {round}: parameter {}", info.id);
        }
        assert_eq!(flushed.save(usize::MAX), processed.save(usize::MAX), "round {round}: the same state");
    }
    flushed.stop();
    processed.stop();
}

#[test]
fn an_empty_state_and_megabytes_of_random_bytes_are_refused() {
    let _serial = serial();
    let module = buffered();
    let instance = module.create();
    let defaults = instance.save(usize::MAX).unwrap();
    assert!(!instance.load(&[], 1), "state-invalid-empty");
    let mut rng = Lcg(67);
    for _ in 0..3 {
        let random: Vec<u8> = (0..1 << 20).map(|_| rng.next() as u8).collect();
        assert!(!instance.load(&random, 4093), "state-invalid-random");
    }
    assert_eq!(instance.save(usize::MAX), Some(defaults), "nothing changed");
}

#[test]
fn sample_rates_from_1_to_768_khz_and_block_sizes_from_1_to_16k_keep_the_delay_exact() {
    let _serial = serial();
    let (b_module, u_module) = (buffered(), ClapModule::load(&clap_file(&UNBUFFERED)));
    let mut rng = Lcg(71);
    let cases =
        [(1_000.0, 1), (11_025.5, 7), (44_100.0, 16_384), (48_000.0, 1000), (352_800.0, 512), (768_000.0, 4096)];
    for (rate, max_block) in cases {
        let frames = (0.05 * rate) as usize + 20_000;
        let (b, u) = (b_module.create(), u_module.create());
        let latency = b.start(rate, max_block) as usize;
        assert_eq!(latency, (0.05 * rate).round() as usize, "{rate} Hz");
        u.start(rate, max_block);
        let input = noise(frames, rng.next());
        let sizes = block_sizes(frames, rng.next(), max_block as usize);
        assert!(sizes.iter().all(|n| *n <= max_block as usize));
        let reference = play(&u, &input, 2, &sizes, &[]);
        let output = play(&b, &input, 2, &block_sizes(frames, rng.next(), max_block as usize), &[]);
        assert_delayed(&output, &reference, latency, &format!("{rate} Hz, blocks up to {max_block}"));
        b.stop();
        u.stop();
    }
}
