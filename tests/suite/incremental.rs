//! `serve`'s quick path, through the library: after each saved edit, `refresh` patches the
//! output folder (pages and search index), and the result must be byte-identical to a full build
//! of the same files — checked after every edit of a sequence, on the project's sample portal.

use std::path::{Path, PathBuf};

use crate::common::{assert_same_tree, copy_dir, read_tree};
use std::sync::RwLock;

use lectern::build::{self, BuildOptions, Handover};
use lectern::diagnostics::Diagnostics;
use lectern::refresh::{Decline, Refreshed, Served};
use lectern::search::DocNumber;
use lectern::search::codec::decode_postings;
use lectern::search::tokenize::fnv1a32;

const BASE_URL: &str = "http://127.0.0.1:1111/";

/// The sample portal (site.yaml, content, themes) copied into a temp dir.
fn sample_portal() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let repo = crate::common::repo_root();
    copy_dir(&repo.join("content"), &root.join("content"));
    copy_dir(&repo.join("themes"), &root.join("themes"));
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    let root = std::fs::canonicalize(root).unwrap();
    (tmp, root)
}

fn options(root: &Path, out: &Path, base_url: &str) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        base_url: Some(base_url.into()),
        ..BuildOptions::default()
    }
}

/// A full build as `serve` makes it, keeping what a patch needs.
fn full_build(root: &Path, out: &Path, base_url: &str, lock: &RwLock<u64>) -> Served {
    let mut diagnostics = Diagnostics::new();
    let built = build::build_with(
        &options(root, out, base_url),
        Handover::Serve(lock),
        &mut diagnostics,
    );
    let problems: Vec<String> = diagnostics.sorted().iter().map(|d| d.render()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let (_, site, written) = built.expect("the build failed");
    let index = written.index.expect("serve's build keeps the index");
    Served::new(site, written.digests, index)
}

/// A plain `lectern build`, as the reference a patched folder must equal.
fn plain_build(root: &Path, out: &Path, base_url: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    build::build(&options(root, out, base_url), &mut diagnostics);
    diagnostics
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
    decode_postings(entry[1].as_str().unwrap())
        .unwrap()
        .into_iter()
        .map(|(doc, _)| doc)
        .collect()
}

struct Session {
    tmp: tempfile::TempDir,
    root: PathBuf,
    /// The served folder.
    out: PathBuf,
    base_url: String,
    lock: RwLock<u64>,
    served: Served,
    builds: usize,
    /// Whether the last `save` took the short way of a body-only save.
    bodies_only: bool,
}

impl Session {
    fn start() -> Self {
        Self::start_with("", BASE_URL)
    }

    /// The sample portal with `config` added to its site.yaml, served at `base_url`.
    fn start_with(config: &str, base_url: &str) -> Self {
        let (tmp, root) = sample_portal();
        let site_yaml = root.join("site.yaml");
        let text = std::fs::read_to_string(&site_yaml).unwrap();
        // A `language:` in `config` replaces the sample's.
        let text = if config.contains("language:") {
            text.replace("language: zh-CN\n", "")
        } else {
            text
        };
        std::fs::write(&site_yaml, format!("{text}{config}")).unwrap();
        let out = tmp.path().join("served");
        let lock = RwLock::new(0);
        let served = full_build(&root, &out, base_url, &lock);
        Session {
            tmp,
            root,
            out,
            base_url: base_url.to_string(),
            lock,
            served,
            builds: 0,
            bodies_only: false,
        }
    }

    /// The quick path for `changed`.
    fn refresh(&mut self, changed: &[PathBuf]) -> Result<Refreshed, Decline> {
        let options = options(&self.root, &self.out, &self.base_url);
        lectern::refresh::refresh(&mut self.served, &options, &self.out, &self.lock, changed)
    }

    /// What `serve` does after a decline: build everything again.
    fn rebuild(&mut self) {
        self.served = full_build(&self.root, &self.out, &self.base_url, &self.lock);
    }

    /// Save `rel` with `edit` applied; the quick path must take it. Returns the pages it wrote.
    fn save(&mut self, rel: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
        let path = self.root.join(rel);
        let before = std::fs::read_to_string(&path).unwrap();
        let after = edit(&before);
        assert_ne!(before, after, "the edit of {rel} changed nothing");
        std::fs::write(&path, after).unwrap();
        let refreshed = self
            .refresh(&[path])
            .unwrap_or_else(|why| panic!("the quick path refused the edit of {rel}: {why}"));
        self.bodies_only = refreshed.bodies_only;
        refreshed.pages
    }

    /// The served folder must equal a full build of the files as they are now.
    #[track_caller]
    fn assert_matches_full_build(&mut self, what: &str) {
        self.builds += 1;
        let out = self.tmp.path().join(format!("full-{}", self.builds));
        let problems = plain_build(&self.root, &out, &self.base_url);
        assert!(problems.is_empty(), "{what}: {problems:?}");
        assert_same_tree(&read_tree(&self.out), &read_tree(&out), what);
    }
}

const LESSON: &str = "content/lessons/junior/ren-ji-chong-tu.md";

/// `lectern build` renders each body with its page, a chunk at a time (`build::stream`);
/// `serve` renders every body first and keeps them. Same files, byte for byte — on the sample
/// portal and on the fixture with captions, chapter files, cited times and fragment links.
#[test]
fn a_streaming_build_equals_serves_build() {
    let (tmp, portal) = sample_portal();
    let full = crate::common::copy_site("full");
    for (name, root) in [("portal", portal.as_path()), ("full", full.root.as_path())] {
        let served = tmp.path().join(format!("served-{name}"));
        let streamed = tmp.path().join(format!("streamed-{name}"));
        let lock = RwLock::new(0);
        full_build(root, &served, BASE_URL, &lock);
        let problems = plain_build(root, &streamed, BASE_URL);
        assert!(problems.is_empty(), "{name}: {:?}", problems.sorted());
        assert_same_tree(&read_tree(&streamed), &read_tree(&served), name);
    }
}

#[test]
fn every_quick_refresh_equals_a_full_build() {
    let mut s = Session::start();
    let lesson_doc = |s: &Session| {
        let resources = &s.served.site.catalog.resources;
        let n = resources
            .iter()
            .position(|r| r.origin.file == LESSON)
            .unwrap();
        DocNumber::of(lectern::catalog::Place::new(n), resources.len()).get() as u32
    };
    assert!(
        postings_of(&s.out, "鲸鱼").is_empty(),
        "a word new to the portal"
    );
    let gen_before = std::fs::read(s.out.join("search/manifest.json")).unwrap();

    // 1. A body edit with words new to the portal: own page and search index.
    let pages = s.save(LESSON, |t| {
        format!("{t}\n\n## 补充活动\n\n请同学们画一头鲸鱼，写下 zebrafish 一词。\n")
    });
    assert_eq!(pages, ["lessons/ren-ji-chong-tu/index.html"]);
    assert!(s.bodies_only, "a body edit takes the short way");
    assert_eq!(postings_of(&s.out, "鲸鱼"), [lesson_doc(&s)]);
    assert_eq!(postings_of(&s.out, "zebrafish"), [lesson_doc(&s)]);
    assert_ne!(
        std::fs::read(s.out.join("search/manifest.json")).unwrap(),
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
    assert!(postings_of(&s.out, "鲸鱼").is_empty());
    s.assert_matches_full_build("after removing words");

    // 3. A title edit: every page showing the card, the record, the title's terms.
    let pages = s.save(LESSON, |t| t.replacen("title: ", "title: 新版·", 1));
    assert!(!s.bodies_only, "a title edit goes the general way");
    assert!(pages.len() > 1, "{pages:?}");
    assert!(postings_of(&s.out, "新版").contains(&lesson_doc(&s)));
    s.assert_matches_full_build("after a title edit");

    // 4. A video's summary and a review's body, one after the other.
    s.save("content/videos/zhuan-zhu-li-ke-tang.md", |t| {
        t.replacen("summary: ", "summary: 课堂实录：", 1)
    });
    s.save("content/reviews/ya-li-guan-li-ping-ke.md", |t| {
        format!("{t}\n评课补记：课堂节奏把握得当，板书清楚。\n")
    });
    assert!(s.bodies_only, "a review's body edit takes the short way");
    s.assert_matches_full_build("after a video and a review");

    // 5. Everything back as it was: the index returns to its first generation.
    let original = crate::common::repo_root();
    for rel in [
        LESSON,
        "content/videos/zhuan-zhu-li-ke-tang.md",
        "content/reviews/ya-li-guan-li-ping-ke.md",
    ] {
        let text = std::fs::read_to_string(original.join(rel)).unwrap();
        s.save(rel, |_| text.clone());
    }
    assert_eq!(
        std::fs::read(s.out.join("search/manifest.json")).unwrap(),
        gen_before
    );
    s.assert_matches_full_build("after reverting");
}

/// A lesson of today, written the way `lectern new` writes one, linking to `link`.
fn new_lesson(title: &str, date: &str, link: &str) -> String {
    format!(
        "---\ntitle: {title}\ngrade: 7\ncourse: mental-health\ntopics: [情绪管理, 新专题]\ndate: {date}\nsummary: 新写的一课。\n---\n\n## 教学目标\n\n认识鲸鱼般的大情绪，见[另一课]({link})。\n"
    )
}

impl Session {
    /// Write (or, with `None`, delete) the files; the quick path must take them together.
    fn change(&mut self, files: &[(&str, Option<String>)]) -> Vec<String> {
        let mut paths = Vec::new();
        for (rel, text) in files {
            let path = self.root.join(rel);
            match text {
                Some(text) => std::fs::write(&path, text).unwrap(),
                None => std::fs::remove_file(&path).unwrap(),
            }
            paths.push(path);
        }
        self.refresh(&paths)
            .unwrap_or_else(|why| {
                panic!(
                    "the quick path refused {:?}: {why}",
                    files.iter().map(|f| f.0).collect::<Vec<_>>()
                )
            })
            .pages
    }

    fn doc_count(&self) -> u64 {
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.out.join("search/manifest.json")).unwrap())
                .unwrap();
        manifest["doc_count"].as_u64().unwrap()
    }
}

