//! The host side of CLAP, written with `clap-sys`: loading a `.clap` through
//! its C ABI (`clap_entry`), and what a host hands a plugin (its callbacks and
//! extensions, event lists, streams). A strict host: it records every request
//! the plugin makes and on which thread.

mod events;
mod gui;
mod instance;

use std::ffi::{CStr, CString, c_char};
use std::path::Path;

use clap_sys::entry::clap_plugin_entry;
use clap_sys::factory::plugin_factory::{CLAP_PLUGIN_FACTORY_ID, clap_plugin_factory};
use clap_sys::plugin::clap_plugin_descriptor;
use clap_sys::version::clap_version_is_compatible;

pub use events::{HostEvent, OutEvent, OutEvents, clap_transport};
pub use gui::Gui;
pub use instance::{Buffers, Instance};

/// The name the host gives itself unless a test picks another.
pub const TEST_HOST_NAME: &str = "Rust test host";

/// A loaded `.clap`: library, entry initialised, factory found. Dropping it
/// calls `deinit` and unloads the library, in that order (or only `deinit`,
/// for an entry linked into the test itself).
pub struct ClapModule {
    entry: *const clap_plugin_entry,
    pub factory: *const clap_plugin_factory,
    library: Option<libloading::Library>,
}

impl ClapModule {
    /// Loads the `.clap` at `path`, checks its entry and initialises it;
    /// panics on failure (tests).
    pub fn load(path: &Path) -> ClapModule {
        ClapModule::open(path).unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// [`ClapModule::load`], with what went wrong as the error.
    pub fn open(path: &Path) -> Result<ClapModule, String> {
        // SAFETY: loading a plugin runs its initialisers; a host trusts the
        // plugins it is asked to load (ours are Rust statics).
        let library = unsafe { libloading::Library::new(path) }
            .map_err(|err| format!("cannot load {}: {err}", path.display()))?;
        // SAFETY: `clap_entry` is a clap_plugin_entry static (export_clap!).
        let entry = unsafe { library.get::<*const clap_plugin_entry>(b"clap_entry") }
            .map(|symbol| *symbol)
            .map_err(|_| format!("{} is not a CLAP plugin: it exports no clap_entry", path.display()))?;
        // SAFETY: the entry is the library's static, alive while it is loaded.
        let entry_ref = unsafe { &*entry };
        if !clap_version_is_compatible(entry_ref.clap_version) {
            return Err(format!("{}: not a CLAP 1.x entry", path.display()));
        }
        let (Some(init), Some(get_factory), Some(deinit)) = (entry_ref.init, entry_ref.get_factory, entry_ref.deinit)
        else {
            return Err(format!("{}: its clap_entry lacks init, get_factory or deinit", path.display()));
        };
        let c_path = CString::new(path.to_string_lossy().as_bytes()).map_err(|_| "a path with a NUL byte")?;
        // SAFETY: the entry's own functions, in the order CLAP prescribes.
        let factory = unsafe {
            if !init(c_path.as_ptr()) {
                return Err(format!("{}: its entry's init returned false", path.display()));
            }
            get_factory(CLAP_PLUGIN_FACTORY_ID.as_ptr())
        };
        if factory.is_null() {
            // SAFETY: init succeeded, so deinit is due before unloading.
            unsafe { deinit() };
            return Err(format!("{}: no plugin factory", path.display()));
        }
        Ok(ClapModule { entry, factory: factory.cast(), library: Some(library) })
    }

    /// The module behind an entry linked into this program (a test binary
    /// that calls `export_clap!` itself): initialised, nothing to unload.
    pub fn linked(entry: &'static clap_plugin_entry) -> ClapModule {
        let path = CString::new("(linked)").unwrap();
        // SAFETY: the entry's own functions, in the order CLAP prescribes.
        let factory = unsafe {
            assert!((entry.init.expect("init"))(path.as_ptr()), "init returned false");
            (entry.get_factory.expect("get_factory"))(CLAP_PLUGIN_FACTORY_ID.as_ptr())
        };
        assert!(!factory.is_null(), "a plugin factory");
        ClapModule { entry, factory: factory.cast(), library: None }
    }

    /// The factory for any other id (null for ids it does not have).
    pub fn factory_for(&self, id: &CStr) -> *const std::ffi::c_void {
        // SAFETY: the entry is alive while the library is loaded.
        unsafe { ((*self.entry).get_factory.unwrap())(id.as_ptr()) }
    }

    fn factory(&self) -> &clap_plugin_factory {
        // SAFETY: the plugin's factory, alive until deinit.
        unsafe { &*self.factory }
    }

    pub fn plugin_count(&self) -> u32 {
        // SAFETY: the factory's own function.
        unsafe { (self.factory().get_plugin_count.unwrap())(self.factory) }
    }

    /// The descriptor at `index`, or None when the factory returns null.
    pub fn descriptor(&self, index: u32) -> Option<&clap_plugin_descriptor> {
        // SAFETY: the factory's own function; the descriptor lives until deinit.
        unsafe { (self.factory().get_plugin_descriptor.unwrap())(self.factory, index).as_ref() }
    }

    /// The first plugin's id.
    pub fn plugin_id(&self) -> CString {
        // SAFETY: a descriptor's id is a NUL-terminated string.
        unsafe { CStr::from_ptr(self.descriptor(0).expect("a descriptor").id) }.to_owned()
    }

    /// Creates the plugin with `id` and calls its `init`; None when the
    /// factory refuses (null).
    pub fn try_create(&self, id: &CStr) -> Option<Instance<'_>> {
        Instance::create(self, id, TEST_HOST_NAME)
    }

