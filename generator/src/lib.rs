//! The generator: `plugins.toml` to a validated model (this crate's library,
//! so tests can drive it), and the `generator` binary on top.

pub mod class_id;
pub mod config;
pub mod diagnostic;
