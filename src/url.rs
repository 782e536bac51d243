//! Percent-encoding for the few places that build or read URLs, so an asset called `x#1.pdf` or
//! `情绪卡.pdf` is linked correctly and a request path is decoded exactly once.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes a query value escapes: all but ASCII letters, digits and RFC 3986's unreserved marks.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path keeps its `/` separators as well.
const PATH: &AsciiSet = &COMPONENT.remove(b'/');

/// Encode a `/`-separated path: unreserved ASCII and `/` stay, every other byte becomes `%XX`.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Encode a query-string value (`search/?topic=…`).
pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Decode `%XX` escapes once. Our own, not `percent_decode`: that one passes a malformed
/// escape (`%zz`, `%2`) through as text, and a request path must be refused instead. `None` when an escape is malformed or the result is not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            // Two hex digits, checked here: `from_str_radix` alone takes a sign (`%+1`).
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Like `decode`, but keeps malformed escapes as they are (for links written by hand).
pub fn decode_lenient(text: &str) -> String {
    decode(text).unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes() {
        assert_eq!(
            encode_path("files/x#1 情.pdf"),
            "files/x%231%20%E6%83%85.pdf"
        );
        assert_eq!(encode_component("防溺水"), "%E9%98%B2%E6%BA%BA%E6%B0%B4");
        assert_eq!(decode("x%231%20%E6%83%85").as_deref(), Some("x#1 情"));
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode_lenient("100%"), "100%");
    }

    /// Found by the `paths` fuzz target: `%+1` decoded to U+0001, a sign taken for a digit.
    #[test]
    fn refuses_a_sign_in_an_escape() {
        assert_eq!(decode("%+1"), None);
        assert_eq!(decode("a%+0"), None);
        assert_eq!(decode("%-1"), None);
        assert_eq!(decode_lenient("%+1"), "%+1");
    }
}
