//! The dev server's URL path → file resolver (`serve::resolve`) on a served folder that holds a
//! page, a nested page, and symlinks to a file and a folder outside it. Invariants: a file it
//! returns is inside the served folder (after symlinks) and is a file; a path with `..`, NUL or
//! a backslash after decoding is never a file; the outside file is never reached.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lectern::serve::{Resolution, resolve};
use libfuzzer_sys::fuzz_target;

struct Site {
    _dir: tempfile::TempDir,
    served: PathBuf,
    secret: PathBuf,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder");
        let root = dir.path().canonicalize().expect("the temp folder");
        let served = root.join("site");
        let outside = root.join("outside");
        for folder in [
            served.join("lessons/a"),
            served.join("search"),
            outside.clone(),
        ] {
            std::fs::create_dir_all(folder).expect("a folder");
        }
        for file in [
            "index.html",
            "lessons/a/index.html",
            "search/index.html",
            "404.html",
            "a b.css",
        ] {
            std::fs::write(served.join(file), "x").expect("a file");
        }
        let secret = outside.join("secret.txt");
        std::fs::write(&secret, "secret").expect("a file");
        std::os::unix::fs::symlink(&secret, served.join("link.txt")).expect("a symlink");
        std::os::unix::fs::symlink(&outside, served.join("out")).expect("a symlink");
        Site {
            _dir: dir,
            served,
            secret,
        }
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(encoded) = std::str::from_utf8(bytes) else {
        return;
    };
    let site = site();
    let resolution = resolve(&site.served, encoded);
    if let Resolution::File(path) = &resolution {
        assert!(
            path.starts_with(&site.served),
            "{encoded:?} → {path:?} outside the served folder"
        );
        assert!(path.is_file(), "{encoded:?} → {path:?} is not a file");
        assert_ne!(path, &site.secret, "{encoded:?} reached the file outside");
        let real = path.canonicalize().expect("a file that exists");
        assert!(
            real.starts_with(&site.served),
            "{encoded:?} → {path:?} leads outside"
        );
        if let Some(decoded) = lectern::url::decode(encoded) {
            assert!(
                !decoded.contains('\0')
                    && !decoded.contains('\\')
                    && !decoded.split('/').any(|s| s == ".."),
                "{encoded:?} decodes to {decoded:?} and still gave {path:?}"
            );
        }
    }
    // Decoded once only: a path whose decoding is itself an escape resolves to the escape's
    // name, never to what a second decoding would give.
    if encoded.contains("%25") && matches!(resolution, Resolution::File(_)) {
        let decoded = lectern::url::decode(encoded).unwrap_or_default();
        assert!(
            Path::new(&site.served)
                .join(decoded.trim_start_matches('/'))
                .exists()
        );
    }
});
