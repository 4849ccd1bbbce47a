//! Loading another impulse response while playing (contract point 16): an
//! [`IrLoader`] reads, decodes, resamples and transforms it on a thread of
//! its own, then hands the prepared [`Convolution`] to the processor through
//! a lock-free ring. The processor picks it up at the start of a block
//! without waiting, crossfades to it, and hands the one it replaced back
//! through a second ring, so that what it frees is freed here, never on the
//! thread that runs the DSP.
//!
//! The newest request wins: a load that finishes after a newer one was asked
//! for is dropped. A prepared response that no longer fits the processor
//! (its setup changed meanwhile: another sample rate, channel count or
//! latency budget) comes back as stale and is prepared again for the new
//! setup.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::convolution::Convolution;
use super::ir::{ImpulseResponse, IrError};
use super::plan::Scheme;

/// Prepared responses that can wait for the processor at once.
const INBOX: usize = 4;
/// Replaced responses that can wait to be freed at once.
const RETURNS: usize = 8;
/// How often the loader looks for replaced responses to free while one is
/// expected back.
const POLL: Duration = Duration::from_millis(20);
/// How long the loader keeps looking after its last delivery. A processor
/// that is not running (deactivated) takes a delivery only later; what it
/// hands back then is freed with the next load or with the processor.
const EXPECT_BACK_FOR: Duration = Duration::from_secs(10);

/// What a convolution is prepared for: the processor's setup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub sample_rate: f64,
    pub channels: usize,
    pub scheme: Scheme,
}

impl Layout {
    /// `response` resampled, routed, planned and transformed for this layout.
    pub fn prepare(&self, response: &ImpulseResponse) -> Convolution {
        let resampled;
        let at_rate = if response.sample_rate() == self.sample_rate {
            response
        } else {
            resampled = response.resampled(self.sample_rate);
            &resampled
        };
        Convolution::new(at_rate.channels(), self.channels, self.scheme)
    }
}

/// A response on its way to (or back from) the processor.
pub(crate) struct Prepared {
    /// The request it answers (0: the processor's own, from `prepare`).
    pub(crate) number: u64,
    pub(crate) source: Arc<ImpulseResponse>,
    pub(crate) layout: Option<Layout>,
    pub(crate) convolution: Option<Convolution>,
}

/// What the processor hands back.
pub(crate) enum Returned {
    /// Replaced (or superseded before it played): to be freed.
    Done(Box<Prepared>),
    /// Prepared for another layout than the processor's: to prepare again.
    Stale(Box<Prepared>),
}

/// What loaders and the processor share.
#[derive(Default)]
pub(crate) struct Shared {
    /// The processor's layout since its last `prepare` (`None` before).
    pub(crate) layout: Mutex<Option<Layout>>,
    /// The newest request's number.
    requested: AtomicU64,
    /// The newest request prepared and handed to the processor.
    delivered: AtomicU64,
    /// The newest request the processor has switched to (its crossfade began).
    pub(crate) playing: AtomicU64,
    /// The last preparation's duration, in nanoseconds.
    prepare_nanos: AtomicU64,
    /// The last failure.
    error: Mutex<Option<IrError>>,
}

impl Shared {
    pub(crate) fn set_layout(&self, layout: Layout) {
        *self.layout.lock().unwrap_or_else(PoisonError::into_inner) = Some(layout);
    }

    fn layout(&self) -> Option<Layout> {
        *self.layout.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The processor's ends of the rings.
pub(crate) struct ProcessorLink {
    pub(crate) inbox: rtrb::Consumer<Box<Prepared>>,
    pub(crate) returns: rtrb::Producer<Returned>,
    pub(crate) shared: Arc<Shared>,
}

/// Where loading stands (see [`IrLoader::status`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStatus {
    /// The newest request's number (requests count from 1).
    pub requested: u64,
    /// The newest request prepared and handed to the processor.
    pub delivered: u64,
    /// The newest request the processor switched to.
    pub playing: u64,
    /// How long the last preparation took (read, decode, resample, transform):
    /// the stall it would have been on the audio thread.
    pub last_prepare: Duration,
    /// Why the last failed load failed.
    pub error: Option<IrError>,
}

enum Source {
    Wav(Vec<u8>),
    File(std::path::PathBuf),
    Response(ImpulseResponse),
}

struct Request {
    number: u64,
    source: Source,
}

/// Loads responses for one [`super::Convolver`] while it plays. Cheap to
/// clone; every call returns at once. Its thread starts with the first
/// request and ends once every clone is dropped.
#[derive(Clone)]
pub struct IrLoader {
    requests: Sender<Request>,
    shared: Arc<Shared>,
    start: Arc<Mutex<Option<Worker>>>,
}

/// The loader thread's state, until it starts.
struct Worker {
    requests: Receiver<Request>,
    outbox: rtrb::Producer<Box<Prepared>>,
    returns: rtrb::Consumer<Returned>,
    shared: Arc<Shared>,
}

/// The two ends: the processor's and the loaders'.
pub(crate) fn link() -> (ProcessorLink, IrLoader) {
    let shared = Arc::new(Shared::default());
    let (outbox, inbox) = rtrb::RingBuffer::new(INBOX);
    let (returns_in, returns_out) = rtrb::RingBuffer::new(RETURNS);
    let (requests, receiver) = mpsc::channel();
    let worker = Worker { requests: receiver, outbox, returns: returns_out, shared: Arc::clone(&shared) };
    let loader = IrLoader { requests, shared: Arc::clone(&shared), start: Arc::new(Mutex::new(Some(worker))) };
    (ProcessorLink { inbox, returns: returns_in, shared }, loader)
}

impl IrLoader {
    /// Loads a WAVE file's bytes. Returns the request's number.
    pub fn load_wav(&self, bytes: Vec<u8>) -> u64 {
        self.request(Source::Wav(bytes))
    }

