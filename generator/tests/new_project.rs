//! `generator new DIR`: a project of the user's own, in a folder outside this
//! repository. It must build as it is (`cargo run -p generator` there, as a
//! user runs it), assemble its plugin's bundles, and the plugin must play in
//! the Rust VST3 and CLAP hosts; the generator there finds its plugins.toml
//! from any folder of the project, and its hints keep `--config` when given.
//! A folder with anything in it is refused.

mod e2e;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e::clap_host::{self, ClapModule};
use e2e::host::{Module, OFFLINE, REALTIME, block_sizes};
use e2e::session::{RATE, offer_layout, play, start, stop};
use e2e::{assert_same, builds_dir, delayed, noise};
use generator::config;
use vst3::Steinberg::kResultTrue;

/// `generator new` from this repository.
fn new(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator")).arg("new").arg(dir).output().expect("the generator runs")
}

/// A folder outside this repository (the system's temporary folder), fresh.
fn outside(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("writeahead-new-{}", std::process::id())).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_folder_with_anything_in_it_is_refused_and_left_as_it_was() {
    let dir = outside("not-empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let output = new(&dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("is not empty: `new` writes a project only into a missing or empty folder"));
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, ["notes.txt"], "nothing written");
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    let file = dir.join("notes.txt");
    assert_eq!(new(&file).status.code(), Some(1), "a file is not a folder");
}

/// `cargo` in the project, sharing the end-to-end builds' target directory
/// (the runtime and its dependencies are built once for every test).
fn cargo(project: &Path, cwd: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(cwd)
        .env("CARGO_TARGET_DIR", builds_dir())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` in {} failed:\n{}\n{}",
        args.join(" "),
        project.display(),
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

#[test]
fn a_new_project_outside_the_repository_builds_and_its_plugin_plays_in_both_hosts() {
    let dir = outside("fuzz-box");
    let output = new(&dir);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("plugins.toml with one plugin, `Fuzz Box`"), "{stdout}");
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "plugins.toml",
        ".gitignore",
        "README.md",
        "generator/Cargo.toml",
        "generator/src/main.rs",
        "plugins/fuzz-box/src/dsp.rs",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("cargo run -p generator\n") && readme.contains("cargo test --workspace\n"), "{readme}");
    assert_eq!(new(&dir).status.code(), Some(1), "a second `new` refuses the project it made");

    // As a user runs it, with --config (its hints must keep it) and the
    // bundles in a folder of the project's (the shared target directory's
    // bundles/ belongs to the end-to-end tests).
    let config_file = dir.join("plugins.toml");
    let bundles = dir.join("bundles");
    let build = ["run", "-q", "-p", "generator", "--", "build", "--config", config_file.to_str().unwrap(), "--bundles"];
    let output = cargo(&dir, &dir, &[&build[..], &[bundles.to_str().unwrap()]].concat());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("2 bundles in "), "{stdout}");
    let install_hint = format!("`cargo run -p generator -- install --config {}`", config_file.display());
    assert!(stdout.contains(&install_hint), "the hint keeps --config: {install_hint} in\n{stdout}");
    // Without --config, from a folder inside the project: its plugins.toml.
    let output = cargo(&dir, &dir.join("plugins"), &["run", "-q", "-p", "generator", "--", "check"]);
    assert!(text(&output.stdout).contains("up to date with plugins.toml (1 crate)"), "{}", text(&output.stdout));

    let plugin = &config::parse(&std::fs::read_to_string(&config_file).unwrap()).unwrap().plugins[0];
    assert_eq!((plugin.name.as_str(), plugin.vendor.as_str()), ("Fuzz Box", "My Company"));
    let latency = (plugin.latency_ms * RATE / 1000.0).round() as usize;
    let frames = RATE as usize / 2;
    let input = noise(plugin.channels, frames, 17);
    // Its DSP passes the audio through until the user writes it: the output
    // is the input, delayed by L, in both modes and both formats.
    let vst3 = Module::load(&e2e::library(&bundles, plugin));
    for mode in [REALTIME, OFFLINE] {
        let (reported, output) = play(&vst3, plugin, mode, &input, &[], frames, None);
        assert_eq!(reported, latency);
        assert_same(&output, &delayed(&input, latency), &format!("VST3, mode {mode}"));
    }
    let instance = vst3.create();
    assert_eq!(offer_layout(&instance, plugin, 2), kResultTrue);
    assert_eq!(instance.params().iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["Gain", "Bypass"]);
    assert_eq!(start(&instance, RATE), latency);
    stop(&instance);
    drop(instance);

    let clap = ClapModule::load(&e2e::clap_file(&bundles, plugin));
    assert_eq!(clap_host::c_text(clap.descriptor(0).unwrap().name), "Fuzz Box");
    let instance = clap.create();
    for offline in [false, true] {
        instance.set_offline(offline);
        assert_eq!(instance.start(RATE, 4096) as usize, latency);
        let output = clap_host::play(&instance, &input, 2, &block_sizes(frames, 5, 4096), &[]);
        clap_host::assert_delayed(&output, &input, latency, &format!("CLAP, offline {offline}"));
        instance.stop();
    }
}
