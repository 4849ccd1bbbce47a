//! The write-ahead mode, audio-thread side: queues each block's input and
//! events for the pipeline, reads the output the pipeline wrote L earlier, and
//! computes what is missing itself when no worker is inside the processor.
//! Nothing here waits for a stuck worker in real time: a restart is signalled
//! to the pipeline and the audio thread plays the L frames of silence
//! meanwhile, and a catch-up gives a worker finishing a chunk at most a
//! quarter block before those frames age into silence.

mod job;
mod pace;
mod pipeline;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use job::AheadJob;
use pace::PaceMeter;
use pipeline::Pipeline;

use super::buffers::AudioBuffers;
use super::config::{EngineConfig, EngineError};
use super::event::{Event, TimedEvent};
use super::mode::ProcessMode;
use super::pool::{self, Registration};
use super::processor::Processor;
use super::runner::DspRunner;
use super::telemetry::{self, Telemetry};
use super::timing::Timing;
use super::transport::{BlockReports, TimedTransport, Transport, TransportNews};
use crate::ring::{self, ChunkError, Producer};
use crate::writeahead::{WriteAheadBuffer, WriteAheadReader};

/// Transport reports that can wait in the queue to the pipeline. Only news is
/// queued (a tempo change, a jump, a start or stop, or every block from a host
/// whose positions drift from the extrapolation): one report per host block in
/// flight at worst, which is L plus a block of frames in blocks of 8 frames at
/// 48 kHz and 50 ms.
const TRANSPORT_CAPACITY: usize = 512;

/// What the audio thread owns in write-ahead mode.
pub(crate) struct AheadPath<P: Processor> {
    job: Arc<AheadJob<P>>,
    registration: Option<Registration>,
    input: Producer,
    events: rtrb::Producer<TimedEvent>,
    /// Events queued since activation (a restart drops them by count).
    events_queued: u64,
    /// The host's transport reports that are news, to the pipeline.
    transports: rtrb::Producer<TimedTransport>,
    transport_news: TransportNews,
    output: WriteAheadReader,
    /// Silence for instruments and for input that must be made up.
    zeros: Vec<f32>,
    /// Host time: frames delivered to `process` so far.
    clock: u64,
    last_event_time: u64,
    /// Input frames that did not fit the queue, owed to it as silence at their
    /// own clocks, so time never slips.
    owed_silence: u64,
    /// Input frames before a restart that did not fit the queue yet: the
    /// pipeline drops them, so they are skipped, not written.
    owed_skip: u64,
    /// Output clock below which a restart plays silence.
    silence_until: u64,
    timing: Timing,
    pace: PaceMeter,
    telemetry: Arc<Telemetry>,
}

