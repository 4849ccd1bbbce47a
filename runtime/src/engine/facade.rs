//! [`Engine`]: what a host's threads call. It runs the lifecycle (set up,
//! active inline or ahead, inactive) and hands each block to the path of the
//! current mode.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use super::ahead::AheadPath;
use super::buffers::{AudioBuffers, SliceBuffers};
use super::config::{EngineConfig, EngineError, ProcessError};
use super::denormals::FlushToZero;
use super::event::{Event, EventKind};
use super::host_convention::PositionReference;
use super::inline::InlinePath;
use super::mode::{ProcessMode, RunMode};
use super::processor::{ProcessSetup, Processor, Tail};
use super::runner::DspRunner;
use super::stall::StallPlan;
use super::telemetry::{EngineStats, EngineStatsHandle, Telemetry};
use super::timing::Timing;
use super::transport::{BlockReports, Transport};

/// Runs a [`Processor`] a fixed latency ahead of the host on the worker pool,
/// or inline (see the module docs of [`super`] for the timing contract).
///
/// Lifecycle: [`Self::setup`] (may allocate; gives the latency) →
/// [`Self::activate`] (allocates, joins the worker pool) → [`Self::process`]
/// from the audio thread → [`Self::deactivate`] (takes the processor back).
pub struct Engine<P: Processor> {
    config: EngineConfig,
    timing: Option<Timing>,
    telemetry: Arc<Telemetry>,
    state: State<P>,
    /// Which frame the host's transport reports describe.
    position_reference: PositionReference,
}

enum State<P: Processor> {
    Inactive(P),
    Inline(Box<InlinePath<P>>),
    Ahead(Box<AheadPath<P>>),
    Poisoned,
}

impl<P: Processor> Engine<P> {
    pub fn new(processor: P, config: EngineConfig) -> Self {
        let config = EngineConfig { stall: config.stall.or_else(StallPlan::from_env), ..config };
        Self {
            config,
            timing: None,
            telemetry: Telemetry::new(),
            state: State::Inactive(processor),
            position_reference: PositionReference::Input,
        }
    }

    /// Tells the engine which frame the host's transport reports describe
    /// (see [`PositionReference`]): a format's glue sets it once it knows
    /// the host. [`PositionReference::Input`] until then.
    pub fn set_position_reference(&mut self, reference: PositionReference) {
        self.position_reference = reference;
    }

    pub fn position_reference(&self) -> PositionReference {
        self.position_reference
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
        // Checked before the processor sees the setup.
        let offered = Timing::new(setup, &self.config, 0)?.latency_budget();
        let taken = processor.take_latency_budget(offered).min(offered);
        processor.prepare(&setup);
        self.telemetry.publish_tail(processor.tail());
        let timing = Timing::new(setup, &self.config, processor.latency())?.taking(taken);
        self.adopt(timing);
        Ok(timing.latency)
    }

    /// The latency to report to the host, in frames: the write-ahead latency
    /// (when buffering) plus the processor's own. Valid after `setup`, the same
    /// before and after activation.
    pub fn latency_samples(&self) -> usize {
        self.timing.map_or(0, |t| t.latency)
    }

    /// How long the output outlasts the input, latency included: the
    /// processor's tail as it reported it last (after `prepare`, then after
    /// every block it ran, so it follows parameter changes) plus
    /// [`Self::latency_samples`]. Lock-free; also in [`EngineStats::tail`].
    pub fn tail(&self) -> Tail {
        self.telemetry.tail()
    }

    /// Makes `timing` the engine's and publishes it.
    fn adopt(&mut self, timing: Timing) {
        self.telemetry.publish_timing(&timing, self.config.latency_ms, self.config.latency_ceiling_ms);
        self.timing = Some(timing);
    }

    /// Adaptive latency: takes the larger latency the measured stalls ask for
    /// (see [`EngineStats::wanted_latency_ms`]), while inactive.
    fn adapt_latency(&mut self) -> Result<(), EngineError> {
        let (Some(wanted), Some(timing)) = (self.stats().wanted_latency_ms, self.timing) else { return Ok(()) };
        let config = EngineConfig { latency_ms: wanted, ..self.config };
        let adapted = Timing::new(timing.setup, &config, timing.dsp_latency)?.taking(timing.budget_taken);
        self.config = config;
        self.adopt(adapted);
        Ok(())
    }

