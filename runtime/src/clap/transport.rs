//! The host's `clap_event_transport` (in `clap_process.transport`, or as a
//! `CLAP_EVENT_TRANSPORT` event) as the engine's format-neutral
//! [`Transport`].

use clap_sys::events::{
    CLAP_TRANSPORT_HAS_BEATS_TIMELINE, CLAP_TRANSPORT_HAS_SECONDS_TIMELINE, CLAP_TRANSPORT_HAS_TEMPO,
    CLAP_TRANSPORT_HAS_TIME_SIGNATURE, CLAP_TRANSPORT_IS_LOOP_ACTIVE, CLAP_TRANSPORT_IS_PLAYING,
    CLAP_TRANSPORT_IS_RECORDING, clap_event_transport,
};
use clap_sys::fixedpoint::{CLAP_BEATTIME_FACTOR, CLAP_SECTIME_FACTOR, clap_beattime, clap_sectime};

use crate::engine::{TimeSignature, Transport};

/// The transport `event` reports, at `sample_rate`. Fields whose flag is
/// clear are `None`, and so are values no host could mean
/// ([`Transport::sanitized`]). CLAP has no sample position: the project time
/// in samples is the seconds timeline at the sample rate, to the nearest
/// sample. The loop's beats come with the beats timeline. Not read:
/// `tempo_inc` (a tempo ramp; the engine holds the tempo until the next
/// report), the loop in seconds, `bar_number` and pre-roll.
pub(crate) fn transport(event: &clap_event_transport, sample_rate: f64) -> Transport {
    let has = |flag: u32| event.flags & flag != 0;
    let beats = |value: clap_beattime| value as f64 / CLAP_BEATTIME_FACTOR as f64;
    let seconds = |value: clap_sectime| value as f64 / CLAP_SECTIME_FACTOR as f64;
    let timeline = has(CLAP_TRANSPORT_HAS_BEATS_TIMELINE);
    let samples = (seconds(event.song_pos_seconds) * sample_rate).round();
    Transport {
        playing: has(CLAP_TRANSPORT_IS_PLAYING),
        recording: has(CLAP_TRANSPORT_IS_RECORDING),
        cycle_active: has(CLAP_TRANSPORT_IS_LOOP_ACTIVE),
        tempo: has(CLAP_TRANSPORT_HAS_TEMPO).then_some(event.tempo),
        time_signature: has(CLAP_TRANSPORT_HAS_TIME_SIGNATURE).then_some(TimeSignature {
            numerator: u32::from(event.tsig_num),
            denominator: u32::from(event.tsig_denom),
        }),
        // Within i64 (CLAP's seconds are an i64 over 2^31) at any sane rate.
        position_samples: (has(CLAP_TRANSPORT_HAS_SECONDS_TIMELINE) && samples.abs() < 9.0e18)
            .then_some(samples as i64),
        position_beats: timeline.then(|| beats(event.song_pos_beats)),
        bar_start_beats: timeline.then(|| beats(event.bar_start)),
        cycle_beats: timeline.then(|| (beats(event.loop_start_beats), beats(event.loop_end_beats))),
    }
    .sanitized()
}

#[cfg(test)]
mod tests {
    use clap_sys::events::{CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_TRANSPORT, clap_event_header};

    use super::*;

    const ALL: u32 = CLAP_TRANSPORT_HAS_TEMPO
        | CLAP_TRANSPORT_HAS_BEATS_TIMELINE
        | CLAP_TRANSPORT_HAS_SECONDS_TIMELINE
        | CLAP_TRANSPORT_HAS_TIME_SIGNATURE
        | CLAP_TRANSPORT_IS_PLAYING
        | CLAP_TRANSPORT_IS_RECORDING
        | CLAP_TRANSPORT_IS_LOOP_ACTIVE;

    fn event(flags: u32) -> clap_event_transport {
        let beats = |b: f64| (b * CLAP_BEATTIME_FACTOR as f64) as i64;
        clap_event_transport {
            header: clap_event_header {
                size: size_of::<clap_event_transport>() as u32,
                time: 0,
                space_id: CLAP_CORE_EVENT_SPACE_ID,
                type_: CLAP_EVENT_TRANSPORT,
                flags: 0,
            },
            flags,
            song_pos_beats: beats(2.5),
            song_pos_seconds: (1.25 * CLAP_SECTIME_FACTOR as f64) as i64,
            tempo: 120.0,
            tempo_inc: 0.0,
            loop_start_beats: beats(4.0),
            loop_end_beats: beats(8.0),
            loop_start_seconds: 0,
            loop_end_seconds: 0,
            bar_start: beats(0.0),
            bar_number: 0,
            tsig_num: 7,
            tsig_denom: 8,
        }
    }

    #[test]
    fn every_flagged_field_is_read_in_fixed_point_and_no_other() {
        assert_eq!(
            transport(&event(ALL), 48_000.0),
            Transport {
                playing: true,
                recording: true,
                cycle_active: true,
                tempo: Some(120.0),
                time_signature: Some(TimeSignature { numerator: 7, denominator: 8 }),
                position_samples: Some(60_000),
                position_beats: Some(2.5),
                bar_start_beats: Some(0.0),
                cycle_beats: Some((4.0, 8.0)),
            }
        );
        assert_eq!(transport(&event(0), 48_000.0), Transport::default());
        let mut nonsense = event(ALL);
        nonsense.tempo = f64::NAN;
        nonsense.tsig_denom = 0;
        nonsense.loop_end_beats = nonsense.loop_start_beats;
        let read = transport(&nonsense, 48_000.0);
        assert_eq!((read.tempo, read.time_signature, read.cycle_beats), (None, None, None));
        assert_eq!(read.position_beats, Some(2.5));
    }

    #[test]
    fn the_seconds_timeline_gives_the_nearest_sample() {
        let mut at = event(CLAP_TRANSPORT_HAS_SECONDS_TIMELINE);
        // 1001 samples at 44.1 kHz, in CLAP's fixed point (rounded down).
        at.song_pos_seconds = (1001.0 / 44_100.0 * CLAP_SECTIME_FACTOR as f64) as i64;
        assert_eq!(transport(&at, 44_100.0).position_samples, Some(1001));
        at.song_pos_seconds = -at.song_pos_seconds;
        assert_eq!(transport(&at, 44_100.0).position_samples, Some(-1001));
    }
}
