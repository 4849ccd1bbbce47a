//! Turning one VST3 `process` call into engine calls: the mode, parameter
//! changes and notes as sample-exact events, and the host's 32- or 64-bit
//! buffers as planar f32 slices. Allocation-free: everything is sized in
//! `setupProcessing`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use vst3::ComRef;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, Event as VstEvent, Event_, IEventListTrait, IParamValueQueueTrait, IParameterChangesTrait,
    ProcessData, ProcessModes_, SymbolicSampleSizes_,
};
use vst3::Steinberg::{kInvalidArgument, kResultFalse, kResultOk, tresult};

use super::info::{PluginInfo, PluginKind};
use super::params::meter_readings;
use crate::engine::processor::{ChannelsMut, ChannelsRef};
use crate::engine::{BufferedProcessor, EngineError, Event, EventKind, ProcessMode, ProcessSetup, Processor};

/// Events one call can carry; more are dropped (hosts send a few dozen).
const EVENT_CAPACITY: usize = 2048;

/// What `process` owns: the engine and buffers sized for the setup.
pub(crate) struct Audio<P: Processor> {
    pub(crate) engine: BufferedProcessor<P>,
    pub(crate) setup: Option<ProcessSetup>,
    channels: usize,
    events: Vec<Event>,
    /// Planar input copies (in-place hosts, 64-bit hosts), `channels * max_block`.
    scratch_in: Vec<f32>,
    /// Planar output for 64-bit hosts, `channels * max_block`.
    scratch_out: Vec<f32>,
}

impl<P: Processor> Audio<P> {
    pub(crate) fn new(engine: BufferedProcessor<P>, channels: usize) -> Self {
        Self { engine, setup: None, channels, events: Vec::new(), scratch_in: Vec::new(), scratch_out: Vec::new() }
    }

    /// Sets the engine up and sizes every buffer; returns the latency.
    pub(crate) fn prepare(&mut self, setup: ProcessSetup) -> Result<usize, EngineError> {
        let latency = self.engine.setup(setup)?;
        self.setup = Some(setup);
        self.events = Vec::with_capacity(EVENT_CAPACITY);
        self.scratch_in = vec![0.0; self.channels * setup.max_block];
        self.scratch_out = vec![0.0; self.channels * setup.max_block];
        Ok(latency)
    }
}

/// One host `process` call.
///
/// # Safety
/// `data` and every buffer, list and queue it points to are valid for this
/// call, as the VST3 contract requires: `numSamples` samples per channel
/// buffer, `numChannels` buffers per bus, `numInputs`/`numOutputs` buses.
pub(crate) unsafe fn run<P: Processor>(
    audio: &mut Audio<P>,
    info: &PluginInfo,
    params: &[AtomicU64],
    resend_params: &AtomicBool,
    data: &mut ProcessData,
) -> tresult {
    let Some(setup) = audio.setup else { return kResultFalse };
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
    unsafe { queue_param_changes(events, info, params, data, frames) };
    if info.kind == PluginKind::Instrument {
        // SAFETY: per this function's contract.
        unsafe { queue_notes(events, data, frames) };
    }
    sort_by_offset(events);

    // SAFETY: per this function's contract.
    let Some(output) = (unsafe { bus(data.outputs, data.numOutputs) }) else {
        // A parameter flush (no buffers, no buses or no channels): apply the
        // events without advancing time.
        return flush(audio, mode);
    };
    if frames == 0 || output.numChannels <= 0 {
        return flush(audio, mode);
    }
    if (output.numChannels as usize) < audio.channels {
        return kInvalidArgument;
    }
    let input = if info.kind == PluginKind::Effect {
        // SAFETY: per this function's contract.
        unsafe { bus(data.inputs, data.numInputs) }
            .map(|bus| &*bus)
            .filter(|bus| bus.numChannels as usize >= audio.channels)
    } else {
        None
    };
    let double = data.symbolicSampleSize as u32 == SymbolicSampleSizes_::kSample64;
    // SAFETY: per this function's contract.
    let result = match unsafe { render(audio, setup.max_block, mode, input, output, frames, double) } {
        Ok(()) => kResultOk,
        Err(code) => code,
    };
    // SAFETY: per this function's contract.
    unsafe { report_telemetry(&audio.engine, info, params, data) };
    result
}

