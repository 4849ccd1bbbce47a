//! The host side of VST3, written with the `vst3` crate's types: loading a
//! module through its C ABI, and the objects a host hands a plugin (a memory
//! stream, parameter-change queues).
mod lifecycle;
pub mod view;

pub use lifecycle::{Param, natural_layout};

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::path::Path;

use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait, IComponent, IComponent_iid,
    IEditController, IEditControllerTrait, IHostApplication, IHostApplicationTrait, IParamValueQueue,
    IParamValueQueueTrait, IParameterChanges, IParameterChangesTrait, ParamID, ParamValue, ProcessContext,
    ProcessContext_, ProcessData, ProcessModes_, String128, SymbolicSampleSizes_,
};
use vst3::Steinberg::{
    FUnknown, IBStream, IBStreamTrait, IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait, PClassInfo, TUID,
    kInvalidArgument, kResultFalse, kResultOk, tresult,
};
use vst3::{Class, ComPtr, ComWrapper};

/// A NUL-terminated C string from a fixed-size field of a VST3 info struct.
pub fn c_string(bytes: &[std::ffi::c_char]) -> String {
    bytes.iter().take_while(|c| **c != 0).map(|c| *c as u8 as char).collect()
}

/// A NUL-terminated UTF-16 string (`String128`) from a VST3 info struct.
pub fn utf16(text: &[u16]) -> String {
    String::from_utf16_lossy(&text[..text.iter().position(|c| *c == 0).unwrap_or(text.len())])
}

type ModuleEntry = unsafe extern "system" fn(*mut c_void) -> bool;
type ModuleExit = unsafe extern "system" fn() -> bool;
type GetPluginFactory = unsafe extern "system" fn() -> *mut IPluginFactory;

/// A loaded module: library, entry called, factory held. Dropping it releases
/// the factory, calls `ModuleExit` and unloads the library, in that order.
pub struct Module {
    pub factory: Option<ComPtr<IPluginFactory>>,
    library: Option<libloading::Library>,
}

