//! Class ids derived from vendor and plugin name, so they stay the same from
//! one generation to the next (hosts save them in sessions) and a rename makes
//! a new plugin.

/// FNV-1a, 128-bit, of `vendor`, a NUL and `name`, as four 32-bit words.
pub fn derive(vendor: &str, name: &str) -> [u32; 4] {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for byte in vendor.bytes().chain([0]).chain(name.bytes()) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    [(hash >> 96) as u32, (hash >> 64) as u32, (hash >> 32) as u32, hash as u32]
}

/// A custom parameter's id from its key: FNV-1a, 32-bit, top bit cleared
/// (some hosts keep ids in signed integers). Derived rather than counted, so
/// adding, removing or reordering parameters never changes another's id, and
/// sessions and automation keep pointing at the right parameter.
pub fn param_id(key: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash & 0x7FFF_FFFF
}

/// 32 hexadecimal digits to four words.
pub fn parse(text: &str) -> Option<[u32; 4]> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if digits.len() != 32 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let word = |i: usize| u32::from_str_radix(&digits[i * 8..i * 8 + 8], 16).ok();
    Some([word(0)?, word(1)?, word(2)?, word(3)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        // Fixed forever: changing these breaks every saved session.
        assert_eq!(derive("Writeahead Audio", "Gain"), derive("Writeahead Audio", "Gain"));
        assert_ne!(derive("Writeahead Audio", "Gain"), derive("Writeahead Audio", "Gain 2"));
        assert_ne!(derive("A", "BC"), derive("AB", "C"), "the separator keeps vendor and name apart");
        assert_eq!(
            parse("0123456789ABCDEF0123456789abcdef"),
            Some([0x0123_4567, 0x89AB_CDEF, 0x0123_4567, 0x89AB_CDEF])
        );
        assert_eq!(
            parse("01234567-89AB-CDEF-0123-456789abcdef"),
            Some([0x0123_4567, 0x89AB_CDEF, 0x0123_4567, 0x89AB_CDEF])
        );
        assert_eq!(parse("xyz"), None);
    }
}
