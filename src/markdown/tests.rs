use std::collections::BTreeSet;

use super::*;

fn render_str(body: &str, raw_html: bool) -> (Rendered, Vec<Diagnostic>) {
    let paths = rustc_hash::FxHashMap::default();
    let assets = BTreeSet::new();
    let options = RenderOptions {
        raw_html,
        time_links: false,
        links: LinkContext {
            source_file: "content/lessons/a.md",
            page_path: "lessons/a/",
            source_paths: &paths,
            page_paths: &Default::default(),
            assets: &assets,
            unavailable: &Default::default(),
            draft_pages: &Default::default(),
            video_durations: &Default::default(),
            listing_paths: &Default::default(),
        },
        span: SourceSpan {
            file: "content/lessons/a.md",
            file_text: body,
            first_line: 1,
        },
    };
    let mut warnings = Vec::new();
    let rendered = render(body, &options, &mut warnings);
    (rendered, warnings)
}

#[test]
fn headings_get_unique_cjk_ids_and_a_toc() {
    let (r, _) = render_str(
        "## 教学目标\n\n## 教学目标\n\n### Step 1: 导入\n\n## ！！\n",
        false,
    );
    assert!(r.html.contains("<h2 id=\"教学目标\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"教学目标-1\">"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"step-1-导入\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"section\">"), "{}", r.html);
    assert_eq!(r.toc.len(), 4);
    assert_eq!(r.toc[2].title, "Step 1: 导入");
}

#[test]
fn sub_headings_nest_in_the_toc_and_an_early_one_stays_on_top() {
    let (r, _) = render_str(
        "### 导语\n\n## 一\n\n### 1.1\n\n### 1.2\n\n## 二\n\n### 2.1\n",
        false,
    );
    let shape: Vec<(bool, bool)> = r
        .toc
        .iter()
        .map(|entry| (entry.opens_sublist, entry.closes_sublist))
        .collect();
    assert_eq!(
        shape,
        [
            (false, false), // 导语: no h2 yet, a top-level item
            (true, false),  // 一 opens its sub-list
            (false, false), // 1.1
            (false, true),  // 1.2 ends it
            (true, false),  // 二
            (false, true),  // 2.1 ends the last one
        ]
    );
}

#[test]
fn a_heading_never_takes_an_id_of_the_theme() {
    let (r, _) = render_str("## main\n\n## TOC title\n\n## 标题 {#header-q}\n", false);
    assert!(r.html.contains("<h2 id=\"main-1\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"toc-title-1\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"header-q-1\">"), "{}", r.html);
}

#[test]
fn raw_html_is_text_by_default() {
    let (r, _) = render_str(
        "<script>alert(1)</script>\n\nhi <b onclick=x>b</b>\n",
        false,
    );
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    assert!(!r.html.contains("<b "), "{}", r.html);
    let (r, _) = render_str("hi <b>b</b>\n", true);
    assert!(r.html.contains("<b>b</b>"));
}

#[test]
fn dangerous_links_are_dropped_with_a_warning() {
    let (r, w) = render_str(
        "line one\n\n[click](javascript:alert(1)) and ![x](data:image/png;base64,AA)\n",
        false,
    );
    assert!(!r.html.contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("data:"), "{}", r.html);
    assert!(r.html.contains("click"));
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].line, Some(3));
}

