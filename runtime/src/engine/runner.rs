//! [`DspRunner`] runs a [`Processor`] over a block: events at their exact
//! positions, the host's transport from the frame it was reported for, the
//! bypass crossfade, the dry path delayed like the wet one, and
//! containment of a panicking processor. Used alike by the write-ahead
//! pipeline and the inline path, so both produce the same samples.
//!
//! It also keeps NaN and infinity out of the processor and away from the host
//! (contract point 11: nothing stays poisoned):
//! - Input: every NaN or ±inf input sample is replaced by 0.0 before the
//!   processor or the dry (bypass) path sees it, counted in
//!   `non_finite_input`. This depends only on sample values, never on where
//!   blocks are cut, so buffered output stays unbuffered output delayed by L.
//!   No processor, built-in or custom, ever receives a non-finite sample.
//! - Output: after each `process` call, any non-finite sample the processor
//!   made itself (an overflow, a bug) is replaced by 0.0, and the processor is
//!   reset and given the last value of every parameter again, so whatever
//!   state held the NaN is gone from the next span on; counted in
//!   `dsp_resets`. Where that reset falls depends on how the stream was cut,
//!   so a stateful processor that needs it is no longer bit-exact between
//!   buffered and unbuffered. The built-in kinds keep their own state and
//!   output finite, so they never need it (except a gain raising an input near
//!   `f32::MAX` past it, which has no state to lose).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::event::{EventKind, TimedEvent};
use super::processor::{AudioBlock, ProcessSetup, Processor};
use super::telemetry::{self, Telemetry};
use super::transport::{TimedTransport, Transport, TransportAnchor};
use crate::limits::MAX_PARAMS;

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
    /// The last value of every parameter the processor was sent, to send again
    /// after a reset of the engine's own.
    params: ParamTable,
    /// The host's transport report in force, stamped with the input clock it
    /// describes: every block computes its frames' transport from it. It
    /// outlives restarts and resets (it is the host's state, not the DSP's).
    transport: TimedTransport,
    sample_rate: f64,
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
            params: ParamTable::new(),
            transport: TimedTransport { time: 0, transport: Transport::default() },
            sample_rate: setup.sample_rate,
            telemetry,
        }
        .with_tail_published()
    }

    fn with_tail_published(mut self) -> Self {
        self.publish_tail();
        self
    }

    /// Processes `audio` (input on entry, output on return; every slice the same
    /// length, at most `max_block`) whose first frame has input clock `clock`.
    /// `next_event(end)` yields, in order, the pending events stamped before
    /// clock `end`; each is applied right before its frame.
    /// `next_transport(end)` likewise yields the host's transport reports
    /// stamped before `end`; each is in force from its frame on.
    pub(crate) fn render(
        &mut self,
        audio: &mut [&mut [f32]],
        clock: u64,
        mut next_event: impl FnMut(u64) -> Option<TimedEvent>,
        mut next_transport: impl FnMut(u64) -> Option<TimedTransport>,
    ) {
        let frames = audio.first().map_or(0, |c| c.len());
        let end = clock + frames as u64;
        let replaced: usize = audio.iter_mut().map(|channel| crate::simd::zero_non_finite(channel)).sum();
        if replaced > 0 {
            telemetry::add(&self.telemetry.pipeline.non_finite_input, replaced as u64);
        }
        if self.dry_delay.frames > 0 {
            // The delayed dry signal must stay continuous whether or not bypass is
            // in use, so it runs for every block.
            self.capture_dry(audio, 0, frames);
            self.dry_delay.run(&mut self.dry, self.dry_stride, self.channels, frames);
        }
        let mut position = 0;
        loop {
            // Up to the next transport report (or the end), events split the
            // block; the report then takes over from its frame.
            let report = next_transport(end);
            let until = report.map_or(frames, |r| (r.time.saturating_sub(clock) as usize).clamp(position, frames));
            while let Some(event) = next_event(clock + until as u64) {
                let at = (event.time.saturating_sub(clock) as usize).clamp(position, until);
                self.run_span(audio, clock, position, at);
                position = at;
                self.apply(&event.kind);
            }
            self.run_span(audio, clock, position, until);
            position = until;
            match report {
                Some(report) => self.set_transport(report),
                None => break,
            }
        }
        self.publish_tail();
    }

    /// Puts the host's report for input clock `report.time` in force (for
    /// frames from that clock on).
    pub(crate) fn set_transport(&mut self, report: TimedTransport) {
        self.transport = report;
    }

    /// Publishes the processor's tail, which its parameters may have changed.
    fn publish_tail(&mut self) {
        if self.failed {
            return;
        }
        let processor = &self.processor;
        match catch_unwind(AssertUnwindSafe(|| processor.tail())) {
            Ok(tail) => self.telemetry.publish_tail(tail),
            Err(_) => self.fail(),
        }
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
            other => {
                if let EventKind::Param { id, value } = *other {
                    self.params.set(id, value);
                }
                if self.failed {
                    return;
                }
                let processor = &mut self.processor;
                if catch_unwind(AssertUnwindSafe(|| processor.event(other))).is_err() {
                    self.fail();
                }
            }
        }
    }

    /// Processes frames `start..end` of a block whose first frame has input
    /// clock `clock`, and applies bypass to them.
    fn run_span(&mut self, audio: &mut [&mut [f32]], clock: u64, start: usize, end: usize) {
        if start == end {
            return;
        }
        let transport = TransportAnchor {
            report: self.transport.transport,
            since: (clock + start as u64).saturating_sub(self.transport.time),
            sample_rate: self.sample_rate,
        };
        self.started = true;
        let needs_dry = self.failed || self.bypass.active();
        if needs_dry && self.dry_delay.frames == 0 {
            // With no processor latency the dry signal is the input itself, which
            // these frames still hold until the processor runs over them.
            self.capture_dry(audio, start, end);
        }
        if !self.failed {
            let processor = &mut self.processor;
            let mut block = AudioBlock::new(audio, start, end - start).with_transport(transport);
            if catch_unwind(AssertUnwindSafe(|| processor.process(&mut block))).is_err() {
                self.fail();
            } else {
                let replaced: usize =
                    audio.iter_mut().map(|channel| crate::simd::zero_non_finite(&mut channel[start..end])).sum();
                if replaced > 0 {
                    self.recover();
                }
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

    /// Starts a processor over that made non-finite output: reset, then every
    /// parameter's last value again (a reset may forget them), as if the host
    /// had restarted it. Its non-finite samples are already zeros.
    fn recover(&mut self) {
        telemetry::add(&self.telemetry.pipeline.dsp_resets, 1);
        let (processor, params) = (&mut self.processor, &self.params);
        let restored = catch_unwind(AssertUnwindSafe(|| {
            processor.reset();
            for &(id, value) in params.values() {
                processor.event(&EventKind::Param { id, value });
            }
        }));
        if restored.is_err() {
            self.fail();
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

/// The last value of each parameter, by id, in a table allocated once with room
/// for [`MAX_PARAMS`] parameters: setting a value never allocates. Kept sorted
/// by id, so a value is found by binary search and replayed in id order.
struct ParamTable {
    values: Vec<(u32, f64)>,
}

impl ParamTable {
    fn new() -> Self {
        Self { values: Vec::with_capacity(MAX_PARAMS) }
    }

    /// Records `value` as parameter `id`'s last. A parameter beyond the first
    /// [`MAX_PARAMS`] distinct ids is not recorded (a plugin cannot declare
    /// more).
    fn set(&mut self, id: u32, value: f64) {
        match self.values.binary_search_by_key(&id, |&(id, _)| id) {
            Ok(index) => self.values[index].1 = value,
            // Within capacity, so `insert` moves elements but never reallocates.
            Err(index) if self.values.len() < self.values.capacity() => self.values.insert(index, (id, value)),
            Err(_) => {}
        }
    }

    fn values(&self) -> &[(u32, f64)] {
        &self.values
    }
}
