//! The audio thread's cost per buffered block when the worker is ahead (the
//! normal realtime case), against two memcpys of the block (what a buffered
//! call at least does: input in, output out) and the unbuffered engine running
//! the same DSP inline.

use std::cell::UnsafeCell;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering, fence};
use std::time::Duration;

use benches::criterion;
use benches::{half_gain, lowpass};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use runtime::engine::{Engine, EngineConfig, ProcessMode, ProcessSetup, Processor};

const RATE: f64 = 48_000.0;
const CHANNELS: usize = 2;

fn engine<P: Processor>(processor: P, buffering: bool, block: usize) -> Engine<P> {
    // A short tick so the worker catches up quickly between measured calls; it
    // does not change what the audio thread does.
    let config = EngineConfig { buffering, worker_tick: Some(Duration::from_micros(50)), ..EngineConfig::default() };
    let mut engine = Engine::new(processor, config);
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: block, channels: CHANNELS }).unwrap();
    engine.activate().unwrap();
    engine
}

fn audio_thread<P: Processor>(c: &mut Criterion, name: &str, make: impl Fn() -> P) {
    let mut group = c.benchmark_group(format!("audio_thread/{name}"));
    for block in [64, 256, 1024] {
        group.throughput(Throughput::Bytes((block * CHANNELS * size_of::<f32>()) as u64));
        let input = vec![vec![0.1_f32; block]; CHANNELS];
        let mut output = vec![vec![0.0_f32; block]; CHANNELS];

        // Timed one call per timer reading, like the engine calls below.
        group.bench_function(BenchmarkId::new("two_memcpy", block), |b| {
            let mut queue = vec![vec![0.0_f32; block]; CHANNELS];
            b.iter_batched(
                || (),
                |()| {
                    for ((inp, mid), out) in input.iter().zip(queue.iter_mut()).zip(output.iter_mut()) {
                        mid.copy_from_slice(black_box(inp));
                        out.copy_from_slice(black_box(mid));
                    }
                },
                BatchSize::PerIteration,
            );
        });

        // The same two memcpys, but the block was just written by another core,
        // as the worker writes the output the audio thread then reads: the part
        // of the buffered cost that any hand-over between threads pays.
        group.bench_function(BenchmarkId::new("two_memcpy_cross_core", block), |b| {
            let shared = Arc::new(CrossCoreBlock::new(block * CHANNELS));
            let writer = {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || shared.serve())
            };
            let mut queue = vec![0.0_f32; block * CHANNELS];
            let mut out = vec![0.0_f32; block * CHANNELS];
            b.iter_batched(
                || shared.rewrite(),
                |()| {
                    shared.read_into(&mut queue);
                    out.copy_from_slice(black_box(&queue));
                },
                BatchSize::PerIteration,
            );
            shared.stop();
            writer.join().unwrap();
        });

        for (id, buffering) in [("buffered_worker_ahead", true), ("unbuffered_inline", false)] {
            let mut engine = engine(make(), buffering, block);
            let handle = engine.stats_handle();
            let latency = engine.latency_samples() as u64;
            let clock = std::cell::Cell::new(0_u64);
            group.bench_function(BenchmarkId::new(id, block), |b| {
                b.iter_batched(
                    || {
                        // Unmeasured: let the worker produce the next block first,
                        // as it would have between two device callbacks.
                        let needed = (clock.get() + block as u64).saturating_sub(latency);
                        while buffering && handle.stats().produced < needed {
                            std::thread::sleep(Duration::from_micros(20));
                        }
                    },
                    |()| {
                        let ins: [&[f32]; CHANNELS] = [&input[0], &input[1]];
                        let [left, right] = &mut output[..] else { unreachable!() };
                        let mut outs: [&mut [f32]; CHANNELS] = [left, right];
                        engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
                        clock.set(clock.get() + block as u64);
                    },
                    BatchSize::PerIteration,
                );
            });
            let stats = engine.stats();
            assert_eq!(stats.underruns, 0, "{stats:?}");
        }
    }
    group.finish();
}

/// A block another thread rewrites on request, so the next read finds it in
/// that thread's cache. The reader takes it as the engine's ring hands a
/// block over: an acquire fence, then one bulk copy (a per-sample atomic load
/// could not be vectorised, and would make this baseline slower than any
/// real hand-over).
struct CrossCoreBlock {
    samples: UnsafeCell<Vec<f32>>,
    /// 0: idle, 1: rewrite requested, 2: rewritten, 3: stop.
    state: AtomicU8,
}

// SAFETY: `state` hands the samples to one thread at a time: the writer
// touches them only between seeing 1 and storing 2 (Release), the reader only
// after seeing 2 (Acquire) and before asking for the next rewrite.
unsafe impl Sync for CrossCoreBlock {}

impl CrossCoreBlock {
    fn new(len: usize) -> Self {
        Self { samples: UnsafeCell::new(vec![0.0; len]), state: AtomicU8::new(0) }
    }

    fn serve(&self) {
        let mut round = 0_u32;
        loop {
            match self.state.load(Ordering::Acquire) {
                1 => {
                    round += 1;
                    // SAFETY: state 1: the reader asked and waits for 2; the
                    // samples are this thread's until it stores 2.
                    let samples = unsafe { &mut *self.samples.get() };
                    for (i, sample) in samples.iter_mut().enumerate() {
                        *sample = f32::from_bits(round.wrapping_add(i as u32));
                    }
                    self.state.store(2, Ordering::Release);
                }
                3 => return,
                _ => std::hint::spin_loop(),
            }
        }
    }

    fn rewrite(&self) {
        self.state.store(1, Ordering::Release);
        while self.state.load(Ordering::Relaxed) != 2 {
            std::hint::spin_loop();
        }
    }

    fn read_into(&self, dst: &mut [f32]) {
        // Pairs with the writer's Release store of 2 that `rewrite` saw.
        fence(Ordering::Acquire);
        // SAFETY: state 2: the writer is done and waits for the next request,
        // which only this thread makes.
        dst.copy_from_slice(unsafe { &*self.samples.get() });
    }

    fn stop(&self) {
        self.state.store(3, Ordering::Release);
    }
}

fn benches(c: &mut Criterion) {
    audio_thread(c, "gain", half_gain);
    audio_thread(c, "lowpass", lowpass);
}

criterion_group! {
    name = engine_benches;
    config = criterion();
    targets = benches
}
criterion_main!(engine_benches);
