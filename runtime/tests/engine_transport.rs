//! Contract point 10: the host's transport reaches the processor with the
//! audio it belongs to. A tempo change, a jump and a stop reported at input
//! frames k land at output frames k + L, in every mode, for any block cutting,
//! buffered exactly as unbuffered delayed by L.

mod common;

use common::processors::TransportProbe;
use common::{blocks, noise};
use runtime::engine::{
    Engine, EngineConfig, PositionReference, ProcessMode, ProcessSetup, Processor, SliceBuffers, TimeSignature,
    Transport,
};

const RATE: f64 = 48_000.0;
const FRAMES: usize = 30_000;
/// Where the host's timeline changes: 120 to 90 BPM, a jump back, a stop.
const TEMPO_AT: usize = 7_777;
const JUMP_AT: usize = 15_555;
const STOP_AT: usize = 23_333;

/// One stretch of the host's timeline: from input frame `from`, playing (or
/// stopped) at `tempo`, starting at project time `samples` and `beats`.
#[derive(Clone, Copy)]
struct Segment {
    from: usize,
    playing: bool,
    tempo: f64,
    samples: i64,
    beats: f64,
}

/// The host's timeline: 120 BPM from bar 2, 90 BPM from `TEMPO_AT`, a jump to
/// beat 45 (project time 10 s) at `JUMP_AT`, stopped from `STOP_AT`.
fn timeline() -> Vec<Segment> {
    let first = Segment { from: 0, playing: true, tempo: 120.0, samples: 96_000, beats: 4.0 };
    let slower = Segment { from: TEMPO_AT, tempo: 90.0, ..continued(&first, TEMPO_AT) };
    let jumped = Segment { from: JUMP_AT, playing: true, tempo: 90.0, samples: 480_000, beats: 45.0 };
    let stopped = Segment { from: STOP_AT, playing: false, ..continued(&jumped, STOP_AT) };
    vec![first, slower, jumped, stopped]
}

/// `segment` carried on to frame `at`, as the host computes it.
fn continued(segment: &Segment, at: usize) -> Segment {
    let elapsed = if segment.playing { at - segment.from } else { 0 };
    Segment {
        from: at,
        samples: segment.samples + elapsed as i64,
        // The host's own arithmetic, not the engine's.
        beats: segment.beats + elapsed as f64 / RATE * segment.tempo / 60.0,
        ..*segment
    }
}

/// What the host reports for input frame `t`.
fn report(timeline: &[Segment], t: usize) -> Transport {
    let segment = timeline.iter().rev().find(|s| s.from <= t).unwrap();
    let now = continued(segment, t);
    Transport {
        playing: now.playing,
        tempo: Some(now.tempo),
        time_signature: Some(TimeSignature { numerator: 4, denominator: 4 }),
        position_samples: Some(now.samples),
        position_beats: Some(now.beats),
        bar_start_beats: Some((now.beats / 4.0).floor() * 4.0),
        ..Transport::default()
    }
}

/// Block sizes from `sizes`, cut so that every change of the timeline starts a
/// block (a VST3 host reports its context once per block).
fn host_blocks(seed: u64, sizes: std::ops::RangeInclusive<usize>) -> Vec<usize> {
    cut_at_changes(&blocks(FRAMES, seed, sizes))
}

/// `sizes` with every block that holds a change of the timeline cut there.
fn cut_at_changes(sizes: &[usize]) -> Vec<usize> {
    let mut cut = Vec::new();
    let mut start = 0;
    for &size in sizes {
        let mut left = size;
        for change in [TEMPO_AT, JUMP_AT, STOP_AT] {
            if (start + 1..start + size).contains(&change) {
                let before = change - (start + size - left);
                cut.push(before);
                left -= before;
            }
        }
        cut.push(left);
        start += size;
    }
    cut
}

/// How the host reports: with every block, or only where its timeline changes
/// (and at the start), leaving the engine to carry the rest.
#[derive(Clone, Copy, Debug)]
enum Reports {
    EveryBlock,
    OnlyChanges,
}

fn engine<P: Processor>(processor: P, buffering: bool, channels: usize) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 1024, channels }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Plays `input` through `engine` in `sizes`, with the host's report for each
/// block's first frame as `reports` says, in `mode(i)` for block `i`.
fn play<P: Processor>(
    engine: &mut Engine<P>,
    input: &[Vec<f32>],
    sizes: &[usize],
    reports: Reports,
    mut mode: impl FnMut(usize) -> ProcessMode,
) -> Vec<Vec<f32>> {
    let timeline = timeline();
    let mut output = vec![vec![0.0_f32; FRAMES]; input.len()];
    let mut start = 0;
    for (i, &len) in sizes.iter().enumerate() {
        let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
        let host = report(&timeline, start);
        let send = match reports {
            Reports::EveryBlock => true,
            Reports::OnlyChanges => timeline.iter().any(|s| s.from == start),
        };
        engine.process_with_transport(mode(i), &ins, &mut outs, &[], send.then_some(&host)).unwrap();
        start += len;
    }
    output
}

