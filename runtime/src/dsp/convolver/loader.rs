//! Loading another impulse response while playing (contract point 16): an
//! [`IrLoader`] reads, decodes, resamples and transforms it on a thread of
//! its own, then hands the prepared [`Convolution`] to the processor through
//! a lock-free ring. The processor picks it up at the start of a block
//! without waiting, crossfades to it, and hands the one it replaced back
//! through a second ring, so that what it frees is freed here, never on the
//! thread that runs the DSP.
//!
//! The newest request wins: a load that finishes after a newer one was asked
//! for is dropped, and one the processor cannot take yet (it is not running,
//! or its inbox is full) waits on the loader's thread, replaced by any newer
//! one, so that no request ever blocks the loader. A prepared response that no longer fits the processor
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
    /// The newest request the processor has switched to (its crossfade began,
    /// or its `prepare` started with it).
    pub(crate) playing: AtomicU64,
    /// The newest request that failed.
    failed: AtomicU64,
    /// The last preparation's duration, in nanoseconds.
    prepare_nanos: AtomicU64,
    /// The last failure.
    error: Mutex<Option<IrError>>,
    /// The newest response restored on a caller's thread
    /// ([`IrLoader::restore`]), for the processor's next `prepare` to start
    /// with: `prepare` runs before any audio, never on the audio thread.
    restored: Mutex<Option<(u64, Arc<ImpulseResponse>)>>,
}

impl Shared {
    pub(crate) fn set_layout(&self, layout: Layout) {
        *self.layout.lock().unwrap_or_else(PoisonError::into_inner) = Some(layout);
    }

    fn layout(&self) -> Option<Layout> {
        *self.layout.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The restored response, if one newer than request `than` is waiting.
    pub(crate) fn restored_after(&self, than: u64) -> Option<(u64, Arc<ImpulseResponse>)> {
        let restored = self.restored.lock().unwrap_or_else(PoisonError::into_inner);
        restored.as_ref().filter(|(number, _)| *number > than).map(|(number, source)| (*number, Arc::clone(source)))
    }

    fn fail(&self, number: u64, err: IrError) {
        *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
        self.failed.fetch_max(number, Ordering::AcqRel);
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
    /// The newest request that failed (0: none has).
    pub failed: u64,
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
    /// Decoded already (restored on the caller's thread).
    Decoded(Arc<ImpulseResponse>),
}

struct Request {
    number: u64,
    source: Source,
}

/// Loads responses for one [`super::Convolver`] while it plays. Cheap to
/// clone; every call returns at once but [`IrLoader::restore`]. Its thread
/// starts with the first request; when the last clone is dropped, the thread
/// is told to stop and joined (it finishes a preparation under way first),
/// so no code of the plugin's library runs after its owner is gone.
#[derive(Clone)]
pub struct IrLoader {
    inner: Arc<Inner>,
}

struct Inner {
    requests: Mutex<Option<Sender<Request>>>,
    shared: Arc<Shared>,
    start: Mutex<Option<Worker>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The thread sees the channel closed, frees what came back and ends.
        drop(self.requests.get_mut().unwrap_or_else(PoisonError::into_inner).take());
        if let Some(thread) = self.thread.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = thread.join();
        }
    }
}

/// The loader thread's state.
struct Worker {
    requests: Receiver<Request>,
    outbox: rtrb::Producer<Box<Prepared>>,
    returns: rtrb::Consumer<Returned>,
    shared: Arc<Shared>,
    /// A prepared response the processor's full inbox could not take yet.
    waiting: Option<Box<Prepared>>,
}

