//! Presets of the shipped plugins (`[[plugins.presets]]`) in both formats,
//! through their real libraries: VST3 hosts see a program list
//! (`IUnitInfo`) and a program-change parameter; choosing a program applies
//! its preset (the values, the host told with `kParamValuesChanged`, the DSP
//! hearing them L later), from the host's UI thread or with the audio. CLAP
//! hosts find the presets through the preset-discovery factory and load them
//! with `clap.preset-load`: what clap-validator's three preset-discovery
//! tests check (crawl, descriptor consistency, load and process) is checked
//! here too.

mod e2e;

use std::ffi::{CStr, CString, c_char, c_void};

use clap_sys::factory::preset_discovery::{
    CLAP_PRESET_DISCOVERY_FACTORY_ID, CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT, CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN,
    clap_preset_discovery_factory, clap_preset_discovery_filetype, clap_preset_discovery_indexer,
    clap_preset_discovery_location, clap_preset_discovery_metadata_receiver, clap_preset_discovery_soundpack,
};
use clap_sys::universal_plugin_id::clap_universal_plugin_id;
use clap_sys::version::CLAP_VERSION;
use e2e::clap_host::{Buffers, ClapModule};
use e2e::host::{Buffers as Vst3Buffers, ComponentHandler, Extras, Module, ParamChanges, REALTIME};
use e2e::session::{RATE, start, stop};
use e2e::{clap_file, latency_samples, library, shipped};
use generator::config::Plugin;
use vst3::Steinberg::Vst::{
    IEditControllerTrait, IUnitInfo, IUnitInfoTrait, ParameterInfo, ParameterInfo_, ProgramListInfo, RestartFlags_,
    UnitInfo,
};
use vst3::Steinberg::kResultOk;

const BLOCK: usize = 480;

/// The shipped plugins that list presets.
fn with_presets() -> Vec<&'static Plugin> {
    let plugins: Vec<&Plugin> = shipped().plugins.iter().filter(|p| !p.presets.is_empty()).collect();
    assert!(plugins.len() >= 2, "shipped plugins with presets");
    plugins
}

/// The normalized value a plugin applies for `plain` on parameter `id`.
fn normalized(plugin: &Plugin, id: u32, plain: f64) -> f64 {
    match plugin.params.iter().find(|p| p.id == id) {
        Some(param) => (plain - param.min) / (param.max - param.min),
        None => plain,
    }
}

fn utf16(text: &[u16]) -> String {
    e2e::host::utf16(text)
}

#[test]
fn vst3_hosts_see_a_program_list_and_a_program_change_parameter() {
    for plugin in with_presets() {
        let module = Module::load(&library(&shipped().bundles, plugin));
        let instance = module.create();
        let units = instance.component.cast::<IUnitInfo>().expect("IUnitInfo");
        // SAFETY: live interfaces and zeroed out-structs, which are valid.
        unsafe {
            assert_eq!(units.getUnitCount(), 1);
            let mut unit: UnitInfo = std::mem::zeroed();
            assert_eq!(units.getUnitInfo(0, &mut unit), kResultOk);
            assert_eq!(units.getProgramListCount(), 1, "{}", plugin.name);
            let mut list: ProgramListInfo = std::mem::zeroed();
            assert_eq!(units.getProgramListInfo(0, &mut list), kResultOk);
            assert_eq!(unit.programListId, list.id, "the root unit's list");
            assert_eq!(list.programCount as usize, plugin.presets.len());
            for (index, preset) in plugin.presets.iter().enumerate() {
                let mut name = [0_u16; 128];
                assert_eq!(units.getProgramName(list.id, index as i32, &mut name), kResultOk);
                assert_eq!(utf16(&name), preset.name);
            }
            // The program-change parameter: last, a list, one step per program.
            let count = instance.controller.getParameterCount();
            let mut info: ParameterInfo = std::mem::zeroed();
            assert_eq!(instance.controller.getParameterInfo(count - 1, &mut info), kResultOk);
            assert_eq!(info.id, runtime::plugin::PROGRAM_PARAM_ID);
            let flags = ParameterInfo_::ParameterFlags_::kIsProgramChange | ParameterInfo_::ParameterFlags_::kIsList;
            assert_eq!(info.flags & flags, flags, "{}", plugin.name);
            assert_eq!(info.stepCount as usize, plugin.presets.len() - 1);
            let steps = (plugin.presets.len() - 1) as f64;
            for (index, preset) in plugin.presets.iter().enumerate() {
                let text = instance.param_text(info.id, index as f64 / steps);
                assert_eq!(text, preset.name);
                assert_eq!(instance.param_from_text(info.id, &preset.name), Ok(index as f64 / steps));
            }
        }
        println!("ok: {}: {} programs", plugin.name, plugin.presets.len());
    }
}

