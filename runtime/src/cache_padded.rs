//! Keeps a value on cache lines of its own.

/// Aligns a value to 128 bytes (two 64-byte lines, because x86's
/// adjacent-line prefetcher pulls lines in pairs), so values written by
/// different threads never share a line and never invalidate each other.
#[repr(align(128))]
pub(crate) struct CachePadded<T>(pub(crate) T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
