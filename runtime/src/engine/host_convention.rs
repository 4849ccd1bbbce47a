//! Which frame a host's transport report describes: the one knowledge about
//! particular hosts the engine keeps, format-neutral (a format's glue only
//! finds the host's name).
//!
//! Contract point 10 wants the transport a processor sees for a frame to be
//! the host's timeline *at that frame's input*. Most hosts report exactly
//! that: the position of the first frame of the audio they hand the plugin
//! (VST3's SDK and CLAP say so; DawDreamer, minihost, pedalboard and the
//! Rust test hosts do so). Ardour does not: it reports the position at which
//! the plugin's *output* is heard (`Route::process_output_buffers` runs each
//! processor at the cycle's position plus the route's latency minus the
//! latency up to and including that processor), while it feeds the plugin
//! input read L ahead of that position to compensate the plugin's latency L.
//! Taken as they come, its reports put a plugin with latency L exactly L
//! frames behind Ardour's grid; a plugin without latency is on it. Harrison
//! Mixbus is Ardour under another name.
//!
//! [`PositionReference::Output`] undoes that: the engine moves each report
//! forward by its reported latency before stamping it, to where the reported
//! timeline is at the input frame the report came with.

use super::transport::Transport;

/// Which frame of the plugin's stream a host's transport report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionReference {
    /// The first input frame of the block it comes with (what the formats
    /// specify, and what most hosts do).
    #[default]
    Input,
    /// The frame at which the block's output is heard: the host compensates
    /// the plugin's latency L by feeding input L ahead of the position it
    /// reports (Ardour, Mixbus).
    Output,
}

/// Names (as a host gives them, compared without case) of hosts whose reports
/// describe the output: Ardour's `PROGRAM_NAME`, which Mixbus changes.
const OUTPUT_REFERENCED_HOSTS: [&str; 2] = ["ardour", "mixbus"];

impl PositionReference {
    /// The convention of the host named `name` (VST3's
    /// `IHostApplication::getName`): a name that starts with one of the
    /// hosts known to report the output's position ("Ardour", "Mixbus",
    /// "Mixbus32C") is [`Self::Output`], any other [`Self::Input`].
    pub fn of_host(name: &str) -> Self {
        let name = name.trim().to_ascii_lowercase();
        if OUTPUT_REFERENCED_HOSTS.iter().any(|host| name.starts_with(host)) { Self::Output } else { Self::Input }
    }

    /// `report` as the position of the input it came with, for a plugin that
    /// reports `latency` frames at `sample_rate`. [`Self::Output`]: the
    /// positions move forward by `latency` frames the way
    /// [`Transport::advanced`] moves them (while playing: the sample position
    /// by `latency`, the musical position at the reported tempo, the bar's
    /// start to the bar holding the new position; stopped, nothing moves, as
    /// every frame then has the same position). Tempo, signature, flags and
    /// the cycle stay as reported.
    pub fn to_input(self, report: &Transport, latency: usize, sample_rate: f64) -> Transport {
        match self {
            Self::Input => *report,
            Self::Output => report.advanced(latency as u64, sample_rate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TimeSignature;

    #[test]
    fn ardour_and_mixbus_report_the_output_and_others_the_input() {
        for name in ["Ardour", "ardour", "Ardour 7", "Mixbus", "Mixbus32C"] {
            assert_eq!(PositionReference::of_host(name), PositionReference::Output, "{name}");
        }
        for name in ["", "Rust test host", "REAPER", "Bitwig Studio", "VSTPlugin", "My Ardour clone"] {
            assert_eq!(PositionReference::of_host(name), PositionReference::Input, "{name}");
        }
    }

    #[test]
    fn output_positions_move_forward_by_the_latency() {
        let report = Transport {
            playing: true,
            tempo: Some(120.0),
            time_signature: Some(TimeSignature { numerator: 4, denominator: 4 }),
            position_samples: Some(190_000),
            position_beats: Some(7.75),
            bar_start_beats: Some(4.0),
            cycle_beats: Some((0.0, 16.0)),
            ..Transport::default()
        };
        assert_eq!(PositionReference::Input.to_input(&report, 12_000, 48_000.0), report);
        let moved = PositionReference::Output.to_input(&report, 12_000, 48_000.0);
        // 12 000 frames at 120 BPM and 48 kHz: half a quarter note.
        assert_eq!(moved.position_samples, Some(202_000));
        assert!((moved.position_beats.unwrap() - 8.25).abs() < 1e-12);
        assert_eq!(moved.bar_start_beats, Some(8.0), "the next bar began");
        assert_eq!((moved.tempo, moved.cycle_beats), (report.tempo, report.cycle_beats));
        let stopped = Transport { playing: false, ..report };
        assert_eq!(PositionReference::Output.to_input(&stopped, 12_000, 48_000.0), stopped);
    }
}
