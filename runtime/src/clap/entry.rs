//! The module's entry: `clap_entry` (see [`crate::export_clap!`]), its
//! `init`/`deinit`, and the factories `get_factory` hands out: the plugin
//! factory, and the preset-discovery factory when the plugin has presets.
//!
//! `init` builds the module's state (the descriptor's C strings and a way to
//! create the plugin) and `deinit` frees it, so a host that loads and unloads
//! the library a thousand times leaves nothing behind. Calls are counted: the
//! state lives from the first `init` to the matching last `deinit`.

use std::ffi::{CStr, c_char, c_void};
use std::sync::{Mutex, MutexGuard, PoisonError};

use clap_sys::entry::clap_plugin_entry;
use clap_sys::factory::plugin_factory::{CLAP_PLUGIN_FACTORY_ID, clap_plugin_factory};
use clap_sys::factory::preset_discovery::{CLAP_PRESET_DISCOVERY_FACTORY_ID, CLAP_PRESET_DISCOVERY_FACTORY_ID_COMPAT};
use clap_sys::host::clap_host;
use clap_sys::plugin::{clap_plugin, clap_plugin_descriptor};
use clap_sys::version::CLAP_VERSION;

use super::descriptor::Descriptor;
use super::guard;
use super::plugin::Plugin;
use super::presets::{FACTORY as PRESET_FACTORY, ProviderDescriptor};
use crate::engine::Processor;
use crate::plugin::PluginInfo;

/// The exported entry's type: `clap_plugin_entry`, built in a constant.
#[repr(transparent)]
pub struct PluginEntry(clap_plugin_entry);

impl PluginEntry {
    /// The entry with these three functions and the CLAP version we speak.
    pub const fn new(
        init: extern "C" fn(*const c_char) -> bool,
        deinit: extern "C" fn(),
        get_factory: extern "C" fn(*const c_char) -> *const c_void,
    ) -> Self {
        Self(clap_plugin_entry {
            clap_version: CLAP_VERSION,
            init: Some(init as unsafe extern "C" fn(*const c_char) -> bool),
            deinit: Some(deinit as unsafe extern "C" fn()),
            get_factory: Some(get_factory as unsafe extern "C" fn(*const c_char) -> *const c_void),
        })
    }

    /// The `clap_plugin_entry` itself, as a host finds it behind `clap_entry`.
    pub fn raw(&self) -> &clap_plugin_entry {
        &self.0
    }
}

/// Creates one plugin instance for a host.
type Create = Box<dyn Fn(*const clap_host, *const clap_plugin_descriptor) -> *const clap_plugin + Send>;

pub(crate) struct Module {
    /// `init` calls not yet matched by `deinit`.
    refs: usize,
    pub(crate) info: &'static PluginInfo,
    descriptor: Box<Descriptor>,
    create: Create,
    /// The preset provider's descriptor, when the plugin has presets.
    pub(crate) presets: Option<Box<ProviderDescriptor>>,
}

/// The module's state between `init` and `deinit`. A plain static: it has no
/// destructor, so nothing is left registered when the host unloads us.
static MODULE: Mutex<Option<Module>> = Mutex::new(None);

fn module() -> MutexGuard<'static, Option<Module>> {
    MODULE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `call` on the module's state, if it is initialised.
pub(crate) fn with_module<T>(call: impl FnOnce(&Module) -> T) -> Option<T> {
    module().as_ref().map(call)
}

/// The body of the exported entry's `init`.
pub fn init<P: Processor>(info: &'static PluginInfo, make: fn() -> P, _path: *const c_char) -> bool {
    guard(false, || {
        let mut module = module();
        if let Some(module) = module.as_mut() {
            module.refs += 1;
            return true;
        }
        let create: Create = Box::new(move |host, descriptor| Plugin::create(info, make, host, descriptor));
        let presets = (!info.presets.is_empty()).then(|| Box::new(ProviderDescriptor::new(info)));
        *module = Some(Module { refs: 1, info, descriptor: Box::new(Descriptor::new(info)), create, presets });
        true
    })
}

/// The body of the exported entry's `deinit`.
pub fn deinit() {
    guard((), || {
        let mut module = module();
        if let Some(state) = module.as_mut() {
            state.refs -= 1;
            if state.refs == 0 {
                *module = None;
            }
        }
    })
}

/// The body of the exported entry's `get_factory`: the plugin factory, for
/// its id, once initialised; null otherwise.
///
/// # Safety
/// `id` is null or a NUL-terminated string, as CLAP hosts pass it.
pub unsafe fn get_factory(id: *const c_char) -> *const c_void {
    guard(std::ptr::null(), || {
        if id.is_null() || module().is_none() {
            return std::ptr::null();
        }
        // SAFETY: a non-null id is a NUL-terminated string (CLAP's contract).
        let id = unsafe { CStr::from_ptr(id) };
        let has_presets = with_module(|module| module.presets.is_some()).unwrap_or(false);
        if id == CLAP_PLUGIN_FACTORY_ID {
            std::ptr::from_ref(&FACTORY).cast()
        } else if has_presets
            && (id == CLAP_PRESET_DISCOVERY_FACTORY_ID || id == CLAP_PRESET_DISCOVERY_FACTORY_ID_COMPAT)
        {
            std::ptr::from_ref(&PRESET_FACTORY).cast()
        } else {
            std::ptr::null()
        }
    })
}

static FACTORY: clap_plugin_factory = clap_plugin_factory {
    get_plugin_count: Some(plugin_count),
    get_plugin_descriptor: Some(plugin_descriptor),
    create_plugin: Some(create_plugin),
};

unsafe extern "C" fn plugin_count(_factory: *const clap_plugin_factory) -> u32 {
    guard(0, || u32::from(module().is_some()))
}

unsafe extern "C" fn plugin_descriptor(
    _factory: *const clap_plugin_factory,
    index: u32,
) -> *const clap_plugin_descriptor {
    guard(std::ptr::null(), || match module().as_ref() {
        // The descriptor is boxed: its address holds until the last deinit.
        Some(module) if index == 0 => module.descriptor.raw(),
        _ => std::ptr::null(),
    })
}

unsafe extern "C" fn create_plugin(
    _factory: *const clap_plugin_factory,
    host: *const clap_host,
    plugin_id: *const c_char,
) -> *const clap_plugin {
    guard(std::ptr::null(), || {
        if host.is_null() || plugin_id.is_null() {
            return std::ptr::null();
        }
        // SAFETY: a non-null host is a live clap_host (CLAP's contract).
        let version = unsafe { (*host).clap_version };
        if !clap_sys::version::clap_version_is_compatible(version) {
            return std::ptr::null();
        }
        // SAFETY: a non-null id is a NUL-terminated string (CLAP's contract).
        let wanted = unsafe { CStr::from_ptr(plugin_id) };
        let module = module();
        match module.as_ref() {
            Some(module) if module.descriptor.id() == wanted => (module.create)(host, module.descriptor.raw()),
            _ => std::ptr::null(),
        }
    })
}
