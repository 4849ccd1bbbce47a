//! WA Custom's DSP. This file is yours: the generator created it once from
//! plugins.toml and never overwrites it (src/lib.rs next to it is regenerated).
//!
//! With buffering on, `process` mostly runs on the write-ahead worker,
//! 30 ms ahead of the host's audio callback: a stall there (an allocation, a
//! lock, I/O) of up to about that long never becomes a dropout. It also runs
//! on the host's thread when the host renders offline, or to catch up when the
//! worker fell behind, so keep its average cost low and its stalls rare.
//!
//! Parameter changes arrive through `event` at the exact sample they were
//! made: the engine splits the block there.

use runtime::prelude::*;

use crate::params;

/// A soft saturator: `tanh(drive·x) / tanh(drive)`, so that full scale stays
/// full scale while quieter samples are pushed up and rounded off. Drive 0
/// passes the audio through.
pub struct WaCustom {
    sample_rate: f64,
    /// Drive (x), 0 to 10.
    drive: f64,
}

impl Default for WaCustom {
    fn default() -> Self {
        Self { sample_rate: 48_000.0, drive: 1.0 }
    }
}

impl Processor for WaCustom {
    fn prepare(&mut self, setup: &ProcessSetup) {
        // Called before audio starts and never on the audio thread: allocate
        // buffers sized by `setup.max_block` and `setup.channels` here.
        self.sample_rate = setup.sample_rate;
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        // Parameter changes split the block, so `drive` is constant here.
        let drive = self.drive as f32;
        if drive < 1e-3 {
            return;
        }
        let normalise = 1.0 / drive.tanh();
        for channel in audio.channels_mut() {
            for sample in channel.iter_mut() {
                *sample = (drive * *sample).tanh() * normalise;
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        // Notes (`EventKind::NoteOn`, `NoteOff`) and parameter changes arrive
        // here, each just before the sample it applies to.
        let EventKind::Param { id, value } = *event else { return };
        let slot = match id {
            params::DRIVE => &mut self.drive,
            _ => return,
        };
        *slot = value;
    }

    fn reset(&mut self) {
        // Clear delay lines, envelopes and filter state here: the host
        // restarted playback, and no old audio may leak into the new run.
    }
}