/// Choosing a program on the host's UI thread (`setParamNormalized`)
/// applies its preset: the values, `kParamValuesChanged`, and the DSP
/// hearing them with the next block, L later. Choosing it again changes
/// nothing (a host restoring its copy of the parameter); a state load
/// leaves the state's values.
#[test]
fn choosing_a_vst3_program_applies_its_preset_and_the_dsp_hears_it() {
    let plugin = shipped().plugins.iter().find(|p| p.name == "WA Gain").unwrap();
    let module = Module::load(&library(&shipped().bundles, plugin));
    let instance = module.create();
    let handler = ComponentHandler::new();
    ComponentHandler::install(&handler, &instance);
    let latency = start(&instance, RATE);
    let half = plugin.presets.iter().position(|p| p.name == "Half").unwrap();
    let gain = plugin.params[0].id;
    let program = runtime::plugin::PROGRAM_PARAM_ID;
    let steps = (plugin.presets.len() - 1) as f64;
    let input = vec![vec![1.0_f32; BLOCK]; 2];
    let mut output = Vec::new();
    let play = |output: &mut Vec<f32>| {
        let mut out = vec![vec![0.0_f32; BLOCK]; 2];
        let extras = Extras::default();
        assert_eq!(
            instance.process(REALTIME, Vst3Buffers::F32 { input: &input, output: &mut out }, 0, BLOCK, extras),
            kResultOk
        );
        output.extend(out.swap_remove(0));
    };
    for _ in 0..10 {
        play(&mut output);
    }
    let k = output.len();
    // SAFETY: a live controller.
    unsafe {
        handler.restarts.lock().unwrap().clear();
        assert_eq!(instance.controller.setParamNormalized(program, half as f64 / steps), kResultOk);
        assert_eq!(instance.controller.getParamNormalized(gain), normalized(plugin, gain, -6.0));
        assert_eq!(instance.controller.getParamNormalized(program), half as f64 / steps);
    }
    let restarts = handler.restarts.lock().unwrap().clone();
    let values_changed = RestartFlags_::kParamValuesChanged;
    assert!(restarts.iter().any(|(flags, on_main, _)| flags & values_changed != 0 && *on_main), "{restarts:?}");
    while output.len() < k + latency + 4 * BLOCK {
        play(&mut output);
    }
    let half_gain = 10_f64.powf(-6.0 / 20.0) as f32;
    assert!(output[latency..k + latency].iter().all(|s| *s == 1.0), "unity until the preset is heard");
    // The gain ramps from k + L over its smoothing, to -6 dB.
    assert!(output[k + latency] < 1.0 && output[k + latency - 1] == 1.0, "the change starts at k + L");
    assert_eq!(*output.last().unwrap(), half_gain, "at the preset's gain once the ramp ends");

    // The same program again changes nothing; a state load keeps its values.
    // SAFETY: a live controller.
    unsafe {
        assert_eq!(instance.controller.setParamNormalized(gain, 0.5), kResultOk);
        assert_eq!(instance.controller.setParamNormalized(program, half as f64 / steps), kResultOk);
        assert_eq!(instance.controller.getParamNormalized(gain), 0.5, "a program chosen again is not reapplied");
    }
    stop(&instance);
}

