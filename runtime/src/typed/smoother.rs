//! A linear ramp from the value a DSP last read to a new target, one step per
//! sample: the ramp a parameter change starts at the sample it arrives.

/// Ramps a value linearly to its target over a fixed number of samples.
///
/// `next` advances one sample; the `i`-th call after [`Smoother::set_target`]
/// returns `start + (target - start) * i / frames`, exactly the target from
/// `i = frames` on, so the values depend only on how many samples passed, not
/// on how blocks were cut. A non-finite target is ignored: the ramp never
/// holds NaN or infinity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoother {
    start: f64,
    current: f64,
    target: f64,
    /// Samples a ramp takes; 0 jumps at once.
    frames: u32,
    /// Samples of the current ramp done so far (`frames` when settled).
    done: u32,
    /// Set by [`Smoother::reset`] until the next sample: a target set in
    /// between is taken at once (there is no sound yet to ramp from).
    settling: bool,
}

impl Smoother {
    /// A settled smoother at `value` (0.0 if not finite), with no ramp.
    pub const fn new(value: f64) -> Self {
        let value = if value.is_finite() { value } else { 0.0 };
        Self { start: value, current: value, target: value, frames: 0, done: 0, settling: true }
    }

    /// Samples a ramp takes from now on (0: changes jump). A ramp under way
    /// jumps to its target.
    pub fn set_frames(&mut self, frames: u32) {
        self.frames = frames;
        self.settle();
    }

    /// Ramp frames for `ms` milliseconds at `sample_rate`.
    pub fn frames_for(ms: f64, sample_rate: f64) -> u32 {
        let frames = (ms * sample_rate / 1000.0).round();
        if frames.is_finite() && frames > 0.0 { frames.min(f64::from(u32::MAX)) as u32 } else { 0 }
    }

    /// Starts a ramp from the current value to `target`, or jumps there when
    /// ramps are off or nothing has been heard since [`Smoother::reset`].
    pub fn set_target(&mut self, target: f64) {
        // A host sending again the value it set (Ardour does, during
        // automation playback) must not restart a ramp under way: it would
        // stretch the ramp to up to twice its length.
        if !target.is_finite() || (target == self.target && !self.settling) {
            return;
        }
        self.target = target;
        if self.frames == 0 || self.settling {
            self.settle();
        } else {
            self.start = self.current;
            self.done = 0;
        }
    }

    /// The value for the next sample.
    #[inline]
    #[allow(clippy::should_implement_trait, reason = "a value per sample for ever, not an iterator that ends")]
    pub fn next(&mut self) -> f64 {
        self.settling = false;
        if self.done < self.frames {
            self.done += 1;
            self.current = if self.done == self.frames {
                self.target
            } else {
                self.start + (self.target - self.start) * (f64::from(self.done) / f64::from(self.frames))
            };
        }
        self.current
    }

    /// Advances `frames` samples at once, as many `next` calls would.
    pub fn skip(&mut self, frames: usize) {
        if frames == 0 {
            return;
        }
        self.settling = false;
        let left = self.frames - self.done;
        if frames as u64 >= u64::from(left) {
            self.settle();
        } else {
            self.done += frames as u32 - 1;
            self.next();
        }
    }

    /// The value the last sample read (the target once settled).
    pub fn current(&self) -> f64 {
        self.current
    }

    pub fn target(&self) -> f64 {
        self.target
    }

    /// Whether a ramp is under way (`next` would change the value).
    pub fn is_ramping(&self) -> bool {
        self.done < self.frames
    }

    /// Jumps to the target, ending any ramp.
    pub fn settle(&mut self) {
        self.start = self.target;
        self.current = self.target;
        self.done = self.frames;
    }

    /// Jumps to the target, and takes the next target at once too if it comes
    /// before the next sample (a restart: nothing to ramp from).
    pub fn reset(&mut self) {
        self.settle();
        self.settling = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_linearly_and_lands_exactly() {
        let mut s = Smoother::new(0.0);
        s.set_frames(4);
        s.next();
        s.set_target(1.0);
        let values: Vec<f64> = (0..6).map(|_| s.next()).collect();
        assert_eq!(values, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        assert!(!s.is_ramping());
    }

    #[test]
    fn the_same_target_again_leaves_the_ramp_under_way_alone() {
        let mut s = Smoother::new(0.0);
        s.set_frames(4);
        s.next();
        s.set_target(1.0);
        let mut values = vec![s.next(), s.next()];
        s.set_target(1.0);
        values.extend((0..3).map(|_| s.next()));
        assert_eq!(values, [0.25, 0.5, 0.75, 1.0, 1.0], "the ramp ends after its 4 frames");
        s.set_target(1.0);
        assert!(!s.is_ramping(), "settled at the target, the same value starts nothing");
    }

    #[test]
    fn a_new_target_mid_ramp_starts_from_where_it_is() {
        let mut s = Smoother::new(0.0);
        s.set_frames(4);
        s.next();
        s.set_target(1.0);
        assert_eq!((s.next(), s.next()), (0.25, 0.5));
        s.set_target(0.0);
        let values: Vec<f64> = (0..4).map(|_| s.next()).collect();
        assert_eq!(values, [0.375, 0.25, 0.125, 0.0]);
    }

    #[test]
    fn non_finite_targets_are_ignored() {
        let mut s = Smoother::new(f64::NAN);
        assert_eq!(s.next(), 0.0);
        s.set_frames(2);
        s.set_target(1.0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            s.set_target(bad);
        }
        assert_eq!((s.next(), s.next(), s.next()), (0.5, 1.0, 1.0));
    }

    #[test]
    fn after_a_reset_the_first_target_jumps() {
        let mut s = Smoother::new(0.0);
        s.set_frames(4);
        s.next();
        s.reset();
        s.set_target(0.5);
        assert_eq!(s.next(), 0.5, "set before any sample after the reset");
        s.set_target(1.0);
        assert_eq!(s.next(), 0.625, "later changes ramp again");
    }

    #[test]
    fn skipping_reads_as_many_samples() {
        let mut s = Smoother::new(0.0);
        s.set_frames(4);
        s.skip(1);
        s.set_target(1.0);
        s.skip(0);
        s.skip(2);
        assert_eq!(s.current(), 0.5);
        s.skip(9);
        assert_eq!((s.current(), s.is_ramping()), (1.0, false));
    }

    #[test]
    fn frames_for_rounds_and_refuses_nonsense() {
        assert_eq!(Smoother::frames_for(10.0, 48_000.0), 480);
        assert_eq!(Smoother::frames_for(0.0, 48_000.0), 0);
        assert_eq!(Smoother::frames_for(f64::NAN, 48_000.0), 0);
        assert_eq!(Smoother::frames_for(-5.0, 48_000.0), 0);
    }
}
