//! Each SIMD kernel against its scalar reference, in the same group.

use std::hint::black_box;

use benches::criterion;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use runtime::simd::{self, scalar};

const SIZES: [usize; 4] = [64, 256, 1024, 4096];

fn signal(len: usize, seed: f32) -> Vec<f32> {
    (0..len).map(|i| ((i as f32 + seed) * 0.01).sin()).collect()
}

/// Benches `fast` and `reference` over the same buffers at every size.
fn pair<S>(
    c: &mut Criterion,
    name: &str,
    bytes_per_sample: usize,
    setup: impl Fn(usize) -> S,
    fast: impl Fn(&mut S),
    reference: impl Fn(&mut S),
) {
    let mut group = c.benchmark_group(format!("kernel/{name}"));
    for len in SIZES {
        group.throughput(Throughput::Bytes((len * bytes_per_sample) as u64));
        let mut state = setup(len);
        group.bench_function(BenchmarkId::new("simd", len), |b| b.iter(|| fast(black_box(&mut state))));
        group.bench_function(BenchmarkId::new("scalar", len), |b| b.iter(|| reference(black_box(&mut state))));
    }
    group.finish();
}

fn kernels(c: &mut Criterion) {
    let two = |len| (vec![0.0_f32; len], signal(len, 1.0));
    pair(c, "copy", 4, two, |(d, s)| simd::copy(d, s), |(d, s)| scalar::copy(d, s));
    pair(
        c,
        "copy_with_gain",
        4,
        two,
        |(d, s)| simd::copy_with_gain(d, s, 0.5),
        |(d, s)| scalar::copy_with_gain(d, s, 0.5),
    );
    pair(c, "add", 4, two, |(d, s)| simd::add(d, s), |(d, s)| scalar::add(d, s));
    pair(c, "mix", 4, two, |(d, s)| simd::mix(d, s, 0.5), |(d, s)| scalar::mix(d, s, 0.5));
    pair(c, "fill", 4, |len| vec![0.0_f32; len], |d| simd::fill(d, 0.25), |d| scalar::fill(d, 0.25));
    pair(c, "peak", 4, |len| signal(len, 2.0), |s| _ = black_box(simd::peak(s)), |s| _ = black_box(scalar::peak(s)));
    // The common case: every sample finite, so nothing is written.
    pair(
        c,
        "zero_non_finite",
        4,
        |len| signal(len, 8.0),
        |s| _ = black_box(simd::zero_non_finite(s)),
        |s| _ = black_box(scalar::zero_non_finite(s)),
    );
    pair(
        c,
        "f32_to_f64",
        4,
        |len| (vec![0.0_f64; len], signal(len, 3.0)),
        |(d, s)| simd::f32_to_f64(d, s),
        |(d, s)| scalar::f32_to_f64(d, s),
    );
    pair(
        c,
        "f64_to_f32",
        8,
        |len| (vec![0.0_f32; len], signal(len, 4.0).into_iter().map(f64::from).collect::<Vec<_>>()),
        |(d, s)| simd::f64_to_f32(d, s),
        |(d, s)| scalar::f64_to_f32(d, s),
    );
    let stereo = |len| (vec![0.0_f32; 2 * len], signal(len, 5.0), signal(len, 6.0));
    pair(
        c,
        "interleave_stereo",
        8,
        stereo,
        |(d, l, r)| simd::interleave(d, &[l, r]),
        |(d, l, r)| scalar::interleave(d, &[l, r]),
    );
    let split = |len| (signal(2 * len, 7.0), vec![0.0_f32; len], vec![0.0_f32; len]);
    pair(
        c,
        "deinterleave_stereo",
        8,
        split,
        |(s, l, r)| simd::deinterleave(&mut [l, r], s),
        |(s, l, r)| scalar::deinterleave(&mut [l, r], s),
    );
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = kernels
}
criterion_main!(benches);
