//! Rendered crates onto the disk, in `plugins/`. Everything is decided before
//! anything is written: the plan compares the rendered files with what is on
//! disk, refuses to touch folders the generator did not make, and only then
//! are the changed files written into a staging folder and moved into place.
//! Files whose bytes would not change are not rewritten, so a second run
//! leaves every byte and every timestamp as it was (and Cargo rebuilds nothing).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::header;
use crate::render::{Ownership, RenderedCrate};

/// What a run would change in `plugins/`.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create or rewrite, relative to `plugins/`, with their contents.
    pub writes: Vec<(PathBuf, String)>,
    /// Generated files that are already up to date.
    pub unchanged: usize,
    /// Created-once files that exist and are left alone (the user's).
    pub kept: Vec<PathBuf>,
    /// Generator-made crates no longer in plugins.toml, removed whole.
    pub removals: Vec<String>,
    /// Generator-made crates no longer in plugins.toml that hold files the
    /// generator did not write: left in place, reported.
    pub orphans: Vec<(String, Vec<PathBuf>)>,
}

impl Plan {
    /// Whether `plugins/` already matches the rendering.
    pub fn is_clean(&self) -> bool {
        self.writes.is_empty() && self.removals.is_empty() && self.orphans.is_empty()
    }
}

/// Compares `crates` with `plugins_dir`. With `prune`, generator-made crates
/// that are not in `crates` are scheduled for removal (a run over all of
/// plugins.toml); a run for single plugins passes `false`.
pub fn plan(plugins_dir: &Path, crates: &[RenderedCrate], prune: bool) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for krate in crates {
        let dir = plugins_dir.join(&krate.slug);
        for file in &krate.files {
            let path = dir.join(&file.path);
            let existing = read_if_exists(&path)?;
            match (file.ownership, existing) {
                (_, None) => plan.writes.push((Path::new(&krate.slug).join(&file.path), file.contents.clone())),
                (Ownership::CreatedOnce, Some(_)) => plan.kept.push(Path::new(&krate.slug).join(&file.path)),
                (Ownership::Generated, Some(existing)) if !header::is_generated(&existing) => {
                    return Err(format!(
                        "{} exists and was not written by the generator (its first line is not the generated \
                         header); move it away or rename the plugin, nothing was written",
                        path.display()
                    ));
                }
                (Ownership::Generated, Some(existing)) if existing == file.contents => plan.unchanged += 1,
                (Ownership::Generated, Some(_)) => {
                    plan.writes.push((Path::new(&krate.slug).join(&file.path), file.contents.clone()))
                }
            }
        }
    }
    if prune {
        let wanted: BTreeSet<&str> = crates.iter().map(|k| k.slug.as_str()).collect();
        for (slug, dir) in crate_dirs(plugins_dir)? {
            if wanted.contains(slug.as_str()) || !is_generated_crate(&dir)? {
                continue;
            }
            let foreign = foreign_files(&dir)?;
            if foreign.is_empty() {
                plan.removals.push(slug);
            } else {
                plan.orphans.push((slug, foreign));
            }
        }
    }
    Ok(plan)
}

/// Carries out `plan` in `plugins_dir`, staging the new files in `staging`
/// (a folder on the same disk; created and removed here).
pub fn apply(plugins_dir: &Path, plan: &Plan, staging: &Path) -> Result<(), String> {
    let io = |what: &str, path: &Path, err: io::Error| format!("{what} {}: {err}", path.display());
    if !plan.writes.is_empty() {
        if staging.exists() {
            fs::remove_dir_all(staging).map_err(|e| io("cannot clear", staging, e))?;
        }
        for (relative, contents) in &plan.writes {
            let staged = staging.join(relative);
            fs::create_dir_all(staged.parent().unwrap_or(staging)).map_err(|e| io("cannot create", staging, e))?;
            fs::write(&staged, contents).map_err(|e| io("cannot write", &staged, e))?;
        }
        for (relative, contents) in &plan.writes {
            let (staged, target) = (staging.join(relative), plugins_dir.join(relative));
            let parent = target.parent().unwrap_or(plugins_dir);
            fs::create_dir_all(parent).map_err(|e| io("cannot create", parent, e))?;
            if fs::rename(&staged, &target).is_err() {
                // Another file system: copy instead.
                fs::write(&target, contents).map_err(|e| io("cannot write", &target, e))?;
            }
        }
        fs::remove_dir_all(staging).map_err(|e| io("cannot remove", staging, e))?;
    }
    for slug in &plan.removals {
        let dir = plugins_dir.join(slug);
        fs::remove_dir_all(&dir).map_err(|e| io("cannot remove", &dir, e))?;
    }
    Ok(())
}

/// The folders directly in `plugins_dir`, by name (none if it does not exist).
fn crate_dirs(plugins_dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries = match fs::read_dir(plugins_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(format!("cannot list {}: {err}", plugins_dir.display())),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot list {}: {err}", plugins_dir.display()))?;
        if entry.path().is_dir() {
            dirs.push((entry.file_name().to_string_lossy().into_owned(), entry.path()));
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// A crate the generator made: its `Cargo.toml` starts with the header.
fn is_generated_crate(dir: &Path) -> Result<bool, String> {
    Ok(read_if_exists(&dir.join("Cargo.toml"))?.is_some_and(|text| header::is_generated(&text)))
}

/// Files under `dir` that the generator did not write (no header): the
/// user's, such as a custom plugin's `src/dsp.rs`.
fn foreign_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut foreign = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = fs::read_dir(&folder).map_err(|err| format!("cannot list {}: {err}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|err| format!("cannot list {}: {err}", folder.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if !fs::read_to_string(&path).is_ok_and(|text| header::is_generated(&text)) {
                foreign.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

fn read_if_exists(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}
