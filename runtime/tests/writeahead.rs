//! The write-ahead buffer: exact delay, sample aging, overrun refusal and stats,
//! against a clock-keyed model and in hand-written scenarios.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{as_muts, as_refs, encode, encoded_block};
use proptest::prelude::*;
use runtime::writeahead::{ConfigError, WriteAheadBuffer, WriteAheadConfig, WriteError, latency_samples};

/// A buffer with exactly `latency` frames of delay (1 kHz, so 1 ms = 1 frame).
fn buffer(channels: usize, latency: usize, max_block: usize) -> WriteAheadBuffer {
    let config = WriteAheadConfig::new(1000.0, channels, max_block).with_latency_ms(latency as f64);
    let buffer = WriteAheadBuffer::new(config).unwrap();
    assert_eq!(buffer.latency_samples(), latency);
    buffer
}

/// Reads `frames` frames; returns (channel 0 samples, missing count).
fn read(buffer: &mut WriteAheadBuffer, channels: usize, frames: usize) -> (Vec<Vec<f32>>, usize) {
    let mut out = vec![vec![-1.0; frames]; channels];
    let missing = buffer.read(&mut as_muts(&mut out)).unwrap();
    (out, missing)
}

#[test]
fn latency_and_capacity_follow_the_formula() {
    assert_eq!(latency_samples(50.0, 44_100.0), 2205);
    assert_eq!(latency_samples(50.0, 48_000.0), 2400);
    assert_eq!(latency_samples(10.0, 44_100.0), 441);
    assert_eq!(latency_samples(0.01, 44_100.0), 0); // 0.441 rounds down
    assert_eq!(latency_samples(0.02, 44_100.0), 1); // 0.882 rounds up
    // max(4 L, L + block): 4 * 2205 = 8820 -> 16384.
    assert_eq!(WriteAheadConfig::new(44_100.0, 2, 512).capacity(), 16_384);
    // A block larger than 3 L dominates: 441 + 8192 = 8633 -> 16384; 4 * 441 = 1764.
    assert_eq!(WriteAheadConfig::new(44_100.0, 2, 8192).with_latency_ms(10.0).capacity(), 16_384);
    assert_eq!(WriteAheadConfig::new(48_000.0, 1, 64).with_latency_ms(1.0).capacity(), 256);
}

#[test]
fn bad_configs_are_refused() {
    let ok = WriteAheadConfig::new(48_000.0, 2, 512);
    let refuse = |config: WriteAheadConfig| WriteAheadBuffer::new(config).err().unwrap();
    assert_eq!(refuse(WriteAheadConfig { sample_rate: 0.0, ..ok }), ConfigError::SampleRate(0.0));
    assert!(matches!(refuse(WriteAheadConfig { sample_rate: f64::NAN, ..ok }), ConfigError::SampleRate(_)));
    assert_eq!(refuse(WriteAheadConfig { channels: 0, ..ok }), ConfigError::Channels(0));
    assert_eq!(refuse(WriteAheadConfig { channels: 65, ..ok }), ConfigError::Channels(65));
    assert_eq!(refuse(ok.with_latency_ms(-1.0)), ConfigError::LatencyMs(-1.0));
    assert_eq!(refuse(ok.with_latency_ms(1000.5)), ConfigError::LatencyMs(1000.5));
    assert_eq!(refuse(WriteAheadConfig { max_block: 0, ..ok }), ConfigError::MaxBlock);
}

#[test]
fn starts_with_exactly_latency_frames_of_silence_then_the_input() {
    let mut buffer = buffer(2, 10, 64);
    let stats = buffer.stats();
    assert_eq!((stats.lead, stats.latency_samples), (10, 10));
    assert_eq!(stats.latency, Duration::from_millis(10));
    buffer.write(&as_refs(&encoded_block(2, 0, 30))).unwrap();
    let (out, missing) = read(&mut buffer, 2, 40);
    assert_eq!(missing, 0);
    for (ch, channel) in out.iter().enumerate() {
        assert!(channel[..10].iter().all(|v| *v == 0.0));
        for (t, sample) in channel.iter().enumerate().skip(10) {
            assert_eq!(sample.to_bits(), encode(t as u64 - 10, ch).to_bits(), "clock {t}");
        }
    }
    assert_eq!(buffer.stats().underruns, 0);
}

