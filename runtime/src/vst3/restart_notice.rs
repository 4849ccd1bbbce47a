//! Telling the host to read parts of the component again, with
//! `restartComponent`, only from the main thread and never from inside
//! `setActive`, `setProcessing` or `setupProcessing` (hosts such as Ableton
//! and Renoise loop on that):
//!
//! - the latency wants to change (adaptive latency): `kLatencyChanged`, once
//!   per new value; the host then deactivates and reactivates the plugin,
//!   which takes the new latency, and reads it with `getLatencySamples`;
//! - parameter values changed without the host setting them (a program
//!   change that arrived with the audio applied a preset):
//!   `kParamValuesChanged`.
//!
//! A plugin without an editor has no main-thread timer of its own, so a
//! notice goes out on the next call the host makes on its main thread (the
//! thread that called `initialize`): parameter and state queries, which hosts
//! make all the time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use vst3::Steinberg::Vst::{IComponentHandlerTrait, RestartFlags_};

use super::component_handler::ComponentHandler;
use crate::engine::EngineStatsHandle;

/// Tells the calling thread apart from others, by the address of a
/// thread-local. Not `std::thread::current()`: on a thread the host made, that
/// registers a destructor in this module, which the thread runs at its exit,
/// after the host may have unloaded the module.
fn this_thread() -> usize {
    thread_local! {
        // Const-initialised and without drop glue: no destructor to register.
        static MARK: u8 = const { 0 };
    }
    MARK.with(|mark| std::ptr::from_ref(mark) as usize)
}

pub(crate) struct RestartNotice {
    main_thread: OnceLock<usize>,
    handler: Arc<ComponentHandler>,
    stats: EngineStatsHandle,
    /// The wanted latency (ms, f64 bits) the host was last told about.
    told: AtomicU64,
    /// Inside `setActive`, `setProcessing` or `setupProcessing`.
    in_lifecycle: AtomicBool,
    /// Parameter values changed that the host did not set.
    values_changed: AtomicBool,
}

impl RestartNotice {
    pub(crate) fn new(stats: EngineStatsHandle, handler: Arc<ComponentHandler>) -> Self {
        Self {
            main_thread: OnceLock::new(),
            handler,
            stats,
            told: AtomicU64::new(0),
            in_lifecycle: AtomicBool::new(false),
            values_changed: AtomicBool::new(false),
        }
    }

    /// Remembers the calling thread as the host's main thread (`initialize`).
    pub(crate) fn main_thread_is_this_one(&self) {
        let _ = self.main_thread.set(this_thread());
    }

    /// Runs `call` as a lifecycle call: no notice goes out meanwhile.
    pub(crate) fn during_lifecycle<T>(&self, call: impl FnOnce() -> T) -> T {
        let was = self.in_lifecycle.swap(true, Ordering::AcqRel);
        let result = call();
        self.in_lifecycle.store(was, Ordering::Release);
        result
    }

    /// Parameter values changed that the host did not set (any thread):
    /// the host hears of it on its next main-thread call.
    pub(crate) fn values_changed(&self) {
        self.values_changed.store(true, Ordering::Release);
    }

    /// On a main-thread call outside the lifecycle calls: tells the host once
    /// if the engine wants a latency it has not been told about, and if
    /// parameter values changed behind its back.
    pub(crate) fn poll(&self) {
        if self.in_lifecycle.load(Ordering::Acquire) || self.main_thread.get() != Some(&this_thread()) {
            return;
        }
        let Some(handler) = self.handler.get() else { return };
        if self.values_changed.swap(false, Ordering::AcqRel) {
            // SAFETY: a live handler the host gave us (we hold a reference).
            unsafe { handler.restartComponent(RestartFlags_::kParamValuesChanged as i32) };
        }
        let Some(wanted) = self.stats.stats().wanted_latency_ms else { return };
        if self.told.swap(wanted.to_bits(), Ordering::AcqRel) != wanted.to_bits() {
            // SAFETY: a live handler the host gave us (we hold a reference).
            unsafe { handler.restartComponent(RestartFlags_::kLatencyChanged as i32) };
        }
    }
}
