//! The tail a plugin reports to hosts: how long its output goes on after its
//! input ends, in frames. One value for every format (VST3's
//! `getTailSamples`, CLAP's `clap.tail`), so both say the same thing.

/// The tail every format layer reports. 0 for now: neither layer reads
/// [`crate::engine::Processor::tail`] yet, and hosts keep processing a
/// buffered plugin anyway (VST3 hosts while transport runs, CLAP hosts since
/// `process` answers "continue"). Wiring the processor's tail and the
/// write-ahead latency in here changes both formats at once.
pub(crate) fn reported_frames() -> u32 {
    0
}
