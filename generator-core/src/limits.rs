//! The limits of one plugins.toml that are the generator's own: how large the
//! file may be and how many plugins it may list. The limits of one plugin
//! (channels, latency, parameters, string lengths) are in `runtime::limits`,
//! next to the code that relies on them.

/// The largest plugins.toml the generator reads, checked before any TOML is
/// parsed: thirty times a large hand-written one (50 plugins with a dozen
/// parameters each is about 30 KiB).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// Plugins one plugins.toml may list. Each is a crate Cargo builds and a
/// bundle hosts scan; a file past this is a mistake (a generated list gone
/// wrong), not a plan.
pub const MAX_PLUGINS: usize = 256;
