//! [`Convolver`]: the convolver as a [`Processor`], with its wet/dry mix and
//! output gain, the dry path delayed like the wet one, and the switch to a
//! newly loaded response.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::buffers::Planar;
use super::ir::ImpulseResponse;
use super::loader::{IrLoader, Layout, Prepared, ProcessorLink, Returned, link};
use super::plan::Scheme;
use super::slot::IrSlot;
use crate::dsp::{ParamSpec, db_to_gain};
use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail};
use crate::plugin::FileSlot;
use crate::typed::{FloatParam, ParamSet};

pub const MIX: u32 = 0;
pub const GAIN_DB: u32 = 1;

/// How long mix and gain changes ramp by default.
pub const SMOOTH_MS: f64 = 20.0;
/// How long the switch to a newly loaded response crossfades.
pub const CROSSFADE_MS: f64 = 50.0;

pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        id: MIX,
        title: "Mix",
        units: "",
        min: 0.0,
        max: 1.0,
        default: 1.0,
        automatable: true,
        steps: 0,
        smooth_ms: SMOOTH_MS,
        value_names: &[],
    },
    ParamSpec {
        id: GAIN_DB,
        title: "Output",
        units: "dB",
        min: -60.0,
        max: 12.0,
        default: 0.0,
        automatable: true,
        steps: 0,
        smooth_ms: SMOOTH_MS,
        value_names: &[],
    },
];

/// `out = (dry * (1 - mix) + wet * mix) * gain`, where `wet` is the input
/// convolved with the impulse response and `dry` the input delayed as much as
/// the convolution's own latency. Mix and gain (in dB) ramp over their
/// `smooth_ms`.
///
/// Buffered, the engine offers a latency budget
/// ([`Processor::take_latency_budget`]) and the convolver takes a first
/// partition within it ([`Scheme::for_budget`]): the engine's write-ahead
/// delay shrinks by as much, the host still hears L. Inline it takes nothing
/// and runs the zero-latency scheme. Both sound the same.
///
/// Another response is loaded while playing through the [`IrLoader`] that
/// [`Convolver::new`] returns: prepared on the loader's thread, picked up at
/// the start of a block, crossfaded over [`CROSSFADE_MS`] (raised cosine;
/// both convolutions run meanwhile). The old one's tail stops with the fade;
/// the new one starts from silence at the switch.
///
/// Non-finite input samples are taken as 0.0 (the engine already does so);
/// no state ever holds NaN or infinity.
pub struct Convolver {
    mix: FloatParam,
    gain_db: FloatParam,
    /// The response in force as it was given (its own rate), kept to prepare
    /// it again for a new setup.
    source: Arc<ImpulseResponse>,
    /// The latency budget the engine offered last.
    budget: usize,
    layout: Option<Layout>,
    max_block: usize,
    current: Option<Box<Prepared>>,
    fade: Option<Fade>,
    /// Replaced responses that could not be handed back yet (the return ring
    /// was full): handed back before any other switch. A switch waits for an
    /// empty list and two free places in the ring, so at most a switch's end
    /// and a reset can land here.
    returning: [Option<Returned>; 3],
    link: ProcessorLink,
    input: Planar,
    wet: Planar,
    faded: Planar,
    dry: DryDelay,
    /// Per-frame mix and gain factors while they ramp.
    ramp_mix: Vec<f32>,
    ramp_gain: Vec<f32>,
    /// The plugin's view of the response (state, editor), until the format
    /// glue takes it ([`Processor::take_file_slot`]).
    slot: Option<Arc<IrSlot>>,
}

/// The switch in progress: the response being replaced, and how far.
struct Fade {
    old: Box<Prepared>,
    done: usize,
    frames: usize,
}

