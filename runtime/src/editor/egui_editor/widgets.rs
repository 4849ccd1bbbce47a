//! The controls the generic editor is made of, one per kind of parameter,
//! for custom editors too. Every change is bracketed the way hosts want it:
//! a drag sends begin, a value per step, end; a typed value, a double-click
//! reset, a toggle or a menu choice send all three at once.
//!
//! - [`knob`]: a continuous parameter. Drag up or right to raise it (Shift:
//!   ten times finer), double-click for its default, and a click on the
//!   value below lets you type one (in its unit or without; Enter takes it,
//!   Escape or an empty field leaves the value as it was). The wheel scrolls the editor, never a value.
//! - [`switch`]: an on/off parameter (one step).
//! - [`choice`]: a stepped parameter: a segmented control for a few short
//!   options, a menu otherwise.
//! - [`param_control`]: whichever fits the parameter.

use egui::{
    Align2, Color32, ComboBox, FontId, Key, Label, Response, RichText, Sense, Stroke, TextEdit, Ui, pos2, vec2,
};

use crate::editor::Param;

/// The size of one control's cell in the generic editor's grid (logical px).
pub const CELL: egui::Vec2 = egui::Vec2::new(104.0, 124.0);

/// The accent the controls are drawn in.
pub(super) const ACCENT: Color32 = Color32::from_rgb(0x3f, 0xc1, 0xb0);

/// About the widest a character of a segment's text is (logical px).
const SEGMENT_CHAR_WIDTH: f32 = 8.0;

/// Normalized change per logical pixel of drag, and with Shift held.
const DRAG_SPEED: f64 = 1.0 / 200.0;
const FINE_DRAG_SPEED: f64 = DRAG_SPEED / 10.0;

const KNOB_DIAMETER: f32 = 56.0;
/// Where the knob's arc starts and how far it sweeps (radians, clockwise from
/// straight down): the usual seven-to-five o'clock.
const ARC_START: f32 = std::f32::consts::PI * 0.25;
const ARC_SWEEP: f32 = std::f32::consts::PI * 1.5;

/// A control fitting `param`: a knob when continuous, a switch when on/off
/// (one step without value names), a choice when stepped.
pub fn param_control(ui: &mut Ui, param: &Param<'_>) -> Response {
    match param.steps() {
        0 => knob(ui, param),
        1 if param.spec().value_names.is_empty() => switch(ui, param),
        _ => choice(ui, param),
    }
}

/// A rotary knob for a continuous parameter, titled, with its value below.
pub fn knob(ui: &mut Ui, param: &Param<'_>) -> Response {
    ui.vertical_centered(|ui| {
        title(ui, param);
        let (rect, response) = ui.allocate_exact_size(vec2(KNOB_DIAMETER, KNOB_DIAMETER), Sense::click_and_drag());
        let response = response.on_hover_text(format!(
            "{}: drag (Shift: finer), double-click for the default ({})",
            param.spec().title,
            param.text_of(param.default_normalized())
        ));
        drag(ui, param, &response);
        if response.double_clicked() && !param.in_gesture() {
            param.set_once_normalized(param.default_normalized());
        }
        paint_knob(ui, rect, param.normalized() as f32, response.hovered() || response.dragged());
        value_entry(ui, param);
        response
    })
    .inner
}

/// Turns a drag on `response` into one gesture: begin when it starts, a value
/// per step, end when it stops.
fn drag(ui: &Ui, param: &Param<'_>, response: &Response) {
    if response.drag_started() {
        param.begin();
    }
    if response.dragged() && param.in_gesture() {
        let delta = response.drag_delta();
        let pixels = f64::from(delta.x - delta.y);
        if pixels != 0.0 {
            let speed = if ui.input(|input| input.modifiers.shift) { FINE_DRAG_SPEED } else { DRAG_SPEED };
            param.set_normalized((param.normalized() + pixels * speed).clamp(0.0, 1.0));
        }
    }
    if response.drag_stopped() && param.in_gesture() {
        param.end();
    }
}

fn paint_knob(ui: &Ui, rect: egui::Rect, value: f32, active: bool) {
    let painter = ui.painter();
    let visuals = ui.visuals();
    let center = rect.center();
    let radius = rect.width() * 0.5 - 4.0;
    painter.circle_filled(center, radius, visuals.extreme_bg_color);
    let point = |angle: f32, r: f32| center + r * vec2(-angle.sin(), angle.cos());
    let arc = |from: f32, to: f32| -> Vec<egui::Pos2> {
        let steps = 48;
        (0..=steps).map(|i| point(from + (to - from) * i as f32 / steps as f32, radius)).collect()
    };
    let track = visuals.widgets.inactive.bg_fill;
    painter.add(egui::Shape::line(arc(ARC_START, ARC_START + ARC_SWEEP), Stroke::new(4.0, track)));
    let end = ARC_START + ARC_SWEEP * value.clamp(0.0, 1.0);
    if value > 0.0 {
        painter.add(egui::Shape::line(arc(ARC_START, end), Stroke::new(4.0, ACCENT)));
    }
    let pointer = if active { visuals.strong_text_color() } else { visuals.text_color() };
    painter.line_segment([point(end, radius * 0.25), point(end, radius - 6.0)], Stroke::new(2.5, pointer));
}

