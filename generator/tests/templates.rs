//! Each template in templates/, by its key: it loads, renders a plugin's
//! context into valid TOML or Rust, and strict mode refuses a context that
//! lacks a name the template uses.

use generator::config::{self, Plugin};
use generator::render::context;
use generator::templates::{CARGO_TOML, DSP_RS, EDITOR_RS, LIB_RS, TEMPLATES, registry};
use generator::{header, rustfmt};

fn plugin(dsp: &str) -> Plugin {
    let kind = if dsp == "synth" { "instrument" } else { "effect" };
    let params = match dsp {
        "filter" => "[plugins.params.resonance]\ndefault = 0.5\n",
        "custom" => "[plugins.params.level]\ndefault = 0.5\n",
        _ => "",
    };
    let source = format!(
        "[defaults]\nvendor = \"Test Audio\"\n[[plugins]]\nname = \"Test Plugin\"\nkind = \"{kind}\"\ndsp = \"{dsp}\"\n{params}"
    );
    config::parse(&source).unwrap().plugins.remove(0)
}

fn render(key: &str, plugin: &Plugin) -> String {
    registry().expect("every template parses").render(key, &context(plugin)).expect("renders")
}

#[test]
fn every_file_in_templates_is_registered_under_a_key() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates");
    let mut files: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    let mut registered: Vec<&str> = TEMPLATES.iter().map(|t| t.file).collect();
    registered.sort();
    assert_eq!(files, registered);
    let keys: Vec<&str> = TEMPLATES.iter().map(|t| t.key).collect();
    assert_eq!(keys, [CARGO_TOML, LIB_RS, DSP_RS, EDITOR_RS]);
}

#[test]
fn cargo_toml_template_loads_and_renders() {
    let text = render(CARGO_TOML, &plugin("filter"));
    assert!(header::is_generated(&text), "{text}");
    let manifest: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert_eq!(manifest["package"]["name"].as_str(), Some("test-plugin"));
    assert_eq!(manifest["lib"]["crate-type"].as_array().unwrap()[0].as_str(), Some("cdylib"));
}

#[test]
fn lib_rs_template_loads_and_renders() {
    for dsp in ["gain", "filter", "delay", "tremolo", "synth", "custom"] {
        let text = rustfmt::format(&render(LIB_RS, &plugin(dsp))).expect("valid Rust");
        assert!(header::is_generated(&text), "{text}");
        assert!(text.contains("name: \"Test Plugin\","), "{text}");
        let export = if dsp == "custom" {
            "runtime::export_vst3!(INFO, dsp::TestPlugin::default);".to_string()
        } else {
            format!("runtime::dsp::{dsp}::")
        };
        assert!(text.contains(&export), "{dsp}: {text}");
        assert_eq!(text.contains("mod dsp;"), dsp == "custom");
        assert_eq!(text.contains("pub struct Params"), dsp == "custom", "typed parameters for a custom DSP");
        if dsp != "custom" {
            let spec = format!("ParamSpec::find(runtime::dsp::{dsp}::PARAMS, params::");
            assert!(text.contains(&spec), "a built-in kind's specs come from the runtime: {text}");
        }
    }
}

#[test]
fn dsp_rs_template_loads_and_renders() {
    let text = rustfmt::format(&render(DSP_RS, &plugin("custom"))).expect("valid Rust");
    assert!(!header::is_generated(&text), "dsp.rs is the user's: no overwrite header");
    assert!(text.contains("impl Processor for TestPlugin"), "{text}");
    assert!(text.contains("self.params.event(event);"), "events go to the typed parameters: {text}");
    assert!(!text.contains("level: 0.5"), "no default written here, only in lib.rs: {text}");
    assert!(text.contains("self.params.level.block(audio.frames())"), "how to read one: {text}");
}

#[test]
fn strict_mode_refuses_a_context_without_a_name_the_template_uses() {
    let registry = registry().unwrap();
    let mut context = context(&plugin("gain"));
    context.as_object_mut().unwrap().remove("slug");
    let error = registry.render(CARGO_TOML, &context).expect_err("strict mode");
    assert!(error.to_string().contains("slug"), "{error}");
}

#[test]
fn editor_rs_template_loads_and_renders_a_draw_function_over_every_parameter() {
    let mut plugin = plugin("custom");
    plugin.editor.kind = generator::editor::EditorKind::Custom;
    let text = render(EDITOR_RS, &plugin);
    assert!(text.contains("pub fn draw(ui: &mut egui::Ui, view: &EditorView<'_>)"), "{text}");
    for param in &plugin.params {
        assert!(text.contains(&format!("controls.{}", param.key)), "a control for {}: {text}", param.key);
    }
    assert!(text.contains("write_ahead_panel(ui, view)"), "{text}");
}
