//! Stall injection: makes the worker serving an engine pause on purpose, for
//! tests and demos of how much stall a latency hides.
//!
//! Set by [`StallPlan`] in the engine's configuration, or by the environment
//! variable [`STALL_ENV`] when the engine is built: `20ms/250ms` pauses the
//! worker's loop 20 ms every 250 ms; `dsp:20ms/100ms` pauses inside the DSP call
//! (while the worker holds the processor, so the audio thread cannot catch up).

use std::time::{Duration, Instant};

/// The environment variable read when an engine is built without an explicit plan.
pub const STALL_ENV: &str = "WRITEAHEAD_STALL";

/// Where the worker pauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StallPlace {
    /// Between chunks, not holding the processor (like being descheduled).
    WorkerLoop,
    /// Inside the DSP call, holding the processor (like a garbage collector).
    InsideDsp,
}

/// Pause `pause` once every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallPlan {
    pub place: StallPlace,
    pub pause: Duration,
    pub every: Duration,
}

impl StallPlan {
    /// Parses `PAUSE/EVERY` or `dsp:PAUSE/EVERY` (`loop:` is the default place),
    /// durations in `ms` or `us`: `20ms/250ms`, `dsp:5ms/50ms`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (place, rest) = match text.split_once(':') {
            Some(("dsp", rest)) => (StallPlace::InsideDsp, rest),
            Some(("loop", rest)) => (StallPlace::WorkerLoop, rest),
            Some((other, _)) => return Err(format!("unknown stall place `{other}` (use `loop` or `dsp`)")),
            None => (StallPlace::WorkerLoop, text),
        };
        let (pause, every) =
            rest.split_once('/').ok_or_else(|| format!("`{text}` is not PAUSE/EVERY, e.g. 20ms/250ms"))?;
        let (pause, every) = (parse_duration(pause)?, parse_duration(every)?);
        if every.is_zero() {
            return Err(format!("`{text}`: the period must be above zero"));
        }
        Ok(Self { place, pause, every })
    }

    /// The plan in the environment, if any; a malformed value is reported on
    /// stderr once and ignored.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var(STALL_ENV).ok()?;
        match Self::parse(&value) {
            Ok(plan) => Some(plan),
            Err(err) => {
                eprintln!("{STALL_ENV} ignored: {err}");
                None
            }
        }
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = if let Some(n) = text.strip_suffix("ms") {
        (n, Duration::from_micros(1000))
    } else if let Some(n) = text.strip_suffix("us") {
        (n, Duration::from_micros(1))
    } else {
        return Err(format!("`{text}` needs a unit: ms or us"));
    };
    let count: u32 = number.trim().parse().map_err(|_| format!("`{text}` is not a whole number of {unit:?}"))?;
    Ok(unit * count)
}

/// Decides, on whichever worker serves an engine, when its next pause is due.
pub(crate) struct Staller {
    plan: Option<StallPlan>,
    next: Instant,
}

impl Staller {
    pub(crate) fn new(plan: Option<StallPlan>) -> Self {
        let next = Instant::now() + plan.map_or(Duration::ZERO, |p| p.every);
        Self { plan, next }
    }

    /// The pause to take now at `place`, if one is due (the caller sleeps).
    pub(crate) fn due(&mut self, place: StallPlace) -> Option<Duration> {
        let plan = self.plan.filter(|p| p.place == place)?;
        let now = Instant::now();
        (now >= self.next).then(|| {
            self.next = now + plan.every;
            plan.pause
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let ms = Duration::from_millis;
        assert_eq!(
            StallPlan::parse("20ms/250ms"),
            Ok(StallPlan { place: StallPlace::WorkerLoop, pause: ms(20), every: ms(250) })
        );
        assert_eq!(
            StallPlan::parse("dsp:5ms/50ms"),
            Ok(StallPlan { place: StallPlace::InsideDsp, pause: ms(5), every: ms(50) })
        );
        assert_eq!(StallPlan::parse("loop:500us/2ms").unwrap().pause, Duration::from_micros(500));
        assert!(StallPlan::parse("20/250").is_err());
        assert!(StallPlan::parse("gc:20ms/250ms").is_err());
        assert!(StallPlan::parse("20ms/0ms").is_err());
    }
}
