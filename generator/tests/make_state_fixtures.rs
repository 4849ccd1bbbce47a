//! Writes generator/tests/fixtures/states/0.1.0/*.state: every shipped plugin,
//! built by this commit, set to the plain values of values.toml (converted to
//! normalized the only way this build converts a plugin's own parameters,
//! linearly) and Bypass where asked, then saved through getState.

mod e2e;

use e2e::host::{MemoryStream, Module};
use e2e::{library, shipped, workspace};
use runtime::plugin::BYPASS_PARAM_ID;
use vst3::Steinberg::Vst::{IComponentTrait, IEditControllerTrait};
use vst3::Steinberg::{IBStream, IPluginBaseTrait, kResultOk};

#[test]
fn make_state_fixtures() {
    let shipped = shipped();
    let dir = workspace().join("generator/tests/fixtures/states/0.1.0");
    let values: toml::Table = std::fs::read_to_string(dir.join("values.toml")).unwrap().parse().unwrap();
    for plugin in &shipped.plugins {
        let wanted = values[&plugin.slug].as_table().unwrap();
        let module = Module::load(&library(&shipped.bundles, plugin));
        let instance = module.create();
        for param in &plugin.params {
            let plain = wanted[&param.key].as_float().unwrap();
            let normalized = (plain - param.min) / (param.max - param.min);
            // SAFETY: a live controller.
            assert_eq!(unsafe { instance.controller.setParamNormalized(param.id, normalized) }, kResultOk);
        }
        if wanted.get("bypass").and_then(|b| b.as_bool()) == Some(true) {
            // SAFETY: a live controller.
            assert_eq!(unsafe { instance.controller.setParamNormalized(BYPASS_PARAM_ID, 1.0) }, kResultOk);
        }
        let stream = MemoryStream::new(Vec::new());
        // SAFETY: a live component and a stream alive across the call.
        unsafe {
            assert_eq!(instance.component.getState(stream.to_com_ptr::<IBStream>().unwrap().as_ptr()), kResultOk);
            assert_eq!(instance.component.terminate(), kResultOk);
        }
        std::fs::write(dir.join(format!("{}.state", plugin.slug)), stream.bytes()).unwrap();
        println!("{}: {} bytes", plugin.slug, stream.bytes().len());
    }
}
