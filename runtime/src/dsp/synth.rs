//! Synth: a polyphonic instrument, sine or saw oscillators with a linear
//! attack/release envelope.

use super::{ParamSpec, db_to_gain};
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};
use crate::typed::{FloatParam, ParamSet, SteppedParam};

pub const WAVEFORM: u32 = 0;
pub const ATTACK_MS: u32 = 1;
pub const RELEASE_MS: u32 = 2;
pub const LEVEL_DB: u32 = 3;

/// How long a level change ramps by default (linearly in decibels).
pub const SMOOTH_MS: f64 = 20.0;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: WAVEFORM,
        title: "Waveform",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 0.0,
        automatable: true,
        steps: 1,
        smooth_ms: 0.0,
        value_names: &["Sine", "Saw"],
    },
    ParamSpec {
        id: ATTACK_MS,
        title: "Attack",
        units: "ms",
        min: 0.0,
        max: 2000.0,
        default: 5.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
        value_names: &[],
    },
    ParamSpec {
        id: RELEASE_MS,
        title: "Release",
        units: "ms",
        min: 0.0,
        max: 5000.0,
        default: 200.0,
        automatable: true,
        steps: 0,
        smooth_ms: 0.0,
        value_names: &[],
    },
    ParamSpec {
        id: LEVEL_DB,
        title: "Level",
        units: "dB",
        min: -60.0,
        max: 0.0,
        default: -12.0,
        automatable: true,
        steps: 0,
        smooth_ms: SMOOTH_MS,
        value_names: &[],
    },
];

/// Voices sounding at once; a new note beyond that takes the quietest voice.
pub const VOICES: usize = 16;

#[derive(Clone, Copy, Default)]
struct Voice {
    pitch: u8,
    note_id: i32,
    velocity: f32,
    /// Oscillator phase in cycles, 0..1.
    phase: f64,
    /// Cycles per sample.
    step: f64,
    envelope: f32,
    held: bool,
    active: bool,
}

/// 16-voice polyphonic synth. Every channel gets the same mono signal.
///
/// The level ramps over its `smooth_ms` (linearly in decibels), a value per
/// sample, so riding it does not click. Waveform, attack and release shape
/// the notes and apply at their sample, unsmoothed: a voice's envelope is
/// already a ramp.
pub struct Synth {
    voices: [Voice; VOICES],
    waveform: SteppedParam,
    attack_ms: FloatParam,
    release_ms: FloatParam,
    level_db: FloatParam,
    /// The factor while the level is settled.
    level: f32,
    /// One factor per frame, sized in `prepare`.
    levels: Vec<f32>,
    sample_rate: f64,
}

impl Default for Synth {
    fn default() -> Self {
        Self::new(PARAMS)
    }
}

/// The frequency of MIDI note `pitch` (A4 = 69 = 440 Hz).
pub fn note_frequency(pitch: u8) -> f64 {
    440.0 * 2_f64.powf((f64::from(pitch) - 69.0) / 12.0)
}

impl Synth {
    /// A synth with the plugin's own specs of its parameters (ranges,
    /// defaults and smoothing as plugins.toml set them), found by id in
    /// `params`; a parameter missing there takes the built-in spec.
    pub fn new(params: &[ParamSpec]) -> Self {
        let spec = |id: u32| params.iter().chain(PARAMS).find(|p| p.id == id).copied().unwrap_or(PARAMS[0]);
        let level_db = FloatParam::new(&spec(LEVEL_DB));
        Self {
            voices: [Voice::default(); VOICES],
            waveform: SteppedParam::new(&spec(WAVEFORM)),
            attack_ms: FloatParam::new(&spec(ATTACK_MS)),
            release_ms: FloatParam::new(&spec(RELEASE_MS)),
            level: db_to_gain(level_db.target()),
            level_db,
            levels: Vec::new(),
            sample_rate: 48_000.0,
        }
    }

    /// Envelope change per sample, up and down.
    fn rates(&self) -> (f32, f32) {
        let per_sample = |ms: f64| if ms <= 0.0 { 1.0 } else { (1000.0 / (ms * self.sample_rate)) as f32 };
        (per_sample(self.attack_ms.target()), per_sample(self.release_ms.target()))
    }

