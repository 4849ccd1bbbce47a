//! [`BufferedProcessor`]: what the host's audio thread calls.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::denormals::FlushToZero;
use super::dsp::Dsp;
use super::event::{Event, TimedEvent};
use super::mode::ProcessMode;
use super::pipeline::Pipeline;
use super::processor::{ChannelsMut, ChannelsRef, MAX_CHANNELS, ProcessSetup, Processor};
use super::stall::StallPlan;
use super::stats::{self, EngineCounters, EngineStats, EngineStatsHandle};
use super::worker::{self, Shared};
use crate::ring::{self, RingError, ShapeError};
use crate::writeahead::{self, ConfigError, WriteAheadBuffer, WriteAheadConfig, WriteAheadReader};

/// Most frames the worker processes before it may hand the processor over.
const CHUNK: usize = 256;

/// How a [`BufferedProcessor`] runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineConfig {
    /// Run the processor ahead on a worker (true), or inline with only its own
    /// latency (false: the fallback mode).
    pub buffering: bool,
    /// The write-ahead latency in milliseconds.
    pub latency_ms: f64,
    /// How often the worker wakes to look for new input. `None` picks L/10
    /// within 0.5 to 5 ms: every wake costs CPU (tens of microseconds on a
    /// virtual machine), and the tick is taken from the headroom, which is about
    /// L - block - tick.
    pub worker_tick: Option<Duration>,
    /// Injected worker stalls; `None` reads [`super::STALL_ENV`].
    pub stall: Option<StallPlan>,
    /// Events that can wait in the queue to the worker.
    pub event_capacity: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            buffering: true,
            latency_ms: writeahead::DEFAULT_LATENCY_MS,
            worker_tick: None,
            stall: None,
            event_capacity: 4096,
        }
    }
}