impl Convolver {
    /// A convolver with `response`, with the plugin's own specs of its
    /// parameters (found by id in `params`; a missing one takes the built-in
    /// spec), and the loader that changes its response while it plays.
    pub fn new(params: &[ParamSpec], response: ImpulseResponse) -> (Self, IrLoader) {
        let spec = |id: u32| params.iter().chain(PARAMS).find(|p| p.id == id).copied().unwrap_or(PARAMS[0]);
        let (link, loader) = link();
        let convolver = Self {
            mix: FloatParam::new(&spec(MIX)),
            gain_db: FloatParam::new(&spec(GAIN_DB)),
            source: Arc::new(response),
            budget: 0,
            layout: None,
            max_block: 0,
            current: None,
            fade: None,
            returning: [None, None, None],
            link,
            input: Planar::new(0, 0),
            wet: Planar::new(0, 0),
            faded: Planar::new(0, 0),
            dry: DryDelay::new(0, 0),
            ramp_mix: Vec::new(),
            ramp_gain: Vec::new(),
            slot: None,
        };
        (convolver, loader)
    }

    /// What a generated convolver plugin makes: the response built into its
    /// library (`wav`: a WAVE file's bytes, `name`: the file's name, as the
    /// editor shows it), and the slot its state and editor change it
    /// through ([`Processor::take_file_slot`]). A file that does not decode
    /// (the generator checks it, so only a file swapped since) leaves a
    /// single tap, the input unchanged, and says why in the slot's status.
    pub fn embedded(params: &[ParamSpec], name: &str, wav: &[u8]) -> Self {
        let (response, error) = match ImpulseResponse::from_wav(wav) {
            Ok(response) => (response, None),
            Err(err) => (ImpulseResponse::identity(48_000.0), Some(err)),
        };
        let (mut convolver, loader) = Self::new(params, response);
        let built_in = Arc::clone(&convolver.source);
        convolver.slot = Some(Arc::new(IrSlot::new(loader, built_in, name, error)));
        convolver
    }

    /// The response in force.
    pub fn response(&self) -> &ImpulseResponse {
        &self.source
    }

    /// The layout it is prepared for (`None` before `prepare`).
    pub fn layout(&self) -> Option<Layout> {
        self.layout
    }

    /// Whether a switch to a loaded response is under way.
    pub fn is_crossfading(&self) -> bool {
        self.fade.is_some()
    }

    /// The response's length at the session's rate, the longer of two during
    /// a switch.
    fn response_frames(&self) -> usize {
        let len = |p: &Prepared| p.convolution.as_ref().map_or(0, |c| c.len());
        let old = self.fade.as_ref().map_or(0, |f| len(&f.old));
        self.current.as_deref().map_or(0, len).max(old)
    }

