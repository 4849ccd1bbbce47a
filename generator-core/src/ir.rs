//! `ir`: the impulse response of a `dsp = "convolver"` plugin, a WAVE file
//! relative to plugins.toml's folder (mono, stereo, or true stereo in four
//! channels), embedded in the plugin's library at build time.
//!
//! Two steps, both reported at the `ir` value's line and column:
//! - `read`, while parsing (no disk): the key belongs to a convolver, and
//!   the path is relative and stays inside the folder (no `..` leading out,
//!   no absolute path), so nothing plugins.toml says makes the generator
//!   read outside its folder;
//! - [`check_files`], once the file parsed: each file is read (with `hound`)
//!   and refused when missing, not WAVE, empty, past the limits of
//!   [`runtime::limits`], holding NaN or infinity, or of another channel
//!   count than 1, 2 or 4; and the runtime's own reader, which the plugin
//!   decodes it with, must take it too.

use std::io::Read as _;
use std::ops::Range;
use std::path::Path;

use runtime::dsp::convolver::ImpulseResponse;
use runtime::limits::{MAX_IR_FILE_BYTES, MAX_IR_SECONDS};
use toml::de::DeValue;

use crate::config::{Config, Dsp, Table};
use crate::diagnostic::Diagnostic;

/// A plugin's impulse response as plugins.toml names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrFile {
    /// Relative to plugins.toml's folder, `/`-separated, without `.` or
    /// `..` components: `irs/hall.wav`.
    pub path: String,
    /// Where the value is in plugins.toml.
    pub span: Range<usize>,
}

