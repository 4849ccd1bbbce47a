//! Two-thread stress: millions of frames in random chunk sizes, every sample
//! checked against the value that encodes its clock and channel.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};

use common::{encode, encoded_block};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use runtime::ring;
use runtime::writeahead::{WriteAheadBuffer, WriteAheadConfig, WriteAheadReader, WriteError};

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
///
/// The reader alternates three phases so that neither outcome depends on how the
/// machine schedules the two threads: it waits for the writer (every frame must be
/// exact), races it freely, and holds the writer still while it reads past it
/// (silence is guaranteed). The free race is where the interesting interleavings
/// happen; the other two phases make sure both paths are exercised every run.
#[test]
fn write_ahead_buffer_under_contention_never_returns_a_wrong_frame() {
    const TOTAL: u64 = 4_000_000;
    const PHASE_FRAMES: u64 = 40_000;
    let config = WriteAheadConfig::new(48_000.0, CHANNELS, 256).with_latency_ms(2.0); // L = 96
    let buffer = WriteAheadBuffer::new(config).unwrap();
    let latency = buffer.latency_samples() as u64;
    let (mut writer, mut reader) = buffer.split();
    let shared = Arc::new(WriterControl::default());
    let control = Arc::clone(&shared);
    let producer = std::thread::spawn(move || {
        let mut rng = StdRng::seed_from_u64(3);
        let mut input = 0_u64;
        let mut overruns = 0_u64;
        while !control.stop.load(Ordering::Relaxed) {
            control.park_while_held();
            let chunk = rng.random_range(1..=256);
            let block = encoded_block(CHANNELS, input, chunk);
            let parts: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
            match writer.write(&parts) {
                Ok(()) => {
                    input += chunk as u64;
                    control.written.store(input, Ordering::Release);
                }
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
    let mut check = ReadChecker::new(latency);
    let mut waited_frames = 0_u64;
    let mut held_reads = 0_u64;
    while check.clock < TOTAL {
        let chunk = rng.random_range(0..=256);
        match (check.clock / PHASE_FRAMES) % 3 {
            0 => {
                // Wait until the writer has delivered everything this read needs.
                let needed = (check.clock + chunk as u64).saturating_sub(latency);
                while shared.written.load(Ordering::Acquire) < needed {
                    std::thread::yield_now();
                }
                let missing = check.read(&mut reader, chunk);
                assert_eq!(missing, 0, "a read the writer had already served came back short");
                waited_frames += chunk as u64;
            }
            1 => {
                check.read(&mut reader, chunk);
                if rng.random_range(0..8) == 0 {
                    std::thread::yield_now();
                }
            }
            _ => {
                // Hold the writer, then read until the reader has passed it.
                shared.hold();
                while check.read(&mut reader, 256) == 0 {}
                shared.release();
                held_reads += 1;
                // Jump to the next phase boundary's remainder with ordinary races.
                while check.clock < TOTAL && (check.clock / PHASE_FRAMES) % 3 == 2 {
                    check.read(&mut reader, rng.random_range(0..=256));
                }
            }
        }
    }
    shared.stop.store(true, Ordering::Relaxed);
    shared.release();
    let (written, _overruns) = producer.join().unwrap();
    let stats = reader.stats();
    let ReadChecker { clock, exact, silent, .. } = check;
    assert_eq!(stats.underruns, silent);
    assert_eq!(exact + silent + latency, clock, "every frame read was exact or counted silence");
    assert!(stats.late_frames <= stats.underruns, "only frames the reader skipped can be late");
    assert!(exact >= waited_frames, "frames read after waiting for the writer are exact: {exact} < {waited_frames}");
    assert!(held_reads >= 30, "the reader overtook a held writer once per phase, {held_reads} times");
    assert!(silent >= held_reads, "each overtaking produced counted silence");
    assert!(written + latency >= exact);
}

/// What the reader uses to steer the writer thread.
#[derive(Default)]
struct WriterControl {
    /// Input frames the writer has delivered so far.
    written: AtomicU64,
    stop: AtomicBool,
    hold: AtomicBool,
    held: AtomicBool,
}

impl WriterControl {
    /// Writer side: while a hold is requested, acknowledge it and stay still.
    fn park_while_held(&self) {
        if !self.hold.load(Ordering::Acquire) {
            return;
        }
        self.held.store(true, Ordering::Release);
        while self.hold.load(Ordering::Acquire) && !self.stop.load(Ordering::Relaxed) {
            std::thread::yield_now();
        }
        self.held.store(false, Ordering::Release);
    }

    /// Reader side: returns once the writer has stopped writing.
    fn hold(&self) {
        self.hold.store(true, Ordering::Release);
        while !self.held.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
    }

    /// Reader side: returns once the writer has resumed (or was never held).
    fn release(&self) {
        self.hold.store(false, Ordering::Release);
        while self.held.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
    }
}

/// Reads blocks at consecutive clocks and checks every frame: the exact frame
/// for `clock - latency`, or silence that the read counted as missing.
struct ReadChecker {
    latency: u64,
    clock: u64,
    exact: u64,
    silent: u64,
    out: Vec<Vec<f32>>,
}

impl ReadChecker {
    fn new(latency: u64) -> Self {
        Self { latency, clock: 0, exact: 0, silent: 0, out: vec![vec![0.0_f32; 256]; CHANNELS] }
    }

    /// Reads `chunk` frames and returns how many of them were missing.
    fn read(&mut self, reader: &mut WriteAheadReader, chunk: usize) -> usize {
        let mut parts: Vec<&mut [f32]> = self.out.iter_mut().map(|c| &mut c[..chunk]).collect();
        let missing = reader.read(&mut parts).unwrap();
        let mut silent_here = 0;
        for i in 0..chunk {
            let t = self.clock + i as u64;
            if self.out.iter().all(|c| c[i].to_bits() == 0) {
                silent_here += 1;
                continue;
            }
            for (ch, channel) in self.out.iter().enumerate() {
                assert!(t >= self.latency, "no data before the delay");
                let expected = encode(t - self.latency, ch);
                assert_eq!(channel[i].to_bits(), expected.to_bits(), "clock {t} channel {ch}");
            }
            self.exact += 1;
        }
        let prefill = self.latency.saturating_sub(self.clock).min(chunk as u64) as usize;
        assert_eq!(silent_here, missing + prefill, "every silent frame is counted, and only those");
        self.silent += missing as u64;
        self.clock += chunk as u64;
        missing
    }
}