/// Why the engine could not be set up or activated.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// `activate` before `setup`.
    NotSetUp,
    /// `setup` while active: deactivate first.
    Active,
    /// A previous failure left the engine without its processor.
    Poisoned,
    /// More channels than the engine carries.
    Channels(usize),
    /// Sample rate, latency or block size out of range.
    Config(ConfigError),
    /// A ring could not be allocated.
    Ring(RingError),
    /// The worker thread could not be started.
    Spawn(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSetUp => write!(f, "activate called before setup"),
            Self::Active => write!(f, "setup called while active"),
            Self::Poisoned => write!(f, "the engine lost its processor in an earlier failure"),
            Self::Channels(n) => write!(f, "{n} channels is outside 1..={MAX_CHANNELS}"),
            Self::Config(err) => err.fmt(f),
            Self::Ring(err) => err.fmt(f),
            Self::Spawn(err) => write!(f, "could not start the worker thread: {err}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Why one `process` call did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessError {
    /// Not activated.
    NotActive,
    /// The buffers do not match the configured channels.
    Shape(ShapeError),
}

impl std::fmt::Display for ProcessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotActive => write!(f, "process called while not active"),
            Self::Shape(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for ProcessError {}

/// Runs a [`Processor`] a fixed latency ahead of the host on a worker thread,
/// or inline (see the module docs of [`super`] for the timing contract).
///
/// Lifecycle: [`Self::setup`] (may allocate; gives the latency) →
/// [`Self::activate`] (allocates, starts the worker) → [`Self::process`] from
/// the audio thread → [`Self::deactivate`] (stops and joins the worker).
pub struct BufferedProcessor<P: Processor> {
    config: EngineConfig,
    setup: Option<ProcessSetup>,
    latency: usize,
    counters: Arc<EngineCounters>,
    state: State<P>,
}

enum State<P> {
    Inactive(P),
    Unbuffered(Unbuffered<P>),
    Buffered(Box<Buffered<P>>),
    Poisoned,
}

impl<P: Processor> BufferedProcessor<P> {
    pub fn new(processor: P, config: EngineConfig) -> Self {
        let config = EngineConfig { stall: config.stall.or_else(StallPlan::from_env), ..config };
        Self { config, setup: None, latency: 0, counters: EngineCounters::new(), state: State::Inactive(processor) }
    }

    /// The configuration in use.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Prepares the processor for `setup` and computes the latency the host must
    /// be told, which it returns. Allowed only while inactive; may allocate.
    pub fn setup(&mut self, setup: ProcessSetup) -> Result<usize, EngineError> {
        let State::Inactive(processor) = &mut self.state else {
            return Err(if matches!(self.state, State::Poisoned) {
                EngineError::Poisoned
            } else {
                EngineError::Active
            });
        };
        if !(1..=MAX_CHANNELS).contains(&setup.channels) {
            return Err(EngineError::Channels(setup.channels));
        }
        let ring_config = WriteAheadConfig::new(setup.sample_rate, setup.channels, setup.max_block)
            .with_latency_ms(if self.config.buffering { self.config.latency_ms } else { 0.0 });
        ring_config.validate().map_err(EngineError::Config)?;
        processor.prepare(&setup);
        let ring_latency = if self.config.buffering { ring_config.latency_samples() } else { 0 };
        self.latency = ring_latency + processor.latency();
        self.setup = Some(setup);
        let values = &self.counters.setup;
        values.latency_samples.store(self.latency as u64, Ordering::Relaxed);
        values.ring_latency.store(ring_latency as u64, Ordering::Relaxed);
        values.sample_rate_bits.store(setup.sample_rate.to_bits(), Ordering::Relaxed);
        values.tick_nanos.store(self.worker_tick(setup.sample_rate).as_nanos() as u64, Ordering::Relaxed);
        Ok(self.latency)
    }

    /// The worker's tick for this configuration at `sample_rate`.
    pub fn worker_tick(&self, sample_rate: f64) -> Duration {
        self.config.worker_tick.unwrap_or_else(|| {
            let latency = writeahead::latency_samples(self.config.latency_ms, sample_rate) as f64 / sample_rate;
            Duration::from_secs_f64(latency / 10.0).clamp(Duration::from_micros(500), Duration::from_millis(5))
        })
    }

    /// The latency to report to the host, in frames: the write-ahead latency
    /// (when buffering) plus the processor's own. Valid after `setup`, the same
    /// before and after activation.
    pub fn latency_samples(&self) -> usize {
        self.latency
    }

    pub fn is_active(&self) -> bool {
        matches!(self.state, State::Unbuffered(_) | State::Buffered(_))
    }

    /// Allocates everything the audio thread and the worker need, resets the
    /// processor, and starts the worker. Does nothing if already active.
    pub fn activate(&mut self) -> Result<(), EngineError> {
        if self.is_active() {
            return Ok(());
        }
        let setup = self.setup.ok_or(EngineError::NotSetUp)?;
        let State::Inactive(processor) = std::mem::replace(&mut self.state, State::Poisoned) else {
            return Err(EngineError::Poisoned);
        };
        let dsp = Dsp::new(processor, &setup, Arc::clone(&self.counters));
        self.state = if self.config.buffering {
            let tick = self.worker_tick(setup.sample_rate);
            match Buffered::start(dsp, &setup, &self.config, tick, &self.counters) {
                Ok(buffered) => State::Buffered(Box::new(buffered)),
                Err(failure) => {
                    let (err, dsp) = *failure;
                    self.state = State::Inactive(dsp.processor);
                    return Err(err);
                }
            }
        } else {
            State::Unbuffered(Unbuffered { dsp, clock: 0, last_event_time: 0, max_block: setup.max_block })
        };
        Ok(())
    }

    /// Stops and joins the worker and frees the rings; the processor is kept for
    /// the next activation. Does nothing if inactive.
    pub fn deactivate(&mut self) {
        self.state = match std::mem::replace(&mut self.state, State::Poisoned) {
            State::Unbuffered(unbuffered) => State::Inactive(unbuffered.dsp.processor),
            State::Buffered(buffered) => match buffered.stop() {
                Some(dsp) => State::Inactive(dsp.processor),
                None => State::Poisoned,
            },
            other => other,
        };
    }

    /// Starts over from silence without allocating or stopping the worker:
    /// audio in flight is dropped, the processor is reset, and the next L
    /// frames out are silence (so a host restarting playback hears nothing
    /// stale). May wait for the worker to finish its current chunk. Any thread
    /// (RealtimeSanitizer checks it in the `rtsan` build).
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn restart(&mut self) {
        match &mut self.state {
            State::Unbuffered(unbuffered) => unbuffered.dsp.restart(),
            State::Buffered(buffered) => buffered.restart(),
            State::Inactive(_) | State::Poisoned => {}
        }
    }

    /// Starts over from silence: processor state, rings and clocks are cleared.
    pub fn reset(&mut self) -> Result<(), EngineError> {
        if self.is_active() {
            self.deactivate();
            self.activate()
        } else {
            Ok(())
        }
    }

    /// Processes one host block: `input` holds one slice per channel (or none, for
    /// an instrument: silence), `output` one slice per channel of the block's
    /// length, `events` are sorted by offset. Any block size works, including 0
    /// (events are applied, time does not advance) and blocks above `max_block`
    /// (split). Real-time safe: no allocation, no lock, no blocking call
    /// (RealtimeSanitizer checks this in the `rtsan` build).
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn process(
        &mut self,
        mode: ProcessMode,
        input: &[&[f32]],
        output: &mut [&mut [f32]],
        events: &[Event],
    ) -> Result<(), ProcessError> {
        if !self.is_active() {
            return Err(ProcessError::NotActive);
        }
        let channels = self.setup.map_or(0, |s| s.channels);
        let frames = ring::frames_in(channels, output.iter().map(|c| c.len())).map_err(ProcessError::Shape)?;
        if !input.is_empty() {
            let input_frames = ring::frames_in(channels, input.iter().map(|c| c.len())).map_err(ProcessError::Shape)?;
            if input_frames != frames {
                return Err(ProcessError::Shape(ShapeError::UnequalLengths));
            }
        }
        let _flush_to_zero = FlushToZero::enable();
        match &mut self.state {
            State::Unbuffered(unbuffered) => unbuffered.process(input, output, events, frames),
            State::Buffered(buffered) => buffered.process(mode, input, output, events, frames),
            State::Inactive(_) | State::Poisoned => return Err(ProcessError::NotActive),
        }
        Ok(())
    }

    /// The current telemetry (lock-free, no allocation: fine on the audio thread).
    pub fn stats(&self) -> EngineStats {
        self.counters.snapshot()
    }

    /// A handle to read telemetry from any thread, valid across activations.
    pub fn stats_handle(&self) -> EngineStatsHandle {
        EngineStatsHandle { counters: Arc::clone(&self.counters) }
    }
}

impl<P: Processor> Drop for BufferedProcessor<P> {
    fn drop(&mut self) {
        self.deactivate();
    }
}

/// Windows `start..start + frames` of each output channel.
fn window_mut<'a>(channels: &'a mut [&mut [f32]], start: usize, frames: usize) -> ChannelsMut<'a> {
    ChannelsMut::from_iter(channels.iter_mut().map(|c| &mut c[start..start + frames]))
}

