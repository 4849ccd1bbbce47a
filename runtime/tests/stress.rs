//! Two-thread stress: millions of frames in random chunk sizes, every sample
//! checked against the value that encodes its clock and channel.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use common::{encode, encoded_block};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use runtime::ring;
use runtime::writeahead::{WriteAheadBuffer, WriteAheadConfig, WriteError};

const FRAMES_PER_CHANNEL: u64 = 10_000_000;
const CHANNELS: usize = 2;
const MAX_CHUNK: usize = 1500;

#[test]
fn ring_moves_ten_million_frames_per_channel_intact() {
    let (mut producer, mut consumer) = ring::new(CHANNELS, 4096).unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let start = Arc::clone(&barrier);
    let writer = std::thread::spawn(move || {
        let mut rng = StdRng::seed_from_u64(1);
        let mut block = vec![vec![0.0_f32; MAX_CHUNK]; CHANNELS];
        start.wait();
        let mut clock = 0_u64;
        while clock < FRAMES_PER_CHANNEL {
            let chunk = rng.random_range(0..=MAX_CHUNK).min((FRAMES_PER_CHANNEL - clock) as usize);
            for (ch, channel) in block.iter_mut().enumerate() {
                for (i, sample) in channel[..chunk].iter_mut().enumerate() {
                    *sample = encode(clock + i as u64, ch);
                }
            }
            let mut offset = 0;
            while offset < chunk {
                let parts: Vec<&[f32]> = block.iter().map(|c| &c[offset..chunk]).collect();
                offset += producer.write(&parts).unwrap();
                std::hint::spin_loop();
            }
            clock += chunk as u64;
        }
    });

    let mut rng = StdRng::seed_from_u64(2);
    let mut out = vec![vec![0.0_f32; MAX_CHUNK]; CHANNELS];
    barrier.wait();
    let mut clock = 0_u64;
    let mut reads = 0_u64;
    while clock < FRAMES_PER_CHANNEL {
        let chunk = rng.random_range(0..=MAX_CHUNK);
        let mut parts: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[..chunk]).collect();
        let got = consumer.read(&mut parts).unwrap();
        for (ch, channel) in out.iter().enumerate() {
            for (i, sample) in channel[..got].iter().enumerate() {
                assert_eq!(
                    sample.to_bits(),
                    encode(clock + i as u64, ch).to_bits(),
                    "clock {} channel {ch}",
                    clock + i as u64
                );
            }
        }
        clock += got as u64;
        reads += 1;
    }
    writer.join().unwrap();
    assert_eq!(clock, FRAMES_PER_CHANNEL);
    assert!(reads > 10_000, "the test must interleave many operations, made {reads}");
}

/// A writer and a reader racing through a write-ahead buffer with a small delay,
/// so that both on-time reads and underruns happen: every frame read is either the
/// exact frame for its clock or silence, and silence is counted exactly.
#[test]
fn write_ahead_buffer_under_contention_never_returns_a_wrong_frame() {
    const TOTAL: u64 = 4_000_000;
    let config = WriteAheadConfig::new(48_000.0, CHANNELS, 256).with_latency_ms(2.0); // L = 96
    let buffer = WriteAheadBuffer::new(config).unwrap();
    let latency = buffer.latency_samples() as u64;
    let (mut writer, mut reader) = buffer.split();
    let stop = Arc::new(AtomicBool::new(false));
    let writer_stop = Arc::clone(&stop);
    let producer = std::thread::spawn(move || {
        let mut rng = StdRng::seed_from_u64(3);
        let mut input = 0_u64;
        let mut overruns = 0_u64;
        while !writer_stop.load(Ordering::Relaxed) {
            let chunk = rng.random_range(1..=256);
            let block = encoded_block(CHANNELS, input, chunk);
            let parts: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
            match writer.write(&parts) {
                Ok(()) => input += chunk as u64,
                Err(WriteError::Overrun { .. }) => overruns += 1,
                Err(err) => panic!("{err}"),
            }
            if rng.random_range(0..64) == 0 {
                std::thread::yield_now(); // let the reader overtake now and then
            }
        }
        (input, overruns)
    });

    let mut rng = StdRng::seed_from_u64(4);
    let mut clock = 0_u64;
    let (mut silent, mut exact) = (0_u64, 0_u64);
    let mut out = vec![vec![0.0_f32; 256]; CHANNELS];
    while clock < TOTAL {
        let chunk = rng.random_range(0..=256);
        let mut parts: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[..chunk]).collect();
        let missing = reader.read(&mut parts).unwrap();
        let mut silent_here = 0;
        for i in 0..chunk {
            let t = clock + i as u64;
            let is_silent = out.iter().all(|c| c[i].to_bits() == 0);
            if is_silent {
                silent_here += 1;
            } else {
                for (ch, channel) in out.iter().enumerate() {
                    assert!(t >= latency, "no data before the delay");
                    assert_eq!(channel[i].to_bits(), encode(t - latency, ch).to_bits(), "clock {t} channel {ch}");
                }
                exact += 1;
            }
        }
        let prefill = latency.saturating_sub(clock).min(chunk as u64) as usize;
        assert_eq!(silent_here, missing + prefill, "every silent frame is counted, and only those");
        silent += missing as u64;
        clock += chunk as u64;
        if rng.random_range(0..8) == 0 {
            std::thread::yield_now();
        }
    }
    stop.store(true, Ordering::Relaxed);
    let (written, _overruns) = producer.join().unwrap();
    let stats = reader.stats();
    assert_eq!(stats.underruns, silent);
    assert_eq!(exact + silent + latency, clock, "every frame read was exact or counted silence");
    assert!(stats.late_frames <= stats.underruns, "only frames the reader skipped can be late");
    // Both paths must have run (how much of each depends on scheduling; every
    // frame's correctness is checked above either way).
    assert!(exact >= TOTAL / 100, "the writer kept up for part of the run: {exact} exact frames");
    assert!(silent > 0, "the reader overtook the writer at least once");
    assert!(written + latency >= exact);
}
