//! [`Convolution`]: one impulse response convolved with every channel, cut
//! as a [`Plan`] says: the direct head, then the stages, all adding into one
//! output accumulator.

use realfft::RealFftPlanner;

use super::buffers::{Accumulator, History, Planar};
use super::kernels::fir_add;
use super::plan::{Plan, Scheme, Shape};
use super::routing::{Path, route};
use super::stage::Stage;

/// A partitioned convolution of `channels` audio channels with one response
/// (already at the session's rate), its state included: the object a load
/// prepares off the audio thread and the processor swaps in.
///
/// `process` is real-time safe (no allocation, lock or system call) and its
/// output does not depend on how the stream is cut into blocks: every
/// partition's blocks end at fixed input clocks. Output frame `t` is the
/// convolution at input frame `t - latency`.
pub struct Convolution {
    plan: Plan,
    channels: usize,
    paths: Vec<Path>,
    /// Per routed response, its first `head` taps last to first.
    head: Vec<Vec<f32>>,
    history: History,
    acc: Accumulator,
    stages: Vec<Stage>,
    /// Input frames processed since the last reset.
    clock: u64,
}

impl Convolution {
    /// Routes `response` (its channels, at the session's rate) onto `channels`
    /// audio channels, plans its partitions under `scheme` and transforms
    /// them. Allocates and computes FFTs of the whole response: never on the
    /// audio thread.
    pub fn new(response: &[Vec<f32>], channels: usize, scheme: Scheme) -> Self {
        let (responses, paths) = route(response, channels);
        let len = responses.iter().map(Vec::len).max().unwrap_or(0);
        let shape = Shape { inputs: channels, outputs: channels, paths: paths.len() };
        let plan = Plan::new(scheme, len, shape);
        let head_len = scheme.head.min(len);
        let head = responses.iter().map(|r| r[..head_len.min(r.len())].iter().rev().copied().collect()).collect();
        let mut planner = RealFftPlanner::new();
        let stages = plan.stages.iter().map(|s| Stage::new(*s, &scheme, &responses, channels, &mut planner)).collect();
        let keep = (2 * plan.largest()).max(head_len);
        Self {
            history: History::new(channels, keep, scheme.first),
            acc: Accumulator::new(channels, plan.reach() + scheme.first),
            channels,
            paths,
            head,
            stages,
            clock: 0,
            plan,
        }
    }

    /// The plan in use.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Audio channels in and out.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Frames the output comes late (the scheme's).
    pub fn latency(&self) -> usize {
        self.plan.scheme.latency
    }

    /// The response's length in frames: how long the output outlasts the input.
    pub fn len(&self) -> usize {
        self.plan.len
    }

    /// Never true: a response has at least one frame.
    pub fn is_empty(&self) -> bool {
        self.plan.len == 0
    }

    /// Convolves `frames` frames of `input` into `output` (both from frame 0;
    /// `output` is overwritten). Inputs must be finite: the caller keeps NaN
    /// and infinity out, or they stay in the history and the partitions'
    /// spectra until they have passed through.
    pub fn process(&mut self, input: &Planar, output: &mut Planar, frames: usize) {
        let first = self.plan.scheme.first as u64;
        let head_len = self.head.first().map_or(0, Vec::len);
        let mut at = 0;
        while at < frames {
            // Up to the next end of a first-size block: every stage's blocks
            // end on one of those.
            let n = (frames - at).min((first - self.clock % first) as usize);
            let start = self.history.append(input, at, n);
            for channel in 0..self.channels {
                self.acc.take(channel, self.clock, &mut output.channel_mut(channel)[at..at + n]);
            }
            if head_len > 0 {
                for path in &self.paths {
                    let window = &self.history.channel(path.input)[start + 1 - head_len..start + n];
                    fir_add(&mut output.channel_mut(path.output)[at..at + n], window, &self.head[path.response]);
                }
            }
            self.clock += n as u64;
            if self.clock.is_multiple_of(first) {
                for stage in &mut self.stages {
                    stage.step(&self.history, &self.paths, &mut self.acc, self.clock);
                }
            }
            at += n;
        }
    }

    /// Forgets all input: what follows sounds as if the stream started here.
    pub fn reset(&mut self) {
        self.history.clear();
        self.acc.clear();
        self.stages.iter_mut().for_each(Stage::clear);
        self.clock = 0;
    }
}

impl std::fmt::Debug for Convolution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Convolution")
            .field("plan", &self.plan)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}
