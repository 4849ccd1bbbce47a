//! The tail hosts read, through the built plugins' C ABI, in both formats:
//! the example gain's is its latency L (the gain rings for nothing, but its
//! last input comes out L later), the unbuffered gain's is 0, and the note
//! probe's (an instrument whose held notes sound until their note-off) is
//! infinite while a note is held, `kInfiniteTail` in VST3 and `u32::MAX` in
//! CLAP, and L again once the note-off has been processed.

mod clap_host;
mod host;
mod support;

use clap_host::{ClapModule, HostEvent, play};
use example_plugin::{BUFFERED, NOTE_PROBE, UNBUFFERED};
use host::{Buffers, EventList, Extras, Instance, Module, REALTIME};
use support::{bundles, clap_file, instrument_bundle, library};
use vst3::Steinberg::Vst::{IAudioProcessorTrait, IComponentTrait, ProcessSetup, SymbolicSampleSizes_, kInfiniteTail};
use vst3::Steinberg::{IPluginBaseTrait, kResultOk};

const RATE: f64 = 48_000.0;
const BLOCK: usize = 512;
/// 50 ms at 48 kHz.
const LATENCY: u32 = 2400;

/// One test at a time: the plugin builds share a target directory.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn start(instance: &Instance) -> u32 {
    let mut setup = ProcessSetup {
        processMode: REALTIME as i32,
        symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
        maxSamplesPerBlock: BLOCK as i32,
        sampleRate: RATE,
    };
    // SAFETY: live interfaces and a valid setup.
    unsafe {
        assert_eq!(instance.processor.setupProcessing(&mut setup), kResultOk);
        assert_eq!(instance.component.setActive(1), kResultOk);
        assert_eq!(instance.processor.setProcessing(1), kResultOk);
        instance.processor.getLatencySamples()
    }
}

fn stop(instance: &Instance) {
    // SAFETY: live interfaces.
    unsafe {
        assert_eq!(instance.processor.setProcessing(0), kResultOk);
        assert_eq!(instance.component.setActive(0), kResultOk);
        assert_eq!(instance.component.terminate(), kResultOk);
    }
}

fn tail(instance: &Instance) -> u32 {
    // SAFETY: a live processor.
    unsafe { instance.processor.getTailSamples() }
}

/// Plays `blocks` blocks of the instrument, with note events `(block,
/// on)` for A4 at the start of those blocks.
fn play_notes(instance: &Instance, blocks: usize, notes: &[(usize, bool)]) {
    let mut output = vec![vec![0.0_f32; BLOCK]; 2];
    for block in 0..blocks {
        let in_block: Vec<(i32, bool, i16, f32)> =
            notes.iter().filter(|(at, _)| *at == block).map(|&(_, on)| (0, on, 69, 1.0)).collect();
        let events = EventList::notes(&in_block);
        let extras = Extras { events: Some(&events), ..Extras::default() };
        let result = instance.process(REALTIME, Buffers::F32 { input: &[], output: &mut output }, 0, BLOCK, extras);
        assert_eq!(result, kResultOk);
    }
}

#[test]
fn vst3_reports_the_latency_for_a_gain_and_an_infinite_tail_while_a_note_is_held() {
    let _serial = serial();
    let (buffered, unbuffered) = bundles();
    let module = Module::load(&library(buffered, &BUFFERED));
    let instance = module.create();
    assert_eq!(start(&instance), LATENCY);
    assert_eq!(tail(&instance), LATENCY, "the gain's tail is L");
    stop(&instance);
    let module = Module::load(&library(unbuffered, &UNBUFFERED));
    let instance = module.create();
    assert_eq!(start(&instance), 0);
    assert_eq!(tail(&instance), 0, "no tail unbuffered");
    stop(&instance);

    let module = Module::load(&library(instrument_bundle(), &NOTE_PROBE));
    let instance = module.create();
    assert_eq!(start(&instance), LATENCY);
    assert_eq!(tail(&instance), LATENCY, "no note held");
    // The note travels with the audio: once the host has played past L, the
    // processor holds it.
    let past_latency = LATENCY as usize / BLOCK + 2;
    play_notes(&instance, past_latency, &[(0, true)]);
    assert_eq!(tail(&instance), kInfiniteTail, "a held note");
    play_notes(&instance, past_latency, &[(0, false)]);
    assert_eq!(tail(&instance), LATENCY, "released");
    stop(&instance);
}

#[test]
fn clap_reports_the_same_tails() {
    let _serial = serial();
    let _ = bundles();
    let module = ClapModule::load(&clap_file(&BUFFERED));
    let instance = module.create();
    assert_eq!(instance.start(RATE, BLOCK as u32), LATENCY);
    assert_eq!(instance.tail(), LATENCY, "the gain's tail is L");
    instance.stop();
    let module = ClapModule::load(&clap_file(&UNBUFFERED));
    let instance = module.create();
    assert_eq!(instance.start(RATE, BLOCK as u32), 0);
    assert_eq!(instance.tail(), 0, "no tail unbuffered");
    instance.stop();

    let _ = instrument_bundle();
    let module = ClapModule::load(&clap_file(&NOTE_PROBE));
    let instance = module.create();
    assert_eq!(instance.start(RATE, BLOCK as u32), LATENCY);
    assert_eq!(instance.tail(), LATENCY, "no note held");
    let frames = (LATENCY as usize / BLOCK + 2) * BLOCK;
    let on = [(0, HostEvent::Note { time: 0, on: true, key: 69, velocity: 1.0 })];
    play(&instance, &[], 2, &vec![BLOCK; frames / BLOCK], &on);
    assert_eq!(instance.tail(), u32::MAX, "a held note: infinite (at least INT32_MAX)");
    let off = [(0, HostEvent::Note { time: 0, on: false, key: 69, velocity: 0.0 })];
    play(&instance, &[], 2, &vec![BLOCK; frames / BLOCK], &off);
    assert_eq!(instance.tail(), LATENCY, "released");
    instance.stop();
}
