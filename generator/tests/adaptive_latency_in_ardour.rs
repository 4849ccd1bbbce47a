//! Adaptive latency in a real DAW: Ardour 7.3 (Debian's `ardour`), headless,
//! through the harness in `ardour/`. A generated plugin with
//! `latency_ms = "auto"`, built in a workspace of its own, plays in real time
//! in one Ardour process while its DSP stalls close to its headroom. What a
//! user of Ardour 7.3 then sees, and this test asserts:
//!
//! - while the plugin stays active, Ardour reports the latency it started
//!   with, 50 ms, even after the session was played and saved;
//! - once the plugin is deactivated and activated again (the processor box's
//!   Deactivate and Activate), Ardour reports the raised latency: 1.25 times
//!   the stalls' recommended latency, rounded up to 5 ms;
//! - Ardour compensates it: an export from the same process, right after,
//!   equals the plugin's DSP at offset 0, bit for bit.
//!
//! Why not at the save: saving is the first call Ardour makes into the
//! plugin on its main thread after the session loaded (it reads the plugin's
//! state), and the plugin tells Ardour there, with
//! `restartComponent(kLatencyChanged)`. Ardour 7.3 answers by forgetting the
//! latency it had read and reading it again on its process thread, without
//! deactivating the plugin (7.0 to 7.2 did restart it); the engine takes a
//! new latency only when activated, so that read still gives 50 ms. Those
//! calls and their threads were seen by logging in the plugin; Ardour's
//! release build prints nothing about them, so this test cannot observe the
//! notice itself, only what follows from it.

mod ardour;
mod e2e;

use ardour::compare::compare;
use ardour::{Ardour, Input, Job, RATE};
use e2e::{assert_success, generator, latency_samples, noise, reference, scratch_workspace};
use generator::config;

const ADAPTIVE: &str = r#"
[defaults]
vendor = "Adaptive Audio"

[[plugins]]
name = "Adaptive Filter"
kind = "effect"
dsp = "filter"
channels = 2
latency_ms = "auto"
latency_max_ms = 200
"#;

/// The stall plan, given to Ardour's environment (the engine reads it when
/// it is built): 18 ms inside the DSP every 300 ms. With Ardour's 1024-frame
/// cycles (21.3 ms) and the worker's 5 ms tick at 50 ms, that fits the
/// 23.7 ms headroom, but the recommended latency (stall + block + tick,
/// rounded up to 1 ms: 45 ms) is above 80 % of 50 ms: the engine asks for
/// 45 × 1.25 = 56.25 ms, rounded up to 60 ms.
const STALL_MS: u32 = 18;
const STALL_EVERY_MS: u32 = 300;
/// The worker's tick at a 50 ms latency (a tenth of it, at most 5 ms).
const TICK_MS: f64 = 5.0;
/// Real-time play: six stalls or so.
const PLAY_SECONDS: f64 = 2.0;
/// 1.5 s of noise, the region and the export range.
const FRAMES: usize = 72_000;

/// The engine's rule: 1.25 × the recommended latency, rounded up to 5 ms, at
/// most the ceiling.
fn raised_ms(recommended_ms: f64, ceiling_ms: f64) -> f64 {
    ((recommended_ms * 1.25 / 5.0).ceil() * 5.0).min(ceiling_ms)
}

#[test]
fn stalls_near_the_headroom_raise_the_latency_ardour_compensates_once_the_plugin_is_reactivated() {
    let ardour = Ardour::installed();
    let dir = scratch_workspace("adaptive-in-ardour", ADAPTIVE);
    let bundles = dir.join("bundles");
    let config_path = dir.join("plugins.toml");
    let args = ["build", "--config", config_path.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    assert_success(&generator(&dir, &args), "generator build");
    let plugin = &config::parse(ADAPTIVE).unwrap().plugins[0];
    let ceiling_ms = plugin.latency_ceiling_ms.expect("an adaptive latency");
    let bundle = bundles.join(format!("{}.vst3", plugin.name));

    let input = noise(plugin.channels, FRAMES, 23);
    let job = Job::new(&bundle, &plugin.name, plugin.channels, Input::Audio(&input), FRAMES);
    let stall_plan = format!("dsp:{STALL_MS}ms/{STALL_EVERY_MS}ms");
    let played =
        ardour.play_then_export("adaptive-in-ardour", &job, &[("WRITEAHEAD_STALL", &stall_plan)], PLAY_SECONDS);
    if let Some(how) = &played.died_after_export {
        println!("note: ardour7-lua ended with {how} after writing a complete file");
    }
    let frames_per_ms = f64::from(RATE) / 1000.0;
    let [inserted, loaded, saved, reactivated] = played.latency;
    let start = latency_samples(plugin, f64::from(RATE));
    assert_eq!(start, 2400, "it starts at 50 ms");
    assert_eq!((inserted, loaded), (start, start), "the latency Ardour read when inserting and when loading");
    assert!(played.rolled > 0, "the session did not play (transport at {}): nothing was measured", played.rolled);
    assert_eq!(
        saved, start,
        "after playing and saving, the plugin still active: Ardour reads the latency it started with \
         (the engine takes a new one only when activated)"
    );

    // The stalls' recommendation with this block; a stall the machine made up
    // to 5 ms longer (the worker woken late) may ask for one step more.
    let block_ms = played.block as f64 / frames_per_ms;
    let recommended_ms = (f64::from(STALL_MS) + block_ms + TICK_MS).ceil();
    let wanted_ms = raised_ms(recommended_ms, ceiling_ms);
    let raised = reactivated as f64 / frames_per_ms;
    assert!(
        reactivated > start,
        "after the plugin was deactivated and activated again, Ardour still reads {reactivated} frames: \
         the plugin did not raise its latency, or was not reactivated (played to frame {}, {block_ms:.1} ms cycles)",
        played.rolled
    );
    assert!(
        raised % 5.0 == 0.0 && (wanted_ms..=raised_ms(recommended_ms + 5.0, ceiling_ms)).contains(&raised),
        "Ardour reads {reactivated} frames ({raised} ms) after reactivation; the stalls ({STALL_MS} ms in \
         {block_ms:.1} ms cycles) recommend {recommended_ms} ms, which asks for {wanted_ms} ms"
    );

    // Compensated: the export lines up with the input, bit for bit.
    let want = reference(plugin, f64::from(RATE), &input, &[], FRAMES);
    compare(&plugin.name, &played.output, &want).unwrap_or_else(|e| panic!("after reactivation: {e}"));
    println!(
        "ok: {}: {stall_plan} in {block_ms:.1} ms cycles, played to frame {}: latency {start} while active, \
         {reactivated} ({raised} ms, {wanted_ms} ms asked) once reactivated; the export after it equals the DSP \
         at offset 0, bit for bit (scan + session {:.1} s, play + export {:.1} s)",
        plugin.name, played.rolled, played.seconds.0, played.seconds.1
    );
}
