//! [`DspRunner`] runs a [`Processor`] over a block: events at their exact
//! positions, the bypass crossfade, the dry path delayed like the wet one, and
//! containment of a panicking processor. Used alike by the write-ahead
//! pipeline and the inline path, so both produce the same samples.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::event::{EventKind, TimedEvent};
use super::processor::{AudioBlock, ProcessSetup, Processor};
use super::telemetry::Telemetry;

/// Crossfade time of a bypass switch.
const BYPASS_RAMP_MS: f64 = 5.0;

pub(crate) struct DspRunner<P> {
    pub(crate) processor: P,
    channels: usize,
    /// A copy of the input, delayed like the processor's output, for bypass.
    dry: Vec<f32>,
    dry_stride: usize,
    dry_delay: DelayLine,
    bypass: BypassRamp,
    /// Whether any frame has been rendered since the last reset: before that, a
    /// bypass change has no sound to crossfade from and applies at once.
    started: bool,
    failed: bool,
    telemetry: Arc<Telemetry>,
}

impl<P: Processor> DspRunner<P> {
    /// Wraps a processor already prepared for `setup`, resets it, and allocates
    /// for blocks of up to `setup.max_block`.
    pub(crate) fn new(mut processor: P, setup: &ProcessSetup, telemetry: Arc<Telemetry>) -> Self {
        processor.reset();
        let ramp_frames = (BYPASS_RAMP_MS * setup.sample_rate / 1000.0).round().max(1.0);
        Self {
            channels: setup.channels,
            dry: vec![0.0; setup.channels * setup.max_block],
            dry_stride: setup.max_block,
            dry_delay: DelayLine::new(setup.channels, processor.latency()),
            bypass: BypassRamp { bypassed: false, position: 0, frames: ramp_frames as u32 },
            processor,
            started: false,
            failed: false,
            telemetry,
        }
    }

    /// Processes `audio` (input on entry, output on return; every slice the same
    /// length, at most `max_block`) whose first frame has input clock `clock`.
    /// `next_event(end)` yields, in order, the pending events stamped before
    /// clock `end`; each is applied right before its frame.
    pub(crate) fn render(
        &mut self,
        audio: &mut [&mut [f32]],
        clock: u64,
        mut next_event: impl FnMut(u64) -> Option<TimedEvent>,
    ) {
        let frames = audio.first().map_or(0, |c| c.len());
        let end = clock + frames as u64;
        if self.dry_delay.frames > 0 {
            // The delayed dry signal must stay continuous whether or not bypass is
            // in use, so it runs for every block.
            self.capture_dry(audio, 0, frames);
            self.dry_delay.run(&mut self.dry, self.dry_stride, self.channels, frames);
        }
        let mut position = 0;
        while let Some(event) = next_event(end) {
            let at = (event.time.saturating_sub(clock) as usize).clamp(position, frames);
            self.run_span(audio, position, at);
            position = at;
            self.apply(&event.kind);
        }
        self.run_span(audio, position, frames);
    }

    /// Starts over from silence without allocating: processor state, the dry
    /// path's history and any bypass crossfade are cleared.
    pub(crate) fn restart(&mut self) {
        let processor = &mut self.processor;
        if catch_unwind(AssertUnwindSafe(|| processor.reset())).is_err() {
            self.fail();
        }
        self.dry_delay.clear();
        self.bypass.settle();
        self.started = false;
    }

    /// Applies an event now, between the frames already rendered and the next.
    pub(crate) fn apply(&mut self, event: &EventKind) {
        match event {
            EventKind::Bypass(on) => {
                self.bypass.bypassed = *on;
                if !self.started {
                    self.bypass.settle();
                }
            }
            other if !self.failed => {
                let processor = &mut self.processor;
                if catch_unwind(AssertUnwindSafe(|| processor.event(other))).is_err() {
                    self.fail();
                }
            }
            _ => {}
        }
    }

