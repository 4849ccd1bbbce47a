//! One plugin instance and the host object it was created for: the host's
//! callbacks and extensions (thread-check, latency, params, state), what the
//! plugin asked of them, and typed calls into the plugin's extensions.

use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::marker::PhantomData;
use std::sync::Mutex;
use std::thread::ThreadId;

use clap_sys::audio_buffer::clap_audio_buffer;
use clap_sys::events::clap_event_transport;
use clap_sys::ext::audio_ports::{CLAP_EXT_AUDIO_PORTS, clap_audio_port_info, clap_plugin_audio_ports};
use clap_sys::ext::audio_ports_config::{
    CLAP_EXT_AUDIO_PORTS_CONFIG, clap_audio_ports_config, clap_plugin_audio_ports_config,
};
use clap_sys::ext::gui::{CLAP_EXT_GUI, clap_host_gui};
use clap_sys::ext::latency::{CLAP_EXT_LATENCY, clap_host_latency, clap_plugin_latency};
use clap_sys::ext::note_ports::{CLAP_EXT_NOTE_PORTS, clap_note_port_info, clap_plugin_note_ports};
use clap_sys::ext::params::{CLAP_EXT_PARAMS, clap_host_params, clap_param_info, clap_plugin_params};
use clap_sys::ext::preset_load::{CLAP_EXT_PRESET_LOAD, clap_host_preset_load, clap_plugin_preset_load};
use clap_sys::ext::render::{CLAP_EXT_RENDER, CLAP_RENDER_OFFLINE, CLAP_RENDER_REALTIME, clap_plugin_render};
use clap_sys::ext::state::{CLAP_EXT_STATE, clap_host_state, clap_plugin_state};
use clap_sys::ext::tail::{CLAP_EXT_TAIL, clap_plugin_tail};
use clap_sys::ext::thread_check::{CLAP_EXT_THREAD_CHECK, clap_host_thread_check};
use clap_sys::factory::preset_discovery::clap_preset_discovery_location_kind;
use clap_sys::host::clap_host;
use clap_sys::plugin::clap_plugin;
use clap_sys::process::{clap_process, clap_process_status};
use clap_sys::stream::{clap_istream, clap_ostream};
use clap_sys::version::CLAP_VERSION;

use super::ClapModule;
use super::events::{HostEvent, InEvents, OutEvents};

