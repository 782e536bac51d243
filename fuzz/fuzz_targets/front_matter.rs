//! A whole content file (bytes, as on disk) read as a lesson, a video, a review and a free page,
//! through `lectern::content::read_bytes`: the decoding, front matter split, YAML and typed parse
//! a build runs. Checks the invariants in `lectern_fuzz::check_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FILES: [&str; 4] = [
    "content/lessons/g7/fuzz.md",
    "content/videos/fuzz.md",
    "content/reviews/fuzz.md",
    "content/pages/fuzz.md",
];

fuzz_target!(|bytes: &[u8]| {
    for rel in FILES {
        let read = lectern_fuzz::read(rel, bytes, true);
        lectern_fuzz::check_file(rel, bytes, &read, true, true);
    }
    // Drafts left out: a draft is no record and no error, anything else as before.
    let rel = FILES[0];
    let read = lectern_fuzz::read(rel, bytes, false);
    lectern_fuzz::check_file(rel, bytes, &read, true, false);
});
