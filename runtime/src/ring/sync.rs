//! The synchronisation primitives of the ring, swapped for loom's under `--cfg loom`
//! so the model checker explores every interleaving of the real protocol.

#[cfg(loom)]
pub(crate) use loom::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
#[cfg(not(loom))]
pub(crate) use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

pub(crate) use crate::cache_padded::CachePadded;
