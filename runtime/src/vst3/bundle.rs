//! The `.vst3` bundle on disk: `Name.vst3/Contents/x86_64-linux/Name.so` and
//! `Contents/Resources/moduleinfo.json` (VST 3.7.5+), which JUCE-based hosts
//! read to scan without loading the binary and then check against the
//! factory, so it is written from the same [`PluginInfo`].

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use super::factory::{AUDIO_MODULE_CLASS, SDK_VERSION};
use super::info::PluginInfo;

/// The architecture folder hosts look in on this machine (`uname -m` plus
/// `-linux`, e.g. `x86_64-linux`).
pub fn arch_dir() -> String {
    format!("{}-linux", std::env::consts::ARCH)
}

/// The class id as moduleinfo.json and hosts print it: 32 hex digits.
pub fn class_id_hex(info: &PluginInfo) -> String {
    info.class_id.iter().fold(String::new(), |mut hex, word| {
        let _ = write!(hex, "{word:08X}");
        hex
    })
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// moduleinfo.json for a module holding this one plugin.
pub fn module_info_json(info: &PluginInfo) -> String {
    let subcategories: Vec<String> = info.subcategories().split('|').map(json_string).collect();
    format!(
        r#"{{
  "Name": {name},
  "Version": {version},
  "Factory Info": {{
    "Vendor": {vendor},
    "URL": {url},
    "E-Mail": {email},
    "Flags": {{ "Unicode": true, "Classes Discardable": false, "Component Non Discardable": false }}
  }},
  "Classes": [
    {{
      "CID": "{cid}",
      "Category": {category},
      "Name": {name},
      "Vendor": {vendor},
      "Version": {version},
      "SDKVersion": {sdk},
      "Sub Categories": [{subcategories}],
      "Class Flags": 0,
      "Cardinality": 2147483647
    }}
  ]
}}
"#,
        name = json_string(info.name),
        version = json_string(info.version),
        vendor = json_string(info.vendor),
        url = json_string(info.url),
        email = json_string(info.email),
        cid = class_id_hex(info),
        category = json_string(AUDIO_MODULE_CLASS),
        sdk = json_string(SDK_VERSION),
        subcategories = subcategories.join(", "),
    )
}

/// Assembles `dir/<name>.vst3` from the built shared library; returns the
/// bundle's path. An existing bundle of that name is replaced.
pub fn write_bundle(dir: &Path, info: &PluginInfo, library: &Path) -> io::Result<PathBuf> {
    let bundle = dir.join(format!("{}.vst3", info.name));
    if bundle.exists() {
        std::fs::remove_dir_all(&bundle)?;
    }
    let binary_dir = bundle.join("Contents").join(arch_dir());
    let resources = bundle.join("Contents").join("Resources");
    std::fs::create_dir_all(&binary_dir)?;
    std::fs::create_dir_all(&resources)?;
    std::fs::copy(library, binary_dir.join(format!("{}.so", info.name)))?;
    std::fs::write(resources.join("moduleinfo.json"), module_info_json(info))?;
    Ok(bundle)
}
