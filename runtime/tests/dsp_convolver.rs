//! The convolver (`runtime::dsp::convolver`): its output against a direct
//! convolution in f64, buffered against unbuffered through the engine, the
//! routing of mono, stereo and true-stereo responses, the switch to a loaded
//! response (crossfaded, without allocating), non-finite input, and the tail.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assert_no_alloc::{AllocDisabler, assert_no_alloc, reset_violation_count, violation_count};
use runtime::dsp::convolver::{
    Convolution, Convolver, GAIN_DB, ImpulseResponse, IrError, MIX, PARAMS, Planar, Scheme, encode_wav_f32, plan,
    reverb,
};
use runtime::engine::{AudioBlock, Engine, EngineConfig, EventKind, ProcessMode, ProcessSetup, Processor, Tail};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

const RATE: f64 = 48_000.0;

/// Deterministic noise in [-1, 1).
fn noise(frames: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..frames)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// A decaying noise response of `len` taps.
fn response(len: usize, seed: u64) -> Vec<f32> {
    let decay = -5.0 / len as f32;
    noise(len, seed).into_iter().enumerate().map(|(i, s)| s * (decay * i as f32).exp()).collect()
}

/// Block sizes from `sizes` until `total` frames are covered.
fn blocks(total: usize, seed: u64, sizes: std::ops::RangeInclusive<usize>) -> Vec<usize> {
    let mut state = seed.wrapping_add(0x2545_F491_4F6C_DD1D);
    let (mut out, mut covered) = (Vec::new(), 0);
    let span = (sizes.end() - sizes.start() + 1) as u64;
    while covered < total {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let size = (sizes.start() + ((state >> 33) % span) as usize).min(total - covered);
        out.push(size);
        covered += size;
    }
    out
}

/// `input * response`, the first `frames` frames, in f64 (skipping zeros of
/// the input, so sparse inputs cost little).
fn direct(response: &[f32], input: &[f32], frames: usize) -> Vec<f64> {
    let mut out = vec![0.0_f64; frames];
    for (j, x) in input.iter().enumerate().filter(|(_, x)| **x != 0.0) {
        let x = f64::from(*x);
        for (o, h) in out[j.min(frames)..].iter_mut().zip(response) {
            *o += x * f64::from(*h);
        }
    }
    out
}

/// RMS of `a - b` over RMS of `b`.
fn relative_rms(a: &[f32], b: &[f64]) -> f64 {
    let err: f64 = a.iter().zip(b).map(|(a, b)| (f64::from(*a) - b).powi(2)).sum();
    let norm: f64 = b.iter().map(|b| b * b).sum();
    (err / norm).sqrt()
}

/// Runs a mono `Convolution` over `input` (padded with silence to `frames`)
/// in blocks of `block` frames; the output delayed back by its latency.
fn convolve(response: &[f32], scheme: Scheme, input: &[f32], frames: usize, block: usize) -> Vec<f32> {
    let sizes = blocks(frames + scheme.latency, 0, block..=block);
    convolve_in(response, scheme, input, frames, &sizes)
}

/// [`convolve`] in blocks of the given sizes (covering at least `frames` plus
/// the latency).
fn convolve_in(response: &[f32], scheme: Scheme, input: &[f32], frames: usize, sizes: &[usize]) -> Vec<f32> {
    let mut convolution = Convolution::new(&[response.to_vec()], 1, scheme);
    let latency = convolution.latency();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let (mut inp, mut out) = (Planar::new(1, largest), Planar::new(1, largest));
    let mut result = Vec::with_capacity(frames + latency);
    let mut at = 0;
    for &n in sizes {
        for (i, s) in inp.channel_mut(0)[..n].iter_mut().enumerate() {
            *s = input.get(at + i).copied().unwrap_or(0.0);
        }
        convolution.process(&inp, &mut out, n);
        result.extend_from_slice(&out.channel(0)[..n]);
        at += n;
    }
    let mut delayed = result.split_off(latency);
    delayed.truncate(frames);
    delayed
}

fn schemes() -> [Scheme; 3] {
    [Scheme::zero_latency(), Scheme::buffered(128), Scheme::buffered(1024)]
}

#[test]
fn short_responses_match_a_direct_convolution() {
    for len in [1, 2, 63, 64, 65, 127, 1000, 4097] {
        let h = response(len, len as u64);
        let input = noise(3000, 7);
        let frames = input.len() + len;
        let expect = direct(&h, &input, frames);
        for scheme in schemes() {
            let out = convolve(&h, scheme, &input, frames, 333);
            let err = relative_rms(&out, &expect);
            assert!(err < 1e-6, "{len} taps, {scheme:?}: relative RMS error {err:e}");
        }
    }
}

