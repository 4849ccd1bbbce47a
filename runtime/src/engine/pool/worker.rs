//! The pool's threads: workers (and spares) that serve the engines every
//! tick, and the watchdog that starts a spare when every worker is stuck.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Pace, Round, Served, Shared};
use crate::engine::denormals::FlushToZero;

/// A worker that has found nothing to do for this long wakes less often.
const IDLE_AFTER: Duration = Duration::from_millis(500);
/// How much less often.
const IDLE_SLOWDOWN: u32 = 4;
/// The shortest sleep between rounds.
const MIN_INTERVAL: Duration = Duration::from_micros(500);
/// A spare that has not been needed for this long retires.
const RETIRE_AFTER: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Worker,
    Spare,
}

/// Starts regular worker `index`.
pub(super) fn spawn_worker(shared: &Arc<Shared>, index: usize) -> std::io::Result<JoinHandle<()>> {
    let shared = Arc::clone(shared);
    // Names within the 15 bytes Linux keeps, so /proc and debuggers show them whole.
    std::thread::Builder::new().name(format!("writeahead-{index}")).spawn(move || serve(&shared, index, Role::Worker))
}

/// Starts the watchdog.
pub(super) fn spawn_watchdog(shared: &Arc<Shared>) -> std::io::Result<JoinHandle<()>> {
    let shared = Arc::clone(shared);
    std::thread::Builder::new().name("writeahead-dog".into()).spawn(move || watch(&shared))
}

/// The loop of a worker or a spare in slot `index`: serve every engine, sleep
/// a tick, again.
fn serve(shared: &Shared, index: usize, role: Role) {
    let _flush_to_zero = FlushToZero::enable();
    let slot = &shared.slots[index];
    slot.running.store(true, Ordering::Release);
    if role == Role::Worker {
        shared.started.fetch_add(1, Ordering::Release);
    }
    let mut jobs = Vec::new();
    let mut generation = u64::MAX;
    let mut turn = 0_usize;
    let mut idle_since: Option<Instant> = None;
    let mut unneeded_since: Option<Instant> = None;
    let mut interval = shared.tick();
    while !shared.stop.load(Ordering::Acquire) {
        let current = shared.generation.load(Ordering::Acquire);
        if current != generation {
            jobs.clone_from(&*shared.lock_jobs());
            generation = current;
        }
        if role == Role::Spare {
            if all_workers_stuck(shared) {
                unneeded_since = None;
            } else if unneeded_since.get_or_insert_with(Instant::now).elapsed() > RETIRE_AFTER {
                break;
            }
        }
        // Start with another engine each round, so none is always served last.
        let round_started = Instant::now();
        let round = Round { slot, interval };
        let mut worked = false;
        let mut slowest = Pace::Comfortable;
        for i in 0..jobs.len() {
            let job: &Arc<dyn super::Job> = &jobs[(turn + i) % jobs.len()];
            if let Served::Worked(pace) = job.serve(&round) {
                worked = true;
                slowest = slowest.min(pace);
            }
        }
        turn = turn.wrapping_add(1);
        let tick = shared.tick();
        if worked {
            let now = shared.now_nanos();
            let before = shared.last_work_nanos.swap(now, Ordering::Relaxed);
            if now.saturating_sub(before) > IDLE_AFTER.as_nanos() as u64 {
                // Work again after an idle spell: the watchdog looks often again.
                shared.watchdog.get().inspect(|dog| dog.unpark());
            }
        }
        interval = if worked {
            idle_since = None;
            match slowest {
                Pace::Behind => (tick / 2).max(MIN_INTERVAL),
                Pace::OnTime => tick,
                Pace::Comfortable => tick * 2,
            }
        } else if idle_since.get_or_insert_with(Instant::now).elapsed() > IDLE_AFTER {
            tick * IDLE_SLOWDOWN
        } else {
            tick
        };
        // The interval runs from the start of the round, so a long round does
        // not stretch the tick.
        if let Some(rest) = interval.checked_sub(round_started.elapsed()) {
            std::thread::park_timeout(rest);
        }
    }
    // The slot's engines are released with the snapshot, outside the loop.
    drop(jobs);
    slot.running.store(false, Ordering::Release);
}

/// Whether every regular worker has been inside one processor for longer than
/// two ticks.
fn all_workers_stuck(shared: &Shared) -> bool {
    let now = shared.now_nanos();
    let threshold = 2 * shared.tick_nanos.load(Ordering::Relaxed);
    shared.slots[..shared.workers].iter().all(|slot| slot.busy_for(now).is_some_and(|busy| busy > threshold))
}

/// The watchdog: every three ticks (forty while the workers have found no work
/// for half a second), if every worker (and the spare, if running) has been
/// stuck inside a processor for two ticks, starts a spare in the free spare
/// slot. A stall is so seen within five ticks, well inside the headroom the
/// other engines have left (L - block - tick).
fn watch(shared: &Arc<Shared>) {
    let _ = shared.watchdog.set(std::thread::current());
    shared.started.fetch_add(1, Ordering::Release);
    while !shared.stop.load(Ordering::Acquire) {
        let idle = shared.now_nanos().saturating_sub(shared.last_work_nanos.load(Ordering::Relaxed))
            > IDLE_AFTER.as_nanos() as u64;
        std::thread::park_timeout(shared.tick() * if idle { 40 } else { 3 });
        if shared.stop.load(Ordering::Acquire) {
            break;
        }
        let mut spares = shared.spares.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (finished, running): (Vec<_>, Vec<_>) =
            std::mem::take(&mut *spares).into_iter().partition(|s| s.is_finished());
        *spares = running;
        for spare in finished {
            let _ = spare.join();
        }
        if !all_workers_stuck(shared) {
            continue;
        }
        let now = shared.now_nanos();
        let threshold = 2 * shared.tick_nanos.load(Ordering::Relaxed);
        let spare_slots = shared.workers..shared.slots.len();
        let spares_stuck = spare_slots.clone().all(|index| {
            let slot = &shared.slots[index];
            !slot.running.load(Ordering::Acquire) || slot.busy_for(now).is_some_and(|busy| busy > threshold)
        });
        let free = spare_slots.clone().find(|index| !shared.slots[*index].running.load(Ordering::Acquire));
        if let (true, Some(index)) = (spares_stuck, free) {
            // Marked running before it starts, so the next round does not start
            // a second one in the same slot.
            shared.slots[index].running.store(true, Ordering::Release);
            let spare_shared = Arc::clone(shared);
            let started = std::thread::Builder::new()
                .name("writeahead-sp".into())
                .spawn(move || serve(&spare_shared, index, Role::Spare));
            match started {
                Ok(handle) => {
                    shared.spares_started.fetch_add(1, Ordering::Relaxed);
                    spares.push(handle);
                }
                Err(_) => shared.slots[index].running.store(false, Ordering::Release),
            }
        }
    }
}
