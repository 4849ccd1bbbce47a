//! Drives a plugin through its VST3 `process`, as a host does: the factory
//! every generated `.so` exports ([`runtime::vst3::plugin_factory`]), here
//! in-process, with a tempo-synced tremolo and a `ProcessContext` in most
//! calls (tempo changes, jumps, stops, none), every process mode, varying
//! block sizes and the flush forms, with its editor open if asked. Used by
//! the no-allocation test and by the RealtimeSanitizer run, so both check the
//! same glue.

use std::ffi::c_void;

use runtime::dsp::NoteValue;
use runtime::dsp::tremolo::{SYNCED_PARAMS, Tremolo};
use runtime::plugin::{PluginInfo, PluginKind};
use vst3::ComPtr;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait, IComponent, IComponent_iid,
    IComponentTrait, IEditController, IEditControllerTrait, ProcessContext, ProcessContext_, ProcessData,
    ProcessModes_, ProcessSetup, SymbolicSampleSizes_, ViewType,
};
use vst3::Steinberg::{
    IPlugView, IPlugViewTrait, IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait, PClassInfo, ViewRect,
    kPlatformTypeX11EmbedWindowID, kResultOk,
};

use super::open_editor::{self, HostWindow};

const MAX_BLOCK: usize = 512;

const fn info(name: &'static str, buffering: bool) -> PluginInfo {
    PluginInfo {
        name,
        vendor: "Test",
        url: "",
        email: "",
        version: "0.1.0",
        class_id: [1, 2, 3, if buffering { 4 } else { 5 }],
        kind: PluginKind::Effect,
        layouts: &[2],
        latency_ms: 5.0,
        latency_ceiling_ms: None,
        buffering,
        params: SYNCED_PARAMS,
        meter_params: true,
        presets: &[],
        editor: Some(&EDITOR),
    }
}

/// The generic editor: the no-allocation and RealtimeSanitizer runs keep it
/// open while they process.
static EDITOR: runtime::editor::EguiEditor = runtime::editor::EguiEditor::generic(420, 320);

static BUFFERED: PluginInfo = info("Synced Buffered", true);
static INLINE: PluginInfo = info("Synced Inline", false);

/// A plugin instance, set up (48 kHz, blocks up to 512), active and
/// processing.
pub struct Vst3Plugin {
    component: ComPtr<IComponent>,
    processor: ComPtr<IAudioProcessor>,
    /// Its editor, open in a window of the test's, and the window.
    editor: Option<(ComPtr<IPlugView>, HostWindow<'static>)>,
}

impl Vst3Plugin {
    /// A tremolo synced to eighth notes, buffered (write-ahead) or inline.
    pub fn synced_tremolo(buffering: bool) -> Vst3Plugin {
        let info = if buffering { &BUFFERED } else { &INLINE };
        let factory = runtime::vst3::plugin_factory(info, || Tremolo::synced(NoteValue::new(1, 8)));
        // SAFETY: plugin_factory returns an owned IPluginFactory pointer; the
        // out-structs are valid when zeroed; the calls follow the VST3
        // lifecycle on live objects.
        unsafe {
            let factory = ComPtr::from_raw(factory as *mut IPluginFactory).expect("a factory");
            let mut class: PClassInfo = std::mem::zeroed();
            assert_eq!(factory.getClassInfo(0, &mut class), kResultOk);
            let mut object: *mut c_void = std::ptr::null_mut();
            assert_eq!(factory.createInstance(class.cid.as_ptr(), IComponent_iid.as_ptr(), &mut object), kResultOk);
            let component = ComPtr::from_raw(object as *mut IComponent).expect("an IComponent");
            assert_eq!(component.initialize(std::ptr::null_mut()), kResultOk);
            let processor = component.cast::<IAudioProcessor>().expect("an IAudioProcessor");
            let mut setup = ProcessSetup {
                processMode: ProcessModes_::kRealtime as i32,
                symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
                maxSamplesPerBlock: MAX_BLOCK as i32,
                sampleRate: 48_000.0,
            };
            assert_eq!(processor.setupProcessing(&mut setup), kResultOk);
            assert_eq!(component.setActive(1), kResultOk);
            assert_eq!(processor.setProcessing(1), kResultOk);
            Vst3Plugin { component, processor, editor: None }
        }
    }

