//! Opening an [`EguiEditor`] inside a host's window, and the open window.
//!
//! baseview gives each window a thread, an X connection and a GL context of
//! its own; egui-baseview runs egui there. This file adds what a plugin
//! window needs beyond that:
//!
//! - the scale: the host's if it named one (VST3 `setContentScaleFactor`,
//!   CLAP `set_scale`), else the display's (`Xft.dpi`), else 1. baseview
//!   scales by `Xft.dpi` when it is set, so the rest is egui's zoom factor:
//!   egui draws at host scale either way, and the window's physical size is
//!   the logical size times that scale;
//! - the XEmbed property, set before the host sees the window;
//! - panics kept inside: a drawing function that panics shows its message
//!   instead of the editor, and a panic on the window's thread (which baseview
//!   re-raises where the window is dropped) never reaches the host;
//! - gestures closed: a window closed mid-drag ends the drag's gesture;
//! - the watcher thread that decides when to redraw.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use egui_baseview::baseview::dpi::PhysicalSize;
use egui_baseview::baseview::host::{Host, HostCallbacks, HostMainThreadCaller};
use egui_baseview::baseview::{self, HandlerError, WindowSize};
use egui_baseview::{EguiWindow, EguiWindowSettings};
use raw_window_handle::{HandleError, HasWindowHandle, RawWindowHandle, WindowHandle, XlibWindowHandle};

use super::threads;
use super::watcher::{History, Watcher};
use super::x11::Display;
use super::{CustomDraw, EditorView, EguiEditor};
use crate::editor::{EditorContext, EditorError, EditorHost, EditorWindow, ParentWindow, Size};

/// What opening a window needs.
pub(super) struct Request<'a> {
    pub(super) editor: &'a EguiEditor,
    pub(super) parent: ParentWindow,
    pub(super) context: Arc<EditorContext>,
    pub(super) host: Arc<dyn EditorHost>,
    pub(super) scale: Option<f64>,
}

/// What the window's handle (main thread) and its app (window thread) share.
struct Shared {
    /// egui's zoom factor the app should draw at (f64 bits): the wanted scale
    /// over the display's scale.
    zoom: AtomicU64,
    /// The window's X id, once built.
    window_id: AtomicU32,
    /// The window's egui context, once built (the watcher wakes it).
    egui: Arc<OnceLock<egui::Context>>,
    /// The name the window's thread takes, and every thread it starts.
    thread_name: String,
}

impl Shared {
    fn zoom(&self) -> f64 {
        f64::from_bits(self.zoom.load(Ordering::Relaxed))
    }
}

/// An open editor window (see [`EditorWindow`]).
pub(super) struct OpenWindow {
    /// Dropped first: it stops asking the window for frames.
    watcher: Option<Watcher>,
    window: Option<baseview::Window>,
    shared: Arc<Shared>,
    context: Arc<EditorContext>,
    /// The display's scale baseview draws at (`Xft.dpi`), or the scale the
    /// window was opened at when the display has none.
    display_scale: f64,
}

fn valid_scale(scale: f64) -> bool {
    scale.is_finite() && (0.25..=8.0).contains(&scale)
}

pub(super) fn open(request: Request<'_>) -> Result<OpenWindow, EditorError> {
    let Request { editor, parent, context, host, scale } = request;
    if parent.0 == 0 {
        return Err(EditorError::Window("no parent window".into()));
    }
    let display = Display::open().map_err(EditorError::Window)?;
    let system = display.scale();
    let scale = scale.filter(|s| valid_scale(*s)).or(system).unwrap_or(1.0);
    // Without Xft.dpi baseview takes the scale we suggest; with it, it draws
    // at Xft.dpi and egui's zoom makes up the difference.
    let display_scale = system.unwrap_or(scale);
    let zoom = scale / display_scale;
    let physical = editor.size.scaled(scale);
    let egui = Arc::new(OnceLock::new());
    let shared = Arc::new(Shared {
        zoom: AtomicU64::new(zoom.to_bits()),
        window_id: AtomicU32::new(0),
        egui: Arc::clone(&egui),
        thread_name: threads::next_name(),
    });
    let history = Arc::new(Mutex::new(History::default()));
    let app = EditorApp {
        context: Arc::clone(&context),
        custom: editor.custom,
        history: Arc::clone(&history),
        shared: Arc::clone(&shared),
        applied_zoom: zoom as f32,
        failure: None,
    };
    let settings = EguiWindowSettings::new()
        .with_title(context.info().name)
        .with_size(PhysicalSize::new(physical.width, physical.height))
        .with_parent(&ParentHandle(parent.0))
        .with_fallback_scale_factor(scale)
        .with_zoom_factor(zoom as f32)
        .with_resizable(true)
        // The watcher wakes the window when something changed; egui-baseview's
        // own repaint poll is not used, so it need not tick often.
        .with_repaint_poll_interval(Duration::from_secs(1));
    let baseview_host = Host::new().with_main_thread(MainThread(Arc::clone(&host))).with_callbacks(Callbacks(host));
    let window = catch_unwind(AssertUnwindSafe(|| EguiWindow::create_with_host(settings, app, Some(baseview_host))))
        .map_err(|panic| EditorError::Window(panic_message(&*panic)))?
        .map_err(|error| EditorError::Window(error.to_string()))?;
    let mut open = OpenWindow { watcher: None, window: Some(window), shared, context, display_scale };
    let window_id = open.shared.window_id.load(Ordering::Acquire);
    display.mark_xembed_client(window_id).map_err(EditorError::Window)?;
    let watcher = Watcher::start(Arc::clone(&open.context), egui, history)
        .map_err(|error| EditorError::Window(format!("the editor's watcher thread: {error}")))?;
    open.watcher = Some(watcher);
    Ok(open)
}

