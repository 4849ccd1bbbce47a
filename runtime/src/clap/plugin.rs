//! The plugin object a host gets from the factory: the engine, every
//! parameter's value and the lifecycle (`init`, `activate`, `start_processing`,
//! `process`, `reset`, `deactivate`, `destroy`).
//!
//! Threads: CLAP calls `activate`, `deactivate` and the extensions' main-thread
//! functions on the main thread and `process` on the audio thread, never both
//! at once. The engine sits in an [`Exclusive`] cell anyway: `process` only
//! tries it (a host that breaks the rule gets an error status, never a data
//! race), and main-thread calls wait for it. A host with `clap.thread-check`
//! that calls `activate`, `deactivate` or a state load on its audio thread is
//! refused rather than made to wait there.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use clap_sys::host::clap_host;
use clap_sys::plugin::{clap_plugin, clap_plugin_descriptor};
use clap_sys::process::{CLAP_PROCESS_ERROR, clap_process, clap_process_status};

use super::extensions;
use super::guard;
use super::gui::Gui;
use super::host::Host;
use super::process::{self, Audio};
use crate::editor::EditorContext;
use crate::engine::{EngineStatsHandle, PositionReference, ProcessSetup, Processor};
use crate::exclusive::{Exclusive, ExclusiveGuard};
use crate::plugin::params::Role;
use crate::plugin::{FileSlot, PluginInfo};

/// The largest block the engine is prepared for: CLAP hosts may announce up
/// to `i32::MAX` frames, and the engine splits larger blocks anyway.
const MAX_PREPARED_BLOCK: u32 = 1 << 16;

/// No latency reported yet.
const NOT_REPORTED: u64 = u64::MAX;

pub(crate) struct Plugin<P: Processor> {
    /// What the host holds; `plugin_data` points back here.
    raw: clap_plugin,
    host_raw: *const clap_host,
    /// The host's callbacks and extensions, from `init` on.
    host: OnceLock<Host>,
    pub(crate) info: &'static PluginInfo,
    pub(crate) audio: Exclusive<Audio<P>>,
    /// Normalized values of every parameter a host sees, in host order (see
    /// [`crate::plugin::params`]): the same values, and so the same saved
    /// state, as the VST3 layer's; the editor reads and edits the same ones.
    pub(crate) params: Arc<[AtomicU64]>,
    /// Set when values changed outside `process` (state loaded, activation,
    /// restart): the next `process` or flush sends them all first.
    pub(crate) resend_params: AtomicBool,
    /// Set by `start_processing` and `reset`: the next `process` restarts the
    /// engine first, without waiting or allocating.
    pub(crate) restart_requested: AtomicBool,
    /// `clap.render`: offline renders run inline, like VST3's kOffline.
    pub(crate) offline: AtomicBool,
    /// The latency of the current activation, in frames.
    pub(crate) latency: AtomicU32,
    /// Reads the engine's tail from any thread.
    pub(crate) stats: EngineStatsHandle,
    /// The main ports' channel count in force: one of `info.layouts`, the
    /// first until a host selects another (`clap.audio-ports-config`, while
    /// deactivated). The engine is prepared for it at `activate`.
    pub(crate) channels: AtomicUsize,
    /// The latency the host last read from an activation ([`NOT_REPORTED`]
    /// before the first): a new one tells the host it changed.
    reported_latency: AtomicU64,
    /// Adaptive latency: the wanted latency (ms, f64 bits) the host was last
    /// asked to restart for.
    pub(crate) restart_asked_for: AtomicU64,
    /// What the editor reads and edits through.
    pub(crate) editor: Arc<EditorContext>,
    /// The editor's window (`clap.gui`).
    pub(crate) gui: Gui,
    /// The file the processor plays from, if it has one (saved with the state).
    pub(crate) file: Option<Arc<dyn FileSlot>>,
}

// SAFETY: the raw pointers are the host's (`host_raw`, and the descriptor in
// `raw`, owned by the module until the last `deinit`), valid for the plugin's
// life and only read; everything mutable is atomic or inside `Exclusive`.
unsafe impl<P: Processor> Sync for Plugin<P> {}
// SAFETY: as for Sync; the processor itself is Send.
unsafe impl<P: Processor> Send for Plugin<P> {}

impl<P: Processor> Plugin<P> {
    /// A new instance for `host`, or null if building it panicked.
    pub(crate) fn create(
        info: &'static PluginInfo,
        make: fn() -> P,
        host: *const clap_host,
        descriptor: *const clap_plugin_descriptor,
    ) -> *const clap_plugin {
        let Some(plugin) = guard(None, || Some(Box::new(Self::new(info, make(), host, descriptor)))) else {
            return std::ptr::null();
        };
        let plugin = Box::into_raw(plugin);
        // SAFETY: `plugin` was just made from a Box and is not shared yet; it is
        // freed by `destroy`, the host's last call on it.
        unsafe {
            (*plugin).raw.plugin_data = plugin.cast();
            &raw const (*plugin).raw
        }
    }

