//! Slugs and the paths Lectern writes to. Invariants:
//! - `slug::slugify` returns a non-empty slug of ASCII `[a-z0-9-]`, at most 80 bytes, with no
//!   leading, trailing or doubled `-`;
//! - `output::Staging::write` accepts a path only when it stays inside the staging folder (no
//!   `..`, not absolute, no backslash, no NUL), and the file lands inside it;
//! - `url::decode` undoes `url::encode_path` and refuses any `%` not followed by two hex digits.
#![no_main]

use std::path::{Component, Path};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A temp folder made once per process; each input gets a staging folder of its own in it,
/// removed when dropped, so that the paths accepted do not pile up on the disk.
fn temp() -> &'static tempfile::TempDir {
    static TEMP: OnceLock<tempfile::TempDir> = OnceLock::new();
    TEMP.get_or_init(|| tempfile::tempdir().expect("a temp folder"))
}

fn check_slug(text: &str) {
    let slug = lectern::slug::slugify(text);
    assert!(!slug.is_empty());
    assert!(slug.len() <= 80, "{slug:?} is longer than 80 bytes");
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{text:?} → {slug:?} is not [a-z0-9-]"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-'),
        "{text:?} → {slug:?}"
    );
    assert!(
        !slug.contains("--"),
        "{text:?} → {slug:?} has an empty word"
    );
}

/// What a safe relative path is, said independently of `output`'s own check.
fn plainly_inside(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && !rel.contains('\0')
        && rel.split('/').all(|part| part != "..")
}

fn check_write(rel: &str) {
    let root = temp().path();
    let target = lectern::output::Target {
        path: root.join("public"),
        mount: false,
    };
    let staging = lectern::output::Staging::create(&target).expect("staging");
    let accepted = staging.write(rel, b"x");
    if accepted.is_ok() {
        assert!(plainly_inside(rel), "a write outside was accepted: {rel:?}");
        let relative = Path::new(rel);
        assert!(
            relative
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        );
    } else if plainly_inside(rel)
        && !rel.split('/').any(|p| p.is_empty() || p == ".")
        && rel.len() < 200
    {
        // A plain name may still fail for the file system's reasons (a file where a folder must
        // go, a name too long); the check itself must not refuse it.
        let message = &accepted.unwrap_err().message;
        assert!(
            !message.contains("refusing"),
            "a plain path was refused: {rel:?}"
        );
    }
    // Nothing may appear beside the staging folder but the staging folder itself and the
    // output folder's lock (a build locks its output while it writes: `output::lock`).
    for entry in std::fs::read_dir(root).expect("the temp folder") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            name.contains(".lectern-staging-") || name == ".public.lectern-lock",
            "{name:?} written beside staging by {rel:?}"
        );
    }
    drop(staging);
}

fn check_url(text: &str) {
    let encoded = lectern::url::encode_path(text);
    assert_eq!(lectern::url::decode(&encoded).as_deref(), Some(text));
    if let Some(decoded) = lectern::url::decode(text) {
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'%' {
                let hex = bytes.get(i + 1..i + 3);
                assert!(
                    hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
                    "{text:?} decoded to {decoded:?} through a malformed escape"
                );
            }
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    check_slug(&text);
    check_url(&text);
    check_write(&text);
});
