//! Turning one CLAP `process` call (or a parameter flush) into one engine
//! call: the render mode, parameter values and notes as sample-exact events
//! at their times, the host's transport (in the call and as events) as
//! [`Transport`] reports at their frames, and the host's buffers as
//! [`AudioBuffers`]. The whole host
//! block goes to the engine, which alone decides how to cut it.
//! Allocation-free: the event and transport lists are sized in `activate`.

use std::sync::atomic::Ordering;

use clap_sys::events::{
    CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_MIDI, CLAP_EVENT_NOTE_OFF, CLAP_EVENT_NOTE_ON, CLAP_EVENT_PARAM_VALUE,
    CLAP_EVENT_TRANSPORT, clap_event_header, clap_event_midi, clap_event_note, clap_event_param_value,
    clap_event_transport, clap_input_events, clap_output_events,
};
use clap_sys::process::{
    CLAP_PROCESS_CONTINUE, CLAP_PROCESS_ERROR, CLAP_PROCESS_TAIL, clap_process, clap_process_status,
};

use super::host_buffers::HostBuffers;
use super::params::{push_gesture, push_value};
use super::plugin::Plugin;
use crate::editor::{Edit, EditReceiver};
use crate::engine::{
    AudioBuffers, Engine, EngineError, Event, EventKind, ProcessMode, ProcessSetup, Processor, SliceBuffers, Transport,
};
use crate::limits::MAX_CHANNELS;
use crate::plugin::PluginKind;
use crate::plugin::params::meter_readings;

/// Events one call can carry; more are dropped (hosts send a few dozen).
const EVENT_CAPACITY: usize = 2048;

/// Transport reports one call can carry (`clap_process.transport` and
/// transport events); more are dropped, and the engine extrapolates.
const TRANSPORT_CAPACITY: usize = 64;

/// What `process` owns: the engine and the event and transport lists sized
/// for the setup.
pub(crate) struct Audio<P: Processor> {
    pub(crate) engine: Engine<P>,
    setup: Option<ProcessSetup>,
    channels: usize,
    events: Vec<Event>,
    /// The host's transport reports of one call, at their frames.
    transports: Vec<(usize, Transport)>,
    /// The editor's edits, sent on from every call.
    edits: EditReceiver,
}

impl<P: Processor> Audio<P> {
    pub(crate) fn new(engine: Engine<P>, edits: EditReceiver) -> Self {
        Self { engine, setup: None, channels: 0, events: Vec::new(), transports: Vec::new(), edits }
    }

    /// Sets the engine up (for `setup.channels`, the layout in force) and
    /// sizes the event list; returns the latency.
    pub(crate) fn prepare(&mut self, setup: ProcessSetup) -> Result<usize, EngineError> {
        let latency = self.engine.setup(setup)?;
        self.setup = Some(setup);
        self.channels = setup.channels;
        self.events = Vec::with_capacity(EVENT_CAPACITY);
        self.transports = Vec::with_capacity(TRANSPORT_CAPACITY);
        Ok(latency)
    }
}