#[test]
fn a_late_writer_yields_exactly_the_missing_frames_as_silence_then_exact_data() {
    let mut buffer = buffer(1, 10, 64);
    buffer.write(&as_refs(&encoded_block(1, 0, 5))).unwrap(); // input clocks 0..5 -> ring 10..15
    let (out, missing) = read(&mut buffer, 1, 20); // ring 0..20
    assert_eq!(missing, 5, "ring clocks 15..20 were not written");
    assert!(out[0][..10].iter().all(|v| *v == 0.0), "the initial delay is silence, not underrun");
    for (t, sample) in out[0].iter().enumerate().take(15).skip(10) {
        assert_eq!(sample.to_bits(), encode(t as u64 - 10, 0).to_bits());
    }
    assert!(out[0][15..].iter().all(|v| *v == 0.0));
    let stats = buffer.stats();
    assert_eq!((stats.underruns, stats.underrun_events), (5, 1));

    // The writer catches up: input 5..15 -> ring 15..25; 15..20 already passed.
    buffer.write(&as_refs(&encoded_block(1, 5, 10))).unwrap();
    let stats = buffer.stats();
    assert_eq!((stats.late_frames, stats.adjustments), (5, 1));
    let (out, missing) = read(&mut buffer, 1, 5); // ring 20..25 = input 10..15
    assert_eq!(missing, 0);
    for (i, v) in out[0].iter().enumerate() {
        assert_eq!(v.to_bits(), encode(10 + i as u64, 0).to_bits(), "on time again, never stale");
    }
}

#[test]
fn a_writer_late_by_more_than_a_block_drops_the_whole_block() {
    let mut buffer = buffer(1, 4, 8);
    let (_, missing) = read(&mut buffer, 1, 20); // ring 0..20: 4 of silence, 16 missing
    assert_eq!(missing, 16);
    buffer.write(&as_refs(&encoded_block(1, 0, 8))).unwrap(); // ring 4..12: all late
    buffer.write(&as_refs(&encoded_block(1, 8, 8))).unwrap(); // ring 12..20: all late
    buffer.write(&as_refs(&encoded_block(1, 16, 8))).unwrap(); // ring 20..28: on time
    let stats = buffer.stats();
    assert_eq!((stats.late_frames, stats.adjustments), (16, 2));
    let (out, missing) = read(&mut buffer, 1, 8);
    assert_eq!(missing, 0);
    for (i, v) in out[0].iter().enumerate() {
        assert_eq!(v.to_bits(), encode(16 + i as u64, 0).to_bits());
    }
}

#[test]
fn an_overrun_is_refused_whole_and_counted() {
    let mut buffer = buffer(1, 4, 4); // capacity max(16, 8) = 16, 4 used by the delay
    assert_eq!(buffer.stats().capacity, 16);
    buffer.write(&as_refs(&encoded_block(1, 0, 10))).unwrap();
    let err = buffer.write(&as_refs(&encoded_block(1, 10, 3))).unwrap_err();
    assert_eq!(err, WriteError::Overrun { frames: 3, free: 2 });
    assert_eq!(buffer.stats().overruns, 1);
    buffer.write(&as_refs(&encoded_block(1, 10, 2))).unwrap(); // exactly fills
    let (out, missing) = read(&mut buffer, 1, 16);
    assert_eq!(missing, 0);
    for (t, sample) in out[0].iter().enumerate().skip(4) {
        assert_eq!(sample.to_bits(), encode(t as u64 - 4, 0).to_bits(), "nothing was corrupted");
    }
    let stats = buffer.stats();
    assert_eq!(stats.utilisation, 1.0);
}

