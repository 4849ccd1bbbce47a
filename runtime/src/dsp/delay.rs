//! Delay: an echo with feedback, mixed with the dry signal.

use super::ParamSpec;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};
use crate::typed::{FloatParam, ParamSet};

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
        value_names: &[],
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
        smooth_ms: SMOOTH_MS,
        value_names: &[],
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
        smooth_ms: SMOOTH_MS,
        value_names: &[],
    },
];

/// How long a feedback or mix change ramps by default.
pub const SMOOTH_MS: f64 = 20.0;

/// `out = dry * (1 - mix) + echo * mix`, where the echo line holds
/// `input + feedback * echo` delayed by the time.
///
/// Feedback and mix ramp over their `smooth_ms`, a value per sample. The time
/// changes at its sample, unsmoothed: sliding the read position would change
/// the pitch of everything in the line (a tape-speed effect), which is not
/// what a change of echo time asks for.
///
/// The line never holds a non-finite value: a sum that overflows (input near
/// `f32::MAX` meeting its own echo) is stored as 0.0, and so is whatever a
/// non-finite input would have made. A bad value would otherwise circulate
/// through the feedback for ever; this way it is gone once it has been read.
pub struct Delay {
    time_ms: FloatParam,
    feedback: FloatParam,
    mix: FloatParam,
    sample_rate: f64,
    delay_frames: usize,
    lines: Vec<Vec<f32>>,
    position: usize,
}

impl Default for Delay {
    fn default() -> Self {
        Self::new(PARAMS)
    }
}

impl Delay {
    /// A delay with the plugin's own specs of its parameters (ranges,
    /// defaults and smoothing as plugins.toml set them), found by id in
    /// `params`; a parameter missing there takes the built-in spec.
    pub fn new(params: &[ParamSpec]) -> Self {
        let spec = |id: u32| params.iter().chain(PARAMS).find(|p| p.id == id).copied().unwrap_or(PARAMS[0]);
        Self {
            time_ms: FloatParam::new(&spec(TIME_MS)),
            feedback: FloatParam::new(&spec(FEEDBACK)),
            mix: FloatParam::new(&spec(MIX)),
            sample_rate: 48_000.0,
            delay_frames: 1,
            lines: Vec::new(),
            position: 0,
        }
    }

    fn update(&mut self) {
        let frames = (self.time_ms.target() * self.sample_rate / 1000.0).round() as usize;
        let capacity = self.lines.first().map_or(1, Vec::len);
        self.delay_frames = frames.clamp(1, capacity);
    }
}

/// `value`, or 0.0 if it is NaN or infinite.
#[inline(always)]
fn finite_or_zero(value: f32) -> f32 {
    if value.is_finite() { value } else { 0.0 }
}

/// One sample through the line: stores `input + feedback * echo`, returns the mix.
#[inline(always)]
fn tick(line: &mut [f32], write: usize, read: usize, input: f32, feedback: f32, mix: f32) -> f32 {
    let echo = line[read];
    line[write] = finite_or_zero(input + feedback * echo);
    finite_or_zero(input * (1.0 - mix) + echo * mix)
}

impl ParamSet for Delay {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            TIME_MS => self.time_ms.set(plain),
            FEEDBACK => self.feedback.set(plain),
            MIX => self.mix.set(plain),
            _ => return false,
        }
        self.update();
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.time_ms.prepare(setup);
        self.feedback.prepare(setup);
        self.mix.prepare(setup);
    }

    fn reset(&mut self) {
        self.time_ms.reset();
        self.feedback.reset();
        self.mix.reset();
    }
}

impl Processor for Delay {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        let capacity = (MAX_TIME_MS * setup.sample_rate / 1000.0).ceil() as usize + 1;
        self.lines = vec![vec![0.0; capacity]; setup.channels];
        self.position = 0;
        ParamSet::prepare(self, setup);
        self.update();
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let capacity = self.lines.first().map_or(1, Vec::len);
        let (start, delay) = (self.position, self.delay_frames);
        let frames = audio.frames();
        self.position = (start + frames) % capacity;
        if !self.feedback.is_smoothing() && !self.mix.is_smoothing() {
            // Settled: one feedback and mix for the whole block.
            self.feedback.skip(frames);
            self.mix.skip(frames);
            let (feedback, mix) = (self.feedback.value() as f32, self.mix.value() as f32);
            for (channel, line) in audio.channels_mut().zip(&mut self.lines) {
                let mut write = start;
                for sample in channel.iter_mut() {
                    *sample = tick(line, write, (write + capacity - delay) % capacity, *sample, feedback, mix);
                    write = (write + 1) % capacity;
                }
            }
            return;
        }
        let feedback = self.feedback.block(frames);
        let mix = self.mix.block(frames);
        for (channel, line) in audio.channels_mut().zip(&mut self.lines) {
            let mut write = start;
            for ((sample, feedback), mix) in channel.iter_mut().zip(feedback).zip(mix) {
                *sample = tick(line, write, (write + capacity - delay) % capacity, *sample, *feedback, *mix);
                write = (write + 1) % capacity;
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        ParamSet::event(self, event);
    }

    fn reset(&mut self) {
        self.lines.iter_mut().for_each(|line| line.fill(0.0));
        self.position = 0;
        ParamSet::reset(self);
    }

    /// Until the last echo above -100 dB (relative to the input) has played:
    /// the k-th echo of a sample comes k times the delay later at `mix *
    /// feedback^(k-1)` of it, so the tail is the delay times the last k with
    /// `feedback^(k-1) >= 10^-5` (one echo without feedback, about 13 at the
    /// default 0.4, 225 at the maximum 0.95). Infinite from a feedback of 1 up.
    fn tail(&self) -> Tail {
        // During a ramp, the larger of the values reached and the targets:
        // the echoes already in the line were made with the one, later ones
        // with the other.
        let feedback = self.feedback.value().abs().max(self.feedback.target().abs());
        if self.mix.value() == 0.0 && self.mix.target() == 0.0 {
            return Tail::None;
        }
        // The line runs in f32: a feedback that rounds to 1 never dies away.
        let feedback = f64::from(feedback as f32);
        if feedback >= 1.0 || feedback.is_nan() {
            return Tail::Infinite;
        }
        let echoes = if feedback == 0.0 { 1.0 } else { 1.0 + (SILENCE.ln() / feedback.ln()).floor() };
        Tail::Frames(self.delay_frames.saturating_mul(echoes as usize))
    }
}
