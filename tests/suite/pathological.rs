//! Valid but extreme input, generated at test time. Each build runs the debug binary under a
//! 120 s wall-clock limit (the child is killed and the test fails past it) and must succeed,
//! or fail with a clear diagnostic, never hang, crash or overflow the stack.

use std::time::Duration;

use crate::common::*;

const LIMIT: Duration = Duration::from_secs(120);

const SITE_YAML: &str = "title: 极端输入\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n";

fn site_with_lesson(body: &str) -> SiteCopy {
    let site = empty_site();
    site.write("site.yaml", SITE_YAML);
    site.write(
        "content/lessons/big.md",
        format!("---\ntitle: 极端的教案\ngrade: 7\ncourse: mental-health\n---\n\n{body}\n"),
    );
    site
}

fn build_limited(site: &SiteCopy) -> (Run, std::path::PathBuf) {
    let out = site.beside("public");
    let run = lectern_with_timeout(
        [
            "build".as_ref(),
            "--root".as_ref(),
            site.root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        LIMIT,
    );
    (run, out)
}

/// Succeeded, or failed with a located diagnostic; never a crash or a signal.
#[track_caller]
fn assert_clean_outcome(run: &Run) {
    assert!(
        !run.stderr.contains("panicked"),
        "panic:\n{}",
        tail(&run.stderr)
    );
    assert!(
        !run.stderr.contains("overflow"),
        "stack overflow:\n{}",
        tail(&run.stderr)
    );
    match run.code {
        Some(0) => {}
        Some(1) => assert!(
            run.stderr.contains("--> content/"),
            "failed without saying where:\n{}",
            tail(&run.stderr)
        ),
        other => panic!(
            "exit {other:?} (killed by a signal?):\n{}",
            tail(&run.stderr)
        ),
    }
}

fn tail(text: &str) -> &str {
    let mut start = text.len().saturating_sub(3000);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

#[test]
fn a_20_mb_lesson_body() {
    let paragraph = "同学们在课堂上认识情绪、表达情绪、调节情绪，学习与自己和他人和平相处。Emotions matter.\n\n";
    let mut body = String::with_capacity(21 * 1024 * 1024);
    let mut n = 0;
    while body.len() < 20 * 1024 * 1024 {
        n += 1;
        if n % 500 == 0 {
            body.push_str(&format!("## 第 {n} 节\n\n"));
        }
        body.push_str(paragraph);
    }
    let site = site_with_lesson(&body);
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
    let page = std::fs::metadata(out.join("lessons/big/index.html"))
        .unwrap()
        .len();
    assert!(
        page > 20 * 1024 * 1024,
        "the page lost its body: {page} bytes"
    );
    // the search index does not copy the whole body
    let search: u64 = read_tree(&out.join("search"))
        .values()
        .map(|b| b.len() as u64)
        .sum();
    assert!(
        search < 8 * 1024 * 1024,
        "search index is {search} bytes for one lesson"
    );
    let peak_mib = run.peak_rss_kib / 1024;
    eprintln!(
        "20 MB body: {:.1} s, {peak_mib} MiB",
        run.elapsed.as_secs_f64()
    );
    assert!(
        peak_mib < 2048,
        "a 20 MB lesson made lectern use {peak_mib} MiB of memory"
    );
}

#[test]
fn blockquotes_nested_10000_deep() {
    let body = format!("{}最深处的一句话", "> ".repeat(10_000));
    let site = site_with_lesson(&body);
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    if run.code == Some(0) {
        let page = std::fs::read_to_string(out.join("lessons/big/index.html")).unwrap();
        assert!(page.contains("最深处的一句话"));
        let depth = page.matches("<blockquote>").count();
        assert!(depth >= 10_000, "only {depth} blockquotes were rendered");
    }
    eprintln!("nested quotes: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn a_list_nested_10000_deep() {
    let body = format!("{}最深的列表项", "- ".repeat(10_000));
    let site = site_with_lesson(&body);
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    if run.code == Some(0) {
        let page = std::fs::read_to_string(out.join("lessons/big/index.html")).unwrap();
        assert!(page.contains("最深的列表项"));
        let depth = page.matches("<li>").count();
        assert!(depth >= 10_000, "only {depth} list items were rendered");
    }
    eprintln!("nested list: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn a_list_nested_by_indentation() {
    // The usual way deep lists are written: two more spaces per level (2,000 levels ≈ 4 MB).
    let mut body = String::new();
    for level in 0..2_000 {
        body.push_str(&" ".repeat(level * 2));
        body.push_str(&format!("- 第{level}层\n"));
    }
    let site = site_with_lesson(&body);
    let (run, _) = build_limited(&site);
    assert_clean_outcome(&run);
    eprintln!("indented list: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn a_one_megabyte_single_line_code_block() {
    let line = "x = 1; ".repeat(1024 * 1024 / 7 + 1);
    let body = format!("```python\n{line}\n```\n");
    let site = site_with_lesson(&body);
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
    assert!(
        run.stderr.contains("code block too large to highlight"),
        "expected a warning that highlighting fell back:\n{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.contains("content/lessons/big.md:7:"),
        "{}",
        tail(&run.stderr)
    );
    let page = std::fs::metadata(out.join("lessons/big/index.html"))
        .unwrap()
        .len();
    assert!(page > 1024 * 1024);
    eprintln!("1 MB code line: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn two_thousand_small_lessons() {
    let site = empty_site();
    site.write("site.yaml", SITE_YAML);
    let topics = ["情绪管理", "考试焦虑", "人际交往", "生涯规划", "防溺水"];
    for i in 0..2_000 {
        let grade = i % 12 + 1;
        let topic = topics[i % topics.len()];
        let day = i % 28 + 1;
        site.write(
            &format!("content/lessons/g{grade}/lesson-{i:04}.md"),
            format!(
                "---\ntitle: 第{i}号教案\ngrade: {grade}\ncourse: mental-health\ntopics: [{topic}]\ndate: 2024-03-{day:02}\nsummary: 编号为{i}的教案。\n---\n\n## 教学目标\n\n第{i}课的目标。\n"
            ),
        );
    }
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["doc_count"], 2000);
    assert!(out.join("lessons/lesson-1999/index.html").is_file());
    // listings are paginated (default 24 per page)
    let pages = 2000_usize.div_ceil(24);
    assert!(
        out.join(format!("lessons/page/{pages}/index.html"))
            .is_file(),
        "no last listing page lessons/page/{pages}/"
    );
    assert!(
        !out.join(format!("lessons/page/{}/index.html", pages + 1))
            .exists()
    );
    eprintln!("2,000 lessons: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn twenty_thousand_headings_with_the_same_title() {
    // A long transcript repeats headings ("## 活动", "### 师"); each needs a unique id.
    // Finding `活动-19999` by trying -1, -2, … for every heading is quadratic.
    let body = "## 活动\n\n说明。\n\n".repeat(20_000);
    let site = site_with_lesson(&body);
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
    let page = std::fs::read_to_string(out.join("lessons/big/index.html")).unwrap();
    assert!(
        page.contains("id=\"活动-19999\""),
        "the last heading has no unique id"
    );
    eprintln!("20,000 equal headings: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn thirty_thousand_broken_links() {
    // Each broken link is an error with a source snippet; finding the snippet's line by
    // scanning the file from the top each time is quadratic.
    let body = "[另一课](missing.md)\n\n".repeat(30_000);
    let site = site_with_lesson(&body);
    let (run, _) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    // At most 50 problems per file are listed, then one line counting the rest.
    assert!(
        run.stderr
            .contains("29950 more link problems in this file are not shown")
            && run.stderr.contains("51 errors"),
        "{}",
        tail(&run.stderr)
    );
    eprintln!("30,000 broken links: {:.1} s", run.elapsed.as_secs_f64());
}

#[test]
fn eight_thousand_broken_links_on_one_line() {
    // Every diagnostic keeps a copy of its source line; on a 170 KB line that is 170 KB per
    // diagnostic (the renderer shows only 160 characters of it).
    let body = "[另一课](missing.md) ".repeat(8_000);
    let site = site_with_lesson(&body);
    let (run, _) = build_limited(&site);
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    let peak_mib = run.peak_rss_kib / 1024;
    eprintln!(
        "8,000 links on one line: {:.1} s, {peak_mib} MiB",
        run.elapsed.as_secs_f64()
    );
    assert!(
        peak_mib < 1024,
        "a 170 KB lesson made lectern use {peak_mib} MiB of memory"
    );
}

/// 25,000 plain entries in one catalog: once refused at ~17,800 as "too many aliases".
#[test]
fn a_catalog_of_25000_plain_entries() {
    let site = empty_site();
    site.write("site.yaml", SITE_YAML);
    let catalog: String = (0..25_000)
        .map(|i| {
            format!(
                "- id: v{i}\n  title: 课堂视频 {i}\n  grade: {}\n  course: mental-health\n  url: https://video.example.org/{i}.mp4\n  topics: [情绪, 合作]\n",
                i % 12 + 1
            )
        })
        .collect();
    site.write("content/videos/catalog.yaml", catalog);
    let run = lectern_with_timeout(
        ["check".as_ref(), "--root".as_ref(), site.root.as_os_str()],
        LIMIT,
    );
    assert_clean_outcome(&run);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
    eprintln!(
        "25,000-entry catalog checked in {:.1} s",
        run.elapsed.as_secs_f64()
    );
}

/// A lesson front matter with `title` and `topics` as given, built under the time limit.
fn build_front(title: &str, topics: &[String]) -> Run {
    let site = empty_site();
    site.write("site.yaml", SITE_YAML);
    let topics = topics
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    site.write(
        "content/lessons/big.md",
        format!("---\ngrade: 7\ncourse: mental-health\ntitle: \"{title}\"\ntopics: [{topics}]\n---\n\n正文。\n"),
    );
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    if run.code != Some(0) {
        assert!(!out.exists(), "a refused build wrote {}", out.display());
    }
    run
}

#[test]
fn sixteen_thousand_topics_are_refused_at_their_line() {
    let topics: Vec<String> = (0..16_000).map(|n| format!("话题{n}")).collect();
    let run = build_front("很多话题", &topics);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    assert!(
        run.stderr.contains("16000 topics, more than the 50"),
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.contains("content/lessons/big.md:5"),
        "{}",
        tail(&run.stderr)
    );
    // Fifty is still fine.
    let run = build_front("五十个话题", &topics[..50]);
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
}

#[test]
fn a_three_megabyte_title_and_a_long_topic_are_refused() {
    let title = "标题".repeat(3 * 1024 * 1024 / 6);
    let topics: Vec<String> = (0..200).map(|n| format!("话题{n}")).collect();
    let run = build_front(&title, &topics);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    assert!(
        run.stderr.contains("more than the 200 a title may have"),
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.contains("content/lessons/big.md:4"),
        "{}",
        tail(&run.stderr)
    );
    let run = build_front("一个长话题", &["话".repeat(51)]);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    assert!(
        run.stderr.contains("more than the 50 a topic may have"),
        "{}",
        tail(&run.stderr)
    );
}

/// A Word-made table of contents: 20,000 links to headings the lesson lacks, on one 500 KB
/// line. Each problem once kept a copy of the whole line (10 GB); now 50 are reported, with
/// a count of the rest, and the build stays small.
#[test]
fn twenty_thousand_broken_heading_links_on_one_line_are_capped() {
    let links: String = (0..20_000)
        .map(|i| format!("[第{i}节](#_Toc{}) ", 100_000 + i))
        .collect();
    let site = site_with_lesson(&links);
    let (run, _) = build_limited(&site);
    assert_clean_outcome(&run);
    run.expect_code(1);
    assert_eq!(
        run.stderr.matches("finds no such heading").count(),
        50,
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr
            .contains("… and 19950 more links to headings in this file find none"),
        "{}",
        tail(&run.stderr)
    );
    assert!(
        run.stderr.len() < 100_000,
        "{} bytes of errors",
        run.stderr.len()
    );
}

/// A summary of a megabyte, a name of a megabyte and a thousand chapters are errors at their
/// keys, not a 21 MB page; an attachment listed twice is a warning.
#[test]
fn oversized_summary_names_and_chapters_are_refused() {
    let site = empty_site();
    site.write("site.yaml", SITE_YAML);
    let long = "长".repeat(1_000_001);
    site.write(
        "content/lessons/big.md",
        format!("---\ntitle: 摘要太长\ngrade: 7\ncourse: mental-health\nsummary: {long}\nauthor: {long}\nschool: {long}\nattachments: [a.pdf, a.pdf]\n---\n\n正文\n"),
    );
    site.write("content/assets/a.pdf", "%PDF-1.4\n");
    let chapters: String = (0..1000)
        .map(|i| format!("  - {{at: \"{}:{:02}\", title: 第{i}段}}\n", i / 60, i % 60))
        .collect();
    site.write(
        "content/videos/v.md",
        format!("---\ntitle: 章节太多\ngrade: 7\ncourse: mental-health\nurl: https://example.org/v.mp4\nchapters:\n{chapters}---\n"),
    );
    let (run, out) = build_limited(&site);
    assert_clean_outcome(&run);
    run.expect_code(1);
    for (needle, key) in [
        ("the summary is 1000001 characters long", "summary:"),
        ("`author` is 1000001 characters long", "author:"),
        ("`school` is 1000001 characters long", "school:"),
        ("1000 chapters, more than the 500", "chapters:"),
        ("the attachment `a.pdf` is listed twice", "attachments:"),
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle}: {}",
            tail(&run.stderr)
        );
        assert!(run.stderr.contains(key), "{key}");
    }
    assert!(
        run.stderr.len() < 50_000,
        "errors echo the value: {} bytes",
        run.stderr.len()
    );
    assert!(!out.exists());
}

/// A template whose loops never end in practice (two nested `range`s, each under Tera's own
/// limit) is stopped at the page size limit, with the template named, instead of taking the
/// machine's memory (it once grew to 22 GB and was killed without a word).
#[test]
fn a_template_that_writes_without_end() {
    let site = site_with_lesson("正文。");
    site.write(
        "templates/lesson.html",
        "{% extends \"base.html\" %}{% block content %}{% for i in range(end=90000) %}{% for j in range(end=90000) %}0123456789abcdefghijklmnopqrstuvwxyz{% endfor %}{% endfor %}{% endblock content %}",
    );
    let (run, out) = build_limited(&site);
    run.expect_code(1);
    for expected in [
        "template `lesson.html` wrote more than 64 MiB",
        "--> templates/lesson.html",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected}\n{}",
            tail(&run.stderr)
        );
    }
    assert!(
        !out.exists(),
        "a failed first build writes no output folder"
    );
}

/// A template loop that writes nothing never reaches the page size limit: the build notices
/// that no page has finished for a while (here 2 s instead of the minute a user gets) and
/// stops, naming the template, instead of running for hours.
#[test]
fn a_template_that_loops_without_writing() {
    let site = site_with_lesson("正文。");
    site.write(
        "templates/lesson.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let out = site.beside("public");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&out)
        .env("LECTERN_RENDER_STALL_SECS", "2")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn lectern");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("the build did not stop within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "template `lesson.html` has rendered one page for over 2 s without finishing"
        ),
        "{stderr}"
    );
    assert!(
        !out.exists(),
        "a stopped first build writes no output folder"
    );
}
