//! What each built-in DSP kind sounds like: gains, filter responses, echo
//! positions, modulation depth, synth pitch, onset and release.

mod common;

use common::run_inline;
use runtime::dsp::{delay, filter, gain, synth, tremolo};
use runtime::engine::{EventKind, Processor};

const RATE: f64 = 48_000.0;

/// Runs `input` through `processor` inline with `params` set before the first
/// frame and `events` at their frames.
fn run<P: Processor>(
    processor: P,
    input: &[Vec<f32>],
    params: &[(u32, f64)],
    events: &[(usize, EventKind)],
) -> Vec<Vec<f32>> {
    run_inline(processor, input, params, events).0
}

fn sine(frequency: f64, frames: usize, amplitude: f32) -> Vec<f32> {
    (0..frames).map(|i| amplitude * (2.0 * std::f64::consts::PI * frequency * i as f64 / RATE).sin() as f32).collect()
}

fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
}

/// Gain in dB of `processor` for a sine at `frequency`, after settling.
fn response_db<P: Processor>(make: impl Fn() -> P, params: &[(u32, f64)], frequency: f64) -> f64 {
    let input = vec![sine(frequency, 48_000, 0.5)];
    let output = run(make(), &input, params, &[]);
    20.0 * (rms(&output[0][24_000..]) / rms(&input[0][24_000..])).log10()
}

#[test]
fn gain_scales_by_its_decibels() {
    let input = vec![sine(440.0, 4800, 0.5), sine(220.0, 4800, 0.25)];
    let output = run(gain::Gain::default(), &input, &[(gain::GAIN_DB, -6.0)], &[]);
    let factor = 10_f64.powf(-6.0 / 20.0) as f32;
    for (out, inp) in output.iter().zip(&input) {
        for (o, i) in out.iter().zip(inp) {
            assert_eq!(*o, *i * factor);
        }
    }
}

#[test]
fn filter_passes_and_stops_the_right_bands() {
    let lowpass = [(filter::MODE, 0.0), (filter::CUTOFF_HZ, 1000.0), (filter::RESONANCE, 0.707)];
    assert!(response_db(filter::Filter::default, &lowpass, 100.0).abs() < 0.1, "low-pass passes 100 Hz");
    assert!((response_db(filter::Filter::default, &lowpass, 1000.0) + 3.0).abs() < 0.2, "-3 dB at the cutoff");
    assert!(response_db(filter::Filter::default, &lowpass, 10_000.0) < -38.0, "12 dB/octave above");

    let highpass = [(filter::MODE, 1.0), (filter::CUTOFF_HZ, 1000.0), (filter::RESONANCE, 0.707)];
    assert!(response_db(filter::Filter::default, &highpass, 10_000.0).abs() < 0.1, "high-pass passes 10 kHz");
    assert!(response_db(filter::Filter::default, &highpass, 100.0) < -38.0);

    let bandpass = [(filter::MODE, 2.0), (filter::CUTOFF_HZ, 1000.0), (filter::RESONANCE, 2.0)];
    assert!(response_db(filter::Filter::default, &bandpass, 1000.0).abs() < 0.1, "band-pass peaks at 0 dB");
    assert!(response_db(filter::Filter::default, &bandpass, 100.0) < -20.0);
    assert!(response_db(filter::Filter::default, &bandpass, 10_000.0) < -20.0);
}

#[test]
fn delay_echoes_at_its_time_with_feedback() {
    let mut impulse = vec![0.0_f32; 4000];
    impulse[0] = 1.0;
    let params = [(delay::TIME_MS, 10.0), (delay::FEEDBACK, 0.5), (delay::MIX, 0.5)];
    let output = run(delay::Delay::default(), &[impulse], &params, &[]);
    // Dry half at 0, then an echo every 480 frames (10 ms), each half the last.
    for (t, sample) in output[0].iter().enumerate() {
        let want = match t {
            0 => 0.5,
            t if t % 480 == 0 => 0.5 * 0.5_f32.powi(t as i32 / 480 - 1),
            _ => 0.0,
        };
        assert_eq!(*sample, want, "frame {t}");
    }
}

#[test]
fn tremolo_dips_by_its_depth_at_its_rate() {
    let ones = vec![vec![1.0_f32; 9600]];
    let output = run(tremolo::Tremolo::default(), &ones, &[(tremolo::RATE_HZ, 10.0), (tremolo::DEPTH, 0.5)], &[]);
    let out = &output[0];
    assert_eq!(out[0], 1.0, "full level at phase 0");
    assert!((out[2400] - 0.5).abs() < 1e-6, "1 - depth half a period later: {}", out[2400]);
    assert!((out[4800] - 1.0).abs() < 1e-6, "full level a period later: {}", out[4800]);
    let minimum = out.iter().copied().fold(f32::MAX, f32::min);
    assert!((minimum - 0.5).abs() < 1e-4);
}

/// Positive-going zero crossings per second.
fn frequency(samples: &[f32]) -> f64 {
    let crossings = samples.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    crossings as f64 * RATE / samples.len() as f64
}

const NOTE_ON: fn(u8) -> EventKind = |pitch| EventKind::NoteOn { channel: 0, pitch, velocity: 1.0, note_id: -1 };
const NOTE_OFF: fn(u8) -> EventKind = |pitch| EventKind::NoteOff { channel: 0, pitch, velocity: 0.0, note_id: -1 };

#[test]
fn synth_plays_the_note_pitch_from_the_note_frame_and_releases_to_silence() {
    let silence = vec![vec![0.0_f32; 96_000]; 2];
    let params = [(synth::WAVEFORM, 0.0), (synth::ATTACK_MS, 1.0), (synth::RELEASE_MS, 50.0), (synth::LEVEL_DB, -6.0)];
    let events = [(1000, NOTE_ON(69)), (49_000, NOTE_OFF(69))];
    let output = run(synth::Synth::default(), &silence, &params, &events);
    let left = &output[0];
    assert_eq!(output[0], output[1], "the same signal on every channel");
    assert!(left[..1001].iter().all(|s| *s == 0.0), "silent before the note (sine starts at phase 0)");
    assert!(left[1001] != 0.0, "sounds from the frame after the note-on");
    let pitch = frequency(&left[2000..48_000]);
    assert!((pitch - 440.0).abs() < 1.0, "A4 plays at 440 Hz, measured {pitch}");
    let release_end = 49_000 + (0.05 * RATE) as usize;
    assert!(left[release_end + 1..].iter().all(|s| *s == 0.0), "silent after the release");
    assert!(rms(&left[release_end - 500..release_end]) < rms(&left[48_000..48_500]) / 4.0, "fades out");

    // Two notes a fifth apart: both pitches sound (saw, so level adds up).
    let chord =
        run(synth::Synth::default(), &silence, &[(synth::WAVEFORM, 1.0)], &[(0, NOTE_ON(57)), (0, NOTE_ON(64))]);
    assert!(
        rms(&chord[0][10_000..20_000])
            > rms(&run(synth::Synth::default(), &silence, &[(synth::WAVEFORM, 1.0)], &[(0, NOTE_ON(57))])[0]
                [10_000..20_000])
    );
    assert!((synth::note_frequency(57) - 220.0).abs() < 1e-9);
}