    /// Each frame's level factor for the next `frames` frames.
    fn fill_levels(&mut self, frames: usize) {
        let frames = frames.min(self.levels.len());
        if self.level_db.is_smoothing() {
            for level in &mut self.levels[..frames] {
                *level = db_to_gain(self.level_db.next());
            }
        } else {
            self.level_db.skip(frames);
            self.levels[..frames].fill(self.level);
        }
    }

    fn note_on(&mut self, pitch: u8, velocity: f32, note_id: i32) {
        // VST3 velocities are 0..=1; anything else (NaN included, which `clamp`
        // would keep) must not become a voice's state.
        let velocity = if velocity.is_nan() { 0.0 } else { velocity.clamp(0.0, 1.0) };
        let step = note_frequency(pitch) / self.sample_rate;
        let slot = self
            .voices
            .iter()
            .position(|v| !v.active)
            .or_else(|| {
                self.voices.iter().enumerate().min_by(|a, b| a.1.envelope.total_cmp(&b.1.envelope)).map(|(i, _)| i)
            })
            .unwrap_or(0);
        self.voices[slot] =
            Voice { pitch, note_id, velocity, phase: 0.0, step, envelope: 0.0, held: true, active: true };
    }

    fn note_off(&mut self, pitch: u8, note_id: i32) {
        for voice in self.voices.iter_mut().filter(|v| v.held) {
            if (note_id >= 0 && voice.note_id == note_id) || (note_id < 0 && voice.pitch == pitch) {
                voice.held = false;
            }
        }
    }
}

impl ParamSet for Synth {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            WAVEFORM => self.waveform.set(plain),
            ATTACK_MS => self.attack_ms.set(plain),
            RELEASE_MS => self.release_ms.set(plain),
            LEVEL_DB => {
                self.level_db.set(plain);
                self.level = db_to_gain(self.level_db.target());
            }
            _ => return false,
        }
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.waveform.prepare(setup);
        self.attack_ms.prepare(setup);
        self.release_ms.prepare(setup);
        self.level_db.prepare(setup);
    }

    fn reset(&mut self) {
        self.attack_ms.reset();
        self.release_ms.reset();
        self.level_db.reset();
    }
}

impl Processor for Synth {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
        self.levels = vec![0.0; setup.max_block];
        ParamSet::prepare(self, setup);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let (attack, release) = self.rates();
        let saw = self.waveform.index() == 1;
        // The level moves on with the frames whether or not a voice sounds.
        let frames = audio.frames();
        self.fill_levels(frames);
        let levels = &self.levels[..frames.min(self.levels.len())];
        let mut channels = audio.channels_mut();
        let Some(first) = channels.next() else { return };
        first.fill(0.0);
        for voice in self.voices.iter_mut().filter(|v| v.active) {
            for (sample, level) in first.iter_mut().zip(levels) {
                let wave = if saw {
                    (2.0 * voice.phase - 1.0) as f32
                } else {
                    (2.0 * std::f64::consts::PI * voice.phase).sin() as f32
                };
                voice.envelope =
                    if voice.held { (voice.envelope + attack).min(1.0) } else { (voice.envelope - release).max(0.0) };
                *sample += wave * voice.envelope * voice.velocity * level;
                voice.phase = (voice.phase + voice.step).fract();
            }
            if !voice.held && voice.envelope == 0.0 {
                voice.active = false;
            }
        }
        for channel in channels {
            channel.copy_from_slice(first);
        }
    }

    fn event(&mut self, event: &EventKind) {
        match *event {
            EventKind::NoteOn { pitch, velocity, note_id, .. } => self.note_on(pitch & 127, velocity, note_id),
            EventKind::NoteOff { pitch, note_id, .. } => self.note_off(pitch & 127, note_id),
            _ => {
                ParamSet::event(self, event);
            }
        }
    }

    fn reset(&mut self) {
        self.voices = [Voice::default(); VOICES];
        ParamSet::reset(self);
    }

    fn tail(&self) -> Tail {
        Tail::Frames((self.release_ms.target() * self.sample_rate / 1000.0).ceil() as usize)
    }
}
