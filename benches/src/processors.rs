//! Processors the engine benches run: a gain and a biquad low-pass, the two
//! ends of cheap DSP (memory-bound and arithmetic-bound).

use runtime::engine::{AudioBlock, ProcessSetup, Processor};

/// Multiplies by a constant.
pub struct Gain(pub f32);

impl Processor for Gain {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        for channel in audio.channels_mut() {
            for sample in channel.iter_mut() {
                *sample *= self.0;
            }
        }
    }
}

/// RBJ low-pass biquad at 1 kHz, Q 0.707, direct form I, one state per channel.
pub struct LowPass {
    coefficients: [f32; 5],
    state: Vec<[f32; 4]>,
}

impl Default for LowPass {
    fn default() -> Self {
        Self { coefficients: [0.0; 5], state: Vec::new() }
    }
}

impl Processor for LowPass {
    fn prepare(&mut self, setup: &ProcessSetup) {
        let w0 = 2.0 * std::f64::consts::PI * 1000.0 / setup.sample_rate;
        let alpha = w0.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let a0 = 1.0 + alpha;
        let b1 = (1.0 - w0.cos()) / a0;
        self.coefficients = [
            (b1 / 2.0) as f32,
            b1 as f32,
            (b1 / 2.0) as f32,
            (-2.0 * w0.cos() / a0) as f32,
            ((1.0 - alpha) / a0) as f32,
        ];
        self.state = vec![[0.0; 4]; setup.channels];
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let [b0, b1, b2, a1, a2] = self.coefficients;
        for (channel, [x1, x2, y1, y2]) in audio.channels_mut().zip(&mut self.state) {
            for sample in channel.iter_mut() {
                let x = *sample;
                let y = b0 * x + b1 * *x1 + b2 * *x2 - a1 * *y1 - a2 * *y2;
                (*x2, *x1, *y2, *y1) = (*x1, x, *y1, y);
                *sample = y;
            }
        }
    }

    fn reset(&mut self) {
        self.state.iter_mut().for_each(|s| *s = [0.0; 4]);
    }
}

/// A 512-tap FIR low-pass: DSP with real weight (about 260 000 multiply-adds
/// per stereo 256-frame block), to show the worker's fixed cost per block
/// against DSP that costs something.
#[derive(Default)]
pub struct Fir {
    taps: Vec<f32>,
    /// Per channel: the last `taps` inputs, stored twice so every window is contiguous.
    history: Vec<Vec<f32>>,
    position: usize,
}

const FIR_TAPS: usize = 512;

impl Processor for Fir {
    fn prepare(&mut self, setup: &ProcessSetup) {
        // Windowed-sinc low-pass at a tenth of the sample rate.
        let middle = (FIR_TAPS - 1) as f32 / 2.0;
        self.taps = (0..FIR_TAPS)
            .map(|i| {
                let x = i as f32 - middle;
                let sinc =
                    if x == 0.0 { 0.2 } else { (0.2 * std::f32::consts::PI * x).sin() / (std::f32::consts::PI * x) };
                let window = 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (FIR_TAPS - 1) as f32).cos();
                sinc * window
            })
            .collect();
        self.history = vec![vec![0.0; 2 * FIR_TAPS]; setup.channels];
        self.position = 0;
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let start = self.position;
        for (channel, history) in audio.channels_mut().zip(&mut self.history) {
            let mut position = start;
            for sample in channel.iter_mut() {
                history[position] = *sample;
                history[position + FIR_TAPS] = *sample;
                position = (position + 1) % FIR_TAPS;
                let window = &history[position..position + FIR_TAPS];
                *sample = window.iter().zip(&self.taps).map(|(x, t)| x * t).sum();
            }
        }
        self.position = (start + audio.frames()) % FIR_TAPS;
    }
}
