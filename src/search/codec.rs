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

/// Each byte's digit value, or 255 for a byte outside the alphabet.
const DIGITS: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Decode a whole string of varints (`serve` reads posting lists back this way to patch them).
pub fn decode_varints(text: &str) -> Option<Vec<u32>> {
    let mut values = Vec::with_capacity(text.len());
    let mut current: u32 = 0;
    for b in text.bytes() {
        let digit = match DIGITS[b as usize] {
            255 => return None,
            d => u32::from(d),
        };
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
        assert_eq!(decode_varints("A?"), None);
    }
}
