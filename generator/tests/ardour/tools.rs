//! Running Ardour's tools: each in a render folder of its own, with its own
//! HOME, its output in files, killed at a deadline; and the bundle copied
//! where Ardour looks.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use super::DEADLINE;

/// A command that runs `program` with its stdout and stderr line-buffered
/// (coreutils' `stdbuf`). The tools write into files here, which C stdio
/// buffers whole: `ardour7-export` aborting on exit (Ardour 7.3's double
/// free, after the file is complete) would take the "* Done." it printed
/// down with it and pass for one that died before finishing: a retry where
/// none was needed.
pub(super) fn tool(program: &Path) -> Command {
    let mut command = Command::new("stdbuf");
    command.arg("-oL").arg("-eL").arg(program);
    command
}

/// Runs an Ardour tool in the render's folder `dir`, with HOME and the XDG
/// folders inside it (the user's ~/.vst3 and Ardour settings are never read
/// or written) and the private VST3 folder as VST3_PATH.
pub(super) fn tool_env(command: &mut Command, dir: &Path) {
    let home = dir.join("home");
    command
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("HOME", home)
        .env("VST3_PATH", dir.join("vst3"))
        .current_dir(dir);
}

/// The render's folder: emptied first, removed when the render succeeded.
pub(super) struct WorkDir {
    pub(super) path: PathBuf,
    keep: bool,
}

impl WorkDir {
    pub(super) fn new(name: &str) -> WorkDir {
        let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let path = workspace.join("target/ardour-renders").join(safe);
        if path.exists() {
            std::fs::remove_dir_all(&path).unwrap();
        }
        std::fs::create_dir_all(&path).unwrap();
        WorkDir { path, keep: true }
    }

    pub(super) fn succeeded(mut self) {
        self.keep = false;
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("kept for inspection: {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

pub(super) struct Ran {
    pub(super) what: &'static str,
    pub(super) status: ExitStatus,
    /// Killed at the deadline.
    pub(super) hung: bool,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

impl Ran {
    /// How it ended, in a few words.
    pub(super) fn ending(&self) -> String {
        if self.hung { format!("hung (killed after {DEADLINE:?})") } else { describe(&self.status) }
    }

    pub(super) fn log(&self) -> String {
        format!(
            "--- {} ({}), stdout:\n{}\n--- stderr:\n{}",
            self.what,
            describe(&self.status),
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `command` with its output in files of `dir` (Ardour's tools print a
/// lot), killed at the deadline.
pub(super) fn run(command: &mut Command, dir: &Path, what: &'static str) -> Ran {
    let (out_path, err_path) = (dir.join(format!("{what}.stdout")), dir.join(format!("{what}.stderr")));
    command.stdin(Stdio::null()).stdout(File::create(&out_path).unwrap()).stderr(File::create(&err_path).unwrap());
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {what} ({command:?}): {e}"));
    let deadline = Instant::now() + DEADLINE;
    let mut hung = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // Killed: a death by a signal, which the callers may try again,
            // counted (Ardour 7.3 hangs now and then, as it corrupts its heap
            // now and then; a plugin that hangs does so every time, and still
            // fails).
            hung = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let mut stderr = read(&err_path);
    if hung {
        stderr.push_str(&format!("\n[killed: {what} did not finish within {DEADLINE:?}: {command:?}]"));
    }
    Ran { what, status, hung, stdout: read(&out_path), stderr }
}

pub(super) fn describe(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => status.to_string(),
    }
}

pub(super) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.is_file()))
        .unwrap_or(None)
}

pub(super) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Sets every file of the copied bundle a minute into the past. Ardour
/// trusts its scan cache only when the plugin is strictly older than the
/// cache file, in whole seconds: a bundle copied within the second of its
/// scan is otherwise treated as changed since, and not loaded.
pub(super) fn backdate_files(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(60);
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            backdate_files(&entry.path());
        } else {
            File::options().write(true).open(entry.path()).unwrap().set_modified(past).unwrap();
        }
    }
}
