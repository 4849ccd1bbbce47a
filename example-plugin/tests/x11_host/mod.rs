//! The X side of a test host, on the X server `DISPLAY` names (Xvfb in the
//! test command): the windows a host embeds editors in, screenshots of them,
//! synthetic pointer and keyboard input (XTest, as a user's), a DAW's
//! windows found by title and closed as a window manager does, and the
//! server's count of clients (X-Resource), to see that editors leave none
//! behind.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::res::ConnectionExt as _;
use x11rb::protocol::xproto::{
    AtomEnum, ConfigureWindowAux, ConnectionExt as _, CreateWindowAux, EventMask, ImageFormat, PropMode, WindowClass,
};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// How long a window may take to show its first frame before the test calls
/// it hung (Mesa's software renderer on a loaded machine takes well under a
/// second).
pub const FIRST_FRAME_DEADLINE: Duration = Duration::from_secs(30);

/// The background the host paints its windows with: a pixel of it in a
/// capture is the host's, not the editor's.
pub const HOST_BACKGROUND: [u8; 3] = [0xff, 0x00, 0xff];

/// A connection to the X server the tests run on.
pub struct Screen {
    pub conn: RustConnection,
    pub root: u32,
}

impl Screen {
    pub fn open() -> Screen {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        assert!(
            !display.is_empty(),
            "the editor tests need an X server: DISPLAY is not set (scripts/test.sh starts Xvfb and sets it)"
        );
        let (conn, screen) = x11rb::connect(None).unwrap_or_else(|e| panic!("cannot reach X server {display}: {e}"));
        let root = conn.setup().roots[screen].root;
        Screen { conn, root }
    }

