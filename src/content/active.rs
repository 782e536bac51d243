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
    if extension != "svg" {
        return None;
    }
    let size = std::fs::metadata(&asset.source).ok()?.len();
    if size > MAX_SVG_BYTES {
        return None;
    }
    let text = String::from_utf8_lossy(&std::fs::read(&asset.source).ok()?).into_owned();
    let (offset, what) = find_script(&text)?;
    let (line, column) = line_col(&text, offset);
    Some(
        Diagnostic::warning(format!(
            "the SVG `{file}` contains {what}: it runs on the portal's origin when the image is opened"
        ))
        .in_file(&file)
        .at_line(&text, line, column)
        .with_help("remove the script and the on…= attributes (export it again as a plain SVG, or as PNG); see README, Hosting"),
    )
}

/// Byte offset and description of the first script in an SVG: a `<script` element, an event
/// attribute (`onload=`), or a `javascript:` URL. Case-insensitive, as browsers are.
fn find_script(text: &str) -> Option<(usize, &'static str)> {
    let lower = text.to_ascii_lowercase();
    let script = lower.find("<script").map(|i| (i, "a <script> element"));
    let url = lower.find("javascript:").map(|i| (i, "a javascript: URL"));
    let event = event_attribute(&lower).map(|i| (i, "an event attribute (on…=)"));
    [script, url, event]
        .into_iter()
        .flatten()
        .min_by_key(|(i, _)| *i)
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
        ] {
            assert!(find_script(svg).is_some(), "{svg}");
        }
        for svg in [
            "<svg><text>Once upon a time: on = off</text></svg>",
            "<svg font=\"Monospace\"><rect id=\"button\"/></svg>",
        ] {
            assert!(find_script(svg).is_none(), "{svg}");
        }
    }
}
