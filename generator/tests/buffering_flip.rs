//! Flipping `buffering` in a plugins.toml, in a workspace of its own: the
//! rendered crates differ in that flag (and the prose describing it) only,
//! the reported latency flips between L and 0, and the buffered plugin's
//! output is the unbuffered one's delayed by L, sample for sample, real-time
//! and offline. The custom plugin here is the untouched dsp.rs skeleton, so
//! this also proves the skeleton builds and passes audio through.

mod e2e;

use std::path::{Path, PathBuf};

use e2e::host::{Module, OFFLINE, REALTIME};
use e2e::session::{RATE, play};
use e2e::{assert_same, assert_success, delayed, generator, library, noise, scratch_workspace};
use generator::config;

const FLIP: &str = r#"
[defaults]
vendor = "Flip Audio"
latency_ms = 25
buffering = true

[[plugins]]
name = "Flip Filter"
kind = "effect"
dsp = "filter"
[plugins.params.mode]
default = 1
[plugins.params.cutoff]
default = 2500

[[plugins]]
name = "Flip Skeleton"
kind = "effect"
dsp = "custom"
channels = 3
[plugins.params.amount]
default = 0.25
"#;

/// Builds the workspace's plugins into `bundles`; returns every rendered file.
fn build(dir: &Path, bundles: &Path) -> Vec<(PathBuf, String)> {
    let config = dir.join("plugins.toml");
    let args = ["build", "--config", config.to_str().unwrap(), "--bundles", bundles.to_str().unwrap()];
    assert_success(&generator(dir, &args), "generator build");
    let mut files = Vec::new();
    for slug in ["flip-filter", "flip-skeleton"] {
        for file in ["Cargo.toml", "src/lib.rs", "src/dsp.rs"] {
            let path = Path::new("plugins").join(slug).join(file);
            if let Ok(text) = std::fs::read_to_string(dir.join(&path)) {
                files.push((path, text));
            }
        }
    }
    files
}

#[test]
fn flipping_buffering_flips_the_latency_between_l_and_0_and_changes_nothing_else() {
    let dir = scratch_workspace("flip", FLIP);
    let (on_bundles, off_bundles) = (dir.join("bundles-on"), dir.join("bundles-off"));
    let on_files = build(&dir, &on_bundles);
    std::fs::write(dir.join("plugins.toml"), FLIP.replace("buffering = true", "buffering = false")).unwrap();
    let off_files = build(&dir, &off_bundles);

    // The rendered crates: the flag, and the sentences that describe it.
    assert_eq!(on_files.len(), off_files.len());
    let mut flag_lines = 0;
    for ((path, on), (_, off)) in on_files.iter().zip(&off_files) {
        for (a, b) in on.lines().zip(off.lines()).filter(|(a, b)| a != b) {
            let prose = |line: &str| line.starts_with("//!") || line.starts_with("description = ");
            if a.trim() == "buffering: true," {
                assert_eq!(b.trim(), "buffering: false,");
                flag_lines += 1;
            } else if a.contains("generic_size(") {
                // The generic editor shows the write-ahead panel only when
                // buffering: its size follows the flag.
                assert_eq!(b, a.replace(", true)", ", false)"), "{}", path.display());
                flag_lines += 1;
            } else {
                assert!(prose(a) && prose(b), "{}: unexpected difference\n  {a}\n  {b}", path.display());
            }
        }
        assert_eq!(on.lines().count(), off.lines().count(), "{}", path.display());
    }
    assert_eq!(flag_lines, 4, "one `buffering` line and one editor size per plugin");
    let skeleton = &on_files.iter().find(|(p, _)| p.ends_with("src/dsp.rs")).unwrap().1;
    assert_eq!(skeleton, &off_files.iter().find(|(p, _)| p.ends_with("src/dsp.rs")).unwrap().1, "dsp.rs is kept");

    let plugins = config::parse(&FLIP.replace("buffering = true", "buffering = false")).unwrap().plugins;
    let latency = (0.025 * RATE) as usize;
    let frames = RATE as usize;
    for plugin in &plugins {
        let on = Module::load(&library(&on_bundles, plugin));
        let off = Module::load(&library(&off_bundles, plugin));
        let input = noise(plugin.channels, frames, 21);
        for (mode, name) in [(REALTIME, "real-time"), (OFFLINE, "offline")] {
            let (on_latency, buffered) = play(&on, plugin, mode, &input, &[], frames, None);
            let (off_latency, unbuffered) = play(&off, plugin, mode, &input, &[], frames, None);
            assert_eq!((on_latency, off_latency), (latency, 0), "{}: latency L with buffering, 0 without", plugin.name);
            assert_same(&buffered, &delayed(&unbuffered, latency), &format!("{} {name}", plugin.name));
            if plugin.slug == "flip-skeleton" {
                assert_same(&unbuffered, &input, "the dsp.rs skeleton passes the audio through");
            } else {
                assert!(unbuffered != input, "the filter changes the signal");
            }
        }
        println!("ok: {}: latency {latency} ↔ 0, buffered = unbuffered delayed by {latency}", plugin.name);
    }
}
