//! Write-ahead runtime for config-generated plugins.
//!
//! - [`prelude`]: what a DSP author needs, in one `use`.
//! - [`plugin`]: what a plugin is, whatever the format: description,
//!   parameters, saved state.
//! - [`dsp`]: built-in DSP kinds: gain, filter, delay, tremolo, synth.
//! - [`editor`]: editors, format-neutral: the context an editor calls, and
//!   (feature `editor`) the generic editor, custom editors and the
//!   write-ahead panel, drawn with egui.
//! - [`engine`]: the write-ahead engine: worker pool, modes, events, aging, telemetry.
//! - [`limits`]: channel, latency, parameter and string limits, shared with the generator.
//! - [`ring`]: lock-free SPSC planar sample ring whose positions are sample clocks.
//! - [`simd`]: sample kernels with runtime SIMD dispatch and scalar references.
//! - [`clap`]: the CLAP glue (FFI only): entry, factory, plugin object and the export macro.
//! - [`typed`]: typed parameters for DSP code, smoothed per sample.
//! - [`vst3`]: the VST3 glue (FFI only): factory, plugin object and the export macro.
//! - [`writeahead`]: the write-ahead buffer: exact latency, sample aging, stats.
//! - `bundle` (feature `bundle`, for build tools, not linked into plugins): the
//!   `.vst3` bundle on disk.

#![cfg_attr(rtsan, feature(sanitize))]

#[cfg(feature = "bundle")]
pub mod bundle;
mod cache_padded;
pub mod clap;
pub mod dsp;
pub mod editor;
pub mod engine;
mod exclusive;
mod host_channels;
pub mod limits;
pub mod plugin;
pub mod prelude;
pub mod ring;
pub mod simd;
pub mod typed;
pub mod vst3;
pub mod writeahead;
