//! Event lists a CLAP host hands `process` and `flush`: input events at
//! sample times, and an output list that keeps what the plugin reports.

use std::cell::RefCell;
use std::ffi::c_void;

use clap_sys::events::{
    CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_MIDI, CLAP_EVENT_NOTE_OFF, CLAP_EVENT_NOTE_ON, CLAP_EVENT_PARAM_GESTURE_BEGIN,
    CLAP_EVENT_PARAM_GESTURE_END, CLAP_EVENT_PARAM_VALUE, CLAP_EVENT_TRANSPORT, CLAP_TRANSPORT_HAS_BEATS_TIMELINE,
    CLAP_TRANSPORT_HAS_SECONDS_TIMELINE, CLAP_TRANSPORT_HAS_TEMPO, CLAP_TRANSPORT_HAS_TIME_SIGNATURE,
    CLAP_TRANSPORT_IS_PLAYING, clap_event_header, clap_event_midi, clap_event_note, clap_event_param_gesture,
    clap_event_param_value, clap_event_transport, clap_input_events, clap_output_events,
};
use clap_sys::fixedpoint::{CLAP_BEATTIME_FACTOR, CLAP_SECTIME_FACTOR};

/// One input event, at a frame of the block it is sent with.
#[derive(Debug, Clone, Copy)]
pub enum HostEvent {
    /// A parameter's plain value.
    Param { time: u32, id: u32, value: f64 },
    /// A CLAP note on (`on`) or off, key and velocity 0..=1.
    Note { time: u32, on: bool, key: i16, velocity: f64 },
    /// A MIDI 1.0 message.
    Midi { time: u32, data: [u8; 3] },
    /// A note on (`on`) or off addressed as a host may, right or wrong: any
    /// port, channel and key (the variants above use port 0, channel 0).
    NoteAt { time: u32, on: bool, port: i16, channel: i16, key: i16, velocity: f64 },
    /// A MIDI message on any port.
    MidiAt { time: u32, port: u16, data: [u8; 3] },
    /// A parameter value event in another event space than CLAP's core one.
    ParamInSpace { time: u32, space: u16, id: u32, value: f64 },
    /// The host's transport (`CLAP_EVENT_TRANSPORT`); its header's time is
    /// replaced by `time`.
    Transport { time: u32, transport: clap_event_transport },
}

/// The host's transport at a frame, as a DAW playing its timeline fills in a
/// `clap_event_transport`: the position in beats and in seconds (CLAP's
/// fixed point, rounded to the nearest unit), the tempo, 4/4, and whether it
/// plays. The bar starts on a multiple of 4 beats.
pub fn clap_transport(rate: f64, playing: bool, tempo: f64, samples: i64, beats: f64) -> clap_event_transport {
    let beattime = |b: f64| (b * CLAP_BEATTIME_FACTOR as f64).round() as i64;
    let mut flags = CLAP_TRANSPORT_HAS_TEMPO
        | CLAP_TRANSPORT_HAS_BEATS_TIMELINE
        | CLAP_TRANSPORT_HAS_SECONDS_TIMELINE
        | CLAP_TRANSPORT_HAS_TIME_SIGNATURE;
    if playing {
        flags |= CLAP_TRANSPORT_IS_PLAYING;
    }
    clap_event_transport {
        header: header(0, CLAP_EVENT_TRANSPORT, size_of::<clap_event_transport>()),
        flags,
        song_pos_beats: beattime(beats),
        song_pos_seconds: (samples as f64 / rate * CLAP_SECTIME_FACTOR as f64).round() as i64,
        tempo,
        tempo_inc: 0.0,
        loop_start_beats: 0,
        loop_end_beats: 0,
        loop_start_seconds: 0,
        loop_end_seconds: 0,
        bar_start: beattime((beats / 4.0).floor() * 4.0),
        bar_number: (beats / 4.0).floor() as i32,
        tsig_num: 4,
        tsig_denom: 4,
    }
}

impl HostEvent {
    /// The same event at another time.
    pub fn at(self, time: u32) -> HostEvent {
        match self {
            HostEvent::Param { id, value, .. } => HostEvent::Param { time, id, value },
            HostEvent::Note { on, key, velocity, .. } => HostEvent::Note { time, on, key, velocity },
            HostEvent::Midi { data, .. } => HostEvent::Midi { time, data },
            HostEvent::NoteAt { on, port, channel, key, velocity, .. } => {
                HostEvent::NoteAt { time, on, port, channel, key, velocity }
            }
            HostEvent::MidiAt { port, data, .. } => HostEvent::MidiAt { time, port, data },
            HostEvent::ParamInSpace { space, id, value, .. } => HostEvent::ParamInSpace { time, space, id, value },
            HostEvent::Transport { transport, .. } => HostEvent::Transport { time, transport },
        }
    }
}

fn header(time: u32, type_: u16, size: usize) -> clap_event_header {
    clap_event_header { size: size as u32, time, space_id: CLAP_CORE_EVENT_SPACE_ID, type_, flags: 0 }
}

fn param(time: u32, space: u16, id: u32, value: f64) -> Raw {
    let mut header = header(time, CLAP_EVENT_PARAM_VALUE, size_of::<clap_event_param_value>());
    header.space_id = space;
    Raw::Param(clap_event_param_value {
        header,
        param_id: id,
        cookie: std::ptr::null_mut(),
        note_id: -1,
        port_index: -1,
        channel: -1,
        key: -1,
        value,
    })
}

