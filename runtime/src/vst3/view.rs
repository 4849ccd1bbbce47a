//! `IPlugView`: the plugin's editor in a host's X11 window
//! (`kPlatformTypeX11EmbedWindowID`), with `IPlugViewContentScaleSupport`.
//!
//! The view opens the plugin's [`Editor`] when attached and closes it when
//! removed. Sizes are physical pixels: the editor's logical size times the
//! scale (the host's, from `setContentScaleFactor`, or the display's). A
//! host resizing its window calls `onSize`, which resizes the editor; the
//! editor changing size (a scale change) asks the host with
//! `IPlugFrame::resizeView` from the UI thread, never from inside `onSize`.
//! Edits reach the host's `IComponentHandler` from the UI thread too,
//! through the run loop the frame offers (see `run_loop.rs`).

use std::ffi::{CStr, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use vst3::Steinberg::{
    FIDString, IPlugFrame, IPlugFrameTrait, IPlugView, IPlugViewContentScaleSupport,
    IPlugViewContentScaleSupport_::ScaleFactor, IPlugViewContentScaleSupportTrait, IPlugViewTrait, TBool, ViewRect,
    char16, int16, kInvalidArgument, kPlatformTypeX11EmbedWindowID, kResultFalse, kResultOk, kResultTrue, tresult,
};
use vst3::{Class, ComPtr, ComRef, ComWrapper};

use super::editor_link::EditorLink;
use super::run_loop::{Registration, Waker};
use crate::editor::{Editor, EditorHost, ParentWindow, Size, WindowSlot};

pub(crate) struct PlugView {
    link: Arc<EditorLink>,
    editor: &'static dyn Editor,
    window: Arc<WindowSlot>,
    host: Arc<ViewHost>,
    /// The host's scale (f64 bits; 0: none given).
    scale: AtomicU64,
    /// The size the host gave with `onSize` before the window opened.
    size: Mutex<Option<Size>>,
    registration: Mutex<Option<Registration>>,
}

/// What the open window reaches the host through.
struct ViewHost {
    frame: Mutex<Option<ComPtr<IPlugFrame>>>,
    /// This view's own `IPlugView` pointer, for `resizeView` (no reference
    /// held: the view outlives its window).
    view: AtomicPtr<IPlugView>,
    waker: Mutex<Option<Arc<Waker>>>,
}

impl EditorHost for ViewHost {
    fn call_main_thread(&self) {
        if let Some(waker) = self.waker.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            waker.wake();
        }
    }

    fn request_resize(&self, size: Size) -> bool {
        let frame = self.frame.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let Some(frame) = frame else { return false };
        let mut rect = rect(size);
        // SAFETY: the host's live frame, our own live view and a valid rect.
        let result = unsafe { frame.resizeView(self.view.load(Ordering::Acquire), &mut rect) };
        result == kResultOk || result == kResultTrue
    }
}

impl Class for PlugView {
    type Interfaces = (IPlugView, IPlugViewContentScaleSupport);
}

impl PlugView {
    /// A new view for the plugin's editor, as `createView` returns it.
    pub(crate) fn create(link: Arc<EditorLink>, editor: &'static dyn Editor) -> *mut IPlugView {
        let host = Arc::new(ViewHost {
            frame: Mutex::new(None),
            view: AtomicPtr::new(std::ptr::null_mut()),
            waker: Mutex::new(None),
        });
        let view = PlugView {
            link,
            editor,
            window: Arc::default(),
            host: Arc::clone(&host),
            scale: AtomicU64::new(0),
            size: Mutex::new(None),
            registration: Mutex::new(None),
        };
        let Some(view) = ComWrapper::new(view).to_com_ptr::<IPlugView>() else { return std::ptr::null_mut() };
        host.view.store(view.as_ptr(), Ordering::Release);
        view.into_raw()
    }

    /// The scale the editor draws at: the host's, else the display's.
    fn scale(&self) -> f64 {
        match f64::from_bits(self.scale.load(Ordering::Relaxed)) {
            scale if scale > 0.0 => scale,
            _ => self.editor.display_scale().unwrap_or(1.0),
        }
    }

    fn host_scale(&self) -> Option<f64> {
        Some(f64::from_bits(self.scale.load(Ordering::Relaxed))).filter(|scale| *scale > 0.0)
    }

    /// The size now, in physical pixels.
    fn current_size(&self) -> Size {
        if let Some(window) = self.window.get() {
            return window.size();
        }
        let given = *self.size.lock().unwrap_or_else(PoisonError::into_inner);
        given.unwrap_or_else(|| self.editor.size().scaled(self.scale()))
    }

    fn attach(&self, parent: *mut c_void) -> tresult {
        if parent.is_null() {
            return kInvalidArgument;
        }
        if !self.link.attach() {
            return kResultFalse;
        }
        let frame = self.host.frame.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let registration = frame
            .as_ref()
            .and_then(|frame| Registration::register(frame, Arc::clone(&self.link), Arc::clone(&self.window)));
        let context = &self.link.context;
        match &registration {
            // Edits wait for the UI thread.
            Some(registration) => {
                let waker = Arc::clone(&registration.waker);
                *self.host.waker.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&waker));
                context.set_wake(Some(Arc::new(move || waker.wake())));
            }
            // A host without a run loop: edits go from the editor's thread,
            // as the editors of other frameworks send them.
            None => {
                let link = Arc::downgrade(&self.link);
                context.set_wake(Some(Arc::new(move || {
                    if let Some(link) = link.upgrade() {
                        link.send_edits();
                    }
                })));
            }
        }
        *self.registration.lock().unwrap_or_else(PoisonError::into_inner) = registration;
        let id = parent as usize as u32;
        let host: Arc<dyn EditorHost> = self.host.clone();
        match self.editor.open(ParentWindow(id), Arc::clone(context), host, self.host_scale()) {
            Ok(window) => {
                let given = self.size.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(size) = given {
                    window.set_size(size);
                }
                window.show();
                self.window.put(window);
                kResultOk
            }
            Err(error) => {
                eprintln!("{}: {error}", self.link.context.info().name);
                self.detach();
                kResultFalse
            }
        }
    }

    fn detach(&self) {
        self.window.close();
        self.link.context.set_wake(None);
        *self.host.waker.lock().unwrap_or_else(PoisonError::into_inner) = None;
        // Edits the window queued before it closed still reach the host.
        self.link.send_edits();
        *self.registration.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.link.detach();
    }
}

