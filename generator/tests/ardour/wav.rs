//! 32-bit float WAV files: written for Ardour's sources, read back from
//! `ardour7-export -b float`.

use std::path::Path;

const FORMAT_FLOAT: u16 = 3;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// KSDATAFORMAT_SUBTYPE_IEEE_FLOAT: the format code 3 in the GUID's first bytes.
const SUBTYPE_FLOAT: [u8; 16] = [3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71];

/// Writes `channels` (one row per channel, equal lengths) interleaved as
/// 32-bit float at `rate`; WAVE_FORMAT_EXTENSIBLE above two channels, as the
/// format asks.
pub fn write(path: &Path, rate: u32, channels: &[Vec<f32>]) {
    let count = channels.len();
    let frames = channels[0].len();
    assert!(count > 0 && channels.iter().all(|c| c.len() == frames), "rows of equal length");
    let block = 4 * count as u16;
    let mut fmt = Vec::new();
    let format = if count > 2 { FORMAT_EXTENSIBLE } else { FORMAT_FLOAT };
    fmt.extend_from_slice(&format.to_le_bytes());
    fmt.extend_from_slice(&(count as u16).to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    fmt.extend_from_slice(&block.to_le_bytes());
    fmt.extend_from_slice(&32_u16.to_le_bytes());
    if format == FORMAT_EXTENSIBLE {
        fmt.extend_from_slice(&22_u16.to_le_bytes());
        fmt.extend_from_slice(&32_u16.to_le_bytes());
        fmt.extend_from_slice(&0_u32.to_le_bytes()); // no speaker positions
        fmt.extend_from_slice(&SUBTYPE_FLOAT);
    } else {
        fmt.extend_from_slice(&0_u16.to_le_bytes());
    }
    let mut data = Vec::with_capacity(frames * count * 4);
    for t in 0..frames {
        for channel in channels {
            data.extend_from_slice(&channel[t].to_le_bytes());
        }
    }
    let mut file = Vec::with_capacity(data.len() + 80);
    file.extend_from_slice(b"RIFF");
    let riff_size = 4 + (8 + fmt.len()) + (8 + 4) + (8 + data.len());
    file.extend_from_slice(&(riff_size as u32).to_le_bytes());
    file.extend_from_slice(b"WAVE");
    chunk(&mut file, b"fmt ", &fmt);
    chunk(&mut file, b"fact", &(frames as u32).to_le_bytes());
    chunk(&mut file, b"data", &data);
    std::fs::write(path, file).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn chunk(file: &mut Vec<u8>, id: &[u8; 4], body: &[u8]) {
    file.extend_from_slice(id);
    file.extend_from_slice(&(body.len() as u32).to_le_bytes());
    file.extend_from_slice(body);
    if body.len() % 2 == 1 {
        file.push(0);
    }
}

/// A float WAV file read back.
pub struct Wav {
    pub rate: u32,
    /// One row per channel.
    pub channels: Vec<Vec<f32>>,
}

/// Reads a 32-bit float WAV file. Errors describe what is wrong or missing,
/// so a truncated file (a writer stopped before finishing its header or its
/// data) is an error, never a shorter signal.
pub fn read(path: &Path) -> Result<Wav, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(format!("{}: not a RIFF WAVE file ({} bytes)", path.display(), bytes.len()));
    }
    let riff_size = u32_at(&bytes, 4) as usize;
    if riff_size + 8 != bytes.len() {
        return Err(format!("{}: RIFF size {} + 8 but the file has {} bytes", path.display(), riff_size, bytes.len()));
    }
    let (mut at, mut format, mut data) = (12, None, None);
    while at + 8 <= bytes.len() {
        let size = u32_at(&bytes, at + 4) as usize;
        let body = bytes.get(at + 8..at + 8 + size).ok_or_else(|| {
            format!(
                "{}: chunk {:?} of {size} bytes runs past the end",
                path.display(),
                String::from_utf8_lossy(&bytes[at..at + 4])
            )
        })?;
        match &bytes[at..at + 4] {
            b"fmt " => format = Some(body),
            b"data" => data = Some(body),
            _ => {}
        }
        at += 8 + size + size % 2;
    }
    let format = format.ok_or_else(|| format!("{}: no fmt chunk", path.display()))?;
    let data = data.ok_or_else(|| format!("{}: no data chunk", path.display()))?;
    if format.len() < 16 {
        return Err(format!("{}: fmt chunk of {} bytes", path.display(), format.len()));
    }
    let code = u16_at(format, 0);
    let count = usize::from(u16_at(format, 2));
    let rate = u32_at(format, 4);
    let bits = u16_at(format, 14);
    let float = code == FORMAT_FLOAT || (code == FORMAT_EXTENSIBLE && format.get(24..40) == Some(&SUBTYPE_FLOAT[..]));
    if !float || bits != 32 || count == 0 {
        return Err(format!("{}: format {code:#x}, {bits} bits, {count} channels: not 32-bit float", path.display()));
    }
    if data.len() % (4 * count) != 0 {
        return Err(format!("{}: {} data bytes are not whole frames of {count} channels", path.display(), data.len()));
    }
    let samples: Vec<f32> = data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let channels = (0..count).map(|c| samples.iter().skip(c).step_by(count).copied().collect()).collect();
    Ok(Wav { rate, channels })
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
