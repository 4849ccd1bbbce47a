//! `plugins.toml` to a validated model. Every problem found is reported, each
//! with its span: unknown keys, wrong types, values out of range, duplicate
//! names and class ids, a DSP kind that does not fit the plugin kind.

use std::collections::HashMap;
use std::ops::Range;

use runtime::dsp;
use runtime::dsp::NoteValue;
use runtime::limits::MAX_PARAMS;
use runtime::plugin::{ParamSpec, RESERVED_PARAM_IDS};
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Diagnostic;
use crate::editor::{EditorChoice, EditorKeys};
use crate::formats::Formats;
use crate::ir::{self, IrFile};
use crate::latency::LatencyKeys;
use crate::layouts;
use crate::limits::MAX_PLUGINS;
use crate::presets::{self, Preset};
pub(crate) use crate::table::Table;
use crate::{class_id, names, sync, text, value_names};

/// Effect or instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Effect,
    Instrument,
}

/// Which processor a plugin runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dsp {
    Gain,
    Filter,
    Delay,
    Tremolo,
    Synth,
    /// Convolution with an impulse response (`ir`), the file embedded.
    Convolver,
    /// The user's own processor in the plugin crate's `src/dsp.rs`.
    Custom,
}

impl Dsp {
    const NAMES: &[(&str, Dsp)] = &[
        ("gain", Dsp::Gain),
        ("filter", Dsp::Filter),
        ("delay", Dsp::Delay),
        ("tremolo", Dsp::Tremolo),
        ("synth", Dsp::Synth),
        ("convolver", Dsp::Convolver),
        ("custom", Dsp::Custom),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, d)| *d == self).map_or("custom", |(n, _)| n)
    }

    /// The built-in parameters of this kind (none for custom), or of its
    /// synced form when it is synced to the host's tempo.
    pub fn params_synced(self, synced: bool) -> &'static [ParamSpec] {
        match self {
            Dsp::Tremolo if synced => dsp::tremolo::SYNCED_PARAMS,
            _ => self.params(),
        }
    }

    /// The built-in parameters of this kind (none for custom).
    pub fn params(self) -> &'static [ParamSpec] {
        match self {
            Dsp::Gain => dsp::gain::PARAMS,
            Dsp::Filter => dsp::filter::PARAMS,
            Dsp::Delay => dsp::delay::PARAMS,
            Dsp::Tremolo => dsp::tremolo::PARAMS,
            Dsp::Synth => dsp::synth::PARAMS,
            Dsp::Convolver => dsp::convolver::PARAMS,
            Dsp::Custom => &[],
        }
    }

    fn fits(self, kind: Kind) -> bool {
        match self {
            Dsp::Custom => true,
            Dsp::Synth => kind == Kind::Instrument,
            _ => kind == Kind::Effect,
        }
    }
}

/// One parameter of a plugin, after overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub id: u32,
    /// The name under `[plugins.params]`: lower case, names the constant in
    /// generated code.
    pub key: String,
    pub title: String,
    pub units: String,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    /// 0: continuous; n: `n + 1` values (a built-in kind's choices).
    pub steps: u32,
    /// How long a change ramps in the DSP; 0: at once.
    pub smooth_ms: f64,
    /// A stepped parameter's values as hosts show them (empty: numbers).
    pub value_names: Vec<String>,
}

