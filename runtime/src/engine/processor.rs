//! What a DSP author implements: the [`Processor`] trait, and the block it sees.

use super::event::EventKind;
use super::transport::{Transport, TransportAnchor};

/// How the host will run the processor: known before any audio flows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessSetup {
    /// Frames per second.
    pub sample_rate: f64,
    /// The largest block one call may carry. Larger host blocks are split.
    pub max_block: usize,
    /// Audio channels in (effects) and out.
    pub channels: usize,
}

/// How long a processor keeps sounding after its input falls silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tail {
    /// Output stops with the input.
    #[default]
    None,
    /// Output rings on for this many frames.
    Frames(usize),
    /// Output may never stop on its own (a synth voice, a feedback delay at 1.0).
    Infinite,
}

impl Tail {
    /// This tail followed by `frames` more: what a host must keep processing
    /// after the input ends when the output comes `frames` late (the latency).
    pub fn delayed_by(self, frames: usize) -> Tail {
        match self {
            Tail::None if frames == 0 => Tail::None,
            Tail::None => Tail::Frames(frames),
            Tail::Frames(n) => Tail::Frames(n.saturating_add(frames)),
            Tail::Infinite => Tail::Infinite,
        }
    }

    /// The tail in frames, `None` for an infinite one.
    pub fn frames(self) -> Option<usize> {
        match self {
            Tail::None => Some(0),
            Tail::Frames(n) => Some(n),
            Tail::Infinite => None,
        }
    }

    /// One word for an atomic: `u64::MAX` is infinite.
    pub(crate) fn to_bits(self) -> u64 {
        self.frames().map_or(u64::MAX, |n| (n as u64).min(u64::MAX - 1))
    }

    pub(crate) fn from_bits(bits: u64) -> Tail {
        match bits {
            0 => Tail::None,
            u64::MAX => Tail::Infinite,
            n => Tail::Frames(usize::try_from(n).unwrap_or(usize::MAX)),
        }
    }
}

/// A DSP algorithm. Safe Rust only; the engine decides which thread calls it
/// (its worker, or the host's audio thread when catching up or rendering
/// offline) but never calls it from two threads at once.
///
/// Output must not depend on how the stream is cut into blocks: the engine
/// splits blocks at event positions and into chunks of its own choosing, and
/// promises buffered output equal to unbuffered output delayed by the latency.
pub trait Processor: Send + 'static {
    /// Called before processing starts and whenever the setup changes, never on
    /// the audio thread: allocate everything `process` needs here.
    fn prepare(&mut self, setup: &ProcessSetup);

    /// Processes one block in place: `audio` holds the input on entry (silence for
    /// instruments) and must hold the output on return. A stall here (allocation,
    /// a lock, blocking) is hidden by the write-ahead latency while it happens on
    /// the worker; unbuffered, or while the host's thread catches up, it reaches
    /// the host's audio thread.
    fn process(&mut self, audio: &mut AudioBlock<'_, '_>);

    /// Applies one event between the samples before and after its position.
    fn event(&mut self, event: &EventKind) {
        let _ = event;
    }

    /// Clears all internal state (delay lines, envelopes, filter memory).
    fn reset(&mut self) {}

    /// The processor's own latency in frames, valid after `prepare`, including
    /// what it took with [`Self::take_latency_budget`].
    fn latency(&self) -> usize {
        0
    }

    /// Offers `frames` of the write-ahead latency for the processor's own block
    /// processing (a convolver's partitions: contract point 15), before every
    /// `prepare`. Buffered, it is what the latency L leaves after the host's
    /// largest block and the worker's tick; unbuffered, 0. Returns the frames
    /// taken (at most `frames`): from the next `prepare` on, that much of
    /// [`Self::latency`] comes out of the write-ahead delay instead of adding
    /// to it, so the host is still told L, and the worker's headroom shrinks
    /// by as much. The default takes none.
    fn take_latency_budget(&mut self, frames: usize) -> usize {
        let _ = frames;
        0
    }

    /// How long the output outlasts the input, at the current parameters:
    /// after the last non-silent input frame, the output is silence (or below
    /// hearing: -100 dB or so) after this many frames. The engine reads it
    /// after `prepare` and after every block it runs, and reports it to hosts
    /// plus its latency (see [`super::Engine::tail`]), so hosts that stop
    /// processing silent input do not cut an echo or a release. Keep it cheap.
    fn tail(&self) -> Tail {
        Tail::None
    }

    /// The file this processor plays from, if it has one its plugin's state
    /// names and its editor can change (a convolver's impulse response): the
    /// format glue takes it once, before the processor goes into the engine,
    /// and keeps it on the non-audio side. The default has none.
    fn take_file_slot(&mut self) -> Option<std::sync::Arc<dyn crate::plugin::FileSlot>> {
        None
    }
}

/// Planar channels of one block, all `frames()` long, and the host's
/// transport for them.
pub struct AudioBlock<'a, 'b> {
    channels: &'a mut [&'b mut [f32]],
    start: usize,
    frames: usize,
    transport: TransportAnchor,
}

impl<'a, 'b> AudioBlock<'a, 'b> {
    /// A block over `channels[..][start..start + frames]`, with no transport
    /// reported.
    pub(crate) fn new(channels: &'a mut [&'b mut [f32]], start: usize, frames: usize) -> Self {
        debug_assert!(channels.iter().all(|c| c.len() >= start + frames));
        Self { channels, start, frames, transport: TransportAnchor::unknown(0.0) }
    }

    /// The same block with the report in force for it.
    pub(crate) fn with_transport(self, transport: TransportAnchor) -> Self {
        Self { transport, ..self }
    }

    /// The host's transport at the block's first frame: what the host reported
    /// for this very sample of audio, however far ahead of the host the
    /// processor runs. Before any report: stopped, nothing known.
    pub fn transport(&self) -> Transport {
        self.transport.at(0)
    }

    /// The host's transport at frame `frame` of this block, extrapolated from
    /// the host's last report as [`Transport::advanced`] defines.
    pub fn transport_at(&self, frame: usize) -> Transport {
        self.transport.at(frame)
    }

    /// The musical position, in quarter notes, at frame `frame` of this block
    /// (the `position_beats` of [`Self::transport_at`], computed alone): for a
    /// DSP locked to the beat, per sample.
    pub fn beats_at(&self, frame: usize) -> Option<f64> {
        self.transport.beats_at(frame)
    }

    /// Frames in every channel.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.channels.len()
    }

    /// One channel's samples.
    pub fn channel(&self, channel: usize) -> &[f32] {
        &self.channels[channel][self.start..self.start + self.frames]
    }

    /// One channel's samples, writable.
    pub fn channel_mut(&mut self, channel: usize) -> &mut [f32] {
        &mut self.channels[channel][self.start..self.start + self.frames]
    }

    /// Every channel, writable, in order.
    pub fn channels_mut(&mut self) -> impl Iterator<Item = &mut [f32]> {
        let range = self.start..self.start + self.frames;
        self.channels.iter_mut().map(move |c| &mut c[range.clone()])
    }
}
