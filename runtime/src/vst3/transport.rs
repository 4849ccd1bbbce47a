//! The host's `ProcessContext` as the engine's format-neutral
//! [`Transport`], and what the plugin asks the host to fill in.

use vst3::Steinberg::Vst::IProcessContextRequirements_::Flags_ as Needs;
use vst3::Steinberg::Vst::ProcessContext;
use vst3::Steinberg::Vst::ProcessContext_::StatesAndFlags_ as Valid;

use crate::engine::{TimeSignature, Transport};

/// What `getProcessContextRequirements` asks for: everything a [`Transport`]
/// holds (the project time in samples needs no flag: it is always valid).
pub(crate) const REQUIREMENTS: u32 = (Needs::kNeedProjectTimeMusic
    | Needs::kNeedBarPositionMusic
    | Needs::kNeedCycleMusic
    | Needs::kNeedTempo
    | Needs::kNeedTimeSignature
    | Needs::kNeedTransportState) as u32;

/// The transport `context` reports for the first frame of its block. Fields
/// whose validity flag is clear are `None`, and so are values no host could
/// mean ([`Transport::sanitized`]).
pub(crate) fn transport(context: &ProcessContext) -> Transport {
    let has = |flag: u32| context.state & flag != 0;
    let time_signature = has(Valid::kTimeSigValid as u32).then(|| TimeSignature {
        numerator: context.timeSigNumerator.max(0) as u32,
        denominator: context.timeSigDenominator.max(0) as u32,
    });
    Transport {
        playing: has(Valid::kPlaying as u32),
        recording: has(Valid::kRecording as u32),
        cycle_active: has(Valid::kCycleActive as u32),
        tempo: has(Valid::kTempoValid as u32).then_some(context.tempo),
        time_signature,
        position_samples: Some(context.projectTimeSamples),
        position_beats: has(Valid::kProjectTimeMusicValid as u32).then_some(context.projectTimeMusic),
        bar_start_beats: has(Valid::kBarPositionValid as u32).then_some(context.barPositionMusic),
        cycle_beats: has(Valid::kCycleValid as u32).then_some((context.cycleStartMusic, context.cycleEndMusic)),
    }
    .sanitized()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(state: u32) -> ProcessContext {
        // SAFETY: all-zero bytes are a valid ProcessContext (integers, floats
        // and plain structs of them).
        let mut context: ProcessContext = unsafe { std::mem::zeroed() };
        context.state = state;
        context.projectTimeSamples = 48_000;
        context.projectTimeMusic = 2.0;
        context.barPositionMusic = 0.0;
        context.cycleStartMusic = 4.0;
        context.cycleEndMusic = 8.0;
        context.tempo = 120.0;
        context.timeSigNumerator = 7;
        context.timeSigDenominator = 8;
        context
    }

    #[test]
    fn every_valid_field_is_read_and_no_other() {
        let all = Valid::kPlaying
            | Valid::kRecording
            | Valid::kCycleActive
            | Valid::kTempoValid
            | Valid::kTimeSigValid
            | Valid::kProjectTimeMusicValid
            | Valid::kBarPositionValid
            | Valid::kCycleValid;
        let full = transport(&context(all as u32));
        assert_eq!(
            full,
            Transport {
                playing: true,
                recording: true,
                cycle_active: true,
                tempo: Some(120.0),
                time_signature: Some(TimeSignature { numerator: 7, denominator: 8 }),
                position_samples: Some(48_000),
                position_beats: Some(2.0),
                bar_start_beats: Some(0.0),
                cycle_beats: Some((4.0, 8.0)),
            }
        );
        let bare = transport(&context(0));
        assert_eq!(bare, Transport { position_samples: Some(48_000), ..Transport::default() });
        let mut nonsense = context(all as u32);
        nonsense.tempo = 0.0;
        nonsense.timeSigDenominator = 0;
        nonsense.projectTimeMusic = f64::NAN;
        let read = transport(&nonsense);
        assert_eq!((read.tempo, read.time_signature, read.position_beats), (None, None, None));
    }
}
