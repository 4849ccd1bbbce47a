//! The host as the plugin sees it: its `clap_host` and the host extensions
//! the plugin uses, looked up once in `init` (CLAP forbids host calls from
//! `create_plugin`): thread-check, latency, params and gui.

use std::ffi::CStr;

use clap_sys::ext::gui::{CLAP_EXT_GUI, clap_host_gui};
use clap_sys::ext::latency::{CLAP_EXT_LATENCY, clap_host_latency};
use clap_sys::ext::params::{CLAP_EXT_PARAMS, CLAP_PARAM_RESCAN_VALUES, clap_host_params};
use clap_sys::ext::preset_load::{CLAP_EXT_PRESET_LOAD, CLAP_EXT_PRESET_LOAD_COMPAT, clap_host_preset_load};
use clap_sys::ext::thread_check::{CLAP_EXT_THREAD_CHECK, clap_host_thread_check};
use clap_sys::factory::preset_discovery::clap_preset_discovery_location_kind;
use clap_sys::host::clap_host;

/// The host's callbacks. Every pointer is the host's and outlives the plugin
/// (CLAP's contract); each may be null when the host lacks the extension.
#[derive(Clone, Copy)]
pub(crate) struct Host {
    raw: *const clap_host,
    thread_check: *const clap_host_thread_check,
    latency: *const clap_host_latency,
    params: *const clap_host_params,
    gui: *const clap_host_gui,
    preset_load: *const clap_host_preset_load,
}

// SAFETY: CLAP hosts' callbacks are callable from the threads the spec names
// for each, and this type only calls them there; the pointers themselves are
// never written.
unsafe impl Send for Host {}
// SAFETY: as for Send: shared access only reads the pointers.
unsafe impl Sync for Host {}

impl Host {
    /// The host's callbacks, before `init`: no extension looked up yet.
    pub(crate) fn new(raw: *const clap_host) -> Self {
        Self {
            raw,
            thread_check: std::ptr::null(),
            latency: std::ptr::null(),
            params: std::ptr::null(),
            gui: std::ptr::null(),
            preset_load: std::ptr::null(),
        }
    }

    /// Looks the extensions up (from the plugin's `init`, on the main thread).
    pub(crate) fn query_extensions(&mut self) {
        self.thread_check = self.extension(CLAP_EXT_THREAD_CHECK).cast();
        self.latency = self.extension(CLAP_EXT_LATENCY).cast();
        self.params = self.extension(CLAP_EXT_PARAMS).cast();
        self.gui = self.extension(CLAP_EXT_GUI).cast();
        self.preset_load = self.extension(CLAP_EXT_PRESET_LOAD).cast();
        if self.preset_load.is_null() {
            self.preset_load = self.extension(CLAP_EXT_PRESET_LOAD_COMPAT).cast();
        }
    }

    /// The name the host gives itself (`clap_host.name`), if it gives one.
    pub(crate) fn name(&self) -> Option<String> {
        // SAFETY: `raw` is the live host this plugin was created for.
        let name = unsafe { (*self.raw).name };
        if name.is_null() {
            return None;
        }
        // SAFETY: a non-null `name` is a NUL-terminated string the host owns
        // for its lifetime (CLAP's contract).
        Some(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
    }

    fn extension(&self, id: &CStr) -> *const std::ffi::c_void {
        // SAFETY: `raw` is the live host this plugin was created for.
        let Some(get) = (unsafe { (*self.raw).get_extension }) else { return std::ptr::null() };
        // SAFETY: a host function called with its own pointer and a C string.
        unsafe { get(self.raw, id.as_ptr()) }
    }

    /// Whether the calling thread is the host's audio thread, if the host
    /// says (thread-check); None when it cannot tell.
    pub(crate) fn on_audio_thread(&self) -> Option<bool> {
        // SAFETY: null or the host's extension, alive as long as the host.
        let check = unsafe { self.thread_check.as_ref() }?;
        // SAFETY: thread-check's functions may be called from any thread.
        check.is_audio_thread.map(|f| unsafe { f(self.raw) })
    }

    /// Asks the host to deactivate and reactivate the plugin (any thread).
    pub(crate) fn request_restart(&self) {
        // SAFETY: `raw` is the live host; request_restart is thread-safe.
        if let Some(restart) = unsafe { (*self.raw).request_restart } {
            // SAFETY: a host function called with its own pointer.
            unsafe { restart(self.raw) };
        }
    }

    /// Tells the host the latency changed (only while being activated).
    pub(crate) fn latency_changed(&self) {
        // SAFETY: null or the host's extension, alive as long as the host.
        if let Some(changed) = unsafe { self.latency.as_ref() }.and_then(|l| l.changed) {
            // SAFETY: called on the main thread from inside `activate`.
            unsafe { changed(self.raw) };
        }
    }

    /// Tells the host to read every parameter's value again (main thread).
    pub(crate) fn rescan_param_values(&self) {
        // SAFETY: null or the host's extension, alive as long as the host.
        if let Some(rescan) = unsafe { self.params.as_ref() }.and_then(|p| p.rescan) {
            // SAFETY: called on the main thread (after a state load).
            unsafe { rescan(self.raw, CLAP_PARAM_RESCAN_VALUES) };
        }
    }
}

impl Host {
    /// Asks the host for a `process` or `params.flush` call soon, to drain
    /// the editor's edits (any thread but the audio thread).
    pub(crate) fn request_flush(&self) {
        // SAFETY: null or the host's extension, alive as long as the host.
        if let Some(flush) = unsafe { self.params.as_ref() }.and_then(|p| p.request_flush) {
            // SAFETY: request_flush is thread-safe (CLAP's params.h).
            unsafe { flush(self.raw) };
        }
    }

    /// Asks the host to call `on_main_thread` soon (any thread).
    pub(crate) fn request_callback(&self) {
        // SAFETY: `raw` is the live host; request_callback is thread-safe.
        if let Some(callback) = unsafe { (*self.raw).request_callback } {
            // SAFETY: a host function called with its own pointer.
            unsafe { callback(self.raw) };
        }
    }

    /// Asks the host to resize the editor's window (main thread); false if it
    /// refuses or cannot.
    pub(crate) fn request_resize(&self, width: u32, height: u32) -> bool {
        // SAFETY: null or the host's extension, alive as long as the host.
        let Some(resize) = unsafe { self.gui.as_ref() }.and_then(|gui| gui.request_resize) else { return false };
        // SAFETY: called on the main thread, as gui.h requires.
        unsafe { resize(self.raw, width, height) }
    }
}

impl Host {
    /// Tells the host a preset loaded (main thread, from `preset-load`).
    pub(crate) fn preset_loaded(
        &self,
        kind: clap_preset_discovery_location_kind,
        location: *const std::ffi::c_char,
        load_key: *const std::ffi::c_char,
    ) {
        // SAFETY: null or the host's extension, alive as long as the host.
        if let Some(loaded) = unsafe { self.preset_load.as_ref() }.and_then(|p| p.loaded) {
            // SAFETY: called on the main thread with the host's own arguments.
            unsafe { loaded(self.raw, kind, location, load_key) };
        }
    }
}
