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
