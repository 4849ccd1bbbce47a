//! Presets the CLAP way: a preset-discovery factory whose one provider
//! declares the plugin's presets as living inside the plugin
//! (`CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN`), each with its index as load key,
//! and the plugin's `clap.preset-load` extension, which applies one: its
//! values stored, the processor given every value again (as after a state
//! load), the host told to read the values again and that the preset loaded.

use std::ffi::{CStr, CString, c_char, c_void};

use clap_sys::ext::preset_load::clap_plugin_preset_load;
use clap_sys::factory::preset_discovery::{
    CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT, CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, clap_preset_discovery_factory,
    clap_preset_discovery_indexer, clap_preset_discovery_location, clap_preset_discovery_location_kind,
    clap_preset_discovery_metadata_receiver, clap_preset_discovery_provider, clap_preset_discovery_provider_descriptor,
};
use clap_sys::plugin::clap_plugin;
use clap_sys::universal_plugin_id::clap_universal_plugin_id;
use clap_sys::version::CLAP_VERSION;

use super::descriptor::plugin_id;
use super::entry::with_module;
use super::guard;
use super::plugin::Plugin;
use crate::engine::Processor;
use crate::plugin::PluginInfo;

/// A C string of `text` without NULs.
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// The one provider's descriptor and the strings it points into, owned by
/// the module while it is initialised.
pub(crate) struct ProviderDescriptor {
    raw: clap_preset_discovery_provider_descriptor,
    id: CString,
    _strings: [CString; 2],
}

// SAFETY: the raw pointers point into the CStrings this value owns (heap
// memory that does not move with it); nothing writes through them.
unsafe impl Send for ProviderDescriptor {}

impl ProviderDescriptor {
    pub(crate) fn new(info: &PluginInfo) -> Self {
        let id = c_string(&format!("{}.presets", plugin_id(info)));
        let name = c_string(&format!("{} presets", info.name));
        let vendor = c_string(info.vendor);
        let raw = clap_preset_discovery_provider_descriptor {
            clap_version: CLAP_VERSION,
            id: id.as_ptr(),
            name: name.as_ptr(),
            vendor: vendor.as_ptr(),
        };
        Self { raw, id, _strings: [name, vendor] }
    }
}

/// `get_factory`'s answer for the preset-discovery factory.
pub(crate) static FACTORY: clap_preset_discovery_factory =
    clap_preset_discovery_factory { count: Some(count), get_descriptor: Some(get_descriptor), create: Some(create) };

unsafe extern "C" fn count(_factory: *const clap_preset_discovery_factory) -> u32 {
    guard(0, || with_module(|module| u32::from(module.presets.is_some())).unwrap_or(0))
}

unsafe extern "C" fn get_descriptor(
    _factory: *const clap_preset_discovery_factory,
    index: u32,
) -> *const clap_preset_discovery_provider_descriptor {
    guard(std::ptr::null(), || {
        let descriptor = with_module(|module| module.presets.as_ref().map(|p| std::ptr::from_ref(&p.raw)));
        match descriptor.flatten() {
            // Boxed in the module: the address holds until the last deinit.
            Some(descriptor) if index == 0 => descriptor,
            _ => std::ptr::null(),
        }
    })
}

/// One provider a host created: what it reports its presets to.
struct Provider {
    raw: clap_preset_discovery_provider,
    indexer: *const clap_preset_discovery_indexer,
    info: &'static PluginInfo,
    location_name: CString,
    plugin_id: CString,
}

unsafe extern "C" fn create(
    _factory: *const clap_preset_discovery_factory,
    indexer: *const clap_preset_discovery_indexer,
    provider_id: *const c_char,
) -> *const clap_preset_discovery_provider {
    guard(std::ptr::null(), || {
        if indexer.is_null() || provider_id.is_null() {
            return std::ptr::null();
        }
        // SAFETY: a non-null id is NUL-terminated (CLAP's contract).
        let wanted = unsafe { CStr::from_ptr(provider_id) };
        let found = with_module(|module| {
            let presets = module.presets.as_ref()?;
            (presets.id.as_c_str() == wanted).then(|| (std::ptr::from_ref(&presets.raw), module.info))
        });
        let Some((desc, info)) = found.flatten() else { return std::ptr::null() };
        let provider = Box::into_raw(Box::new(Provider {
            raw: clap_preset_discovery_provider {
                desc,
                provider_data: std::ptr::null_mut(),
                init: Some(init),
                destroy: Some(destroy),
                get_metadata: Some(get_metadata),
                get_extension: Some(get_extension),
            },
            indexer,
            info,
            location_name: c_string(&format!("{} presets", info.name)),
            plugin_id: c_string(&plugin_id(info)),
        }));
        // SAFETY: just made from a Box, not shared yet; freed by `destroy`.
        unsafe {
            (*provider).raw.provider_data = provider.cast::<c_void>();
            &raw const (*provider).raw
        }
    })
}