impl OpenWindow {
    fn window(&self) -> Option<&baseview::Window> {
        self.window.as_ref().filter(|window| window.is_open())
    }
}

impl EditorWindow for OpenWindow {
    fn size(&self) -> Size {
        self.window.as_ref().map_or(Size::new(0, 0), |window| {
            let size = window.size().physical;
            Size::new(size.width, size.height)
        })
    }

    fn set_size(&self, size: Size) -> bool {
        let Some(window) = self.window() else { return false };
        window.resize(PhysicalSize::new(size.width, size.height)).is_ok()
    }

    fn set_scale(&self, scale: f64) -> bool {
        if !valid_scale(scale) || self.window().is_none() {
            return false;
        }
        self.shared.zoom.store((scale / self.display_scale).to_bits(), Ordering::Relaxed);
        if let Some(egui) = self.shared.egui.get() {
            egui.request_repaint();
        }
        true
    }

    fn show(&self) -> bool {
        self.window().is_some_and(|window| window.show().is_ok())
    }

    fn hide(&self) -> bool {
        self.window().is_some_and(|window| window.hide().is_ok())
    }

    fn main_thread_callback(&self) {
        if let Some(window) = &self.window {
            window.host_main_thread_callback();
        }
    }
}

impl Drop for OpenWindow {
    fn drop(&mut self) {
        self.watcher = None;
        // baseview joins the window's thread here and re-raises a panic it
        // died of: that must not unwind into the host.
        let window = self.window.take();
        let _ = catch_unwind(AssertUnwindSafe(move || drop(window)));
        // Threads the window started and did not join may still run this
        // library's code (see `threads.rs`).
        if !threads::wait_until_gone(&self.shared.thread_name) {
            eprintln!("{}: an editor thread is still running after its window closed", self.context.info().name);
        }
        self.context.end_open_gestures();
    }
}

/// The egui app inside the window (its thread).
struct EditorApp {
    context: Arc<EditorContext>,
    custom: Option<CustomDraw>,
    history: Arc<Mutex<History>>,
    shared: Arc<Shared>,
    applied_zoom: f32,
    /// Why drawing stopped: a drawing function panicked.
    failure: Option<String>,
}

impl egui_baseview::App for EditorApp {
    fn build(&mut self, egui_ctx: egui::Context, frame: &mut egui_baseview::Frame) -> Result<(), HandlerError> {
        // Before egui-baseview starts the clipboard's thread, which inherits
        // the name (see `threads.rs`).
        threads::name_this_thread(&self.shared.thread_name);
        let window = frame.baseview_window();
        let id = match window.window_handle().map(|handle| handle.as_raw()) {
            Ok(RawWindowHandle::Xlib(handle)) => handle.window as u32,
            Ok(RawWindowHandle::Xcb(handle)) => handle.window.get(),
            _ => 0,
        };
        self.shared.window_id.store(id, Ordering::Release);
        egui_ctx.set_visuals(egui::Visuals::dark());
        frame.set_clear_color(egui::Visuals::dark().panel_fill.into());
        let _ = self.shared.egui.set(egui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut egui_baseview::Frame) {
        let zoom = self.shared.zoom() as f32;
        if zoom != self.applied_zoom {
            // egui-baseview resizes the window to match and asks the host to
            // follow.
            ui.ctx().set_zoom_factor(zoom);
            self.applied_zoom = zoom;
        }
        if let Some(failure) = &self.failure {
            show_failure(ui, failure);
            return;
        }
        let history = self.history.lock().unwrap_or_else(PoisonError::into_inner);
        let view = EditorView { context: &self.context, history: &history };
        let drawn = catch_unwind(AssertUnwindSafe(|| match self.custom {
            Some(draw) => draw(ui, &view),
            None => super::draw_generic(ui, &view),
        }));
        drop(history);
        if let Err(panic) = drawn {
            self.failure = Some(panic_message(&*panic));
            self.context.end_open_gestures();
            ui.ctx().request_repaint();
        }
    }
}

fn show_failure(ui: &mut egui::Ui, failure: &str) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("The editor stopped");
        ui.label("Its drawing code panicked; the plugin goes on playing. Close and reopen the editor to try again.");
        ui.separator();
        ui.monospace(failure);
    });
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The host's window, as baseview takes a parent.
struct ParentHandle(u32);

impl HasWindowHandle for ParentHandle {
    fn window_handle(&self) -> Result<WindowHandle<'_>, HandleError> {
        let handle = XlibWindowHandle::new(std::ffi::c_ulong::from(self.0));
        // SAFETY: an X window id is a plain number, valid for as long as the
        // host keeps its window, which outlives the editor's (hosts close the
        // editor before destroying the parent, and baseview copes when they do
        // not: X reports an error instead of touching freed memory).
        Ok(unsafe { WindowHandle::borrow_raw(RawWindowHandle::Xlib(handle)) })
    }
}

/// baseview asks for the main thread through the glue's host.
struct MainThread(Arc<dyn EditorHost>);

impl HostMainThreadCaller for MainThread {
    fn call_main_thread(&mut self) {
        self.0.call_main_thread();
    }
}

/// baseview's requests to the host, on the main thread.
struct Callbacks(Arc<dyn EditorHost>);

impl HostCallbacks for Callbacks {
    fn request_resize(&mut self, new_size: WindowSize) -> Result<(), HandlerError> {
        let size = Size::new(new_size.physical.width, new_size.physical.height);
        if self.0.request_resize(size) {
            Ok(())
        } else {
            Err(HandlerError::from_boxed("the host refused the size".into()))
        }
    }

    fn destroyed(&mut self) {}
}
