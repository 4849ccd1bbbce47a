//! What a DSP author needs, in one `use runtime::prelude::*;`: the
//! [`Processor`] trait and what it is handed, and the plugin description a
//! crate's `lib.rs` fills in, and the typed parameters its DSP reads.

pub use crate::engine::{AudioBlock, EventKind, ProcessSetup, Processor, Tail, TimeSignature, Transport};
pub use crate::plugin::{ParamSpec, PluginInfo, PluginKind};
pub use crate::typed::{FloatParam, ParamSet, SteppedParam};
