//! Sessions saved by release 0.1.0 (generator/tests/fixtures/states/0.1.0)
//! keep loading: into today's shipped plugins through the real `.so`, into
//! plugins whose plugins.toml gained, lost or reordered parameters or changed
//! a default, and a state from a newer version is refused with nothing
//! changed.

mod e2e;

use std::path::PathBuf;

use e2e::host::{Buffers, EventList, Extras, Instance, MemoryStream, Module, OFFLINE, block_sizes};
use e2e::session::{MAX_BLOCK, RATE, start, stop};
use e2e::{
    Note, Shipped, assert_same, assert_success, delayed, generator, latency_samples, library, noise, reference_with,
    scratch_workspace, shipped, state_pairs, test_notes,
};
use generator::config::{self, Dsp, Kind, Plugin};
use runtime::engine::FlushToZero;
use runtime::plugin::BYPASS_PARAM_ID;
use vst3::Steinberg::Vst::{IComponentTrait, IEditControllerTrait};
use vst3::Steinberg::{IBStream, IPluginBaseTrait, kResultFalse, kResultOk};

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/states/0.1.0"))
}

fn fixture(slug: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(format!("{slug}.state"))).unwrap()
}

/// The shipped plugins release 0.1.0 had, each with its saved state: every
/// plugin values.toml names must still be shipped (a plugin added since has
/// no old state to load).
fn released(shipped: &Shipped) -> Vec<&Plugin> {
    let text = std::fs::read_to_string(fixtures().join("values.toml")).unwrap();
    let slugs: Vec<String> = text.parse::<toml::Table>().unwrap().keys().cloned().collect();
    assert_eq!(slugs.len(), 7, "release 0.1.0 shipped seven plugins: {slugs:?}");
    slugs
        .iter()
        .map(|slug| {
            shipped.plugins.iter().find(|p| &p.slug == slug).unwrap_or_else(|| panic!("{slug} is no longer shipped"))
        })
        .collect()
}

/// What each plugin was set to when its state was saved (values.toml).
fn saved_values(slug: &str) -> toml::Table {
    let text = std::fs::read_to_string(fixtures().join("values.toml")).unwrap();
    text.parse::<toml::Table>().unwrap()[slug].as_table().unwrap().clone()
}

fn set_state(instance: &Instance, bytes: &[u8]) -> i32 {
    let stream = MemoryStream::new(bytes.to_vec());
    // SAFETY: a live component and a stream alive across the call.
    unsafe { instance.component.setState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()) }
}

fn get_state(instance: &Instance) -> Vec<u8> {
    let stream = MemoryStream::new(Vec::new());
    // SAFETY: a live component and a stream alive across the call.
    let result = unsafe { instance.component.getState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()) };
    assert_eq!(result, kResultOk);
    stream.bytes()
}

/// A parameter's plain value as the plugin shows it to hosts.
fn plain(instance: &Instance, id: u32) -> f64 {
    // SAFETY: a live controller.
    unsafe { instance.controller.normalizedParamToPlain(id, instance.controller.getParamNormalized(id)) }
}

