//! The CLAP glue: the only module that imports `clap-sys`. It presents the
//! same [`PluginInfo`](crate::plugin::PluginInfo) and
//! [`crate::engine::Processor`] as the VST3 layer, with the same parameters,
//! saved state (the same bytes) and latency, and adds only CLAP's FFI:
//!
//! - `entry.rs`: the module's entry (`clap_entry`), init/deinit and the
//!   plugin factory;
//! - `descriptor.rs`: the plugin descriptor (id, names, features);
//! - `plugin.rs`: the plugin object and its lifecycle, `extensions.rs` the
//!   extensions it offers;
//! - `process.rs` and `host_buffers.rs`: one `process` call to one engine call,
//!   `transport.rs` the host's transport as the engine's;
//! - `gui.rs`: the editor's window (`clap.gui`);
//! - `presets.rs`: the preset-discovery factory and `clap.preset-load`;
//! - `ports.rs` (audio and note ports, surround channel maps), `layouts.rs`
//!   (the layouts a host may select), `params.rs`, `state.rs`, `host.rs` (the
//!   host's callbacks and extensions).
//!
//! Every function a host calls catches panics and answers with the call's
//! failure value: nothing unwinds into the host.

mod descriptor;
mod entry;
mod extensions;
mod gui;
mod host;
mod host_buffers;
mod layouts;
mod params;
mod plugin;
mod ports;
mod presets;
mod process;
mod state;
mod transport;

pub use descriptor::plugin_id;
pub use entry::{PluginEntry, deinit, get_factory, init};

/// Exports a CLAP module from the crate it is called in: the `clap_entry`
/// symbol hosts look for. It can stand next to
/// [`export_vst3!`](crate::export_vst3): the same library is then both a
/// `.vst3` module and a `.clap` file.
///
/// ```ignore
/// static INFO: runtime::plugin::PluginInfo = /* ... */;
/// runtime::export_vst3!(INFO, MyProcessor::default);
/// runtime::export_clap!(INFO, MyProcessor::default);
/// ```
#[macro_export]
macro_rules! export_clap {
    ($info:path, $make:expr) => {
        /// The CLAP module's entry point.
        #[unsafe(no_mangle)]
        #[allow(non_upper_case_globals)]
        pub static clap_entry: $crate::clap::PluginEntry =
            $crate::clap::PluginEntry::new(__writeahead_clap_init, __writeahead_clap_deinit, __writeahead_clap_factory);

        extern "C" fn __writeahead_clap_init(path: *const ::core::ffi::c_char) -> bool {
            $crate::clap::init(&$info, $make, path)
        }

        extern "C" fn __writeahead_clap_deinit() {
            $crate::clap::deinit()
        }

        extern "C" fn __writeahead_clap_factory(id: *const ::core::ffi::c_char) -> *const ::core::ffi::c_void {
            // SAFETY: hosts pass a NUL-terminated factory id (CLAP's contract).
            unsafe { $crate::clap::get_factory(id) }
        }
    };
}

/// Runs a host call, answering `fallback` if it panics: nothing unwinds
/// across the FFI boundary.
pub(crate) fn guard<T>(fallback: T, call: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).unwrap_or(fallback)
}
