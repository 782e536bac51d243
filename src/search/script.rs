//! The browser script `static/search.js`. The theme keeps it as small ES5 modules
//! (`search/*.js`, each adding to the one namespace `LecternSearch`); the build joins them in
//! file-name order behind a generated first module that declares the namespace with every
//! constant the browser shares with this crate — so a constant is typed once, here. The result is
//! one file and one request; nothing bundles at run time. The modules' comments and indentation
//! stay in the theme: the joined file drops whole comment lines and leading white space
//! (`lean`), a third of its bytes, which a phone on a slow link without gzip pays in full.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::content::Kind;

/// Where the theme keeps the modules, relative to the theme folder.
pub const MODULES_DIR: &str = "search/";

/// What the browser must agree on with the index writer (docs/SEARCH-INDEX.md).
pub fn shared_constants() -> Value {
    json!({
        "FORMAT_VERSION": super::FORMAT_VERSION,
        "KINDS": Kind::ALL.map(Kind::slug),
        "K1": super::index::K1,
        "B": super::index::B,
        "LENGTH_STEPS": super::index::LENGTH_STEPS,
        "LENGTH_FLOOR": super::index::LENGTH_FLOOR,
        "MAX_GRADE": super::index::MAX_GRADE,
        "MANY_GRADES": super::index::MANY_GRADES,
        "MAX_WORD": super::tokenize::MAX_WORD_CHARS,
        "ALPHABET": String::from_utf8_lossy(super::codec::ALPHABET),
        "OFFLINE_BUCKETS": super::offline::BUCKETS_PER_SCRIPT,
        "OFFLINE_RECORDS": super::offline::RECORD_FILES_PER_SCRIPT,
        "RECORDS_PER_FILE": super::index::RECORDS_PER_FILE,
        "PART_BITS": super::index::PART_BITS,
        "PART_MARK": super::index::PART_MARK.to_string(),
        "KIND_MARK": super::index::KIND_MARK.to_string(),
        "PINYIN_SYLLABLES": super::pinyin::SYLLABLES,
        "MAX_PINYIN_LETTERS": super::pinyin::MAX_PINYIN_LETTERS,
        "SUGGEST_HASH_SHARDS": super::suggest::HASH_SHARDS,
    })
}

/// The line that puts a module into `static/suggest.js` as well: the small script of the pages
/// that only offer suggestions (the home page), which need the folding, the loader and the
/// suggestion module, not the ranking or the results page (a quarter of the bytes).
pub const SUGGEST_MARK: &str = "// lectern: also in suggest.js";

/// `static/suggest.js`: the constants and the modules that carry `SUGGEST_MARK`, in name order.
pub fn join_suggest_modules<'a>(modules: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let marked = modules.into_iter().filter(|(_, bytes)| {
        String::from_utf8_lossy(bytes)
            .lines()
            .any(|line| line.trim_start().starts_with(SUGGEST_MARK))
    });
    join_modules(marked)
}

