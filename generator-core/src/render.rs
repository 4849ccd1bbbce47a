//! A validated [`Config`] to the files of one crate per plugin, in memory.
//! Nothing here touches the disk, so every problem (a template error, rustfmt
//! refusing the output) shows up before the first file is written.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::config::{Config, Dsp, Kind, Param, Plugin};
use crate::editor::EditorKind;
use crate::{header, rustfmt, sync, templates};

/// How a file may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The generator's: rewritten whenever plugins.toml changes.
    Generated,
    /// The user's after the first run: created when missing, never overwritten.
    CreatedOnce,
}

/// One file of a plugin crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Inside the crate's folder, `/`-separated: `src/lib.rs`.
    pub path: PathBuf,
    pub contents: String,
    pub ownership: Ownership,
}

/// One plugin crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedCrate {
    /// The folder in `plugins/` and the package name.
    pub slug: String,
    pub files: Vec<RenderedFile>,
}

/// Renders every plugin of `config`, in plugins.toml order.
pub fn render(config: &Config) -> Result<Vec<RenderedCrate>, String> {
    let registry = templates::registry().map_err(|err| format!("a template does not parse: {err}"))?;
    config.plugins.iter().map(|plugin| render_plugin(&registry, plugin)).collect()
}

fn render_plugin(registry: &handlebars::Handlebars<'_>, plugin: &Plugin) -> Result<RenderedCrate, String> {
    let context = context(plugin);
    let render = |key: &str| {
        registry.render(key, &context).map_err(|err| format!("rendering {key} for `{}`: {err}", plugin.name))
    };
    let rust = |key: &str| render(key).and_then(|text| rustfmt::format(&text));
    let mut files = vec![
        RenderedFile {
            path: "Cargo.toml".into(),
            contents: render(templates::CARGO_TOML)?,
            ownership: Ownership::Generated,
        },
        RenderedFile { path: "src/lib.rs".into(), contents: rust(templates::LIB_RS)?, ownership: Ownership::Generated },
    ];
    if plugin.dsp == Dsp::Custom {
        files.push(RenderedFile {
            path: "src/dsp.rs".into(),
            contents: rust(templates::DSP_RS)?,
            ownership: Ownership::CreatedOnce,
        });
    }
    if plugin.editor.kind == EditorKind::Custom {
        files.push(RenderedFile {
            path: "src/editor.rs".into(),
            contents: rust(templates::EDITOR_RS)?,
            ownership: Ownership::CreatedOnce,
        });
    }
    Ok(RenderedCrate { slug: plugin.slug.clone(), files })
}

