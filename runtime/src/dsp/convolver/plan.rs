//! How an impulse response is cut into partitions: a direct head (zero
//! latency only), then stages of uniform partitions, each stage's partitions
//! larger than the last.
//!
//! A stage of partitions of `P` frames convolves its span of the response
//! block by block: every `P` input frames it transforms the last `2P` (FFT of
//! `2P`), multiplies them with each of its `K` partitions' spectra against the
//! inputs of as many blocks back (a frequency-domain delay line), and
//! transforms back `P` output frames. Its block's output is due `offset +
//! latency` frames after the block's first input frame, so a stage can start
//! no earlier in the (delayed) response than its own size: `offset + latency
//! >= P`. Large partitions are cheap per frame (an FFT costs about `log P`
//! per frame, and fewer partitions mean fewer multiply-adds), so the scheme
//! grows them as fast as that rule allows, and the rule is what the latency
//! buys: with `latency` frames of latency the first partition may already be
//! `latency` frames long.
//!
//! Which sizes and how many of each come from a small search over a cost
//! model (nanoseconds per frame of an FFT and of a spectral multiply-add,
//! measured once on an x86-64 with AVX2; only their ratio matters, and the
//! same plan comes out on every machine). Each stage's blocks end at a phase
//! of its own, chosen so that the large stages' bursts of work do not fall on
//! the same block.

/// The first partition's size when buffered, at least.
pub const MIN_FIRST: usize = 64;
/// The largest partition of any scheme. Its burst (two FFTs of twice this
/// many points per channel and the partitions' multiply-adds) stays around a
/// couple of milliseconds on a 10 s stereo response.
pub const MAX_PARTITION: usize = 65_536;
/// Buffered, the largest partition is at most this many times the first:
/// the burst of work it brings grows with the partition, and the headroom it
/// must fit in grows with the first partition (both scale with the latency).
pub const LARGEST_PER_FIRST: usize = 64;
/// Zero latency: taps convolved directly, and the first partition's size.
pub const HEAD: usize = 64;
/// Zero latency: the largest partition. Its burst lands on the audio thread
/// inline, so it stays smaller than buffered.
pub const INLINE_LARGEST: usize = 8192;

/// The shape of a partitioned convolution: what the latency budget allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scheme {
    /// Frames the output comes late: the first partition's size when
    /// buffered, 0 with zero latency.
    pub latency: usize,
    /// Taps convolved directly, sample by sample: the first partition's size
    /// with zero latency, 0 buffered.
    pub head: usize,
    /// The first (smallest) partition, a power of two.
    pub first: usize,
    /// The largest partition, a power of two.
    pub largest: usize,
}

impl Scheme {
    /// No latency: a direct head of [`HEAD`] taps, then partitions from
    /// [`HEAD`] up to [`INLINE_LARGEST`] frames.
    pub const fn zero_latency() -> Self {
        Self { latency: 0, head: HEAD, first: HEAD, largest: INLINE_LARGEST }
    }

    /// `first` frames of latency (rounded down to a power of two, at least
    /// [`MIN_FIRST`]) and a first partition as long, no head.
    pub fn buffered(first: usize) -> Self {
        let first = prev_power_of_two(first.max(MIN_FIRST));
        let largest = first.saturating_mul(LARGEST_PER_FIRST).clamp(first, MAX_PARTITION.max(first));
        Self { latency: first, head: 0, first, largest }
    }

    /// The scheme for a latency budget of `budget` frames (what the engine
    /// lets a processor add without the host seeing it): a first partition of
    /// the largest power of two within half the budget, the other half left
    /// as headroom for the large partitions' bursts and for the scheduler;
    /// zero latency when that is below [`MIN_FIRST`].
    pub fn for_budget(budget: usize) -> Self {
        let half = budget / 2;
        if half < MIN_FIRST { Self::zero_latency() } else { Self::buffered(half) }
    }
}