/// Publishes the engine's meters (underruns, buffer fill) as the read-only
/// parameters' values, and to the host through the output parameter changes.
///
/// # Safety
/// As for [`run`].
unsafe fn report_telemetry<P: Processor>(
    engine: &BufferedProcessor<P>,
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

/// Processes the block in pieces of at most `max_block` frames, each piece's
/// events with offsets made relative to it.
///
/// # Safety
/// As for [`run`].
unsafe fn render<P: Processor>(
    audio: &mut Audio<P>,
    max_block: usize,
    mode: ProcessMode,
    input: Option<&AudioBusBuffers>,
    output: &mut AudioBusBuffers,
    frames: usize,
    double: bool,
) -> Result<(), tresult> {
    let channels = audio.channels;
    output.silenceFlags = 0;
    let mut start = 0;
    let mut cursor = 0;
    while start < frames {
        let n = (frames - start).min(max_block);
        let last = start + n == frames;
        let end = if last {
            audio.events.len()
        } else {
            cursor + audio.events[cursor..].iter().take_while(|e| e.offset < start + n).count()
        };
        for event in &mut audio.events[cursor..end] {
            event.offset -= start.min(event.offset);
        }
        let events = &audio.events[cursor..end];
        let (scratch_in, scratch_out) = (&mut audio.scratch_in, &mut audio.scratch_out);
        let result = if double {
            // SAFETY: per this function's contract.
            unsafe {
                copy_input_f64(input, scratch_in, max_block, channels, start, n);
                let ins = ChannelsRef::from_planar(scratch_in, max_block, channels, n);
                let mut outs = ChannelsMut::from_planar(scratch_out, max_block, channels, n);
                let with_input: &[&[f32]] = if input.is_some() { ins.as_slice() } else { &[] };
                let result = audio.engine.process(mode, with_input, outs.as_mut(), events);
                copy_output_f64(output, scratch_out, max_block, channels, start, n);
                result
            }
        } else {
            // SAFETY: per this function's contract.
            let out_pointers = unsafe { channel_pointers(output, channels) }.ok_or(kInvalidArgument)?;
            // The input is taken (and copied if it shares memory with the outputs)
            // before any output slice exists, so no sample is ever both.
            // SAFETY: per this function's contract.
            let ins = unsafe { input_f32(input, out_pointers, scratch_in, max_block, channels, start, n) };
            // SAFETY: each pointer addresses `start + n` writable samples, and the
            // input slices never cover them (see above).
            let mut outs = ChannelsMut::from_iter(
                out_pointers.iter().map(|p| unsafe { std::slice::from_raw_parts_mut(p.add(start), n) }),
            );
            let with_input: &[&[f32]] = ins.as_ref().map_or(&[], |ins| ins.as_slice());
            audio.engine.process(mode, with_input, outs.as_mut(), events)
        };
        result.map_err(|_| kResultFalse)?;
        cursor = end;
        start += n;
    }
    Ok(())
}

/// Events only, time does not move.
fn flush<P: Processor>(audio: &mut Audio<P>, mode: ProcessMode) -> tresult {
    let mut empty = ChannelsMut::from_iter((0..audio.channels).map(|_| <&mut [f32]>::default()));
    match audio.engine.process(mode, &[], empty.as_mut(), &audio.events) {
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

/// A bus's first `channels` f32 channel pointers, or None if any is null.
///
/// # Safety
/// `bus` holds at least `channels` f32 buffer pointers (a 32-bit call).
unsafe fn channel_pointers<'a>(bus: &AudioBusBuffers, channels: usize) -> Option<&'a [*mut f32]> {
    // SAFETY: the union holds f32 pointers for a 32-bit call.
    let buffers = unsafe { bus.__field0.channelBuffers32 };
    if buffers.is_null() {
        return None;
    }
    // SAFETY: at least `channels` pointers, per the contract.
    let pointers = unsafe { std::slice::from_raw_parts(buffers, channels) };
    (!pointers.iter().any(|p| p.is_null())).then_some(pointers)
}

/// The input channels `start..start + n` as f32 slices: the host's own buffers,
/// or a copy in `scratch` where they share memory with `outputs` (in-place
/// processing). None if there is no usable input.
///
/// # Safety
/// `input` holds at least `channels` f32 buffers of at least `start + n`
/// samples, and no slice of the outputs exists while this runs.
unsafe fn input_f32<'a>(
    input: Option<&AudioBusBuffers>,
    outputs: &[*mut f32],
    scratch: &'a mut [f32],
    stride: usize,
    channels: usize,
    start: usize,
    n: usize,
) -> Option<ChannelsRef<'a>> {
    // SAFETY: per this function's contract.
    let pointers = unsafe { channel_pointers(input?, channels) }?;
    let span = |p: &*mut f32| (p.wrapping_add(start) as usize, p.wrapping_add(start + n) as usize);
    let shares_memory = pointers.iter().any(|input| {
        let (lo, hi) = span(input);
        outputs.iter().any(|output| {
            let (out_lo, out_hi) = span(output);
            out_lo < hi && lo < out_hi
        })
    });
    if !shares_memory {
        // SAFETY: `start + n` readable samples per buffer that no output covers,
        // so nothing writes them during this call.
        return Some(ChannelsRef::from_iter(
            pointers.iter().map(|p| unsafe { std::slice::from_raw_parts(p.add(start), n) }),
        ));
    }
    for (run, pointer) in scratch.chunks_exact_mut(stride).zip(pointers) {
        // SAFETY: `n` readable samples at `start`; no slice of them exists yet,
        // and `run` is our own buffer, so the ranges cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(pointer.add(start), run.as_mut_ptr(), n) };
    }
    Some(ChannelsRef::from_planar(scratch, stride, channels, n))
}

/// Converts the host's f64 input `start..start + n` into `scratch` (silence if
/// there is none).
///
/// # Safety
/// `input` holds `numChannels` f64 buffers of at least `start + n` samples.
unsafe fn copy_input_f64(
    input: Option<&AudioBusBuffers>,
    scratch: &mut [f32],
    stride: usize,
    channels: usize,
    start: usize,
    n: usize,
) {
    // SAFETY: the union holds f64 pointers for a 64-bit call.
    let buffers = input.map_or(std::ptr::null_mut(), |bus| unsafe { bus.__field0.channelBuffers64 });
    let pointers: &[*mut f64] = if buffers.is_null() {
        &[]
    } else {
        // SAFETY: at least `channels` pointers per the caller's check.
        unsafe { std::slice::from_raw_parts(buffers, channels) }
    };
    for (ch, run) in scratch.chunks_exact_mut(stride).take(channels).enumerate() {
        match pointers.get(ch).filter(|p| !p.is_null()) {
            // SAFETY: `start + n` readable samples; no other borrow exists now.
            Some(p) => crate::simd::f64_to_f32(&mut run[..n], unsafe { std::slice::from_raw_parts(p.add(start), n) }),
            None => crate::simd::fill(&mut run[..n], 0.0),
        }
    }
}

/// Converts `scratch` into the host's f64 output `start..start + n`.
///
/// # Safety
/// `output` holds `numChannels` f64 buffers of at least `start + n` samples.
unsafe fn copy_output_f64(
    output: &AudioBusBuffers,
    scratch: &[f32],
    stride: usize,
    channels: usize,
    start: usize,
    n: usize,
) {
    // SAFETY: the union holds f64 pointers for a 64-bit call.
    let buffers = unsafe { output.__field0.channelBuffers64 };
    if buffers.is_null() {
        return;
    }
    // SAFETY: at least `channels` pointers per the caller's check.
    let pointers = unsafe { std::slice::from_raw_parts(buffers, channels) };
    for (run, pointer) in scratch.chunks_exact(stride).zip(pointers) {
        if !pointer.is_null() {
            // SAFETY: `start + n` writable samples, not borrowed elsewhere now.
            crate::simd::f32_to_f64(unsafe { std::slice::from_raw_parts_mut(pointer.add(start), n) }, &run[..n]);
        }
    }
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

/// Every point of every parameter queue, at its offset, in plain values.
///
/// # Safety
/// As for [`run`].
unsafe fn queue_param_changes(
    events: &mut Vec<Event>,
    info: &PluginInfo,
    params: &[AtomicU64],
    data: &ProcessData,
    frames: usize,
) {
    // SAFETY: a live IParameterChanges for this call, or null.
    let Some(changes) = (unsafe { ComRef::from_raw(data.inputParameterChanges) }) else { return };
    // SAFETY: calls on a live interface.
    for q in 0..unsafe { changes.getParameterCount() } {
        // SAFETY: a live queue for this call, or null.
        let Some(queue) = (unsafe { ComRef::from_raw(changes.getParameterData(q)) }) else { continue };
        // SAFETY: calls on a live interface.
        let id = unsafe { queue.getParameterId() };
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
