//! `.vst3` bundles and `.clap` files from built libraries, all in one folder
//! the generator owns.

use std::fs;
use std::path::{Path, PathBuf};

use runtime::bundle::{write_bundle, write_clap};
use runtime::plugin::{PluginInfo, PluginKind};

use crate::config::{Kind, Plugin};

/// The `PluginInfo` a generated crate compiles in, as far as the bundle's
/// `moduleinfo.json` needs it (name, vendor, version, class id, kind), and
/// the same bus layouts.
pub fn info(plugin: &Plugin) -> PluginInfo {
    // The generator is a short-lived command: leaking a few strings per plugin
    // is simpler than a borrowed copy of `PluginInfo`.
    let leak = |text: &str| -> &'static str { Box::leak(text.to_owned().into_boxed_str()) };
    PluginInfo {
        name: leak(&plugin.name),
        vendor: leak(&plugin.vendor),
        url: leak(&plugin.url),
        email: leak(&plugin.email),
        version: leak(&plugin.version),
        class_id: plugin.class_id,
        kind: match plugin.kind {
            Kind::Effect => PluginKind::Effect,
            Kind::Instrument => PluginKind::Instrument,
        },
        layouts: Box::leak(plugin.layouts.clone().into_boxed_slice()),
        latency_ms: plugin.latency_ms,
        latency_ceiling_ms: plugin.latency_ceiling_ms,
        buffering: plugin.buffering,
        params: &[],
        meter_params: false,
        presets: &[],
        editor: None,
    }
}

/// Writes `dir/<name>.vst3` and `dir/<name>.clap` for `plugin` from
/// `library`, each if the plugin is built as that format; returns their paths.
pub fn assemble(dir: &Path, plugin: &Plugin, library: &Path) -> Result<Vec<PathBuf>, String> {
    let info = info(plugin);
    let mut written = Vec::new();
    for extension in plugin.formats.extensions() {
        let result = match extension {
            "vst3" => write_bundle(dir, &info, library),
            _ => write_clap(dir, &info, library),
        };
        written.push(result.map_err(|err| format!("cannot assemble {}.{extension}: {err}", plugin.name))?);
    }
    Ok(written)
}

/// Removes bundles in `dir` whose plugin is no longer in plugins.toml, or no
/// longer built as that format (the folder holds only what the generator
/// assembled). Only entries listed in
/// `dir` itself are removed, and a bundle that is a symbolic link is removed as
/// a link: nothing it points at is touched.
pub fn remove_stale(dir: &Path, plugins: &[Plugin]) -> Result<Vec<String>, String> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((plugin_name, extension)) = name.rsplit_once('.') else { continue };
        if !["vst3", "clap"].contains(&extension) {
            continue;
        }
        if plugins.iter().all(|p| p.name != plugin_name || !p.formats.extensions().contains(&extension)) {
            let path = dir.join(entry.file_name());
            // `file_type` does not follow links: a link is removed, not its target.
            let result = match entry.file_type() {
                Ok(kind) if kind.is_dir() => fs::remove_dir_all(&path),
                Ok(_) => fs::remove_file(&path),
                Err(err) => Err(err),
            };
            result.map_err(|err| format!("cannot remove {name}: {err}"))?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}
