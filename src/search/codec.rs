//! The "b64 varint" integer codec of docs/SEARCH-INDEX.md: groups of 5 bits, most significant
//! first, continuation groups offset by 32, over a JSON-safe 64-character alphabet; and the two
//! forms of a posting list built on it ("p/<bucket>.json").

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

/// Starts a posting list written dense, and ends its bitmap: a character outside the alphabet.
pub const DENSE_MARK: char = '~';

/// The largest frequency a dense list writes as a two-bit code (1, 2, 3); others escape.
pub const DENSE_CODES: u32 = 3;

/// A posting list's `(document, tf)` pairs, documents ascending, in the shorter of its two
/// forms. Sparse: `(doc delta, tf)` varint pairs, two characters a posting at best. Dense, for a
/// term in many documents (学生, 情绪): `~`, a bitmap of six documents a character, `~`, each
/// posting's tf as a two-bit code three a character, then the tfs that did not fit a code as
/// varints. A word in a third of 10,000 documents takes a third of the sparse form's bytes.
pub fn encode_postings(pairs: &[(u32, u32)]) -> String {
    let sparse = encode_sparse(pairs);
    let escapes = pairs.iter().map(|&(_, tf)| escape_len(tf)).sum();
    match pairs.last() {
        Some(&(last, _)) if dense_wins(last, pairs.len(), sparse.len(), escapes) => {
            encode_dense(pairs)
        }
        _ => sparse,
    }
}

/// Whether the dense form of `count` postings ending at document `last`, `escapes` characters
/// of them escapes, is shorter than a sparse form of `sparse_len` (a tie stays sparse).
pub fn dense_wins(last: u32, count: usize, sparse_len: usize, escapes: usize) -> bool {
    let dense_len = 2 + last as usize / 6 + 1 + count.div_ceil(3) + escapes;
    count > 0 && dense_len < sparse_len
}

/// What a posting of frequency `tf` adds to a dense list's escapes.
pub fn escape_len(tf: u32) -> usize {
    if dense_code(tf) == DENSE_CODES {
        varint_len(tf)
    } else {
        0
    }
}

pub fn encode_sparse(pairs: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(pairs.len() * 2);
    let mut previous = 0;
    for (i, &(doc, tf)) in pairs.iter().enumerate() {
        push_varint(&mut out, if i == 0 { doc } else { doc - previous });
        push_varint(&mut out, tf);
        previous = doc;
    }
    out
}

pub fn encode_dense(pairs: &[(u32, u32)]) -> String {
    let last = pairs.last().map_or(0, |p| p.0) as usize;
    let mut bitmap = vec![0u8; last / 6 + 1];
    for &(doc, _) in pairs {
        bitmap[doc as usize / 6] |= 1 << (doc % 6);
    }
    let mut out = String::with_capacity(bitmap.len() + pairs.len() / 3 + 4);
    out.push(DENSE_MARK);
    out.extend(bitmap.iter().map(|&b| ALPHABET[b as usize] as char));
    out.push(DENSE_MARK);
    for three in pairs.chunks(3) {
        let packed = three
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &(_, tf))| acc | dense_code(tf) << (2 * i));
        out.push(ALPHABET[packed as usize] as char);
    }
    for &(_, tf) in pairs {
        if dense_code(tf) == DENSE_CODES {
            push_varint(&mut out, tf);
        }
    }
    out
}

/// tf 1, 2, 3 → codes 0, 1, 2; anything else → 3, "read the next escape".
pub fn dense_code(tf: u32) -> u32 {
    if (1..=DENSE_CODES).contains(&tf) {
        tf - 1
    } else {
        DENSE_CODES
    }
}

/// How many characters `push_varint` writes for `value`.
pub fn varint_len(value: u32) -> usize {
    let bits = 32 - value.leading_zeros() as usize;
    bits.div_ceil(5).max(1)
}

/// Appends posting `(doc, tf)` to a dense list of `count` postings whose documents are all
/// below `doc`, in place: the bitmap grows to `doc`'s character and gets its bit, the code goes
/// after the last one (sharing its character when that holds fewer than three), an escape at
/// the end. What `encode_dense` writes for the longer list, without decoding this one.
pub fn append_dense(encoded: &mut String, count: usize, doc: u32, tf: u32) {
    let Some(end) = encoded[1..].find(DENSE_MARK).map(|i| i + 1) else {
        return;
    };
    let cell = doc as usize / 6;
    let bitmap_len = end - 1;
    if cell >= bitmap_len {
        let zeros: String =
            std::iter::repeat_n(ALPHABET[0] as char, cell + 1 - bitmap_len).collect();
        encoded.insert_str(end, &zeros);
    }
    let end = end.max(cell + 2);
    set_digit(encoded, 1 + cell, |d| d | 1 << (doc % 6));
    let code = dense_code(tf);
    let at = end + 1 + count / 3;
    if count.is_multiple_of(3) {
        encoded.insert(at, ALPHABET[code as usize] as char);
    } else {
        set_digit(encoded, at, |d| d | (code as u8) << (2 * (count % 3)));
    }
    if code == DENSE_CODES {
        push_varint(encoded, tf);
    }
}

