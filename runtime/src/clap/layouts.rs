//! `clap.audio-ports-config`: the bus layouts a host may choose, one
//! configuration per channel count of [`crate::plugin::PluginInfo::layouts`]
//! (id = its index, the preferred first), selected while the plugin is
//! deactivated and in force from the next `activate`. CLAP's counterpart of
//! VST3's `setBusArrangements`.

use std::sync::atomic::Ordering;

use clap_sys::ext::audio_ports_config::{clap_audio_ports_config, clap_plugin_audio_ports_config};
use clap_sys::id::clap_id;
use clap_sys::plugin::clap_plugin;

use super::guard;
use super::plugin::Plugin;
use super::ports::{audio_port_count, copy_c, port_type};
use crate::engine::Processor;

pub(crate) struct Layouts<P>(std::marker::PhantomData<P>);

impl<P: Processor> Layouts<P> {
    pub(crate) const EXTENSION: clap_plugin_audio_ports_config =
        clap_plugin_audio_ports_config { count: Some(count::<P>), get: Some(get::<P>), select: Some(select::<P>) };
}

/// What a host shows for a configuration of `channels` channels.
fn name(channels: usize) -> String {
    match channels {
        1 => "Mono".to_string(),
        2 => "Stereo".to_string(),
        4 => "Quad".to_string(),
        6 => "5.1".to_string(),
        8 => "7.1".to_string(),
        n => format!("{n} channels"),
    }
}

unsafe extern "C" fn count<P: Processor>(plugin: *const clap_plugin) -> u32 {
    guard(0, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }.map_or(0, |p| p.info.layouts.len() as u32)
    })
}

unsafe extern "C" fn get<P: Processor>(
    plugin: *const clap_plugin,
    index: u32,
    config: *mut clap_audio_ports_config,
) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // SAFETY: the host passes a writable clap_audio_ports_config or null.
        let Some(config) = (unsafe { config.as_mut() }) else { return false };
        let Some(&channels) = plugin.info.layouts.get(index as usize) else { return false };
        let (inputs, outputs) = (audio_port_count(plugin.info, true), audio_port_count(plugin.info, false));
        config.id = index;
        copy_c(&name(channels), &mut config.name);
        config.input_port_count = inputs;
        config.output_port_count = outputs;
        config.has_main_input = inputs > 0;
        config.main_input_channel_count = if inputs > 0 { channels as u32 } else { 0 };
        config.main_input_port_type = if inputs > 0 { port_type(channels) } else { std::ptr::null() };
        config.has_main_output = true;
        config.main_output_channel_count = channels as u32;
        config.main_output_port_type = port_type(channels);
        true
    })
}

/// Takes configuration `id` (an index into the layouts) while deactivated;
/// refused while active or for an unknown id, leaving the one in force.
unsafe extern "C" fn select<P: Processor>(plugin: *const clap_plugin, id: clap_id) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        let Some(&channels) = plugin.info.layouts.get(id as usize) else { return false };
        let audio = plugin.audio_blocking();
        if audio.engine.is_active() {
            return false;
        }
        plugin.channels.store(channels, Ordering::Release);
        true
    })
}
