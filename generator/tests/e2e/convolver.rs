//! The model of a convolver plugin (WA Reverb): its input convolved in f64
//! with the plugin's impulse response (the file plugins.toml names, at the
//! session's rate as the runtime resamples it, routed as the runtime
//! documents), mixed with the dry input and scaled by the output gain, both
//! ramped as the plugin's typed parameters ramp.
//!
//! The convolution is computed through an f64 FFT of the whole signal
//! (rounding about 1e-15 relative: as exact as a direct f64 sum for this
//! purpose, at a cost the debug-built tests can pay for seconds of audio
//! against a 2.5 s response). The plugin convolves in f32 with partitions
//! of its own choosing, so it matches the model within float rounding, not
//! bit for bit: [`assert_close`] allows a relative RMS error of
//! [`MAX_RELATIVE_RMS`] and a largest single error of [`MAX_ERROR`] (the
//! runtime measures about 2.5e-7 relative RMS against a direct f64
//! convolution; `runtime/tests/dsp_convolver.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use generator::config::Plugin;
use realfft::RealFftPlanner;
use runtime::dsp::convolver::{GAIN_DB, ImpulseResponse, MIX, routing};
use runtime::dsp::db_to_gain;
use runtime::engine::ProcessSetup;
use runtime::typed::FloatParam;

/// The largest RMS error allowed, relative to the model's RMS, per channel.
pub const MAX_RELATIVE_RMS: f64 = 1e-5;
/// The largest error of any one sample allowed, relative to the model's
/// peak when that is above 1 (the test signals are within about ±2).
pub const MAX_ERROR: f64 = 1e-4;

/// The plugin's response at `rate`, read once per rate.
fn response(plugin: &Plugin, rate: f64) -> Arc<ImpulseResponse> {
    /// Responses by (file, rate bits).
    type Cache = Mutex<HashMap<(String, u64), Arc<ImpulseResponse>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let ir = plugin.ir.as_ref().expect("a convolver names its impulse response");
    let key = (ir.path.clone(), rate.to_bits());
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    Arc::clone(cache.entry(key).or_insert_with(|| {
        let file = super::workspace().join(&ir.path);
        let response = ImpulseResponse::from_file(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Arc::new(response.resampled(rate))
    }))
}

/// The plugin's response's length at `rate`, in frames.
pub fn response_frames(plugin: &Plugin, rate: f64) -> usize {
    response(plugin, rate).len()
}

/// `input * response`, `frames` long, in f64.
fn convolve(input: &[f32], response: &[f32], frames: usize) -> Vec<f64> {
    let size = (input.len() + response.len()).next_power_of_two();
    let mut planner = RealFftPlanner::<f64>::new();
    let (forward, inverse) = (planner.plan_fft_forward(size), planner.plan_fft_inverse(size));
    let spectrum = |signal: &[f32]| {
        let mut padded: Vec<f64> = signal.iter().map(|s| f64::from(*s)).collect();
        padded.resize(size, 0.0);
        let mut out = forward.make_output_vec();
        forward.process(&mut padded, &mut out).unwrap();
        out
    };
    let (a, b) = (spectrum(input), spectrum(response));
    let mut product: Vec<_> = a.iter().zip(&b).map(|(a, b)| a * b / size as f64).collect();
    let mut out = inverse.make_output_vec();
    inverse.process(&mut product, &mut out).unwrap();
    out.truncate(frames);
    out.resize(frames, 0.0);
    out
}

/// What `plugin` outputs for `input` at `rate` before its latency, with
/// parameters at their defaults or as `params` set them at frame 0
/// (`(id, normalized)`).
pub fn model(plugin: &Plugin, rate: f64, input: &[Vec<f32>], frames: usize, params: &[(u32, f64)]) -> Vec<Vec<f32>> {
    model_with(plugin, &response(plugin, rate), rate, input, frames, params)
}

/// [`model`] with another response than the plugin's own (one its state or
/// editor chose), given at `rate`.
pub fn model_with(
    plugin: &Plugin,
    response: &ImpulseResponse,
    rate: f64,
    input: &[Vec<f32>],
    frames: usize,
    params: &[(u32, f64)],
) -> Vec<Vec<f32>> {
    let (responses, paths) = routing::route(response.channels(), input.len());
    let mut wet = vec![vec![0.0_f64; frames]; input.len()];
    for path in paths {
        let convolved = convolve(&input[path.input], &responses[path.response], frames);
        for (out, value) in wet[path.output].iter_mut().zip(convolved) {
            *out += value;
        }
    }
    // The plugin's mix and gain, as its typed parameters give them per frame.
    let setup = ProcessSetup { sample_rate: rate, max_block: 1, channels: input.len() };
    let specs = super::specs(plugin);
    let typed = |id: u32| {
        let index = plugin.params.iter().position(|p| p.id == id).expect("mix and output");
        let mut param = FloatParam::new(&specs[index]);
        param.prepare(&setup);
        let value = match params.iter().find(|(p, _)| *p == id) {
            Some(&(_, normalized)) => super::plain_value(plugin, index, normalized),
            None => super::default_value(plugin, index),
        };
        param.set(value);
        param
    };
    let (mut mix, mut gain_db) = (typed(MIX), typed(GAIN_DB));
    let factors: Vec<(f64, f64)> = (0..frames).map(|_| (mix.next(), f64::from(db_to_gain(gain_db.next())))).collect();
    wet.iter()
        .zip(input)
        .map(|(wet, dry)| {
            wet.iter()
                .zip(dry.iter().chain(std::iter::repeat(&0.0)))
                .zip(&factors)
                .map(|((wet, dry), (mix, gain))| ((wet * mix + f64::from(*dry) * (1.0 - mix)) * gain) as f32)
                .collect()
        })
        .collect()
}

/// Asserts that `got` is `want` within the model's tolerance, naming the
/// worst frame.
pub fn assert_close(got: &[Vec<f32>], want: &[Vec<f32>], what: &str) {
    if let Err(problem) = close(got, want, what) {
        panic!("{problem}");
    }
}

/// Whether `got` is `want` within the model's tolerance; if not, where and
/// by how much.
pub fn close(got: &[Vec<f32>], want: &[Vec<f32>], what: &str) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{what}: {} channels, expected {}", got.len(), want.len()));
    }
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        if got.len() != want.len() {
            return Err(format!("{what}: channel {ch} has {} frames, expected {}", got.len(), want.len()));
        }
        let peak = want.iter().fold(1.0_f64, |peak, w| peak.max(f64::from(*w).abs()));
        let (mut err, mut norm, mut worst) = (0.0, 0.0, (0.0_f64, 0));
        for (t, (g, w)) in got.iter().zip(want).enumerate() {
            let e = (f64::from(*g) - f64::from(*w)).abs();
            err += e * e;
            norm += f64::from(*w) * f64::from(*w);
            if e.is_nan() || e > worst.0 {
                worst = (e, t);
            }
        }
        let relative = if norm > 0.0 { (err / norm).sqrt() } else { err.sqrt() };
        let (e, t) = worst;
        if relative.is_nan() || e.is_nan() || relative > MAX_RELATIVE_RMS || e > MAX_ERROR * peak {
            return Err(format!(
                "{what}: channel {ch} is {relative:e} relative RMS from the model (allowed {MAX_RELATIVE_RMS:e}); \
                 worst frame {t}: got {}, expected {} (error {e:e}, allowed {:e})",
                got[t],
                want[t],
                MAX_ERROR * peak
            ));
        }
    }
    Ok(())
}
