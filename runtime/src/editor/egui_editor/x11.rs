//! What the editor tells the X server itself, beyond what baseview does: the
//! XEmbed property hosts that embed by the XEmbed protocol require, and the
//! display's scale (`Xft.dpi`), read the way baseview reads it.
//!
//! One short-lived connection per window opened, on the display the
//! environment names (baseview connects to the same one).

use x11rb::protocol::xproto::{ConnectionExt as _, PropMode};
use x11rb::wrapper::ConnectionExt as _;
use x11rb::xcb_ffi::XCBConnection;

/// XEmbed's protocol version we speak, and its flags: none. In particular not
/// `XEMBED_MAPPED`, which tells an embedder the client maps itself: Steinberg's
/// editorhost refuses a window that sets it ("Window already mapped").
const XEMBED_VERSION: u32 = 0;
const XEMBED_FLAGS: u32 = 0;

/// A connection to the display.
pub(super) struct Display {
    connection: XCBConnection,
}

impl Display {
    pub(super) fn open() -> Result<Self, String> {
        let (connection, _screen) = XCBConnection::connect(None).map_err(|e| e.to_string())?;
        Ok(Self { connection })
    }

    /// The display's scale from its `Xft.dpi` resource (dpi / 96), if set.
    pub(super) fn scale(&self) -> Option<f64> {
        let database = x11rb::resource_manager::new_from_default(&self.connection).ok()?;
        let dpi = database.get_value::<u32>("Xft.dpi", "").ok().flatten()?;
        (dpi > 0).then(|| f64::from(dpi) / 96.0)
    }

    /// Marks `window` as an XEmbed client (`_XEMBED_INFO`: version, flags),
    /// and waits until the server has it, so a host reading it next finds it.
    pub(super) fn mark_xembed_client(&self, window: u32) -> Result<(), String> {
        let conn = &self.connection;
        let atom = conn.intern_atom(false, b"_XEMBED_INFO").map_err(|e| e.to_string())?;
        let atom = atom.reply().map_err(|e| e.to_string())?.atom;
        conn.change_property32(PropMode::REPLACE, window, atom, atom, &[XEMBED_VERSION, XEMBED_FLAGS])
            .map_err(|e| e.to_string())?
            .check()
            .map_err(|e| e.to_string())
    }
}
