//! The plugin on disk, in both formats, from one built library:
//!
//! - the `.vst3` bundle: `Name.vst3/Contents/x86_64-linux/Name.so` and
//!   `Contents/Resources/moduleinfo.json` (VST 3.7.5+), which JUCE-based hosts
//!   read to scan without loading the binary and then check against the
//!   factory, so it is written from the same [`PluginInfo`];
//! - the `.clap` file: on Linux a CLAP plugin is the shared library itself,
//!   named `Name.clap` (the library exports both formats' entry points).

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use crate::plugin::PluginInfo;
use crate::vst3::{AUDIO_MODULE_CLASS, SDK_VERSION, subcategories};

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
    let subcategories: Vec<String> = subcategories(info).split('|').map(json_string).collect();
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

/// `{name}.{extension}` if it names an entry directly inside a folder: one
/// normal path component, no separator of any platform (`/`, `\`), no NUL,
/// not hidden and not `.` or `..`. Refused with `InvalidInput` otherwise.
pub fn file_name(name: &str, extension: &str) -> io::Result<String> {
    let file = format!("{name}.{extension}");
    let single = matches!(
        Path::new(&file).components().collect::<Vec<_>>()[..],
        [Component::Normal(only)] if only == file.as_str()
    );
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) || !single {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the plugin name {name:?} does not name a file inside the bundles folder"),
        ));
    }
    Ok(file)
}

/// Assembles `dir/<name>.vst3` from the built shared library; returns the
/// bundle's path. An existing bundle of that name is replaced.
///
/// Only paths strictly inside `dir` are created or removed: a name that is not
/// a plain file name (see [`file_name`]) is refused before anything changes; an
/// existing `<name>.vst3` that is a symbolic link is removed as a link, never
/// followed; and every folder and file of the new bundle is created fresh
/// (`create_dir`, `create_new`), so nothing placed there meanwhile is written
/// through.
pub fn write_bundle(dir: &Path, info: &PluginInfo, library: &Path) -> io::Result<PathBuf> {
    let bundle = dir.join(file_name(info.name, "vst3")?);
    let binary = file_name(info.name, "so")?;
    remove_entry(&bundle)?;
    fs::create_dir_all(dir)?;
    let contents = bundle.join("Contents");
    let binary_dir = contents.join(arch_dir());
    let resources = contents.join("Resources");
    for folder in [&bundle, &contents, &binary_dir, &resources] {
        fs::create_dir(folder)?;
    }
    let mut source = File::open(library)?;
    let mut copy = OpenOptions::new().write(true).create_new(true).open(binary_dir.join(binary))?;
    io::copy(&mut source, &mut copy)?;
    copy.set_permissions(source.metadata()?.permissions())?;
    let mut json = OpenOptions::new().write(true).create_new(true).open(resources.join("moduleinfo.json"))?;
    json.write_all(module_info_json(info).as_bytes())?;
    Ok(bundle)
}

/// Removes `path` if it exists: a folder with everything in it, anything
/// else (a file, a symbolic link) as itself; a link is never followed.
fn remove_entry(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// Writes `dir/<name>.clap` from the built shared library; returns its path.
/// An existing entry of that name is replaced, with the same rules as
/// [`write_bundle`]: only a plain file name is accepted, a link is removed as
/// a link, and the new file is created fresh (`create_new`).
pub fn write_clap(dir: &Path, info: &PluginInfo, library: &Path) -> io::Result<PathBuf> {
    let file = dir.join(file_name(info.name, "clap")?);
    remove_entry(&file)?;
    fs::create_dir_all(dir)?;
    let mut source = File::open(library)?;
    let mut copy = OpenOptions::new().write(true).create_new(true).open(&file)?;
    io::copy(&mut source, &mut copy)?;
    copy.set_permissions(source.metadata()?.permissions())?;
    Ok(file)
}
