//! Where a plugin instance keeps its open editor window: one slot, reached
//! from the host's GUI calls.

use std::sync::{Arc, Mutex, PoisonError};

use super::EditorWindow;

/// The open window, if any. Calls take a clone of it and release the slot
/// first, so a call made from inside another (a host answering a resize
/// request by resizing the view) finds it free.
#[derive(Default)]
pub(crate) struct WindowSlot {
    window: Mutex<Option<Arc<dyn EditorWindow>>>,
}

// SAFETY: the window is only reached through the format's GUI calls, which
// hosts make on their main (UI) thread (VST3's IPlugView contract, CLAP's
// [main-thread] gui functions), so it never moves between threads in
// practice. The X11 window handle is not tied to a thread anyway: baseview
// runs the window on its own thread and the handle only sends it requests
// over channels; its !Send marker is for other platforms.
unsafe impl Send for WindowSlot {}
// SAFETY: as for Send: every access goes through the mutex.
unsafe impl Sync for WindowSlot {}

impl WindowSlot {
    /// The open window, to call without holding the slot.
    pub(crate) fn get(&self) -> Option<Arc<dyn EditorWindow>> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn is_open(&self) -> bool {
        self.window.lock().unwrap_or_else(PoisonError::into_inner).is_some()
    }

    /// Keeps `window` as the open one.
    pub(crate) fn put(&self, window: Box<dyn EditorWindow>) {
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::from(window));
    }

    /// Closes the open window (once no call still holds it).
    pub(crate) fn close(&self) {
        let window = self.window.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(window);
    }
}
