//! [`FileSlot`]: a file a plugin plays from (a convolver's impulse response)
//! that its saved state names and its editor can change while it plays.
//!
//! A processor that has one hands it over once, before it goes into the
//! engine ([`crate::engine::Processor::take_file_slot`]); the format glue keeps
//! it on the plugin's non-audio side: the state saves [`FileSlot::chosen`] and
//! a state load calls [`FileSlot::restore`], the editor calls
//! [`FileSlot::choose`] and shows [`FileSlot::status`]. Reading and preparing
//! the file never happens on the audio thread; the processor picks up what
//! was prepared without waiting.

/// Where a slot stands, for an editor to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileStatus {
    /// What plays now: a file's name, or the built-in one's.
    pub playing: String,
    /// A file asked for and still being read or prepared.
    pub loading: Option<String>,
    /// Why the file asked for last could not be used (what plays is then the
    /// one before it).
    pub error: Option<String>,
}

/// A file a plugin plays from, changeable while it plays. Every method
/// returns at once except [`FileSlot::restore`], which reads the file on the
/// calling thread (a host's main thread loading a state may take that time;
/// the audio thread never calls any of these).
pub trait FileSlot: Send + Sync {
    /// What the file is, as an editor labels it ("Impulse response").
    fn title(&self) -> &'static str;

    /// The name of the file the plugin was built with, played when no other
    /// is chosen.
    fn built_in(&self) -> &str;

    /// The file asked for last (by the editor or a state), which the state
    /// saves; `None`: the built-in one. A file that could not be read here is
    /// still named, so a session opened on a machine without it and saved
    /// again keeps pointing at it.
    fn chosen(&self) -> Option<String>;

    /// Asks for `path` (`None`: the built-in file). Returns at once: a thread
    /// of the slot's own reads and prepares it, and the processor crossfades
    /// to it when it is ready.
    fn choose(&self, path: Option<&str>);

    /// What a state load does: like [`Self::choose`], but the file is read on
    /// the calling thread first, so that a processor prepared (activated)
    /// after this call starts with it. Asking for what is already chosen
    /// (and did not fail) changes nothing.
    fn restore(&self, path: Option<&str>);

    fn status(&self) -> FileStatus;
}