/// `static/search.js`: the generated constants, then the modules (path → bytes) in name order.
pub fn join_modules<'a>(modules: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut out = format!(
        "/*! Lectern search — the browser side of docs/SEARCH-INDEX.md (index format version {}).\n \
         * Joined by Lectern from the theme's {MODULES_DIR}*.js: edit those, not this file. */\n\
         var LecternSearch = {};\n",
        super::FORMAT_VERSION,
        shared_constants(),
    );
    let mut sorted: Vec<(&str, &[u8])> = modules.into_iter().collect();
    sorted.sort_by_key(|(path, _)| *path);
    for (path, bytes) in sorted {
        let _ = write!(
            out,
            "\n/* {path} */\n{}",
            lean(&String::from_utf8_lossy(bytes))
        );
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// `source` without the lines that are only a comment (`// …`, or a `/* … */` block that
/// starts a line and whose last line ends with `*/`), blank lines and leading white space.
/// Line-based and conservative: a comment after code stays, as does anything it is unsure of,
/// so the code itself is never touched — ES5 has no multi-line strings or templates.
pub(crate) fn lean(source: &str) -> String {
    lean_lines(source, true)
}

/// A style sheet without its comment-only lines, blank lines and indentation (`lean`'s rule;
/// CSS has no `//` comments, so such a line is kept): a sixth of the theme's CSS, which every
/// first visit pays in full from a server without gzip.
pub(crate) fn lean_css(source: &str) -> String {
    lean_lines(source, false)
}

fn lean_lines(source: &str, line_comments: bool) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    let mut block: Vec<&str> = Vec::new();
    for line in source.lines() {
        let text = line.trim();
        if in_block {
            block.push(line);
            if text.contains("*/") {
                in_block = false;
                if !text.ends_with("*/") {
                    // code after the comment's end: keep the block as it was
                    for kept in block.drain(..) {
                        out.push_str(kept.trim_start());
                        out.push('\n');
                    }
                }
                block.clear();
            }
            continue;
        }
        if text.is_empty() || (line_comments && text.starts_with("//")) {
            continue;
        }
        if let Some(comment) = text.strip_prefix("/*") {
            // a comment alone on its line: its first end is the line's end
            if comment
                .find("*/")
                .is_some_and(|end| end + 2 == comment.len())
            {
                continue;
            }
            if !text.contains("*/") {
                in_block = true;
                block.push(line);
                continue;
            }
        }
        out.push_str(text.trim_end_matches('\r').trim_start());
        out.push('\n');
    }
    for kept in block {
        out.push_str(kept.trim_start()); // an unclosed comment: leave it for the engine to judge
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Node tests (tests/js/) read the constants from this fixture, in place of the generated
    /// module; `UPDATE_SNAPSHOTS=1 cargo test --lib search::script` rewrites it.
    #[test]
    fn node_fixture_holds_the_shared_constants() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/search-constants.json"
        );
        let want = shared_constants();
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            let text = serde_json::to_string_pretty(&want).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
        }
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(
            fixture, want,
            "run with UPDATE_SNAPSHOTS=1 to refresh {path}"
        );
    }

    #[test]
    fn modules_follow_the_constants_in_name_order() {
        let script = join_modules([
            ("search/20-b.js", &b"b();"[..]),
            ("search/10-a.js", b"a();\n"),
        ]);
        let text = String::from_utf8(script).unwrap();
        let constants = text.find("var LecternSearch = {\"ALPHABET\"").unwrap();
        let (a, b) = (text.find("a();").unwrap(), text.find("b();").unwrap());
        assert!(constants < a && a < b, "{text}");
        assert!(text.ends_with("b();\n"));
        assert!(text.starts_with("/*! Lectern search"));
        assert!(text.contains(&format!(
            "index format version {}",
            super::super::FORMAT_VERSION
        )));
    }

    #[test]
    fn lean_css_keeps_every_rule() {
        let source = "/* Base. */\n/* a */ .b { } /* c */\n.a {\n  content: \"/* no */\";\n\n  /* why */\n  color: red; /* kept */\n}\n//odd\n";
        assert_eq!(
            lean_css(source),
            "/* a */ .b { } /* c */\n.a {\ncontent: \"/* no */\";\ncolor: red; /* kept */\n}\n//odd\n"
        );
    }

    #[test]
    fn joined_modules_drop_comment_lines_and_indentation_only() {
        let source = "/* Module.\n * More. */\n(function () {\n  // why\n  var a = \"//x\"; // kept\n\n  /** doc */\n  /* x */ var b = 1;\n  /* open\n  */ var c = 2;\n  return a + b;\n})();\n";
        assert_eq!(
            lean(source),
            "(function () {\nvar a = \"//x\"; // kept\n/* x */ var b = 1;\n/* open\n*/ var c = 2;\nreturn a + b;\n})();\n"
        );
    }
}
