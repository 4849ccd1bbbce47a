//! The baseline the editor leak tests compare with: a bare egui window in a
//! baseview window (egui-baseview, the same versions the runtime uses), with
//! none of the runtime's code. What it leaks per open/close is the stack's
//! own (baseview 0.4.2 never releases the keyboard map it reads for each
//! window: about 54 KB a window, found with valgrind).

use egui_baseview::baseview::dpi::PhysicalSize;
use egui_baseview::{EguiWindow, EguiWindowSettings};
use raw_window_handle::{HandleError, HasWindowHandle, RawWindowHandle, WindowHandle, XlibWindowHandle};

struct Parent(u32);

impl HasWindowHandle for Parent {
    fn window_handle(&self) -> Result<WindowHandle<'_>, HandleError> {
        let handle = XlibWindowHandle::new(std::ffi::c_ulong::from(self.0));
        // SAFETY: an X window id is a plain number; the test's window outlives
        // the egui window made in it.
        Ok(unsafe { WindowHandle::borrow_raw(RawWindowHandle::Xlib(handle)) })
    }
}

struct Label;

impl egui_baseview::App for Label {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut egui_baseview::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("baseline");
            ui.label("a bare egui window");
        });
    }
}

/// Opens a bare egui window of `width` x `height` in `parent`, shown; it
/// closes when dropped.
pub fn open(parent: u32, width: u32, height: u32) -> egui_baseview::baseview::Window {
    let settings = EguiWindowSettings::new().with_size(PhysicalSize::new(width, height)).with_parent(&Parent(parent));
    let window = EguiWindow::create(settings, Label).expect("a bare egui window opens");
    window.show().expect("it shows");
    window
}