const NEW: &str = "content/lessons/junior/jing-yu-qing-xu.md";

#[test]
fn new_deleted_and_moved_resources_equal_a_full_build() {
    let mut s = Session::start();
    let count = s.doc_count();

    // 1. A new lesson of today: the next search number, its listings, the home page.
    let pages = s.change(&[(
        NEW,
        Some(new_lesson("鲸鱼情绪课", "2026-06-01", "ren-ji-chong-tu.md")),
    )]);
    assert!(
        pages.contains(&"lessons/jing-yu-qing-xu/index.html".to_string()),
        "{pages:?}"
    );
    assert!(
        pages.contains(&"topics/xin-zhuan-ti/index.html".to_string()),
        "a new topic's listing"
    );
    assert!(
        !pages.contains(&"lessons/ren-ji-chong-tu/index.html".to_string()),
        "an unchanged page"
    );
    assert_eq!(s.doc_count(), count + 1);
    assert_eq!(
        postings_of(&s.out, "鲸鱼"),
        [count as u32],
        "the new document's number"
    );
    s.assert_matches_full_build("after adding a lesson");

    // 2. Moved: an older date (renumbers the documents after it), another grade and topic.
    let older = new_lesson("鲸鱼情绪课", "2020-03-01", "ren-ji-chong-tu.md")
        .replace("grade: 7", "grade: 8")
        .replace("新专题", "另一专题");
    s.change(&[(NEW, Some(older))]);
    assert!(
        !s.out.join("topics/xin-zhuan-ti").exists(),
        "the emptied topic's listing is gone"
    );
    s.assert_matches_full_build("after moving it");

    // 3. A review of it, and a link to it from an existing lesson (that lesson's body and
    //    page change; the new lesson's page now lists the review).
    let review = "---\ntitle: 鲸鱼课评课\ngrade: 8\ncourse: mental-health\nlesson: jing-yu-qing-xu\nreviewer: 王老师\nkind: 评课\ndate: 2025-01-02\n---\n\n好课。\n";
    let linking = std::fs::read_to_string(s.root.join(LESSON)).unwrap()
        + "\n见[鲸鱼课](jing-yu-qing-xu.md)。\n";
    s.change(&[
        (
            "content/reviews/jing-yu-ping-ke.md",
            Some(review.to_string()),
        ),
        (LESSON, Some(linking)),
    ]);
    s.assert_matches_full_build("after a review and a link");

    // 4. A new id (the file renamed): bodies linking to the old file now warn, so the quick
    //    path declines; the full build takes over.
    let text = std::fs::read_to_string(s.root.join(NEW)).unwrap();
    std::fs::remove_file(s.root.join(NEW)).unwrap();
    let renamed = s.root.join("content/lessons/junior/jing-yu.md");
    std::fs::write(&renamed, &text).unwrap();
    let refused = s.refresh(&[s.root.join(NEW), renamed.clone()]);
    assert!(
        matches!(refused, Err(Decline::Problem(_))),
        "a link to the renamed file is broken: {refused:?}"
    );
    std::fs::remove_file(&renamed).unwrap();
    std::fs::write(s.root.join(NEW), &text).unwrap();
    s.rebuild();

    // 5. Deleted again, link and review first: the portal is back to its first state.
    let original = std::fs::read_to_string(crate::common::repo_root().join(LESSON)).unwrap();
    s.change(&[
        (LESSON, Some(original)),
        ("content/reviews/jing-yu-ping-ke.md", None),
    ]);
    s.change(&[(NEW, None)]);
    assert_eq!(s.doc_count(), count);
    assert!(!s.out.join("lessons/jing-yu-qing-xu").exists());
    s.assert_matches_full_build("after deleting them");
}

