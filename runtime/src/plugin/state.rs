//! The saved state: parameter values only, versioned, little-endian.
//!
//! Layout: `b"WAHD"`, format version (u32), parameter count (u32), then per
//! parameter its id (u32) and normalized value (f64). Telemetry is never saved.
//! Parsing is strict: anything else is refused and nothing changes.
//!
//! Compatibility: a state names its parameters by id, so it survives a
//! plugin update that adds, removes or reorders parameters (the plugin skips
//! ids it no longer has and sets the ones the state lacks to their defaults).
//! A state in another format version (one from a newer release) is refused,
//! never half read. States saved by release 0.1.0 are kept as test fixtures
//! in `generator/tests/fixtures/states/0.1.0`.

/// Identifies our state among whatever a host may hand over.
const MAGIC: &[u8; 4] = b"WAHD";
/// Bumped whenever the layout changes.
pub(crate) const VERSION: u32 = 1;
/// Larger streams are not ours (a few thousand parameters at most).
pub(crate) const MAX_BYTES: usize = 1 << 16;

/// Serializes `(id, normalized value)` pairs.
pub(crate) fn encode(values: impl ExactSizeIterator<Item = (u32, f64)>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(12 + values.len() * 12);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for (id, value) in values {
        bytes.extend_from_slice(&id.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes
}

/// Why a state was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateError {
    NotOurs,
    Version(u32),
    Truncated,
    BadValue,
}

/// Parses a state into `(id, normalized value)` pairs, all finite and in 0..=1.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<(u32, f64)>, StateError> {
    let header = bytes.get(..12).ok_or(StateError::Truncated)?;
    if &header[..4] != MAGIC {
        return Err(StateError::NotOurs);
    }
    let version = u32::from_le_bytes(header[4..8].try_into().unwrap_or_default());
    if version != VERSION {
        return Err(StateError::Version(version));
    }
    let count = u32::from_le_bytes(header[8..12].try_into().unwrap_or_default()) as usize;
    let body = &bytes[12..];
    if body.len() != count.checked_mul(12).ok_or(StateError::Truncated)? {
        return Err(StateError::Truncated);
    }
    body.chunks_exact(12)
        .map(|entry| {
            let id = u32::from_le_bytes(entry[..4].try_into().unwrap_or_default());
            let value = f64::from_le_bytes(entry[4..].try_into().unwrap_or_default());
            if value.is_finite() && (0.0..=1.0).contains(&value) { Ok((id, value)) } else { Err(StateError::BadValue) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_byte_for_byte() {
        let bytes = encode([(1, 0.25), (0x7FFF_0001, 1.0)].into_iter());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded, vec![(1, 0.25), (0x7FFF_0001, 1.0)]);
        assert_eq!(encode(decoded.into_iter()), bytes);
    }

    #[test]
    fn refuses_anything_else() {
        let bytes = encode([(1, 0.25)].into_iter());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        let mut foreign = bytes.clone();
        foreign[0] = b'X';
        assert_eq!(decode(&foreign), Err(StateError::NotOurs));
        let mut future = bytes.clone();
        future[4] = 2;
        assert_eq!(decode(&future), Err(StateError::Version(2)));
        let mut nan = bytes.clone();
        nan[16..24].copy_from_slice(&f64::NAN.to_le_bytes());
        assert_eq!(decode(&nan), Err(StateError::BadValue));
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(decode(&longer), Err(StateError::Truncated));
    }
}
