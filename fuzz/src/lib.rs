//! What the fuzz targets share: a realistic site (the `full` fixture's `site.yaml` and asset
//! list, so that front matter meets real grades, courses and files) and the invariants every
//! content file's outcome must keep. The targets panic when an invariant breaks, which
//! libFuzzer reports as a crash and saves the input for.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use lectern::config::Config;
use lectern::content::{FileRead, Origin};
use lectern::diagnostics::{Diagnostic, Diagnostics};

/// The configuration of `tests/fixtures/sites/full`, parsed once.
pub fn site() -> &'static Config {
    static SITE: OnceLock<Config> = OnceLock::new();
    SITE.get_or_init(|| {
        let text = include_str!("../../tests/fixtures/sites/full/site.yaml");
        let mut diagnostics = Diagnostics::new();
        lectern::config::parse(text, &mut diagnostics)
            .unwrap_or_else(|| panic!("the fixture's site.yaml is invalid: {diagnostics:?}"))
    })
}

/// The files under that fixture's `content/assets/`, relative to it.
pub fn assets() -> &'static BTreeSet<String> {
    static ASSETS: OnceLock<BTreeSet<String>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        [
            "worksheets/emotion-card.pdf",
            "worksheets/emotion-abc-plan.docx",
            "posters/emotion-abc.svg",
            "images/mood-meter.svg",
            "media/emotion-abc.mp4",
            "captions/emotion-abc.vtt",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    })
}

/// Lines a diagnostic may name in a file of `bytes`: its lines, plus one past the end (an
/// unclosed block is reported where the file ends).
fn line_count(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|b| **b == b'\n' || **b == b'\r')
        .count()
        + 2
}

/// Invariants of one file's outcome, whatever the kind (ARCHITECTURE: "each file yields a
/// record or diagnostics"):
/// - a lesson, video, review or page file (`single`) is either one record and no error, or
///   errors and no record, or (a draft when `drafts` is false) neither; a catalog keeps its
///   good entries beside the errors of its bad ones, so none of this holds for it;
/// - every diagnostic names the file and a line inside it, and renders;
/// - every record's id is a valid id (it becomes a URL path), its grades and course are the
///   site's, and its origin's YAML range can be sliced (later stages slice it for diagnostics).
/// `bytes` read as the content file `rel` of the fuzz site, as a build reads it.
pub fn read(rel: &str, bytes: &[u8], drafts: bool) -> FileRead {
    lectern::content::read_bytes(rel, bytes, site(), assets(), drafts)
        .expect("a content file is read")
}

pub fn check_file(rel: &str, bytes: &[u8], read: &FileRead, single: bool, drafts: bool) {
    let config = site();
    let errors = read.diagnostics.iter().filter(|d| d.is_error()).count();
    let records = read.resources.len() + read.pages.len();
    if single {
        assert!(records <= 1, "one file gave {records} records: {read:?}");
        if errors > 0 {
            assert_eq!(
                records, 0,
                "a file with errors also gave a record: {read:?}"
            );
        } else if drafts {
            assert_eq!(records, 1, "no record and no error: {read:?}");
        }
    }
    for diagnostic in &read.diagnostics {
        check_diagnostic(rel, bytes, diagnostic);
    }
    for resource in &read.resources {
        assert!(
            lectern::content::is_id(&resource.id),
            "invalid id {:?}",
            resource.id
        );
        assert!(!resource.title.trim().is_empty(), "empty title accepted");
        assert!(!resource.grades.is_empty(), "a resource without grades");
        for grade in &resource.grades {
            assert!(config.grade(*grade).is_some(), "unknown grade {grade}");
        }
        assert!(
            config.course(&resource.course).is_some(),
            "unknown course {:?}",
            resource.course
        );
        check_origin(rel, &resource.origin);
        for asset in resource.asset_paths() {
            assert!(
                assets().contains(asset),
                "a link to a missing asset {asset:?}"
            );
        }
    }
    for page in &read.pages {
        assert!(
            lectern::content::is_id(&page.slug),
            "invalid page slug {:?}",
            page.slug
        );
        check_origin(rel, &page.origin);
    }
}

fn check_diagnostic(rel: &str, bytes: &[u8], diagnostic: &Diagnostic) {
    assert_eq!(
        diagnostic.file.as_deref(),
        Some(rel),
        "a diagnostic without its file: {diagnostic:?}"
    );
    if let Some(line) = diagnostic.line {
        assert!(
            line >= 1 && line <= line_count(bytes),
            "line {line} outside the file: {diagnostic:?}"
        );
    }
    let _ = diagnostic.render();
}

fn check_origin(rel: &str, origin: &Origin) {
    assert_eq!(origin.file, rel);
    assert!(
        origin.text.get(origin.yaml.clone()).is_some(),
        "the YAML range {:?} cannot be sliced from the file",
        origin.yaml
    );
    assert!(origin.yaml_line >= 1);
}

/// The scheme of a URL as a browser reads it: ASCII tab, newline and leading spaces and
/// control characters are ignored, and the scheme is case-insensitive.
pub fn browser_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Undo HTML character references in an attribute value (`&amp;`, `&#106;`, `&#x6A;` …), as
/// a browser does before it reads the URL.
pub fn unescape_attribute(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|end| *end <= 12);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let number = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok()
            } else {
                None
            };
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => number.and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One start tag of the output: its name and its attributes (name, raw value).
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// Every start tag in `html`, read the way an HTML tokenizer reads them. Text is escaped by the
/// renderer, so every `<` followed by a letter starts a tag the renderer (or an escape hole)
/// wrote.
pub fn start_tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'>'
            && bytes[i] != b'/'
        {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'>' | b'=' | b'/')
            {
                i += 1;
            }
            let attribute = html[name_start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote) if quote == b'"' || quote == b'\'' => {
                        let value_start = i + 1;
                        let end = html[value_start..]
                            .find(quote as char)
                            .map_or(html.len(), |e| value_start + e);
                        value = html[value_start..end].to_string();
                        i = (end + 1).min(html.len());
                    }
                    _ => {
                        let value_start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                        value = html[value_start..i].to_string();
                    }
                }
            }
            if attribute.is_empty() {
                i += 1;
                continue;
            }
            attributes.push((attribute, value));
        }
        tags.push(Tag { name, attributes });
    }
    tags
}
