//! `clap.params`: every parameter a host sees (the plugin's own, Bypass, the
//! two read-only meters), described once in [`crate::plugin::params`]. CLAP
//! speaks plain values (`min..=max`); the plugin keeps normalized ones, like
//! the VST3 layer, so both formats save the same state and send the processor
//! the same values.

use std::ffi::{CStr, c_char};
use std::sync::atomic::Ordering;

use clap_sys::events::{
    CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_GESTURE_BEGIN, CLAP_EVENT_PARAM_GESTURE_END, CLAP_EVENT_PARAM_VALUE,
    clap_event_header, clap_event_param_gesture, clap_event_param_value, clap_input_events, clap_output_events,
};
use clap_sys::ext::params::{
    CLAP_PARAM_IS_AUTOMATABLE, CLAP_PARAM_IS_BYPASS, CLAP_PARAM_IS_READONLY, CLAP_PARAM_IS_STEPPED, clap_param_info,
    clap_plugin_params,
};
use clap_sys::id::clap_id;
use clap_sys::plugin::clap_plugin;

use super::plugin::Plugin;
use super::ports::copy_c;
use super::{guard, process};
use crate::engine::Processor;
use crate::plugin::params::{HostParam, Role};

pub(crate) struct Params<P>(std::marker::PhantomData<P>);

impl<P: Processor> Params<P> {
    pub(crate) const EXTENSION: clap_plugin_params = clap_plugin_params {
        count: Some(count::<P>),
        get_info: Some(get_info::<P>),
        get_value: Some(get_value::<P>),
        value_to_text: Some(value_to_text::<P>),
        text_to_value: Some(text_to_value::<P>),
        flush: Some(flush::<P>),
    };
}

/// The CLAP flags of a parameter, from what it is for.
fn flags(param: HostParam) -> u32 {
    let stepped = if param.steps() > 0 { CLAP_PARAM_IS_STEPPED } else { 0 };
    let automatable = if param.spec.automatable { CLAP_PARAM_IS_AUTOMATABLE } else { 0 };
    match param.role {
        Role::Own => automatable | stepped,
        Role::Bypass => automatable | stepped | CLAP_PARAM_IS_BYPASS,
        Role::Meter => CLAP_PARAM_IS_READONLY | stepped,
    }
}

/// The parameter `id`, for a call on `plugin`.
///
/// # Safety
/// `plugin` is what the host got from create_plugin.
unsafe fn lookup<'a, P: Processor>(
    plugin: *const clap_plugin,
    id: clap_id,
) -> Option<(&'a Plugin<P>, usize, HostParam)> {
    // SAFETY: per this function's contract.
    let plugin = unsafe { Plugin::<P>::from_raw(plugin) }?;
    let (index, param) = plugin.info.host_param_by_id(id)?;
    Some((plugin, index, param))
}

unsafe extern "C" fn count<P: Processor>(plugin: *const clap_plugin) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }.map_or(0, |p| p.info.host_param_count() as u32)
    })
}

unsafe extern "C" fn get_info<P: Processor>(
    plugin: *const clap_plugin,
    index: u32,
    info: *mut clap_param_info,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // SAFETY: the host passes a writable clap_param_info or null.
        let Some(info) = (unsafe { info.as_mut() }) else { return false };
        let Some(param) = plugin.info.host_param(index as usize) else { return false };
        info.id = param.id();
        info.flags = flags(param);
        info.cookie = std::ptr::null_mut();
        copy_c(param.spec.title, &mut info.name);
        copy_c("", &mut info.module);
        info.min_value = param.spec.min;
        info.max_value = param.spec.max;
        info.default_value = param.to_plain(param.default_normalized());
        true
    })
}

unsafe extern "C" fn get_value<P: Processor>(plugin: *const clap_plugin, id: clap_id, out: *mut f64) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some((plugin, index, param)) = (unsafe { lookup::<P>(plugin, id) }) else { return false };
        // SAFETY: the host passes a writable f64 or null.
        let Some(out) = (unsafe { out.as_mut() }) else { return false };
        *out = param.to_plain(plugin.normalized(index));
        true
    })
}