    /// Hands `returned` back to the loader, or keeps it until there is room.
    /// Never drops it: freeing is the loader's job.
    fn hand_back(&mut self, returned: Returned) {
        let Err(rtrb::PushError::Full(returned)) = self.link.returns.push(returned) else { return };
        match self.returning.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(returned),
            // Cannot happen (see `returning`); a leak is still better than
            // freeing megabytes on the audio thread.
            None => std::mem::forget(returned),
        }
    }

    /// Starts the switch to the newest prepared response, if one is waiting
    /// and no switch is under way. Real-time safe: only moves boxes.
    fn take_delivery(&mut self) {
        for slot in &mut self.returning {
            if let Some(returned) = slot.take()
                && let Err(rtrb::PushError::Full(returned)) = self.link.returns.push(returned)
            {
                *slot = Some(returned);
            }
        }
        // Every switch hands back at most two boxes: keep room for them.
        let waiting = self.returning.iter().any(Option::is_some);
        if self.fade.is_some() || waiting || self.link.returns.slots() < 2 {
            return;
        }
        let mut newest: Option<Box<Prepared>> = None;
        while self.link.returns.slots() >= 2 {
            let Ok(next) = self.link.inbox.pop() else { break };
            if let Some(older) = newest.replace(next) {
                self.hand_back(Returned::Done(older));
            }
        }
        let Some(newest) = newest else { return };
        if self.current.as_ref().is_some_and(|current| newest.number <= current.number) {
            // Already in force: restored before `prepare`, delivered since.
            self.hand_back(Returned::Done(newest));
            return;
        }
        if newest.layout != self.layout || newest.convolution.is_none() {
            self.hand_back(Returned::Stale(newest));
            return;
        }
        let number = newest.number;
        let Some(old) = self.current.replace(newest) else { return };
        let frames = (CROSSFADE_MS * self.layout.map_or(48_000.0, |l| l.sample_rate) / 1000.0).round().max(1.0);
        self.fade = Some(Fade { old, done: 0, frames: frames as usize });
        self.link.shared.playing.store(number, Ordering::Release);
    }

    /// Mixes `frames` frames of wet (in `self.wet`) and dry into `audio`.
    fn mix_into(&mut self, audio: &mut AudioBlock<'_, '_>, at: usize, frames: usize) {
        let settled = !self.mix.is_smoothing() && !self.gain_db.is_smoothing();
        if settled {
            self.mix.skip(frames);
            self.gain_db.skip(frames);
            let gain = db_to_gain(self.gain_db.value());
            let wet_gain = self.mix.value() as f32 * gain;
            let dry_gain = (1.0 - self.mix.value() as f32) * gain;
            for channel in 0..audio.channels() {
                let (wet, dry) = (&self.wet.channel(channel)[..frames], &self.dry.out.channel(channel)[..frames]);
                let out = &mut audio.channel_mut(channel)[at..at + frames];
                for ((out, wet), dry) in out.iter_mut().zip(wet).zip(dry) {
                    *out = wet * wet_gain + dry * dry_gain;
                }
            }
            return;
        }
        for (factor, mix) in self.ramp_mix[..frames].iter_mut().zip(self.mix.block(frames)) {
            *factor = *mix;
        }
        for factor in &mut self.ramp_gain[..frames] {
            *factor = db_to_gain(self.gain_db.next());
        }
        for channel in 0..audio.channels() {
            let (wet, dry) = (&self.wet.channel(channel)[..frames], &self.dry.out.channel(channel)[..frames]);
            let out = &mut audio.channel_mut(channel)[at..at + frames];
            let factors = self.ramp_mix[..frames].iter().zip(&self.ramp_gain[..frames]);
            for (((out, wet), dry), (mix, gain)) in out.iter_mut().zip(wet).zip(dry).zip(factors) {
                *out = (wet * mix + dry * (1.0 - mix)) * gain;
            }
        }
    }

    /// Runs the fading response over the block and crossfades it into `self.wet`.
    fn crossfade(&mut self, frames: usize) {
        let Some(fade) = &mut self.fade else { return };
        if let Some(old) = &mut fade.old.convolution {
            old.process(&self.input, &mut self.faded, frames);
        }
        let (done, total) = (fade.done, fade.frames);
        let channels = self.wet.channels();
        for channel in 0..channels {
            let old = &self.faded.channel(channel)[..frames];
            let new = &mut self.wet.channel_mut(channel)[..frames];
            for (i, (new, old)) in new.iter_mut().zip(old).enumerate() {
                let position = (done + i + 1).min(total) as f32 / total as f32;
                let fade_in = 0.5 - 0.5 * (std::f32::consts::PI * position).cos();
                *new = *new * fade_in + *old * (1.0 - fade_in);
            }
        }
        fade.done = (done + frames).min(total);
        if fade.done == total
            && let Some(fade) = self.fade.take()
        {
            self.hand_back(Returned::Done(fade.old));
        }
    }
}

impl ParamSet for Convolver {
    fn set(&mut self, id: u32, plain: f64) -> bool {
        match id {
            MIX => self.mix.set(plain),
            GAIN_DB => self.gain_db.set(plain),
            _ => return false,
        }
        true
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        self.mix.prepare(setup);
        self.gain_db.prepare(setup);
    }

    fn reset(&mut self) {
        self.mix.reset();
        self.gain_db.reset();
    }
}

impl Processor for Convolver {
    /// Takes a first partition of the largest power of two within half the
    /// budget (see [`Scheme::for_budget`]), or nothing (zero latency) when
    /// that is below [`super::plan::MIN_FIRST`].
    fn take_latency_budget(&mut self, frames: usize) -> usize {
        self.budget = frames;
        Scheme::for_budget(frames).latency
    }