/// Long responses, up to 10 s: a sparse input (bursts and single frames
/// spread over the first second) keeps the f64 reference cheap while every
/// partition of every stage still meets signal.
#[test]
fn long_responses_match_a_direct_convolution() {
    let mut input = vec![0.0_f32; 48_000];
    for (burst, at) in [0, 1000, 5000, 12_345, 30_000, 47_000].into_iter().enumerate() {
        input[at..at + 64].copy_from_slice(&noise(64, burst as u64 + 1));
    }
    for at in [777, 20_000, 40_001] {
        input[at] = 0.9;
    }
    for seconds in [0.42, 2.0, 10.0] {
        let len = (seconds * RATE) as usize;
        let h = response(len, 3);
        let frames = input.len() + len;
        let expect = direct(&h, &input, frames);
        for scheme in [Scheme::zero_latency(), Scheme::buffered(512)] {
            let out = convolve(&h, scheme, &input, frames, 4096);
            let err = relative_rms(&out, &expect);
            assert!(err < 1e-6, "{seconds} s, {scheme:?}: relative RMS error {err:e}");
        }
    }
}

fn setup(channels: usize, max_block: usize) -> ProcessSetup {
    ProcessSetup { sample_rate: RATE, max_block, channels }
}

/// An active engine running `processor`, buffered (L = 50 ms) or inline.
fn engine<P: Processor>(processor: P, buffering: bool, channels: usize, max_block: usize) -> Engine<P> {
    let mut engine = Engine::new(processor, EngineConfig { buffering, ..EngineConfig::default() });
    engine.setup(setup(channels, max_block)).expect("a valid setup");
    engine.activate().expect("the engine activates");
    engine
}

/// Runs `engine` over planar `input` in host blocks of the given sizes.
fn render<P: Processor>(
    engine: &mut Engine<P>,
    mode: ProcessMode,
    input: &[Vec<f32>],
    sizes: &[usize],
) -> Vec<Vec<f32>> {
    let mut out: Vec<Vec<f32>> = input.iter().map(|c| vec![0.0; c.len()]).collect();
    let mut at = 0;
    for &n in sizes {
        let ins: Vec<&[f32]> = input.iter().map(|c| &c[at..at + n]).collect();
        let mut outs: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[at..at + n]).collect();
        engine.process(mode, &ins, &mut outs, &[]).expect("the engine processes");
        at += n;
    }
    out
}

fn stereo_hall(seconds: f64) -> ImpulseResponse {
    let len = (seconds * RATE) as usize;
    ImpulseResponse::new(RATE, vec![response(len, 1), response(len, 2)]).unwrap()
}

#[test]
fn any_block_sizes_give_the_same_samples() {
    let input = vec![noise(40_000, 3), noise(40_000, 4)];
    let inline = |sizes: &[usize]| {
        let (convolver, _) = Convolver::new(PARAMS, stereo_hall(0.2));
        render(&mut engine(convolver, false, 2, 8192), ProcessMode::Realtime, &input, sizes)
    };
    let whole = inline(&blocks(40_000, 0, 8192..=8192));
    for (seed, sizes) in [(1, 0..=8192), (2, 0..=17), (3, 1000..=1100)] {
        assert!(inline(&blocks(40_000, seed, sizes.clone())) == whole, "inline, blocks {sizes:?}");
    }
    // The partitions alone, buffered schemes too.
    let h = response(9000, 5);
    for scheme in schemes() {
        let one = convolve_in(&h, scheme, &input[0], 30_000, &blocks(40_000, 0, 4096..=4096));
        for (seed, sizes) in [(4, 0..=4096), (5, 1..=3)] {
            let cut = convolve_in(&h, scheme, &input[0], 30_000, &blocks(40_000, seed, sizes.clone()));
            assert!(cut == one, "{scheme:?}, blocks {sizes:?}");
        }
    }
}

/// A convolver that tells what the engine offered it and what it took.
struct Probe {
    inner: Convolver,
    offered: Arc<AtomicUsize>,
    latency: Arc<AtomicUsize>,
}

