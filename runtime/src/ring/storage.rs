//! Planar sample slots shared by one producer and one consumer.
//!
//! Channel `ch`, slot `i` lives at `ch * capacity + i` in one allocation. The
//! storage itself enforces nothing: the ring protocol in [`super`] guarantees that
//! a slot is written only by the producer and read only by the consumer, never both
//! at once, and the atomics in the protocol order every access.

/// Slots for `channels` channels of `capacity` samples each, all initially 0.0.
pub(crate) struct PlanarStorage {
    #[cfg(not(loom))]
    cells: Box<[std::cell::UnsafeCell<f32>]>,
    #[cfg(loom)]
    cells: Box<[loom::cell::UnsafeCell<f32>]>,
    capacity: usize,
}

// SAFETY: the storage is shared by exactly one producer and one consumer. The ring
// protocol gives each side exclusive use of disjoint slot ranges, handed over with
// Release/Acquire on the positions, so no slot is ever accessed by both at once.
unsafe impl Sync for PlanarStorage {}
// SAFETY: f32 slots carry no thread affinity; moving the storage is moving floats.
unsafe impl Send for PlanarStorage {}

impl PlanarStorage {
    pub(crate) fn new(channels: usize, capacity: usize) -> Self {
        let cells = (0..channels * capacity).map(|_| Cell::new(0.0)).collect();
        Self { cells, capacity }
    }

    /// Copies `src` into channel `channel`, slots `start..start + src.len()`.
    ///
    /// # Safety
    /// The caller is the producer, owns those slots under the ring protocol (the
    /// consumer cannot be reading them), and `start + src.len() <= capacity`.
    #[cfg(not(loom))]
    pub(crate) unsafe fn write(&self, channel: usize, start: usize, src: &[f32]) {
        debug_assert!(start + src.len() <= self.capacity);
        let first = &self.cells[channel * self.capacity + start..][..src.len()];
        // SAFETY: `first` is a live, in-bounds range of `UnsafeCell<f32>`, which has the
        // layout of `f32`; the caller guarantees no other access to these slots now,
        // so a unique `&mut [f32]` over them is sound for the copy.
        let dst =
            unsafe { std::slice::from_raw_parts_mut(std::cell::UnsafeCell::raw_get(first.as_ptr()), first.len()) };
        crate::simd::copy(dst, src);
    }

    /// Copies channel `channel`, slots `start..start + dst.len()`, into `dst`.
    ///
    /// # Safety
    /// The caller is the consumer, the producer has published those slots and
    /// cannot be writing them, and `start + dst.len() <= capacity`.
    #[cfg(not(loom))]
    pub(crate) unsafe fn read(&self, channel: usize, start: usize, dst: &mut [f32]) {
        debug_assert!(start + dst.len() <= self.capacity);
        let first = &self.cells[channel * self.capacity + start..][..dst.len()];
        // SAFETY: in-bounds range of `UnsafeCell<f32>` (layout of `f32`); the caller
        // guarantees the producer is not writing these slots, so shared reads are sound.
        let src = unsafe {
            std::slice::from_raw_parts(std::cell::UnsafeCell::raw_get(first.as_ptr()).cast_const(), first.len())
        };
        crate::simd::copy(dst, src);
    }

    /// Channel `channel`, slots `start..start + len`, to write in place.
    ///
    /// # Safety
    /// As for [`Self::write`], for as long as the returned slice lives: the
    /// caller is the producer and owns those slots, and no other slice over them
    /// exists.
    #[cfg(not(loom))]
    #[allow(clippy::mut_from_ref)] // exclusivity comes from the ring protocol, as for `write`
    pub(crate) unsafe fn slots_mut(&self, channel: usize, start: usize, len: usize) -> &mut [f32] {
        debug_assert!(start + len <= self.capacity);
        let cells = &self.cells[channel * self.capacity + start..][..len];
        // SAFETY: in-bounds range of `UnsafeCell<f32>` (layout of `f32`); the caller
        // guarantees that nothing else reads or writes these slots meanwhile.
        unsafe { std::slice::from_raw_parts_mut(std::cell::UnsafeCell::raw_get(cells.as_ptr()), len) }
    }

    /// Channel `channel`, slots `start..start + len`, to read in place.
    ///
    /// # Safety
    /// As for [`Self::read`], for as long as the returned slice lives: the
    /// producer has published those slots and does not write them meanwhile.
    #[cfg(not(loom))]
    pub(crate) unsafe fn slots(&self, channel: usize, start: usize, len: usize) -> &[f32] {
        debug_assert!(start + len <= self.capacity);
        let cells = &self.cells[channel * self.capacity + start..][..len];
        // SAFETY: in-bounds range of `UnsafeCell<f32>` (layout of `f32`); the caller
        // guarantees that nothing writes these slots meanwhile.
        unsafe { std::slice::from_raw_parts(std::cell::UnsafeCell::raw_get(cells.as_ptr()).cast_const(), len) }
    }

    /// Loom build: the same contract, one tracked access per slot so the model
    /// checker sees every slot the producer and consumer touch.
    ///
    /// # Safety
    /// As for the non-loom `write`.
    #[cfg(loom)]
    pub(crate) unsafe fn write(&self, channel: usize, start: usize, src: &[f32]) {
        let cells = &self.cells[channel * self.capacity + start..][..src.len()];
        for (cell, value) in cells.iter().zip(src) {
            // SAFETY: exclusive per the caller's contract; loom checks that claim.
            cell.with_mut(|slot| unsafe { *slot = *value });
        }
    }

    /// # Safety
    /// As for the non-loom `read`.
    #[cfg(loom)]
    pub(crate) unsafe fn read(&self, channel: usize, start: usize, dst: &mut [f32]) {
        let cells = &self.cells[channel * self.capacity + start..][..dst.len()];
        for (cell, value) in cells.iter().zip(dst) {
            // SAFETY: published and not being written per the caller's contract; loom checks it.
            *value = cell.with(|slot| unsafe { *slot });
        }
    }
}

#[cfg(not(loom))]
type Cell = std::cell::UnsafeCell<f32>;
#[cfg(loom)]
type Cell = loom::cell::UnsafeCell<f32>;