impl Module {
    /// Loads the library at `path` (a `.vst3` bundle's `.so`), calls its
    /// `ModuleEntry` and takes its factory; panics on failure (tests).
    pub fn load(path: &Path) -> Module {
        Module::open(path).unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// [`Module::load`], with what went wrong as the error.
    pub fn open(path: &Path) -> Result<Module, String> {
        // SAFETY: loading a plugin runs its initialisers; a host trusts the
        // plugins it is asked to load (ours are Rust statics).
        let library = unsafe { libloading::Library::new(path) }
            .map_err(|err| format!("cannot load {}: {err}", path.display()))?;
        let missing = |name: &str| format!("{} is not a VST3 module: it exports no {name}", path.display());
        // SAFETY: the symbols have the VST3 signatures (a VST3 module exports
        // them; ours through export_vst3!).
        let factory = unsafe {
            let entry = library.get::<ModuleEntry>(b"ModuleEntry").map_err(|_| missing("ModuleEntry"))?;
            if !entry(std::ptr::null_mut()) {
                return Err(format!("{}: ModuleEntry returned false", path.display()));
            }
            let get = library.get::<GetPluginFactory>(b"GetPluginFactory").map_err(|_| missing("GetPluginFactory"))?;
            ComPtr::from_raw(get()).ok_or_else(|| format!("{}: GetPluginFactory returned no factory", path.display()))
        };
        let factory = match factory {
            Ok(factory) => factory,
            Err(problem) => {
                // SAFETY: ModuleEntry succeeded, so ModuleExit is due before unloading.
                if let Ok(exit) = unsafe { library.get::<ModuleExit>(b"ModuleExit") } {
                    // SAFETY: the module's own exit, once per entry.
                    unsafe { exit() };
                }
                return Err(problem);
            }
        };
        Ok(Module { factory: Some(factory), library: Some(library) })
    }

    pub fn factory(&self) -> &ComPtr<IPluginFactory> {
        self.factory.as_ref().unwrap()
    }

    /// Creates the module's (only) class and queries its three interfaces,
    /// initialised without a host context.
    pub fn create(&self) -> Instance {
        self.create_in(None)
    }

    /// [`Self::create`], initialised with a host context that gives its name
    /// as `host_name` (`IHostApplication::getName`), or none.
    pub fn create_in(&self, host_name: Option<&str>) -> Instance {
        self.try_create_in(host_name).unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// [`Self::create_in`], with what went wrong as the error.
    pub fn try_create_in(&self, host_name: Option<&str>) -> Result<Instance, String> {
        // SAFETY: all-zero is a valid PClassInfo, filled in by getClassInfo.
        let mut info: PClassInfo = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointers; a live factory.
        let component = unsafe {
            if self.factory().getClassInfo(0, &mut info) != kResultOk {
                return Err("the module's factory describes no class".into());
            }
            let mut object = std::ptr::null_mut();
            let result = self.factory().createInstance(info.cid.as_ptr(), IComponent_iid.as_ptr(), &mut object);
            if result != kResultOk {
                return Err(format!("the factory did not create `{}`", c_string(&info.name)));
            }
            ComPtr::from_raw(object as *mut IComponent).ok_or("the factory created no IComponent")?
        };
        let context = host_name
            .map(|name| ComWrapper::new(HostApplication { name: name.to_owned() }).to_com_ptr::<FUnknown>().unwrap());
        let context_ptr = context.as_ref().map_or(std::ptr::null_mut(), |c| c.as_ptr());
        // SAFETY: a live component and a live context (or null, which is allowed).
        if unsafe { component.initialize(context_ptr) } != kResultOk {
            return Err(format!("`{}` refused to initialize", c_string(&info.name)));
        }
        let processor = component.cast::<IAudioProcessor>().ok_or("the component is no IAudioProcessor")?;
        let controller =
            component.cast::<IEditController>().ok_or("the component is no IEditController (single component)")?;
        Ok(Instance { component, processor, controller, silence_flags: std::sync::atomic::AtomicU64::new(0) })
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        self.factory = None;
        if let Some(library) = self.library.take() {
            // SAFETY: the plugin's ModuleExit has the VST3 signature.
            unsafe {
                let exit = library.get::<ModuleExit>(b"ModuleExit").expect("ModuleExit");
                assert!(exit(), "ModuleExit returned false");
            }
            library.close().expect("the module unloads");
        }
    }
}

/// The context a host passes to `initialize`: it names the host.
struct HostApplication {
    name: String,
}

impl Class for HostApplication {
    type Interfaces = (IHostApplication,);
}

impl IHostApplicationTrait for HostApplication {
    unsafe fn getName(&self, name: *mut String128) -> tresult {
        // SAFETY: the plugin passes a writable String128 or null.
        let Some(name_out) = (unsafe { name.as_mut() }) else { return kInvalidArgument };
        let units: Vec<u16> = self.name.encode_utf16().take(127).collect();
        name_out[..units.len()].copy_from_slice(&units);
        name_out[units.len()] = 0;
        kResultOk
    }

    unsafe fn createInstance(&self, _cid: *mut TUID, _iid: *mut TUID, obj: *mut *mut c_void) -> tresult {
        // SAFETY: the plugin passes a writable pointer or null.
        if let Some(obj) = unsafe { obj.as_mut() } {
            *obj = std::ptr::null_mut();
        }
        kResultFalse
    }
}

pub struct Instance {
    pub component: ComPtr<IComponent>,
    pub processor: ComPtr<IAudioProcessor>,
    pub controller: ComPtr<IEditController>,
    /// The output bus's `silenceFlags` after the last `process`.
    silence_flags: std::sync::atomic::AtomicU64,
}

/// The host's view of one call's audio: planar buffers, 32- or 64-bit.
pub enum Buffers<'a> {
    F32 { input: &'a [Vec<f32>], output: &'a mut [Vec<f32>] },
    F64 { input: &'a [Vec<f64>], output: &'a mut [Vec<f64>] },
}

/// What one `process` call carries besides audio.
#[derive(Default)]
pub struct Extras<'a> {
    pub changes: Option<&'a ComPtr<IParameterChanges>>,
    pub output_changes: Option<&'a ComPtr<IParameterChanges>>,
    pub events: Option<&'a ComPtr<vst3::Steinberg::Vst::IEventList>>,
    /// The transport for the call's first frame (`ProcessData.processContext`).
    pub context: Option<&'a ProcessContext>,
}

/// The host's transport at a frame, as a DAW playing its timeline fills in a
/// `ProcessContext`: the project time in samples and quarter notes, the
/// tempo, 4/4, and whether it plays.
pub fn process_context(rate: f64, playing: bool, tempo: f64, samples: i64, beats: f64) -> ProcessContext {
    use ProcessContext_::StatesAndFlags_ as Valid;
    // SAFETY: all-zero bytes are a valid ProcessContext (integers, floats and
    // plain structs of them).
    let mut context: ProcessContext = unsafe { std::mem::zeroed() };
    context.state = Valid::kTempoValid | Valid::kTimeSigValid | Valid::kProjectTimeMusicValid;
    if playing {
        context.state |= Valid::kPlaying;
    }
    context.sampleRate = rate;
    context.projectTimeSamples = samples;
    context.projectTimeMusic = beats;
    context.tempo = tempo;
    context.timeSigNumerator = 4;
    context.timeSigDenominator = 4;
    context
}

