//! Helpers shared by the runtime's integration tests.
#![allow(dead_code)]

/// A sample value that encodes `(clock, channel)`: distinct for every pair, never
/// ±0.0 (so it cannot be mistaken for silence), compared by bits.
pub fn encode(clock: u64, channel: usize) -> f32 {
    let mixed =
        (clock as u32).wrapping_mul(0x9E37_79B1) ^ ((clock >> 32) as u32).rotate_left(7) ^ (channel as u32) << 27;
    // Keep exponent bits clear of NaN/inf patterns and the low bit set (never zero).
    f32::from_bits((mixed & 0x3FFF_FFFF) | 1)
}

/// Channel buffers of `frames` frames whose samples encode clocks `start..`.
pub fn encoded_block(channels: usize, start: u64, frames: usize) -> Vec<Vec<f32>> {
    (0..channels).map(|ch| (0..frames as u64).map(|i| encode(start + i, ch)).collect()).collect()
}

/// Borrow a set of channel vectors as `&[&[f32]]`.
pub fn as_refs(channels: &[Vec<f32>]) -> Vec<&[f32]> {
    channels.iter().map(Vec::as_slice).collect()
}

/// Borrow a set of channel vectors as `&mut [&mut [f32]]`.
pub fn as_muts(channels: &mut [Vec<f32>]) -> Vec<&mut [f32]> {
    channels.iter_mut().map(Vec::as_mut_slice).collect()
}
