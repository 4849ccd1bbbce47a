//! One pool of worker threads per process serves every write-ahead engine in
//! it (all instances of a plugin module share it), so the cost of waking up
//! is paid once per tick for all of them, and threads do not multiply with
//! instances.
//!
//! - **Workers.** K threads ([`WORKERS_ENV`], default: cores - 1, at least 1)
//!   wake every tick (the shortest any engine asks for), and each serves every
//!   engine it finds with new input and free (`try_lock`: an engine held by
//!   another worker or by its audio thread is skipped). An engine is served by
//!   one thread at a time; which one does not matter.
//! - **Stall isolation.** A worker stuck inside one engine's processor (a
//!   garbage collector, a lock, I/O) does not hold up the others: they go on
//!   serving the other engines. When every worker is stuck, a watchdog thread
//!   (which never runs a processor) starts a spare worker; spares retire once
//!   the workers are free again.
//! - **Adaptive wakes.** After each round a worker sleeps a tick, half a tick
//!   when some engine's lead has fallen two ticks below its headroom (L less
//!   the largest block), or two ticks when every engine it served has been
//!   served for two seconds and the longest stall it has shown fits its
//!   headroom with three ticks to spare (see [`Pace`]). A DSP whose first long
//!   stall comes after that is hidden up to L - block - 2 ticks, not
//!   L - block - tick.
//! - **Idle.** A worker that has found nothing to do for half a second wakes
//!   four times less often; an engine's audio thread computes what a sleeping
//!   worker did not.
//! - **Lifetime.** The pool starts with the first engine that registers and
//!   stops, joining every thread, when the last one leaves: no thread outlives
//!   the engines (a host may unload the module right after).

mod worker;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::cache_padded::CachePadded;

/// The environment variable that sets the number of worker threads (read
/// when the pool starts).
pub const WORKERS_ENV: &str = "WRITEAHEAD_WORKERS";
/// Spare workers the watchdog may add while every worker is stuck: one, so the
/// pool never runs more than K + 2 threads.
const MAX_SPARES: usize = 1;

/// What the pool asks of an engine.
pub(crate) trait Job: Send + Sync {
    /// Processes the input that has arrived, unless someone else holds the
    /// processor.
    fn serve(&self, round: &Round<'_>) -> Served;
    /// How often the engine wants to be looked at.
    fn tick(&self) -> Duration;
}

/// What a pool thread tells the engines it serves in one round.
pub(crate) struct Round<'a> {
    /// The calling thread's slot (see [`ThreadSlot`]).
    pub(crate) slot: &'a ThreadSlot,
    /// How long the thread slept before this round.
    pub(crate) interval: Duration,
}

/// What one [`Job::serve`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// Nothing to do, or someone else had the processor.
    Nothing,
    /// Processed new input, which left it at this pace.
    Worked(Pace),
}

/// How an engine's lead stood when a worker came to its new input: it decides
/// when the pool wakes next (the adaptive wake). Ordered from most to least
/// urgent: a round wakes as the most urgent engine asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Pace {
    /// The lead had fallen two ticks below the headroom (the write-ahead delay
    /// less the largest block): wake sooner, at half a tick.
    Behind,
    /// As planned: wake at the tick.
    OnTime,
    /// Served for a while, and the longest stall seen so far fits the headroom
    /// with three ticks to spare: a wake may be skipped.
    Comfortable,
}

/// A pool thread's state as the watchdog sees it.
pub(crate) struct ThreadSlot {
    /// Nanoseconds since the pool's epoch, plus one, at which the thread began
    /// serving an engine's processor (0: not inside one).
    busy_since: AtomicU64,
    /// Whether a thread runs in this slot.
    running: AtomicBool,
    epoch: Instant,
}

impl ThreadSlot {
    fn new(epoch: Instant) -> Self {
        Self { busy_since: AtomicU64::new(0), running: AtomicBool::new(false), epoch }
    }

    /// The thread begins serving a processor.
    pub(crate) fn enter(&self) {
        self.busy_since.store(self.epoch.elapsed().as_nanos() as u64 + 1, Ordering::Release);
    }

    /// The thread is done with it.
    pub(crate) fn leave(&self) {
        self.busy_since.store(0, Ordering::Release);
    }

    /// How long the thread has been inside a processor, if it is.
    fn busy_for(&self, now: u64) -> Option<u64> {
        let since = self.busy_since.load(Ordering::Acquire);
        (since != 0).then(|| now.saturating_sub(since))
    }
}

/// What the pool's threads share.
struct Shared {
    /// The engines served; workers copy it when `generation` moves.
    jobs: Mutex<Vec<Arc<dyn Job>>>,
    generation: AtomicU64,
    stop: AtomicBool,
    /// The shortest tick any engine asks for, in nanoseconds.
    tick_nanos: AtomicU64,
    /// When a worker last found work, in nanoseconds since `epoch`: the
    /// watchdog looks less often while the pool is idle.
    last_work_nanos: AtomicU64,
    /// The watchdog, woken when work resumes after an idle spell.
    watchdog: std::sync::OnceLock<std::thread::Thread>,
    /// `workers` regular slots, then `MAX_SPARES` spare slots.
    slots: Box<[CachePadded<ThreadSlot>]>,
    workers: usize,
    spares: Mutex<Vec<JoinHandle<()>>>,
    spares_started: AtomicUsize,
    /// Regular workers and the watchdog that have begun running.
    started: AtomicUsize,
    epoch: Instant,
}

