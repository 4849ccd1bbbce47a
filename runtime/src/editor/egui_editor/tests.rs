//! The generic editor drawn headless (egui without a window): its layout for
//! 1 to 32 parameters, and the gesture checker over every widget, driven by
//! synthetic pointer and key input.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use egui::{Event, Key, Modifiers, PointerButton, Pos2, RawInput, Rect, vec2};

use super::generic::{draw, natural_size};
use super::{EditorView, History};
use crate::editor::{Edit, EditReceiver, EditorContext};
use crate::engine::{Engine, EngineConfig};
use crate::plugin::{ParamSpec, PluginInfo, PluginKind};

/// `count` parameters of every kind, in turn: continuous, a switch, three
/// choices, seven choices.
fn specs(count: usize) -> &'static [ParamSpec] {
    let specs: Vec<ParamSpec> = (0..count)
        .map(|index| {
            let steps = [0, 1, 2, 6][index % 4];
            ParamSpec {
                id: index as u32,
                title: ["Cutoff", "Enabled", "Mode", "Voices"][index % 4],
                units: if steps == 0 { "Hz" } else { "" },
                min: 0.0,
                max: if steps == 0 { 100.0 } else { f64::from(steps) },
                default: 0.0,
                automatable: true,
                steps,
                smooth_ms: 0.0,
                value_names: &[],
            }
        })
        .collect();
    Box::leak(specs.into_boxed_slice())
}