/// The fallback: the processor runs inline on the calling thread.
struct Unbuffered<P> {
    dsp: Dsp<P>,
    clock: u64,
    last_event_time: u64,
    max_block: usize,
}

impl<P: Processor> Unbuffered<P> {
    fn process(&mut self, input: &[&[f32]], output: &mut [&mut [f32]], events: &[Event], frames: usize) {
        for (ch, out) in output.iter_mut().enumerate() {
            match input.get(ch) {
                Some(input) => crate::simd::copy(out, input),
                None => crate::simd::fill(out, 0.0),
            }
        }
        let block_start = self.clock;
        let mut cursor = 0;
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.max_block);
            let mut piece = window_mut(output, done, n);
            let last_event_time = &mut self.last_event_time;
            self.dsp.render(piece.as_mut(), self.clock, |end| {
                let event = events.get(cursor)?;
                let time = (block_start + event.offset.min(frames) as u64).max(*last_event_time);
                (time < end).then(|| {
                    cursor += 1;
                    *last_event_time = time;
                    TimedEvent { time, kind: event.kind }
                })
            });
            self.clock += n as u64;
            done += n;
        }
        // Events at the very end of the block (or in an empty block) apply before
        // the next frame, which is the same as right now.
        for event in &events[cursor..] {
            self.last_event_time = self.last_event_time.max(block_start + event.offset.min(frames) as u64);
            self.dsp.apply(&event.kind);
        }
    }
}

