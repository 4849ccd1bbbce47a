//! The tail a plugin reports to hosts: how long its output goes on after its
//! input ends, in frames. One conversion for every format (VST3's
//! `getTailSamples`, CLAP's `clap.tail`), so both say the same thing.
//!
//! The value itself is the engine's ([`crate::engine::Engine::tail`], also
//! read through an [`crate::engine::EngineStatsHandle`]): the processor's own
//! tail, as it reported it after `prepare`, after the parameters set before
//! activation and after every block it ran, plus the latency L (a buffered
//! plugin's last input frame comes out L later).

use crate::engine::Tail;

/// The largest finite tail reported, in frames: below CLAP's `INT32_MAX`,
/// which means infinite there (about 12 hours at 48 kHz).
pub(crate) const MAX_FRAMES: u32 = i32::MAX as u32 - 1;

/// The frames to report for `tail`, at most [`MAX_FRAMES`]; `None` for an
/// infinite tail, which each format spells its own way (`kInfiniteTail`,
/// `u32::MAX`).
pub(crate) fn reported_frames(tail: Tail) -> Option<u32> {
    tail.frames().map(|frames| u32::try_from(frames).unwrap_or(u32::MAX).min(MAX_FRAMES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_tails_are_frames_below_what_clap_reads_as_infinite() {
        assert_eq!(reported_frames(Tail::None), Some(0));
        assert_eq!(reported_frames(Tail::Frames(238_800)), Some(238_800));
        assert_eq!(reported_frames(Tail::Frames(usize::MAX)), Some(MAX_FRAMES));
        assert!(MAX_FRAMES < i32::MAX as u32);
        assert_eq!(reported_frames(Tail::Infinite), None);
    }
}
