//! The write-ahead panel: the engine's stall budget, live. Every buffered
//! plugin's editor shows it: the latency (ms and frames), the buffer fill as
//! a bar and the worker's lead over the last seconds as a plot, underruns
//! since activation, the closest the worker came to the audio thread (its
//! headroom), the adaptive-latency state and the path the engine runs (ahead
//! on the worker, inline, offline, prefetch). An unbuffered plugin's panel
//! says it runs inline with no added latency.

use egui::{Align, Align2, Color32, Layout, ProgressBar, RichText, Sense, Stroke, Ui, pos2, vec2};

use super::EditorView;
use super::widgets::{ACCENT, small_text};
use crate::engine::{EngineStats, RunMode};

const WARNING: Color32 = Color32::from_rgb(0xe8, 0x6a, 0x5c);
const PLOT_HEIGHT: f32 = 56.0;
/// The width of a figure's label.
const LABEL_WIDTH: f32 = 84.0;
/// Room for the buffer fill's percentage beside its bar.
const FIGURE_WIDTH: f32 = 64.0;

/// The panel's height in logical pixels, buffered or not (the generic
/// editor reserves it).
pub(super) const fn height(buffered: bool) -> f32 {
    if buffered { 176.0 } else { 28.0 }
}

/// Draws the panel for `view`'s plugin into `ui`.
pub fn write_ahead_panel(ui: &mut Ui, view: &EditorView<'_>) {
    let stats = view.context.stats();
    let info = view.context.info();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Write-ahead").strong());
        mode_badge(ui, &stats, info.buffering);
        if info.buffering {
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(RichText::new(latency_text(&stats)).monospace());
                ui.label("latency");
            });
        }
    });
    if !info.buffering {
        return;
    }
    let fill = stats.fill as f32;
    // The figure beside the bar, not on it: over an empty bar's rounded end
    // the text would sit on the fill.
    ui.horizontal(|ui| {
        ui.label(RichText::new("Buffer fill").weak()).on_hover_text("How much of the latency the worker has filled");
        let figure = format!("{:5.1} %", fill * 100.0);
        let width = ui.available_width() - FIGURE_WIDTH;
        ui.add(ProgressBar::new(fill).desired_width(width).desired_height(14.0).fill(ACCENT));
        ui.label(RichText::new(figure).monospace());
    });
    plot(ui, view, &stats);
    let rate = if stats.sample_rate > 0.0 { stats.sample_rate } else { 48_000.0 };
    let underruns = format!("{} frames", stats.underruns);
    let underrun_color = if stats.underruns > 0 { WARNING } else { ui.visuals().text_color() };
    let stall = format!("{:.1} ms", stats.longest_stall.as_secs_f64() * 1000.0);
    let figures = [
        ("Underruns", underruns, underrun_color, "Frames played as silence since activation"),
        ("Headroom", headroom_text(&stats, rate), ui.visuals().text_color(), "The smallest lead the worker kept"),
        ("Latency", adaptive_text(&stats), ui.visuals().text_color(), "Fixed, or adaptive up to its ceiling"),
        ("Longest stall", stall, ui.visuals().text_color(), "The longest the DSP went unserved"),
    ];
    // Fixed columns: a grid would size them to the text and, as the figures
    // change width, ask for another frame each time (egui's Grid does).
    let half = (ui.available_width() / 2.0).floor();
    for pair in figures.chunks(2) {
        ui.horizontal(|ui| {
            for (label, value, color, hint) in pair {
                ui.allocate_ui_with_layout(vec2(half, 16.0), Layout::left_to_right(Align::Center), |ui| {
                    ui.set_min_width(half);
                    let label_cell = Layout::left_to_right(Align::Center);
                    ui.allocate_ui_with_layout(vec2(LABEL_WIDTH, 16.0), label_cell, |ui| {
                        ui.set_min_width(LABEL_WIDTH);
                        ui.label(RichText::new(*label).weak()).on_hover_text(*hint);
                    });
                    ui.label(RichText::new(value.as_str()).monospace().color(*color));
                });
            }
        });
    }
}

/// The path the engine ran its last block on.
fn mode_badge(ui: &mut Ui, stats: &EngineStats, buffered: bool) {
    let (text, color) = match stats.run_mode {
        Some(RunMode::Ahead) => ("ahead", ACCENT),
        Some(RunMode::Inline) => ("inline", ui.visuals().text_color()),
        Some(RunMode::Offline) => ("offline", ui.visuals().warn_fg_color),
        Some(RunMode::Prefetch) => ("prefetch", ui.visuals().warn_fg_color),
        None if buffered => ("idle", ui.visuals().weak_text_color()),
        None => ("inline", ui.visuals().text_color()),
    };
    ui.label(RichText::new(text).monospace().color(color));
    if !buffered {
        ui.label(RichText::new("runs in the host's callback: no added latency").weak());
    }
}

/// "50.0 ms · 2400 frames".
fn latency_text(stats: &EngineStats) -> String {
    format!("{:.1} ms · {} frames", stats.latency.as_secs_f64() * 1000.0, stats.latency_samples)
}

/// How close the worker came to the audio thread: its smallest lead.
fn headroom_text(stats: &EngineStats, rate: f64) -> String {
    if stats.worst_lead == i64::MAX {
        return "none yet".to_string();
    }
    let worst_ms = stats.worst_lead as f64 * 1000.0 / rate;
    format!("{worst_ms:.1} of {:.0} ms", stats.latency_ms)
}

/// Fixed, or adaptive with its ceiling and what it asks for.
fn adaptive_text(stats: &EngineStats) -> String {
    match (stats.latency_ceiling_ms, stats.wanted_latency_ms) {
        (None, _) => "fixed".to_string(),
        (Some(ceiling), None) => format!("auto, max {ceiling:.0} ms"),
        (Some(ceiling), Some(wanted)) => format!("wants {wanted:.0} ms (max {ceiling:.0})"),
    }
}

/// The worker's lead over the last seconds, 0 (touching the audio thread) to
/// the latency, newest on the right.
fn plot(ui: &mut Ui, view: &EditorView<'_>, stats: &EngineStats) {
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), PLOT_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    let top = stats.latency_ms.max(1.0) as f32;
    let y = |lead_ms: f32| rect.bottom() - (lead_ms.clamp(0.0, top) / top) * (rect.height() - 4.0) - 2.0;
    painter.line_segment([pos2(rect.left(), y(0.0)), pos2(rect.right(), y(0.0))], Stroke::new(1.0, WARNING));
    let capacity = super::History::capacity().max(2) as f32;
    let samples = view.history.samples();
    let count = samples.len();
    let points: Vec<egui::Pos2> = samples
        .enumerate()
        .map(|(i, sample)| {
            let age = (count - 1 - i) as f32;
            pos2(rect.right() - age / (capacity - 1.0) * rect.width(), y(sample.lead_ms))
        })
        .collect();
    if points.len() >= 2 {
        painter.add(egui::Shape::line(points, Stroke::new(1.5, ACCENT)));
    }
    let weak = visuals.weak_text_color();
    small_text(ui, rect.left_top() + vec2(4.0, 2.0), Align2::LEFT_TOP, format!("lead {top:.0} ms"), weak);
    small_text(ui, rect.left_bottom() + vec2(4.0, -2.0), Align2::LEFT_BOTTOM, "0", weak);
    let span = super::HISTORY_SECONDS;
    small_text(ui, rect.right_bottom() + vec2(-4.0, -2.0), Align2::RIGHT_BOTTOM, format!("last {span} s"), weak);
}