    fn prepare(&mut self, setup: &ProcessSetup) {
        let layout = Layout {
            sample_rate: setup.sample_rate,
            channels: setup.channels,
            scheme: Scheme::for_budget(self.budget),
        };
        self.link.shared.set_layout(layout);
        // A response loaded meanwhile becomes the one in force, and so does
        // one restored since (a state loaded before activation), whichever
        // was asked for last.
        let mut number = self.current.as_ref().map_or(0, |c| c.number);
        while let Ok(prepared) = self.link.inbox.pop() {
            if prepared.number >= number {
                number = prepared.number;
                self.source = Arc::clone(&prepared.source);
                if prepared.layout == Some(layout) && prepared.convolution.is_some() {
                    self.current = Some(prepared);
                }
            }
        }
        if let Some((restored, source)) = self.link.shared.restored_after(number) {
            number = restored;
            self.source = source;
        }
        self.fade = None;
        self.returning = [None, None, None];
        let fits =
            self.current.as_ref().is_some_and(|c| c.layout == Some(layout) && Arc::ptr_eq(&c.source, &self.source));
        if !fits {
            let convolution = layout.prepare(&self.source);
            self.current = Some(Box::new(Prepared {
                number,
                source: Arc::clone(&self.source),
                layout: Some(layout),
                convolution: Some(convolution),
            }));
        } else if let Some(current) = &mut self.current {
            current.number = number;
        }
        self.link.shared.playing.fetch_max(number, Ordering::AcqRel);
        self.layout = Some(layout);
        self.max_block = setup.max_block;
        self.input = Planar::new(setup.channels, setup.max_block);
        self.wet = Planar::new(setup.channels, setup.max_block);
        self.faded = Planar::new(setup.channels, setup.max_block);
        self.dry = DryDelay::new(setup.channels, layout.scheme.latency.max(1));
        self.dry.out = Planar::new(setup.channels, setup.max_block);
        self.ramp_mix = vec![0.0; setup.max_block];
        self.ramp_gain = vec![0.0; setup.max_block];
        ParamSet::prepare(self, setup);
        Processor::reset(self);
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        if self.current.is_none() || self.max_block == 0 || audio.channels() != self.input.channels() {
            return;
        }
        self.take_delivery();
        let latency = self.latency();
        let mut at = 0;
        while at < audio.frames() {
            let frames = (audio.frames() - at).min(self.max_block);
            for channel in 0..audio.channels() {
                let input = &mut self.input.channel_mut(channel)[..frames];
                input.copy_from_slice(&audio.channel(channel)[at..at + frames]);
                crate::simd::zero_non_finite(input);
            }
            if let Some(convolution) = self.current.as_mut().and_then(|c| c.convolution.as_mut()) {
                convolution.process(&self.input, &mut self.wet, frames);
            }
            self.crossfade(frames);
            self.dry.run(&self.input, frames, latency);
            self.mix_into(audio, at, frames);
            at += frames;
        }
    }

    fn event(&mut self, event: &EventKind) {
        ParamSet::event(self, event);
    }

    /// Clears the convolution and the dry delay; a switch under way ends at
    /// once (on the new response). Real-time safe.
    fn reset(&mut self) {
        if let Some(fade) = self.fade.take() {
            self.hand_back(Returned::Done(fade.old));
        }
        if let Some(convolution) = self.current.as_mut().and_then(|c| c.convolution.as_mut()) {
            convolution.reset();
        }
        self.dry.clear();
        ParamSet::reset(self);
    }

    fn take_file_slot(&mut self) -> Option<Arc<dyn FileSlot>> {
        self.slot.take().map(|slot| slot as Arc<dyn FileSlot>)
    }

    /// The first partition's size when it took a latency budget, else 0.
    fn latency(&self) -> usize {
        self.layout.map_or(0, |l| l.scheme.latency)
    }

    /// The response's length: the last input frame rings that long (at the
    /// session's rate, after the latency). None while the mix is fully dry.
    fn tail(&self) -> Tail {
        if self.mix.value() == 0.0 && self.mix.target() == 0.0 {
            return Tail::None;
        }
        Tail::Frames(self.response_frames())
    }
}