    /// Reads and loads a WAVE file.
    pub fn load_file(&self, path: impl Into<std::path::PathBuf>) -> u64 {
        self.request(Source::File(path.into()))
    }

    /// Loads a response already decoded (or generated).
    pub fn load(&self, response: ImpulseResponse) -> u64 {
        self.request(Source::Response(response))
    }

    pub fn status(&self) -> LoadStatus {
        let shared = &self.shared;
        LoadStatus {
            requested: shared.requested.load(Ordering::Acquire),
            delivered: shared.delivered.load(Ordering::Acquire),
            playing: shared.playing.load(Ordering::Acquire),
            last_prepare: Duration::from_nanos(shared.prepare_nanos.load(Ordering::Relaxed)),
            error: *shared.error.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    fn request(&self, source: Source) -> u64 {
        let number = self.shared.requested.fetch_add(1, Ordering::AcqRel) + 1;
        let worker = self.start.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(worker) = worker {
            // The thread ends by itself when every sender is gone.
            let spawned: std::io::Result<JoinHandle<()>> =
                std::thread::Builder::new().name("convolver-loader".into()).spawn(move || worker.run());
            if spawned.is_err() {
                *self.shared.error.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(IrError::Io(std::io::ErrorKind::Other));
            }
        }
        // Fails only when the thread is gone, which the status shows.
        let _ = self.requests.send(Request { number, source });
        number
    }
}

impl Worker {
    fn run(mut self) {
        let mut expecting_until: Option<Instant> = None;
        loop {
            let request = match expecting_until {
                Some(until) if Instant::now() < until => match self.requests.recv_timeout(POLL) {
                    Ok(request) => Some(request),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(POLL);
                        None
                    }
                },
                _ => match self.requests.recv() {
                    Ok(request) => Some(request),
                    Err(_) => break,
                },
            };
            self.take_returns(&mut expecting_until);
            if let Some(request) = request {
                // Decode and prepare only the newest of what is waiting.
                let mut newest = request;
                while let Ok(next) = self.requests.try_recv() {
                    newest = next;
                }
                let started = Instant::now();
                let decoded = match newest.source {
                    Source::Wav(bytes) => ImpulseResponse::from_wav(&bytes),
                    Source::File(path) => ImpulseResponse::from_file(path),
                    Source::Response(response) => Ok(response),
                };
                match decoded {
                    Ok(response) => self.deliver(newest.number, Arc::new(response), started, &mut expecting_until),
                    Err(err) => *self.shared.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(err),
                }
            }
        }
        self.take_returns(&mut None);
    }

    /// Frees what came back; prepares again what came back stale.
    fn take_returns(&mut self, expecting_until: &mut Option<Instant>) {
        while let Ok(returned) = self.returns.pop() {
            match returned {
                Returned::Done(prepared) => drop(prepared),
                Returned::Stale(prepared) => {
                    let Prepared { number, source, .. } = *prepared;
                    self.deliver(number, source, Instant::now(), expecting_until);
                }
            }
        }
    }

    fn deliver(
        &mut self,
        number: u64,
        source: Arc<ImpulseResponse>,
        started: Instant,
        expecting: &mut Option<Instant>,
    ) {
        if number < self.shared.requested.load(Ordering::Acquire) {
            return;
        }
        let layout = self.shared.layout();
        let convolution = layout.map(|layout| layout.prepare(&source));
        let took = started.elapsed();
        let mut prepared = Box::new(Prepared { number, source, layout, convolution });
        loop {
            match self.outbox.push(prepared) {
                Ok(()) => break,
                Err(rtrb::PushError::Full(back)) => {
                    prepared = back;
                    std::thread::sleep(POLL);
                    self.take_returns(&mut None);
                }
            }
        }
        self.shared.prepare_nanos.store(took.as_nanos().min(u128::from(u64::MAX)) as u64, Ordering::Relaxed);
        self.shared.delivered.store(number, Ordering::Release);
        *expecting = Some(Instant::now() + EXPECT_BACK_FOR);
    }
}
