//! The `everything` render fixture (every key, every DSP kind, strings with
//! quotes and backslashes, an explicit class id, 1 to 8 channels, latencies
//! from 1 to 1000 ms, custom plugins with and without parameters, plugins
//! built as one format only) builds in a workspace of its own, and each
//! bundle and `.clap` file shows hosts what plugins.toml says.

mod e2e;

use e2e::clap_host::{ClapModule, c_text};
use e2e::host::{Module, c_string};
use e2e::session::{RATE, play, start, stop};
use e2e::{assert_success, clap_file, generator, latency_samples, library, noise, scratch_workspace};
use generator::config::{self, Kind};
use vst3::Steinberg::{
    IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo2, PFactoryInfo, kResultOk,
};

#[test]
fn every_key_and_kind_builds_and_loads_as_described() {
    let toml =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/everything.toml")).unwrap();
    let dir = scratch_workspace("everything", &toml);
    let bundles = dir.join("bundles");
    let config_path = dir.join("plugins.toml");
    let args = ["build", "--config", config_path.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    assert_success(&generator(&dir, &args), "generator build");
    let plugins = config::parse(&toml).unwrap().plugins;
    assert_eq!(plugins.len(), 7);
    for plugin in &plugins {
        // Only the formats it lists: the file, and the entry point in the library.
        let exports = |symbol: &[u8]| {
            let path = if plugin.formats.vst3 { library(&bundles, plugin) } else { clap_file(&bundles, plugin) };
            // SAFETY: loading a plugin library of this workspace; its initialisers are Rust statics.
            let lib = unsafe { libloading::Library::new(path) }.unwrap();
            // SAFETY: only the symbol's presence is read.
            unsafe { lib.get::<*const ()>(symbol) }.is_ok()
        };
        assert_eq!(clap_file(&bundles, plugin).exists(), plugin.formats.clap, "{}: .clap", plugin.name);
        assert_eq!(exports(b"clap_entry"), plugin.formats.clap, "{}: clap_entry", plugin.name);
        assert_eq!(bundles.join(format!("{}.vst3", plugin.name)).exists(), plugin.formats.vst3, "{}", plugin.name);
        assert_eq!(exports(b"GetPluginFactory"), plugin.formats.vst3, "{}: GetPluginFactory", plugin.name);
        if plugin.formats.clap {
            let module = ClapModule::load(&clap_file(&bundles, plugin));
            let descriptor = module.descriptor(0).expect("a descriptor");
            assert_eq!(
                (c_text(descriptor.name), c_text(descriptor.vendor)),
                (plugin.name.clone(), plugin.vendor.clone())
            );
            let instance = module.create();
            assert_eq!(instance.start(RATE, 4096) as usize, latency_samples(plugin, RATE), "{} as CLAP", plugin.name);
            instance.stop();
        }
        if !plugin.formats.vst3 {
            println!("ok: {:?} by {:?}, CLAP only", plugin.name, plugin.vendor);
            continue;
        }
        let module = Module::load(&library(&bundles, plugin));
        // SAFETY: zeroed infos are valid out-structs; live factory.
        unsafe {
            let mut factory_info: PFactoryInfo = std::mem::zeroed();
            assert_eq!(module.factory().getFactoryInfo(&mut factory_info), kResultOk);
            assert_eq!(c_string(&factory_info.vendor), plugin.vendor);
            let factory2 = module.factory().cast::<IPluginFactory2>().expect("IPluginFactory2");
            let mut info: PClassInfo2 = std::mem::zeroed();
            assert_eq!(factory2.getClassInfo2(0, &mut info), kResultOk);
            assert_eq!(c_string(&info.name), plugin.name);
            let cid: String = info.cid.iter().map(|b| format!("{:02X}", *b as u8)).collect();
            let words: String = plugin.class_id.iter().map(|w| format!("{w:08X}")).collect();
            assert_eq!(cid, words, "{}", plugin.name);
        }
        let instance = module.create();
        assert_eq!(start(&instance, RATE), latency_samples(plugin, RATE), "{}", plugin.name);
        stop(&instance);
        let frames = 4096;
        let (_, output) =
            play(&module, plugin, e2e::host::OFFLINE, &noise(plugin.channels, frames, 3), &[], frames, None);
        assert_eq!(output.len(), plugin.channels);
        assert!(output.iter().flatten().all(|s| s.is_finite()), "{}", plugin.name);
        if plugin.kind == Kind::Effect && latency_samples(plugin, RATE) < frames && plugin.dsp != config::Dsp::Custom {
            assert!(output.iter().flatten().any(|s| *s != 0.0), "{}: sound after the latency", plugin.name);
        }
        println!("ok: {:?} by {:?}, latency {}", plugin.name, plugin.vendor, latency_samples(plugin, RATE));
    }
    let one_format = |name: &str| plugins.iter().find(|p| p.name == name).unwrap().formats.extensions();
    assert_eq!((one_format("Explicit Id Filter"), one_format("Slow Delay")), (vec!["vst3"], vec!["clap"]));
    let explicit = plugins.iter().find(|p| p.name == "Explicit Id Filter").unwrap();
    assert_eq!(explicit.class_id, [0x01234567, 0x89ABCDEF, 0x01234567, 0x89ABCDEF]);
}
