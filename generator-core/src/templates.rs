//! The handlebars templates of one plugin crate, from the workspace's
//! `templates/` folder. They are compiled into the generator, so `cargo run -p
//! generator` picks up an edited template on its next run. Rendering is strict
//! (a name the context lacks is an error, not an empty string) and does not
//! escape: the output is Rust and TOML, not HTML.

use handlebars::Handlebars;

/// One template: the key it is registered under, the file it comes from and
/// its text.
pub struct Template {
    pub key: &'static str,
    pub file: &'static str,
    pub source: &'static str,
}

/// `plugins/<slug>/Cargo.toml`.
pub const CARGO_TOML: &str = "cargo_toml";
/// `plugins/<slug>/src/lib.rs`: the plugin's description and VST3 export.
pub const LIB_RS: &str = "lib_rs";
/// `plugins/<slug>/src/dsp.rs` of a `dsp = "custom"` plugin, written once.
pub const DSP_RS: &str = "dsp_rs";
/// `plugins/<slug>/src/editor.rs` of an `editor = "custom"` plugin, written once.
pub const EDITOR_RS: &str = "editor_rs";

pub const TEMPLATES: &[Template] = &[
    Template { key: CARGO_TOML, file: "Cargo.toml.hbs", source: include_str!("../../templates/Cargo.toml.hbs") },
    Template { key: LIB_RS, file: "lib.rs.hbs", source: include_str!("../../templates/lib.rs.hbs") },
    Template { key: DSP_RS, file: "dsp.rs.hbs", source: include_str!("../../templates/dsp.rs.hbs") },
    Template { key: EDITOR_RS, file: "editor.rs.hbs", source: include_str!("../../templates/editor.rs.hbs") },
];

/// A registry with every template, strict and unescaped.
pub fn registry() -> Result<Handlebars<'static>, Box<handlebars::TemplateError>> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    for template in TEMPLATES {
        registry.register_template_string(template.key, template.source).map_err(Box::new)?;
    }
    Ok(registry)
}
