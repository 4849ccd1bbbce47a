//! An editor kept open while the no-allocation and RealtimeSanitizer runs
//! drive the audio-thread paths: embedded in a window of the test's on the X
//! server (Xvfb in the test command), drawn, and its first knob dragged with
//! XTest, so edits are queued for the glue while audio runs.

#[path = "../../../example-plugin/tests/x11_host/mod.rs"]
mod x11_host;

use std::sync::OnceLock;

pub use x11_host::{HostWindow, Screen};

/// The X server connection, shared by the tests of one binary.
pub fn screen() -> &'static Screen {
    static SCREEN: OnceLock<Screen> = OnceLock::new();
    SCREEN.get_or_init(Screen::open)
}

/// Where the generic editor's first knob is, and where a drag up ends.
pub const FIRST_KNOB: (i16, i16) = (60, 96);
pub const DRAGGED_TO: (i16, i16) = (60, 56);

/// A window for an editor of `width` x `height`.
pub fn host_window(width: u32, height: u32) -> HostWindow<'static> {
    screen().host_window(width as u16, height as u16)
}

/// Waits for the editor's first frame in `window`, then drags its first knob.
pub fn draw_and_drag(window: &HostWindow<'_>) {
    screen().wait_for_frame(window.id);
    screen().drag(window.id, FIRST_KNOB, DRAGGED_TO, 6);
}