fn note(time: u32, on: bool, port: i16, channel: i16, key: i16, velocity: f64) -> Raw {
    let type_ = if on { CLAP_EVENT_NOTE_ON } else { CLAP_EVENT_NOTE_OFF };
    Raw::Note(clap_event_note {
        header: header(time, type_, size_of::<clap_event_note>()),
        note_id: -1,
        port_index: port,
        channel,
        key,
        velocity,
    })
}

fn midi(time: u32, port: u16, data: [u8; 3]) -> Raw {
    Raw::Midi(clap_event_midi {
        header: header(time, CLAP_EVENT_MIDI, size_of::<clap_event_midi>()),
        port_index: port,
        data,
    })
}

enum Raw {
    Param(clap_event_param_value),
    Note(clap_event_note),
    Midi(clap_event_midi),
    Transport(clap_event_transport),
}

impl Raw {
    fn header(&self) -> *const clap_event_header {
        match self {
            Raw::Param(e) => &e.header,
            Raw::Note(e) => &e.header,
            Raw::Midi(e) => &e.header,
            Raw::Transport(e) => &e.header,
        }
    }
}

/// An input event list, alive as long as this value.
pub struct InEvents {
    events: Vec<Raw>,
    pub raw: clap_input_events,
}

impl InEvents {
    /// The list, boxed so that `raw.ctx` can point at it.
    pub fn new(events: &[HostEvent]) -> Box<InEvents> {
        let events = events
            .iter()
            .map(|event| match *event {
                HostEvent::Param { time, id, value } => param(time, CLAP_CORE_EVENT_SPACE_ID, id, value),
                HostEvent::ParamInSpace { time, space, id, value } => param(time, space, id, value),
                HostEvent::Note { time, on, key, velocity } => note(time, on, 0, 0, key, velocity),
                HostEvent::NoteAt { time, on, port, channel, key, velocity } => {
                    note(time, on, port, channel, key, velocity)
                }
                HostEvent::Midi { time, data } => midi(time, 0, data),
                HostEvent::MidiAt { time, port, data } => midi(time, port, data),
                HostEvent::Transport { time, mut transport } => {
                    transport.header.time = time;
                    Raw::Transport(transport)
                }
            })
            .collect();
        let mut list = Box::new(InEvents {
            events,
            raw: clap_input_events { ctx: std::ptr::null_mut(), size: Some(size), get: Some(get) },
        });
        list.raw.ctx = std::ptr::from_mut::<InEvents>(&mut list).cast();
        list
    }
}

unsafe extern "C" fn size(list: *const clap_input_events) -> u32 {
    // SAFETY: `ctx` points to the InEvents holding this list.
    unsafe { (*(*list).ctx.cast::<InEvents>()).events.len() as u32 }
}

unsafe extern "C" fn get(list: *const clap_input_events, index: u32) -> *const clap_event_header {
    // SAFETY: `ctx` points to the InEvents holding this list.
    let events = unsafe { &(*(*list).ctx.cast::<InEvents>()).events };
    events.get(index as usize).map_or(std::ptr::null(), Raw::header)
}

/// What a plugin reported through an output list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutEvent {
    Value(u32, f64),
    GestureBegin(u32),
    GestureEnd(u32),
}

/// An output event list that keeps the parameter values the plugin reports,
/// and (in `events`) every value and gesture event in order.
pub struct OutEvents {
    pub values: RefCell<Vec<(u32, f64)>>,
    pub events: RefCell<Vec<OutEvent>>,
    pub raw: clap_output_events,
}

impl OutEvents {
    pub fn new() -> Box<OutEvents> {
        Self::with_capacity(0)
    }

    /// A list that keeps `capacity` values without allocating (clear it with
    /// `values.borrow_mut().clear()` to reuse it).
    pub fn with_capacity(capacity: usize) -> Box<OutEvents> {
        let mut list = Box::new(OutEvents {
            values: RefCell::new(Vec::with_capacity(capacity)),
            events: RefCell::new(Vec::with_capacity(capacity)),
            raw: clap_output_events { ctx: std::ptr::null_mut(), try_push: Some(try_push) },
        });
        list.raw.ctx = std::ptr::from_mut::<OutEvents>(&mut list).cast::<c_void>();
        list
    }

    /// The last value reported for `id`.
    pub fn last(&self, id: u32) -> Option<f64> {
        self.values.borrow().iter().rev().find(|(i, _)| *i == id).map(|(_, v)| *v)
    }
}

unsafe extern "C" fn try_push(list: *const clap_output_events, event: *const clap_event_header) -> bool {
    // SAFETY: `ctx` points to the OutEvents holding this list; the plugin
    // passes a complete event.
    unsafe {
        let out = &*(*list).ctx.cast::<OutEvents>();
        let header = &*event;
        if header.space_id != CLAP_CORE_EVENT_SPACE_ID {
            return true;
        }
        if header.type_ == CLAP_EVENT_PARAM_VALUE {
            assert_eq!(header.size as usize, size_of::<clap_event_param_value>(), "a complete event");
            let value = &*event.cast::<clap_event_param_value>();
            out.values.borrow_mut().push((value.param_id, value.value));
            out.events.borrow_mut().push(OutEvent::Value(value.param_id, value.value));
        } else if header.type_ == CLAP_EVENT_PARAM_GESTURE_BEGIN || header.type_ == CLAP_EVENT_PARAM_GESTURE_END {
            assert_eq!(header.size as usize, size_of::<clap_event_param_gesture>(), "a complete event");
            let gesture = &*event.cast::<clap_event_param_gesture>();
            out.events.borrow_mut().push(if header.type_ == CLAP_EVENT_PARAM_GESTURE_BEGIN {
                OutEvent::GestureBegin(gesture.param_id)
            } else {
                OutEvent::GestureEnd(gesture.param_id)
            });
        }
    }
    true
}