/// One host `process` call.
///
/// # Safety
/// `data` and every buffer and event list it points to are valid for this
/// call, as CLAP's `process` contract requires.
pub(crate) unsafe fn run<P: Processor>(
    audio: &mut Audio<P>,
    plugin: &Plugin<P>,
    data: &clap_process,
) -> clap_process_status {
    if audio.setup.is_none() || !audio.engine.is_active() {
        return CLAP_PROCESS_ERROR;
    }
    let frames = data.frames_count as usize;
    audio.transports.clear();
    // SAFETY: per this function's contract: the host's transport, or null.
    if let Some(transport) = unsafe { data.transport.as_ref() } {
        let rate = audio.setup.map_or(0.0, |setup| setup.sample_rate);
        push(&mut audio.transports, (0, super::transport::transport(transport, rate)));
    }
    // SAFETY: per this function's contract.
    unsafe { queue_events(audio, plugin, data.in_events, frames) };
    // SAFETY: per this function's contract.
    unsafe { editor_edits(audio, plugin, data.out_events) };
    let mode = mode(plugin);
    // SAFETY: per this function's contract: `audio_outputs_count` buffers.
    let output = unsafe { first(data.audio_outputs, data.audio_outputs_count) };
    let mut silent = None;
    let ok = match output {
        Some(output) if frames > 0 && output.channel_count > 0 => {
            let input = match plugin.info.kind {
                // SAFETY: per this function's contract.
                PluginKind::Effect => unsafe { first(data.audio_inputs, data.audio_inputs_count) },
                PluginKind::Instrument => None,
            };
            // SAFETY: per this function's contract.
            let buffers = unsafe { HostBuffers::new(input, output, audio.channels, frames) };
            match buffers {
                Some(mut buffers) => {
                    let processed = {
                        let buffers: &mut dyn AudioBuffers = &mut buffers;
                        audio.engine.process_buffers_with_transports(mode, buffers, &audio.events, &audio.transports)
                    };
                    silent = Some(buffers.silent_channels());
                    processed.is_ok()
                }
                None => false,
            }
        }
        // No audio to render: apply the events without advancing time.
        _ => flush_events(audio, mode),
    };
    // SAFETY: per this function's contract.
    unsafe { report_meters(&audio.engine, plugin, data.out_events) };
    // A silent channel is a constant one (of value 0): hosts may skip it.
    if let Some(silent) = silent {
        // SAFETY: the host's first output buffer, checked non-null above and
        // writable for the call (`audio_outputs` is the host's array).
        unsafe { (*data.audio_outputs).constant_mask = silent };
    }
    match (ok, plugin.info.kind) {
        (false, _) => CLAP_PROCESS_ERROR,
        // An effect's output outlasts its input by its tail, which includes
        // the latency: the host may stop calling once the input has been
        // quiet that long (`clap.tail` reports it).
        (true, PluginKind::Effect) => CLAP_PROCESS_TAIL,
        // An instrument's input is notes, which a tail does not describe.
        (true, PluginKind::Instrument) => CLAP_PROCESS_CONTINUE,
    }
}

/// `clap.params` flush while active: the events, applied without advancing
/// time, and the meters reported.
///
/// # Safety
/// `input` and `output` are null or the host's lists, valid for this call.
pub(crate) unsafe fn flush<P: Processor>(
    audio: &mut Audio<P>,
    plugin: &Plugin<P>,
    input: *const clap_input_events,
    output: *const clap_output_events,
) {
    // SAFETY: per this function's contract.
    unsafe { queue_events(audio, plugin, input, 0) };
    // SAFETY: per this function's contract.
    unsafe { editor_edits(audio, plugin, output) };
    // A flush has no time to put a transport at: the next `process` brings it.
    audio.transports.clear();
    if audio.engine.is_active() {
        flush_events(audio, mode(plugin));
        // SAFETY: per this function's contract.
        unsafe { report_meters(&audio.engine, plugin, output) };
    }
}

fn mode<P: Processor>(plugin: &Plugin<P>) -> ProcessMode {
    if plugin.offline.load(Ordering::Relaxed) { ProcessMode::Offline } else { ProcessMode::Realtime }
}

/// The events (and the transport reports), with time standing still.
fn flush_events<P: Processor>(audio: &mut Audio<P>, mode: ProcessMode) -> bool {
    let mut empty: [&mut [f32]; MAX_CHANNELS] = Default::default();
    let Ok(mut buffers) = SliceBuffers::new(audio.channels, &[], &mut empty[..audio.channels]) else { return false };
    audio.engine.process_buffers_with_transports(mode, &mut buffers, &audio.events, &audio.transports).is_ok()
}

/// The first of `count` buffers, if there is one.
///
/// # Safety
/// `buffers` is null or points to `count` buffers valid for the call.
unsafe fn first<'a, T>(buffers: *const T, count: u32) -> Option<&'a T> {
    if count == 0 {
        return None;
    }
    // SAFETY: per this function's contract.
    unsafe { buffers.as_ref() }
}

