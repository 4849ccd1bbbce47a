//! Loom model of the ring's producer/consumer protocol: every interleaving of the
//! positions' loads and stores, with every slot access tracked, so a missing
//! Release/Acquire pair or an overlapping slot range fails the model.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test --manifest-path loom-tests/Cargo.toml --release`.
#![cfg(loom)]

use loom::thread;
use loom_tests::ring;

fn value(clock: u64, channel: usize) -> f32 {
    (clock * 10 + channel as u64 + 1) as f32
}

/// Producer writes 6 frames in chunks of 3 into a 4-frame ring (so it wraps and
/// must wait for the consumer); the consumer reads them in chunks of 2.
#[test]
fn frames_arrive_complete_and_in_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = ring::new(2, 4).unwrap();
        let writer = thread::spawn(move || {
            let mut clock = 0_u64;
            while clock < 6 {
                let block: Vec<Vec<f32>> =
                    (0..2).map(|ch| (clock..6.min(clock + 3)).map(|t| value(t, ch)).collect()).collect();
                let parts: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
                let taken = producer.write(&parts).unwrap();
                clock += taken as u64;
                if taken == 0 {
                    thread::yield_now();
                }
            }
        });
        let mut clock = 0_u64;
        while clock < 6 {
            let mut out = vec![vec![0.0_f32; 2]; 2];
            let mut parts: Vec<&mut [f32]> = out.iter_mut().map(Vec::as_mut_slice).collect();
            let got = consumer.read(&mut parts).unwrap();
            for (ch, channel) in out.iter().enumerate() {
                for (i, sample) in channel[..got].iter().enumerate() {
                    assert_eq!(*sample, value(clock + i as u64, ch));
                }
            }
            clock += got as u64;
            if got == 0 {
                thread::yield_now();
            }
        }
        writer.join().unwrap();
    });
}

/// The consumer reads by clock and never waits: each frame is either the right
/// one or silence, and the producer drops what the consumer passed.
#[test]
fn aging_reads_never_see_a_wrong_frame() {
    loom::model(|| {
        let (mut producer, mut consumer) = ring::new(1, 2).unwrap();
        let writer = thread::spawn(move || {
            for start in [0_u64, 2] {
                let block = [vec![value(start, 0), value(start + 1, 0)]];
                let parts: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
                let mut offset = 0;
                while offset < 2 {
                    let rest: Vec<&[f32]> = parts.iter().map(|c| &c[offset..]).collect();
                    let taken = producer.write(&rest).unwrap();
                    offset += taken;
                    if taken == 0 {
                        thread::yield_now();
                    }
                }
            }
            producer.late_frames()
        });
        let mut silent = 0;
        for start in [0_u64, 2] {
            let mut out = [vec![-1.0_f32; 2]];
            let mut parts: Vec<&mut [f32]> = out.iter_mut().map(Vec::as_mut_slice).collect();
            let missing = consumer.read_or_silence(&mut parts).unwrap();
            for (i, sample) in out[0].iter().enumerate() {
                assert!(
                    *sample == 0.0 || *sample == value(start + i as u64, 0),
                    "clock {}: {sample}",
                    start + i as u64
                );
            }
            // Silence only ever trails the frames that did arrive.
            assert!(out[0][..2 - missing].iter().all(|s| *s != 0.0));
            silent += missing as u64;
        }
        let late = writer.join().unwrap();
        assert!(late <= silent);
    });
}
