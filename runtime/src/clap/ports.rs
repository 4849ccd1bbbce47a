//! Audio ports (one main port each way for an effect, one output for an
//! instrument, the channel count in force in its natural layout), the
//! surround extension that names that layout's speakers, and note ports (one
//! input for an instrument).

use std::ffi::c_char;
use std::sync::atomic::Ordering;

use clap_sys::ext::audio_ports::{
    CLAP_AUDIO_PORT_IS_MAIN, CLAP_AUDIO_PORT_SUPPORTS_64BITS, CLAP_PORT_MONO, CLAP_PORT_STEREO, clap_audio_port_info,
    clap_plugin_audio_ports,
};
use clap_sys::ext::note_ports::{
    CLAP_NOTE_DIALECT_CLAP, CLAP_NOTE_DIALECT_MIDI, clap_note_port_info, clap_plugin_note_ports,
};
use clap_sys::ext::surround::{
    CLAP_PORT_SURROUND, CLAP_SURROUND_BL, CLAP_SURROUND_BR, CLAP_SURROUND_FC, CLAP_SURROUND_FL, CLAP_SURROUND_FR,
    CLAP_SURROUND_LFE, CLAP_SURROUND_SL, CLAP_SURROUND_SR, clap_plugin_surround,
};
use clap_sys::id::CLAP_INVALID_ID;
use clap_sys::plugin::clap_plugin;

use super::guard;
use super::plugin::Plugin;
use crate::engine::Processor;
use crate::plugin::{PluginInfo, PluginKind};

/// The natural speaker layout of `channels` channels (1 to
/// [`crate::limits::MAX_CHANNELS`]), as CLAP surround positions: the same
/// layouts the VST3 layer shows (mono, stereo, L R C, quad, 5.0, 5.1, 7.0,
/// 7.1), VST3's surround pair being CLAP's back pair and its side pair CLAP's
/// side pair.
pub(crate) fn channel_map(channels: usize) -> Option<&'static [u8]> {
    const FL: u8 = CLAP_SURROUND_FL as u8;
    const FR: u8 = CLAP_SURROUND_FR as u8;
    const FC: u8 = CLAP_SURROUND_FC as u8;
    const LFE: u8 = CLAP_SURROUND_LFE as u8;
    const BL: u8 = CLAP_SURROUND_BL as u8;
    const BR: u8 = CLAP_SURROUND_BR as u8;
    const SL: u8 = CLAP_SURROUND_SL as u8;
    const SR: u8 = CLAP_SURROUND_SR as u8;
    Some(match channels {
        1 => &[FC],
        2 => &[FL, FR],
        3 => &[FL, FR, FC],
        4 => &[FL, FR, BL, BR],
        5 => &[FL, FR, FC, BL, BR],
        6 => &[FL, FR, FC, LFE, BL, BR],
        7 => &[FL, FR, FC, BL, BR, SL, SR],
        8 => &[FL, FR, FC, LFE, BL, BR, SL, SR],
        _ => return None,
    })
}

/// The channel mask (bit n: surround position n) of the natural layout.
pub(crate) fn channel_mask(channels: usize) -> Option<u64> {
    channel_map(channels).map(|map| map.iter().fold(0, |mask, position| mask | (1 << position)))
}

/// CLAP's port type for `channels` channels in their natural layout.
pub(crate) fn port_type(channels: usize) -> *const c_char {
    match channels {
        1 => CLAP_PORT_MONO.as_ptr(),
        2 => CLAP_PORT_STEREO.as_ptr(),
        _ => CLAP_PORT_SURROUND.as_ptr(),
    }
}

/// Audio ports the plugin has in a direction.
pub(crate) fn audio_port_count(info: &PluginInfo, is_input: bool) -> u32 {
    u32::from(!is_input || info.kind == PluginKind::Effect)
}

/// Copies `text` into a NUL-terminated C buffer, truncating to fit.
pub(crate) fn copy_c(text: &str, dst: &mut [c_char]) {
    let Some(room) = dst.len().checked_sub(1) else { return };
    let bytes = &text.as_bytes()[..text.len().min(room)];
    for (d, s) in dst.iter_mut().zip(bytes) {
        *d = *s as c_char;
    }
    dst[bytes.len()] = 0;
}

pub(crate) struct Ports<P>(std::marker::PhantomData<P>);