/// The write-ahead mode: what the audio thread owns, plus the shared pipeline.
struct Buffered<P> {
    shared: Arc<Shared<P>>,
    worker: Option<JoinHandle<()>>,
    input: ring::Producer,
    events: rtrb::Producer<TimedEvent>,
    output: WriteAheadReader,
    /// Silence to feed the input for instruments and for lost input.
    zeros: Vec<f32>,
    /// Where a restart reads the stale output it drops (channels x max block).
    discard: Vec<f32>,
    /// Host time: frames delivered to `process` so far.
    clock: u64,
    last_event_time: u64,
    /// Input frames that did not fit and are owed to the input ring as silence.
    owed_input: u64,
    ring_latency: u64,
    max_block: usize,
    sample_rate: f64,
    pace: PaceMeter,
    counters: Arc<EngineCounters>,
}

impl<P: Processor> Buffered<P> {
    fn start(
        dsp: Dsp<P>,
        setup: &ProcessSetup,
        config: &EngineConfig,
        tick: Duration,
        counters: &Arc<EngineCounters>,
    ) -> Result<Self, Box<(EngineError, Dsp<P>)>> {
        let ring_config = WriteAheadConfig::new(setup.sample_rate, setup.channels, setup.max_block)
            .with_latency_ms(config.latency_ms);
        let ring_latency = ring_config.latency_samples();
        // The input queue holds at least a second beyond what normal operation
        // needs, so a worker stuck for that long loses no input.
        let input_capacity = 2 * (ring_latency + setup.max_block) + setup.sample_rate.ceil() as usize;
        let (input, input_consumer) = match ring::new(setup.channels, input_capacity) {
            Ok(ring) => ring,
            Err(err) => return Err(Box::new((EngineError::Ring(err), dsp))),
        };
        let output = match WriteAheadBuffer::new(ring_config) {
            Ok(buffer) => buffer,
            Err(err) => return Err(Box::new((EngineError::Config(err), dsp))),
        };
        counters.setup.capacity.store(output.stats().capacity as u64, Ordering::Relaxed);
        counters.pipeline.produced.store(0, Ordering::Relaxed);
        counters.audio.host_clock.store(0, Ordering::Relaxed);
        let (writer, mut reader) = output.split();
        // The worker keeps the ring at most L + a block full; the slack above
        // that can hold frames the worker has not been told are free yet.
        let slack = reader.stats().capacity - (ring_latency + setup.max_block);
        reader.release_every((slack / 2).min(reader.stats().capacity / 8));
        let (events, events_consumer) = rtrb::RingBuffer::new(config.event_capacity.max(1));
        let pipeline = Pipeline::new(
            dsp,
            input_consumer,
            events_consumer,
            writer,
            CHUNK.min(setup.max_block),
            Arc::clone(counters),
        );
        let shared = Arc::new(Shared::new(pipeline, Arc::clone(counters)));
        let worker = match worker::spawn(Arc::clone(&shared), tick, config.stall) {
            Ok(worker) => worker,
            Err(err) => {
                let dsp = Arc::into_inner(shared).map(|s| s.pipeline.into_inner().dsp);
                return Err(Box::new((EngineError::Spawn(err.to_string()), dsp.expect("the worker never started"))));
            }
        };
        let block = Duration::from_secs_f64(setup.max_block as f64 / setup.sample_rate);
        let latency = Duration::from_secs_f64(ring_latency as f64 / setup.sample_rate);
        Ok(Self {
            shared,
            worker: Some(worker),
            input,
            events,
            output: reader,
            zeros: vec![0.0; setup.max_block],
            discard: vec![0.0; setup.channels * setup.max_block],
            clock: 0,
            last_event_time: 0,
            owed_input: 0,
            ring_latency: ring_latency as u64,
            max_block: setup.max_block,
            sample_rate: setup.sample_rate,
            pace: PaceMeter::new(latency + 2 * block),
            counters: Arc::clone(counters),
        })
    }

