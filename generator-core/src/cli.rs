//! The command line: `cargo run -p generator [-- COMMAND] [OPTIONS]`.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: cargo run -p generator [-- COMMAND] [--config PATH] [--plugin NAME]... [--bundles DIR]
       cargo run -p generator -- new DIR
       cargo run -p generator -- process --plugin NAME|PATH INPUT OUTPUT [PROCESS OPTIONS]

commands:
  build      (the default) validate plugins.toml, render plugins/, build the
             crates in release mode and assemble .vst3 bundles and .clap files
  install    build, then copy the bundles into ~/.vst3 and ~/.clap (HOME),
             replacing only bundles an earlier install put there
  render     validate and render plugins/ only
  check      exit 1 if plugins/ is not what plugins.toml renders (for CI)
  validate   check plugins.toml only
  new DIR    write a new plugin project into DIR (missing or empty): its
             plugins.toml with one plugin, a Cargo workspace using this
             generator and runtime, .gitignore and README.md
  process    run a built plugin over INPUT (a WAV file; a MIDI file for an
             instrument) and write OUTPUT (a WAV file), aligned with the input

options:
  --config PATH   the plugins.toml to read (default: plugins.toml in the
                  working directory or the nearest folder above it that has
                  one); crates are rendered into plugins/ next to it
  --plugin NAME   only this plugin (its name or crate name); repeatable.
                  For process: the one plugin to run, by name (its bundle in
                  the bundles folder) or as the path of a .vst3 or .clap
  --bundles DIR   assemble the bundles in DIR (default: the target
                  directory's bundles/, where bundles of plugins no longer
                  in plugins.toml are removed; DIR is never cleaned)
  -h, --help      this text

process options:
  --format vst3|clap    which library of the plugin to load (default: vst3
                        when it is built as one)
  --param ID=VALUE      set a parameter before the first sample: ID is its id
                        or its plugins.toml name, VALUE its plain value (as
                        shown, e.g. -6 for -6 dB); repeatable
  --sample-rate HZ      the rate to run at (default: the WAV file's; 48000
                        for a MIDI file); a WAV file must already be at it
  --block-size FRAMES   frames per process call, 1 to 8192 (default 512)
  --realtime            process in real-time mode (unpaced) instead of offline
  --progress            show progress on stderr even when it is not a terminal";

/// The largest block `process` hands a plugin: the largest hosts use.
pub const MAX_BLOCK_SIZE: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Build,
    Install,
    Render,
    Check,
    Validate,
    New,
    Process,
    Help,
}

impl Command {
    /// The name a user types.
    pub fn name(self) -> &'static str {
        match self {
            Command::Build => "build",
            Command::Install => "install",
            Command::Render => "render",
            Command::Check => "check",
            Command::Validate => "validate",
            Command::New => "new",
            Command::Process => "process",
            Command::Help => "--help",
        }
    }
}

/// Which library of a plugin `process` loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Vst3,
    Clap,
}

/// The options only `process` takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessOptions {
    pub format: Option<Format>,
    /// `(id or name, value)` as typed; checked against the plugin once loaded.
    pub params: Vec<(String, String)>,
    pub sample_rate: Option<f64>,
    pub block_size: Option<usize>,
    pub realtime: bool,
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub command: Command,
    /// As given with `--config`; None: found from the working directory.
    pub config: Option<PathBuf>,
    /// Names or crate names; empty means every plugin.
    pub plugins: Vec<String>,
    /// Where to assemble bundles instead of `<target>/bundles`.
    pub bundles: Option<PathBuf>,
    /// The command's operands: `new`'s folder, `process`'s input and output.
    pub operands: Vec<PathBuf>,
    pub process: ProcessOptions,
}

