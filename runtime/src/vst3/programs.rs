//! Presets as VST3 programs: one unit (the root) with one program list
//! (`IUnitInfo`), and the program-change parameter hosts show as a preset
//! menu and may automate. Choosing a program applies its preset: the values
//! it names are stored, the processor hears them (as after a state load, or
//! at the program change's frame when it comes with the audio), and the host
//! is told to read every value again (`kParamValuesChanged`).
//!
//! A plugin without presets has no program list and no such parameter.

use std::sync::atomic::{AtomicU32, Ordering};

use vst3::Steinberg::Vst::{
    BusDirection, CString, IUnitInfoTrait, MediaType, ParameterInfo, ParameterInfo_, ProgramListID, ProgramListInfo,
    String128, UnitID, UnitInfo, kNoParentUnitId, kNoProgramListId, kRootUnitId,
};
use vst3::Steinberg::{IBStream, int16, int32, kInvalidArgument, kResultFalse, kResultOk, kResultTrue, tresult};

use super::component::Plugin;
use super::strings::copy_wstring;
use crate::engine::Processor;
use crate::plugin::{PROGRAM_PARAM_ID, PluginInfo};

/// The id of the one program list.
const PROGRAM_LIST_ID: ProgramListID = 1;

/// The program chosen last (its index), if one was since the values were
/// last restored.
pub(crate) struct Programs {
    selected: AtomicU32,
}

impl Default for Programs {
    fn default() -> Self {
        Self { selected: AtomicU32::new(NONE) }
    }
}

/// No program chosen.
const NONE: u32 = u32::MAX;

impl Programs {
    /// Whether `info` has programs (it lists presets).
    pub(crate) fn exist(info: &PluginInfo) -> bool {
        !info.presets.is_empty()
    }

    /// Steps of the program-change parameter: one fewer than the programs.
    fn steps(info: &PluginInfo) -> u32 {
        info.presets.len().saturating_sub(1) as u32
    }

    /// The program a normalized value of the parameter selects.
    pub(crate) fn index_of(info: &PluginInfo, normalized: f64) -> usize {
        let normalized = if normalized.is_finite() { normalized.clamp(0.0, 1.0) } else { 0.0 };
        (normalized * f64::from(Self::steps(info))).round() as usize
    }

    /// The normalized value that selects program `index`.
    pub(crate) fn normalized_of(info: &PluginInfo, index: usize) -> f64 {
        match Self::steps(info) {
            0 => 0.0,
            steps => index.min(steps as usize) as f64 / f64::from(steps),
        }
    }

    /// The program-change parameter's description.
    pub(crate) fn param_info(info: &PluginInfo, out: &mut ParameterInfo) {
        use ParameterInfo_::ParameterFlags_::{kCanAutomate, kIsList, kIsProgramChange};
        out.id = PROGRAM_PARAM_ID;
        copy_wstring("Preset", &mut out.title);
        copy_wstring("Preset", &mut out.shortTitle);
        copy_wstring("", &mut out.units);
        out.stepCount = Self::steps(info) as i32;
        out.defaultNormalizedValue = 0.0;
        out.unitId = kRootUnitId;
        out.flags = (kIsProgramChange | kIsList | kCanAutomate) as i32;
    }

    /// The name of the program `normalized` selects.
    pub(crate) fn text(info: &PluginInfo, normalized: f64) -> &'static str {
        info.presets.get(Self::index_of(info, normalized)).map_or("", |preset| preset.name)
    }

    /// The normalized value of the program named `text`.
    pub(crate) fn parse(info: &PluginInfo, text: &str) -> Option<f64> {
        let index = info.presets.iter().position(|preset| preset.name.eq_ignore_ascii_case(text.trim()))?;
        Some(Self::normalized_of(info, index))
    }

    pub(crate) fn selected(&self) -> Option<usize> {
        Some(self.selected.load(Ordering::Relaxed)).filter(|index| *index != NONE).map(|index| index as usize)
    }

    pub(crate) fn select(&self, index: usize) {
        self.selected.store(index as u32, Ordering::Relaxed);
    }

    /// No program is chosen any more (a state was loaded).
    pub(crate) fn forget(&self) {
        self.selected.store(NONE, Ordering::Relaxed);
    }
}

impl<P: Processor> IUnitInfoTrait for Plugin<P> {
    unsafe fn getUnitCount(&self) -> int32 {
        1
    }

    unsafe fn getUnitInfo(&self, unit_index: int32, info: *mut UnitInfo) -> tresult {
        // SAFETY: the host passes a writable UnitInfo or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        if unit_index != 0 {
            return kInvalidArgument;
        }
        info.id = kRootUnitId;
        info.parentUnitId = kNoParentUnitId;
        copy_wstring("Root", &mut info.name);
        info.programListId = if Programs::exist(self.info()) { PROGRAM_LIST_ID } else { kNoProgramListId };
        kResultOk
    }

    unsafe fn getProgramListCount(&self) -> int32 {
        i32::from(Programs::exist(self.info()))
    }

    unsafe fn getProgramListInfo(&self, list_index: int32, info: *mut ProgramListInfo) -> tresult {
        // SAFETY: the host passes a writable ProgramListInfo or null, checked here.
        let Some(info) = (unsafe { info.as_mut() }) else { return kInvalidArgument };
        if list_index != 0 || !Programs::exist(self.info()) {
            return kInvalidArgument;
        }
        info.id = PROGRAM_LIST_ID;
        copy_wstring("Presets", &mut info.name);
        info.programCount = self.info().presets.len() as i32;
        kResultOk
    }

    unsafe fn getProgramName(&self, list_id: ProgramListID, program_index: int32, name: *mut String128) -> tresult {
        // SAFETY: the host passes a writable String128 or null, checked here.
        let Some(name) = (unsafe { name.as_mut() }) else { return kInvalidArgument };
        let preset = usize::try_from(program_index).ok().and_then(|index| self.info().presets.get(index));
        match preset {
            Some(preset) if list_id == PROGRAM_LIST_ID => {
                copy_wstring(preset.name, name);
                kResultOk
            }
            _ => kInvalidArgument,
        }
    }

    unsafe fn getProgramInfo(
        &self,
        _list_id: ProgramListID,
        _program_index: int32,
        _attribute_id: CString,
        _attribute_value: *mut String128,
    ) -> tresult {
        kResultFalse
    }

    unsafe fn hasProgramPitchNames(&self, _list_id: ProgramListID, _program_index: int32) -> tresult {
        kResultFalse
    }

    unsafe fn getProgramPitchName(
        &self,
        _list_id: ProgramListID,
        _program_index: int32,
        _midi_pitch: int16,
        _name: *mut String128,
    ) -> tresult {
        kResultFalse
    }

    unsafe fn getSelectedUnit(&self) -> UnitID {
        kRootUnitId
    }

    unsafe fn selectUnit(&self, unit_id: UnitID) -> tresult {
        if unit_id == kRootUnitId { kResultTrue } else { kInvalidArgument }
    }

    unsafe fn getUnitByBus(
        &self,
        _media_type: MediaType,
        _dir: BusDirection,
        _bus_index: int32,
        _channel: int32,
        unit_id: *mut UnitID,
    ) -> tresult {
        // SAFETY: the host passes a writable UnitID or null, checked here.
        let Some(unit_id) = (unsafe { unit_id.as_mut() }) else { return kInvalidArgument };
        *unit_id = kRootUnitId;
        kResultOk
    }

    unsafe fn setUnitProgramData(
        &self,
        _list_or_unit_id: int32,
        _program_index: int32,
        _data: *mut IBStream,
    ) -> tresult {
        kResultFalse
    }
}
