//! Filter: an RBJ biquad, low-pass, high-pass or band-pass, with cutoff and
//! resonance (Q).

use super::ParamSpec;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};
use crate::typed::{FloatParam, ParamSet, Smoother, SteppedParam};

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
        value_names: &["Low-pass", "High-pass", "Band-pass"],
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
        smooth_ms: SMOOTH_MS,
        value_names: &[],
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
        smooth_ms: SMOOTH_MS,
        value_names: &[],
    },
];

/// How long a cutoff or resonance change ramps by default.
pub const SMOOTH_MS: f64 = 20.0;

/// Which band the filter passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    LowPass,
    HighPass,
    BandPass,
}

impl Mode {
    fn from_index(index: u32) -> Self {
        match index {
            1 => Self::HighPass,
            2 => Self::BandPass,
            _ => Self::LowPass,
        }
    }
}

/// A biquad per channel (direct form I, coefficients in f64 and run in f32).
///
/// Cutoff and resonance ramp over their `smooth_ms` (linearly in hertz and in
/// Q); while either ramps, the coefficients are recomputed for every sample
/// from that sample's values. Per sample rather than per sub-block: a
/// sub-block's coefficients would depend on where the engine cut the blocks
/// (it splits them at events), and buffered output must equal unbuffered
/// output bit for bit; the cost (a `sin_cos` and a division per sample) is
/// paid only during a ramp. The mode is stepped and switches at its sample.
///
/// Its memory never holds a non-finite value: if a sample's result overflows
/// (input near `f32::MAX`, raised further by resonance) or is NaN (non-finite
/// input, which the engine never passes on), that sample outputs 0.0 and the
/// channel's memory is cleared, so the filter goes on from silence instead of
/// ringing NaN or infinity for ever.
pub struct Filter {
    mode: SteppedParam,
    cutoff: FloatParam,
    q: FloatParam,
    sample_rate: f64,
    /// For the targets: every sample's once the ramps are done.
    coefficients: [f32; 5],
    /// One set per frame while a ramp is under way, sized in `prepare`.
    ramp: Vec<[f32; 5]>,
    state: Vec<[f32; 4]>,
}

impl Default for Filter {
    fn default() -> Self {
        Self::new(PARAMS)
    }
}

/// The spec with `id` in `params`, or the built-in one.
fn spec(params: &[ParamSpec], id: u32) -> ParamSpec {
    params.iter().chain(PARAMS).find(|p| p.id == id).copied().unwrap_or(PARAMS[0])
}

impl Filter {
    /// A filter with the plugin's own specs of its parameters (ranges,
    /// defaults and smoothing as plugins.toml set them), found by id in
    /// `params`; a parameter missing there takes the built-in spec.
    pub fn new(params: &[ParamSpec]) -> Self {
        let mut filter = Self {
            mode: SteppedParam::new(&spec(params, MODE)),
            cutoff: FloatParam::new(&spec(params, CUTOFF_HZ)),
            q: FloatParam::new(&spec(params, RESONANCE)),
            sample_rate: 48_000.0,
            coefficients: [0.0; 5],
            ramp: Vec::new(),
            state: Vec::new(),
        };
        filter.update();
        filter
    }

    /// The feedback coefficients `a1, a2` (normalized by `a0`), in f64.
    fn denominator(coefficients: [f32; 5]) -> [f64; 2] {
        let [.., a1, a2] = coefficients;
        [f64::from(a1), f64::from(a2)]
    }

    fn mode(&self) -> Mode {
        Mode::from_index(self.mode.index())
    }

    /// The coefficients for the targets.
    fn update(&mut self) {
        self.coefficients = coefficients(self.mode(), self.cutoff.target(), self.q.target(), self.sample_rate);
    }

    fn ramping(&self) -> bool {
        self.cutoff.is_smoothing() || self.q.is_smoothing()
    }

    /// Fills `ramp[..frames]` with each frame's coefficients.
    fn fill_ramp(&mut self, frames: usize) -> usize {
        let frames = frames.min(self.ramp.len());
        let mode = self.mode();
        for slot in &mut self.ramp[..frames] {
            *slot = coefficients(mode, self.cutoff.next(), self.q.next(), self.sample_rate);
        }
        frames
    }
}

