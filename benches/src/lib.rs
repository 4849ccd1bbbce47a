//! Shared settings and processors of the benches in `benches/`, and the
//! paced-session machinery of `benches/session.rs`.

pub mod lead_svg;
pub mod paced;
pub mod proc_threads;
pub mod processors;

use runtime::dsp::{filter::Filter, gain};
use runtime::engine::{EventKind, Processor};

use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;

/// Block sizes in frames, from a small DAW buffer to a large offline block.
pub const BLOCK_SIZES: [usize; 5] = [32, 64, 256, 1024, 4096];

/// Short but stable measurements: the benches run on a shared 2-core machine, and
/// every figure is a ratio against a baseline measured in the same group.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(400))
        .measurement_time(Duration::from_millis(1200))
        .sample_size(40)
        .nresamples(20_000)
        .without_plots()
        .configure_from_args()
}

/// Whether a `harness = false` bench was started by `cargo bench` (which passes
/// `--bench`) rather than by `cargo test --benches` (a quick smoke run).
pub fn full_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// Where benches write what they make (pictures, reports): `bench/` in
/// Cargo's target directory (the nearest folder above the running executable
/// that holds Cargo's `CACHEDIR.TAG`), never a tracked file.
pub fn output_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let target = exe.as_deref().and_then(|exe| exe.ancestors().find(|dir| dir.join("CACHEDIR.TAG").is_file()));
    let target = target.map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"), PathBuf::from);
    target.join("bench")
}

/// The built-in gain set to -6 dB (at 0 dB it has nothing to do).
pub fn half_gain() -> gain::Gain {
    let mut processor = gain::Gain::default();
    processor.event(&EventKind::Param { id: gain::GAIN_DB, value: -6.0 });
    processor
}

/// The built-in filter at its defaults: a 1 kHz low-pass biquad, Q 0.707.
pub fn lowpass() -> Filter {
    Filter::default()
}