impl Instance {
    /// Calls `process` for frames `start..start + frames` of the buffers.
    pub fn process(&self, mode: u32, buffers: Buffers<'_>, start: usize, frames: usize, extras: Extras<'_>) -> tresult {
        let (mut in_ptrs32, mut out_ptrs32, mut in_ptrs64, mut out_ptrs64) = (vec![], vec![], vec![], vec![]);
        let double = matches!(buffers, Buffers::F64 { .. });
        match buffers {
            Buffers::F32 { input, output } => {
                in_ptrs32 = input.iter().map(|c| c[start..].as_ptr() as *mut f32).collect();
                out_ptrs32 = output.iter_mut().map(|c| c[start..].as_mut_ptr()).collect();
            }
            Buffers::F64 { input, output } => {
                in_ptrs64 = input.iter().map(|c| c[start..].as_ptr() as *mut f64).collect();
                out_ptrs64 = output.iter_mut().map(|c| c[start..].as_mut_ptr()).collect();
            }
        }
        let bus = |ptrs32: &mut Vec<*mut f32>, ptrs64: &mut Vec<*mut f64>| AudioBusBuffers {
            numChannels: ptrs32.len().max(ptrs64.len()) as i32,
            silenceFlags: 0,
            __field0: if double {
                AudioBusBuffers__type0 { channelBuffers64: ptrs64.as_mut_ptr() }
            } else {
                AudioBusBuffers__type0 { channelBuffers32: ptrs32.as_mut_ptr() }
            },
        };
        let mut inputs = bus(&mut in_ptrs32, &mut in_ptrs64);
        let mut outputs = bus(&mut out_ptrs32, &mut out_ptrs64);
        let effect = !in_ptrs32.is_empty() || !in_ptrs64.is_empty();
        // The plugin reads the context and must not keep it: a copy for the call.
        let mut context = extras.context.copied();
        let sample_size = if double { SymbolicSampleSizes_::kSample64 } else { SymbolicSampleSizes_::kSample32 };
        let mut data = ProcessData {
            processMode: mode as i32,
            symbolicSampleSize: sample_size as i32,
            numSamples: frames as i32,
            numInputs: i32::from(effect),
            numOutputs: 1,
            inputs: if effect { &mut inputs } else { std::ptr::null_mut() },
            outputs: &mut outputs,
            inputParameterChanges: extras.changes.map_or(std::ptr::null_mut(), |c| c.as_ptr()),
            outputParameterChanges: extras.output_changes.map_or(std::ptr::null_mut(), |c| c.as_ptr()),
            inputEvents: extras.events.map_or(std::ptr::null_mut(), |e| e.as_ptr()),
            outputEvents: std::ptr::null_mut(),
            processContext: context.as_mut().map_or(std::ptr::null_mut(), |c| c as *mut ProcessContext),
        };
        // SAFETY: every pointer in `data` is alive for the call and each channel
        // holds at least `frames` samples from `start`.
        let result = unsafe { self.processor.process(&mut data) };
        self.silence_flags.store(outputs.silenceFlags, std::sync::atomic::Ordering::Relaxed);
        result
    }