#[test]
fn tables_scroll_and_tasks_and_footnotes_render() {
    let (r, _) = render_str(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\nnote[^1]\n\n[^1]: 脚注\n",
        false,
    );
    assert!(
        r.html
            .contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("type=\"checkbox\""));
    // A state shown, not a field to fill in: no unlabelled form field for a screen reader.
    assert_eq!(
        r.html.matches("aria-hidden=\"true\"").count(),
        2,
        "{}",
        r.html
    );
    assert!(r.html.contains("disabled checked"), "{}", r.html);
    assert!(r.text.contains("done") && r.text.contains("todo"));
    assert!(r.html.contains("footnote-definition"));
    assert!(r.text.contains("脚注"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = ">".repeat(10_000) + " x\n";
    let (r, _) = render_str(&deep, false);
    assert!(r.html.contains('x'));
    let list: String = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let (r, _) = render_str(&list, false);
    assert!(r.html.contains("<li>"));
}

#[test]
fn a_formula_the_parser_cannot_read_is_an_error_at_its_dollar() {
    for (body, line) in [
        ("分数 $\\frac{1}{2$ 不对。", 1),
        ("第一段。\n\n然后 $x^{$ 与 $\\sqrt{$ x", 3),
        ("$$\n\\sqrt{2\n", 1),
    ] {
        let (_, problems) = render_str(body, false);
        let found = problems
            .iter()
            .find(|d| d.message.contains("a formula is not read as one"))
            .unwrap_or_else(|| panic!("{body:?}: {problems:?}"));
        assert_eq!(found.line, Some(line), "{body:?}");
    }
    // Money, escaped dollars and good formulas say nothing.
    for body in [
        "价格 $5 和 $6。",
        "写作 \\$\\frac 不是公式。",
        "$\\frac{1}{2}$ 与 $x^{2}$",
    ] {
        let (_, problems) = render_str(body, false);
        assert!(problems.is_empty(), "{body:?}: {problems:?}");
    }
}

#[test]
fn a_nested_list_is_not_read_as_one_word_with_its_parent_item() {
    let (r, _) = render_str("- 甲乙\n  1. 丙丁\n- 戊\n", false);
    assert!(
        r.text.contains("甲乙") && r.text.contains("丙丁"),
        "{:?}",
        r.text
    );
    assert!(!r.text.contains("乙丙"), "{:?}", r.text);
}

#[test]
fn raw_html_text_is_searchable_but_not_its_tags_scripts_or_styles() {
    let body = "<div class=\"box\"><p>嵌套的文字</p>\n<script>alert('x')</script>\n<style>\nbody { display: none }\n</style>\n<template><p>模板里的字</p></template><noscript>无脚本提示</noscript>\n</div>\n\n正文<b>加粗</b>，<strong>粗体</strong>。\n";
    let (r, _) = render_str(body, true);
    assert!(r.text.contains("嵌套的文字"), "{:?}", r.text);
    assert!(r.text.contains("加粗"), "{:?}", r.text);
    assert!(
        r.text.contains("粗体"),
        "<strong> is not <style>: {:?}",
        r.text
    );
    for unread in ["alert", "display", "class", "box", "div", "模板", "无脚本"] {
        assert!(!r.text.contains(unread), "{unread} in {:?}", r.text);
    }
}

#[test]
fn a_footnote_label_with_spaces_gives_an_id_without_them() {
    let (r, _) = render_str("## main\n\n正文[^main]。\n\n[^main]: 注。\n", false);
    assert_eq!(r.html.matches("id=\"fn-main\"").count(), 1, "{}", r.html);
    let (r, _) = render_str("正文[^注 1]。\n\n[^注 1]: 出处。\n", false);
    assert!(
        r.html.contains("href=\"#fn-注-1\"") && r.html.contains("id=\"fn-注-1\""),
        "{}",
        r.html
    );
    assert!(!r.html.contains("注 1\""), "{}", r.html);
}

#[test]
fn raw_html_marked_hidden_is_not_searchable_to_its_own_closing_tag() {
    let body = "<div hidden><div>藏起来的字</div>\n<p>还藏着</p></div>\n<p>看得见</p>\n\n<div data-x=\"hidden\" title='a hidden b'>属性值不算</div>\n\n<img hidden src=\"a.png\"><span>图片后面的字</span>\n\n<details HIDDEN=\"\"><summary>大写也算</summary></details>\n\n<script>if (a<b) { x = '<script>'; }</script>脚本之后\n";
    let (r, _) = render_str(body, true);
    for shown in ["看得见", "属性值不算", "图片后面的字", "脚本之后"] {
        assert!(r.text.contains(shown), "{shown} missing from {:?}", r.text);
    }
    for hidden in ["藏起来", "还藏着", "大写也算"] {
        assert!(!r.text.contains(hidden), "{hidden} in {:?}", r.text);
    }
}

#[test]
fn an_explicit_heading_id_that_is_taken_is_a_warning_naming_the_id_given() {
    let (r, warnings) = render_str("## 主要内容 {#main}\n\n## 甲 {#a}\n\n## 乙 {#a}\n", false);
    assert!(r.html.contains("id=\"main-1\""), "{}", r.html);
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("`main` is taken (the page itself uses it)")
            && messages[0].contains("`main-1`")
    );
    assert!(messages[1].contains("`a` is taken (an earlier heading has it)"));
    // A heading whose id comes from its text is renamed quietly, as before.
    let (_, quiet) = render_str("## 甲\n\n## 甲\n", false);
    assert!(quiet.is_empty(), "{quiet:?}");
}

#[test]
fn an_image_from_another_site_is_a_warning_and_stays() {
    let (r, warnings) = render_str(
        "![图](http://tracker.example/pixel.gif?school=x)\n\n![本站](#here)\n",
        false,
    );
    assert!(
        r.html
            .contains("src=\"http://tracker.example/pixel.gif?school=x\""),
        "{}",
        r.html
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.contains("is on another site"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn an_empty_heading_and_an_undescribed_image_are_warnings_at_their_lines() {
    let (r, warnings) = render_str(
        "## 导入\n\n### \n\n![](images/a.png)\n\n![讨论](images/b.png) ![ ](images/c.png)\n\n## ![图](images/d.png)\n",
        false,
    );
    let found: Vec<(&str, Option<usize>)> = warnings
        .iter()
        .map(|w| (w.message.split(':').next().unwrap_or(""), w.line))
        .filter(|(m, _)| !m.starts_with("link target")) // no image files here
        .collect();
    assert_eq!(
        found,
        [
            ("the heading is empty", Some(3)),
            ("the image has no description", Some(5)),
            ("the image has no description", Some(7)),
        ]
    );
    // the empty heading makes no entry in the table of contents; one with an image does
    assert_eq!(r.toc.len(), 2, "{:?}", r.toc);
}

#[test]
fn an_empty_list_item_is_a_warning_at_its_line() {
    let (_, warnings) = render_str(
        "## 教学目标\n\n1. \n2. 认识情绪\n\n- 重点：\n- \n-\n  - 子项\n- `code`\n",
        false,
    );
    let lines: Vec<Option<usize>> = warnings
        .iter()
        .filter(|w| w.message.starts_with("an empty list item"))
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, [Some(3), Some(7)], "{warnings:?}");
}

#[test]
fn a_link_whose_path_has_a_space_is_an_error_where_it_is_written() {
    let (r, warnings) = render_str(
        "前言\n\n看图 ![中文名](../assets/images/图片 1.png) 吧\n",
        false,
    );
    assert!(r.html.contains("![中文名]"), "{}", r.html);
    let error = warnings
        .iter()
        .find(|w| w.message.contains("has a space"))
        .expect("told");
    assert!(error.is_error());
    assert_eq!(error.line, Some(3));
    assert!(
        error
            .help
            .as_deref()
            .unwrap()
            .contains("](<../assets/images/图片 1.png>)")
    );
    // A title after the path, angle brackets, and code are not that.
    for fine in [
        "[a](b.md \"标题\")",
        "[a](<b c.md>)",
        "`[a](b c.png)`",
        "```\n[a](b c.png)\n```",
        "函数 f(x y) 与 [a] (b c)",
        // markup, not a file name: angle brackets would not mend it
        "![图](x.png\" onerror=\"alert('IMG'))",
    ] {
        let (_, warnings) = render_str(fine, false);
        assert!(
            !warnings.iter().any(|w| w.message.contains("has a space")),
            "{fine}: {warnings:?}"
        );
    }
}

#[test]
fn chinese_text_indented_into_a_code_block_is_a_warning_code_is_not() {
    let (r, warnings) = render_str("导入\n\n\t一、让学生认识情绪。\n", false);
    assert!(r.html.contains("<pre"), "{}", r.html);
    let warning = warnings
        .iter()
        .find(|w| w.message.contains("indented"))
        .expect("told");
    assert_eq!(warning.line, Some(3));
    let (_, warnings) = render_str("导入\n\n    int main() { return 0; }\n", false);
    assert!(warnings.is_empty(), "{warnings:?}");
    let (_, warnings) = render_str("```text\n    板书：情绪\n```\n", false);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_link_to_the_local_preview_is_linked_on_the_site_with_a_warning() {
    let (r, warnings) = render_str("[预览](http://127.0.0.1:1111/search/?q=x)\n", false);
    assert!(r.html.contains("href=\"../../search/?q=x\""), "{}", r.html);
    assert!(
        warnings[0].message.contains("preview on your own computer"),
        "{warnings:?}"
    );
}