/// The RBJ cookbook's coefficients `[b0, b1, b2, a1, a2]`, normalized by `a0`.
fn coefficients(mode: Mode, cutoff: f64, q: f64, sample_rate: f64) -> [f32; 5] {
    let nyquist_guard = sample_rate * 0.49;
    let w0 = 2.0 * std::f64::consts::PI * cutoff.clamp(1.0, nyquist_guard) / sample_rate;
    let (sin, cos) = w0.sin_cos();
    let alpha = sin / (2.0 * q.max(0.01));
    let (b0, b1, b2) = match mode {
        Mode::LowPass => ((1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0),
        Mode::HighPass => ((1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0),
        Mode::BandPass => (alpha, 0.0, -alpha),
    };
    let a0 = 1.0 + alpha;
    [(b0 / a0) as f32, (b1 / a0) as f32, (b2 / a0) as f32, (-2.0 * cos / a0) as f32, ((1.0 - alpha) / a0) as f32]
}

/// Marks the rare path of a sample whose result is not finite. A call cannot
/// be turned into a select, so the check stays a branch, predicted not taken,
/// off the recursion's critical path (a select on `y` would lengthen it).
#[cold]
#[inline(never)]
fn overflowed() {}

/// Runs the biquad over `samples` in place, one set of `coefficients` per
/// sample, from and back to `memory` (`[x1, x2, y1, y2]`). The memory stays
/// in locals while the block runs: through the array, every sample would
/// wait for the previous one's store (3.4 times slower, measured). A sample
/// whose result is not finite comes out as 0.0 and clears the memory, so
/// nothing non-finite stays in it.
fn run(memory: &mut [f32; 4], samples: &mut [f32], coefficients: impl Iterator<Item = [f32; 5]>) {
    let [mut x1, mut x2, mut y1, mut y2] = *memory;
    for (sample, [b0, b1, b2, a1, a2]) in samples.iter_mut().zip(coefficients) {
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
    *memory = [x1, x2, y1, y2];
}

impl ParamSet for Filter {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            MODE => self.mode.set(plain),
            CUTOFF_HZ => self.cutoff.set(plain),
            RESONANCE => self.q.set(plain),
            _ => return false,
        }
        self.update();
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.mode.prepare(setup);
        self.cutoff.prepare(setup);
        self.q.prepare(setup);
    }

    fn reset(&mut self) {
        self.cutoff.reset();
        self.q.reset();
    }
}

impl Processor for Filter {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        self.state = vec![[0.0; 4]; setup.channels];
        self.ramp = vec![[0.0; 5]; setup.max_block];
        ParamSet::prepare(self, setup);
        self.update();
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        if !self.ramping() {
            // Settled: one set of coefficients for the whole block.
            self.cutoff.skip(audio.frames());
            self.q.skip(audio.frames());
            let coefficients = self.coefficients;
            for (channel, memory) in audio.channels_mut().zip(&mut self.state) {
                run(memory, channel, std::iter::repeat(coefficients));
            }
            return;
        }
        let frames = self.fill_ramp(audio.frames());
        for (channel, memory) in audio.channels_mut().zip(&mut self.state) {
            run(memory, &mut channel[..frames], self.ramp[..frames].iter().copied());
        }
    }

    fn event(&mut self, event: &EventKind) {
        ParamSet::event(self, event);
    }

    fn reset(&mut self) {
        self.state.iter_mut().for_each(|s| *s = [0.0; 4]);
        ParamSet::reset(self);
    }

    /// Until the impulse response has decayed below -100 dB: it falls as
    /// r^n, r the larger pole radius, from a peak of about the resonance Q
    /// (20 dB at the maximum Q of 10), so the tail is the n where
    /// `max(Q, 1) * r^n` reaches 10^-5, plus the two frames the feed-forward
    /// part adds: a few milliseconds at most settings, up to about 2 s for a
    /// 20 Hz cutoff at Q 10. During a ramp, the longer of the tails at the
    /// values reached and at the targets, plus a whole ramp's length (an
    /// upper bound on what is left of it), since the filter passes through
    /// both.
    fn tail(&self) -> Tail {
        let settled = tail_of(self.coefficients, self.q.target());
        if !self.ramping() {
            return settled;
        }
        let now = coefficients(self.mode(), self.cutoff.value(), self.q.value(), self.sample_rate);
        let left = Smoother::frames_for(self.cutoff.spec().smooth_ms.max(self.q.spec().smooth_ms), self.sample_rate);
        match (settled, tail_of(now, self.q.value())) {
            (Tail::Frames(a), Tail::Frames(b)) => Tail::Frames(a.max(b).saturating_add(left as usize)),
            (Tail::Infinite, _) | (_, Tail::Infinite) => Tail::Infinite,
            (Tail::None, other) | (other, Tail::None) => other,
        }
    }
}

/// The tail of a biquad with `coefficients` at resonance `q`.
fn tail_of(coefficients: [f32; 5], q: f64) -> Tail {
    let radius = pole_radius(Filter::denominator(coefficients));
    // At or past the unit circle (or NaN): it never dies away.
    if radius.is_nan() || radius >= 1.0 {
        return Tail::Infinite;
    }
    if radius == 0.0 {
        return Tail::Frames(2);
    }
    let frames = ((SILENCE / q.max(1.0)).ln() / radius.ln()).ceil();
    Tail::Frames(frames as usize + 2)
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
