//! `new DIR`: a plugin project of the user's own, anywhere. It is a Cargo
//! workspace like this repository's, minus everything but what a plugin author
//! needs: `plugins.toml` with one plugin, a `generator` package whose binary is
//! this one (`generator_core::app::main`), the settings every generated crate
//! inherits (`[workspace.package]`, `[workspace.lints]`, the `runtime`
//! dependency), and the lock file of this checkout, so it builds the same
//! crates at the same versions. The generator and runtime are this checkout's,
//! by path, pinned to its version: a project made here keeps using this copy.

use std::fs;
use std::path::{Path, PathBuf};

use crate::app::Failure;
use crate::wording::shell_word;
use crate::{config, render};

/// The checkout this generator was built from: its runtime, generator-core
/// and Cargo.lock are what a new project uses.
fn checkout() -> Result<PathBuf, Failure> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("/"));
    let dir = dir.canonicalize().map_err(|err| {
        Failure::Failed(format!("the generator was built from {}, which cannot be read now: {err}", dir.display()))
    })?;
    for needed in ["Cargo.toml", "Cargo.lock", "runtime/Cargo.toml", "generator-core/Cargo.toml"] {
        if !dir.join(needed).is_file() {
            return Err(Failure::Failed(format!(
                "the generator was built from {}, which has no {needed} now: a new project needs that checkout",
                dir.display()
            )));
        }
    }
    Ok(dir)
}

/// Writes the project into `dir`, which must be missing or empty.
pub(crate) fn run(dir: &Path) -> Result<(), Failure> {
    refuse_non_empty(dir)?;
    let checkout = checkout()?;
    let name = plugin_name(dir);
    let files = files(&checkout, &name)?;
    fs::create_dir_all(dir).map_err(|err| Failure::Failed(format!("cannot create {}: {err}", dir.display())))?;
    for (path, contents) in &files {
        let path = dir.join(path);
        let written = path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&path, contents));
        written.map_err(|err| Failure::Failed(format!("cannot write {}: {err}", path.display())))?;
    }
    let shown = shell_word(&dir.display().to_string());
    println!("created {}: plugins.toml with one plugin, `{name}`, and a Cargo workspace", dir.display());
    println!("using the generator and runtime of {} (version {})", checkout.display(), env!("CARGO_PKG_VERSION"));
    println!(
        "\nnext:\n  cd {shown}\n  cargo run -p generator       # build the plugin: .vst3 and .clap in target/bundles"
    );
    println!("  cargo test --workspace       # run your tests (e.g. next to your DSP in src/dsp.rs)");
    Ok(())
}

/// Refuses a folder that exists with anything in it, or a file.
fn refuse_non_empty(dir: &Path) -> Result<(), Failure> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Failure::Failed(format!(
                    "{} is not empty: `new` writes a project only into a missing or empty folder, \
                     and nothing was written",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) if dir.exists() && !dir.is_dir() => {
            Err(Failure::Failed(format!("{} is a file, not a folder ({err}); nothing was written", dir.display())))
        }
        Err(err) => Err(Failure::Failed(format!("cannot read {}: {err}", dir.display()))),
    }
}

/// The example plugin's name, from the folder's (`fuzz-box` → `Fuzz Box`),
/// or `My Plugin` when that would not be a valid plugin name.
fn plugin_name(dir: &Path) -> String {
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let words: Vec<String> = folder
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect();
    let name = words.join(" ");
    let valid = !name.is_empty() && config::parse(&plugins_toml(&name)).is_ok();
    if valid { name } else { "My Plugin".to_string() }
}

/// The project's files, relative to its folder.
fn files(checkout: &Path, name: &str) -> Result<Vec<(PathBuf, String)>, Failure> {
    let read = |file: &str| {
        fs::read_to_string(checkout.join(file))
            .map_err(|err| Failure::Failed(format!("cannot read {}: {err}", checkout.join(file).display())))
    };
    let manifest = workspace_manifest(checkout, &read("Cargo.toml")?)?;
    let slug = config::slug(name);
    // The plugin's crate, rendered as `render` would: the workspace has a
    // member from the start, and the DSP file to edit is there to see.
    let config = config::parse(&plugins_toml(name))
        .map_err(|_| Failure::Failed(format!("the example plugins.toml for `{name}` does not validate")))?;
    let crates = render::render(&config).map_err(Failure::Failed)?;
    let rendered = crates.into_iter().flat_map(|krate| {
        let slug = krate.slug;
        krate.files.into_iter().map(move |file| (Path::new("plugins").join(&slug).join(&file.path), file.contents))
    });
    let mut files = vec![
        ("Cargo.toml".into(), manifest),
        // The checkout's lock: the same versions of every crate it builds.
        ("Cargo.lock".into(), read("Cargo.lock")?),
        // The generated code's style, so `cargo fmt` here agrees with it.
        ("rustfmt.toml".into(), read("rustfmt.toml")?),
        ("plugins.toml".into(), plugins_toml(name)),
        ("generator/Cargo.toml".into(), GENERATOR_MANIFEST.into()),
        ("generator/src/main.rs".into(), GENERATOR_MAIN.into()),
        (".gitignore".into(), "/target\n".into()),
        ("README.md".into(), readme(checkout, name, &slug)),
    ];
    files.extend(rendered);
    Ok(files)
}

