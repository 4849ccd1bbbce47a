//! Ardour 7.3's exporter aborting after it wrote its file: when such a file
//! is accepted ([`judge_export`]), and how it is checked against another
//! export first ([`Ardour::confirmed`]).

use std::path::Path;
use std::process::{Command, ExitStatus};
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use super::tools::{describe, run};
use super::{Ardour, Job, MAX_RETRIES, RATE, report, wav};

impl Ardour {
    /// An export whose tool aborted after writing a complete file, checked
    /// against another export of the same session: the abort is Ardour 7.3
    /// freeing a `PortExportChannel` twice, and now and then (a 4-channel
    /// session about 1 export in 30) that channel's samples in the file are
    /// garbage from some block on, though the file is complete. So a file
    /// from an aborted export is accepted only when a second export gives
    /// the same samples, or a later export that exits cleanly is taken
    /// instead. The extra exports are not runs of the tally; an aborted
    /// file that another export contradicts counts as a retry. A clean
    /// export (`died` is None) is returned as it is.
    pub(super) fn confirmed(
        &self,
        mut read: wav::Wav,
        mut died: Option<String>,
        export: &mut Command,
        dir: &Path,
        job: &Job,
    ) -> (wav::Wav, Option<String>) {
        let what = format!("export of {}", job.plugin);
        let mut files = Vec::new();
        let mut contradicted = Vec::new();
        while let Some(how) = died.clone() {
            let again = run(export, dir, "export-again");
            let out = dir.join("export.wav");
            let done = again.stdout.contains("* Done.");
            let second = judge_export(&again.status, done, wav::read(&out), job.channels, job.frames);
            files.push(read);
            match second {
                // The same samples from two exports: the abort touched nothing.
                Ok((other, died_again)) if files.iter().any(|f| f.channels == other.channels) => {
                    self.aborted_after_writing(&what, &Some(format!("{how}; a second export gave the same samples")));
                    return (other, died_again.or(Some(how)));
                }
                // A clean export: it stands; the aborted files before it
                // are contradicted.
                Ok((other, None)) => {
                    contradicted.push(format!("{how}, and its samples differ from a clean export's"));
                    read = other;
                    died = None;
                }
                Ok((other, Some(again_how))) => {
                    contradicted.push(format!("{how}; another export also {again_how}, with other samples"));
                    read = other;
                    died = Some(again_how);
                }
                Err(e) => panic!("{}: a confirming export failed: {e}\n{}", job.plugin, again.log()),
            }
            assert!(contradicted.len() <= MAX_RETRIES, "{what}: aborted exports disagree: {}", contradicted.join("; "));
        }
        if !contradicted.is_empty() {
            let line = format!("{what}: {}", contradicted.join("; then "));
            report(&format!("ardour retry: {line}"));
            let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
            self.retries_in_binary.fetch_add(1, Ordering::Relaxed);
            tally.retried.push(line);
        }
        (read, died)
    }
}

/// Accepts an export when the tool that exported (`ardour7-export`, or
/// `ardour7-lua` running `adapt.lua`) succeeded and wrote `channels` ×
/// `frames` of 32-bit float at [`RATE`]. Ardour 7.3's exporter sometimes
/// aborts (SIGABRT, "double free") while tearing down after it finished: that
/// is accepted, and said in the second value, only when the file is complete
/// (header and data sizes agree, every frame there: the writer closed it
/// after the last frame). Mostly the tool has said it was `done` ("* Done.",
/// "exported") by then, but not always: the teardown runs on another thread
/// while `ardour7-export` sleeps in its progress loop (60 exports of one
/// session beside two busy loops: 5 such aborts, 2 of them before "Done",
/// the file complete every time). Any other failure, another signal or exit
/// code, a short or unreadable file, is an error.
pub fn judge_export(
    status: &ExitStatus,
    done: bool,
    file: Result<wav::Wav, String>,
    channels: usize,
    frames: usize,
) -> Result<(wav::Wav, Option<String>), String> {
    use std::os::unix::process::ExitStatusExt;
    const SIGABRT: i32 = 6;
    let file = file.map_err(|e| format!("the export wrote no complete file ({e}), {}", describe(status)))?;
    if file.rate != RATE || file.channels.len() != channels || file.channels.iter().any(|c| c.len() != frames) {
        return Err(format!(
            "the export wrote {} channels of {} frames at {} Hz, expected {channels} × {frames} at {RATE} Hz ({})",
            file.channels.len(),
            file.channels.first().map_or(0, Vec::len),
            file.rate,
            describe(status)
        ));
    }
    if status.success() {
        Ok((file, None))
    } else if status.signal() == Some(SIGABRT) {
        let when = if done { "after it said it was done" } else { "before it said it was done" };
        Ok((file, Some(format!("{}, {when}", describe(status)))))
    } else {
        Err(format!("the export failed ({}) after writing {frames} frames", describe(status)))
    }
}