    /// Creates the plugin with `id` for a host that calls itself `host_name`
    /// and calls its `init`; None when the factory refuses.
    pub fn try_create_in(&self, id: &CStr, host_name: &str) -> Option<Instance<'_>> {
        Instance::create(self, id, host_name)
    }

    /// Creates the module's (only) plugin for a host that calls itself
    /// `host_name` (`clap_host.name`).
    pub fn create_in(&self, host_name: &str) -> Instance<'_> {
        Instance::create(self, &self.plugin_id(), host_name).expect("the factory creates its own plugin")
    }

    /// Creates the module's (only) plugin.
    pub fn create(&self) -> Instance<'_> {
        self.try_create(&self.plugin_id()).expect("the factory creates its own plugin")
    }
}

impl Drop for ClapModule {
    fn drop(&mut self) {
        // SAFETY: every instance was destroyed (they borrow nothing, but the
        // tests drop them first); deinit once per init.
        unsafe { ((*self.entry).deinit.unwrap())() };
        if let Some(library) = self.library.take() {
            library.close().expect("the .clap unloads");
        }
    }
}

/// A NUL-terminated C string from a pointer (descriptors) or a fixed-size
/// field (port and parameter infos). Only for the plugin's own strings,
/// which CLAP makes NUL-terminated (or null).
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn c_text(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: the plugin's NUL-terminated string.
    unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned()
}

pub fn c_field(text: &[c_char]) -> String {
    text.iter().take_while(|c| **c != 0).map(|c| *c as u8 as char).collect()
}

/// The features of a descriptor, in order.
pub fn features(descriptor: &clap_plugin_descriptor) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0.. {
        // SAFETY: the feature list is a null-terminated array of C strings.
        let feature = unsafe { *descriptor.features.add(i) };
        if feature.is_null() {
            break;
        }
        out.push(c_text(feature));
    }
    out
}

/// Plays `input` (one row per channel; empty for an instrument) through a
/// started instance in blocks of `sizes`, 32-bit, with `events` at absolute
/// frames; `channels` rows of output.
pub fn play(
    instance: &Instance<'_>,
    input: &[Vec<f32>],
    channels: usize,
    sizes: &[usize],
    events: &[(usize, HostEvent)],
) -> Vec<Vec<f32>> {
    let frames: usize = sizes.iter().sum();
    let mut output = vec![vec![0.0_f32; frames]; channels];
    let mut start = 0;
    for &n in sizes {
        // An event at the very end goes with the last block.
        let in_block: Vec<HostEvent> = events
            .iter()
            .filter(|(at, _)| (start..start + n).contains(at) || (*at == frames && start + n == frames))
            .map(|(at, event)| event.at((at - start) as u32))
            .collect();
        let status = instance.process(Buffers::F32 { input, output: &mut output }, start, n, &in_block, None);
        assert_eq!(status, processed(!input.is_empty()), "process at frame {start}");
        start += n;
    }
    output
}

/// The status a successful `process` returns: an effect's (`effect`) tells
/// the host to rely on its tail, an instrument's to go on.
pub fn processed(effect: bool) -> clap_sys::process::clap_process_status {
    if effect { clap_sys::process::CLAP_PROCESS_TAIL } else { clap_sys::process::CLAP_PROCESS_CONTINUE }
}

/// Asserts that `got` is `want` delayed by `latency` frames, bit for bit,
/// naming the first frame that differs.
pub fn assert_delayed(got: &[Vec<f32>], want: &[Vec<f32>], latency: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: channels");
    for (ch, (got, want)) in got.iter().zip(want).enumerate() {
        for (t, sample) in got.iter().enumerate() {
            let expected = if t < latency { 0.0 } else { want[t - latency] };
            if sample.to_bits() != expected.to_bits() {
                panic!("{what}: channel {ch}, frame {t}: got {sample}, expected {expected}");
            }
        }
    }
}
