//! Turning one VST3 `process` call into one engine call: the mode, parameter
//! changes and notes as sample-exact events at their host offsets, the
//! host's process context as the block's [`Transport`], and the host's
//! buffers as [`AudioBuffers`]. The whole host block goes to the
//! engine, which alone decides how to cut it. Allocation-free: everything is
//! sized in `setupProcessing`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use vst3::ComRef;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, Event as VstEvent, Event_, IEventListTrait, IParamValueQueue, IParamValueQueueTrait,
    IParameterChangesTrait, ProcessData, ProcessModes_, SymbolicSampleSizes_,
};
use vst3::Steinberg::{kInvalidArgument, kResultFalse, kResultOk, tresult};

use super::host_buffers::{HostBuffers, HostSample};
use super::programs::Programs;
use crate::engine::{
    AudioBuffers, Engine, EngineError, Event, EventKind, ProcessMode, ProcessSetup, Processor, Transport,
};
use crate::limits::MAX_CHANNELS;
use crate::plugin::params::meter_readings;
use crate::plugin::{PROGRAM_PARAM_ID, PluginInfo, PluginKind};

/// Events one call can carry; more are dropped (hosts send a few dozen).
const EVENT_CAPACITY: usize = 2048;

/// What `process` owns: the engine and the event list sized for the setup.
pub(crate) struct Audio<P: Processor> {
    pub(crate) engine: Engine<P>,
    pub(crate) setup: Option<ProcessSetup>,
    channels: usize,
    events: Vec<Event>,
}

impl<P: Processor> Audio<P> {
    pub(crate) fn new(engine: Engine<P>) -> Self {
        Self { engine, setup: None, channels: 0, events: Vec::new() }
    }

    /// Sets the engine up (for `setup.channels`, the bus layout in force) and
    /// sizes the event list; returns the latency.
    pub(crate) fn prepare(&mut self, setup: ProcessSetup) -> Result<usize, EngineError> {
        let latency = self.engine.setup(setup)?;
        self.setup = Some(setup);
        self.channels = setup.channels;
        self.events = Vec::with_capacity(EVENT_CAPACITY);
        Ok(latency)
    }
}

/// One host `process` call.
///
/// # Safety
/// `data` and every buffer, list and queue it points to are valid for this
/// call, as the VST3 contract requires: `numSamples` samples per channel
/// buffer, `numChannels` buffers per bus, `numInputs`/`numOutputs` buses.
/// Returns the call's result, and the program a program change in the call
/// chose (its preset's values applied at its frame), if one did.
pub(crate) unsafe fn run<P: Processor>(
    audio: &mut Audio<P>,
    info: &PluginInfo,
    params: &[AtomicU64],
    resend_params: &AtomicBool,
    data: &mut ProcessData,
) -> (tresult, Option<usize>) {
    if audio.setup.is_none() {
        return (kResultFalse, None);
    }
    let mode = match data.processMode as u32 {
        ProcessModes_::kOffline => ProcessMode::Offline,
        ProcessModes_::kPrefetch => ProcessMode::Prefetch,
        _ => ProcessMode::Realtime,
    };
    let frames = data.numSamples.max(0) as usize;
    let events = &mut audio.events;
    events.clear();
    if resend_params.swap(false, Ordering::AcqRel) {
        queue_all_params(events, info, params);
    }
    // SAFETY: per this function's contract.
    let program = unsafe { queue_param_changes(events, info, params, data, frames) };
    if info.kind == PluginKind::Instrument {
        // SAFETY: per this function's contract.
        unsafe { queue_notes(events, data, frames) };
    }
    sort_by_offset(events);
    // SAFETY: the host's context for this call, or null, per this function's
    // contract.
    let transport = unsafe { data.processContext.as_ref() }.map(super::transport::transport);
    let transport = transport.as_ref();

    // SAFETY: per this function's contract.
    let output = unsafe { bus(data.outputs, data.numOutputs) };
    let result = match output {
        // A parameter flush (no buffers, no buses or no channels): apply the
        // events without advancing time.
        None => flush(audio, mode, transport),
        Some(output) if frames == 0 || output.numChannels <= 0 => flush(audio, mode, transport),
        Some(output) => {
            let input = if info.kind == PluginKind::Effect {
                // SAFETY: per this function's contract.
                unsafe { bus(data.inputs, data.numInputs) }.map(|bus| &*bus)
            } else {
                None
            };
            // SAFETY: per this function's contract.
            let (result, silent) = unsafe {
                if data.symbolicSampleSize as u32 == SymbolicSampleSizes_::kSample64 {
                    render::<P, f64>(audio, mode, input, &*output, frames, transport)
                } else {
                    render::<P, f32>(audio, mode, input, &*output, frames, transport)
                }
            };
            // Hosts may skip what follows a silent plugin (and Steinberg's
            // validator checks that silence is flagged).
            output.silenceFlags = silent;
            result
        }
    };
    // SAFETY: per this function's contract.
    unsafe { report_telemetry(&audio.engine, info, params, data) };
    (result, program)
}

