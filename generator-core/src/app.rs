//! The `generator` binary's work: `cargo run -p generator`: plugins.toml →
//! plugin crates in plugins/ → release builds → .vst3 bundles and .clap files.
//! See `--help` for the other commands (`install` copies them where hosts
//! look). The binary is this module's [`main`], in this repository and in
//! every project `new` makes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{self, Args, Command};
use crate::config::{self, Config, Plugin};
use crate::diagnostic::render as render_diagnostics;
use crate::install::{self, Outcome};
use crate::output::{self, Plan};
use crate::{bundles, cargo_build, new_project, process, render, source, wording};

/// How a run ended badly: a usage problem (exit 2) or a failure (exit 1).
pub(crate) enum Failure {
    Usage(String),
    Failed(String),
    /// Already reported (diagnostics, a stale tree).
    Reported,
}

/// Runs the command line's command; the exit status to end with.
pub fn main() -> ExitCode {
    let result = cli::parse(std::env::args().skip(1)).map_err(Failure::Usage).and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(problem)) => {
            eprintln!("generator: {problem}\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
        Err(Failure::Failed(problem)) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
        Err(Failure::Reported) => ExitCode::FAILURE,
    }
}

/// The file the user means: `--config`'s, else `plugins.toml` in the working
/// directory or the nearest folder above it (as Cargo finds `Cargo.toml`), so
/// the generator works in any project, from any folder inside it.
fn config_path(args: &Args) -> Result<PathBuf, Failure> {
    if let Some(config) = &args.config {
        return Ok(config.clone());
    }
    let cwd =
        std::env::current_dir().map_err(|err| Failure::Failed(format!("cannot read the working directory: {err}")))?;
    cwd.ancestors().map(|dir| dir.join("plugins.toml")).find(|path| path.is_file()).ok_or_else(|| {
        Failure::Failed(format!(
            "no plugins.toml in {} or a folder above it: run the generator inside a plugin project \
             (`cargo run -p generator -- new DIR` makes one), or name the file with --config PATH",
            cwd.display()
        ))
    })
}

fn run(args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Help => {
            println!("{}", cli::USAGE);
            return Ok(());
        }
        Command::New => return new_project::run(&args.operands[0]),
        _ => {}
    }
    // Hints name the file the user gave, so that following them acts on it.
    let given = args.config.as_deref();
    if args.command == Command::Process {
        // A plugin given by path needs no plugins.toml; one given by name does.
        let config_file = match config_path(&args) {
            Ok(file) => Some(file),
            Err(_) if args.config.is_none() => None,
            Err(failure) => return Err(failure),
        };
        let config = config_file.as_deref().map(load).transpose()?;
        let root = config_file.as_deref().map(workspace_root);
        return process::run(&args, config.as_ref().zip(root.as_deref()), given);
    }
    let config_file = config_path(&args)?;
    let config = load(&config_file)?;
    let selected = select(&config, &args.plugins, &config_file)?;
    // Known before anything is built: where `install` puts the bundles.
    let home = if args.command == Command::Install { Some(home()?) } else { None };
    if args.command == Command::Validate {
        for plugin in &selected.plugins {
            println!("ok: {} {}", plugin.name, describe(plugin));
        }
        return Ok(());
    }
    let root = workspace_root(&config_file);
    let plugins_dir = root.join("plugins");
    let every_plugin = args.plugins.is_empty();
    let started = Instant::now();
    let crates = render::render(&selected).map_err(Failure::Failed)?;
    let plan = output::plan(&plugins_dir, &crates, every_plugin).map_err(Failure::Failed)?;
    let render_time = started.elapsed();
    if args.command == Command::Check {
        return check(&plugins_dir, &plan, crates.len(), given);
    }
    output::apply(&plugins_dir, &plan, &root.join("target").join("generator-staging")).map_err(Failure::Failed)?;
    report_render(&plugins_dir, &plan, crates.len(), render_time);
    if args.command == Command::Render {
        return Ok(());
    }
    let built = build(&root, &selected, args.bundles.as_deref(), every_plugin, given)?;
    match home {
        Some(home) => install(&home, &built),
        None => Ok(()),
    }
}

