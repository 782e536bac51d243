//! Short content hashes for names that must change when content does (the theme's asset
//! version, the search index's generation). A leaf module: anything may use it, it uses nothing.

/// FNV-1a over the bytes, as 10 hex digits: enough to bust caches, stable across builds.
pub fn short_hash(bytes: impl Iterator<Item = u8>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", hash & 0xff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ten_hex_digits_of_fnv1a_64() {
        assert_eq!(super::short_hash("".bytes()), "e484222325");
        assert_eq!(super::short_hash("a".bytes()), "4c8601ec8c");
    }
}
