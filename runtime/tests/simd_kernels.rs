//! Every SIMD kernel returns bit-for-bit what its scalar reference returns, for
//! every length 0..=67 at every misalignment 0..=7 from the allocation.

use proptest::prelude::*;
use runtime::simd::{self, scalar};

const MAX_LEN: usize = 67;
const MAX_OFFSET: usize = 7;

/// Deterministic awkward samples: signs, magnitudes across the range, subnormals.
fn samples(len: usize, seed: u32) -> Vec<f32> {
    (0..len as u32)
        .map(|i| {
            let bits = (i.wrapping_add(seed)).wrapping_mul(0x9E37_79B1).rotate_left(13);
            let value = f32::from_bits(bits & 0xBFFF_FFFF); // finite: exponent never all ones
            if i % 11 == 3 { f32::MIN_POSITIVE / 4.0 } else { value }
        })
        .collect()
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Runs `check(len, offset)` for every length and misalignment.
fn for_all_shapes(mut check: impl FnMut(usize, usize)) {
    for len in 0..=MAX_LEN {
        for offset in 0..=MAX_OFFSET {
            check(len, offset);
        }
    }
}

#[test]
fn copy_matches_reference() {
    for_all_shapes(|len, off| {
        let src = samples(len + off, 1);
        let (mut fast, mut slow) = (vec![0.0; len + off], vec![0.0; len + off]);
        simd::copy(&mut fast[off..], &src[off..]);
        scalar::copy(&mut slow[off..], &src[off..]);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn copy_with_gain_matches_reference() {
    for_all_shapes(|len, off| {
        let src = samples(len + off, 2);
        let (mut fast, mut slow) = (vec![0.0; len + off], vec![0.0; len + off]);
        simd::copy_with_gain(&mut fast[off..], &src[off..], -0.371);
        scalar::copy_with_gain(&mut slow[off..], &src[off..], -0.371);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn add_matches_reference() {
    for_all_shapes(|len, off| {
        let src = samples(len + off, 3);
        let mut fast = samples(len + off, 4);
        let mut slow = fast.clone();
        simd::add(&mut fast[off..], &src[off..]);
        scalar::add(&mut slow[off..], &src[off..]);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn mix_matches_reference() {
    for_all_shapes(|len, off| {
        let src = samples(len + off, 5);
        let mut fast = samples(len + off, 6);
        let mut slow = fast.clone();
        simd::mix(&mut fast[off..], &src[off..], 0.6180);
        scalar::mix(&mut slow[off..], &src[off..], 0.6180);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn fill_matches_reference() {
    for_all_shapes(|len, off| {
        let (mut fast, mut slow) = (samples(len + off, 7), samples(len + off, 7));
        simd::fill(&mut fast[off..], -1.25);
        scalar::fill(&mut slow[off..], -1.25);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn interleave_and_deinterleave_match_reference() {
    for channels in 1..=5 {
        for_all_shapes(|frames, off| {
            let planar: Vec<Vec<f32>> = (0..channels).map(|ch| samples(frames + off, 8 + ch as u32)).collect();
            let planar_refs: Vec<&[f32]> = planar.iter().map(|c| &c[off..]).collect();
            let total = frames * channels + off;
            let (mut fast, mut slow) = (vec![0.0; total], vec![0.0; total]);
            simd::interleave(&mut fast[off..], &planar_refs);
            scalar::interleave(&mut slow[off..], &planar_refs);
            assert_eq!(bits(&fast), bits(&slow), "interleave {channels} ch, {frames} frames, offset {off}");

            let mut fast_planar = vec![vec![0.0; frames + off]; channels];
            let mut slow_planar = fast_planar.clone();
            let mut fast_refs: Vec<&mut [f32]> = fast_planar.iter_mut().map(|c| &mut c[off..]).collect();
            simd::deinterleave(&mut fast_refs, &slow[off..]);
            let mut slow_refs: Vec<&mut [f32]> = slow_planar.iter_mut().map(|c| &mut c[off..]).collect();
            scalar::deinterleave(&mut slow_refs, &slow[off..]);
            assert_eq!(fast_planar, slow_planar, "deinterleave {channels} ch, {frames} frames, offset {off}");
            // And the round trip restores the planar input.
            for (restored, original) in fast_planar.iter().zip(&planar) {
                assert_eq!(bits(&restored[off..]), bits(&original[off..]));
            }
        });
    }
}

#[test]
fn conversions_match_reference() {
    for_all_shapes(|len, off| {
        let narrow = samples(len + off, 9);
        let (mut fast, mut slow) = (vec![0.0_f64; len + off], vec![0.0_f64; len + off]);
        simd::f32_to_f64(&mut fast[off..], &narrow[off..]);
        scalar::f32_to_f64(&mut slow[off..], &narrow[off..]);
        assert_eq!(
            fast.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            slow.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );

        let wide: Vec<f64> = (0..len + off).map(|i| (i as f64 * 0.123_456_789_012_345).sin() * 1.000_000_1).collect();
        let (mut fast, mut slow) = (vec![0.0_f32; len + off], vec![0.0_f32; len + off]);
        simd::f64_to_f32(&mut fast[off..], &wide[off..]);
        scalar::f64_to_f32(&mut slow[off..], &wide[off..]);
        assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off}");
    });
}

#[test]
fn peak_matches_reference() {
    for_all_shapes(|len, off| {
        let src = samples(len + off, 10);
        assert_eq!(simd::peak(&src[off..]).to_bits(), scalar::peak(&src[off..]).to_bits(), "len {len} offset {off}");
    });
}

#[test]
fn peak_ignores_nan_like_the_reference() {
    for len in 1..=MAX_LEN {
        for nan_at in [0, len / 2, len - 1] {
            let mut src = samples(len, 11);
            src[nan_at] = f32::NAN;
            let (fast, slow) = (simd::peak(&src), scalar::peak(&src));
            assert!(!fast.is_nan(), "len {len}, NaN at {nan_at}");
            assert_eq!(fast.to_bits(), slow.to_bits(), "len {len}, NaN at {nan_at}");
        }
    }
}

#[test]
fn peak_finds_a_single_spike_anywhere() {
    for len in 1..=MAX_LEN {
        for at in 0..len {
            let mut src = vec![0.25_f32; len];
            src[at] = -0.9;
            assert_eq!(simd::peak(&src), 0.9, "len {len}, spike at {at}");
        }
    }
}

/// The values a sample can take that are not finite, and a few that are and
/// must stay (both zeros, subnormals, the extremes).
const NON_FINITE: [f32; 4] = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -f32::NAN];
const EDGE_FINITE: [f32; 6] = [0.0, -0.0, 1.0e-40, -f32::MIN_POSITIVE, f32::MAX, f32::MIN];

#[test]
fn zero_non_finite_matches_reference() {
    for_all_shapes(|len, off| {
        // Clean (the fast path), one bad sample at every position, and a mix.
        let clean = samples(len + off, 12);
        let mut cases = vec![(clean.clone(), 0)];
        for at in off..len + off {
            let mut one = clean.clone();
            one[at] = NON_FINITE[at % NON_FINITE.len()];
            cases.push((one, 1));
        }
        let mut mixed = clean.clone();
        let mut expected = 0;
        for (i, sample) in mixed.iter_mut().enumerate() {
            if i % 5 == 1 {
                *sample = NON_FINITE[i % NON_FINITE.len()];
                expected += usize::from(i >= off);
            } else if i % 5 == 3 {
                *sample = EDGE_FINITE[i % EDGE_FINITE.len()];
            }
        }
        cases.push((mixed, expected));
        for (case, (input, bad)) in cases.into_iter().enumerate() {
            let (mut fast, mut slow) = (input.clone(), input.clone());
            let fast_count = simd::zero_non_finite(&mut fast[off..]);
            let slow_count = scalar::zero_non_finite(&mut slow[off..]);
            assert_eq!(bits(&fast), bits(&slow), "len {len} offset {off} case {case}");
            assert_eq!((fast_count, slow_count), (bad, bad), "len {len} offset {off} case {case}");
            // What the reference promises: finite samples kept bit for bit, the
            // others +0.0, and nothing before the slice touched.
            for (i, (out, inp)) in fast.iter().zip(&input).enumerate() {
                let want = if i >= off && !inp.is_finite() { 0.0 } else { *inp };
                assert_eq!(out.to_bits(), want.to_bits(), "len {len} offset {off} case {case} sample {i}");
            }
        }
    });
}

proptest! {
    #[test]
    fn zero_non_finite_matches_reference_for_random_bits(
        raw in proptest::collection::vec(any::<u32>(), 0..300),
        off in 0_usize..8,
    ) {
        // Any bit pattern, with the exponent forced to all ones now and then.
        let input: Vec<f32> = raw.iter().map(|b| f32::from_bits(if b % 7 == 0 { b | 0x7F80_0000 } else { *b })).collect();
        let off = off.min(input.len());
        let (mut fast, mut slow) = (input.clone(), input);
        let counts = (simd::zero_non_finite(&mut fast[off..]), scalar::zero_non_finite(&mut slow[off..]));
        prop_assert_eq!(counts.0, counts.1);
        prop_assert_eq!(bits(&fast), bits(&slow));
    }
}

proptest! {
    #[test]
    fn gain_and_mix_match_reference_for_random_data(
        src in proptest::collection::vec(-1.0e6_f32..1.0e6, 0..300),
        gain in -4.0_f32..4.0,
        off in 0_usize..8,
    ) {
        let off = off.min(src.len());
        let mut fast = vec![0.5_f32; src.len()];
        let mut slow = fast.clone();
        simd::mix(&mut fast[off..], &src[off..], gain);
        scalar::mix(&mut slow[off..], &src[off..], gain);
        prop_assert_eq!(bits(&fast), bits(&slow));
        simd::copy_with_gain(&mut fast[off..], &src[off..], gain);
        scalar::copy_with_gain(&mut slow[off..], &src[off..], gain);
        prop_assert_eq!(bits(&fast), bits(&slow));
        prop_assert_eq!(simd::peak(&src[off..]).to_bits(), scalar::peak(&src[off..]).to_bits());
    }
}
