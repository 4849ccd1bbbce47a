//! Moving a block through a ring and out again, against the same bytes moved by
//! two `copy_from_slice` calls (memcpy) into and out of a buffer of the ring's
//! size at the same advancing offsets (the ring's work minus its bookkeeping), a
//! per-sample masked-index ring, and rtrb 0.4's chunk API (one rtrb ring per
//! channel, as planar audio needs).

use std::hint::black_box;

use benches::{BLOCK_SIZES, criterion};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const RING_FRAMES: usize = 16_384;

/// The simplest ring: one sample at a time through a masked index.
struct MaskedLoopRing {
    buffer: Vec<Vec<f32>>,
    mask: usize,
    write: usize,
    read: usize,
}

impl MaskedLoopRing {
    fn write(&mut self, input: &[Vec<f32>]) {
        for (channel, samples) in self.buffer.iter_mut().zip(input) {
            for (i, sample) in samples.iter().enumerate() {
                channel[(self.write + i) & self.mask] = *sample;
            }
        }
        self.write += input[0].len();
    }

    fn read(&mut self, output: &mut [Vec<f32>]) {
        for (channel, samples) in self.buffer.iter().zip(output.iter_mut()) {
            for (i, sample) in samples.iter_mut().enumerate() {
                *sample = channel[(self.read + i) & self.mask];
            }
        }
        self.read += output[0].len();
    }
}

fn ring_write_read(c: &mut Criterion) {
    for channels in [1, 2] {
        let mut group = c.benchmark_group(format!("ring_write_read/{channels}ch"));
        for frames in BLOCK_SIZES {
            group.throughput(Throughput::Bytes((frames * channels * size_of::<f32>()) as u64));
            let input: Vec<Vec<f32>> =
                (0..channels).map(|ch| (0..frames).map(|i| (i + ch) as f32 * 1e-3).collect()).collect();
            let mut output = vec![vec![0.0_f32; frames]; channels];

            group.bench_function(BenchmarkId::new("memcpy", frames), |b| {
                let mut buffer = vec![vec![0.0_f32; RING_FRAMES]; channels];
                let mut offset = 0;
                b.iter(|| {
                    for ((inp, mid), out) in input.iter().zip(buffer.iter_mut()).zip(output.iter_mut()) {
                        let mid = &mut mid[offset..offset + frames];
                        mid.copy_from_slice(black_box(inp));
                        out.copy_from_slice(black_box(mid));
                    }
                    offset = (offset + frames) % RING_FRAMES;
                    black_box(&mut output);
                });
            });

            group.bench_function(BenchmarkId::new("ring", frames), |b| {
                let (mut producer, mut consumer) = runtime::ring::new(channels, RING_FRAMES).unwrap();
                let input_refs: Vec<&[f32]> = input.iter().map(Vec::as_slice).collect();
                let mut output_refs: Vec<&mut [f32]> = output.iter_mut().map(Vec::as_mut_slice).collect();
                b.iter(|| {
                    let written = producer.write(black_box(&input_refs)).unwrap();
                    let read = consumer.read(black_box(&mut output_refs)).unwrap();
                    debug_assert_eq!((written, read), (frames, frames));
                });
            });

            group.bench_function(BenchmarkId::new("rtrb_chunks", frames), |b| {
                let (mut producers, mut consumers): (Vec<_>, Vec<_>) =
                    (0..channels).map(|_| rtrb::RingBuffer::<f32>::new(RING_FRAMES)).unzip();
                b.iter(|| {
                    for (producer, samples) in producers.iter_mut().zip(&input) {
                        let mut chunk = producer.write_chunk(frames).unwrap();
                        let (first, second) = chunk.as_mut_slices();
                        let split = first.len();
                        first.copy_from_slice(&samples[..split]);
                        second.copy_from_slice(&samples[split..]);
                        chunk.commit_all();
                    }
                    for (consumer, samples) in consumers.iter_mut().zip(output.iter_mut()) {
                        let chunk = consumer.read_chunk(frames).unwrap();
                        let (first, second) = chunk.as_slices();
                        samples[..first.len()].copy_from_slice(first);
                        samples[first.len()..].copy_from_slice(second);
                        chunk.commit_all();
                    }
                    black_box(&mut output);
                });
            });

            group.bench_function(BenchmarkId::new("masked_loop", frames), |b| {
                let mut ring = MaskedLoopRing {
                    buffer: vec![vec![0.0; RING_FRAMES]; channels],
                    mask: RING_FRAMES - 1,
                    write: 0,
                    read: 0,
                };
                b.iter(|| {
                    ring.write(black_box(&input));
                    ring.read(&mut output);
                    black_box(&mut output);
                });
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = ring_write_read
}
criterion_main!(benches);