impl Processor for Probe {
    fn take_latency_budget(&mut self, frames: usize) -> usize {
        self.offered.store(frames, Ordering::Relaxed);
        self.inner.take_latency_budget(frames)
    }
    fn prepare(&mut self, setup: &ProcessSetup) {
        self.inner.prepare(setup);
        self.latency.store(self.inner.latency(), Ordering::Relaxed);
    }
    fn process(&mut self, audio: &mut AudioBlock<'_, '_>) {
        self.inner.process(audio);
    }
    fn event(&mut self, event: &EventKind) {
        self.inner.event(event);
    }
    fn reset(&mut self) {
        self.inner.reset();
    }
    fn latency(&self) -> usize {
        self.inner.latency()
    }
    fn tail(&self) -> Tail {
        self.inner.tail()
    }
}

/// Contract points 1 and 15: buffered, the convolver takes a first partition
/// from the latency budget, the host is still told exactly L, and the output
/// is the inline (zero-latency) output delayed by L, within float rounding,
/// in offline and unpaced real-time runs, with host blocks of 0 to 8192
/// frames. The mix of 0.5 brings in the dry path, delayed inside like the wet.
#[test]
fn buffered_output_is_the_inline_output_delayed_by_the_latency() {
    const L: usize = 2400;
    let frames = 60_000;
    let input = vec![noise(frames - 20_000, 8), noise(frames - 20_000, 9)];
    let input: Vec<Vec<f32>> = input
        .into_iter()
        .map(|mut c| {
            c.resize(frames, 0.0);
            c
        })
        .collect();
    for mix in [1.0, 0.5] {
        let make = || {
            let (mut inner, _) = Convolver::new(PARAMS, stereo_hall(0.3));
            inner.event(&EventKind::Param { id: MIX, value: mix });
            let (offered, latency) = (Arc::new(AtomicUsize::new(usize::MAX)), Arc::new(AtomicUsize::new(usize::MAX)));
            (Probe { inner, offered: Arc::clone(&offered), latency: Arc::clone(&latency) }, offered, latency)
        };
        let (probe, offered, latency) = make();
        let mut inline = engine(probe, false, 2, 512);
        assert_eq!(
            (inline.latency_samples(), offered.load(Ordering::Relaxed), latency.load(Ordering::Relaxed)),
            (0, 0, 0)
        );
        let reference = render(&mut inline, ProcessMode::Realtime, &input, &blocks(frames, 1, 0..=8192));
        for (mode, seed) in [(ProcessMode::Offline, 2), (ProcessMode::Realtime, 3)] {
            let (probe, offered, latency) = make();
            let mut buffered = engine(probe, true, 2, 512);
            // 2400 - 512 (host block) - 240 (tick, L / 10) = 1648 offered; 512 taken.
            assert_eq!(buffered.latency_samples(), L, "the host hears L");
            assert_eq!((offered.load(Ordering::Relaxed), latency.load(Ordering::Relaxed)), (1648, 512));
            let out = render(&mut buffered, mode, &input, &blocks(frames, seed, 0..=8192));
            for (channel, (out, reference)) in out.iter().zip(&reference).enumerate() {
                assert!(out[..L].iter().all(|s| *s == 0.0), "silence before L");
                let expect: Vec<f64> = reference[..frames - L].iter().map(|s| f64::from(*s)).collect();
                let err = relative_rms(&out[L..], &expect);
                assert!(err < 1e-6, "mix {mix}, {mode:?}, channel {channel}: relative RMS error {err:e}");
            }
            assert_eq!(buffered.stats().underruns, 0);
        }
    }
}

/// A response of single taps: `(delay, gain)` per channel.
fn taps(channels: &[(usize, f32)]) -> ImpulseResponse {
    let len = channels.iter().map(|(d, _)| d + 1).max().unwrap();
    let planar = channels
        .iter()
        .map(|&(delay, gain)| {
            let mut c = vec![0.0; len];
            c[delay] = gain;
            c
        })
        .collect();
    ImpulseResponse::new(RATE, planar).unwrap()
}

/// Impulses into each channel in turn (channel `c` at frame `100 * c`), the
/// inline output.
fn impulse_response_of(response: ImpulseResponse, channels: usize) -> Vec<Vec<f32>> {
    let frames = 100 * channels + 100;
    let input: Vec<Vec<f32>> = (0..channels)
        .map(|c| {
            let mut x = vec![0.0; frames];
            x[100 * c] = 1.0;
            x
        })
        .collect();
    let (convolver, _) = Convolver::new(PARAMS, response);
    render(&mut engine(convolver, false, channels, 256), ProcessMode::Offline, &input, &[frames])
}

