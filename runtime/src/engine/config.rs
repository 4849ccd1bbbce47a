//! How an [`super::Engine`] is configured, and what goes wrong when it is
//! set up, activated or called.

use std::time::Duration;

use super::stall::StallPlan;
use crate::limits;
use crate::ring::{RingError, ShapeError};
use crate::writeahead::ConfigError;

/// How an engine runs its processor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineConfig {
    /// Run the processor ahead on the worker pool (true), or inline with only
    /// its own latency (false: the fallback mode).
    pub buffering: bool,
    /// The write-ahead latency in milliseconds (with `latency_ceiling_ms`, the
    /// latency to start from).
    pub latency_ms: f64,
    /// Adaptive latency: when the stalls measured come close to the headroom,
    /// the engine asks for a larger latency, up to this many milliseconds (see
    /// [`super::EngineStats::wanted_latency_ms`]), and takes it at its next
    /// activation. It never lowers it. `None`: the latency stays `latency_ms`.
    pub latency_ceiling_ms: Option<f64>,
    /// How often a worker looks for new input of this engine. `None` picks L/10
    /// within 0.5 to 5 ms: every wake costs CPU (tens of microseconds on a
    /// virtual machine), and the tick is taken from the headroom, which is
    /// about L - block - tick.
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
            latency_ms: limits::DEFAULT_LATENCY_MS,
            latency_ceiling_ms: None,
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
    /// A worker thread could not be started.
    Spawn(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSetUp => write!(f, "activate called before setup"),
            Self::Active => write!(f, "setup called while active"),
            Self::Poisoned => write!(f, "the engine lost its processor in an earlier failure"),
            Self::Channels(n) => write!(f, "{n} channels is outside 1..={}", limits::MAX_CHANNELS),
            Self::Config(err) => err.fmt(f),
            Self::Ring(err) => err.fmt(f),
            Self::Spawn(err) => write!(f, "could not start a worker thread: {err}"),
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
