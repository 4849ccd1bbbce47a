//! The limits of a plugin, in one place: the runtime enforces them, and the
//! generator imports them to validate `plugins.toml`, so a config that
//! validates always builds a plugin that runs.

/// Audio channels of one bus (1 to 8: mono up to 7.1).
pub const MAX_CHANNELS: usize = 8;

/// The write-ahead latency a plugin gets unless it says otherwise.
pub const DEFAULT_LATENCY_MS: f64 = 50.0;
/// The shortest write-ahead latency: below a millisecond the worker cannot get
/// ahead of any host block, so buffering would only cost.
pub const MIN_LATENCY_MS: f64 = 1.0;
/// The longest write-ahead latency.
pub const MAX_LATENCY_MS: f64 = 1000.0;

/// Parameters one plugin may declare (its own; bypass and the meters come on
/// top). Every parameter is sent to the processor again after a reset, through
/// an event queue sized for this.
pub const MAX_PARAMS: usize = 512;
