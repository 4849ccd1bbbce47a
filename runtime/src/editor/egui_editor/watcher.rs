//! Decides when an open editor redraws: a small thread per window that looks
//! at the parameter values and the telemetry the editor shows, at most
//! [`RATE_HZ`] times a second, samples the history the write-ahead panel
//! plots, and asks egui for a frame only when something it shows changed.
//! An idle editor (no audio, nothing moving) therefore draws nothing, and a
//! running one draws at the meter rate, never every vsync. It reads atomics
//! only; the audio thread does nothing for it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::editor::EditorContext;
use crate::engine::EngineStats;

/// Checks per second, and so the most frames a second telemetry can cause: a
/// meter's rate. Each frame redraws the whole window (about 5 ms of CPU with
/// Mesa's software renderer, far less on a GPU).
pub(super) const RATE_HZ: u32 = 20;

/// Seconds of history the panel plots.
pub const HISTORY_SECONDS: u32 = 5;

/// One look at the engine, for the panel's plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// The buffer fill, 0..=1 of the output ring.
    pub fill: f32,
    /// How far the worker was ahead, in milliseconds.
    pub lead_ms: f32,
}

/// The last [`HISTORY_SECONDS`] of samples, oldest first, taken while audio
/// ran.
#[derive(Debug, Default)]
pub struct History {
    samples: VecDeque<Sample>,
}

impl History {
    const CAPACITY: usize = (RATE_HZ * HISTORY_SECONDS) as usize;

    pub fn samples(&self) -> impl ExactSizeIterator<Item = &Sample> {
        self.samples.iter()
    }

    pub(super) fn push(&mut self, sample: Sample) {
        if self.samples.len() == Self::CAPACITY {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    pub const fn capacity() -> usize {
        Self::CAPACITY
    }
}

/// What the editor shows of the telemetry, rounded as it shows it: a change
/// here is a change on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shown {
    fill_permille: i64,
    underruns: u64,
    worst_lead: i64,
    run_mode: u8,
    latency: u64,
    wanted_latency_bits: u64,
}

fn shown(stats: &EngineStats) -> Shown {
    Shown {
        fill_permille: (stats.fill * 1000.0).round() as i64,
        underruns: stats.underruns,
        worst_lead: stats.worst_lead,
        run_mode: stats.run_mode.map_or(0, |m| m as u8 + 1),
        latency: stats.latency_samples,
        wanted_latency_bits: stats.wanted_latency_ms.unwrap_or(0.0).to_bits(),
    }
}

/// The running watcher; dropping it stops and joins its thread.
pub(super) struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Watches `context` for the window whose egui context lands in `egui`
    /// (set when the window is built), sampling into `history`.
    pub(super) fn start(
        context: Arc<EditorContext>,
        egui: Arc<OnceLock<egui::Context>>,
        history: Arc<Mutex<History>>,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("writeahead-editor-watch".into())
            .spawn(move || watch(&context, &egui, &history, &stopping))?;
        Ok(Self { stop, thread: Some(thread) })
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn watch(context: &EditorContext, egui: &OnceLock<egui::Context>, history: &Mutex<History>, stop: &AtomicBool) {
    let period = Duration::from_secs(1) / RATE_HZ;
    let buffered = context.info().buffering;
    let mut last_values = context.values_fingerprint();
    let mut last_file = context.file().map(|file| file.status());
    let first = context.stats();
    let mut last_shown = shown(&first);
    let mut last_produced = first.produced;
    while !stop.load(Ordering::Acquire) {
        std::thread::park_timeout(period);
        let stats = context.stats();
        let mut changed = false;
        // Audio ran since the last look: the plot moves on.
        if buffered && stats.produced != last_produced {
            let rate = if stats.sample_rate > 0.0 { stats.sample_rate } else { 48_000.0 };
            let sample = Sample { fill: stats.fill as f32, lead_ms: (stats.lead as f64 * 1000.0 / rate) as f32 };
            history.lock().unwrap_or_else(PoisonError::into_inner).push(sample);
            changed = true;
        }
        last_produced = stats.produced;
        let now_shown = shown(&stats);
        changed |= now_shown != last_shown;
        last_shown = now_shown;
        let values = context.values_fingerprint();
        changed |= values != last_values;
        last_values = values;
        // A file loading, loaded or refused (the file row says so).
        let file = context.file().map(|file| file.status());
        changed |= file != last_file;
        last_file = file;
        if changed && let Some(egui) = egui.get() {
            // Not `request_repaint`: egui draws twice for each of those (to
            // let layouts settle); a frame a change is what a meter needs.
            egui.request_repaint_after(Duration::from_millis(1));
        }
    }
}
