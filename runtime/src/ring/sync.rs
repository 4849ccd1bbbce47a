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

/// Keeps a value on its own cache line (128 bytes: two 64-byte lines, because
/// x86's adjacent-line prefetcher pulls lines in pairs), so the producer's and the
/// consumer's position never share a line and never invalidate each other's cache.
#[repr(align(128))]
pub(crate) struct CachePadded<T>(pub(crate) T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
