//! How the host is running the processor right now, read on every call.

/// The host's processing mode for one call. Hosts may change it between any two
/// calls (Cubase switches realtime/prefetch without any other notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessMode {
    /// Paced by an audio device: the worker computes ahead.
    Realtime,
    /// Rendering ahead of playback, faster than real time: computed inline.
    Prefetch,
    /// Offline bounce: computed inline.
    Offline,
}

impl ProcessMode {
    /// Whether the worker computes this call's audio ahead of time.
    pub fn uses_worker(self) -> bool {
        self == Self::Realtime
    }
}

/// How the engine ran its last block, as the write-ahead panel shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Buffering, real time: the worker computes ahead.
    Ahead,
    /// Buffering off: the processor runs on the calling thread, no latency.
    Inline,
    /// Buffering, offline bounce: computed on the calling thread, same latency.
    Offline,
    /// Buffering, prefetch: computed on the calling thread, same latency.
    Prefetch,
}

impl RunMode {
    /// A buffered engine's path for a call in `mode`.
    pub(crate) fn of(mode: ProcessMode) -> Self {
        match mode {
            ProcessMode::Realtime => RunMode::Ahead,
            ProcessMode::Offline => RunMode::Offline,
            ProcessMode::Prefetch => RunMode::Prefetch,
        }
    }

    /// The code telemetry stores (0 stands for "no block yet").
    pub(crate) fn code(self) -> u8 {
        match self {
            RunMode::Ahead => 1,
            RunMode::Inline => 2,
            RunMode::Offline => 3,
            RunMode::Prefetch => 4,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(RunMode::Ahead),
            2 => Some(RunMode::Inline),
            3 => Some(RunMode::Offline),
            4 => Some(RunMode::Prefetch),
            _ => None,
        }
    }
}
