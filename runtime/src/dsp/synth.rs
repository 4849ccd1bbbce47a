//! Synth: a polyphonic instrument, sine or saw oscillators with a linear
//! attack/release envelope.

use super::{ParamSpec, db_to_gain};
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};

pub const WAVEFORM: u32 = 0;
pub const ATTACK_MS: u32 = 1;
pub const RELEASE_MS: u32 = 2;
pub const LEVEL_DB: u32 = 3;

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
        smooth_ms: 0.0,
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
pub struct Synth {
    voices: [Voice; VOICES],
    saw: bool,
    attack_ms: f64,
    release_ms: f64,
    level: f32,
    sample_rate: f64,
}

impl Default for Synth {
    fn default() -> Self {
        Self {
            voices: [Voice::default(); VOICES],
            saw: false,
            attack_ms: 5.0,
            release_ms: 200.0,
            level: db_to_gain(-12.0),
            sample_rate: 48_000.0,
        }
    }
}

/// The frequency of MIDI note `pitch` (A4 = 69 = 440 Hz).
pub fn note_frequency(pitch: u8) -> f64 {
    440.0 * 2_f64.powf((f64::from(pitch) - 69.0) / 12.0)
}

impl Synth {
    /// Envelope change per sample, up and down.
    fn rates(&self) -> (f32, f32) {
        let per_sample = |ms: f64| if ms <= 0.0 { 1.0 } else { (1000.0 / (ms * self.sample_rate)) as f32 };
        (per_sample(self.attack_ms), per_sample(self.release_ms))
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

impl Processor for Synth {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.sample_rate = setup.sample_rate;
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let (attack, release) = self.rates();
        let mut channels = audio.channels_mut();
        let Some(first) = channels.next() else { return };
        first.fill(0.0);
        for voice in self.voices.iter_mut().filter(|v| v.active) {
            for sample in first.iter_mut() {
                let wave = if self.saw {
                    (2.0 * voice.phase - 1.0) as f32
                } else {
                    (2.0 * std::f64::consts::PI * voice.phase).sin() as f32
                };
                voice.envelope =
                    if voice.held { (voice.envelope + attack).min(1.0) } else { (voice.envelope - release).max(0.0) };
                *sample += wave * voice.envelope * voice.velocity * self.level;
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
            EventKind::Param { id: WAVEFORM, value } => self.saw = value >= 0.5,
            EventKind::Param { id: ATTACK_MS, value } => self.attack_ms = value,
            EventKind::Param { id: RELEASE_MS, value } => self.release_ms = value,
            EventKind::Param { id: LEVEL_DB, value } => self.level = db_to_gain(value),
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.voices = [Voice::default(); VOICES];
    }

    fn tail(&self) -> Tail {
        Tail::Frames((self.release_ms * self.sample_rate / 1000.0).ceil() as usize)
    }
}
