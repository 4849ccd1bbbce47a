//! The generic editor: made from the parameter description alone. A header
//! (the plugin's name, its presets when it has some, Bypass), the file row
//! for a plugin that plays from a file (`file_row.rs`), a grid of
//! controls (one per parameter, each in a cell of [`CELL`], as many columns
//! as the width allows, scrolling when the height does not), and the
//! write-ahead panel at the bottom.

use egui::{Align, ComboBox, Label, Layout, Rect, RichText, Ui, vec2};

use super::widgets::{CELL, param_control, switch_button};
use super::{EditorView, panel};
use crate::editor::Size;

/// Columns the natural size has room for.
const NATURAL_COLUMNS: usize = 4;
/// The header's height, and the margins around the grid.
const HEADER: f32 = 40.0;
const MARGIN: f32 = 8.0;

/// The size the generic editor needs to show `params` controls in rows of
/// [`NATURAL_COLUMNS`] without scrolling (for up to three rows; more scroll),
/// and the panel when the plugin buffers.
pub(super) const fn natural_size(params: usize, buffered: bool) -> Size {
    let columns = if params < NATURAL_COLUMNS { if params == 0 { 1 } else { params } } else { NATURAL_COLUMNS };
    let rows = params.div_ceil(NATURAL_COLUMNS);
    let rows = if rows == 0 {
        1
    } else if rows > 3 {
        3
    } else {
        rows
    };
    let width = columns as f32 * CELL.x + 2.0 * MARGIN;
    let width = if width < 420.0 { 420.0 } else { width };
    let height = HEADER + rows as f32 * CELL.y + 2.0 * MARGIN + panel::height(buffered) + MARGIN;
    Size::new(width as u32, height as u32)
}

/// Draws the generic editor for `view`'s plugin into `ui`.
pub fn draw_generic(ui: &mut Ui, view: &EditorView<'_>) {
    draw(ui, view, &mut Vec::new());
}

/// [`draw_generic`], noting where each parameter's cell went (for the
/// layout tests).
pub(super) fn draw(ui: &mut Ui, view: &EditorView<'_>, cells: &mut Vec<(u32, Rect)>) {
    let context = view.context;
    let info = context.info();
    egui::Panel::top("writeahead-header").exact_size(HEADER).show(ui, |ui| {
        // The controls first, from the right, so the name and vendor get the
        // room left and are cut short (…) rather than drawn under them.
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let bypass = context.bypass();
            switch_button(ui, &bypass);
            ui.label("Bypass");
            presets(ui, view);
            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                ui.add(Label::new(RichText::new(info.name).heading().strong()).truncate());
                ui.add(Label::new(RichText::new(info.vendor).weak()).truncate());
            });
        });
    });
    if let Some(file) = context.file() {
        egui::Panel::top("writeahead-file").exact_size(super::file_row::HEIGHT).show(ui, |ui| {
            super::file_row::draw(ui, file);
        });
    }
    egui::Panel::bottom("writeahead-panel")
        .exact_size(panel::height(info.buffering) + MARGIN)
        .show(ui, |ui| super::write_ahead_panel(ui, view));
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| grid(ui, view, cells));
    });
}

/// The preset menu, when the plugin has presets: the one every value
/// matches is shown as selected.
fn presets(ui: &mut Ui, view: &EditorView<'_>) {
    let context = view.context;
    let presets = context.presets();
    if presets.is_empty() {
        return;
    }
    let current = context.current_preset();
    let shown = current.map_or("(edited)", |index| presets[index].name);
    ComboBox::from_id_salt("writeahead-presets").selected_text(shown).width(140.0).show_ui(ui, |ui| {
        for (index, preset) in presets.iter().enumerate() {
            if ui.selectable_label(current == Some(index), preset.name).clicked() {
                context.load_preset(index);
            }
        }
    });
    ui.label("Preset");
}

/// One cell per parameter, row by row.
fn grid(ui: &mut Ui, view: &EditorView<'_>, cells: &mut Vec<(u32, Rect)>) {
    let params: Vec<_> = view.context.own_params().collect();
    if params.is_empty() {
        ui.label(RichText::new("This plugin has no parameters of its own.").weak());
        return;
    }
    let columns = ((ui.available_width() / CELL.x).floor() as usize).max(1);
    ui.spacing_mut().item_spacing = vec2(0.0, 0.0);
    for row in params.chunks(columns) {
        ui.horizontal(|ui| {
            for param in row {
                let response = ui.allocate_ui_with_layout(CELL, Layout::top_down(Align::Center), |ui| {
                    ui.set_min_size(CELL);
                    ui.set_max_size(CELL);
                    ui.spacing_mut().item_spacing = vec2(4.0, 4.0);
                    param_control(ui, param);
                });
                cells.push((param.id(), response.response.rect));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_natural_size_fits_the_controls_and_the_panel() {
        let one = natural_size(1, false);
        assert_eq!(one.width, 420, "narrow plugins get a readable header");
        let eight = natural_size(8, true);
        assert_eq!(eight.width, (4.0 * CELL.x + 2.0 * MARGIN) as u32);
        assert!(eight.height as f32 >= HEADER + 2.0 * CELL.y + panel::height(true));
        assert_eq!(natural_size(32, true), natural_size(12, true), "beyond three rows the grid scrolls");
    }
}
