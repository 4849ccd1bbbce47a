//! What a plugin instance keeps for its editor views: the editor context
//! every window shares, and the edits the editor queued, sent to the host as
//! `beginEdit`/`performEdit`/`endEdit` on the host's UI thread (the spec's
//! thread for them), from the run loop a view registers with.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use vst3::Steinberg::Vst::IComponentHandlerTrait;

use super::component_handler::ComponentHandler;
use crate::editor::{Edit, EditReceiver, EditorContext};

pub(crate) struct EditorLink {
    pub(crate) context: Arc<EditorContext>,
    edits: Mutex<EditReceiver>,
    handler: Arc<ComponentHandler>,
    /// The plugin's "send every value to the processor again" flag: edits a
    /// host cannot hear (it gave no handler) reach the processor this way.
    resend_params: Arc<AtomicBool>,
    /// A view is attached (one at a time).
    attached: AtomicBool,
}

impl EditorLink {
    pub(crate) fn new(
        (context, edits): (Arc<EditorContext>, EditReceiver),
        handler: Arc<ComponentHandler>,
        resend_params: Arc<AtomicBool>,
    ) -> Self {
        Self { context, edits: Mutex::new(edits), handler, resend_params, attached: AtomicBool::new(false) }
    }

    /// Claims the one attachment; false if a view is attached already.
    pub(crate) fn attach(&self) -> bool {
        !self.attached.swap(true, Ordering::AcqRel)
    }

    pub(crate) fn detach(&self) {
        self.attached.store(false, Ordering::Release);
    }

    /// Sends every queued edit to the host: the UI thread's work, called from
    /// the run loop (or, with a host that has none, from the editor's thread).
    pub(crate) fn send_edits(&self) {
        let handler = self.handler.get();
        let mut edits = self.edits.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(edit) = edits.pop() {
            let Some(handler) = &handler else {
                // No host to tell: the processor hears the stored values.
                self.resend_params.store(true, Ordering::Release);
                continue;
            };
            // SAFETY: calls on the live handler the host gave us.
            unsafe {
                match edit {
                    Edit::Begin { id } => handler.beginEdit(id),
                    Edit::Set { id, normalized } => handler.performEdit(id, normalized),
                    Edit::End { id } => handler.endEdit(id),
                };
            }
        }
    }
}
