//! Tells a device-paced host from one calling faster than real time.

use std::time::{Duration, Instant};

/// Audio delivered minus wall time elapsed, never below zero. A device can run
/// ahead of the wall clock by its buffer at most; anything beyond `limit` is a
/// host rendering as fast as it can.
pub(crate) struct PaceMeter {
    backlog: Duration,
    last_call: Option<Instant>,
    limit: Duration,
}

impl PaceMeter {
    pub(crate) fn new(limit: Duration) -> Self {
        Self { backlog: Duration::ZERO, last_call: None, limit }
    }

    /// Records a call delivering `frames` frames; whether the host is now
    /// ahead of real time.
    pub(crate) fn is_ahead_of_real_time(&mut self, frames: usize, sample_rate: f64) -> bool {
        let now = Instant::now();
        let elapsed = self.last_call.map_or(Duration::ZERO, |last| now - last);
        self.last_call = Some(now);
        self.backlog = self.backlog.saturating_sub(elapsed) + Duration::from_secs_f64(frames as f64 / sample_rate);
        self.backlog > self.limit
    }
}
