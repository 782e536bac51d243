//! `sitemap.xml` and the Atom `feed.xml`: plain XML built here, every value escaped. Both hold
//! absolute addresses only, so neither is made without an absolute base URL.

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The sitemap and the feed, when the base URL is absolute: each as (output file, digest,
/// text), the text made only when `wanted(file, digest)` says so. `pages` are the site's pages
/// by output file (the sitemap lists the folders of their `index.html`). The sitemap's digest
/// is that of its input — the set of pages — so `serve` knows without making ten thousand
/// addresses that it did not change; the feed's (thirty entries) is that of its text.
pub fn feeds<'p>(
    config: &Config,
    catalog: &Catalog,
    pages: impl Iterator<Item = &'p String> + Clone,
    wanted: impl Fn(&str, u64) -> bool,
) -> Vec<(&'static str, u64, Option<String>)> {
    let mut files = Vec::new();
    if config.absolute_base_url().is_none() {
        return files;
    }
    let folders = || {
        pages
            .clone()
            .filter_map(|file| file.strip_suffix("index.html"))
    };
    // Order-free, so the pages need no sorting to be digested.
    let map_digest = folders()
        .map(digest)
        .fold(digest(&config.base_url), u64::wrapping_add);
    let map = wanted("sitemap.xml", map_digest).then(|| {
        let mut sorted: Vec<&str> = folders().collect();
        sorted.sort_unstable();
        sitemap(config, &sorted)
    });
    files.push(("sitemap.xml", map_digest, map.flatten()));
    if let Some(feed) = atom(config, catalog) {
        let feed_digest = digest(&feed);
        let text = wanted("feed.xml", feed_digest).then_some(feed);
        files.push(("feed.xml", feed_digest, text));
    }
    files
}

fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The one note a site without an absolute base URL gets: what is left out and how to add it.
/// A note, not a warning: a portal for a USB stick or an intranet under any address has no
/// absolute URL to give, and `--strict` must not fail it for that.
/// `given`: the address came from `--base-url`, not from site.yaml.
pub fn base_url_note(config: &Config, given: bool) -> Option<Diagnostic> {
    if config.absolute_base_url().is_some() {
        return None;
    }
    let note = match given {
        true => Diagnostic::note(format!(
            "sitemap.xml, feed.xml and the pages' QR codes are not made: `--base-url {}` is not an absolute address",
            config.base_url
        )),
        false => Diagnostic::note(format!(
            "sitemap.xml, feed.xml and the pages' QR codes are not made: base_url `{}` is not an absolute address",
            config.base_url
        ))
        .in_file(crate::config::CONFIG_FILE),
    };
    Some(
        note.with_help(
            "sitemaps, feeds and QR codes (a phone that scans one opens the page) need full addresses: set `base_url: https://example.org/portal/` in site.yaml, or build with `--base-url https://example.org/portal/`",
        ),
    )
}

/// Every page's absolute URL; `None` without an absolute base URL.
pub fn sitemap(config: &Config, paths: &[&str]) -> Option<String> {
    let base = config.absolute_base_url()?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_text(&crate::url::ascii_base_url(&format!("{base}{path}")))
        ));
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// The newest resources as an Atom feed; `None` without an absolute base URL.
pub fn atom(config: &Config, catalog: &Catalog) -> Option<String> {
    config.absolute_base_url()?;
    let updated = catalog
        .resources
        .iter()
        .filter_map(|r| r.date)
        .max()
        .map(|d| d.to_string())
        .unwrap_or_else(|| "2000-01-01".into());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    xml.push_str(&format!("  <title>{}</title>\n", xml_text(&config.title)));
    xml.push_str(&format!("  <id>{}</id>\n", xml_text(&config.base_url)));
    xml.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        xml_text(&config.base_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}feed.xml\"/>\n",
        xml_text(&config.base_url)
    ));
    xml.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    // Atom needs an author for every entry: the site's, unless the entry names its own (an
    // empty name is invalid).
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_text(&config.title)
    ));
    for r in catalog.resources.iter().take(30) {
        let url = crate::url::ascii_base_url(&format!(
            "{}{}",
            config.base_url,
            catalog::resource_path(r)
        ));
        let date = r
            .date
            .map(|d| d.to_string())
            .unwrap_or_else(|| updated.clone());
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_text(&r.title)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_text(&url)));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", xml_text(&url)));
        xml.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        xml.push_str(&format!("    <category term=\"{}\"/>\n", r.kind.slug()));
        if !r.summary.is_empty() {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                xml_text(&r.summary)
            ));
        }
        if let Some(name) = author(r).filter(|name| !xml_text(name).trim().is_empty()) {
            xml.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_text(&name)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}

/// The entry's author: its teacher, speaker or reviewer, else its school, else none.
fn author(r: &crate::content::Resource) -> Option<String> {
    use crate::content::Detail;
    let name = match &r.detail {
        Detail::Lesson(d) => d.author.as_str(),
        Detail::Video(d) => d.speaker.as_str(),
        Detail::Review(d) => d.reviewer.as_str(),
    };
    [name, r.school.as_str()]
        .into_iter()
        .find(|n| !n.trim().is_empty())
        .map(str::to_string)
}

/// `text` escaped for XML, without the characters XML 1.0 cannot hold at all (controls other
/// than tab and line breaks, U+FFFE, U+FFFF). YAML's escapes (`"\0"`, `"\v"`, `"\uFFFE"`) put
/// them in titles and summaries; one of them would make the whole feed unreadable.
fn xml_text(text: &str) -> String {
    let allowed = |c: &char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    crate::markdown::escape(&text.chars().filter(allowed).collect::<String>())
}