unsafe extern "C" fn value_to_text<P: Processor>(
    plugin: *const clap_plugin,
    id: clap_id,
    value: f64,
    buffer: *mut c_char,
    capacity: u32,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some((_, _, param)) = (unsafe { lookup::<P>(plugin, id) }) else { return false };
        if buffer.is_null() || capacity == 0 || !value.is_finite() {
            return false;
        }
        // SAFETY: the host's buffer holds `capacity` bytes.
        let buffer = unsafe { std::slice::from_raw_parts_mut(buffer, capacity as usize) };
        let text = param.text(param.to_normalized(value));
        // Cut at a character boundary, never inside a UTF-8 sequence.
        let mut end = text.len().min(buffer.len() - 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        copy_c(&text[..end], buffer);
        true
    })
}

unsafe extern "C" fn text_to_value<P: Processor>(
    plugin: *const clap_plugin,
    id: clap_id,
    text: *const c_char,
    out: *mut f64,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some((_, _, param)) = (unsafe { lookup::<P>(plugin, id) }) else { return false };
        if text.is_null() {
            return false;
        }
        // SAFETY: a non-null text is NUL-terminated (CLAP's contract).
        let Ok(text) = unsafe { CStr::from_ptr(text) }.to_str() else { return false };
        // SAFETY: the host passes a writable f64 or null.
        let Some(out) = (unsafe { out.as_mut() }) else { return false };
        match param.parse(text) {
            Some(normalized) => {
                *out = param.to_plain(normalized);
                true
            }
            None => false,
        }
    })
}

#[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
unsafe extern "C" fn flush<P: Processor>(
    plugin: *const clap_plugin,
    input: *const clap_input_events,
    output: *const clap_output_events,
) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return };
        // Active: on the audio thread, which holds nothing else now. Inactive:
        // on the main thread, with no `process` to wait for.
        let Some(mut audio) = plugin.audio.try_lock() else { return };
        // SAFETY: the host's lists, valid for this call, or null.
        unsafe { process::flush(&mut audio, plugin, input, output) };
        if !audio.engine.is_active() {
            // Values were stored; the processor gets them when activated.
            plugin.resend_params.store(true, Ordering::Release);
        }
    })
}

/// Tells the host a parameter's plain value through its output events.
///
/// # Safety
/// `out` is null or the host's output list, valid for this call.
pub(crate) unsafe fn push_value(out: *const clap_output_events, id: clap_id, plain: f64) {
    // SAFETY: per this function's contract.
    let Some(list) = (unsafe { out.as_ref() }) else { return };
    let Some(try_push) = list.try_push else { return };
    let event = clap_event_param_value {
        header: clap_event_header {
            size: size_of::<clap_event_param_value>() as u32,
            time: 0,
            space_id: CLAP_CORE_EVENT_SPACE_ID,
            type_: CLAP_EVENT_PARAM_VALUE,
            flags: 0,
        },
        param_id: id,
        cookie: std::ptr::null_mut(),
        note_id: -1,
        port_index: -1,
        channel: -1,
        key: -1,
        value: plain,
    };
    // SAFETY: the host's function on its own list, with a complete event that
    // lives for the call (the host copies it).
    unsafe { try_push(list, &event.header) };
}

/// Tells the host a gesture on a parameter begins (`begin`) or ends, through
/// its output events.
///
/// # Safety
/// `out` is null or the host's output list, valid for this call.
pub(crate) unsafe fn push_gesture(out: *const clap_output_events, id: clap_id, begin: bool) {
    // SAFETY: per this function's contract.
    let Some(list) = (unsafe { out.as_ref() }) else { return };
    let Some(try_push) = list.try_push else { return };
    let event = clap_event_param_gesture {
        header: clap_event_header {
            size: size_of::<clap_event_param_gesture>() as u32,
            time: 0,
            space_id: CLAP_CORE_EVENT_SPACE_ID,
            type_: if begin { CLAP_EVENT_PARAM_GESTURE_BEGIN } else { CLAP_EVENT_PARAM_GESTURE_END },
            flags: 0,
        },
        param_id: id,
    };
    // SAFETY: the host's function on its own list, with a complete event that
    // lives for the call (the host copies it).
    unsafe { try_push(list, &event.header) };
}
