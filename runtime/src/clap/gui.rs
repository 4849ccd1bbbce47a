//! `clap.gui`: the plugin's editor, embedded in a host's X11 window
//! (`CLAP_WINDOW_API_X11`, not floating).
//!
//! `create` readies the editor, `set_parent` opens its window (hidden),
//! `show`/`hide` map it, `destroy` closes it. Sizes are physical pixels: the
//! editor's logical size times the scale (`set_scale`, or the display's).
//! The editor's edits reach the host as gesture and value events from
//! `process` or `params.flush`, which `request_flush` asks for (see
//! `process.rs`); its main-thread work runs from `on_main_thread`, which
//! `request_callback` asks for.

use std::ffi::{CStr, c_char};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use clap_sys::ext::gui::{CLAP_WINDOW_API_X11, clap_gui_resize_hints, clap_plugin_gui, clap_window};
use clap_sys::plugin::clap_plugin;

use super::guard;
use super::host::Host;
use super::plugin::Plugin;
use crate::editor::{EditorHost, ParentWindow, Size, WindowSlot};
use crate::engine::Processor;

/// A plugin instance's editor state (main thread).
#[derive(Default)]
pub(crate) struct Gui {
    window: WindowSlot,
    created: AtomicBool,
    /// The host's scale (f64 bits; 0: none given).
    scale: AtomicU64,
    /// The size the host set before the window opened.
    size: Mutex<Option<Size>>,
}

impl Gui {
    /// Runs the window's main-thread work (from `on_main_thread`).
    pub(crate) fn main_thread_callback(&self) {
        if let Some(window) = self.window.get() {
            window.main_thread_callback();
        }
    }

    /// Closes the window, if open (the plugin is destroyed).
    pub(crate) fn close(&self) {
        self.window.close();
    }
}

/// What the open window reaches the host through.
struct GuiHost(Host);

impl EditorHost for GuiHost {
    fn call_main_thread(&self) {
        self.0.request_callback();
    }

    fn request_resize(&self, size: Size) -> bool {
        self.0.request_resize(size.width, size.height)
    }
}

pub(crate) struct GuiExtension<P>(std::marker::PhantomData<P>);

impl<P: Processor> GuiExtension<P> {
    pub(crate) const EXTENSION: clap_plugin_gui = clap_plugin_gui {
        is_api_supported: Some(is_api_supported),
        get_preferred_api: Some(get_preferred_api),
        create: Some(create::<P>),
        destroy: Some(destroy::<P>),
        set_scale: Some(set_scale::<P>),
        get_size: Some(get_size::<P>),
        can_resize: Some(can_resize::<P>),
        get_resize_hints: Some(get_resize_hints::<P>),
        adjust_size: Some(adjust_size::<P>),
        set_size: Some(set_size::<P>),
        set_parent: Some(set_parent::<P>),
        set_transient: Some(set_transient),
        suggest_title: Some(suggest_title),
        show: Some(show::<P>),
        hide: Some(hide::<P>),
    };
}

/// Whether `api` names X11.
///
/// # Safety
/// `api` is null or NUL-terminated.
unsafe fn is_x11(api: *const c_char) -> bool {
    // SAFETY: per this function's contract.
    !api.is_null() && unsafe { CStr::from_ptr(api) } == CLAP_WINDOW_API_X11
}

/// The plugin behind a gui call, if it has an editor.
///
/// # Safety
/// `plugin` is what the host got from create_plugin.
unsafe fn with_editor<'a, P: Processor>(plugin: *const clap_plugin) -> Option<&'a Plugin<P>> {
    // SAFETY: per this function's contract.
    let plugin = unsafe { Plugin::<P>::from_raw(plugin) }?;
    plugin.info.editor.is_some().then_some(plugin)
}

impl<P: Processor> Plugin<P> {
    /// The scale the editor draws at: the host's, else the display's.
    fn editor_scale(&self) -> f64 {
        match f64::from_bits(self.gui.scale.load(Ordering::Relaxed)) {
            scale if scale > 0.0 => scale,
            _ => self.info.editor.and_then(|editor| editor.display_scale()).unwrap_or(1.0),
        }
    }

    fn editor_size(&self) -> Size {
        if let Some(window) = self.gui.window.get() {
            return window.size();
        }
        if let Some(size) = *self.gui.size.lock().unwrap_or_else(PoisonError::into_inner) {
            return size;
        }
        self.info.editor.map_or(Size::new(0, 0), |editor| editor.size().scaled(self.editor_scale()))
    }

    fn open_editor(&self, parent: u32) -> bool {
        let (Some(editor), Some(host)) = (self.info.editor, self.host().copied()) else { return false };
        if self.gui.window.is_open() || !self.gui.created.load(Ordering::Acquire) {
            return false;
        }
        let scale = Some(f64::from_bits(self.gui.scale.load(Ordering::Relaxed))).filter(|s| *s > 0.0);
        let gui_host: Arc<dyn EditorHost> = Arc::new(GuiHost(host));
        match editor.open(ParentWindow(parent), Arc::clone(&self.editor), gui_host, scale) {
            Ok(window) => {
                if let Some(size) = self.gui.size.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    window.set_size(size);
                }
                self.gui.window.put(window);
                true
            }
            Err(error) => {
                eprintln!("{}: {error}", self.info.name);
                false
            }
        }
    }
}

unsafe extern "C" fn is_api_supported(_plugin: *const clap_plugin, api: *const c_char, floating: bool) -> bool {
    // SAFETY: the host passes a NUL-terminated api name.
    !floating && unsafe { is_x11(api) }
}

