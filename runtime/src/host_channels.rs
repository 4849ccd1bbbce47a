//! The raw-pointer step both format glues share: a host's array of channel
//! pointers (VST3's `channelBuffers32/64`, CLAP's `data32/64`), checked and
//! copied into a fixed array before any slice is made over the samples.

use crate::limits::MAX_CHANNELS;

/// The first `channels` pointers of a host's channel array, or `None` when
/// the array is null, holds fewer than `channels` (it holds `available`),
/// more than [`MAX_CHANNELS`] are asked for, or one of them is null.
///
/// # Safety
/// `array` is null or points to at least `available` pointers.
pub(crate) unsafe fn channel_pointers<T>(
    array: *mut *mut T,
    available: usize,
    channels: usize,
) -> Option<[*mut T; MAX_CHANNELS]> {
    if array.is_null() || channels > MAX_CHANNELS || available < channels {
        return None;
    }
    // SAFETY: `array` holds at least `available` >= `channels` pointers (the
    // caller's contract, checked above).
    let pointers = unsafe { std::slice::from_raw_parts(array, channels) };
    if pointers.iter().any(|p| p.is_null()) {
        return None;
    }
    let mut out = [std::ptr::null_mut(); MAX_CHANNELS];
    out[..channels].copy_from_slice(pointers);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_null_or_holey_array_gives_no_channels() {
        let mut samples = [[0.0_f32; 4]; 3];
        let mut array: Vec<*mut f32> = samples.iter_mut().map(|c| c.as_mut_ptr()).collect();
        // SAFETY: `array` holds 3 pointers; null is allowed.
        unsafe {
            let two = channel_pointers(array.as_mut_ptr(), 3, 2).unwrap();
            assert_eq!(&two[..2], &array[..2]);
            assert!(two[2..].iter().all(|p| p.is_null()));
            assert!(channel_pointers(array.as_mut_ptr(), 2, 3).is_none(), "fewer than asked");
            assert!(channel_pointers::<f32>(std::ptr::null_mut(), 3, 2).is_none(), "no array");
            assert!(channel_pointers(array.as_mut_ptr(), 3, MAX_CHANNELS + 1).is_none(), "beyond the limit");
            array[1] = std::ptr::null_mut();
            assert!(channel_pointers(array.as_mut_ptr(), 3, 2).is_none(), "a null channel");
        }
    }
}
