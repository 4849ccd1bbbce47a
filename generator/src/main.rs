//! `cargo run -p generator`: plugins.toml → plugin crates in plugins/ →
//! release builds → .vst3 bundles and .clap files. See `--help` for the other
//! commands (`install` copies them where hosts look).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::cli::{self, Args, Command};
use generator::config::{self, Config, Plugin};
use generator::diagnostic::render as render_diagnostics;
use generator::install::{self, Outcome};
use generator::output::{self, Plan};
use generator::{bundles, cargo_build, render, source};

/// How a run ended badly: a usage problem (exit 2) or a failure (exit 1).
enum Failure {
    Usage(String),
    Failed(String),
    /// Already reported (diagnostics, a stale tree).
    Reported,
}

fn main() -> ExitCode {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let default_config = workspace.join("plugins.toml");
    let result = cli::parse(std::env::args().skip(1), default_config).map_err(Failure::Usage).and_then(run);
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

fn run(args: Args) -> Result<(), Failure> {
    if args.command == Command::Help {
        println!("{}", cli::USAGE);
        return Ok(());
    }
    let config = load(&args.config)?;
    let selected = select(&config, &args.plugins)?;
    // Known before anything is built: where `install` puts the bundles.
    let home = if args.command == Command::Install { Some(home()?) } else { None };
    if args.command == Command::Validate {
        for plugin in &selected.plugins {
            println!("ok: {} {}", plugin.name, describe(plugin));
        }
        return Ok(());
    }
    let root = args.config.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    let plugins_dir = root.join("plugins");
    let every_plugin = args.plugins.is_empty();
    let started = Instant::now();
    let crates = render::render(&selected).map_err(Failure::Failed)?;
    let plan = output::plan(&plugins_dir, &crates, every_plugin).map_err(Failure::Failed)?;
    let render_time = started.elapsed();
    if args.command == Command::Check {
        return check(&plugins_dir, &plan, crates.len());
    }
    output::apply(&plugins_dir, &plan, &root.join("target").join("generator-staging")).map_err(Failure::Failed)?;
    report_render(&plugins_dir, &plan, crates.len(), render_time);
    if args.command == Command::Render {
        return Ok(());
    }
    let built = build(&root, &selected, args.bundles.as_deref(), every_plugin)?;
    match home {
        Some(home) => install(&home, &built),
        None => Ok(()),
    }
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
        return Err(Failure::Failed(format!("{left} bundles were not installed (see above)")));
    }
    println!("hosts find them after a rescan: VST3 hosts in ~/.vst3, CLAP hosts in ~/.clap");
    Ok(())
}

/// Reads and validates the TOML; diagnostics are printed here.
fn load(path: &Path) -> Result<Config, Failure> {
    let bytes = source::read(path).map_err(|err| Failure::Failed(format!("cannot read {}: {err}", path.display())))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    source::load_in(&bytes, dir).map_err(|rejected| {
        // As the user would type it: relative to where they are, when inside it.
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = path.strip_prefix(&cwd).unwrap_or(path);
        eprintln!("{}", render_diagnostics(&shown.display().to_string(), &rejected.source, &rejected.diagnostics));
        Failure::Reported
    })
}

/// The plugins `--plugin` names (all of them without it).
fn select(config: &Config, names: &[String]) -> Result<Config, Failure> {
    if names.is_empty() {
        return Ok(config.clone());
    }
    let mut plugins = Vec::new();
    for name in names {
        let found = config.plugins.iter().find(|p| &p.name == name || &p.slug == name).ok_or_else(|| {
            let known: Vec<&str> = config.plugins.iter().map(|p| p.name.as_str()).collect();
            Failure::Usage(format!("no plugin `{name}` in plugins.toml; there are: {}", known.join(", ")))
        })?;
        if !plugins.contains(found) {
            plugins.push(found.clone());
        }
    }
    Ok(Config { plugins })
}

fn check(plugins_dir: &Path, plan: &Plan, crates: usize) -> Result<(), Failure> {
    let shown = plugins_dir.display();
    if plan.is_clean() {
        println!("{shown} is up to date with plugins.toml ({crates} crates)");
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
    eprintln!("hint: run `cargo run -p generator -- render` and commit plugins/");
    Err(Failure::Reported)
}

fn report_render(plugins_dir: &Path, plan: &Plan, crates: usize, took: std::time::Duration) {
    println!(
        "rendered {crates} crates into {} in {:.1} ms: {} files written, {} up to date",
        plugins_dir.display(),
        took.as_secs_f64() * 1000.0,
        plan.writes.len(),
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
    println!("\n{} bundles in {}:", files.len(), bundles_dir.display());
    let width = files.iter().map(|f| f.file_name().unwrap_or_default().len()).max().unwrap_or(0);
    for (plugin, files) in &built {
        for file in files {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            println!("  {name:width$}  {}", describe(plugin));
        }
    }
    let vst3 = files.iter().find(|f| f.extension().is_some_and(|e| e == "vst3"));
    println!(
        "\nto load one:\n  a DAW: `cargo run -p generator -- install` copies them into ~/.vst3 and ~/.clap; \
         or add {} to its plugin folders and rescan",
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
