//! Invalid input: one folder per error class under tests/fixtures/invalid/<case>/, each laid over
//! a copy of the valid site tests/fixtures/invalid/_base/. For every case the build must fail
//! with exit 1, report every line of the case's expected.txt on stderr, never panic, and leave
//! the previous good build byte-for-byte intact with no staging folders beside it.
//! See tests/README.md for how to add a case.

use std::path::Path;
use std::time::Duration;

use crate::common::*;

/// A bad site must be rejected quickly (the YAML alias bomb case is the one this guards).
const BAD_BUILD_LIMIT: Duration = Duration::from_secs(60);

/// Files of a case folder that describe the case rather than being laid over the base.
const CASE_FILES: &[&str] = &["expected.txt", "delete.txt"];

fn case_dirs() -> Vec<std::path::PathBuf> {
    let root = fixture("invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures/invalid")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    cases.sort();
    cases
}

/// Lay the case's files over the site and apply its delete.txt.
fn apply_case(case: &Path, site: &Path) {
    for (rel, bytes) in read_tree(case) {
        if !CASE_FILES.contains(&rel.as_str()) {
            write_file(&site.join(&rel), &bytes);
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("delete.txt")) {
        for rel in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            std::fs::remove_file(site.join(rel)).unwrap_or_else(|e| panic!("delete {rel}: {e}"));
        }
    }
}

fn expected_lines(case: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(case.join("expected.txt"))
        .unwrap_or_else(|_| panic!("{} has no expected.txt", case.display()));
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with("# "))
        .map(str::to_string)
        .collect()
}

/// Run one case; `Err` describes every way it went wrong.
fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let site = copy_site_from(&fixture("invalid/_base"));
    let out = site.beside("public");
    let good = build(&site.root, &out, &[]);
    if good.code != Some(0) {
        return Err(format!(
            "{name}: the base site does not build:\n{}",
            good.stderr
        ));
    }
    let before = read_tree(&out);

    apply_case(case, &site.root);
    let mut args: Vec<std::ffi::OsString> = vec!["build".into(), "--root".into()];
    args.push(site.root.clone().into());
    args.push("--out".into());
    args.push(out.clone().into());
    let run = lectern_with_timeout(args, BAD_BUILD_LIMIT);

    let mut problems = Vec::new();
    if run.code != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", run.code));
    }
    if run.stderr.contains("panicked") {
        problems.push("the binary panicked".to_string());
    }
    for line in expected_lines(case) {
        match line.strip_prefix("! ") {
            Some(absent) if run.stderr.contains(absent) => {
                problems.push(format!("stderr should not contain `{absent}`"))
            }
            Some(_) => {}
            None if !run.stderr.contains(&line) => problems.push(format!("stderr lacks `{line}`")),
            None => {}
        }
    }
    // `check` finds the same problems (it renders each body with its page, as `build` does).
    let check_args: Vec<std::ffi::OsString> =
        vec!["check".into(), "--root".into(), site.root.clone().into()];
    let checked = lectern_with_timeout(check_args, BAD_BUILD_LIMIT);
    if checked.code != Some(1) {
        problems.push(format!("check: exit code {:?}, expected 1", checked.code));
    }
    for line in expected_lines(case).iter().filter(|l| !l.starts_with("! ")) {
        if !checked.stderr.contains(line.as_str()) {
            problems.push(format!("check's stderr lacks `{line}`"));
        }
    }
    let after = read_tree(&out);
    if after != before {
        let changed: std::collections::BTreeSet<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        problems.push(format!("the previous output changed: {changed:?}"));
    }
    let leftovers = leftovers_beside(&out);
    if !leftovers.is_empty() {
        problems.push(format!("left beside the output: {leftovers:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "case `{name}` ({:.1} s):\n  - {}\n  stderr:\n{}",
            run.elapsed.as_secs_f64(),
            problems.join("\n  - "),
            indent(&run.stderr)
        ))
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    | {l}\n")).collect()
}