/// What the templates see. Values that end up inside Rust or TOML source are
/// passed as ready literals (`*_lit`, `*_toml`), so no template has to escape.
pub fn context(plugin: &Plugin) -> Value {
    let (kind, kind_name) = match plugin.kind {
        Kind::Effect => ("Effect", "effect"),
        Kind::Instrument => ("Instrument", "instrument"),
    };
    let mode = if plugin.buffering {
        match plugin.latency_ceiling_ms {
            None => format!("its DSP runs {} ms ahead on the write-ahead worker", number(plugin.latency_ms)),
            Some(ceiling) => format!(
                "its DSP runs {} ms ahead on the write-ahead worker, more (up to {} ms) if it stalls",
                number(plugin.latency_ms),
                number(ceiling)
            ),
        }
    } else {
        "its DSP runs inline in the host's callback (buffering off, no added latency)".to_string()
    };
    let channels = channels_text(&plugin.layouts);
    let synced =
        plugin.sync.map(|note| format!(" synced to the host's tempo (one period per {note} note)")).unwrap_or_default();
    let with_ir = plugin.ir.as_ref().map(|ir| format!(" with the impulse response {}", ir.path)).unwrap_or_default();
    let summary = format!("{} {kind_name}{synced}{with_ir}, {channels}; {mode}.", article(plugin.dsp.name()));
    let type_name = type_name(&plugin.slug);
    let processor = match plugin.dsp {
        Dsp::Gain => "|| runtime::dsp::gain::Gain::new(PARAMS)".to_string(),
        Dsp::Filter => "|| runtime::dsp::filter::Filter::new(PARAMS)".to_string(),
        Dsp::Delay => "|| runtime::dsp::delay::Delay::new(PARAMS)".to_string(),
        Dsp::Tremolo => match plugin.sync {
            Some(note) => sync::processor(note),
            None => "|| runtime::dsp::tremolo::Tremolo::new(PARAMS)".to_string(),
        },
        Dsp::Synth => "|| runtime::dsp::synth::Synth::new(PARAMS)".to_string(),
        Dsp::Convolver => {
            let name = plugin.ir.as_ref().map_or("", |ir| ir.name());
            format!("|| runtime::dsp::convolver::Convolver::embedded(PARAMS, {}, IMPULSE_RESPONSE)", rust_str(name))
        }
        Dsp::Custom => format!("dsp::{type_name}::default"),
    };
    // The file next to plugins.toml, from `plugins/<slug>/src/lib.rs`.
    let ir = plugin.ir.as_ref().map(|ir| {
        json!({
            "path": ir.path,
            "include_lit": rust_str(&format!("../../../{}", ir.path)),
        })
    });
    let class_id_words: Vec<String> = plugin.class_id.iter().map(|word| format!("0x{word:08X}")).collect();
    let class_id_hex: String = plugin.class_id.iter().map(|word| format!("{word:08X}")).collect();
    json!({
        "header_hash": header::hash(),
        "header_slashes": header::slashes(),
        "name": plugin.name,
        "name_lit": rust_str(&plugin.name),
        "slug": plugin.slug,
        "summary": summary,
        "description_toml": toml_str(&format!("{}: {summary}", plugin.name)),
        "vendor_lit": rust_str(&plugin.vendor),
        "url_lit": rust_str(&plugin.url),
        "email_lit": rust_str(&plugin.email),
        "version_lit": rust_str(&plugin.version),
        "class_id_words": class_id_words.join(", "),
        "class_id_hex": class_id_hex,
        "kind": kind,
        "layouts": plugin.layouts.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
        "latency_ms": number(plugin.latency_ms),
        "latency_ms_lit": rust_f64(plugin.latency_ms),
        "latency_ceiling_lit": match plugin.latency_ceiling_ms.filter(|_| plugin.buffering) {
            Some(ceiling) => format!("Some({})", rust_f64(ceiling)),
            None => "None".to_string(),
        },
        "buffering": plugin.buffering,
        "vst3": plugin.formats.vst3,
        "clap": plugin.formats.clap,
        "custom": plugin.dsp == Dsp::Custom,
        "editor": plugin.editor.kind != EditorKind::None,
        "custom_editor": plugin.editor.kind == EditorKind::Custom,
        "editor_size": editor_size(plugin),
        "meter_params": plugin.editor.meter_params,
        "presets_lit": presets_lit(plugin),
        "processor": processor,
        "ir": ir,
        "type_name": type_name,
        "params": plugin.params.iter().map(|param| param_context(plugin, param)).collect::<Vec<_>>(),
    })
}

fn param_context(plugin: &Plugin, param: &Param) -> Value {
    let const_name = param.key.to_ascii_uppercase();
    json!({
        "id": param.id,
        "key": param.key,
        "const_name": const_name,
        "spec_lit": spec_lit(plugin, param, &const_name),
        "param_type": if param.steps > 0 { "runtime::typed::SteppedParam" } else { "runtime::typed::FloatParam" },
        "smooth_ms": (param.smooth_ms > 0.0).then(|| number(param.smooth_ms)),
        "title": param.title,
        "title_lit": rust_str(&param.title),
        "units": param.units,
        "units_lit": rust_str(&param.units),
        "min": number(param.min),
        "max": number(param.max),
        "default": number(param.default),
        "min_lit": rust_f64(param.min),
        "max_lit": rust_f64(param.max),
        "default_lit": rust_f64(param.default),
    })
}