/// One plugin, validated, with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Plugin {
    pub name: String,
    /// The crate and folder name: lower case, digits and dashes.
    pub slug: String,
    pub vendor: String,
    pub url: String,
    pub email: String,
    pub version: String,
    pub kind: Kind,
    pub dsp: Dsp,
    /// The preferred channel count: the first of `layouts`.
    pub channels: usize,
    /// Every channel count the plugin supports (`channels = [1, 2]`), the
    /// preferred first; one count for `channels = 2`.
    pub layouts: Vec<usize>,
    /// The write-ahead latency (with a ceiling: the one it starts with).
    pub latency_ms: f64,
    /// Adaptive latency (`latency_ms = "auto"`): the most it may grow to.
    pub latency_ceiling_ms: Option<f64>,
    pub buffering: bool,
    pub class_id: [u32; 4],
    pub params: Vec<Param>,
    /// The formats it is built as (`formats`; default: VST3 and CLAP).
    pub formats: Formats,
    /// A tremolo synced to the host's tempo (`sync = true`): one LFO period
    /// per this note value (`sync_rate`).
    pub sync: Option<NoteValue>,
    /// The window it opens (`editor`, `editor_size`), and whether its meters
    /// are parameters too (`meter_params`).
    pub editor: EditorChoice,
    /// Its presets (`[[plugins.presets]]`).
    pub presets: Vec<Preset>,
    /// A convolver's impulse response (`ir`).
    pub ir: Option<IrFile>,
}

/// The validated contents of `plugins.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub plugins: Vec<Plugin>,
}

/// The crate name for a plugin name: `"Big Filter!"` becomes `big-filter`.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Rust's keywords, strict and reserved: they cannot name a crate or a field.
const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Why `slug` cannot name a crate in this workspace, if it cannot.
fn crate_name_problem(slug: &str) -> Option<&'static str> {
    const TAKEN: &[&str] =
        &["runtime", "generator", "generator-core", "plugin-host", "benches", "example-plugin", "loom-tests"];
    const RESERVED: &[&str] = &["test", "core", "std", "alloc", "proc-macro"];
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        Some("starts with a digit (Cargo refuses that)")
    } else if TAKEN.contains(&slug) {
        Some("this workspace already has")
    } else if RESERVED.contains(&slug) || RUST_KEYWORDS.contains(&slug) {
        Some("Cargo or Rust reserves")
    } else {
        None
    }
}

/// A number as short as it reads: `0.5`, `1e-320` (not 320 zeros).
pub(crate) fn short(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() > 12 { format!("{value:e}") } else { plain }
}

