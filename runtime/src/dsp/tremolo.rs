//! Tremolo: amplitude modulation by a sine LFO, free-running at a rate in
//! hertz, or synced to the host's tempo at a rate in note values.

use super::ParamSpec;
use super::note::NoteValue;
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor};
use crate::typed::{FloatParam, ParamSet};

pub const RATE_HZ: u32 = 0;
pub const DEPTH: u32 = 1;

/// How long a rate or depth change ramps by default.
pub const SMOOTH_MS: f64 = 20.0;

const RATE_SPEC: ParamSpec = ParamSpec {
    id: RATE_HZ,
    title: "Rate",
    units: "Hz",
    min: 0.1,
    max: 20.0,
    default: 5.0,
    automatable: true,
    steps: 0,
    smooth_ms: SMOOTH_MS,
    value_names: &[],
};
const DEPTH_SPEC: ParamSpec = ParamSpec {
    id: DEPTH,
    title: "Depth",
    units: "",
    min: 0.0,
    max: 1.0,
    default: 0.5,
    automatable: true,
    steps: 0,
    smooth_ms: SMOOTH_MS,
    value_names: &[],
};

/// The free-running tremolo's parameters.
pub const PARAMS: &[ParamSpec] = &[RATE_SPEC, DEPTH_SPEC];
/// The synced tremolo's: its rate is a note value fixed when it is made.
pub const SYNCED_PARAMS: &[ParamSpec] = &[DEPTH_SPEC];

/// The tempo a synced tremolo runs at when the host reports none.
pub const FALLBACK_TEMPO: f64 = 120.0;

/// `gain = 1 - depth * (1 - cos(2π phase)) / 2`: 1 at phase 0, `1 - depth` at
/// half a period.
///
/// Free-running ([`Tremolo::default`]), the phase runs on the sample clock at
/// the Rate parameter, from 0 after a reset.
///
/// Synced ([`Tremolo::synced`]), one period lasts the note value, and while
/// the host plays, the phase is locked to its musical position: phase =
/// position in quarter notes / the note value's length in quarter notes,
/// modulo 1. The gain is 1 on every multiple of the note value from the
/// project's start, the deepest dip halfway between, and after a jump or a
/// loop the LFO is where the new position puts it. While the host is stopped
/// (or reports no position) the phase runs on from where it was at the
/// host's tempo ([`FALLBACK_TEMPO`] without one).
///
/// Either way the phase of every frame depends only on the frames before it
/// and on what the host reported for them, so the output does not depend on
/// how blocks are cut.
///
/// Rate and depth ramp over their `smooth_ms`, a value per sample: a rate
/// change bends the LFO's speed (the phase runs on, accumulated sample by
/// sample), a depth change fades the modulation in or out.
pub struct Tremolo {
    rate: FloatParam,
    depth: FloatParam,
    sample_rate: f64,
    /// Phase in cycles, 0..1, of the next frame.
    phase: f64,
    /// The note value of one period when synced.
    sync: Option<NoteValue>,
}

impl Default for Tremolo {
    fn default() -> Self {
        Self::new(PARAMS)
    }
}

/// The gain for an LFO phase (in cycles) and a depth.
fn gain(phase: f64, depth: f32) -> f32 {
    let lfo = (1.0 - (2.0 * std::f64::consts::PI * phase).cos()) as f32 * 0.5;
    1.0 - depth * lfo
}

/// Frames whose gains are computed before they are applied to every channel.
const RUN: usize = 64;

impl Tremolo {
    /// A free-running tremolo with the plugin's own specs of its parameters
    /// (ranges, defaults and smoothing as plugins.toml set them), found by id
    /// in `params`; a parameter missing there takes the built-in spec.
    pub fn new(params: &[ParamSpec]) -> Self {
        let spec = |id: u32, built_in: ParamSpec| params.iter().find(|p| p.id == id).copied().unwrap_or(built_in);
        Self {
            rate: FloatParam::new(&spec(RATE_HZ, RATE_SPEC)),
            depth: FloatParam::new(&spec(DEPTH, DEPTH_SPEC)),
            sample_rate: 48_000.0,
            phase: 0.0,
            sync: None,
        }
    }