thread_local! {
    /// Set while this thread is inside a call the host makes as its audio thread.
    static AUDIO_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// What the plugin asked of the host: each request with whether it came on
/// the main thread (the one that made the host) and from inside `activate`.
#[derive(Debug, Default, Clone)]
pub struct Requests {
    pub restarts: Vec<(bool, bool)>,
    pub latency_changed: Vec<(bool, bool)>,
    pub param_rescans: usize,
    /// `params.request_flush` calls (any thread).
    pub flushes: usize,
    /// `request_callback` calls not yet answered with `on_main_thread`.
    pub callbacks: usize,
    /// `gui.request_resize` sizes, with whether each came on the main thread.
    pub resizes: Vec<((u32, u32), bool)>,
    /// `preset-load.loaded` calls, and its `on_error` messages.
    pub presets_loaded: usize,
    pub preset_errors: Vec<String>,
}

/// The host object one plugin instance is created for.
struct Host {
    raw: clap_host,
    main: ThreadId,
    in_activate: Cell<bool>,
    requests: Mutex<Requests>,
    /// Owns the strings `raw`'s name, vendor, url and version point into.
    _name: CString,
}

impl Host {
    fn record(&self, pick: impl FnOnce(&mut Requests) -> &mut Vec<(bool, bool)>) {
        let on_main = std::thread::current().id() == self.main && !AUDIO_THREAD.get();
        let in_activate = self.in_activate.get();
        pick(&mut self.requests.lock().unwrap()).push((on_main, in_activate));
    }
}

/// The host behind a `clap_host` pointer.
///
/// # Safety
/// `host` is the `raw` field of a live [`Host`].
unsafe fn host<'a>(host: *const clap_host) -> &'a Host {
    // SAFETY: per this function's contract (`host_data` points to the Host).
    unsafe { &*(*host).host_data.cast::<Host>() }
}

const THREAD_CHECK: clap_host_thread_check =
    clap_host_thread_check { is_main_thread: Some(is_main_thread), is_audio_thread: Some(is_audio_thread) };
const LATENCY: clap_host_latency = clap_host_latency { changed: Some(latency_changed) };
const PARAMS: clap_host_params =
    clap_host_params { rescan: Some(params_rescan), clear: Some(params_clear), request_flush: Some(request_flush) };
const PRESET_LOAD: clap_host_preset_load =
    clap_host_preset_load { on_error: Some(preset_error), loaded: Some(preset_loaded) };
const GUI: clap_host_gui = clap_host_gui {
    resize_hints_changed: Some(request_nothing),
    request_resize: Some(request_resize),
    request_show: Some(request_refused),
    request_hide: Some(request_refused),
    closed: Some(gui_closed),
};
const STATE: clap_host_state = clap_host_state { mark_dirty: Some(request_nothing) };

unsafe extern "C" fn get_extension(_host: *const clap_host, id: *const c_char) -> *const c_void {
    // SAFETY: the plugin passes a NUL-terminated id.
    let id = unsafe { CStr::from_ptr(id) };
    if id == CLAP_EXT_THREAD_CHECK {
        std::ptr::from_ref(&THREAD_CHECK).cast()
    } else if id == CLAP_EXT_LATENCY {
        std::ptr::from_ref(&LATENCY).cast()
    } else if id == CLAP_EXT_PARAMS {
        std::ptr::from_ref(&PARAMS).cast()
    } else if id == CLAP_EXT_STATE {
        std::ptr::from_ref(&STATE).cast()
    } else if id == CLAP_EXT_GUI {
        std::ptr::from_ref(&GUI).cast()
    } else if id == CLAP_EXT_PRESET_LOAD {
        std::ptr::from_ref(&PRESET_LOAD).cast()
    } else {
        std::ptr::null()
    }
}

unsafe extern "C" fn is_main_thread(raw: *const clap_host) -> bool {
    // SAFETY: the plugin passes our own host.
    std::thread::current().id() == unsafe { host(raw) }.main && !AUDIO_THREAD.get()
}

unsafe extern "C" fn is_audio_thread(_raw: *const clap_host) -> bool {
    AUDIO_THREAD.get()
}

unsafe extern "C" fn request_restart(raw: *const clap_host) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.record(|r| &mut r.restarts);
}

unsafe extern "C" fn latency_changed(raw: *const clap_host) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.record(|r| &mut r.latency_changed);
}

unsafe extern "C" fn params_rescan(raw: *const clap_host, _flags: u32) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.requests.lock().unwrap().param_rescans += 1;
}

unsafe extern "C" fn params_clear(_raw: *const clap_host, _id: u32, _flags: u32) {}

unsafe extern "C" fn request_nothing(_raw: *const clap_host) {}

unsafe extern "C" fn request_refused(_raw: *const clap_host) -> bool {
    false
}

unsafe extern "C" fn gui_closed(_raw: *const clap_host, _was_destroyed: bool) {}

unsafe extern "C" fn preset_loaded(
    raw: *const clap_host,
    _kind: clap_preset_discovery_location_kind,
    _location: *const c_char,
    _load_key: *const c_char,
) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.requests.lock().unwrap().presets_loaded += 1;
}

unsafe extern "C" fn preset_error(
    raw: *const clap_host,
    _kind: clap_preset_discovery_location_kind,
    _location: *const c_char,
    _load_key: *const c_char,
    _os_error: i32,
    message: *const c_char,
) {
    let message = if message.is_null() {
        String::new()
    } else {
        // SAFETY: the plugin's NUL-terminated message.
        unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned()
    };
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.requests.lock().unwrap().preset_errors.push(message);
}

