//! A cell that two threads take turns owning, with a try-lock that never waits.
//!
//! The audio thread and the worker share one processor. Neither may block on the
//! other, so there is no lock to wait on: `try_lock` either takes the cell at once
//! or reports that the other side has it.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) struct Exclusive<T> {
    held: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, and `held` admits one guard
// at a time (Acquire on taking, Release on giving back), so moving `&Exclusive`
// between threads hands `T` from one thread to another, which `T: Send` allows.
unsafe impl<T: Send> Sync for Exclusive<T> {}

impl<T> Exclusive<T> {
    pub(crate) fn new(value: T) -> Self {
        Self { held: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Takes the cell if nobody holds it. Never waits.
    pub(crate) fn try_lock(&self) -> Option<ExclusiveGuard<'_, T>> {
        self.held
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| ExclusiveGuard { cell: self })
    }
}

pub(crate) struct ExclusiveGuard<'a, T> {
    cell: &'a Exclusive<T>,
}

impl<T> Deref for ExclusiveGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard exists only while `held` is true and it set it, so no
        // other reference to the value exists.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T> DerefMut for ExclusiveGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.cell.value.get() }
    }
}

impl<T> Drop for ExclusiveGuard<'_, T> {
    fn drop(&mut self) {
        self.cell.held.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_guard_at_a_time() {
        let cell = Exclusive::new(1);
        let mut first = cell.try_lock().unwrap();
        assert!(cell.try_lock().is_none());
        *first += 1;
        drop(first);
        assert_eq!(*cell.try_lock().unwrap(), 2);
    }

    #[test]
    fn two_threads_never_overlap() {
        let cell = std::sync::Arc::new(Exclusive::new((0_u64, 0_u64)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let cell = std::sync::Arc::clone(&cell);
                std::thread::spawn(move || {
                    let mut taken = 0;
                    while taken < 100_000 {
                        if let Some(mut guard) = cell.try_lock() {
                            // A torn pair would show an overlap.
                            assert_eq!(guard.0, guard.1);
                            guard.0 += 1;
                            guard.1 += 1;
                            taken += 1;
                        }
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(*cell.try_lock().unwrap(), (200_000, 200_000));
    }
}