    /// A host's top-level window of `width` x `height`, mapped, painted
    /// [`HOST_BACKGROUND`], with nothing in it yet.
    pub fn host_window(&self, width: u16, height: u16) -> HostWindow<'_> {
        let id = self.conn.generate_id().unwrap();
        let [r, g, b] = HOST_BACKGROUND;
        let aux = CreateWindowAux::new()
            .background_pixel(u32::from_be_bytes([0, r, g, b]))
            .event_mask(EventMask::STRUCTURE_NOTIFY | EventMask::SUBSTRUCTURE_NOTIFY);
        self.conn
            .create_window(0, id, self.root, 0, 0, width, height, 0, WindowClass::INPUT_OUTPUT, 0, &aux)
            .unwrap()
            .check()
            .unwrap();
        self.conn.map_window(id).unwrap().check().unwrap();
        HostWindow { screen: self, id, destroyed: false }
    }

    /// The children of `window` (the editor's window, once embedded).
    pub fn children(&self, window: u32) -> Vec<u32> {
        self.conn.query_tree(window).unwrap().reply().map(|tree| tree.children).unwrap_or_default()
    }

    /// `window`'s size.
    pub fn size(&self, window: u32) -> (u16, u16) {
        let geometry = self.conn.get_geometry(window).unwrap().reply().unwrap();
        (geometry.width, geometry.height)
    }

    /// What `window` shows now, `width` x `height` from its corner.
    pub fn capture(&self, window: u32, width: u16, height: u16) -> Image {
        let reply = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)
            .unwrap()
            .reply()
            .unwrap_or_else(|e| panic!("capturing window {window:#x}: {e}"));
        assert_eq!(reply.data.len(), usize::from(width) * usize::from(height) * 4, "a 24-bit TrueColor screen");
        let rgb = reply.data.chunks_exact(4).flat_map(|bgrx| [bgrx[2], bgrx[1], bgrx[0]]).collect();
        Image { width: u32::from(width), height: u32::from(height), rgb }
    }

    /// Waits until `window` shows an editor's frame: more than a few colours
    /// (text, controls), none of them the host's background. Panics after
    /// [`FIRST_FRAME_DEADLINE`] (a hung editor).
    pub fn wait_for_frame(&self, window: u32) -> Image {
        let started = Instant::now();
        loop {
            let (width, height) = self.size(window);
            let image = self.capture(window, width, height);
            if image.is_drawn() {
                return image;
            }
            assert!(
                started.elapsed() < FIRST_FRAME_DEADLINE,
                "window {window:#x} showed no frame within {FIRST_FRAME_DEADLINE:?} ({} colours)",
                image.colours()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `window`'s picture in `region` differs from `before`
    /// (`(x, y, width, height)`), or panics after `deadline`.
    pub fn wait_for_change(&self, window: u32, before: &Image, region: Region, deadline: Duration) -> Image {
        let started = Instant::now();
        loop {
            let image = self.capture(window, before.width as u16, before.height as u16);
            if image.differs_in(before, region) {
                return image;
            }
            assert!(
                started.elapsed() < deadline,
                "window {window:#x} did not change in {region:?} within {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Where `window`'s corner is on the screen.
    fn origin(&self, window: u32) -> (i16, i16) {
        let reply = self.conn.translate_coordinates(window, self.root, 0, 0).unwrap().reply().unwrap();
        (reply.dst_x, reply.dst_y)
    }

    /// Moves the pointer to `(x, y)` of `window`, as a user's mouse does.
    pub fn move_pointer(&self, window: u32, x: i16, y: i16) {
        let (ox, oy) = self.origin(window);
        self.fake(x11rb::protocol::xproto::MOTION_NOTIFY_EVENT, 0, ox + x, oy + y);
    }

    /// Presses (or releases) mouse button `button` where the pointer is.
    pub fn button(&self, button: u8, press: bool) {
        use x11rb::protocol::xproto::{BUTTON_PRESS_EVENT, BUTTON_RELEASE_EVENT};
        self.fake(if press { BUTTON_PRESS_EVENT } else { BUTTON_RELEASE_EVENT }, button, 0, 0);
    }

    fn fake(&self, kind: u8, detail: u8, x: i16, y: i16) {
        self.conn.xtest_fake_input(kind, detail, 0, self.root, x, y, 0).unwrap().check().unwrap();
        self.conn.sync().unwrap();
    }

    /// A drag with the left button from `from` to `to` in `steps` moves, a
    /// frame's time apart so the editor sees each.
    pub fn drag(&self, window: u32, from: (i16, i16), to: (i16, i16), steps: i16) {
        self.move_pointer(window, from.0, from.1);
        pause();
        self.button(1, true);
        pause();
        for step in 1..=steps {
            let x = from.0 + (to.0 - from.0) * step / steps;
            let y = from.1 + (to.1 - from.1) * step / steps;
            self.move_pointer(window, x, y);
            pause();
        }
        self.button(1, false);
        pause();
    }

    /// A left click at `at`.
    pub fn click(&self, window: u32, at: (i16, i16)) {
        self.move_pointer(window, at.0, at.1);
        pause();
        self.button(1, true);
        pause();
        self.button(1, false);
        pause();
    }

    /// Two left clicks at `at`, quickly enough to be a double-click.
    pub fn double_click(&self, window: u32, at: (i16, i16)) {
        self.move_pointer(window, at.0, at.1);
        pause();
        for _ in 0..2 {
            self.button(1, true);
            self.button(1, false);
            std::thread::sleep(Duration::from_millis(40));
        }
        pause();
    }

    /// Types `text` (ASCII letters, digits, `.`, `-`, space) and presses Enter,
    /// into whatever has the keyboard focus.
    pub fn type_line(&self, text: &str) {
        use x11rb::protocol::xproto::{KEY_PRESS_EVENT, KEY_RELEASE_EVENT};
        let keysym = |c: char| -> u32 {
            match c {
                '.' => 0x2e,
                '-' => 0x2d,
                ' ' => 0x20,
                c => c as u32,
            }
        };
        for c in text.chars().map(keysym).chain([0xff0d]) {
            let code = self.keycode(c);
            self.fake(KEY_PRESS_EVENT, code, 0, 0);
            self.fake(KEY_RELEASE_EVENT, code, 0, 0);
            std::thread::sleep(Duration::from_millis(15));
        }
        pause();
    }

    /// How many connections this process has open to the X server (X-Resource
    /// reports each client's process id): this test's own and its editors'.
    pub fn client_count(&self) -> usize {
        use x11rb::protocol::res::{ClientIdMask, ClientIdSpec};
        let spec = ClientIdSpec { client: 0, mask: ClientIdMask::LOCAL_CLIENT_PID };
        let reply = self.conn.res_query_client_ids(&[spec]).unwrap().reply().unwrap();
        let pid = std::process::id();
        reply.ids.iter().filter(|id| id.value.first() == Some(&pid)).count()
    }

    /// Sets the `Xft.dpi` resource (None removes every resource), as a
    /// desktop's scaling setting does.
    pub fn set_xft_dpi(&self, dpi: Option<u32>) {
        let text = dpi.map(|dpi| format!("Xft.dpi:\t{dpi}\n")).unwrap_or_default();
        self.conn
            .change_property8(
                PropMode::REPLACE,
                self.root,
                AtomEnum::RESOURCE_MANAGER,
                AtomEnum::STRING,
                text.as_bytes(),
            )
            .unwrap()
            .check()
            .unwrap();
    }

    /// `window`'s title (its `WM_NAME`), if it has one.
    pub fn window_name(&self, window: u32) -> Option<String> {
        let reply =
            self.conn.get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 1024).ok()?.reply().ok()?;
        (!reply.value.is_empty()).then(|| String::from_utf8_lossy(&reply.value).into_owned())
    }

    /// Every window under `window`, depth first.
    pub fn descendants(&self, window: u32) -> Vec<u32> {
        let mut found = Vec::new();
        let mut stack = self.children(window);
        while let Some(next) = stack.pop() {
            found.push(next);
            stack.extend(self.children(next));
        }
        found
    }

    /// Whether `window` is shown (mapped, and its ancestors too); `None`
    /// once it no longer exists.
    pub fn is_viewable(&self, window: u32) -> Option<bool> {
        use x11rb::protocol::xproto::MapState;
        let attributes = self.conn.get_window_attributes(window).ok()?.reply().ok()?;
        Some(attributes.map_state == MapState::VIEWABLE)
    }

    /// Asks `window` to close as a window manager's close button does
    /// (`WM_DELETE_WINDOW` through `WM_PROTOCOLS`).
    pub fn request_close(&self, window: u32) {
        use x11rb::protocol::xproto::{ClientMessageEvent, EventMask};
        let atom = |name: &str| self.conn.intern_atom(false, name.as_bytes()).unwrap().reply().unwrap().atom;
        let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
        let event = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
        self.conn.send_event(false, window, EventMask::NO_EVENT, event).unwrap().check().unwrap();
        self.conn.sync().unwrap();
    }

    /// Presses `keysyms` together (a modifier first) and releases them, into
    /// the window under the pointer (no window manager: focus follows it).
    pub fn key_chord(&self, keysyms: &[u32]) {
        use x11rb::protocol::xproto::{KEY_PRESS_EVENT, KEY_RELEASE_EVENT};
        let codes: Vec<u8> = keysyms.iter().map(|&keysym| self.keycode(keysym)).collect();
        for &code in &codes {
            self.fake(KEY_PRESS_EVENT, code, 0, 0);
            pause();
        }
        for &code in codes.iter().rev() {
            self.fake(KEY_RELEASE_EVENT, code, 0, 0);
        }
        pause();
    }

    /// The key that types `keysym`.
    fn keycode(&self, keysym: u32) -> u8 {
        let setup = self.conn.setup();
        let (first, count) = (setup.min_keycode, setup.max_keycode - setup.min_keycode + 1);
        let mapping = self.conn.get_keyboard_mapping(first, count).unwrap().reply().unwrap();
        let per = usize::from(mapping.keysyms_per_keycode);
        let index = mapping.keysyms.iter().position(|k| *k == keysym).expect("a key for the keysym");
        first + (index / per) as u8
    }

    /// Resizes `window` (a host resizing its editor window).
    pub fn resize(&self, window: u32, width: u32, height: u32) {
        self.conn
            .configure_window(window, &ConfigureWindowAux::new().width(width).height(height))
            .unwrap()
            .check()
            .unwrap();
    }
}

/// Gives the editor's thread a frame's time to take input in.
fn pause() {
    std::thread::sleep(Duration::from_millis(30));
}

/// A host's window; destroyed on drop unless the test destroyed it.
pub struct HostWindow<'a> {
    screen: &'a Screen,
    pub id: u32,
    destroyed: bool,
}

impl HostWindow<'_> {
    /// Destroys the window now (a host closing it before the editor).
    pub fn destroy(&mut self) {
        self.screen.conn.destroy_window(self.id).unwrap().check().unwrap();
        self.destroyed = true;
    }
}

impl Drop for HostWindow<'_> {
    fn drop(&mut self) {
        if !self.destroyed {
            let _ = self.screen.conn.destroy_window(self.id).map(|cookie| cookie.check());
        }
    }
}

/// `(x, y, width, height)` in pixels.
pub type Region = (u32, u32, u32, u32);

/// A capture: RGB, row by row.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Image {
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let at = ((y * self.width + x) * 3) as usize;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }

    /// How many distinct colours it has (up to 1000: enough to tell).
    pub fn colours(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        for pixel in self.rgb.chunks_exact(3) {
            seen.insert([pixel[0], pixel[1], pixel[2]]);
            if seen.len() >= 1000 {
                break;
            }
        }
        seen.len()
    }

    /// Pixels of the host's background.
    pub fn host_pixels(&self) -> usize {
        self.pixels_of(HOST_BACKGROUND)
    }

    /// Pixels of `region` within `tolerance` of colour `rgb` in every
    /// component (lines are drawn anti-aliased).
    pub fn pixels_near(&self, rgb: [u8; 3], (x, y, width, height): Region, tolerance: u8) -> usize {
        let near = |a: u8, b: u8| a.abs_diff(b) <= tolerance;
        (y..y + height)
            .flat_map(|row| (x..x + width).map(move |column| (column, row)))
            .filter(|&(column, row)| {
                let pixel = self.pixel(column, row);
                (0..3).all(|c| near(pixel[c], rgb[c]))
            })
            .count()
    }

    /// Pixels of colour `rgb`.
    pub fn pixels_of(&self, rgb: [u8; 3]) -> usize {
        self.rgb.chunks_exact(3).filter(|p| *p == rgb).count()
    }

    /// An editor's frame: text and controls (many colours, anti-aliased),
    /// and none of the host's background showing through.
    pub fn is_drawn(&self) -> bool {
        self.colours() > 16 && self.host_pixels() == 0
    }

    /// Whether any pixel of `region` differs from `other`'s.
    pub fn differs_in(&self, other: &Image, (x, y, width, height): Region) -> bool {
        (y..y + height).any(|row| (x..x + width).any(|column| self.pixel(column, row) != other.pixel(column, row)))
    }

    pub fn save_png(&self, path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut encoder = png::Encoder::new(file, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(&self.rgb).unwrap();
    }
}