/// The folder of the workspace a plugins.toml belongs to: the one it is in.
pub(crate) fn workspace_root(config_file: &Path) -> PathBuf {
    config_file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

/// `$HOME`, the folder `~/.vst3` and `~/.clap` are in.
fn home() -> Result<PathBuf, Failure> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| Failure::Failed("HOME is not set: it names the folder ~/.vst3 and ~/.clap are in".into()))
}

/// Copies what was built into `home/.vst3` and `home/.clap`.
fn install(home: &Path, built: &[PathBuf]) -> Result<(), Failure> {
    let outcomes = install::install(home, built).map_err(Failure::Failed)?;
    println!();
    let mut left = 0;
    for (bundle, outcome) in &outcomes {
        let name = bundle.file_name().unwrap_or_default().to_string_lossy();
        match outcome {
            Outcome::Installed { to, replaced } => {
                let how = if *replaced { " (replaced the one installed before)" } else { "" };
                println!("installed {name} -> {}{how}", to.display());
            }
            Outcome::LeftAlone { at, why } => {
                left += 1;
                eprintln!("error: left {} alone: {why}; move it away to install {name}", at.display());
            }
        }
    }
    if left > 0 {
        let left = wording::count(left, "bundle was", "bundles were");
        return Err(Failure::Failed(format!("{left} not installed (see above)")));
    }
    println!("hosts find them after a rescan: VST3 hosts in ~/.vst3, CLAP hosts in ~/.clap");
    Ok(())
}

/// Reads and validates the TOML; diagnostics are printed here.
pub(crate) fn load(path: &Path) -> Result<Config, Failure> {
    let bytes = source::read(path).map_err(|err| Failure::Failed(format!("cannot read {}: {err}", path.display())))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    source::load_in(&bytes, dir).map_err(|rejected| {
        eprintln!("{}", render_diagnostics(&shown(path), &rejected.source, &rejected.diagnostics));
        Failure::Reported
    })
}

/// A path as the user would type it: relative to where they are, when inside it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).display().to_string()
}

/// The plugins `--plugin` names (all of them without it).
fn select(config: &Config, names: &[String], config_file: &Path) -> Result<Config, Failure> {
    if names.is_empty() {
        return Ok(config.clone());
    }
    let mut plugins = Vec::new();
    for name in names {
        let found = config.plugins.iter().find(|p| &p.name == name || &p.slug == name).ok_or_else(|| {
            let known: Vec<&str> = config.plugins.iter().map(|p| p.name.as_str()).collect();
            let file = shown(config_file);
            Failure::Usage(format!("no plugin `{name}` in {file}; there are: {}", known.join(", ")))
        })?;
        if !plugins.contains(found) {
            plugins.push(found.clone());
        }
    }
    Ok(Config { plugins })
}

fn check(plugins_dir: &Path, plan: &Plan, crates: usize, given: Option<&Path>) -> Result<(), Failure> {
    let shown = plugins_dir.display();
    if plan.is_clean() {
        println!("{shown} is up to date with plugins.toml ({})", wording::count(crates, "crate", "crates"));
        return Ok(());
    }
    eprintln!("{shown} is out of date with plugins.toml:");
    for (path, _) in &plan.writes {
        eprintln!("  would write   {}", path.display());
    }
    for slug in &plan.removals {
        eprintln!("  would remove  {slug}/ (no longer in plugins.toml)");
    }
    for (slug, files) in &plan.orphans {
        eprintln!("  stale         {slug}/ is no longer in plugins.toml but holds your files: {}", list(files));
    }
    // `render` writes and removes what the generator owns; it never deletes a
    // file of the user's, so a stale crate holding one needs the user.
    if !plan.writes.is_empty() || !plan.removals.is_empty() {
        eprintln!("hint: run `{}` and commit plugins/", wording::command_line("render", given));
    }
    for (slug, _) in &plan.orphans {
        eprintln!(
            "hint: {slug}/ is yours to clear: move the files you want to keep out of {}, delete the folder, \
             and commit plugins/ (or add the plugin back to plugins.toml); render leaves it alone",
            plugins_dir.join(slug).display()
        );
    }
    Err(Failure::Reported)
}