/// Each of these makes a full build report a problem: the quick path declines, writing nothing.
#[test]
fn a_change_with_problems_is_left_to_a_full_build() {
    let duplicate = std::fs::read_to_string(crate::common::repo_root().join(LESSON)).unwrap();
    let broken_link = new_lesson("断链课", "2024-01-01", "no-such-lesson.md");
    // The short way of a body-only save declines the same.
    let broken_in_body = format!("{duplicate}\n见[另一课](no-such-lesson.md)。\n");
    let cases: [(&str, &str, Option<&str>); 4] = [
        (
            "a second file with one id",
            "content/lessons/senior/ren-ji-chong-tu.md",
            Some(&duplicate),
        ),
        ("a link to a missing lesson", NEW, Some(&broken_link)),
        (
            "a body edit linking to a missing lesson",
            LESSON,
            Some(&broken_in_body),
        ),
        ("deleting a lesson a review points to", LESSON, None),
    ];
    for (what, rel, text) in cases {
        let mut s = Session::start();
        let before = read_tree(&s.out);
        let path = s.root.join(rel);
        match text {
            Some(text) => std::fs::write(&path, text).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
        let refreshed = s.refresh(&[path]);
        assert!(
            matches!(refreshed, Err(Decline::Problem(_))),
            "{what}: the quick path must decline: {refreshed:?}"
        );
        assert_same_tree(&read_tree(&s.out), &before, what);
    }
}

/// A small deterministic random number generator (xorshift), so the sequence is reproducible.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every Markdown resource file of the site, relative to its root, sorted.
fn resource_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for kind in ["lessons", "videos", "reviews"] {
        for entry in walkdir::WalkDir::new(root.join("content").join(kind)) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with(".md") {
                files.push(rel);
            }
        }
    }
    files.sort();
    files
}