    /// The output's `silenceFlags` after the last `process` call.
    pub fn silence_flags(&self) -> u64 {
        self.silence_flags.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A call with arbitrary `ProcessData`, for the flush forms.
    pub fn process_raw(&self, data: &mut ProcessData) -> tresult {
        // SAFETY: the caller builds `data` with live pointers (or nulls).
        unsafe { self.processor.process(data) }
    }

    /// What the plugin shows for parameter `id` at `normalized`
    /// (`getParamStringByValue`).
    pub fn param_text(&self, id: ParamID, normalized: ParamValue) -> String {
        let mut text: String128 = [0; 128];
        // SAFETY: a live controller and a writable String128.
        let result = unsafe { self.controller.getParamStringByValue(id, normalized, &mut text) };
        assert_eq!(result, kResultOk, "getParamStringByValue({id:#x}, {normalized})");
        utf16(&text)
    }

    /// The normalized value the plugin reads from `text` for parameter `id`
    /// (`getParamValueByString`), or its result code.
    pub fn param_from_text(&self, id: ParamID, text: &str) -> Result<ParamValue, tresult> {
        let mut units: Vec<u16> = text.encode_utf16().chain([0]).collect();
        let mut value = f64::NAN;
        // SAFETY: a live controller, a NUL-terminated string and a writable f64.
        match unsafe { self.controller.getParamValueByString(id, units.as_mut_ptr(), &mut value) } {
            result if result == kResultOk => Ok(value),
            result => Err(result),
        }
    }
}

pub const REALTIME: u32 = ProcessModes_::kRealtime;
pub const OFFLINE: u32 = ProcessModes_::kOffline;

/// A growable in-memory IBStream.
pub struct MemoryStream {
    bytes: RefCell<Vec<u8>>,
    position: Cell<usize>,
}

impl Class for MemoryStream {
    type Interfaces = (IBStream,);
}

impl MemoryStream {
    pub fn new(bytes: Vec<u8>) -> ComWrapper<MemoryStream> {
        ComWrapper::new(MemoryStream { bytes: RefCell::new(bytes), position: Cell::new(0) })
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.borrow().clone()
    }
}

impl IBStreamTrait for MemoryStream {
    unsafe fn read(&self, buffer: *mut c_void, num_bytes: i32, num_read: *mut i32) -> tresult {
        let bytes = self.bytes.borrow();
        let start = self.position.get().min(bytes.len());
        let count = (num_bytes.max(0) as usize).min(bytes.len() - start);
        // SAFETY: the caller's buffer holds `num_bytes` >= `count` bytes.
        unsafe { std::ptr::copy_nonoverlapping(bytes[start..].as_ptr(), buffer.cast(), count) };
        self.position.set(start + count);
        if !num_read.is_null() {
            // SAFETY: non-null out-pointer from the caller.
            unsafe { *num_read = count as i32 };
        }
        kResultOk
    }

    unsafe fn write(&self, buffer: *mut c_void, num_bytes: i32, num_written: *mut i32) -> tresult {
        let count = num_bytes.max(0) as usize;
        // SAFETY: the caller's buffer holds `num_bytes` bytes.
        let data = unsafe { std::slice::from_raw_parts(buffer as *const u8, count) };
        let mut bytes = self.bytes.borrow_mut();
        let start = self.position.get();
        if bytes.len() < start + count {
            bytes.resize(start + count, 0);
        }
        bytes[start..start + count].copy_from_slice(data);
        self.position.set(start + count);
        if !num_written.is_null() {
            // SAFETY: non-null out-pointer from the caller.
            unsafe { *num_written = count as i32 };
        }
        kResultOk
    }

    unsafe fn seek(&self, pos: i64, mode: i32, result: *mut i64) -> tresult {
        let base = match mode {
            0 => 0,
            1 => self.position.get() as i64,
            2 => self.bytes.borrow().len() as i64,
            _ => return kInvalidArgument,
        };
        let target = (base + pos).max(0) as usize;
        self.position.set(target);
        if !result.is_null() {
            // SAFETY: non-null out-pointer from the caller.
            unsafe { *result = target as i64 };
        }
        kResultOk
    }

    unsafe fn tell(&self, pos: *mut i64) -> tresult {
        if pos.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: non-null out-pointer from the caller.
        unsafe { *pos = self.position.get() as i64 };
        kResultOk
    }
}

/// One parameter's points in one call.
pub struct ParamQueue {
    id: ParamID,
    points: RefCell<Vec<(i32, ParamValue)>>,
}

impl Class for ParamQueue {
    type Interfaces = (IParamValueQueue,);
}

impl IParamValueQueueTrait for ParamQueue {
    unsafe fn getParameterId(&self) -> ParamID {
        self.id
    }

    unsafe fn getPointCount(&self) -> i32 {
        self.points.borrow().len() as i32
    }

    unsafe fn getPoint(&self, index: i32, offset: *mut i32, value: *mut ParamValue) -> tresult {
        let points = self.points.borrow();
        let Some(&(at, v)) = usize::try_from(index).ok().and_then(|i| points.get(i)) else { return kResultFalse };
        if offset.is_null() || value.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: non-null out-pointers from the caller.
        unsafe {
            *offset = at;
            *value = v;
        }
        kResultOk
    }

