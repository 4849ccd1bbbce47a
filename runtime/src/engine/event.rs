//! Events that reach the DSP at exact sample positions.

/// What happens at an event's position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    /// A note starts. `note_id` is the host's id, or -1.
    NoteOn { channel: u8, pitch: u8, velocity: f32, note_id: i32 },
    /// A note ends.
    NoteOff { channel: u8, pitch: u8, velocity: f32, note_id: i32 },
    /// A parameter takes a new value from this sample on.
    Param { id: u32, value: f64 },
    /// Bypass turns on or off from this sample on. The engine handles it (a
    /// short crossfade to the input delayed by the latency); the processor never
    /// sees it.
    Bypass(bool),
}

/// An event at a frame offset within the host block it arrives with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Frame offset in the block, `0..=frames` (an offset at the block's end
    /// applies before the next block's first frame).
    pub offset: usize,
    pub kind: EventKind,
}

impl Event {
    pub fn new(offset: usize, kind: EventKind) -> Self {
        Self { offset, kind }
    }
}

/// An event stamped with the absolute input clock it applies before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimedEvent {
    pub(crate) time: u64,
    pub(crate) kind: EventKind,
}
