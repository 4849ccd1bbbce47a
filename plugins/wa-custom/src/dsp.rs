//! WA Custom's DSP. This file is yours: the generator created it once from
//! plugins.toml and never overwrites it (src/lib.rs next to it is regenerated).
//!
//! With buffering on, `process` mostly runs on the write-ahead worker,
//! 30 ms ahead of the host's audio callback: a stall there (an allocation, a
//! lock, I/O) of up to about that long never becomes a dropout. It also runs
//! on the host's thread when the host renders offline, or to catch up when the
//! worker fell behind, so keep its average cost low and its stalls rare.
//!
//! Parameters are typed fields of `self.params` (the `Params` struct that
//! `src/lib.rs` generates from plugins.toml): read a continuous one with
//! `.next()` once per sample (its changes ramp over its `smooth_ms`, from the
//! exact sample they were made at), or `.block(frames)` for a block's worth,
//! and a stepped one with `.index()`. Adding a parameter to plugins.toml adds
//! a field there: nothing here needs to change.

use runtime::prelude::*;

use crate::Params;

/// A soft saturator: `tanh(drive·x) / tanh(drive)`, so that full scale stays
/// full scale while quieter samples are pushed up and rounded off, mixed with
/// the dry signal by `mix`. Drive 0 passes the audio through.
#[derive(Default)]
pub struct WaCustom {
    params: Params,
    /// Drive and mix for each frame of a block, sized in `prepare`.
    frames: Vec<(f32, f32)>,
}

impl Processor for WaCustom {
    fn prepare(&mut self, setup: &ProcessSetup) {
        // Called before audio starts and never on the audio thread: allocate
        // buffers sized by `setup.max_block` and `setup.channels` here.
        self.params.prepare(setup);
        self.frames = vec![(0.0, 0.0); setup.max_block];
    }

    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        // Both parameters, smoothed, one value per frame.
        let count = audio.frames().min(self.frames.len());
        let frames = &mut self.frames[..count];
        for frame in frames.iter_mut() {
            *frame = (self.params.drive.next() as f32, self.params.mix.next() as f32);
        }
        for channel in audio.channels_mut() {
            for (sample, &(drive, mix)) in channel.iter_mut().zip(frames.iter()) {
                let wet = if drive < 1e-3 { *sample } else { (drive * *sample).tanh() * (1.0 / drive.tanh()) };
                *sample = wet * mix + *sample * (1.0 - mix);
            }
        }
    }

    fn event(&mut self, event: &EventKind) {
        // Parameter changes go to `params`, each just before the sample it
        // applies to.
        self.params.event(event);
    }

    fn reset(&mut self) {
        self.params.reset();
    }
}
