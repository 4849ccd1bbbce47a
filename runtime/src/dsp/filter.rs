//! Filter: an RBJ biquad, low-pass, high-pass or band-pass, with cutoff and
//! resonance (Q).

use super::ParamSpec;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};

pub const MODE: u32 = 0;
pub const CUTOFF_HZ: u32 = 1;
pub const RESONANCE: u32 = 2;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: MODE,
        title: "Mode",
        units: "",
        min: 0.0,
        max: 2.0,
        default: 0.0,
        automatable: true,
        steps: 2,
        smooth_ms: 0.0,
    },
    ParamSpec {
        id: CUTOFF_HZ,
        title: "Cutoff",
        units: "Hz",
        min: 20.0,
        max: 20_000.0,
        default: 1000.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
    ParamSpec {
        id: RESONANCE,
        title: "Resonance",
        units: "Q",
        min: 0.1,
        max: 10.0,
        default: 0.707,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
    },
];

/// Which band the filter passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    LowPass,
    HighPass,
    BandPass,
}

impl Mode {
    fn from_value(value: f64) -> Self {
        match value.round() as i64 {
            1 => Self::HighPass,
            2 => Self::BandPass,
            _ => Self::LowPass,
        }
    }
}

/// A biquad per channel (direct form I, coefficients in f64 and run in f32).
///
/// Its memory never holds a non-finite value: if a sample's result overflows
/// (input near `f32::MAX`, raised further by resonance) or is NaN (non-finite
/// input, which the engine never passes on), that sample outputs 0.0 and the
/// channel's memory is cleared, so the filter goes on from silence instead of
/// ringing NaN or infinity for ever.
pub struct Filter {
    mode: Mode,
    cutoff: f64,
    q: f64,
    sample_rate: f64,
    coefficients: [f32; 5],
    state: Vec<[f32; 4]>,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            mode: Mode::LowPass,
            cutoff: 1000.0,
            q: 0.707,
            sample_rate: 48_000.0,
            coefficients: [0.0; 5],
            state: Vec::new(),
        }
    }
}

impl Filter {
    /// The feedback coefficients `a1, a2` (normalized by `a0`), in f64.
    fn denominator(&self) -> [f64; 2] {
        let [.., a1, a2] = self.coefficients;
        [f64::from(a1), f64::from(a2)]
    }

    fn update(&mut self) {
        let nyquist_guard = self.sample_rate * 0.49;
        let w0 = 2.0 * std::f64::consts::PI * self.cutoff.clamp(1.0, nyquist_guard) / self.sample_rate;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * self.q.max(0.01));
        let (b0, b1, b2) = match self.mode {
            Mode::LowPass => ((1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0),
            Mode::HighPass => ((1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0),
            Mode::BandPass => (alpha, 0.0, -alpha),
        };
        let a0 = 1.0 + alpha;
        self.coefficients = [
            (b0 / a0) as f32,
            (b1 / a0) as f32,
            (b2 / a0) as f32,
            (-2.0 * cos / a0) as f32,
            ((1.0 - alpha) / a0) as f32,
        ];
    }
}

/// Marks the rare path of a sample whose result is not finite. A call cannot
/// be turned into a select, so the check stays a branch, predicted not taken,
/// off the recursion's critical path (a select on `y` would lengthen it).
#[cold]
#[inline(never)]
fn overflowed() {}

impl Processor for Filter {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        self.state = vec![[0.0; 4]; setup.channels];
        self.update();
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let [b0, b1, b2, a1, a2] = self.coefficients;
        for (channel, state) in audio.channels_mut().zip(&mut self.state) {
            let [mut x1, mut x2, mut y1, mut y2] = *state;
            for sample in channel.iter_mut() {
                let x = *sample;
                let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                (x2, x1, y2, y1) = (x1, x, y1, y);
                *sample = y;
                if !y.is_finite() {
                    overflowed();
                    (x2, x1, y2, y1) = (0.0, 0.0, 0.0, 0.0);
                    *sample = 0.0;
                }
            }
            *state = [x1, x2, y1, y2];
        }
    }

    fn event(&mut self, event: &EventKind) {
        if let EventKind::Param { id, value } = *event {
            match id {
                MODE => self.mode = Mode::from_value(value),
                CUTOFF_HZ => self.cutoff = value,
                RESONANCE => self.q = value,
                _ => return,
            }
            self.update();
        }
    }

    fn reset(&mut self) {
        self.state.iter_mut().for_each(|s| *s = [0.0; 4]);
    }

    /// Until the impulse response has decayed below -100 dB: it falls as
    /// r^n, r the larger pole radius, from a peak of about the resonance Q
    /// (20 dB at the maximum Q of 10), so the tail is the n where
    /// `max(Q, 1) * r^n` reaches 10^-5, plus the two frames the feed-forward
    /// part adds: a few milliseconds at most settings, up to about 2 s for a
    /// 20 Hz cutoff at Q 10.
    fn tail(&self) -> Tail {
        let radius = pole_radius(self.denominator());
        // At or past the unit circle (or NaN): it never dies away.
        if radius.is_nan() || radius >= 1.0 {
            return Tail::Infinite;
        }
        if radius == 0.0 {
            return Tail::Frames(2);
        }
        let frames = ((SILENCE / self.q.max(1.0)).ln() / radius.ln()).ceil();
        Tail::Frames(frames as usize + 2)
    }
}

/// The level, relative to the input, below which the response counts as
/// silence in the reported tail: -100 dB.
const SILENCE: f64 = 1e-5;

/// The larger radius of the poles of `1 + a1 z^-1 + a2 z^-2`.
fn pole_radius([a1, a2]: [f64; 2]) -> f64 {
    let discriminant = a1 * a1 - 4.0 * a2;
    if discriminant < 0.0 {
        // A complex pair: both at radius sqrt(a2).
        a2.sqrt()
    } else {
        let root = discriminant.sqrt();
        ((-a1 + root) / 2.0).abs().max(((-a1 - root) / 2.0).abs())
    }
}