impl<P: Processor> AheadPath<P> {
    /// Allocates the rings and queues and hands the pipeline to the worker
    /// pool. On failure the runner comes back with the error.
    pub(crate) fn start(
        runner: DspRunner<P>,
        timing: &Timing,
        config: &EngineConfig,
        telemetry: &Arc<Telemetry>,
    ) -> Result<Self, Box<(EngineError, DspRunner<P>)>> {
        let setup = &timing.setup;
        let (input, input_consumer) = match ring::new(setup.channels, timing.input_capacity) {
            Ok(ring) => ring,
            Err(err) => return Err(Box::new((EngineError::Ring(err), runner))),
        };
        let output = match WriteAheadBuffer::with_counters(timing.ring, Arc::clone(&telemetry.buffer)) {
            Ok(buffer) => buffer,
            Err(err) => return Err(Box::new((EngineError::Config(err), runner))),
        };
        telemetry.pipeline.produced.store(0, Ordering::Relaxed);
        telemetry.audio.host_clock.store(0, Ordering::Relaxed);
        let (writer, mut reader) = output.split();
        // The pipeline keeps the ring at most L + a block full; the slack above
        // that can hold frames it has not been told are free yet.
        let capacity = reader.stats().capacity;
        let slack = capacity - (timing.ahead + setup.max_block);
        reader.release_every((slack / 2).min(capacity / 8));
        let (events, events_consumer) = rtrb::RingBuffer::new(config.event_capacity.max(1));
        let (transports, transports_consumer) = rtrb::RingBuffer::new(TRANSPORT_CAPACITY);
        let pipeline = Pipeline::new(
            runner,
            input_consumer,
            (events_consumer, transports_consumer),
            writer,
            timing.chunk,
            config.stall,
            Arc::clone(telemetry),
        );
        let job = Arc::new(AheadJob::new(pipeline, timing, Arc::clone(telemetry)));
        let registration = match pool::register(Arc::clone(&job) as Arc<dyn pool::Job>) {
            Ok(registration) => registration,
            Err(err) => {
                let runner = job.pipeline.try_lock().and_then(|mut cell| cell.take()).map(|p| p.runner);
                let runner = runner.expect("no worker ever saw this job");
                return Err(Box::new((EngineError::Spawn(err.to_string()), runner)));
            }
        };
        Ok(Self {
            job,
            registration: Some(registration),
            input,
            events,
            events_queued: 0,
            transports,
            transport_news: TransportNews::new(setup.sample_rate),
            output: reader,
            zeros: vec![0.0; setup.max_block],
            clock: 0,
            last_event_time: 0,
            owed_silence: 0,
            owed_skip: 0,
            silence_until: 0,
            timing: *timing,
            pace: PaceMeter::new(timing.duration(timing.ahead + 2 * setup.max_block), setup.sample_rate),
            telemetry: Arc::clone(telemetry),
        })
    }

    /// Takes the pipeline back from the pool and gives the runner back. Waits
    /// for a worker to finish its chunk (main thread only).
    pub(crate) fn stop(mut self) -> Option<DspRunner<P>> {
        self.job.audio.retired.store(true, Ordering::Release);
        let pipeline = loop {
            if let Some(mut cell) = self.job.pipeline.try_lock() {
                break cell.take();
            }
            std::thread::yield_now();
        };
        // Leaving the pool may stop it, joining its threads.
        drop(self.registration.take());
        pipeline.map(|p| p.runner)
    }

