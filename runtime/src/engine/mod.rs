//! The write-ahead engine: a [`Processor`] runs on a worker thread a fixed
//! latency L ahead of the host, format-neutral (no plugin-API types here).
//!
//! The timing contract it keeps (see DESIGN.md):
//! 1. Output at host time t is the processor's output for input time t - L,
//!    whatever the block sizes, in every mode: buffered output is unbuffered
//!    output delayed by L, bit for bit.
//! 2. The mode is read on every call. Realtime: the worker computes ahead.
//!    Offline and prefetch: computed inline, same L, same output. Mode switches
//!    lose and repeat nothing: every mode moves the same clocks.
//! 3. Output the worker has not produced while it is not inside the processor
//!    (asleep, descheduled, or the host calls faster than real time) is computed
//!    inline by the calling thread, without blocking.
//! 4. Only a worker stuck inside the processor longer than the headroom makes a
//!    frame come due unproduced: it is silence, counted; the next are on time.
//! 5. Events reach the processor at the same sample, relative to its audio, as
//!    unbuffered: a note-on at input frame k sounds at output frame k + L.
//! 6. The audio thread does not allocate, lock or block.
//! 7. Bypass keeps the latency: bypassed output is the input delayed by L.

mod buffered;
mod denormals;
mod dsp;
mod event;
pub(crate) mod exclusive;
mod mode;
mod pipeline;
pub(crate) mod processor;
mod stall;
mod stats;
mod worker;

pub use buffered::{BufferedProcessor, EngineConfig, EngineError, ProcessError};
pub use denormals::FlushToZero;
pub use event::{Event, EventKind};
pub use mode::ProcessMode;
pub use processor::{AudioBlock, MAX_CHANNELS, ProcessSetup, Processor, Tail};
pub use stall::{STALL_ENV, StallPlace, StallPlan};
pub use stats::{EngineStats, EngineStatsHandle};
