//! Hostile input (tests/fixtures/sites/hostile): `<script>`, attribute break-outs,
//! `</script>` and `javascript:`/`data:` links in every field and in the Markdown body, and in
//! the cells of a CSV catalog (`content/videos/evil.csv`). The build
//! may warn but must succeed, and no text may become markup in any page, feed or index.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::common::*;

type Tree = BTreeMap<String, Vec<u8>>;

fn hostile() -> &'static (String, Tree) {
    static BUILT: OnceLock<(String, Tree)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = copy_site("hostile");
        let out = site.beside("public");
        let run = build(&site.root, &out, &[]);
        run.success();
        (run.stderr.clone(), read_tree(&out))
    })
}

fn tree() -> &'static Tree {
    &hostile().1
}

/// URL-bearing attributes.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "poster",
    "action",
    "formaction",
    "srcset",
    "data",
    "xlink:href",
    "background",
    "cite",
    "manifest",
    "ping",
];

/// A URL as a browser sees its scheme: whitespace and control characters removed, lower case.
fn dangerous_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .into_iter()
        .find(|s| cleaned.starts_with(s))
}

fn problems_in_page(path: &str, html: &str) -> Vec<String> {
    let doc = parse_html(html);
    let mut problems = Vec::new();
    for element in doc.select(&selector("*")) {
        let el = element.value();
        for (name, value) in el.attrs() {
            if name.to_ascii_lowercase().starts_with("on") {
                problems.push(format!("{path}: <{} {name}=\"{value}\">", el.name()));
            }
            if URL_ATTRS.contains(&name)
                && let Some(scheme) = dangerous_scheme(value)
            {
                problems.push(format!(
                    "{path}: <{} {name}=\"{value}\"> uses {scheme}",
                    el.name()
                ));
            }
        }
        match el.name() {
            "script" => {
                let src = el.attr("src");
                let is_json_ld = el.attr("type") == Some("application/ld+json");
                match (src, is_json_ld) {
                    (Some(src), false) => {
                        let target = resolve_local(path, src);
                        let ours = matches!(&target, Some(Ok(t)) if t.starts_with("static/"));
                        if !ours {
                            problems.push(format!("{path}: foreign script src=\"{src}\""));
                        }
                        if !element.inner_html().trim().is_empty() {
                            problems.push(format!("{path}: script with src has a body"));
                        }
                    }
                    (None, true) => {
                        let text: String = element.text().collect();
                        if text.to_ascii_lowercase().contains("</script") || text.contains('<') {
                            problems.push(format!("{path}: JSON-LD holds markup: {text}"));
                        }
                        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                            problems.push(format!("{path}: JSON-LD is not JSON ({e}): {text}"));
                        }
                    }
                    _ => problems.push(format!("{path}: foreign script: {}", element.html())),
                }
            }
            // A lesson's print title in the page margin: the only style element, whose text
            // is one rule with an escaped string (see `print_style_is_ours`).
            "style" if print_style_is_ours(&element.inner_html()) => {}
            "iframe" | "object" | "embed" | "base" | "frame" | "frameset" | "applet" | "style" => {
                problems.push(format!(
                    "{path}: <{}> element: {}",
                    el.name(),
                    element.html()
                ));
            }
            "meta" if el.attr("http-equiv").is_some() => {
                problems.push(format!("{path}: <meta http-equiv>: {}", element.html()));
            }
            "img" if el.attr("src") == Some("x") => {
                problems.push(format!("{path}: injected <img src=x>"));
            }
            _ => {}
        }
    }
    // Markdown may not bring inline SVG (raw HTML is shown as text); MathML comes only from
    // formulas, and holds only MathML elements.
    for element in doc.select(&selector(".prose svg")) {
        problems.push(format!(
            "{path}: inline markup in the body: {}",
            element.html()
        ));
    }
    for math in doc.select(&selector(".prose math")) {
        for element in math.descendants().filter_map(scraper::ElementRef::wrap) {
            let name = element.value().name();
            if !MATHML.contains(&name) {
                problems.push(format!(
                    "{path}: <{name}> inside a formula: {}",
                    math.html()
                ));
            }
        }
    }
    problems
}

