//! `clap.state`: the plugin's own parameters and bypass, in the same bytes as
//! the VST3 layer's state ([`crate::plugin::state`]), so a session saved with
//! one format loads in the other.

use std::sync::atomic::Ordering;

use clap_sys::ext::state::clap_plugin_state;
use clap_sys::plugin::clap_plugin;
use clap_sys::stream::{clap_istream, clap_ostream};

use super::guard;
use super::plugin::Plugin;
use crate::engine::Processor;
use crate::plugin::params::Role;
use crate::plugin::state;

pub(crate) struct State<P>(std::marker::PhantomData<P>);

impl<P: Processor> State<P> {
    pub(crate) const EXTENSION: clap_plugin_state = clap_plugin_state { save: Some(save::<P>), load: Some(load::<P>) };
}

unsafe extern "C" fn save<P: Processor>(plugin: *const clap_plugin, stream: *const clap_ostream) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // SAFETY: the host passes a live stream or null.
        let Some(stream) = (unsafe { stream.as_ref() }) else { return false };
        let Some(write) = stream.write else { return false };
        let values: Vec<(u32, f64)> = plugin
            .info
            .host_params()
            .filter(|(_, p)| p.role != Role::Meter)
            .map(|(index, p)| (p.id(), plugin.normalized(index)))
            .collect();
        let chosen = plugin.file.as_ref().map(|file| file.chosen());
        let bytes = state::encode(values.into_iter(), state::file_entry(&chosen));
        let mut written = 0;
        while written < bytes.len() {
            let rest = &bytes[written..];
            // SAFETY: the host's function on its own stream, reading `rest`,
            // which lives for the call.
            let n = unsafe { write(stream, rest.as_ptr().cast(), rest.len() as u64) };
            match usize::try_from(n) {
                Ok(n) if n > 0 && n <= rest.len() => written += n,
                _ => return false,
            }
        }
        true
    })
}

unsafe extern "C" fn load<P: Processor>(plugin: *const clap_plugin, stream: *const clap_istream) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // SAFETY: the host passes a live stream or null.
        let Some(stream) = (unsafe { stream.as_ref() }) else { return false };
        let Some(read) = stream.read else { return false };
        let mut bytes = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            // SAFETY: the host's function on its own stream, writing at most
            // `chunk.len()` bytes into `chunk`.
            let n = unsafe { read(stream, chunk.as_mut_ptr().cast(), chunk.len() as u64) };
            match usize::try_from(n) {
                Ok(0) => break,
                Ok(n) if n <= chunk.len() => bytes.extend_from_slice(&chunk[..n]),
                _ => return false,
            }
            if bytes.len() > state::MAX_BYTES {
                return false;
            }
        }
        let Ok(state::Decoded { values, file }) = state::decode(&bytes) else { return false };
        for (id, value) in values {
            // A parameter this version no longer has is skipped, not an error.
            plugin.set_normalized(id, value);
        }
        // The file is read here, on the main thread, before the next
        // activation prepares the processor with it.
        if let Some(slot) = &plugin.file {
            slot.restore(file.as_deref());
        }
        plugin.resend_params.store(true, Ordering::Release);
        if let Some(host) = plugin.host() {
            host.rescan_param_values();
        }
        true
    })
}
