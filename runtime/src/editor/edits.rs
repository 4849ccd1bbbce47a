//! Edits from an editor to its host: begin, set, end, as VST3
//! (`beginEdit`/`performEdit`/`endEdit`) and CLAP (gesture begin, value,
//! gesture end) both want them, in order.
//!
//! The editor's thread pushes them into a bounded lock-free queue (rtrb); the
//! format glue drains it where the format wants edits sent: VST3 on the host's
//! UI thread (its run loop), CLAP in `process` or `params.flush`, on the audio
//! thread, which never waits for the editor: it only pops. The queue is made
//! with the plugin, so nothing allocates when an editor opens or edits.
//!
//! A checker counts what a host would see as misuse: a value set outside a
//! gesture, a gesture begun twice or ended without a beginning. Widgets
//! bracket every change; the tests read the counts.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rtrb::{Consumer, Producer, RingBuffer};

/// Edits the queue holds between two drains: a few seconds of dragging
/// every control at once at the editor's frame rate.
const CAPACITY: usize = 4096;

/// One step of an edit, for the parameter `id` (normalized values, 0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Edit {
    Begin { id: u32 },
    Set { id: u32, normalized: f64 },
    End { id: u32 },
}

impl Edit {
    pub fn id(self) -> u32 {
        match self {
            Edit::Begin { id } | Edit::Set { id, .. } | Edit::End { id } => id,
        }
    }
}

/// What the gesture checker counted since the editor context was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GestureReport {
    pub begins: u64,
    pub sets: u64,
    pub ends: u64,
    /// Values set outside a gesture of their parameter.
    pub unbracketed_sets: u64,
    /// Gestures begun while one was open, or ended while none was.
    pub unbalanced: u64,
    /// Edits dropped because the queue stayed full (the value itself is
    /// still stored).
    pub dropped: u64,
}

/// The editor's end of the queue, with the checker.
pub(crate) struct EditSender {
    producer: Mutex<Producer<Edit>>,
    /// Per parameter (host order): inside a gesture.
    open: Box<[AtomicBool]>,
    begins: AtomicU64,
    sets: AtomicU64,
    ends: AtomicU64,
    unbracketed: AtomicU64,
    unbalanced: AtomicU64,
    dropped: AtomicU64,
}

/// The glue's end of the queue.
pub(crate) struct EditReceiver {
    consumer: Consumer<Edit>,
}

/// A queue for a plugin with `params` parameters (host order).
pub(crate) fn queue(params: usize) -> (EditSender, EditReceiver) {
    let (producer, consumer) = RingBuffer::new(CAPACITY);
    let sender = EditSender {
        producer: Mutex::new(producer),
        open: (0..params).map(|_| AtomicBool::new(false)).collect(),
        begins: AtomicU64::new(0),
        sets: AtomicU64::new(0),
        ends: AtomicU64::new(0),
        unbracketed: AtomicU64::new(0),
        unbalanced: AtomicU64::new(0),
        dropped: AtomicU64::new(0),
    };
    (sender, EditReceiver { consumer })
}

impl EditSender {
    /// Queues `edit` for the parameter at `index` (host order), checking its
    /// bracket. Called on an editor's thread; never on the audio thread.
    pub(crate) fn send(&self, index: usize, edit: Edit) {
        let Some(open) = self.open.get(index) else { return };
        match edit {
            Edit::Begin { .. } => {
                self.begins.fetch_add(1, Ordering::Relaxed);
                if open.swap(true, Ordering::Relaxed) {
                    self.unbalanced.fetch_add(1, Ordering::Relaxed);
                    debug_complaint("a gesture begun while one is open", edit);
                }
            }
            Edit::Set { .. } => {
                self.sets.fetch_add(1, Ordering::Relaxed);
                if !open.load(Ordering::Relaxed) {
                    self.unbracketed.fetch_add(1, Ordering::Relaxed);
                    debug_complaint("a value set outside a gesture", edit);
                }
            }
            Edit::End { .. } => {
                self.ends.fetch_add(1, Ordering::Relaxed);
                if !open.swap(false, Ordering::Relaxed) {
                    self.unbalanced.fetch_add(1, Ordering::Relaxed);
                    debug_complaint("a gesture ended that was not begun", edit);
                }
            }
        }
        let mut producer = self.producer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The glue drains at least once per host block or UI event; a full
        // queue is given a moment, never forever (the glue's thread may be
        // waiting for this one, closing the window).
        for _ in 0..100 {
            if producer.push(edit).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the parameter at `index` is inside a gesture.
    pub(crate) fn in_gesture(&self, index: usize) -> bool {
        self.open.get(index).is_some_and(|open| open.load(Ordering::Relaxed))
    }

    /// The indices of the parameters inside a gesture.
    pub(crate) fn open_gestures(&self) -> impl Iterator<Item = usize> + '_ {
        self.open.iter().enumerate().filter(|(_, open)| open.load(Ordering::Relaxed)).map(|(index, _)| index)
    }

    pub(crate) fn report(&self) -> GestureReport {
        GestureReport {
            begins: self.begins.load(Ordering::Relaxed),
            sets: self.sets.load(Ordering::Relaxed),
            ends: self.ends.load(Ordering::Relaxed),
            unbracketed_sets: self.unbracketed.load(Ordering::Relaxed),
            unbalanced: self.unbalanced.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }
}

/// Debug builds say what went wrong where a developer sees it.
fn debug_complaint(what: &str, edit: Edit) {
    if cfg!(debug_assertions) {
        eprintln!("editor: {what}: {edit:?}");
    }
}

impl EditReceiver {
    /// The next queued edit. Lock-free and allocation-free: the audio thread
    /// may call it.
    pub(crate) fn pop(&mut self) -> Option<Edit> {
        self.consumer.pop().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_arrive_in_order_and_the_checker_counts_misuse() {
        let (sender, mut receiver) = queue(2);
        sender.send(0, Edit::Begin { id: 7 });
        sender.send(0, Edit::Set { id: 7, normalized: 0.25 });
        sender.send(0, Edit::End { id: 7 });
        assert_eq!(receiver.pop(), Some(Edit::Begin { id: 7 }));
        assert_eq!(receiver.pop(), Some(Edit::Set { id: 7, normalized: 0.25 }));
        assert_eq!(receiver.pop(), Some(Edit::End { id: 7 }));
        assert_eq!(receiver.pop(), None);
        assert_eq!(sender.report(), GestureReport { begins: 1, sets: 1, ends: 1, ..GestureReport::default() });

        sender.send(1, Edit::Set { id: 8, normalized: 1.0 });
        sender.send(1, Edit::End { id: 8 });
        sender.send(1, Edit::Begin { id: 8 });
        sender.send(1, Edit::Begin { id: 8 });
        let report = sender.report();
        assert_eq!((report.unbracketed_sets, report.unbalanced), (1, 2));
        assert!(sender.in_gesture(1));
        assert_eq!(sender.open_gestures().collect::<Vec<_>>(), [1]);
    }
}
