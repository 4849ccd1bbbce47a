//! Property test: the ring behaves like a simple clock-keyed model for random
//! sequences of writes, reads and aging reads, in copies and in chunks lent in
//! place, with skips, including 0-length operations, from every starting offset
//! so that wrap-around happens at every slot.

mod common;

use std::collections::VecDeque;

use common::{as_muts, as_refs, encode, encoded_block};
use proptest::prelude::*;
use runtime::ring::{self, ShapeError};

#[derive(Debug, Clone)]
enum Op {
    Write(usize),
    Read(usize),
    ReadOrSilence(usize),
    Refresh,
    WriteChunk(usize),
    ReadChunk(usize),
    Skip(usize),
    SkipTo(usize),
}

fn op(max: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..=max).prop_map(Op::Write),
        3 => (0..=max).prop_map(Op::Read),
        2 => (0..=max).prop_map(Op::ReadOrSilence),
        1 => Just(Op::Refresh),
        3 => (0..=max).prop_map(Op::WriteChunk),
        3 => (0..=max).prop_map(Op::ReadChunk),
        1 => (0..=max).prop_map(Op::Skip),
        1 => (0..=max).prop_map(Op::SkipTo),
    ]
}

/// The reference: a queue of (clock, frame) with explicit clocks.
struct Model {
    capacity: usize,
    read: u64,
    /// The read clock as the consumer last published it.
    published: u64,
    release_every: u64,
    write: u64,
    /// `None`: a frame skipped by `skip_to`, whose slot holds anything.
    frames: VecDeque<(u64, Option<Vec<f32>>)>,
}

impl Model {
    /// Frames taken by a write of `frames` frames, given that the producer knows
    /// the read clock as `known_read`.
    fn write(&mut self, block: &[Vec<f32>], frames: usize, known_read: u64) -> usize {
        let late = (known_read.saturating_sub(self.write) as usize).min(frames);
        self.write += late as u64;
        let free = (known_read + self.capacity as u64 - self.write.max(known_read)) as usize;
        let count = (frames - late).min(free);
        for i in late..late + count {
            self.frames.push_back((self.write, Some(block.iter().map(|ch| ch[i]).collect())));
            self.write += 1;
        }
        late + count
    }

    /// Frames readable at the read clock, in order.
    fn pop_up_to(&mut self, frames: usize) -> Vec<Option<Vec<f32>>> {
        self.frames.retain(|(clock, _)| *clock >= self.read);
        let mut out = Vec::new();
        while out.len() < frames {
            match self.frames.front() {
                Some((clock, _)) if *clock == self.read => {
                    out.push(self.frames.pop_front().unwrap().1);
                    self.read += 1;
                }
                _ => break,
            }
        }
        out
    }
}

impl Model {
    fn publish(&mut self, now: bool) {
        if now || self.read - self.published >= self.release_every {
            self.published = self.read;
        }
    }
}

