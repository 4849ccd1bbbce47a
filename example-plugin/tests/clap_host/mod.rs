//! The Rust CLAP test host: the `plugin-host` crate's CLAP side (the host
//! code the generator's `process` command runs too).
#![allow(unused_imports)]

pub use plugin_host::clap::*;