/// The non-zero samples of a channel, `(frame, value)`.
fn peaks(channel: &[f32]) -> Vec<(usize, f32)> {
    channel.iter().enumerate().filter(|(_, s)| s.abs() > 1e-6).map(|(i, s)| (i, (s * 1e4).round() / 1e4)).collect()
}

#[test]
fn mono_stereo_and_true_stereo_responses_are_routed_as_documented() {
    // Mono: every channel through the one response, on its own.
    let out = impulse_response_of(taps(&[(10, 0.5)]), 2);
    assert_eq!((peaks(&out[0]), peaks(&out[1])), (vec![(10, 0.5)], vec![(110, 0.5)]));
    // Stereo: channel 0 of the response on the left, 1 on the right.
    let out = impulse_response_of(taps(&[(10, 0.5), (20, 0.25)]), 2);
    assert_eq!((peaks(&out[0]), peaks(&out[1])), (vec![(10, 0.5)], vec![(120, 0.25)]));
    // True stereo, LL LR RL RR: left in -> left out via LL, right out via LR;
    // right in -> left out via RL, right out via RR.
    let ts = taps(&[(10, 1.0), (20, 0.5), (30, 0.25), (40, 0.125)]);
    let out = impulse_response_of(ts.clone(), 2);
    assert_eq!(peaks(&out[0]), vec![(10, 1.0), (130, 0.25)]);
    assert_eq!(peaks(&out[1]), vec![(20, 0.5), (140, 0.125)]);
    // One channel: the true stereo response folded, (LL + LR + RL + RR) / 2.
    let out = impulse_response_of(ts.clone(), 1);
    assert_eq!(peaks(&out[0]), vec![(10, 0.5), (20, 0.25), (30, 0.125), (40, 0.0625)]);
    // Three channels: a pair, then the lone third channel folded.
    let out = impulse_response_of(ts, 3);
    assert_eq!(peaks(&out[0]), vec![(10, 1.0), (130, 0.25)]);
    assert_eq!(peaks(&out[2]), vec![(210, 0.5), (220, 0.25), (230, 0.125), (240, 0.0625)]);
    let out = impulse_response_of(taps(&[(10, 0.5), (20, 0.25)]), 1);
    assert_eq!(peaks(&out[0]), vec![(10, 0.25), (20, 0.125)], "stereo folded: (c0 + c1) / 2");
}