/// Publishes the engine's meters (underruns, buffer fill) as the read-only
/// parameters' values, and to the host through the output parameter changes.
///
/// # Safety
/// As for [`run`].
unsafe fn report_telemetry<P: Processor>(
    engine: &Engine<P>,
    info: &PluginInfo,
    params: &[AtomicU64],
    data: &ProcessData,
) {
    // SAFETY: a live IParameterChanges for this call, or null.
    let changes = unsafe { ComRef::from_raw(data.outputParameterChanges) };
    for (meter, plain) in meter_readings(&engine.stats()) {
        let (id, value) = (meter.id(), meter.to_normalized(plain));
        if let Some((index, _)) = info.host_param_by_id(id) {
            let previous = f64::from_bits(params[index].swap(value.to_bits(), Ordering::Relaxed));
            if previous == value {
                continue;
            }
        }
        let Some(changes) = changes else { continue };
        let mut queue_index = 0;
        // SAFETY: `id` and `queue_index` are valid locals; the returned queue is
        // the host's, valid for this call, or null.
        let queue = unsafe { ComRef::from_raw(changes.addParameterData(&id, &mut queue_index)) };
        if let Some(queue) = queue {
            let mut point_index = 0;
            // SAFETY: `point_index` is a valid local.
            unsafe { queue.addPoint(0, value, &mut point_index) };
        }
    }
}

/// The whole block, in `T` samples, through the engine; the result and the
/// output's silence flags.
///
/// # Safety
/// As for [`run`], with a sample size of `T`.
unsafe fn render<P: Processor, T: HostSample>(
    audio: &mut Audio<P>,
    mode: ProcessMode,
    input: Option<&AudioBusBuffers>,
    output: &AudioBusBuffers,
    frames: usize,
    transport: Option<&Transport>,
) -> (tresult, u64) {
    // SAFETY: per this function's contract.
    let Some(mut buffers) = (unsafe { HostBuffers::<T>::new(input, output, audio.channels, frames) }) else {
        return (kInvalidArgument, 0);
    };
    let processed = {
        let buffers: &mut dyn AudioBuffers = &mut buffers;
        audio.engine.process_buffers_with_transport(mode, buffers, &audio.events, transport)
    };
    match processed {
        Ok(()) => (kResultOk, buffers.silent_channels()),
        Err(_) => (kResultFalse, 0),
    }
}

/// Events (and the context) only, time does not move.
fn flush<P: Processor>(audio: &mut Audio<P>, mode: ProcessMode, transport: Option<&Transport>) -> tresult {
    let mut empty: [&mut [f32]; MAX_CHANNELS] = Default::default();
    match audio.engine.process_with_transport(mode, &[], &mut empty[..audio.channels], &audio.events, transport) {
        Ok(()) => kResultOk,
        Err(_) => kResultFalse,
    }
}

/// The first bus of a bus array, if there is one.
///
/// # Safety
/// `buses` is null or points to `count` buses valid for the call.
unsafe fn bus<'a>(buses: *mut AudioBusBuffers, count: i32) -> Option<&'a mut AudioBusBuffers> {
    if count < 1 {
        return None;
    }
    // SAFETY: non-null (checked by as_mut) and at least one bus per the contract.
    unsafe { buses.as_mut() }
}

fn push(events: &mut Vec<Event>, event: Event) {
    if events.len() < events.capacity() {
        events.push(event);
    }
}

/// Every settable parameter's current value at offset 0 (after activation or
/// a state restore).
fn queue_all_params(events: &mut Vec<Event>, info: &PluginInfo, params: &[AtomicU64]) {
    for (index, param) in info.host_params() {
        if let Some(kind) = param.event(f64::from_bits(params[index].load(Ordering::Relaxed))) {
            push(events, Event::new(0, kind));
        }
    }
}

