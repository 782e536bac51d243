//! Builds the `full` fixture (tests/fixtures/sites/full) with the real binary and inspects the
//! output: the layout of DESIGN §4, cross-links, drafts, links that work from any sub-path and
//! from disk, ASCII URL paths, `--base-url`, reproducibility, `lectern check`, and the
//! repository's own sample portal.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::common::*;

type Tree = BTreeMap<String, Vec<u8>>;

/// The `full` fixture built once (default options) and read into memory; the temp dir is gone.
fn full() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| build_full(&[]))
}

fn build_full(extra: &[&str]) -> Tree {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, extra).success();
    read_tree(&out)
}

fn page(tree: &Tree, path: &str) -> String {
    let bytes = tree.get(path).unwrap_or_else(|| {
        panic!(
            "{path} was not built; files: {:?}",
            tree.keys().collect::<Vec<_>>()
        )
    });
    String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
}

/// Local files the `<a href>` links of `path` point at (resolved against the page's folder).
fn link_targets(tree: &Tree, path: &str) -> Vec<String> {
    link_hrefs(&page(tree, path))
        .iter()
        .filter_map(|h| resolve_local(path, h))
        .filter_map(Result::ok)
        .collect()
}

#[track_caller]
fn assert_links_to(tree: &Tree, from: &str, to: &str) {
    let targets = link_targets(tree, from);
    assert!(
        targets.iter().any(|t| t == to),
        "{from} has no link to {to}; it links to {targets:#?}"
    );
}

#[test]
fn every_page_of_the_layout_is_built() {
    let tree = full();
    let expected = [
        "index.html",
        "404.html",
        "about/index.html",
        // one page per resource
        "lessons/emotion-abc/index.html",
        "lessons/rule-of-law/index.html",
        "lessons/water-safety/index.html",
        "lessons/stress/index.html",
        "videos/emotion-abc-class/index.html",
        "videos/water-safety-micro/index.html",
        "videos/law-lecture/index.html",
        "reviews/emotion-abc-shuo-ke/index.html",
        "reviews/emotion-abc-ping-ke/index.html",
        // kind indexes
        "lessons/index.html",
        "videos/index.html",
        "reviews/index.html",
        // grades: a list [3, 4], a range "7-9", a single 8 and 11
        "grades/index.html",
        "grades/3/index.html",
        "grades/4/index.html",
        "grades/7/index.html",
        "grades/8/index.html",
        "grades/9/index.html",
        "grades/11/index.html",
        "courses/index.html",
        "courses/mental-health/index.html",
        "courses/morality-law/index.html",
        "courses/life-health/index.html",
        // topics become pinyin; the alias 情绪调节 folds into 情绪管理
        "topics/index.html",
        "topics/qing-xu-guan-li/index.html",
        "topics/fang-ni-shui/index.html",
        "topics/an-quan-jiao-yu/index.html",
        "topics/fa-zhi-jiao-yu/index.html",
        "topics/ya-li-guan-li/index.html",
        "stages/index.html",
        "stages/primary/index.html",
        "stages/junior/index.html",
        "stages/senior/index.html",
        "search/index.html",
        "search/manifest.json",
        "sitemap.xml",
        "feed.xml",
        "static/site.css",
        "static/syntax.css",
    ];
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|p| !tree.contains_key(*p))
        .collect();
    assert!(
        missing.is_empty(),
        "missing: {missing:?}\nbuilt: {:#?}",
        tree.keys().collect::<Vec<_>>()
    );
    assert!(
        !tree.contains_key("topics/qing-xu-tiao-jie/index.html"),
        "the alias 情绪调节 got its own topic page"
    );
    // grade 10 has only a draft
    assert!(!tree.contains_key("grades/10/index.html"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&tree["search/manifest.json"]).expect("manifest is JSON");
    assert_eq!(manifest["doc_count"], 9, "{manifest}");
    assert!(!page(tree, "static/syntax.css").trim().is_empty());
}

