//! The speaker arrangement a bus of n channels shows hosts: the layout a user
//! expects for that many channels, in the SDK's own constants.

use vst3::Steinberg::Vst::{SpeakerArr, SpeakerArrangement};

/// The natural VST3 arrangement of `channels` channels (1 to
/// [`crate::limits::MAX_CHANNELS`]), or None for any other count.
///
/// Odd counts are the layouts without LFE (3.0, 5.0, 7.0): the plugin's DSP
/// treats every channel alike, full band, which suits a main speaker and not a
/// low-frequency-effects channel. The 7-channel layout is 7.1 without its LFE
/// (the 7.0 of current DAWs, with side surrounds), so 5.0, 5.1, 7.0 and 7.1
/// nest as users know them; 6.1 (a rear centre) is a legacy film format.
pub(crate) fn arrangement(channels: usize) -> Option<SpeakerArrangement> {
    Some(match channels {
        1 => SpeakerArr::kMono,
        2 => SpeakerArr::kStereo,
        // L R C.
        3 => SpeakerArr::k30Cine,
        // Quad: L R Ls Rs.
        4 => SpeakerArr::k40Music,
        // L R C Ls Rs.
        5 => SpeakerArr::k50,
        // L R C LFE Ls Rs.
        6 => SpeakerArr::k51,
        // L R C Ls Rs Sl Sr.
        7 => SpeakerArr::k70Music,
        // L R C LFE Ls Rs Sl Sr.
        8 => SpeakerArr::k71Music,
        _ => return None,
    })
}

/// The channel count whose natural arrangement `arrangement` is, if any: a
/// host offering another arrangement of the same count (L R C LFE for four)
/// gets `None`.
pub(crate) fn channels_of(arrangement: SpeakerArrangement) -> Option<usize> {
    (1..=crate::limits::MAX_CHANNELS).find(|&n| self::arrangement(n) == Some(arrangement))
}

#[cfg(test)]
mod tests {
    use vst3::Steinberg::Vst::{
        kSpeakerC, kSpeakerL, kSpeakerLfe, kSpeakerLs, kSpeakerM, kSpeakerR, kSpeakerRs, kSpeakerSl, kSpeakerSr,
    };

    use super::*;
    use crate::limits::MAX_CHANNELS;

    #[test]
    fn each_channel_count_gets_its_natural_layout_in_sdk_speaker_bits() {
        let expected = [
            (1, kSpeakerM),
            (2, kSpeakerL | kSpeakerR),
            (3, kSpeakerL | kSpeakerR | kSpeakerC),
            (4, kSpeakerL | kSpeakerR | kSpeakerLs | kSpeakerRs),
            (5, kSpeakerL | kSpeakerR | kSpeakerC | kSpeakerLs | kSpeakerRs),
            (6, kSpeakerL | kSpeakerR | kSpeakerC | kSpeakerLfe | kSpeakerLs | kSpeakerRs),
            (7, kSpeakerL | kSpeakerR | kSpeakerC | kSpeakerLs | kSpeakerRs | kSpeakerSl | kSpeakerSr),
            (8, kSpeakerL | kSpeakerR | kSpeakerC | kSpeakerLfe | kSpeakerLs | kSpeakerRs | kSpeakerSl | kSpeakerSr),
        ];
        assert_eq!(expected.len(), MAX_CHANNELS, "every channel count a plugin may have");
        for (channels, speakers) in expected {
            let arrangement = arrangement(channels).unwrap_or_else(|| panic!("{channels} channels have a layout"));
            assert_eq!(arrangement, speakers, "{channels} channels");
            assert_eq!(arrangement.count_ones() as usize, channels, "{channels} channels, one speaker each");
        }
        // Quad, not L R C LFE, for four channels.
        assert_eq!(arrangement(4), Some(SpeakerArr::k40Music));
        assert_ne!(arrangement(4), Some(SpeakerArr::k31Cine));
        assert_eq!(arrangement(8), Some(SpeakerArr::k71Music));
        assert_eq!(arrangement(0), None);
        assert_eq!(arrangement(MAX_CHANNELS + 1), None);
        for channels in 1..=MAX_CHANNELS {
            assert_eq!(channels_of(arrangement(channels).unwrap()), Some(channels));
        }
        assert_eq!(channels_of(SpeakerArr::k31Cine), None, "four channels, but not quad");
        assert_eq!(channels_of(SpeakerArr::kEmpty), None);
    }
}
