//! CSV video catalogs end to end: a GB18030 file as Excel on a Chinese Windows saves it builds
//! (and `--timings` says how it was read), rows and columns in diagnostics are the
//! spreadsheet's, and a 10 MB cell is refused with the previous build left as it was.
//! The invalid cases (missing, unknown and extra columns, open quotes, cell counts) live in
//! fixtures/invalid/csv-*.

use crate::common::*;

const LIST: &str = "content/videos/list.csv";

#[test]
fn a_gb18030_catalog_builds_and_says_how_it_was_read() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let bytes = std::fs::read(fixture("csv/gb18030.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is GB18030"
    );
    site.write(LIST, &bytes);
    let out = site.beside("public");
    let run = build(&site.root, &out, &["--timings"]);
    run.success();
    assert!(
        run.stderr
            .contains("content/videos/list.csv: read as GB18030"),
        "{}",
        run.stderr
    );
    let page =
        std::fs::read_to_string(out.join("videos/qing-xu-biao-ge-shi-lu/index.html")).unwrap();
    assert!(page.contains("《情绪温度计》课堂实录"));
    assert!(page.contains("欧阳晓岚"));
    let topics = out.join("topics");
    assert!(list_dir(&topics).len() >= 3, "{:?}", list_dir(&topics));
    let second = out.join("videos/an-quan-biao-ge-wei-ke/index.html");
    assert!(
        std::fs::read_to_string(second)
            .unwrap()
            .contains("远离危险水域")
    );
}

#[test]
fn a_gb18030_row_with_a_mistake_is_located_and_decoded() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let text = "id,title,grade,course,url\r\nok,合格的一行,7,心理健康,https://media.example.org/a.mp4\r\nbad,十三年级,13,心里健康课,https://media.example.org/b.mp4\r\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    site.write(LIST, &bytes);
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "grade 13 does not exist (column `grade`)",
        "content/videos/list.csv:3:3",
        "unknown course `心里健康课` (column `course`)",
        "content/videos/list.csv:3:4",
        // 心里 for 心理: one character mistyped, so the course is offered
        "did you mean `心理健康` (mental-health)?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn a_ten_megabyte_cell_is_refused_and_the_previous_build_stays() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let before = read_tree(&out);
    let cell = "很长的简介".repeat(10 * 1024 * 1024 / 15);
    let text = format!(
        "id,title,grade,course,url,summary\nbig,大单元格,7,mental-health,https://media.example.org/a.mp4,\"{cell}\"\n"
    );
    site.write(LIST, text);
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(run.stderr.contains("a cell over 64 KiB"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/videos/list.csv:2:6"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
    assert_same_tree(&before, &read_tree(&out), "after the refused build");
    assert!(leftovers_beside(&out).is_empty());
}

/// A bad id is pointed at in the `id` column, also in a sheet that has a `slug` column left empty.
#[test]
fn a_bad_id_is_found_in_its_own_column_beside_an_empty_slug_column() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        LIST,
        "id,title,grade,course,url,captions,poster,chapters_file,slug\n../../x,a,7,mental-health,https://x.org/a.mp4,,,,\nCON,f,7,mental-health,https://x.org/b.mp4,,,,\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "`../../x` cannot be used as an id (column `id`)",
        "content/videos/list.csv:2:1",
        "`CON` is a device name on Windows",
        "content/videos/list.csv:3:1",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("column `slug`"), "{}", run.stderr);
}

/// A quote left open stops the reading, but the rows above it are still checked: the editor
/// sees row 2's mistake and row 4's quote in one build, not one per round.
#[test]
fn the_rows_above_an_open_quote_are_checked_too() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        LIST,
        "id,title,grade,course,url\nv-a,一,7,mental-health,https://x.org/a.mp4\nv-b,二,15,mental-health,https://x.org/b.mp4\nv-c,\"三,7,mental-health,https://x.org/c.mp4\nv-d,四,7,mental-health,https://x.org/d.mp4\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "grade 15 does not exist",
        "content/videos/list.csv:3:",
        "is never closed",
        "content/videos/list.csv:4:2",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