/// The home page's search hint gives the site's own two most used topics as examples, not
/// words a new portal may not hold.
#[test]
fn the_search_hint_names_the_sites_own_topics() {
    let home = page(full(), "index.html");
    let hint = home
        .split("<p class=\"hero-hint\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap();
    let chips: Vec<&str> = home
        .split("class=\"chip chip--top\"")
        .skip(1)
        .filter_map(|c| c.split('>').nth(1)?.split(" <").next())
        .take(2)
        .collect();
    assert_eq!(chips.len(), 2, "{home}");
    assert!(
        hint.contains(&format!("“{}”“{}”", chips[0], chips[1])),
        "{hint} {chips:?}"
    );
}

#[test]
fn assets_are_copied_byte_for_byte() {
    let tree = full();
    let assets = read_tree(&fixture("sites/full/content/assets"));
    assert!(!assets.is_empty());
    for (rel, bytes) in &assets {
        let out = format!("assets/{rel}");
        assert_eq!(tree.get(&out), Some(bytes), "{out} missing or changed");
    }
}

#[test]
fn resources_cross_link() {
    let tree = full();
    let lesson = "lessons/emotion-abc/index.html";
    let video = "videos/emotion-abc-class/index.html";
    let presentation = "reviews/emotion-abc-shuo-ke/index.html";
    let critique = "reviews/emotion-abc-ping-ke/index.html"; // names only `video:`
    // a lesson shows its videos and reviews
    assert_links_to(tree, lesson, video);
    assert_links_to(tree, lesson, presentation);
    assert_links_to(tree, lesson, critique);
    // a video links back to its lesson and shows its reviews
    assert_links_to(tree, video, lesson);
    assert_links_to(tree, video, critique);
    // a review links back to its lesson (through the video when it names only the video)
    assert_links_to(tree, presentation, lesson);
    assert_links_to(tree, critique, video);
    assert_links_to(tree, critique, lesson);
    // catalog entries link like Markdown videos
    assert_links_to(
        tree,
        "videos/water-safety-micro/index.html",
        "lessons/water-safety/index.html",
    );
    assert_links_to(
        tree,
        "lessons/water-safety/index.html",
        "videos/water-safety-micro/index.html",
    );
}

#[test]
fn lesson_body_features_render() {
    let tree = full();
    let html = page(tree, "lessons/rule-of-law/index.html");
    let doc = parse_html(&html);
    let count = |css: &str| doc.select(&selector(css)).count();
    assert!(count(".prose table") == 1, "table missing");
    assert!(
        count(".prose input[type=checkbox]") == 2,
        "task list missing"
    );
    assert!(
        count(".prose sup a[href^='#'], .prose .footnote-reference") >= 1,
        "footnote reference missing"
    );
    assert!(
        count(".prose .footnote-definition") == 1,
        "footnote definition missing"
    );
    let code = doc
        .select(&selector(".prose pre code"))
        .next()
        .expect("code block");
    assert!(
        code.html().contains("hl-"),
        "python was not highlighted: {}",
        code.html()
    );
    // the relative link to another lesson's .md became that lesson's page, fragment kept
    let hrefs = link_hrefs(&html);
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with("../../lessons/water-safety/#")),
        "the .md link was not rewritten: {hrefs:#?}"
    );
    let images: Vec<&str> = doc
        .select(&selector(".prose img"))
        .filter_map(|i| i.value().attr("src"))
        .collect();
    assert_eq!(images, ["../../assets/images/mood-meter.svg"]);

    // attachments: local files and an external address
    let lesson = "lessons/emotion-abc/index.html";
    assert_links_to(tree, lesson, "assets/worksheets/emotion-card.pdf");
    assert_links_to(tree, lesson, "assets/worksheets/emotion-abc-plan.docx");
    assert!(
        link_hrefs(&page(tree, lesson))
            .contains(&"https://example.org/slides/emotion-abc.pptx".to_string())
    );

    // the video plays the local file, with its poster and captions
    let video = parse_html(&page(tree, "videos/emotion-abc-class/index.html"));
    let player = video
        .select(&selector("video"))
        .next()
        .expect("a <video> player");
    assert_eq!(
        player.value().attr("poster"),
        Some("../../assets/posters/emotion-abc.svg")
    );
    let source = video
        .select(&selector("video source"))
        .next()
        .expect("<source>");
    assert_eq!(
        source.value().attr("src"),
        Some("../../assets/media/emotion-abc.mp4")
    );
    let track = video
        .select(&selector("video track"))
        .next()
        .expect("<track>");
    assert_eq!(
        track.value().attr("src"),
        Some("../../assets/captions/emotion-abc.vtt")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let tree = full();
    let draft = "lessons/secret-draft/index.html";
    assert!(!tree.contains_key(draft));
    let everywhere: Vec<&String> = tree
        .iter()
        .filter(|(_, bytes)| {
            String::from_utf8_lossy(bytes).contains("secret-draft")
                || String::from_utf8_lossy(bytes).contains("未完成的草稿课")
        })
        .map(|(k, _)| k)
        .collect();
    assert!(everywhere.is_empty(), "the draft leaks into {everywhere:?}");

    let with_drafts = build_full(&["--drafts"]);
    assert!(with_drafts.contains_key(draft));
    assert!(with_drafts.contains_key("grades/10/index.html"));
    assert!(String::from_utf8_lossy(&with_drafts["sitemap.xml"]).contains("lessons/secret-draft/"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&with_drafts["search/manifest.json"]).unwrap();
    assert_eq!(manifest["doc_count"], 10);
}

/// Every relative `href`/`src` (and `poster`, form `action`, the search page's `data-manifest`)
/// of every page names a file of the output.
/// Pages are addressed by folder (`dir/` → `dir/index.html`). Only 404.html, which is served
/// at any depth, may use `/`-rooted links, which then resolve against the output root.
fn broken_links(tree: &Tree) -> Vec<String> {
    let attrs = ["href", "src", "poster", "action", "data-manifest"];
    let any = selector("[href], [src], [poster], [action], [data-manifest]");
    let mut broken = Vec::new();
    for (path, html) in html_files(tree) {
        let doc = parse_html(&html);
        for element in doc.select(&any) {
            // the canonical address is absolute on purpose (base_url + path)
            if element.value().name() == "link" && element.value().attr("rel") == Some("canonical")
            {
                continue;
            }
            for attr in attrs {
                let Some(url) = element.value().attr(attr) else {
                    continue;
                };
                if url.trim_start().starts_with('/') && !url.starts_with("//") && path != "404.html"
                {
                    broken.push(format!("{path}: <{} {attr}=\"{url}\"> is /-rooted: breaks under a sub-path and from disk", element.value().name()));
                    continue;
                }
                match resolve_local(path, url) {
                    None => {}
                    Some(Err(why)) => broken.push(format!("{path}: {why}")),
                    Some(Ok(target)) if !tree.contains_key(&target) => broken.push(format!(
                        "{path}: <{} {attr}=\"{url}\"> → {target} does not exist",
                        element.value().name()
                    )),
                    Some(Ok(_)) => {}
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_resolves_to_a_file() {
    let broken = broken_links(full());
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// Output files and local link targets whose path is not ASCII.
fn non_ascii_paths(tree: &Tree) -> Vec<String> {
    let mut bad: Vec<String> = tree
        .keys()
        .filter(|k| !k.is_ascii())
        .map(|k| format!("file {k}"))
        .collect();
    for (path, html) in html_files(tree) {
        for href in link_hrefs(&html) {
            if let Some(Ok(target)) = resolve_local(path, &href)
                && (!target.is_ascii() || !href.split(['#', '?']).next().unwrap_or("").is_ascii())
            {
                bad.push(format!("{path}: link {href}"));
            }
        }
    }
    if let Some(sitemap) = tree.get("sitemap.xml") {
        for loc in String::from_utf8_lossy(sitemap).split("<loc>").skip(1) {
            let url = loc.split("</loc>").next().unwrap();
            if !url.is_ascii() {
                bad.push(format!("sitemap.xml: {url}"));
            }
        }
    }
    bad
}

#[test]
fn url_paths_are_ascii() {
    // the fixture's topics include 考试焦虑: 虑 is lǜ, whose plain pinyin has a ü
    let bad = non_ascii_paths(full());
    assert!(bad.is_empty(), "non-ASCII URL paths:\n{}", bad.join("\n"));
}

#[test]
fn a_path_base_url_writes_no_sitemap_or_feed_and_says_how_once() {
    let site = copy_site("full");
    let out = site.beside("public");
    let run = build(&site.root, &out, &["--base-url", "/portal/"]);
    run.success();
    let notes = run.notes();
    assert_eq!(notes.len(), 1, "{}", run.stderr);
    assert!(
        run.warnings().is_empty(),
        "a note, not a warning: {}",
        run.stderr
    );
    // the address came from the command line: the note says so, and names no site.yaml
    assert!(
        notes[0].contains("`--base-url /portal/` is not an absolute address")
            && run.stderr.contains("--base-url https://")
            && !run.stderr.contains("--> site.yaml"),
        "{}",
        run.stderr
    );
    let tree = read_tree(&out);
    assert!(!tree.contains_key("sitemap.xml") && !tree.contains_key("feed.xml"));
    // nothing links to the feed that is not there
    for (path, html) in html_files(&tree) {
        assert!(!html.contains("feed.xml"), "{path} links to feed.xml");
    }
    // a portal under a path (an intranet, a USB stick) is a choice, not a fault: --strict builds it
    build(&site.root, &out, &["--base-url", "/portal/", "--strict"]).success();
}

/// A host and a path written in Chinese reach the sitemap, the feed and the canonical links in
/// the ASCII form the sitemap protocol and phone scanners take.
#[test]
fn a_chinese_base_url_is_written_in_ascii() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &["--base-url", "https://心理.中国/门户"]).success();
    let tree = read_tree(&out);
    let ascii = "https://xn--15ty46b.xn--fiqs8s/%E9%97%A8%E6%88%B7/";
    let sitemap = page(&tree, "sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{ascii}lessons/emotion-abc/</loc>")),
        "{sitemap}"
    );
    assert!(sitemap.is_ascii(), "{sitemap}");
    let feed = page(&tree, "feed.xml");
    assert!(feed.contains(&format!("<id>{ascii}lessons/")), "{feed}");
    let lesson = page(&tree, "lessons/emotion-abc/index.html");
    assert!(lesson.contains(&format!("href=\"{ascii}lessons/emotion-abc/\"")));
}

/// A share card's picture (`og:image`) is the video's poster — but not an SVG one, which
/// WeChat and most link previews do not draw.
#[test]
fn a_share_card_shows_a_raster_poster_and_no_svg() {
    let base = "https://example.org/portal/";
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &["--base-url", base]).success();
    let video = page(&read_tree(&out), "videos/emotion-abc-class/index.html");
    assert!(!video.contains("og:image"), "an SVG poster");
    site.write(
        "content/assets/posters/emotion-abc.png",
        b"\x89PNG\r\n\x1a\n".as_slice(),
    );
    let file = site.root.join("content/videos/emotion-abc-class.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("posters/emotion-abc.svg", "posters/emotion-abc.png"),
    )
    .unwrap();
    build(&site.root, &out, &["--base-url", base]).success();
    let video = page(&read_tree(&out), "videos/emotion-abc-class/index.html");
    assert!(
        video.contains(&format!(
            r#"<meta property="og:image" content="{base}assets/posters/emotion-abc.png">"#
        )),
        "{video}"
    );
}

#[test]
fn base_url_goes_into_canonical_sitemap_and_feed_only() {
    let base = "https://example.org/portal/";
    let site = copy_site("full");
    // the theme's footer links to help/: give it one, so this test is only about the base URL
    site.write("content/pages/help.md", "---\ntitle: 帮助\n---\n\n帮助。\n");
    // the newest lesson names no author and no school
    site.write(
        "content/lessons/nameless.md",
        "---\ntitle: 无名\ngrade: 7\ncourse: mental-health\ndate: 2025-01-01\n---\n\n正文。\n",
    );
    let out = site.beside("public");
    build(&site.root, &out, &["--base-url", base]).success();
    let tree = read_tree(&out);
    let lesson = parse_html(&page(&tree, "lessons/emotion-abc/index.html"));
    let canonical = lesson
        .select(&selector("link[rel=canonical]"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .expect("canonical link");
    assert_eq!(canonical, format!("{base}lessons/emotion-abc/"));

    let sitemap = page(&tree, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|l| l.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() >= 30, "{sitemap}");
    assert!(locs.iter().all(|l| l.starts_with(base)), "{locs:#?}");
    assert!(
        locs.contains(&"https://example.org/portal/lessons/emotion-abc/"),
        "{locs:#?}"
    );

    let feed = page(&tree, "feed.xml");
    assert!(
        feed.contains(&format!("href=\"{base}lessons/emotion-abc/\"")),
        "{feed}"
    );
    assert!(feed.contains(&format!("href=\"{base}feed.xml\"")), "{feed}");
    // Atom: every entry has an author, the site's when it names none, and no empty name
    assert!(
        feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
        "{feed}"
    );
    assert!(!feed.contains("<name></name>"), "{feed}");
    let head = feed.split("<entry>").next().unwrap();
    assert!(head.contains("<author><name>"), "{feed}");
    assert!(
        !feed.contains("href=\"/"),
        "feed has a root-relative link: {feed}"
    );

    // links between pages stay relative
    let mut absolute = Vec::new();
    for (path, html) in html_files(&tree) {
        if path == "404.html" {
            continue;
        }
        for href in link_hrefs(&html) {
            if href.contains("example.org/portal") || href.starts_with('/') {
                absolute.push(format!("{path}: {href}"));
            }
        }
    }
    assert!(
        absolute.is_empty(),
        "links should stay relative: {absolute:#?}"
    );
    let broken = broken_links(&tree);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // 404.html is served at any depth, so it must use the full prefix
    let not_found = link_hrefs(&page(&tree, "404.html"));
    assert!(
        not_found
            .iter()
            .any(|h| h.starts_with(base) || h.starts_with("/portal/")),
        "404.html links do not carry the base: {not_found:?}"
    );
}

#[test]
fn building_twice_gives_identical_output() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let first = read_tree(&out);
    build(&site.root, &out, &[]).success();
    let second = read_tree(&out);
    assert_same_tree(&first, &second, "rebuild into the same folder");
    let other = site.beside("elsewhere");
    build(&site.root, &other, &[]).success();
    assert_same_tree(&first, &read_tree(&other), "build into another folder");
    assert!(
        leftovers_beside(&out).is_empty(),
        "{:?}",
        leftovers_beside(&out)
    );
}

#[test]
fn default_out_is_public_inside_the_root() {
    let site = copy_site("full");
    let run = lectern(["build".as_ref(), "--root".as_ref(), site.root.as_os_str()]);
    run.success();
    assert!(site.root.join("public/index.html").is_file());
    assert!(run.stderr.contains("Built"), "{}", run.stderr);
}

/// The repository's own sample portal (`site.yaml` + `content/` at the project root), built
/// once from a copy: (exit code, stderr, output files).
fn sample_portal() -> &'static (Option<i32>, String, Tree) {
    static BUILT: OnceLock<(Option<i32>, String, Tree)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let repo = repo_root();
        let site = empty_site();
        std::fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).unwrap();
        copy_dir(&repo.join("content"), &site.root.join("content"));
        let out = site.beside("public");
        let run = build(&site.root, &out, &[]);
        (run.code, run.stderr, read_tree(&out))
    })
}

