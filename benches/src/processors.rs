//! Processors the engine benches run besides the runtime's built-in kinds
//! (`runtime::dsp`'s gain and filter are the cheap ends): a 512-tap FIR, DSP
//! that costs something.

use runtime::engine::{AudioBlock, ProcessSetup, Processor};

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
