//! The host's transport and tempo, as a processor sees them (contract point
//! 10: context travels with the audio).
//!
//! [`Transport`] is format-neutral: the VST3 glue fills it from the host's
//! `ProcessContext`, the CLAP glue from `clap_event_transport`, and a test or
//! an offline renderer can fill it by hand; [`Transport::sanitized`] drops
//! what no host could mean, for all of them. A format hands the engine the
//! host's reports of a block, each for a frame of it: VST3 one for the
//! block's first frame ([`super::Engine::process_buffers_with_transport`]),
//! CLAP also those of transport events inside the block
//! ([`super::Engine::process_buffers_with_transports`]). The engine stamps
//! each with its frame's input clock (moved first for a host that reports
//! the output's position: `host_convention.rs`) and delivers it through the
//! write-ahead buffer like an event, so a processor running L ahead sees, for
//! every sample, what the host reported for that sample.
//!
//! Between reports the engine extrapolates ([`Transport::advanced`]): while
//! playing, positions advance at the reported tempo; stopped, they hold.
//! Every frame's transport is computed from the last report in one step, so
//! it does not depend on how the engine or the host cut the stream into
//! blocks. A report that agrees with that extrapolation (the same flags,
//! tempo, time signature, loop and sample position, musical positions within
//! [`AGREEMENT_BEATS`]) confirms it and changes nothing: a host that keeps
//! time consistently gives the processor one unbroken timeline, however it
//! cuts its blocks. A report that does not agree (a tempo change, a jump, a
//! start or stop) applies from its own frame on.

use super::host_convention::PositionReference;

/// A time signature: `numerator` notes of value `1/denominator` per bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSignature {
    pub numerator: u32,
    pub denominator: u32,
}

impl TimeSignature {
    /// The length of one bar in quarter notes (4/4: 4.0; 6/8: 3.0), or `None`
    /// for a signature with a zero part.
    pub fn quarter_notes_per_bar(&self) -> Option<f64> {
        (self.numerator > 0 && self.denominator > 0)
            .then(|| f64::from(self.numerator) * 4.0 / f64::from(self.denominator))
    }
}

/// What the host reported about its timeline for one frame. Musical
/// positions are in quarter notes from the start of the project (VST3's
/// "project time music", CLAP's beats, a MIDI file's PPQ divided by its
/// resolution). A value the host did not report is `None`.
///
/// [`Default`] is what a processor sees before any report: stopped, nothing
/// known.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Transport {
    /// The transport is rolling: positions advance with the audio.
    pub playing: bool,
    /// The host is recording.
    pub recording: bool,
    /// Cycle (loop) playback is on.
    pub cycle_active: bool,
    /// Tempo in quarter notes per minute (beats per minute).
    pub tempo: Option<f64>,
    pub time_signature: Option<TimeSignature>,
    /// The project time of this frame in samples (0 at the project's start;
    /// a timeline position, not a count of frames processed).
    pub position_samples: Option<i64>,
    /// The musical position of this frame, in quarter notes.
    pub position_beats: Option<f64>,
    /// Where the bar holding this frame starts, in quarter notes.
    pub bar_start_beats: Option<f64>,
    /// The cycle's start and end in quarter notes.
    pub cycle_beats: Option<(f64, f64)>,
}

/// How far apart, in quarter notes, a report's musical positions may be from
/// the extrapolation and still agree with it: far below anything audible
/// (a nanosecond at 120 BPM) and far above the rounding of a host that
/// computes its positions its own way.
pub const AGREEMENT_BEATS: f64 = 1e-9;

impl Transport {
    /// Quarter notes per frame at the reported tempo.
    pub fn beats_per_frame(&self, sample_rate: f64) -> Option<f64> {
        self.tempo.filter(|t| t.is_finite() && sample_rate > 0.0).map(|tempo| tempo / (60.0 * sample_rate))
    }

    /// This report with the values no host could mean dropped (`None`), as
    /// every format reads them: a tempo that is not positive and finite, a
    /// time signature with a zero part, musical positions that are not
    /// finite, a cycle that does not end after it starts.
    pub fn sanitized(self) -> Transport {
        let finite = |value: Option<f64>| value.filter(|v| v.is_finite());
        Transport {
            tempo: self.tempo.filter(|t| t.is_finite() && *t > 0.0),
            time_signature: self.time_signature.filter(|ts| ts.quarter_notes_per_bar().is_some()),
            position_beats: finite(self.position_beats),
            bar_start_beats: finite(self.bar_start_beats),
            cycle_beats: self.cycle_beats.filter(|(start, end)| start.is_finite() && end.is_finite() && start < end),
            ..self
        }
    }

