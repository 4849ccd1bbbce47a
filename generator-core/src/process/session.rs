//! One run of a plugin over a whole signal, as a DAW renders a track: the
//! plugin set up offline (or real time, unpaced), the parameters set at the
//! first frame, the input fed block by block and then silence until the
//! latency is made up and the tail has died away; the output read from frame
//! L on, so it lines up with the input (plugin delay compensation).

use plugin_host::clap::{self as clap_host, HostEvent};
use plugin_host::vst3::{self as vst3_host, EventList, Extras, ParamChanges};

use super::midi_file::Note;

/// How far past the input (and the latency) a tail is followed at most.
pub const MAX_TAIL_SECONDS: f64 = 60.0;

/// What to render.
pub struct Job<'a> {
    pub rate: f64,
    pub block: usize,
    pub realtime: bool,
    /// One row per channel (effects); empty for an instrument.
    pub input: &'a [Vec<f32>],
    /// Notes at absolute frames (instruments).
    pub notes: &'a [Note],
    /// The input's length in frames: the audio's, or the MIDI file's.
    pub frames: usize,
    /// `(id, plain value)`, set at the first frame.
    pub params: &'a [(u32, f64)],
    /// Output samples no louder than this are silence (the tail's end).
    pub silence: f32,
}

/// The rendered output, aligned with the input, and what the plugin reported.
pub struct Rendered {
    pub output: Vec<Vec<f32>>,
    pub latency: usize,
    /// Whether the tail was cut at [`MAX_TAIL_SECONDS`] while still sounding.
    pub cut: bool,
}

/// A started plugin instance of either format.
pub trait Session {
    fn latency(&self) -> usize;
    fn tail(&self) -> Option<usize>;
    /// One block: `input` (empty for an instrument) into `output`, every row
    /// `frames` long, with `notes` at frames of the block and, when given,
    /// parameter values at its first frame.
    fn process(
        &mut self,
        input: &[Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        notes: &[Note],
        params: Option<&[(u32, f64)]>,
    ) -> Result<(), String>;
}

/// Runs `job` through `session`, which plays `channels` output channels;
/// `progress` hears how many input frames are done.
pub fn render(
    session: &mut dyn Session,
    job: &Job<'_>,
    channels: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<Rendered, String> {
    let latency = session.latency();
    // Host time by which every input frame has come out.
    let covered = job.frames + latency;
    let cap = covered + (MAX_TAIL_SECONDS * job.rate) as usize;
    let mut output: Vec<Vec<f32>> = vec![Vec::with_capacity(covered); channels];
    let mut in_block = vec![vec![0.0_f32; job.block]; job.input.len()];
    let mut out_block = vec![vec![0.0_f32; job.block]; channels];
    let mut tail_end = None;
    let mut cut = false;
    let mut t = 0;
    loop {
        let n = job.block;
        for (row, source) in in_block.iter_mut().zip(job.input) {
            let have = source.len().saturating_sub(t).min(n);
            if have > 0 {
                row[..have].copy_from_slice(&source[t..t + have]);
            }
            row[have..].fill(0.0);
        }
        let notes: Vec<Note> = job
            .notes
            .iter()
            .filter(|note| (t..t + n).contains(&note.frame))
            .map(|note| Note { frame: note.frame - t, ..*note })
            .collect();
        let params = (t == 0).then_some(job.params);
        session.process(&in_block, &mut out_block, n, &notes, params)?;
        // Host frames before L are the plugin's latency: a DAW drops them.
        let skip = latency.saturating_sub(t).min(n);
        for (row, block) in output.iter_mut().zip(&out_block) {
            row.extend_from_slice(&block[skip..n]);
        }
        t += n;
        progress(t.min(covered).saturating_sub(latency));
        if t < covered {
            continue;
        }
        // The tail the plugin reports now, with its parameters in force.
        let tail_end = *tail_end.get_or_insert_with(|| covered + session.tail().unwrap_or(0));
        let silent = out_block.iter().all(|block| block[..n].iter().all(|x| x.abs() <= job.silence));
        if t >= tail_end && silent {
            break;
        }
        if t >= cap {
            cut = !silent;
            break;
        }
    }
    // Aligned with the input: at least as long, and on to the last sound.
    let last_sound =
        output.iter().filter_map(|row| row.iter().rposition(|x| x.abs() > job.silence)).max().map_or(0, |at| at + 1);
    let length = last_sound.max(job.frames);
    for row in &mut output {
        row.truncate(length);
    }
    Ok(Rendered { output, latency, cut })
}

/// A VST3 instance, set up and processing.
pub struct Vst3<'a> {
    pub instance: &'a vst3_host::Instance,
    pub mode: u32,
    pub latency: usize,
    /// Parameter values are sent normalized: `(id, normalized)`.
    pub normalized: Vec<(u32, f64)>,
}

impl Session for Vst3<'_> {
    fn latency(&self) -> usize {
        self.latency
    }

    fn tail(&self) -> Option<usize> {
        self.instance.tail_frames()
    }

    fn process(
        &mut self,
        input: &[Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        notes: &[Note],
        params: Option<&[(u32, f64)]>,
    ) -> Result<(), String> {
        let changes = params.map(|_| {
            let points: Vec<(u32, i32, f64)> = self.normalized.iter().map(|&(id, value)| (id, 0, value)).collect();
            ParamChanges::with(&points)
        });
        let notes: Vec<(i32, bool, i16, f32)> =
            notes.iter().map(|n| (n.frame as i32, n.on, i16::from(n.key), n.velocity)).collect();
        let events = EventList::notes(&notes);
        let extras = Extras { changes: changes.as_ref(), events: Some(&events), ..Extras::default() };
        let result = self.instance.process(self.mode, vst3_host::Buffers::F32 { input, output }, 0, frames, extras);
        match result == vst3::Steinberg::kResultOk {
            true => Ok(()),
            false => Err(format!("the plugin's process returned {result}")),
        }
    }
}

/// A CLAP instance, activated and processing.
pub struct Clap<'a, 'm> {
    pub instance: &'a clap_host::Instance<'m>,
    pub latency: usize,
    /// Whether it has `clap.tail` (without it, no tail).
    pub has_tail: bool,
}

impl Session for Clap<'_, '_> {
    fn latency(&self) -> usize {
        self.latency
    }

    fn tail(&self) -> Option<usize> {
        if !self.has_tail {
            return Some(0);
        }
        // CLAP: INT32_MAX and above mean an infinite tail.
        let tail = self.instance.tail();
        (tail < i32::MAX as u32).then_some(tail as usize)
    }

    fn process(
        &mut self,
        input: &[Vec<f32>],
        output: &mut [Vec<f32>],
        frames: usize,
        notes: &[Note],
        params: Option<&[(u32, f64)]>,
    ) -> Result<(), String> {
        let mut events: Vec<HostEvent> =
            params.unwrap_or(&[]).iter().map(|&(id, value)| HostEvent::Param { time: 0, id, value }).collect();
        events.extend(notes.iter().map(|n| HostEvent::Note {
            time: n.frame as u32,
            on: n.on,
            key: i16::from(n.key),
            velocity: f64::from(n.velocity),
        }));
        let status = self.instance.process(clap_host::Buffers::F32 { input, output }, 0, frames, &events, None);
        match status == clap_sys::process::CLAP_PROCESS_ERROR {
            true => Err("the plugin's process returned an error".into()),
            false => Ok(()),
        }
    }
}