unsafe extern "C" fn request_flush(raw: *const clap_host) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.requests.lock().unwrap().flushes += 1;
}

unsafe extern "C" fn request_callback(raw: *const clap_host) {
    // SAFETY: the plugin passes our own host.
    unsafe { host(raw) }.requests.lock().unwrap().callbacks += 1;
}

unsafe extern "C" fn request_resize(raw: *const clap_host, width: u32, height: u32) -> bool {
    // SAFETY: the plugin passes our own host.
    let host = unsafe { host(raw) };
    let on_main = std::thread::current().id() == host.main && !AUDIO_THREAD.get();
    host.requests.lock().unwrap().resizes.push(((width, height), on_main));
    true
}

/// The host's view of one call's audio: planar buffers, 32- or 64-bit.
pub enum Buffers<'a> {
    F32 {
        input: &'a [Vec<f32>],
        output: &'a mut [Vec<f32>],
    },
    F64 {
        input: &'a [Vec<f64>],
        output: &'a mut [Vec<f64>],
    },
    /// In place: the same channels are the input and the output (an effect's
    /// ports form an in-place pair).
    F32InPlace(&'a mut [Vec<f32>]),
}

/// A created and initialised plugin, destroyed on drop. It borrows its
/// module: the library cannot be unloaded while an instance of it lives.
pub struct Instance<'module> {
    pub plugin: *const clap_plugin,
    host: Box<Host>,
    /// What `clap_process.transport` points to in the next calls (None: null).
    transport: Cell<Option<clap_event_transport>>,
    /// The output buffer's `constant_mask` after the last `process`.
    constant_mask: Cell<u64>,
    module: PhantomData<&'module ClapModule>,
}

impl<'module> Instance<'module> {
    pub(super) fn create(module: &'module ClapModule, id: &CStr, host_name: &str) -> Option<Instance<'module>> {
        let factory = module.factory;
        let name = CString::new(host_name).unwrap();
        let mut host = Box::new(Host {
            raw: clap_host {
                clap_version: CLAP_VERSION,
                host_data: std::ptr::null_mut(),
                name: name.as_ptr(),
                vendor: name.as_ptr(),
                url: name.as_ptr(),
                version: name.as_ptr(),
                get_extension: Some(get_extension),
                request_restart: Some(request_restart),
                request_process: Some(request_nothing),
                request_callback: Some(request_callback),
            },
            main: std::thread::current().id(),
            in_activate: Cell::new(false),
            requests: Mutex::new(Requests::default()),
            _name: name,
        });
        host.raw.host_data = std::ptr::from_mut::<Host>(&mut host).cast();
        // SAFETY: the factory's own function, with a live host and id.
        let plugin = unsafe { ((*factory).create_plugin.unwrap())(factory, &host.raw, id.as_ptr()) };
        if plugin.is_null() {
            return None;
        }
        let instance =
            Instance { plugin, host, transport: Cell::new(None), constant_mask: Cell::new(0), module: PhantomData };
        // SAFETY: a live plugin; init is its first call.
        assert!(unsafe { ((*plugin).init.unwrap())(plugin) }, "init returned false");
        Some(instance)
    }

    fn raw(&self) -> &clap_plugin {
        // SAFETY: alive until drop.
        unsafe { &*self.plugin }
    }

    /// What the plugin asked of the host so far.
    pub fn requests(&self) -> Requests {
        self.host.requests.lock().unwrap().clone()
    }

    /// Answers the plugin's `request_callback`s with `on_main_thread`, as a
    /// host's main loop does; how many it answered.
    pub fn answer_callbacks(&self) -> usize {
        let count = std::mem::take(&mut self.host.requests.lock().unwrap().callbacks);
        if count > 0 {
            // SAFETY: the plugin's own function, on the main thread.
            unsafe { (self.raw().on_main_thread.unwrap())(self.plugin) };
        }
        count
    }

    /// `preset-load`'s `from_location` (main thread); false when the plugin
    /// has no such extension or refuses. `location` goes to the plugin as it
    /// is (null for a preset inside the plugin), never read here.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn load_preset(&self, kind: clap_preset_discovery_location_kind, location: *const c_char, key: &CStr) -> bool {
        let Some(load) = self.extension::<clap_plugin_preset_load>(CLAP_EXT_PRESET_LOAD) else { return false };
        // SAFETY: the plugin's own function with the host's strings.
        unsafe { (load.from_location.unwrap())(self.plugin, kind, location, key.as_ptr()) }
    }

