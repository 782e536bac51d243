//! Assets that run script. Everything under `content/assets/` is published on the portal's own
//! origin, so an HTML page or an SVG with script there runs with the portal's rights when a
//! visitor opens it (it could read the portal's storage or act as the portal). Lectern copies
//! assets as they are; it warns about these, and `--strict` turns the warnings into failures.

use rayon::prelude::*;

use super::model::Asset;
use crate::diagnostics::{Diagnostic, line_col};

/// Extensions a browser shows as a page of its own.
const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "xht", "shtml"];

/// SVGs larger than this are not searched: such files are drawings, not scripts, and reading
/// each would slow down every build.
const MAX_SVG_BYTES: u64 = 16 * 1024 * 1024;

/// One warning per asset that can run script.
pub fn check(assets: &[Asset]) -> Vec<Diagnostic> {
    let mut warnings: Vec<Diagnostic> = assets.par_iter().filter_map(warning).collect();
    warnings.sort_by(|a, b| a.file.cmp(&b.file));
    warnings
}

fn warning(asset: &Asset) -> Option<Diagnostic> {
    let file = format!("content/assets/{}", asset.path);
    let extension = asset.path.rsplit_once('.')?.1.to_ascii_lowercase();
    if PAGE_EXTENSIONS.contains(&extension.as_str()) {
        return Some(
            Diagnostic::warning(format!(
                "`{file}` is an HTML page: published with the portal, any script in it runs on the portal's origin"
            ))
            .in_file(&file)
            .with_help("publish it as a PDF, or host it on another site and link to it; if it must stay, serve assets with `Content-Disposition: attachment` or a sandboxing CSP (see README, Hosting)"),
        );
    }
    // An XSLT stylesheet builds the page an XML file shows, script included, from names no
    // search can see (`scr{concat('i','pt')}`).
    if matches!(extension.as_str(), "xsl" | "xslt") {
        return Some(
            Diagnostic::warning(format!(
                "`{file}` is an XSLT stylesheet: an XML file that uses it is shown as the page it builds, script included"
            ))
            .in_file(&file)
            .with_help("publish the XML's content as a PDF or an image instead; see README, Hosting"),
        );
    }
    // An XML file may hold an XHTML script as well, which a browser runs when it is opened.
    if !matches!(extension.as_str(), "svg" | "xml") {
        return None;
    }
    let size = std::fs::metadata(&asset.source).ok()?.len();
    if size > MAX_SVG_BYTES {
        return None;
    }
    let text = decode_as_browser(&std::fs::read(&asset.source).ok()?);
    let (offset, what) = find_script(&text)?;
    let (line, column) = line_col(&text, offset);
    Some(
        Diagnostic::warning(format!(
            "`{file}` contains {what}: it runs on the portal's origin when the file is opened"
        ))
        .in_file(&file)
        .at_line(&text, line, column)
        .with_help(if what.contains("XSLT") {
            "remove the <?xml-stylesheet … xsl?> line (or publish the content as a PDF or an image); see README, Hosting"
        } else {
            "remove the script and the on…= attributes (export it again as a plain SVG, or as PNG); see README, Hosting"
        }),
    )
}