/// Replaces the alphabet character at byte `at` with the one of `change(its digit)`.
fn set_digit(encoded: &mut String, at: usize, change: impl Fn(u8) -> u8) {
    let digit = DIGITS[encoded.as_bytes()[at] as usize];
    let new = ALPHABET[change(digit) as usize] as char;
    encoded.replace_range(at..at + 1, new.encode_utf8(&mut [0; 4]));
}

/// Either form back as `(document, tf)` pairs; None when malformed.
pub fn decode_postings(text: &str) -> Option<Vec<(u32, u32)>> {
    match text.strip_prefix(DENSE_MARK) {
        Some(dense) => decode_dense(dense),
        None => decode_sparse(text),
    }
}

fn decode_sparse(text: &str) -> Option<Vec<(u32, u32)>> {
    let values = decode_varints(text)?;
    let mut pairs = Vec::with_capacity(values.len() / 2);
    let mut doc = 0u32;
    for (i, pair) in values.chunks_exact(2).enumerate() {
        doc = if i == 0 {
            pair[0]
        } else {
            doc.checked_add(pair[0])?
        };
        pairs.push((doc, pair[1]));
    }
    Some(pairs)
}

fn decode_dense(text: &str) -> Option<Vec<(u32, u32)>> {
    let (bitmap, rest) = text.split_once(DENSE_MARK)?;
    let mut pairs = Vec::new();
    for (i, b) in bitmap.bytes().enumerate() {
        let bits = DIGITS[b as usize];
        if bits == 255 {
            return None;
        }
        for j in 0..6 {
            if bits & 1 << j != 0 {
                pairs.push((u32::try_from(i * 6 + j).ok()?, 0));
            }
        }
    }
    let split = pairs.len().div_ceil(3);
    let codes = rest.get(..split)?.as_bytes();
    let mut escapes = decode_varints(rest.get(split..)?)?.into_iter();
    for (k, pair) in pairs.iter_mut().enumerate() {
        let code = u32::from(DIGITS[codes[k / 3] as usize]);
        if code == 255 {
            return None;
        }
        pair.1 = match (code >> (2 * (k % 3))) & 3 {
            DENSE_CODES => escapes.next()?,
            c => c + 1,
        };
    }
    Some(pairs)
}

/// A small seeded generator for the posting-list property tests: `next(n)` is below `n`.
#[cfg(test)]
pub(crate) fn test_random(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    }
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

    /// The vectors both decoders read (tests/fixtures/postings.json; tests/js/codec.test.js).
    fn vectors() -> Vec<(Vec<(u32, u32)>, String)> {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/postings.json"
        ))
        .unwrap();
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        cases
            .iter()
            .map(|c| {
                let pairs = serde_json::from_value(c["pairs"].clone()).unwrap();
                (pairs, c["encoded"].as_str().unwrap().to_string())
            })
            .collect()
    }

    #[test]
    fn postings_match_the_shared_vectors() {
        for (pairs, encoded) in vectors() {
            assert_eq!(encode_postings(&pairs), encoded, "{pairs:?}");
            assert_eq!(decode_postings(&encoded).unwrap(), pairs, "{encoded}");
        }
    }

    #[test]
    fn a_term_in_many_documents_is_written_dense_and_shorter() {
        // Every third document of 3,000, tf 1 and 2 with an escape now and then.
        let pairs: Vec<(u32, u32)> = (0..1000)
            .map(|i| (i * 3, if i % 50 == 0 { 9 } else { 1 + i % 2 }))
            .collect();
        let encoded = encode_postings(&pairs);
        assert!(encoded.starts_with(DENSE_MARK));
        assert!(
            encoded.len() * 2 < encode_sparse(&pairs).len(),
            "{}",
            encoded.len()
        );
        assert_eq!(decode_postings(&encoded).unwrap(), pairs);
        // A rare term stays sparse.
        assert_eq!(encode_postings(&[(9000, 8)]), encode_sparse(&[(9000, 8)]));
    }

    #[test]
    fn varint_len_counts_what_push_varint_writes() {
        for v in [0, 1, 31, 32, 1023, 1024, 32767, 32768, u32::MAX] {
            let mut text = String::new();
            push_varint(&mut text, v);
            assert_eq!(varint_len(v), text.len(), "{v}");
        }
    }

    #[test]
    fn appending_to_a_dense_list_writes_what_encoding_the_longer_list_writes() {
        let mut next = test_random(7);
        for _ in 0..200 {
            let mut pairs = vec![(next(9) as u32, 1 + next(5) as u32)];
            let mut encoded = encode_dense(&pairs);
            for _ in 0..next(40) {
                let doc = pairs.last().unwrap().0 + 1 + next(14) as u32;
                let tf = [1, 2, 3, 4, 9, 40, 1023][next(7) as usize];
                append_dense(&mut encoded, pairs.len(), doc, tf);
                pairs.push((doc, tf));
                assert_eq!(encoded, encode_dense(&pairs), "{pairs:?}");
            }
            assert_eq!(decode_postings(&encoded).unwrap(), pairs);
        }
    }

    #[test]
    fn malformed_dense_lists_are_refused() {
        for bad in ["~B", "~B~", "~?~A", "~D~", "~B~D", "~B~?"] {
            assert_eq!(decode_postings(bad), None, "{bad}");
        }
    }
}
