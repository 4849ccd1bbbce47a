//! The host's name, from the context it passes to `initialize`
//! (`IHostApplication::getName`): what tells the engine which frame the
//! host's transport describes ([`crate::engine::PositionReference`]).

use vst3::ComRef;
use vst3::Steinberg::Vst::{IHostApplication, IHostApplicationTrait, String128};
use vst3::Steinberg::{FUnknown, kResultOk};

use super::strings::read_wstring;

/// The name the host gives itself, if its context is an `IHostApplication`
/// and answers.
///
/// # Safety
/// `context` is null or the live `FUnknown` the host passes to `initialize`.
pub(crate) unsafe fn host_name(context: *mut FUnknown) -> Option<String> {
    // SAFETY: per this function's contract.
    let context = unsafe { ComRef::from_raw(context) }?;
    let host = context.cast::<IHostApplication>()?;
    let mut name: String128 = [0; 128];
    // SAFETY: a live interface and a writable String128.
    if unsafe { host.getName(&mut name) } != kResultOk {
        return None;
    }
    // SAFETY: `name` holds 128 units; the read stops at a NUL or there.
    unsafe { read_wstring(name.as_ptr(), name.len()) }
}