/// Parses the arguments after the program name; `Err` is the problem to show
/// above the usage.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut args = args.into_iter();
    let mut parsed = Args {
        command: Command::Build,
        config: None,
        plugins: Vec::new(),
        bundles: None,
        operands: Vec::new(),
        process: ProcessOptions::default(),
    };
    let mut command = None;
    // Process options seen, to refuse them with another command.
    let mut process_only = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => parsed.config = Some(args.next().ok_or("--config needs a path")?.into()),
            "--plugin" => parsed.plugins.push(args.next().ok_or("--plugin needs a plugin name")?),
            "--bundles" => parsed.bundles = Some(args.next().ok_or("--bundles needs a folder")?.into()),
            "-h" | "--help" => return Ok(Args { command: Command::Help, ..parsed }),
            "--format" => {
                let value = args.next().ok_or("--format needs vst3 or clap")?;
                parsed.process.format = Some(match value.as_str() {
                    "vst3" => Format::Vst3,
                    "clap" => Format::Clap,
                    other => return Err(format!("--format takes vst3 or clap, not `{other}`")),
                });
                process_only.get_or_insert("--format");
            }
            "--param" => {
                let value = args.next().ok_or("--param needs ID=VALUE")?;
                let Some((id, number)) = value.split_once('=') else {
                    return Err(format!("--param takes ID=VALUE (e.g. gain=-6), not `{value}`"));
                };
                if id.trim().is_empty() || number.trim().is_empty() {
                    return Err(format!("--param takes ID=VALUE (e.g. gain=-6), not `{value}`"));
                }
                parsed.process.params.push((id.trim().to_string(), number.trim().to_string()));
                process_only.get_or_insert("--param");
            }
            "--sample-rate" => {
                let value = args.next().ok_or("--sample-rate needs a rate in Hz")?;
                let rate = value.parse::<f64>().ok().filter(|r| (8_000.0..=768_000.0).contains(r));
                parsed.process.sample_rate =
                    Some(rate.ok_or(format!("--sample-rate takes a rate from 8000 to 768000 Hz, not `{value}`"))?);
                process_only.get_or_insert("--sample-rate");
            }
            "--block-size" => {
                let value = args.next().ok_or("--block-size needs a number of frames")?;
                let size = value.parse::<usize>().ok().filter(|n| (1..=MAX_BLOCK_SIZE).contains(n));
                parsed.process.block_size = Some(size.ok_or(format!(
                    "--block-size takes a number of frames from 1 to {MAX_BLOCK_SIZE}, not `{value}`"
                ))?);
                process_only.get_or_insert("--block-size");
            }
            "--realtime" => {
                parsed.process.realtime = true;
                process_only.get_or_insert("--realtime");
            }
            "--progress" => {
                parsed.process.progress = true;
                process_only.get_or_insert("--progress");
            }
            name if !name.starts_with('-') && command.is_none() => {
                command = Some(match name {
                    "build" => Command::Build,
                    "install" => Command::Install,
                    "render" => Command::Render,
                    "check" => Command::Check,
                    "validate" => Command::Validate,
                    "new" => Command::New,
                    "process" => Command::Process,
                    other => return Err(format!("unknown command `{other}`")),
                });
            }
            operand if !operand.starts_with('-') && matches!(command, Some(Command::New | Command::Process)) => {
                parsed.operands.push(operand.into());
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    parsed.command = command.unwrap_or(Command::Build);
    if let Some(option) = process_only.filter(|_| parsed.command != Command::Process) {
        return Err(format!("{option} is an option of `process`, not of `{}`", parsed.command.name()));
    }
    match parsed.command {
        Command::New => {
            if parsed.operands.len() != 1 {
                return Err("new takes one folder: `new DIR`".into());
            }
            if parsed.config.is_some() || !parsed.plugins.is_empty() || parsed.bundles.is_some() {
                return Err("new takes only the folder to write: `new DIR`".into());
            }
        }
        Command::Process => {
            if parsed.operands.len() != 2 {
                return Err(
                    "process takes an input file and an output file: `process --plugin NAME INPUT OUTPUT`".into()
                );
            }
            if parsed.plugins.len() != 1 {
                return Err(
                    "process runs one plugin: name it with `--plugin NAME` (or the path of its .vst3 or .clap)".into(),
                );
            }
        }
        _ => {}
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(args: &[&str]) -> Result<Args, String> {
        parse(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn process_takes_its_options_and_two_files() {
        let args = parse_all(&[
            "process",
            "--plugin",
            "WA Gain",
            "in.wav",
            "out.wav",
            "--param",
            "gain=-6",
            "--param",
            "0 = 0.5",
            "--block-size",
            "64",
            "--sample-rate",
            "44100",
            "--format",
            "clap",
            "--realtime",
        ])
        .unwrap();
        assert_eq!(args.command, Command::Process);
        assert_eq!(args.operands, [PathBuf::from("in.wav"), PathBuf::from("out.wav")]);
        assert_eq!(args.process.params, [("gain".into(), "-6".into()), ("0".into(), "0.5".into())]);
        assert_eq!(args.process.block_size, Some(64));
        assert_eq!(args.process.sample_rate, Some(44100.0));
        assert_eq!(args.process.format, Some(Format::Clap));
        assert!(args.process.realtime && !args.process.progress);
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let problem = |args: &[&str]| parse_all(args).unwrap_err();
        assert_eq!(problem(&["build", "--param", "gain=1"]), "--param is an option of `process`, not of `build`");
        assert!(problem(&["process", "--plugin", "x", "in.wav"]).contains("an input file and an output file"));
        assert!(problem(&["process", "in.wav", "out.wav"]).contains("--plugin NAME"));
        assert!(problem(&["process", "--plugin", "x", "a", "b", "--param", "gain"]).contains("ID=VALUE"));
        assert!(problem(&["process", "--plugin", "x", "a", "b", "--block-size", "0"]).contains("from 1 to 8192"));
        assert!(problem(&["process", "--plugin", "x", "a", "b", "--block-size", "9000"]).contains("from 1 to 8192"));
        assert!(problem(&["process", "--plugin", "x", "a", "b", "--sample-rate", "fast"]).contains("8000 to 768000"));
        assert!(problem(&["process", "--plugin", "x", "a", "b", "--format", "vst2"]).contains("vst3 or clap"));
        assert_eq!(problem(&["new"]), "new takes one folder: `new DIR`");
        assert_eq!(problem(&["new", "a", "b"]), "new takes one folder: `new DIR`");
        assert_eq!(problem(&["render", "extra"]), "unexpected argument `extra`");
    }
}
