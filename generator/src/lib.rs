//! The generator's modules under the name the tests use (`generator::config`,
//! `generator::render`, …): they live in `generator-core`.

pub use generator_core::*;
