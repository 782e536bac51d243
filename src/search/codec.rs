//! The "b64 varint" integer codec of docs/SEARCH-INDEX.md: groups of 5 bits, most significant
//! first, continuation groups offset by 32, over a JSON-safe 64-character alphabet.

pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn push_varint(out: &mut String, mut value: u32) {
    let mut groups = [0u8; 7];
    let mut count = 0;
    loop {
        groups[count] = (value & 31) as u8;
        count += 1;
        value >>= 5;
        if value == 0 {
            break;
        }
    }
    for i in (0..count).rev() {
        let g = groups[i] as usize + if i > 0 { 32 } else { 0 };
        out.push(ALPHABET[g] as char);
    }
}

/// Decode a whole string of varints (used by tests and by anyone reading the index in Rust).
pub fn decode_varints(text: &str) -> Option<Vec<u32>> {
    let mut values = Vec::new();
    let mut current: u32 = 0;
    for b in text.bytes() {
        let digit = ALPHABET.iter().position(|a| *a == b)? as u32;
        current = current.checked_mul(32)?.checked_add(digit & 31)?;
        if digit < 32 {
            values.push(current);
            current = 0;
        }
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let values = [0, 1, 31, 32, 1023, 1024, 99_999, u32::MAX];
        let mut text = String::new();
        for v in values {
            push_varint(&mut text, v);
        }
        assert_eq!(decode_varints(&text).unwrap(), values);
        let mut one = String::new();
        push_varint(&mut one, 33);
        assert_eq!(one, "hB");
    }
}