    /// Processes frames `start..end` and applies bypass to them.
    fn run_span(&mut self, audio: &mut [&mut [f32]], start: usize, end: usize) {
        if start == end {
            return;
        }
        self.started = true;
        let needs_dry = self.failed || self.bypass.active();
        if needs_dry && self.dry_delay.frames == 0 {
            // With no processor latency the dry signal is the input itself, which
            // these frames still hold until the processor runs over them.
            self.capture_dry(audio, start, end);
        }
        if !self.failed {
            let processor = &mut self.processor;
            let mut block = AudioBlock::new(audio, start, end - start);
            if catch_unwind(AssertUnwindSafe(|| processor.process(&mut block))).is_err() {
                self.fail();
            }
        }
        if self.failed {
            // A panicked processor's output is discarded: the plugin goes on as if
            // bypassed (dry, delayed by the latency), never with garbage.
            self.bypass.force_dry();
        }
        if needs_dry || self.bypass.active() {
            self.bypass.mix(audio, &self.dry, self.dry_stride, start, end);
        }
    }

    fn capture_dry(&mut self, audio: &[&mut [f32]], start: usize, end: usize) {
        for (channel, dry) in audio.iter().zip(self.dry.chunks_exact_mut(self.dry_stride)) {
            crate::simd::copy(&mut dry[start..end], &channel[start..end]);
        }
    }

    /// Counts the panic; nothing is printed here, since this may run on the
    /// audio thread (the panic hook has already reported it).
    fn fail(&mut self) {
        self.failed = true;
        self.telemetry.pipeline.dsp_panics.fetch_add(1, Ordering::Relaxed);
    }
}

/// The bypass crossfade as a frame position: 0 is fully processed, `frames` is
/// fully dry. Counting frames (not adding a float step) makes both ends exact.
struct BypassRamp {
    bypassed: bool,
    position: u32,
    frames: u32,
}

impl BypassRamp {
    /// Whether any dry signal is heard.
    fn active(&self) -> bool {
        self.bypassed || self.position > 0
    }

    /// Jumps to the end of the crossfade.
    fn settle(&mut self) {
        self.position = if self.bypassed { self.frames } else { 0 };
    }

    fn force_dry(&mut self) {
        self.bypassed = true;
        self.position = self.frames;
    }

    fn mix(&mut self, audio: &mut [&mut [f32]], dry: &[f32], stride: usize, start: usize, end: usize) {
        let target = if self.bypassed { self.frames } else { 0 };
        if self.position == target {
            if self.bypassed {
                for (channel, dry) in audio.iter_mut().zip(dry.chunks_exact(stride)) {
                    crate::simd::copy(&mut channel[start..end], &dry[start..end]);
                }
            }
            return;
        }
        let mut position = self.position;
        for (channel, dry) in audio.iter_mut().zip(dry.chunks_exact(stride)) {
            position = self.position;
            for (out, dry) in channel[start..end].iter_mut().zip(&dry[start..end]) {
                if position < target {
                    position += 1;
                } else if position > target {
                    position -= 1;
                }
                let wet = 1.0 - position as f32 / self.frames as f32;
                *out = *out * wet + *dry * (1.0 - wet);
            }
        }
        self.position = position;
    }
}

/// A planar delay of a fixed number of frames, for the dry path.
struct DelayLine {
    frames: usize,
    history: Vec<f32>,
    position: usize,
}

impl DelayLine {
    fn new(channels: usize, frames: usize) -> Self {
        Self { frames, history: vec![0.0; channels * frames], position: 0 }
    }

    fn clear(&mut self) {
        self.history.fill(0.0);
        self.position = 0;
    }

    /// Delays the first `len` frames of each of `channels` runs of `stride` in `data`.
    fn run(&mut self, data: &mut [f32], stride: usize, channels: usize, len: usize) {
        if self.frames == 0 {
            return;
        }
        let mut position = self.position;
        for (channel, history) in
            data.chunks_exact_mut(stride).take(channels).zip(self.history.chunks_exact_mut(self.frames))
        {
            position = self.position;
            for sample in &mut channel[..len] {
                std::mem::swap(sample, &mut history[position]);
                position = if position + 1 == self.frames { 0 } else { position + 1 };
            }
        }
        self.position = position;
    }
}