fn info(params: &'static [ParamSpec]) -> &'static PluginInfo {
    Box::leak(Box::new(PluginInfo {
        name: "Layout",
        vendor: "Tests",
        url: "",
        email: "",
        version: "1.0.0",
        class_id: [1, 2, 3, 4],
        kind: PluginKind::Effect,
        layouts: &[2],
        latency_ms: 50.0,
        latency_ceiling_ms: None,
        buffering: true,
        params,
        meter_params: false,
        presets: &[],
        editor: None,
    }))
}

/// A context over fresh default values, and the queue's receiving end.
fn context(info: &'static PluginInfo) -> (Arc<EditorContext>, EditReceiver) {
    let values: Arc<[AtomicU64]> =
        info.host_params().map(|(_, p)| AtomicU64::new(p.default_normalized().to_bits())).collect();
    let engine = Engine::new(crate::dsp::gain::Gain::default(), EngineConfig::default());
    EditorContext::new(info, values, engine.stats_handle(), None)
}

/// Draws frames of the generic editor at `size`, each with its input events.
struct Harness {
    ctx: egui::Context,
    context: Arc<EditorContext>,
    edits: EditReceiver,
    size: egui::Vec2,
    time: f64,
    cells: Vec<(u32, Rect)>,
}

impl Harness {
    fn new(params: usize, width: f32) -> Self {
        let info = info(specs(params));
        let natural = natural_size(params, true);
        let (context, edits) = context(info);
        let mut harness = Harness {
            ctx: egui::Context::default(),
            context,
            edits,
            size: vec2(width, natural.height as f32),
            time: 0.0,
            cells: Vec::new(),
        };
        harness.frame(Vec::new());
        harness.frame(Vec::new());
        harness
    }

    fn frame(&mut self, events: Vec<Event>) {
        self.time += 1.0 / 30.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, self.size)),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let history = History::default();
        let view = EditorView { context: &self.context, history: &history };
        let mut cells = Vec::new();
        let mut output = self.ctx.run_ui(input, |ui| draw(ui, &view, &mut cells));
        // No renderer takes the font atlas here.
        output.textures_delta.clear();
        self.cells = cells;
    }

    fn cell(&self, id: u32) -> Rect {
        self.cells.iter().find(|(i, _)| *i == id).map(|(_, rect)| *rect).expect("a cell for the parameter")
    }

    fn pointer(&mut self, at: Pos2, pressed: Option<bool>) {
        let mut events = vec![Event::PointerMoved(at)];
        if let Some(pressed) = pressed {
            events.push(Event::PointerButton {
                pos: at,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        self.frame(events);
    }

    fn click(&mut self, at: Pos2) {
        self.pointer(at, None);
        self.pointer(at, Some(true));
        self.pointer(at, Some(false));
        self.frame(Vec::new());
    }

    fn drag(&mut self, from: Pos2, to: Pos2) {
        self.pointer(from, None);
        self.pointer(from, Some(true));
        for step in 1..=8 {
            self.pointer(from + (to - from) * (step as f32 / 8.0), None);
        }
        self.pointer(to, Some(false));
        self.frame(Vec::new());
    }

    fn key(&mut self, key: Key) {
        let event =
            |pressed| Event::Key { key, physical_key: None, pressed, repeat: false, modifiers: Modifiers::NONE };
        self.frame(vec![event(true), event(false)]);
    }

    fn edits(&mut self) -> Vec<Edit> {
        std::iter::from_fn(|| self.edits.pop()).collect()
    }
}

#[test]
fn one_to_thirty_two_parameters_get_cells_that_never_overlap() {
    for count in 1..=32 {
        for width in [natural_size(count, true).width as f32, 300.0, 900.0] {
            let harness = Harness::new(count, width);
            let cells = &harness.cells;
            assert_eq!(cells.len(), count, "{count} parameters at {width} px: one cell each");
            for (index, (id, rect)) in cells.iter().enumerate() {
                assert!(rect.width() >= super::widgets::CELL.x - 0.5, "cell {id} is full width: {rect:?}");
                assert!(rect.left() >= 0.0 && rect.right() <= width, "cell {id} inside the window: {rect:?}");
                for (other, other_rect) in &cells[index + 1..] {
                    let overlap = rect.intersect(*other_rect);
                    assert!(
                        overlap.width() <= 0.5 || overlap.height() <= 0.5,
                        "{count} parameters at {width} px: cells {id} and {other} overlap: {rect:?} {other_rect:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_widget_brackets_its_edits() {
    let mut harness = Harness::new(4, 500.0);
    let (knob, switch, segmented, menu) = (harness.cell(0), harness.cell(1), harness.cell(2), harness.cell(3));
    // The knob: a drag, a double-click back to the default, a typed value.
    let knob_centre = knob.center_top() + vec2(0.0, 20.0 + 28.0);
    harness.drag(knob_centre, knob_centre - vec2(0.0, 40.0));
    // 1/200 a pixel, less the few pixels egui waits for before it calls the
    // press a drag.
    let dragged = harness.context.param(0).unwrap().normalized();
    assert!((0.15..=0.2).contains(&dragged), "40 px up is at most 0.2: {dragged}");
    harness.pointer(knob_centre, Some(true));
    harness.pointer(knob_centre, Some(false));
    harness.pointer(knob_centre, Some(true));
    harness.pointer(knob_centre, Some(false));
    harness.frame(Vec::new());
    assert_eq!(harness.context.param(0).unwrap().normalized(), 0.0, "a double-click resets to the default");
    harness.click(knob.center_top() + vec2(0.0, 20.0 + 56.0 + 12.0));
    harness.frame(vec![Event::Text("42 Hz".into())]);
    harness.key(Key::Enter);
    assert_eq!(harness.context.param(0).unwrap().plain(), 42.0, "a typed value");
    // The switch, a segment, a menu item.
    harness.click(switch.center_top() + vec2(0.0, 20.0 + 11.0));
    assert_eq!(harness.context.param(1).unwrap().step(), 1, "the switch turned on");
    harness.click(segmented.center_top() + vec2(30.0, 20.0 + 12.0));
    assert_eq!(harness.context.param(2).unwrap().step(), 2, "the last segment");
    harness.click(menu.center_top() + vec2(0.0, 20.0 + 10.0));
    let option = menu.center_top() + vec2(0.0, 20.0 + 22.0 + 18.0 * 3.0 + 9.0);
    harness.click(option);
    let step = harness.context.param(3).unwrap().step();
    assert!(step > 0, "a menu item picked: step {step}");

    let edits = harness.edits();
    let report = harness.context.gesture_report();
    assert_eq!((report.unbracketed_sets, report.unbalanced, report.dropped), (0, 0, 0), "{report:?}: {edits:?}");
    assert_eq!(report.begins, report.ends, "{edits:?}");
    assert!(report.begins >= 6, "a gesture per action: {edits:?}");
    // The queue holds them in order: each value inside its parameter's gesture.
    let mut open = std::collections::HashSet::new();
    for edit in &edits {
        match *edit {
            Edit::Begin { id } => assert!(open.insert(id), "{edits:?}"),
            Edit::Set { id, .. } => assert!(open.contains(&id), "a value outside a gesture: {edits:?}"),
            Edit::End { id } => assert!(open.remove(&id), "{edits:?}"),
        }
    }
    assert!(open.is_empty());
}

#[test]
fn a_window_closed_mid_drag_ends_the_gesture() {
    let mut harness = Harness::new(1, 420.0);
    let knob = harness.cell(0).center_top() + vec2(0.0, 48.0);
    harness.pointer(knob, None);
    harness.pointer(knob, Some(true));
    harness.pointer(knob - vec2(0.0, 20.0), None);
    harness.pointer(knob - vec2(0.0, 30.0), None);
    assert!(harness.context.param(0).unwrap().in_gesture(), "dragging");
    harness.context.end_open_gestures();
    let edits = harness.edits();
    assert_eq!(edits.last(), Some(&Edit::End { id: 0 }), "{edits:?}");
    assert_eq!(harness.context.gesture_report().unbalanced, 0);
}
