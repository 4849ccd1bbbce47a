//! The Rust VST3 test host: the `plugin-host` crate's VST3 side (the host
//! code the generator's `process` command runs too), and what only tests need.
#![allow(dead_code, unused_imports)]

pub use plugin_host::vst3::*;

/// Block sizes 0..=`max_block`, varying call to call as a host's may, covering
/// `total` frames; the same sizes for the same seed.
pub fn block_sizes(total: usize, seed: u64, max_block: usize) -> Vec<usize> {
    let mut state = seed;
    let mut sizes = Vec::new();
    let mut covered = 0;
    while covered < total {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let size = ((state >> 33) as usize % (max_block + 1)).min(total - covered);
        sizes.push(size);
        covered += size;
    }
    sizes
}

/// Stereo noise in -0.9..0.9, the same for the same seed.
pub fn noise(frames: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut state = seed | 1;
    (0..2)
        .map(|_| {
            (0..frames)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((state >> 40) as f32 / (1u64 << 24) as f32) * 1.8 - 0.9
                })
                .collect()
        })
        .collect()
}

/// Runs the test `name` of this test binary again in a child process whose
/// environment has the stall plan `stall` (the engine reads it when it is
/// built) and `marker` set, so the child knows it is the one to measure;
/// fails unless it passed, and returns what it printed.
pub fn run_again_with_stalls(name: &str, marker: &str, stall: &str) -> String {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(marker, "1")
        .env(runtime::engine::STALL_ENV, stall)
        .output()
        .expect("the test binary runs again");
    let (stdout, stderr) = (String::from_utf8_lossy(&child.stdout), String::from_utf8_lossy(&child.stderr));
    assert!(child.status.success(), "with stalls {stall}:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the test ran with stalls {stall}:\n{stdout}");
    stdout.into_owned()
}