    /// Gives the inactive processor an event now (a parameter's value), so
    /// what it reports before any audio flows (its tail) already follows it;
    /// the processor keeps it through the reset at activation only if its
    /// `reset` keeps parameters, so send them again with the first block too.
    /// Ignored while active (events then travel with the audio) and for a
    /// bypass, which the engine applies itself. Never on the audio thread.
    pub fn apply_while_inactive(&mut self, event: &EventKind) {
        let State::Inactive(processor) = &mut self.state else { return };
        if matches!(event, EventKind::Bypass(_)) {
            return;
        }
        let applied = catch_unwind(AssertUnwindSafe(|| {
            processor.event(event);
            processor.tail()
        }));
        if let Ok(tail) = applied {
            self.telemetry.publish_tail(tail);
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self.state, State::Inline(_) | State::Ahead(_))
    }

    /// Allocates everything the audio thread and the workers need, resets the
    /// processor, and (when buffering) hands it to the worker pool. With
    /// adaptive latency, first takes the latency the measured stalls ask for:
    /// read [`Self::latency_samples`] again after activating. Does nothing if
    /// already active.
    pub fn activate(&mut self) -> Result<(), EngineError> {
        if self.is_active() {
            return Ok(());
        }
        if self.timing.is_none() {
            return Err(EngineError::NotSetUp);
        }
        self.adapt_latency()?;
        let timing = self.timing.ok_or(EngineError::NotSetUp)?;
        let State::Inactive(processor) = std::mem::replace(&mut self.state, State::Poisoned) else {
            return Err(EngineError::Poisoned);
        };
        let runner = DspRunner::new(processor, &timing.setup, Arc::clone(&self.telemetry));
        self.state = if self.config.buffering {
            match AheadPath::start(runner, &timing, &self.config, &self.telemetry) {
                Ok(ahead) => State::Ahead(Box::new(ahead)),
                Err(failure) => {
                    let (err, runner) = *failure;
                    self.state = State::Inactive(runner.processor);
                    return Err(err);
                }
            }
        } else {
            State::Inline(Box::new(InlinePath::new(runner, &timing)))
        };
        Ok(())
    }

    /// Takes the processor back from the workers and frees the rings; the
    /// processor is kept for the next activation. Waits for a worker to finish
    /// its current chunk, so call it from the main thread. Does nothing if
    /// inactive.
    pub fn deactivate(&mut self) {
        self.state = match std::mem::replace(&mut self.state, State::Poisoned) {
            State::Inline(inline) => State::Inactive(inline.into_runner().processor),
            State::Ahead(ahead) => match ahead.stop() {
                Some(runner) => State::Inactive(runner.processor),
                None => State::Poisoned,
            },
            other => other,
        };
    }

