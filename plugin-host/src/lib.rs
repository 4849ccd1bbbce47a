//! The project's own plugin host: loads a built `.vst3` bundle's library or a
//! `.clap` file through its C ABI and drives it as a host does. The generator's
//! `process` command renders audio files with it, and the tests use it to check
//! every plugin (it records what a plugin asks of its host, and on which
//! thread, so the tests can hold plugins to the formats' rules).

pub mod clap;
pub mod vst3;
