//! `process`: a built plugin over an audio file, from the command line. The
//! plugin's real `.vst3` or `.clap` library is loaded by the project's own
//! host (`plugin-host`, the one the tests check every plugin with) and run
//! the way a DAW renders a track; the output is a WAV file lined up with the
//! input, in the input's format, its tail rendered until it is silent.

mod audio_file;
mod midi_file;
mod params;
mod progress;
mod session;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap_sys::ext::latency::{CLAP_EXT_LATENCY, clap_plugin_latency};
use clap_sys::ext::params::CLAP_PARAM_IS_READONLY;
use clap_sys::ext::render::{CLAP_EXT_RENDER, clap_plugin_render};
use clap_sys::ext::tail::{CLAP_EXT_TAIL, clap_plugin_tail};
use plugin_host::clap::{ClapModule, c_field};
use plugin_host::vst3::{Module, OFFLINE, REALTIME};

use crate::app::Failure;
use crate::cargo_build;
use crate::cli::{Args, Format};
use crate::config::{Config, Plugin};
use crate::wording::{command_line, count, shell_word};
use audio_file::Encoding;
use midi_file::Note;
use params::Known;
use session::{Job, Rendered};

/// The block size unless `--block-size` says otherwise.
pub const DEFAULT_BLOCK: usize = 512;
/// The rate a MIDI file is rendered at unless `--sample-rate` says otherwise.
pub const DEFAULT_MIDI_RATE: f64 = 48_000.0;
/// Files at least this long show progress on a terminal without `--progress`.
const LONG_SECONDS: f64 = 10.0;
/// The name the host gives itself.
const HOST_NAME: &str = "writeahead generator process";

/// The plugin to run: its library, its format, its name, and its entry in
/// plugins.toml when it has one.
struct Target {
    library: PathBuf,
    format: Format,
    name: String,
    plugin: Option<Plugin>,
}

/// What the input file holds.
enum Input {
    Audio(audio_file::Wav),
    Notes(midi_file::Midi),
}