/// A program change that comes with the audio applies its preset at its
/// frame, and the host hears on its next main-thread call.
#[test]
fn a_vst3_program_change_in_a_block_acts_at_its_frame_plus_the_latency() {
    let plugin = shipped().plugins.iter().find(|p| p.name == "WA Gain").unwrap();
    let module = Module::load(&library(&shipped().bundles, plugin));
    let instance = module.create();
    let handler = ComponentHandler::new();
    ComponentHandler::install(&handler, &instance);
    let latency = start(&instance, RATE);
    let quiet = plugin.presets.iter().position(|p| p.name == "Quiet").unwrap();
    let steps = (plugin.presets.len() - 1) as f64;
    let input = vec![vec![1.0_f32; BLOCK]; 2];
    let mut output = Vec::new();
    let at = 10 * BLOCK + 123;
    while output.len() < at + latency + 4 * BLOCK {
        let start = output.len();
        let changes = (start..start + BLOCK).contains(&at).then(|| {
            ParamChanges::with(&[(runtime::plugin::PROGRAM_PARAM_ID, (at - start) as i32, quiet as f64 / steps)])
        });
        let mut out = vec![vec![0.0_f32; BLOCK]; 2];
        let extras = Extras { changes: changes.as_ref(), ..Extras::default() };
        assert_eq!(
            instance.process(REALTIME, Vst3Buffers::F32 { input: &input, output: &mut out }, 0, BLOCK, extras),
            kResultOk
        );
        output.extend(out.swap_remove(0));
    }
    let first = output.iter().position(|s| *s != 1.0 && *s != 0.0).unwrap();
    assert_eq!(first, at + latency, "the preset is heard from the change's frame + L");
    assert_eq!(*output.last().unwrap(), 10_f64.powf(-20.0 / 20.0) as f32);
    let gain = plugin.params[0].id;
    // SAFETY: a live controller, called as the host's main thread.
    unsafe {
        handler.restarts.lock().unwrap().clear();
        assert_eq!(instance.controller.getParamNormalized(gain), normalized(plugin, gain, -20.0));
    }
    let restarts = handler.restarts.lock().unwrap().clone();
    let values_changed = RestartFlags_::kParamValuesChanged;
    assert!(restarts.iter().any(|(flags, _, _)| flags & values_changed != 0), "told on the next call: {restarts:?}");
    stop(&instance);
}

/// A preset as a metadata receiver hears it: name, load key, the plugin ids
/// it is for (abi, id), flags.
type FoundPreset = (String, String, Vec<(String, String)>, u32);

/// What a host's indexer and metadata receiver hear from a provider.
#[derive(Default)]
struct Crawl {
    locations: Vec<(u32, String, u32, bool)>,
    presets: Vec<FoundPreset>,
    errors: Vec<String>,
}

unsafe extern "C" fn declare_filetype(
    _: *const clap_preset_discovery_indexer,
    _: *const clap_preset_discovery_filetype,
) -> bool {
    true
}

unsafe extern "C" fn declare_location(
    indexer: *const clap_preset_discovery_indexer,
    location: *const clap_preset_discovery_location,
) -> bool {
    // SAFETY: our indexer, whose data is a Crawl; the plugin's location.
    unsafe {
        let crawl = &mut *(*indexer).indexer_data.cast::<Crawl>();
        let location = &*location;
        let name = CStr::from_ptr(location.name).to_string_lossy().into_owned();
        crawl.locations.push((location.flags, name, location.kind, location.location.is_null()));
    }
    true
}

unsafe extern "C" fn declare_soundpack(
    _: *const clap_preset_discovery_indexer,
    _: *const clap_preset_discovery_soundpack,
) -> bool {
    true
}