#[test]
fn every_invalid_case_is_reported_and_keeps_the_previous_build() {
    let cases = case_dirs();
    assert!(cases.len() >= 25, "only {} cases found", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} invalid cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_base_site_is_valid() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let run = lectern(["check".as_ref(), "--root".as_ref(), site.root.as_os_str()]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn check_reports_the_same_errors_without_writing() {
    let site = copy_site_from(&fixture("invalid/_base"));
    apply_case(&fixture("invalid/misspelt-key"), &site.root);
    let before = read_tree(site.tmp.path());
    let run = lectern(["check".as_ref(), "--root".as_ref(), site.root.as_os_str()]);
    run.expect_code(1);
    for line in expected_lines(&fixture("invalid/misspelt-key"))
        .iter()
        .filter(|l| !l.starts_with("! "))
    {
        assert!(
            run.stderr.contains(line.as_str()),
            "lacks `{line}`:\n{}",
            run.stderr
        );
    }
    assert_same_tree(&before, &read_tree(site.tmp.path()), "check on a bad site");
}

#[test]
fn json_diagnostics_are_one_object_per_line() {
    let site = copy_site_from(&fixture("invalid/_base"));
    apply_case(&fixture("invalid/several-errors"), &site.root);
    let run = lectern([
        "check".as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    run.expect_code(1);
    // JSON lines go to stdout (for editors and CI); nothing else is printed there
    let objects: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        objects.len() >= 3,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        objects
            .iter()
            .any(|o| o["file"] == "content/lessons/a.md" && o["line"] == 3),
        "{}",
        run.stdout
    );
    assert!(
        objects
            .iter()
            .all(|o| o["severity"] == "error" || o["severity"] == "warning")
    );
}

#[test]
fn strict_turns_warnings_into_failure_and_writes_nothing() {
    let site = copy_site_from(&fixture("invalid/_base"));
    // a link with a forbidden scheme is removed with a warning
    site.write(
        "content/lessons/a.md",
        "---\ntitle: 情绪小怪兽\ngrade: 7\ncourse: mental-health\n---\n\n见[另一课](ftp://example.org/x)。\n",
    );
    let out = site.beside("public");
    let relaxed = build(&site.root, &out, &[]);
    relaxed.success();
    assert!(
        relaxed
            .stderr
            .contains("warning: link with `ftp:` address removed"),
        "{}",
        relaxed.stderr
    );
    assert!(
        relaxed.stderr.contains("content/lessons/a.md:7:"),
        "{}",
        relaxed.stderr
    );
    let before = read_tree(&out);
    site.write("content/lessons/a.md", "---\ntitle: 改过的标题\ngrade: 7\ncourse: mental-health\n---\n\n见[另一课](ftp://example.org/x)。\n");
    let strict = build(&site.root, &out, &["--strict"]);
    strict.expect_code(1);
    assert_same_tree(&before, &read_tree(&out), "--strict with a warning");
}

#[test]
fn out_folder_that_is_not_lectern_output_is_refused() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let out = site.beside("precious");
    write_file(&out.join("thesis.docx"), b"years of work");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("refusing to write the site into"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(out.join("thesis.docx")).unwrap(),
        b"years of work"
    );
    // nor the site folder itself, nor its content/
    build(&site.root, &site.root, &[]).expect_code(1);
    build(&site.root, &site.root.join("content"), &[]).expect_code(1);
    assert!(site.root.join("content/lessons/a.md").is_file());
}

// ---- usage errors: exit 2 ----

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let run = lectern(["frobnicate"]);
    run.expect_code(2);
    assert!(run.stderr.contains("frobnicate"), "{}", run.stderr);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = copy_site_from(&fixture("invalid/_base"));
    let run = lectern([
        "build".as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
        "--frobnicate".as_ref(),
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("--frobnicate"), "{}", run.stderr);
    assert!(
        !site.root.join("public").exists(),
        "a usage error must not build"
    );
}

#[test]
fn no_subcommand_is_a_usage_error() {
    lectern(Vec::<&str>::new()).expect_code(2);
}

#[test]
fn missing_flag_value_is_a_usage_error() {
    lectern(["build", "--root"]).expect_code(2);
}

#[test]
fn help_and_version_succeed() {
    let help = lectern(["--help"]);
    help.success();
    assert!(help.stdout.contains("build"), "{}", help.stdout);
    lectern(["--version"]).success();
}

/// A broken link in a free page, an anchor no heading has and a template's undefined variable
/// are all reported by one `check` and one `build`, not one after another fix.
#[test]
fn content_link_anchor_and_template_errors_come_in_one_run() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        "content/pages/a.md",
        "---\ntitle: 坏链接\n---\n[x](nope.md)\n",
    );
    site.write(
        "content/pages/b.md",
        "---\ntitle: 坏锚点\n---\n[y](a.md#no-such-heading)\n",
    );
    site.write("templates/page.html", "{{ nosuchvar }}");
    let expected = [
        "link target `nope.md` does not exist",
        "finds no such heading",
        "Variable `nosuchvar` is not defined",
    ];
    let checked = lectern(["check".as_ref(), "--root".as_ref(), site.root.as_os_str()]);
    checked.expect_code(1);
    let built = build(&site.root, &site.beside("public"), &[]);
    built.expect_code(1);
    for run in [&checked, &built] {
        for text in expected {
            assert!(run.stderr.contains(text), "{text}\n{}", run.stderr);
        }
    }
}

/// A lesson whose front matter has an error still has its body's problems reported in the
/// same run (a broken link, an empty heading), not after the front matter is mended.
#[test]
fn a_front_matter_error_does_not_hide_the_bodys_problems() {
    let site = copy_site_from(&fixture("invalid/_base"));
    site.write(
        "content/lessons/bad.md",
        "---\ntitle: 坏课\ngrade: 13\ncourse: mental-health\n---\n\n## 目标\n\n见[缺失](missing.md)。\n\n### \n",
    );
    let run = build(&site.root, &site.beside("public"), &[]);
    run.expect_code(1);
    for expected in [
        "grade 13 does not exist",
        "link target `missing.md` does not exist",
        "content/lessons/bad.md:9:",
        "the heading is empty",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}
