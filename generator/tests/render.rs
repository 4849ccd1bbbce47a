//! Rendering plugins.toml into crates: the exact tree per fixture (insta
//! snapshots), determinism, and what the generator may and may not write on
//! disk: the user's dsp.rs survives, nothing is written on error, folders it
//! did not make are never touched, stale crates are removed only when they
//! are the generator's alone, and `check` sees every difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use generator::config;
use generator::render::{Ownership, render};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render").join(name)).unwrap()
}

fn shipped_toml() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../plugins.toml")).unwrap()
}

/// Every rendered file of `source`, as one text: path, ownership, contents.
fn rendered_tree(source: &str) -> String {
    let config = config::parse(source).expect("a valid fixture");
    let mut tree = String::new();
    for krate in render(&config).expect("renders") {
        for file in &krate.files {
            let ownership = match file.ownership {
                Ownership::Generated => "generated",
                Ownership::CreatedOnce => "created once",
            };
            tree += &format!("==== plugins/{}/{} ({ownership})\n{}", krate.slug, file.path.display(), file.contents);
        }
    }
    tree
}

#[test]
fn the_rendered_tree_of_each_fixture() {
    insta::assert_snapshot!("shipped_plugins_toml", rendered_tree(&shipped_toml()));
    insta::assert_snapshot!("minimal", rendered_tree(&fixture("minimal.toml")));
    insta::assert_snapshot!("everything", rendered_tree(&fixture("everything.toml")));
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    for source in [shipped_toml(), fixture("everything.toml")] {
        assert_eq!(rendered_tree(&source), rendered_tree(&source));
    }
}

/// A fresh folder with `toml` as its plugins.toml.
fn scratch(name: &str, toml: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plugins.toml"), toml).unwrap();
    dir
}

/// Runs the generator on `dir/plugins.toml`: (exit code, stdout, stderr).
fn generator(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .arg("--config")
        .arg(dir.join("plugins.toml"))
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot_files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), (std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    files
}

const TWO_PLUGINS: &str = r#"
[defaults]
vendor = "Scratch Audio"

[[plugins]]
name = "Scratch Gain"
kind = "effect"
dsp = "gain"

[[plugins]]
name = "Scratch Custom"
kind = "effect"
dsp = "custom"
latency_ms = 20
[plugins.params.drive]
max = 4
default = 1
"#;