    /// Takes the count of `request_flush` calls since the last look.
    pub fn take_flush_requests(&self) -> usize {
        std::mem::take(&mut self.host.requests.lock().unwrap().flushes)
    }

    /// The plugin's extension `id` as `T`, or None.
    pub fn extension<T>(&self, id: &CStr) -> Option<&T> {
        // SAFETY: the plugin's own function; a non-null answer is the table
        // for `id`, alive as long as the plugin.
        unsafe { ((self.raw().get_extension.unwrap())(self.plugin, id.as_ptr()) as *const T).as_ref() }
    }

    pub fn activate(&self, rate: f64, min: u32, max: u32) -> bool {
        self.host.in_activate.set(true);
        // SAFETY: the plugin's own function, on the main thread.
        let ok = unsafe { (self.raw().activate.unwrap())(self.plugin, rate, min, max) };
        self.host.in_activate.set(false);
        ok
    }

    /// `activate` called on what the host says is its audio thread.
    pub fn activate_on_audio_thread(&self, rate: f64, max: u32) -> bool {
        AUDIO_THREAD.set(true);
        let ok = self.activate(rate, 1, max);
        AUDIO_THREAD.set(false);
        ok
    }

    pub fn deactivate(&self) {
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (self.raw().deactivate.unwrap())(self.plugin) }
    }

    fn audio_call<T>(&self, call: impl FnOnce() -> T) -> T {
        AUDIO_THREAD.set(true);
        let result = call();
        AUDIO_THREAD.set(false);
        result
    }

    pub fn start_processing(&self) -> bool {
        // SAFETY: the plugin's own function, as the audio thread.
        self.audio_call(|| unsafe { (self.raw().start_processing.unwrap())(self.plugin) })
    }

    pub fn stop_processing(&self) {
        // SAFETY: the plugin's own function, as the audio thread.
        self.audio_call(|| unsafe { (self.raw().stop_processing.unwrap())(self.plugin) })
    }

    pub fn reset(&self) {
        // SAFETY: the plugin's own function, as the audio thread.
        self.audio_call(|| unsafe { (self.raw().reset.unwrap())(self.plugin) })
    }

    /// activate and start_processing; returns the latency read after activation.
    pub fn start(&self, rate: f64, max_block: u32) -> u32 {
        assert!(self.activate(rate, 1, max_block), "activate at {rate} Hz");
        let latency = self.latency();
        assert!(self.start_processing());
        latency
    }

    pub fn stop(&self) {
        self.stop_processing();
        self.deactivate();
    }

    /// The transport the next `process` calls carry in `clap_process.transport`
    /// (None: a null pointer, as before any call to this).
    pub fn set_transport(&self, transport: Option<clap_event_transport>) {
        self.transport.set(transport);
    }

    /// Calls `process` for frames `start..start + frames` of the buffers, with
    /// `events` (times within the call) and an optional output list.
    pub fn process(
        &self,
        buffers: Buffers<'_>,
        start: usize,
        frames: usize,
        events: &[HostEvent],
        out: Option<&OutEvents>,
    ) -> clap_process_status {
        self.process_inside(buffers, start, frames, events, out, &mut |call| call())
    }

    /// [`Instance::process`], with the plugin's `process` call alone (not the
    /// host's preparation of lists and pointers) made inside `guard`: a
    /// no-allocation or realtime-sanitizer scope.
    pub fn process_inside(
        &self,
        buffers: Buffers<'_>,
        start: usize,
        frames: usize,
        events: &[HostEvent],
        out: Option<&OutEvents>,
        guard: &mut dyn FnMut(&mut dyn FnMut()),
    ) -> clap_process_status {
        let (mut in32, mut out32, mut in64, mut out64) = (vec![], vec![], vec![], vec![]);
        match buffers {
            Buffers::F32 { input, output } => {
                in32 = input.iter().map(|c| c[start..].as_ptr() as *mut f32).collect();
                out32 = output.iter_mut().map(|c| c[start..].as_mut_ptr()).collect();
            }
            Buffers::F64 { input, output } => {
                in64 = input.iter().map(|c| c[start..].as_ptr() as *mut f64).collect();
                out64 = output.iter_mut().map(|c| c[start..].as_mut_ptr()).collect();
            }
            Buffers::F32InPlace(audio) => {
                out32 = audio.iter_mut().map(|c| c[start..].as_mut_ptr()).collect();
                in32 = out32.clone();
            }
        }
        let buffer = |p32: &mut Vec<*mut f32>, p64: &mut Vec<*mut f64>| clap_audio_buffer {
            data32: if p32.is_empty() { std::ptr::null_mut() } else { p32.as_mut_ptr() },
            data64: if p64.is_empty() { std::ptr::null_mut() } else { p64.as_mut_ptr() },
            channel_count: p32.len().max(p64.len()) as u32,
            latency: 0,
            constant_mask: 0,
        };
        let inputs = buffer(&mut in32, &mut in64);
        let mut outputs = buffer(&mut out32, &mut out64);
        let effect = inputs.channel_count > 0;
        let list = InEvents::new(events);
        let fallback = OutEvents::new();
        let out = out.unwrap_or(&fallback);
        // The plugin reads the transport during the call: a copy for it.
        let transport = self.transport.get();
        let data = clap_process {
            steady_time: -1,
            frames_count: frames as u32,
            transport: transport.as_ref().map_or(std::ptr::null(), std::ptr::from_ref),
            audio_inputs: if effect { &inputs } else { std::ptr::null() },
            audio_outputs: &mut outputs,
            audio_inputs_count: u32::from(effect),
            audio_outputs_count: 1,
            in_events: &list.raw,
            out_events: &out.raw,
        };
        let mut status = clap_sys::process::CLAP_PROCESS_ERROR;
        // SAFETY: every pointer in `data` is alive for the call and each
        // channel holds at least `frames` samples from `start`.
        guard(&mut || status = self.audio_call(|| unsafe { (self.raw().process.unwrap())(self.plugin, &data) }));
        self.constant_mask.set(outputs.constant_mask);
        status
    }

    /// The output's `constant_mask` after the last `process` call.
    pub fn constant_mask(&self) -> u64 {
        self.constant_mask.get()
    }

    /// A call with an arbitrary `clap_process`.
    pub fn process_raw(&self, data: &clap_process) -> clap_process_status {
        // SAFETY: the caller builds `data` with live pointers (or nulls).
        self.audio_call(|| unsafe { (self.raw().process.unwrap())(self.plugin, data) })
    }

    pub fn latency(&self) -> u32 {
        let latency = self.extension::<clap_plugin_latency>(CLAP_EXT_LATENCY).expect("clap.latency");
        // SAFETY: the plugin's own function, on the main thread.
        unsafe { (latency.get.unwrap())(self.plugin) }
    }

    pub fn tail(&self) -> u32 {
        let tail = self.extension::<clap_plugin_tail>(CLAP_EXT_TAIL).expect("clap.tail");
        // SAFETY: the plugin's own function.
        unsafe { (tail.get.unwrap())(self.plugin) }
    }

    /// `clap.render`: offline or real time.
    pub fn set_offline(&self, offline: bool) {
        let render = self.extension::<clap_plugin_render>(CLAP_EXT_RENDER).expect("clap.render");
        let mode = if offline { CLAP_RENDER_OFFLINE } else { CLAP_RENDER_REALTIME };
        // SAFETY: the plugin's own function, on the main thread.
        assert!(unsafe { (render.set.unwrap())(self.plugin, mode) });
    }

    pub fn audio_ports(&self, is_input: bool) -> Vec<clap_audio_port_info> {
        let ports = self.extension::<clap_plugin_audio_ports>(CLAP_EXT_AUDIO_PORTS).expect("clap.audio-ports");
        // SAFETY: the plugin's own functions; zeroed infos are valid out-structs.
        unsafe {
            (0..(ports.count.unwrap())(self.plugin, is_input))
                .map(|i| {
                    let mut info: clap_audio_port_info = std::mem::zeroed();
                    assert!((ports.get.unwrap())(self.plugin, i, is_input, &mut info));
                    info
                })
                .collect()
        }
    }

    /// Selects the `clap.audio-ports-config` whose main ports have
    /// `channels` channels (in and out; out only for an instrument), unless
    /// the main output already has them; false when no configuration fits.
    /// Main thread, while inactive.
    pub fn select_channels(&self, channels: usize) -> bool {
        let effect = !self.audio_ports(true).is_empty();
        let fits = |ins: u32, outs: u32| outs as usize == channels && (!effect || ins as usize == channels);
        let main = |is_input: bool| self.audio_ports(is_input).first().map_or(0, |p| p.channel_count);
        if fits(main(true), main(false)) {
            return true;
        }
        let Some(configs) = self.extension::<clap_plugin_audio_ports_config>(CLAP_EXT_AUDIO_PORTS_CONFIG) else {
            return false;
        };
        // SAFETY: the plugin's own functions; a zeroed config is a valid out-struct.
        unsafe {
            for index in 0..(configs.count.unwrap())(self.plugin) {
                let mut config: clap_audio_ports_config = std::mem::zeroed();
                if (configs.get.unwrap())(self.plugin, index, &mut config)
                    && fits(config.main_input_channel_count, config.main_output_channel_count)
                {
                    return (configs.select.unwrap())(self.plugin, config.id);
                }
            }
        }
        false
    }

    /// Note ports, or None without the extension.
    pub fn note_ports(&self, is_input: bool) -> Option<Vec<clap_note_port_info>> {
        let ports = self.extension::<clap_plugin_note_ports>(CLAP_EXT_NOTE_PORTS)?;
        // SAFETY: the plugin's own functions; zeroed infos are valid out-structs.
        unsafe {
            let infos = (0..(ports.count.unwrap())(self.plugin, is_input))
                .map(|i| {
                    let mut info: clap_note_port_info = std::mem::zeroed();
                    assert!((ports.get.unwrap())(self.plugin, i, is_input, &mut info));
                    info
                })
                .collect();
            Some(infos)
        }
    }

    fn params(&self) -> &clap_plugin_params {
        self.extension::<clap_plugin_params>(CLAP_EXT_PARAMS).expect("clap.params")
    }

    pub fn param_infos(&self) -> Vec<clap_param_info> {
        let params = self.params();
        // SAFETY: the plugin's own functions; zeroed infos are valid out-structs.
        unsafe {
            (0..(params.count.unwrap())(self.plugin))
                .map(|i| {
                    let mut info: clap_param_info = std::mem::zeroed();
                    assert!((params.get_info.unwrap())(self.plugin, i, &mut info), "param info {i}");
                    info
                })
                .collect()
        }
    }

    /// A parameter's plain value, or None when the plugin refuses.
    pub fn value(&self, id: u32) -> Option<f64> {
        let mut value = f64::NAN;
        // SAFETY: the plugin's own function and a writable f64.
        unsafe { (self.params().get_value.unwrap())(self.plugin, id, &mut value) }.then_some(value)
    }

    pub fn value_to_text(&self, id: u32, value: f64) -> Option<String> {
        let mut text = [0 as c_char; 256];
        // SAFETY: the plugin's own function and a writable buffer of its size.
        let ok = unsafe { (self.params().value_to_text.unwrap())(self.plugin, id, value, text.as_mut_ptr(), 256) };
        ok.then(|| super::c_field(&text))
    }

    pub fn text_to_value(&self, id: u32, text: &str) -> Option<f64> {
        let text = CString::new(text).unwrap();
        let mut value = f64::NAN;
        // SAFETY: the plugin's own function, a C string and a writable f64.
        unsafe { (self.params().text_to_value.unwrap())(self.plugin, id, text.as_ptr(), &mut value) }.then_some(value)
    }

    /// `clap.params` flush with `events`; what the plugin reported.
    pub fn flush(&self, events: &[HostEvent]) -> Box<OutEvents> {
        let out = OutEvents::new();
        self.flush_inside(events, &out, &mut |call| call());
        out
    }

    /// A flush into `out` as the audio thread (as hosts flush while the
    /// plugin is active), the plugin's call alone made inside `guard`.
    pub fn flush_inside(&self, events: &[HostEvent], out: &OutEvents, guard: &mut dyn FnMut(&mut dyn FnMut())) {
        let list = InEvents::new(events);
        let flush = self.params().flush.unwrap();
        // SAFETY: the plugin's own function with live lists.
        guard(&mut || self.audio_call(|| unsafe { flush(self.plugin, &list.raw, &out.raw) }));
    }

    fn state(&self) -> &clap_plugin_state {
        self.extension::<clap_plugin_state>(CLAP_EXT_STATE).expect("clap.state")
    }

    /// The saved state, through a stream that takes at most `chunk` bytes a call.
    pub fn save(&self, chunk: usize) -> Option<Vec<u8>> {
        let mut sink = Sink { bytes: Vec::new(), chunk };
        let stream = clap_ostream { ctx: std::ptr::from_mut(&mut sink).cast(), write: Some(write) };
        // SAFETY: the plugin's own function with a live stream.
        unsafe { (self.state().save.unwrap())(self.plugin, &stream) }.then_some(sink.bytes)
    }

    /// Loads `bytes` through a stream that gives at most `chunk` bytes a call.
    pub fn load(&self, bytes: &[u8], chunk: usize) -> bool {
        let mut source = Source { bytes, at: 0, chunk };
        let stream = clap_istream { ctx: std::ptr::from_mut(&mut source).cast(), read: Some(read) };
        // SAFETY: the plugin's own function with a live stream.
        unsafe { (self.state().load.unwrap())(self.plugin, &stream) }
    }
}

