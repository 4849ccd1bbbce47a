//! The generator: `plugins.toml` to a validated model, one rendered crate per
//! plugin, the files written into `plugins/`, built and bundled. This crate's
//! library, so tests can drive every step; the `generator` binary on top.

pub mod bundles;
pub mod cargo_build;
pub mod class_id;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod editor;
pub mod formats;
pub mod header;
pub mod install;
pub mod ir;
pub mod latency;
pub mod layouts;
pub mod limits;
pub mod names;
pub mod output;
pub mod presets;
pub mod render;
pub mod rustfmt;
pub mod source;
pub mod sync;
mod table;
pub mod templates;
pub mod text;
mod value_names;