/// The `ParamSpec` expression of a parameter: a built-in kind's own spec from
/// `runtime::dsp::<kind>` with plugins.toml's overrides on top, or a custom
/// parameter's in full.
fn spec_lit(plugin: &Plugin, param: &Param, const_name: &str) -> String {
    if let Some(base) = plugin.dsp.params().iter().find(|spec| spec.id == param.id) {
        let find = format!("ParamSpec::find(runtime::dsp::{}::PARAMS, params::{const_name})", plugin.dsp.name());
        let overrides: Vec<String> =
            [("min", base.min, param.min), ("max", base.max, param.max), ("default", base.default, param.default)]
                .into_iter()
                .chain([("smooth_ms", base.smooth_ms, param.smooth_ms)])
                .filter(|(_, base, value)| base != value)
                .map(|(field, _, value)| format!("{field}: {}", rust_f64(value)))
                .collect();
        return if overrides.is_empty() { find } else { format!("ParamSpec {{ {}, ..{find} }}", overrides.join(", ")) };
    }
    format!(
        "ParamSpec {{ id: params::{const_name}, title: {}, units: {}, min: {}, max: {}, default: {}, automatable: true, \
         steps: {}, smooth_ms: {}, value_names: &[{}] }}",
        rust_str(&param.title),
        rust_str(&param.units),
        rust_f64(param.min),
        rust_f64(param.max),
        rust_f64(param.default),
        param.steps,
        rust_f64(param.smooth_ms),
        param.value_names.iter().map(|name| rust_str(name)).collect::<Vec<_>>().join(", ")
    )
}

/// The expression of the editor's size: the plugins.toml size, or the
/// generic editor's natural size for the parameters (a custom editor starts
/// from the same).
fn editor_size(plugin: &Plugin) -> String {
    match plugin.editor.size {
        Some((width, height)) => format!("runtime::editor::Size::new({width}, {height})"),
        // A convolver's editor also has the impulse response's row.
        None if plugin.ir.is_some() => format!(
            "runtime::editor::EguiEditor::generic_size_with_file({}, {})",
            plugin.params.len(),
            plugin.buffering
        ),
        None => format!("runtime::editor::EguiEditor::generic_size({}, {})", plugin.params.len(), plugin.buffering),
    }
}

/// The plugin's presets as a `&[Preset]` expression, each value by its
/// parameter's id constant.
fn presets_lit(plugin: &Plugin) -> String {
    if plugin.presets.is_empty() {
        return "&[]".to_string();
    }
    let presets: Vec<String> = plugin
        .presets
        .iter()
        .map(|preset| {
            let values: Vec<String> = preset
                .values
                .iter()
                .map(|&(id, plain)| {
                    let id = match plugin.params.iter().find(|p| p.id == id) {
                        Some(param) => format!("params::{}", param.key.to_ascii_uppercase()),
                        None => "runtime::plugin::BYPASS_PARAM_ID".to_string(),
                    };
                    format!("({id}, {})", rust_f64(plain))
                })
                .collect();
            format!("runtime::plugin::Preset {{ name: {}, values: &[{}] }}", rust_str(&preset.name), values.join(", "))
        })
        .collect();
    format!("&[{}]", presets.join(", "))
}

/// `"a"` or `"an"` for a word.
fn article(word: &str) -> String {
    let an = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if an { "an" } else { "a" })
}

/// `wa-custom` → `WaCustom`: the custom processor's type.
fn type_name(slug: &str) -> String {
    slug.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// A Rust string literal (Rust's escapes).
fn rust_str(text: &str) -> String {
    format!("{text:?}")
}

/// A TOML basic string.
fn toml_str(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A Rust `f64` literal that reads back as the same value: `50.0`, `0.707`.
fn rust_f64(value: f64) -> String {
    let text = format!("{value:?}");
    if text.contains(['.', 'e', 'E']) { text } else { format!("{text}.0") }
}

/// A number for prose: `50`, `0.707`.
fn number(value: f64) -> String {
    format!("{value}")
}

/// The bus layouts in words: "2 channels", "1 channel", "1 or 2 channels (1
/// preferred)".
fn channels_text(layouts: &[usize]) -> String {
    match layouts {
        [1] => "1 channel".to_string(),
        [n] => format!("{n} channels"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            format!("{} or {last} channels ({} preferred)", rest.join(", "), layouts[0])
        }
        [] => "no channels".to_string(),
    }
}
