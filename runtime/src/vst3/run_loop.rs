//! The host's UI thread, reached through its `Linux::IRunLoop`: a view
//! registers one end of a socket pair as an event handler's descriptor, and
//! anything that needs the UI thread (edits to send, the window's
//! main-thread work) writes a byte to the other end. Registering a
//! descriptor also makes hosts that service X events only while one is
//! registered (Steinberg's editorhost) service them. A socket pair rather
//! than an eventfd, which some hosts (Ardour) ignore.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use vst3::Steinberg::Linux::{FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait};
use vst3::Steinberg::{IPlugFrame, kResultOk};
use vst3::{Class, ComPtr, ComWrapper};

use super::editor_link::EditorLink;
use crate::editor::WindowSlot;

/// Wakes the UI thread: any thread may call it.
pub(crate) struct Waker {
    write: UnixStream,
}

impl Waker {
    pub(crate) fn wake(&self) {
        // Non-blocking: a full socket already holds a wake-up.
        let _ = (&self.write).write(&[1]);
    }
}

/// The handler the host's run loop calls on its UI thread.
struct RunLoopHandler {
    read: UnixStream,
    link: Arc<EditorLink>,
    window: Arc<WindowSlot>,
}

impl Class for RunLoopHandler {
    type Interfaces = (IEventHandler,);
}

impl IEventHandlerTrait for RunLoopHandler {
    unsafe fn onFDIsSet(&self, _fd: FileDescriptor) {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut bytes = [0_u8; 64];
            while matches!((&self.read).read(&mut bytes), Ok(n) if n > 0) {}
            self.link.send_edits();
            if let Some(window) = self.window.get() {
                window.main_thread_callback();
            }
        }));
    }
}

/// A handler registered with a host's run loop; dropping it unregisters it.
pub(crate) struct Registration {
    run_loop: ComPtr<IRunLoop>,
    handler: ComPtr<IEventHandler>,
    pub(crate) waker: Arc<Waker>,
}

impl Registration {
    /// Registers with the run loop `frame` offers, if it offers one.
    pub(crate) fn register(frame: &ComPtr<IPlugFrame>, link: Arc<EditorLink>, window: Arc<WindowSlot>) -> Option<Self> {
        let run_loop = frame.cast::<IRunLoop>()?;
        let (read, write) = UnixStream::pair().ok()?;
        read.set_nonblocking(true).ok()?;
        write.set_nonblocking(true).ok()?;
        let fd = read.as_raw_fd();
        let handler = ComWrapper::new(RunLoopHandler { read, link, window }).to_com_ptr::<IEventHandler>()?;
        // SAFETY: a live run loop and a live handler of ours, whose descriptor
        // stays open as long as the handler (it owns it).
        let registered = unsafe { run_loop.registerEventHandler(handler.as_ptr(), fd) };
        (registered == kResultOk).then(|| Self { run_loop, handler, waker: Arc::new(Waker { write }) })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: the run loop and the handler we registered with it.
        unsafe { self.run_loop.unregisterEventHandler(self.handler.as_ptr()) };
    }
}
