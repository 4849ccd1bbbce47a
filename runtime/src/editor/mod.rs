//! Editors: a plugin's window, whatever the format.
//!
//! The format glue (`vst3/view.rs`, `clap/gui.rs`) knows only what this
//! module declares without any GUI toolkit:
//!
//! - [`Editor`]: what a plugin's description points to (its size, and how to
//!   open a window inside a host's);
//! - [`EditorWindow`]: an open window, closed when dropped;
//! - [`EditorHost`]: what the glue lends a window to reach the host on its
//!   main thread (resize requests, main-thread callbacks);
//! - [`EditorContext`]: the `Send + Sync` object an editor calls from its own
//!   thread: parameter values and edits (`begin`/`set`/`end`, queued for the
//!   glue), telemetry, presets.
//!
//! With the `editor` feature, [`EguiEditor`] implements [`Editor`] with egui
//! drawn through OpenGL in a baseview window: the generic editor made from
//! the parameter description (`generic.rs`, `widgets.rs`), the write-ahead
//! panel (`panel.rs`) and custom editors (a function the plugin author
//! writes). Each window has its own thread (baseview's); the editor never
//! touches what the audio thread holds: it reads atomics and pushes edits into
//! a queue the glue drains.

mod context;
mod edits;
#[cfg(feature = "editor")]
mod egui_editor;
mod slot;

use std::fmt;
use std::sync::Arc;

pub use context::{EditorContext, Param, Preset};
pub(crate) use edits::EditReceiver;
pub use edits::{Edit, GestureReport};
/// egui, as custom editors draw with it (the version the runtime is built with).
#[cfg(feature = "editor")]
pub use egui;
#[cfg(feature = "editor")]
pub use egui_editor::{
    CustomDraw, EditorView, EguiEditor, HISTORY_SECONDS, History, Sample, choice, draw_generic, knob, param_control,
    switch, write_ahead_panel,
};
pub(crate) use slot::WindowSlot;

/// A size in logical pixels (at scale 1) or physical pixels, as named where
/// it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// This logical size in physical pixels at `scale`.
    pub fn scaled(self, scale: f64) -> Size {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        Size::new((f64::from(self.width) * scale).round() as u32, (f64::from(self.height) * scale).round() as u32)
    }
}

/// The host's window an editor opens inside: an X11 window id (VST3
/// `kPlatformTypeX11EmbedWindowID`, CLAP `CLAP_WINDOW_API_X11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentWindow(pub u32);

/// Why an editor did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorError {
    /// The build has no windowing (the runtime's `editor` feature is off).
    Unsupported,
    /// The display could not be reached or the window not made (the reason).
    Window(String),
}

impl fmt::Display for EditorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditorError::Unsupported => f.write_str("this build has no editor support"),
            EditorError::Window(reason) => write!(f, "the editor window could not be opened: {reason}"),
        }
    }
}

/// What a plugin's description points to (`PluginInfo::editor`): the window
/// an editor opens, described without any format's types.
pub trait Editor: Sync + fmt::Debug {
    /// The size the editor opens at, in logical pixels.
    fn size(&self) -> Size;

    /// The smallest size it can be resized to, in logical pixels.
    fn min_size(&self) -> Size;

    /// Whether the user may resize it.
    fn resizable(&self) -> bool {
        true
    }

    /// Opens the editor as a child of `parent`, at `scale` (physical pixels
    /// per logical pixel) if the host named one, or the display's scale. Called
    /// on the host's main (UI) thread; the window runs on a thread of its own.
    fn open(
        &self,
        parent: ParentWindow,
        context: Arc<EditorContext>,
        host: Arc<dyn EditorHost>,
        scale: Option<f64>,
    ) -> Result<Box<dyn EditorWindow>, EditorError>;

    /// The display's own scale (the `Xft.dpi` setting), if it has one: what
    /// an editor opens at when the host names no scale.
    fn display_scale(&self) -> Option<f64> {
        None
    }
}

/// An open editor window. Dropping it closes the window and joins its
/// thread. Every method is called on the host's main thread, and may be
/// called again from inside another (a host resizing its window from inside
/// a resize request calls back), so none takes `&mut self`.
pub trait EditorWindow {
    /// Its size in physical pixels.
    fn size(&self) -> Size;

    /// Resizes it to `size` physical pixels (the host resized its window);
    /// false if it cannot be that size.
    fn set_size(&self, size: Size) -> bool;

    /// Changes its scale (physical pixels per logical pixel); the window
    /// grows or shrinks with it and asks the host to follow.
    fn set_scale(&self, scale: f64) -> bool;

    fn show(&self) -> bool;

    fn hide(&self) -> bool;

    /// Runs what the window's thread asked to run on the main thread (see
    /// [`EditorHost::call_main_thread`]).
    fn main_thread_callback(&self);
}

/// What the format glue lends an open window: ways to reach the host.
pub trait EditorHost: Send + Sync {
    /// From any thread: arrange for [`EditorWindow::main_thread_callback`] to
    /// run soon on the host's main thread (VST3: the host's run loop; CLAP:
    /// `request_callback`).
    fn call_main_thread(&self);

    /// On the main thread: ask the host to resize its window to `size`
    /// physical pixels, because the editor changed size (a scale change, or
    /// the editor asked); false if the host refused.
    fn request_resize(&self, size: Size) -> bool;
}
