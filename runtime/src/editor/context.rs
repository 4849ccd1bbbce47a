//! [`EditorContext`]: what an editor reaches from its own thread, and
//! [`Param`], one parameter as a widget sees it.
//!
//! Values are the plugin's own atomics (normalized, host order), the same
//! ones the format glue answers hosts from, so a value set by host
//! automation, a state load or a preset shows at the editor's next frame,
//! and an editor's edit is the controller's value at once. Edits go to the
//! host through the queue in `edits.rs`; telemetry is read lock-free from the
//! engine's store. Nothing here is touched by the audio thread but the value
//! atomics it already writes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::edits::{self, Edit, EditReceiver, EditSender, GestureReport};
use crate::engine::{EngineStats, EngineStatsHandle};
use crate::plugin::params::{HostParam, Role};
use crate::plugin::{FileSlot, ParamSpec, PluginInfo};

pub use crate::plugin::Preset;

/// Wakes whoever drains the edit queue (the glue sets it while it can).
type Wake = Arc<dyn Fn() + Send + Sync>;

/// What an editor calls from its own thread: `Send + Sync`, shared by the
/// format glue and every window the plugin opens.
pub struct EditorContext {
    info: &'static PluginInfo,
    values: Arc<[AtomicU64]>,
    stats: EngineStatsHandle,
    edits: EditSender,
    wake: Mutex<Option<Wake>>,
    /// The file the plugin plays from, if it has one.
    file: Option<Arc<dyn FileSlot>>,
}

impl std::fmt::Debug for EditorContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditorContext").field("plugin", &self.info.name).finish_non_exhaustive()
    }
}

impl EditorContext {
    /// A context over a plugin's values (`values`: normalized, host order),
    /// and the queue's receiving end, for the glue.
    pub(crate) fn new(
        info: &'static PluginInfo,
        values: Arc<[AtomicU64]>,
        stats: EngineStatsHandle,
        file: Option<Arc<dyn FileSlot>>,
    ) -> (Arc<Self>, EditReceiver) {
        let (edits, receiver) = edits::queue(info.host_param_count());
        (Arc::new(Self { info, values, stats, edits, wake: Mutex::new(None), file }), receiver)
    }

    /// The file the plugin plays from (a convolver's impulse response), if
    /// it has one: the editor shows it and may choose another.
    pub fn file(&self) -> Option<&dyn FileSlot> {
        self.file.as_deref()
    }

    /// Sets (or clears) what wakes the queue's drain: the glue's run-loop
    /// handler (VST3) or the host's flush request (CLAP).
    pub(crate) fn set_wake(&self, wake: Option<Wake>) {
        *self.wake.lock().unwrap_or_else(PoisonError::into_inner) = wake;
    }

    /// The plugin's description.
    pub fn info(&self) -> &'static PluginInfo {
        self.info
    }

    /// The engine's telemetry now (lock-free).
    pub fn stats(&self) -> EngineStats {
        self.stats.stats()
    }

    /// The parameters an editor may edit, in host order: the plugin's own,
    /// then Bypass (meters, if the plugin exposes any, are left out: the
    /// write-ahead panel shows telemetry itself).
    pub fn params(&self) -> impl Iterator<Item = Param<'_>> + '_ {
        self.info.host_params().filter(|(_, p)| p.role != Role::Meter).map(|(index, param)| Param {
            context: self,
            index,
            param,
        })
    }

    /// The plugin's own parameters, without Bypass.
    pub fn own_params(&self) -> impl Iterator<Item = Param<'_>> + '_ {
        self.params().filter(|p| p.param.role == Role::Own)
    }

    /// The parameter with id `id`, if it is one an editor may edit.
    pub fn param(&self, id: u32) -> Option<Param<'_>> {
        let (index, param) = self.info.host_param_by_id(id)?;
        (param.role != Role::Meter).then_some(Param { context: self, index, param })
    }

    /// The Bypass switch every plugin has.
    pub fn bypass(&self) -> Param<'_> {
        self.params().find(|p| p.param.role == Role::Bypass).expect("every plugin has a bypass parameter")
    }

    /// The plugin's presets, in the order its description lists them.
    pub fn presets(&self) -> &'static [Preset] {
        self.info.presets
    }

    /// The preset whose values every parameter has now, if one does.
    pub fn current_preset(&self) -> Option<usize> {
        self.info.matching_preset(&self.values)
    }

    /// Loads preset `index` as a user would by hand: every parameter it names
    /// is edited in one gesture each, so the host records the change (and
    /// can undo it) and the DSP hears it like automation. False if there is
    /// no such preset.
    pub fn load_preset(&self, index: usize) -> bool {
        let Some(preset) = self.presets().get(index) else { return false };
        for &(id, plain) in preset.values {
            if let Some(param) = self.param(id) {
                param.set_once_plain(plain);
            }
        }
        true
    }

    /// What the gesture checker counted.
    pub fn gesture_report(&self) -> GestureReport {
        self.edits.report()
    }

    /// Ends every gesture still open (a window closing mid-drag): a host
    /// must never be left inside one.
    pub fn end_open_gestures(&self) {
        let open: Vec<usize> = self.edits.open_gestures().collect();
        for index in open {
            if let Some(param) = self.info.host_param(index) {
                self.send(index, Edit::End { id: param.id() });
            }
        }
    }

    /// Every value's bits folded together: changes when any value does (the
    /// editor's watcher compares it between frames).
    pub fn values_fingerprint(&self) -> u64 {
        self.values.iter().fold(0xcbf2_9ce4_8422_2325, |hash, value| {
            (hash ^ value.load(Ordering::Relaxed)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    fn send(&self, index: usize, edit: Edit) {
        self.edits.send(index, edit);
        let wake = self.wake.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(wake) = wake {
            wake();
        }
    }
}

/// One parameter as an editor sees and edits it.
#[derive(Clone, Copy)]
pub struct Param<'a> {
    context: &'a EditorContext,
    index: usize,
    param: HostParam,
}

impl std::fmt::Debug for Param<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Param").field("id", &self.id()).field("title", &self.spec().title).finish()
    }
}

