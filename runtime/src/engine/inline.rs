//! The inline mode (buffering off, the fallback): the processor runs on the
//! calling thread, with only its own latency.

use super::buffers::{AudioBuffers, ChannelsMut};
use super::event::{Event, TimedEvent};
use super::processor::Processor;
use super::runner::DspRunner;
use super::timing::Timing;
use super::transport::{BlockReports, TimedTransport, TransportNews};

pub(crate) struct InlinePath<P> {
    runner: DspRunner<P>,
    clock: u64,
    last_event_time: u64,
    max_block: usize,
    channels: usize,
    /// Where the processor runs when the host's output is not f32:
    /// `channels` runs of `max_block` samples.
    scratch: Vec<f32>,
    /// Which transport reports change what the processor sees (the same rule
    /// as the write-ahead path's, so both see the same).
    transport_news: TransportNews,
}

impl<P: Processor> InlinePath<P> {
    pub(crate) fn new(runner: DspRunner<P>, timing: &Timing) -> Self {
        let setup = &timing.setup;
        Self {
            runner,
            clock: 0,
            last_event_time: 0,
            max_block: setup.max_block,
            channels: setup.channels,
            scratch: vec![0.0; setup.channels * setup.max_block],
            transport_news: TransportNews::new(setup.sample_rate),
        }
    }

    pub(crate) fn into_runner(self) -> DspRunner<P> {
        self.runner
    }

    /// Starts over from silence (the processor is reset on this thread: with
    /// buffering off it must be real-time safe anyway).
    pub(crate) fn restart(&mut self) {
        self.runner.restart();
    }

    /// One host block, in pieces of at most `max_block` frames, with the
    /// host's transport reports at their frames.
    pub(crate) fn process(&mut self, io: &mut dyn AudioBuffers, events: &[Event], reports: BlockReports<'_>) {
        let frames = io.frames();
        let block_start = self.clock;
        let mut report_cursor = 0;
        let mut cursor = 0;
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.max_block);
            let last_event_time = &mut self.last_event_time;
            let next_event = |end: u64| {
                let event = events.get(cursor)?;
                let time = (block_start + event.offset.min(frames) as u64).max(*last_event_time);
                (time < end).then(|| {
                    cursor += 1;
                    *last_event_time = time;
                    TimedEvent { time, kind: event.kind }
                })
            };
            let news = &mut self.transport_news;
            let report_cursor = &mut report_cursor;
            let next_transport = |end: u64| next_news(reports, report_cursor, news, block_start, frames, end);
            if let Some(mut output) = io.lend_output_with_input(done, n) {
                self.runner.render(output.slices_mut(), self.clock, next_event, next_transport);
            } else {
                let has_input = io.has_input();
                let mut audio = ChannelsMut::from_planar(&mut self.scratch, self.max_block, self.channels, n);
                for (channel, samples) in audio.slices_mut().iter_mut().enumerate() {
                    if has_input {
                        io.read_input(channel, done, samples);
                    } else {
                        crate::simd::fill(samples, 0.0);
                    }
                }
                self.runner.render(audio.slices_mut(), self.clock, next_event, next_transport);
                for (channel, samples) in audio.slices_mut().iter().enumerate() {
                    io.write_output(channel, done, samples);
                }
            }
            self.clock += n as u64;
            done += n;
        }
        // Reports and events at the very end of the block (or in an empty
        // block) apply before the next frame, which is the same as right now.
        while let Some(report) =
            next_news(reports, &mut report_cursor, &mut self.transport_news, block_start, frames, u64::MAX)
        {
            self.runner.set_transport(report);
        }
        for event in &events[cursor..] {
            self.last_event_time = self.last_event_time.max(block_start + event.offset.min(frames) as u64);
            self.runner.apply(&event.kind);
        }
    }
}

/// The next of `reports` (from `cursor` on) stamped before clock `end` that
/// changes what the processor sees, stamped; the others before it are
/// passed over.
fn next_news(
    reports: BlockReports<'_>,
    cursor: &mut usize,
    news: &mut TransportNews,
    block_start: u64,
    frames: usize,
    end: u64,
) -> Option<TimedTransport> {
    while let Some((offset, report)) = reports.get(*cursor, frames) {
        let time = block_start + offset as u64;
        if time >= end {
            return None;
        }
        *cursor += 1;
        if news.is_news(&report, time) {
            news.passed_on(&report, time);
            return Some(TimedTransport { time, transport: report });
        }
    }
    None
}
