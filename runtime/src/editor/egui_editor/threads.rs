//! Knowing when every thread an editor window started has ended.
//!
//! baseview joins the window's thread when the window closes, but a library
//! under it does not join its own: egui-baseview's clipboard (copypasta, then
//! x11-clipboard) serves selection requests from a detached thread that
//! leaves only after its window is gone. That thread runs this library's code;
//! a host that unloads the plugin right after closing the editor would pull
//! the code from under it. So the window's thread takes a name of its own
//! before the clipboard starts (threads inherit their creator's name), and
//! closing the window waits, briefly and boundedly, until no thread of that
//! name is left.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long closing a window waits for its threads (they leave within a
/// millisecond or two).
const DEADLINE: Duration = Duration::from_secs(2);

/// A name for the next window's threads: unique in this process, at most 15
/// bytes (the kernel's limit).
pub(super) fn next_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("wa-editor-{}", NEXT.fetch_add(1, Ordering::Relaxed) % 100_000)
}

/// Names the calling thread `name` (threads it starts inherit it).
pub(super) fn name_this_thread(name: &str) {
    let Ok(name) = std::ffi::CString::new(name) else { return };
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16 bytes
    // (longer ones are cut), which `name` is.
    unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0) };
}

/// Waits until no thread of this process is named `name`, up to
/// [`DEADLINE`]; false if one still is.
pub(super) fn wait_until_gone(name: &str) -> bool {
    let started = Instant::now();
    while named(name) {
        if started.elapsed() > DEADLINE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Whether a thread of this process is named `name`.
fn named(name: &str) -> bool {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return false };
    tasks
        .flatten()
        .any(|task| std::fs::read_to_string(task.path().join("comm")).is_ok_and(|comm| comm.trim_end() == name))
}
