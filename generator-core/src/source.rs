//! The bytes of plugins.toml, before any TOML is parsed: a size ceiling and
//! UTF-8 decoding. Each refusal is a [`Diagnostic`] with its place, shown like
//! every other error in the file.

use std::fs::File;
use std::io::{self, Read as _};
use std::path::Path;

use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::limits::MAX_FILE_BYTES;

/// Why a file was refused: its diagnostics and the text they point into (the
/// file as read, with any byte that is not UTF-8 shown as U+FFFD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `path`, at most one byte past [`MAX_FILE_BYTES`]: enough for
/// [`load`] to tell that a file is too large without reading all of it.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Decodes and validates the bytes of a plugins.toml.
pub fn load(bytes: &[u8]) -> Result<Config, Rejected> {
    let text = decode(bytes)?;
    config::parse(text).map_err(|diagnostics| Rejected { source: text.to_string(), diagnostics })
}

/// [`load`] for a plugins.toml in `dir`, whose files it names (impulse
/// responses) are read and checked too.
pub fn load_in(bytes: &[u8], dir: &Path) -> Result<Config, Rejected> {
    let config = load(bytes)?;
    let diagnostics = ir::check_files(&config, dir);
    if diagnostics.is_empty() {
        return Ok(config);
    }
    let source = decode(bytes)?.to_string();
    Err(Rejected { source, diagnostics })
}

/// The text of `bytes`, or the diagnostic for the first thing in the way.
pub fn decode(bytes: &[u8]) -> Result<&str, Rejected> {
    if bytes.len() > MAX_FILE_BYTES {
        // Shown up to the ceiling; the caret sits right after it.
        let source = String::from_utf8_lossy(&bytes[..MAX_FILE_BYTES]).into_owned();
        let at = source.len();
        let diagnostic = Diagnostic::new(
            at..at,
            format!("the file is larger than {} KiB; the generator reads no further than here", MAX_FILE_BYTES / 1024),
        )
        .hint("a plugins.toml lists plugins and a few parameters each: is this the file you meant?");
        return Err(Rejected { source, diagnostics: vec![diagnostic] });
    }
    std::str::from_utf8(bytes).map_err(|err| {
        let at = err.valid_up_to();
        // The text before `at` is valid, so the lossy text has the same bytes
        // up to there, and U+FFFD at `at`.
        let source = String::from_utf8_lossy(bytes).into_owned();
        let diagnostic = Diagnostic::new(
            at..at + char::REPLACEMENT_CHARACTER.len_utf8(),
            format!("the file is not UTF-8: byte 0x{:02X} does not start a character", bytes[at]),
        )
        .hint("TOML files are UTF-8 text: save plugins.toml as UTF-8");
        Rejected { source, diagnostics: vec![diagnostic] }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::line_and_column;

    #[test]
    fn the_first_bad_byte_is_found() {
        let bytes = b"[defaults]\nvendor = \"Caf\xE9\"\n";
        let rejected = decode(bytes).unwrap_err();
        let at = rejected.diagnostics[0].span.start;
        assert_eq!(at, 24);
        assert_eq!(line_and_column(&rejected.source, at), (2, 14));
    }

    #[test]
    fn a_file_past_the_ceiling_is_refused_where_it_crosses_it() {
        let mut bytes = b"# padding\n".repeat(MAX_FILE_BYTES / 10);
        bytes.extend_from_slice(b"url = \"x\"\n");
        let rejected = decode(&bytes).unwrap_err();
        let at = rejected.diagnostics[0].span.start;
        assert_eq!(at, MAX_FILE_BYTES);
        assert_eq!(line_and_column(&rejected.source, at), (MAX_FILE_BYTES / 10 + 1, 7));
    }
}
