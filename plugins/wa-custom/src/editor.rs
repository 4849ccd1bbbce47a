//! WA Custom's editor. This file is yours: the generator created it once from
//! plugins.toml and never overwrites it (src/lib.rs next to it is regenerated).
//!
//! `draw` paints the whole window with egui (`runtime::editor::egui`) each
//! time the window redraws: when you interact with it, when a parameter
//! changes (host automation, a state or preset load), and while audio runs,
//! at most 30 times a second. It runs on the editor's own thread, never the
//! audio thread: it may allocate, but should not block.
//!
//! `Controls` (generated in `src/lib.rs` from plugins.toml) has a handle per
//! parameter. The ready-made controls (`knob`, `switch`, `choice`,
//! `param_control`) send hosts proper gestures; with your own widgets, call
//! `.begin()` when a drag starts, `.set_plain(v)` on each step and `.end()`
//! when it stops, or `.set_once_plain(v)` for a click. `view.context.stats()`
//! is the engine's telemetry; `write_ahead_panel` shows it as the generic
//! editor does.

use runtime::editor::{EditorView, egui, param_control, write_ahead_panel};

use crate::Controls;

/// Draws the editor: a title, a control per parameter, and the write-ahead
/// panel. Replace the body.
pub fn draw(ui: &mut egui::Ui, view: &EditorView<'_>) {
    let controls = Controls::new(view.context);
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("WA Custom");
        ui.horizontal_wrapped(|ui| {
            param_control(ui, &controls.drive);
            param_control(ui, &controls.mix);
            param_control(ui, &controls.bypass);
        });
        ui.separator();
        write_ahead_panel(ui, view);
    });
}
