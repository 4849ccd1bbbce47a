//! What the kernel accounts to this process's threads: CPU time of the calling
//! thread, and for every thread with a given name prefix its CPU time and
//! context switches, read from `/proc/self/task`.
//!
//! The scheduler's own account (`schedstat`) counts every nanosecond a thread
//! ran, including the kernel's work on its behalf (timers, wake-ups), which is
//! what a pool thread's wake costs. A voluntary context switch is a thread
//! going to sleep (parking, sleeping, blocking); each one is followed by a
//! wake, so their count over a session is the thread's wakes.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// CPU time of the calling thread.
pub fn thread_cpu() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant the
    // kernel supports for every thread.
    let result = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(result, 0, "the thread CPU clock cannot be read");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// One thread of this process, as the kernel accounts it at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadAccount {
    pub tid: u32,
    pub name: String,
    /// Time spent running, from `schedstat`.
    pub cpu: Duration,
    /// Times it went to sleep on its own (parked, slept, blocked).
    pub voluntary_switches: u64,
    /// Times the scheduler took the CPU away from it.
    pub involuntary_switches: u64,
}

/// Every thread of this process whose name starts with `prefix`, by thread id.
/// A thread that exits while it is being read is left out.
///
/// Panics when `/proc/self/task` cannot be read at all: a bench that cannot
/// measure must not report zeros.
pub fn threads_named(prefix: &str) -> Vec<ThreadAccount> {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task is readable (Linux)");
    let mut threads: Vec<ThreadAccount> = tasks.flatten().filter_map(|task| read_task(&task.path(), prefix)).collect();
    threads.sort_by_key(|thread| thread.tid);
    threads
}

/// How many threads of this process have a name starting with `prefix`.
pub fn count_named(prefix: &str) -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm")).is_ok_and(|name| name.trim_end().starts_with(prefix))
        })
        .count()
}

fn read_task(path: &Path, prefix: &str) -> Option<ThreadAccount> {
    let name = std::fs::read_to_string(path.join("comm")).ok()?.trim_end().to_owned();
    if !name.starts_with(prefix) {
        return None;
    }
    let tid = path.file_name()?.to_str()?.parse().ok()?;
    let schedstat = std::fs::read_to_string(path.join("schedstat")).ok()?;
    let nanos: u64 = schedstat.split_whitespace().next()?.parse().ok()?;
    let status = std::fs::read_to_string(path.join("status")).ok()?;
    let field = |key: &str| -> Option<u64> {
        status.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(':')?.trim().parse().ok())
    };
    Some(ThreadAccount {
        tid,
        name,
        cpu: Duration::from_nanos(nanos),
        voluntary_switches: field("voluntary_ctxt_switches")?,
        involuntary_switches: field("nonvoluntary_ctxt_switches")?,
    })
}

/// What a set of threads did between two readings of [`threads_named`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadsDelta {
    pub cpu: Duration,
    pub voluntary_switches: u64,
    pub involuntary_switches: u64,
    /// Threads present at the first reading but gone at the second: what they
    /// did in between is missing from the sums.
    pub exited: usize,
    /// Each thread present at the second reading with what it did in between
    /// (one that started in between counts from zero), sorted by name.
    pub per_thread: Vec<ThreadAccount>,
}

/// The work done by the threads of `after` since `before`, matched by thread id.
pub fn delta(before: &[ThreadAccount], after: &[ThreadAccount]) -> ThreadsDelta {
    let earlier: HashMap<u32, &ThreadAccount> = before.iter().map(|thread| (thread.tid, thread)).collect();
    let mut sum = ThreadsDelta::default();
    for thread in after {
        let change = match earlier.get(&thread.tid) {
            // A reused id with another name is another thread.
            Some(old) if old.name == thread.name => ThreadAccount {
                cpu: thread.cpu.saturating_sub(old.cpu),
                voluntary_switches: thread.voluntary_switches.saturating_sub(old.voluntary_switches),
                involuntary_switches: thread.involuntary_switches.saturating_sub(old.involuntary_switches),
                ..thread.clone()
            },
            _ => thread.clone(),
        };
        sum.cpu += change.cpu;
        sum.voluntary_switches += change.voluntary_switches;
        sum.involuntary_switches += change.involuntary_switches;
        sum.per_thread.push(change);
    }
    sum.per_thread.sort_by(|a, b| a.name.cmp(&b.name).then(a.tid.cmp(&b.tid)));
    sum.exited =
        before.iter().filter(|old| !after.iter().any(|new| new.tid == old.tid && new.name == old.name)).count();
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_thread_is_found_with_its_sleeps() {
        let (ready, wait) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("proc-probe".into())
            .spawn(move || {
                for _ in 0..3 {
                    std::thread::sleep(Duration::from_millis(1));
                }
                ready.send(()).unwrap();
                stopped.recv().unwrap();
            })
            .unwrap();
        wait.recv().unwrap();
        let found = threads_named("proc-probe");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].voluntary_switches >= 3, "{found:?}");
        assert_eq!(count_named("proc-probe"), 1);
        stop.send(()).unwrap();
        thread.join().unwrap();
    }

    #[test]
    fn deltas_match_threads_by_id_and_name() {
        let account = |tid, name: &str, cpu_ms, voluntary| ThreadAccount {
            tid,
            name: name.into(),
            cpu: Duration::from_millis(cpu_ms),
            voluntary_switches: voluntary,
            involuntary_switches: 0,
        };
        let before = [account(1, "a", 10, 5), account(2, "b", 10, 5), account(3, "c", 1, 1)];
        let after = [account(1, "a", 15, 8), account(3, "d", 2, 2), account(4, "e", 1, 1)];
        let sum = delta(&before, &after);
        assert_eq!(sum.cpu, Duration::from_millis(5 + 2 + 1));
        assert_eq!(sum.voluntary_switches, 3 + 2 + 1);
        assert_eq!(sum.exited, 2);
        let names: Vec<&str> = sum.per_thread.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "d", "e"]);
        assert_eq!(sum.per_thread[0].cpu, Duration::from_millis(5));
    }
}
