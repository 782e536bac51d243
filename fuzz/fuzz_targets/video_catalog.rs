//! A video catalog (`content/videos/*.yaml`, many entries in one YAML list) read through
//! `lectern::content::read_bytes`, as a build reads it. Besides `lectern_fuzz::check_file`'s
//! invariants: every record is a video, and each entry's range lies inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let rel = "content/videos/catalog.yaml";
    let read = lectern_fuzz::read(rel, bytes, true);
    lectern_fuzz::check_file(rel, bytes, &read, false, true);
    assert!(read.pages.is_empty());
    for video in &read.resources {
        assert_eq!(video.kind, lectern::content::Kind::Video);
        assert!(video.body().is_empty(), "a catalog entry has no body");
    }
});
