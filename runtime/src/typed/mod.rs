//! Typed parameters for DSP code: each parameter a field the DSP reads, built
//! from its [`ParamSpec`](crate::plugin::ParamSpec) (range, default, `smooth_ms`), instead of untyped
//! `(id, value)` events matched by hand.
//!
//! - [`FloatParam`]: continuous, smoothed per sample over `smooth_ms`;
//! - [`SteppedParam`]: choices and switches, never smoothed;
//! - [`ParamSet`]: a struct of them that takes the engine's events (the
//!   generator writes one, `Params`, into every custom plugin's `lib.rs`).
//!
//! Smoothing runs in the DSP, on whichever thread runs it, so buffered output
//! stays the unbuffered output delayed by the latency, bit for bit.

mod float;
mod smoother;
mod stepped;

pub use float::FloatParam;
pub use smoother::Smoother;
pub use stepped::SteppedParam;

use crate::engine::{EventKind, ProcessSetup};

/// A plugin's parameters as typed fields.
pub trait ParamSet {
    /// Sets the parameter with id `id` to the plain value `plain`; false if
    /// no parameter has that id.
    fn set(&mut self, id: u32, plain: f64) -> bool;

    /// Sizes every parameter for `setup` (outside the audio thread).
    fn prepare(&mut self, setup: &ProcessSetup);

    /// Ends every ramp (the processor restarts).
    fn reset(&mut self);

    /// Takes a parameter event; false for any other event, or an unknown id.
    fn event(&mut self, event: &EventKind) -> bool {
        match *event {
            EventKind::Param { id, value } => self.set(id, value),
            _ => false,
        }
    }
}
