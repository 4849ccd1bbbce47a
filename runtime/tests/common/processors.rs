//! Reference processors for the engine tests. Each processes sample by sample,
//! so its output does not depend on how the stream is cut into blocks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use runtime::engine::{AudioBlock, EventKind, ProcessSetup, Processor};

/// A feedback delay into a one-pole low-pass, times a gain (parameter 0):
/// every output sample depends on the whole input history.
#[derive(Default)]
pub struct FeedbackFilter {
    delay: Vec<Vec<f32>>,
    position: usize,
    smooth: Vec<f32>,
    gain: f32,
}

const DELAY: usize = 37;

impl Processor for FeedbackFilter {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.delay = vec![vec![0.0; DELAY]; setup.channels];
        self.smooth = vec![0.0; setup.channels];
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let start = self.position;
        for ((samples, delay), smooth) in audio.channels_mut().zip(&mut self.delay).zip(&mut self.smooth) {
            let mut position = start;
            for sample in samples {
                let fed_back = *sample * self.gain + 0.6 * delay[position];
                delay[position] = fed_back;
                *smooth = *smooth * 0.8 + fed_back * 0.2;
                *sample = *smooth;
                position = (position + 1) % DELAY;
            }
        }
        self.position = (start + audio.frames()) % DELAY;
    }

    fn event(&mut self, event: &EventKind) {
        if let EventKind::Param { id: 0, value } = event {
            self.gain = *value as f32;
        }
    }

    fn reset(&mut self) {
        self.delay.iter_mut().for_each(|d| d.fill(0.0));
        self.smooth.fill(0.0);
        self.position = 0;
        self.gain = 1.0;
    }
}

/// Outputs `level` (parameter 0) plus 0.5 while a note is held, ignoring its
/// input: the first frame after an event shows exactly where it landed.
#[derive(Default)]
pub struct OnsetProbe {
    level: f32,
    held: bool,
}

impl Processor for OnsetProbe {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let value = self.level + if self.held { 0.5 } else { 0.0 };
        for samples in audio.channels_mut() {
            samples.fill(value);
        }
    }

    fn event(&mut self, event: &EventKind) {
        match event {
            EventKind::NoteOn { .. } => self.held = true,
            EventKind::NoteOff { .. } => self.held = false,
            EventKind::Param { id: 0, value } => self.level = *value as f32,
            _ => {}
        }
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Shared controls of a [`Gate`]: where it sticks, whether it is released, and
/// what it has seen.
#[derive(Default)]
pub struct GateControl {
    /// Input clock at which the processor gets stuck (once).
    pub stick_at: AtomicU64,
    pub armed: AtomicBool,
    pub released: AtomicBool,
    /// Input clock of the first frame of the block it got stuck in.
    pub stuck_at: AtomicU64,
    pub stuck: AtomicBool,
}

/// A gain of 1 that, once armed, gets stuck inside `process` on the block that
/// contains input clock `stick_at` until released: a garbage collector that
/// never finishes, under test control. Only the engine's worker gets stuck (the
/// test releases the gate from the audio thread).
pub struct Gate {
    pub control: Arc<GateControl>,
    clock: u64,
}

impl Gate {
    pub fn new(control: Arc<GateControl>) -> Self {
        Self { control, clock: 0 }
    }
}

impl Processor for Gate {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let c = &self.control;
        let stick_at = c.stick_at.load(Ordering::Acquire);
        let end = self.clock + audio.frames() as u64;
        let on_worker = std::thread::current().name().is_some_and(|name| name.starts_with("writeahead-"));
        if on_worker && c.armed.load(Ordering::Acquire) && (self.clock..end).contains(&stick_at) {
            c.armed.store(false, Ordering::Release);
            c.stuck_at.store(self.clock, Ordering::Release);
            c.stuck.store(true, Ordering::Release);
            while !c.released.load(Ordering::Acquire) {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
            c.stuck.store(false, Ordering::Release);
        }
        self.clock = end;
    }

    fn reset(&mut self) {
        self.clock = 0;
    }
}

/// A gain of 1 that panics on the block containing input clock `at`.
pub struct PanicAt {
    pub at: u64,
    clock: u64,
}

impl PanicAt {
    pub fn new(at: u64) -> Self {
        Self { at, clock: 0 }
    }
}

impl Processor for PanicAt {
    fn prepare(&mut self, _setup: &ProcessSetup) {}

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let end = self.clock + audio.frames() as u64;
        let hit = (self.clock..end).contains(&self.at);
        self.clock = end;
        assert!(!hit, "PanicAt reached clock {}", self.at);
        for samples in audio.channels_mut() {
            samples.iter_mut().for_each(|s| *s *= 2.0);
        }
    }

    fn reset(&mut self) {
        self.clock = 0;
    }
}

