//! Contract points 3 and 4 under a real clock: a simulated audio device on its
//! own thread calls `process` once per block period, as a DAW does.
//!
//! These tests measure behaviour in real time, so they run one at a time.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::processors::{FeedbackFilter, Gate, GateControl};
use common::{assert_delayed_copy, blocks, noise, render};
use runtime::engine::{Engine, EngineConfig, EngineStats, ProcessMode, ProcessSetup, Processor, StallPlace, StallPlan};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const RATE: f64 = 48_000.0;
const RATES: [f64; 5] = [44_100.0, 48_000.0, 88_200.0, 96_000.0, 192_000.0];

fn engine<P: Processor>(processor: P, config: EngineConfig, channels: usize) -> Engine<P> {
    engine_at(processor, config, channels, RATE)
}

fn engine_at<P: Processor>(processor: P, config: EngineConfig, channels: usize, rate: f64) -> Engine<P> {
    let mut engine = Engine::new(processor, config);
    engine.setup(ProcessSetup { sample_rate: rate, max_block: 1024, channels }).unwrap();
    engine.activate().unwrap();
    engine
}

/// Plays `input` through `engine` in realtime mode on a thread paced like an
/// audio device: block i is processed at its deadline, the sum of the previous
/// blocks' durations. `between(clock)` runs after each block on that thread.
fn play_paced<P: Processor>(
    rate: f64,
    mut engine: Engine<P>,
    input: Vec<Vec<f32>>,
    sizes: Vec<usize>,
    mut between: impl FnMut(u64) + Send + 'static,
) -> (Vec<Vec<f32>>, EngineStats) {
    std::thread::Builder::new()
        .name("simulated-audio-device".into())
        .spawn(move || {
            let frames: usize = sizes.iter().sum();
            let mut output = vec![vec![0.0_f32; frames]; input.len()];
            let started = Instant::now();
            let mut start = 0;
            for len in sizes {
                let deadline = started + Duration::from_secs_f64(start as f64 / rate);
                if let Some(wait) = deadline.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let ins: Vec<&[f32]> = input.iter().map(|c| &c[start..start + len]).collect();
                let mut outs: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..start + len]).collect();
                engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap();
                start += len;
                between(start as u64);
            }
            let stats = engine.stats();
            (output, stats)
        })
        .unwrap()
        .join()
        .unwrap()
}

/// Every rate, mono and stereo, one second each, with 20 ms stalls every
/// 100 ms at `place`: bit-exact, no underrun, no catch-up.
fn stalled_run(place: StallPlace) {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (i, rate) in RATES.into_iter().enumerate() {
        for channels in [1, 2] {
            let frames = rate as usize;
            let input = noise(channels, frames, 21 + i as u64);
            let unbuffered_config = EngineConfig { buffering: false, ..Default::default() };
            let mut unbuffered = engine_at(FeedbackFilter::default(), unbuffered_config, channels, rate);
            let reference = render(&mut unbuffered, &input, &[frames], |_| ProcessMode::Offline, |_, _| Vec::new());

            let stall = StallPlan { place, pause: Duration::from_millis(20), every: Duration::from_millis(100) };
            let config = EngineConfig { stall: Some(stall), ..Default::default() };
            let buffered = engine_at(FeedbackFilter::default(), config, channels, rate);
            let latency = buffered.latency_samples();
            let (output, stats) = play_paced(rate, buffered, input, blocks(frames, 5 + i as u64, 32..=1024), |_| {});
            let what = format!("paced realtime, {place:?} stalls, {rate} Hz, {channels} ch");
            assert_delayed_copy(&output, &reference, latency, &what);
            assert_eq!(stats.underruns, 0, "{what}: {stats:?}");
            assert_eq!(stats.catch_ups, 0, "{what}: the buffer, not catch-up, must absorb the stalls: {stats:?}");
            assert!(stats.longest_stall >= Duration::from_millis(20), "{what}: the stalls happened: {stats:?}");
            assert!(stats.worst_lead > 0, "{what}: the worker stayed ahead: {stats:?}");
        }
    }
}

#[test]
fn stalls_in_the_worker_loop_are_absorbed_exactly() {
    stalled_run(StallPlace::WorkerLoop);
}

#[test]
fn stalls_inside_the_dsp_are_absorbed_exactly() {
    stalled_run(StallPlace::InsideDsp);
}

