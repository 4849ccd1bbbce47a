//! The runtime's ring, compiled from its own source files with loom's atomics
//! and cells (`--cfg loom`), for the model in `tests/loom_ring.rs`.

#[path = "../../runtime/src/cache_padded.rs"]
mod cache_padded;
#[path = "../../runtime/src/ring/mod.rs"]
pub mod ring;
#[path = "../../runtime/src/simd/mod.rs"]
pub mod simd;
