//! The generator's bundles folder: assembling refuses a plugin name that reads
//! as a path even when validation is bypassed, and removing stale bundles
//! never reaches outside the folder.

use std::path::{Path, PathBuf};

use generator::bundles::{assemble, remove_stale};
use generator::config::{self, Plugin};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundles").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn plugin(name: &str) -> Plugin {
    let toml = "[defaults]\nvendor = \"V\"\n[[plugins]]\nname = \"Valid\"\nkind = \"effect\"\ndsp = \"gain\"\n";
    let mut plugin = config::parse(toml).unwrap().plugins.remove(0);
    plugin.name = name.to_string();
    plugin
}

#[test]
fn assembling_refuses_an_escaping_name_that_skipped_validation() {
    let root = scratch("assemble");
    let bundles = root.join("A/B/C");
    std::fs::create_dir_all(&bundles).unwrap();
    let victim = root.join("A/escape pwn.vst3");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("keep.txt"), "keep").unwrap();
    let library = root.join("lib.so");
    std::fs::write(&library, "library").unwrap();
    for name in ["../../escape pwn", "a/b", "a\\b", ".."] {
        let err = assemble(&bundles, &plugin(name), &library).expect_err(name);
        assert!(err.contains("does not name a file inside the bundles folder"), "{name}: {err}");
    }
    assert_eq!(std::fs::read_to_string(victim.join("keep.txt")).unwrap(), "keep");
    assert_eq!(std::fs::read_dir(&bundles).unwrap().count(), 0, "nothing assembled");
    assert!(!root.join("A/escape pwn.vst3/Contents").exists());
}

#[test]
fn stale_bundles_are_removed_inside_the_folder_only() {
    let root = scratch("stale");
    let bundles = root.join("bundles");
    let outside = root.join("outside");
    std::fs::create_dir_all(outside.join("Contents")).unwrap();
    std::fs::write(outside.join("keep.txt"), "keep").unwrap();
    for kept in ["Valid.vst3/Contents", "Gone.vst3/Contents"] {
        std::fs::create_dir_all(bundles.join(kept)).unwrap();
    }
    std::fs::write(bundles.join("notes.txt"), "not a bundle").unwrap();
    std::fs::write(bundles.join("Stray.vst3"), "a file, not a folder").unwrap();
    std::os::unix::fs::symlink(&outside, bundles.join("Linked.vst3")).unwrap();
    let removed = remove_stale(&bundles, &[plugin("Valid")]).unwrap();
    assert_eq!(removed, ["Gone.vst3", "Linked.vst3", "Stray.vst3"]);
    assert!(std::fs::symlink_metadata(bundles.join("Linked.vst3")).is_err(), "the link itself is gone");
    assert_eq!(std::fs::read_to_string(outside.join("keep.txt")).unwrap(), "keep", "its target is not");
    assert!(outside.join("Contents").is_dir());
    assert!(bundles.join("Valid.vst3/Contents").is_dir());
    assert!(bundles.join("notes.txt").is_file());
}

#[test]
fn each_format_listed_is_assembled_and_a_format_no_longer_listed_is_removed() {
    use generator::formats::Formats;
    let root = scratch("formats");
    let bundles = root.join("bundles");
    let library = root.join("lib.so");
    std::fs::write(&library, "library").unwrap();
    let both = plugin("Both");
    let mut clap_only = plugin("Clap Only");
    clap_only.formats = Formats { vst3: false, clap: true };
    let written = assemble(&bundles, &both, &library).unwrap();
    assert_eq!(written, [bundles.join("Both.vst3"), bundles.join("Both.clap")]);
    assert_eq!(std::fs::read_to_string(bundles.join("Both.clap")).unwrap(), "library", "a .clap is the library");
    assert_eq!(assemble(&bundles, &clap_only, &library).unwrap(), [bundles.join("Clap Only.clap")]);
    assert!(!bundles.join("Clap Only.vst3").exists());

    // Both is now built as VST3 only: its .clap goes, its .vst3 stays.
    let mut vst3_only = both.clone();
    vst3_only.formats = Formats { vst3: true, clap: false };
    std::fs::create_dir_all(bundles.join("Clap Only.vst3/Contents")).unwrap();
    let mut removed = remove_stale(&bundles, &[vst3_only, clap_only]).unwrap();
    removed.sort();
    assert_eq!(removed, ["Both.clap", "Clap Only.vst3"]);
    assert!(bundles.join("Both.vst3/Contents").is_dir());
    assert!(bundles.join("Clap Only.clap").is_file());
}
