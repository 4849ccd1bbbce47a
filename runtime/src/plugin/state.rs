//! The saved state: parameter values and, for a plugin that plays from a file
//! (a [`super::FileSlot`]), the file's path; versioned, little-endian.
//!
//! Layout: `b"WAHD"`, format version (u32), parameter count (u32), then per
//! parameter its id (u32) and normalized value (f64). Version 2 adds the
//! file: its path's length in bytes (u32; 0 for the file built into the
//! plugin) and the path in UTF-8. A plugin without a file writes version 1,
//! so its states stay what they were. Telemetry is never saved. Parsing is
//! strict: anything else is refused and nothing changes.
//!
//! Compatibility: a state names its parameters by id, so it survives a
//! plugin update that adds, removes or reorders parameters (the plugin skips
//! ids it no longer has and sets the ones the state lacks to their defaults).
//! A state in another format version (one from a newer release) is refused,
//! never half read. A version 1 state names no file: a plugin with one plays
//! its built-in file after loading it, as it sets parameters the state lacks
//! to their defaults. States saved by release 0.1.0 are kept as test fixtures
//! in `generator/tests/fixtures/states/0.1.0`.

/// Identifies our state among whatever a host may hand over.
const MAGIC: &[u8; 4] = b"WAHD";
/// Parameters only.
pub(crate) const VERSION: u32 = 1;
/// Parameters and a file's path. Bumped whenever the layout changes.
pub(crate) const VERSION_WITH_FILE: u32 = 2;
/// Larger streams are not ours (a few thousand parameters at most, and a
/// path).
pub(crate) const MAX_BYTES: usize = 1 << 16;

/// What a plugin with a file saves about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileEntry<'a> {
    /// The plugin has no file: the state is version 1.
    None,
    /// The file built into the plugin.
    BuiltIn,
    /// A file by its path.
    Path(&'a str),
}

/// Serializes `(id, normalized value)` pairs, and the file.
pub(crate) fn encode(values: impl ExactSizeIterator<Item = (u32, f64)>, file: FileEntry<'_>) -> Vec<u8> {
    let path = match file {
        FileEntry::None => None,
        FileEntry::BuiltIn => Some(""),
        // A path past the limit is not saved (it could not be read back).
        FileEntry::Path(path) if path.len() > crate::limits::MAX_IR_PATH_BYTES => Some(""),
        FileEntry::Path(path) => Some(path),
    };
    let version = if path.is_some() { VERSION_WITH_FILE } else { VERSION };
    let mut bytes = Vec::with_capacity(12 + values.len() * 12 + path.map_or(0, |p| 4 + p.len()));
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&version.to_le_bytes());
    bytes.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for (id, value) in values {
        bytes.extend_from_slice(&id.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    if let Some(path) = path {
        bytes.extend_from_slice(&(path.len() as u32).to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
    }
    bytes
}

/// The entry for a plugin's file slot's choice: `None` when it has no slot,
/// `Some(None)` for the built-in file.
pub(crate) fn file_entry(chosen: &Option<Option<String>>) -> FileEntry<'_> {
    match chosen {
        None => FileEntry::None,
        Some(None) => FileEntry::BuiltIn,
        Some(Some(path)) => FileEntry::Path(path),
    }
}

/// A state as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decoded {
    /// `(id, normalized value)` pairs, all finite and in 0..=1.
    pub(crate) values: Vec<(u32, f64)>,
    /// The file's path; `None`: the built-in file (also for a version 1
    /// state, which names none).
    pub(crate) file: Option<String>,
}

/// Why a state was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateError {
    NotOurs,
    Version(u32),
    Truncated,
    BadValue,
}

/// Parses a state.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, StateError> {
    let header = bytes.get(..12).ok_or(StateError::Truncated)?;
    if &header[..4] != MAGIC {
        return Err(StateError::NotOurs);
    }
    let version = u32::from_le_bytes(header[4..8].try_into().unwrap_or_default());
    if version != VERSION && version != VERSION_WITH_FILE {
        return Err(StateError::Version(version));
    }
    let count = u32::from_le_bytes(header[8..12].try_into().unwrap_or_default()) as usize;
    let values_end = count.checked_mul(12).and_then(|n| n.checked_add(12)).ok_or(StateError::Truncated)?;
    let body = bytes.get(12..values_end).ok_or(StateError::Truncated)?;
    let rest = &bytes[values_end..];
    let file = if version == VERSION {
        if !rest.is_empty() {
            return Err(StateError::Truncated);
        }
        None
    } else {
        let len = rest.get(..4).ok_or(StateError::Truncated)?;
        let len = u32::from_le_bytes(len.try_into().unwrap_or_default()) as usize;
        if len > crate::limits::MAX_IR_PATH_BYTES || rest.len() != 4 + len {
            return Err(StateError::Truncated);
        }
        let path = std::str::from_utf8(&rest[4..]).map_err(|_| StateError::BadValue)?;
        (!path.is_empty()).then(|| path.to_string())
    };
    let values = decode_values(body)?;
    Ok(Decoded { values, file })
}

fn decode_values(body: &[u8]) -> Result<Vec<(u32, f64)>, StateError> {
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
        let bytes = encode([(1, 0.25), (0x7FFF_0001, 1.0)].into_iter(), FileEntry::None);
        assert_eq!(bytes[4], 1, "no file: version 1, as before files");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.values, vec![(1, 0.25), (0x7FFF_0001, 1.0)]);
        assert_eq!(decoded.file, None);
        assert_eq!(encode(decoded.values.into_iter(), FileEntry::None), bytes);
    }

    #[test]
    fn a_file_path_round_trips_in_version_2() {
        for (entry, file) in
            [(FileEntry::Path("/irs/hall é.wav"), Some("/irs/hall é.wav".to_string())), (FileEntry::BuiltIn, None)]
        {
            let bytes = encode([(1, 0.25)].into_iter(), entry);
            assert_eq!(bytes[4], 2);
            let decoded = decode(&bytes).unwrap();
            assert_eq!((decoded.values.as_slice(), &decoded.file), (&[(1, 0.25)][..], &file));
            let again = encode(decoded.values.into_iter(), file.as_deref().map_or(FileEntry::BuiltIn, FileEntry::Path));
            assert_eq!(again, bytes, "{entry:?}");
            for cut in 12..bytes.len() {
                assert!(decode(&bytes[..cut]).is_err(), "{entry:?} truncated at {cut}");
            }
        }
        let mut not_utf8 = encode([].into_iter(), FileEntry::Path("ab"));
        *not_utf8.last_mut().unwrap() = 0xFF;
        assert_eq!(decode(&not_utf8), Err(StateError::BadValue));
        let long = "x".repeat(crate::limits::MAX_IR_PATH_BYTES + 1);
        assert_eq!(decode(&encode([].into_iter(), FileEntry::Path(&long))).unwrap().file, None, "not saved");
    }

    #[test]
    fn refuses_anything_else() {
        let bytes = encode([(1, 0.25)].into_iter(), FileEntry::None);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        let mut foreign = bytes.clone();
        foreign[0] = b'X';
        assert_eq!(decode(&foreign), Err(StateError::NotOurs));
        let mut future = bytes.clone();
        future[4] = 3;
        assert_eq!(decode(&future), Err(StateError::Version(3)));
        let mut nan = bytes.clone();
        nan[16..24].copy_from_slice(&f64::NAN.to_le_bytes());
        assert_eq!(decode(&nan), Err(StateError::BadValue));
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(decode(&longer), Err(StateError::Truncated));
    }
}
