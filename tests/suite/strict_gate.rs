//! What `--strict` and `pack --out` refuse, and that a refusal leaves the published site alone:
//! a `budget:` overrun under `--strict` stops the build before the swap; a bad `pack --out` is
//! refused before anything is built; a bad `budget:` value is an error at its line.

use std::path::Path;

use crate::common::*;

const OLD_TITLE: &str = "集成测试资源库";
const NEW_TITLE: &str = "换了名字的资源库";

/// The site's title replaced by `NEW_TITLE`, and a 1 KiB page budget no page meets.
fn retitle_over_budget(site: &SiteCopy) {
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    assert!(config.contains(OLD_TITLE));
    let config = config.replace(OLD_TITLE, NEW_TITLE);
    site.write("site.yaml", format!("{config}\nbudget: {{ page_kb: 1 }}\n"));
}

#[track_caller]
fn assert_old_site_served(out: &Path, marker: &Path) {
    assert!(
        marker.is_file(),
        "the failed --strict run replaced the output"
    );
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(OLD_TITLE) && !home.contains(NEW_TITLE));
    assert_eq!(
        leftovers_beside(&out.join("index.html")),
        Vec::<String>::new()
    );
    assert_eq!(leftovers_beside(out), Vec::<String>::new());
}

#[test]
fn a_strict_build_over_budget_leaves_the_old_site_in_place() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let marker = out.join("MARKER.txt");
    std::fs::write(&marker, "from before").unwrap();
    retitle_over_budget(&site);

    let strict = build(&site.root, &out, &["--strict"]);
    strict.expect_code(1);
    assert!(
        strict.stderr.contains("over the budget"),
        "{}",
        strict.stderr
    );
    assert!(strict.stderr.contains("--strict makes warnings fail"));
    // The figures are still printed, exactly as a build that passes prints them.
    assert!(
        strict
            .stderr
            .lines()
            .any(|l| l.starts_with("Visitor pays (gzip): home ")),
        "{}",
        strict.stderr
    );
    assert!(!strict.stderr.contains("Built "), "{}", strict.stderr);
    assert_old_site_served(&out, &marker);

    // Without --strict the overrun is a warning and the new site goes out.
    let lax = build(&site.root, &out, &[]);
    lax.success();
    assert!(lax.warnings().iter().any(|w| w.contains("over the budget")));
    // The file put there by hand stays, as in every build that goes out.
    assert!(
        marker.exists() && lax.stderr.contains("Kept 1 file(s)"),
        "{}",
        lax.stderr
    );
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(NEW_TITLE));
}

#[test]
fn a_strict_pack_over_budget_leaves_the_old_site_and_writes_no_zip() {
    let site = copy_site("full");
    let out = site.root.join("public");
    let root = site.root.to_str().unwrap();
    lectern(["build", "--root", root]).success();
    let marker = out.join("MARKER.txt");
    std::fs::write(&marker, "from before").unwrap();
    retitle_over_budget(&site);

    let strict = lectern(["pack", "--root", root, "--strict"]);
    strict.expect_code(1);
    assert!(
        strict.stderr.contains("over the budget"),
        "{}",
        strict.stderr
    );
    assert_old_site_served(&out, &marker);
    assert!(!site.root.join("public.zip").exists());
}

/// `lectern pack --root <site> --out <zip>`.
fn pack_into(site: &SiteCopy, zip: &Path) -> Run {
    lectern([
        "pack".as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
        "--out".as_ref(),
        zip.as_os_str(),
    ])
}

/// Each refused `--out`: exit 2 with a message and a help line, and nothing built.
#[track_caller]
fn assert_refused(site: &SiteCopy, zip: &Path, says: &str) {
    let run = pack_into(site, zip);
    run.expect_code(2);
    assert!(run.stderr.contains(says), "{}", run.stderr);
    assert!(run.stderr.contains("help: "), "{}", run.stderr);
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    assert!(!site.root.join("public").exists(), "refused after building");
}

#[test]
fn pack_refuses_a_zip_inside_content() {
    let site = copy_site("full");
    for zip in [
        "content/site.zip",
        "content/assets/site.zip",
        "content/new/site.zip",
    ] {
        assert_refused(
            &site,
            &site.root.join(zip),
            "inside the site's content folder",
        );
    }
    // Spelt through `..` it is the same place.
    let sneaky = site.root.join("public/../content/x.zip");
    assert_refused(&site, &sneaky, "inside the site's content folder");
    assert!(!site.root.join("content/site.zip").exists());
}

#[test]
fn pack_refuses_a_zip_in_a_missing_folder_or_naming_a_folder() {
    let site = copy_site("full");
    assert_refused(&site, &site.beside("missing/site.zip"), "does not exist");
    assert!(!site.beside("missing").exists());
    let folder = site.beside("already.zip");
    std::fs::create_dir(&folder).unwrap();
    assert_refused(&site, &folder, "is an existing folder");
    // A good path still packs.
    let zip = site.beside("site.zip");
    let run = pack_into(&site, &zip);
    run.success();
    assert!(zip.is_file());
}

#[test]
fn bad_budget_values_are_errors_at_their_line_with_help() {
    let cases = [
        ("-1", "not above zero"),
        ("0", "not above zero"),
        ("abc", "is not a number"),
        ("\"12\"", "is not a number"),
        (".nan", "non-finite"),
        ("-.inf", "non-finite"),
    ];
    for (value, says) in cases {
        let site = copy_site("full");
        let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
        let line = config.lines().count() + 4;
        site.write(
            "site.yaml",
            format!("{config}\nbudget:\n  search_kb: 500\n  page_kb: {value}\n"),
        );
        let run = lectern(["check", "--root", site.root.to_str().unwrap()]);
        run.expect_code(1);
        assert!(run.stderr.contains(says), "{value}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("site.yaml:{line}:")),
            "{value}: want line {line}\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("help: "), "{value}: {}", run.stderr);
        assert!(!run.stderr.contains("search_kb"), "{value}: {}", run.stderr);
    }
    // Flow style: the line of `budget:`.
    let site = copy_site("full");
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{config}\nbudget: {{ first_view_kb: -5 }}\n"),
    );
    let run = lectern(["check", "--root", site.root.to_str().unwrap()]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("`budget.first_view_kb` is -5"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("e.g. `first_view_kb: 100`"),
        "{}",
        run.stderr
    );
}

/// A symbolic link put into `public/` by hand (a media share) is kept by the build but not
/// packed, and `pack` says so instead of leaving it out silently; a file put there is packed.
#[test]
fn pack_says_it_leaves_out_a_link_put_into_the_output_by_hand() {
    let site = copy_site("full");
    let out = site.root.join("public");
    build(&site.root, &out, &[]).success();
    let share = site.beside("share");
    std::fs::create_dir(&share).unwrap();
    std::fs::write(share.join("v.mp4"), b"video").unwrap();
    std::os::unix::fs::symlink(&share, out.join("media-share")).unwrap();
    std::fs::create_dir(out.join("uploads")).unwrap();
    std::fs::write(out.join("uploads/hand.txt"), b"by hand").unwrap();
    let zip = site.beside("site.zip");
    let run = pack_into(&site, &zip);
    run.success();
    assert!(
        run.stderr.contains(
            "1 symbolic link(s) put into the output folder by hand are not packed: media-share"
        ),
        "{}",
        run.stderr
    );
    let bytes = std::fs::read(&zip).unwrap();
    let holds = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(
        holds("uploads/hand.txt"),
        "a file put there by hand is packed"
    );
    assert!(!holds("media-share"), "the link is not packed");
}