/// `wet_mix`: lower-case ASCII letters, digits and underscores, starting with a letter.
fn is_identifier(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `wet_mix` → `Wet mix`: what hosts show when no `title` is given.
fn title_from_key(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// Parses and validates `source`. On any problem, returns all of them.
pub fn parse(source: &str) -> Result<Config, Vec<Diagnostic>> {
    let (document, syntax) = DeTable::parse_recoverable(source);
    if !syntax.is_empty() {
        return Err(syntax
            .iter()
            .map(|e| {
                Diagnostic::new(e.span().unwrap_or(0..0), format!("invalid TOML: {}", e.message().trim()))
                    .hint("see the plugins.toml reference: docs/book/src/plugins-toml.md")
            })
            .collect());
    }
    let mut errors = Vec::new();
    let root = Table::new(document.get_ref(), document.span(), "the top level");
    root.check_keys(&["defaults", "plugins"], &mut errors);
    let defaults = match root.get("defaults") {
        Some(value) => match value.get_ref() {
            DeValue::Table(table) => Some(Table::new(table, value.span(), "[defaults]")),
            _ => {
                errors.push(Diagnostic::new(value.span(), "`defaults` must be a table").hint("write it as [defaults]"));
                None
            }
        },
        None => None,
    };
    let defaults = Defaults::read(defaults.as_ref(), &mut errors);
    let mut plugins = Vec::new();
    match root.get("plugins") {
        Some(value) => match value.get_ref() {
            DeValue::Array(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    if index == MAX_PLUGINS {
                        errors.push(
                            Diagnostic::new(entry.span(), format!("more than {MAX_PLUGINS} plugins in one file"))
                                .hint("split the plugins over several plugins.toml files, each in its own workspace"),
                        );
                        break;
                    }
                    match entry.get_ref() {
                        DeValue::Table(table) => {
                            let table = Table::new(table, entry.span(), "[[plugins]]");
                            if let Some(plugin) = read_plugin(&table, &defaults, &mut errors) {
                                plugins.push(plugin);
                            }
                        }
                        _ => errors.push(Diagnostic::new(entry.span(), "each plugin must be a table")),
                    }
                }
            }
            _ => errors.push(
                Diagnostic::new(value.span(), "`plugins` must be a list of tables")
                    .hint("write each plugin as [[plugins]]"),
            ),
        },
        None => errors.push(
            Diagnostic::new(0..0, "no plugins: plugins.toml lists none")
                .hint("add a [[plugins]] table with a name, kind and dsp"),
        ),
    }
    check_unique(&plugins, &mut errors);
    if errors.is_empty() {
        Ok(Config { plugins: plugins.into_iter().map(|read| read.plugin).collect() })
    } else {
        Err(errors)
    }
}

struct Defaults {
    vendor: Option<String>,
    url: String,
    email: String,
    version: String,
    latency: LatencyKeys,
    buffering: bool,
    formats: Formats,
    editor: EditorKeys,
}

impl Defaults {
    fn read(table: Option<&Table<'_>>, errors: &mut Vec<Diagnostic>) -> Defaults {
        let mut defaults = Defaults {
            vendor: None,
            url: String::new(),
            email: String::new(),
            version: "0.1.0".into(),
            latency: LatencyKeys::default(),
            buffering: true,
            formats: Formats::default(),
            editor: EditorKeys::default(),
        };
        let Some(table) = table else { return defaults };
        let keys = ["vendor", "url", "email", "version", "latency_ms", "latency_max_ms", "buffering", "formats"];
        table.check_keys(&[&keys[..], &EditorKeys::KEYS[..]].concat(), errors);
        defaults.vendor = table.host_string("vendor", &text::VENDOR, errors);
        if let Some(url) = table.host_string("url", &text::URL, errors) {
            defaults.url = url;
        }
        if let Some(email) = table.host_string("email", &text::EMAIL, errors) {
            defaults.email = email;
        }
        if let Some(version) = table.version("version", errors) {
            defaults.version = version;
        }
        defaults.latency = LatencyKeys::read(table, errors);
        if let Some(buffering) = table.boolean("buffering", errors) {
            defaults.buffering = buffering;
        }
        if let Some(formats) = Formats::read(table, errors) {
            defaults.formats = formats;
        }
        defaults.editor = EditorKeys::read(table, errors);
        defaults
    }
}

/// A plugin as read, with the spans the uniqueness checks point at.
struct ReadPlugin {
    plugin: Plugin,
    name_span: Range<usize>,
    class_id_span: Option<Range<usize>>,
}

/// Reads one `[[plugins]]` entry; None if a required part is missing or wrong
/// (the problems are in `errors`).
fn read_plugin(table: &Table<'_>, defaults: &Defaults, errors: &mut Vec<Diagnostic>) -> Option<ReadPlugin> {
    table.check_keys(
        &[
            "name",
            "kind",
            "dsp",
            "channels",
            "latency_ms",
            "latency_max_ms",
            "buffering",
            "class_id",
            "vendor",
            "version",
            "params",
            "formats",
            "sync",
            "sync_rate",
            "presets",
            "ir",
            EditorKeys::KEYS[0],
            EditorKeys::KEYS[1],
            EditorKeys::KEYS[2],
        ],
        errors,
    );
    let before = errors.len();
    let name = table.required_string("name", "a name, as hosts will show it", errors);
    if let Some(name) = &name
        && text::check(&text::NAME, name.get_ref(), name.span(), errors)
    {
        let slug = slug(name.get_ref());
        if let Some(problem) = names::file_name_problem(name.get_ref()) {
            errors.push(Diagnostic::new(name.span(), problem.message).hint(problem.hint));
        } else if slug.is_empty() {
            errors.push(
                Diagnostic::new(name.span(), "the name needs a letter or digit")
                    .hint("hosts show it in their plugin lists, and its letters and digits name the crate"),
            );
        } else if let Some(problem) = crate_name_problem(&slug) {
            errors.push(
                Diagnostic::new(name.span(), format!("the name makes the crate name `{slug}`, which {problem}"))
                    .hint("the crate is named after the plugin: add or change a word"),
            );
        }
    }
    let kind = table.required_string("kind", "`effect` or `instrument`", errors).and_then(|kind| {
        match kind.get_ref().as_str() {
            "effect" => Some(Kind::Effect),
            "instrument" => Some(Kind::Instrument),
            _ => {
                errors.push(
                    Diagnostic::new(kind.span(), format!("unknown kind `{}`", kind.get_ref()))
                        .hint("use `effect` or `instrument`"),
                );
                None
            }
        }
    });
    let dsp_value = table.required_string("dsp", "a built-in DSP kind or `custom`", errors);
    let dsp = dsp_value.as_ref().and_then(|value| {
        let found = Dsp::NAMES.iter().find(|(n, _)| n == value.get_ref()).map(|(_, d)| *d);
        if found.is_none() {
            let names: Vec<&str> = Dsp::NAMES.iter().map(|(n, _)| *n).collect();
            errors.push(
                Diagnostic::new(value.span(), format!("unknown dsp `{}`", value.get_ref()))
                    .hint(format!("use one of: {}", names.join(", "))),
            );
        }
        found
    });
    if let (Some(dsp), Some(kind), Some(value)) = (dsp, kind, &dsp_value)
        && !dsp.fits(kind)
    {
        let wanted = if kind == Kind::Effect { "an effect" } else { "an instrument" };
        errors.push(Diagnostic::new(value.span(), format!("dsp `{}` cannot make {wanted}", dsp.name())).hint(
            "synth makes instruments; gain, filter, delay, tremolo and convolver make effects; custom makes \
                     either",
        ));
    }
    let layouts = layouts::read(table, errors);
    let latency = LatencyKeys::read(table, errors).over(&defaults.latency).resolve(errors);
    let buffering = table.boolean("buffering", errors).unwrap_or(defaults.buffering);
    if !buffering {
        // A latency set for this plugin that it would not have: without
        // buffering the DSP runs inline and the plugin reports none. (One in
        // [defaults] is for the plugins that do buffer.)
        for key in ["latency_ms", "latency_max_ms"] {
            if let Some(value) = table.get(key) {
                errors.push(
                    Diagnostic::new(value.span(), format!("`{key}` does nothing with buffering = false")).hint(
                        "without buffering the DSP runs inline and adds no latency: remove it, or set buffering = true",
                    ),
                );
            }
        }
    }
    let formats = Formats::read(table, errors).unwrap_or(defaults.formats);
    let editor = EditorKeys::read(table, errors).over(&defaults.editor).resolve(errors);
    let vendor = table.host_string("vendor", &text::VENDOR, errors).or_else(|| defaults.vendor.clone());
    if vendor.is_none() && name.is_some() {
        errors.push(
            Diagnostic::new(table.span.start..table.span.start, "no vendor for this plugin")
                .hint("set `vendor` in [defaults] (class ids are derived from vendor and name)"),
        );
    }
    let version = table.version("version", errors).unwrap_or_else(|| defaults.version.clone());
    let class_id_value = table.string("class_id", errors);
    let explicit_id = class_id_value.as_ref().and_then(|value| {
        let parsed = class_id::parse(value.get_ref());
        if parsed.is_none() {
            errors.push(
                Diagnostic::new(value.span(), "a class id is 32 hexadecimal digits")
                    .hint("or leave it out: it is derived from vendor and name"),
            );
        }
        parsed
    });
    let sync = sync::read(table, dsp, errors);
    let ir = ir::read(table, dsp, errors);
    let params = dsp.map(|dsp| read_params(table, dsp, dsp.params_synced(sync.is_some()), errors)).unwrap_or_default();
    let presets = presets::read(table, &params, errors);
    if errors.len() > before {
        return None;
    }
    let (name, kind, dsp, layouts, vendor, latency, editor) =
        (name?, kind?, dsp?, layouts?, vendor?, latency?, editor?);
    let class_id = explicit_id.unwrap_or_else(|| class_id::derive(&vendor, name.get_ref()));
    let plugin = Plugin {
        slug: slug(name.get_ref()),
        name: name.get_ref().clone(),
        vendor,
        url: defaults.url.clone(),
        email: defaults.email.clone(),
        version,
        kind,
        dsp,
        channels: layouts[0],
        layouts,
        latency_ms: latency.ms,
        latency_ceiling_ms: latency.ceiling_ms,
        buffering,
        class_id,
        params,
        formats,
        sync,
        editor,
        presets,
        ir,
    };
    Some(ReadPlugin { plugin, name_span: name.span(), class_id_span: class_id_value.map(|v| v.span()) })
}

/// The DSP kind's parameters (`specs`) with `[plugins.params.NAME]`
/// overrides applied (`default`, `min`, `max`); for `custom`, the parameters
/// declared there.
fn read_params(table: &Table<'_>, dsp: Dsp, specs: &[ParamSpec], errors: &mut Vec<Diagnostic>) -> Vec<Param> {
    let mut params: Vec<Param> = specs
        .iter()
        .map(|spec| Param {
            id: spec.id,
            key: spec.title.to_lowercase(),
            title: spec.title.into(),
            units: spec.units.into(),
            min: spec.min,
            max: spec.max,
            default: spec.default,
            steps: spec.steps,
            smooth_ms: spec.smooth_ms,
            value_names: spec.value_names.iter().map(|name| name.to_string()).collect(),
        })
        .collect();
    let Some(value) = table.get("params") else { return params };
    let DeValue::Table(overrides) = value.get_ref() else {
        errors
            .push(Diagnostic::new(value.span(), "`params` must be a table").hint("write [plugins.params.NAME] tables"));
        return params;
    };
    // In the order they are written (the parsed table is sorted by key).
    let mut entries: Vec<_> = overrides.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, entry) in entries {
        let key_name = key.get_ref().to_string();
        if params.len() == MAX_PARAMS && !params.iter().any(|p| p.title.eq_ignore_ascii_case(&key_name)) {
            errors.push(
                Diagnostic::new(key.span(), format!("more than {MAX_PARAMS} parameters in one plugin"))
                    .hint("hosts and the engine's event queue are sized for that many: split the plugin"),
            );
            break;
        }
        let DeValue::Table(fields) = entry.get_ref() else {
            errors.push(
                Diagnostic::new(entry.span(), format!("parameter `{key_name}` must be a table"))
                    .hint("e.g. { default = 0.5, min = 0, max = 1 }"),
            );
            continue;
        };
        let fields = Table::new(fields, entry.span(), "a parameter");
        let index = match params.iter().position(|p| p.title.eq_ignore_ascii_case(&key_name)) {
            Some(index) => index,
            None if dsp == Dsp::Custom => {
                fields.check_keys(&["min", "max", "default", "units", "title", "steps", "values", "smooth_ms"], errors);
                if !is_identifier(&key_name) {
                    errors.push(
                        Diagnostic::new(
                            key.span(),
                            format!("parameter name `{key_name}` is not a snake_case identifier"),
                        )
                        .hint("the generated code names a constant after it: use a-z, 0-9 and _, e.g. `wet_mix`"),
                    );
                } else if key_name.eq_ignore_ascii_case("bypass") {
                    errors.push(
                        Diagnostic::new(key.span(), format!("parameter name `{key_name}` is taken"))
                            .hint("every plugin has a built-in Bypass (hosts switch it): name yours otherwise"),
                    );
                } else if RUST_KEYWORDS.contains(&key_name.as_str()) || key_name == "sample_rate" {
                    errors.push(
                        Diagnostic::new(key.span(), format!("parameter name `{key_name}` is taken"))
                            .hint("Rust keywords and `sample_rate` (a field of the dsp.rs skeleton) cannot name one"),
                    );
                } else {
                    text::check(&text::PARAM_NAME, &key_name, key.span(), errors);
                }
                let id = class_id::param_id(&key_name);
                if RESERVED_PARAM_IDS.contains(&id) {
                    errors.push(
                        Diagnostic::new(key.span(), format!("parameter `{key_name}` gets an id the engine reserves"))
                            .hint("ids are derived from the names: rename it"),
                    );
                } else if let Some(other) = params.iter().find(|p| p.id == id) {
                    errors.push(
                        Diagnostic::new(
                            key.span(),
                            format!("parameters `{key_name}` and `{}` get the same id", other.key),
                        )
                        .hint("ids are derived from the names: rename one of them"),
                    );
                }
                params.push(Param {
                    id,
                    key: key_name.clone(),
                    title: title_from_key(&key_name),
                    units: String::new(),
                    min: 0.0,
                    max: 1.0,
                    default: 0.0,
                    steps: 0,
                    smooth_ms: 0.0,
                    value_names: Vec::new(),
                });
                params.len() - 1
            }
            None => {
                let known: Vec<String> = params.iter().map(|p| p.title.to_lowercase()).collect();
                let mut hint = format!("its parameters: {}", known.join(", "));
                if dsp.params().iter().any(|p| p.title.eq_ignore_ascii_case(&key_name)) {
                    hint.push_str(&format!("; with sync = true, `sync_rate` sets the {key_name}"));
                }
                errors.push(
                    Diagnostic::new(key.span(), format!("dsp `{}` has no parameter `{key_name}`", dsp.name()))
                        .hint(hint),
                );
                continue;
            }
        };
        if dsp != Dsp::Custom {
            fields.check_keys(&["min", "max", "default", "smooth_ms"], errors);
        } else {
            let param = &mut params[index];
            for (key, field, slot) in
                [("units", text::UNITS, &mut param.units), ("title", text::TITLE, &mut param.title)]
            {
                if let Some(text) = fields.host_string(key, &field, errors) {
                    *slot = text;
                }
            }
            if param.title.trim().eq_ignore_ascii_case("bypass")
                && let Some(title) = fields.get("title")
            {
                errors.push(
                    Diagnostic::new(title.span(), "the title `Bypass` is taken")
                        .hint("every plugin has a built-in Bypass; hosts would list two: title yours otherwise"),
                );
            }
            if let Some(steps) = fields.integer("steps", errors) {
                match u32::try_from(*steps.get_ref()) {
                    Ok(count @ 1..=MAX_STEPS) => param.steps = count,
                    _ => errors.push(
                        Diagnostic::new(
                            steps.span(),
                            format!("steps = {} is outside 1..={MAX_STEPS}", steps.get_ref()),
                        )
                        .hint("a stepped parameter has steps + 1 values from min to max: 1 is a switch"),
                    ),
                }
            }
            value_names::read(&fields, param, &key_name, errors);
        }
        let param = &mut params[index];
        for (field, slot) in [("min", &mut param.min), ("max", &mut param.max), ("default", &mut param.default)] {
            if let Some(number) = fields.number(field, errors) {
                *slot = number;
            }
        }
        read_smoothing(&fields, &mut params[index], dsp, &key_name, errors);
        let param = &mut params[index];
        // A built-in DSP handles its own range and no more: overrides may narrow it.
        if let Some(spec) = specs.iter().find(|spec| spec.id == param.id)
            && (param.min < spec.min || param.max > spec.max)
        {
            errors.push(
                Diagnostic::new(
                    entry.span(),
                    format!("parameter `{key_name}` reaches beyond what dsp `{}` handles", dsp.name()),
                )
                .hint(format!("its range is {} to {}; overrides may narrow it", spec.min, spec.max)),
            );
        }
        if !(param.max - param.min).is_finite() {
            errors.push(
                Diagnostic::new(entry.span(), format!("parameter `{key_name}` spans more than a number can hold"))
                    .hint(format!(
                        "hosts see max - min as one step of 0 to 1, and {} - {} overflows: narrow the range",
                        short(param.max),
                        short(param.min)
                    )),
            );
        } else if !(param.min < param.max && (param.min..=param.max).contains(&param.default)) {
            errors.push(
                Diagnostic::new(
                    entry.span(),
                    format!("parameter `{key_name}` needs min < max and min <= default <= max"),
                )
                .hint(format!("now min = {}, max = {}, default = {}", param.min, param.max, param.default)),
            );
        }
    }
    params
}

