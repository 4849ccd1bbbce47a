//! [`ImpulseResponse`]: a response as decoded, at its own sample rate, before
//! it is resampled to the session's rate, routed and transformed.

use std::path::Path;

use super::resample;
use super::routing::Routing;
use super::wav;

/// The longest response, in seconds at its own rate (see
/// [`crate::limits::MAX_IR_SECONDS`]).
pub const MAX_SECONDS: f64 = crate::limits::MAX_IR_SECONDS;

/// Why a response could not be made or loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IrError {
    /// The file could not be read.
    Io(std::io::ErrorKind),
    /// Not a RIFF/WAVE file, or a chunk runs past the end.
    NotWav,
    /// A WAVE encoding other than 8/16/24/32-bit integer or 32/64-bit float.
    Encoding { format: u16, bits: u16 },
    /// Not 1, 2 or 4 channels.
    Channels(usize),
    /// Channels of different lengths.
    Ragged,
    /// No frames.
    Empty,
    /// More than [`MAX_SECONDS`].
    TooLong { frames: usize },
    /// A sample rate that is not finite and positive.
    SampleRate,
    /// A NaN or infinite sample.
    NonFinite,
    /// A file larger than [`crate::limits::MAX_IR_FILE_BYTES`].
    TooLarge { bytes: u64 },
}

impl std::fmt::Display for IrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(kind) => write!(f, "the impulse response could not be read: {kind}"),
            Self::NotWav => write!(f, "not a RIFF/WAVE file"),
            Self::Encoding { format, bits } => write!(f, "unsupported WAVE encoding: format {format}, {bits} bits"),
            Self::Channels(n) => write!(f, "{n} channels: an impulse response has 1, 2 or 4 (true stereo)"),
            Self::Ragged => write!(f, "the channels differ in length"),
            Self::Empty => write!(f, "the impulse response has no frames"),
            Self::TooLong { frames } => write!(f, "{frames} frames is longer than {MAX_SECONDS} s"),
            Self::SampleRate => write!(f, "the sample rate is not a positive number"),
            Self::NonFinite => write!(f, "the impulse response holds NaN or infinity"),
            Self::TooLarge { bytes } => write!(
                f,
                "{bytes} bytes is larger than the {} MiB an impulse response file may have",
                crate::limits::MAX_IR_FILE_BYTES >> 20
            ),
        }
    }
}

impl std::error::Error for IrError {}

/// An impulse response: 1 (mono), 2 (stereo) or 4 (true stereo: LL, LR, RL,
/// RR) planar channels of one length, at a sample rate.
///
/// Its samples are used as they are: no normalisation. A response's level is
/// part of it (a cabinet response may be meant to cut or boost), and the
/// convolver's output gain sets the level. Resampling keeps the frequency
/// response, DC gain included (see [`ImpulseResponse::resampled`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ImpulseResponse {
    sample_rate: f64,
    channels: Vec<Vec<f32>>,
}

impl ImpulseResponse {
    /// Checks and takes planar channels.
    pub fn new(sample_rate: f64, channels: Vec<Vec<f32>>) -> Result<Self, IrError> {
        if !(sample_rate.is_finite() && sample_rate > 0.0) {
            return Err(IrError::SampleRate);
        }
        if Routing::of(channels.len()).is_none() {
            return Err(IrError::Channels(channels.len()));
        }
        let frames = channels[0].len();
        if channels.iter().any(|c| c.len() != frames) {
            return Err(IrError::Ragged);
        }
        if frames == 0 {
            return Err(IrError::Empty);
        }
        if frames as f64 > MAX_SECONDS * sample_rate {
            return Err(IrError::TooLong { frames });
        }
        if channels.iter().flatten().any(|s| !s.is_finite()) {
            return Err(IrError::NonFinite);
        }
        Ok(Self { sample_rate, channels })
    }

    /// Interleaved frames of `channels` channels to a response.
    pub fn from_interleaved(sample_rate: f64, channels: usize, samples: &[f32]) -> Result<Self, IrError> {
        if Routing::of(channels).is_none() {
            return Err(IrError::Channels(channels));
        }
        if !samples.len().is_multiple_of(channels) {
            return Err(IrError::Ragged);
        }
        let planar = (0..channels).map(|c| samples.iter().skip(c).step_by(channels).copied().collect()).collect();
        Self::new(sample_rate, planar)
    }

    /// Decodes a WAVE file's bytes (integer PCM of 8 to 32 bits or float of 32
    /// or 64 bits; 1, 2 or 4 channels).
    pub fn from_wav(bytes: &[u8]) -> Result<Self, IrError> {
        let decoded = wav::decode(bytes)?;
        Self::from_interleaved(decoded.sample_rate, decoded.channels, &decoded.samples)
    }

    /// Reads and decodes a WAVE file: a stall (file I/O), for a loader
    /// thread or the worker, never the audio thread.
    /// A file past [`crate::limits::MAX_IR_FILE_BYTES`] is refused before
    /// any of it is read.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, IrError> {
        use std::io::Read as _;
        let file = std::fs::File::open(path).map_err(|e| IrError::Io(e.kind()))?;
        let limit = crate::limits::MAX_IR_FILE_BYTES;
        if let Ok(metadata) = file.metadata()
            && metadata.len() > limit
        {
            return Err(IrError::TooLarge { bytes: metadata.len() });
        }
        let mut bytes = Vec::new();
        // One byte past the limit tells a file that is too large (its length
        // as the file system reports it may be wrong for special files).
        file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| IrError::Io(e.kind()))?;
        if bytes.len() as u64 > limit {
            return Err(IrError::TooLarge { bytes: bytes.len() as u64 });
        }
        Self::from_wav(&bytes)
    }

    /// A single tap of 1.0: the response that changes nothing.
    pub fn identity(sample_rate: f64) -> Self {
        Self {
            sample_rate: if sample_rate.is_finite() && sample_rate > 0.0 { sample_rate } else { 48_000.0 },
            channels: vec![vec![1.0]],
        }
    }

    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Frames per channel.
    pub fn len(&self) -> usize {
        self.channels[0].len()
    }

    /// Never true: a response has at least one frame.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    pub fn routing(&self) -> Routing {
        Routing::of(self.channels.len()).unwrap_or(Routing::Mono)
    }

    pub fn channels(&self) -> &[Vec<f32>] {
        &self.channels
    }

    /// The response at `sample_rate` (a copy when the rate is already that):
    /// each channel through the windowed-sinc resampler of [`resample`],
    /// scaled by the ratio of the rates so the convolution's gain stays what
    /// it was (a response at twice the rate has twice the taps for the same
    /// sound). The length becomes `ceil(len * new / old)`.
    pub fn resampled(&self, sample_rate: f64) -> Self {
        if sample_rate == self.sample_rate || !(sample_rate.is_finite() && sample_rate > 0.0) {
            return self.clone();
        }
        let channels = self.channels.iter().map(|c| resample::resample(c, self.sample_rate, sample_rate)).collect();
        Self { sample_rate, channels }
    }
}
