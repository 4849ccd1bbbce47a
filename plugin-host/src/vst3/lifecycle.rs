//! What a VST3 host does around `process`: offering a bus layout, the
//! processing setup, activation, and reading the plugin's buses and
//! parameters, each answering with what went wrong rather than panicking.

use vst3::Steinberg::Vst::{
    BusDirections_, BusInfo, IAudioProcessorTrait, IComponentTrait, IEditControllerTrait, MediaTypes_, ParamID,
    ParameterInfo, ProcessSetup, SpeakerArr, SpeakerArrangement, SymbolicSampleSizes_,
};
use vst3::Steinberg::{IPluginBaseTrait, kResultOk, tresult};

use super::{Instance, utf16};

/// The speaker layout a user expects for 1 to 8 channels, by its SDK name.
pub fn natural_layout(channels: usize) -> SpeakerArrangement {
    use SpeakerArr::*;
    [kMono, kStereo, k30Cine, k40Music, k50, k51, k70Music, k71Music][channels.clamp(1, 8) - 1]
}

/// One parameter as the controller describes it, with its plain range.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub id: ParamID,
    pub title: String,
    pub units: String,
    /// The plain values of normalized 0 and 1.
    pub min: f64,
    pub max: f64,
    pub read_only: bool,
}

impl Instance {
    /// Offers `channels` channels in their natural layout, in and out when
    /// `effect` (out only for an instrument), as a host does before activating.
    pub fn offer_channels(&self, effect: bool, channels: usize) -> tresult {
        let (mut ins, mut outs) = (natural_layout(channels), natural_layout(channels));
        let ins_ptr = if effect { &mut ins as *mut SpeakerArrangement } else { std::ptr::null_mut() };
        // SAFETY: a live interface; as many arrangements as the counts say.
        unsafe { self.processor.setBusArrangements(ins_ptr, i32::from(effect), &mut outs, 1) }
    }

    /// The channels of the first audio bus in `input` or output direction,
    /// or None when there is no such bus.
    pub fn audio_bus_channels(&self, input: bool) -> Option<usize> {
        let direction = if input { BusDirections_::kInput } else { BusDirections_::kOutput } as i32;
        let audio = MediaTypes_::kAudio as i32;
        // SAFETY: a live component; a zeroed BusInfo is a valid out-struct.
        unsafe {
            if self.component.getBusCount(audio, direction) < 1 {
                return None;
            }
            let mut bus: BusInfo = std::mem::zeroed();
            (self.component.getBusInfo(audio, direction, 0, &mut bus) == kResultOk).then_some(bus.channelCount as usize)
        }
    }

    /// setupProcessing (32-bit, `mode`), setActive(true), setProcessing(true);
    /// the latency the plugin reports then.
    pub fn start(&self, mode: u32, rate: f64, max_block: usize) -> Result<usize, String> {
        let mut setup = ProcessSetup {
            processMode: mode as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            maxSamplesPerBlock: max_block as i32,
            sampleRate: rate,
        };
        // SAFETY: live interfaces and a valid setup.
        unsafe {
            if self.processor.setupProcessing(&mut setup) != kResultOk {
                return Err(format!("the plugin refused to process at {rate} Hz in blocks of {max_block}"));
            }
            if self.component.setActive(1) != kResultOk {
                return Err("the plugin refused to activate".into());
            }
            if self.processor.setProcessing(1) != kResultOk {
                return Err("the plugin refused to start processing".into());
            }
            Ok(self.processor.getLatencySamples() as usize)
        }
    }

    /// setProcessing(false), setActive(false), terminate.
    pub fn stop(&self) -> Result<(), String> {
        // SAFETY: live interfaces.
        let results =
            unsafe { [self.processor.setProcessing(0), self.component.setActive(0), self.component.terminate()] };
        match results.iter().all(|r| *r == kResultOk) {
            true => Ok(()),
            false => Err(format!("the plugin failed to stop (setProcessing, setActive, terminate: {results:?})")),
        }
    }

    /// The tail the plugin reports now, in frames; None for an infinite one.
    pub fn tail_frames(&self) -> Option<usize> {
        // SAFETY: a live interface.
        let tail = unsafe { self.processor.getTailSamples() };
        (tail != vst3::Steinberg::Vst::kInfiniteTail).then_some(tail as usize)
    }

    /// Every parameter the controller lists, in its order.
    pub fn params(&self) -> Vec<Param> {
        // SAFETY: a live controller; a zeroed ParameterInfo is a valid out-struct.
        unsafe {
            (0..self.controller.getParameterCount())
                .filter_map(|index| {
                    let mut info: ParameterInfo = std::mem::zeroed();
                    (self.controller.getParameterInfo(index, &mut info) == kResultOk).then(|| Param {
                        id: info.id,
                        title: utf16(&info.title),
                        units: utf16(&info.units),
                        min: self.controller.normalizedParamToPlain(info.id, 0.0),
                        max: self.controller.normalizedParamToPlain(info.id, 1.0),
                        read_only: info.flags & vst3::Steinberg::Vst::ParameterInfo_::ParameterFlags_::kIsReadOnly != 0,
                    })
                })
                .collect()
        }
    }

    /// The normalized value of a parameter's plain `value`.
    pub fn normalized(&self, id: ParamID, value: f64) -> f64 {
        // SAFETY: a live controller.
        unsafe { self.controller.plainParamToNormalized(id, value) }
    }
}