/// A header as a sheet made on a Chinese Windows names its columns (`编号`, `标题`, `链接`) or
/// as Excel users capitalise them (`ID`, `URL`): each is read as the field it names. A column of
/// the teacher's own (备注) is only a warning, with the list of columns, not a far-fetched
/// "did you mean `id`?".
#[test]
fn chinese_and_capitalised_headers_name_their_fields() {
    for header in [
        "编号,标题,年级,课程,链接,备注",
        "ID,Title,Grade,Course,URL,备注",
    ] {
        let site = copy_site_from(&fixture("invalid/_base"));
        site.write(
            LIST,
            format!(
                "{header}\nok,合格的一行,七年级,mental-health,https://media.example.org/a.mp4,无\n"
            ),
        );
        let out = site.beside("public");
        let run = build(&site.root, &out, &[]);
        run.success();
        for expected in [
            "warning: column `备注` is not read",
            "content/videos/list.csv:1:6",
            "the columns a video catalog knows: id, title",
        ] {
            assert!(
                run.stderr.contains(expected),
                "{header}: {expected}\n{}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
        let page = std::fs::read_to_string(out.join("videos/ok/index.html")).unwrap();
        assert!(page.contains("合格的一行"), "{header}");
    }
}

/// The names a school's sheet gives its teacher column (执教老师, 授课老师) are read as
/// `speaker`; one typed a character off (执教老帅) is an error that names the column it means;
/// a two-character column of the teacher's own (学段) is only not read, not taken for 学校.
#[test]
fn a_chinese_column_a_character_off_is_named_and_a_short_one_left_alone() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        LIST,
        "编号,标题,年级,课程,链接,授课老师,学段\nok,合格的一行,七年级,mental-health,https://media.example.org/a.mp4,王老师,初中\n",
    );
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr.contains("column `学段` is not read"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("or by their Chinese names: 标题"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("videos/ok/index.html")).unwrap();
    assert!(page.contains("王老师"), "授课老师 is the speaker");
    site.write(
        LIST,
        "编号,标题,年级,课程,链接,执教老帅\nok,合格的一行,七年级,mental-health,https://media.example.org/a.mp4,王老师\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("unknown column `执教老帅`")
            && run.stderr.contains("did you mean `执教老师` (speaker)?"),
        "{}",
        run.stderr
    );
}

/// A Chinese column and its English name side by side are one field twice.
#[test]
fn a_field_named_in_two_languages_is_a_column_twice() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        LIST,
        "id,title,标题,grade,course,url\nok,甲,乙,7,mental-health,https://media.example.org/a.mp4\n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("the columns `title` and `标题` both name the field `title`")
            && run.stderr.contains("list.csv:1:3"),
        "{}",
        run.stderr
    );
}

#[test]
fn topics_separated_as_a_spreadsheet_has_them_are_each_a_topic() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let text = "id,title,grade,course,topics,url\n\
        t1,甲,7,mental-health,\"情绪管理,压力管理\",https://media.example.org/1.mp4\n\
        t2,乙,7,mental-health,情绪管理，压力管理,https://media.example.org/2.mp4\n\
        t3,丙,7,mental-health,情绪管理;压力管理,https://media.example.org/3.mp4\n\
        t4,丁,7,mental-health,情绪管理；压力管理｜人际交往,https://media.example.org/4.mp4\n";
    site.write(LIST, text.as_bytes());
    let out = site.beside("public");
    let run = build(&site.root, &out, &[]);
    run.success();
    let mut topics = list_dir(&out.join("topics"));
    topics.retain(|t| t != "index.html");
    assert_eq!(
        topics,
        ["qing-xu-guan-li", "ren-ji-jiao-wang", "ya-li-guan-li"],
        "{}",
        run.stderr
    );
}