    /// Opens the plugin's editor in a window of the test's, waits for its
    /// first frame and drags its first knob: the calls that follow run with
    /// the editor open and its edits queued. With no `IComponentHandler`
    /// to send them to, the glue hands the edited values to the processor
    /// itself.
    pub fn open_editor(&mut self) {
        let controller = self.component.cast::<IEditController>().expect("an IEditController");
        // SAFETY: a live controller; the name is the SDK's constant.
        let view = unsafe { ComPtr::from_raw(controller.createView(ViewType::kEditor)) }.expect("an editor view");
        let mut rect = ViewRect { left: 0, top: 0, right: 0, bottom: 0 };
        // SAFETY: a live view and a writable rect.
        assert_eq!(unsafe { view.getSize(&mut rect) }, kResultOk);
        let window = open_editor::host_window(rect.right as u32, rect.bottom as u32);
        // SAFETY: a live view; X11 window ids travel as the pointer's value.
        let attached = unsafe { view.attached(window.id as usize as *mut c_void, kPlatformTypeX11EmbedWindowID) };
        assert_eq!(attached, kResultOk);
        open_editor::draw_and_drag(&window);
        self.editor = Some((view, window));
    }

    /// The latency it reports, in samples.
    pub fn latency(&self) -> u32 {
        // SAFETY: a live processor.
        unsafe { self.processor.getLatencySamples() }
    }
}

impl Drop for Vst3Plugin {
    fn drop(&mut self) {
        if let Some((view, _window)) = self.editor.take() {
            // SAFETY: the live view, attached.
            unsafe { view.removed() };
        }
        // SAFETY: live objects, torn down in the VST3 order.
        unsafe {
            self.processor.setProcessing(0);
            self.component.setActive(0);
            self.component.terminate();
        }
    }
}

/// The context of call `round`: 120 BPM and up, playing, jumping back and
/// forth, stopped every seventh call.
fn context(round: usize) -> ProcessContext {
    use ProcessContext_::StatesAndFlags_ as Valid;
    // SAFETY: all-zero bytes are a valid ProcessContext.
    let mut context: ProcessContext = unsafe { std::mem::zeroed() };
    context.state = Valid::kTempoValid | Valid::kTimeSigValid | Valid::kProjectTimeMusicValid;
    if round % 7 != 6 {
        context.state |= Valid::kPlaying;
    }
    context.sampleRate = 48_000.0;
    context.tempo = 120.0 + (round % 5) as f64;
    context.timeSigNumerator = 4;
    context.timeSigDenominator = 4;
    context.projectTimeSamples = round as i64 * 1000;
    context.projectTimeMusic = round as f64 / 2.0;
    context
}

/// Makes `rounds` `process` calls, each inside `guard`: every mode, blocks of
/// 512, 0 and 64 frames, a flush (no buffers), a context in most calls.
/// Returns the last output's peak, to prove the plugin made sound.
pub fn every_vst3_call(plugin: &Vst3Plugin, rounds: usize, guard: &mut dyn FnMut(&mut dyn FnMut())) -> f32 {
    let input = vec![vec![0.5_f32; MAX_BLOCK]; 2];
    let mut output = vec![vec![0.0_f32; MAX_BLOCK]; 2];
    let mut in_ptrs: Vec<*mut f32> = input.iter().map(|c| c.as_ptr() as *mut f32).collect();
    let mut out_ptrs: Vec<*mut f32> = output.iter_mut().map(|c| c.as_mut_ptr()).collect();
    let bus = |ptrs: &mut Vec<*mut f32>| AudioBusBuffers {
        numChannels: 2,
        silenceFlags: 0,
        __field0: AudioBusBuffers__type0 { channelBuffers32: ptrs.as_mut_ptr() },
    };
    let (mut inputs, mut outputs) = (bus(&mut in_ptrs), bus(&mut out_ptrs));
    for round in 0..rounds {
        let mode = [ProcessModes_::kRealtime, ProcessModes_::kOffline, ProcessModes_::kPrefetch][round % 3];
        // The last call is a full prefetch block: computed inline, never silent.
        let round = if round + 1 == rounds { 2 } else { round };
        let frames = [MAX_BLOCK, 0, 64, MAX_BLOCK, 300][round % 5];
        let flush = round % 11 == 10;
        let mut context = context(round);
        let mut data = ProcessData {
            processMode: mode as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: frames as i32,
            numInputs: i32::from(!flush),
            numOutputs: i32::from(!flush),
            inputs: if flush { std::ptr::null_mut() } else { &mut inputs },
            outputs: if flush { std::ptr::null_mut() } else { &mut outputs },
            inputParameterChanges: std::ptr::null_mut(),
            outputParameterChanges: std::ptr::null_mut(),
            inputEvents: std::ptr::null_mut(),
            outputEvents: std::ptr::null_mut(),
            processContext: if round % 4 == 3 { std::ptr::null_mut() } else { &mut context },
        };
        guard(&mut || {
            // SAFETY: every pointer in `data` is alive for the call, each
            // channel holds `frames` samples.
            let result = unsafe { plugin.processor.process(&mut data) };
            assert_eq!(result, kResultOk);
        });
    }
    output.iter().flatten().fold(0.0_f32, |peak, s| peak.max(s.abs()))
}