/// The elements a formula's MathML may hold.
const MATHML: &[&str] = &[
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mspace",
    "mtext",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mtable",
    "mtr",
    "mtd",
    "semantics",
    "annotation",
    "menclose",
];

/// `@page { @top-center { content: "…"; } }` with nothing in the string that could end it.
fn print_style_is_ours(css: &str) -> bool {
    let Some(inner) = css
        .strip_prefix("@page { @top-center { content: \"")
        .and_then(|rest| rest.strip_suffix("\"; } }"))
    else {
        return false;
    };
    !inner.contains(['"', '<', '>', '\n', '{', '}', ';'])
}

#[test]
fn the_build_succeeds_and_warns_about_dropped_links() {
    let (stderr, tree) = hostile();
    assert!(tree.contains_key("lessons/evil/index.html"));
    assert!(
        stderr.contains("javascript:"),
        "expected warnings about javascript: links:\n{stderr}"
    );
}

#[test]
fn no_page_contains_foreign_markup() {
    let tree = tree();
    let mut problems = Vec::new();
    let mut pages = 0;
    for (path, html) in html_files(tree) {
        pages += 1;
        problems.extend(problems_in_page(path, &html));
    }
    assert!(pages > 20, "only {pages} pages");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn hostile_text_is_shown_as_text() {
    let tree = tree();
    let html = String::from_utf8_lossy(&tree["lessons/evil/index.html"]).into_owned();
    let doc = parse_html(&html);
    let h1: String = doc
        .select(&selector("h1"))
        .next()
        .expect("h1")
        .text()
        .collect();
    assert!(
        h1.contains("<script>alert(1)</script>") && h1.contains("onerror=alert(1)>"),
        "the title is not shown literally: {h1}"
    );
    let prose: String = doc
        .select(&selector(".prose"))
        .next()
        .expect("prose")
        .text()
        .collect();
    assert!(
        prose.contains("<script>alert(3)</script>"),
        "raw HTML should be shown as text"
    );
    // dropped javascript: links keep their text
    assert!(prose.contains("点我"), "{prose}");
    // the JSON-LD round-trips the real title
    let json_ld = doc
        .select(&selector("script[type='application/ld+json']"))
        .next()
        .map(|s| s.text().collect::<String>());
    if let Some(json_ld) = json_ld {
        let value: serde_json::Value = serde_json::from_str(&json_ld).unwrap();
        assert_eq!(
            value["name"],
            "教案 <script>alert(1)</script>\"><img src=x onerror=alert(1)></script><script>alert(2)</script>"
        );
    }
}

/// The CSV catalog's cells (`evil.csv`: `<script>`, `<img onerror>`, quotes, `javascript:`
/// as text) reach the video page, its cards, its JSON-LD and its search record as the text
/// they are; its chapters cell too. (`no_page_contains_foreign_markup` checks every page for
/// markup; a `javascript:` address in a URL cell is an error: fixtures/invalid/csv-javascript-url.)
#[test]
fn csv_cells_are_shown_as_text() {
    const TITLE: &str =
        "表格视频 </script><script>alert(2)</script>\"><img src=x onerror=alert(1)>";
    const SUMMARY: &str = "<script>alert(1)</script> 'single' \"double\" <a href=\"javascript:alert(1)\">点我</a> javascript:alert(document.cookie)";
    let tree = tree();
    let html = String::from_utf8_lossy(&tree["videos/evil-csv/index.html"]).into_owned();
    let doc = parse_html(&html);
    let text = |css: &str| -> Vec<String> {
        doc.select(&selector(css))
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(text("h1"), [TITLE]);
    assert!(
        text("header p").iter().any(|p| p == SUMMARY),
        "{:?}",
        text("header p")
    );
    let chapters = text(".chapters li");
    assert_eq!(
        chapters,
        [
            "0:00 <script>alert(1)</script>",
            "5:00 \"><img src=x onerror=alert(1)>",
            "10:00 javascript:alert(1)"
        ]
    );
    let body: String = doc.root_element().text().collect();
    assert!(body.contains("<img src=x onerror=alert(1)>学校 </title><script>alert(4)</script>"));
    assert!(html.contains(r#"<source src="https://example.org/csv.mp4?a=1&amp;b=2""#));
    let json_ld: String = doc
        .select(&selector("script[type='application/ld+json']"))
        .next()
        .expect("JSON-LD")
        .text()
        .collect();
    let value: serde_json::Value = serde_json::from_str(&json_ld).unwrap();
    assert_eq!(
        (value["name"].as_str(), value["description"].as_str()),
        (Some(TITLE), Some(SUMMARY))
    );
    // Its card, on its lesson's page: the title as text.
    let lesson = parse_html(&String::from_utf8_lossy(&tree["lessons/evil/index.html"]));
    let cards: Vec<String> = lesson
        .select(&selector("a"))
        .filter(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| h.contains("evil-csv"))
        })
        .map(|a| a.text().collect())
        .collect();
    assert!(cards.iter().any(|c| c.contains(TITLE)), "{cards:?}");
    // Its search record: the same strings, as JSON strings.
    let record = tree
        .iter()
        .filter(|(path, _)| path.starts_with("search/") && path.contains("/d/"))
        .flat_map(|(_, bytes)| {
            let file: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            file.as_array().expect("a record file is an array").clone()
        })
        .find(|r| r["u"] == "videos/evil-csv/")
        .expect("the CSV video's search record");
    assert_eq!(
        (record["t"].as_str(), record["s"].as_str()),
        (Some(TITLE), Some(SUMMARY))
    );
    assert_eq!(record["p"][1], "javascript:alert(1)");
}

#[test]
fn textbook_and_unit_names_are_shown_as_text() {
    let tree = tree();
    let book = String::from_utf8_lossy(&tree["textbooks/evil-book/index.html"]).into_owned();
    let doc = parse_html(&book);
    let h1: String = doc
        .select(&selector("h1"))
        .next()
        .expect("h1")
        .text()
        .collect();
    assert_eq!(
        h1,
        "教材 <script>alert(1)</script>\"><img src=x onerror=alert(1)>"
    );
    let units: Vec<String> = doc
        .select(&selector(".unit-title"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        units,
        [
            "第 1 单元 单元 <script>alert(1)</script>'\"><svg onload=alert(1)>",
            "第 2 单元 </script><script>alert(2)</script>"
        ]
    );
    let lesson = String::from_utf8_lossy(&tree["lessons/evil/index.html"]).into_owned();
    let doc = parse_html(&lesson);
    let crumbs: String = doc
        .select(&selector(".breadcrumbs"))
        .next()
        .expect("crumbs")
        .text()
        .collect();
    assert!(
        crumbs.contains("单元 <script>alert(1)</script>'\"><svg onload=alert(1)>"),
        "{crumbs}"
    );
    let coverage = String::from_utf8_lossy(&tree["coverage/index.html"]).into_owned();
    let doc = parse_html(&coverage);
    let gaps: String = doc
        .select(&selector(".coverage-gaps"))
        .next()
        .expect("gaps")
        .text()
        .collect();
    assert!(
        gaps.contains("</script><script>alert(2)</script>"),
        "{gaps}"
    );
    // `lectern stats` writes them as JSON strings and as plain text.
    let site = copy_site("hostile");
    let root = site.root.to_str().unwrap();
    let json = lectern(["stats", "--root", root, "--format", "json"]);
    json.success();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value["textbooks"][0]["units"][1]["name"],
        "</script><script>alert(2)</script>"
    );
}

#[test]
fn formulas_are_mathml_with_their_text_escaped() {
    let html = String::from_utf8_lossy(&tree()["lessons/evil/index.html"]).into_owned();
    let doc = parse_html(&html);
    let formulas: Vec<String> = doc
        .select(&selector(".prose math"))
        .map(|m| m.text().collect())
        .collect();
    assert_eq!(formulas.len(), 4, "{formulas:?}");
    assert!(formulas[2].contains("onerror=alert(22)>"), "{formulas:?}");
    assert!(
        formulas[3].contains("<svg onload=alert(23)>"),
        "{formulas:?}"
    );
}

#[test]
fn feed_and_sitemap_are_escaped() {
    // Feed and sitemap are written only with an absolute base URL.
    let site = copy_site("hostile");
    let out = site.beside("public");
    build(
        &site.root,
        &out,
        &["--base-url", "https://example.org/lectern/"],
    )
    .success();
    let tree = read_tree(&out);
    let feed = String::from_utf8_lossy(&tree["feed.xml"]).into_owned();
    assert!(
        feed.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{feed}"
    );
    assert!(
        feed.contains("&lt;/script&gt;&lt;script&gt;alert(2)"),
        "{feed}"
    );
    for (name, text) in [
        ("feed.xml", &feed),
        (
            "sitemap.xml",
            &String::from_utf8_lossy(&tree["sitemap.xml"]).into_owned(),
        ),
    ] {
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("<script"),
            "{name} holds a raw <script: {text}"
        );
        assert!(!lower.contains("<img"), "{name} holds a raw <img: {text}");
        assert!(
            !text.contains("\"><"),
            "{name}: an attribute was broken out of: {text}"
        );
    }
}

#[test]
fn search_files_are_json() {
    let tree = tree();
    let json: Vec<(&String, &Vec<u8>)> = tree
        .iter()
        .filter(|(k, _)| k.starts_with("search/") && k.ends_with(".json"))
        .collect();
    assert!(json.len() >= 3, "{:?}", tree.keys().collect::<Vec<_>>());
    for (path, bytes) in json {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    }
}

/// The checks above have teeth: with `raw_html: true` (the site's own choice to trust its
/// authors) the same fixture does put markup in the body, and `problems_in_page` sees it.
#[test]
fn the_checker_catches_raw_html_when_a_site_allows_it() {
    let site = copy_site("hostile");
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{config}raw_html: true\n"));
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let html = std::fs::read_to_string(out.join("lessons/evil/index.html")).unwrap();
    let problems = problems_in_page("lessons/evil/index.html", &html);
    let all = problems.join("\n");
    assert!(all.contains("foreign script"), "{all}");
    assert!(all.contains("onerror"), "{all}");
}

/// Control characters from YAML escapes (`"\0"`, `"\v"`, `"\uFFFE"`) in every text the feed
/// shows: the feed and sitemap stay well-formed XML.
#[test]
fn control_characters_never_reach_the_feed() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        "content/lessons/ctl.md",
        "---\ntitle: \"控制\\0字符\\v和\\uFFFE\\uFFFF\\x01\"\nsummary: \"摘要\\x1b[31m\\f\"\ngrade: 7\ncourse: mental-health\ndate: 2024-05-01\n---\n\n正文\n",
    );
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let tree = read_tree(&out);
    for name in ["feed.xml", "sitemap.xml"] {
        let text = std::str::from_utf8(&tree[name]).expect("UTF-8");
        if let Err(why) = well_formed_xml(text) {
            panic!("{name} is not well-formed XML: {why}\n{text}");
        }
    }
    assert!(String::from_utf8_lossy(&tree["feed.xml"]).contains("控制字符和"));
}

