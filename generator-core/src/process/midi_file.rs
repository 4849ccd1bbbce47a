//! Standard MIDI files in (through `midly`): the notes of every track and
//! channel, at the frame each falls on at the rate the plugin runs at, the
//! file's tempo changes followed.

use std::path::Path;

use midly::{Format, MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};

/// A note on or off at an absolute frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Note {
    pub frame: usize,
    pub on: bool,
    pub key: u8,
    /// 0 to 1: the MIDI velocity over 127.
    pub velocity: f32,
}

/// The notes in time order, and the file's length in frames (its last
/// event, end of track included).
pub struct Midi {
    pub notes: Vec<Note>,
    pub end: usize,
}

/// Reads `path`'s notes at `rate`.
pub fn read(path: &Path, rate: f64) -> Result<Midi, String> {
    let bytes = std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let smf =
        Smf::parse(&bytes).map_err(|err| format!("{} is not a MIDI file this can read: {err}", path.display()))?;
    if smf.header.format == Format::Sequential {
        return Err(format!(
            "{} is a format 2 MIDI file (independent sequences): only formats 0 and 1 are read",
            path.display()
        ));
    }
    // Every event with its absolute tick, tracks merged; a stable sort keeps
    // each track's order for events at the same tick.
    let mut events = Vec::new();
    for track in &smf.tracks {
        let mut tick = 0u64;
        for event in track {
            tick += u64::from(event.delta.as_int());
            events.push((tick, event.kind));
        }
    }
    events.sort_by_key(|(tick, _)| *tick);
    // Seconds per tick: from the tempo in force (metrical) or fixed (SMPTE).
    let mut clock = Clock::new(smf.header.timing);
    let mut notes = Vec::new();
    let mut end = 0;
    for (tick, kind) in events {
        let frame = (clock.seconds_at(tick) * rate).round() as usize;
        end = end.max(frame);
        match kind {
            TrackEventKind::Meta(MetaMessage::Tempo(micros)) => clock.set_tempo(tick, micros.as_int()),
            TrackEventKind::Midi { message: MidiMessage::NoteOn { key, vel }, .. } => {
                let velocity = f32::from(vel.as_int()) / 127.0;
                notes.push(Note { frame, on: vel.as_int() > 0, key: key.as_int(), velocity });
            }
            TrackEventKind::Midi { message: MidiMessage::NoteOff { key, vel }, .. } => {
                let velocity = f32::from(vel.as_int()) / 127.0;
                notes.push(Note { frame, on: false, key: key.as_int(), velocity });
            }
            _ => {}
        }
    }
    if notes.is_empty() {
        return Err(format!("{} has no notes", path.display()));
    }
    Ok(Midi { notes, end })
}

/// Ticks to seconds through the tempo changes met so far.
struct Clock {
    ticks_per_quarter: Option<f64>,
    /// SMPTE timing: seconds per tick, fixed.
    fixed: f64,
    micros_per_quarter: f64,
    /// Where the tempo in force started, in ticks and seconds.
    since: (u64, f64),
}

impl Clock {
    fn new(timing: Timing) -> Clock {
        match timing {
            Timing::Metrical(ticks) => Clock {
                ticks_per_quarter: Some(f64::from(ticks.as_int().max(1))),
                fixed: 0.0,
                // 120 beats per minute until the file says otherwise.
                micros_per_quarter: 500_000.0,
                since: (0, 0.0),
            },
            Timing::Timecode(fps, subframes) => Clock {
                ticks_per_quarter: None,
                fixed: 1.0 / (f64::from(fps.as_f32()) * f64::from(subframes.max(1))),
                micros_per_quarter: 0.0,
                since: (0, 0.0),
            },
        }
    }

    fn seconds_at(&self, tick: u64) -> f64 {
        match self.ticks_per_quarter {
            Some(per_quarter) => {
                self.since.1 + (tick - self.since.0) as f64 * self.micros_per_quarter / 1e6 / per_quarter
            }
            None => tick as f64 * self.fixed,
        }
    }

    fn set_tempo(&mut self, tick: u64, micros_per_quarter: u32) {
        if self.ticks_per_quarter.is_some() {
            self.since = (tick, self.seconds_at(tick));
            self.micros_per_quarter = f64::from(micros_per_quarter.max(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tempo_change_moves_the_notes_after_it() {
        let mut clock = Clock::new(Timing::Metrical(480.into()));
        assert_eq!(clock.seconds_at(480), 0.5);
        clock.set_tempo(960, 1_000_000);
        assert_eq!(clock.seconds_at(960), 1.0);
        assert_eq!(clock.seconds_at(1440), 2.0);
    }
}
