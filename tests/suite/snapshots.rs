//! Page snapshots: a few pages of the `full` fixture site, compared byte for byte with the
//! copies in `tests/snapshots/`. A change to templates, Markdown rendering or escaping shows up
//! here as a readable diff. After an intended change, refresh them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test suite snapshots` and review the diff before committing.

use std::path::Path;

use crate::common::*;

/// Output files worth pinning: one of each page kind, the feed and the search manifest.
const PINNED: &[&str] = &[
    "lessons/emotion-abc/index.html",
    "videos/emotion-abc-class/index.html",
    "reviews/emotion-abc-ping-ke/index.html",
    "grades/7/index.html",
    "about/index.html",
    "textbooks/index.html",
    "textbooks/xinli-8/index.html",
    "coverage/index.html",
    "feed.xml",
    "search/manifest.json",
];

#[test]
fn pages_match_their_snapshots() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(
        &site.root,
        &out,
        &["--base-url", "https://example.org/portal/"],
    )
    .success();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut differ = Vec::new();
    for rel in PINNED {
        let actual =
            std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let file = dir.join(rel.replace('/', "__"));
        if update {
            write_file(&file, actual.as_bytes());
            continue;
        }
        let expected = std::fs::read_to_string(&file).unwrap_or_default();
        if expected != actual {
            differ.push(format!("{rel}\n{}", first_difference(&expected, &actual)));
        }
    }
    assert!(
        differ.is_empty(),
        "pages differ from tests/snapshots/ (UPDATE_SNAPSHOTS=1 to accept):\n\n{}",
        differ.join("\n\n")
    );
}

/// The first line that differs, with its neighbours, as `-`/`+` lines.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = at.saturating_sub(2);
    let mut out = format!("first difference at line {}:\n", at + 1);
    for line in e.iter().skip(from).take(5) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in a.iter().skip(from).take(5) {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}