/// Fills the event list: every parameter after a reset or a state load, then
/// the host's events at their times (a time past the block applies at its
/// end), in the host's order, which CLAP sorts by time; and adds the host's
/// transport events to the transport reports, at their times (after
/// `clap_process.transport`, which one at the block's first frame thus
/// supersedes).
///
/// # Safety
/// `list` is null or the host's input events, valid for this call.
unsafe fn queue_events<P: Processor>(
    audio: &mut Audio<P>,
    plugin: &Plugin<P>,
    list: *const clap_input_events,
    frames: usize,
) {
    let rate = audio.setup.map_or(0.0, |setup| setup.sample_rate);
    let events = &mut audio.events;
    events.clear();
    if plugin.resend_params.swap(false, Ordering::AcqRel) {
        for (index, param) in plugin.info.host_params() {
            if let Some(kind) = param.event(plugin.normalized(index)) {
                push(events, Event::new(0, kind));
            }
        }
    }
    // SAFETY: per this function's contract.
    let Some(list) = (unsafe { list.as_ref() }) else { return };
    let (Some(size), Some(get)) = (list.size, list.get) else { return };
    // SAFETY: the host's own function on its own list.
    for index in 0..unsafe { size(list) } {
        // SAFETY: as above; the header is the host's, valid for the call.
        let Some(header) = (unsafe { get(list, index).as_ref() }) else { continue };
        let offset = (header.time as usize).min(frames);
        if header.space_id == CLAP_CORE_EVENT_SPACE_ID
            && header.type_ == CLAP_EVENT_TRANSPORT
            && header.size as usize >= size_of::<clap_event_transport>()
        {
            // SAFETY: the type and size say this is a transport event.
            let event = unsafe { &*std::ptr::from_ref(header).cast::<clap_event_transport>() };
            push(&mut audio.transports, (offset, super::transport::transport(event, rate)));
            continue;
        }
        // SAFETY: the header heads an event of the type it names.
        if let Some(kind) = unsafe { translate(plugin, header) } {
            push(events, Event::new(offset, kind));
        }
    }
    sort_by_offset(events);
    sort_by_key(&mut audio.transports, |(offset, _)| *offset);
}

/// Sends the editor's edits on: to the host as gesture and value events
/// (CLAP hosts do not echo a plugin's own edits back), and to the processor
/// at the call's first frame, as a host's value would reach it.
///
/// # Safety
/// `out` is null or the host's output list, valid for this call.
unsafe fn editor_edits<P: Processor>(audio: &mut Audio<P>, plugin: &Plugin<P>, out: *const clap_output_events) {
    let mut added = false;
    while let Some(edit) = audio.edits.pop() {
        match edit {
            // SAFETY: per this function's contract.
            Edit::Begin { id } => unsafe { push_gesture(out, id, true) },
            // SAFETY: per this function's contract.
            Edit::End { id } => unsafe { push_gesture(out, id, false) },
            Edit::Set { id, normalized } => {
                let Some((_, param)) = plugin.info.host_param_by_id(id) else { continue };
                // SAFETY: per this function's contract.
                unsafe { push_value(out, id, param.to_plain(normalized)) };
                if let Some(kind) = param.event(normalized) {
                    push(&mut audio.events, Event::new(0, kind));
                    added = true;
                }
            }
        }
    }
    if added {
        sort_by_offset(&mut audio.events);
    }
}