impl Shared {
    fn lock_jobs(&self) -> MutexGuard<'_, Vec<Arc<dyn Job>>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn tick(&self) -> Duration {
        Duration::from_nanos(self.tick_nanos.load(Ordering::Relaxed))
    }

    fn now_nanos(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64 + 1
    }
}

/// The running pool, if any engine is registered.
struct Running {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    jobs: usize,
}

static POOL: Mutex<Option<Running>> = Mutex::new(None);

fn lock_pool() -> MutexGuard<'static, Option<Running>> {
    POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The worker count a new pool gets: [`WORKERS_ENV`], or cores - 1 (at least 1).
pub fn worker_count() -> usize {
    std::env::var(WORKERS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1)))
}

/// Threads the pool runs now (workers, watchdog and spares), 0 when stopped.
pub fn thread_count() -> usize {
    lock_pool().as_ref().map_or(0, |running| {
        let spares = running.shared.slots[running.shared.workers..]
            .iter()
            .filter(|slot| slot.running.load(Ordering::Acquire))
            .count();
        running.threads.len() + spares
    })
}

/// Spare workers the watchdog has started since the pool started (0 when
/// stopped): how often every worker was stuck inside a processor at once.
pub fn spare_starts() -> usize {
    lock_pool().as_ref().map_or(0, |running| running.shared.spares_started.load(Ordering::Relaxed))
}

/// An engine's place in the pool; dropping it leaves the pool (and stops the
/// pool if it was the last). Only from a main thread: it may join threads.
pub(crate) struct Registration {
    job: Arc<dyn Job>,
}

/// Adds `job` to the pool, starting the pool if it is not running.
pub(crate) fn register(job: Arc<dyn Job>) -> std::io::Result<Registration> {
    let mut pool = lock_pool();
    if pool.is_none() {
        *pool = Some(start(worker_count())?);
    }
    let running = pool.as_mut().expect("started above");
    let shared = &running.shared;
    let tick = job.tick().as_nanos() as u64;
    if tick < shared.tick_nanos.load(Ordering::Relaxed) || running.jobs == 0 {
        shared.tick_nanos.store(tick, Ordering::Relaxed);
    }
    shared.lock_jobs().push(Arc::clone(&job));
    shared.generation.fetch_add(1, Ordering::Release);
    running.jobs += 1;
    // Serve the newcomer now rather than at the next tick.
    running.threads.iter().for_each(|t| t.thread().unpark());
    Ok(Registration { job })
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut pool = lock_pool();
        let Some(running) = pool.as_mut() else { return };
        let shared = &running.shared;
        {
            let mut jobs = shared.lock_jobs();
            jobs.retain(|job| !Arc::ptr_eq(job, &self.job));
            // The last one gone, the tick stays as it was until the pool
            // stops: the threads multiply it, and must not see an
            // unbounded one meanwhile.
            if let Some(tick) = jobs.iter().map(|job| job.tick().as_nanos() as u64).min() {
                shared.tick_nanos.store(tick, Ordering::Relaxed);
            }
        }
        shared.generation.fetch_add(1, Ordering::Release);
        running.jobs -= 1;
        if running.jobs == 0 {
            let running = pool.take().expect("checked above");
            stop(running);
        }
    }
}

/// Starts `workers` workers and the watchdog.
fn start(workers: usize) -> std::io::Result<Running> {
    let epoch = Instant::now();
    let shared = Arc::new(Shared {
        jobs: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        tick_nanos: AtomicU64::new(Duration::from_millis(5).as_nanos() as u64),
        last_work_nanos: AtomicU64::new(0),
        watchdog: std::sync::OnceLock::new(),
        slots: (0..workers + MAX_SPARES).map(|_| CachePadded(ThreadSlot::new(epoch))).collect(),
        workers,
        spares: Mutex::new(Vec::new()),
        spares_started: AtomicUsize::new(0),
        started: AtomicUsize::new(0),
        epoch,
    });
    let mut running = Running { shared: Arc::clone(&shared), threads: Vec::new(), jobs: 0 };
    for index in 0..workers {
        match worker::spawn_worker(&shared, index) {
            Ok(thread) => running.threads.push(thread),
            Err(err) => {
                stop(running);
                return Err(err);
            }
        }
    }
    match worker::spawn_watchdog(&shared) {
        Ok(thread) => running.threads.push(thread),
        Err(err) => {
            stop(running);
            return Err(err);
        }
    }
    // Started means running: the workers and the watchdog have taken their
    // names (so /proc and debuggers see them whole from now on).
    while shared.started.load(Ordering::Acquire) < workers + 1 {
        std::thread::yield_now();
    }
    Ok(running)
}

/// Stops and joins every thread of the pool.
fn stop(running: Running) {
    running.shared.stop.store(true, Ordering::Release);
    for thread in &running.threads {
        thread.thread().unpark();
    }
    for thread in running.threads {
        let _ = thread.join();
    }
    // The watchdog is joined: no spare starts any more.
    let spares = std::mem::take(&mut *running.shared.spares.lock().unwrap_or_else(PoisonError::into_inner));
    for spare in &spares {
        spare.thread().unpark();
    }
    for spare in spares {
        let _ = spare.join();
    }
}