impl<P: Processor> Ports<P> {
    pub(crate) const AUDIO: clap_plugin_audio_ports =
        clap_plugin_audio_ports { count: Some(audio_count::<P>), get: Some(audio_get::<P>) };
    pub(crate) const NOTES: clap_plugin_note_ports =
        clap_plugin_note_ports { count: Some(note_count::<P>), get: Some(note_get::<P>) };
    pub(crate) const SURROUND: clap_plugin_surround = clap_plugin_surround {
        is_channel_mask_supported: Some(mask_supported::<P>),
        get_channel_map: Some(get_channel_map::<P>),
    };
}

unsafe extern "C" fn audio_count<P: Processor>(plugin: *const clap_plugin, is_input: bool) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }.map_or(0, |p| audio_port_count(p.info, is_input))
    })
}

unsafe extern "C" fn audio_get<P: Processor>(
    plugin: *const clap_plugin,
    index: u32,
    is_input: bool,
    info: *mut clap_audio_port_info,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // SAFETY: the host passes a writable clap_audio_port_info or null.
        let Some(info) = (unsafe { info.as_mut() }) else { return false };
        if index >= audio_port_count(plugin.info, is_input) {
            return false;
        }
        let channels = plugin.channels.load(Ordering::Acquire);
        info.id = 0;
        copy_c(if is_input { "Input" } else { "Output" }, &mut info.name);
        info.flags = CLAP_AUDIO_PORT_IS_MAIN | CLAP_AUDIO_PORT_SUPPORTS_64BITS;
        info.channel_count = channels as u32;
        info.port_type = port_type(channels);
        // An effect may be processed in place: its input pairs with its output.
        info.in_place_pair = if plugin.info.kind == PluginKind::Effect { 0 } else { CLAP_INVALID_ID };
        true
    })
}

unsafe extern "C" fn mask_supported<P: Processor>(plugin: *const clap_plugin, mask: u64) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }
            .is_some_and(|p| channel_mask(p.channels.load(Ordering::Acquire)) == Some(mask))
    })
}

unsafe extern "C" fn get_channel_map<P: Processor>(
    plugin: *const clap_plugin,
    is_input: bool,
    port_index: u32,
    map: *mut u8,
    capacity: u32,
) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return 0 };
        if port_index >= audio_port_count(plugin.info, is_input) || map.is_null() {
            return 0;
        }
        let Some(ours) = channel_map(plugin.channels.load(Ordering::Acquire)) else { return 0 };
        let count = ours.len().min(capacity as usize);
        // SAFETY: the host's buffer holds `capacity` >= `count` bytes.
        unsafe { std::ptr::copy_nonoverlapping(ours.as_ptr(), map, count) };
        count as u32
    })
}

unsafe extern "C" fn note_count<P: Processor>(plugin: *const clap_plugin, is_input: bool) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let instrument =
            unsafe { Plugin::<P>::from_raw(plugin) }.is_some_and(|p| p.info.kind == PluginKind::Instrument);
        u32::from(is_input && instrument)
    })
}

unsafe extern "C" fn note_get<P: Processor>(
    plugin: *const clap_plugin,
    index: u32,
    is_input: bool,
    info: *mut clap_note_port_info,
) -> bool {
    guard(false, || {
        // SAFETY: plain query of our own answer.
        if index >= unsafe { note_count::<P>(plugin, is_input) } {
            return false;
        }
        // SAFETY: the host passes a writable clap_note_port_info or null.
        let Some(info) = (unsafe { info.as_mut() }) else { return false };
        info.id = 0;
        info.supported_dialects = CLAP_NOTE_DIALECT_CLAP | CLAP_NOTE_DIALECT_MIDI;
        info.preferred_dialect = CLAP_NOTE_DIALECT_CLAP;
        copy_c("Notes", &mut info.name);
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_CHANNELS;

    #[test]
    fn every_channel_count_has_one_speaker_per_channel_in_its_natural_layout() {
        for channels in 1..=MAX_CHANNELS {
            let map = channel_map(channels).unwrap();
            assert_eq!(map.len(), channels);
            assert_eq!(channel_mask(channels).unwrap().count_ones() as usize, channels, "no speaker twice");
        }
        // Quad is front and back pairs, not L R C LFE; 7.1 adds the side pair.
        assert_eq!(channel_map(4), Some(&[0, 1, 4, 5][..]));
        assert_eq!(channel_map(8), Some(&[0, 1, 2, 3, 4, 5, 9, 10][..]));
        assert_eq!(channel_map(0), None);
        assert_eq!(channel_map(MAX_CHANNELS + 1), None);
    }
}
