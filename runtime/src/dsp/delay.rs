//! Delay: an echo with feedback, mixed with the dry signal.

use super::ParamSpec;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};

pub const TIME_MS: u32 = 0;
pub const FEEDBACK: u32 = 1;
pub const MIX: u32 = 2;

/// The longest delay time, which sizes the buffer allocated in `prepare`.
pub const MAX_TIME_MS: f64 = 2000.0;

/// The level, relative to the input, below which an echo counts as silence in
/// the reported tail: -100 dB.
pub const SILENCE: f64 = 1e-5;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: TIME_MS,
        title: "Time",
        units: "ms",
        min: 1.0,
        max: MAX_TIME_MS,
        default: 250.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
    ParamSpec {
        id: FEEDBACK,
        title: "Feedback",
        units: "",
        min: 0.0,
        max: 0.95,
        default: 0.4,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
    ParamSpec {
        id: MIX,
        title: "Mix",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 0.5,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
];

/// `out = dry * (1 - mix) + echo * mix`, where the echo line holds
/// `input + feedback * echo` delayed by the time.
///
/// The line never holds a non-finite value: a sum that overflows (input near
/// `f32::MAX` meeting its own echo) is stored as 0.0, and so is whatever a
/// non-finite input would have made. A bad value would otherwise circulate
/// through the feedback for ever; this way it is gone once it has been read.
pub struct Delay {
    time_ms: f64,
    feedback: f32,
    mix: f32,
    sample_rate: f64,
    delay_frames: usize,
    lines: Vec<Vec<f32>>,
    position: usize,
}

impl Default for Delay {
    fn default() -> Self {
        Self {
            time_ms: 250.0,
            feedback: 0.4,
            mix: 0.5,
            sample_rate: 48_000.0,
            delay_frames: 1,
            lines: Vec::new(),
            position: 0,
        }
    }
}

impl Delay {
    fn update(&mut self) {
        let frames = (self.time_ms * self.sample_rate / 1000.0).round() as usize;
        let capacity = self.lines.first().map_or(1, Vec::len);
        self.delay_frames = frames.clamp(1, capacity);
    }
}

/// `value`, or 0.0 if it is NaN or infinite.
#[inline(always)]
fn finite_or_zero(value: f32) -> f32 {
    if value.is_finite() { value } else { 0.0 }
}

impl Processor for Delay {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        let capacity = (MAX_TIME_MS * setup.sample_rate / 1000.0).ceil() as usize + 1;
        self.lines = vec![vec![0.0; capacity]; setup.channels];
        self.position = 0;
        self.update();
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let capacity = self.lines.first().map_or(1, Vec::len);
        let start = self.position;
        for (channel, line) in audio.channels_mut().zip(&mut self.lines) {
            let mut write = start;
            for sample in channel.iter_mut() {
                let read = (write + capacity - self.delay_frames) % capacity;
                let echo = line[read];
                line[write] = finite_or_zero(*sample + self.feedback * echo);
                *sample = finite_or_zero(*sample * (1.0 - self.mix) + echo * self.mix);
                write = (write + 1) % capacity;
            }
        }
        self.position = (start + audio.frames()) % capacity;
    }

    fn event(&mut self, event: &EventKind) {
        if let EventKind::Param { id, value } = *event {
            match id {
                TIME_MS => self.time_ms = value,
                FEEDBACK => self.feedback = value as f32,
                MIX => self.mix = value as f32,
                _ => return,
            }
            self.update();
        }
    }

    fn reset(&mut self) {
        self.lines.iter_mut().for_each(|line| line.fill(0.0));
        self.position = 0;
    }

    /// Until the last echo above -100 dB (relative to the input) has played:
    /// the k-th echo of a sample comes k times the delay later at `mix *
    /// feedback^(k-1)` of it, so the tail is the delay times the last k with
    /// `feedback^(k-1) >= 10^-5` (one echo without feedback, about 13 at the
    /// default 0.4, 225 at the maximum 0.95). Infinite from a feedback of 1 up.
    fn tail(&self) -> Tail {
        let feedback = f64::from(self.feedback.abs());
        if self.mix == 0.0 {
            return Tail::None;
        }
        if feedback >= 1.0 || feedback.is_nan() {
            return Tail::Infinite;
        }
        let echoes = if feedback == 0.0 { 1.0 } else { 1.0 + (SILENCE.ln() / feedback.ln()).floor() };
        Tail::Frames(self.delay_frames.saturating_mul(echoes as usize))
    }
}
