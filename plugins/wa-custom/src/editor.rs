//! WA Custom's editor. This file is yours: the generator created it once from
//! plugins.toml and never overwrites it (src/lib.rs next to it is regenerated).
//!
//! A custom look for the soft saturator: the transfer curve it applies now
//! (drive and mix, drawn from the parameters' values), two wide faders of
//! its own making, and a strip with the write-ahead engine's lead over the
//! last seconds. The faders send hosts proper gestures: `begin` when a drag
//! starts, `set_plain` on each step, `end` when it stops; a double-click
//! resets with `set_once_normalized`.
//!
//! `draw` runs on the editor's own thread, never the audio thread, each time
//! the window redraws (input, a parameter changing, and while audio runs at
//! most 20 times a second).

use runtime::editor::egui::{self, Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, pos2, vec2};
use runtime::editor::{EditorView, Param};

use crate::Controls;

const PAPER: Color32 = Color32::from_rgb(0xf4, 0xec, 0xd8);
const INK: Color32 = Color32::from_rgb(0x2b, 0x24, 0x1c);
const RUST: Color32 = Color32::from_rgb(0xc0, 0x4a, 0x1c);
const FAINT: Color32 = Color32::from_rgb(0xd9, 0xcc, 0xad);

/// Draws the editor.
pub fn draw(ui: &mut egui::Ui, view: &EditorView<'_>) {
    let controls = Controls::new(view.context);
    let frame = egui::Frame::NONE.fill(PAPER).inner_margin(18.0);
    egui::CentralPanel::default().frame(frame).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new("WA CUSTOM").size(26.0).strong().color(INK));
            ui.label(RichText::new("soft saturator").size(15.0).italics().color(RUST));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let bypassed = controls.bypass.step() == 1;
                let text = RichText::new(if bypassed { "BYPASSED" } else { "ACTIVE" }).strong();
                let button = egui::Button::new(text.color(if bypassed { PAPER } else { INK })).fill(if bypassed {
                    RUST
                } else {
                    FAINT
                });
                if ui.add(button).clicked() {
                    controls.bypass.set_once_normalized(if bypassed { 0.0 } else { 1.0 });
                }
            });
        });
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            transfer_curve(ui, controls.drive.plain() as f32, controls.mix.plain() as f32);
            ui.add_space(18.0);
            ui.vertical(|ui| {
                fader(ui, &controls.drive);
                ui.add_space(14.0);
                fader(ui, &controls.mix);
            });
        });
        ui.add_space(12.0);
        lead_strip(ui, view);
    });
}

/// The curve the saturator applies now: output against input, -1 to 1.
fn transfer_curve(ui: &mut egui::Ui, drive: f32, mix: f32) {
    let (rect, _) = ui.allocate_exact_size(vec2(190.0, 190.0), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 6.0, Color32::WHITE);
    let at =
        |x: f32, y: f32| pos2(rect.center().x + x * rect.width() * 0.45, rect.center().y - y * rect.height() * 0.45);
    painter.line_segment([at(-1.0, 0.0), at(1.0, 0.0)], Stroke::new(1.0, FAINT));
    painter.line_segment([at(0.0, -1.0), at(0.0, 1.0)], Stroke::new(1.0, FAINT));
    painter.line_segment([at(-1.0, -1.0), at(1.0, 1.0)], Stroke::new(1.0, FAINT));
    let saturate = |x: f32| {
        let wet = if drive < 1e-3 { x } else { (drive * x).tanh() / drive.tanh() };
        wet * mix + x * (1.0 - mix)
    };
    let points: Vec<Pos2> = (0..=96).map(|i| -1.0 + 2.0 * i as f32 / 96.0).map(|x| at(x, saturate(x))).collect();
    painter.add(egui::Shape::line(points, Stroke::new(3.0, RUST)));
    painter.text(rect.left_top() + vec2(8.0, 6.0), Align2::LEFT_TOP, "out", FontId::proportional(11.0), INK);
    painter.text(rect.right_bottom() - vec2(8.0, 6.0), Align2::RIGHT_BOTTOM, "in", FontId::proportional(11.0), INK);
}

/// A wide fader for a continuous parameter: drag along it (one gesture per
/// drag), double-click for the default.
fn fader(ui: &mut egui::Ui, param: &Param<'_>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(param.spec().title.to_uppercase()).strong().color(INK));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(param.text()).monospace().color(RUST));
        });
    });
    let (rect, response) = ui.allocate_exact_size(vec2(280.0, 28.0), Sense::click_and_drag());
    let track = Rect::from_center_size(rect.center(), vec2(rect.width() - 16.0, 6.0));
    let value_at = |x: f32| f64::from(((x - track.left()) / track.width()).clamp(0.0, 1.0));
    if response.drag_started() {
        param.begin();
    }
    if response.dragged()
        && param.in_gesture()
        && let Some(pointer) = response.interact_pointer_pos()
    {
        param.set_normalized(value_at(pointer.x));
    }
    if response.drag_stopped() && param.in_gesture() {
        param.end();
    }
    if response.double_clicked() && !param.in_gesture() {
        param.set_once_normalized(param.default_normalized());
    }
    let painter = ui.painter();
    painter.rect_filled(track, 3.0, FAINT);
    let x = track.left() + track.width() * param.normalized() as f32;
    painter.rect_filled(Rect::from_min_max(track.left_top(), pos2(x, track.bottom())), 3.0, RUST);
    painter.circle_filled(pos2(x, track.center().y), 10.0, INK);
    painter.circle_filled(pos2(x, track.center().y), 4.0, PAPER);
}

/// The write-ahead engine's lead over the last seconds, with its underruns.
fn lead_strip(ui: &mut egui::Ui, view: &EditorView<'_>) {
    let stats = view.context.stats();
    ui.horizontal(|ui| {
        ui.label(RichText::new("WORKER LEAD").small().strong().color(INK));
        let latency = format!("{:.0} ms latency", stats.latency_ms);
        let underruns = format!("{} underrun frames", stats.underruns);
        ui.label(RichText::new(latency).small().color(INK));
        ui.label(RichText::new(underruns).small().color(if stats.underruns > 0 { RUST } else { INK }));
    });
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), 46.0), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, Color32::WHITE);
    let top = stats.latency_ms.max(1.0) as f32;
    let samples: Vec<f32> = view.history.samples().map(|s| s.lead_ms).collect();
    let capacity = runtime::editor::History::capacity().max(2) as f32;
    let count = samples.len();
    let bars = samples.iter().enumerate().map(|(i, lead)| {
        let x = rect.right() - (count - 1 - i) as f32 / (capacity - 1.0) * rect.width();
        let height = (lead.clamp(0.0, top) / top) * (rect.height() - 4.0);
        Rect::from_min_max(pos2(x - 1.0, rect.bottom() - 2.0 - height), pos2(x + 1.0, rect.bottom() - 2.0))
    });
    for bar in bars {
        painter.rect_filled(bar, 0.0, RUST);
    }
}
