//! Rendering plugins.toml into crates: the exact tree per fixture (insta
//! snapshots), the same bytes from separate processes in different
//! environments, and what the generator may and may not write on
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

/// One way to run the generator: its working directory and variables, and
/// what `fn f() { let x = 1; }` looks like when rustfmt runs there.
struct Environment {
    cwd: PathBuf,
    vars: Vec<(&'static str, PathBuf)>,
    rustfmt_writes: &'static str,
}

/// The environments the determinism test renders in. Besides locale and time
/// zone, the second runs in a folder whose `rustfmt.toml` asks for tabs, the
/// third outside any project, for a user whose own rustfmt config indents by
/// two spaces. Every process also has its own `HashMap` seeds.
fn environments(root: &Path) -> Vec<Environment> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let rustup = std::env::var_os("RUSTUP_HOME").map_or_else(|| home.join(".rustup"), PathBuf::from);
    let cargo = std::env::var_os("CARGO_HOME").map_or_else(|| home.join(".cargo"), PathBuf::from);
    let (project, user) = (root.join("project"), root.join("user"));
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("rustfmt.toml"), "hard_tabs = true\n").unwrap();
    std::fs::create_dir_all(user.join(".config/rustfmt")).unwrap();
    std::fs::write(user.join(".config/rustfmt/rustfmt.toml"), "tab_spaces = 2\n").unwrap();
    let text = |pairs: [(&'static str, &str); 3]| pairs.map(|(k, v)| (k, PathBuf::from(v))).to_vec();
    let mut as_user = text([("LC_ALL", "de_DE.UTF-8"), ("LANG", "de_DE.UTF-8"), ("TZ", "America/St_Johns")]);
    as_user.extend([
        ("HOME", user.clone()),
        ("XDG_CONFIG_HOME", user.join(".config")),
        ("RUSTUP_HOME", rustup),
        ("CARGO_HOME", cargo),
    ]);
    vec![
        Environment {
            cwd: root.to_path_buf(),
            vars: text([("LC_ALL", "C"), ("LANG", "C"), ("TZ", "UTC")]),
            rustfmt_writes: "fn f() {\n    let x = 1;\n}\n",
        },
        Environment {
            cwd: project,
            vars: text([("LC_ALL", "tr_TR.UTF-8"), ("LANG", "tr_TR.UTF-8"), ("TZ", "Pacific/Kiritimati")]),
            rustfmt_writes: "fn f() {\n\tlet x = 1;\n}\n",
        },
        Environment { cwd: PathBuf::from("/"), vars: as_user, rustfmt_writes: "fn f() {\n  let x = 1;\n}\n" },
    ]
}

/// What rustfmt, run plainly in `env`, makes of a small function.
fn plain_rustfmt(env: &Environment) -> String {
    let mut rustfmt = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .current_dir(&env.cwd)
        .envs(env.vars.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut rustfmt.stdin.take().unwrap(), b"fn f() { let x = 1; }").unwrap();
    String::from_utf8(rustfmt.wait_with_output().unwrap().stdout).unwrap()
}

/// Every file under `dir` with its bytes.
fn tree_bytes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot_files(dir).into_iter().map(|(path, (bytes, _))| (path, bytes)).collect()
}

