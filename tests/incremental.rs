//! `serve`'s quick path, through the library: after each saved edit, `refresh` patches the
//! output folder (pages and search index), and the result must be byte-identical to a full build
//! of the same files — checked after every edit of a sequence, on the project's sample portal.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_same_tree, copy_dir, read_tree};
use lectern::build::{self, BuildOptions, Site};
use lectern::diagnostics::Diagnostics;
use lectern::search::codec::decode_varints;
use lectern::search::tokenize::fnv1a32;

const BASE_URL: &str = "http://127.0.0.1:1111/";

/// The sample portal (site.yaml, content, themes) copied into a temp dir.
fn sample_portal() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let repo = common::repo_root();
    copy_dir(&repo.join("content"), &root.join("content"));
    copy_dir(&repo.join("themes"), &root.join("themes"));
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    let root = std::fs::canonicalize(root).unwrap();
    (tmp, root)
}

fn options(root: &Path, out: &Path, incremental: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        base_url: Some(BASE_URL.into()),
        incremental,
        ..BuildOptions::default()
    }
}

fn full_build(root: &Path, out: &Path, incremental: bool) -> Site {
    let mut diagnostics = Diagnostics::new();
    let built = build::build_keeping(&options(root, out, incremental), &mut diagnostics);
    let problems: Vec<String> = diagnostics.sorted().iter().map(|d| d.render()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    built.expect("the build failed").1
}

/// The document numbers the served index lists for `term`.
fn postings_of(out: &Path, term: &str) -> Vec<u32> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/manifest.json")).unwrap()).unwrap();
    let buckets = manifest["buckets"].as_u64().unwrap() as u32;
    let generation = manifest["gen"].as_str().unwrap();
    let bucket = out.join(format!(
        "search/{generation}/p/{}.json",
        fnv1a32(term) % buckets
    ));
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(bucket).unwrap()).unwrap();
    let Some(entry) = file.get(term) else {
        return Vec::new();
    };
    let values = decode_varints(entry[1].as_str().unwrap()).unwrap();
    let mut doc = 0;
    values
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            doc = if i == 0 { pair[0] } else { doc + pair[0] };
            doc
        })
        .collect()
}

struct Session {
    tmp: tempfile::TempDir,
    root: PathBuf,
    served: PathBuf,
    site: Site,
    builds: usize,
}

impl Session {
    fn start() -> Self {
        let (tmp, root) = sample_portal();
        let served = tmp.path().join("served");
        let site = full_build(&root, &served, true);
        Session {
            tmp,
            root,
            served,
            site,
            builds: 0,
        }
    }

    /// Save `rel` with `edit` applied; the quick path must take it. Returns the pages it wrote.
    fn save(&mut self, rel: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
        let path = self.root.join(rel);
        let before = std::fs::read_to_string(&path).unwrap();
        let after = edit(&before);
        assert_ne!(before, after, "the edit of {rel} changed nothing");
        std::fs::write(&path, after).unwrap();
        lectern::refresh::refresh(
            &mut self.site,
            &options(&self.root, &self.served, true),
            &[path],
        )
        .unwrap_or_else(|| panic!("the quick path refused the edit of {rel}"))
    }

    /// The served folder must equal a full build of the files as they are now.
    #[track_caller]
    fn assert_matches_full_build(&mut self, what: &str) {
        self.builds += 1;
        let out = self.tmp.path().join(format!("full-{}", self.builds));
        full_build(&self.root, &out, false);
        assert_same_tree(&read_tree(&self.served), &read_tree(&out), what);
    }
}

const LESSON: &str = "content/lessons/junior/ren-ji-chong-tu.md";

#[test]
fn every_quick_refresh_equals_a_full_build() {
    let mut s = Session::start();
    let lesson_doc = |s: &Session| {
        s.site
            .catalog
            .resources
            .iter()
            .position(|r| r.origin.file == LESSON)
            .unwrap() as u32
    };
    assert!(
        postings_of(&s.served, "鲸鱼").is_empty(),
        "a word new to the portal"
    );
    let gen_before = std::fs::read(s.served.join("search/manifest.json")).unwrap();

    // 1. A body edit with words new to the portal: own page and search index.
    let pages = s.save(LESSON, |t| {
        format!("{t}\n\n## 补充活动\n\n请同学们画一头鲸鱼，写下 zebrafish 一词。\n")
    });
    assert_eq!(pages, ["lessons/ren-ji-chong-tu/index.html"]);
    assert_eq!(postings_of(&s.served, "鲸鱼"), [lesson_doc(&s)]);
    assert_eq!(postings_of(&s.served, "zebrafish"), [lesson_doc(&s)]);
    assert_ne!(
        std::fs::read(s.served.join("search/manifest.json")).unwrap(),
        gen_before,
        "a new generation"
    );
    s.assert_matches_full_build("after a body edit");

    // 2. Words removed again; the body doubles in length (a new length in the facet file) and
    //    one word's count goes past the cap.
    s.save(LESSON, |t| {
        t.replace(
            "请同学们画一头鲸鱼，写下 zebrafish 一词。",
            &"情绪".repeat(3000),
        )
    });
    assert!(postings_of(&s.served, "鲸鱼").is_empty());
    s.assert_matches_full_build("after removing words");

    // 3. A title edit: every page showing the card, the record, the title's terms.
    let pages = s.save(LESSON, |t| t.replacen("title: ", "title: 新版·", 1));
    assert!(pages.len() > 1, "{pages:?}");
    assert!(postings_of(&s.served, "新版").contains(&lesson_doc(&s)));
    s.assert_matches_full_build("after a title edit");

    // 4. A video's summary and a review's body, one after the other.
    s.save("content/videos/zhuan-zhu-li-ke-tang.md", |t| {
        t.replacen("summary: ", "summary: 课堂实录：", 1)
    });
    s.save("content/reviews/ya-li-guan-li-ping-ke.md", |t| {
        format!("{t}\n评课补记：课堂节奏把握得当，板书清楚。\n")
    });
    s.assert_matches_full_build("after a video and a review");

    // 5. Everything back as it was: the index returns to its first generation.
    let original = common::repo_root();
    for rel in [
        LESSON,
        "content/videos/zhuan-zhu-li-ke-tang.md",
        "content/reviews/ya-li-guan-li-ping-ke.md",
    ] {
        let text = std::fs::read_to_string(original.join(rel)).unwrap();
        s.save(rel, |_| text.clone());
    }
    assert_eq!(
        std::fs::read(s.served.join("search/manifest.json")).unwrap(),
        gen_before
    );
    s.assert_matches_full_build("after reverting");
}

#[test]
fn a_moved_resource_is_left_to_a_full_build() {
    let mut s = Session::start();
    let path = s.root.join(LESSON);
    let text = std::fs::read_to_string(&path).unwrap();
    let moved = text.replacen("grade: ", "grade: 9\n#", 1);
    assert_ne!(moved, text);
    std::fs::write(&path, moved).unwrap();
    let refreshed = lectern::refresh::refresh(
        &mut s.site,
        &options(&s.root, &s.served, true),
        std::slice::from_ref(&path),
    );
    assert!(refreshed.is_none(), "a new grade moves it between listings");
}