unsafe extern "C" fn indexer_extension(_: *const clap_preset_discovery_indexer, _: *const c_char) -> *const c_void {
    std::ptr::null()
}

/// The receiver's Crawl.
///
/// # Safety
/// `receiver` is one this test made, over a live Crawl.
unsafe fn crawl<'a>(receiver: *const clap_preset_discovery_metadata_receiver) -> &'a mut Crawl {
    // SAFETY: per this function's contract.
    unsafe { &mut *(*receiver).receiver_data.cast::<Crawl>() }
}

unsafe extern "C" fn on_error(
    receiver: *const clap_preset_discovery_metadata_receiver,
    _: i32,
    message: *const c_char,
) {
    // SAFETY: our receiver; the plugin's message.
    unsafe { crawl(receiver).errors.push(CStr::from_ptr(message).to_string_lossy().into_owned()) };
}

unsafe extern "C" fn begin_preset(
    receiver: *const clap_preset_discovery_metadata_receiver,
    name: *const c_char,
    load_key: *const c_char,
) -> bool {
    // SAFETY: our receiver; the plugin's strings.
    unsafe {
        let text = |p: *const c_char| {
            if p.is_null() { String::new() } else { CStr::from_ptr(p).to_string_lossy().into_owned() }
        };
        crawl(receiver).presets.push((text(name), text(load_key), Vec::new(), 0));
    }
    true
}

unsafe extern "C" fn add_plugin_id(
    receiver: *const clap_preset_discovery_metadata_receiver,
    id: *const clap_universal_plugin_id,
) {
    // SAFETY: our receiver; the plugin's id.
    unsafe {
        let id = &*id;
        let pair = (
            CStr::from_ptr(id.abi).to_string_lossy().into_owned(),
            CStr::from_ptr(id.id).to_string_lossy().into_owned(),
        );
        crawl(receiver).presets.last_mut().expect("begin_preset first").2.push(pair);
    }
}

unsafe extern "C" fn set_flags(receiver: *const clap_preset_discovery_metadata_receiver, flags: u32) {
    // SAFETY: our receiver.
    unsafe { crawl(receiver).presets.last_mut().expect("begin_preset first").3 = flags };
}

/// The presets a CLAP host finds through the plugin's preset-discovery
/// factory, as clap-validator's crawl does.
fn crawl_presets(module: &ClapModule) -> Crawl {
    let factory = module.factory_for(CLAP_PRESET_DISCOVERY_FACTORY_ID).cast::<clap_preset_discovery_factory>();
    assert!(!factory.is_null(), "a preset-discovery factory");
    let mut crawl = Crawl::default();
    let name = CString::new("Rust test indexer").unwrap();
    let indexer = clap_preset_discovery_indexer {
        clap_version: CLAP_VERSION,
        name: name.as_ptr(),
        vendor: name.as_ptr(),
        url: name.as_ptr(),
        version: name.as_ptr(),
        indexer_data: std::ptr::from_mut(&mut crawl).cast(),
        declare_filetype: Some(declare_filetype),
        declare_location: Some(declare_location),
        declare_soundpack: Some(declare_soundpack),
        get_extension: Some(indexer_extension),
    };
    let receiver = clap_preset_discovery_metadata_receiver {
        receiver_data: std::ptr::from_mut(&mut crawl).cast(),
        on_error: Some(on_error),
        begin_preset: Some(begin_preset),
        add_plugin_id: Some(add_plugin_id),
        set_soundpack_id: None,
        set_flags: Some(set_flags),
        add_creator: None,
        set_description: None,
        set_timestamps: None,
        add_feature: None,
        add_extra_info: None,
    };
    // SAFETY: the plugin's factory and provider functions, called in the
    // order CLAP prescribes, with our live indexer and receiver.
    unsafe {
        let factory = &*factory;
        assert_eq!((factory.count.unwrap())(factory), 1);
        let descriptor = &*(factory.get_descriptor.unwrap())(factory, 0);
        let provider = (factory.create.unwrap())(factory, &indexer, descriptor.id);
        assert!(!provider.is_null(), "the provider is created");
        let provider_ref = &*provider;
        // clap-validator's descriptor consistency: the provider's own
        // descriptor is the factory's.
        let own = &*provider_ref.desc;
        assert_eq!(CStr::from_ptr(own.id), CStr::from_ptr(descriptor.id));
        assert_eq!(CStr::from_ptr(own.name), CStr::from_ptr(descriptor.name));
        assert!((provider_ref.init.unwrap())(provider), "init");
        for location in crawl_locations(&indexer) {
            assert!((provider_ref.get_metadata.unwrap())(provider, location, std::ptr::null(), &receiver));
        }
        (provider_ref.destroy.unwrap())(provider);
    }
    crawl
}