/// What the engine receives for one host event, if anything.
///
/// # Safety
/// `header` heads a complete event of the type and size it names.
unsafe fn translate<P: Processor>(plugin: &Plugin<P>, header: &clap_event_header) -> Option<EventKind> {
    if header.space_id != CLAP_CORE_EVENT_SPACE_ID {
        return None;
    }
    let at = |size: usize| (header.size as usize >= size).then_some(std::ptr::from_ref(header));
    match header.type_ {
        CLAP_EVENT_PARAM_VALUE => {
            // SAFETY: the type and size say this is a param value event.
            let event = unsafe { &*at(size_of::<clap_event_param_value>())?.cast::<clap_event_param_value>() };
            let (index, param) = plugin.info.host_param_by_id(event.param_id)?;
            if !event.value.is_finite() {
                return None;
            }
            // Plain values from the host, kept normalized like VST3's (the
            // same state), and sent on as the plain value of that.
            let normalized = param.to_normalized(event.value);
            // A meter is read-only: a host writing one changes nothing.
            let kind = param.event(normalized)?;
            plugin.params[index].store(normalized.to_bits(), Ordering::Relaxed);
            Some(kind)
        }
        CLAP_EVENT_NOTE_ON | CLAP_EVENT_NOTE_OFF if plugin.info.kind == PluginKind::Instrument => {
            // SAFETY: the type and size say this is a note event.
            let note = unsafe { &*at(size_of::<clap_event_note>())?.cast::<clap_event_note>() };
            // Our one note port is 0: an event for another is not ours. A
            // note-off may name every port (-1); a note-on names one.
            let off = header.type_ == CLAP_EVENT_NOTE_OFF;
            if note.port_index != 0 && !(off && note.port_index == -1) {
                return None;
            }
            // Key -1 (every key) cannot start a note, and ends none here.
            let pitch = u8::try_from(note.key).ok().filter(|k| *k < 128)?;
            let channel = u8::try_from(note.channel).unwrap_or(0) & 15;
            let velocity = note.velocity as f32;
            Some(if header.type_ == CLAP_EVENT_NOTE_ON {
                EventKind::NoteOn { channel, pitch, velocity, note_id: note.note_id }
            } else {
                EventKind::NoteOff { channel, pitch, velocity, note_id: note.note_id }
            })
        }
        CLAP_EVENT_MIDI if plugin.info.kind == PluginKind::Instrument => {
            // SAFETY: the type and size say this is a MIDI event.
            let midi = unsafe { &*at(size_of::<clap_event_midi>())?.cast::<clap_event_midi>() };
            if midi.port_index != 0 {
                return None;
            }
            let [status, key, velocity] = midi.data;
            let (channel, pitch) = (status & 15, key & 127);
            let velocity_f = f32::from(velocity & 127) / 127.0;
            match status & 0xF0 {
                0x90 if velocity > 0 => Some(EventKind::NoteOn { channel, pitch, velocity: velocity_f, note_id: -1 }),
                0x80 | 0x90 => Some(EventKind::NoteOff { channel, pitch, velocity: velocity_f, note_id: -1 }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Publishes the meters (underruns, buffer fill) as the read-only
/// parameters' values and, when they changed, to the host as output events.
///
/// # Safety
/// `out` is null or the host's output list, valid for this call.
unsafe fn report_meters<P: Processor>(engine: &Engine<P>, plugin: &Plugin<P>, out: *const clap_output_events) {
    for (meter, plain) in meter_readings(&engine.stats()) {
        let value = meter.to_normalized(plain);
        let Some((index, _)) = plugin.info.host_param_by_id(meter.id()) else { continue };
        let previous = f64::from_bits(plugin.params[index].swap(value.to_bits(), Ordering::Relaxed));
        if previous != value {
            // SAFETY: per this function's contract.
            unsafe { push_value(out, meter.id(), meter.to_plain(value)) };
        }
    }
}

/// Adds `item` if the list has room (it never grows on the audio thread).
fn push<T>(list: &mut Vec<T>, item: T) {
    if list.len() < list.capacity() {
        list.push(item);
    }
}

fn sort_by_offset(events: &mut [Event]) {
    sort_by_key(events, |event| event.offset);
}

/// Stable insertion sort: no allocation, and linear for the sorted lists
/// CLAP hosts send.
fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> usize) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}