/// The input delayed by the convolution's latency, for the dry path.
struct DryDelay {
    line: Planar,
    pos: usize,
    out: Planar,
}

impl DryDelay {
    fn new(channels: usize, frames: usize) -> Self {
        Self { line: Planar::new(channels, frames), pos: 0, out: Planar::new(0, 0) }
    }

    /// `out` = `input` delayed by `delay` frames (the line's length, or 0).
    fn run(&mut self, input: &Planar, frames: usize, delay: usize) {
        if delay == 0 {
            for channel in 0..input.channels() {
                self.out.channel_mut(channel)[..frames].copy_from_slice(&input.channel(channel)[..frames]);
            }
            return;
        }
        let len = self.line.frames();
        let start = self.pos;
        for channel in 0..input.channels() {
            let (line, out) = (self.line.channel_mut(channel), self.out.channel_mut(channel));
            let mut pos = start;
            for (out, sample) in out[..frames].iter_mut().zip(&input.channel(channel)[..frames]) {
                *out = line[pos];
                line[pos] = *sample;
                pos = if pos + 1 == len { 0 } else { pos + 1 };
            }
        }
        self.pos = (start + frames) % len;
    }

    fn clear(&mut self) {
        self.line.fill(0.0);
        self.pos = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(convolver: &mut Convolver, input: &[f32], block: usize) -> Vec<f32> {
        let mut out = input.to_vec();
        for chunk in out.chunks_mut(block) {
            let frames = chunk.len();
            let mut channels = [chunk];
            convolver.process(&mut AudioBlock::new(&mut channels, 0, frames));
        }
        out
    }

    /// Called directly (no engine zeroing its input first), a NaN or an
    /// infinity is taken as silence: the output stays finite and equal to
    /// what zeros give, in both schemes.
    #[test]
    fn non_finite_input_is_taken_as_silence() {
        let response: Vec<f32> =
            (0..3000).map(|i| (-(i as f32) / 400.0).exp() * if i % 3 == 0 { 1.0 } else { -0.5 }).collect();
        let clean: Vec<f32> = (0..12_000).map(|i| ((i * 7) % 13) as f32 / 13.0 - 0.5).collect();
        let (mut dirty, mut zeroed) = (clean.clone(), clean.clone());
        for (at, bad) in [(10, f32::NAN), (4000, f32::INFINITY), (4001, f32::NEG_INFINITY)] {
            dirty[at] = bad;
            zeroed[at] = 0.0;
        }
        for budget in [0, 1024] {
            let make = || {
                let (mut c, _) =
                    Convolver::new(PARAMS, ImpulseResponse::new(48_000.0, vec![response.clone()]).unwrap());
                c.take_latency_budget(budget);
                Processor::prepare(&mut c, &ProcessSetup { sample_rate: 48_000.0, max_block: 256, channels: 1 });
                c
            };
            let out = run(&mut make(), &dirty, 100);
            assert!(out.iter().all(|s| s.is_finite()), "budget {budget}");
            assert_eq!(out, run(&mut make(), &zeroed, 100), "budget {budget}");
        }
    }

    /// The dry path is delayed like the wet one: with a budget taken and the
    /// mix at 0, the output is the input `latency` frames late.
    #[test]
    fn the_dry_path_keeps_the_latency() {
        let (mut c, _) = Convolver::new(PARAMS, ImpulseResponse::identity(48_000.0));
        Processor::event(&mut c, &EventKind::Param { id: MIX, value: 0.0 });
        assert_eq!(c.take_latency_budget(1000), 256);
        Processor::prepare(&mut c, &ProcessSetup { sample_rate: 48_000.0, max_block: 128, channels: 1 });
        assert_eq!(c.latency(), 256);
        let input: Vec<f32> = (0..2000).map(|i| i as f32).collect();
        let out = run(&mut c, &input, 77);
        assert!(out[..256].iter().all(|s| *s == 0.0));
        assert_eq!(&out[256..], &input[..2000 - 256]);
    }
}