/// A processor stuck for longer than the headroom: exactly the frames that come
/// due while it is stuck are silent and counted, and every frame after it
/// recovers is exact.
#[test]
fn a_stall_beyond_the_headroom_silences_exactly_the_frames_due_meanwhile() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let frames = (RATE * 1.0) as usize;
    let input = noise(1, frames, 33);
    let control = Arc::new(GateControl::default());
    control.stick_at.store(12_000, Ordering::Release);
    control.armed.store(true, Ordering::Release);
    let config = EngineConfig { latency_ms: 20.0, ..Default::default() };
    let buffered = engine(Gate::new(Arc::clone(&control)), config, 1);
    let latency = buffered.latency_samples() as u64;
    let stats_handle = buffered.stats_handle();
    let released_at = Arc::new(Mutex::new(None::<u64>));
    let release_clock = Arc::clone(&released_at);
    let gate = Arc::clone(&control);
    let (output, stats) = play_paced(RATE, buffered, input.clone(), vec![256; frames / 256], move |clock| {
        // Hold the processor for 80 ms of host time after it got stuck (4x the
        // latency), then let it go and wait until its stuck chunk is out.
        if gate.stuck.load(Ordering::Acquire) {
            let stuck_at = gate.stuck_at.load(Ordering::Acquire);
            if clock >= stuck_at + latency + 3840 && !gate.released.load(Ordering::Acquire) {
                gate.released.store(true, Ordering::Release);
                *release_clock.lock().unwrap() = Some(clock);
                while stats_handle.stats().produced <= stuck_at {
                    std::thread::yield_now();
                }
            }
        }
    });
    let stuck_at = control.stuck_at.load(Ordering::Acquire);
    let released = released_at.lock().unwrap().expect("the gate was released");
    // Frames for input stuck_at.. come due at stuck_at + L; those due before the
    // release were not produced.
    let silent_from = (stuck_at + latency) as usize;
    let silent_to = released as usize;
    assert_eq!(stats.underruns, (silent_to - silent_from) as u64, "{stats:?}");
    for (t, sample) in output[0].iter().enumerate().skip(latency as usize) {
        let expected = if (silent_from..silent_to).contains(&t) { 0.0 } else { input[0][t - latency as usize] };
        assert_eq!(sample.to_bits(), expected.to_bits(), "frame {t} (silence expected in {silent_from}..{silent_to})");
    }
    assert!(stats.adjustments >= 1, "the worker dropped its late frames: {stats:?}");
}

/// Contract point 16 under a real clock: half a second into a paced
/// session, a buffered convolver (WA Reverb's kind: stereo, L = 50 ms,
/// 256-frame device blocks) is asked for another response, a 2 s stereo
/// WAVE file at 44.1 kHz. Reading, decoding, resampling and transforming it
/// happen on the loader's thread while the device keeps calling: no
/// underrun, no catch-up, and the convolver switches to it within the
/// session.
#[test]
fn an_impulse_response_loaded_while_playing_causes_no_underrun() {
    use runtime::dsp::convolver::{Convolver, ImpulseResponse, PARAMS, encode_wav_f32};
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let decaying = |seconds: f64, rate: f64, seed: u64| -> Vec<Vec<f32>> {
        let frames = (seconds * rate) as usize;
        noise(2, frames, seed)
            .into_iter()
            .map(|c| {
                c.into_iter().enumerate().map(|(i, s)| 0.05 * s * (-6.9 * i as f32 / frames as f32).exp()).collect()
            })
            .collect()
    };
    let playing = ImpulseResponse::new(RATE, decaying(0.5, RATE, 3)).unwrap();
    let next = decaying(2.0, 44_100.0, 4);
    let interleaved: Vec<f32> = (0..next[0].len()).flat_map(|i| [next[0][i], next[1][i]]).collect();
    let wav = encode_wav_f32(44_100, 2, &interleaved);

    let (processor, loader) = Convolver::new(PARAMS, playing);
    let mut engine = Engine::new(processor, EngineConfig::default());
    engine.setup(ProcessSetup { sample_rate: RATE, max_block: 256, channels: 2 }).unwrap();
    engine.activate().unwrap();
    let frames = 3 * RATE as usize;
    let input = noise(2, frames, 17);
    let clock = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let requester = {
        let (clock, loader) = (Arc::clone(&clock), loader.clone());
        std::thread::spawn(move || {
            while clock.load(Ordering::Acquire) < RATE as u64 / 2 {
                std::thread::sleep(Duration::from_millis(1));
            }
            loader.load_wav(wav)
        })
    };
    let device_clock = Arc::clone(&clock);
    let (output, stats) =
        play_paced(RATE, engine, input, vec![256; frames / 256], move |at| device_clock.store(at, Ordering::Release));
    let number = requester.join().unwrap();
    let status = loader.status();
    assert_eq!((status.error, status.playing), (None, number), "switched within the session: {status:?}");
    assert_eq!(stats.underruns, 0, "the load is a stall the device never hears: {stats:?}");
    assert_eq!(stats.catch_ups, 0, "{stats:?}");
    assert!(output.iter().flatten().all(|s| s.is_finite()));
    println!(
        "ok: a 2 s response loaded while playing: prepared in {:.0} ms off the device thread, 0 underruns",
        status.last_prepare.as_secs_f64() * 1000.0
    );
}
