//! The VST3 glue: the only module that imports the `vst3` crate or exports
//! symbols. A plugin author describes the plugin in a
//! [`PluginInfo`](crate::plugin::PluginInfo), writes a
//! [`crate::engine::Processor`], and calls [`export_vst3!`](crate::export_vst3);
//! no unsafe code on their side.
//!
//! One class per plugin is component, audio processor and edit controller at
//! once (hosts find the controller with `queryInterface`), so parameters and
//! state need no messages between two objects.

// The bindings' enum constants have platform-dependent types (u32 on Linux and
// macOS, i32 on Windows); explicit casts keep one source for every platform,
// even where a cast is the identity here.
#![allow(clippy::unnecessary_cast)]

mod component;
mod component_handler;
mod editor_link;
mod factory;
mod host_application;
mod host_buffers;
mod process;
mod programs;
mod restart_notice;
mod run_loop;
mod speakers;
mod strings;
mod transport;
mod view;

pub use factory::plugin_factory;
#[cfg(feature = "bundle")]
pub(crate) use factory::{AUDIO_MODULE_CLASS, SDK_VERSION, subcategories};

/// Exports a complete VST3 module from the crate it is called in:
/// `GetPluginFactory`, `ModuleEntry` and `ModuleExit`.
///
/// ```ignore
/// static INFO: runtime::plugin::PluginInfo = /* ... */;
/// runtime::export_vst3!(INFO, MyProcessor::default);
/// ```
#[macro_export]
macro_rules! export_vst3 {
    ($info:path, $make:expr) => {
        /// The module's factory (VST3 entry point).
        #[unsafe(no_mangle)]
        pub extern "system" fn GetPluginFactory() -> *mut ::core::ffi::c_void {
            $crate::vst3::plugin_factory(&$info, $make)
        }

        /// Called once after the module is loaded (Linux VST3 entry point).
        #[unsafe(no_mangle)]
        pub extern "system" fn ModuleEntry(_library_handle: *mut ::core::ffi::c_void) -> bool {
            true
        }

        /// Called once before the module is unloaded (Linux VST3 entry point).
        #[unsafe(no_mangle)]
        pub extern "system" fn ModuleExit() -> bool {
            true
        }
    };
}