    fn new(
        info: &'static PluginInfo,
        mut processor: P,
        host: *const clap_host,
        desc: *const clap_plugin_descriptor,
    ) -> Self {
        let file = processor.take_file_slot();
        let engine = crate::engine::Engine::new(processor, info.engine_config());
        let params: Arc<[AtomicU64]> =
            info.host_params().map(|(_, p)| AtomicU64::new(p.default_normalized().to_bits())).collect();
        let stats = engine.stats_handle();
        let (editor, edits) = EditorContext::new(info, Arc::clone(&params), engine.stats_handle(), file.clone());
        Self {
            raw: clap_plugin {
                desc,
                plugin_data: std::ptr::null_mut(),
                init: Some(init::<P>),
                destroy: Some(destroy::<P>),
                activate: Some(activate::<P>),
                deactivate: Some(deactivate::<P>),
                start_processing: Some(start_processing::<P>),
                stop_processing: Some(stop_processing),
                reset: Some(reset::<P>),
                process: Some(process::<P>),
                get_extension: Some(extensions::get::<P>),
                on_main_thread: Some(on_main_thread::<P>),
            },
            host_raw: host,
            host: OnceLock::new(),
            info,
            audio: Exclusive::new(Audio::new(engine, edits)),
            params,
            resend_params: AtomicBool::new(true),
            restart_requested: AtomicBool::new(false),
            offline: AtomicBool::new(false),
            latency: AtomicU32::new(0),
            stats,
            channels: AtomicUsize::new(info.channels()),
            reported_latency: AtomicU64::new(NOT_REPORTED),
            restart_asked_for: AtomicU64::new(0),
            editor,
            gui: Gui::default(),
            file,
        }
    }

    /// The instance behind a host's plugin pointer.
    ///
    /// # Safety
    /// `plugin` is null or a pointer [`Self::create`] returned, not yet destroyed.
    pub(crate) unsafe fn from_raw<'a>(plugin: *const clap_plugin) -> Option<&'a Self> {
        // SAFETY: per this function's contract.
        let data = unsafe { plugin.as_ref() }?.plugin_data;
        // SAFETY: `plugin_data` points to the Plugin<P> that holds `raw`.
        unsafe { data.cast::<Self>().as_ref() }
    }

    pub(crate) fn host(&self) -> Option<&Host> {
        self.host.get()
    }

    /// Whether the host says this is its audio thread (where the main-thread
    /// calls that wait for the engine must not run).
    fn on_audio_thread(&self) -> bool {
        self.host().and_then(Host::on_audio_thread) == Some(true)
    }

    /// The engine, for calls from the main thread: waits while `process` runs.
    pub(crate) fn audio_blocking(&self) -> ExclusiveGuard<'_, Audio<P>> {
        loop {
            if let Some(audio) = self.audio.try_lock() {
                return audio;
            }
            std::thread::yield_now();
        }
    }

    pub(crate) fn normalized(&self, index: usize) -> f64 {
        f64::from_bits(self.params[index].load(Ordering::Relaxed))
    }

    /// Sets a parameter a host may set (not a meter), by id, normalized.
    pub(crate) fn set_normalized(&self, id: u32, value: f64) -> bool {
        match self.info.host_param_by_id(id) {
            Some((index, param)) if value.is_finite() && param.role != Role::Meter => {
                self.params[index].store(value.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    fn activate(&self, sample_rate: f64, max_frames: u32) -> bool {
        if !(sample_rate.is_finite() && sample_rate > 0.0) || self.on_audio_thread() {
            return false;
        }
        let mut audio = self.audio_blocking();
        if audio.engine.is_active() {
            return false;
        }
        let setup = ProcessSetup {
            sample_rate,
            max_block: max_frames.clamp(1, MAX_PREPARED_BLOCK) as usize,
            channels: self.channels.load(Ordering::Acquire),
        };
        if audio.prepare(setup).is_err() {
            return false;
        }
        // The tail reported before audio flows follows the parameters.
        self.info.apply_while_inactive(&self.params, &mut audio.engine);
        if audio.engine.activate().is_err() {
            return false;
        }
        // Adaptive latency may have taken a larger latency just now.
        let latency = audio.engine.latency_samples() as u32;
        self.latency.store(latency, Ordering::Release);
        let before = self.reported_latency.swap(u64::from(latency), Ordering::AcqRel);
        if before != NOT_REPORTED && before != u64::from(latency) {
            // Only allowed from inside activate, which this is.
            if let Some(host) = self.host() {
                host.latency_changed();
            }
        }
        // The processor starts from reset: give it every parameter again.
        self.resend_params.store(true, Ordering::Release);
        self.restart_requested.store(false, Ordering::Release);
        true
    }

    /// Adaptive latency: asks the host for a restart, once per new wanted
    /// latency; the next activation takes it. `request_restart` is callable
    /// from any thread.
    pub(crate) fn ask_for_latency(&self, wanted_ms: Option<f64>) {
        let Some(wanted) = wanted_ms else { return };
        if self.restart_asked_for.swap(wanted.to_bits(), Ordering::AcqRel) != wanted.to_bits()
            && let Some(host) = self.host()
        {
            host.request_restart();
        }
    }
}

unsafe extern "C" fn init<P: Processor>(plugin: *const clap_plugin) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        let mut host = Host::new(plugin.host_raw);
        host.query_extensions();
        // Which frame the host's transport describes depends on the host
        // (Ardour reports the output's position in every format it hosts).
        let name = host.name().unwrap_or_default();
        plugin.audio_blocking().engine.set_position_reference(PositionReference::of_host(&name));
        plugin.host.set(host).is_ok()
    })
}

