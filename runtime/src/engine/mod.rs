//! The write-ahead engine: a [`Processor`] runs on a shared worker pool a
//! fixed latency L ahead of the host, format-neutral (no plugin-API types here).
//!
//! The timing contract it keeps (see DESIGN.md):
//! 1. Output at host time t is the processor's output for input time t - L,
//!    whatever the block sizes, in every mode: buffered output is unbuffered
//!    output delayed by L, bit for bit.
//! 2. The mode is read on every call. Realtime: a worker computes ahead.
//!    Offline and prefetch: computed inline, same L, same output. Mode switches
//!    lose and repeat nothing: every mode moves the same clocks.
//! 3. Output no worker has produced while none is inside the processor
//!    (asleep, descheduled, or the host calls faster than real time) is
//!    computed inline by the calling thread, without blocking.
//! 4. Only a worker stuck inside the processor longer than the headroom makes a
//!    frame come due unproduced: it is silence, counted; the next are on time.
//! 5. Events reach the processor at the same sample, relative to its audio, as
//!    unbuffered: a note-on at input frame k sounds at output frame k + L.
//! 6. The audio thread does not allocate, lock or block. In real time it never
//!    waits for a worker stuck in the processor (a worker finishing a chunk
//!    gets a quarter block at most), and a restart is handed to the pipeline.
//! 7. Bypass keeps the latency: bypassed output is the input delayed by L.
//!
//! And point 10: the host's transport reaches the processor with the audio it
//! belongs to. The [`Transport`] a block sees is what the host reported for
//! that block's input frames, L earlier, in every mode (see `transport.rs`;
//! `host_convention.rs` for hosts that report the output's position).
//!
//! The map: [`Engine`] (`facade.rs`) runs the lifecycle; `inline.rs` is the
//! unbuffered path; `ahead/` the write-ahead path (the audio side, the
//! pipeline a worker runs, the job they share, the pace meter); `pool/` the
//! worker threads; `runner.rs` runs the processor over a block (events,
//! bypass, panics); `transport.rs` the host's transport and how it is carried
//! between reports; `timing.rs` owns the frame arithmetic, `telemetry.rs` the
//! counters.

mod ahead;
mod buffers;
mod config;
mod denormals;
mod event;
mod facade;
mod host_convention;
mod inline;
mod mode;
mod pool;
mod processor;
mod runner;
mod stall;
mod telemetry;
mod timing;
mod transport;

pub use buffers::{AudioBuffers, ChannelsMut, SliceBuffers};
pub use config::{EngineConfig, EngineError, ProcessError};
pub use denormals::FlushToZero;
pub use event::{Event, EventKind};
pub use facade::Engine;
pub use host_convention::PositionReference;
pub use mode::{ProcessMode, RunMode};
pub use pool::{
    WORKERS_ENV, spare_starts as pool_spare_starts, thread_count as pool_thread_count,
    worker_count as pool_worker_count,
};
pub use processor::{AudioBlock, ProcessSetup, Processor, Tail};
pub use stall::{STALL_ENV, StallPlace, StallPlan};
pub use telemetry::{EngineStats, EngineStatsHandle};
pub use transport::{AGREEMENT_BEATS, TimeSignature, Transport};