/// Asserts that output frame `t + latency` shows what the host reported for
/// input frame `t`: its project time and tempo exactly, its musical positions
/// to f32 precision.
fn assert_probe_shows_the_host(output: &[Vec<f32>], latency: usize, what: &str) {
    let timeline = timeline();
    for t in 0..FRAMES - latency {
        let host = report(&timeline, t);
        let got = |channel: usize| output[channel][t + latency];
        let tempo = host.tempo.unwrap() as f32;
        assert_eq!(got(0), host.position_samples.unwrap() as f32, "{what}: project time of input frame {t}");
        assert_eq!(got(1), if host.playing { tempo } else { -tempo }, "{what}: tempo of input frame {t}");
        let beats = host.position_beats.unwrap();
        assert!((f64::from(got(2)) - beats).abs() < 1e-5, "{what}: frame {t} at beat {} not {beats}", got(2));
        assert_eq!(got(3), host.bar_start_beats.unwrap() as f32, "{what}: bar of input frame {t}");
    }
}

#[test]
fn tempo_change_jump_and_stop_at_k_reach_the_dsp_at_k_plus_latency_in_every_mode() {
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    type Modes = fn(usize) -> ProcessMode;
    let modes: [(&str, Modes); 4] = [
        ("offline", |_| ProcessMode::Offline),
        ("prefetch", |_| ProcessMode::Prefetch),
        ("realtime", |_| ProcessMode::Realtime),
        ("switching", |i| [ProcessMode::Realtime, ProcessMode::Offline, ProcessMode::Prefetch][i % 3]),
    ];
    for (seed, (name, mode)) in modes.into_iter().enumerate() {
        for reports in [Reports::EveryBlock, Reports::OnlyChanges] {
            let mut unbuffered = engine(TransportProbe, false, 4);
            let sizes = host_blocks(seed as u64, 1..=700);
            let reference = play(&mut unbuffered, &input, &sizes, reports, mode);
            assert_probe_shows_the_host(&reference, 0, &format!("unbuffered {name} {reports:?}"));

            let mut buffered = engine(TransportProbe, true, 4);
            let latency = buffered.latency_samples();
            assert_eq!(latency, 2400);
            let sizes = host_blocks(seed as u64 + 10, 0..=3000);
            let output = play(&mut buffered, &input, &sizes, reports, mode);
            let what = format!("buffered {name} {reports:?}");
            assert_probe_shows_the_host(&output, latency, &what);
            // The changes themselves, at the frames a user would look at.
            assert_eq!((output[1][TEMPO_AT + latency - 1], output[1][TEMPO_AT + latency]), (120.0, 90.0), "{what}");
            assert_eq!(output[0][JUMP_AT + latency], 480_000.0, "{what}: the jump lands at k + L");
            assert_eq!(output[2][JUMP_AT + latency], 45.0, "{what}");
            assert_eq!((output[1][STOP_AT + latency - 1], output[1][STOP_AT + latency]), (90.0, -90.0), "{what}");
            assert_eq!(output[0][STOP_AT + latency], output[0][FRAMES - 1], "{what}: stopped, time holds");
            assert_eq!(buffered.stats().dropped_events, 0, "{what}");
        }
    }
}

#[test]
fn buffered_is_unbuffered_delayed_bit_for_bit_whatever_the_host_and_engine_blocks() {
    // The unbuffered reference hears every block's report in blocks of up to
    // 700; the buffered runs hear only the changes, or every block, in other
    // blocks (and the engine cuts its own chunks): the same bits, L later.
    let input = noise(4, FRAMES, 3);
    let mut unbuffered = engine(TransportProbe, false, 4);
    let reference =
        play(&mut unbuffered, &input, &host_blocks(1, 1..=700), Reports::EveryBlock, |_| ProcessMode::Offline);
    for (seed, reports) in [(2, Reports::OnlyChanges), (3, Reports::EveryBlock), (4, Reports::OnlyChanges)] {
        let mut buffered = engine(TransportProbe, true, 4);
        let latency = buffered.latency_samples();
        let sizes = host_blocks(seed, 0..=4096);
        let output = play(&mut buffered, &input, &sizes, reports, |i| {
            if i % 2 == 0 { ProcessMode::Realtime } else { ProcessMode::Offline }
        });
        common::assert_delayed_copy(&output, &reference, latency, &format!("{reports:?}, seed {seed}"));
    }
}

