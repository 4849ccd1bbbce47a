//! The impulse response of "WA Reverb", made here rather than recorded: a
//! deterministic stereo hall, so the repository ships no third-party audio.
//!
//! Per channel (each with its own seed, so left and right are decorrelated):
//! - 10 ms of pre-delay (the dry path carries the direct sound);
//! - 14 early reflections between 10 and 90 ms, at seeded times, signs and
//!   amplitudes falling with their delay;
//! - a diffuse tail of seeded noise building up over about 40 ms, decaying
//!   exponentially to -60 dB at [`RT60_S`], through a one-pole low-pass
//!   whose cutoff falls from 12 kHz to 1.5 kHz (high frequencies die first,
//!   as air and walls absorb them);
//! - a 100 ms raised-cosine fade at the end (the tail is near -75 dB there).
//!
//! Both channels are then scaled by one factor to unit mean energy: white
//! noise comes out of the fully wet reverb as loud as it went in. The
//! generator uses only integer arithmetic for its noise and `f64` for the
//! rest, so the response is the same on every machine.

use super::ir::ImpulseResponse;

/// The rate the response is made at (other session rates resample it).
pub const SAMPLE_RATE: f64 = 48_000.0;
/// Its length.
pub const SECONDS: f64 = 2.5;
/// Time to fall by 60 dB.
pub const RT60_S: f64 = 2.0;

const PRE_DELAY_S: f64 = 0.010;
const EARLY_END_S: f64 = 0.090;
const REFLECTIONS: usize = 14;
const BUILD_UP_S: f64 = 0.012;
const FADE_OUT_S: f64 = 0.100;
const SEEDS: [u64; 2] = [0x5741_5245_5645_5242, 0x2545_F491_4F6C_DD1D];

/// A small deterministic generator (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Roughly Gaussian, unit variance (the sum of four uniforms).
    fn noise(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * 3.0_f64.sqrt()
    }
}

fn channel(seed: u64) -> Vec<f64> {
    let rate = SAMPLE_RATE;
    let len = (SECONDS * rate).round() as usize;
    let mut out = vec![0.0; len];
    let mut rng = SplitMix(seed);
    let pre_delay = (PRE_DELAY_S * rate) as usize;
    let decay = |t: f64| (-6.907_755_278_982_137 * t / RT60_S).exp();

    for _ in 0..REFLECTIONS {
        let t = PRE_DELAY_S + rng.unit() * (EARLY_END_S - PRE_DELAY_S);
        let sign = if rng.next() & 1 == 0 { 1.0 } else { -1.0 };
        let amplitude = sign * (0.4 + 0.6 * rng.unit()) * (PRE_DELAY_S / t).sqrt();
        out[(t * rate) as usize] += amplitude * 0.5;
    }

    let mut low_passed = 0.0;
    for (i, sample) in out.iter_mut().enumerate().skip(pre_delay) {
        let t = i as f64 / rate;
        let since = t - PRE_DELAY_S;
        let cutoff = 1500.0 + 10_500.0 * (-since / 0.9).exp();
        let a = 1.0 - (-2.0 * std::f64::consts::PI * cutoff / rate).exp();
        low_passed += a * (rng.noise() - low_passed);
        let build_up = 1.0 - (-since / BUILD_UP_S).exp();
        let fade = ((SECONDS - t) / FADE_OUT_S).min(1.0);
        let fade = 0.5 - 0.5 * (std::f64::consts::PI * fade).cos();
        *sample += low_passed * decay(since) * build_up * fade;
    }
    out
}

/// The WA Reverb response: stereo, [`SECONDS`] long at [`SAMPLE_RATE`].
pub fn wa_reverb() -> ImpulseResponse {
    let channels: Vec<Vec<f64>> = SEEDS.iter().map(|&seed| channel(seed)).collect();
    let energy: f64 = channels.iter().flatten().map(|s| s * s).sum::<f64>() / channels.len() as f64;
    let scale = 1.0 / energy.sqrt();
    let channels = channels.into_iter().map(|c| c.into_iter().map(|s| (s * scale) as f32).collect()).collect();
    ImpulseResponse::new(SAMPLE_RATE, channels).unwrap_or_else(|_| ImpulseResponse::identity(SAMPLE_RATE))
}

/// The WA Reverb response as a 32-bit float WAVE file at [`SAMPLE_RATE`]
/// (the bytes of the shipped `irs/wa-reverb.wav`; the example
/// `wa_reverb_ir` writes them).
pub fn wav_bytes() -> Vec<u8> {
    let response = wa_reverb();
    let channels = response.channels();
    let interleaved: Vec<f32> = (0..response.len()).flat_map(|i| channels.iter().map(move |c| c[i])).collect();
    super::wav::encode_f32(SAMPLE_RATE as u32, channels.len() as u16, &interleaved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_is_the_same_every_time_and_decays() {
        let a = wa_reverb();
        assert_eq!(a, wa_reverb());
        assert_eq!((a.channel_count(), a.len()), (2, 120_000));
        let energy = |c: &[f32], from: f64, to: f64| {
            c[(from * SAMPLE_RATE) as usize..(to * SAMPLE_RATE) as usize]
                .iter()
                .map(|s| f64::from(*s).powi(2))
                .sum::<f64>()
        };
        for c in a.channels() {
            assert!(c[..479].iter().all(|s| *s == 0.0), "pre-delay");
            let (early, late) = (energy(c, 0.1, 0.6), energy(c, 1.6, 2.1));
            // 1.5 s later the tail has fallen by about 45 dB (RT60 2 s), and
            // a few more as the low-pass closes.
            let drop_db = 10.0 * (early / late).log10();
            assert!((40.0..56.0).contains(&drop_db), "{drop_db} dB");
        }
        let correlation: f64 =
            a.channels()[0].iter().zip(&a.channels()[1]).map(|(l, r)| f64::from(*l) * f64::from(*r)).sum();
        assert!(correlation.abs() < 0.1, "left and right are decorrelated: {correlation}");
    }
}
