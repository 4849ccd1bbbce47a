//! A host session with one plugin instance: set up, play audio and notes
//! in varying blocks, tear down.

use generator::config::{Kind, Plugin};
use runtime::plugin::BYPASS_PARAM_ID;
use vst3::Steinberg::{kResultOk, kResultTrue, tresult};

use super::Note;
#[allow(unused_imports)] // some test binaries use it
pub use super::host::natural_layout;
use super::host::{Buffers, EventList, Extras, Instance, Module, ParamChanges, REALTIME, block_sizes};
use super::timeline::Timeline;

pub const RATE: f64 = 48_000.0;
pub const MAX_BLOCK: usize = 4096;

/// Offers `channels` channels in their natural layout (in and out for an
/// effect, out for an instrument), as a host does before activating.
pub fn offer_layout(instance: &Instance, plugin: &Plugin, channels: usize) -> tresult {
    instance.offer_channels(plugin.kind == Kind::Effect, channels)
}

/// setupProcessing, setActive(true), setProcessing(true); returns the latency.
pub fn start(instance: &Instance, rate: f64) -> usize {
    instance.start(REALTIME, rate, MAX_BLOCK).unwrap()
}

pub fn stop(instance: &Instance) {
    instance.stop().unwrap()
}

/// Plays `input` (effects) or `notes` (instruments) through a fresh instance
/// in `mode`, in varying blocks; `bypass_from` switches bypass on at that frame.
pub fn play(
    module: &Module,
    plugin: &Plugin,
    mode: u32,
    input: &[Vec<f32>],
    notes: &[Note],
    frames: usize,
    bypass_from: Option<usize>,
) -> (usize, Vec<Vec<f32>>) {
    play_in_layout(module, plugin, plugin.channels, mode, input, notes, frames, bypass_from)
}

/// [`play`] with the host offering `channels` channels (one of the plugin's
/// layouts) before it activates the instance.
#[allow(clippy::too_many_arguments)]
pub fn play_in_layout(
    module: &Module,
    plugin: &Plugin,
    channels: usize,
    mode: u32,
    input: &[Vec<f32>],
    notes: &[Note],
    frames: usize,
    bypass_from: Option<usize>,
) -> (usize, Vec<Vec<f32>>) {
    let instance = module.create();
    assert_eq!(offer_layout(&instance, plugin, channels), kResultTrue, "{}: {channels} channels", plugin.name);
    let latency = start(&instance, RATE);
    let mut output = vec![vec![0.0_f32; frames]; channels];
    let no_input: Vec<Vec<f32>> = Vec::new();
    let input = if plugin.kind == Kind::Effect { input } else { &no_input };
    let mut at = 0;
    for (i, n) in block_sizes(frames, 11 + mode as u64, MAX_BLOCK).into_iter().enumerate() {
        let in_block: Vec<(i32, bool, i16, f32)> = notes
            .iter()
            .filter(|note| (at..at + n).contains(&note.frame))
            .map(|note| ((note.frame - at) as i32, note.on, i16::from(note.pitch), note.velocity))
            .collect();
        let events = EventList::notes(&in_block);
        let bypass = bypass_from.filter(|&from| (at..at + n).contains(&from) || (i == 0 && from == 0));
        let changes = bypass.map(|from| ParamChanges::with(&[(BYPASS_PARAM_ID, (from - at) as i32, 1.0)]));
        let extras = Extras { changes: changes.as_ref(), events: Some(&events), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    (latency, output)
}

/// Plays `input` through a fresh instance of an effect in `mode`, in varying
/// blocks cut where `timeline`'s sections start, every call carrying the
/// `ProcessContext` of its first frame.
pub fn play_on_timeline(
    module: &Module,
    plugin: &Plugin,
    mode: u32,
    input: &[Vec<f32>],
    frames: usize,
    timeline: &Timeline,
) -> (usize, Vec<Vec<f32>>) {
    play_on_timeline_in(None, module, plugin, mode, input, frames, timeline)
}

/// [`play_on_timeline`] in a host that gives its name as `host_name`
/// (`IHostApplication::getName`, in `initialize`), or none.
pub fn play_on_timeline_in(
    host_name: Option<&str>,
    module: &Module,
    plugin: &Plugin,
    mode: u32,
    input: &[Vec<f32>],
    frames: usize,
    timeline: &Timeline,
) -> (usize, Vec<Vec<f32>>) {
    let instance = module.create_in(host_name);
    let latency = start(&instance, timeline.rate);
    let mut output = vec![vec![0.0_f32; frames]; plugin.channels];
    let mut at = 0;
    for n in timeline.cut(&block_sizes(frames, 23 + mode as u64, MAX_BLOCK)) {
        let context = timeline.context(at);
        let extras = Extras { context: Some(&context), ..Extras::default() };
        let result = instance.process(mode, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    (latency, output)
}
