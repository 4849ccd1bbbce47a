//! The processing side of the buffered engine: everything the processor needs
//! to turn queued input into delayed output. Exactly one thread owns it at a
//! time (the worker, or the audio thread catching up), through
//! [`super::exclusive::Exclusive`].

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::dsp::Dsp;
use super::event::TimedEvent;
use super::processor::{ChannelsMut, ChannelsRef, Processor};
use super::stats::EngineCounters;
use crate::ring::Consumer;
use crate::writeahead::WriteAheadWriter;

pub(crate) struct Pipeline<P> {
    pub(crate) dsp: Dsp<P>,
    input: Consumer,
    events: rtrb::Consumer<TimedEvent>,
    output: WriteAheadWriter,
    scratch: Vec<f32>,
    chunk: usize,
    counters: Arc<EngineCounters>,
    adjustments_seen: u64,
}

impl<P: Processor> Pipeline<P> {
    /// `chunk` is the most frames processed before the owner may hand over.
    pub(crate) fn new(
        dsp: Dsp<P>,
        input: Consumer,
        events: rtrb::Consumer<TimedEvent>,
        output: WriteAheadWriter,
        chunk: usize,
        counters: Arc<EngineCounters>,
    ) -> Self {
        let scratch = vec![0.0; input.channels() * chunk];
        Self { dsp, input, events, output, scratch, chunk, counters, adjustments_seen: 0 }
    }

    /// Processes queued input up to (not including) input clock `until`, one chunk
    /// at a time, asking `keep_going` after each chunk. Stops early when no input
    /// is queued or the output has no room. Returns the frames processed.
    pub(crate) fn process_until(&mut self, until: u64, mut keep_going: impl FnMut() -> bool) -> usize {
        let channels = self.input.channels();
        let mut done = 0;
        loop {
            let clock = self.input.clock();
            debug_assert_eq!(clock, self.output.input_clock(), "input and output clocks move together");
            let wanted = until.saturating_sub(clock).min(self.chunk as u64) as usize;
            let frames = wanted.min(self.input.available()).min(self.output.writable_len());
            if frames == 0 {
                break;
            }
            let mut audio = ChannelsMut::from_planar(&mut self.scratch, self.chunk, channels, frames);
            let read = self.input.read(audio.as_mut()).unwrap_or(0);
            debug_assert_eq!(read, frames);
            let events = &mut self.events;
            self.dsp.render(audio.as_mut(), clock, |end| next_event_before(events, end));
            let processed = ChannelsRef::from_planar(&self.scratch, self.chunk, channels, frames);
            if self.output.write(processed.as_slice()).is_err() {
                // Cannot happen (frames were bounded by the room in the output);
                // counted rather than trusted.
                self.counters.pipeline.overruns.fetch_add(1, Ordering::Relaxed);
            }
            self.count_adjustments();
            self.counters.pipeline.produced.store(clock + frames as u64, Ordering::Relaxed);
            done += frames;
            if !keep_going() {
                break;
            }
        }
        done
    }
}

impl<P: Processor> Pipeline<P> {
    /// Drops all queued input and events unprocessed, brings the output up to
    /// input clock `until` with silence, and restarts the processor. The caller
    /// has queued input up to `until` and read the output up to it.
    pub(crate) fn restart(&mut self, until: u64) {
        let channels = self.input.channels();
        loop {
            let frames = self.input.available().min(self.chunk);
            if frames == 0 {
                break;
            }
            let mut dropped = ChannelsMut::from_planar(&mut self.scratch, self.chunk, channels, frames);
            let _ = self.input.read(dropped.as_mut());
        }
        while self.events.pop().is_ok() {}
        self.scratch.fill(0.0);
        while self.output.input_clock() < until {
            let frames = (until - self.output.input_clock()).min(self.chunk as u64) as usize;
            let silence = ChannelsRef::from_planar(&self.scratch, self.chunk, channels, frames);
            if self.output.write(silence.as_slice()).is_err() {
                break;
            }
        }
        self.dsp.restart();
        self.counters.pipeline.produced.store(until, Ordering::Relaxed);
    }
}

impl<P> Pipeline<P> {
    /// Adds the output's new late-frame drops to the engine's counters (which
    /// outlive this pipeline's buffer).
    fn count_adjustments(&mut self) {
        let total = self.output.stats().adjustments;
        if total > self.adjustments_seen {
            self.counters.pipeline.adjustments.fetch_add(total - self.adjustments_seen, Ordering::Relaxed);
            self.adjustments_seen = total;
        }
    }
}

/// The next queued event stamped before clock `end`, if any.
fn next_event_before(events: &mut rtrb::Consumer<TimedEvent>, end: u64) -> Option<TimedEvent> {
    match events.peek() {
        Ok(event) if event.time < end => events.pop().ok(),
        _ => None,
    }
}