/// The largest power of two not above `n` (`n >= 1`).
fn prev_power_of_two(n: usize) -> usize {
    1 << (usize::BITS - 1 - n.max(1).leading_zeros())
}

/// One stage: `count` partitions of `size` frames covering the response from
/// tap `offset`; its blocks end whenever the input clock minus `phase` is a
/// multiple of `size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    pub size: usize,
    pub count: usize,
    pub offset: usize,
    pub phase: usize,
}

impl Stage {
    /// The first tap after the stage's span.
    pub fn end(&self) -> usize {
        self.offset + self.size * self.count
    }
}

/// What a plan's cost depends on besides the sizes: how many transforms and
/// multiply-adds each block takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Input channels transformed forward every block.
    pub inputs: usize,
    /// Output channels transformed back every block.
    pub outputs: usize,
    /// Input-to-output paths, each a multiply-add per partition.
    pub paths: usize,
}

/// How a response of `len` taps is convolved under a scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub scheme: Scheme,
    pub len: usize,
    pub stages: Vec<Stage>,
}

/// Nanoseconds per frame of a forward plus an inverse real FFT of `2 * size`
/// points (rustfft with AVX2: about 6 ns at 64, 12 ns at 65 536).
fn fft_ns(size: usize) -> f64 {
    3.0 + 0.55 * (2.0 * size as f64).log2()
}
/// Nanoseconds per frame of one partition's spectral multiply-add on one path.
const MAC_NS: f64 = 0.4;
/// Nanoseconds per frame a stage costs per channel besides its FFTs: copying
/// the window, splitting the spectrum, adding the output.
const STAGE_NS: f64 = 1.5;

fn stage_cost(size: usize, count: usize, shape: Shape) -> f64 {
    let channels = (shape.inputs + shape.outputs) as f64 / 2.0;
    (fft_ns(size) + STAGE_NS) * channels + MAC_NS * (count * shape.paths) as f64
}

impl Plan {
    /// The cheapest plan the search finds for `len` taps under `scheme`.
    pub fn new(scheme: Scheme, len: usize, shape: Shape) -> Self {
        let mut stages = Vec::new();
        if len > scheme.head {
            let start = scheme.head + scheme.latency;
            debug_assert!(start >= scheme.first, "the first stage starts after its own size");
            let (_, sizes) = search(start, scheme.first, len - scheme.head, scheme.largest, shape);
            let mut offset = scheme.head;
            for (size, count) in sizes {
                stages.push(Stage { size, count, offset, phase: 0 });
                offset += size * count;
            }
            assign_phases(&mut stages, scheme.first, shape);
        }
        Self { scheme, len, stages }
    }

    /// The most frames any stage's output lands ahead of the input clock: what
    /// the output accumulator must hold.
    pub fn reach(&self) -> usize {
        self.stages.iter().map(|s| s.offset + self.scheme.latency).max().unwrap_or(0)
    }

    /// The largest partition (0 without stages).
    pub fn largest(&self) -> usize {
        self.stages.iter().map(|s| s.size).max().unwrap_or(0)
    }

    /// Modelled nanoseconds per frame (for comparing plans, not a measurement).
    pub fn cost(&self, shape: Shape) -> f64 {
        self.stages.iter().map(|s| stage_cost(s.size, s.count, shape)).sum()
    }
}

/// The cheapest way to cover `left` taps with partitions of `size` and
/// larger, the first starting at `start` (in the delayed response): `(cost,
/// [(size, count)])`. Either this size covers the rest, or it runs until a
/// partition twice or four times as large may start (`start >= size`).
fn search(start: usize, size: usize, left: usize, largest: usize, shape: Shape) -> (f64, Vec<(usize, usize)>) {
    let all = left.div_ceil(size);
    let mut best = (stage_cost(size, all, shape), vec![(size, all)]);
    for factor in [2, 4] {
        let next = size * factor;
        if next > largest {
            continue;
        }
        let count = next.saturating_sub(start).div_ceil(size).max(1);
        if count >= all {
            continue;
        }
        let (rest, mut sizes) = search(start + count * size, next, left - count * size, largest, shape);
        let cost = stage_cost(size, count, shape) + rest;
        if cost < best.0 {
            sizes.insert(0, (size, count));
            best = (cost, sizes);
        }
    }
    best
}