unsafe extern "C" fn destroy<P: Processor>(plugin: *const clap_plugin) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(data) = (unsafe { plugin.as_ref() }).map(|p| p.plugin_data) else { return };
        if !data.is_null() {
            // SAFETY: `plugin_data` came from Box::into_raw in `create`, and
            // destroy is the host's last call on this plugin. Dropping the
            // engine stops its work on the worker pool.
            let plugin = unsafe { Box::from_raw(data.cast::<Plugin<P>>()) };
            // A host that destroys the plugin with its editor open: the
            // window closes first, while everything it reads is alive.
            plugin.gui.close();
            drop(plugin);
        }
    })
}

unsafe extern "C" fn activate<P: Processor>(plugin: *const clap_plugin, rate: f64, _min: u32, max: u32) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        unsafe { Plugin::<P>::from_raw(plugin) }.is_some_and(|plugin| plugin.activate(rate, max))
    })
}

unsafe extern "C" fn deactivate<P: Processor>(plugin: *const clap_plugin) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        if let Some(plugin) = unsafe { Plugin::<P>::from_raw(plugin) }
            && !plugin.on_audio_thread()
        {
            plugin.audio_blocking().engine.deactivate();
        }
    })
}

#[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
unsafe extern "C" fn start_processing<P: Processor>(plugin: *const clap_plugin) -> bool {
    guard(false, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return false };
        // The next `process` drops whatever audio was in flight (the engine
        // restarts without waiting or allocating) and sends every parameter.
        plugin.restart_requested.store(true, Ordering::Release);
        true
    })
}

unsafe extern "C" fn stop_processing(_plugin: *const clap_plugin) {}

#[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
unsafe extern "C" fn reset<P: Processor>(plugin: *const clap_plugin) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        if let Some(plugin) = unsafe { Plugin::<P>::from_raw(plugin) } {
            plugin.restart_requested.store(true, Ordering::Release);
        }
    })
}

#[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
unsafe extern "C" fn process<P: Processor>(
    plugin: *const clap_plugin,
    data: *const clap_process,
) -> clap_process_status {
    guard(CLAP_PROCESS_ERROR, || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        let Some(plugin) = (unsafe { Plugin::<P>::from_raw(plugin) }) else { return CLAP_PROCESS_ERROR };
        // SAFETY: the host passes a clap_process valid for this call, or null.
        let Some(data) = (unsafe { data.as_ref() }) else { return CLAP_PROCESS_ERROR };
        let Some(mut audio) = plugin.audio.try_lock() else { return CLAP_PROCESS_ERROR };
        if plugin.restart_requested.swap(false, Ordering::AcqRel) {
            audio.engine.restart();
            plugin.resend_params.store(true, Ordering::Release);
        }
        // SAFETY: `data` and everything it points to are the host's, valid for
        // this call, as `process` requires.
        let status = unsafe { process::run(&mut audio, plugin, data) };
        plugin.ask_for_latency(audio.engine.stats().wanted_latency_ms);
        status
    })
}

unsafe extern "C" fn on_main_thread<P: Processor>(plugin: *const clap_plugin) {
    guard((), || {
        // SAFETY: the host passes the pointer it got from create_plugin.
        if let Some(plugin) = unsafe { Plugin::<P>::from_raw(plugin) } {
            plugin.gui.main_thread_callback();
        }
    })
}
