//! `clap.gui` from the host's side: typed calls into the plugin's gui
//! extension, on the main thread, as a host embedding the editor in an X11
//! window of its own makes them.

use std::ffi::c_char;

use clap_sys::ext::gui::clap_window_handle;
use clap_sys::ext::gui::{CLAP_EXT_GUI, CLAP_WINDOW_API_X11, clap_gui_resize_hints, clap_plugin_gui, clap_window};

use super::Instance;

/// The plugin's gui extension, for one instance.
pub struct Gui<'a> {
    instance: &'a Instance<'a>,
    gui: &'a clap_plugin_gui,
}

impl<'m> Instance<'m> {
    /// The plugin's `clap.gui`, or None if it offers no editor.
    pub fn gui(&'m self) -> Option<Gui<'m>> {
        let gui = self.extension::<clap_plugin_gui>(CLAP_EXT_GUI)?;
        Some(Gui { instance: self, gui })
    }
}

impl Gui<'_> {
    fn plugin(&self) -> *const clap_sys::plugin::clap_plugin {
        self.instance.plugin
    }

    pub fn is_api_supported(&self, api: &std::ffi::CStr, floating: bool) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.is_api_supported.unwrap())(self.plugin(), api.as_ptr(), floating) }
    }

    pub fn preferred_api(&self) -> Option<(String, bool)> {
        let (mut api, mut floating): (*const c_char, bool) = (std::ptr::null(), true);
        // SAFETY: the plugin's own function and writable out-pointers.
        let ok = unsafe { (self.gui.get_preferred_api.unwrap())(self.plugin(), &mut api, &mut floating) };
        ok.then(|| (super::c_text(api), floating))
    }

    /// `create` for an embedded X11 window.
    pub fn create(&self) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.create.unwrap())(self.plugin(), CLAP_WINDOW_API_X11.as_ptr(), false) }
    }

    pub fn create_floating(&self) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.create.unwrap())(self.plugin(), CLAP_WINDOW_API_X11.as_ptr(), true) }
    }

    pub fn destroy(&self) {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.destroy.unwrap())(self.plugin()) }
    }

    pub fn set_scale(&self, scale: f64) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.set_scale.unwrap())(self.plugin(), scale) }
    }

    pub fn size(&self) -> Option<(u32, u32)> {
        let (mut width, mut height) = (0, 0);
        // SAFETY: the plugin's own function and writable out-pointers.
        unsafe { (self.gui.get_size.unwrap())(self.plugin(), &mut width, &mut height) }.then_some((width, height))
    }

    pub fn can_resize(&self) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.can_resize.unwrap())(self.plugin()) }
    }

    pub fn resize_hints(&self) -> Option<clap_gui_resize_hints> {
        let mut hints = clap_gui_resize_hints {
            can_resize_horizontally: false,
            can_resize_vertically: false,
            preserve_aspect_ratio: true,
            aspect_ratio_width: 0,
            aspect_ratio_height: 0,
        };
        // SAFETY: the plugin's own function and a writable struct.
        unsafe { (self.gui.get_resize_hints.unwrap())(self.plugin(), &mut hints) }.then_some(hints)
    }

    pub fn adjust_size(&self, width: u32, height: u32) -> Option<(u32, u32)> {
        let (mut width, mut height) = (width, height);
        // SAFETY: the plugin's own function and writable out-pointers.
        unsafe { (self.gui.adjust_size.unwrap())(self.plugin(), &mut width, &mut height) }.then_some((width, height))
    }

    pub fn set_size(&self, width: u32, height: u32) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.set_size.unwrap())(self.plugin(), width, height) }
    }

    /// `set_parent` to the X window `parent`.
    pub fn set_parent(&self, parent: u32) -> bool {
        let window =
            clap_window { api: CLAP_WINDOW_API_X11.as_ptr(), specific: clap_window_handle { x11: parent.into() } };
        // SAFETY: the plugin's own function and a window that lives for the call.
        unsafe { (self.gui.set_parent.unwrap())(self.plugin(), &window) }
    }

    pub fn show(&self) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.show.unwrap())(self.plugin()) }
    }

    pub fn hide(&self) -> bool {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.gui.hide.unwrap())(self.plugin()) }
    }
}