    /// Stops the worker and gives the processor back.
    fn stop(mut self: Box<Self>) -> Option<Dsp<P>> {
        self.shared.running.store(false, Ordering::Release);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        let Buffered { shared, .. } = *self;
        Arc::into_inner(shared).map(|shared| shared.pipeline.into_inner().dsp)
    }

    fn process(
        &mut self,
        mode: ProcessMode,
        input: &[&[f32]],
        output: &mut [&mut [f32]],
        events: &[Event],
        frames: usize,
    ) {
        self.queue_events(events, frames);
        let block_nanos = (frames as f64 * 1e9 / self.sample_rate) as u64;
        stats::raise(&self.counters.audio.block_nanos_max, block_nanos);
        let unpaced = mode.uses_worker() && self.pace.is_ahead_of_real_time(frames, self.sample_rate);
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.max_block);
            self.queue_input(input, done, n);
            let needed = (self.clock + n as u64).saturating_sub(self.ring_latency);
            self.produce(mode, unpaced, needed, n);
            let mut piece = window_mut(output, done, n);
            let missing = self.output.read(piece.as_mut()).unwrap_or(0);
            if missing > 0 {
                stats::add(&self.counters.audio.underruns, missing as u64);
            }
            self.clock += n as u64;
            done += n;
        }
        self.counters.audio.host_clock.store(self.clock, Ordering::Relaxed);
    }

    /// See [`BufferedProcessor::restart`]. Both rings' clocks move forward to a
    /// common point C (positions never go back): the reader skips the stale
    /// output up to C, the input is padded with silence up to C and dropped by
    /// the pipeline, and the writer writes silence up to C + L.
    fn restart(&mut self) {
        let shared = &*self.shared;
        shared.yield_request.store(true, Ordering::Release);
        let mut pipeline = loop {
            if let Some(pipeline) = shared.pipeline.try_lock() {
                break pipeline;
            }
            std::hint::spin_loop();
        };
        let channels = self.input.channels();
        let written = self.output.produced_clock(u64::MAX);
        let restart_at = self.clock.max(written);
        while self.clock < restart_at {
            let n = (restart_at - self.clock).min(self.max_block as u64) as usize;
            let mut stale = ChannelsMut::from_planar(&mut self.discard, self.max_block, channels, n);
            let _ = self.output.discard(stale.as_mut());
            self.clock += n as u64;
        }
        self.owed_input = 0;
        while self.input.clock() < restart_at {
            let n = (restart_at - self.input.clock()).min(self.zeros.len() as u64) as usize;
            let silence = ChannelsRef::from_iter((0..channels).map(|_| &self.zeros[..n]));
            if self.input.write(silence.as_slice()).unwrap_or(0) == 0 {
                // The queue is full of input the pipeline will drop anyway.
                pipeline.restart(self.input.clock());
            }
        }
        pipeline.restart(restart_at);
        drop(pipeline);
        self.last_event_time = restart_at;
        self.counters.audio.host_clock.store(restart_at, Ordering::Relaxed);
        shared.yield_request.store(false, Ordering::Release);
    }

    fn queue_events(&mut self, events: &[Event], frames: usize) {
        for event in events {
            // Kept in time order: an event out of order applies with the one before.
            let time = (self.clock + event.offset.min(frames) as u64).max(self.last_event_time);
            self.last_event_time = time;
            if self.events.push(TimedEvent { time, kind: event.kind }).is_err() {
                stats::add(&self.counters.audio.dropped_events, 1);
            }
        }
    }

    /// Queues `n` frames of input from `start` (silence for an instrument). Frames
    /// that do not fit are owed, and repaid as silence at their own clocks before
    /// any later input, so time never slips.
    fn queue_input(&mut self, input: &[&[f32]], start: usize, n: usize) {
        let channels = self.input.channels();
        while self.owed_input > 0 {
            let k = (self.owed_input as usize).min(self.zeros.len());
            let silence = ChannelsRef::from_iter((0..channels).map(|_| &self.zeros[..k]));
            let written = self.input.write(silence.as_slice()).unwrap_or(0);
            self.owed_input -= written as u64;
            if written < k {
                break;
            }
        }
        let written = if self.owed_input > 0 {
            0
        } else if input.is_empty() {
            let silence = ChannelsRef::from_iter((0..channels).map(|_| &self.zeros[..n]));
            self.input.write(silence.as_slice()).unwrap_or(0)
        } else {
            self.input.write(ChannelsRef::window(input, start, n).as_slice()).unwrap_or(0)
        };
        if written < n {
            self.owed_input += (n - written) as u64;
            stats::add(&self.counters.audio.lost_input_frames, (n - written) as u64);
        }
    }

    /// Input clock up to which output exists, refreshing the reader's view of
    /// the worker only if it does not reach `needed`.
    fn produced(&mut self, needed: u64) -> u64 {
        self.output.produced_clock(needed + self.ring_latency).saturating_sub(self.ring_latency)
    }

    /// Makes sure output exists up to input clock `needed`, computing it on this
    /// thread when the worker has not (see the contract's points 2 to 4).
    fn produce(&mut self, mode: ProcessMode, unpaced: bool, needed: u64, n: usize) {
        // Frames of output that exist beyond the end of this block (the initial
        // silence counts: it is output too).
        if self.produced(needed) >= needed {
            return;
        }
        // Paced by a device: wait for the worker's current chunk only briefly; a
        // worker that has been inside the DSP longer than that is stuck, and its
        // frames age into silence. Offline, prefetch or faster than real time:
        // nobody is listening in real time, so wait for the chunk to finish.
        let patience = (mode.uses_worker() && !unpaced).then(|| {
            let quarter_block = Duration::from_secs_f64(n as f64 / self.sample_rate / 4.0);
            quarter_block.clamp(Duration::from_micros(50), Duration::from_millis(1)).as_nanos() as u64
        });
        let inline = self.catch_up(needed, patience);
        if mode.uses_worker() && inline > 0 {
            stats::add(&self.counters.audio.catch_ups, 1);
            stats::add(&self.counters.audio.inline_frames, inline as u64);
        }
    }

    /// Takes the pipeline from the worker and processes up to `needed`. With
    /// `patience`, gives up once the worker has held the pipeline that long.
    /// Returns the frames computed here.
    fn catch_up(&mut self, needed: u64, patience: Option<u64>) -> usize {
        let shared = &*self.shared;
        shared.yield_request.store(true, Ordering::Release);
        let mut inline = 0;
        loop {
            if let Some(mut pipeline) = shared.pipeline.try_lock() {
                inline = pipeline.process_until(needed, || true);
                break;
            }
            let written = self.output.produced_clock(needed + self.ring_latency);
            if written.saturating_sub(self.ring_latency) >= needed {
                break;
            }
            if let Some(patience) = patience {
                let since = shared.worker_holding_since.load(Ordering::Acquire);
                if since != 0 && shared.now_nanos().saturating_sub(since) > patience {
                    break;
                }
            }
            std::hint::spin_loop();
        }
        shared.yield_request.store(false, Ordering::Release);
        inline
    }
}

/// Tells a device-paced host from one calling faster than real time: audio
/// delivered minus wall time elapsed, never below zero. A device can run ahead
/// of the wall clock by its buffer at most; anything beyond `limit` is a host
/// rendering as fast as it can.
struct PaceMeter {
    backlog: Duration,
    last_call: Option<Instant>,
    limit: Duration,
}

impl PaceMeter {
    fn new(limit: Duration) -> Self {
        Self { backlog: Duration::ZERO, last_call: None, limit }
    }

    fn is_ahead_of_real_time(&mut self, frames: usize, sample_rate: f64) -> bool {
        let now = Instant::now();
        let elapsed = self.last_call.map_or(Duration::ZERO, |last| now - last);
        self.last_call = Some(now);
        self.backlog = self.backlog.saturating_sub(elapsed) + Duration::from_secs_f64(frames as f64 / sample_rate);
        self.backlog > self.limit
    }
}