    /// This report carried `frames` frames on: what the processor sees for the
    /// frame that many after the one reported. The rule:
    /// - stopped (`playing` false): everything holds;
    /// - playing: `position_samples` advances by `frames`;
    ///   `position_beats` by `frames × tempo / (60 × sample_rate)` (and is
    ///   `None` without a tempo); `bar_start_beats` moves by whole bars of the
    ///   time signature to the bar holding the new position (and is `None`
    ///   without a time signature or a musical position);
    /// - tempo, time signature, flags and the cycle stay as reported. Nothing
    ///   wraps at the cycle's end: the host reports its jump back.
    ///
    /// Computed from this report in one step, so the same frame gets the same
    /// bits whatever blocks lie between.
    pub fn advanced(&self, frames: u64, sample_rate: f64) -> Transport {
        if !self.playing || frames == 0 {
            return *self;
        }
        let beats = match (self.position_beats, self.beats_per_frame(sample_rate)) {
            (Some(beats), Some(per_frame)) => Some(beats + frames as f64 * per_frame),
            _ => None,
        };
        let bar_length = self.time_signature.and_then(|ts| ts.quarter_notes_per_bar());
        let bar_start_beats = match (self.bar_start_beats, beats, bar_length) {
            (Some(bar), Some(beats), Some(length)) => Some(bar + ((beats - bar) / length).floor() * length),
            _ => None,
        };
        Transport {
            position_samples: self.position_samples.map(|p| p.saturating_add(frames.min(i64::MAX as u64) as i64)),
            position_beats: beats,
            bar_start_beats,
            ..*self
        }
    }

    /// Whether `report` says nothing new against this extrapolation (see the
    /// module docs).
    pub(crate) fn agrees_with(&self, report: &Transport) -> bool {
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= AGREEMENT_BEATS,
            (a, b) => a.is_none() && b.is_none(),
        };
        self.playing == report.playing
            && self.recording == report.recording
            && self.cycle_active == report.cycle_active
            && self.tempo.map(f64::to_bits) == report.tempo.map(f64::to_bits)
            && self.time_signature == report.time_signature
            && self.cycle_beats.map(|(a, b)| (a.to_bits(), b.to_bits()))
                == report.cycle_beats.map(|(a, b)| (a.to_bits(), b.to_bits()))
            && self.position_samples == report.position_samples
            && close(self.position_beats, report.position_beats)
            && (close(self.bar_start_beats, report.bar_start_beats) || self.on_a_bar_line(report))
    }

    /// Whether this frame sits on a bar line (within [`AGREEMENT_BEATS`]) in
    /// this extrapolation or in `report`, where rounding may put the bar's
    /// start on either side.
    fn on_a_bar_line(&self, report: &Transport) -> bool {
        let on = |t: &Transport| match (t.position_beats, t.bar_start_beats) {
            (Some(beats), Some(bar)) => (beats - bar).abs() <= AGREEMENT_BEATS,
            _ => false,
        };
        on(self) || on(report)
    }
}

/// A report stamped with the input clock of the frame it describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimedTransport {
    pub(crate) time: u64,
    pub(crate) transport: Transport,
}

/// The host's reports for one block, each at a frame of the block, in
/// order, as the processor must see them: moved to the position of the input
/// they come with for a host that reports the output's
/// ([`PositionReference`]).
#[derive(Clone, Copy)]
pub(crate) struct BlockReports<'a> {
    pub(crate) reports: &'a [(usize, Transport)],
    pub(crate) reference: PositionReference,
    pub(crate) latency: usize,
    pub(crate) sample_rate: f64,
}

impl BlockReports<'_> {
    /// Report `index`: its frame (at most `frames`, the block's length) and
    /// what the processor sees for that frame.
    pub(crate) fn get(&self, index: usize, frames: usize) -> Option<(usize, Transport)> {
        let (offset, report) = self.reports.get(index)?;
        Some(((*offset).min(frames), self.reference.to_input(report, self.latency, self.sample_rate)))
    }
}

/// The report in force for a block, and how far the block starts past it: what
/// an [`super::AudioBlock`] carries to compute any frame's transport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TransportAnchor {
    pub(crate) report: Transport,
    /// Frames from the reported frame to the block's first frame.
    pub(crate) since: u64,
    pub(crate) sample_rate: f64,
}

impl TransportAnchor {
    pub(crate) fn unknown(sample_rate: f64) -> Self {
        Self { report: Transport::default(), since: 0, sample_rate }
    }

    /// The transport at frame `frame` of the block.
    pub(crate) fn at(&self, frame: usize) -> Transport {
        self.report.advanced(self.since + frame as u64, self.sample_rate)
    }

    /// The musical position at frame `frame` of the block, as [`Self::at`]
    /// computes it, without the rest.
    pub(crate) fn beats_at(&self, frame: usize) -> Option<f64> {
        let beats = self.report.position_beats?;
        if !self.report.playing {
            return Some(beats);
        }
        let frames = self.since + frame as u64;
        if frames == 0 {
            return Some(beats);
        }
        Some(beats + frames as f64 * self.report.beats_per_frame(self.sample_rate)?)
    }
}

/// Which reports are news: the last one passed on, to compare the next with.
/// Both engine paths keep one, so buffered and unbuffered processors see the
/// same reports at the same frames.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TransportNews {
    last: Option<TimedTransport>,
    sample_rate: f64,
}

impl TransportNews {
    pub(crate) fn new(sample_rate: f64) -> Self {
        Self { last: None, sample_rate }
    }