fn normalized(instance: &Instance, id: u32) -> f64 {
    // SAFETY: a live controller.
    unsafe { instance.controller.getParamNormalized(id) }
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

/// Every parameter of `plugin` after loading `slug`'s 0.1.0 state: the saved
/// value where values.toml has one for its key, else its plugins.toml default.
fn assert_loaded(instance: &Instance, plugin: &Plugin, slug: &str) {
    let saved = saved_values(slug);
    for param in &plugin.params {
        let want = saved.get(&param.key).and_then(|v| v.as_float()).unwrap_or(param.default);
        let got = plain(instance, param.id);
        assert!(close(got, want), "{}: {} is {got}, saved {want}", plugin.name, param.key);
    }
    let bypass = saved.get("bypass").and_then(|b| b.as_bool()) == Some(true);
    assert_eq!(normalized(instance, BYPASS_PARAM_ID), f64::from(u8::from(bypass)), "{}: bypass", plugin.name);
}

#[test]
fn every_state_release_0_1_0_saved_loads_into_todays_plugins() {
    let shipped = shipped();
    for plugin in released(shipped) {
        let module = Module::load(&library(&shipped.bundles, plugin));
        let instance = module.create();
        let bytes = fixture(&plugin.slug);
        assert_eq!(set_state(&instance, &bytes), kResultOk, "{}", plugin.name);
        assert_loaded(&instance, plugin, &plugin.slug);
        let saved = get_state(&instance);
        if plugin.slug == "wa-custom" {
            // Today's WA Custom has `mix` too, not in the 0.1.0 state: saved
            // now at its default, after drive.
            assert_eq!(saved.len(), bytes.len() + 12);
            assert_eq!(saved[12..24], bytes[12..24], "drive as 0.1.0 saved it");
        } else {
            assert_eq!(saved, bytes, "{}: saved again byte for byte", plugin.name);
        }
        // Loaded while running too (a host restoring a session after
        // activation), and it plays.
        let running = module.create();
        start(&running, RATE);
        assert_eq!(set_state(&running, &bytes), kResultOk, "{}", plugin.name);
        assert_loaded(&running, plugin, &plugin.slug);
        // SAFETY: live interfaces.
        unsafe {
            assert_eq!(running.component.setActive(0), kResultOk);
            assert_eq!(running.component.terminate(), kResultOk);
            assert_eq!(instance.component.terminate(), kResultOk);
        }
        println!("ok: {} loads its 0.1.0 state", plugin.name);
    }
}

/// Plays `input` or `notes` offline through a fresh instance that loaded
/// `state` before it started, as a host reopening a session does.
fn play_loaded(
    module: &Module,
    plugin: &Plugin,
    state: &[u8],
    input: &[Vec<f32>],
    notes: &[Note],
    frames: usize,
) -> (usize, Vec<Vec<f32>>) {
    let instance = module.create();
    assert_eq!(set_state(&instance, state), kResultOk);
    let latency = start(&instance, RATE);
    let mut output = vec![vec![0.0_f32; frames]; plugin.channels];
    let mut at = 0;
    for n in block_sizes(frames, 21, MAX_BLOCK) {
        let in_block: Vec<(i32, bool, i16, f32)> = notes
            .iter()
            .filter(|note| (at..at + n).contains(&note.frame))
            .map(|note| ((note.frame - at) as i32, note.on, i16::from(note.pitch), note.velocity))
            .collect();
        let events = EventList::notes(&in_block);
        let extras = Extras { events: Some(&events), ..Extras::default() };
        let result = instance.process(OFFLINE, Buffers::F32 { input, output: &mut output }, at, n, extras);
        assert_eq!(result, kResultOk, "{}: process", plugin.name);
        at += n;
    }
    stop(&instance);
    (latency, output)
}

#[test]
fn every_plugin_sounds_like_its_0_1_0_state() {
    let shipped = shipped();
    let frames = RATE as usize;
    for plugin in released(shipped) {
        let module = Module::load(&library(&shipped.bundles, plugin));
        let state = fixture(&plugin.slug);
        let saved: Vec<(u32, f64)> = state_pairs(&state).into_iter().filter(|(id, _)| *id != BYPASS_PARAM_ID).collect();
        let bypassed = saved_values(&plugin.slug).get("bypass").and_then(|b| b.as_bool()) == Some(true);
        let input = if plugin.kind == Kind::Effect { noise(plugin.channels, frames, 8) } else { Vec::new() };
        let notes = if plugin.kind == Kind::Instrument { test_notes(RATE) } else { Vec::new() };
        let want = if bypassed {
            input.clone()
        } else if plugin.dsp == Dsp::Custom {
            // WA Custom's own DSP, restated: drive 4 as saved, mix at its default 1.
            let _flush_to_zero = FlushToZero::enable();
            let drive = saved_values("wa-custom")["drive"].as_float().unwrap() as f32;
            input.iter().map(|c| c.iter().map(|x| (drive * x).tanh() * (1.0 / drive.tanh())).collect()).collect()
        } else {
            reference_with(plugin, RATE, &input, &notes, frames, &saved)
        };
        let (latency, got) = play_loaded(&module, plugin, &state, &input, &notes, frames);
        assert_eq!(latency, latency_samples(plugin, RATE));
        assert_same(&got, &delayed(&want, latency), &format!("{} with its 0.1.0 state", plugin.name));
        println!("ok: {} sounds like its 0.1.0 state{}", plugin.name, if bypassed { " (bypassed)" } else { "" });
    }
}

#[test]
fn a_parameter_the_state_lacks_goes_back_to_its_default() {
    let shipped = shipped();
    let plugin = shipped.plugins.iter().find(|p| p.slug == "wa-custom").unwrap();
    let mix = plugin.params.iter().find(|p| p.key == "mix").expect("WA Custom has gained `mix` since 0.1.0");
    let module = Module::load(&library(&shipped.bundles, plugin));
    let instance = module.create();
    // SAFETY: a live controller.
    unsafe { assert_eq!(instance.controller.setParamNormalized(mix.id, 0.2), kResultOk) };
    assert_eq!(set_state(&instance, &fixture("wa-custom")), kResultOk);
    assert_eq!(plain(&instance, mix.id), mix.default, "not the 0.2 it had before the load");
    // SAFETY: a live component.
    unsafe { assert_eq!(instance.component.terminate(), kResultOk) };
}

#[test]
fn a_state_from_a_newer_version_is_refused_and_changes_nothing() {
    let shipped = shipped();
    for plugin in released(shipped) {
        let module = Module::load(&library(&shipped.bundles, plugin));
        let instance = module.create();
        assert_eq!(set_state(&instance, &fixture(&plugin.slug)), kResultOk);
        let before = get_state(&instance);
        let mut newer = fixture(&plugin.slug);
        newer[4..8].copy_from_slice(&2_u32.to_le_bytes());
        assert_eq!(set_state(&instance, &newer), kResultFalse, "{}: format 2 is refused", plugin.name);
        let mut damaged = fixture(&plugin.slug);
        damaged.pop();
        assert_eq!(set_state(&instance, &damaged), kResultFalse, "{}: a cut state is refused", plugin.name);
        assert_eq!(get_state(&instance), before, "{}: nothing changed", plugin.name);
        assert_loaded(&instance, plugin, &plugin.slug);
        // SAFETY: a live component.
        unsafe { assert_eq!(instance.component.terminate(), kResultOk) };
    }
}

/// The shipped plugins.toml's WA Custom and WA Filter, edited as an update
/// might: a parameter added, one removed, the order changed, defaults changed.
const EDITED: &str = r#"
[defaults]
vendor = "Writeahead Audio"
version = "0.2.0"

# tone added first, mix's default changed, drive moved last with a new
# default; built with the shipped src/dsp.rs, unchanged.
[[plugins]]
name = "WA Custom"
kind = "effect"
dsp = "custom"
channels = 4
latency_ms = 30
[plugins.params.tone]
default = 0.3
[plugins.params.mix]
default = 0.5
smooth_ms = 20
[plugins.params.drive]
min = 0
max = 10
default = 2
units = "x"
smooth_ms = 20

# drive removed: the state's only parameter is unknown here.
[[plugins]]
name = "WA Custom Lite"
kind = "effect"
dsp = "custom"
channels = 4
[plugins.params.mix]
default = 0.7

# Overrides written in another order, defaults changed.
[[plugins]]
name = "WA Filter"
kind = "effect"
dsp = "filter"
[plugins.params.resonance]
default = 4
[plugins.params.mode]
default = 2
"#;

#[test]
fn a_0_1_0_state_loads_after_plugins_toml_gains_loses_and_reorders_parameters() {
    // The shipped plugins come first: they leave the runtime built in release
    // in the shared target directory.
    shipped();
    let dir = scratch_workspace("old-states", EDITED);
    // The user's DSP as shipped: it reads `self.params.drive` and `.mix`, and
    // must build unchanged against the regenerated Params with `tone` added.
    let dsp = dir.join("plugins/wa-custom/src/dsp.rs");
    std::fs::create_dir_all(dsp.parent().unwrap()).unwrap();
    std::fs::copy(e2e::workspace().join("plugins/wa-custom/src/dsp.rs"), &dsp).unwrap();
    let bundles = dir.join("bundles");
    let config_path = dir.join("plugins.toml");
    let args = ["build", "--config", config_path.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    assert_success(&generator(&dir, &args), "generator build");
    let plugins = config::parse(EDITED).unwrap().plugins;
    for (plugin, state) in plugins.iter().zip(["wa-custom", "wa-custom", "wa-filter"]) {
        let module = Module::load(&library(&bundles, plugin));
        let instance = module.create();
        assert_eq!(set_state(&instance, &fixture(state)), kResultOk, "{}", plugin.name);
        assert_loaded(&instance, plugin, state);
        // SAFETY: a live component.
        unsafe { assert_eq!(instance.component.terminate(), kResultOk) };
        println!("ok: {} loads {state}'s 0.1.0 state", plugin.name);
    }
    let custom = &plugins[0];
    assert_eq!(custom.params[2].key, "drive");
    assert_eq!(
        custom.params[2].id,
        shipped().plugins.iter().find(|p| p.slug == "wa-custom").unwrap().params[0].id,
        "drive kept its id when it moved"
    );
    // And it sounds like the saved drive (4) at the new mix default (0.5).
    let module = Module::load(&library(&bundles, custom));
    let frames = RATE as usize / 2;
    let input = noise(custom.channels, frames, 4);
    let (latency, got) = play_loaded(&module, custom, &fixture("wa-custom"), &input, &[], frames);
    let want: Vec<Vec<f32>> = {
        let _flush_to_zero = FlushToZero::enable();
        let (drive, mix) = (4.0_f32, 0.5_f32);
        let wet = |x: f32| (drive * x).tanh() * (1.0 / drive.tanh());
        input.iter().map(|c| c.iter().map(|&x| wet(x) * mix + x * (1.0 - mix)).collect()).collect()
    };
    assert_same(&got, &delayed(&want, latency), "WA Custom, edited, with its 0.1.0 state");
}