/// What a teacher's spreadsheet export goes wrong with: a column of their own (备注) is left
/// unread with a warning; a workbook renamed to .csv, and a sheet saved with semicolons, are
/// each named for what they are, with how to save it.
#[test]
fn spreadsheet_mistakes_are_named_for_what_they_are() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let out = site.beside("public");
    site.write(
        LIST,
        "序号,id,title,grade,course,url,备注,time,note\n1,ok,合格的一行,7,mental-health,https://media.example.org/a.mp4,待审核,上午,无\n",
    );
    let run = build(&site.root, &out, &[]);
    run.success();
    // a word of its own is no misspelt field (`time` is not `title`, `note` not `date`);
    // more than three such columns are named in one warning
    let said = "4 columns are not read, a video catalog has no such fields: `序号`, `备注`, `time`, `note`";
    assert!(run.stderr.contains(said), "{said}\n{}", run.stderr);
    assert_eq!(run.stderr.matches("warning: ").count(), 1, "{}", run.stderr);
    assert!(
        !std::fs::read_to_string(out.join("videos/ok/index.html"))
            .unwrap()
            .contains("待审核")
    );

    site.write(LIST, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("workbook (.xlsx/.xls) with its name changed to .csv"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("另存为"), "{}", run.stderr);

    site.write(
        LIST,
        "id;title;grade;course;url\nok;合格的一行;7;mental-health;https://media.example.org/a.mp4\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("the columns are separated by `;`, not by commas"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("has no `title` column"),
        "{}",
        run.stderr
    );
    site.write(
        LIST,
        "id\ttitle\tgrade\tcourse\turl\nok\t合格的一行\t7\tmental-health\thttps://media.example.org/a.mp4\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    let said = "the columns are separated by tabs (制表符)";
    assert!(run.stderr.contains(said), "{said}\n{}", run.stderr);

    // a title row above the header, as a sheet made for printing has it: one error naming both
    site.write(
        LIST,
        "2024年春季课堂视频登记表,,,,\nid,title,grade,course,url\nok,合格的一行,7,mental-health,https://media.example.org/a.mp4\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    let said = "row 1 is a title (`2024年春季课堂视频登记表`), and the column names are on row 2";
    assert!(run.stderr.contains(said), "{said}\n{}", run.stderr);
    assert_eq!(run.stderr.matches("error: ").count(), 2, "{}", run.stderr);
}

/// A CSV row that takes the id of a video file: one error for the id, naming the row's line,
/// and no second-hand warnings about the review of that video measured against the wrong one.
#[test]
fn a_duplicate_id_is_one_error_not_warnings_about_its_reviews() {
    let site = copy_site_from(&fixture("sites/full"));
    let out = site.beside("public");
    site.write(
        // sorts before the video's file, so it was the one kept
        "content/videos/a-extra.csv",
        "id,title,grade,course,url,duration\nemotion-abc-class,同名,1,mental-health,https://media.example.org/a.mp4,00:10\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("duplicate video id `emotion-abc-class`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/videos/a-extra.csv:2 also has it"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("warning: ").count(),
        run.stderr.matches("warning: sitemap").count(),
        "{}",
        run.stderr
    );
}

/// A sheet with a mistake in every row shows the first mistakes in full and counts the rest,
/// rather than flooding the terminal; `--format json` lists every one.
#[test]
fn a_mistake_in_every_row_shows_the_first_and_counts_the_rest() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let mut text = String::from("id,title,grade,course,url\n");
    for n in 0..300 {
        text.push_str(&format!(
            "v{n},行{n},13,mental-health,https://x.org/{n}.mp4\n"
        ));
    }
    site.write(LIST, text);
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    let shown = run.stderr.matches("error: grade 13 does not exist").count();
    assert_eq!(
        shown,
        200,
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(600)..]
    );
    assert!(
        run.stderr.contains("… and 100 more not shown"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the site has 300 errors"),
        "{}",
        run.stderr
    );
    let json = lectern([
        "check",
        "--format",
        "json",
        "--root",
        site.root.to_str().unwrap(),
    ]);
    assert_eq!(json.stdout.matches("grade 13 does not exist").count(), 300);
}