pub(crate) fn run(args: &Args, config: Option<(&Config, &Path)>, given: Option<&Path>) -> Result<(), Failure> {
    let (input_path, output_path) = (&args.operands[0], &args.operands[1]);
    let target = target(args, config, given)?;
    if input_path == output_path
        || input_path.canonicalize().ok().is_some_and(|a| output_path.canonicalize().ok() == Some(a))
    {
        return Err(Failure::Usage(format!("the output would overwrite the input {}", input_path.display())));
    }
    let options = &args.process;
    let extension = input_path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let (input, rate) = match extension.as_str() {
        "wav" | "wave" => {
            let wav = audio_file::read(input_path).map_err(Failure::Failed)?;
            let rate = f64::from(wav.rate);
            if let Some(asked) = options.sample_rate.filter(|asked| *asked != rate) {
                return Err(Failure::Failed(format!(
                    "{} is at {rate} Hz, not {asked}: process does not resample; leave out --sample-rate, \
                     or convert the file first",
                    input_path.display()
                )));
            }
            (Input::Audio(wav), rate)
        }
        "mid" | "midi" | "smf" => {
            let rate = options.sample_rate.unwrap_or(DEFAULT_MIDI_RATE);
            (Input::Notes(midi_file::read(input_path, rate).map_err(Failure::Failed)?), rate)
        }
        _ => {
            return Err(Failure::Failed(format!(
                "{} is neither a .wav file (for an effect) nor a .mid file (for an instrument)",
                input_path.display()
            )));
        }
    };
    let (input_rows, notes, frames, encoding): (&[Vec<f32>], &[Note], usize, Encoding) = match &input {
        Input::Audio(wav) => (&wav.channels, &[], wav.channels[0].len(), wav.encoding),
        Input::Notes(midi) => (&[], &midi.notes, midi.end, Encoding::Float32),
    };
    let job = Job {
        rate,
        block: options.block_size.unwrap_or(DEFAULT_BLOCK),
        realtime: options.realtime,
        input: input_rows,
        notes,
        frames,
        params: &[],
        silence: encoding.silence(),
    };
    let long = frames as f64 >= LONG_SECONDS * rate && std::io::stderr().is_terminal();
    let label = format!("processing {}", input_path.display());
    let mut bar = progress::Progress::new(options.progress || long, label, frames);
    let rendered = match target.format {
        Format::Vst3 => run_vst3(&target, args, job, &mut |done| bar.update(done)),
        Format::Clap => run_clap(&target, args, job, &mut |done| bar.update(done)),
    }
    .map_err(|problem| Failure::Failed(format!("{}: {problem}; nothing was written", target.name)))?;
    bar.finish();
    let clipped = audio_file::write(output_path, rate as u32, encoding, &rendered.output).map_err(Failure::Failed)?;
    report(&target, args, &rendered, rate, frames, encoding, output_path, clipped);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn report(
    target: &Target,
    args: &Args,
    rendered: &Rendered,
    rate: f64,
    frames: usize,
    encoding: Encoding,
    output: &Path,
    clipped: usize,
) {
    let format = match target.format {
        Format::Vst3 => "VST3",
        Format::Clap => "CLAP",
    };
    let mode = if args.process.realtime { "real time" } else { "offline" };
    let length = rendered.output.first().map_or(0, Vec::len);
    println!(
        "processed {} through {} ({format}, {mode}, {rate} Hz, blocks of {}): latency of {} compensated",
        args.operands[0].display(),
        target.name,
        args.process.block_size.unwrap_or(DEFAULT_BLOCK),
        count(rendered.latency, "frame", "frames"),
    );
    println!(
        "wrote {} ({}, {} ch, {}: the input's {} and a tail of {})",
        output.display(),
        encoding.describe(),
        rendered.output.len(),
        count(length, "frame", "frames"),
        frames,
        count(length - frames.min(length), "frame", "frames"),
    );
    if rendered.cut {
        eprintln!(
            "warning: the tail was still sounding {} s after the input; it is cut there",
            session::MAX_TAIL_SECONDS
        );
    }
    if clipped > 0 {
        eprintln!("warning: {} clipped to full scale", count(clipped, "sample was", "samples were"));
    }
}

/// The plugin `--plugin` names: a `.vst3` or `.clap` path, or a plugin of
/// plugins.toml whose bundle is in the bundles folder.
fn target(args: &Args, config: Option<(&Config, &Path)>, given: Option<&Path>) -> Result<Target, Failure> {
    let wanted = &args.plugins[0];
    let path = Path::new(wanted);
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let by_path = matches!(extension.as_deref(), Some("vst3" | "clap")) || path.exists();
    if by_path {
        let format = match extension.as_deref() {
            Some("vst3") => Format::Vst3,
            Some("clap") => Format::Clap,
            _ => return Err(Failure::Usage(format!("--plugin {wanted}: a plugin's path ends in .vst3 or .clap"))),
        };
        if args.process.format.is_some_and(|asked| asked != format) {
            return Err(Failure::Usage(format!("--plugin {wanted} is not of the --format asked for")));
        }
        if !path.exists() {
            return Err(Failure::Failed(format!("no plugin at {wanted}")));
        }
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let plugin = config.and_then(|(config, _)| config.plugins.iter().find(|p| p.name == name).cloned());
        let library = match format {
            Format::Vst3 => path.join("Contents").join(runtime::bundle::arch_dir()).join(format!("{name}.so")),
            Format::Clap => path.to_path_buf(),
        };
        return Ok(Target { library, format, name, plugin });
    }
    let Some((config, root)) = config else {
        return Err(Failure::Failed(format!(
            "no plugins.toml to look up `{wanted}` in: give the path of its .vst3 or .clap, or run this inside \
             the plugin's project"
        )));
    };
    let Some(plugin) = config.plugins.iter().find(|p| &p.name == wanted || &p.slug == wanted) else {
        let known: Vec<&str> = config.plugins.iter().map(|p| p.name.as_str()).collect();
        return Err(Failure::Usage(format!("no plugin `{wanted}` in plugins.toml; there are: {}", known.join(", "))));
    };
    let built = plugin.formats.extensions();
    let format = match args.process.format {
        Some(format) => format,
        None if built.contains(&"vst3") => Format::Vst3,
        None => Format::Clap,
    };
    let extension = match format {
        Format::Vst3 => "vst3",
        Format::Clap => "clap",
    };
    if !built.contains(&extension) {
        return Err(Failure::Failed(format!(
            "{} is not built as .{extension}: it is built as .{} (formats in plugins.toml)",
            plugin.name,
            built.join(" and .")
        )));
    }
    let bundles = match &args.bundles {
        Some(dir) => dir.clone(),
        None => cargo_build::target_dir(root).map_err(Failure::Failed)?.join("bundles"),
    };
    let bundle = bundles.join(format!("{}.{extension}", plugin.name));
    if !bundle.exists() {
        let build = format!("build --plugin {}", shell_word(&plugin.name));
        return Err(Failure::Failed(format!(
            "no {} in {}: build it first with `{}`",
            bundle.file_name().unwrap_or_default().to_string_lossy(),
            bundles.display(),
            command_line(&build, given)
        )));
    }
    let library = match format {
        Format::Vst3 => bundle.join("Contents").join(runtime::bundle::arch_dir()).join(format!("{}.so", plugin.name)),
        Format::Clap => bundle,
    };
    Ok(Target { library, format, name: plugin.name.clone(), plugin: Some(plugin.clone()) })
}

/// The plugins.toml name of the parameter with `id`, if the plugin has one.
fn key(target: &Target, id: u32) -> Option<String> {
    let plugin = target.plugin.as_ref()?;
    plugin.params.iter().find(|p| p.id == id).map(|p| p.key.clone())
}

/// An effect needs audio and an instrument notes.
fn check_kind(effect: bool, job: &Job<'_>) -> Result<(), String> {
    match (effect, job.input.is_empty()) {
        (true, true) => Err("it is an effect: give it a WAV file".into()),
        (false, false) => Err("it is an instrument: give it a MIDI file".into()),
        _ => Ok(()),
    }
}

fn run_vst3(target: &Target, args: &Args, job: Job<'_>, progress: &mut dyn FnMut(usize)) -> Result<Rendered, String> {
    let module = Module::open(&target.library)?;
    let instance = module.try_create_in(Some(HOST_NAME))?;
    let effect = instance.audio_bus_channels(true).is_some();
    check_kind(effect, &job)?;
    let channels = if effect { job.input.len() } else { instance.audio_bus_channels(false).unwrap_or(2) };
    if instance.offer_channels(effect, channels) != vst3::Steinberg::kResultTrue {
        return Err(format!("it does not take {channels}-channel audio"));
    }
    let known: Vec<Known> = instance
        .params()
        .into_iter()
        .map(|p| Known {
            key: key(target, p.id),
            id: p.id,
            title: p.title,
            units: p.units,
            min: p.min,
            max: p.max,
            read_only: p.read_only,
        })
        .collect();
    let values = params::resolve(&args.process.params, &known, &target.name)?;
    let normalized = values.iter().map(|&(id, value)| (id, instance.normalized(id, value))).collect();
    let mode = if job.realtime { REALTIME } else { OFFLINE };
    let latency = instance.start(mode, job.rate, job.block)?;
    let mut session = session::Vst3 { instance: &instance, mode, latency, normalized };
    let rendered = session::render(&mut session, &Job { params: &values, ..job }, channels, progress);
    let stopped = instance.stop();
    let rendered = rendered?;
    stopped?;
    Ok(rendered)
}

fn run_clap(target: &Target, args: &Args, job: Job<'_>, progress: &mut dyn FnMut(usize)) -> Result<Rendered, String> {
    let module = ClapModule::open(&target.library)?;
    if module.plugin_count() == 0 {
        return Err("its factory lists no plugin".into());
    }
    let instance = module.try_create_in(&module.plugin_id(), HOST_NAME).ok_or("its factory refused to create it")?;
    let effect = !instance.audio_ports(true).is_empty();
    check_kind(effect, &job)?;
    let channels = if effect {
        job.input.len()
    } else {
        instance.audio_ports(false).first().map_or(2, |port| port.channel_count as usize)
    };
    if !instance.select_channels(channels) {
        return Err(format!("it does not take {channels}-channel audio"));
    }
    let known: Vec<Known> = instance
        .param_infos()
        .iter()
        .map(|info| Known {
            key: key(target, info.id),
            id: info.id,
            title: c_field(&info.name),
            units: String::new(),
            min: info.min_value,
            max: info.max_value,
            read_only: info.flags & CLAP_PARAM_IS_READONLY != 0,
        })
        .collect();
    let values = params::resolve(&args.process.params, &known, &target.name)?;
    if instance.extension::<clap_plugin_render>(CLAP_EXT_RENDER).is_some() {
        instance.set_offline(!job.realtime);
    }
    if !instance.activate(job.rate, 1, job.block as u32) {
        return Err(format!("it refused to activate at {} Hz", job.rate));
    }
    let latency = match instance.extension::<clap_plugin_latency>(CLAP_EXT_LATENCY) {
        Some(_) => instance.latency() as usize,
        None => 0,
    };
    let has_tail = instance.extension::<clap_plugin_tail>(CLAP_EXT_TAIL).is_some();
    if !instance.start_processing() {
        instance.deactivate();
        return Err("it refused to start processing".into());
    }
    let mut session = session::Clap { instance: &instance, latency, has_tail };
    let rendered = session::render(&mut session, &Job { params: &values, ..job }, channels, progress);
    instance.stop();
    rendered
}

#[cfg(test)]
mod tests {
    use super::session::Session;
    use super::*;

    /// A processor-free session: output = input + 1 from frame `latency` on,
    /// and a tail of `tail` frames of 0.5 after the input stops.
    struct Fake {
        latency: usize,
        tail: usize,
        t: usize,
        last_input: usize,
    }

    impl Session for Fake {
        fn latency(&self) -> usize {
            self.latency
        }
        fn tail(&self) -> Option<usize> {
            Some(self.tail)
        }
        fn process(
            &mut self,
            input: &[Vec<f32>],
            output: &mut [Vec<f32>],
            frames: usize,
            _notes: &[Note],
            _params: Option<&[(u32, f64)]>,
        ) -> Result<(), String> {
            let _ = input;
            for (i, sample) in output[0][..frames].iter_mut().enumerate() {
                *sample = match (self.t + i).checked_sub(self.latency) {
                    Some(at) if at < self.last_input => at as f32 + 1.0,
                    Some(at) if at < self.last_input + self.tail => 0.5,
                    _ => 0.0,
                };
            }
            self.t += frames;
            Ok(())
        }
    }

    #[test]
    fn the_output_lines_up_with_the_input_and_runs_on_to_the_end_of_the_tail() {
        let input = vec![vec![0.25_f32; 1000]];
        let mut fake = Fake { latency: 300, tail: 700, t: 0, last_input: 1000 };
        let job = Job {
            rate: 48_000.0,
            block: 128,
            realtime: false,
            input: &input,
            notes: &[],
            frames: 1000,
            params: &[],
            silence: 1e-6,
        };
        let rendered = session::render(&mut fake, &job, 1, &mut |_| {}).unwrap();
        let out = &rendered.output[0];
        assert_eq!(out.len(), 1700, "the input's 1000 frames and the 700-frame tail");
        assert_eq!((out[0], out[999]), (1.0, 1000.0), "frame 0 is the input's frame 0: the latency is made up");
        assert_eq!((out[1000], out[1699]), (0.5, 0.5));
        assert_eq!(rendered.latency, 300);
    }
}