/// Random saves, deletions, copies and renames, each checked against a full build, under
/// several seeds and site settings. The quick path may decline only what a full build reports
/// a problem with. LECTERN_TEST_SEED=n runs one more sequence with that seed.
#[test]
fn random_structural_changes_equal_a_full_build() {
    // Two cards a listing page: every listing has several pages, which shift as resources
    // come and go.
    let mut variants: Vec<(&str, String, &str)> = vec![
        ("page_size: 2\n", "5eed1e57".into(), BASE_URL),
        ("page_size: 2\nlanguage: en\n", "c0ffee".into(), BASE_URL),
        (
            // the offline scripts (off by default) patched alongside the JSON files
            "page_size: 2\nsearch:\n  offline: true\n",
            "ba5eba11".into(),
            BASE_URL,
        ),
        (
            "page_size: 3\n",
            "d1ce".into(),
            "http://127.0.0.1:1111/portal/sub/",
        ),
    ];
    if let Ok(seed) = std::env::var("LECTERN_TEST_SEED") {
        variants.push(("page_size: 2\n", seed, BASE_URL));
    }
    for (config, seed, base_url) in variants {
        let seed = u64::from_str_radix(seed.trim_start_matches("0x"), 16)
            .or_else(|_| seed.parse())
            .expect("LECTERN_TEST_SEED is a number");
        random_sequence(config, seed, base_url);
    }
}

