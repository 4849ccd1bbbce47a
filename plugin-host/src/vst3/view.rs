//! A VST3 host's side of an editor: the `IPlugFrame` a view is given (with
//! the `Linux::IRunLoop` it offers, as Linux hosts do), the host's run loop
//! turned by the test (`pump`), and a view opened in a window of the host's.

use std::ffi::c_void;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vst3::Steinberg::Linux::{
    FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait, ITimerHandler, ITimerHandlerTrait,
    TimerInterval,
};
use vst3::Steinberg::Vst::{IEditControllerTrait, ViewType};
use vst3::Steinberg::{
    IPlugFrame, IPlugFrameTrait, IPlugView, IPlugViewContentScaleSupport, IPlugViewContentScaleSupportTrait,
    IPlugViewTrait, ViewRect, kInvalidArgument, kPlatformTypeX11EmbedWindowID, kResultFalse, kResultOk, kResultTrue,
    tresult,
};
use vst3::{Class, ComPtr, ComRef, ComWrapper};

use super::Instance;

/// The frame a view lives in: it records the view's resize requests and
/// serves the run loop the view registers with.
#[derive(Default)]
pub struct Frame {
    /// Every `resizeView`: the size asked for.
    pub resizes: Mutex<Vec<(i32, i32)>>,
    handlers: Mutex<Vec<(ComPtr<IEventHandler>, FileDescriptor)>>,
    timers: Mutex<Vec<(ComPtr<ITimerHandler>, Duration, Instant)>>,
    /// Every handler ever registered, and unregistered (the run loop's
    /// bookkeeping, for the open/close tests).
    pub registered: Mutex<(usize, usize)>,
}

impl Class for Frame {
    type Interfaces = (IPlugFrame, IRunLoop);
}

impl IPlugFrameTrait for Frame {
    unsafe fn resizeView(&self, view: *mut IPlugView, new_size: *mut ViewRect) -> tresult {
        // SAFETY: the plugin passes its view and a readable rect.
        let (Some(view), Some(rect)) = (unsafe { ComRef::from_raw(view) }, unsafe { new_size.as_mut() }) else {
            return kInvalidArgument;
        };
        self.resizes.lock().unwrap().push((rect.right - rect.left, rect.bottom - rect.top));
        // A host resizes its window, then tells the view (as the SDK's
        // editorhost does, from inside this call).
        // SAFETY: the plugin's live view and a valid rect.
        unsafe { view.onSize(rect) }
    }
}

impl IRunLoopTrait for Frame {
    unsafe fn registerEventHandler(&self, handler: *mut IEventHandler, fd: FileDescriptor) -> tresult {
        // SAFETY: the plugin passes a live handler or null.
        let Some(handler) = (unsafe { ComRef::from_raw(handler) }) else { return kInvalidArgument };
        self.handlers.lock().unwrap().push((handler.to_com_ptr(), fd));
        self.registered.lock().unwrap().0 += 1;
        kResultOk
    }

    unsafe fn unregisterEventHandler(&self, handler: *mut IEventHandler) -> tresult {
        let mut handlers = self.handlers.lock().unwrap();
        let before = handlers.len();
        handlers.retain(|(h, _)| h.as_ptr() != handler);
        if handlers.len() == before {
            return kResultFalse;
        }
        self.registered.lock().unwrap().1 += 1;
        kResultOk
    }

    unsafe fn registerTimer(&self, handler: *mut ITimerHandler, milliseconds: TimerInterval) -> tresult {
        // SAFETY: the plugin passes a live handler or null.
        let Some(handler) = (unsafe { ComRef::from_raw(handler) }) else { return kInvalidArgument };
        let period = Duration::from_millis(milliseconds);
        self.timers.lock().unwrap().push((handler.to_com_ptr(), period, Instant::now()));
        kResultOk
    }

    unsafe fn unregisterTimer(&self, handler: *mut ITimerHandler) -> tresult {
        self.timers.lock().unwrap().retain(|(h, _, _)| h.as_ptr() != handler);
        kResultOk
    }
}

impl Frame {
    pub fn new() -> ComWrapper<Frame> {
        ComWrapper::new(Frame::default())
    }

    /// How many event handlers are registered now.
    pub fn handler_count(&self) -> usize {
        self.handlers.lock().unwrap().len()
    }

