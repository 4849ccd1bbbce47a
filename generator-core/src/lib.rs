//! The generator: `plugins.toml` to a validated model, one rendered crate per
//! plugin, the files written into `plugins/`, built and bundled. A library,
//! so tests can drive every step, and so that the `generator` binary of this
//! repository and of every project `new` makes is the one line
//! `generator_core::app::main()`.

pub mod app;
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
pub mod new_project;
pub mod output;
pub mod presets;
mod process;
pub mod render;
pub mod rustfmt;
pub mod source;
pub mod sync;
mod table;
pub mod templates;
pub mod text;
mod value_names;
pub mod wording;