fn random_sequence(config: &str, seed: u64, base_url: &str) {
    let mut s = Session::start_with(config, base_url);
    let mut dice = Dice(seed.max(1));
    let context = format!("seed {seed:x}, {config:?}, base {base_url}");
    let topics = [
        "情绪管理",
        "人际交往",
        "生命教育",
        "压力管理",
        "新的专题",
        "自我认识",
    ];
    let (mut patched, mut declined) = (0, 0);
    for step in 0..24 {
        let files = resource_files(&s.root);
        let file = files[dice.below(files.len())].clone();
        let path = s.root.join(&file);
        let text = std::fs::read_to_string(&path).unwrap();
        let set = |text: &str, key: &str, value: &str| {
            let prefix = format!("{key}: ");
            text.lines()
                .map(|l| {
                    if l.starts_with(&prefix) {
                        format!("{key}: {value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        };
        let date = format!(
            "20{}-0{}-1{}",
            19 + dice.below(8),
            1 + dice.below(9),
            dice.below(10)
        );
        let (what, changed): (String, Vec<PathBuf>) = match dice.below(11) {
            0 => {
                let copy = path.with_file_name(format!("copy-{step}.md"));
                std::fs::write(&copy, set(&text, "date", &date)).unwrap();
                (format!("copy {file} dated {date}"), vec![copy])
            }
            1 => {
                std::fs::remove_file(&path).unwrap();
                (format!("delete {file}"), vec![path])
            }
            2 => {
                std::fs::write(&path, set(&text, "date", &date)).unwrap();
                (format!("date {file} {date}"), vec![path])
            }
            3 => {
                let pick = format!("[{}, {}]", topics[dice.below(6)], topics[dice.below(6)]);
                std::fs::write(&path, set(&text, "topics", &pick)).unwrap();
                (format!("topics {file} {pick}"), vec![path])
            }
            4 => {
                std::fs::write(&path, set(&text, "title", &format!("第{step}次改名"))).unwrap();
                (format!("title {file}"), vec![path])
            }
            5 => {
                let grade = (1 + dice.below(12)).to_string();
                std::fs::write(&path, set(&text, "grade", &grade)).unwrap();
                (format!("grade {file} {grade}"), vec![path])
            }
            6 => {
                // A link to another resource file, written relative to this one.
                let target = &files[dice.below(files.len())];
                let depth = file.matches('/').count();
                let link = format!("{}{target}", "../".repeat(depth));
                std::fs::write(&path, format!("{text}\n参见[另一份资源]({link})。\n")).unwrap();
                (format!("link {file} -> {target}"), vec![path])
            }
            7 => {
                // A new image, and a link to it from this resource.
                let image = s.root.join(format!("content/assets/images/new-{step}.svg"));
                std::fs::write(&image, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
                let depth = file.matches('/').count() - 1;
                let link = format!("{}assets/images/new-{step}.svg", "../".repeat(depth));
                std::fs::write(&path, format!("{text}\n![图]({link})\n")).unwrap();
                (format!("new image linked from {file}"), vec![image, path])
            }
            8 => {
                let assets = assets_of(&s.root);
                let asset = &assets[dice.below(assets.len())];
                std::fs::remove_file(s.root.join(asset)).unwrap();
                (format!("delete {asset}"), vec![s.root.join(asset)])
            }
            9 => {
                // The video catalog: one entry moved to another date.
                let catalog = s.root.join("content/videos/catalog.yaml");
                let yaml = std::fs::read_to_string(&catalog).unwrap();
                let dates: Vec<usize> = yaml.match_indices("  date: ").map(|(i, _)| i).collect();
                let at = dates[dice.below(dates.len())] + "  date: ".len();
                let moved = format!("{}{date}{}", &yaml[..at], &yaml[at + 10..]);
                std::fs::write(&catalog, moved).unwrap();
                (format!("catalog entry dated {date}"), vec![catalog])
            }
            _ => {
                let renamed = path.with_file_name(format!("renamed-{step}.md"));
                std::fs::rename(&path, &renamed).unwrap();
                (format!("rename {file}"), vec![path, renamed])
            }
        };
        let refreshed = s.refresh(&changed);
        let Err(why) = refreshed else {
            patched += 1;
            s.assert_matches_full_build(&format!("{context}: step {step}: {what}"));
            continue;
        };
        declined += 1;
        let scratch = s.tmp.path().join("declined");
        let diagnostics = plain_build(&s.root, &scratch, base_url);
        assert!(
            !diagnostics.is_empty(),
            "{context}: step {step}: {what}: declined ({why}), yet a full build finds no problem"
        );
        // Back to the sample portal, so that the next steps start from a site without problems.
        restore_sample(&s.root);
        s.rebuild();
    }
    assert!(
        patched >= 10,
        "{context}: {patched} patched, {declined} declined"
    );
}

/// Put the sample portal's content back as the repository has it.
fn restore_sample(root: &Path) {
    std::fs::remove_dir_all(root.join("content")).unwrap();
    copy_dir(
        &crate::common::repo_root().join("content"),
        &root.join("content"),
    );
}

/// A free page's body and a replaced asset: the page alone is rendered, the asset copied.
#[test]
fn a_free_page_body_and_a_replaced_asset_equal_a_full_build() {
    let mut s = Session::start();
    let pages = s.change(&[(
        "content/pages/about.md",
        Some(
            std::fs::read_to_string(s.root.join("content/pages/about.md")).unwrap()
                + "\n## 新的一节\n\n补充说明。\n",
        ),
    )]);
    assert_eq!(pages, ["about/index.html"]);
    s.assert_matches_full_build("after a free page's body edit");
    // A worksheet: copied, and the lesson that lists it rendered again (it shows the size).
    let asset = assets_of(&s.root)
        .into_iter()
        .find(|a| a.ends_with(".pdf"))
        .expect("the sample has worksheets");
    let mut pages = s.change(&[(asset.as_str(), Some("替换后的文件".to_string()))]);
    pages.sort();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(pages[0], asset.trim_start_matches("content/"));
    assert!(pages[1].starts_with("lessons/"), "{pages:?}");
    s.assert_matches_full_build("after replacing an asset");
    // A captions file: the video's transcript changes, and its search document.
    let captions = "content/assets/captions/kao-shi-jiao-lv.vtt";
    let text = std::fs::read_to_string(s.root.join(captions)).unwrap();
    let added = format!("{text}\n99\n00:40:20.000 --> 00:40:25.000\n<v 王思琪>鲸鱼也会紧张吗？\n");
    let pages = s.change(&[(captions, Some(added))]);
    assert!(
        pages.contains(&"videos/kao-shi-jiao-lv-shi-lu/index.html".to_string()),
        "{pages:?}"
    );
    assert!(
        !postings_of(&s.out, "鲸鱼").is_empty(),
        "the transcript is searched"
    );
    s.assert_matches_full_build("after editing a captions file");
    // Only a cue's time: the same text, but the search record carries the times.
    let text = std::fs::read_to_string(s.root.join(captions)).unwrap();
    let moved = text.replacen(
        "00:40:20.000 --> 00:40:25.000",
        "00:40:21.000 --> 00:40:25.000",
        1,
    );
    assert_ne!(moved, text);
    s.change(&[(captions, Some(moved))]);
    s.assert_matches_full_build("after moving a cue in time");
    // A new title is in every page's menu: every page changes, and is patched.
    let text = std::fs::read_to_string(s.root.join("content/pages/about.md")).unwrap();
    let pages = s.change(&[(
        "content/pages/about.md",
        Some(text.replacen("title: ", "title: 新", 1)),
    )]);
    assert!(pages.contains(&"index.html".to_string()), "{pages:?}");
    s.assert_matches_full_build("after a free page's new title");
    // A new free page, then deleted again.
    let help = "---\ntitle: 使用帮助\n---\n\n如何搜索资源。\n";
    s.change(&[("content/pages/help.md", Some(help.to_string()))]);
    assert!(s.out.join("help/index.html").is_file());
    s.assert_matches_full_build("after a new free page");
    s.change(&[("content/pages/help.md", None)]);
    s.assert_matches_full_build("after deleting it");
}

/// A new asset with a link to it, then the link and the asset gone again; an asset that a
/// lesson's front matter names cannot go without a full build (which reports it).
#[test]
fn new_and_deleted_assets_equal_a_full_build() {
    let mut s = Session::start();
    let image = "content/assets/images/xin-tu.svg";
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>";
    let original = std::fs::read_to_string(s.root.join(LESSON)).unwrap();
    let linking = format!("{original}\n![新图](../../assets/images/xin-tu.svg)\n");
    let pages = s.change(&[(image, Some(svg.to_string())), (LESSON, Some(linking))]);
    assert!(
        pages.contains(&"assets/images/xin-tu.svg".to_string()),
        "{pages:?}"
    );
    s.assert_matches_full_build("after a new image and a link to it");
    s.change(&[(LESSON, Some(original)), (image, None)]);
    assert!(!s.out.join("assets/images/xin-tu.svg").exists());
    s.assert_matches_full_build("after removing both");
    let named = s
        .served
        .site
        .catalog
        .resources
        .iter()
        .find_map(|r| r.asset_paths().first().map(|a| a.to_string()))
        .expect("a resource of the sample names an asset");
    let path = s.root.join("content/assets").join(&named);
    std::fs::remove_file(&path).unwrap();
    let refreshed = s.refresh(&[path]);
    assert_eq!(
        refreshed.map(|_| ()),
        Err(Decline::AssetStillNamed(format!("content/assets/{named}"))),
    );
}

/// Each reason to decline, with what `serve` prints for it; nothing is written.
#[test]
fn every_decline_says_why() {
    let mut s = Session::start();
    let touch = |s: &Session, rel: &str, text: &str| {
        let path = s.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    // Thousands of words new to the index: it needs more files, which only a full build makes.
    let words: Vec<String> = (0..40_000).map(|n| format!("w{n:05}x")).collect();
    let body = format!("{}\n\n## 教学目标", words.join(" "));
    let text =
        new_lesson("大词表", "2024-02-02", "ren-ji-chong-tu.md").replace("## 教学目标", &body);
    let big = touch(&s, "content/lessons/junior/da-ci-biao.md", &text);
    let refreshed = s.refresh(std::slice::from_ref(&big));
    assert_eq!(refreshed.map(|_| ()), Err(Decline::IndexResized));
    // The index state may be half-rearranged: serve builds everything after any decline.
    std::fs::remove_file(&big).unwrap();
    s.rebuild();
    let before = read_tree(&s.out);
    let cases = [
        (
            touch(&s, "site.yaml", "title: 改\n"),
            Decline::SiteConfig,
            "site.yaml changed",
        ),
        (
            touch(&s, "templates/page.html", "{{ page.title }}"),
            Decline::Theme("templates/page.html".into()),
            "a theme file changed: templates/page.html",
        ),
        (
            touch(&s, "content/lessons/.draft.md", "x"),
            Decline::Ignored("content/lessons/.draft.md".into()),
            "content/lessons/.draft.md is a hidden or temporary file",
        ),
        (
            touch(&s, "notes.txt", "x"),
            Decline::NotContent("notes.txt".into()),
            "notes.txt is not in a folder Lectern reads",
        ),
        (
            s.root.join("content/lessons/never-was.md"),
            Decline::Unknown("content/lessons/never-was.md".into()),
            "content/lessons/never-was.md was deleted before the site had it",
        ),
    ];
    for (path, decline, said) in cases {
        let refreshed = s.refresh(&[path]);
        assert_eq!(refreshed.as_ref().map(|_| ()), Err(&decline));
        assert_eq!(decline.to_string(), said);
    }
    // Files swapped for links to what lies outside the site: a full build skips them.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(
        &secret,
        new_lesson("外面的文件", "2024-02-02", "ren-ji-chong-tu.md"),
    )
    .unwrap();
    for rel in ["content/lessons/linked.md", "content/assets/linked.txt"] {
        let link = s.root.join(rel);
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let refreshed = s.refresh(std::slice::from_ref(&link));
        let decline = Decline::Link(rel.into());
        assert_eq!(refreshed.as_ref().map(|_| ()), Err(&decline));
        assert_eq!(
            decline.to_string(),
            format!("{rel} is a symbolic link, which a build skips")
        );
        std::fs::remove_file(&link).unwrap();
    }
    let broken = touch(&s, "content/lessons/broken.md", "---\ntitle: 坏\n---\n");
    match s.refresh(&[broken]) {
        Err(Decline::Problem(what)) => {
            assert!(what.starts_with("content/lessons/broken.md"), "{what}")
        }
        other => panic!("a file with a problem: {other:?}"),
    }
    assert_same_tree(
        &read_tree(&s.out),
        &before,
        "nothing is written on a decline",
    );
    // The served folder gone: the patch cannot be written.
    std::fs::remove_dir_all(&s.out).unwrap();
    std::fs::write(&s.out, "not a folder").unwrap();
    let lesson = s.root.join(LESSON);
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, format!("{text}\n补记。\n")).unwrap();
    assert!(matches!(s.refresh(&[lesson]), Err(Decline::Write(_))));
    assert_eq!(
        Decline::IndexResized.to_string(),
        "the search index needs another number of files"
    );
    // `serve` itself declines after a failed build: tests/suite/editor_loop.rs sees its log.
    assert_eq!(
        Decline::LastBuildFailed.to_string(),
        "the last build failed"
    );
}

/// The video catalog: an entry retitled, one more entry, then the file as it was.
#[test]
fn a_video_catalog_edit_equals_a_full_build() {
    let mut s = Session::start();
    let rel = "content/videos/catalog.yaml";
    let original = std::fs::read_to_string(s.root.join(rel)).unwrap();
    let retitled = original.replacen("  title: ", "  title: 新版", 1);
    s.change(&[(rel, Some(retitled.clone()))]);
    s.assert_matches_full_build("after retitling a catalog entry");
    let entry = "- id: xin-shi-pin\n  title: 新增的视频\n  grade: 9\n  course: mental-health\n  topics: [情绪管理]\n  url: \"https://media.example.org/x.mp4\"\n  date: 2026-01-05\n";
    let pages = s.change(&[(rel, Some(format!("{retitled}{entry}")))]);
    assert!(
        pages.contains(&"videos/xin-shi-pin/index.html".to_string()),
        "{pages:?}"
    );
    s.assert_matches_full_build("after a new catalog entry");
    s.change(&[(rel, Some(original))]);
    assert!(!s.out.join("videos/xin-shi-pin").exists());
    s.assert_matches_full_build("after restoring the catalog");
}

/// A lesson moved to another unit, aligned to a textbook for the first time, and unaligned:
/// the textbook page and the coverage map follow through the quick path.
#[test]
fn a_unit_change_updates_the_textbook_and_coverage_pages() {
    let mut s = Session::start();
    let rel = "content/lessons/junior/qin-zi-gou-tong.md";
    let pages = s.save(rel, |t| {
        t.replace("unit: 3\nperiod: 2", "unit: 1\nperiod: 1")
    });
    for page in [
        "lessons/qin-zi-gou-tong/index.html",
        "textbooks/daofa-7a/index.html",
        "coverage/index.html",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} not in {pages:?}");
    }
    let book = std::fs::read_to_string(s.out.join("textbooks/daofa-7a/index.html")).unwrap();
    let unit1 = &book[book.find("id=\"unit-1\"").unwrap()..book.find("id=\"unit-2\"").unwrap()];
    assert!(
        unit1.contains("qin-zi-gou-tong/"),
        "the lesson is now in unit 1"
    );
    s.assert_matches_full_build("after moving a lesson to another unit");
    // A lesson of another grade joins the 八年级 textbook; then the first leaves its textbook.
    s.save("content/lessons/junior/xue-xi-dong-li.md", |t| {
        t.replace("unit: 1\nperiod: 1", "unit: 3")
    });
    s.save(rel, |t| {
        t.replace("textbook: daofa-7a\nunit: 1\nperiod: 1\n", "")
    });
    let book = std::fs::read_to_string(s.out.join("textbooks/daofa-7a/index.html")).unwrap();
    assert!(!book.contains("qin-zi-gou-tong/"));
    s.assert_matches_full_build("after unaligning a lesson");
}

/// The CSV catalog: a row retitled, one more row, the file saved as GB18030 the way Excel on a
/// Chinese Windows saves it, then the file as it was.
#[test]
fn a_csv_catalog_edit_equals_a_full_build() {
    let mut s = Session::start();
    let rel = "content/videos/xiao-ben-shi-lu.csv";
    let original = std::fs::read_to_string(s.root.join(rel)).unwrap();
    let retitled = original.replacen(",《跌倒了", ",新版《跌倒了", 1);
    assert_ne!(retitled, original);
    s.change(&[(rel, Some(retitled.clone()))]);
    s.assert_matches_full_build("after retitling a CSV row");
    let row = "xin-csv-shi-pin,新增的表格视频,9,mental-health,情绪管理|压力管理,https://media.example.org/y.mp4,30:00,,,,2026-01-06,,\"一行新视频，带逗号\",,,\n";
    let pages = s.change(&[(rel, Some(format!("{retitled}{row}")))]);
    assert!(
        pages.contains(&"videos/xin-csv-shi-pin/index.html".to_string()),
        "{pages:?}"
    );
    s.assert_matches_full_build("after a new CSV row");
    let with_row = format!("{retitled}{row}");
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&with_row);
    assert!(!unmappable);
    let path = s.root.join(rel);
    std::fs::write(&path, &gbk).unwrap();
    let pages = s
        .refresh(&[path])
        .unwrap_or_else(|why| panic!("{why:?}"))
        .pages;
    assert!(pages.is_empty(), "the same rows in GB18030: {pages:?}");
    s.assert_matches_full_build("after saving the CSV as GB18030");
    s.change(&[(rel, Some(original))]);
    assert!(!s.out.join("videos/xin-csv-shi-pin").exists());
    s.assert_matches_full_build("after restoring the CSV catalog");
}

/// The asset files of the site, relative to its root, sorted.
fn assets_of(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root.join("content/assets"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// A body linking from the site's root (`/lessons/x/`) depends on that page: deleting the
/// lesson it names is a broken link a full build reports, so the quick path must decline.
#[test]
fn a_root_link_to_a_deleted_lesson_is_left_to_a_full_build() {
    let mut s = Session::start();
    s.change(&[(
        NEW,
        Some(new_lesson("鲸鱼情绪课", "2026-06-01", "ren-ji-chong-tu.md")),
    )]);
    let linking = std::fs::read_to_string(s.root.join(LESSON)).unwrap()
        + "\n另见[鲸鱼课](/lessons/jing-yu-qing-xu/)。\n";
    s.change(&[(LESSON, Some(linking))]);
    s.assert_matches_full_build("after a root link to the new lesson");
    std::fs::remove_file(s.root.join(NEW)).unwrap();
    let refreshed = s.refresh(&[s.root.join(NEW)]);
    assert!(
        matches!(&refreshed, Err(Decline::Problem(what)) if what.contains("/lessons/jing-yu-qing-xu/")),
        "{refreshed:?}"
    );
}

/// A generated captions file of `cues` cues three seconds apart (about 30 characters each),
/// the last one saying `last`.
fn long_captions(cues: usize, last: &str) -> String {
    let mut text = String::from("WEBVTT\n");
    for n in 0..cues {
        let (start, end) = (n * 3, n * 3 + 2);
        let line = if n + 1 == cues {
            last.to_string()
        } else {
            format!("第{n}句：同学们，我们一起想一想刚才小组讨论的发现。")
        };
        text += &format!(
            "\n{:02}:{:02}:{:02}.000 --> {:02}:{:02}:{:02}.000\n<v 王老师>{line}\n",
            start / 3600,
            start / 60 % 60,
            start % 60,
            end / 3600,
            end / 60 % 60,
            end % 60
        );
    }
    text
}

/// The transcript part files (`tr….json`) of the served index and their offline scripts
/// (`offline/tr….js`), under the generation folder.
fn transcript_parts(out: &Path) -> Vec<String> {
    read_tree(&out.join("search"))
        .into_keys()
        .filter(|path| {
            path.rsplit('/')
                .next()
                .is_some_and(|name| name.starts_with("tr"))
        })
        .map(|path| {
            path.split_once('/')
                .map_or(path.clone(), |(_, p)| p.to_string())
        })
        .collect()
}

/// A long transcript's later cues live in part files named by their content: editing the last
/// cue replaces one part, two videos with the same captions share parts, and a part goes
/// when no video lists it — always the files of a full build.
#[test]
fn long_transcripts_parts_equal_a_full_build() {
    let mut s = Session::start();
    let first = "content/assets/captions/kao-shi-jiao-lv.vtt";
    let second = "content/assets/captions/qing-xu-xiao-guai-shou.vtt";
    let short = std::fs::read_to_string(s.root.join(first)).unwrap();
    let second_short = std::fs::read_to_string(s.root.join(second)).unwrap();
    assert!(
        transcript_parts(&s.out).is_empty(),
        "the sample's transcripts fit in their records"
    );

    s.change(&[(
        first,
        Some(long_captions(500, "最后一句：鲸鱼飞过蒲公英。")),
    )]);
    let parts = transcript_parts(&s.out);
    assert!(parts.len() >= 4, "{parts:?}: the later cues in parts");
    s.assert_matches_full_build("after a long captions file");

    s.change(&[(first, Some(long_captions(500, "最后一句：鲸鱼游回大海。")))]);
    let edited = transcript_parts(&s.out);
    assert_eq!(edited.len(), parts.len());
    assert_eq!(
        edited.iter().filter(|p| parts.contains(p)).count(),
        parts.len() - 1,
        "the other parts stay, the last is replaced: {parts:?} → {edited:?}"
    );
    s.assert_matches_full_build("after editing the last cue");

    s.change(&[(second, Some(long_captions(500, "最后一句：鲸鱼游回大海。")))]);
    assert_eq!(
        transcript_parts(&s.out),
        edited,
        "equal captions share their parts"
    );
    s.assert_matches_full_build("after a second video with the same captions");

    s.change(&[(first, Some(short))]);
    assert_eq!(
        transcript_parts(&s.out),
        edited,
        "the second video still lists them"
    );
    s.assert_matches_full_build("after the first video's captions became short again");

    s.change(&[(second, Some(second_short))]);
    assert!(transcript_parts(&s.out).is_empty());
    s.assert_matches_full_build("after no video lists the parts");
}

/// A video's WebVTT chapters file (`chapters_file:`): an edited chapter reaches the page and
/// its `chapters.vtt` through the quick path; a file emptied of chapters drops the track.
#[test]
fn an_edited_chapters_file_equals_a_full_build() {
    let mut s = Session::start();
    let file = "content/assets/captions/ren-ji-chong-tu.chapters.vtt";
    let page = "videos/ren-ji-chong-tu-ke-tang/";
    let pages = s.save(file, |text| {
        text.replace("导入：一条让人误会的朋友圈", "导入：一张照片引起的误会")
    });
    assert!(pages.contains(&format!("{page}index.html")), "{pages:?}");
    assert!(pages.contains(&format!("{page}chapters.vtt")), "{pages:?}");
    let html = std::fs::read_to_string(s.out.join(page).join("index.html")).unwrap();
    assert!(html.contains("导入：一张照片引起的误会"));
    s.assert_matches_full_build("after editing a chapter's title");
    s.save(file, |text| {
        text.replace(
            "00:30:45.000 --> 00:39:20.000",
            "00:31:10.000 --> 00:39:20.000",
        )
    });
    assert!(
        std::fs::read_to_string(s.out.join(page).join("chapters.vtt"))
            .unwrap()
            .contains("00:31:10.000")
    );
    s.assert_matches_full_build("after moving a chapter");
    s.save(file, |_| "WEBVTT\n".to_string());
    assert!(
        !s.out.join(page).join("chapters.vtt").exists(),
        "no chapters, no track"
    );
    s.assert_matches_full_build("after emptying the chapters file");
}

/// The suggestion file `key` of the served index, parsed.
fn suggestions_of(out: &Path, key: &str) -> serde_json::Value {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/manifest.json")).unwrap()).unwrap();
    let generation = manifest["gen"].as_str().unwrap();
    let path = out.join(format!("search/{generation}/sg{key}.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_title_edit_updates_pinyin_and_suggestions_like_a_full_build() {
    let mut s = Session::start();
    assert!(postings_of(&s.out, "jing'yu").is_empty());
    assert!(!json_has(&suggestions_of(&s.out, "j"), "鲸鱼的旅行"));
    s.save(LESSON, |t| t.replacen("title: ", "title: 鲸鱼的旅行——", 1));
    assert_eq!(postings_of(&s.out, "jing'yu").len(), 1, "syllable pair");
    assert_eq!(postings_of(&s.out, "'jyd").len(), 1, "initials");
    let file = suggestions_of(&s.out, "j");
    let text = file.to_string();
    assert!(
        text.contains("jing yu de lv xing"),
        "the new title is suggested with its syllables: {text}"
    );
    s.assert_matches_full_build("after a title edit (pinyin, suggestions)");
    // And away again: the suggestion leaves with the title.
    let original = crate::common::repo_root();
    let text = std::fs::read_to_string(original.join(LESSON)).unwrap();
    s.save(LESSON, |_| text.clone());
    assert!(postings_of(&s.out, "jing'yu").is_empty());
    assert!(!suggestions_of(&s.out, "j").to_string().contains("鲸鱼"));
    s.assert_matches_full_build("after reverting the title");
}

fn json_has(value: &serde_json::Value, text: &str) -> bool {
    value.to_string().contains(text)
}
