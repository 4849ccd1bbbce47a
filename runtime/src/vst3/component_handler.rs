//! The host's `IComponentHandler`, as `setComponentHandler` gives it: the
//! latency notice restarts the component through it, and the editor sends
//! its edits through it.

use std::sync::{Mutex, PoisonError};

use vst3::Steinberg::Vst::IComponentHandler;
use vst3::{ComPtr, ComRef};

#[derive(Default)]
pub(crate) struct ComponentHandler {
    handler: Mutex<Option<ComPtr<IComponentHandler>>>,
}

impl ComponentHandler {
    /// Keeps the host's handler (or drops it, for null).
    pub(crate) fn set(&self, handler: *mut IComponentHandler) {
        // SAFETY: the host passes a live handler or null, checked by from_raw.
        let handler = unsafe { ComRef::from_raw(handler) }.map(|h| h.to_com_ptr());
        *self.handler.lock().unwrap_or_else(PoisonError::into_inner) = handler;
    }

    /// The handler, if the host gave one (a reference of our own to call it
    /// through without holding the lock).
    pub(crate) fn get(&self) -> Option<ComPtr<IComponentHandler>> {
        self.handler.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
