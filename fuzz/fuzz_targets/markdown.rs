//! Arbitrary text rendered as a lesson's body, with the options a build gives it (raw HTML off,
//! as in the default `site.yaml`; a site with pages and assets to link to). Invariants: the
//! HTML has no element or attribute that runs script (`<script>`, `<iframe>`, `on*=`), no
//! `javascript:`/`vbscript:`/`data:` URL in `href` or `src`, heading ids are unique, and
//! every diagnostic names the file and a line of it.
#![no_main]

use std::collections::HashSet;

use lectern::content::{Kind, Unavailable};
use lectern::markdown::{LinkContext, RenderOptions, SourceSpan};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "content/lessons/g7/fuzz.md";

/// The pages a body may link to (source file → page path), as `catalog` makes them.
fn source_paths() -> &'static rustc_hash::FxHashMap<String, String> {
    static PATHS: std::sync::OnceLock<rustc_hash::FxHashMap<String, String>> =
        std::sync::OnceLock::new();
    PATHS.get_or_init(|| {
        [
            (FILE, "lessons/fuzz/"),
            ("content/lessons/g7/emotion-abc.md", "lessons/emotion-abc/"),
            (
                "content/videos/emotion-abc-class.md",
                "videos/emotion-abc-class/",
            ),
            ("content/pages/about.md", "about/"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    })
}

/// Every page's path, as `catalog` makes them.
fn page_paths() -> &'static rustc_hash::FxHashSet<String> {
    static PAGES: std::sync::OnceLock<rustc_hash::FxHashSet<String>> = std::sync::OnceLock::new();
    PAGES.get_or_init(|| source_paths().values().cloned().collect())
}

/// Every video page of the site, ten minutes long, so time links past a video's end are fuzzed.
fn video_durations() -> &'static rustc_hash::FxHashMap<String, u32> {
    static LENGTHS: std::sync::OnceLock<rustc_hash::FxHashMap<String, u32>> =
        std::sync::OnceLock::new();
    LENGTHS.get_or_init(|| {
        page_paths()
            .iter()
            .filter(|p| p.starts_with("videos/"))
            .map(|p| (p.clone(), 600))
            .collect()
    })
}

/// Grade 7's listing, so links to listings there and not there are fuzzed.
fn listing_paths() -> &'static rustc_hash::FxHashSet<String> {
    static LISTINGS: std::sync::OnceLock<rustc_hash::FxHashSet<String>> =
        std::sync::OnceLock::new();
    LISTINGS.get_or_init(|| ["grades/7/".to_string()].into_iter().collect())
}

/// A draft and a file with errors, so links to both are fuzzed as well.
fn unavailable() -> &'static std::collections::BTreeMap<(Kind, String), Unavailable> {
    static GONE: std::sync::OnceLock<std::collections::BTreeMap<(Kind, String), Unavailable>> =
        std::sync::OnceLock::new();
    GONE.get_or_init(|| {
        std::collections::BTreeMap::from([
            ((Kind::Lesson, "draft".to_string()), Unavailable::Draft),
            ((Kind::Lesson, "broken".to_string()), Unavailable::Broken),
        ])
    })
}

/// A draft free page, so links to it are fuzzed too.
fn draft_pages() -> &'static std::collections::BTreeSet<String> {
    static DRAFTS: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    DRAFTS.get_or_init(|| ["content/pages/notice.md".to_string()].into_iter().collect())
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = std::str::from_utf8(bytes) else {
        return;
    };
    // The file as the body sits in it: two lines of front matter above.
    let file_text = format!("---\ntitle: x\n---\n{body}");
    let options = RenderOptions {
        raw_html: false,
        // A review's cited times become links too: fuzz that pass as well.
        time_links: true,
        links: LinkContext {
            source_file: FILE,
            page_path: "lessons/fuzz/",
            source_paths: source_paths(),
            page_paths: page_paths(),
            assets: lectern_fuzz::assets(),
            unavailable: unavailable(),
            draft_pages: draft_pages(),
            video_durations: video_durations(),
            listing_paths: listing_paths(),
        },
        span: SourceSpan {
            file: FILE,
            file_text: &file_text,
            first_line: 4,
        },
    };
    let mut warnings = Vec::new();
    let rendered = lectern::markdown::render(body, &options, &mut warnings);
    for tag in lectern_fuzz::start_tags(&rendered.html) {
        assert!(
            !matches!(
                tag.name.as_str(),
                "script" | "iframe" | "object" | "embed" | "style" | "base" | "meta" | "form"
            ),
            "<{}> in the output: {}",
            tag.name,
            rendered.html
        );
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "event attribute {name} in <{}>: {}",
                tag.name,
                rendered.html
            );
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "srcset" | "xlink:href"
            ) {
                let url = lectern_fuzz::unescape_attribute(value);
                let scheme = lectern_fuzz::browser_scheme(&url);
                assert!(
                    !matches!(
                        scheme.as_deref(),
                        Some("javascript" | "vbscript" | "data" | "file")
                    ),
                    "{name}={value:?} in <{}>: {}",
                    tag.name,
                    rendered.html
                );
            }
        }
    }
    let mut ids = HashSet::new();
    for entry in &rendered.toc {
        assert!(
            ids.insert(entry.id.as_str()),
            "heading id {:?} used twice",
            entry.id
        );
    }
    let lines = file_text.lines().count() + 1;
    for warning in &warnings {
        assert_eq!(warning.file.as_deref(), Some(FILE));
        if let Some(line) = warning.line {
            assert!(
                (4..=lines).contains(&line),
                "line {line} outside the body: {warning:?}"
            );
        }
        let _ = warning.render();
    }
});
