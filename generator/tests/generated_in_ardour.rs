//! Every plugin of the shipped plugins.toml rendered by a real DAW: Ardour 7
//! (Debian's `ardour`), headless, through the harness in `ardour/`. Ardour
//! compensates the latency a plugin reports, so what it exports must equal
//! the plugin's DSP run directly, at offset 0 and bit for bit: a latency
//! reported or compensated one sample off, a lost or repeated block, a
//! parameter Ardour sets differently from the plugins.toml default, each
//! changes samples of the noise the track plays.

mod ardour;
mod e2e;

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use ardour::compare::compare;
use ardour::{Ardour, Input, Job, Note, RATE, Render, fails_for_retries, judge_export, too_many_retried, wav};
use e2e::{latency_samples, noise, reference, shipped, test_notes};
use generator::config::{Dsp, Kind, Plugin};

/// 1.5 s: every shipped latency (up to 100 ms) and the delay's 375 ms echo
/// well inside, and on a MIDI tick (a multiple of 25 frames at 48 kHz).
const FRAMES: usize = 72_000;

fn render(ardour: &Ardour, plugin: &Plugin, input: Input) -> Render {
    render_in(ardour, plugin, plugin.channels, input)
}

/// [`render`] on a track of `channels` channels.
fn render_in(ardour: &Ardour, plugin: &Plugin, channels: usize, input: Input) -> Render {
    let bundle = shipped().bundles.join(format!("{}.vst3", plugin.name));
    let job = Job::new(&bundle, &plugin.name, channels, input, FRAMES);
    let render = ardour.render(&format!("in-ardour-{}-{channels}ch", plugin.slug), &job);
    if let Some(how) = &render.export_died_after_writing {
        println!("note: {}: ardour7-export ended with {how} after writing a complete file", plugin.name);
    }
    render
}

/// What the plugin's DSP outputs for `input` after running `lead` frames of
/// silence first (the time a host processed it before the region started).
fn reference_after(plugin: &Plugin, input: &[Vec<f32>], notes: &[e2e::Note], lead: usize) -> Vec<Vec<f32>> {
    let longer: Vec<Vec<f32>> = input.iter().map(|c| [vec![0.0; lead], c.clone()].concat()).collect();
    let notes: Vec<e2e::Note> = notes.iter().map(|n| e2e::Note { frame: n.frame + lead, ..*n }).collect();
    let want = reference(plugin, f64::from(RATE), &longer, &notes, lead + FRAMES);
    want.into_iter().map(|c| c[lead..].to_vec()).collect()
}

/// How many frames the tremolo's free-running LFO ran before the region's
/// first frame reached it. Ardour processes a plugin from its last reset
/// on, before the transport rolls, so the LFO does not start the region at
/// phase 0 as in the reference. The lead is read off the first frames' gain
/// (output / input) against the LFO's gain curve (the DSP run on a constant
/// 1.0), then confirmed bit for bit over the whole render; the audio itself
/// must still line up at offset 0.
fn lfo_lead(plugin: &Plugin, input: &[Vec<f32>], got: &[Vec<f32>]) -> Result<usize, String> {
    const LONGEST: usize = 20 * RATE as usize;
    let probes: Vec<usize> = (0..FRAMES).filter(|&t| input[0][t].abs() > 0.25).take(16).collect();
    let span = probes.last().unwrap() + 1;
    let ones = vec![vec![1.0_f32; LONGEST + span]; plugin.channels];
    let curve = &reference(plugin, f64::from(RATE), &ones, &[], LONGEST + span)[0];
    let mut tried = Vec::new();
    for lead in 0..LONGEST {
        if probes.iter().all(|&t| (got[0][t] / input[0][t] - curve[lead + t]).abs() < 2e-5) {
            if compare(&plugin.name, got, &reference_after(plugin, input, &[], lead)).is_ok() {
                return Ok(lead);
            }
            tried.push(lead);
        }
    }
    Err(format!("no LFO lead up to {LONGEST} frames matches bit for bit (gain matched at leads {tried:?})"))
}

/// Ardour's default tempo, which its sessions start with.
const ARDOUR_TEMPO: f64 = 120.0;