/// The parameter's title above its control.
fn title(ui: &mut Ui, param: &Param<'_>) {
    ui.add(Label::new(RichText::new(param.spec().title).strong()).truncate());
}

/// The value as the parameter shows it; a click turns it into a text field.
fn value_entry(ui: &mut Ui, param: &Param<'_>) {
    let id = ui.make_persistent_id(("writeahead-value-entry", param.id()));
    let typing: Option<String> = ui.data(|data| data.get_temp(id));
    let Some(mut text) = typing else {
        let shown = ui.add(Label::new(RichText::new(param.text()).monospace()).sense(Sense::click()));
        if shown.on_hover_text("Click to type a value").clicked() {
            ui.data_mut(|data| data.insert_temp(id, String::new()));
            ui.memory_mut(|memory| memory.request_focus(id.with("field")));
        }
        return;
    };
    // Empty, the value shown as a hint: what is typed replaces it.
    let field = ui
        .add(TextEdit::singleline(&mut text).id(id.with("field")).hint_text(param.text()).desired_width(CELL.x - 16.0));
    if field.lost_focus() {
        ui.data_mut(|data| data.remove::<String>(id));
        let cancelled = ui.input(|input| input.key_pressed(Key::Escape));
        if !cancelled && let Some(normalized) = param.parse(&text) {
            param.set_once_normalized(normalized);
        }
    } else {
        ui.data_mut(|data| data.insert_temp(id, text));
    }
}

/// An on/off switch, titled, with its state's text below.
pub fn switch(ui: &mut Ui, param: &Param<'_>) -> Response {
    ui.vertical_centered(|ui| {
        title(ui, param);
        let response = switch_button(ui, param);
        ui.label(RichText::new(param.text()).monospace());
        response
    })
    .inner
}

/// The switch alone (the generic editor's header shows Bypass this way).
pub(super) fn switch_button(ui: &mut Ui, param: &Param<'_>) -> Response {
    let (rect, response) = ui.allocate_exact_size(vec2(40.0, 22.0), Sense::click());
    let on = param.step() == 1;
    if response.clicked() {
        param.set_once_normalized(if on { 0.0 } else { 1.0 });
    }
    let on = param.step() == 1;
    let visuals = ui.visuals();
    let fill = if on { ACCENT } else { visuals.widgets.inactive.bg_fill };
    let painter = ui.painter();
    painter.rect_filled(rect, rect.height() * 0.5, fill);
    let knob_x = if on { rect.right() - rect.height() * 0.5 } else { rect.left() + rect.height() * 0.5 };
    painter.circle_filled(pos2(knob_x, rect.center().y), rect.height() * 0.5 - 3.0, visuals.strong_text_color());
    response.on_hover_text(format!("{}: {}", param.spec().title, param.text()))
}

/// A stepped parameter: a segmented control for up to four options short
/// enough to fit their segment, a menu otherwise.
pub fn choice(ui: &mut Ui, param: &Param<'_>) -> Response {
    let options: Vec<(u32, String)> =
        (0..=param.steps()).map(|step| (step, param.text_of(param.step_normalized(step)))).collect();
    let current = param.step();
    ui.vertical_centered(|ui| {
        title(ui, param);
        let width = (CELL.x - 8.0) / options.len() as f32 - 2.0;
        let fits = |text: &str| text.chars().count() as f32 * SEGMENT_CHAR_WIDTH <= width - 8.0;
        let segmented = options.len() <= 4 && options.iter().all(|(_, text)| fits(text));
        let response = if segmented {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 2.0;
                for (step, text) in &options {
                    let selected = *step == current;
                    let button = egui::Button::selectable(selected, text.as_str()).min_size(vec2(width, 24.0));
                    if ui.add(button).clicked() && !selected {
                        param.set_once_normalized(param.step_normalized(*step));
                    }
                }
            })
            .response
        } else {
            ComboBox::from_id_salt(("writeahead-choice", param.id()))
                .width(CELL.x - 16.0)
                .selected_text(param.text())
                .show_ui(ui, |ui| {
                    for (step, text) in &options {
                        if ui.selectable_label(*step == current, text.as_str()).clicked() && *step != current {
                            param.set_once_normalized(param.step_normalized(*step));
                        }
                    }
                })
                .response
        };
        // No value text below: the selected segment or the menu shows it.
        response
    })
    .inner
}

/// Text centered at `pos` in the panel's small font.
pub(super) fn small_text(ui: &Ui, pos: egui::Pos2, anchor: Align2, text: impl ToString, color: Color32) {
    ui.painter().text(pos, anchor, text, FontId::proportional(11.0), color);
}
