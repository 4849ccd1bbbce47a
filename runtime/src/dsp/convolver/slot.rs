//! [`IrSlot`]: a convolver plugin's impulse response as its state and editor
//! see it (a [`FileSlot`]): the response built into the plugin, the one
//! chosen since, and the [`IrLoader`] that prepares it off the audio thread.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::ir::{ImpulseResponse, IrError};
use super::loader::IrLoader;
use crate::plugin::{FileSlot, FileStatus};

/// Requests remembered by number, for the names the editor shows.
const NAMES: usize = 16;

/// A convolver's impulse response, changeable while it plays. Made by
/// [`super::Convolver::embedded`]; the format glue takes it from the
/// processor and keeps it (dropping it stops and joins the loader thread).
pub struct IrSlot {
    loader: IrLoader,
    built_in: Arc<ImpulseResponse>,
    built_in_name: String,
    /// Why the built-in response could not be decoded, if it could not (the
    /// plugin then plays a single tap: its input unchanged).
    built_in_error: Option<IrError>,
    state: Mutex<Choice>,
}

#[derive(Default)]
struct Choice {
    /// The path asked for last; `None`: the built-in response.
    path: Option<String>,
    /// What each recent request asked for (`None`: the built-in response).
    names: Vec<(u64, Option<String>)>,
}

impl IrSlot {
    pub(crate) fn new(
        loader: IrLoader,
        built_in: Arc<ImpulseResponse>,
        built_in_name: &str,
        built_in_error: Option<IrError>,
    ) -> Self {
        Self {
            loader,
            built_in,
            built_in_name: built_in_name.to_string(),
            built_in_error,
            state: Mutex::new(Choice::default()),
        }
    }

    /// The loader, for callers that load responses of their own making.
    pub fn loader(&self) -> &IrLoader {
        &self.loader
    }

    fn choice(&self) -> std::sync::MutexGuard<'_, Choice> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn remember(choice: &mut Choice, number: u64, path: Option<&str>) {
        choice.path = path.map(str::to_string);
        choice.names.push((number, choice.path.clone()));
        if choice.names.len() > NAMES {
            choice.names.remove(0);
        }
    }

    /// The name shown for a request: a file's name, or the built-in one's.
    fn name_of(&self, choice: &Choice, number: u64) -> String {
        let path = choice.names.iter().find(|(n, _)| *n == number).and_then(|(_, path)| path.as_deref());
        match path {
            Some(path) => display_name(path),
            None => format!("{} (built in)", self.built_in_name),
        }
    }
}

/// A path's last component, or the path itself.
fn display_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_string(), |name| name.to_string_lossy().into_owned())
}

impl FileSlot for IrSlot {
    fn title(&self) -> &'static str {
        "Impulse response"
    }

    fn built_in(&self) -> &str {
        &self.built_in_name
    }

    fn chosen(&self) -> Option<String> {
        self.choice().path.clone()
    }

    fn choose(&self, path: Option<&str>) {
        let mut choice = self.choice();
        let number = match path {
            Some(path) => self.loader.load_file(path),
            None => self.loader.restore(Arc::clone(&self.built_in)),
        };
        Self::remember(&mut choice, number, path);
    }

    fn restore(&self, path: Option<&str>) {
        let mut choice = self.choice();
        let status = self.loader.status();
        let last_failed = status.failed == status.requested && status.requested > 0;
        if choice.path.as_deref() == path && !last_failed {
            return;
        }
        let number = match path {
            None => self.loader.restore(Arc::clone(&self.built_in)),
            Some(path) => match ImpulseResponse::from_file(path) {
                Ok(response) => self.loader.restore(Arc::new(response)),
                Err(err) => self.loader.fail(err),
            },
        };
        Self::remember(&mut choice, number, path);
    }

    fn status(&self) -> FileStatus {
        let status = self.loader.status();
        let choice = self.choice();
        let loading = (status.requested > status.playing && status.failed < status.requested)
            .then(|| self.name_of(&choice, status.requested));
        let error = if status.failed == status.requested && status.requested > 0 {
            let reason = status.error.map_or_else(|| "unknown error".to_string(), |err| err.to_string());
            Some(format!("{}: {reason}", self.name_of(&choice, status.failed)))
        } else if status.playing == 0 {
            self.built_in_error.map(|err| format!("the built-in response: {err}"))
        } else {
            None
        };
        FileStatus { playing: self.name_of(&choice, status.playing), loading, error }
    }
}