    /// Starts over from silence without allocating and without waiting for a
    /// worker: audio in flight is dropped, the processor is reset before the
    /// next frame it processes, and the next L frames out are silence (so a
    /// host restarting playback hears nothing stale). Real-time safe
    /// (RealtimeSanitizer checks it in the `rtsan` build).
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn restart(&mut self) {
        match &mut self.state {
            State::Inline(inline) => inline.restart(),
            State::Ahead(ahead) => ahead.restart(),
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

    /// Processes one host block: `input` holds one slice per channel (or none,
    /// for an instrument: silence), `output` one slice per channel of the
    /// block's length, `events` are sorted by offset. See
    /// [`Self::process_buffers`].
    pub fn process(
        &mut self,
        mode: ProcessMode,
        input: &[&[f32]],
        output: &mut [&mut [f32]],
        events: &[Event],
    ) -> Result<(), ProcessError> {
        self.process_with_transport(mode, input, output, events, None)
    }

    /// [`Self::process`] with the host's transport report for the block's
    /// first frame (see [`Self::process_buffers_with_transport`]).
    pub fn process_with_transport(
        &mut self,
        mode: ProcessMode,
        input: &[&[f32]],
        output: &mut [&mut [f32]],
        events: &[Event],
        transport: Option<&Transport>,
    ) -> Result<(), ProcessError> {
        let channels = self.timing.map_or(0, |t| t.setup.channels);
        if !self.is_active() {
            return Err(ProcessError::NotActive);
        }
        let mut buffers = SliceBuffers::new(channels, input, output).map_err(ProcessError::Shape)?;
        self.process_buffers_with_transport(mode, &mut buffers, events, transport)
    }

    /// Processes one host block of any size, including 0 (events are applied,
    /// time does not advance) and blocks above `max_block` (the engine splits
    /// them): `events` carry offsets within the block and are sorted by them.
    /// Real-time safe: no allocation, no lock, no blocking call, and in
    /// real-time mode no wait for a worker stuck in the processor (one finishing
    /// a chunk gets a quarter block at most); RealtimeSanitizer checks this in
    /// the `rtsan` build. The processor goes on with the last transport
    /// report, extrapolated.
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn process_buffers(
        &mut self,
        mode: ProcessMode,
        buffers: &mut dyn AudioBuffers,
        events: &[Event],
    ) -> Result<(), ProcessError> {
        self.process_buffers_with_transport(mode, buffers, events, None)
    }

    /// [`Self::process_buffers`] with what the host reported about its
    /// transport for the block's first frame (`None`: nothing this block).
    /// See [`Self::process_buffers_with_transports`].
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn process_buffers_with_transport(
        &mut self,
        mode: ProcessMode,
        buffers: &mut dyn AudioBuffers,
        events: &[Event],
        transport: Option<&Transport>,
    ) -> Result<(), ProcessError> {
        let one;
        let reports: &[(usize, Transport)] = match transport {
            Some(report) => {
                one = [(0, *report)];
                &one
            }
            None => &[],
        };
        self.process_buffers_with_transports(mode, buffers, events, reports)
    }

    /// [`Self::process_buffers`] with what the host reported about its
    /// transport, each report for a frame of the block (`(offset, report)`,
    /// sorted by offset; an offset past the block is its end). The processor
    /// sees a report with the audio of its frame, L later in host time in
    /// write-ahead mode, and extrapolated over the frames after it
    /// ([`Transport::advanced`]) until a report says otherwise. A host that
    /// reports the output's position ([`Self::set_position_reference`]) has
    /// each report moved forward by the latency first. Real-time safe like
    /// [`Self::process_buffers`].
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    pub fn process_buffers_with_transports(
        &mut self,
        mode: ProcessMode,
        buffers: &mut dyn AudioBuffers,
        events: &[Event],
        reports: &[(usize, Transport)],
    ) -> Result<(), ProcessError> {
        let _flush_to_zero = FlushToZero::enable();
        let reports = BlockReports {
            reports,
            reference: self.position_reference,
            latency: self.timing.map_or(0, |t| t.latency),
            sample_rate: self.timing.map_or(0.0, |t| t.setup.sample_rate),
        };
        let run_mode = match &mut self.state {
            State::Inline(inline) => {
                inline.process(buffers, events, reports);
                RunMode::Inline
            }
            State::Ahead(ahead) => {
                ahead.process(mode, buffers, events, reports);
                RunMode::of(mode)
            }
            State::Inactive(_) | State::Poisoned => return Err(ProcessError::NotActive),
        };
        self.telemetry.publish_run_mode(run_mode);
        Ok(())
    }

    /// The current telemetry (lock-free, no allocation: fine on the audio thread).
    pub fn stats(&self) -> EngineStats {
        self.telemetry.snapshot()
    }

    /// A handle to read telemetry from any thread, valid across activations.
    pub fn stats_handle(&self) -> EngineStatsHandle {
        EngineStatsHandle { telemetry: Arc::clone(&self.telemetry) }
    }
}

impl<P: Processor> Drop for Engine<P> {
    fn drop(&mut self) {
        self.deactivate();
    }
}
