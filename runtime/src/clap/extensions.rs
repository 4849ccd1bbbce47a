//! The extensions the plugin offers (`get_extension`), and the small ones
//! that need no file of their own: latency, tail and render mode.

use std::ffi::{CStr, c_char, c_void};
use std::sync::atomic::Ordering;

use clap_sys::ext::audio_ports::CLAP_EXT_AUDIO_PORTS;
use clap_sys::ext::audio_ports_config::CLAP_EXT_AUDIO_PORTS_CONFIG;
use clap_sys::ext::gui::CLAP_EXT_GUI;
use clap_sys::ext::latency::{CLAP_EXT_LATENCY, clap_plugin_latency};
use clap_sys::ext::note_ports::CLAP_EXT_NOTE_PORTS;
use clap_sys::ext::params::CLAP_EXT_PARAMS;
use clap_sys::ext::preset_load::{CLAP_EXT_PRESET_LOAD, CLAP_EXT_PRESET_LOAD_COMPAT};
use clap_sys::ext::render::{CLAP_EXT_RENDER, CLAP_RENDER_OFFLINE, clap_plugin_render, clap_plugin_render_mode};
use clap_sys::ext::state::CLAP_EXT_STATE;
use clap_sys::ext::surround::{CLAP_EXT_SURROUND, CLAP_EXT_SURROUND_COMPAT};
use clap_sys::ext::tail::{CLAP_EXT_TAIL, clap_plugin_tail};
use clap_sys::plugin::clap_plugin;

use super::guard;
use super::gui::GuiExtension;
use super::layouts::Layouts;
use super::params::Params;
use super::plugin::Plugin;
use super::ports::Ports;
use super::presets::PresetLoad;
use super::state::State;
use crate::engine::Processor;
use crate::plugin::PluginKind;

struct Small<P>(std::marker::PhantomData<P>);

impl<P: Processor> Small<P> {
    const LATENCY: clap_plugin_latency = clap_plugin_latency { get: Some(latency::<P>) };
    const TAIL: clap_plugin_tail = clap_plugin_tail { get: Some(tail::<P>) };
    const RENDER: clap_plugin_render =
        clap_plugin_render { has_hard_realtime_requirement: Some(hard_realtime), set: Some(set_render::<P>) };
}

/// `get_extension`: the extension named `id`, or null.
pub(crate) unsafe extern "C" fn get<P: Processor>(plugin: *const clap_plugin, id: *const c_char) -> *const c_void {
    guard(std::ptr::null(), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return std::ptr::null() };
        if id.is_null() {
            return std::ptr::null();
        }
        // SAFETY: a non-null id is NUL-terminated (CLAP's contract).
        let id = unsafe { CStr::from_ptr(id) };
        let instrument = plugin.info.kind == PluginKind::Instrument;
        // Each table is a constant promoted to a static: it outlives the plugin.
        let table: *const c_void = if id == CLAP_EXT_AUDIO_PORTS {
            std::ptr::from_ref(&Ports::<P>::AUDIO).cast()
        } else if id == CLAP_EXT_AUDIO_PORTS_CONFIG {
            std::ptr::from_ref(&Layouts::<P>::EXTENSION).cast()
        } else if id == CLAP_EXT_NOTE_PORTS && instrument {
            std::ptr::from_ref(&Ports::<P>::NOTES).cast()
        } else if id == CLAP_EXT_SURROUND || id == CLAP_EXT_SURROUND_COMPAT {
            std::ptr::from_ref(&Ports::<P>::SURROUND).cast()
        } else if id == CLAP_EXT_PARAMS {
            std::ptr::from_ref(&Params::<P>::EXTENSION).cast()
        } else if id == CLAP_EXT_STATE {
            std::ptr::from_ref(&State::<P>::EXTENSION).cast()
        } else if id == CLAP_EXT_LATENCY {
            std::ptr::from_ref(&Small::<P>::LATENCY).cast()
        } else if id == CLAP_EXT_TAIL {
            std::ptr::from_ref(&Small::<P>::TAIL).cast()
        } else if id == CLAP_EXT_RENDER {
            std::ptr::from_ref(&Small::<P>::RENDER).cast()
        } else if (id == CLAP_EXT_PRESET_LOAD || id == CLAP_EXT_PRESET_LOAD_COMPAT) && !plugin.info.presets.is_empty() {
            std::ptr::from_ref(&PresetLoad::<P>::EXTENSION).cast()
        } else if id == CLAP_EXT_GUI && plugin.info.editor.is_some() {
            std::ptr::from_ref(&GuiExtension::<P>::EXTENSION).cast()
        } else {
            std::ptr::null()
        };
        table
    })
}

/// The latency of the current activation: valid from `activate` on, as CLAP
/// asks, and the same as VST3's `getLatencySamples`.
unsafe extern "C" fn latency<P: Processor>(plugin: *const clap_plugin) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }.map_or(0, |p| p.latency.load(Ordering::Acquire))
    })
}

/// The tail in frames: the engine's (the processor's tail plus the latency),
/// the value VST3's `getTailSamples` reports (see [`crate::plugin::tail`]);
/// `u32::MAX` (at least `INT32_MAX`: infinite) for an infinite one.
unsafe extern "C" fn tail<P: Processor>(plugin: *const clap_plugin) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return 0 };
        crate::plugin::tail::reported_frames(plugin.stats.tail()).unwrap_or(u32::MAX)
    })
}

unsafe extern "C" fn hard_realtime(_plugin: *const clap_plugin) -> bool {
    false
}

/// `CLAP_RENDER_OFFLINE` runs every call inline, like VST3's kOffline: the
/// same latency and output, computed on the calling thread.
unsafe extern "C" fn set_render<P: Processor>(plugin: *const clap_plugin, mode: clap_plugin_render_mode) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        plugin.offline.store(mode == CLAP_RENDER_OFFLINE, Ordering::Relaxed);
        true
    })
}
