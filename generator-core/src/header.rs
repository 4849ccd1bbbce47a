//! The first line of every file the generator owns. It is also how the
//! generator recognises its own crates: a folder in `plugins/` whose files do
//! not start with it was written by someone else and is never touched.

/// What the header says, after the comment marker.
pub const TEXT: &str = "Generated from plugins.toml by `cargo run -p generator`: edits here will be overwritten.";

/// The header as a TOML comment.
pub fn hash() -> String {
    format!("# {TEXT}")
}

/// The header as a Rust comment.
pub fn slashes() -> String {
    format!("// {TEXT}")
}

/// Whether `contents` starts with the header, in either comment style.
pub fn is_generated(contents: &str) -> bool {
    let first_line = contents.lines().next().unwrap_or_default();
    first_line == hash() || first_line == slashes()
}
