//! Write-ahead runtime for config-generated VST3 plugins.
//!
//! - [`dsp`]: built-in DSP kinds: gain, filter, delay, tremolo, synth.
//! - [`engine`]: the write-ahead engine: worker thread, modes, events, aging, telemetry.
//! - [`limits`]: channel, latency and parameter limits, shared with the generator.
//! - [`ring`]: lock-free SPSC planar sample ring whose positions are sample clocks.
//! - [`simd`]: sample kernels with runtime SIMD dispatch and scalar references.
//! - [`vst3`]: the VST3 glue: factory, plugin object and the export macro.
//! - [`writeahead`]: the write-ahead buffer: exact latency, sample aging, stats.

#![cfg_attr(rtsan, feature(sanitize))]

mod cache_padded;
pub mod dsp;
pub mod engine;
mod exclusive;
pub mod limits;
pub mod ring;
pub mod simd;
pub mod vst3;
pub mod writeahead;