impl Drop for Instance<'_> {
    fn drop(&mut self) {
        // SAFETY: the plugin's last call; the host outlives it (dropped after).
        unsafe { (self.raw().destroy.unwrap())(self.plugin) }
    }
}

struct Sink {
    bytes: Vec<u8>,
    chunk: usize,
}

unsafe extern "C" fn write(stream: *const clap_ostream, buffer: *const c_void, size: u64) -> i64 {
    // SAFETY: `ctx` is our Sink; the plugin's buffer holds `size` bytes.
    unsafe {
        let sink = &mut *(*stream).ctx.cast::<Sink>();
        let n = (size as usize).min(sink.chunk);
        sink.bytes.extend_from_slice(std::slice::from_raw_parts(buffer.cast::<u8>(), n));
        n as i64
    }
}

struct Source<'a> {
    bytes: &'a [u8],
    at: usize,
    chunk: usize,
}

unsafe extern "C" fn read(stream: *const clap_istream, buffer: *mut c_void, size: u64) -> i64 {
    // SAFETY: `ctx` is our Source; the plugin's buffer holds `size` bytes.
    unsafe {
        let source = &mut *(*stream).ctx.cast::<Source<'_>>();
        let n = (size as usize).min(source.chunk).min(source.bytes.len() - source.at);
        std::ptr::copy_nonoverlapping(source.bytes[source.at..].as_ptr(), buffer.cast::<u8>(), n);
        source.at += n;
        n as i64
    }
}
