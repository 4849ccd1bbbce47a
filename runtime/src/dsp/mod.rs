//! Built-in DSP kinds a plugin can name in `plugins.toml`: each a
//! [`crate::engine::Processor`] with its parameters described by a
//! [`ParamSpec`] list the VST3 layer presents to hosts.
//!
//! Every kind processes sample by sample in its state (so its output does not
//! depend on how blocks are cut) and takes plain parameter values. Each is
//! made with `new(&specs)` from a plugin's specs (ranges, defaults,
//! `smooth_ms`; `Default` uses the kind's own `PARAMS`), and ramps its
//! continuous parameters per sample, except the delay's time and the synth's
//! envelope times. The tremolo can follow the host's tempo
//! ([`note::NoteValue`] rates).

pub mod convolver;
pub mod delay;
pub mod filter;
pub mod gain;
pub mod note;
pub mod synth;
pub mod tremolo;

pub use crate::plugin::ParamSpec;
pub use note::NoteValue;

/// Decibels to a linear factor.
pub fn db_to_gain(db: f64) -> f32 {
    10_f64.powf(db / 20.0) as f32
}