    unsafe fn addPoint(&self, offset: i32, value: ParamValue, index: *mut i32) -> tresult {
        let mut points = self.points.borrow_mut();
        points.push((offset, value));
        if !index.is_null() {
            // SAFETY: non-null out-pointer from the caller.
            unsafe { *index = points.len() as i32 - 1 };
        }
        kResultOk
    }
}

/// The parameter changes of one call, in or out.
#[derive(Default)]
pub struct ParamChanges {
    queues: RefCell<Vec<ComWrapper<ParamQueue>>>,
}

impl Class for ParamChanges {
    type Interfaces = (IParameterChanges,);
}

impl ParamChanges {
    /// Changes holding `(id, offset, normalized value)` points.
    pub fn with(points: &[(ParamID, i32, ParamValue)]) -> ComPtr<IParameterChanges> {
        let changes = ParamChanges::default();
        for &(id, offset, value) in points {
            changes.queue(id).points.borrow_mut().push((offset, value));
        }
        ComWrapper::new(changes).to_com_ptr::<IParameterChanges>().unwrap()
    }

    fn queue(&self, id: ParamID) -> ComWrapper<ParamQueue> {
        let mut queues = self.queues.borrow_mut();
        if let Some(queue) = queues.iter().find(|q| q.id == id) {
            return queue.clone();
        }
        let queue = ComWrapper::new(ParamQueue { id, points: RefCell::new(Vec::new()) });
        queues.push(queue.clone());
        queue
    }

    /// The last value reported for `id`, if any.
    pub fn last(&self, id: ParamID) -> Option<ParamValue> {
        self.queues.borrow().iter().find(|q| q.id == id).and_then(|q| q.points.borrow().last().map(|p| p.1))
    }
}

impl IParameterChangesTrait for ParamChanges {
    unsafe fn getParameterCount(&self) -> i32 {
        self.queues.borrow().len() as i32
    }

    unsafe fn getParameterData(&self, index: i32) -> *mut IParamValueQueue {
        let queues = self.queues.borrow();
        usize::try_from(index)
            .ok()
            .and_then(|i| queues.get(i))
            .and_then(|q| q.as_com_ref::<IParamValueQueue>())
            .map_or(std::ptr::null_mut(), |q| q.as_ptr())
    }

    unsafe fn addParameterData(&self, id: *const ParamID, index: *mut i32) -> *mut IParamValueQueue {
        if id.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: non-null pointer from the caller.
        let queue = self.queue(unsafe { *id });
        if !index.is_null() {
            let position = self.queues.borrow().iter().position(|q| q.id == queue.id).unwrap_or(0);
            // SAFETY: non-null out-pointer from the caller.
            unsafe { *index = position as i32 };
        }
        queue.as_com_ref::<IParamValueQueue>().map_or(std::ptr::null_mut(), |q| q.as_ptr())
    }
}

/// The note events of one call.
pub struct EventList {
    events: RefCell<Vec<vst3::Steinberg::Vst::Event>>,
}

impl Class for EventList {
    type Interfaces = (vst3::Steinberg::Vst::IEventList,);
}

impl EventList {
    /// Note-ons `(offset, pitch, velocity)`.
    pub fn notes_on(notes: &[(i32, i16, f32)]) -> ComPtr<vst3::Steinberg::Vst::IEventList> {
        let notes: Vec<_> = notes.iter().map(|&(offset, pitch, velocity)| (offset, true, pitch, velocity)).collect();
        Self::notes(&notes)
    }

    /// Note-ons and note-offs `(offset, on, pitch, velocity)`.
    pub fn notes(notes: &[(i32, bool, i16, f32)]) -> ComPtr<vst3::Steinberg::Vst::IEventList> {
        use vst3::Steinberg::Vst::{Event, Event_, Event__type0, NoteOffEvent, NoteOnEvent};
        let events = notes
            .iter()
            .map(|&(offset, on, pitch, velocity)| Event {
                busIndex: 0,
                sampleOffset: offset,
                ppqPosition: 0.0,
                flags: 0,
                r#type: if on { Event_::EventTypes_::kNoteOnEvent } else { Event_::EventTypes_::kNoteOffEvent } as u16,
                __field0: if on {
                    Event__type0 {
                        noteOn: NoteOnEvent { channel: 0, pitch, tuning: 0.0, velocity, length: 0, noteId: -1 },
                    }
                } else {
                    Event__type0 { noteOff: NoteOffEvent { channel: 0, pitch, velocity, noteId: -1, tuning: 0.0 } }
                },
            })
            .collect();
        ComWrapper::new(EventList { events: RefCell::new(events) })
            .to_com_ptr::<vst3::Steinberg::Vst::IEventList>()
            .unwrap()
    }
}

impl vst3::Steinberg::Vst::IEventListTrait for EventList {
    unsafe fn getEventCount(&self) -> i32 {
        self.events.borrow().len() as i32
    }