fn report_render(plugins_dir: &Path, plan: &Plan, crates: usize, took: std::time::Duration) {
    println!(
        "rendered {} into {} in {:.1} ms: {} written, {} up to date",
        wording::count(crates, "crate", "crates"),
        plugins_dir.display(),
        took.as_secs_f64() * 1000.0,
        wording::count(plan.writes.len(), "file", "files"),
        plan.unchanged
    );
    for path in &plan.kept {
        println!("  kept {} (yours: created once, never overwritten)", path.display());
    }
    for slug in &plan.removals {
        println!("  removed {slug}/ (no longer in plugins.toml)");
    }
    for (slug, files) in &plan.orphans {
        eprintln!(
            "warning: {slug}/ is no longer in plugins.toml but holds files the generator did not write ({}); \
             left in place: move them out and delete the folder",
            list(files)
        );
    }
}

/// Builds the crates and assembles their bundles in `bundles_dir`, or in the
/// target directory's `bundles/`, the generator's own folder, where bundles of
/// plugins no longer in plugins.toml are removed after a full run.
/// Returns every bundle and `.clap` file assembled.
fn build(
    root: &Path,
    config: &Config,
    bundles_dir: Option<&Path>,
    every_plugin: bool,
    given: Option<&Path>,
) -> Result<Vec<PathBuf>, Failure> {
    let packages: Vec<&str> = config.plugins.iter().map(|p| p.slug.as_str()).collect();
    println!("building {} in release mode…", packages.join(", "));
    let libraries = cargo_build::build(root, &packages).map_err(Failure::Failed)?;
    let (bundles_dir, owned) = match bundles_dir {
        Some(dir) => (dir.to_path_buf(), false),
        None => (cargo_build::target_dir(root).map_err(Failure::Failed)?.join("bundles"), true),
    };
    let mut built = Vec::new();
    for plugin in &config.plugins {
        let bundle = bundles::assemble(&bundles_dir, plugin, &libraries[&plugin.slug]).map_err(Failure::Failed)?;
        built.push((plugin, bundle));
    }
    if every_plugin && owned {
        for name in bundles::remove_stale(&bundles_dir, &config.plugins).map_err(Failure::Failed)? {
            println!("removed {name} (no longer in plugins.toml)");
        }
    }
    let files: Vec<PathBuf> = built.iter().flat_map(|(_, files)| files.clone()).collect();
    println!("\n{} in {}:", wording::count(files.len(), "bundle", "bundles"), bundles_dir.display());
    let width = files.iter().map(|f| f.file_name().unwrap_or_default().len()).max().unwrap_or(0);
    for (plugin, files) in &built {
        for file in files {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            println!("  {name:width$}  {}", describe(plugin));
        }
    }
    let vst3 = files.iter().find(|f| f.extension().is_some_and(|e| e == "vst3"));
    println!(
        "\nto load one:\n  a DAW: `{}` copies them into ~/.vst3 and ~/.clap; \
         or add {} to its plugin folders and rescan",
        wording::command_line("install", given),
        bundles_dir.display()
    );
    if let Some(vst3) = vst3 {
        println!("  Python: pedalboard.load_plugin({:?})", vst3.display().to_string());
    }
    Ok(files)
}

/// `(effect, gain, 2 ch, buffered: latency 50 ms)`; a synced tremolo says
/// `tremolo synced to 1/8 notes`.
fn describe(plugin: &Plugin) -> String {
    let mode = if plugin.buffering {
        match plugin.latency_ceiling_ms {
            None => format!("buffered: latency {} ms", plugin.latency_ms),
            Some(ceiling) => format!("buffered: latency {} ms, adaptive up to {ceiling} ms", plugin.latency_ms),
        }
    } else {
        "unbuffered: no added latency".to_string()
    };
    let kind = match plugin.kind {
        config::Kind::Effect => "effect",
        config::Kind::Instrument => "instrument",
    };
    let dsp = match (plugin.sync, &plugin.ir) {
        (Some(note), _) => format!("{} synced to {note} notes", plugin.dsp.name()),
        (None, Some(ir)) => format!("{} with {}", plugin.dsp.name(), ir.path),
        (None, None) => plugin.dsp.name().to_string(),
    };
    let layouts: Vec<String> = plugin.layouts.iter().map(usize::to_string).collect();
    format!("({kind}, {dsp}, {} ch, {mode})", layouts.join("/"))
}

fn list(files: &[PathBuf]) -> String {
    files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
}
