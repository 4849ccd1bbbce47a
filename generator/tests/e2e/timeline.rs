//! A host's timeline in sections: where the transport plays, at what tempo,
//! from which musical position. What a test host reports for every block
//! (as a VST3 `ProcessContext`), what the engine's `Transport` of the same
//! frame is, and the musical position of any frame, computed on its own.

use runtime::engine::{TimeSignature, Transport};
use vst3::Steinberg::Vst::ProcessContext;

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