/// Every point of every parameter queue, at its offset, in plain values; a
/// program change as its preset's values at its offset. Returns the last
/// program chosen, if any.
///
/// # Safety
/// As for [`run`].
unsafe fn queue_param_changes(
    events: &mut Vec<Event>,
    info: &PluginInfo,
    params: &[AtomicU64],
    data: &ProcessData,
    frames: usize,
) -> Option<usize> {
    // SAFETY: a live IParameterChanges for this call, or null.
    let changes = unsafe { ComRef::from_raw(data.inputParameterChanges) }?;
    let mut program = None;
    // SAFETY: calls on a live interface.
    for q in 0..unsafe { changes.getParameterCount() } {
        // SAFETY: a live queue for this call, or null.
        let Some(queue) = (unsafe { ComRef::from_raw(changes.getParameterData(q)) }) else { continue };
        // SAFETY: calls on a live interface.
        let id = unsafe { queue.getParameterId() };
        if id == PROGRAM_PARAM_ID && Programs::exist(info) {
            // SAFETY: per this function's contract.
            program = unsafe { queue_program_changes(events, info, params, &queue, frames) }.or(program);
            continue;
        }
        let Some((index, param)) = info.host_param_by_id(id) else { continue };
        // SAFETY: calls on a live interface.
        for p in 0..unsafe { queue.getPointCount() } {
            let (mut offset, mut value) = (0_i32, 0.0_f64);
            // SAFETY: both out-pointers are valid locals.
            if unsafe { queue.getPoint(p, &mut offset, &mut value) } != kResultOk || !value.is_finite() {
                continue;
            }
            let value = value.clamp(0.0, 1.0);
            // Meters are read-only: a host writing one changes nothing.
            let Some(kind) = param.event(value) else { continue };
            params[index].store(value.to_bits(), Ordering::Relaxed);
            let offset = (offset.max(0) as usize).min(frames);
            push(events, Event::new(offset, kind));
        }
    }
    program
}

/// The points of the program-change queue: each program's preset values,
/// stored and sent to the processor at the point's offset. Returns the last
/// program chosen.
///
/// # Safety
/// `queue` is the host's, valid for this call.
unsafe fn queue_program_changes(
    events: &mut Vec<Event>,
    info: &PluginInfo,
    params: &[AtomicU64],
    queue: &ComRef<'_, IParamValueQueue>,
    frames: usize,
) -> Option<usize> {
    let mut program = None;
    // SAFETY: calls on a live interface.
    for p in 0..unsafe { queue.getPointCount() } {
        let (mut offset, mut value) = (0_i32, 0.0_f64);
        // SAFETY: both out-pointers are valid locals.
        if unsafe { queue.getPoint(p, &mut offset, &mut value) } != kResultOk || !value.is_finite() {
            continue;
        }
        let index = Programs::index_of(info, value);
        let offset = (offset.max(0) as usize).min(frames);
        for (param, normalized) in info.preset_values(index).into_iter().flatten() {
            params[param].store(normalized.to_bits(), Ordering::Relaxed);
            if let Some(kind) = info.host_param(param).and_then(|p| p.event(normalized)) {
                push(events, Event::new(offset, kind));
            }
        }
        program = Some(index);
    }
    program
}

/// Note on/off events at their offsets.
///
/// # Safety
/// As for [`run`].
unsafe fn queue_notes(events: &mut Vec<Event>, data: &ProcessData, frames: usize) {
    // SAFETY: a live IEventList for this call, or null.
    let Some(list) = (unsafe { ComRef::from_raw(data.inputEvents) }) else { return };
    // SAFETY: calls on a live interface.
    for index in 0..unsafe { list.getEventCount() } {
        // SAFETY: all-zero bytes are a valid Event (integers, floats and a union
        // of plain structs), and getEvent overwrites it.
        let mut event: VstEvent = unsafe { std::mem::zeroed() };
        // SAFETY: `event` is a valid, writable Event.
        if unsafe { list.getEvent(index, &mut event) } != kResultOk {
            continue;
        }
        let offset = (event.sampleOffset.max(0) as usize).min(frames);
        let (on, channel, pitch, velocity, note_id) = match event.r#type as u32 {
            Event_::EventTypes_::kNoteOnEvent => {
                // SAFETY: the type tag says the union holds a note-on.
                let n = unsafe { event.__field0.noteOn };
                (true, n.channel, n.pitch, n.velocity, n.noteId)
            }
            Event_::EventTypes_::kNoteOffEvent => {
                // SAFETY: the type tag says the union holds a note-off.
                let n = unsafe { event.__field0.noteOff };
                (false, n.channel, n.pitch, n.velocity, n.noteId)
            }
            _ => continue,
        };
        let (channel, pitch) = (channel as u8, pitch as u8);
        let kind = if on {
            EventKind::NoteOn { channel, pitch, velocity, note_id }
        } else {
            EventKind::NoteOff { channel, pitch, velocity, note_id }
        };
        push(events, Event::new(offset, kind));
    }
}

/// Stable insertion sort by offset: no allocation, and linear for the
/// almost-sorted lists hosts send (each queue and the event list are sorted).
fn sort_by_offset(events: &mut [Event]) {
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 && events[j - 1].offset > events[j].offset {
            events.swap(j - 1, j);
            j -= 1;
        }
    }
}
