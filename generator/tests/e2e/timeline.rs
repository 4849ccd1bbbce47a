//! A host's timeline in sections: where the transport plays, at what tempo,
//! from which musical position. What a test host reports for every block
//! (as a VST3 `ProcessContext` or a CLAP `clap_event_transport`), what the engine's `Transport` of the same
//! frame is, and the musical position of any frame, computed on its own.

use runtime::engine::{TimeSignature, Transport};
use vst3::Steinberg::Vst::ProcessContext;

use super::clap_host::clap_transport;
use super::host::process_context;

/// From frame `from` on (until the next section): playing or not, at `tempo`
/// BPM, `beats` quarter notes and `samples` samples into the project at
/// `from`.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub from: usize,
    pub playing: bool,
    pub tempo: f64,
    pub beats: f64,
    pub samples: i64,
}

/// Sections in order, the first from frame 0, at a sample rate.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub rate: f64,
    pub sections: Vec<Section>,
}

impl Timeline {
    fn section(&self, t: usize) -> &Section {
        self.sections.iter().rev().find(|s| s.from <= t).expect("a section from frame 0")
    }

    /// The frames where a section starts: a host block must start there.
    pub fn changes(&self) -> Vec<usize> {
        self.sections.iter().map(|s| s.from).filter(|&from| from > 0).collect()
    }

    /// The musical position of frame `t`, in quarter notes.
    pub fn beats(&self, t: usize) -> f64 {
        let s = self.section(t);
        let elapsed = if s.playing { (t - s.from) as f64 } else { 0.0 };
        s.beats + elapsed * s.tempo / (60.0 * self.rate)
    }

    /// The project time of frame `t` in samples.
    pub fn samples(&self, t: usize) -> i64 {
        let s = self.section(t);
        s.samples + if s.playing { (t - s.from) as i64 } else { 0 }
    }

    /// What the host reports for a block starting at frame `t`.
    pub fn context(&self, t: usize) -> ProcessContext {
        let s = self.section(t);
        process_context(self.rate, s.playing, s.tempo, self.samples(t), self.beats(t))
    }

    /// The same report as a CLAP host makes it (`clap_process.transport`).
    pub fn clap(&self, t: usize) -> clap_sys::events::clap_event_transport {
        let s = self.section(t);
        clap_transport(self.rate, s.playing, s.tempo, self.samples(t), self.beats(t))
    }

    /// The same report as the engine reads it.
    pub fn transport(&self, t: usize) -> Transport {
        let s = self.section(t);
        Transport {
            playing: s.playing,
            tempo: Some(s.tempo),
            time_signature: Some(TimeSignature { numerator: 4, denominator: 4 }),
            position_samples: Some(self.samples(t)),
            position_beats: Some(self.beats(t)),
            ..Transport::default()
        }
    }

    /// Block sizes from `sizes`, cut where a section starts.
    pub fn cut(&self, sizes: &[usize]) -> Vec<usize> {
        let changes = self.changes();
        let mut cut = Vec::new();
        let mut start = 0;
        for &size in sizes {
            let mut from = start;
            for &change in &changes {
                if (start + 1..start + size).contains(&change) {
                    cut.push(change - from);
                    from = change;
                }
            }
            cut.push(start + size - from);
            start += size;
        }
        cut
    }
}

/// The gain of a tremolo with depth `depth` at LFO phase `cycles`.
pub fn tremolo_gain(cycles: f64, depth: f64) -> f64 {
    1.0 - depth * (1.0 - (2.0 * std::f64::consts::PI * cycles).cos()) / 2.0
}

/// The first output frame from `from` on whose gain differs from `gain` by
/// more than `tolerance`.
pub fn first_departure(got: &[f32], from: usize, gain: impl Fn(usize) -> f64, tolerance: f64) -> Option<usize> {
    (from..got.len()).find(|&t| (f64::from(got[t]) - gain(t)).abs() > tolerance)
}

/// The host's timeline the transport tests play: 120 BPM from beat 0; at
/// frame [`JUMP`] a jump from beat 1.125 (two and a quarter eighth-note
/// periods) to beat 100.25 (the dip between two eighths); at [`TEMPO`] a
/// change to 90 BPM at beat 101.875 (mid-slope), the position going on. Every reported
/// position is a multiple of 2^-31 beat, so CLAP's fixed point carries the
/// same values as VST3's doubles.
pub fn host_timeline() -> Timeline {
    let at_tempo = (100.25 + (TEMPO - JUMP) as f64 * 2.0 / 48_000.0, 48_000 + TEMPO as i64);
    Timeline {
        rate: 48_000.0,
        sections: vec![
            Section { from: 0, playing: true, tempo: 120.0, beats: 0.0, samples: 0 },
            Section { from: JUMP, playing: true, tempo: 120.0, beats: 100.25, samples: 48_000 + JUMP as i64 },
            Section { from: TEMPO, playing: true, tempo: 90.0, beats: at_tempo.0, samples: at_tempo.1 },
        ],
    }
}

pub const JUMP: usize = 27_000;
pub const TEMPO: usize = 66_000;