#[test]
fn a_report_in_an_empty_block_applies_from_the_next_frame() {
    // The change comes in a zero-frame call just before frame TEMPO_AT.
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    let timeline = timeline();
    for buffering in [false, true] {
        let mut engine = engine(TransportProbe, buffering, 4);
        let latency = engine.latency_samples();
        let mut output = vec![vec![0.0_f32; FRAMES]; 4];
        for (start, len) in [(0, TEMPO_AT), (TEMPO_AT, 0), (TEMPO_AT, FRAMES - TEMPO_AT)] {
            let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
            let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
            let host = report(&timeline, start);
            let send = len == 0 || start == 0;
            engine.process_with_transport(ProcessMode::Offline, &ins, &mut outs, &[], send.then_some(&host)).unwrap();
        }
        assert_eq!(output[1][TEMPO_AT + latency - 1], 120.0, "buffering {buffering}");
        assert_eq!(output[1][TEMPO_AT + latency], 90.0, "buffering {buffering}");
    }
}

#[test]
fn a_restart_keeps_the_transport_and_the_next_report_applies_at_its_frame() {
    // A host restarting playback (setProcessing) mid-stream, with reports only
    // where its timeline changes: the L frames after it are silence, then the
    // probe shows the transport of the input frames from the restart on.
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    let sizes = host_blocks(7, 100..=900);
    let restart_at = sizes
        .iter()
        .scan(0, |at, n| {
            *at += n;
            Some(*at)
        })
        .find(|at| *at > 10_000)
        .unwrap();
    let mut buffered = engine(TransportProbe, true, 4);
    let latency = buffered.latency_samples();
    let timeline = timeline();
    let mut output = vec![vec![0.0_f32; FRAMES]; 4];
    let mut start = 0;
    for &len in &sizes {
        if start == restart_at {
            buffered.restart();
        }
        let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
        let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
        let host = report(&timeline, start);
        let send = timeline.iter().any(|s| s.from == start);
        buffered.process_with_transport(ProcessMode::Realtime, &ins, &mut outs, &[], send.then_some(&host)).unwrap();
        start += len;
    }
    assert!(output[0][restart_at..restart_at + latency].iter().all(|s| *s == 0.0), "silence after the restart");
    for t in restart_at..FRAMES - latency {
        let host = report(&timeline, t);
        assert_eq!(output[0][t + latency], host.position_samples.unwrap() as f32, "input frame {t}");
        assert_eq!(output[1][t + latency].abs(), host.tempo.unwrap() as f32, "input frame {t}");
    }
}

#[test]
fn a_full_report_queue_drops_reports_counted_and_a_later_one_puts_it_right() {
    // 600 zero-frame calls at input frame 5000, each with a different position:
    // nothing can take them off the queue before frame 5000's input is
    // queued, so the queue fills (it holds 512) whatever the worker does, and
    // the rest, and the next block's report, are dropped and counted. The
    // probe shows the host's timeline before them, and again from the first
    // block whose report finds room: by the time the input reaches 5000 + L at
    // the latest (the pipeline has then taken every report up to 5000).
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    let timeline = timeline();
    let flood_at = 5000;
    for mode in [ProcessMode::Realtime, ProcessMode::Offline] {
        let mut buffered = engine(TransportProbe, true, 4);
        let latency = buffered.latency_samples();
        let mut output = vec![vec![0.0_f32; FRAMES]; 4];
        let mut start = 0;
        for len in cut_at_changes(&[500; FRAMES / 500]) {
            if start == flood_at {
                for k in 0..600 {
                    let bogus = Transport { position_samples: Some(-k), ..report(&timeline, start) };
                    let mut empty: [&mut [f32]; 4] = Default::default();
                    buffered.process_with_transport(mode, &[], &mut empty, &[], Some(&bogus)).unwrap();
                }
            }
            let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
            let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
            let host = report(&timeline, start);
            buffered.process_with_transport(mode, &ins, &mut outs, &[], Some(&host)).unwrap();
            start += len;
        }
        assert!(buffered.stats().dropped_events >= 89, "{mode:?}: {:?}", buffered.stats());
        for t in (0..flood_at).chain(flood_at + latency + 500..FRAMES - latency) {
            let host = report(&timeline, t);
            assert_eq!(output[0][t + latency], host.position_samples.unwrap() as f32, "{mode:?}: input frame {t}");
        }
    }
}

