//! Textbooks, units and the coverage map (issue 12, points 1–2): the repository's sample portal
//! (two textbooks, some lessons, videos and reviews aligned to their units) is built and its
//! `textbooks/`, `coverage/`, course and resource pages inspected; `lectern stats` in both
//! formats; and a site without `textbooks:` gets none of it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::common::*;

type Tree = BTreeMap<String, Vec<u8>>;

/// The sample portal copied into a temp dir (kept alive with its build).
fn sample() -> &'static (SiteCopy, Tree) {
    static BUILT: OnceLock<(SiteCopy, Tree)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let repo = repo_root();
        let site = empty_site();
        std::fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).unwrap();
        copy_dir(&repo.join("content"), &site.root.join("content"));
        let out = site.beside("public");
        build(&site.root, &out, &[]).success();
        let tree = read_tree(&out);
        (site, tree)
    })
}

fn page(tree: &Tree, path: &str) -> String {
    let bytes = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not built"));
    String::from_utf8(bytes.clone()).unwrap()
}

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = parse_html(html);
    doc.select(&selector(css))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn hrefs(html: &str, css: &str) -> Vec<String> {
    let doc = parse_html(html);
    doc.select(&selector(css))
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

#[test]
fn a_textbook_page_lists_its_units_in_order_and_marks_the_empty_ones() {
    let (_, tree) = sample();
    let html = page(tree, "textbooks/daofa-7a/index.html");
    let titles = texts(&html, ".unit-title");
    assert_eq!(
        titles,
        [
            "第 1 单元 成长的节拍",
            "第 2 单元 友谊的天空",
            "第 3 单元 师长情谊",
            "第 4 单元 生命的思考"
        ]
    );
    let empty = texts(&html, ".unit--empty .unit-title");
    assert_eq!(empty, ["第 1 单元 成长的节拍", "第 2 单元 友谊的天空"]);
    assert_eq!(texts(&html, ".unit--empty .unit-empty").len(), 2);
    // Unit 4: the lesson first, then its video and its review, all at lesson 2 (珍视生命).
    let unit4 = hrefs(&html, "#unit-4 .card-title a");
    assert_eq!(
        unit4,
        [
            "../../lessons/zhen-ai-sheng-ming/",
            "../../videos/zhen-ai-sheng-ming-shi-lu/",
            "../../reviews/zhen-ai-sheng-ming-shuo-ke/"
        ]
    );
    assert!(
        texts(&html, "#unit-4 .unit-period")
            .iter()
            .all(|p| p == "第 2 课 珍视生命")
    );
    // Every link of the page resolves to a built file.
    for href in link_hrefs(&html) {
        if let Some(target) = resolve_local("textbooks/daofa-7a/index.html", &href) {
            let target = target.unwrap();
            assert!(tree.contains_key(&target), "{href} → {target} is not built");
        }
    }
}

#[test]
fn the_textbook_index_course_pages_and_resource_pages_link_the_units() {
    let (_, tree) = sample();
    let index = page(tree, "textbooks/index.html");
    assert_eq!(
        hrefs(&index, ".textbook-list a"),
        ["../textbooks/daofa-7a/", "../textbooks/xinli-8/"]
    );
    let course = page(tree, "courses/morality-law/index.html");
    assert_eq!(
        hrefs(&course, ".course-textbooks a"),
        ["../../textbooks/daofa-7a/"]
    );
    let other = page(tree, "courses/class-meeting/index.html");
    assert!(
        !other.contains("course-textbooks"),
        "a course without textbooks lists none"
    );
    let lesson = page(tree, "lessons/qin-zi-gou-tong/index.html");
    let crumbs = texts(&lesson, ".breadcrumbs li");
    assert_eq!(
        crumbs[crumbs.len() - 2..],
        ["统编版 道德与法治 七年级上册", "第 3 单元 师长情谊"]
    );
    assert!(
        hrefs(&lesson, ".breadcrumbs a").contains(&"../../textbooks/daofa-7a/#unit-3".to_string())
    );
    let facts = texts(&lesson, ".meta > div");
    assert!(
        facts
            .iter()
            .any(|f| f == "单元第 3 单元 师长情谊、第 2 课 亲情之爱"),
        "{facts:?}"
    );
    // A video from the CSV catalog carries its unit too.
    let video = page(tree, "videos/xue-xi-dong-li-shi-lu/index.html");
    assert!(
        hrefs(&video, ".breadcrumbs a").contains(&"../../textbooks/xinli-8/#unit-1".to_string())
    );
    // An unaligned resource shows no textbook.
    let plain = page(tree, "lessons/fang-ni-shui/index.html");
    assert!(!plain.contains("textbooks/"));
}

#[test]
fn the_coverage_map_counts_each_cell_and_says_which_are_empty() {
    let (_, tree) = sample();
    let html = page(tree, "coverage/index.html");
    let rows = texts(&html, "table.coverage tbody tr");
    assert_eq!(rows.len(), 12, "one row per grade");
    assert_eq!(rows[0], "一年级 无 无 无 无", "empty cells say so in words");
    // Grade 7 × 道德与法治: 4 lessons, 2 videos, 1 review, each linking to the search listing them.
    let links = hrefs(&html, "table.coverage td a");
    for (kind, count) in [("lesson", 4), ("video", 2), ("review", 1)] {
        let href = format!("../search/?grade=7&course=morality-law&kind={kind}");
        assert!(links.contains(&href), "no link {href}");
        let doc = parse_html(&html);
        let a = doc
            .select(&selector(&format!("a[href=\"{href}\"] .count")))
            .next()
            .unwrap();
        assert_eq!(a.text().collect::<String>(), count.to_string());
    }
    // A zero inside a non-empty cell is not a link.
    assert!(
        !links
            .iter()
            .any(|l| l.contains("grade=5&course=morality-law&kind=video"))
    );
    let gaps = texts(&html, ".coverage-missing li");
    assert_eq!(
        gaps,
        [
            "第 1 单元 成长的节拍",
            "第 2 单元 友谊的天空",
            "第 3 单元 情绪的调色盘",
            "第 4 单元 青春的脚步"
        ]
    );
    // Linked from every page's footer, not from the main menu.
    let home = page(tree, "index.html");
    assert!(hrefs(&home, ".site-footer a").contains(&"coverage/".to_string()));
    assert!(!hrefs(&home, ".site-nav a").contains(&"coverage/".to_string()));
}

#[test]
fn stats_prints_the_coverage_figures_as_a_table_and_as_json() {
    let (site, tree) = sample();
    let root = site.root.to_str().unwrap();
    let run = lectern(["stats", "--root", root, "--format", "json"]);
    run.success();
    assert!(
        run.stderr.is_empty(),
        "stats warns about nothing here: {}",
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let pages = |dir: &str| {
        tree.keys()
            .filter(|k| {
                k.starts_with(dir) && k.matches('/').count() == 2 && k.ends_with("/index.html")
            })
            .count() as u64
    };
    assert_eq!(json["total"]["lesson"], pages("lessons/"));
    assert_eq!(json["total"]["video"], pages("videos/"));
    assert_eq!(json["total"]["review"], pages("reviews/"));
    let grade7 = &json["grades"][6];
    assert_eq!(grade7["number"], 7);
    let cell = grade7["courses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["course"] == "morality-law")
        .unwrap();
    assert_eq!(
        (
            cell["lesson"].as_u64(),
            cell["video"].as_u64(),
            cell["review"].as_u64()
        ),
        (Some(4), Some(2), Some(1))
    );
    assert_eq!(json["textbooks"][0]["slug"], "daofa-7a");
    assert_eq!(json["textbooks"][0]["term"], 1);
    assert_eq!(json["textbooks"][0]["edition"], "统编版");
    assert!(
        json["textbooks"][1].get("term").is_none(),
        "xinli-8 is for the whole year"
    );
    assert_eq!(
        json["textbooks"][0]["units_without_lessons"],
        serde_json::json!([1, 2])
    );
    assert_eq!(json["textbooks"][1]["units"][1]["video"], 1);
    let topic = json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "生命教育")
        .unwrap();
    assert_eq!(topic["slug"], "sheng-ming-jiao-yu");
    // The same run twice gives the same bytes.
    assert_eq!(
        lectern(["stats", "--root", root, "--format", "json"]).stdout,
        run.stdout
    );
    let text = lectern(["stats", "--root", root]);
    text.success();
    assert!(text.stdout.contains("mental-health"), "{}", text.stdout);
    assert!(
        text.stdout.contains("  7 七年级  -              4/2/1"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("unit 1  成长的节拍  -      no lesson plan"),
        "{}",
        text.stdout
    );
}

#[test]
fn stats_of_a_broken_site_reports_the_problem_and_fails() {
    let site = copy_site("full");
    site.write(
        "content/lessons/bad.md",
        "---\ntitle: x\ngrade: 7\ncourse: nope\n---\n",
    );
    let run = lectern(["stats", "--root", site.root.to_str().unwrap()]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("unknown course `nope`"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_site_without_textbooks_has_no_textbook_pages_or_fields() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    assert!(!tree.keys().any(|k| k.starts_with("textbooks/")));
    assert!(tree.contains_key("coverage/index.html"));
    for (path, html) in html_files(&tree) {
        for marker in ["textbooks/", "course-textbooks", "unit-"] {
            assert!(!html.contains(marker), "{path} has `{marker}`");
        }
    }
    let coverage = page(&tree, "coverage/index.html");
    assert!(!coverage.contains("coverage-gaps"));
    // The search index and page carry no textbook facet.
    assert!(!page(&tree, "search/index.html").contains("data-str-textbook"));
    for (path, bytes) in &tree {
        if path.ends_with("manifest.json") || path.ends_with("facets.json") {
            let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            assert!(json.get("textbooks").is_none(), "{path} has textbooks");
        }
    }
}

#[test]
fn a_textbook_of_another_course_is_a_warning_and_the_site_builds() {
    let site = copy_site("full");
    let path = site.root.join("content/lessons/junior/emotion-abc.md");
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/lessons/junior/emotion-abc.md",
        text.replacen("course: mental-health", "course: morality-law", 1),
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("textbook `xinli-8` is for course `mental-health`, but this resource's course is `morality-law`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/lessons/junior/emotion-abc.md:5:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_textbook_of_another_grade_or_term_is_a_warning_at_its_line() {
    let site = copy_site("full");
    let path = site.root.join("content/lessons/junior/emotion-abc.md");
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/lessons/junior/emotion-abc.md",
        text.replacen("grade: \"7-9\"", "grade: 9", 1)
            .replacen("term: 1", "term: 2", 1),
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    for expected in [
        "textbook `xinli-8` is for grade 8, but this resource is for grade 9",
        "content/lessons/junior/emotion-abc.md:5:1",
        "textbook `xinli-8` is for term 1 (上学期), but this lesson says `term: 2`",
        "content/lessons/junior/emotion-abc.md:11:1",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn a_video_or_review_filed_apart_from_its_lesson_is_a_warning() {
    let site = copy_site("full");
    let video = "content/videos/emotion-abc-class.md";
    let text = std::fs::read_to_string(site.root.join(video)).unwrap();
    site.write(
        video,
        text.replacen("course: mental-health", "course: morality-law", 1),
    );
    let review = "content/reviews/emotion-abc-shuo-ke.md";
    let text = std::fs::read_to_string(site.root.join(review)).unwrap();
    site.write(review, text.replacen("grade: 7", "grade: 1", 1));
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    for expected in [
        "this video's course is `morality-law`, but its lesson `emotion-abc` is of course `mental-health`",
        "content/videos/emotion-abc-class.md:4:1",
        "this review is filed under grade 1 (一年级), but its lesson `emotion-abc` is for grades 7, 8, 9 (七年级, 八年级, 九年级)",
        "write the lesson's grade here: `grade: [7, 8, 9]`",
        "content/reviews/emotion-abc-shuo-ke.md:3:1",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

/// A front-matter warning on a record that is otherwise fine reaches the editor (it was once
/// dropped with the record's other problems when there was no error among them).
#[test]
fn a_chapter_after_the_video_ends_is_a_warning_and_the_site_builds() {
    let site = copy_site("full");
    let rel = "content/videos/emotion-abc-class.md";
    let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
    site.write(
        rel,
        text.replacen(
            "{at: \"30:00\", title: 小结}",
            "{at: \"50:00\", title: 小结}",
            1,
        ),
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("the chapter `小结` at 50:00 starts after the video ends"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(rel), "{}", run.stderr);
}

/// An aligned lesson's JSON-LD names its textbook and unit (`educationalAlignment`).
#[test]
fn an_aligned_lesson_carries_its_unit_in_json_ld() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let html = page(&tree, "lessons/emotion-abc/index.html");
    let json = texts(&html, "script[type=\"application/ld+json\"]").join("");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let alignment = &value["educationalAlignment"];
    assert_eq!(alignment["@type"], "AlignmentObject", "{json}");
    assert_eq!(
        alignment["educationalFramework"], "心理健康 八年级",
        "{json}"
    );
    assert_eq!(alignment["targetName"], "2 情绪的秘密", "{json}");
}

/// `textbook:` without `unit:` is reported at the textbook's line; a `unit:` whose value is
/// refused gets its own error only.
#[test]
fn a_missing_or_bad_unit_is_reported_once_at_the_right_line() {
    let site = copy_site("full");
    let path = site.root.join("content/lessons/junior/emotion-abc.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let unit_line = text
        .lines()
        .find(|l| l.starts_with("unit:"))
        .expect("the fixture has a unit")
        .to_string();
    let textbook_line = 1 + text
        .lines()
        .position(|l| l.starts_with("textbook:"))
        .unwrap();
    let out = site.beside("public");
    site.write(
        "content/lessons/junior/emotion-abc.md",
        text.replacen(&format!("{unit_line}\n"), "", 1),
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    let place = format!("content/lessons/junior/emotion-abc.md:{textbook_line}:1");
    assert!(
        run.stderr.contains("is given without `unit:`") && run.stderr.contains(&place),
        "{place}: {}",
        run.stderr
    );
    site.write(
        "content/lessons/junior/emotion-abc.md",
        text.replacen(&unit_line, "unit: \"one\"", 1),
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(!run.stderr.contains("given without"), "{}", run.stderr);
    assert!(run.stderr.contains("unit"), "{}", run.stderr);
}

/// A unit and a lesson as an editor names them — `第二单元`, the unit's name, the lesson's
/// name — are read as their numbers; a name the textbook lacks is an error listing its units.
#[test]
fn a_unit_or_lesson_written_as_a_word_or_a_name_is_read() {
    let site = copy_site("full");
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let out = site.beside("public");
    for (unit, period) in [
        ("第二单元", "第1课"),
        ("情绪的秘密", "情绪ABC"),
        ("Unit 2", "1"),
    ] {
        site.write(
            lesson,
            text.replacen("unit: 2", &format!("unit: {unit}"), 1)
                .replacen("period: 1", &format!("period: {period}"), 1),
        );
        let run = build(&site.root, &out, &[]);
        run.success();
        let html = page(&read_tree(&out), "lessons/emotion-abc/index.html");
        let json = texts(&html, "script[type=\"application/ld+json\"]").join("");
        assert!(
            json.contains("\"targetName\":\"2 情绪的秘密\""),
            "{unit}: {json}"
        );
    }
    site.write(lesson, text.replacen("unit: 2", "unit: 情绪的密码", 1));
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    for expected in [
        "textbook `xinli-8` has no unit named `情绪的密码`",
        "content/lessons/junior/emotion-abc.md:6:1",
        "did you mean unit 2 (情绪的秘密)?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    // a name like none of them: every unit listed
    site.write(lesson, text.replacen("unit: 2", "unit: 完全不同的名字", 1));
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("2 情绪的秘密") && !run.stderr.contains("did you mean unit"),
        "{}",
        run.stderr
    );
}

/// A unit with a video but no lesson plan says so on its textbook's page, and the page counts
/// the units without lesson plans as `textbooks/` and `coverage/` do.
#[test]
fn a_unit_without_a_lesson_plan_says_so_and_the_counts_agree() {
    let site = copy_site("full");
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    // The lesson leaves unit 2; its video stays there.
    site.write(
        lesson,
        text.replacen("textbook: xinli-8\nunit: 2\nperiod: 1\n", "", 1),
    );
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let book = page(&tree, "textbooks/xinli-8/index.html");
    assert_eq!(
        texts(&book, "#unit-2 .unit-empty"),
        ["本单元尚无教学设计。"],
        "{book}"
    );
    let total = texts(&book, ".list-total").join("");
    let facts = texts(&page(&tree, "textbooks/index.html"), ".textbook-facts").join("");
    let count = |text: &str| {
        text.split(" · ")
            .find(|part| part.contains("尚无教学设计"))
            .map(str::to_string)
    };
    assert!(count(&total).is_some(), "{total}");
    assert_eq!(count(&total), count(&facts), "{total} / {facts}");
}
