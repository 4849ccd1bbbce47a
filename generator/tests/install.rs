//! `install` copies bundles into `<home>/.vst3` and `<home>/.clap`, each test
//! with a private home: it replaces only what it installed itself (named in
//! the folder's manifest with the fingerprint it still has), leaves anything
//! else there alone and says so, never follows a link, and touches nothing
//! outside those two folders.

mod e2e;

use std::path::{Path, PathBuf};

use generator::install::{MANIFEST, Outcome, fingerprint, install};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("install").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A built `.vst3` bundle and `.clap` file named `name` whose library holds `library`.
fn built(dir: &Path, name: &str, library: &str) -> Vec<PathBuf> {
    let vst3 = dir.join(format!("{name}.vst3"));
    let binary = vst3.join("Contents/x86_64-linux");
    std::fs::create_dir_all(&binary).unwrap();
    std::fs::create_dir_all(vst3.join("Contents/Resources")).unwrap();
    std::fs::write(binary.join(format!("{name}.so")), library).unwrap();
    std::fs::write(vst3.join("Contents/Resources/moduleinfo.json"), "{}").unwrap();
    let clap = dir.join(format!("{name}.clap"));
    std::fs::write(&clap, library).unwrap();
    vec![vst3, clap]
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn installs_into_both_folders_and_replaces_only_its_own_bundles() {
    let root = scratch("replace");
    let home = root.join("home");
    std::fs::create_dir_all(home.join(".vst3/Someone Else.vst3")).unwrap();
    std::fs::write(home.join(".vst3/Someone Else.vst3/keep.txt"), "theirs").unwrap();
    let first = built(&root.join("build1"), "WA Gain", "version 1");
    let outcomes = install(&home, &first).unwrap();
    let (vst3, clap) = (home.join(".vst3/WA Gain.vst3"), home.join(".clap/WA Gain.clap"));
    assert_eq!(
        outcomes.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>(),
        [
            Outcome::Installed { to: vst3.clone(), replaced: false },
            Outcome::Installed { to: clap.clone(), replaced: false }
        ]
    );
    assert_eq!(read(&vst3.join("Contents/x86_64-linux/WA Gain.so")), "version 1");
    assert_eq!(read(&clap), "version 1");
    assert!(
        read(&home.join(".vst3").join(MANIFEST)).contains(&format!("{}\tWA Gain.vst3", fingerprint(&vst3).unwrap()))
    );

    // A new build replaces what the first install put there.
    let second = built(&root.join("build2"), "WA Gain", "version 2");
    let outcomes = install(&home, &second).unwrap();
    assert!(outcomes.iter().all(|(_, o)| matches!(o, Outcome::Installed { replaced: true, .. })), "{outcomes:?}");
    assert_eq!(read(&vst3.join("Contents/x86_64-linux/WA Gain.so")), "version 2");
    assert_eq!(read(&clap), "version 2");
    // Nothing else changed, and no staging entry is left behind.
    assert_eq!(read(&home.join(".vst3/Someone Else.vst3/keep.txt")), "theirs");
    let mut entries: Vec<String> = std::fs::read_dir(home.join(".vst3"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, [MANIFEST, "Someone Else.vst3", "WA Gain.vst3"]);
}

#[test]
fn leaves_alone_what_it_did_not_install_or_what_changed_since() {
    let root = scratch("foreign");
    let home = root.join("home");
    // A bundle of the same name that someone else installed.
    std::fs::create_dir_all(home.join(".vst3/WA Gain.vst3")).unwrap();
    std::fs::write(home.join(".vst3/WA Gain.vst3/theirs.txt"), "theirs").unwrap();
    let bundles = built(&root.join("build"), "WA Gain", "ours");
    let outcomes = install(&home, &bundles).unwrap();
    assert!(
        matches!(&outcomes[0].1, Outcome::LeftAlone { why, .. } if why.contains("did not install it")),
        "{outcomes:?}"
    );
    assert!(matches!(outcomes[1].1, Outcome::Installed { replaced: false, .. }), "the other format goes on");
    assert_eq!(read(&home.join(".vst3/WA Gain.vst3/theirs.txt")), "theirs");

    // One we installed but someone edited since is not ours to overwrite.
    let clap = home.join(".clap/WA Gain.clap");
    std::fs::write(&clap, "edited by hand").unwrap();
    let outcomes = install(&home, &bundles[1..]).unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::LeftAlone { why, .. } if why.contains("changed since")), "{outcomes:?}");
    assert_eq!(read(&clap), "edited by hand");
}

