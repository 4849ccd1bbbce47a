//! Sessions saved with release 0.1.0 reopen in a real DAW: Ardour 7.3,
//! headless, through the harness in `ardour/`. Each plugin release 0.1.0
//! shipped is inserted on a track, the session file is given the state that
//! release saved (`fixtures/states/0.1.0`, where every value differs from
//! its default) as a session saved then holds it, and the export must equal
//! the plugin's DSP at those values, at offset 0 and bit for bit. A state
//! Ardour did not hand to the plugin, or one the plugin read wrongly, plays
//! the defaults and fails.

mod ardour;
mod e2e;

use ardour::compare::compare;
use ardour::{Ardour, Input, Job, Note, RATE};
use e2e::{noise, reference_with, shipped, state_pairs, test_notes, workspace};
use generator::config::Kind;
use runtime::plugin::BYPASS_PARAM_ID;

/// 1.5 s, as the other Ardour renders.
const FRAMES: usize = 72_000;

#[test]
fn every_state_release_0_1_0_saved_plays_its_values_in_ardour() {
    let ardour = Ardour::installed();
    let fixtures = workspace().join("generator/tests/fixtures/states/0.1.0");
    let shipped = shipped();
    let mut loaded = 0;
    for plugin in &shipped.plugins {
        let Ok(state) = std::fs::read(fixtures.join(format!("{}.state", plugin.slug))) else {
            continue; // newer than release 0.1.0
        };
        let saved = state_pairs(&state);
        let bypassed = saved.iter().any(|&(id, value)| id == BYPASS_PARAM_ID && value == 1.0);
        let values: Vec<(u32, f64)> = saved.into_iter().filter(|(id, _)| *id != BYPASS_PARAM_ID).collect();
        let bundle = shipped.bundles.join(format!("{}.vst3", plugin.name));
        let (input, notes) = match plugin.kind {
            Kind::Effect => (noise(plugin.channels, FRAMES, 41), Vec::new()),
            Kind::Instrument => (Vec::new(), test_notes(f64::from(RATE))),
        };
        let ardour_notes: Vec<Note> = notes
            .iter()
            .map(|n| Note { frame: n.frame, on: n.on, pitch: n.pitch, velocity: (n.velocity * 127.0).round() as u8 })
            .collect();
        let played = match plugin.kind {
            Kind::Effect => Input::Audio(&input),
            Kind::Instrument => Input::Notes(&ardour_notes),
        };
        let job = Job { state: Some(&state), ..Job::new(&bundle, &plugin.name, plugin.channels, played, FRAMES) };
        let rendered = ardour.render(&format!("old-state-{}", plugin.slug), &job);
        if let Some(how) = &rendered.export_died_after_writing {
            println!("note: {}: ardour7-export ended with {how} after writing a complete file", plugin.name);
        }
        // Bypassed (WA Tremolo's saved state), the plugin passes its input
        // through, delayed by the latency Ardour compensates.
        let want = if bypassed {
            input.clone()
        } else {
            reference_with(plugin, f64::from(RATE), &input, &notes, FRAMES, &values)
        };
        let defaults = reference_with(plugin, f64::from(RATE), &input, &notes, FRAMES, &[]);
        assert!(want != defaults, "{}: the saved values sound different from the defaults", plugin.name);
        compare(&plugin.name, &rendered.output, &want)
            .unwrap_or_else(|e| panic!("{} reopened with its 0.1.0 state: {e}", plugin.name));
        println!(
            "ok: {}: a session holding its 0.1.0 state ({} values{}) plays them, bit for bit",
            plugin.name,
            values.len(),
            if bypassed { ", bypassed" } else { "" }
        );
        loaded += 1;
    }
    assert_eq!(loaded, 7, "release 0.1.0 shipped seven plugins");
}
