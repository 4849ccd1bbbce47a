//! WAV files in and out (through `hound`): planar `f32` samples, and the
//! file's own format kept, so the output is written the way the input was
//! (16-bit, 24-bit, 32-bit integer or 32-bit float).

use std::path::Path;

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};

/// How a file stores its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Signed integers of this many bits (8 to 32).
    Int(u16),
    Float32,
}

impl Encoding {
    /// The largest magnitude the file stores as zero: half a step of an
    /// integer format (it rounds to 0), -120 dBFS for float.
    pub fn silence(self) -> f32 {
        match self {
            Encoding::Int(bits) => 0.5 / (1u64 << (bits - 1)) as f32,
            Encoding::Float32 => 1e-6,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Encoding::Int(bits) => format!("{bits}-bit"),
            Encoding::Float32 => "32-bit float".into(),
        }
    }
}

/// A decoded file: its rate, its encoding and one row of samples per channel.
pub struct Wav {
    pub rate: u32,
    pub encoding: Encoding,
    pub channels: Vec<Vec<f32>>,
}

/// Reads a WAV file; integer samples are scaled to -1..1 (full scale is 1).
pub fn read(path: &Path) -> Result<Wav, String> {
    let problem = |err: hound::Error| format!("{} is not a WAV file this can read: {err}", path.display());
    let reader = WavReader::open(path).map_err(problem)?;
    let spec = reader.spec();
    let count = usize::from(spec.channels);
    if count == 0 {
        return Err(format!("{} has no channels", path.display()));
    }
    let (encoding, interleaved): (Encoding, Vec<f32>) = match spec.sample_format {
        SampleFormat::Float if spec.bits_per_sample == 32 => {
            (Encoding::Float32, reader.into_samples::<f32>().collect::<Result<_, _>>().map_err(problem)?)
        }
        SampleFormat::Float => {
            return Err(format!(
                "{} holds {}-bit float samples: only 32-bit float, or 8- to 32-bit integer, is read",
                path.display(),
                spec.bits_per_sample
            ));
        }
        SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f64;
            let samples = reader.into_samples::<i32>().map(|s| s.map(|s| (f64::from(s) * scale) as f32));
            (Encoding::Int(spec.bits_per_sample), samples.collect::<Result<_, _>>().map_err(problem)?)
        }
    };
    let mut channels = vec![Vec::with_capacity(interleaved.len() / count); count];
    for frame in interleaved.chunks(count) {
        for (channel, sample) in channels.iter_mut().zip(frame) {
            channel.push(*sample);
        }
    }
    Ok(Wav { rate: spec.sample_rate, encoding, channels })
}

/// Writes `channels` to `path` at `rate` in `encoding`, through a file next
/// to it renamed into place (a failed write leaves no half file). Integer
/// output is rounded and clipped to full scale; returns how many samples
/// were clipped.
pub fn write(path: &Path, rate: u32, encoding: Encoding, channels: &[Vec<f32>]) -> Result<usize, String> {
    let (bits_per_sample, sample_format) = match encoding {
        Encoding::Int(bits) => (bits, SampleFormat::Int),
        Encoding::Float32 => (32, SampleFormat::Float),
    };
    let spec = WavSpec { channels: channels.len() as u16, sample_rate: rate, bits_per_sample, sample_format };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let failed = |err: hound::Error| format!("cannot write {}: {err}", path.display());
    let mut writer = WavWriter::create(&partial, spec).map_err(failed)?;
    let frames = channels.first().map_or(0, Vec::len);
    let mut clipped = 0;
    let written: Result<(), hound::Error> = (|| {
        for t in 0..frames {
            for channel in channels {
                match encoding {
                    Encoding::Float32 => writer.write_sample(channel[t])?,
                    Encoding::Int(bits) => {
                        let full = (1i64 << (bits - 1)) as f64;
                        let scaled = (f64::from(channel[t]) * full).round();
                        let value = scaled.clamp(-full, full - 1.0);
                        clipped += usize::from(value != scaled);
                        writer.write_sample(value as i32)?;
                    }
                }
            }
        }
        writer.finalize()
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(err));
    }
    std::fs::rename(&partial, path).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(clipped)
}