#[test]
fn never_follows_a_link_in_the_folders() {
    let root = scratch("links");
    let home = root.join("home");
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "keep").unwrap();
    std::fs::create_dir_all(home.join(".vst3")).unwrap();
    std::fs::create_dir_all(home.join(".clap")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.join(".vst3/WA Gain.vst3")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("keep.txt"), home.join(".clap/WA Gain.clap")).unwrap();
    let bundles = built(&root.join("build"), "WA Gain", "ours");
    let outcomes = install(&home, &bundles).unwrap();
    for (_, outcome) in &outcomes {
        assert!(matches!(outcome, Outcome::LeftAlone { why, .. } if why.contains("symbolic link")), "{outcome:?}");
    }
    assert_eq!(read(&elsewhere.join("keep.txt")), "keep");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1, "nothing written through the link");
    assert!(std::fs::symlink_metadata(home.join(".vst3/WA Gain.vst3")).unwrap().file_type().is_symlink());
    // A manifest that is a link is refused, not read or written through.
    let home2 = root.join("home2");
    std::fs::create_dir_all(home2.join(".clap")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("keep.txt"), home2.join(".clap").join(MANIFEST)).unwrap();
    assert!(install(&home2, &bundles[1..]).is_err());
    assert_eq!(read(&elsewhere.join("keep.txt")), "keep");
}

#[test]
fn refuses_what_is_not_a_bundle_with_a_plain_name() {
    let root = scratch("names");
    let home = root.join("home");
    std::fs::write(root.join("notes.txt"), "x").unwrap();
    for path in [root.join("notes.txt"), root.join(".."), root.join(".hidden.clap")] {
        assert!(install(&home, std::slice::from_ref(&path)).is_err(), "{}", path.display());
    }
    assert!(!home.exists(), "nothing created");
}

/// The command itself, with HOME set to a private folder: it builds what
/// `--plugin` names, installs both formats, says where each went, replaces
/// its own install, and leaves anything else alone, saying so, with exit
/// status 1.
#[test]
fn the_install_command_installs_into_home_and_reports_each_bundle() {
    use e2e::clap_host::{ClapModule, c_text};
    let root = scratch("command");
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let run = |args: &[&str], home: Option<&Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_generator"));
        command.args(args).current_dir(e2e::workspace()).env("CARGO_TARGET_DIR", e2e::builds_dir());
        match home {
            Some(home) => command.env("HOME", home),
            None => command.env_remove("HOME"),
        };
        let output = command.output().expect("the generator runs");
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (output.status.code(), text(&output.stdout), text(&output.stderr))
    };

    let (code, _, stderr) = run(&["install", "--plugin", "WA Gian"], Some(&home));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no plugin `WA Gian` in plugins.toml; there are: WA Gain, WA Gain Inline, "), "{stderr}");
    let (code, _, stderr) = run(&["install", "--plugin", "WA Gain"], None);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("HOME is not set"), "{stderr}");
    assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0, "nothing installed by either");

    // Someone else's WA Synth.vst3 is there already: left alone and reported,
    // the other three installed.
    let theirs = home.join(".vst3/WA Synth.vst3");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("theirs.txt"), "someone else's").unwrap();
    let (code, stdout, stderr) = run(&["install", "--plugin", "WA Gain", "--plugin", "WA Synth"], Some(&home));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    for (name, folder) in [("WA Gain.vst3", ".vst3"), ("WA Gain.clap", ".clap"), ("WA Synth.clap", ".clap")] {
        let line = format!("installed {name} -> {}", home.join(folder).join(name).display());
        assert!(stdout.lines().any(|l| l == line), "{line:?} in\n{stdout}");
    }
    let left = format!("error: left {} alone: the generator did not install it", theirs.display());
    assert!(stderr.contains(&left), "{left:?} in\n{stderr}");
    assert!(stderr.contains("error: 1 bundle was not installed (see above)"), "one bundle, in the singular: {stderr}");
    assert_eq!(read(&theirs.join("theirs.txt")), "someone else's");
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 1);
    // What landed in ~/.clap is the plugin, loadable through its C ABI.
    let module = ClapModule::load(&home.join(".clap/WA Synth.clap"));
    assert_eq!(c_text(module.descriptor(0).unwrap().name), "WA Synth");
    drop(module);
    assert!(home.join(".vst3/WA Gain.vst3/Contents").join(runtime::bundle::arch_dir()).join("WA Gain.so").is_file());

    // Installed again: its own bundles replaced; one edited since is left alone.
    let edited = home.join(".clap/WA Synth.clap");
    std::fs::write(&edited, "edited").unwrap();
    let (code, stdout, stderr) = run(&["install", "--plugin", "WA Gain", "--plugin", "WA Synth"], Some(&home));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    for (name, folder) in [("WA Gain.vst3", ".vst3"), ("WA Gain.clap", ".clap")] {
        let line = format!(
            "installed {name} -> {} (replaced the one installed before)",
            home.join(folder).join(name).display()
        );
        assert!(stdout.lines().any(|l| l == line), "{line:?} in\n{stdout}");
    }
    let left = format!("error: left {} alone: it changed since the generator installed it", edited.display());
    assert!(stderr.contains(&left), "{left:?} in\n{stderr}");
    assert_eq!(read(&edited), "edited");
}