    /// One host block (see [`super::Engine::process_buffers_with_transport`]).
    pub(crate) fn process(
        &mut self,
        mode: ProcessMode,
        io: &mut dyn AudioBuffers,
        events: &[Event],
        reports: BlockReports<'_>,
    ) {
        let frames = io.frames();
        self.queue_events(events, frames);
        let mut index = 0;
        while let Some((offset, report)) = reports.get(index, frames) {
            self.queue_transport(&report, self.clock + offset as u64);
            index += 1;
        }
        let block_nanos = (frames as f64 * 1e9 / self.timing.setup.sample_rate) as u64;
        telemetry::raise(&self.telemetry.audio.block_nanos_max, block_nanos);
        let unpaced = mode.uses_worker() && self.pace.is_ahead_of_real_time(frames);
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.timing.setup.max_block);
            self.queue_input(io, done, n);
            // Frames a restart silences need nothing from the processor, and
            // computing them here would reset it on this thread.
            if self.clock + n as u64 > self.silence_until {
                let needed = (self.clock + n as u64).saturating_sub(self.timing.ahead as u64);
                self.produce(mode, unpaced, needed, n);
            }
            self.deliver(io, done, n);
            self.clock += n as u64;
            done += n;
        }
        self.telemetry.audio.host_clock.store(self.clock, Ordering::Relaxed);
    }

    /// Starts over from silence without waiting: the pipeline is told to drop
    /// what is in flight and reset the processor before the next input, and
    /// the next L frames out are silence (nothing stale is heard).
    pub(crate) fn restart(&mut self) {
        let at = self.clock;
        self.owed_skip = at - self.input.clock();
        self.owed_silence = 0;
        // Raised before anything past `at` is queued (see the pipeline).
        self.job.audio.restart.raise(at, self.events_queued);
        self.repay_skip();
        self.last_event_time = at;
        self.silence_until = at + self.timing.ahead as u64;
    }

    fn queue_events(&mut self, events: &[Event], frames: usize) {
        for event in events {
            // Kept in time order: an event out of order applies with the one before.
            let time = (self.clock + event.offset.min(frames) as u64).max(self.last_event_time);
            self.last_event_time = time;
            if self.events.push(TimedEvent { time, kind: event.kind }).is_ok() {
                self.events_queued += 1;
            } else {
                telemetry::add(&self.telemetry.audio.dropped_events, 1);
            }
        }
    }

    /// Queues the host's report for input clock `time` of the block starting
    /// now, before any of the block's input (so the pipeline never processes
    /// a frame without the report that describes it), if it changes what the
    /// processor sees. A full queue drops it, counted as a dropped event; the
    /// next block's report is then news and tried again, so the processor
    /// goes on extrapolating the last report for a few blocks at worst.
    fn queue_transport(&mut self, report: &Transport, time: u64) {
        if !self.transport_news.is_news(report, time) {
            return;
        }
        if self.transports.push(TimedTransport { time, transport: *report }).is_ok() {
            self.transport_news.passed_on(report, time);
        } else {
            telemetry::add(&self.telemetry.audio.dropped_events, 1);
        }
    }

    /// Skips as much of the input owed to a restart as the queue has room for.
    fn repay_skip(&mut self) {
        if self.owed_skip > 0 {
            let room = self.input.writable_len() as u64;
            let skip = self.owed_skip.min(room);
            if self.input.skip_to(self.input.clock() + skip).is_ok() {
                self.owed_skip -= skip;
            }
        }
    }

    /// Queues `n` frames of input from frame `start` (silence for an
    /// instrument). Frames that do not fit are owed and repaid as silence at
    /// their own clocks before any later input.
    fn queue_input(&mut self, io: &mut dyn AudioBuffers, start: usize, n: usize) {
        if self.owed_skip > 0 || self.owed_silence > 0 {
            self.repay_owed();
        }
        let written = if self.owed_skip > 0 || self.owed_silence > 0 {
            0
        } else {
            self.write_input(io.has_input().then_some(io), start, n)
        };
        if written < n {
            self.owed_silence += (n - written) as u64;
            telemetry::add(&self.telemetry.audio.lost_input_frames, (n - written) as u64);
        }
    }

    /// Skips what a restart owes the input queue, then writes the silence owed
    /// for lost input, as far as the queue has room.
    fn repay_owed(&mut self) {
        self.repay_skip();
        while self.owed_skip == 0 && self.owed_silence > 0 {
            let k = (self.owed_silence as usize).min(self.zeros.len());
            let written = self.write_input(None, 0, k);
            self.owed_silence -= written as u64;
            if written < k {
                break;
            }
        }
    }

    /// Writes up to `n` frames of `io`'s input from frame `start` (or silence)
    /// into the input queue, as many as it has room for; returns how many.
    /// The queue's room is checked against the position the pipeline last
    /// published, reloaded only when that looks too small.
    fn write_input(&mut self, io: Option<&mut dyn AudioBuffers>, start: usize, n: usize) -> usize {
        let channels = self.input.channels();
        let mut chunk = match self.input.write_chunk(n) {
            Ok(chunk) => chunk,
            Err(ChunkError::TooLarge { available, .. }) => match self.input.write_chunk(available) {
                Ok(chunk) => chunk,
                Err(_) => return 0,
            },
        };
        match io {
            Some(io) => {
                for channel in 0..channels {
                    let (first, second) = chunk.channel_mut(channel);
                    let split = first.len();
                    io.read_input(channel, start, first);
                    if !second.is_empty() {
                        io.read_input(channel, start + split, second);
                    }
                }
            }
            None => {
                for channel in 0..channels {
                    let (first, second) = chunk.channel_mut(channel);
                    crate::simd::fill(first, 0.0);
                    crate::simd::fill(second, 0.0);
                }
            }
        }
        let written = chunk.len();
        chunk.commit();
        written
    }

    /// Input clock up to which output exists, refreshing the reader's view of
    /// the pipeline only if it does not reach `needed`.
    fn produced(output: &mut WriteAheadReader, ahead: usize, needed: u64) -> u64 {
        output.produced_clock(needed + ahead as u64).saturating_sub(ahead as u64)
    }

    /// Makes sure output exists up to input clock `needed`, computing it on
    /// this thread when no worker has (see the contract's points 2 to 4).
    fn produce(&mut self, mode: ProcessMode, unpaced: bool, needed: u64, n: usize) {
        // The initial silence counts: it is output too.
        if Self::produced(&mut self.output, self.timing.ahead, needed) >= needed {
            return;
        }
        // Paced by a device: a worker that has just begun a chunk is given a
        // quarter of this block (50 µs to 1 ms) to finish it; one that has been
        // inside the processor longer is stuck, and the frames it has not
        // finished age into silence. Offline, prefetch or faster than real
        // time: nobody listens in real time, so wait for the chunk instead.
        let grace = (mode.uses_worker() && !unpaced).then(|| {
            let quarter_block = self.timing.duration(n) / 4;
            quarter_block.clamp(Duration::from_micros(50), Duration::from_millis(1)).as_nanos() as u64
        });
        let inline = self.catch_up(needed, grace);
        if mode.uses_worker() && inline > 0 {
            telemetry::add(&self.telemetry.audio.catch_ups, 1);
            telemetry::add(&self.telemetry.audio.inline_frames, inline as u64);
        }
    }

    /// Takes the pipeline from the workers and processes up to `needed`. If a
    /// worker holds it, waits for its chunk, but with a `grace` gives up once
    /// that chunk is older than it. Returns the frames computed here.
    fn catch_up(&mut self, needed: u64, grace: Option<u64>) -> usize {
        let signals = &self.job.audio;
        signals.yield_request.store(true, Ordering::Release);
        let mut inline = 0;
        loop {
            if let Some(mut cell) = self.job.pipeline.try_lock() {
                if let Some(pipeline) = cell.as_mut() {
                    inline = pipeline.process_until(needed, &signals.restart, || true);
                }
                break;
            }
            if Self::produced(&mut self.output, self.timing.ahead, needed) >= needed {
                break;
            }
            if let Some(grace) = grace
                && self.job.worker_chunk_age().is_some_and(|age| age > grace)
            {
                break;
            }
            std::hint::spin_loop();
        }
        signals.yield_request.store(false, Ordering::Release);
        inline
    }

    /// Writes the output due for the next `n` host frames into `io` from frame
    /// `start`: restart silence, the pipeline's frames, and silence (counted
    /// as underruns) for frames that came due unproduced.
    fn deliver(&mut self, io: &mut dyn AudioBuffers, start: usize, n: usize) {
        let channels = self.input.channels();
        let clock = self.output.clock();
        let hushed = (self.silence_until.saturating_sub(clock) as usize).min(n);
        if hushed > 0 {
            self.output.discard(hushed);
            self.write_silence(io, start, hushed);
        }
        let rest = n - hushed;
        if rest == 0 {
            return;
        }
        let from = clock + hushed as u64;
        let ready = (self.output.produced_clock(from + rest as u64).saturating_sub(from) as usize).min(rest);
        if ready > 0 {
            let chunk = self.output.read_chunk(ready).expect("ready frames are readable");
            for channel in 0..channels {
                let (first, second) = chunk.channel(channel);
                io.write_output(channel, start + hushed, first);
                if !second.is_empty() {
                    io.write_output(channel, start + hushed + first.len(), second);
                }
            }
            chunk.commit();
        }
        let missing = rest - ready;
        if missing > 0 {
            self.output.skip_missing(missing);
            self.write_silence(io, start + hushed + ready, missing);
        }
    }

    fn write_silence(&self, io: &mut dyn AudioBuffers, start: usize, n: usize) {
        for channel in 0..self.input.channels() {
            io.write_output(channel, start, &self.zeros[..n]);
        }
    }
}

impl<P: Processor> Drop for AheadPath<P> {
    fn drop(&mut self) {
        if self.registration.is_some() {
            self.job.audio.retired.store(true, Ordering::Release);
            // Leave the pool before the job's last owner is gone; a worker still
            // inside it keeps it alive through its own reference.
            drop(self.registration.take());
        }
    }
}
