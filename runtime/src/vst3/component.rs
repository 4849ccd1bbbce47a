//! The plugin object: component, audio processor and edit controller in one
//! class (a "single component" plugin, which hosts find through
//! `queryInterface`), so parameters and state live in one place and need no
//! messages between a processor and a controller.
//!
//! Threads: hosts call `setupProcessing`, `setActive` and state from the main
//! thread and `process` from the audio thread, never both at once. The engine
//! sits in an [`Exclusive`] cell anyway: `process` only tries it (a host that
//! breaks the rule gets `kResultFalse`, never a data race), and main-thread
//! calls wait for it. Parameter values are atomics any thread can read.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use vst3::Steinberg::Vst::{
    BusDirection, BusDirections_, BusInfo, BusInfo_, BusTypes_, IAudioProcessor, IAudioProcessorTrait, IComponent,
    IComponentHandler, IComponentTrait, IEditController, IEditControllerTrait, IProcessContextRequirements,
    IProcessContextRequirementsTrait, IUnitInfo, IoMode, MediaType, MediaTypes_, ParamID, ParameterInfo,
    ParameterInfo_, ProcessData, ProcessSetup as VstProcessSetup, RoutingInfo, SpeakerArrangement, String128,
    SymbolicSampleSizes_, TChar, ViewType, kInfiniteTail,
};
use vst3::Steinberg::{
    FIDString, FUnknown, IBStream, IBStreamTrait, IPlugView, IPluginBaseTrait, TBool, TUID, kInvalidArgument,
    kNotImplemented, kResultFalse, kResultOk, kResultTrue, tresult,
};
use vst3::{Class, ComRef};

use super::component_handler::ComponentHandler;
use super::editor_link::EditorLink;
use super::host_application::host_name;
use super::process::{self, Audio};
use super::programs::Programs;
use super::restart_notice::RestartNotice;
use super::speakers;
use super::strings::{copy_wstring, read_wstring};
use super::view::PlugView;
use crate::editor::EditorContext;
use crate::engine::{Engine, EngineStatsHandle, PositionReference, ProcessSetup, Processor};
use crate::exclusive::{Exclusive, ExclusiveGuard};
use crate::plugin::params::{HostParam, Role};
use crate::plugin::{FileSlot, PROGRAM_PARAM_ID, PluginInfo, PluginKind, state};

/// What a host that never calls `setupProcessing` gets (the SDK's defaults).
const DEFAULT_SETUP: (f64, usize) = (44_100.0, 1024);

pub(crate) struct Plugin<P: Processor> {
    info: &'static PluginInfo,
    audio: Exclusive<Audio<P>>,
    /// Normalized values of every parameter a host sees, in host order (see
    /// [`crate::plugin::params`]); the editor reads and edits the same ones.
    params: Arc<[AtomicU64]>,
    /// Set when values changed outside `process` (state restored, activation):
    /// the next `process` sends them all to the processor first.
    resend_params: Arc<AtomicBool>,
    /// Set by `setProcessing(true)`: the next `process` restarts the engine
    /// first. `setProcessing` itself touches nothing the audio thread holds, so
    /// it never waits, on whatever thread the host calls it.
    restart_requested: AtomicBool,
    latency: AtomicU32,
    /// The main bus's channel count in force: one of `info.layouts`, the
    /// first until a host picks another through `setBusArrangements` (only
    /// while inactive). The engine is prepared for it at `setActive(true)`.
    channels: AtomicUsize,
    /// Reads the engine's tail (and other published figures) from any thread.
    stats: EngineStatsHandle,
    /// Adaptive latency: tells the host when the engine wants more.
    notice: RestartNotice,
    /// The host's component handler (latency changes, the editor's edits).
    handler: Arc<ComponentHandler>,
    /// The editor's context and edits, for the views.
    editor: Arc<EditorLink>,
    /// The program (preset) chosen last.
    programs: Programs,
    /// The file the processor plays from, if it has one (saved with the state).
    file: Option<Arc<dyn FileSlot>>,
}

impl<P: Processor> Class for Plugin<P> {
    type Interfaces = (IComponent, IAudioProcessor, IEditController, IProcessContextRequirements, IUnitInfo);
}

