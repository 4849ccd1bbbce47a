//! The command line: `cargo run -p generator [-- COMMAND] [OPTIONS]`.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: cargo run -p generator [-- COMMAND] [--config PATH] [--plugin NAME]... [--bundles DIR]

commands:
  build      (the default) validate plugins.toml, render plugins/, build the
             crates in release mode and assemble .vst3 bundles and .clap files
  install    build, then copy the bundles into ~/.vst3 and ~/.clap (HOME),
             replacing only bundles an earlier install put there
  render     validate and render plugins/ only
  check      exit 1 if plugins/ is not what plugins.toml renders (for CI)
  validate   check plugins.toml only

options:
  --config PATH   the plugins.toml to read (default: the workspace's);
                  crates are rendered into plugins/ next to it
  --plugin NAME   only this plugin (its name or crate name); repeatable
  --bundles DIR   assemble the bundles in DIR (default: the target
                  directory's bundles/, where bundles of plugins no longer
                  in plugins.toml are removed; DIR is never cleaned)
  -h, --help      this text";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Build,
    Install,
    Render,
    Check,
    Validate,
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub command: Command,
    pub config: PathBuf,
    /// Names or crate names; empty means every plugin.
    pub plugins: Vec<String>,
    /// Where to assemble bundles instead of `<target>/bundles`.
    pub bundles: Option<PathBuf>,
}

/// Parses the arguments after the program name; `Err` is the problem to show
/// above the usage.
pub fn parse(args: impl IntoIterator<Item = String>, default_config: PathBuf) -> Result<Args, String> {
    let mut args = args.into_iter();
    let mut parsed = Args { command: Command::Build, config: default_config, plugins: Vec::new(), bundles: None };
    let mut command = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => parsed.config = args.next().ok_or("--config needs a path")?.into(),
            "--plugin" => parsed.plugins.push(args.next().ok_or("--plugin needs a plugin name")?),
            "--bundles" => parsed.bundles = Some(args.next().ok_or("--bundles needs a folder")?.into()),
            "-h" | "--help" => return Ok(Args { command: Command::Help, ..parsed }),
            name if !name.starts_with('-') && command.is_none() => {
                command = Some(match name {
                    "build" => Command::Build,
                    "install" => Command::Install,
                    "render" => Command::Render,
                    "check" => Command::Check,
                    "validate" => Command::Validate,
                    other => return Err(format!("unknown command `{other}`")),
                });
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    parsed.command = command.unwrap_or(Command::Build);
    Ok(parsed)
}