#[test]
fn stats_are_readable_from_another_thread() {
    let mut buffer = buffer(1, 10, 64);
    let handle = buffer.stats_handle();
    read(&mut buffer, 1, 15);
    let stats = std::thread::spawn(move || handle.stats()).join().unwrap();
    assert_eq!((stats.underruns, stats.lead), (5, 0));
}

#[derive(Debug, Clone)]
enum Op {
    Write(usize),
    Read(usize),
}

/// The model: every written frame keyed by its ring clock.
struct Model {
    latency: u64,
    capacity: u64,
    read: u64,
    write: u64,
    frames: BTreeMap<u64, u64>, // ring clock -> input clock
    underruns: u64,
    overruns: u64,
    adjustments: u64,
    late: u64,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn buffer_matches_model(
        latency in 0_usize..=24,
        max_block in 1_usize..=40,
        channels in 1_usize..=2,
        ops in proptest::collection::vec(prop_oneof![(0_usize..=48).prop_map(Op::Write), (0_usize..=48).prop_map(Op::Read)], 0..80),
    ) {
        let mut buffer = buffer(channels, latency, max_block);
        let capacity = buffer.stats().capacity as u64;
        let mut m = Model {
            latency: latency as u64, capacity, read: 0, write: latency as u64, frames: BTreeMap::new(),
            underruns: 0, overruns: 0, adjustments: 0, late: 0,
        };
        let mut next_input = 0_u64;
        for op in ops {
            match op {
                Op::Write(n) => {
                    let result = buffer.write(&as_refs(&encoded_block(channels, next_input, n)));
                    let late = m.read.saturating_sub(m.write).min(n as u64);
                    let free = m.read + m.capacity - m.write.max(m.read);
                    if n as u64 - late > free {
                        prop_assert_eq!(result, Err(WriteError::Overrun { frames: n - late as usize, free: free as usize }));
                        m.overruns += 1;
                    } else {
                        prop_assert_eq!(result, Ok(()));
                        for i in 0..n as u64 {
                            let clock = m.write + i;
                            if clock >= m.read {
                                m.frames.insert(clock, next_input + i);
                            }
                        }
                        if late > 0 {
                            m.adjustments += 1;
                            m.late += late;
                        }
                        m.write += n as u64;
                        next_input += n as u64;
                    }
                }
                Op::Read(n) => {
                    let mut out = vec![vec![-1.0; n]; channels];
                    let missing = buffer.read(&mut as_muts(&mut out)).unwrap();
                    let mut expected_missing = 0;
                    for (i, clock) in (m.read..m.read + n as u64).enumerate() {
                        let written = m.frames.get(&clock).copied();
                        if let Some(input) = written {
                            prop_assert_eq!(input + m.latency, clock, "exact delay");
                        }
                        for (ch, channel) in out.iter().enumerate() {
                            let want = match written {
                                _ if clock < m.latency => 0.0, // the initial delay
                                Some(input) => encode(input, ch),
                                None => 0.0,
                            };
                            prop_assert_eq!(channel[i].to_bits(), want.to_bits(), "clock {}", clock);
                        }
                        if clock >= m.latency && written.is_none() {
                            expected_missing += 1;
                        }
                    }
                    prop_assert_eq!(missing, expected_missing);
                    m.underruns += expected_missing as u64;
                    m.read += n as u64;
                    m.frames = m.frames.split_off(&m.read);
                }
            }
            let stats = buffer.stats();
            prop_assert_eq!(stats.underruns, m.underruns);
            prop_assert_eq!(stats.overruns, m.overruns);
            prop_assert_eq!(stats.adjustments, m.adjustments);
            prop_assert_eq!(stats.late_frames, m.late);
            prop_assert_eq!(stats.lead, m.write.saturating_sub(m.read));
        }
    }
}