impl IrFile {
    /// The file's name (its last component), as the editor shows it.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

const PATH_HINT: &str = "a WAVE file inside plugins.toml's folder, relative to it, e.g. ir = \"irs/hall.wav\"";

/// Reads `ir` from a plugin's table: required for a convolver, refused for
/// any other DSP. `dsp` is the plugin's DSP, if known.
pub(crate) fn read(table: &Table<'_>, dsp: Option<Dsp>, errors: &mut Vec<Diagnostic>) -> Option<IrFile> {
    let value = table.get("ir");
    match (dsp, value) {
        (Some(Dsp::Convolver), None) => {
            errors.push(
                Diagnostic::new(
                    table.span.start..table.span.start,
                    "missing `ir`: a convolver needs an impulse response",
                )
                .hint(PATH_HINT),
            );
            return None;
        }
        (Some(dsp), Some(value)) if dsp != Dsp::Convolver => {
            errors.push(
                Diagnostic::new(value.span(), format!("dsp `{}` has no impulse response", dsp.name()))
                    .hint("`ir` is for dsp = \"convolver\"; remove it"),
            );
            return None;
        }
        _ => {}
    }
    let value = value?;
    let DeValue::String(text) = value.get_ref() else {
        errors.push(Diagnostic::new(value.span(), "`ir` must be a path in quotes").hint(PATH_HINT));
        return None;
    };
    match normalize(text) {
        Ok(path) => Some(IrFile { path, span: value.span() }),
        Err(problem) => {
            errors.push(Diagnostic::new(value.span(), problem).hint(PATH_HINT));
            None
        }
    }
}

/// `text` as a path inside the folder: `/`-separated normal components, or
/// why it is not one.
fn normalize(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("the impulse response's path is empty".into());
    }
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err("the impulse response's path has a control character or a backslash".into());
    }
    if text.starts_with('/') || text.starts_with('~') {
        return Err(format!("`{text}` is not relative to plugins.toml's folder"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{text}` leads out of plugins.toml's folder"));
                }
            }
            part => parts.push(part),
        }
    }
    let Some(last) = parts.last() else { return Err(format!("`{text}` names a folder, not a file")) };
    if !last.to_ascii_lowercase().ends_with(".wav") {
        return Err(format!("`{text}` is not a .wav file"));
    }
    Ok(parts.join("/"))
}

/// What a valid impulse response file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub channels: usize,
    pub frames: usize,
    pub sample_rate: u32,
}

/// Reads every plugin's impulse response in `dir` (plugins.toml's folder);
/// a diagnostic at its `ir` value for each that cannot be used.
pub fn check_files(config: &Config, dir: &Path) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for ir in config.plugins.iter().filter_map(|plugin| plugin.ir.as_ref()) {
        if let Err((message, hint)) = read_file(dir, &ir.path) {
            errors.push(Diagnostic::new(ir.span.clone(), format!("`{}`: {message}", ir.path)).hint(hint));
        }
    }
    errors
}

/// Reads and checks one file; on a problem, the message and a hint.
pub fn read_file(dir: &Path, path: &str) -> Result<Summary, (String, String)> {
    let fix = "paths are relative to plugins.toml's folder".to_string();
    let full = dir.join(path);
    let (Ok(folder), Ok(file)) = (dir.canonicalize(), full.canonicalize()) else {
        let why = std::fs::metadata(&full).err().map_or("cannot be read".to_string(), |err| err.to_string());
        return Err((why, fix));
    };
    if !file.starts_with(&folder) {
        return Err((
            "a symbolic link leads out of plugins.toml's folder".into(),
            "copy the file into the folder: the generator reads nothing outside it".into(),
        ));
    }
    let bytes = read_limited(&file).map_err(|err| (format!("cannot be read: {err}"), fix.clone()))?;
    if bytes.len() as u64 > MAX_IR_FILE_BYTES {
        return Err((
            format!("the file is larger than {} MiB", MAX_IR_FILE_BYTES >> 20),
            format!("an impulse response is at most {MAX_IR_SECONDS} s; shorten it or lower its rate"),
        ));
    }
    let wav_hint = "export it as WAVE: 8- to 32-bit integer PCM or 32-bit float".to_string();
    let reader = hound::WavReader::new(std::io::Cursor::new(&bytes))
        .map_err(|err| (format!("not a WAVE file the generator can read ({err})"), wav_hint.clone()))?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    if ![1, 2, 4].contains(&channels) {
        return Err((
            format!("{channels} channels: an impulse response has 1 (mono), 2 (stereo) or 4 (true stereo)"),
            "true stereo is four channels: left to left, left to right, right to left, right to right".into(),
        ));
    }
    if spec.sample_rate == 0 {
        return Err(("the sample rate is 0".into(), wav_hint));
    }
    let samples = decode(reader).map_err(|err| (format!("the samples cannot be read ({err})"), wav_hint.clone()))?;
    let frames = samples.len() / channels;
    if frames == 0 {
        return Err(("the file has no samples".into(), "an impulse response needs at least one frame".into()));
    }
    if frames as f64 > MAX_IR_SECONDS * f64::from(spec.sample_rate) {
        return Err((
            format!("{:.1} s is longer than {MAX_IR_SECONDS} s", frames as f64 / f64::from(spec.sample_rate)),
            "shorten the response: its tail is far below hearing long before that".into(),
        ));
    }
    if let Some(at) = samples.iter().position(|s| !s.is_finite()) {
        return Err((
            format!("sample {} of channel {} is {}", at / channels, at % channels, samples[at]),
            "an impulse response must hold numbers only: export it again".into(),
        ));
    }
    // The plugin decodes the embedded file with the runtime's reader.
    ImpulseResponse::from_wav(&bytes).map_err(|err| (format!("the plugin could not decode it: {err}"), wav_hint))?;
    Ok(Summary { channels, frames, sample_rate: spec.sample_rate })
}

/// The file's bytes, at most one past the limit (enough to tell it is over).
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_IR_FILE_BYTES {
        return Ok(vec![0; MAX_IR_FILE_BYTES as usize + 1]);
    }
    let mut bytes = Vec::new();
    file.take(MAX_IR_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Every sample as f32, integers scaled to -1..1.
fn decode<R: std::io::Read>(mut reader: hound::WavReader<R>) -> hound::Result<Vec<f32>> {
    let spec = reader.spec();
    match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / f64::from(1_u32 << (spec.bits_per_sample.clamp(1, 32) - 1));
            reader.samples::<i32>().map(|s| s.map(|s| (f64::from(s) * scale) as f32)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        assert_eq!(normalize("irs/hall.wav").unwrap(), "irs/hall.wav");
        assert_eq!(normalize("./irs//x/../hall.WAV").unwrap(), "irs/hall.WAV");
        for bad in ["", "/etc/hall.wav", "~/hall.wav", "../hall.wav", "irs/../../hall.wav", "irs/", "irs/hall.txt"] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
        assert!(normalize("irs\\hall.wav").is_err());
        assert!(normalize("irs/\nhall.wav").is_err());
    }
}