    /// Turns the host's run loop for `time`: calls each handler whose
    /// descriptor is readable, and each timer that is due, on this thread
    /// (the host's UI thread). Returns how many handler calls it made.
    pub fn pump(&self, time: Duration) -> usize {
        let until = Instant::now() + time;
        let mut calls = 0;
        loop {
            let handlers: Vec<_> = self.handlers.lock().unwrap().clone();
            let mut fds: Vec<libc::pollfd> =
                handlers.iter().map(|(_, fd)| libc::pollfd { fd: *fd, events: libc::POLLIN, revents: 0 }).collect();
            let left = until.saturating_duration_since(Instant::now());
            let wait = left.min(Duration::from_millis(10)).as_millis() as i32;
            // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait) };
            if ready > 0 {
                for ((handler, fd), polled) in handlers.iter().zip(&fds) {
                    if polled.revents & libc::POLLIN != 0 {
                        // SAFETY: a live handler the plugin registered.
                        unsafe { handler.onFDIsSet(*fd) };
                        calls += 1;
                    }
                }
            } else if fds.is_empty() {
                std::thread::sleep(Duration::from_millis(wait.max(1) as u64));
            }
            let due: Vec<_> = {
                let mut timers = self.timers.lock().unwrap();
                timers
                    .iter_mut()
                    .filter(|(_, period, last)| last.elapsed() >= *period)
                    .map(|(handler, _, last)| {
                        *last = Instant::now();
                        handler.clone()
                    })
                    .collect()
            };
            for timer in due {
                // SAFETY: a live timer handler the plugin registered.
                unsafe { timer.onTimer() };
            }
            if Instant::now() >= until {
                return calls;
            }
        }
    }
}

/// A view of the plugin's editor, as `createView("editor")` gives it.
pub struct View {
    pub view: ComPtr<IPlugView>,
    pub frame: ComWrapper<Frame>,
    attached: bool,
}

impl Instance {
    /// The editor's view, with a frame set; None if the plugin has none.
    pub fn create_view(&self) -> Option<View> {
        // SAFETY: a live controller; the name is the SDK's constant.
        let view = unsafe { ComPtr::from_raw(self.controller.createView(ViewType::kEditor)) }?;
        let frame = Frame::new();
        let frame_ptr = frame.as_com_ref::<IPlugFrame>().unwrap().as_ptr();
        // SAFETY: a live view and a live frame.
        assert_eq!(unsafe { view.setFrame(frame_ptr) }, kResultOk);
        Some(View { view, frame, attached: false })
    }
}

impl View {
    /// `getSize`.
    pub fn size(&self) -> (i32, i32) {
        let mut rect = ViewRect { left: 0, top: 0, right: 0, bottom: 0 };
        // SAFETY: a live view and a writable rect.
        assert_eq!(unsafe { self.view.getSize(&mut rect) }, kResultOk);
        (rect.right - rect.left, rect.bottom - rect.top)
    }

    /// `setContentScaleFactor`.
    pub fn set_scale(&self, scale: f32) -> tresult {
        let support = self.view.cast::<IPlugViewContentScaleSupport>().expect("IPlugViewContentScaleSupport");
        // SAFETY: a live interface.
        unsafe { support.setContentScaleFactor(scale) }
    }

    /// `attached` to the X window `parent`.
    pub fn attach(&mut self, parent: u32) -> tresult {
        // SAFETY: a live view; X11 window ids travel as the pointer's value.
        let result = unsafe {
            assert_eq!(self.view.isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID), kResultTrue);
            self.view.attached(parent as usize as *mut c_void, kPlatformTypeX11EmbedWindowID)
        };
        self.attached = result == kResultOk;
        result
    }

    /// `removed`.
    pub fn remove(&mut self) -> tresult {
        self.attached = false;
        // SAFETY: a live view.
        unsafe { self.view.removed() }
    }

    /// `onSize`: the host resized its window.
    pub fn on_size(&self, width: i32, height: i32) -> tresult {
        let mut rect = ViewRect { left: 0, top: 0, right: width, bottom: height };
        // SAFETY: a live view and a valid rect.
        unsafe { self.view.onSize(&mut rect) }
    }

    /// `checkSizeConstraint`: the size the view accepts for `(width, height)`.
    pub fn constrain(&self, width: i32, height: i32) -> (i32, i32) {
        let mut rect = ViewRect { left: 0, top: 0, right: width, bottom: height };
        // SAFETY: a live view and a writable rect.
        assert_eq!(unsafe { self.view.checkSizeConstraint(&mut rect) }, kResultTrue);
        (rect.right - rect.left, rect.bottom - rect.top)
    }

    pub fn pump(&self, time: Duration) -> usize {
        self.frame.pump(time)
    }

    /// Releases the view without `removed` when dropped (a careless host).
    pub fn forget_attached(&mut self) {
        self.attached = false;
    }
}

impl Drop for View {
    fn drop(&mut self) {
        if self.attached {
            self.remove();
        }
    }
}
