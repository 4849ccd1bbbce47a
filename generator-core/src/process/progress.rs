//! The progress bar `process` draws on stderr: one line rewritten in place,
//! redrawn only when the percentage moves (a few hundred writes however long
//! the file), and ended with a newline.

use std::io::Write;

pub struct Progress {
    shown: bool,
    label: String,
    total: usize,
    last: Option<usize>,
}

impl Progress {
    /// A bar for `total` input frames, drawn only when `shown`.
    pub fn new(shown: bool, label: String, total: usize) -> Progress {
        Progress { shown, label, total: total.max(1), last: None }
    }

    /// `done` input frames are out.
    pub fn update(&mut self, done: usize) {
        if !self.shown {
            return;
        }
        let percent = done.min(self.total) * 100 / self.total;
        if self.last == Some(percent) {
            return;
        }
        self.last = Some(percent);
        let filled = percent * 30 / 100;
        let bar = format!("{}{}", "#".repeat(filled), " ".repeat(30 - filled));
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r{} [{bar}] {percent:3}%", self.label);
        let _ = stderr.flush();
    }

    /// Ends the line (the tail, if any, is done too).
    pub fn finish(&mut self) {
        if self.shown {
            self.update(self.total);
            eprintln!();
        }
    }
}
