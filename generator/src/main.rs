//! `cargo run -p generator -- validate [--config PATH]`: reads `plugins.toml`
//! and reports every problem with its file, line and column.
//!
//! Rendering the plugin crates, building them and assembling bundles come next;
//! until then the binary validates only, and says so.

use std::path::PathBuf;
use std::process::ExitCode;

use generator::config;
use generator::diagnostic::render;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut command = None;
    let mut path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../plugins.toml"));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => match args.next() {
                Some(p) => path = PathBuf::from(p),
                None => return usage("--config needs a path"),
            },
            "validate" if command.is_none() => command = Some(arg),
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    if command.is_none() {
        eprintln!("generator: only `validate` exists yet; rendering, building and bundling are not implemented");
        return ExitCode::from(2);
    }
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let shown = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    match config::parse(&source) {
        Ok(config) => {
            for plugin in &config.plugins {
                println!(
                    "ok: {} ({}, {}, {} ch, {} ms, buffering {})",
                    plugin.name,
                    plugin.slug,
                    plugin.dsp.name(),
                    plugin.channels,
                    plugin.latency_ms,
                    plugin.buffering
                );
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprintln!("{}", render(&shown, &source, &diagnostics));
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("generator: {problem}\nusage: cargo run -p generator -- validate [--config PATH]");
    ExitCode::from(2)
}