/// The provider behind a host's pointer.
///
/// # Safety
/// `provider` is null or what [`create`] returned, not yet destroyed.
unsafe fn provider<'a>(provider: *const clap_preset_discovery_provider) -> Option<&'a Provider> {
    // SAFETY: per this function's contract: `provider_data` points to the
    // Provider holding `raw`.
    unsafe { provider.as_ref()?.provider_data.cast::<Provider>().as_ref() }
}

unsafe extern "C" fn init(provider_ptr: *const clap_preset_discovery_provider) -> bool {
    guard(false, || {
        // SAFETY: the host passes the provider `create` made.
        let Some(provider) = (unsafe { provider(provider_ptr) }) else { return false };
        // SAFETY: the indexer the host created the provider with lives as
        // long as the provider.
        let Some(declare) = (unsafe { provider.indexer.as_ref() }).and_then(|i| i.declare_location) else {
            return false;
        };
        let location = clap_preset_discovery_location {
            flags: CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT,
            name: provider.location_name.as_ptr(),
            kind: CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN,
            location: std::ptr::null(),
        };
        // SAFETY: the host's function with its own indexer and a location
        // that lives for the call (the host copies it).
        unsafe { declare(provider.indexer, &location) }
    })
}

unsafe extern "C" fn destroy(provider_ptr: *const clap_preset_discovery_provider) {
    guard((), || {
        // SAFETY: the host passes the provider `create` made, for the last time.
        let Some(data) = (unsafe { provider_ptr.as_ref() }).map(|p| p.provider_data) else { return };
        if !data.is_null() {
            // SAFETY: `provider_data` came from Box::into_raw in `create`.
            drop(unsafe { Box::from_raw(data.cast::<Provider>()) });
        }
    })
}

/// Every preset, each with its index as load key, for this plugin's id.
unsafe extern "C" fn get_metadata(
    provider_ptr: *const clap_preset_discovery_provider,
    kind: clap_preset_discovery_location_kind,
    location: *const c_char,
    receiver: *const clap_preset_discovery_metadata_receiver,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the provider `create` made.
        let Some(provider) = (unsafe { provider(provider_ptr) }) else { return false };
        // SAFETY: the host's receiver, valid for this call, or null.
        let Some(receiver_ref) = (unsafe { receiver.as_ref() }) else { return false };
        if kind != CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN || !location.is_null() {
            return false;
        }
        let (Some(begin), Some(add_id), Some(set_flags)) =
            (receiver_ref.begin_preset, receiver_ref.add_plugin_id, receiver_ref.set_flags)
        else {
            return false;
        };
        let id = clap_universal_plugin_id { abi: c"clap".as_ptr(), id: provider.plugin_id.as_ptr() };
        for (index, preset) in provider.info.presets.iter().enumerate() {
            let (name, key) = (c_string(preset.name), c_string(&index.to_string()));
            // SAFETY: the host's functions on its own receiver, with C
            // strings and an id that live for each call (the host copies them).
            unsafe {
                if !begin(receiver, name.as_ptr(), key.as_ptr()) {
                    break;
                }
                add_id(receiver, &id);
                set_flags(receiver, CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT);
            }
        }
        true
    })
}

unsafe extern "C" fn get_extension(
    _provider: *const clap_preset_discovery_provider,
    _id: *const c_char,
) -> *const c_void {
    std::ptr::null()
}

/// `clap.preset-load`.
pub(crate) struct PresetLoad<P>(std::marker::PhantomData<P>);

impl<P: Processor> PresetLoad<P> {
    pub(crate) const EXTENSION: clap_plugin_preset_load =
        clap_plugin_preset_load { from_location: Some(from_location::<P>) };
}

/// The preset a load key names: its index, as [`get_metadata`] wrote it.
///
/// # Safety
/// `load_key` is null or NUL-terminated.
unsafe fn preset_index(info: &PluginInfo, load_key: *const c_char) -> Option<usize> {
    if load_key.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    let key = unsafe { CStr::from_ptr(load_key) }.to_str().ok()?;
    key.parse::<usize>().ok().filter(|index| *index < info.presets.len())
}

unsafe extern "C" fn from_location<P: Processor>(
    plugin: *const clap_plugin,
    kind: clap_preset_discovery_location_kind,
    location: *const c_char,
    load_key: *const c_char,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        if kind != CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN || !location.is_null() {
            return false;
        }
        // SAFETY: the host's load key is NUL-terminated.
        let Some(index) = (unsafe { preset_index(plugin.info, load_key) }) else { return false };
        if !plugin.info.apply_preset(index, &plugin.params) {
            return false;
        }
        plugin.resend_params.store(true, std::sync::atomic::Ordering::Release);
        if let Some(host) = plugin.host() {
            host.rescan_param_values();
            host.preset_loaded(kind, location, load_key);
        }
        true
    })
}
