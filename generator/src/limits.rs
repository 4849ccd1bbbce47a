//! The limits of one plugins.toml that are the generator's own. The limits of
//! one plugin (channels, latency, parameters, string lengths) are in
//! `runtime::limits`, next to the code that relies on them.

/// Plugins one plugins.toml may list. Each is a crate Cargo builds and a
/// bundle hosts scan; a file past this is a mistake (a generated list gone
/// wrong), not a plan.
pub const MAX_PLUGINS: usize = 256;