impl Drop for PlugView {
    fn drop(&mut self) {
        // A host that releases the view without `removed` still gets the
        // window closed and the run loop freed.
        if self.window.is_open() {
            self.detach();
        }
    }
}

/// A VST3 rect of `size` at the origin.
fn rect(size: Size) -> ViewRect {
    ViewRect { left: 0, top: 0, right: size.width as i32, bottom: size.height as i32 }
}

fn size_of_rect(rect: &ViewRect) -> Option<Size> {
    let (width, height) = (rect.right.checked_sub(rect.left)?, rect.bottom.checked_sub(rect.top)?);
    Some(Size::new(u32::try_from(width).ok()?, u32::try_from(height).ok()?))
}

/// Runs a host call, turning a panic into `kResultFalse`.
fn guard(call: impl FnOnce() -> tresult) -> tresult {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or(kResultFalse)
}

impl IPlugViewTrait for PlugView {
    unsafe fn isPlatformTypeSupported(&self, r#type: FIDString) -> tresult {
        if r#type.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: both are NUL-terminated: the host's string and the SDK's.
        let (asked, x11) = unsafe { (CStr::from_ptr(r#type), CStr::from_ptr(kPlatformTypeX11EmbedWindowID)) };
        if asked == x11 { kResultTrue } else { kResultFalse }
    }

    unsafe fn attached(&self, parent: *mut c_void, r#type: FIDString) -> tresult {
        // SAFETY: as isPlatformTypeSupported.
        if unsafe { self.isPlatformTypeSupported(r#type) } != kResultTrue {
            return kResultFalse;
        }
        guard(|| self.attach(parent))
    }

    unsafe fn removed(&self) -> tresult {
        guard(|| {
            if !self.window.is_open() {
                return kResultFalse;
            }
            self.detach();
            kResultOk
        })
    }

    unsafe fn onWheel(&self, _distance: f32) -> tresult {
        kResultFalse
    }

    unsafe fn onKeyDown(&self, _key: char16, _key_code: int16, _modifiers: int16) -> tresult {
        kResultFalse
    }

    unsafe fn onKeyUp(&self, _key: char16, _key_code: int16, _modifiers: int16) -> tresult {
        kResultFalse
    }

    unsafe fn getSize(&self, size: *mut ViewRect) -> tresult {
        // SAFETY: the host passes a writable rect or null, checked here.
        let Some(size) = (unsafe { size.as_mut() }) else { return kInvalidArgument };
        guard(|| {
            *size = rect(self.current_size());
            kResultOk
        })
    }

    unsafe fn onSize(&self, new_size: *mut ViewRect) -> tresult {
        // SAFETY: the host passes a readable rect or null, checked here.
        let Some(new_size) = (unsafe { new_size.as_ref() }).and_then(size_of_rect) else { return kInvalidArgument };
        guard(|| {
            // Never `resizeView` from here: the host is resizing already.
            match self.window.get() {
                Some(window) => {
                    window.set_size(new_size);
                }
                None => *self.size.lock().unwrap_or_else(PoisonError::into_inner) = Some(new_size),
            }
            kResultOk
        })
    }

    unsafe fn onFocus(&self, _state: TBool) -> tresult {
        kResultOk
    }

    unsafe fn setFrame(&self, frame: *mut IPlugFrame) -> tresult {
        // SAFETY: the host passes a live frame or null, checked by from_raw.
        let frame = unsafe { ComRef::from_raw(frame) }.map(|frame| frame.to_com_ptr());
        *self.host.frame.lock().unwrap_or_else(PoisonError::into_inner) = frame;
        kResultOk
    }

    unsafe fn canResize(&self) -> tresult {
        if self.editor.resizable() { kResultTrue } else { kResultFalse }
    }

    unsafe fn checkSizeConstraint(&self, rect: *mut ViewRect) -> tresult {
        // SAFETY: the host passes a writable rect or null, checked here.
        let Some(rect) = (unsafe { rect.as_mut() }) else { return kInvalidArgument };
        guard(|| {
            let min = self.editor.min_size().scaled(self.scale());
            let width = (rect.right - rect.left).max(min.width as i32);
            let height = (rect.bottom - rect.top).max(min.height as i32);
            rect.right = rect.left + width;
            rect.bottom = rect.top + height;
            kResultTrue
        })
    }
}

impl IPlugViewContentScaleSupportTrait for PlugView {
    unsafe fn setContentScaleFactor(&self, factor: ScaleFactor) -> tresult {
        let factor = f64::from(factor);
        if !(factor.is_finite() && factor > 0.0) {
            return kInvalidArgument;
        }
        guard(|| {
            self.scale.store(factor.to_bits(), Ordering::Relaxed);
            if let Some(window) = self.window.get() {
                window.set_scale(factor);
            }
            kResultOk
        })
    }
}