fn run(
    channels: usize,
    min_capacity: usize,
    start: u64,
    silence: usize,
    release_every: usize,
    ops: Vec<Op>,
) -> Result<(), TestCaseError> {
    let silence = silence.min(min_capacity.next_power_of_two());
    let (mut producer, mut consumer) = ring::with_clock(channels, min_capacity, start, silence).unwrap();
    consumer.release_every(release_every);
    let capacity = producer.capacity();
    prop_assert!(capacity.is_power_of_two() && capacity >= min_capacity);
    let mut model = Model {
        capacity,
        read: start,
        published: start,
        release_every: release_every.max(1) as u64,
        write: start + silence as u64,
        frames: (start..start + silence as u64).map(|c| (c, Some(vec![0.0; channels]))).collect(),
    };
    // The producer's view of the read clock changes only when it reloads.
    let mut known_read = start;
    let mut next_value = 1_u64 << 40;
    for op in ops {
        match op {
            Op::Write(frames) => {
                let block = encoded_block(channels, next_value, frames);
                next_value += frames as u64;
                let cached_free = (known_read + capacity as u64 - model.write.max(known_read)) as usize;
                let cached_late = known_read.saturating_sub(model.write) as usize;
                if frames > 0 && cached_free + cached_late < frames {
                    known_read = model.published; // the ring reloads when it looks full
                }
                let taken = producer.write(&as_refs(&block)).unwrap();
                prop_assert_eq!(taken, model.write(&block, frames, known_read));
                prop_assert_eq!(producer.clock(), model.write);
            }
            Op::Read(frames) => {
                let mut out = vec![vec![-7.0; frames]; channels];
                let got = consumer.read(&mut as_muts(&mut out)).unwrap();
                let expected = model.pop_up_to(frames);
                prop_assert_eq!(got, expected.len());
                model.publish(false);
                for (i, frame) in expected.iter().enumerate() {
                    for ch in 0..channels {
                        if let Some(frame) = frame {
                            prop_assert_eq!(out[ch][i].to_bits(), frame[ch].to_bits());
                        }
                    }
                }
                for ch in &out {
                    prop_assert!(ch[got..].iter().all(|v| *v == -7.0), "unread tail must be untouched");
                }
            }
            Op::ReadOrSilence(frames) => {
                let mut out = vec![vec![-7.0; frames]; channels];
                let missing = consumer.read_or_silence(&mut as_muts(&mut out)).unwrap();
                let expected = model.pop_up_to(frames);
                prop_assert_eq!(missing, frames - expected.len());
                model.read += missing as u64;
                model.publish(missing > 0);
                for (ch, channel) in out.iter().enumerate() {
                    for (i, sample) in channel.iter().enumerate() {
                        match expected.get(i) {
                            Some(Some(frame)) => prop_assert_eq!(sample.to_bits(), frame[ch].to_bits()),
                            Some(None) => {}
                            None => prop_assert_eq!(sample.to_bits(), 0.0_f32.to_bits()),
                        }
                    }
                }
            }
            Op::WriteChunk(frames) => {
                let block = encoded_block(channels, next_value, frames);
                next_value += frames as u64;
                let writable = |known_read: u64| ((known_read + capacity as u64 - model.write) as usize).min(capacity);
                if writable(known_read) < frames {
                    known_read = model.published; // reloads when it looks too small
                }
                let Ok(mut chunk) = producer.write_chunk(frames) else {
                    prop_assert!(writable(known_read) < frames, "refused a chunk that fits");
                    continue;
                };
                prop_assert!(frames <= writable(known_read), "lent a chunk that does not fit");
                prop_assert_eq!(chunk.len(), frames);
                prop_assert_eq!(chunk.clock(), model.write);
                for (ch, samples) in block.iter().enumerate() {
                    let (first, second) = chunk.channel_mut(ch);
                    prop_assert_eq!(first.len() + second.len(), frames);
                    first.copy_from_slice(&samples[..first.len()]);
                    second.copy_from_slice(&samples[first.len()..]);
                }
                let expected_late = (known_read.saturating_sub(model.write) as usize).min(frames);
                prop_assert_eq!(chunk.commit(), expected_late);
                prop_assert_eq!(model.write(&block, frames, known_read), frames);
                prop_assert_eq!(producer.clock(), model.write);
            }
            Op::ReadChunk(frames) => {
                let available = consumer.available();
                let Ok(chunk) = consumer.read_chunk(frames) else {
                    prop_assert!(available < frames, "refused a chunk that is there");
                    continue;
                };
                prop_assert!(frames <= available);
                let expected = model.pop_up_to(frames);
                prop_assert_eq!(expected.len(), frames);
                for ch in 0..channels {
                    let (first, second) = chunk.channel(ch);
                    for (i, sample) in first.iter().chain(second).enumerate() {
                        if let Some(frame) = &expected[i] {
                            prop_assert_eq!(sample.to_bits(), frame[ch].to_bits());
                        }
                    }
                }
                chunk.commit();
                model.publish(false);
            }
            Op::Skip(frames) => {
                let missing = consumer.skip(frames);
                let expected = model.pop_up_to(frames);
                prop_assert_eq!(missing, frames - expected.len());
                model.read += missing as u64;
                model.publish(missing > 0);
            }
            Op::SkipTo(frames) => {
                let writable = |known_read: u64| (known_read + capacity as u64 - model.write) as usize;
                if writable(known_read) < frames {
                    known_read = model.published;
                }
                let target = model.write + frames as u64;
                if producer.skip_to(target).is_err() {
                    prop_assert!(writable(known_read) < frames, "refused a skip that fits");
                    prop_assert_eq!(producer.clock(), model.write, "a refused skip moves nothing");
                    continue;
                }
                for clock in model.write..target {
                    if clock >= known_read {
                        model.frames.push_back((clock, None));
                    }
                }
                model.write = target;
                prop_assert_eq!(producer.clock(), model.write);
            }
            Op::Refresh => {
                producer.refresh();
                known_read = model.published;
            }
        }
        prop_assert_eq!(consumer.clock(), model.read);
        let readable = model.write.saturating_sub(model.read) as usize;
        prop_assert_eq!(consumer.available(), readable);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ring_matches_model(
        channels in 1_usize..=3,
        min_capacity in 1_usize..=16,
        start_slot in 0_u64..16,
        start_high in prop_oneof![Just(0_u64), Just(1_u64 << 40), Just(u64::MAX / 2)],
        silence in 0_usize..=16,
        release_every in prop_oneof![Just(1_usize), 1_usize..=9],
        ops in proptest::collection::vec(op(40), 0..60),
    ) {
        run(channels, min_capacity, start_high + start_slot, silence, release_every, ops)?;
    }
}

#[test]
fn every_slot_offset_wraps_correctly() {
    // Deterministic sweep: for each capacity and each start slot, stream frames in
    // sizes that straddle the end of the storage.
    for capacity in [1, 2, 4, 8, 16] {
        for start in 0..capacity as u64 {
            for chunk in 1..=capacity {
                let (mut producer, mut consumer) = ring::with_clock(2, capacity, start, 0).unwrap();
                let mut clock = start;
                for _ in 0..3 {
                    let block = encoded_block(2, clock, chunk);
                    assert_eq!(producer.write(&as_refs(&block)).unwrap(), chunk);
                    let mut out = vec![vec![0.0; chunk]; 2];
                    assert_eq!(consumer.read(&mut as_muts(&mut out)).unwrap(), chunk);
                    for (ch, channel) in out.iter().enumerate() {
                        for (i, v) in channel.iter().enumerate() {
                            assert_eq!(v.to_bits(), encode(clock + i as u64, ch).to_bits());
                        }
                    }
                    clock += chunk as u64;
                }
            }
        }
    }
}

#[test]
fn full_ring_takes_nothing_and_empty_ring_gives_nothing() {
    let (mut producer, mut consumer) = ring::new(1, 8).unwrap();
    let block = encoded_block(1, 0, 12);
    assert_eq!(producer.write(&as_refs(&block)).unwrap(), 8);
    assert_eq!(producer.write(&as_refs(&block)).unwrap(), 0);
    let mut out = vec![vec![0.0; 12]];
    assert_eq!(consumer.read(&mut as_muts(&mut out)).unwrap(), 8);
    assert_eq!(consumer.read(&mut as_muts(&mut out)).unwrap(), 0);
}

#[test]
fn shape_errors_are_reported_not_guessed() {
    let (mut producer, mut consumer) = ring::new(2, 8).unwrap();
    let mono = [vec![1.0; 4]];
    assert_eq!(producer.write(&as_refs(&mono)), Err(ShapeError::ChannelCount { expected: 2, got: 1 }));
    let ragged = [vec![1.0; 4], vec![1.0; 3]];
    assert_eq!(producer.write(&as_refs(&ragged)), Err(ShapeError::UnequalLengths));
    let mut out = [vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]];
    assert_eq!(consumer.read(&mut as_muts(&mut out)), Err(ShapeError::ChannelCount { expected: 2, got: 3 }));
    assert_eq!(producer.clock(), 0, "a refused write moves nothing");
}

#[test]
fn construction_errors() {
    assert_eq!(ring::new(0, 8).err(), Some(ring::RingError::NoChannels));
    assert!(matches!(ring::new(2, usize::MAX), Err(ring::RingError::CapacityTooLarge { .. })));
    assert_eq!(
        ring::with_clock(1, 8, 0, 9).err(),
        Some(ring::RingError::SilenceExceedsCapacity { silence: 9, capacity: 8 })
    );
}

#[test]
fn sides_are_send() {
    // Not `Sync`: the compile_fail examples in the module docs prove that.
    fn is_send<T: Send>() {}
    is_send::<ring::Producer>();
    is_send::<ring::Consumer>();
}
