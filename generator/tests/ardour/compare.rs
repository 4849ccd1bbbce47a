//! Bit-for-bit comparison of a render with the plugin's DSP, naming a
//! latency compensation error when the render is the DSP shifted in time.

/// Compares bit for bit; on a difference, says where, by how much, and
/// whether the output is the expected signal shifted in time.
pub fn compare(name: &str, got: &[Vec<f32>], want: &[Vec<f32>]) -> Result<(), String> {
    let max_difference =
        got.iter().zip(want).flat_map(|(g, w)| g.iter().zip(w).map(|(g, w)| (g - w).abs())).fold(0.0_f32, f32::max);
    for (ch, (g, w)) in got.iter().zip(want).enumerate() {
        if let Some(t) = (0..g.len()).find(|&t| g[t].to_bits() != w[t].to_bits()) {
            let shift = shift_of(g, w).map_or("no time shift of the expected output matches".to_string(), |k| {
                format!("the output is the expected one delayed by {k} frames")
            });
            return Err(format!(
                "{name}: channel {ch} differs first at frame {t}: got {}, expected {} (max difference {max_difference}); {shift}",
                g[t], w[t]
            ));
        }
    }
    Ok(())
}

/// The delay k (|k| ≤ 8192, k ≠ 0) with `got[t] == want[t - k]` over the
/// whole overlap, if any: names a latency compensation error.
pub fn shift_of(got: &[f32], want: &[f32]) -> Option<i64> {
    let n = got.len() as i64;
    (-8192..=8192_i64).filter(|&k| k != 0).find(|&k| {
        let overlap = k.max(0)..(n + k.min(0));
        overlap.clone().any(|t| want[(t - k) as usize] != 0.0)
            && overlap.clone().all(|t| got[t as usize].to_bits() == want[(t - k) as usize].to_bits())
    })
}