impl<P: Processor> Plugin<P> {
    pub(crate) fn new(info: &'static PluginInfo, mut processor: P) -> Self {
        let file = processor.take_file_slot();
        let engine = Engine::new(processor, info.engine_config());
        let params: Arc<[AtomicU64]> =
            info.host_params().map(|(_, p)| AtomicU64::new(p.default_normalized().to_bits())).collect();
        let handler = Arc::new(ComponentHandler::default());
        let notice = RestartNotice::new(engine.stats_handle(), Arc::clone(&handler));
        let stats = engine.stats_handle();
        let resend_params = Arc::new(AtomicBool::new(true));
        let context = EditorContext::new(info, Arc::clone(&params), engine.stats_handle(), file.clone());
        let editor = Arc::new(EditorLink::new(context, Arc::clone(&handler), Arc::clone(&resend_params)));
        Self {
            info,
            audio: Exclusive::new(Audio::new(engine)),
            params,
            resend_params,
            restart_requested: AtomicBool::new(false),
            latency: AtomicU32::new(0),
            channels: AtomicUsize::new(info.channels()),
            stats,
            notice,
            handler,
            editor,
            programs: Programs::default(),
            file,
        }
    }

    pub(super) fn info(&self) -> &'static PluginInfo {
        self.info
    }

    /// Parameters a host sees: the described ones, then the program-change
    /// parameter if the plugin has presets.
    fn param_count(&self) -> usize {
        self.info.host_param_count() + usize::from(Programs::exist(self.info))
    }

    /// Applies program `index`'s preset: its values stored, the processor
    /// given every value again, the host told to read them.
    fn choose_program(&self, index: usize) -> bool {
        if !self.info.apply_preset(index, &self.params) {
            return false;
        }
        self.programs.select(index);
        self.resend_params.store(true, Ordering::Release);
        self.notice.values_changed();
        self.notice.poll();
        true
    }

    /// The engine, for calls from the main thread: waits while `process` runs.
    fn audio_blocking(&self) -> ExclusiveGuard<'_, Audio<P>> {
        loop {
            if let Some(audio) = self.audio.try_lock() {
                return audio;
            }
            std::thread::yield_now();
        }
    }

    fn normalized(&self, id: u32) -> Option<f64> {
        let (index, _) = self.info.host_param_by_id(id)?;
        Some(f64::from_bits(self.params[index].load(Ordering::Relaxed)))
    }

    /// Sets a parameter a host may set (not a meter).
    fn set_normalized(&self, id: u32, value: f64) -> bool {
        match self.info.host_param_by_id(id) {
            Some((index, param)) if value.is_finite() && param.role != Role::Meter => {
                self.params[index].store(value.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    fn write_state(&self, stream: *mut IBStream) -> tresult {
        // SAFETY: the host passes a live stream or null, checked by from_raw.
        let Some(stream) = (unsafe { ComRef::from_raw(stream) }) else { return kInvalidArgument };
        // The plugin's own parameters and bypass: everything but the meters.
        let values: Vec<(u32, f64)> = self
            .info
            .host_params()
            .filter(|(_, p)| p.role != Role::Meter)
            .map(|(index, p)| (p.id(), f64::from_bits(self.params[index].load(Ordering::Relaxed))))
            .collect();
        let chosen = self.file.as_ref().map(|file| file.chosen());
        let bytes = state::encode(values.into_iter(), state::file_entry(&chosen));
        let mut written = 0;
        // SAFETY: `bytes` is alive for the call and its length fits i32 (it is
        // at most a few kilobytes); the stream only reads from it.
        let result = unsafe { stream.write(bytes.as_ptr() as *mut _, bytes.len() as i32, &mut written) };
        if result == kResultOk && written as usize == bytes.len() { kResultOk } else { kResultFalse }
    }

    fn read_state(&self, stream: *mut IBStream) -> tresult {
        // SAFETY: the host passes a live stream or null, checked by from_raw.
        let Some(stream) = (unsafe { ComRef::from_raw(stream) }) else { return kInvalidArgument };
        let mut bytes = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            let mut read = 0;
            // SAFETY: `chunk` is writable for its full length, which fits i32.
            let result = unsafe { stream.read(chunk.as_mut_ptr().cast(), chunk.len() as i32, &mut read) };
            let read = read.clamp(0, chunk.len() as i32) as usize;
            bytes.extend_from_slice(&chunk[..read]);
            if result != kResultOk || read == 0 || bytes.len() > state::MAX_BYTES {
                break;
            }
        }
        // Refused (not ours, a newer format, damaged): nothing changes.
        let Ok(state::Decoded { values, file }) = state::decode(&bytes) else { return kResultFalse };
        // A parameter the state does not have (added since it was saved) is
        // at its default, not at whatever it was before the load; one this
        // version no longer has is skipped.
        for (index, param) in self.info.host_params() {
            if param.role != Role::Meter {
                self.params[index].store(param.default_normalized().to_bits(), Ordering::Relaxed);
            }
        }
        for (id, value) in values {
            self.set_normalized(id, value);
        }
        // The file is read here, on the host's thread, before the next
        // activation prepares the processor with it.
        if let Some(slot) = &self.file {
            slot.restore(file.as_deref());
        }
        // The values are the state's, whatever program was chosen before.
        self.programs.forget();
        self.resend_params.store(true, Ordering::Release);
        kResultOk
    }
}

impl<P: Processor> IPluginBaseTrait for Plugin<P> {
    unsafe fn initialize(&self, context: *mut FUnknown) -> tresult {
        self.notice.main_thread_is_this_one();
        guard(|| {
            // SAFETY: the host passes its live context, or null.
            let name = unsafe { host_name(context) }.unwrap_or_default();
            self.audio_blocking().engine.set_position_reference(PositionReference::of_host(&name));
            kResultOk
        })
    }

    unsafe fn terminate(&self) -> tresult {
        // Stop the worker even if the host forgot setActive(false).
        guard(|| {
            self.audio_blocking().engine.deactivate();
            kResultOk
        })
    }
}

impl<P: Processor> IComponentTrait for Plugin<P> {
    unsafe fn getControllerClassId(&self, _class_id: *mut TUID) -> tresult {
        // No separate controller: this object is its own IEditController.
        kNotImplemented
    }

    unsafe fn setIoMode(&self, _mode: IoMode) -> tresult {
        kResultOk
    }

    unsafe fn getBusCount(&self, media_type: MediaType, dir: BusDirection) -> i32 {
        let (audio, event) = (MediaTypes_::kAudio as MediaType, MediaTypes_::kEvent as MediaType);
        let (input, output) = (BusDirections_::kInput as BusDirection, BusDirections_::kOutput as BusDirection);
        match (self.info.kind, media_type, dir) {
            (_, t, d) if t == audio && d == output => 1,
            (PluginKind::Effect, t, d) if t == audio && d == input => 1,
            (PluginKind::Instrument, t, d) if t == event && d == input => 1,
            _ => 0,
        }
    }

    unsafe fn getBusInfo(&self, media_type: MediaType, dir: BusDirection, index: i32, bus: *mut BusInfo) -> tresult {
        // SAFETY: the host passes a writable BusInfo or null, checked here.
        let Some(bus) = (unsafe { bus.as_mut() }) else { return kInvalidArgument };
        // SAFETY: plain query of our own answer.
        if index != 0 || index >= unsafe { self.getBusCount(media_type, dir) } {
            return kInvalidArgument;
        }
        bus.mediaType = media_type;
        bus.direction = dir;
        bus.busType = BusTypes_::kMain as i32;
        bus.flags = BusInfo_::BusFlags_::kDefaultActive as u32;
        if media_type == MediaTypes_::kAudio as MediaType {
            bus.channelCount = self.channels.load(Ordering::Acquire) as i32;
            copy_wstring(if dir == BusDirections_::kInput as BusDirection { "Input" } else { "Output" }, &mut bus.name);
        } else {
            bus.channelCount = 16;
            copy_wstring("Notes", &mut bus.name);
        }
        kResultOk
    }

    unsafe fn getRoutingInfo(&self, _in_info: *mut RoutingInfo, _out_info: *mut RoutingInfo) -> tresult {
        kNotImplemented
    }

    unsafe fn activateBus(&self, _media_type: MediaType, _dir: BusDirection, _index: i32, _state: TBool) -> tresult {
        kResultOk
    }

    unsafe fn setActive(&self, state: TBool) -> tresult {
        guard(|| self.notice.during_lifecycle(|| self.set_active(state)))
    }

    unsafe fn setState(&self, state: *mut IBStream) -> tresult {
        guard(|| self.read_state(state))
    }

    unsafe fn getState(&self, state: *mut IBStream) -> tresult {
        self.notice.poll();
        guard(|| self.write_state(state))
    }
}

impl<P: Processor> Plugin<P> {
    fn set_active(&self, state: TBool) -> tresult {
        let mut audio = self.audio_blocking();
        if state == 0 {
            audio.engine.deactivate();
            return kResultOk;
        }
        self.activate(&mut audio)
    }

    /// Activates the engine (if inactive) for the layout in force.
    fn activate(&self, audio: &mut Audio<P>) -> tresult {
        // Prepared for the bus layout in force: a host may have picked
        // another since `setupProcessing`.
        let channels = self.channels.load(Ordering::Acquire);
        let setup = match audio.setup {
            None => {
                let (sample_rate, max_block) = DEFAULT_SETUP;
                Some(ProcessSetup { sample_rate, max_block, channels })
            }
            Some(setup) if setup.channels != channels => Some(ProcessSetup { channels, ..setup }),
            Some(_) => None,
        };
        if let Some(setup) = setup {
            match audio.prepare(setup) {
                Ok(latency) => self.latency.store(latency as u32, Ordering::Release),
                Err(_) => return kResultFalse,
            }
        }
        // Every parameter's value before activation, so what the engine
        // reports before audio flows (the tail) follows them; then again
        // with the first block, after the reset at activation.
        self.info.apply_while_inactive(&self.params, &mut audio.engine);
        self.resend_params.store(true, Ordering::Release);
        self.restart_requested.store(false, Ordering::Release);
        if audio.engine.activate().is_err() {
            return kResultFalse;
        }
        // Adaptive latency may have taken a larger latency just now.
        self.latency.store(audio.engine.latency_samples() as u32, Ordering::Release);
        kResultOk
    }
}

impl<P: Processor> IAudioProcessorTrait for Plugin<P> {
    unsafe fn setBusArrangements(
        &self,
        inputs: *mut SpeakerArrangement,
        num_ins: i32,
        outputs: *mut SpeakerArrangement,
        num_outs: i32,
    ) -> tresult {
        let wanted_ins = i32::from(self.info.kind == PluginKind::Effect);
        if num_ins != wanted_ins || num_outs != 1 || outputs.is_null() || (wanted_ins == 1 && inputs.is_null()) {
            return kResultFalse;
        }
        // SAFETY: both pointers were checked non-null and the host passes as many
        // arrangements as it says (one each here).
        let (output, input) = unsafe { (*outputs, if wanted_ins == 1 { *inputs } else { *outputs }) };
        // One of the plugin's layouts, in its natural arrangement, the same in
        // and out. Anything else is refused and the layout in force stays.
        let Some(channels) = speakers::channels_of(output).filter(|&n| self.info.supports_channels(n)) else {
            return kResultFalse;
        };
        if input != output {
            return kResultFalse;
        }
        guard(|| {
            let audio = self.audio_blocking();
            // The SDK allows this call only while inactive: the engine runs
            // with the layout it was activated with.
            if audio.engine.is_active() && self.channels.load(Ordering::Acquire) != channels {
                return kResultFalse;
            }
            self.channels.store(channels, Ordering::Release);
            kResultTrue
        })
    }

    unsafe fn getBusArrangement(&self, dir: BusDirection, index: i32, arr: *mut SpeakerArrangement) -> tresult {
        // SAFETY: the host passes a writable arrangement or null, checked here.
        let Some(arr) = (unsafe { arr.as_mut() }) else { return kInvalidArgument };
        // SAFETY: plain query of our own answer.
        if index != 0 || unsafe { self.getBusCount(MediaTypes_::kAudio as MediaType, dir) } == 0 {
            return kInvalidArgument;
        }
        let Some(ours) = speakers::arrangement(self.channels.load(Ordering::Acquire)) else { return kResultFalse };
        *arr = ours;
        kResultOk
    }

    unsafe fn canProcessSampleSize(&self, symbolic_sample_size: i32) -> tresult {
        match symbolic_sample_size as u32 {
            SymbolicSampleSizes_::kSample32 | SymbolicSampleSizes_::kSample64 => kResultTrue,
            _ => kResultFalse,
        }
    }

    unsafe fn getLatencySamples(&self) -> u32 {
        self.notice.poll();
        self.latency.load(Ordering::Acquire)
    }

    unsafe fn setupProcessing(&self, setup: *mut VstProcessSetup) -> tresult {
        // SAFETY: the host passes a readable ProcessSetup or null, checked here.
        let Some(setup) = (unsafe { setup.as_ref() }) else { return kInvalidArgument };
        if !(setup.sampleRate.is_finite() && setup.sampleRate > 0.0) {
            return kInvalidArgument;
        }
        let wanted = ProcessSetup {
            sample_rate: setup.sampleRate,
            max_block: setup.maxSamplesPerBlock.max(1) as usize,
            channels: self.channels.load(Ordering::Acquire),
        };
        guard(|| {
            self.notice.during_lifecycle(|| {
                let mut audio = self.audio_blocking();
                if audio.engine.is_active() {
                    return kResultFalse;
                }
                match audio.prepare(wanted) {
                    Ok(latency) => {
                        self.latency.store(latency as u32, Ordering::Release);
                        kResultOk
                    }
                    Err(_) => kInvalidArgument,
                }
            })
        })
    }

    unsafe fn setProcessing(&self, state: TBool) -> tresult {
        if state != 0 {
            // Starting to process: the next `process` drops whatever audio was
            // in flight (the engine restarts without waiting or allocating) and
            // sends every parameter again.
            self.restart_requested.store(true, Ordering::Release);
        }
        kResultOk
    }

    /// Real-time safe (RealtimeSanitizer checks the whole call in the `rtsan`
    /// build): no allocation, no lock, no blocking call.
    #[cfg_attr(rtsan, sanitize(realtime = "nonblocking"))]
    unsafe fn process(&self, data: *mut ProcessData) -> tresult {
        // SAFETY: the host passes a ProcessData valid for this call, or null.
        let Some(data) = (unsafe { data.as_mut() }) else { return kInvalidArgument };
        guard(|| {
            let Some(mut audio) = self.audio.try_lock() else { return kResultFalse };
            if self.restart_requested.swap(false, Ordering::AcqRel) {
                audio.engine.restart();
                self.resend_params.store(true, Ordering::Release);
            }
            // SAFETY: `data` and everything it points to are the host's, valid for
            // this call, as `process` requires.
            let (result, program) =
                unsafe { process::run(&mut audio, self.info, &self.params, &self.resend_params, data) };
            if let Some(program) = program {
                // Applied with the audio; the host reads the values again
                // on its next main-thread call.
                self.programs.select(program);
                self.notice.values_changed();
            }
            result
        })
    }

    unsafe fn getTailSamples(&self) -> u32 {
        // The engine's tail (the processor's plus the latency), as every
        // format reports it.
        crate::plugin::tail::reported_frames(self.stats.tail()).unwrap_or(kInfiniteTail)
    }
}

impl<P: Processor> IProcessContextRequirementsTrait for Plugin<P> {
    /// Tempo, time signature, musical and bar position, cycle and transport
    /// state: what [`crate::engine::Transport`] gives the processor.
    unsafe fn getProcessContextRequirements(&self) -> u32 {
        super::transport::REQUIREMENTS
    }
}

impl<P: Processor> IEditControllerTrait for Plugin<P> {
    unsafe fn setComponentState(&self, state: *mut IBStream) -> tresult {
        guard(|| self.read_state(state))
    }

    unsafe fn setState(&self, _state: *mut IBStream) -> tresult {
        // Everything lives in the component state.
        kResultOk
    }

    unsafe fn getState(&self, _state: *mut IBStream) -> tresult {
        kResultOk
    }

    unsafe fn getParameterCount(&self) -> i32 {
        self.notice.poll();
        self.param_count() as i32
    }

    unsafe fn getParameterInfo(&self, index: i32, info: *mut ParameterInfo) -> tresult {
        // SAFETY: the host passes a writable ParameterInfo or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if index == self.info.host_param_count() && Programs::exist(self.info) {
            Programs::param_info(self.info, info);
            return kResultOk;
        }
        let Some(param) = self.info.host_param(index) else { return kInvalidArgument };
        info.id = param.id();
        copy_wstring(param.spec.title, &mut info.title);
        copy_wstring(param.spec.title, &mut info.shortTitle);
        copy_wstring(param.spec.units, &mut info.units);
        info.stepCount = param.steps() as i32;
        info.defaultNormalizedValue = param.default_normalized();
        info.unitId = 0;
        info.flags = flags(param);
        kResultOk
    }

    unsafe fn getParamStringByValue(&self, id: ParamID, value: f64, string: *mut String128) -> tresult {
        // SAFETY: the host passes a writable String128 or null, checked here.
        let Some(string) = (unsafe { string.as_mut() }) else { return kInvalidArgument };
        if id == PROGRAM_PARAM_ID && Programs::exist(self.info) {
            copy_wstring(Programs::text(self.info, value), string);
            return kResultOk;
        }
        let Some((_, param)) = self.info.host_param_by_id(id) else { return kInvalidArgument };
        copy_wstring(&param.text(value), string);
        kResultOk
    }

    unsafe fn getParamValueByString(&self, id: ParamID, string: *mut TChar, value: *mut f64) -> tresult {
        // SAFETY: the host passes a NUL-terminated string or null.
        let Some(text) = (unsafe { read_wstring(string, 128) }) else { return kInvalidArgument };
        // SAFETY: the host passes a writable f64 or null, checked here.
        let Some(value) = (unsafe { value.as_mut() }) else { return kInvalidArgument };
        let parsed = if id == PROGRAM_PARAM_ID && Programs::exist(self.info) {
            Programs::parse(self.info, &text)
        } else {
            let Some((_, param)) = self.info.host_param_by_id(id) else { return kInvalidArgument };
            param.parse(&text)
        };
        match parsed {
            Some(normalized) => {
                *value = normalized;
                kResultOk
            }
            None => kResultFalse,
        }
    }

    unsafe fn normalizedParamToPlain(&self, id: ParamID, value: f64) -> f64 {
        if id == PROGRAM_PARAM_ID && Programs::exist(self.info) {
            return Programs::index_of(self.info, value) as f64;
        }
        match self.info.host_param_by_id(id) {
            Some((_, param)) => param.to_plain(value),
            None => value,
        }
    }

    unsafe fn plainParamToNormalized(&self, id: ParamID, plain: f64) -> f64 {
        if id == PROGRAM_PARAM_ID && Programs::exist(self.info) {
            let index = if plain.is_finite() { plain.round().max(0.0) as usize } else { 0 };
            return Programs::normalized_of(self.info, index);
        }
        match self.info.host_param_by_id(id) {
            Some((_, param)) => param.to_normalized(plain),
            None => plain.clamp(0.0, 1.0),
        }
    }

    unsafe fn getParamNormalized(&self, id: ParamID) -> f64 {
        self.notice.poll();
        if id == PROGRAM_PARAM_ID && Programs::exist(self.info) {
            return Programs::normalized_of(self.info, self.programs.selected().unwrap_or(0));
        }
        self.normalized(id).unwrap_or(0.0)
    }

    unsafe fn setParamNormalized(&self, id: ParamID, value: f64) -> tresult {
        if id == PROGRAM_PARAM_ID && Programs::exist(self.info) && value.is_finite() {
            let index = Programs::index_of(self.info, value);
            // A host restoring its own copy of the parameter sets the program
            // already chosen: only a different one is applied, so the values
            // a state load restored stay.
            if Some(index) == self.programs.selected() {
                return kResultOk;
            }
            return guard(|| if self.choose_program(index) { kResultOk } else { kInvalidArgument });
        }
        if self.set_normalized(id, value) { kResultOk } else { kInvalidArgument }
    }

    unsafe fn setComponentHandler(&self, handler: *mut IComponentHandler) -> tresult {
        // Kept to tell the host about latency changes (adaptive latency) and
        // to send it the editor's edits.
        guard(|| {
            self.handler.set(handler);
            kResultOk
        })
    }

    unsafe fn createView(&self, name: FIDString) -> *mut IPlugView {
        let Some(editor) = self.info.editor else { return std::ptr::null_mut() };
        if name.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: both are NUL-terminated: the host's name and the SDK's.
        let (name, wanted) = unsafe { (std::ffi::CStr::from_ptr(name), std::ffi::CStr::from_ptr(ViewType::kEditor)) };
        if name != wanted {
            return std::ptr::null_mut();
        }
        catch_unwind(AssertUnwindSafe(|| PlugView::create(Arc::clone(&self.editor), editor)))
            .unwrap_or(std::ptr::null_mut())
    }
}

/// The VST3 flags of a parameter, from what it is for.
fn flags(param: HostParam) -> i32 {
    use ParameterInfo_::ParameterFlags_::{kCanAutomate, kIsBypass, kIsReadOnly};
    let automate = if param.spec.automatable { kCanAutomate as i32 } else { 0 };
    match param.role {
        Role::Own => automate,
        Role::Bypass => automate | kIsBypass as i32,
        Role::Meter => kIsReadOnly as i32,
    }
}

/// Runs a host call, turning a panic into `kResultFalse`: nothing unwinds
/// across the FFI boundary.
fn guard(call: impl FnOnce() -> tresult) -> tresult {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or(kResultFalse)
}
