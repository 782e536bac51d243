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

/// Where a file of content/assets/ is published, under `assets/`: its path with each folder or
/// file name that is not ASCII spelt in pinyin and marked with a short hash of the name as
/// written, its extension kept (`学案/情绪卡 第1版.pdf` → `xue-an-…/qing-xu-ka-di-1-ban-….pdf`).
/// DESIGN §4: URL paths are ASCII, because portals are zipped and copied onto school PCs whose
/// tools mangle non-ASCII file names. The hash keeps apart what pinyin joins: 情绪卡 and 晴续卡,
/// two long names cut to one, names in other scripts (`にほんご`), and a name beside its own
/// pinyin spelling. `content::find` still refuses two files published under one name.
/// The file of content/assets/ (relative to it) published under `published` (its pinyin name,
/// `xue-an-1ac2b7/qing-xu-ka-c62fb1.pdf`), as an editor copies it from the browser's address
/// bar. Scans the assets: for a path the assets do not hold as written.
pub fn asset_published_as<'a>(
    assets: &'a std::collections::BTreeSet<String>,
    published: &str,
) -> Option<&'a String> {
    if !published.is_ascii() {
        return None;
    }
    assets
        .iter()
        .find(|a| !a.is_ascii() && published_asset(a) == published)
}

pub fn published_asset(path: &str) -> std::borrow::Cow<'_, str> {
    if path.is_ascii() {
        return std::borrow::Cow::Borrowed(path);
    }
    let names: Vec<String> = path.split('/').map(ascii_name).collect();
    std::borrow::Cow::Owned(names.join("/"))
}

fn ascii_name(name: &str) -> String {
    if name.is_ascii() {
        return name.to_string();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.is_ascii() => {
            (stem, Some(extension))
        }
        _ => (name, None),
    };
    // Full-width letters and digits as the ASCII ones they stand for (`Ｕｎｉｔ３`).
    let folded: String = stem
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let mut slug = crate::slug::slugify(&folded);
    slug.truncate(60);
    let slug = slug.trim_end_matches('-');
    let hash = &crate::digest::short_hash(name.bytes())[..6];
    match extension {
        Some(extension) => format!("{slug}-{hash}.{extension}"),
        None => format!("{slug}-{hash}"),
    }
}

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

/// The seconds a time link's `t=` value names, as the video page reads it: `754`, `754.5`,
/// `12:34`, `0:12:34` (the last part may have a fraction). Minutes and seconds after a colon
/// go up to 59 (`12:61` is a slip, not 781 seconds).
pub fn time_fragment_seconds(value: &str) -> Option<f64> {
    let parts: Vec<&str> = value.split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let (last, whole) = parts.split_last()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (int, fraction) = last.split_once('.').unwrap_or((last, "0"));
    if !digits(int) || !digits(fraction) || !whole.iter().all(|p| digits(p)) {
        return None;
    }
    let sixty = |p: &str| p.parse::<f64>().ok().filter(|n| *n < 60.0);
    if !whole.is_empty() && sixty(last).is_none() {
        return None;
    }
    let mut minutes = 0f64;
    for (i, part) in whole.iter().enumerate() {
        // the hours of h:mm:ss may be any number; minutes after them stay under 60
        let value = if i == 0 {
            part.parse::<f64>().ok()?
        } else {
            sixty(part)?
        };
        minutes = minutes * 60.0 + value;
    }
    Some(minutes * 60.0 + last.parse::<f64>().ok()?)
}

