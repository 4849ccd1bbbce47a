//! `install`: copies built bundles into the per-user folders hosts scan,
//! `~/.vst3` and `~/.clap`, replacing only what it installed there itself.
//!
//! Each folder keeps a manifest, `.writeahead-installed`, with one line per
//! entry the generator installed: a fingerprint of its contents (FNV-1a 64 of
//! every path, kind and byte, links not followed) and its name. An existing
//! entry is replaced only when the manifest names it with the fingerprint it
//! has now: a bundle someone else put there, or one changed since, is left
//! alone and reported. Paths are created and removed only strictly inside
//! the folder; a symbolic link there is never followed (nor replaced); a new
//! bundle is copied into a staging entry first and renamed into place.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The manifest's file name inside each folder.
pub const MANIFEST: &str = ".writeahead-installed";

/// The folder under `home` that hosts scan for a bundle of this extension.
pub fn folder(home: &Path, extension: &str) -> Option<PathBuf> {
    match extension {
        "vst3" => Some(home.join(".vst3")),
        "clap" => Some(home.join(".clap")),
        _ => None,
    }
}

/// What happened to one bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Copied to this path; `replaced`: over one the generator installed before.
    Installed { to: PathBuf, replaced: bool },
    /// Not copied: something the generator did not install (or that changed
    /// since) is in the way, at this path.
    LeftAlone { at: PathBuf, why: String },
}

/// Installs each of `bundles` (`.vst3` folders and `.clap` files) into its
/// folder under `home`. Errors are for what could not be read or written; a
/// bundle in the way is an [`Outcome::LeftAlone`], and the others go on.
pub fn install(home: &Path, bundles: &[PathBuf]) -> Result<Vec<(PathBuf, Outcome)>, String> {
    let mut outcomes = Vec::new();
    for bundle in bundles {
        let outcome = install_one(home, bundle).map_err(|err| format!("installing {}: {err}", bundle.display()))?;
        outcomes.push((bundle.clone(), outcome));
    }
    Ok(outcomes)
}

fn install_one(home: &Path, bundle: &Path) -> io::Result<Outcome> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_string());
    let name = bundle.file_name().and_then(|n| n.to_str()).ok_or_else(|| invalid("no file name"))?;
    let single = matches!(Path::new(name).components().collect::<Vec<_>>()[..], [Component::Normal(_)]);
    if !single || name.starts_with('.') {
        return Err(invalid("not a plain file name"));
    }
    let extension = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("");
    let dir = folder(home, extension).ok_or_else(|| invalid("neither a .vst3 nor a .clap"))?;
    fs::create_dir_all(&dir)?;
    let mut manifest = read_manifest(&dir)?;
    let target = dir.join(name);
    let replaced = match fs::symlink_metadata(&target) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => false,
        Err(err) => return Err(err),
        Ok(meta) if meta.file_type().is_symlink() => {
            let why = "a symbolic link is there (the generator installs none, and never follows one)";
            return Ok(Outcome::LeftAlone { at: target, why: why.into() });
        }
        Ok(_) => {
            let ours = manifest.get(name).is_some_and(|print| *print == fingerprint(&target).ok());
            if !ours {
                let why = if manifest.contains_key(name) {
                    "it changed since the generator installed it"
                } else {
                    "the generator did not install it"
                };
                return Ok(Outcome::LeftAlone { at: target, why: why.into() });
            }
            true
        }
    };
    let staging = dir.join(format!(".{name}.installing-{}", std::process::id()));
    remove_entry(&staging)?;
    copy_tree(bundle, &staging)?;
    remove_entry(&target)?;
    fs::rename(&staging, &target)?;
    manifest.insert(name.to_string(), Some(fingerprint(&target)?));
    write_manifest(&dir, &manifest)?;
    Ok(Outcome::Installed { to: target, replaced })
}

/// Removes `path` if it exists (a folder with its contents; a file or link as
/// itself), never following a link.
fn remove_entry(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// Copies a bundle (a folder of folders and files, or one file) to `to`,
/// creating every entry fresh; a link inside the bundle is an error.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.is_dir() {
        fs::create_dir(to)?;
        let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if meta.is_file() {
        let mut source = fs::File::open(from)?;
        let mut copy = fs::OpenOptions::new().write(true).create_new(true).open(to)?;
        io::copy(&mut source, &mut copy)?;
        copy.set_permissions(meta.permissions())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file or folder", from.display())))
    }
}

/// FNV-1a 64 of an entry: every path inside it (sorted), its kind, and the
/// bytes of its files (a link's target, unfollowed), as 16 hex digits.
pub fn fingerprint(path: &Path) -> io::Result<String> {
    fn feed(hash: &mut u64, bytes: &[u8]) {
        for byte in bytes {
            *hash ^= u64::from(*byte);
            *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn walk(hash: &mut u64, path: &Path, relative: &str) -> io::Result<()> {
        let meta = fs::symlink_metadata(path)?;
        feed(hash, relative.as_bytes());
        if meta.file_type().is_symlink() {
            feed(hash, b"\0link\0");
            feed(hash, fs::read_link(path)?.to_string_lossy().as_bytes());
        } else if meta.is_dir() {
            feed(hash, b"\0dir\0");
            let mut names: Vec<_> = fs::read_dir(path)?.map(|e| e.map(|e| e.file_name())).collect::<Result<_, _>>()?;
            names.sort();
            for name in names {
                walk(hash, &path.join(&name), &format!("{relative}/{}", name.to_string_lossy()))?;
            }
        } else {
            feed(hash, b"\0file\0");
            feed(hash, &fs::read(path)?);
        }
        Ok(())
    }
    let mut hash = 0xCBF2_9CE4_8422_2325;
    walk(&mut hash, path, "")?;
    Ok(format!("{hash:016x}"))
}

/// The manifest of `dir`: entry name to fingerprint (None: unreadable line
/// kept as "installed, unknown contents", which never matches).
fn read_manifest(dir: &Path) -> io::Result<BTreeMap<String, Option<String>>> {
    let path = dir.join(MANIFEST);
    match fs::symlink_metadata(&path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(err) => return Err(err),
        Ok(meta) if !meta.is_file() => {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{} is not a file", path.display())));
        }
        Ok(_) => {}
    }
    let text = fs::read_to_string(&path)?;
    Ok(text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| match line.split_once('\t') {
            Some((print, name)) => (name.to_string(), Some(print.to_string())),
            None => (line.to_string(), None),
        })
        .collect())
}

fn write_manifest(dir: &Path, manifest: &BTreeMap<String, Option<String>>) -> io::Result<()> {
    let mut text = String::from(
        "# Installed by `cargo run -p generator -- install`: fingerprint, tab, name.\n\
         # The generator replaces an entry here only while its fingerprint matches.\n",
    );
    for (name, print) in manifest {
        if let Some(print) = print {
            text.push_str(&format!("{print}\t{name}\n"));
        }
    }
    let staging = dir.join(format!("{MANIFEST}.{}", std::process::id()));
    remove_entry(&staging)?;
    fs::OpenOptions::new().write(true).create_new(true).open(&staging)?;
    fs::write(&staging, text)?;
    let target = dir.join(MANIFEST);
    if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file()) {
        remove_entry(&staging)?;
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{} is not a file", target.display())));
    }
    fs::rename(&staging, &target)
}