/// The two ends: the processor's and the loaders'.
pub(crate) fn link() -> (ProcessorLink, IrLoader) {
    let shared = Arc::new(Shared::default());
    let (outbox, inbox) = rtrb::RingBuffer::new(INBOX);
    let (returns_in, returns_out) = rtrb::RingBuffer::new(RETURNS);
    let (requests, receiver) = mpsc::channel();
    let worker =
        Worker { requests: receiver, outbox, returns: returns_out, shared: Arc::clone(&shared), waiting: None };
    let inner = Inner {
        requests: Mutex::new(Some(requests)),
        shared: Arc::clone(&shared),
        start: Mutex::new(Some(worker)),
        thread: Mutex::new(None),
    };
    (ProcessorLink { inbox, returns: returns_in, shared }, IrLoader { inner: Arc::new(inner) })
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

    /// Makes `response` (read and decoded by the caller: a state load on the
    /// host's main thread) the one the processor's next `prepare` starts
    /// with, and also has it prepared and delivered like [`Self::load`] for a
    /// processor that is playing (which crossfades to it). Returns the
    /// request's number.
    pub fn restore(&self, response: Arc<ImpulseResponse>) -> u64 {
        let number = self.inner.shared.requested.fetch_add(1, Ordering::AcqRel) + 1;
        *self.inner.shared.restored.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((number, Arc::clone(&response)));
        self.send(Request { number, source: Source::Decoded(response) });
        number
    }

    /// Records that request-to-be failed before it reached the loader (a
    /// file the caller could not read): the status shows the error.
    pub fn fail(&self, err: IrError) -> u64 {
        let number = self.inner.shared.requested.fetch_add(1, Ordering::AcqRel) + 1;
        self.inner.shared.fail(number, err);
        number
    }

    pub fn status(&self) -> LoadStatus {
        let shared = &self.inner.shared;
        LoadStatus {
            requested: shared.requested.load(Ordering::Acquire),
            delivered: shared.delivered.load(Ordering::Acquire),
            playing: shared.playing.load(Ordering::Acquire),
            failed: shared.failed.load(Ordering::Acquire),
            last_prepare: Duration::from_nanos(shared.prepare_nanos.load(Ordering::Relaxed)),
            error: *shared.error.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    fn request(&self, source: Source) -> u64 {
        let number = self.inner.shared.requested.fetch_add(1, Ordering::AcqRel) + 1;
        self.send(Request { number, source });
        number
    }

    fn send(&self, request: Request) {
        let worker = self.inner.start.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(worker) = worker {
            let spawned = std::thread::Builder::new().name("convolver-loader".into()).spawn(move || worker.run());
            match spawned {
                Ok(thread) => *self.inner.thread.lock().unwrap_or_else(PoisonError::into_inner) = Some(thread),
                Err(_) => self.inner.shared.fail(request.number, IrError::Io(std::io::ErrorKind::Other)),
            }
        }
        let requests = self.inner.requests.lock().unwrap_or_else(PoisonError::into_inner);
        // Fails only when the thread is gone, which the status shows.
        if let Some(requests) = requests.as_ref() {
            let _ = requests.send(request);
        }
    }
}

impl Worker {
    fn run(mut self) {
        let mut expecting_until: Option<Instant> = None;
        loop {
            let polling = self.waiting.is_some() || expecting_until.is_some_and(|until| Instant::now() < until);
            let request = if polling {
                match self.requests.recv_timeout(POLL) {
                    Ok(request) => Some(request),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            } else {
                match self.requests.recv() {
                    Ok(request) => Some(request),
                    Err(_) => break,
                }
            };
            self.take_returns(&mut expecting_until);
            if let Some(waiting) = self.waiting.take() {
                self.push(waiting, &mut expecting_until);
            }
            if let Some(request) = request {
                // Decode and prepare only the newest of what is waiting.
                let mut newest = request;
                while let Ok(next) = self.requests.try_recv() {
                    newest = next;
                }
                let started = Instant::now();
                let decoded = match newest.source {
                    Source::Wav(bytes) => ImpulseResponse::from_wav(&bytes).map(Arc::new),
                    Source::File(path) => ImpulseResponse::from_file(path).map(Arc::new),
                    Source::Response(response) => Ok(Arc::new(response)),
                    Source::Decoded(response) => Ok(response),
                };
                match decoded {
                    Ok(response) => self.deliver(newest.number, response, started, &mut expecting_until),
                    Err(err) => self.shared.fail(newest.number, err),
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
        self.shared.prepare_nanos.store(took.as_nanos().min(u128::from(u64::MAX)) as u64, Ordering::Relaxed);
        self.push(Box::new(Prepared { number, source, layout, convolution }), expecting);
    }

    /// Hands `prepared` to the processor, or keeps it (the newest only) until
    /// its inbox has room: the loader never waits for the processor.
    fn push(&mut self, prepared: Box<Prepared>, expecting: &mut Option<Instant>) {
        if prepared.number < self.shared.requested.load(Ordering::Acquire) {
            return;
        }
        let number = prepared.number;
        match self.outbox.push(prepared) {
            Ok(()) => {
                self.shared.delivered.fetch_max(number, Ordering::AcqRel);
                *expecting = Some(Instant::now() + EXPECT_BACK_FOR);
            }
            Err(rtrb::PushError::Full(back)) => self.waiting = Some(back),
        }
    }
}
