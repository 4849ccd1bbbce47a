//! The processing side of one write-ahead engine: turns queued input into
//! delayed output, running the processor in place in the output ring's slots.
//! Exactly one thread owns it at a time (a pool worker, or the audio thread
//! catching up), through its job's cell (see [`super::job`]).
//!
//! Each sample is copied once here: from its input-ring slot into the output
//! slot it will be processed in. With the audio thread's two copies (host to
//! input ring, output ring to host) that makes three.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::job::RestartSignal;
use crate::engine::buffers::ChannelsMut;
use crate::engine::event::TimedEvent;
use crate::engine::processor::Processor;
use crate::engine::runner::DspRunner;
use crate::engine::stall::{StallPlan, Staller};
use crate::engine::telemetry::Telemetry;
use crate::engine::transport::TimedTransport;
use crate::ring::Consumer;
use crate::writeahead::WriteAheadWriter;

pub(crate) struct Pipeline<P> {
    pub(crate) runner: DspRunner<P>,
    input: Consumer,
    events: rtrb::Consumer<TimedEvent>,
    /// The host's transport reports, in time order. A restart keeps them: they
    /// are the host's state, applied as the frames they describe come up.
    transports: rtrb::Consumer<TimedTransport>,
    output: WriteAheadWriter,
    chunk: usize,
    telemetry: Arc<Telemetry>,
    /// Events taken from the queue so far (a restart drops those queued
    /// before it, by count).
    events_taken: u64,
    /// The input clock of the last restart followed: input before it is dropped.
    restarted_at: u64,
    /// Injected stalls (tests and demos).
    pub(crate) staller: Staller,
    /// When a worker last began serving this pipeline.
    pub(crate) last_serve: Option<std::time::Instant>,
}

impl<P: Processor> Pipeline<P> {
    /// Takes the queues of events and of transport reports; `chunk` is the
    /// most frames processed before the owner may hand over.
    pub(crate) fn new(
        runner: DspRunner<P>,
        input: Consumer,
        (events, transports): (rtrb::Consumer<TimedEvent>, rtrb::Consumer<TimedTransport>),
        output: WriteAheadWriter,
        chunk: usize,
        stall: Option<StallPlan>,
        telemetry: Arc<Telemetry>,
    ) -> Self {
        Self {
            runner,
            input,
            events,
            transports,
            output,
            chunk,
            telemetry,
            events_taken: 0,
            restarted_at: 0,
            staller: Staller::new(stall),
            last_serve: None,
        }
    }

    /// The input clock just past the input queued now.
    pub(crate) fn queued_until(&mut self) -> u64 {
        self.input.clock() + self.input.available() as u64
    }

    /// Processes queued input up to (not including) input clock `until`, one
    /// chunk at a time, asking `keep_going` after each chunk. Follows a restart
    /// the audio thread has signalled first. Stops early when no input is
    /// queued or the output has no room. Returns the frames processed.
    pub(crate) fn process_until(
        &mut self,
        until: u64,
        restart: &RestartSignal,
        mut keep_going: impl FnMut() -> bool,
    ) -> usize {
        let mut done = 0;
        loop {
            // Input first, then the restart signal: the audio thread raises the
            // signal before it queues anything past the restart, so input seen
            // here comes with the signal that belongs to it.
            let available = self.input.available();
            self.follow_restart(restart);
            let clock = self.input.clock();
            if clock < self.restarted_at {
                let stale = available.min((self.restarted_at - clock) as usize);
                if stale == 0 {
                    break;
                }
                self.input.skip(stale);
                continue;
            }
            let wanted = until.saturating_sub(clock).min(self.chunk as u64) as usize;
            let frames = wanted.min(available).min(self.output.writable_len());
            if frames == 0 {
                break;
            }
            let late = self.process_chunk(clock, frames);
            // Frames late only because a restart overtook them are not news.
            if restart.clock() <= self.restarted_at {
                self.output.count_late(late);
            }
            self.telemetry.pipeline.produced.store(clock + frames as u64, Ordering::Relaxed);
            done += frames;
            if !keep_going() {
                break;
            }
        }
        done
    }