/// Waits (processing blocks, so the switch can happen) until `done` says so.
fn play_until<P: Processor>(
    engine: &mut Engine<P>,
    input: &mut impl FnMut() -> Vec<Vec<f32>>,
    out: &mut [Vec<f32>],
    done: &mut dyn FnMut() -> bool,
) {
    for _ in 0..20_000 {
        if done() {
            return;
        }
        let block = input();
        let frames = block[0].len();
        let mut result = vec![vec![0.0_f32; frames]; block.len()];
        {
            let ins: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
            let mut outs: Vec<&mut [f32]> = result.iter_mut().map(Vec::as_mut_slice).collect();
            assert_no_alloc(|| engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap());
        }
        for (all, new) in out.iter_mut().zip(result) {
            all.extend(new);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the loader never delivered");
}

/// Contract point 16: a response loaded while playing is prepared on the
/// loader's thread and switched to without allocating on the audio thread,
/// through a crossfade: from `x` to `-x` (a response of one tap of -1) the
/// output never jumps more than the sine itself does from sample to sample.
#[test]
fn a_loaded_response_crossfades_in_without_a_click_or_an_allocation() {
    let (convolver, loader) = Convolver::new(PARAMS, ImpulseResponse::identity(RATE));
    let mut engine = engine(convolver, false, 1, 256);
    let mut clock = 0_usize;
    let mut sine = move || {
        let block: Vec<f32> = (clock..clock + 256)
            .map(|i| (0.8 * (i as f64 * 2.0 * std::f64::consts::PI * 200.0 / RATE).sin()) as f32)
            .collect();
        clock += 256;
        vec![block]
    };
    let mut out = vec![Vec::new()];
    reset_violation_count();
    let mut blocks_played = 0;
    play_until(&mut engine, &mut sine, &mut out, &mut || {
        blocks_played += 1;
        blocks_played > 20
    });
    let number = loader.load(ImpulseResponse::new(RATE, vec![vec![-1.0]]).unwrap());
    play_until(&mut engine, &mut sine, &mut out, &mut || loader.status().playing == number);
    let switched = out[0].len();
    let mut more = 0;
    play_until(&mut engine, &mut sine, &mut out, &mut || {
        more += 1;
        more > 20
    });
    assert_eq!(violation_count(), 0, "the audio thread allocated");

    let out = &out[0];
    let x = |i: usize| (0.8 * (i as f64 * 2.0 * std::f64::consts::PI * 200.0 / RATE).sin()) as f32;
    let fade = (runtime::dsp::convolver::CROSSFADE_MS * RATE / 1000.0) as usize;
    // The switch starts at a block's start: the last block before `switched`.
    let start = switched - 256;
    assert!((0..start).all(|i| (out[i] - x(i)).abs() < 1e-6), "the old response until the switch");
    assert!((start + fade..out.len()).all(|i| (out[i] + x(i)).abs() < 1e-6), "the new one after the fade");
    let sine_step = 0.8 * 2.0 * std::f32::consts::PI * 200.0 / RATE as f32;
    let worst = out.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    assert!(worst < sine_step * 1.2, "largest jump {worst} against the sine's own {sine_step}");
    let status = loader.status();
    assert_eq!((status.requested, status.delivered, status.playing, status.error), (number, number, number, None));
}

/// Buffered, in real time and faster than real time (the audio thread then
/// runs the convolver itself to catch up), a switch allocates nothing on the
/// audio thread either.
#[test]
fn a_buffered_switch_does_not_allocate_on_the_audio_thread() {
    let (convolver, loader) = Convolver::new(PARAMS, stereo_hall(0.2));
    let mut engine = engine(convolver, true, 2, 512);
    let mut noise_blocks = (0..).map(|seed| vec![noise(300, seed), noise(300, seed + 1000)]);
    let mut input = move || noise_blocks.next().unwrap();
    let mut out = vec![Vec::new(), Vec::new()];
    reset_violation_count();
    let number = loader.load(stereo_hall(0.4));
    play_until(&mut engine, &mut input, &mut out, &mut || loader.status().playing == number);
    // Then much faster than real time: the audio thread catches up itself.
    let mut result = vec![vec![0.0_f32; 300]; 2];
    for _ in 0..200 {
        let block = input();
        let ins: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
        let mut outs: Vec<&mut [f32]> = result.iter_mut().map(Vec::as_mut_slice).collect();
        assert_no_alloc(|| engine.process(ProcessMode::Realtime, &ins, &mut outs, &[]).unwrap());
        for (all, new) in out.iter_mut().zip(&result) {
            all.extend_from_slice(new);
        }
    }
    assert_eq!(violation_count(), 0, "the audio thread allocated");
    assert!(out.iter().flatten().all(|s| s.is_finite()));
    assert!(engine.stats().catch_ups > 0, "the audio thread ran the convolver: {:?}", engine.stats());
    assert_eq!(engine.tail(), Tail::Frames(19_200 + 2400), "the new response's tail");
}

#[test]
fn files_load_and_failures_are_reported() {
    let (convolver, loader) = Convolver::new(PARAMS, ImpulseResponse::identity(RATE));
    let mut engine = engine(convolver, false, 2, 256);
    let mut silence = || vec![vec![0.0_f32; 256]; 2];
    let mut out = vec![Vec::new(), Vec::new()];
    let bad = loader.load_wav(b"RIFF----WAVEjunk".to_vec());
    play_until(&mut engine, &mut silence, &mut out, &mut || loader.status().error.is_some());
    assert_eq!(loader.status().error, Some(IrError::NotWav));
    assert_eq!(loader.status().playing, 0, "request {bad} never played");
    // A stereo file at 44.1 kHz: resampled on the loader's thread.
    let frames: Vec<f32> = (0..4410).flat_map(|i| [0.5 * (-(i as f32) / 500.0).exp(), 0.0]).collect();
    let good = loader.load_wav(encode_wav_f32(44_100, 2, &frames));
    play_until(&mut engine, &mut silence, &mut out, &mut || loader.status().playing == good);
    engine.process(ProcessMode::Realtime, &[&[0.0; 0], &[0.0; 0]], &mut [&mut [], &mut []], &[]).unwrap();
    assert_eq!(engine.tail(), Tail::Frames(4800), "4410 frames at 44.1 kHz are 4800 at 48 kHz");
}

/// A response loaded before the processor is prepared is the one in force
/// once it is.
#[test]
fn a_response_loaded_before_activation_is_used() {
    let (convolver, loader) = Convolver::new(PARAMS, ImpulseResponse::identity(RATE));
    let number = loader.load(taps(&[(5, 0.5)]));
    for _ in 0..10_000 {
        if loader.status().delivered == number {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut x = vec![0.0; 64];
    x[0] = 1.0;
    let out = render(&mut engine(convolver, false, 1, 64), ProcessMode::Offline, &[x], &[64]);
    assert_eq!(peaks(&out[0]), vec![(5, 0.5)]);
}

/// Contract point 11: NaN and infinity in, finite out, and nothing kept: the
/// output is what zeros in their place give.
#[test]
fn non_finite_input_leaves_no_trace() {
    let frames = 20_000;
    let clean = vec![noise(frames, 11), noise(frames, 12)];
    let mut dirty = clean.clone();
    let mut zeroed = clean.clone();
    for (i, bad) in [(100, f32::NAN), (5000, f32::INFINITY), (5001, f32::NEG_INFINITY), (12_345, f32::NAN)] {
        dirty[i % 2][i] = bad;
        zeroed[i % 2][i] = 0.0;
    }
    for buffering in [false, true] {
        let run = |input: &[Vec<f32>]| {
            let (convolver, _) = Convolver::new(PARAMS, stereo_hall(0.1));
            render(&mut engine(convolver, buffering, 2, 512), ProcessMode::Offline, input, &blocks(frames, 4, 0..=700))
        };
        let (out, expect) = (run(&dirty), run(&zeroed));
        assert!(out.iter().flatten().all(|s| s.is_finite()), "buffering {buffering}");
        assert!(out == expect, "buffering {buffering}: as if the bad samples were zeros");
    }
}

/// The reported tail is the response's length plus L (the engine adds L);
/// nothing but L while the mix is fully dry.
#[test]
fn the_tail_is_the_response_plus_the_latency() {
    for (buffering, latency) in [(false, 0), (true, 2400)] {
        let (convolver, _) = Convolver::new(PARAMS, stereo_hall(0.5));
        let mut engine = engine(convolver, buffering, 2, 512);
        assert_eq!(engine.tail(), Tail::Frames(24_000 + latency), "buffering {buffering}");
        engine.deactivate();
        engine.apply_while_inactive(&EventKind::Param { id: MIX, value: 0.0 });
        assert_eq!(engine.tail(), Tail::None.delayed_by(latency), "buffering {buffering}, dry");
    }
}

#[test]
fn mix_and_gain_set_the_levels() {
    let (mut convolver, _) = Convolver::new(PARAMS, taps(&[(0, 0.5)]));
    convolver.event(&EventKind::Param { id: MIX, value: 0.25 });
    convolver.event(&EventKind::Param { id: GAIN_DB, value: -6.0 });
    let out = render(&mut engine(convolver, false, 1, 64), ProcessMode::Offline, &[vec![1.0; 64]], &[64]);
    // (1 * 0.75 + 0.5 * 0.25) * 10^(-6/20)
    let expect = 0.875 * 10_f32.powf(-6.0 / 20.0);
    assert!(out[0].iter().all(|s| (s - expect).abs() < 1e-6), "{:?}", &out[0][..4]);
}

/// WA Reverb's generated response: stereo, 2.5 s, the same every time.
#[test]
fn the_generated_reverb_is_stereo_and_deterministic() {
    let ir = reverb::wa_reverb();
    assert_eq!((ir.channel_count(), ir.len(), ir.sample_rate()), (2, 120_000, 48_000.0));
    assert!(ir == reverb::wa_reverb());
    let buffered = Scheme::for_budget(1648);
    assert_eq!((buffered.first, buffered.latency), (512, 512));
    assert!(plan::Plan::new(buffered, ir.len(), plan::Shape { inputs: 2, outputs: 2, paths: 2 }).stages.len() > 1);
}

/// The shipped `irs/wa-reverb.wav` (plugins.toml's WA Reverb) is exactly what
/// `reverb::wav_bytes` makes (the example `wa_reverb_ir` writes it), so the
/// committed file is the generated response, byte for byte.
#[test]
fn the_shipped_wa_reverb_file_is_the_generated_response() {
    let shipped = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../irs/wa-reverb.wav")).unwrap();
    assert!(
        shipped == reverb::wav_bytes(),
        "irs/wa-reverb.wav differs: run `cargo run -p runtime --example wa_reverb_ir`"
    );
    assert_eq!(ImpulseResponse::from_wav(&shipped).unwrap(), reverb::wa_reverb());
}