/// The most steps a custom parameter may have (a million and one values).
const MAX_STEPS: u32 = 1_000_000;

/// The longest ramp `smooth_ms` may ask for.
const MAX_SMOOTH_MS: f64 = 10_000.0;

/// `smooth_ms`: a ramp length for a continuous parameter whose DSP smooths it
/// (any custom one; a built-in kind's where its spec smooths).
fn read_smoothing(fields: &Table<'_>, param: &mut Param, dsp: Dsp, key_name: &str, errors: &mut Vec<Diagnostic>) {
    let Some(value) = fields.get("smooth_ms") else { return };
    let Some(ms) = fields.number("smooth_ms", errors) else { return };
    let built_in = dsp.params().iter().find(|spec| spec.id == param.id);
    if param.steps > 0 {
        errors.push(
            Diagnostic::new(value.span(), format!("parameter `{key_name}` is stepped: it is never smoothed"))
                .hint("smooth_ms is for continuous parameters; remove it"),
        );
    } else if built_in.is_some_and(|spec| spec.smooth_ms == 0.0) {
        let smoothed: Vec<String> =
            dsp.params().iter().filter(|spec| spec.smooth_ms > 0.0).map(|spec| spec.title.to_lowercase()).collect();
        errors.push(Diagnostic::new(value.span(), format!("dsp `{}` does not smooth `{key_name}`", dsp.name())).hint(
            if smoothed.is_empty() {
                format!("dsp `{}` smooths none of its parameters", dsp.name())
            } else {
                format!("it smooths: {}", smoothed.join(", "))
            },
        ));
    } else if !(0.0..=MAX_SMOOTH_MS).contains(&ms) {
        errors.push(
            Diagnostic::new(value.span(), format!("smooth_ms = {} is outside 0..={MAX_SMOOTH_MS}", short(ms)))
                .hint("a ramp in milliseconds: 0 turns smoothing off, 5 to 50 is usual"),
        );
    } else {
        param.smooth_ms = ms;
    }
}

fn check_unique(plugins: &[ReadPlugin], errors: &mut Vec<Diagnostic>) {
    let mut slugs: HashMap<&str, &str> = HashMap::new();
    let mut ids: HashMap<[u32; 4], &str> = HashMap::new();
    for ReadPlugin { plugin, name_span, class_id_span: id_span } in plugins {
        if let Some(first) = slugs.insert(&plugin.slug, &plugin.name) {
            errors.push(
                Diagnostic::new(name_span.clone(), format!("the name `{}` is taken (by `{first}`)", plugin.name))
                    .hint("plugin names must differ in letters or digits: they name the crates"),
            );
        }
        if let Some(first) = ids.insert(plugin.class_id, &plugin.name) {
            errors.push(
                Diagnostic::new(
                    id_span.clone().unwrap_or(name_span.clone()),
                    format!("`{}` has the same class id as `{first}`", plugin.name),
                )
                .hint("hosts tell plugins apart by class id; change it or leave it out"),
            );
        }
    }
}
