//! The plugin factory hosts get from `GetPluginFactory`.

use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};

use vst3::Steinberg::Vst::kDefaultFactoryFlags;
use vst3::Steinberg::{
    FIDString, FUnknown, IPluginFactory, IPluginFactory2Trait, IPluginFactory3, IPluginFactory3Trait,
    IPluginFactoryTrait, PClassInfo, PClassInfo_, PClassInfo2, PClassInfoW, PFactoryInfo, TUID, kInvalidArgument,
    kResultOk, tresult,
};
use vst3::{Class, ComWrapper, uid};

use super::component::Plugin;
use super::strings::{copy_cstring, copy_wstring};
use crate::engine::Processor;
use crate::plugin::{PluginInfo, PluginKind};

/// The VST3 SDK version we speak, as hosts expect to read it.
pub(crate) const SDK_VERSION: &str = "VST 3.7.9";
/// `kVstAudioEffectClass`: a C++ macro, so not in the bindings.
pub(crate) const AUDIO_MODULE_CLASS: &str = "Audio Module Class";

/// The VST3 subcategories string of a plugin.
pub(crate) fn subcategories(info: &PluginInfo) -> &'static str {
    match info.kind {
        PluginKind::Effect => "Fx",
        PluginKind::Instrument => "Instrument|Synth",
    }
}

pub(crate) fn class_tuid(info: &PluginInfo) -> TUID {
    let [a, b, c, d] = info.class_id;
    uid(a, b, c, d)
}

pub(crate) struct Factory<P> {
    info: &'static PluginInfo,
    make: fn() -> P,
}

impl<P: Processor> Class for Factory<P> {
    type Interfaces = (IPluginFactory3,);
}

impl<P: Processor> IPluginFactoryTrait for Factory<P> {
    unsafe fn getFactoryInfo(&self, info: *mut PFactoryInfo) -> tresult {
        // SAFETY: the host passes a writable PFactoryInfo or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        copy_cstring(self.info.vendor, &mut info.vendor);
        copy_cstring(self.info.url, &mut info.url);
        copy_cstring(self.info.email, &mut info.email);
        info.flags = kDefaultFactoryFlags;
        kResultOk
    }

    unsafe fn countClasses(&self) -> i32 {
        1
    }

    unsafe fn getClassInfo(&self, index: i32, info: *mut PClassInfo) -> tresult {
        // SAFETY: the host passes a writable PClassInfo or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        if index != 0 {
            return kInvalidArgument;
        }
        info.cid = class_tuid(self.info);
        info.cardinality = PClassInfo_::ClassCardinality_::kManyInstances as i32;
        copy_cstring(AUDIO_MODULE_CLASS, &mut info.category);
        copy_cstring(self.info.name, &mut info.name);
        kResultOk
    }

    unsafe fn createInstance(&self, cid: FIDString, iid: FIDString, obj: *mut *mut c_void) -> tresult {
        if cid.is_null() || iid.is_null() || obj.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: `obj` is non-null and the host passes it for us to write.
        unsafe { *obj = std::ptr::null_mut() };
        // SAFETY: a class id is 16 bytes; the host passes a pointer to one.
        let requested = unsafe { *(cid as *const TUID) };
        if requested != class_tuid(self.info) {
            return kInvalidArgument;
        }
        let make = self.make;
        let info = self.info;
        let Ok(plugin) = catch_unwind(AssertUnwindSafe(|| Plugin::new(info, make()))) else {
            return kInvalidArgument;
        };
        let Some(instance) = ComWrapper::new(plugin).to_com_ptr::<FUnknown>() else { return kInvalidArgument };
        let unknown = instance.as_ptr();
        // SAFETY: `unknown` is a live object we own a reference to; its vtable's
        // queryInterface writes `obj` and adds the reference the caller gets.
        // Our own reference is released when `instance` drops.
        unsafe { ((*(*unknown).vtbl).queryInterface)(unknown, iid as *mut TUID, obj) }
    }
}

/// A fixed-size string buffer of either width VST3 uses.
trait TextBuffer {
    fn set(&mut self, text: &str);
}

impl TextBuffer for [std::ffi::c_char] {
    fn set(&mut self, text: &str) {
        copy_cstring(text, self);
    }
}

impl TextBuffer for [u16] {
    fn set(&mut self, text: &str) {
        copy_wstring(text, self);
    }
}

/// Fills the fields `PClassInfo2` and `PClassInfoW` share; they differ only in
/// the width of some strings.
macro_rules! fill_class_info {
    ($target:expr, $info:expr) => {{
        let (target, info) = ($target, $info);
        target.cid = class_tuid(info);
        target.cardinality = PClassInfo_::ClassCardinality_::kManyInstances as i32;
        copy_cstring(AUDIO_MODULE_CLASS, &mut target.category);
        target.name[..].set(info.name);
        target.classFlags = 0;
        copy_cstring(subcategories(info), &mut target.subCategories);
        target.vendor[..].set(info.vendor);
        target.version[..].set(info.version);
        target.sdkVersion[..].set(SDK_VERSION);
    }};
}

impl<P: Processor> IPluginFactory2Trait for Factory<P> {
    unsafe fn getClassInfo2(&self, index: i32, info: *mut PClassInfo2) -> tresult {
        // SAFETY: the host passes a writable PClassInfo2 or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        if index != 0 {
            return kInvalidArgument;
        }
        fill_class_info!(info, self.info);
        kResultOk
    }
}

impl<P: Processor> IPluginFactory3Trait for Factory<P> {
    unsafe fn getClassInfoUnicode(&self, index: i32, info: *mut PClassInfoW) -> tresult {
        // SAFETY: the host passes a writable PClassInfoW or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        if index != 0 {
            return kInvalidArgument;
        }
        fill_class_info!(info, self.info);
        kResultOk
    }

    unsafe fn setHostContext(&self, _context: *mut FUnknown) -> tresult {
        kResultOk
    }
}

/// The body of the exported `GetPluginFactory`: a new factory, or null if
/// building it panicked.
pub fn plugin_factory<P: Processor>(info: &'static PluginInfo, make: fn() -> P) -> *mut c_void {
    catch_unwind(AssertUnwindSafe(|| {
        ComWrapper::new(Factory { info, make })
            .to_com_ptr::<IPluginFactory>()
            .map_or(std::ptr::null_mut(), |factory| factory.into_raw().cast())
    }))
    .unwrap_or(std::ptr::null_mut())
}