/// The text as a browser reads the file: UTF-16 by its byte-order mark, or by the zero bytes
/// of ASCII markup without one (`<svg` in UTF-16), else UTF-8.
fn decode_as_browser(bytes: &[u8]) -> String {
    let utf16 = |body: &[u8], little: bool| -> String {
        let units = body.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes {
        [0xFF, 0xFE, body @ ..] => utf16(body, true),
        [0xFE, 0xFF, body @ ..] => utf16(body, false),
        [b'<', 0, ..] => utf16(bytes, true),
        [0, b'<', ..] => utf16(bytes, false),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Byte offset and description of the first script in an SVG: a `<script` element (also with
/// a namespace prefix, `<x:script`), an event attribute (`onload=`), a `javascript:` URL, or
/// an embedded page (`<iframe`, `<embed`, `<object`, `srcdoc=`). Case-insensitive, as browsers
/// are; then once more with character references and entities decoded and line breaks
/// dropped, as a browser reads an attribute (`jav&#x61;script:`), reported at the file's start.
fn find_script(text: &str) -> Option<(usize, &'static str)> {
    let lower = text.to_ascii_lowercase();
    let event = event_attribute(&lower).map(|i| (i, "an event attribute (on…=)"));
    let plain = [first_of(&lower), event, xslt_instruction(&lower)]
        .into_iter()
        .flatten()
        .min_by_key(|(i, _)| *i);
    let entities = entity_values(&lower);
    plain.or_else(|| first_of(&decode_references(&lower, &entities)).map(|(_, what)| (0, what)))
}

/// `<?xml-stylesheet … xsl …?>`: the file is shown as the page an XSLT stylesheet builds. A
/// CSS stylesheet is harmless.
fn xslt_instruction(lower: &str) -> Option<(usize, &'static str)> {
    lower.match_indices("<?xml-stylesheet").find_map(|(i, _)| {
        let end = lower[i..].find("?>").map_or(lower.len(), |e| i + e);
        lower[i..end].contains("xsl").then_some((
            i,
            "an XSLT stylesheet instruction (<?xml-stylesheet … xsl?>)",
        ))
    })
}

/// The internal entities a document declares (`<!ENTITY j "java">`), their values with
/// character references decoded: a browser puts them in place of `&j;`, so a URL may be
/// spelled across them (`&j;script:`). An Illustrator export declares its namespaces so.
fn entity_values(lower: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (i, _) in lower.match_indices("<!entity") {
        let rest = lower[i + "<!entity".len()..].trim_start();
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        let (name, value) = rest.split_at(name_end);
        let value = value.trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        if let Some(end) = value[1..].find(quote) {
            found.push((name.to_string(), decode_references(&value[1..1 + end], &[])));
        }
    }
    found
}

/// The first script element, `javascript:` URL or embedded page in lower-case text.
fn first_of(lower: &str) -> Option<(usize, &'static str)> {
    let script = lower.find("<script").map(|i| (i, "a <script> element"));
    let prefixed = prefixed_script(lower).map(|i| (i, "a <script> element"));
    let url = lower.find("javascript:").map(|i| (i, "a javascript: URL"));
    let embedded = ["<iframe", "<embed", "<object", "srcdoc="]
        .iter()
        .filter_map(|tag| lower.find(tag))
        .min()
        .map(|i| (i, "an embedded page (iframe, embed, object)"));
    [script, prefixed, url, embedded]
        .into_iter()
        .flatten()
        .min_by_key(|(i, _)| *i)
}

/// Offset of `<prefix:script`.
fn prefixed_script(lower: &str) -> Option<usize> {
    lower
        .match_indices(":script")
        .map(|(i, _)| i)
        .find_map(|i| {
            let start = lower[..i].rfind('<')?;
            let name = &lower[start + 1..i];
            let plain = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            plain.then_some(start)
        })
}

/// `&#97;`, `&#x61;`, `&lt;`, `&gt;`, `&amp;`, `&colon;` and the document's own `entities`
/// decoded; tabs and line breaks dropped (a URL's scheme may hold them: browsers remove them).
fn decode_references(lower: &str, entities: &[(String, String)]) -> String {
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|n| n + 1);
        let name = end.map(|e| &rest[1..e]).unwrap_or("");
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "colon" => Some(':'),
            "tab" | "newline" => Some('\n'),
            _ => name
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        let declared = entities.iter().find(|(entity, _)| entity == name);
        match (decoded, end, declared) {
            (_, Some(e), Some((_, value))) if rest[e..].starts_with(';') => {
                out.push_str(value);
                rest = &rest[e + 1..];
            }
            (Some(c), Some(e), _) => {
                out.extend(c.to_lowercase());
                rest = rest[e..].strip_prefix(';').unwrap_or(&rest[e..]);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.retain(|c| !matches!(c, '\t' | '\n' | '\r'));
    out
}

/// Offset of ` onsomething=` (after whitespace, `/`, or a quote), in lower-case text.
fn event_attribute(lower: &str) -> Option<usize> {
    let bytes = lower.as_bytes();
    lower.match_indices("on").map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).map(|b| bytes[b]);
        let starts_name = matches!(
            before,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\'')
        );
        let name_end = lower[i + 2..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(lower.len(), |n| i + 2 + n);
        let after = lower[name_end..].trim_start();
        starts_name && name_end > i + 2 && after.starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_script_in_every_spelling() {
        for svg in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><SCRIPT xlink:href=x.js/></svg>",
            "<svg onload=alert(1)>",
            "<svg><rect\n  OnClick = \"x()\"/></svg>",
            "<svg><a href=\"javascript:alert(1)\">x</a></svg>",
            "<svg><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script></svg>",
            "<svg><a href=\"jav&#x61;script:alert(1)\">x</a></svg>",
            "<svg><a href=\"java&#x0A;script:alert(1)\">x</a></svg>",
            "<svg><a href=\"javascript&colon;alert(1)\">x</a></svg>",
            "<svg><foreignObject><iframe srcdoc=\"x\"/></foreignObject></svg>",
            "<!DOCTYPE svg [<!ENTITY x \"&#60;script&#62;alert(1)&#60;/script&#62;\">]><svg>&x;</svg>",
            "<!DOCTYPE svg [<!ENTITY j \"java\">]><svg><a href=\"&j;script:alert(1)\">x</a></svg>",
            "<?xml-stylesheet type=\"text/xsl\" href=\"style.xsl\"?><report/>",
        ] {
            assert!(find_script(svg).is_some(), "{svg}");
        }
        for svg in [
            "<svg><text>Once upon a time: on = off</text></svg>",
            "<svg font=\"Monospace\"><rect id=\"button\"/></svg>",
            "<!DOCTYPE svg [<!ENTITY ns_svg \"http://www.w3.org/2000/svg\">]><svg xmlns=\"&ns_svg;\"/>",
            "<svg><foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">文字 &amp; 图</div></foreignObject></svg>",
            "<svg><text>a:script b</text></svg>",
            "<?xml-stylesheet type=\"text/css\" href=\"a.css\"?><svg/>",
        ] {
            assert!(find_script(svg).is_none(), "{svg}");
        }
    }

    #[test]
    fn reads_utf16_as_a_browser_does() {
        let svg = "<svg onload=\"alert(1)\"/>";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(svg.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be_without_mark: Vec<u8> = svg.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [le, be_without_mark] {
            let text = decode_as_browser(&bytes);
            assert_eq!(text, svg);
            assert!(find_script(&text).is_some());
        }
    }
}