impl<'a> Param<'a> {
    pub fn id(&self) -> u32 {
        self.param.id()
    }

    /// Range, default, units, title, steps.
    pub fn spec(&self) -> &ParamSpec {
        &self.param.spec
    }

    /// Steps between the first and last value: 0 for a continuous parameter,
    /// 1 for a switch.
    pub fn steps(&self) -> u32 {
        self.param.steps()
    }

    pub fn is_bypass(&self) -> bool {
        self.param.role == Role::Bypass
    }

    /// The value now, normalized 0..=1.
    pub fn normalized(&self) -> f64 {
        f64::from_bits(self.context.values[self.index].load(Ordering::Relaxed))
    }

    /// The value now, in its unit (`min..=max`).
    pub fn plain(&self) -> f64 {
        self.param.to_plain(self.normalized())
    }

    /// The step the value is at (0..=steps), for stepped parameters.
    pub fn step(&self) -> u32 {
        match self.steps() {
            0 => 0,
            steps => (self.normalized() * f64::from(steps)).round() as u32,
        }
    }

    /// The normalized value of step `step`.
    pub fn step_normalized(&self, step: u32) -> f64 {
        match self.steps() {
            0 => 0.0,
            steps => f64::from(step.min(steps)) / f64::from(steps),
        }
    }

    pub fn default_normalized(&self) -> f64 {
        self.param.default_normalized()
    }

    pub fn to_normalized(&self, plain: f64) -> f64 {
        self.param.to_normalized(plain)
    }

    pub fn to_plain(&self, normalized: f64) -> f64 {
        self.param.to_plain(normalized)
    }

    /// The value as hosts show it (the parameter's own text: its unit, its
    /// labels).
    pub fn text(&self) -> String {
        self.param.text(self.normalized())
    }

    /// `normalized` as hosts show it.
    pub fn text_of(&self, normalized: f64) -> String {
        self.param.text(normalized)
    }

    /// Typed text (a number with or without the unit, or a label) as a
    /// normalized value; None if it is neither.
    pub fn parse(&self, text: &str) -> Option<f64> {
        self.param.parse(text)
    }

    /// Whether a gesture on this parameter is open.
    pub fn in_gesture(&self) -> bool {
        self.context.edits.in_gesture(self.index)
    }

    /// Starts a gesture (a drag begins).
    pub fn begin(&self) {
        self.context.send(self.index, Edit::Begin { id: self.id() });
    }

    /// Sets the value inside a gesture (each drag step): the controller's
    /// value at once, and the host hears it.
    pub fn set_normalized(&self, normalized: f64) {
        if !normalized.is_finite() {
            return;
        }
        let normalized = self.param.to_normalized(self.param.to_plain(normalized));
        self.context.values[self.index].store(normalized.to_bits(), Ordering::Relaxed);
        self.context.send(self.index, Edit::Set { id: self.id(), normalized });
    }

    /// [`Self::set_normalized`] in the parameter's unit.
    pub fn set_plain(&self, plain: f64) {
        if plain.is_finite() {
            self.set_normalized(self.param.to_normalized(plain));
        }
    }

    /// Ends the gesture (the drag stops).
    pub fn end(&self) {
        self.context.send(self.index, Edit::End { id: self.id() });
    }

    /// A whole edit at once (typed entry, a reset, a toggle, a menu choice):
    /// begin, set, end.
    pub fn set_once_normalized(&self, normalized: f64) {
        self.begin();
        self.set_normalized(normalized);
        self.end();
    }

    /// [`Self::set_once_normalized`] in the parameter's unit.
    pub fn set_once_plain(&self, plain: f64) {
        if plain.is_finite() {
            self.set_once_normalized(self.param.to_normalized(plain));
        }
    }
}
