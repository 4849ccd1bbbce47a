//! The ring and the write-ahead buffer, once built, never allocate on any path:
//! plain and aging reads, writes that wrap, late drops, overruns and stats.

mod common;

use assert_no_alloc::{AllocDisabler, assert_no_alloc, reset_violation_count, violation_count};
use runtime::{
    ring, simd,
    writeahead::{WriteAheadBuffer, WriteAheadConfig},
};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

/// The tests share one violation counter per thread; each runs on its own thread.
fn violations_during(work: impl FnOnce()) -> u32 {
    reset_violation_count();
    assert_no_alloc(work);
    violation_count()
}

#[test]
fn the_detector_catches_an_allocation() {
    let count = violations_during(|| {
        let boxed = std::hint::black_box(Box::new(1_u64));
        drop(boxed);
    });
    assert!(count >= 1, "assert_no_alloc must see this allocation");
}

#[test]
fn ring_paths_do_not_allocate() {
    let (mut producer, mut consumer) = ring::with_clock(2, 64, 60, 3).unwrap();
    let block = common::encoded_block(2, 0, 48);
    let mut out = vec![vec![0.0_f32; 48]; 2];
    let count = violations_during(|| {
        for round in 0..20 {
            let input: [&[f32]; 2] = [&block[0], &block[1]];
            producer.write(&input).unwrap();
            producer.write(&input).unwrap(); // may be partial: the ring is small
            let [left, right] = &mut out[..] else { unreachable!() };
            let mut output: [&mut [f32]; 2] = [left, right];
            if round % 3 == 0 {
                consumer.read_or_silence(&mut output).unwrap();
                consumer.read_or_silence(&mut output).unwrap(); // passes the writer: aging
            } else {
                consumer.read(&mut output).unwrap();
            }
            producer.refresh();
            let _ = (producer.free_len(), consumer.available(), producer.observer().clocks());
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn write_ahead_paths_do_not_allocate() {
    let config = WriteAheadConfig::new(48_000.0, 2, 64).with_latency_ms(1.0);
    let mut buffer = WriteAheadBuffer::new(config).unwrap();
    let handle = buffer.stats_handle();
    let block = common::encoded_block(2, 0, 64);
    let mut out = vec![vec![0.0_f32; 64]; 2];
    let count = violations_during(|| {
        for _ in 0..5 {
            let input: [&[f32]; 2] = [&block[0], &block[1]];
            let [left, right] = &mut out[..] else { unreachable!() };
            let mut output: [&mut [f32]; 2] = [left, right];
            // The reader runs ahead of a silent writer: underruns.
            for _ in 0..3 {
                buffer.read(&mut output).unwrap();
            }
            // The writer catches up: late drops, then on-time frames.
            for _ in 0..4 {
                buffer.write(&input).unwrap();
            }
            // And runs into the reader: overruns.
            while buffer.write(&input).is_ok() {}
            for _ in 0..6 {
                buffer.read(&mut output).unwrap();
            }
            let _ = handle.stats();
        }
    });
    let stats = buffer.stats();
    assert!(stats.underruns > 0 && stats.overruns > 0 && stats.late_frames > 0, "all paths ran: {stats:?}");
    assert_eq!(count, 0);
}

#[test]
fn kernels_do_not_allocate() {
    let a = vec![0.5_f32; 300];
    let mut b = vec![0.25_f32; 300];
    let mut wide = vec![0.0_f64; 300];
    let mut interleaved = vec![0.0_f32; 600];
    let count = violations_during(|| {
        simd::copy(&mut b, &a);
        simd::copy_with_gain(&mut b, &a, 0.5);
        simd::add(&mut b, &a);
        simd::mix(&mut b, &a, 0.5);
        simd::fill(&mut b, 0.0);
        simd::f32_to_f64(&mut wide, &a);
        simd::f64_to_f32(&mut b, &wide);
        simd::interleave(&mut interleaved, &[&a, &a]);
        let (left, right) = b.split_at_mut(150);
        simd::deinterleave(&mut [left, right], &interleaved[..300]);
        std::hint::black_box(simd::peak(&a));
        b[7] = f32::NAN;
        std::hint::black_box(simd::zero_non_finite(&mut b));
    });
    assert_eq!(count, 0);
}