/// A tempo-synced plugin in Ardour: its gain must follow Ardour's grid (120
/// BPM from the session's start) at offset 0, as it does in any host that
/// compensates latency. Ardour hands each plugin the timeline position of its
/// *output* (`Route::process_output_buffers` runs a processor at the cycle's
/// position plus the route's latency minus the latency up to and including
/// that processor), while it feeds the input L ahead; the plugin knows Ardour
/// by its name and moves each report forward by L to its input's position
/// (`runtime::engine::PositionReference`). Taken as they come, the reports
/// would put the LFO L frames behind the grid. Checked frame by frame against
/// the gain Ardour's grid gives (output / input, on frames where the noise
/// is loud enough to read it), within what Ardour's rounding of its musical
/// positions allows: they come in ticks (1/1920 quarter note, 12.5 frames
/// here), 8e-4 of gain at most; the same check L frames off is off by 0.08
/// or more.
fn synced_on_ardours_grid(plugin: &Plugin, input: &[Vec<f32>], got: &[Vec<f32>]) -> Result<(), String> {
    let period = plugin.sync.expect("a synced plugin").quarter_notes();
    let depth = e2e::default_value(plugin, 0);
    let beats_per_frame = ARDOUR_TEMPO / (60.0 * f64::from(RATE));
    for (ch, (x, y)) in input.iter().zip(got).enumerate() {
        for t in (0..FRAMES).filter(|&t| x[t].abs() > 0.05) {
            let beats = t as f64 * beats_per_frame;
            let gain = 1.0 - depth * (1.0 - (2.0 * std::f64::consts::PI * beats / period).cos()) / 2.0;
            let read = f64::from(y[t]) / f64::from(x[t]);
            if (read - gain).abs() > 2e-3 {
                return Err(format!(
                    "{}: channel {ch} frame {t}: gain {read}, Ardour's grid gives {gain}",
                    plugin.name
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_shipped_effect_in_ardour_equals_its_dsp_at_offset_zero() {
    let ardour = Ardour::installed();
    let effects: Vec<&Plugin> = shipped().plugins.iter().filter(|p| p.kind == Kind::Effect).collect();
    assert!(!effects.is_empty());
    let mut failures = Vec::new();
    for plugin in effects {
        let input = noise(plugin.channels, FRAMES, 17);
        let rendered = render(&ardour, plugin, Input::Audio(&input));
        let latency = latency_samples(plugin, f64::from(RATE));
        if rendered.latency != latency {
            failures.push(format!(
                "{}: Ardour read a latency of {}, the plugin reports {latency}",
                plugin.name, rendered.latency
            ));
        }
        if plugin.sync.is_some() {
            match synced_on_ardours_grid(plugin, &input, &rendered.output) {
                Ok(()) => println!(
                    "ok: {} ({} ch, latency {latency}): its gain follows Ardour's {ARDOUR_TEMPO} BPM grid at every \
                     frame, at offset 0 (Ardour's reports of the output's position moved to the input's)",
                    plugin.name, plugin.channels
                ),
                Err(e) => failures.push(e),
            }
            continue;
        }
        let mut lead = 0;
        let want = reference(plugin, f64::from(RATE), &input, &[], FRAMES);
        let mut result = match plugin.dsp {
            // Within float rounding of its f64 model (e2e/convolver.rs).
            Dsp::Convolver => e2e::convolver::close(&rendered.output, &want, &plugin.name),
            _ => compare(&plugin.name, &rendered.output, &want),
        };
        if result.is_err() && plugin.dsp == Dsp::Tremolo {
            match lfo_lead(plugin, &input, &rendered.output) {
                Ok(found) => (lead, result) = (found, Ok(())),
                Err(e) => result = result.map_err(|first| format!("{first}; {e}")),
            }
        }
        match result {
            Ok(()) => println!(
                "ok: {} ({} ch, latency {latency}): Ardour's export equals the DSP at offset 0, bit for bit{} \
                 (session {:.1} s, export {:.1} s)",
                plugin.name,
                plugin.channels,
                if lead > 0 { format!(" (its LFO ran {lead} frames before the region)") } else { String::new() },
                rendered.seconds.0,
                rendered.seconds.1
            ),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ardour 7.3 sizes a VST3 plugin's buses by what `getBusInfo` reports when
/// it loads it and only ever enables a subset of those channels (its
/// `enable_io`): it never asks for more. So the mono-first WA Tremolo goes on
/// a stereo track as two mono instances (Ardour's replication), one per
/// channel, each with its own free-running LFO. Channel 0 must be the DSP of
/// its input alone at offset 0, bit for bit, after its LFO lead. Channel 1
/// must be the DSP at offset 0 at the same LFO phase within 1e-6: measured
/// here, it is within 1.2e-7 but no lead within the 20 s search reproduces
/// its last bits (its instance's LFO, summed sample by sample, ran a
/// different number of samples).
#[test]
fn the_mono_first_tremolo_on_a_stereo_track_in_ardour_plays_each_channel_at_offset_zero() {
    let ardour = Ardour::installed();
    let plugin = shipped().plugins.iter().find(|p| p.layouts == [1, 2]).expect("a mono/stereo plugin");
    assert_eq!(plugin.dsp, Dsp::Tremolo, "the check below reads the tremolo's LFO lead");
    let input = noise(2, FRAMES, 19);
    let rendered = render_in(&ardour, plugin, 2, Input::Audio(&input));
    assert_eq!(rendered.latency, latency_samples(plugin, f64::from(RATE)), "{}: the latency Ardour read", plugin.name);
    assert_eq!(rendered.output.len(), 2, "{}: a stereo export", plugin.name);
    let mono = |c: usize| (std::slice::from_ref(&input[c]), std::slice::from_ref(&rendered.output[c]));
    let (dry, got) = mono(0);
    let lead = lfo_lead(plugin, dry, got).unwrap_or_else(|e| panic!("{}: channel 0: {e}", plugin.name));
    let (dry, got) = mono(1);
    let want = reference_after(plugin, dry, &[], lead);
    let worst = got[0].iter().zip(&want[0]).map(|(g, w)| (g - w).abs()).fold(0.0_f32, f32::max);
    assert!(worst <= 1e-6, "{}: channel 1 differs by up to {worst} from the DSP at lead {lead}", plugin.name);
    println!(
        "ok: {} on a stereo track: channel 0 the DSP at offset 0 bit for bit (LFO lead {lead}), channel 1 within {worst:e}",
        plugin.name
    );
}

#[test]
fn the_shipped_instrument_in_ardour_equals_its_dsp_at_offset_zero() {
    let ardour = Ardour::installed();
    let instruments: Vec<&Plugin> = shipped().plugins.iter().filter(|p| p.kind == Kind::Instrument).collect();
    assert!(!instruments.is_empty());
    for plugin in instruments {
        let notes = test_notes(f64::from(RATE));
        let want = reference(plugin, f64::from(RATE), &[], &notes, FRAMES);
        assert!(want.iter().flatten().any(|s| *s != 0.0), "{}: the reference is not silence", plugin.name);
        // The reference's velocity 1.0 is MIDI's 127, note-on and note-off alike.
        let midi: Vec<Note> = notes
            .iter()
            .map(|n| Note { frame: n.frame, on: n.on, pitch: n.pitch, velocity: (n.velocity * 127.0).round() as u8 })
            .collect();
        let rendered = render(&ardour, plugin, Input::Notes(&midi));
        let latency = latency_samples(plugin, f64::from(RATE));
        assert_eq!(rendered.latency, latency, "{}: the latency Ardour read", plugin.name);
        compare(&plugin.name, &rendered.output, &want).unwrap_or_else(|e| panic!("{e}"));
        println!(
            "ok: {} (latency {latency}): notes of a MIDI region sound at their own frames, bit for bit \
             (session {:.1} s, export {:.1} s)",
            plugin.name, rendered.seconds.0, rendered.seconds.1
        );
    }
}

/// Ardour's exporter sometimes aborts on exit after writing a complete file:
/// that alone is accepted (said in the answer, with whether the tool had
/// said it was done), never a crash that left a short file or another ending.
#[test]
fn an_export_that_aborts_after_a_complete_file_is_accepted_and_nothing_else() {
    let done = true;
    let (exited, aborted, segfault) = (ExitStatus::from_raw(0), ExitStatus::from_raw(6), ExitStatus::from_raw(11));
    let failed = ExitStatus::from_raw(1 << 8);
    let file = |frames: usize| Ok(wav::Wav { rate: RATE, channels: vec![vec![0.25; frames]; 2] });
    assert_eq!(judge_export(&exited, done, file(100), 2, 100).unwrap().1, None);
    assert_eq!(
        judge_export(&aborted, done, file(100), 2, 100).unwrap().1.as_deref(),
        Some("killed by signal 6, after it said it was done")
    );
    assert_eq!(
        judge_export(&aborted, !done, file(100), 2, 100).unwrap().1.as_deref(),
        Some("killed by signal 6, before it said it was done"),
        "the teardown's abort while the exporter sleeps in its progress loop, the file complete"
    );
    assert!(judge_export(&aborted, done, file(99), 2, 100).is_err(), "a frame short");
    assert!(judge_export(&aborted, !done, file(99), 2, 100).is_err(), "a frame short, before Done");
    assert!(judge_export(&exited, done, file(99), 2, 100).is_err(), "a frame short, even with exit code 0");
    assert!(judge_export(&aborted, done, Err("RIFF size 0 + 8 but the file has 844 bytes".into()), 2, 100).is_err());
    assert!(judge_export(&segfault, done, file(100), 2, 100).is_err(), "another signal");
    assert!(judge_export(&failed, done, file(100), 2, 100).is_err(), "an exit code");
    assert!(judge_export(&exited, done, file(100), 1, 100).is_err(), "a channel count");
}

/// Every retry is counted: a test fails when more than one of its runs in
/// ten needed one, through the tally its `Ardour` keeps and checks when
/// dropped, unless it is the test binary's only retry; never because of the
/// tally when none did.
#[test]
fn a_test_fails_when_more_than_one_run_in_ten_needed_a_retry() {
    assert!(!too_many_retried(0, 0) && !too_many_retried(0, 3));
    assert!(!too_many_retried(1, 10) && !too_many_retried(2, 20));
    assert!(too_many_retried(1, 9) && too_many_retried(1, 2) && too_many_retried(3, 20));
    assert!(!fails_for_retries(1, 2, 1), "the binary's one retry is forgiven");
    assert!(fails_for_retries(1, 2, 2) && !fails_for_retries(1, 10, 5));
    // These pretend runs count on a counter of their own, not the binary's.
    static PRETEND: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let with = |runs: usize, retried: usize| {
        let ardour = Ardour::installed().counting_retries_on(&PRETEND);
        for run in 0..runs {
            ardour.record((run < retried).then(|| format!("pretend run {run}: killed by signal 6, then exit code 0")));
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(ardour))).is_ok()
    };
    assert!(with(2, 1), "one retried run in two passes when it is the binary's only retry");
    assert!(with(10, 1), "one retried run in ten passes");
    assert!(with(3, 0), "no retry passes");
    assert!(!with(9, 1), "one retried run in nine fails the test, the binary's third");
    assert!(!with(2, 1), "one retried run in two fails the test");
}

/// The float WAV files the harness writes read back unchanged, mono to quad
/// (WAVE_FORMAT_EXTENSIBLE above two channels), and a truncated one is refused.
#[test]
fn float_wav_files_round_trip_and_truncation_is_refused() {
    let dir = e2e::workspace().join("target/ardour-renders/wav-round-trip");
    std::fs::create_dir_all(&dir).unwrap();
    for channels in [1, 2, 4] {
        let signal = noise(channels, 1001, 3);
        let path = dir.join(format!("{channels}.wav"));
        wav::write(&path, RATE, &signal);
        let back = wav::read(&path).unwrap();
        assert_eq!((back.rate, back.channels.len()), (RATE, channels));
        e2e::assert_same(&back.channels, &signal, &format!("{channels} channels"));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
        assert!(wav::read(&path).is_err(), "{channels} channels, 4 bytes short");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A gain like the shipped WA Gain whose meters are parameters too: the
/// shipped plugins show them in their editor only (`meter_params` is off by
/// default), and a host that shows no editor, as Ardour headless, needs this.
const METERED_GAIN: &str = r#"
[defaults]
vendor = "Metered Audio"

[[plugins]]
name = "Metered Gain"
kind = "effect"
dsp = "gain"
channels = 2
latency_ms = 50
buffering = true
meter_params = true
"#;

/// The telemetry meters as an Ardour user reads them: a gain with
/// `meter_params = true` (L = 50 ms), built in a workspace of its own, plays
/// in real time while its DSP stalls for 60 ms every 400 ms, beyond the
/// 23.7 ms of headroom that 1024-frame cycles leave. Ardour must show
/// Underruns as a whole number of frames (a count played as silence: at
/// least one, no more than the frames played) on its plain 0 to 1,000,000
/// range, and Buffer fill in percent on 0 to 100, as the plugin describes
/// them; a meter read as its normalized value (a count of a few thousand
/// frames reads 0.00x) fails. The export made after (faster than real time,
/// so computed inline, stalls and all) still equals the DSP at offset 0.
#[test]
fn ardour_shows_the_meters_in_plain_units_underruns_in_frames_after_stalls_beyond_the_headroom() {
    let ardour = Ardour::installed();
    let dir = e2e::scratch_workspace("meters-in-ardour", METERED_GAIN);
    let bundles = dir.join("bundles");
    let config_path = dir.join("plugins.toml");
    let args = ["build", "--config", config_path.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    e2e::assert_success(&e2e::generator(&dir, &args), "generator build");
    let plugin = &generator::config::parse(METERED_GAIN).unwrap().plugins[0];
    assert!(plugin.editor.meter_params, "{}: its meters are parameters", plugin.name);
    assert!(plugin.buffering && latency_samples(plugin, f64::from(RATE)) == 2400, "it buffers at 50 ms");
    let bundle = bundles.join(format!("{}.vst3", plugin.name));
    let input = noise(plugin.channels, FRAMES, 29);
    let job = Job::new(&bundle, &plugin.name, plugin.channels, Input::Audio(&input), FRAMES);
    let played = ardour.play_then_export("meters-in-ardour", &job, &[("WRITEAHEAD_STALL", "dsp:60ms/400ms")], 2.0);
    if let Some(how) = &played.died_after_export {
        println!("note: ardour7-lua ended with {how} after writing a complete file");
    }
    assert!(played.rolled > 0, "the session did not play: nothing was measured");

    let underruns = played.meter("Underruns");
    assert_eq!((underruns.lower, underruns.upper), (0.0, 1_000_000.0), "Underruns' range in Ardour: {underruns:?}");
    assert!(
        underruns.value >= 1.0 && underruns.value.fract() == 0.0 && underruns.value <= played.rolled as f64,
        "after 60 ms stalls in {} frames of real-time play, Ardour shows Underruns = {} (want a whole number of \
         frames, at least 1)",
        played.rolled,
        underruns.value
    );
    let fill = played.meter("Buffer fill");
    assert_eq!((fill.lower, fill.upper), (0.0, 100.0), "Buffer fill's range in Ardour: {fill:?}");
    assert!(
        fill.value > 1.0 && fill.value <= 100.0,
        "Ardour shows Buffer fill = {} %: the worker's lead once caught up is several percent of the ring",
        fill.value
    );

    let want = reference(plugin, f64::from(RATE), &input, &[], FRAMES);
    compare(&plugin.name, &played.output, &want).unwrap_or_else(|e| panic!("the export after the stalls: {e}"));
    println!(
        "ok: {}: Ardour shows Underruns = {} frames and Buffer fill = {:.1} % after {} frames played with \
         60 ms stalls; the export after equals the DSP at offset 0",
        plugin.name, underruns.value, fill.value, played.rolled
    );
}

/// Tails are not cut: the shipped WA Delay (L = 100 ms, echoes every
/// 375 ms) plays a 0.25 s region of noise in a 1.5 s session. Ardour keeps
/// running the plugin after the region ends, so the export holds the echoes
/// that follow it, equal bit for bit to the DSP fed the noise and then
/// silence; a host that stopped processing at the region's end, or fed the
/// plugin anything but silence there, fails. (Ardour 7.3 does not read a
/// plugin's reported tail: it renders what the session range covers.)
#[test]
fn a_delays_echoes_after_its_region_ends_are_in_ardours_export() {
    let ardour = Ardour::installed();
    let plugin = shipped().plugins.iter().find(|p| p.dsp == Dsp::Delay).expect("a shipped delay");
    let region = RATE as usize / 4;
    let input = noise(plugin.channels, region, 31);
    let rendered = render(&ardour, plugin, Input::Audio(&input));
    let padded: Vec<Vec<f32>> = input.iter().map(|c| [c.clone(), vec![0.0; FRAMES - region]].concat()).collect();
    let want = reference(plugin, f64::from(RATE), &padded, &[], FRAMES);
    let echoes = want.iter().flat_map(|c| &c[region..]).fold(0.0_f32, |peak, x| peak.max(x.abs()));
    assert!(echoes > 0.05, "the delay rings after its input ends (peak {echoes}): the test measures something");
    compare(&plugin.name, &rendered.output, &want).unwrap_or_else(|e| panic!("the echoes after the region: {e}"));
    println!(
        "ok: {}: a {region}-frame region in a {FRAMES}-frame session; the echoes after it (peak {echoes:.3}) are in \
         the export, bit for bit",
        plugin.name
    );
}

/// Smoothing as an Ardour user meets it: the shipped WA Gain (L = 50 ms,
/// `smooth_ms = 20`) on a track playing 1.0, its gain automated from 0 dB
/// to -12 dB between frames 48000 and 48001. The export holds 0 dB, then a
/// ramp linear in decibels over exactly 960 frames (20 ms), then -12 dB:
/// no zipper, and no ramp stretched by the values Ardour sends again while
/// automation plays. Ardour hands a plugin its automation for the time the
/// plugin's output is heard, as it does positions (see the Tempo sync
/// section of the book's plugins.toml reference): the ramp starts at 48001 + L, not at 48001.
#[test]
fn an_automated_gain_step_in_ardour_ramps_over_smooth_ms() {
    const FRAMES: usize = 96_000;
    const STEP: usize = 48_001;
    let ardour = Ardour::installed();
    let plugin = shipped().plugins.iter().find(|p| p.name == "WA Gain").expect("the shipped WA Gain");
    let latency = latency_samples(plugin, f64::from(RATE));
    let ramp = (plugin.params[0].smooth_ms * f64::from(RATE) / 1000.0).round() as usize;
    assert_eq!((latency, ramp), (2400, 960), "WA Gain: 50 ms of latency, 20 ms of smoothing");
    let bundle = shipped().bundles.join(format!("{}.vst3", plugin.name));
    let input = vec![vec![1.0_f32; FRAMES]; plugin.channels];
    let points = [(0, 0.0), (STEP - 1, 0.0), (STEP, -12.0)];
    let job =
        Job { automation: &points, ..Job::new(&bundle, &plugin.name, plugin.channels, Input::Audio(&input), FRAMES) };
    let rendered = ardour.render("automation-in-ardour", &job);
    let start = STEP + latency;
    for (c, out) in rendered.output.iter().enumerate() {
        let db = |t: usize| 20.0 * f64::from(out[t]).log10();
        // Ardour's 0 dB reaches the plugin as a normalized value a hair off.
        let off = |t: usize, want: f64| (db(t) - want).abs() > 1e-4;
        if let Some(t) = (0..start).find(|&t| off(t, 0.0)) {
            panic!("channel {c}: {:.5} dB at frame {t}, before the ramp ({start}): want 0 dB", db(t));
        }
        for i in 0..ramp {
            let want = -12.0 * (i + 1) as f64 / ramp as f64;
            assert!(
                !off(start + i, want),
                "channel {c}: {:.5} dB at ramp frame {i} ({}), want {want:.5}",
                db(start + i),
                start + i
            );
        }
        if let Some(t) = (start + ramp..FRAMES).find(|&t| off(t, -12.0)) {
            panic!("channel {c}: {:.5} dB at frame {t}, after the ramp: want -12 dB", db(t));
        }
    }
    println!(
        "ok: {}: an automated step to -12 dB at frame {STEP} ramps linearly in dB over {ramp} frames from frame \
         {start} (step + L)",
        plugin.name
    );
}