/// A small check of XML 1.0 well-formedness, enough for what Lectern writes: every character
/// allowed, tags balanced, only the five named entities and numeric ones, quoted attributes.
fn well_formed_xml(text: &str) -> Result<(), String> {
    let legal = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    };
    if let Some(c) = text.chars().find(|c| !legal(*c)) {
        return Err(format!("illegal character U+{:04X}", c as u32));
    }
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['<', '&']) {
        check_entities(&rest[..start])?;
        rest = &rest[start..];
        if rest.starts_with('&') {
            let end = rest.find(';').ok_or("unterminated entity")?;
            check_entities(&rest[..=end])?;
            rest = &rest[end + 1..];
            continue;
        }
        let end = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop() != Some(name.trim()) {
                return Err(format!("unbalanced </{name}>"));
            }
            continue;
        }
        if !tag.matches('"').count().is_multiple_of(2) || tag.contains('<') {
            return Err(format!("bad attributes in <{tag}>"));
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
    check_entities(rest)?;
    match open.as_slice() {
        [] => Ok(()),
        left => Err(format!("unclosed {left:?}")),
    }
}

fn check_entities(text: &str) -> Result<(), String> {
    for piece in text.split('&').skip(1) {
        let name = piece.split(';').next().unwrap_or("");
        let numeric = name.strip_prefix('#').is_some_and(|n| {
            n.strip_prefix('x').map_or(n.parse::<u32>().is_ok(), |h| {
                u32::from_str_radix(h, 16).is_ok()
            })
        });
        if !numeric && !["lt", "gt", "amp", "quot", "apos"].contains(&name) {
            return Err(format!("unknown entity &{name};"));
        }
    }
    Ok(())
}

