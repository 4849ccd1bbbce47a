//! Convolution with a long impulse response (a hall, a plate, a cabinet),
//! the DSP kind that turns latency into CPU (contract point 15).
//!
//! The map:
//! - [`Convolver`] (`processor.rs`): the [`crate::engine::Processor`], its mix
//!   and output gain, the dry delay, the crossfading switch;
//! - [`Convolution`] (`convolution.rs`): one response convolved with every
//!   channel: the direct head (zero latency), the stages of partitions
//!   (`stage.rs`, each a frequency-domain delay line), one output
//!   accumulator (`buffers.rs`); the SIMD inner loops in `kernels.rs`;
//! - [`plan`]: how the response is cut into partitions, from the latency
//!   budget;
//! - [`routing`]: mono, stereo and true-stereo responses on any channel count;
//! - [`ImpulseResponse`] (`ir.rs`): a response as decoded, WAVE reading
//!   (`wav.rs`), resampling to the session's rate ([`resample`]);
//! - [`IrLoader`] (`loader.rs`): loading another response while playing;
//! - [`IrSlot`] (`slot.rs`): the response as a plugin's state and editor
//!   change it (a [`crate::plugin::FileSlot`]);
//! - [`reverb`]: the generated response of WA Reverb.
//!
//! Buffered, the convolution's first partition is as large as the latency
//! budget the engine offers allows, and the later ones larger still: a
//! non-uniform scheme whose large transforms come in bursts that the worker
//! absorbs within its headroom. Inline, a direct head of [`plan::HEAD`] taps
//! gives zero latency, followed by partitions from that size up. Both compute
//! the same convolution; the buffered output is the inline one delayed by the
//! engine's latency, within float rounding. `docs/book/src/convolver.md` has the
//! figures.

mod buffers;
mod convolution;
mod ir;
mod kernels;
mod loader;
pub mod plan;
mod processor;
pub mod resample;
pub mod reverb;
pub mod routing;
mod slot;
mod stage;
mod wav;

pub use buffers::Planar;
pub use convolution::Convolution;
pub use ir::{ImpulseResponse, IrError, MAX_SECONDS};
pub use loader::{IrLoader, Layout, LoadStatus};
pub use plan::{Plan, Scheme};
pub use processor::{CROSSFADE_MS, Convolver, GAIN_DB, MIX, PARAMS, SMOOTH_MS};
pub use routing::Routing;
pub use slot::IrSlot;
pub use wav::encode_f32 as encode_wav_f32;