/// The one warning a site with a path-only `base_url` (the default `/`) gets.
pub const NO_ABSOLUTE_BASE: &str = "note: sitemap.xml, feed.xml and the pages' QR codes are not made: base_url `/` is not an absolute address";

#[test]
fn the_sample_portal_builds_without_warnings() {
    let (code, stderr, tree) = sample_portal();
    assert_eq!(*code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The sample has no address of its own (`base_url: /`): no warning, one note says how to
    // give one.
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning") || l.starts_with("note:"))
        .collect();
    assert_eq!(
        said,
        [NO_ABSOLUTE_BASE],
        "the sample portal has warnings:\n{stderr}"
    );
    assert!(!tree.contains_key("sitemap.xml") && !tree.contains_key("feed.xml"));
    assert!(tree.contains_key("index.html"));
    let broken = broken_links(tree);
    assert!(
        broken.is_empty(),
        "sample portal: {} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn the_sample_portal_has_ascii_url_paths() {
    let (code, stderr, tree) = sample_portal();
    assert_eq!(*code, Some(0), "{stderr}");
    let bad = non_ascii_paths(tree);
    assert!(
        bad.is_empty(),
        "sample portal: non-ASCII URL paths:\n{}",
        bad.join("\n")
    );
}

#[test]
fn check_reports_no_problems_and_writes_nothing() {
    let site = copy_site("full");
    let before = read_tree(site.tmp.path());
    let run = lectern(["check".as_ref(), "--root".as_ref(), site.root.as_os_str()]);
    run.success();
    assert!(
        run.stdout.is_empty(),
        "check printed to stdout: {}",
        run.stdout
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_same_tree(&before, &read_tree(site.tmp.path()), "lectern check");
    assert_eq!(list_dir(site.tmp.path()), ["site"]);
}

#[test]
fn asset_names_with_url_special_characters_are_linked_percent_encoded() {
    // Teachers name files freely: a `#`, `?`, `%` or space in a file name must be
    // percent-encoded in the href, or the browser asks for another file.
    let site = copy_site("full");
    for name in ["x#1.pdf", "q?.pdf", "pct%41.pdf", "a b.pdf"] {
        site.write(&format!("content/assets/files/{name}"), name);
    }
    site.write(
        "content/lessons/odd-names.md",
        "---\ntitle: 特殊文件名\ngrade: 7\ncourse: mental-health\nattachments:\n  - \"files/x#1.pdf\"\n  - files/q?.pdf\n  - files/pct%41.pdf\n  - files/a b.pdf\n---\n\n[井号](../assets/files/x%231.pdf) [问号](../assets/files/q%3F.pdf) [空格](<../assets/files/a b.pdf>)\n",
    );
    site.write("content/pages/help.md", "---\ntitle: 帮助\n---\n\n帮助。\n");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let page = "lessons/odd-names/index.html";
    let mut bad = Vec::new();
    for href in link_hrefs(&String::from_utf8_lossy(&tree[page])) {
        if !href.contains("files/") {
            continue;
        }
        match resolve_local(page, &href) {
            // (a raw space is tolerated: browsers encode it themselves)
            Some(Ok(target)) if tree.contains_key(&target) => {}
            other => bad.push(format!("{href} → {other:?}")),
        }
    }
    assert!(
        bad.is_empty(),
        "links that do not reach their file:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_deleted_resource_disappears_on_rebuild() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    assert!(out.join("lessons/stress/index.html").is_file());
    std::fs::remove_file(site.root.join("content/lessons/senior/stress.md")).unwrap();
    build(&site.root, &out, &[]).success();
    assert!(
        !out.join("lessons/stress").exists(),
        "a stale page survived the rebuild"
    );
    assert!(!out.join("grades/11").exists());
    assert!(leftovers_beside(&out).is_empty());
}

/// `LecternSearchBundle({...});` → the object inside.
fn bundle_files(script: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    let text = std::str::from_utf8(script).unwrap();
    let inner = text
        .strip_prefix("LecternSearchBundle(")
        .and_then(|t| t.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("not a bundle: {}", &text[..text.len().min(80)]));
    serde_json::from_str(inner).unwrap()
}

#[test]
fn offline_scripts_carry_every_index_file_when_asked_and_pack_makes_the_same() {
    // By default a build writes no offline scripts: online they are half the index for nothing.
    let default = full();
    assert!(default.contains_key("search/manifest.json"));
    assert!(
        !default
            .keys()
            .any(|p| p.ends_with(".js") && p.starts_with("search/")),
        "no offline scripts by default"
    );
    let site = copy_site("full");
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{config}\nsearch: {{ offline: true }}\n"),
    );
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&tree["search/manifest.json"]).unwrap();
    let generation = manifest["gen"].as_str().unwrap();
    assert_eq!(
        bundle_files(&tree["search/manifest.js"])["manifest.json"],
        manifest
    );
    let prefix = format!("search/{generation}/");
    let mut carried = BTreeMap::new();
    for (path, bytes) in tree.range(format!("{prefix}offline/")..) {
        if !path.starts_with(&format!("{prefix}offline/")) {
            break;
        }
        for (key, value) in bundle_files(bytes) {
            assert!(carried.insert(key.clone(), value).is_none(), "{key} twice");
        }
    }
    let json_files: Vec<&String> = tree
        .keys()
        .filter(|p| p.starts_with(&prefix) && p.ends_with(".json"))
        .collect();
    assert!(json_files.len() > 10, "{json_files:?}");
    assert_eq!(carried.len(), json_files.len(), "one entry per index file");
    for path in json_files {
        let value: serde_json::Value = serde_json::from_slice(&tree[path]).unwrap();
        assert_eq!(carried[&path[prefix.len()..]], value, "{path}");
    }
    // `lectern pack` makes the scripts from the JSON files: byte for byte what the build wrote
    // (but for the manifest's `offline` layout key, which the browser defaults to the same).
    let packed = lectern::search::package_scripts(&out).unwrap();
    assert!(packed.len() > 2);
    for (path, bytes) in &packed {
        if path == "search/manifest.js" {
            continue;
        }
        assert_eq!(&tree[path], bytes, "{path}");
    }
    assert_eq!(
        packed.len(),
        tree.keys()
            .filter(|p| p.starts_with("search/") && p.ends_with(".js"))
            .count()
    );
}

/// A video's captions become its transcript, its chapters a list and a `chapters.vtt` track.
#[test]
fn a_video_shows_its_transcript_and_chapters() {
    let tree = full();
    let video = page(tree, "videos/emotion-abc-class/index.html");
    assert!(video.contains(
        r#"<track kind="chapters" srclang="zh-CN" label="课堂环节" src="chapters.vtt">"#
    ));
    // A cue names its speaker when the speaker changes; its time is text (video.js links it),
    // a `<time>` with a valid duration as its `datetime`.
    assert!(
        video.contains(
            r#"<li><time datetime="PT1S">0:01</time> <b>李敏：</b>今天我们来认识自己的想法。</li>"#
        ),
        "{video}"
    );
    assert!(video.contains(r#"<li><time datetime="PT3M20S">3:20</time> 同样被同学撞了一下"#));
    assert!(video.contains(
        r#"<li><time datetime="PT3M27S">3:27</time> <b>学生：</b>因为他们想的不一样！</li>"#
    ));
    assert!(
        video.contains(
            r##"<li><a href="#t=200"><span class="at">3:20</span> 新授：情绪ABC</a></li>"##
        ),
        "chapters are links"
    );
    assert!(video.contains("因为他们想的不一样！"));
    assert!(video.contains("static/video.js"));
    assert_eq!(
        page(tree, "videos/emotion-abc-class/chapters.vtt"),
        "WEBVTT\n\n1\n00:00:00.000 --> 00:03:20.000\n导入\n\n2\n00:03:20.000 --> 00:30:00.000\n新授：情绪ABC\n\n3\n00:30:00.000 --> 00:41:05.000\n小结\n"
    );
    // Pages without a transcript do not load the video script.
    assert!(!page(tree, "lessons/emotion-abc/index.html").contains("video.js"));
}

/// A WebVTT chapters file (`chapters_file:`) gives the same chapter list and `chapters.vtt`
/// track as the `chapters:` list it replaces; a chapter after the video's end is warned about
/// at its line and left out.
#[test]
fn a_chapters_file_shows_as_the_chapters_list_does() {
    let site = copy_site("full");
    let video = site.root.join("content/videos/emotion-abc-class.md");
    let text = std::fs::read_to_string(&video).unwrap();
    let list = "chapters:\n  - {at: \"00:00\", title: 导入}\n  - {at: \"03:20\", title: 新授：情绪ABC}\n  - {at: \"30:00\", title: 小结}\n";
    assert!(text.contains(list));
    std::fs::write(
        &video,
        text.replace(list, "chapters_file: captions/emotion-abc.chapters.vtt\n"),
    )
    .unwrap();
    site.write(
        "content/assets/captions/emotion-abc.chapters.vtt",
        "\u{feff}WEBVTT\r\n\r\nNOTE 课堂环节\r\n\r\n1\r\n00:00.000 --> 03:20.000\r\n导入\r\n\r\n2\r\n03:20.000 --> 30:00.000\r\n新授：情绪ABC\r\n\r\n00:30:00.000 --> 00:41:05.000\r\n小结\r\n\r\n00:45:00.000 --> 00:50:00.000\r\n<b>课后</b>\r\n",
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("content/assets/captions/emotion-abc.chapters.vtt:16:1")
            && run
                .stderr
                .contains("this chapter starts at 45:00, after the video ends (41:05)"),
        "{}",
        run.stderr
    );
    let tree = read_tree(&out);
    let from_file = page(&tree, "videos/emotion-abc-class/index.html");
    let from_list = page(full(), "videos/emotion-abc-class/index.html");
    let chapters = |html: &str| {
        let doc = parse_html(html);
        doc.select(&selector(".chapters li"))
            .map(|li| li.html())
            .collect::<Vec<_>>()
    };
    assert_eq!(chapters(&from_file).len(), 3);
    assert_eq!(chapters(&from_file), chapters(&from_list));
    assert!(from_file.contains(
        r#"<track kind="chapters" srclang="zh-CN" label="课堂环节" src="chapters.vtt">"#
    ));
    assert_eq!(
        page(&tree, "videos/emotion-abc-class/chapters.vtt"),
        page(full(), "videos/emotion-abc-class/chapters.vtt")
    );
}

/// Captions and chapters files are UTF-8, as Markdown is: one saved as GBK or UTF-16 is an
/// error at its first bad byte, not a transcript of replacement characters.
#[test]
fn captions_in_another_encoding_are_an_error_at_the_first_bad_byte() {
    let site = copy_site("full");
    let captions = site.root.join("content/assets/captions/emotion-abc.vtt");
    // "中文字幕" in GBK, on the cue's text line (line 4).
    let gbk = [
        b"WEBVTT\n\n00:01.000 --> 00:02.000\n".as_slice(),
        &[0xD6, 0xD0, 0xCE, 0xC4, 0xD7, 0xD6, 0xC4, 0xBB],
        b"\n",
    ]
    .concat();
    std::fs::write(&captions, gbk).unwrap();
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("content/assets/captions/emotion-abc.vtt:4")
            && run.stderr.contains("not valid UTF-8")
            && run.stderr.contains("re-save the file as UTF-8"),
        "{}",
        run.stderr
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("WEBVTT\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(&captions, utf16).unwrap();
    let run = build(&site.root, &site.beside("public"), &[]);
    assert!(run.stderr.contains("saved as UTF-16"), "{}", run.stderr);
}

/// Times a review cites (`【03:20】`, `[0:01]`) link to that moment of its video; in code they
/// stay text.
#[test]
fn a_review_links_its_cited_times_to_the_video() {
    let review = page(full(), "reviews/emotion-abc-ping-ke/index.html");
    assert!(
        review.contains(
            r##"<a class="time-link" href="../../videos/emotion-abc-class/#t=200">【03:20】</a>"##
        ),
        "{review}"
    );
    assert!(review.contains(r##"href="../../videos/emotion-abc-class/#t=1">[0:01]</a>"##));
    assert!(review.contains("<code>[12:34]</code>"));
    assert!(!review.contains("lectern-video:"));
}

/// Every build ends with the bytes a visitor pays; `budget:` makes an overrun a warning, and
/// `--strict` an error (measured on the staged site before the swap).
#[test]
fn a_build_says_what_a_visitor_pays_and_warns_over_budget() {
    let site = copy_site("full");
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("Visitor pays (gzip): home "))
        .unwrap_or_else(|| panic!("no visitor line:\n{}", run.stderr));
    assert!(line.contains(", search “情绪管理” "), "{line}");
    assert!(line.contains(", heaviest page "), "{line}");
    assert!(run.warnings().iter().all(|w| !w.contains("budget")));
    build(&site.root, &out, &["--strict"]).success(); // so the failure below is the budget's

    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{config}\nbudget: {{ first_view_kb: 1, search_kb: 1000 }}\n"),
    );
    let over = build(&site.root, &out, &[]);
    over.success();
    let warnings = over.warnings();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("over the budget"))
            .count(),
        1,
        "{}",
        over.stderr
    );
    assert!(over.stderr.contains("first_view_kb"), "{}", over.stderr);
    build(&site.root, &out, &["--strict"]).expect_code(1);

    site.write(
        "site.yaml",
        format!("{config}\nbudget: {{ first_kb: 1 }}\n"),
    );
    let typo = build(&site.root, &out, &[]);
    typo.expect_code(1);
    assert!(typo.stderr.contains("first_kb"), "{}", typo.stderr);
}

#[test]
fn attachments_show_their_size_and_large_ones_are_warned_about() {
    let site = copy_site("full");
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    let lesson =
        String::from_utf8_lossy(&read_tree(&out)["lessons/emotion-abc/index.html"]).into_owned();
    assert!(
        lesson.contains("<span class=\"attachment-size\">95 B</span>"),
        "{lesson}"
    );
    assert!(
        !run.stderr.contains("MB this site allows"),
        "{}",
        run.stderr
    );

    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    std::fs::write(
        site.root.join("site.yaml"),
        format!("{yaml}\nmax_attachment_mb: 0\n"),
    )
    .unwrap();
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning: attachment `worksheets/emotion-card.pdf` is 95 B, more than the 0 MB this site allows"
        ) && run.stderr.contains("content/lessons/junior/emotion-abc.md:")
            && run.stderr.contains("`max_attachment_mb` in site.yaml sets the limit"),
        "{}",
        run.stderr
    );
    let strict = build(&site.root, &out, &["--strict"]);
    strict.expect_code(1);
}

/// `[课堂实录](../videos/x.md#t=60)`: a time link to another page is not a heading to look for.
#[test]
fn a_lesson_links_to_a_moment_of_a_video_by_its_file() {
    let site = copy_site("full");
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    site.write(
        lesson,
        format!("{text}\n见[课堂实录](../../videos/emotion-abc-class.md#t=60)，[再看](/videos/emotion-abc-class/#t=1:05)。\n"),
    );
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let page = std::fs::read_to_string(out.join("lessons/emotion-abc/index.html")).unwrap();
    assert!(
        page.contains(r##"href="../../videos/emotion-abc-class/#t=60""##),
        "{page}"
    );
}

/// A link to a draft is a warning that drops the link (its text stays), as a video's `lesson:`
/// to a draft is — not "does not exist", which would break the site for marking a lesson draft.
#[test]
fn a_link_to_a_draft_is_left_out_with_a_warning() {
    let site = copy_site("full");
    site.write(
        "content/lessons/junior/dr.md",
        "---\ntitle: 草稿课\ngrade: 7\ncourse: mental-health\ndraft: true\n---\n\n草稿。\n",
    );
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    site.write(lesson, format!("{text}\n另见[草稿课](dr.md)。\n"));
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("`dr.md` is a draft")),
        "{:?}",
        run.warnings()
    );
    let page = std::fs::read_to_string(out.join("lessons/emotion-abc/index.html")).unwrap();
    assert!(
        page.contains("另见草稿课。"),
        "the link's text stays, without the link"
    );
    build(&site.root, &site.beside("with-drafts"), &["--drafts"]).success();
    let page = std::fs::read_to_string(
        site.beside("with-drafts")
            .join("lessons/emotion-abc/index.html"),
    )
    .unwrap();
    assert!(
        page.contains(r#"<a href="../../lessons/dr/">草稿课</a>"#),
        "{page}"
    );
}

/// Names a Windows PC cannot store (a portal copied there loses them) are warned about.
#[test]
fn names_windows_refuses_are_warned_about() {
    let site = copy_site("full");
    site.write("content/assets/a?.txt", "x");
    site.write("content/assets/CON.pdf", "x");
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    let warnings = run.warnings();
    assert!(
        warnings.iter().any(|w| w.contains("the name holds `?`")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`CON` is a device name")),
        "{warnings:?}"
    );
}

/// One topic written two ways (考試焦慮 / 考试焦虑, PPT / ppt) is two topic pages: a warning at
/// the rarer spelling, naming the common one.
#[test]
fn a_topic_written_two_ways_is_warned_about() {
    let site = copy_site("full");
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let edited = text.replacen("topics: [", "topics: [考試焦慮, ", 1);
    assert_ne!(edited, text, "the fixture lists its topics in brackets");
    site.write(lesson, edited);
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    let warnings = run.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("topic `考試焦慮` is also written `考试焦虑`")),
        "{warnings:?}"
    );
}