/// An SVG with script and an HTML page under content/assets/ would run script on the portal's
/// origin: each is named in a warning, and `--strict` fails the build.
#[test]
fn assets_that_run_script_are_warned_about() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        "content/assets/posters/p.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect width=\"9\" onload=\"alert(1)\"/>\n</svg>\n",
    );
    site.write("content/assets/demo.html", "<script>alert(1)</script>");
    site.write(
        "content/assets/plain.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr.contains("content/assets/posters/p.svg:2:")
            && run.stderr.contains("an event attribute"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`content/assets/demo.html` is an HTML page")
    );
    assert!(!run.stderr.contains("plain.svg"));
    let strict = build(&site.root, &site.beside("strict"), &["--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.stderr);
}

/// A symbolic link planted where the build keeps its lock (`.public.lectern-lock`, beside the
/// output) is refused: the build once wrote its process id over the file it pointed at.
#[cfg(unix)]
#[test]
fn a_planted_lock_link_is_refused_and_its_target_untouched() {
    let site = copy_site("full");
    let victim = site.beside("victim.conf");
    std::fs::write(&victim, "IMPORTANT CONFIG\n").unwrap();
    let out = site.root.join("public");
    std::os::unix::fs::symlink(&victim, site.root.join(".public.lectern-lock")).unwrap();
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "IMPORTANT CONFIG\n"
    );
    assert!(!out.exists());
}

/// Direction controls (U+202E and kin) in a review's title and reviewer would show the text
/// after them reversed wherever the name lands, and a NUL in its school would be dropped by the
/// page but kept by the search record: they are warned about and left out of every page, feed
/// and search file.
#[test]
fn direction_controls_are_warned_about_and_left_out() {
    let (stderr, tree) = hostile();
    assert!(
        stderr.contains("direction control (U+202E)")
            && stderr.contains("direction control (U+202D)")
            && stderr.contains("control character (U+0000)"),
        "{stderr}"
    );
    let controls =
        |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\0' | '\u{7}');
    let mut carrying = Vec::new();
    for (path, bytes) in tree {
        let text = String::from_utf8_lossy(bytes);
        // JSON writes a NUL as the six characters \u0000
        if text.contains(controls) || text.contains("\\u0000") || text.contains("\\u0007") {
            carrying.push(path.as_str());
        }
    }
    assert!(
        carrying.is_empty(),
        "direction controls written to {carrying:?}"
    );
    let review = tree
        .iter()
        .find(|(path, bytes)| {
            path.starts_with("reviews/") && String::from_utf8_lossy(bytes).contains("gpj.exe")
        })
        .map(|(path, _)| path);
    assert!(review.is_some(), "the review's title keeps its text");
}