    unsafe fn getEvent(&self, index: i32, event: *mut vst3::Steinberg::Vst::Event) -> tresult {
        let events = self.events.borrow();
        match usize::try_from(index).ok().and_then(|i| events.get(i)) {
            Some(found) if !event.is_null() => {
                // SAFETY: non-null out-pointer from the caller.
                unsafe { *event = *found };
                kResultOk
            }
            _ => kInvalidArgument,
        }
    }

    unsafe fn addEvent(&self, event: *mut vst3::Steinberg::Vst::Event) -> tresult {
        if event.is_null() {
            return kInvalidArgument;
        }
        // SAFETY: non-null pointer from the caller.
        self.events.borrow_mut().push(unsafe { *event });
        kResultOk
    }
}

/// What a host's component handler heard: every `restartComponent` call with
/// its flags, whether it came on the thread that made the handler (the main
/// thread here), and whether it came while the host was inside a lifecycle
/// call of the plugin (`setActive`, `setProcessing`, `setupProcessing`), which
/// the host marks with [`ComponentHandler::lifecycle`].
#[derive(Default)]
pub struct ComponentHandler {
    pub restarts: std::sync::Mutex<Vec<(i32, bool, bool)>>,
    /// Every edit the plugin sent, with whether it came on the main thread.
    pub edits: std::sync::Mutex<Vec<(HostEdit, bool)>>,
    main: std::sync::OnceLock<std::thread::ThreadId>,
    in_lifecycle: std::sync::atomic::AtomicBool,
}

impl Class for ComponentHandler {
    type Interfaces = (vst3::Steinberg::Vst::IComponentHandler,);
}

impl ComponentHandler {
    pub fn new() -> ComWrapper<ComponentHandler> {
        let handler = ComponentHandler::default();
        let _ = handler.main.set(std::thread::current().id());
        ComWrapper::new(handler)
    }

    /// Runs a lifecycle call of the plugin, marked as such.
    pub fn lifecycle<T>(&self, call: impl FnOnce() -> T) -> T {
        self.in_lifecycle.store(true, std::sync::atomic::Ordering::SeqCst);
        let result = call();
        self.in_lifecycle.store(false, std::sync::atomic::Ordering::SeqCst);
        result
    }
}

/// One edit a plugin's editor sent its host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HostEdit {
    Begin(ParamID),
    Perform(ParamID, ParamValue),
    End(ParamID),
}

impl ComponentHandler {
    fn edit(&self, edit: HostEdit) -> tresult {
        let on_main = self.main.get() == Some(&std::thread::current().id());
        self.edits.lock().unwrap().push((edit, on_main));
        kResultOk
    }

    /// The edits so far, and clears them.
    pub fn take_edits(&self) -> Vec<(HostEdit, bool)> {
        std::mem::take(&mut *self.edits.lock().unwrap())
    }

    /// Installs the handler on `instance`'s controller.
    pub fn install(handler: &ComWrapper<ComponentHandler>, instance: &Instance) {
        use vst3::Steinberg::Vst::IEditControllerTrait;
        let pointer = handler.as_com_ref::<vst3::Steinberg::Vst::IComponentHandler>().unwrap();
        // SAFETY: a live controller and a live handler.
        assert_eq!(unsafe { instance.controller.setComponentHandler(pointer.as_ptr()) }, kResultOk);
    }
}

impl vst3::Steinberg::Vst::IComponentHandlerTrait for ComponentHandler {
    unsafe fn beginEdit(&self, id: ParamID) -> tresult {
        self.edit(HostEdit::Begin(id))
    }

    unsafe fn performEdit(&self, id: ParamID, value: ParamValue) -> tresult {
        self.edit(HostEdit::Perform(id, value))
    }

    unsafe fn endEdit(&self, id: ParamID) -> tresult {
        self.edit(HostEdit::End(id))
    }

    unsafe fn restartComponent(&self, flags: i32) -> tresult {
        let on_main = self.main.get() == Some(&std::thread::current().id());
        let in_lifecycle = self.in_lifecycle.load(std::sync::atomic::Ordering::SeqCst);
        self.restarts.lock().unwrap().push((flags, on_main, in_lifecycle));
        kResultOk
    }
}
