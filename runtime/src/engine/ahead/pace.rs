//! Tells a device-paced host from one calling faster than real time.

use std::time::{Duration, Instant};

/// Audio delivered minus wall time elapsed, never below zero, in nanoseconds.
/// A device can run ahead of the wall clock by its buffer at most; anything
/// beyond `limit` is a host rendering as fast as it can.
pub(crate) struct PaceMeter {
    backlog_nanos: u64,
    last_call: Option<Instant>,
    limit_nanos: u64,
    nanos_per_frame: f64,
}

impl PaceMeter {
    pub(crate) fn new(limit: Duration, sample_rate: f64) -> Self {
        Self {
            backlog_nanos: 0,
            last_call: None,
            limit_nanos: limit.as_nanos() as u64,
            nanos_per_frame: 1e9 / sample_rate,
        }
    }

    /// Records a call delivering `frames` frames; whether the host is now
    /// ahead of real time.
    pub(crate) fn is_ahead_of_real_time(&mut self, frames: usize) -> bool {
        let now = Instant::now();
        let elapsed = self.last_call.map_or(0, |last| now.saturating_duration_since(last).as_nanos() as u64);
        self.last_call = Some(now);
        let delivered = (frames as f64 * self.nanos_per_frame) as u64;
        self.backlog_nanos = self.backlog_nanos.saturating_sub(elapsed) + delivered;
        self.backlog_nanos > self.limit_nanos
    }
}