    /// Whether `report` for input clock `time` changes what the processor sees.
    pub(crate) fn is_news(&self, report: &Transport, time: u64) -> bool {
        match self.last {
            Some(last) => {
                !last.transport.advanced(time.saturating_sub(last.time), self.sample_rate).agrees_with(report)
            }
            None => true,
        }
    }

    /// Records that `report` for `time` was passed on.
    pub(crate) fn passed_on(&mut self, report: &Transport, time: u64) {
        self.last = Some(TimedTransport { time, transport: *report });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f64 = 48_000.0;

    fn playing_at(beats: f64, samples: i64) -> Transport {
        Transport {
            playing: true,
            tempo: Some(120.0),
            time_signature: Some(TimeSignature { numerator: 3, denominator: 4 }),
            position_samples: Some(samples),
            position_beats: Some(beats),
            bar_start_beats: Some(3.0 * (beats / 3.0).floor()),
            ..Transport::default()
        }
    }

    #[test]
    fn playing_positions_advance_at_the_tempo_and_bars_follow() {
        let report = playing_at(2.5, 1000);
        // 120 BPM at 48 kHz: a quarter note is 24 000 frames.
        let later = report.advanced(12_000, RATE);
        assert_eq!(later.position_samples, Some(13_000));
        assert_eq!(later.position_beats, Some(3.0));
        assert_eq!(later.bar_start_beats, Some(3.0), "into the second bar of 3/4");
        assert_eq!(report.advanced(24_000 * 4, RATE).bar_start_beats, Some(6.0));
        assert_eq!(later.tempo, report.tempo);
    }

    #[test]
    fn nonsense_is_dropped_and_sense_kept() {
        let sane = Transport { cycle_beats: Some((4.0, 8.0)), ..playing_at(2.0, 7) };
        assert_eq!(sane.sanitized(), sane);
        let nonsense = Transport {
            tempo: Some(0.0),
            time_signature: Some(TimeSignature { numerator: 4, denominator: 0 }),
            position_beats: Some(f64::NAN),
            bar_start_beats: Some(f64::INFINITY),
            cycle_beats: Some((8.0, 8.0)),
            ..sane
        };
        let read = nonsense.sanitized();
        assert_eq!(
            (read.tempo, read.time_signature, read.position_beats, read.bar_start_beats, read.cycle_beats),
            (None, None, None, None, None)
        );
        assert_eq!(Transport { tempo: Some(-120.0), ..sane }.sanitized().tempo, None);
        assert_eq!(Transport { tempo: Some(f64::INFINITY), ..sane }.sanitized().tempo, None);
        assert_eq!(read.position_samples, Some(7), "the sample position is an integer: always sense");
    }

    #[test]
    fn a_stopped_transport_holds_its_position() {
        let stopped = Transport { playing: false, ..playing_at(7.0, 5) };
        assert_eq!(stopped.advanced(100_000, RATE), stopped);
    }

    #[test]
    fn without_a_tempo_musical_positions_are_unknown_once_time_moves() {
        let report = Transport { tempo: None, ..playing_at(1.0, 0) };
        let later = report.advanced(10, RATE);
        assert_eq!((later.position_beats, later.bar_start_beats, later.position_samples), (None, None, Some(10)));
        assert_eq!(report.advanced(0, RATE), report);
    }

    #[test]
    fn a_consistent_report_is_no_news_and_a_jump_or_tempo_change_is() {
        let mut news = TransportNews::new(RATE);
        let first = playing_at(0.0, 0);
        assert!(news.is_news(&first, 0));
        news.passed_on(&first, 0);
        // What a host computing its positions its own way reports later.
        let later = Transport { position_beats: Some(1000.0 * 2.0 / RATE), ..playing_at(0.0, 1000) };
        assert!(!news.is_news(&later, 1000));
        assert!(news.is_news(&playing_at(8.0, 1000), 1000), "a jump");
        // On a bar line the bar's start may round to either side.
        let just_before = Transport { position_beats: Some(6.0 - 1e-13), bar_start_beats: Some(3.0), ..later };
        let mut on_the_line = TransportNews::new(RATE);
        on_the_line.passed_on(&just_before, 1000);
        assert!(
            !on_the_line.is_news(&Transport { position_beats: Some(6.0), bar_start_beats: Some(6.0), ..later }, 1000)
        );
        assert!(news.is_news(&Transport { tempo: Some(90.0), ..later }, 1000), "a tempo change");
        assert!(news.is_news(&Transport { playing: false, ..later }, 1000), "a stop");
    }

    #[test]
    fn the_anchor_gives_each_frame_the_same_bits_however_blocks_are_cut() {
        let report = Transport { tempo: Some(133.0), ..playing_at(0.1, 0) };
        let whole = TransportAnchor { report, since: 0, sample_rate: RATE };
        for cut in [1, 7, 300, 4095] {
            let piece = TransportAnchor { since: cut, ..whole };
            for frame in [0, 1, 999] {
                assert_eq!(piece.at(frame), whole.at(cut as usize + frame));
                assert_eq!(piece.beats_at(frame), piece.at(frame).position_beats);
            }
        }
    }
}