/// The location kinds declared so far (the test's indexer records them).
fn crawl_locations(indexer: &clap_preset_discovery_indexer) -> Vec<u32> {
    // SAFETY: the indexer's data is the Crawl being filled.
    let crawl = unsafe { &*indexer.indexer_data.cast::<Crawl>() };
    crawl.locations.iter().map(|(_, _, kind, _)| *kind).collect()
}

#[test]
fn clap_hosts_discover_every_preset_and_load_each_with_preset_load() {
    for plugin in with_presets() {
        let module = ClapModule::load(&clap_file(&shipped().bundles, plugin));
        let crawl = crawl_presets(&module);
        assert!(crawl.errors.is_empty(), "{:?}", crawl.errors);
        assert_eq!(crawl.locations.len(), 1, "one location, inside the plugin");
        let (flags, _, kind, null) = &crawl.locations[0];
        assert_eq!((*kind, *null), (CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, true));
        assert_eq!(*flags, CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT);
        let plugin_id = module.plugin_id().to_string_lossy().into_owned();
        let names: Vec<&str> = crawl.presets.iter().map(|(name, _, _, _)| name.as_str()).collect();
        let wanted: Vec<&str> = plugin.presets.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, wanted, "{}", plugin.name);
        for (index, (_, key, ids, flags)) in crawl.presets.iter().enumerate() {
            assert_eq!(key, &index.to_string(), "load keys are the presets' indices");
            assert_eq!(ids, &[("clap".to_string(), plugin_id.clone())]);
            assert_eq!(*flags, CLAP_PRESET_DISCOVERY_IS_FACTORY_CONTENT);
        }
        // clap-validator's load test: each preset through preset-load, then
        // a block processed; here also its values read back.
        let instance = module.create();
        let latency = instance.start(RATE, BLOCK as u32) as usize;
        for (index, preset) in plugin.presets.iter().enumerate() {
            let key = CString::new(index.to_string()).unwrap();
            assert!(
                instance.load_preset(CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, std::ptr::null(), &key),
                "{}",
                preset.name
            );
            for &(id, plain) in &preset.values {
                let value = instance.value(id).unwrap();
                assert!(
                    (value - plain).abs() <= 1e-9 * plain.abs().max(1.0),
                    "{}: {id} = {value}, preset {plain}",
                    preset.name
                );
            }
            let input = vec![vec![0.5_f32; BLOCK]; plugin.channels];
            let mut output = vec![vec![0.0_f32; BLOCK]; plugin.channels];
            instance.process(Buffers::F32 { input: &input, output: &mut output }, 0, BLOCK, &[], None);
        }
        let requests = instance.requests();
        assert!(requests.param_rescans >= plugin.presets.len(), "the host is told to read the values again");
        assert_eq!(requests.presets_loaded, plugin.presets.len(), "and that each preset loaded");
        assert!(
            !instance.load_preset(CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, std::ptr::null(), c"99"),
            "no such preset"
        );
        assert!(latency == latency_samples(plugin, RATE));
        instance.stop();
        println!("ok: {}: {} presets discovered and loaded", plugin.name, plugin.presets.len());
    }
}
