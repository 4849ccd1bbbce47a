//! What the load/unload leak tests measure, for the VST3 and the CLAP host
//! alike: this process's threads (and how many are the engine's pool) and its
//! resident memory. Every reading is an error, never 0, when it cannot be
//! taken: a leak test must not pass because it measured nothing.

use std::path::Path;

/// Threads of this process, counted in /proc/self/task.
pub fn threads() -> usize {
    count_threads(Path::new("/proc/self/task")).unwrap_or_else(|e| panic!("{e}"))
}

/// Threads of this process that belong to the engine's pool (named
/// `writeahead-*`, from /proc/self/task/*/comm).
pub fn pool_threads() -> usize {
    count_pool_threads(Path::new("/proc/self/task")).unwrap_or_else(|e| panic!("{e}"))
}

/// Resident memory of this process in KiB, from /proc/self/statm and the
/// system's page size.
pub fn resident_kib() -> usize {
    read_resident_kib(Path::new("/proc/self/statm"), page_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// The entries of a `/proc/<pid>/task` folder: an error, never 0, when it
/// cannot be read (a process has at least one thread).
pub fn count_threads(task_dir: &Path) -> Result<usize, String> {
    let entries =
        std::fs::read_dir(task_dir).map_err(|e| format!("cannot count threads in {}: {e}", task_dir.display()))?;
    match entries.count() {
        0 => Err(format!("{} lists no thread: not a task folder", task_dir.display())),
        n => Ok(n),
    }
}

/// The threads of a `/proc/<pid>/task` folder whose `comm` starts with
/// `writeahead`: an error when the folder or a thread's name cannot be read
/// (a thread that ended meanwhile is not counted).
pub fn count_pool_threads(task_dir: &Path) -> Result<usize, String> {
    count_threads(task_dir)?;
    let entries =
        std::fs::read_dir(task_dir).map_err(|e| format!("cannot list threads in {}: {e}", task_dir.display()))?;
    let mut pool = 0;
    for entry in entries {
        let comm = entry.map_err(|e| format!("cannot list {}: {e}", task_dir.display()))?.path().join("comm");
        match std::fs::read_to_string(&comm) {
            Ok(name) => pool += usize::from(name.starts_with("writeahead")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", comm.display())),
        }
    }
    Ok(pool)
}

/// Resident KiB from a statm file (its second field counts resident pages):
/// an error, never 0, when it cannot be read or parsed.
pub fn read_resident_kib(statm: &Path, page_bytes: usize) -> Result<usize, String> {
    let text = std::fs::read_to_string(statm).map_err(|e| format!("cannot read {}: {e}", statm.display()))?;
    let pages: usize = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("{} has no resident page count: {text:?}", statm.display()))?;
    match pages * page_bytes / 1024 {
        0 => Err(format!("{} says nothing is resident: {text:?}", statm.display())),
        kib => Ok(kib),
    }
}

/// The system's page size in bytes.
pub fn page_bytes() -> usize {
    // SAFETY: sysconf only reads a system constant; _SC_PAGESIZE is a valid name.
    let bytes = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(bytes).ok().filter(|b| *b > 0).expect("sysconf(_SC_PAGESIZE) gives the page size")
}

/// `VmRSS` of /proc/self/status, which the kernel reports in KiB itself.
pub fn vm_rss_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS in kB")
}

/// The names of this process's threads (`comm`), sorted: what a thread count
/// that differs consists of.
pub fn thread_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable")
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim_end().to_string())
        .collect();
    names.sort();
    names
}

/// Bytes the allocator has handed out and not had back (glibc's `mallinfo2`
/// over every arena, mmapped blocks included): what a leak raises, whatever
/// the allocator keeps resident.
pub fn heap_in_use() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    let info = unsafe { libc::mallinfo2() };
    info.uordblks + info.hblkhd
}

/// Heap growth of `editor` cycles against `bare` ones (windows of the same
/// stack with none of our code), `cycles` of each, measured in alternating
/// rounds of `round` cycles: `(editor, bare)` bytes. Freed memory the
/// allocator hands back late (a closed window's threads, their caches) lands
/// in whichever round is measured then; alternating the two kinds, and which
/// goes first, splits it between them instead of crediting it all to the
/// kind measured second.
pub fn interleaved_growth(
    cycles: usize,
    round: usize,
    mut bare: impl FnMut(usize),
    mut editor: impl FnMut(usize),
) -> (i64, i64) {
    let (mut editor_growth, mut bare_growth) = (0_i64, 0_i64);
    let measure = |run: &mut dyn FnMut(usize), first: usize, total: &mut i64| {
        let before = heap_in_use() as i64;
        (first..first + round).for_each(&mut *run);
        *total += heap_in_use() as i64 - before;
    };
    for (index, first) in (0..cycles).step_by(round).enumerate() {
        if index % 2 == 0 {
            measure(&mut bare, first, &mut bare_growth);
            measure(&mut editor, first, &mut editor_growth);
        } else {
            measure(&mut editor, first, &mut editor_growth);
            measure(&mut bare, first, &mut bare_growth);
        }
    }
    (editor_growth, bare_growth)
}

/// Waits until this process has `count` threads or fewer again: a bare egui
/// window's thread ends some time after the window is dropped, and what it
/// frees must be measured with the window that allocated it. Panics after
/// ten seconds.
pub fn wait_for_threads(count: usize) {
    let started = std::time::Instant::now();
    while threads() > count {
        assert!(started.elapsed().as_secs() < 10, "{} threads, {count} expected: {:?}", threads(), thread_names());
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}