/// Gives each stage after the first the phase (a multiple of `first`) whose
/// block ends meet the fewest of the earlier large stages' block ends,
/// weighted by their work: the bursts spread over the blocks instead of
/// piling up every time the largest partition completes.
fn assign_phases(stages: &mut [Stage], first: usize, shape: Shape) {
    let period = stages.iter().map(|s| s.size).max().unwrap_or(first) / first;
    let work = |s: &Stage| s.size as f64 * stage_cost(s.size, s.count, shape);
    let ends = |s: &Stage, block: usize| (block * first + s.size - s.phase).is_multiple_of(s.size);
    for i in 1..stages.len() {
        let (done, rest) = stages.split_at_mut(i);
        let stage = &mut rest[0];
        let mut best = (f64::INFINITY, 0);
        for phase in (0..stage.size).step_by(first) {
            let candidate = Stage { phase, ..*stage };
            let clash: f64 = (0..period)
                .filter(|&block| ends(&candidate, block))
                .map(|block| done[1..].iter().filter(|s| ends(s, block)).map(work).sum::<f64>())
                .sum();
            if clash < best.0 {
                best = (clash, phase);
            }
        }
        stage.phase = best.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEREO: Shape = Shape { inputs: 2, outputs: 2, paths: 2 };

    fn check_rules(plan: &Plan) {
        let s = plan.scheme;
        let mut offset = s.head;
        for stage in &plan.stages {
            assert_eq!(stage.offset, offset, "stages are contiguous: {plan:?}");
            assert!(stage.offset + s.latency >= stage.size, "a stage starts after its size: {plan:?}");
            assert!(stage.size.is_power_of_two() && stage.size <= s.largest.max(s.first));
            assert!(stage.phase < stage.size && stage.phase % s.first == 0);
            offset = stage.end();
        }
        assert!(offset >= plan.len, "the stages cover the response: {plan:?}");
        assert!(plan.stages.last().is_none_or(|l| l.end() - plan.len < l.size), "no partition wasted: {plan:?}");
    }

    #[test]
    fn plans_keep_the_rules_for_every_length() {
        for scheme in [Scheme::zero_latency(), Scheme::buffered(128), Scheme::buffered(1024)] {
            for len in [1, 2, 63, 64, 65, 200, 1000, 4096, 4097, 48_000, 480_000] {
                check_rules(&Plan::new(scheme, len, STEREO));
            }
        }
    }

    #[test]
    fn a_budget_buys_a_first_partition_within_half_of_it() {
        assert_eq!(Scheme::for_budget(0), Scheme::zero_latency());
        assert_eq!(Scheme::for_budget(127), Scheme::zero_latency());
        assert_eq!(Scheme::for_budget(1648).first, 512);
        assert_eq!(Scheme::for_budget(2048).first, 1024);
        assert_eq!(Scheme::for_budget(1648).latency, 512);
        assert_eq!(Scheme::buffered(512).largest, 32_768);
        assert_eq!(Scheme::buffered(4096).largest, MAX_PARTITION);
    }

    #[test]
    fn long_responses_grow_the_partitions() {
        let plan = Plan::new(Scheme::buffered(512), 480_000, STEREO);
        assert_eq!(plan.stages[0].size, 512);
        assert_eq!(plan.largest(), 32_768, "{plan:?}");
        let inline = Plan::new(Scheme::zero_latency(), 480_000, STEREO);
        assert_eq!(inline.largest(), INLINE_LARGEST, "{inline:?}");
    }
}
