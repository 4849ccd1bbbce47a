//! `write_bundle` creates and removes paths only inside its bundles folder,
//! whatever the plugin name, even one the generator's validation would refuse:
//! a name that reads as a path is refused with `InvalidInput` before anything
//! on disk changes, and a bundle that is a symbolic link is replaced as a link,
//! never followed.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use runtime::bundle::{arch_dir, write_bundle};
use runtime::plugin::{PluginInfo, PluginKind};

fn info(name: &'static str) -> PluginInfo {
    PluginInfo {
        name,
        vendor: "Test Vendor",
        url: "",
        email: "",
        version: "1.0.0",
        class_id: [1, 2, 3, 4],
        kind: PluginKind::Effect,
        layouts: &[2],
        latency_ms: 50.0,
        latency_ceiling_ms: None,
        buffering: true,
        params: &[],
        meter_params: false,
        presets: &[],
        editor: None,
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundle_paths").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every entry under `dir` (folders, files with their bytes, links with their
/// targets), without following links.
fn tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            let shown = if kind.is_symlink() {
                format!("link to {}", std::fs::read_link(&path).unwrap().display())
            } else if kind.is_dir() {
                pending.push(path.clone());
                "folder".to_string()
            } else {
                format!("file {:?}", std::fs::read(&path).unwrap())
            };
            entries.insert(path.strip_prefix(dir).unwrap().to_path_buf(), shown);
        }
    }
    entries
}

/// `root/A/B/C` as the bundles folder, and around it what an escaping name
/// would hit: `root/A/escape pwn.vst3/keep.txt` (where `../../escape pwn`
/// leads), `root/outside/abs pwn.vst3/keep.txt` (named by an absolute path)
/// and a plain file beside them.
fn surroundings(root: &Path) -> (PathBuf, PathBuf) {
    let bundles = root.join("A/B/C");
    std::fs::create_dir_all(&bundles).unwrap();
    let outside = root.join("outside");
    for dir in [root.join("A/escape pwn.vst3"), outside.join("abs pwn.vst3"), root.join("A/B/C/a")] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("keep.txt"), "keep").unwrap();
    }
    std::fs::write(outside.join("keep.txt"), "keep").unwrap();
    let library = root.join("libplugin.so");
    std::fs::write(&library, "not really a library").unwrap();
    (bundles, outside)
}

#[test]
fn a_name_that_reads_as_a_path_is_refused_and_nothing_changes() {
    let root = scratch("escaping-names");
    let (bundles, outside) = surroundings(&root);
    let absolute = leak(format!("{}/abs pwn", outside.display()));
    let names = [
        "../../escape pwn",
        absolute,
        "/tmp/x/abs pwn",
        "a/b",
        "a\\b",
        "..",
        ".",
        "",
        ".hidden",
        "../x",
        "a/../../../escape pwn",
        "nul\0byte",
        "trailing/",
    ];
    let before = tree(&root);
    assert!(before.contains_key(Path::new("A/escape pwn.vst3/keep.txt")), "the test can see what an escape would hit");
    for name in names {
        let result = write_bundle(&bundles, &info(name), &root.join("libplugin.so"));
        let err = result.expect_err(&format!("{name:?} must be refused"));
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name:?}: {err}");
        assert_eq!(tree(&root), before, "{name:?} created or removed something");
    }
    assert!(!Path::new("/tmp/x/abs pwn.vst3").exists());
}

#[test]
fn a_plain_name_makes_its_bundle_inside_the_folder_only() {
    let root = scratch("plain-name");
    let (bundles, _) = surroundings(&root);
    let before = tree(&root);
    let bundle = write_bundle(&bundles, &info("Plain Gain"), &root.join("libplugin.so")).unwrap();
    assert_eq!(bundle, bundles.join("Plain Gain.vst3"));
    let mut expected = before;
    let inside = |path: &str| Path::new("A/B/C").join(path);
    for folder in [
        "Plain Gain.vst3".to_string(),
        "Plain Gain.vst3/Contents".to_string(),
        format!("Plain Gain.vst3/Contents/{}", arch_dir()),
        "Plain Gain.vst3/Contents/Resources".to_string(),
    ] {
        expected.insert(inside(&folder), "folder".into());
    }
    expected.insert(
        inside(&format!("Plain Gain.vst3/Contents/{}/Plain Gain.so", arch_dir())),
        format!("file {:?}", b"not really a library"),
    );
    let json = std::fs::read(bundle.join("Contents/Resources/moduleinfo.json")).unwrap();
    expected.insert(inside("Plain Gain.vst3/Contents/Resources/moduleinfo.json"), format!("file {json:?}"));
    assert_eq!(tree(&root), expected);
    // A second run replaces the bundle with the same contents.
    write_bundle(&bundles, &info("Plain Gain"), &root.join("libplugin.so")).unwrap();
    assert_eq!(tree(&root), expected);
}

#[test]
fn a_bundle_that_is_a_link_is_replaced_never_followed() {
    let root = scratch("links");
    let (bundles, outside) = surroundings(&root);
    // `Linked.vst3` points at a folder outside, with a file and a Contents/ of its own.
    let target = outside.join("linked target");
    std::fs::create_dir_all(target.join("Contents")).unwrap();
    std::fs::write(target.join("keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(&target, bundles.join("Linked.vst3")).unwrap();
    // `Dangling.vst3` points at a folder that does not exist yet.
    std::os::unix::fs::symlink(outside.join("not yet"), bundles.join("Dangling.vst3")).unwrap();
    let outside_before = tree(&outside);
    for name in ["Linked", "Dangling"] {
        let bundle = write_bundle(&bundles, &info(name), &root.join("libplugin.so")).unwrap();
        let kind = std::fs::symlink_metadata(&bundle).unwrap().file_type();
        assert!(kind.is_dir() && !kind.is_symlink(), "{name}: a real folder replaces the link");
        assert!(bundle.join(format!("Contents/{}/{name}.so", arch_dir())).is_file());
        assert_eq!(tree(&outside), outside_before, "{name}: nothing outside the folder changed");
    }
    assert!(!outside.join("not yet").exists());
}