    /// A tremolo synced to the host's tempo, one period per `note`, with the
    /// built-in [`SYNCED_PARAMS`].
    pub fn synced(note: NoteValue) -> Self {
        Self::synced_with(note, SYNCED_PARAMS)
    }

    /// A tremolo synced to the host's tempo, one period per `note`, with the
    /// plugin's own spec of its depth found in `params`.
    pub fn synced_with(note: NoteValue, params: &[ParamSpec]) -> Self {
        Self { sync: Some(note), ..Self::new(params) }
    }

    /// The note value it is synced to, if synced.
    pub fn sync(&self) -> Option<NoteValue> {
        self.sync
    }

    /// Multiplies every channel's frames `done..done + gains.len()` by `gains`.
    fn apply(audio: &mut AudioBlock<'_, '_>, done: usize, gains: &[f32]) {
        for channel in audio.channels_mut() {
            for (sample, gain) in channel[done..done + gains.len()].iter_mut().zip(gains) {
                *sample *= gain;
            }
        }
    }

    fn process_free(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let frames = audio.frames();
        let mut gains = [0.0_f32; RUN];
        let mut done = 0;
        while done < frames {
            let n = RUN.min(frames - done);
            for slot in &mut gains[..n] {
                // Settled, the same step every frame; ramping, this frame's
                // rate. The phase carried on is the one accumulated sample by
                // sample, so the output does not depend on where blocks are cut.
                let step = self.rate.next() / self.sample_rate;
                *slot = gain(self.phase, self.depth.next() as f32);
                self.phase = (self.phase + step).fract();
            }
            Self::apply(audio, done, &gains[..n]);
            done += n;
        }
    }

    fn process_synced(&mut self, audio: &mut AudioBlock<'_, '_>, note: NoteValue) {
        let period = note.quarter_notes();
        let transport = audio.transport();
        // Whether the phase follows the position: the same for every frame of
        // the block, since the engine starts a block where a report changes it.
        let locked = transport.playing && transport.beats_per_frame(self.sample_rate).is_some();
        let step = transport.tempo.filter(|t| t.is_finite() && *t > 0.0).unwrap_or(FALLBACK_TEMPO)
            / (60.0 * period * self.sample_rate);
        let phase_at = |audio: &AudioBlock<'_, '_>, frame: usize| {
            let beats = audio.beats_at(frame).filter(|beats| locked && beats.is_finite());
            beats.map(|beats| (beats / period).rem_euclid(1.0))
        };
        let frames = audio.frames();
        let mut gains = [0.0_f32; RUN];
        let mut done = 0;
        while done < frames {
            let n = RUN.min(frames - done);
            for (k, slot) in gains[..n].iter_mut().enumerate() {
                let phase = match phase_at(audio, done + k) {
                    Some(phase) => phase,
                    None => {
                        let phase = self.phase;
                        self.phase = (phase + step).fract();
                        phase
                    }
                };
                *slot = gain(phase, self.depth.next() as f32);
            }
            Self::apply(audio, done, &gains[..n]);
            done += n;
        }
        if let Some(next) = phase_at(audio, frames) {
            // Stopping later runs on from here.
            self.phase = next;
        }
    }
}

impl ParamSet for Tremolo {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            // A synced tremolo's rate is its note value: it has no Rate parameter.
            RATE_HZ if self.sync.is_none() => self.rate.set(plain),
            DEPTH => self.depth.set(plain),
            _ => return false,
        }
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.rate.prepare(setup);
        self.depth.prepare(setup);
    }

    fn reset(&mut self) {
        self.rate.reset();
        self.depth.reset();
    }
}

impl Processor for Tremolo {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        ParamSet::prepare(self, setup);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        match self.sync {
            Some(note) => self.process_synced(audio, note),
            None => self.process_free(audio),
        }
    }

    fn event(&mut self, event: &EventKind) {
        ParamSet::event(self, event);
    }

    fn reset(&mut self) {
        self.phase = 0.0;
        ParamSet::reset(self);
    }
}