    /// Copies `frames` frames of input into the output ring, runs the processor
    /// over them there, and publishes them. Returns the frames dropped as late.
    fn process_chunk(&mut self, clock: u64, frames: usize) -> usize {
        let channels = self.input.channels();
        let mut output = self.output.write_chunk(frames).expect("frames were bounded by the output's room");
        let input = self.input.read_chunk(frames).expect("frames were bounded by the queued input");
        for channel in 0..channels {
            let (first, second) = input.channel(channel);
            let (out_first, out_second) = output.channel_mut(channel);
            copy_runs([first, second], [out_first, out_second]);
        }
        input.commit();
        let first = output.first_len();
        let (events, taken, transports) = (&mut self.events, &mut self.events_taken, &mut self.transports);
        for (run, start, len) in [(0, 0, first), (1, first, frames - first)] {
            if len == 0 {
                continue;
            }
            let mut audio = ChannelsMut::from_iter(output.run_mut(run));
            self.runner.render(
                audio.slices_mut(),
                clock + start as u64,
                |end| next_event_before(events, taken, end),
                |end| next_transport_before(transports, end),
            );
        }
        output.commit()
    }

    /// Starts over at the restart the audio thread signalled, if it is new:
    /// drops the events queued before it, moves the output on to its clock
    /// (the audio thread plays silence until then), and resets the processor.
    /// Input before it is dropped as it is found.
    fn follow_restart(&mut self, restart: &RestartSignal) {
        let (at, events_before) = restart.load();
        if at <= self.restarted_at {
            return;
        }
        self.restarted_at = at;
        while self.events_taken < events_before && self.events.pop().is_ok() {
            self.events_taken += 1;
        }
        // Cannot fail: the reader is at or past `at` (it signalled the restart
        // from there), so the output ring has room up to `at` + L.
        let _ = self.output.skip_to_input_clock(at);
        self.runner.restart();
        self.telemetry.pipeline.produced.store(at, Ordering::Relaxed);
    }
}

/// Copies two runs of samples into two runs of the same total length, whatever
/// their split points.
fn copy_runs(from: [&[f32]; 2], to: [&mut [f32]; 2]) {
    let (mut source, mut source_at) = (0, 0);
    for destination in to {
        let mut filled = 0;
        while filled < destination.len() {
            let available = &from[source][source_at..];
            if available.is_empty() {
                source += 1;
                source_at = 0;
                continue;
            }
            let n = available.len().min(destination.len() - filled);
            crate::simd::copy(&mut destination[filled..filled + n], &available[..n]);
            filled += n;
            source_at += n;
        }
    }
}

/// The next queued event stamped before clock `end`, if any.
fn next_event_before(events: &mut rtrb::Consumer<TimedEvent>, taken: &mut u64, end: u64) -> Option<TimedEvent> {
    match events.peek() {
        Ok(event) if event.time < end => {
            *taken += 1;
            events.pop().ok()
        }
        _ => None,
    }
}

/// The next queued transport report stamped before clock `end`, if any.
fn next_transport_before(transports: &mut rtrb::Consumer<TimedTransport>, end: u64) -> Option<TimedTransport> {
    match transports.peek() {
        Ok(report) if report.time < end => transports.pop().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::copy_runs;

    #[test]
    fn runs_copy_across_any_split() {
        let data: Vec<f32> = (0..10).map(|i| i as f32).collect();
        for split in 0..=10 {
            for out_split in 0..=10 {
                let mut out = vec![-1.0; 10];
                let (a, b) = out.split_at_mut(out_split);
                copy_runs([&data[..split], &data[split..]], [a, b]);
                assert_eq!(out, data, "split {split}, out split {out_split}");
            }
        }
    }
}