/// A base URL in the ASCII form sitemaps, feeds, QR codes and every HTTP client take: a host
/// written in Chinese (`https://心理.中国/`) becomes its IDNA form (`https://xn--…`), lower
/// case, and a path's non-ASCII characters become `%XX`; ASCII (escapes already written
/// included) is left as it is.
pub fn ascii_base_url(url: &str) -> String {
    let (prefix, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let (host, path) = match (prefix.is_empty(), rest.find('/')) {
        (true, _) => ("", rest),
        (false, Some(slash)) => rest.split_at(slash),
        (false, None) => (rest, ""),
    };
    let host: Vec<String> = host.split('.').map(ascii_label).collect();
    // Non-ASCII bytes (and controls, which `check_base_url` refuses anyway) only.
    let path = utf8_percent_encode(path, percent_encoding::CONTROLS).to_string();
    match prefix.is_empty() {
        true => path,
        false => format!("{prefix}{}{path}", host.join(".")),
    }
}

/// One host label: ASCII labels lower-cased, others as `xn--` + Punycode (RFC 3492).
fn ascii_label(label: &str) -> String {
    let label = label.to_lowercase();
    if label.is_ascii() {
        return label;
    }
    format!("xn--{}", punycode(&label))
}

/// RFC 3492's encoder with its parameters for IDNA (base 36, tmin 1, tmax 26, skew 38,
/// damp 700, initial bias 72, initial n 128). Overflow cannot happen for a host label.
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < code_points.len() {
        let next = code_points
            .iter()
            .copied()
            .filter(|&c| c >= n)
            .min()
            .unwrap_or(n);
        delta += (next - n) * (handled + 1);
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c != n {
                continue;
            }
            let mut q = delta;
            let mut k = BASE;
            loop {
                let t = (k.saturating_sub(bias)).clamp(1, 26);
                if q < t {
                    break;
                }
                out.push(digit(t + (q - t) % (BASE - t)));
                q = (q - t) / (BASE - t);
                k += BASE;
            }
            out.push(digit(q));
            bias = adapt(delta, handled + 1, handled == basic);
            delta = 0;
            handled += 1;
        }
        delta += 1;
        n += 1;
    }
    out
}

/// RFC 3492 §6.1: the bias after a code point, so later deltas are written in fewer digits.
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asset_is_published_under_an_ascii_path() {
        assert_eq!(published_asset("worksheets/a b.pdf"), "worksheets/a b.pdf");
        let card = published_asset("学案/情绪卡 第1版.pdf");
        assert!(card.starts_with("xue-an-"), "{card}");
        assert!(
            card.contains("/qing-xu-ka-di-1-ban-") && card.ends_with(".pdf"),
            "{card}"
        );
        assert!(published_asset("images/图片.PNG").ends_with(".PNG"));
        assert!(published_asset("录音").starts_with("lu-yin-"));
        assert!(published_asset("Ｕｎｉｔ３.pdf").starts_with("unit3-"));
        // apart: homophones, long names that differ at the end, other scripts
        let apart = [
            "情绪卡.pdf",
            "晴续卡.pdf",
            "人教版七年级道德与法治上册第一单元成长的节拍第一课中学时代第一框中学序曲教学设计.pdf",
            "人教版七年级道德与法治上册第一单元成长的节拍第一课中学时代第二框少年有梦教学设计.pdf",
            "にほんご.pdf",
            "한국어.pdf",
        ];
        let published: std::collections::BTreeSet<String> = apart
            .iter()
            .map(|name| published_asset(name).to_lowercase())
            .collect();
        assert_eq!(published.len(), apart.len(), "{published:?}");
        assert!(
            published.iter().all(|p| p.is_ascii() && p.len() < 80),
            "{published:?}"
        );
    }

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

    /// RFC 3492's own samples and the `.中国` top-level domain.
    #[test]
    fn writes_a_chinese_host_in_its_ascii_form() {
        assert_eq!(punycode("中国"), "fiqs8s");
        assert_eq!(punycode("bücher"), "bcher-kva");
        assert_eq!(punycode("他们为什么不说中文"), "ihqwcrb4cv8a8dqg056pqjye");
        assert_eq!(
            ascii_base_url("https://心理.中国/资源/"),
            "https://xn--15ty46b.xn--fiqs8s/%E8%B5%84%E6%BA%90/"
        );
        assert_eq!(
            ascii_base_url("https://Example.ORG/a%20b/"),
            "https://example.org/a%20b/"
        );
        assert_eq!(ascii_base_url("/门户/"), "/%E9%97%A8%E6%88%B7/");
        for (value, seconds) in [
            ("754", 754.0),
            ("754.5", 754.5),
            ("12:34", 754.0),
            ("0:12:34", 754.0),
            ("1:00:00", 3600.0),
            ("100:00", 6000.0),
            ("12:59.5", 779.5),
        ] {
            assert_eq!(time_fragment_seconds(value), Some(seconds), "{value}");
        }
        for value in [
            "abc",
            "",
            "1:2:3:4",
            "12:",
            "-5",
            "1e3",
            "12:61",
            "1:60:00",
            "0:12:60.5",
        ] {
            assert_eq!(time_fragment_seconds(value), None, "{value}");
        }
    }
}
