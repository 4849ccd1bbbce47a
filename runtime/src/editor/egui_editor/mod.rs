//! [`EguiEditor`]: the [`Editor`] drawn with egui, through OpenGL, in a
//! baseview window (egui-baseview): the generic editor, or a custom one.
//!
//! - `window.rs`: opening the window inside the host's, its thread, scale and
//!   size, panics kept inside;
//! - `watcher.rs`: when to redraw, and the telemetry history;
//! - `threads.rs`: waiting for the threads a window started to end;
//! - `generic.rs`: the generic editor's layout; `widgets.rs` its controls;
//!   `panel.rs` the write-ahead panel; `file_row.rs` the row of a plugin
//!   that plays from a file;
//! - `x11.rs`: the XEmbed property and the display's scale.

mod file_row;
mod generic;
mod panel;
#[cfg(test)]
mod tests;
mod threads;
mod watcher;
mod widgets;
mod window;
mod x11;

use std::sync::Arc;

pub use generic::draw_generic;
pub use panel::write_ahead_panel;
pub use watcher::{HISTORY_SECONDS, History, Sample};
pub use widgets::{choice, knob, param_control, switch};

use super::{Editor, EditorContext, EditorError, EditorHost, EditorWindow, ParentWindow, Size};

/// A custom editor: draws the whole window, every frame egui asks for one,
/// from the parameters and telemetry in `view`.
pub type CustomDraw = fn(&mut egui::Ui, &EditorView<'_>);

/// What a drawing function reads: the plugin (parameters, edits, telemetry)
/// and the panel's history.
pub struct EditorView<'a> {
    pub context: &'a EditorContext,
    pub history: &'a History,
}

/// An editor drawn with egui: the generic one, made from the parameter
/// description, or a custom one.
#[derive(Debug)]
pub struct EguiEditor {
    size: Size,
    min_size: Size,
    custom: Option<CustomDraw>,
}

impl EguiEditor {
    /// The smallest size any editor shrinks to.
    pub const MIN_SIZE: Size = Size::new(crate::limits::EDITOR_MIN_SIZE.0, crate::limits::EDITOR_MIN_SIZE.1);

    /// The generic editor at `width` x `height` logical pixels.
    pub const fn generic(width: u32, height: u32) -> Self {
        Self { size: Size::new(width, height), min_size: Self::MIN_SIZE, custom: None }
    }

    /// A custom editor, `draw`n at `width` x `height` logical pixels.
    pub const fn custom(width: u32, height: u32, draw: CustomDraw) -> Self {
        Self { size: Size::new(width, height), min_size: Self::MIN_SIZE, custom: Some(draw) }
    }

    /// The generic editor's size for a plugin: room for its controls in
    /// rows of four, and the write-ahead panel when it buffers.
    pub const fn generic_size(params: usize, buffered: bool) -> Size {
        generic::natural_size(params, buffered)
    }

    /// [`Self::generic_size`] with the row of a plugin that plays from a
    /// file (a convolver's impulse response) on top.
    pub const fn generic_size_with_file(params: usize, buffered: bool) -> Size {
        let size = generic::natural_size(params, buffered);
        Size::new(size.width, size.height + file_row::HEIGHT as u32)
    }
}

impl Editor for EguiEditor {
    fn size(&self) -> Size {
        self.size
    }

    fn min_size(&self) -> Size {
        self.min_size
    }

    fn open(
        &self,
        parent: ParentWindow,
        context: Arc<EditorContext>,
        host: Arc<dyn EditorHost>,
        scale: Option<f64>,
    ) -> Result<Box<dyn EditorWindow>, EditorError> {
        let window = window::open(window::Request { editor: self, parent, context, host, scale })?;
        Ok(Box::new(window))
    }

    fn display_scale(&self) -> Option<f64> {
        x11::Display::open().ok()?.scale()
    }
}
