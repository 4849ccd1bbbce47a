//! Standard MIDI files for Ardour's MIDI sources: format 0, one track, at
//! Ardour's own resolution of 1920 ticks per quarter note.

use std::path::Path;

/// Ticks per quarter note, as Ardour counts beats (`Temporal::ticks_per_beat`).
pub const TICKS_PER_BEAT: u32 = 1920;

/// A MIDI message at an absolute tick on channel 1.
#[derive(Debug, Clone, Copy)]
pub struct Message {
    pub tick: u32,
    pub on: bool,
    pub pitch: u8,
    pub velocity: u8,
}

/// Writes `messages` (sorted by tick) as a format-0 file.
pub fn write(path: &Path, messages: &[Message]) {
    assert!(messages.windows(2).all(|w| w[0].tick <= w[1].tick), "messages sorted by tick");
    let mut track = Vec::new();
    let mut last = 0;
    for m in messages {
        assert!(m.pitch < 128 && m.velocity < 128, "7-bit MIDI data: {m:?}");
        variable_length(&mut track, m.tick - last);
        track.extend_from_slice(&[if m.on { 0x90 } else { 0x80 }, m.pitch, m.velocity]);
        last = m.tick;
    }
    variable_length(&mut track, 0);
    track.extend_from_slice(&[0xFF, 0x2F, 0x00]); // end of track
    let mut file = Vec::new();
    file.extend_from_slice(b"MThd");
    file.extend_from_slice(&6_u32.to_be_bytes());
    file.extend_from_slice(&0_u16.to_be_bytes()); // format 0
    file.extend_from_slice(&1_u16.to_be_bytes()); // one track
    file.extend_from_slice(&(TICKS_PER_BEAT as u16).to_be_bytes());
    file.extend_from_slice(b"MTrk");
    file.extend_from_slice(&(track.len() as u32).to_be_bytes());
    file.extend_from_slice(&track);
    std::fs::write(path, file).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn variable_length(out: &mut Vec<u8>, value: u32) {
    let mut groups = vec![(value & 0x7F) as u8];
    let mut rest = value >> 7;
    while rest > 0 {
        groups.push((rest & 0x7F) as u8 | 0x80);
        rest >>= 7;
    }
    out.extend(groups.iter().rev());
}
