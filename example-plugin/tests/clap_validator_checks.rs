//! The checks of clap-validator's test list that apply to this plugin, run
//! by the Rust CLAP host on the built `.clap`: parameter fuzzing and
//! conversions, random sample rates and block sizes, reactivation, denormal
//! and non-finite input, invalid and reproducible state, and a thousand
//! load/unload cycles that leave no thread or memory behind.

mod clap_host;
mod host;
mod support;

use clap_host::{Buffers, ClapModule, HostEvent, assert_delayed, play};
use clap_sys::ext::params::CLAP_PARAM_IS_READONLY;
use clap_sys::process::CLAP_PROCESS_CONTINUE;
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
        assert_eq!(status, CLAP_PROCESS_CONTINUE, "round {round}");
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