/// A custom processor with a bug: per channel `gain * x + bias + memory / 4`,
/// where `memory` smooths `d * (1 / d)` with `d = x - 1`: about 1.0 for every
/// input but 1.0 itself, where 0 * inf makes the memory NaN for good. Its
/// `reset` forgets its parameters (gain, id 0, back to 1; bias, id 1000, back
/// to 0), as the trait allows.
pub struct NanMaker {
    gain: f32,
    bias: f32,
    memory: Vec<f32>,
}

impl Default for NanMaker {
    fn default() -> Self {
        Self { gain: 1.0, bias: 0.0, memory: Vec::new() }
    }
}

impl Processor for NanMaker {
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.memory = vec![0.0; setup.channels];
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        for (channel, memory) in audio.channels_mut().zip(&mut self.memory) {
            for sample in channel {
                let d = *sample - 1.0;
                *memory = 0.5 * *memory + 0.5 * (d * d.recip());
                *sample = self.gain * *sample + self.bias + *memory / 4.0;
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        match *event {
            EventKind::Param { id: 0, value } => self.gain = value as f32,
            EventKind::Param { id: 1000, value } => self.bias = value as f32,
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.memory.fill(0.0);
        (self.gain, self.bias) = (1.0, 0.0);
    }
}

/// Writes, frame by frame, the transport it sees for that frame, ignoring its
/// input: channel 0 the project time in samples (-1 unknown), channel 1 the
/// tempo (negative while stopped, 0 unknown), channel 2 the musical position
/// in quarter notes (-1 unknown), channel 3 the bar's start (-1 unknown).
/// Needs four channels.
#[derive(Default)]
pub struct TransportProbe;

impl Processor for TransportProbe {
    fn prepare(&mut self, setup: &ProcessSetup) {
        assert_eq!(setup.channels, 4, "the probe writes four channels");
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        for frame in 0..audio.frames() {
            let t = audio.transport_at(frame);
            assert_eq!(audio.beats_at(frame).map(f64::to_bits), t.position_beats.map(f64::to_bits));
            let tempo = t.tempo.unwrap_or(0.0) as f32;
            let values = [
                t.position_samples.map_or(-1.0, |p| p as f32),
                if t.playing { tempo } else { -tempo },
                t.position_beats.map_or(-1.0, |b| b as f32),
                t.bar_start_beats.map_or(-1.0, |b| b as f32),
            ];
            for (channel, value) in values.into_iter().enumerate() {
                audio.channel_mut(channel)[frame] = value;
            }
        }
    }
}

/// A processor with typed parameters the way a generated plugin has them: a
/// `Params` struct (a smoothed level, parameter 0, in dB, and a stepped
/// polarity switch, parameter 1) read a block at a time with `block`.
#[derive(Default)]
pub struct TypedLevel {
    params: TypedParams,
}

pub struct TypedParams {
    pub level: runtime::typed::FloatParam,
    pub invert: runtime::typed::SteppedParam,
}

const TYPED_SPECS: [runtime::plugin::ParamSpec; 2] = [
    runtime::plugin::ParamSpec {
        id: 0,
        title: "Level",
        units: "dB",
        min: -60.0,
        max: 12.0,
        default: 0.0,
        automatable: true,
        steps: 0,
        smooth_ms: 5.0,
        value_names: &[],
    },
    runtime::plugin::ParamSpec {
        id: 1,
        title: "Invert",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 0.0,
        automatable: true,
        steps: 1,
        smooth_ms: 0.0,
        value_names: &[],
    },
];

impl Default for TypedParams {
    fn default() -> Self {
        Self {
            level: runtime::typed::FloatParam::new(&TYPED_SPECS[0]),
            invert: runtime::typed::SteppedParam::new(&TYPED_SPECS[1]),
        }
    }
}

impl runtime::typed::ParamSet for TypedParams {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            0 => self.level.set(plain),
            1 => self.invert.set(plain),
            _ => return false,
        }
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.level.prepare(setup);
        self.invert.prepare(setup);
    }

    fn reset(&mut self) {
        self.level.reset();
        self.invert.reset();
    }
}

impl Processor for TypedLevel {
    fn prepare(&mut self, setup: &ProcessSetup) {
        runtime::typed::ParamSet::prepare(&mut self.params, setup);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        let sign = if self.params.invert.index() == 1 { -1.0 } else { 1.0 };
        let level = self.params.level.block(audio.frames());
        for channel in audio.channels_mut() {
            for (sample, db) in channel.iter_mut().zip(level) {
                *sample *= sign * 10_f32.powf(db / 20.0);
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        runtime::typed::ParamSet::event(&mut self.params, event);
    }

    fn reset(&mut self) {
        runtime::typed::ParamSet::reset(&mut self.params);
    }
}