unsafe extern "C" fn get_preferred_api(
    _plugin: *const clap_plugin,
    api: *mut *const c_char,
    floating: *mut bool,
) -> bool {
    if api.is_null() || floating.is_null() {
        return false;
    }
    // SAFETY: both are the host's, writable, checked non-null.
    unsafe {
        *api = CLAP_WINDOW_API_X11.as_ptr();
        *floating = false;
    }
    true
}

unsafe extern "C" fn create<P: Processor>(plugin: *const clap_plugin, api: *const c_char, floating: bool) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin, and a
        // NUL-terminated api name.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        // SAFETY: as above.
        if floating || !unsafe { is_x11(api) } || plugin.gui.created.swap(true, Ordering::AcqRel) {
            return false;
        }
        // The editor's edits wake the host for a flush that sends them.
        if let Some(host) = plugin.host().copied() {
            plugin.editor.set_wake(Some(Arc::new(move || host.request_flush())));
        }
        true
    })
}

unsafe extern "C" fn destroy<P: Processor>(plugin: *const clap_plugin) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return };
        plugin.gui.window.close();
        plugin.editor.set_wake(None);
        plugin.gui.created.store(false, Ordering::Release);
        *plugin.gui.size.lock().unwrap_or_else(PoisonError::into_inner) = None;
        // Edits queued before the window closed still reach the host.
        if let Some(host) = plugin.host() {
            host.request_flush();
        }
    })
}

unsafe extern "C" fn set_scale<P: Processor>(plugin: *const clap_plugin, scale: f64) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        if !(scale.is_finite() && scale > 0.0) {
            return false;
        }
        plugin.gui.scale.store(scale.to_bits(), Ordering::Relaxed);
        plugin.gui.window.get().is_none_or(|window| window.set_scale(scale))
    })
}

unsafe extern "C" fn get_size<P: Processor>(plugin: *const clap_plugin, width: *mut u32, height: *mut u32) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        if width.is_null() || height.is_null() {
            return false;
        }
        let size = plugin.editor_size();
        // SAFETY: both are the host's, writable, checked non-null.
        unsafe {
            *width = size.width;
            *height = size.height;
        }
        true
    })
}

unsafe extern "C" fn can_resize<P: Processor>(plugin: *const clap_plugin) -> bool {
    // SAFETY: the host passes the pointer it got from create_plugin.
    guard(false, || unsafe { with_editor::<P>(plugin) }.and_then(|p| p.info.editor).is_some_and(|e| e.resizable()))
}

unsafe extern "C" fn get_resize_hints<P: Processor>(
    plugin: *const clap_plugin,
    hints: *mut clap_gui_resize_hints,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(editor) = (unsafe { with_editor::<P>(plugin) }).and_then(|p| p.info.editor) else { return false };
        // SAFETY: the host passes a writable struct or null.
        let Some(hints) = (unsafe { hints.as_mut() }) else { return false };
        let resizable = editor.resizable();
        *hints = clap_gui_resize_hints {
            can_resize_horizontally: resizable,
            can_resize_vertically: resizable,
            preserve_aspect_ratio: false,
            aspect_ratio_width: 0,
            aspect_ratio_height: 0,
        };
        true
    })
}

unsafe extern "C" fn adjust_size<P: Processor>(plugin: *const clap_plugin, width: *mut u32, height: *mut u32) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        let Some(editor) = plugin.info.editor else { return false };
        if width.is_null() || height.is_null() {
            return false;
        }
        let min = editor.min_size().scaled(plugin.editor_scale());
        // SAFETY: both are the host's, readable and writable, checked non-null.
        unsafe {
            *width = (*width).max(min.width);
            *height = (*height).max(min.height);
        }
        true
    })
}

unsafe extern "C" fn set_size<P: Processor>(plugin: *const clap_plugin, width: u32, height: u32) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        let size = Size::new(width, height);
        match plugin.gui.window.get() {
            Some(window) => window.set_size(size),
            None => {
                *plugin.gui.size.lock().unwrap_or_else(PoisonError::into_inner) = Some(size);
                true
            }
        }
    })
}

unsafe extern "C" fn set_parent<P: Processor>(plugin: *const clap_plugin, window: *const clap_window) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { with_editor::<P>(plugin) }) else { return false };
        // SAFETY: the host passes a readable window or null.
        let Some(window) = (unsafe { window.as_ref() }) else { return false };
        // SAFETY: the host's api name is NUL-terminated.
        let parent = if unsafe { is_x11(window.api) } {
            // SAFETY: the union holds the X11 window id when the api says X11.
            Some(unsafe { window.specific.x11 })
        } else {
            None
        };
        match parent.and_then(|id| u32::try_from(id).ok()) {
            Some(id) if id != 0 => plugin.open_editor(id),
            _ => false,
        }
    })
}

unsafe extern "C" fn set_transient(_plugin: *const clap_plugin, _window: *const clap_window) -> bool {
    false
}

unsafe extern "C" fn suggest_title(_plugin: *const clap_plugin, _title: *const c_char) {}

unsafe extern "C" fn show<P: Processor>(plugin: *const clap_plugin) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let window = unsafe { with_editor::<P>(plugin) }.and_then(|p| p.gui.window.get());
        window.is_some_and(|window| window.show())
    })
}

unsafe extern "C" fn hide<P: Processor>(plugin: *const clap_plugin) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let window = unsafe { with_editor::<P>(plugin) }.and_then(|p| p.gui.window.get());
        window.is_some_and(|window| window.hide())
    })
}
