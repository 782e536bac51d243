//! Any bytes as a CSV video catalog (`content/videos/*.csv`, UTF-8 or GB18030) read through
//! `lectern::content::read_bytes`, as a build reads it. Invariants: every record is a valid
//! video of the site (id, grades, course, linked assets), with no body; every diagnostic names
//! the file and a line within it, and renders.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let rel = "content/videos/catalog.csv";
    let read = lectern_fuzz::read(rel, bytes, true);
    assert!(read.pages.is_empty());
    let config = lectern_fuzz::site();
    for video in &read.resources {
        assert_eq!(video.kind, lectern::content::Kind::Video);
        assert!(
            lectern::content::is_id(&video.id),
            "invalid id {:?}",
            video.id
        );
        assert!(!video.grades.is_empty());
        assert!(video.grades.iter().all(|g| config.grade(*g).is_some()));
        assert!(config.course(&video.course).is_some());
        assert!(video.body().is_empty(), "a catalog entry has no body");
        for asset in video.asset_paths() {
            assert!(
                lectern_fuzz::assets().contains(asset),
                "a missing asset {asset:?}"
            );
        }
    }
    // Rows are counted the way a spreadsheet does: a row is at least one line of the file, and
    // a line ends with CRLF, LF or a lone CR (as old Mac Excel writes).
    let lines = String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .count()
        .max(1);
    for diagnostic in &read.diagnostics {
        assert_eq!(diagnostic.file.as_deref(), Some(rel), "{diagnostic:?}");
        if let Some(line) = diagnostic.line {
            assert!(
                line >= 1 && line <= lines + 1,
                "line {line} of {lines}: {diagnostic:?}"
            );
        }
        let _ = diagnostic.render();
    }
});
