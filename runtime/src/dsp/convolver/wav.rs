//! A small RIFF/WAVE reader for impulse responses: integer PCM (8, 16, 24, 32
//! bits), IEEE float (32, 64 bits), plain or `WAVE_FORMAT_EXTENSIBLE`. Only the
//! `fmt ` and `data` chunks are read; others are skipped.

use super::ir::IrError;

/// Interleaved samples as decoded.
pub(crate) struct Decoded {
    pub(crate) sample_rate: f64,
    pub(crate) channels: usize,
    pub(crate) samples: Vec<f32>,
}

const PCM: u16 = 1;
const FLOAT: u16 = 3;
const EXTENSIBLE: u16 = 0xFFFE;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

struct Format {
    tag: u16,
    channels: usize,
    sample_rate: u32,
    bits: u16,
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, IrError> {
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(IrError::NotWav);
    }
    let mut format = None;
    let mut data = None;
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_at(bytes, at + 4).ok_or(IrError::NotWav)? as usize;
        let body = at + 8;
        // A data chunk whose size runs past the end (a file cut short, or
        // written while streaming) is read as far as it goes.
        let end = body.saturating_add(size).min(bytes.len());
        match id {
            b"fmt " => format = Some(read_format(&bytes[body..end])?),
            b"data" => data = Some(&bytes[body..end]),
            _ => {}
        }
        // Chunks are padded to an even size.
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    let (Some(format), Some(data)) = (format, data) else { return Err(IrError::NotWav) };
    if format.channels == 0 {
        return Err(IrError::Channels(0));
    }
    let width = usize::from(format.bits / 8);
    let frame = width * format.channels;
    let frames = data.len() / frame;
    let data = &data[..frames * frame];
    let samples: Vec<f32> = match (format.tag, format.bits) {
        (PCM, 8) => data.iter().map(|b| (f32::from(*b) - 128.0) / 128.0).collect(),
        (PCM, 16) => data.chunks_exact(2).map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0).collect(),
        (PCM, 24) => data
            .chunks_exact(3)
            .map(|b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0)
            .collect(),
        (PCM, 32) => data
            .chunks_exact(4)
            .map(|b| (f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])) / 2_147_483_648.0) as f32)
            .collect(),
        (FLOAT, 32) => data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        (FLOAT, 64) => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32)
            .collect(),
        (tag, bits) => return Err(IrError::Encoding { format: tag, bits }),
    };
    Ok(Decoded { sample_rate: f64::from(format.sample_rate), channels: format.channels, samples })
}

fn read_format(chunk: &[u8]) -> Result<Format, IrError> {
    let tag = u16_at(chunk, 0).ok_or(IrError::NotWav)?;
    let channels = usize::from(u16_at(chunk, 2).ok_or(IrError::NotWav)?);
    let sample_rate = u32_at(chunk, 4).ok_or(IrError::NotWav)?;
    let bits = u16_at(chunk, 14).ok_or(IrError::NotWav)?;
    // WAVE_FORMAT_EXTENSIBLE names the real encoding in the first two bytes
    // of its sub-format GUID, at offset 24.
    let tag = if tag == EXTENSIBLE { u16_at(chunk, 24).ok_or(IrError::NotWav)? } else { tag };
    if sample_rate == 0 {
        return Err(IrError::SampleRate);
    }
    Ok(Format { tag, channels, sample_rate, bits })
}

/// Encodes interleaved samples as a 32-bit float WAVE file: for tests and for
/// writing a generated response out.
pub fn encode_f32(sample_rate: u32, channels: u16, samples: &[f32]) -> Vec<u8> {
    let data_len = (samples.len() * 4) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 4);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16_u32.to_le_bytes());
    out.extend_from_slice(&FLOAT.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * u32::from(channels) * 4).to_le_bytes());
    out.extend_from_slice(&(channels * 4).to_le_bytes());
    out.extend_from_slice(&32_u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcm16(channels: u16, samples: &[i16]) -> Vec<u8> {
        let mut out = encode_f32(44_100, channels, &[]);
        out[20..22].copy_from_slice(&PCM.to_le_bytes());
        out[32..34].copy_from_slice(&(channels * 2).to_le_bytes());
        out[34..36].copy_from_slice(&16_u16.to_le_bytes());
        let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        out[40..44].copy_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn float_files_round_trip() {
        let samples = [0.5_f32, -0.25, 1.0, 0.0, 0.125, -1.0, 0.75, 0.3];
        let decoded = decode(&encode_f32(48_000, 4, &samples)).unwrap();
        assert_eq!((decoded.sample_rate, decoded.channels), (48_000.0, 4));
        assert_eq!(decoded.samples, samples);
    }

    #[test]
    fn sixteen_bit_pcm_scales_to_unity() {
        let decoded = decode(&pcm16(2, &[16_384, -32_768, 0, 32_767])).unwrap();
        assert_eq!(decoded.samples, [0.5, -1.0, 0.0, 32_767.0 / 32_768.0]);
    }

    #[test]
    fn other_files_are_refused() {
        assert!(matches!(decode(b"RIFF\0\0\0\0AVI "), Err(IrError::NotWav)));
        let mut adpcm = pcm16(1, &[1, 2]);
        adpcm[20..22].copy_from_slice(&2_u16.to_le_bytes());
        assert!(matches!(decode(&adpcm), Err(IrError::Encoding { format: 2, bits: 16 })));
    }
}