/// An English portal says the review kinds, the speakers' separator and the captions' label
/// in English; Chinese captions keep their own language.
#[test]
fn an_english_site_names_review_kinds_speakers_and_captions_in_english() {
    let site = copy_site("full");
    let yaml = site.root.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("language: zh-CN", "language: en")).unwrap();
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let review = page(&tree, "reviews/emotion-abc-ping-ke/index.html");
    assert!(
        review.contains(">Critique</span>") && !review.contains("评课</span>"),
        "{review}"
    );
    let video = page(&tree, "videos/emotion-abc-class/index.html");
    // The captions are in Chinese: their language is theirs, the label the portal's.
    assert!(video.contains(r#"<track kind="captions" srclang="zh-CN" label="Captions""#));
    assert!(
        video.contains(r#"<ol class="moments transcript-cues" lang="zh-CN">"#)
            && video.contains(r#"<track kind="chapters" srclang="zh-CN""#)
            && video.contains(r#"<ol class="moments" lang="zh-CN">"#),
        "the Chinese transcript and chapters say their language"
    );
    assert!(video.contains(": </b>") && !video.contains("：</b>"));
    // A count of one is singular (a topic with one resource).
    let ones: Vec<&String> = tree
        .iter()
        .filter(|(_, html)| {
            String::from_utf8_lossy(html).contains("class=\"list-total\">1 resource")
        })
        .map(|(rel, _)| rel)
        .collect();
    assert!(!ones.is_empty(), "a listing of one resource");
    for (rel, html) in &tree {
        assert!(
            !String::from_utf8_lossy(html).contains(">1 resources<"),
            "{rel}"
        );
    }
}

/// A review citing times with no video to play them shows the times as text and says why.
#[test]
fn times_in_a_review_without_a_video_are_text_and_a_warning() {
    let site = copy_site("full");
    site.write(
        "content/reviews/stress-review.md",
        "---\ntitle: 评《压力管理》\ngrade: 10\ncourse: mental-health\nlesson: stress\nreviewer: 李敏\nkind: 评课\n---\n\n导入部分（见 [05:00]）节奏得当。\n",
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr.contains("content/reviews/stress-review.md:10")
            && run.stderr.contains("it has no video to play them"),
        "{}",
        run.stderr
    );
    let html = page(&read_tree(&out), "reviews/stress-review/index.html");
    assert!(
        html.contains("（见 [05:00]）") && !html.contains("#t=300"),
        "{html}"
    );
}

/// A review naming no video, whose lesson has two: its times link to the first, and the
/// build says so, since a third video could change which one.
#[test]
fn times_linked_to_one_of_several_videos_are_a_warning() {
    let site = copy_site("full");
    let video =
        std::fs::read_to_string(site.root.join("content/videos/emotion-abc-class.md")).unwrap();
    site.write(
        "content/videos/emotion-abc-second.md",
        video.replace("title: ", "title: 第二课时 "),
    );
    site.write(
        "content/reviews/emotion-abc-times.md",
        "---\ntitle: 评《情绪ABC》\ngrade: 7\ncourse: mental-health\nlesson: emotion-abc\nreviewer: 李敏\nkind: 评课\n---\n\n导入（[01:00]）自然。\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    assert!(
        run.stderr
            .contains("content/reviews/emotion-abc-times.md:10")
            && run.stderr.contains("the first of its lesson's 2 videos"),
        "{}",
        run.stderr
    );
}

/// Addresses a Windows PC can hold: a topic named like a device gets a word added, a `slug:`
/// that is a device name is an error; a topic whose pinyin another topic already has is
/// numbered, with a warning that the number may move.
#[test]
fn device_names_and_topics_alike_in_pinyin_get_lasting_addresses() {
    let site = copy_site("full");
    let lesson = "content/lessons/primary/water-safety.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let topics_line = text
        .lines()
        .find(|l| l.starts_with("topics:"))
        .unwrap()
        .to_string();
    site.write(
        lesson,
        text.replace(&topics_line, "topics: [情绪, 清虚, CON]"),
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("topic `清虚` reads like `情绪` in pinyin, so its page is topics/qing-xu-2/"),
        "{}",
        run.stderr
    );
    assert!(out.join("topics/qing-xu/index.html").is_file());
    assert!(out.join("topics/con-topic/index.html").is_file() && !out.join("topics/con").exists());
    site.write(
        lesson,
        text.replace("---\ntitle:", "---\nslug: aux\ntitle:"),
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("`aux` is a device name on Windows"),
        "{}",
        run.stderr
    );
}

/// Links from a site's root (`/videos/x/#…`) are checked like relative ones: a heading that
/// is not there is an error; a time link says when it is no time or its page has no player.
#[test]
fn rooted_fragment_and_time_links_are_checked() {
    let site = copy_site("full");
    let lesson = "content/lessons/primary/water-safety.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let links = "\n\n[无此节](/videos/emotion-abc-class/#nope) [字幕](/videos/emotion-abc-class/#transcript-title) [好](/videos/emotion-abc-class/#t=12:34) [坏时间](/videos/emotion-abc-class/#t=abc) [无播放器](/lessons/emotion-abc/#t=10) [列表](/grades/7/#x) [本页](#t=30) [带参数](/videos/emotion-abc-class/?from=wechat#nope2)\n";
    site.write(lesson, format!("{text}{links}"));
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: link to"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: link to `#nope` on videos/emotion-abc-class/ finds no such heading",
            "error: link to `#nope2` on videos/emotion-abc-class/ finds no such heading"
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`#t=abc` is not a time"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`lessons/emotion-abc/` has no video player"),
        "{}",
        run.stderr
    );
    // On its own page too: a lesson has no player.
    assert!(
        run.stderr
            .contains("`lessons/water-safety/` has no video player"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("is not a time").count(),
        1,
        "{}",
        run.stderr
    );
}

/// The code colours are loaded by the pages that show code, and by no other.
#[test]
fn only_pages_with_code_load_the_code_colours() {
    let with_code = page(full(), "lessons/rule-of-law/index.html");
    assert!(with_code.contains("static/syntax.css?v="), "{with_code}");
    for path in [
        "lessons/emotion-abc/index.html",
        "videos/emotion-abc-class/index.html",
        "index.html",
        "search/index.html",
    ] {
        assert!(!page(full(), path).contains("syntax.css"), "{path}");
    }
}

/// A YAML video catalog that is empty says so; one written as a single entry, not a list,
/// says how a catalog is written.
#[test]
fn an_empty_or_unlisted_video_catalog_says_what_it_is() {
    let site = copy_site("full");
    site.write("content/videos/empty.yaml", "");
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    assert!(
        run.stderr.contains("the video catalog is empty"),
        "{}",
        run.stderr
    );
    site.write(
        "content/videos/empty.yaml",
        "id: a1\ntitle: 甲\ngrade: 5\ncourse: mental-health\nurl: https://example.org/a.mp4\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("a catalog is a list of entries: start each with `- `"),
        "{}",
        run.stderr
    );
}

/// A stage with no resources has no page: no page links to one (the footer lists the
/// stages that have resources).
#[test]
fn no_page_links_to_a_stage_without_resources() {
    let site = copy_site("full");
    std::fs::remove_dir_all(site.root.join("content/lessons/senior")).unwrap();
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    assert!(!out.join("stages/senior").exists());
    let tree = read_tree(&out);
    for (rel, bytes) in tree.iter().filter(|(rel, _)| rel.ends_with(".html")) {
        assert!(
            !String::from_utf8_lossy(bytes).contains("stages/senior/"),
            "{rel} links the empty stage"
        );
    }
    assert!(page(&tree, "index.html").contains("stages/junior/"));
}

/// A cue with no words (only formatting tags) gives no empty transcript line.
#[test]
fn an_empty_cue_gives_no_transcript_line() {
    let site = copy_site("full");
    let vtt = site.root.join("content/assets/captions/emotion-abc.vtt");
    let text = std::fs::read_to_string(&vtt).unwrap();
    std::fs::write(
        &vtt,
        format!("{text}\n00:40:00.000 --> 00:40:05.000\n<i> </i>\n"),
    )
    .unwrap();
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let video = std::fs::read_to_string(out.join("videos/emotion-abc-class/index.html")).unwrap();
    assert!(!video.contains("40:00</time> </li>"), "{video}");
}

/// Free pages in folders keep their folders in their address (`guide/advanced/tips/`), a
/// folder's `index.md` is the folder's page and lists the pages below it, breadcrumbs go
/// through the folders' pages, and the footer lists the top-level pages; a link to a draft
/// page is a warning, as one to a draft lesson.
#[test]
fn nested_free_pages_keep_their_folders() {
    let site = copy_site("full");
    let text = |title: &str, extra: &str, body: &str| {
        format!("---\ntitle: {title}\n{extra}---\n\n{body}\n")
    };
    site.write(
        "content/pages/guide/index.md",
        text("使用指南", "", "从这里开始。"),
    );
    site.write(
        "content/pages/guide/advanced/tips.md",
        text(
            "高级技巧",
            "",
            "回到[指南](../index.md)，或看[通知](../../notice.md)。",
        ),
    );
    site.write(
        "content/pages/teachers/faq.md",
        text("教师问答", "", "问与答。"),
    );
    site.write(
        "content/pages/students/faq.md",
        text("学生问答", "menu: true\n", "问与答。"),
    );
    site.write(
        "content/pages/notice.md",
        text("通知", "draft: true\n", "草稿。"),
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("link target `../../notice.md` is a draft"),
        "{}",
        run.stderr
    );
    let tree = read_tree(&out);
    for built in [
        "guide/index.html",
        "guide/advanced/tips/index.html",
        "teachers/faq/index.html",
        "students/faq/index.html",
    ] {
        assert!(tree.contains_key(built), "{built} not built");
    }
    let tips = parse_html(&page(&tree, "guide/advanced/tips/index.html"));
    let crumbs: Vec<String> = tips
        .select(&selector(".breadcrumbs a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(crumbs, ["首页", "使用指南"]);
    let guide = parse_html(&page(&tree, "guide/index.html"));
    let children: Vec<&str> = guide
        .select(&selector(".page-children a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(children, ["../guide/advanced/tips/"]);
    let footer: Vec<&str> = guide
        .select(&selector(".footer-links a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        footer.contains(&"../guide/") && footer.contains(&"../students/faq/"),
        "{footer:?}"
    );
    assert!(!footer.contains(&"../teachers/faq/"), "{footer:?}");
}

/// What a page's folder cannot be: a name that is no address, or a folder of Lectern's own;
/// and `content/pages/index.md` would be the home page.
#[test]
fn a_page_folder_that_cannot_be_an_address_is_an_error() {
    let site = copy_site("full");
    site.write("content/pages/指南/a.md", "---\ntitle: 甲\n---\n\n甲。\n");
    site.write(
        "content/pages/lessons/b.md",
        "---\ntitle: 乙\n---\n\n乙。\n",
    );
    site.write("content/pages/index.md", "---\ntitle: 首页\n---\n\n丙。\n");
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "the folder `指南` of this page cannot be part of its address",
        "zhi-nan",
        "the page address `lessons/b/` is taken by Lectern",
        "content/pages/index.md would take the home page's address",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

/// A site template nothing renders (a misspelt override) is a warning naming the template it
/// was probably meant to replace; a new partial that an override includes is not.
#[test]
fn a_template_that_no_page_uses_is_a_warning() {
    let site = copy_site("full");
    site.write("templates/Lesson.html", "{{ page.title }}");
    site.write("templates/partial/card.html", "x");
    site.write("templates/partials/banner.html", "<p>横幅</p>");
    let base = String::from_utf8(
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates/404.html"),
        )
        .unwrap(),
    )
    .unwrap();
    site.write(
        "templates/404.html",
        base.replacen(
            "{% block content %}",
            "{% block content %}{% include \"partials/banner.html\" %}",
            1,
        ),
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    for expected in [
        "template `Lesson.html` is used by no page",
        "did you mean `lesson.html`?",
        "template `partial/card.html` is used by no page",
        "did you mean `partials/card.html`?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(
        !run.stderr
            .contains("`partials/banner.html` is used by no page"),
        "{}",
        run.stderr
    );
}

/// A template that is not UTF-8 is one error, not also "missing"; a theme that does not exist
/// is reported at its `theme:` line.
#[test]
fn theme_mistakes_are_each_one_error_at_their_place() {
    let site = copy_site("full");
    site.write(
        "templates/lesson.html",
        b"\xff\xfe{{ page.title }}".as_slice(),
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("template is not UTF-8"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error:").count(),
        2,
        "one error and the count:\n{}",
        run.stderr
    );
    std::fs::remove_file(site.root.join("templates/lesson.html")).unwrap();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}theme: nosuch\n"));
    let line = yaml.lines().count() + 1;
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("theme `nosuch` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("site.yaml:{line}:1")),
        "{}",
        run.stderr
    );
}

/// A template that includes itself is reported at the line of that include, with what to do.
#[test]
fn a_circular_include_is_reported_at_its_line() {
    let site = copy_site("full");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% include \"partials/loop.html\" %}\n{% endblock content %}\n",
    );
    site.write(
        "templates/partials/loop.html",
        "<p>\n{% include \"partials/loop.html\" %}\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "Circular include",
        "templates/partials/loop.html:2:1",
        "remove the include that closes the circle",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

/// An `{% if %}` left open is reported where Tera notices (the `{% endblock %}`), with help
/// that says a tag above is still open.
#[test]
fn an_unclosed_if_says_a_tag_above_is_open() {
    let site = copy_site("full");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if page.title %}\n<p>x</p>\n{% endblock content %}\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "templates/page.html:5:",
        "`{% endblock content %}` closes a tag that is not the last one opened",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

/// A template override that is a symbolic link is not followed, and the build says so.
#[cfg(unix)]
#[test]
fn a_linked_template_override_is_a_warning() {
    let site = copy_site("full");
    let elsewhere = site.beside("page.html");
    std::fs::write(&elsewhere, "{{ page.title }}").unwrap();
    std::fs::create_dir_all(site.root.join("templates")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.root.join("templates/page.html")).unwrap();
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    assert!(
        run.stderr
            .contains("templates/page.html is a symbolic link, which the build does not follow"),
        "{}",
        run.stderr
    );
}

/// Limits that keep a site's pages from multiplying its size: a free page at most 8 folders
/// deep (each page links every folder above it), at most 12 pages in every page's footer (a
/// warning names the first left out), a textbook's or unit's name at most 100 characters.
#[test]
fn page_depth_footer_and_textbook_names_are_bounded() {
    let site = copy_site("full");
    let deep = format!("content/pages/{}x.md", "a/".repeat(9));
    site.write(&deep, "---\ntitle: 很深\n---\n\n深。\n");
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("this page is 9 folders deep in content/pages/: at most 8 are allowed"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(site.root.join("content/pages/a")).unwrap();

    for i in 0..14 {
        site.write(
            &format!("content/pages/p{i:02}.md"),
            format!("---\ntitle: 页面{i}\n---\n\n页。\n"),
        );
    }
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("pages ask to be in the footer, which lists the first 12"),
        "{}",
        run.stderr
    );
    let home = parse_html(&page(&read_tree(&out), "index.html"));
    let listed = home
        .select(&selector(".footer-links a"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|href| !href.contains("coverage") && !href.ends_with("feed.xml"))
        .count();
    assert_eq!(listed, 12, "the footer's pages");

    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        yaml.replacen(
            "name: 心理健康 八年级",
            &format!("name: {}", "长".repeat(101)),
            1,
        ),
    );
    let run = build(&site.root, &site.beside("public2"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("textbook `xinli-8`'s name is over 100 characters"),
        "{}",
        run.stderr
    );
}

/// DESIGN §4: URL paths are ASCII. A worksheet named in Chinese, in a Chinese folder, is
/// published under its pinyin name, and every link to it (front matter, Markdown, from the
/// site's root) goes there; a file that would take the same name is refused.
#[test]
fn assets_with_chinese_names_are_published_under_ascii_names() {
    let site = copy_site_from(&fixture("sites/full"));
    let out = site.beside("public");
    site.write("content/assets/学案/情绪卡 第1版.pdf", b"%PDF-1.4 card");
    let lesson = "content/lessons/junior/emotion-abc.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let text = text.replace(
        "  - worksheets/emotion-card.pdf\n",
        "  - worksheets/emotion-card.pdf\n  - 学案/情绪卡 第1版.pdf\n",
    ) + "\n[学案](<../../assets/学案/情绪卡 第1版.pdf>) [再看](/assets/学案/情绪卡%20第1版.pdf)\n";
    site.write(lesson, text.as_bytes());
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    let published = lectern::url::published_asset("学案/情绪卡 第1版.pdf").to_string();
    assert!(published.starts_with("xue-an-") && published.contains("/qing-xu-ka-di-1-ban-"));
    assert_eq!(
        tree.get(&format!("assets/{published}")).map(Vec::as_slice),
        Some(&b"%PDF-1.4 card"[..])
    );
    let odd: Vec<&String> = tree.keys().filter(|path| !path.is_ascii()).collect();
    assert!(odd.is_empty(), "{odd:?}");
    let page = String::from_utf8(tree["lessons/emotion-abc/index.html"].clone()).unwrap();
    let links = link_hrefs(&page)
        .into_iter()
        .filter(|href| href.contains(published.as_str()))
        .count();
    assert_eq!(links, 3, "the attachment and both Markdown links");
    // an attachment written with the published name, copied from the address bar, is the file
    let by_name = std::fs::read_to_string(site.root.join(lesson))
        .unwrap()
        .replace(
            "  - 学案/情绪卡 第1版.pdf\n",
            &format!("  - 学案/情绪卡 第1版.pdf\n  - /assets/{published}\n"),
        );
    site.write(lesson, by_name.as_bytes());
    build(&site.root, &out, &[]).success();
    let page =
        String::from_utf8(read_tree(&out)["lessons/emotion-abc/index.html"].clone()).unwrap();
    let links = link_hrefs(&page)
        .into_iter()
        .filter(|href| href.contains(published.as_str()))
        .count();
    assert_eq!(links, 4, "and the attachment by its published name");

    // a homophone's file beside it is published apart
    site.write("content/assets/学案/晴续卡 第1版.pdf", b"%PDF-1.4 other");
    build(&site.root, &out, &[]).success();
    // an ASCII file of the very published name is refused
    site.write(&format!("content/assets/{published}"), b"other");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains(&format!("are both published as assets/{published}")),
        "{}",
        run.stderr
    );
}

/// A date far ahead (a slip of the year) would put the resource first among the newest for
/// years: a warning at its line. A lesson dated next week says nothing.
#[test]
fn a_date_years_ahead_is_warned_about() {
    let site = copy_site("full");
    let lesson = "content/lessons/primary/water-safety.md";
    let text = std::fs::read_to_string(site.root.join(lesson)).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("date:"))
        .unwrap()
        .to_string();
    site.write(lesson, text.replace(&line, "date: 2099-01-01"));
    let run = build(&site.root, &site.beside("public"), &[]);
    run.success();
    assert!(
        run.stderr.contains("the date 2099-01-01 is in the future")
            && run.stderr.contains("water-safety.md:"),
        "{}",
        run.stderr
    );
}