/// Rendering depends on plugins.toml and the templates only: generator
/// processes, each with its own `HashMap` seeds, in different folders and
/// environments (see [`environments`]), render the same bytes. (Rendering
/// twice in one process could not fail: seeds and environment would be the
/// same both times.)
#[test]
fn separate_processes_in_different_environments_render_the_same_bytes() {
    let root = scratch("processes", "");
    let envs = environments(&root);
    // Each environment really restyles rustfmt's output: were it to leak into
    // the generator's, this test would see it.
    for env in &envs {
        assert_eq!(plain_rustfmt(env), env.rustfmt_writes, "rustfmt in {:?}", env.cwd);
    }
    for (name, source) in [("shipped", shipped_toml()), ("everything", fixture("everything.toml"))] {
        let crates = config::parse(&source).unwrap().plugins.len();
        let mut trees = Vec::new();
        for (i, env) in envs.iter().enumerate() {
            let dir = scratch(&format!("processes/{name}-{i}"), &source);
            let output = Command::new(env!("CARGO_BIN_EXE_generator"))
                .args(["render", "--config"])
                .arg(dir.join("plugins.toml"))
                .current_dir(&env.cwd)
                .envs(env.vars.iter().map(|(k, v)| (k, v)))
                .output()
                .unwrap();
            assert!(output.status.success(), "{name} in {:?}: {}", env.cwd, String::from_utf8_lossy(&output.stderr));
            let tree = tree_bytes(&dir.join("plugins"));
            let libs = tree.keys().filter(|path| path.ends_with("src/lib.rs")).count();
            assert_eq!(libs, crates, "{name}: every crate rendered");
            trees.push(tree);
        }
        for (i, tree) in trees.iter().enumerate().skip(1) {
            for (path, bytes) in &trees[0] {
                let other = tree.get(path).unwrap_or_else(|| panic!("{name}: {path:?} missing in {:?}", envs[i].cwd));
                assert!(
                    bytes == other,
                    "{name}: {path:?} differs in {:?}:\n{}",
                    envs[i].cwd,
                    String::from_utf8_lossy(other)
                );
            }
            assert_eq!(tree.len(), trees[0].len(), "{name}: the same files in {:?}", envs[i].cwd);
        }
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
    // The impulse responses the shipped plugins.toml names, next to it.
    if !toml.contains("\nir = ") {
        return dir;
    }
    let irs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../irs");
    std::fs::create_dir_all(dir.join("irs")).unwrap();
    for entry in std::fs::read_dir(irs).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("irs").join(entry.file_name())).unwrap();
    }
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
    assert!(skeleton.contains("self.params.event(event);"), "typed parameters, no match per id: {skeleton}");
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
        assert!(lib.contains(&format!("pub {key}: runtime::typed::FloatParam,")), "a typed field in Params: {lib}");
    }
    // Deleted, it comes back as the skeleton.
    std::fs::remove_file(&dsp).unwrap();
    assert_eq!(generator(&dir, &["check"]).0, 1, "a missing dsp.rs is out of date");
    assert_eq!(generator(&dir, &["render"]).0, 0);
    assert!(std::fs::read_to_string(&dsp).unwrap().contains("pub struct ScratchCustom"));
}

/// `editor = "custom"`: src/editor.rs is written once, with a control per
/// parameter; the user's edits survive, a new parameter reaches `Controls` in
/// lib.rs, and a deleted editor.rs comes back as the skeleton.
#[test]
fn the_users_editor_rs_survives_regeneration() {
    let toml = TWO_PLUGINS.replace("latency_ms = 20", "latency_ms = 20\neditor = \"custom\"");
    let dir = scratch("editor-survives", &toml);
    assert_eq!(generator(&dir, &["render"]).0, 0);
    let editor = dir.join("plugins/scratch-custom/src/editor.rs");
    let skeleton = std::fs::read_to_string(&editor).unwrap();
    assert!(skeleton.contains("param_control(ui, &controls.drive);"), "{skeleton}");
    let mine = skeleton.replace("ui.separator();", "ui.separator(); // mine");
    std::fs::write(&editor, &mine).unwrap();
    let changed = toml + "[plugins.params.tone]\ndefault = 0.5\n";
    std::fs::write(dir.join("plugins.toml"), changed).unwrap();
    let (code, stdout, stderr) = generator(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("kept scratch-custom/src/editor.rs"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&editor).unwrap(), mine);
    let lib = std::fs::read_to_string(dir.join("plugins/scratch-custom/src/lib.rs")).unwrap();
    assert!(lib.contains("pub tone: runtime::editor::Param<'a>,"), "a handle in Controls: {lib}");
    assert!(lib.contains("EguiEditor::custom(size.width, size.height, editor::draw)"), "{lib}");
    std::fs::remove_file(&editor).unwrap();
    assert_eq!(generator(&dir, &["check"]).0, 1, "a missing editor.rs is out of date");
    assert_eq!(generator(&dir, &["render"]).0, 0);
    assert!(std::fs::read_to_string(&editor).unwrap().contains("controls.tone"), "the skeleton, with tone now");
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
    // The hint repeats the --config it was given, so following it acts on
    // the same file.
    let hint = format!("hint: run `cargo run -p generator -- render --config {}`", dir.join("plugins.toml").display());
    assert!(stderr.contains(&hint), "{stderr}");
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
