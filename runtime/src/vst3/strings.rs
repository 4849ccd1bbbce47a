//! Copying strings into and out of the fixed-size buffers VST3 uses.

use std::ffi::c_char;

/// Copies `src` into a NUL-terminated C buffer, truncating to fit.
pub(crate) fn copy_cstring(src: &str, dst: &mut [c_char]) {
    let Some(room) = dst.len().checked_sub(1) else { return };
    let bytes = &src.as_bytes()[..src.len().min(room)];
    for (d, s) in dst.iter_mut().zip(bytes) {
        *d = *s as c_char;
    }
    dst[bytes.len()] = 0;
}

/// Copies `src` into a NUL-terminated UTF-16 buffer, truncating to fit.
pub(crate) fn copy_wstring(src: &str, dst: &mut [u16]) {
    let Some(room) = dst.len().checked_sub(1) else { return };
    let mut len = 0;
    for (d, unit) in dst[..room].iter_mut().zip(src.encode_utf16()) {
        *d = unit;
        len += 1;
    }
    dst[len] = 0;
}

/// Reads a NUL-terminated UTF-16 string of at most `max` units.
///
/// # Safety
/// `ptr` is null or points to readable UTF-16 units up to a NUL or `max`.
pub(crate) unsafe fn read_wstring(ptr: *const u16, max: usize) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    let mut len = 0;
    // SAFETY: the caller guarantees units are readable up to a NUL or `max`, and
    // the loop stops at whichever comes first.
    while len < max && unsafe { *ptr.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` units were just read one by one from this pointer.
    let units = unsafe { std::slice::from_raw_parts(ptr, len) };
    String::from_utf16(units).ok()
}

#[cfg(test)]
mod tests {
    use vst3::Steinberg::Vst::ParameterInfo;
    use vst3::Steinberg::{PClassInfo, PClassInfo2, PClassInfoW, PFactoryInfo};

    use super::*;
    use crate::limits;

    /// The length of the array `field` picks out of a `S`.
    fn capacity<S, T, const N: usize>(_field: fn(&S) -> &[T; N]) -> usize {
        N
    }

    #[test]
    fn the_string_limits_leave_room_in_every_field_they_land_in() {
        let name = [capacity(|i: &PClassInfo| &i.name), capacity(|i: &PClassInfo2| &i.name)];
        assert_eq!(name.iter().min(), Some(&(limits::MAX_NAME_BYTES + 1)));
        assert!(capacity(|i: &PClassInfoW| &i.name) > limits::MAX_NAME_BYTES, "UTF-16 units <= UTF-8 bytes");
        let vendor = [capacity(|i: &PFactoryInfo| &i.vendor), capacity(|i: &PClassInfo2| &i.vendor)];
        assert_eq!(vendor.iter().min(), Some(&(limits::MAX_VENDOR_BYTES + 1)));
        assert!(capacity(|i: &PClassInfoW| &i.vendor) > limits::MAX_VENDOR_BYTES);
        assert_eq!(capacity(|i: &PFactoryInfo| &i.url), limits::MAX_URL_BYTES + 1);
        assert_eq!(capacity(|i: &PFactoryInfo| &i.email), limits::MAX_EMAIL_BYTES + 1);
        assert_eq!(capacity(|i: &PClassInfo2| &i.version), limits::MAX_VERSION_BYTES + 1);
        assert!(capacity(|i: &PClassInfoW| &i.version) > limits::MAX_VERSION_BYTES);
        let title = [capacity(|i: &ParameterInfo| &i.title), capacity(|i: &ParameterInfo| &i.shortTitle)];
        assert_eq!(title.iter().min(), Some(&(limits::MAX_PARAM_TITLE_UTF16 + 1)));
        // The value as the host asks for it, the widest `{:.2}` the units leave
        // room for, a space and the longest units.
        let value = capacity(|i: &ParameterInfo| &i.units);
        assert!(limits::MAX_PARAM_UNITS_UTF16 < value);
        let widest = format!("{:.2} {}", -9.99e89_f64, "u".repeat(limits::MAX_PARAM_UNITS_UTF16));
        assert!(widest.encode_utf16().count() < value, "{}", widest.len());
    }

    #[test]
    fn truncates_and_terminates() {
        let mut c = [1 as c_char; 4];
        copy_cstring("abcdef", &mut c);
        assert_eq!(c, [b'a' as c_char, b'b' as c_char, b'c' as c_char, 0]);
        let mut w = [1_u16; 3];
        copy_wstring("héllo", &mut w);
        assert_eq!(w, [b'h' as u16, 'é' as u16, 0]);
        let text: Vec<u16> = "0.5 dB\0".encode_utf16().collect();
        // SAFETY: `text` is NUL-terminated and alive.
        assert_eq!(unsafe { read_wstring(text.as_ptr(), 128) }.as_deref(), Some("0.5 dB"));
    }
}