#[test]
fn a_second_run_changes_no_byte_and_no_timestamp() {
    let dir = scratch("idempotent", TWO_PLUGINS);
    let (code, stdout, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("rendered 2 crates") && stdout.contains("5 files written, 0 up to date"), "{stdout}");
    let first = snapshot_files(&dir);
    assert_eq!(first.len(), 6, "plugins.toml and five rendered files: {:?}", first.keys());
    let (code, stdout, _) = generator(&dir, &["render"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("0 files written, 4 up to date"), "{stdout}");
    assert!(stdout.contains("kept scratch-custom/src/dsp.rs"), "{stdout}");
    assert_eq!(snapshot_files(&dir), first, "bytes and modification times unchanged");
    let (code, stdout, _) = generator(&dir, &["check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("up to date with plugins.toml (2 crates)"), "{stdout}");
}

#[test]
fn the_users_dsp_rs_survives_regeneration() {
    let dir = scratch("custom-survives", TWO_PLUGINS);
    assert_eq!(generator(&dir, &["render"]).0, 0);
    let dsp = dir.join("plugins/scratch-custom/src/dsp.rs");
    let skeleton = std::fs::read_to_string(&dsp).unwrap();
    assert!(skeleton.contains("pub struct ScratchCustom"), "{skeleton}");
    assert!(skeleton.contains("params::DRIVE => &mut self.drive"), "{skeleton}");
    let mine = skeleton.replace("let _ = channel;", "channel.fill(0.25); // mine");
    std::fs::write(&dsp, &mine).unwrap();
    // A new latency and a new parameter: lib.rs follows, dsp.rs stays mine.
    let changed = TWO_PLUGINS.replace("latency_ms = 20", "latency_ms = 35") + "[plugins.params.tone]\ndefault = 0.5\n";
    std::fs::write(dir.join("plugins.toml"), changed).unwrap();
    let (code, stdout, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 files written"), "lib.rs and the description in Cargo.toml: {stdout}");
    assert_eq!(std::fs::read_to_string(&dsp).unwrap(), mine);
    let lib = std::fs::read_to_string(dir.join("plugins/scratch-custom/src/lib.rs")).unwrap();
    assert!(lib.contains("latency_ms: 35.0,"), "{lib}");
    // Ids come from the names: the new parameter leaves the old one's id alone.
    for key in ["drive", "tone"] {
        let id = generator::class_id::param_id(key);
        assert!(lib.contains(&format!("pub const {}: u32 = {id};", key.to_uppercase())), "{lib}");
    }
    // Deleted, it comes back as the skeleton.
    std::fs::remove_file(&dsp).unwrap();
    assert_eq!(generator(&dir, &["check"]).0, 1, "a missing dsp.rs is out of date");
    assert_eq!(generator(&dir, &["render"]).0, 0);
    assert!(std::fs::read_to_string(&dsp).unwrap().contains("pub struct ScratchCustom"));
}

#[test]
fn nothing_is_written_when_plugins_toml_has_an_error() {
    let dir = scratch("error-writes-nothing", TWO_PLUGINS);
    assert_eq!(generator(&dir, &["render"]).0, 0);
    let before = snapshot_files(&dir);
    // A valid new plugin before a broken one: neither may appear.
    let broken = TWO_PLUGINS.to_string()
        + "\n[[plugins]]\nname = \"New One\"\nkind = \"effect\"\ndsp = \"gain\"\n\n\
           [[plugins]]\nname = \"Broken\"\nkind = \"effect\"\ndsp = \"gain\"\nchannels = 9\n";
    std::fs::write(dir.join("plugins.toml"), &broken).unwrap();
    let mut expected = before.clone();
    let toml = dir.join("plugins.toml");
    expected
        .insert("plugins.toml".into(), (broken.into_bytes(), std::fs::metadata(&toml).unwrap().modified().unwrap()));
    for command in ["render", "build"] {
        let (code, stdout, stderr) = generator(&dir, &[command]);
        assert_eq!(code, 1, "{command}");
        assert!(stdout.is_empty(), "{command}: {stdout}");
        assert!(stderr.contains("plugins.toml:28:12") && stderr.contains("9 channels is outside 1..=8"), "{stderr}");
        assert_eq!(snapshot_files(&dir), expected, "{command} wrote nothing");
    }
}

#[test]
fn a_folder_the_generator_did_not_make_is_never_overwritten() {
    let dir = scratch("foreign-folder", TWO_PLUGINS);
    std::fs::create_dir_all(dir.join("plugins/scratch-gain/src")).unwrap();
    std::fs::write(dir.join("plugins/scratch-gain/Cargo.toml"), "[package]\nname = \"scratch-gain\"\n").unwrap();
    let before = snapshot_files(&dir);
    let (code, _, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("scratch-gain/Cargo.toml exists and was not written by the generator"), "{stderr}");
    assert_eq!(snapshot_files(&dir), before, "not even the other plugin was written");
}

#[test]
fn plugins_dropped_from_the_toml_are_removed_only_when_wholly_generated() {
    let dir = scratch("pruning", TWO_PLUGINS);
    assert_eq!(generator(&dir, &["render"]).0, 0);
    // A crate of the user's own next to the generated ones.
    std::fs::create_dir_all(dir.join("plugins/mine/src")).unwrap();
    std::fs::write(dir.join("plugins/mine/Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let keep_only_a_new_one = "[defaults]\nvendor = \"Scratch Audio\"\n\n\
        [[plugins]]\nname = \"Other\"\nkind = \"effect\"\ndsp = \"tremolo\"\n";
    std::fs::write(dir.join("plugins.toml"), keep_only_a_new_one).unwrap();
    let (code, stderr) = {
        let (code, _, stderr) = generator(&dir, &["check"]);
        (code, stderr)
    };
    assert_eq!(code, 1);
    assert!(stderr.contains("would remove  scratch-gain/"), "{stderr}");
    assert!(
        stderr.contains("stale         scratch-custom/ is no longer in plugins.toml but holds your files: src/dsp.rs")
    );
    let (code, stdout, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("removed scratch-gain/"), "{stdout}");
    assert!(stderr.contains("warning: scratch-custom/ is no longer in plugins.toml"), "{stderr}");
    let plugins = dir.join("plugins");
    assert!(!plugins.join("scratch-gain").exists(), "the generator's own crate is gone");
    assert!(plugins.join("scratch-custom/src/dsp.rs").exists(), "the user's code stays");
    assert!(plugins.join("mine/Cargo.toml").exists(), "a crate the generator did not make stays");
    assert!(plugins.join("other/src/lib.rs").exists());
}

#[test]
fn check_names_every_file_that_is_out_of_date() {
    let dir = scratch("check", TWO_PLUGINS);
    assert_eq!(generator(&dir, &["check"]).0, 1, "nothing rendered yet");
    assert_eq!(generator(&dir, &["render"]).0, 0);
    let lib = dir.join("plugins/scratch-gain/src/lib.rs");
    let edited = std::fs::read_to_string(&lib).unwrap().replace("latency_ms: 50.0", "latency_ms: 51.0");
    std::fs::write(&lib, edited).unwrap();
    std::fs::remove_file(dir.join("plugins/scratch-custom/Cargo.toml")).unwrap();
    let (code, stdout, stderr) = generator(&dir, &["check"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let listed: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  would write")).collect();
    assert_eq!(listed, ["  would write   scratch-gain/src/lib.rs", "  would write   scratch-custom/Cargo.toml"]);
    assert!(stderr.contains("hint: run `cargo run -p generator -- render`"), "{stderr}");
    assert_eq!(generator(&dir, &["render"]).0, 0);
    assert_eq!(generator(&dir, &["check"]).0, 0);
}

#[test]
fn one_plugin_renders_only_its_crate_and_removes_nothing() {
    let dir = scratch("single", TWO_PLUGINS);
    assert_eq!(generator(&dir, &["render", "--plugin", "Scratch Custom"]).0, 0);
    assert!(dir.join("plugins/scratch-custom/src/lib.rs").exists());
    assert!(!dir.join("plugins/scratch-gain").exists(), "only the named plugin");
    assert_eq!(generator(&dir, &["render", "--plugin", "scratch-gain"]).0, 0, "by crate name too");
    std::fs::write(
        dir.join("plugins.toml"),
        TWO_PLUGINS.split("[[plugins]]\nname = \"Scratch Custom\"").next().unwrap(),
    )
    .unwrap();
    let (code, stdout, _) = generator(&dir, &["render", "--plugin", "Scratch Gain"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("removed"), "{stdout}");
    assert!(dir.join("plugins/scratch-custom").exists(), "a single-plugin run prunes nothing");
}