/// The workspace manifest: members `generator` and `plugins/*`, the
/// checkout's `[workspace.package]` and `[workspace.lints]` (what generated
/// crates inherit), and the runtime and generator-core by path.
fn workspace_manifest(checkout: &Path, checkout_manifest: &str) -> Result<String, Failure> {
    let unreadable = |what: &str| Failure::Failed(format!("{}: {what}", checkout.join("Cargo.toml").display()));
    let parsed: toml::Table = checkout_manifest.parse().map_err(|err| unreadable(&format!("{err}")))?;
    let workspace =
        parsed.get("workspace").and_then(toml::Value::as_table).ok_or_else(|| unreadable("no [workspace]"))?;
    let mut inherited = toml::Table::new();
    for section in ["package", "lints"] {
        let table = workspace.get(section).ok_or_else(|| unreadable(&format!("no [workspace.{section}]")))?;
        inherited.insert(section.into(), table.clone());
    }
    let mut wrapper = toml::Table::new();
    wrapper.insert("workspace".into(), toml::Value::Table(inherited));
    let inherited = toml::to_string(&wrapper).map_err(|err| unreadable(&format!("{err}")))?;
    let path = |dir: &str| toml::Value::String(checkout.join(dir).display().to_string()).to_string();
    let version = env!("CARGO_PKG_VERSION");
    Ok(format!(
        "# A plugin project: plugins.toml lists the plugins, `cargo run -p generator`\n\
         # builds them (see README.md). Made by `generator new` from {checkout}.\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\"generator\", \"plugins/*\"]\n\
         \n\
         # The generated plugin crates inherit these (edition, version, lints).\n\
         {inherited}\n\
         [workspace.dependencies]\n\
         # The write-ahead runtime every plugin links, and the generator's library:\n\
         # this checkout's, by path, pinned to its version.\n\
         runtime = {{ path = {runtime}, version = \"={version}\" }}\n\
         generator-core = {{ path = {core}, version = \"={version}\" }}\n",
        checkout = checkout.display(),
        runtime = path("runtime"),
        core = path("generator-core"),
    ))
}

const GENERATOR_MANIFEST: &str = r#"# `cargo run -p generator`: this project's generator, the one of the
# checkout named in ../Cargo.toml.
[package]
name = "generator"
description = "plugins.toml -> plugin crates in plugins/ -> .vst3 bundles and .clap files."
edition.workspace = true
rust-version.workspace = true
version.workspace = true
license.workspace = true
publish = false

[dependencies]
generator-core.workspace = true

[lints]
workspace = true
"#;

const GENERATOR_MAIN: &str = r#"//! `cargo run -p generator`: plugins.toml -> plugin crates in plugins/ ->
//! release builds -> .vst3 bundles and .clap files (`-- --help` lists the
//! other commands).

fn main() -> std::process::ExitCode {
    generator_core::app::main()
}
"#;

/// One custom effect: the DSP is the user's `plugins/<slug>/src/dsp.rs`,
/// created on the first build.
fn plugins_toml(name: &str) -> String {
    let quoted = toml::Value::String(name.to_string()).to_string();
    format!(
        r#"# The plugins to generate. `cargo run -p generator` builds each into a .vst3
# bundle and a .clap file; `cargo run -p generator -- validate` checks this file.

[defaults]
# Your name or company's: hosts show it, and with the plugin's name it makes
# the plugin's class id (changing either makes a new plugin for hosts).
vendor = "My Company"
version = "0.1.0"

[[plugins]]
name = {quoted}
kind = "effect"
# Your own DSP, in plugins/<crate>/src/dsp.rs: it passes the audio through
# until you write it, and the generator never overwrites it.
dsp = "custom"
channels = 2
# The DSP runs this far ahead of the host on a worker thread (the host is
# told, and compensates): stalls up to about this long never drop out.
latency_ms = 50
[plugins.params.gain]
min = -60
max = 12
default = 0
units = "dB"
smooth_ms = 20
"#
    )
}

fn readme(checkout: &Path, name: &str, slug: &str) -> String {
    format!(
        r#"# {name}

A VST3 and CLAP plugin project. `plugins.toml` lists the plugins; the
generator turns each into a crate in `plugins/`, builds it and assembles a
`.vst3` bundle and a `.clap` file. Your DSP is `plugins/{slug}/src/dsp.rs`:
it passes the audio through until you write it; the generator never
overwrites it (the other files in `plugins/` are regenerated).

Build the plugins (bundles in `target/bundles/`):

```sh
cargo run -p generator
```

Test (the tests you write, e.g. next to your DSP):

```sh
cargo test --workspace
```

Hear a plugin without a DAW, over a WAV file:

```sh
cargo run -p generator -- process --plugin "{name}" --param gain=-6 input.wav output.wav
```

`cargo run -p generator -- --help` lists every command (`install` copies the
bundles into `~/.vst3` and `~/.clap`). The generator and the runtime are those
of `{checkout}`, with its documentation in `docs/book/src/command-line.md` and its
README.
"#,
        checkout = checkout.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_plugin_is_named_after_the_folder() {
        assert_eq!(plugin_name(Path::new("/tmp/fuzz-box")), "Fuzz Box");
        assert_eq!(plugin_name(Path::new("my_great delay2")), "My Great Delay2");
        // Names the project's own packages take, or no letters at all.
        assert_eq!(plugin_name(Path::new("generator")), "My Plugin");
        assert_eq!(plugin_name(Path::new("runtime")), "My Plugin");
        assert_eq!(plugin_name(Path::new("___")), "My Plugin");
        assert_eq!(plugin_name(Path::new("42")), "My Plugin");
    }

    #[test]
    fn the_plugins_toml_it_writes_is_valid() {
        let parsed = config::parse(&plugins_toml("Fuzz Box")).expect("valid");
        assert_eq!(parsed.plugins.len(), 1);
        assert_eq!(parsed.plugins[0].slug, "fuzz-box");
    }
}