#[test]
fn a_host_that_reports_the_outputs_position_gets_it_moved_to_the_inputs_by_the_latency() {
    // Ardour's convention: the report with each block is the position where
    // that block's output is heard, L behind its input. With
    // `PositionReference::Output` the probe shows, L frames after input frame
    // t, the host's timeline at t itself (as for any other host); taken as
    // they come, the same reports put it L behind. Stopped, every frame has
    // the same position: nothing moves.
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    let playing = timeline()[0];
    for (stopped, moved) in [(false, true), (false, false), (true, true)] {
        let mut buffered = engine(TransportProbe, true, 4);
        let latency = buffered.latency_samples();
        if moved {
            buffered.set_position_reference(PositionReference::Output);
        }
        let segment = Segment { playing: !stopped, ..playing };
        let heard = |t: usize| {
            // Where the host is at input frame t, and what it reports with it.
            let at = report(&[segment], t);
            let back = |beats: f64| beats - latency as f64 * segment.tempo / (60.0 * RATE);
            let reported_beats = if stopped { at.position_beats } else { at.position_beats.map(back) };
            let reported = Transport {
                position_samples: at.position_samples.map(|p| if stopped { p } else { p - latency as i64 }),
                position_beats: reported_beats,
                bar_start_beats: reported_beats.map(|b| (b / 4.0).floor() * 4.0),
                ..at
            };
            (at, reported)
        };
        let mut output = vec![vec![0.0_f32; FRAMES]; 4];
        let mut start = 0;
        for len in blocks(FRAMES, 31, 1..=1024) {
            let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
            let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
            let (_, reported) = heard(start);
            buffered.process_with_transport(ProcessMode::Realtime, &ins, &mut outs, &[], Some(&reported)).unwrap();
            start += len;
        }
        let what = format!("stopped {stopped}, moved {moved}");
        for t in 0..FRAMES - latency {
            let (at, reported) = heard(t);
            let want = if moved { at } else { reported };
            assert_eq!(output[0][t + latency], want.position_samples.unwrap() as f32, "{what}: input frame {t}");
            let beats = want.position_beats.unwrap();
            assert!((f64::from(output[2][t + latency]) - beats).abs() < 1e-5, "{what}: input frame {t}");
            // The bar's start (on a bar line, rounding may give either side).
            let bar = want.bar_start_beats.unwrap();
            if (beats - (beats / 4.0).round() * 4.0).abs() < 1e-9 {
                continue;
            }
            let shown = f64::from(output[3][t + latency]);
            assert!(
                (shown - bar).abs() <= 4.0 * f64::from(f32::EPSILON) * bar,
                "{what}: frame {t}: bar {shown}, not {bar}"
            );
        }
        if !stopped {
            // 2400 frames ahead of the reports: a tenth of a quarter note at 120 BPM.
            let shown = output[0][10_000 + latency] as i64;
            assert_eq!(shown - heard(10_000).1.position_samples.unwrap(), if moved { 2400 } else { 0 }, "{what}");
        }
    }
}

#[test]
fn reports_inside_a_block_apply_from_their_own_frame() {
    // A host that does not cut its blocks where its timeline changes, and
    // reports each change at its frame inside the block (as CLAP's transport
    // events may), besides the report for the block's first frame: the same
    // as blocks cut there, in every mode.
    let input = vec![vec![0.0_f32; FRAMES]; 4];
    let timeline = timeline();
    let changes = [TEMPO_AT, JUMP_AT, STOP_AT];
    for (seed, buffering) in [(41, false), (42, true), (43, true)] {
        let mut engine = engine(TransportProbe, buffering, 4);
        let latency = engine.latency_samples();
        let mut output = vec![vec![0.0_f32; FRAMES]; 4];
        let mut start = 0;
        for (i, len) in blocks(FRAMES, seed, 0..=3000).into_iter().enumerate() {
            let mut reports = vec![(0, report(&timeline, start))];
            reports.extend(
                changes.iter().filter(|&&c| c > start && c < start + len).map(|&c| (c - start, report(&timeline, c))),
            );
            let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
            let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
            let mut buffers = SliceBuffers::new(4, &ins, &mut outs).unwrap();
            let mode = if i % 3 == 0 { ProcessMode::Offline } else { ProcessMode::Realtime };
            engine.process_buffers_with_transports(mode, &mut buffers, &[], &reports).unwrap();
            start += len;
        }
        assert_probe_shows_the_host(&output, latency, &format!("buffering {buffering}, reports inside blocks"));
    }
}
