//! The editor's loop: `init`, `new`, `check` (broken links, JSON output) and `serve` (raw-socket
//! requests for path traversal and foreign hosts, live rebuilds that match a full build).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_lectern")
}

/// A full build of `site` into `out` as `serve` on 127.0.0.1:`port` makes it: its address as
/// the base URL, and no QR codes (a phone cannot open 127.0.0.1).
fn build_as_served(site: &Path, out: &Path, port: u16) {
    let options = lectern::build::BuildOptions {
        root: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        base_url: Some(format!("http://127.0.0.1:{port}/")),
        qr_base_url: lectern::build::QrBase::Given(None),
        ..Default::default()
    };
    let mut diagnostics = lectern::diagnostics::Diagnostics::new();
    let built = lectern::build::build(&options, &mut diagnostics);
    assert!(built.is_some(), "{:?}", diagnostics.sorted());
}

fn init_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("portal");
    lectern(["init".as_ref(), site.as_os_str()]).success();
    (tmp, site)
}

#[test]
fn init_makes_a_site_that_builds_cleanly_and_refuses_a_non_empty_folder() {
    let (tmp, site) = init_site();
    let out = tmp.path().join("out");
    let run = build(&site, &out, &[]);
    run.success();
    // A new site has no address yet (`base_url: /`): no warning (it builds under --strict), one
    // note says how to give one.
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    assert_eq!(
        run.notes(),
        [crate::build_site::NO_ABSOLUTE_BASE],
        "{}",
        run.stderr
    );
    build(&site, &tmp.path().join("strict"), &["--strict"]).success();
    for page in [
        "index.html",
        "lessons/wo-de-qing-xu-ri-ji/index.html",
        "videos/wo-de-qing-xu-ri-ji-ke-tang/index.html",
        "videos/wo-de-qing-xu-ri-ji-wei-ke/index.html",
        "videos/xin-qing-tian-qi-yu-bao/index.html",
        "reviews/wo-de-qing-xu-ri-ji-ping-ke/index.html",
        "about/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    // The site.yaml written out lists the default synonyms, and the manifest carries them.
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(
        yaml.contains("- [紧张, 焦虑]") && yaml.contains("- 霸凌 -> 欺凌"),
        "{yaml}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["synonyms"]["霸凌"], serde_json::json!(["欺凌"]));
    assert_eq!(manifest["synonyms"]["焦虑"], serde_json::json!(["紧张"]));
    let again = lectern(["init".as_ref(), site.as_os_str()]);
    again.expect_code(1);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    let file = site.join("site.yaml");
    let onto_file = lectern(["init".as_ref(), file.as_os_str()]);
    onto_file.expect_code(1);
    assert!(
        onto_file.stderr.contains("is a file, not a folder"),
        "{}",
        onto_file.stderr
    );
}

#[test]
fn new_writes_a_pinyin_file_that_builds_and_never_overwrites() {
    let (tmp, site) = init_site();
    let run = lectern([
        "new",
        "lesson",
        "情绪管理小课堂",
        "--grade",
        "7",
        "--course",
        "mental-health",
        "--root",
        site.to_str().unwrap(),
    ]);
    run.success();
    let file = site.join("content/lessons/qing-xu-guan-li-xiao-ke-tang.md");
    let text = std::fs::read_to_string(&file).unwrap();
    // an unedited skeleton has nothing --strict would warn about (no empty list items)
    lectern(["check", "--strict", "--root", site.to_str().unwrap()]).success();
    assert!(
        text.contains("title: \"情绪管理小课堂\"")
            && text.contains("grade: 7")
            && text.contains("course: mental-health"),
        "{text}"
    );
    assert!(
        text.contains("## 教学目标")
            && text.contains("## 教学过程")
            && text.contains("## 教学反思"),
        "{text}"
    );
    std::fs::write(
        &file,
        text.replace("## 教学反思", "## 教学反思\n\n编辑过的内容"),
    )
    .unwrap();
    let second = lectern([
        "new",
        "lesson",
        "情绪管理小课堂",
        "--root",
        site.to_str().unwrap(),
    ]);
    second.expect_code(1);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("编辑过的内容"),
        "the file was overwritten"
    );
    // The lesson made for grade 7 is moved to 道德与法治 by its editor: a video and a review
    // of it take its grade and course, not the site's first ones.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("course: mental-health", "course: morality-law"),
    )
    .unwrap();
    for (kind, title, file) in [
        (
            "video",
            "情绪管理课堂实录",
            "videos/qing-xu-guan-li-ke-tang-shi-lu.md",
        ),
        (
            "review",
            "情绪管理评课",
            "reviews/qing-xu-guan-li-ping-ke.md",
        ),
        (
            "review",
            "《情绪管理》说课稿",
            "reviews/qing-xu-guan-li-shuo-ke-gao.md",
        ),
    ] {
        let made = lectern([
            "new",
            kind,
            title,
            "--lesson",
            "qing-xu-guan-li-xiao-ke-tang",
            "--root",
            site.to_str().unwrap(),
        ]);
        made.success();
        assert!(!made.stderr.contains("Check"), "{}", made.stderr);
        let text = std::fs::read_to_string(site.join("content").join(file)).unwrap();
        assert!(
            text.contains("grade: 7") && text.contains("course: morality-law"),
            "{text}"
        );
        // a review nobody has rated yet shows no stars
        assert!(!text.contains("\nrating:"), "{text}");
        // a title that says 说课 is a 说课, with a 说课稿's parts
        if title.contains("说课") {
            assert!(
                text.contains("\nkind: 说课") && text.contains("## 说教材"),
                "{text}"
            );
        } else if kind == "review" {
            assert!(text.contains("\nkind: 评课"), "{text}");
        }
    }
    // Without --lesson, a review names nothing yet: the editor is told what to fill in.
    let unnamed = lectern([
        "new",
        "review",
        "待填写的评课",
        "--root",
        site.to_str().unwrap(),
    ]);
    unnamed.success();
    assert!(
        unnamed.stderr.contains("after `lesson:`"),
        "{}",
        unnamed.stderr
    );
    std::fs::remove_file(site.join("content/reviews/dai-tian-xie-de-ping-ke.md")).unwrap();
    let out = tmp.path().join("out");
    build(&site, &out, &[]).success();
    let lesson =
        std::fs::read_to_string(out.join("lessons/qing-xu-guan-li-xiao-ke-tang/index.html"))
            .unwrap();
    assert!(
        lesson.contains("../../videos/qing-xu-guan-li-ke-tang-shi-lu/")
            && lesson.contains("../../reviews/qing-xu-guan-li-ping-ke/"),
        "cross-links missing"
    );
    let bad = lectern([
        "new",
        "lesson",
        "x",
        "--course",
        "no-such-course",
        "--root",
        site.to_str().unwrap(),
    ]);
    bad.expect_code(1);
    assert!(bad.stderr.contains("unknown course"), "{}", bad.stderr);
}

#[test]
fn new_numbers_a_file_whose_id_another_folder_holds() {
    let (_tmp, site) = init_site();
    let args = |title: &'static str| {
        [
            "new",
            "lesson",
            title,
            "--grade",
            "7",
            "--course",
            "mental-health",
            "--root",
            site.to_str().unwrap(),
        ]
        .map(String::from)
    };
    lectern(args("人际冲突")).success();
    let lessons = site.join("content/lessons");
    std::fs::create_dir_all(lessons.join("junior")).unwrap();
    std::fs::rename(
        lessons.join("ren-ji-chong-tu.md"),
        lessons.join("junior/ren-ji-chong-tu.md"),
    )
    .unwrap();
    let again = lectern(args("人际冲突"));
    again.success();
    assert!(lessons.join("ren-ji-chong-tu-2.md").exists());
    assert!(
        again
            .stderr
            .contains("`ren-ji-chong-tu` is the id of another lesson"),
        "{}",
        again.stderr
    );
    lectern(["check", "--root", site.to_str().unwrap()]).success();
}

/// `new` refuses what the next build would reject, before writing anything: a title over the
/// build's length limit (with the build's message), and a `--lesson` that names no lesson
/// (with a did-you-mean).
/// `new` without --grade or --course says what it filled in; two titles with nothing to spell
/// in pinyin get two files, not "already exists".
#[test]
fn new_says_what_it_guessed_and_numbers_untitled_files() {
    let (_tmp, site) = init_site();
    let run = |title: &str| {
        let out = Command::new(bin())
            .args(["new", "lesson", title, "--root"])
            .arg(&site)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let said = run("Ω Ж");
    assert!(
        said.contains("Check `grade:` and `course:` in it"),
        "{said}"
    );
    assert!(run("Ǆ").contains("untitled-2.md"));
    // A Windows device name would be refused by the build: `new` does not write one.
    assert!(run("CON").contains("con-1.md"));
    assert!(site.join("content/lessons/untitled.md").is_file());
}

#[test]
fn new_refuses_a_too_long_title_and_an_unknown_lesson() {
    let (_tmp, site) = init_site();
    let root = site.to_str().unwrap();
    let long = "长".repeat(201);
    let run = lectern(["new", "lesson", long.as_str(), "--root", root]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("the title is 201 characters long, more than the 200 a title may have")
            && run.stderr.contains("shorten the title"),
        "{}",
        run.stderr
    );
    let typo = lectern([
        "new",
        "review",
        "x",
        "--lesson",
        "wo-de-qing-xu-ri-jj",
        "--root",
        root,
    ]);
    typo.expect_code(1);
    assert!(
        typo.stderr
            .contains("lesson `wo-de-qing-xu-ri-jj` does not exist")
            && typo.stderr.contains("did you mean `wo-de-qing-xu-ri-ji`?"),
        "{}",
        typo.stderr
    );
    let nope = lectern(["new", "video", "x", "--lesson", "nope", "--root", root]);
    nope.expect_code(1);
    assert!(
        nope.stderr.contains("lesson `nope` does not exist")
            && nope.stderr.contains("takes the id of a lesson"),
        "{}",
        nope.stderr
    );
    for dir in ["lessons", "videos", "reviews"] {
        assert!(
            !site.join("content").join(dir).join("x.md").exists()
                && std::fs::read_dir(site.join("content").join(dir))
                    .unwrap()
                    .all(|f| !f
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with("chang")),
            "a refused file was written in {dir}"
        );
    }
    lectern([
        "new",
        "review",
        "x",
        "--lesson",
        "wo-de-qing-xu-ri-ji",
        "--root",
        root,
    ])
    .success();
}

#[test]
fn check_reports_each_kind_of_broken_link_by_line_and_as_json() {
    let (_tmp, site) = init_site();
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let mut text = std::fs::read_to_string(&lesson).unwrap();
    let line = text.lines().count() + 2;
    text.push_str("\n[目标](#教学目标) [坏锚点](#nope) [视频](../videos/wo-de-qing-xu-ri-ji-ke-tang.md#xx) [缺页](missing.md) ![缺图](../assets/none.png)\n");
    std::fs::write(&lesson, text).unwrap();
    // Broken internal links, images and anchors are errors, as in a build.
    let run = lectern(["check", "--root", site.to_str().unwrap()]);
    run.expect_code(1);
    for expected in [
        "`#nope`",
        "`#xx` on videos/wo-de-qing-xu-ri-ji-ke-tang/",
        "`missing.md` does not exist",
        "`../assets/none.png` does not exist",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected}: {}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains("#教学目标` on"),
        "a valid anchor was reported: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("content/lessons/wo-de-qing-xu-ri-ji.md:{line}:")),
        "{}",
        run.stderr
    );
    let json = Command::new(bin())
        .args([
            "check",
            "--format",
            "json",
            "--root",
            site.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        // the new site's `base_url: /` gets its own warning, about site.yaml
        .filter(|d| d["file"] != "site.yaml")
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines.iter().all(|d| d["severity"] == "error"
        && d["line"] == line
        && d["file"] == "content/lessons/wo-de-qing-xu-ri-ji.md"));
}

/// A running `lectern serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The server's stderr, line by line, after the "Serving at" line.
    log: std::sync::mpsc::Receiver<String>,
    /// The server's TMPDIR: its private folder is made in there, and goes with it.
    tmp: tempfile::TempDir,
}

impl Server {
    /// The folder the server builds into and serves.
    fn served(&self) -> PathBuf {
        let private = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("lectern-serve-")
            })
            .expect("serve made its private folder");
        private.join("site")
    }
}

impl Drop for Server {
    /// SIGTERM first, so that it removes its private folder as a user's Ctrl-C would; killed
    /// when it does not stop within 5 s.
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Path) -> Server {
    serve_with(site, &[])
}

fn serve_with(site: &Path, extra: &[&str]) -> Server {
    let (server, stderr, log_tx) = start_serving(site, extra);
    // Keep reading stderr, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = log_tx.send(line);
        }
    });
    server
}

/// A started server, its stderr after the "Serving at" line, and the sender of its log.
fn start_serving(
    site: &Path,
    extra: &[&str],
) -> (
    Server,
    BufReader<std::process::ChildStderr>,
    std::sync::mpsc::Sender<String>,
) {
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(bin())
        .args(["serve", "--port", "0", "--root", site.to_str().unwrap()])
        .args(extra)
        .env("TMPDIR", tmp.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (log_tx, log) = std::sync::mpsc::channel::<String>();
    // Owned by `Server` from the start, so the child is killed and reaped however the test ends.
    let mut server = Server {
        child,
        port: 0,
        log,
        tmp,
    };
    let mut stderr = BufReader::new(server.child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.port == 0 {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0 && Instant::now() < deadline,
            "serve did not start"
        );
        if let Some(rest) = line.split("Serving at http://127.0.0.1:").nth(1) {
            server.port = rest.split('/').next().unwrap().parse().unwrap();
        }
    }
    (server, stderr, log_tx)
}

/// Send raw bytes, return the status code and the body.
fn raw_request(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(port: u16, path: &str) -> (u16, String) {
    raw_request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn serve_refuses_traversal_and_foreign_hosts() {
    let (_tmp, site) = init_site();
    let server = serve(&site);
    let port = server.port;
    assert_eq!(get(port, "/").0, 200);
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/lessons/..%5c..%5cetc/passwd",
        "/a%00b",
    ] {
        let (status, body) = get(port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("root:"), "{path} leaked a file");
    }
    let (status, body) = get(port, "/%252e%252e/%252e%252e/etc/passwd");
    assert_eq!(status, 404, "double encoding must decode once only");
    assert!(!body.contains("root:"));
    let foreign = raw_request(
        port,
        "GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(foreign.0, 403);
    let no_host = raw_request(port, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.0, 403);
    let cross_origin = raw_request(
        port,
        &format!(
            "GET /__lectern/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(cross_origin.0, 403);
    let localhost = raw_request(
        port,
        &format!("GET /about/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(localhost.0, 200);
    assert!(
        localhost.1.contains("EventSource"),
        "live-reload script not injected"
    );
}

/// A preview on this computer only draws no QR codes: they would lead a phone to 127.0.0.1,
/// which is the phone itself.
#[test]
fn serve_on_this_computer_draws_no_qr_codes_a_phone_cannot_open() {
    let (_tmp, site) = init_site();
    let server = serve(&site);
    let (_, home) = get(server.port, "/lessons/");
    // a link to a lesson's own page (`…/lessons/<id>/`), however the page writes its links
    let lesson = home
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|href| href.find("lessons/").map(|at| &href[at..]))
        .find(|path| path.trim_end_matches('/').len() > "lessons".len())
        .expect("a lesson linked from the lessons page")
        .to_string();
    let (status, page) = get(server.port, &format!("/{lesson}"));
    assert_eq!(status, 200, "{lesson}");
    assert!(
        page.contains("resource-title"),
        "{lesson} is a resource page"
    );
    assert!(
        !page.contains("qr-code"),
        "{lesson} draws a QR code of 127.0.0.1"
    );
}

/// Log lines up to and including the first that starts with `prefix` (20 s at most).
fn log_until(log: &std::sync::mpsc::Receiver<String>, prefix: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut lines = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = log.recv_timeout(Duration::from_millis(200)) {
            let done = line.starts_with(prefix);
            lines.push(line);
            if done {
                break;
            }
        }
    }
    lines
}

#[test]
fn serve_patches_edits_new_files_and_deletions_and_equals_a_full_build() {
    let (tmp, site) = init_site();
    let server = serve(&site);
    let served = server.served();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(served.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "the preview's folder is private");
    }
    let matches_full_build = |name: &str| {
        let out = tmp.path().join(name);
        build_as_served(&site, &out, server.port);
        read_tree(&served) == read_tree(&out)
    };
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(
        &lesson,
        text.replace("（课后填写）", "（课后填写）独一无二的反思句子"),
    )
    .unwrap();
    let log = log_until(&server.log, "Updated");
    assert!(
        log.last().is_some_and(|l| l
            .starts_with("Updated lessons/wo-de-qing-xu-ri-ji/index.html and the search index")),
        "no quick refresh: {log:?}"
    );
    let page = "/lessons/wo-de-qing-xu-ri-ji/";
    assert!(get(server.port, page).1.contains("独一无二的反思句子"));
    // No full build follows: the patched site, search index included, already is one.
    assert!(matches_full_build("full-1"), "the body edit's patch");
    // A title change shows on other pages too: the quick path re-renders every page showing
    // the lesson's card (home, listings, the linked video and review) and the feed.
    std::fs::write(
        &lesson,
        text.replace("title: 我的情绪日记", "title: 我的情绪周记"),
    )
    .unwrap();
    let log = log_until(&server.log, "Updated");
    let quick = log.last().cloned().unwrap_or_default();
    for page in [
        "index.html",
        "grades/5/index.html",
        "videos/wo-de-qing-xu-ri-ji-ke-tang/index.html",
        "reviews/wo-de-qing-xu-ri-ji-ping-ke/index.html",
        "feed.xml",
    ] {
        assert!(quick.contains(page), "{page} not refreshed: {log:?}");
    }
    assert!(get(server.port, "/").1.contains("我的情绪周记"));
    assert!(matches_full_build("full-2"), "the title edit's patch");
    // A new lesson, then the same file deleted: its page, its listings, the home page and
    // the index are patched; no full build either.
    let fresh = site.join("content/lessons/xin-ke.md");
    std::fs::write(
        &fresh,
        text.replace("title: 我的情绪日记", "title: 崭新的一课")
            .replace("grade: 5", "grade: 6"),
    )
    .unwrap();
    let log = log_until(&server.log, "Updated");
    assert!(
        log.last()
            .is_some_and(|l| l.contains("lessons/xin-ke/index.html")),
        "{log:?}"
    );
    assert!(
        get(server.port, "/lessons/xin-ke/")
            .1
            .contains("崭新的一课")
    );
    assert!(get(server.port, "/grades/6/").1.contains("崭新的一课"));
    assert!(matches_full_build("full-3"), "the new lesson's patch");
    std::fs::remove_file(&fresh).unwrap();
    let log = log_until(&server.log, "Updated");
    assert!(
        log.last().is_some_and(|l| l.contains("lessons/index.html")),
        "{log:?}"
    );
    assert_eq!(get(server.port, "/lessons/xin-ke/").0, 404);
    assert_eq!(
        get(server.port, "/grades/6/").0,
        404,
        "its grade has no resource left"
    );
    assert!(matches_full_build("full-4"), "the deletion's patch");
    std::thread::sleep(Duration::from_millis(500));
    let later: Vec<String> = server.log.try_iter().collect();
    assert!(
        !later.iter().any(|l| l.starts_with("Built")),
        "edits, new files and deletions need no full build: {later:?}"
    );
}

#[test]
fn serve_reports_a_port_in_use() {
    let (_tmp, site) = init_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = lectern([
        "serve",
        "--port",
        port.as_str(),
        "--root",
        site.to_str().unwrap(),
    ]);
    run.expect_code(1);
    assert!(run.stderr.contains("already in use"), "{}", run.stderr);
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Save `lesson` as `original` with the title `title`, then wait until `page` shows it.
fn retitle_and_wait(port: u16, page: &str, lesson: &Path, original: &str, title: &str) {
    std::fs::write(
        lesson,
        original.replace("title: 我的情绪日记", &format!("title: {title}")),
    )
    .unwrap();
    wait_for(title, || get(port, page).1.contains(title));
}

#[test]
fn serve_rebuilds_on_save_shows_errors_and_matches_a_full_build() {
    let (tmp, site) = init_site();
    let server = serve(&site);
    let port = server.port;
    let page = "/lessons/wo-de-qing-xu-ri-ji/";
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let original = std::fs::read_to_string(&lesson).unwrap();
    retitle_and_wait(port, page, &lesson, &original, "我的情绪周记");
    std::fs::write(&lesson, original.replace("grade: 5", "grade: 15")).unwrap();
    wait_for("the error box", || {
        get(port, page).1.contains("lectern-errors")
    });
    let (_, shown) = get(port, page);
    assert!(
        shown.contains("我的情绪周记") && shown.contains("页面显示的是上一次成功的构建"),
        "the last good build must stay served, and the box say so"
    );
    assert!(
        shown.contains("content/lessons/wo-de-qing-xu-ri-ji.md:3")
            && shown.contains("grade 15 does not exist"),
        "{shown}"
    );
    // The log says why the save was not patched.
    let lines = log_until(&server.log, "Build failed");
    assert!(
        lines.iter().any(|l| l.starts_with(
            "full rebuild: content/lessons/wo-de-qing-xu-ri-ji.md: grade 15 does not exist"
        )),
        "{lines:#?}"
    );
    // Fifty saves in a burst, the last one valid: the server settles on the files as they are.
    for i in 0..50 {
        std::fs::write(
            &lesson,
            original.replace("title: 我的情绪日记", &format!("title: 第{i}版")),
        )
        .unwrap();
    }
    wait_for("the final save", || {
        let (_, body) = get(port, page);
        body.contains("第49版") && !body.contains("lectern-errors")
    });
    let lines = log_until(&server.log, "Built");
    assert!(
        lines
            .iter()
            .any(|l| l == "full rebuild: the last build failed"),
        "after a failed build the next save builds everything: {lines:#?}"
    );
    // What is served equals a full build of the same files with the same base URL.
    settles_on_a_full_build(&server, &site, &tmp.path().join("full"));
}

/// A site broken from the start has no last good build: the box says how it will come.
#[test]
fn serve_on_a_site_broken_from_the_start_says_the_page_comes_when_mended() {
    let (_tmp, site) = init_site();
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let original = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, original.replace("grade: 5", "grade: 15")).unwrap();
    let server = serve(&site);
    let port = server.port;
    wait_for("the error box", || {
        get(port, "/").1.contains("lectern-errors")
    });
    let (_, shown) = get(port, "/");
    assert!(
        shown.contains("修正后页面会自动刷新") && !shown.contains("上一次成功"),
        "{shown}"
    );
}

/// Wait until the served folder equals a full build of `site` (same base URL) into `out`.
fn settles_on_a_full_build(server: &Server, site: &Path, out: &Path) {
    build_as_served(site, out, server.port);
    let served = server.served();
    let expected = read_tree(out);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = read_tree(&served);
        if now == expected {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out waiting for the served site to equal a full build: {}",
                tree_differences(&now, &expected)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Which files differ between two trees, and how the first differing page differs: enough to
/// tell a missed save from a patch that disagrees with a full build.
fn tree_differences(
    served: &std::collections::BTreeMap<String, Vec<u8>>,
    expected: &std::collections::BTreeMap<String, Vec<u8>>,
) -> String {
    let only_served: Vec<&String> = served
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    let only_full: Vec<&String> = expected
        .keys()
        .filter(|k| !served.contains_key(*k))
        .collect();
    let differ: Vec<&String> = served
        .iter()
        .filter(|(k, v)| expected.get(*k).is_some_and(|e| e != *v))
        .map(|(k, _)| k)
        .collect();
    let first = differ.first().map(|k| {
        let (a, b) = (&served[*k], &expected[*k]);
        let at = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
        let window = |s: &[u8]| {
            String::from_utf8_lossy(&s[at.saturating_sub(80).min(s.len())..(at + 160).min(s.len())])
                .into_owned()
        };
        format!("\n{k} served: …{}…\n{k} full:   …{}…", window(a), window(b))
    });
    format!(
        "only served {only_served:?}; only in the full build {only_full:?}; differ {differ:?}{}",
        first.unwrap_or_default()
    )
}

#[test]
fn serve_survives_a_broken_template_a_half_written_file_and_a_delete_during_a_rebuild() {
    survives_bad_saves(&[]);
}

#[test]
fn serve_with_poll_sees_every_kind_of_save_too() {
    survives_bad_saves(&["--poll"]);
}

/// A template override made while serving (its folder new), broken and removed; a lesson
/// caught half-written; a new file deleted right after it triggered a build.
fn survives_bad_saves(serve_args: &[&str]) {
    let (tmp, site) = init_site();
    let server = serve_with(&site, serve_args);
    let port = server.port;
    let page = "/lessons/wo-de-qing-xu-ri-ji/";
    let has_box = |body: &str| body.contains("lectern-errors");
    // A broken template override: the box names the template; the last good page stays.
    let template = site.join("templates/lesson.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(
        &template,
        "{% extends \"base.html\" %}\n{% block main %}{% if %}\n",
    )
    .unwrap();
    wait_for("the template error box", || has_box(&get(port, page).1));
    let (status, shown) = get(port, page);
    assert_eq!(status, 200);
    assert!(shown.contains("templates/lesson.html"), "{shown}");
    assert!(
        shown.contains("我的情绪日记"),
        "the last good page stays served"
    );
    std::fs::remove_file(&template).unwrap();
    wait_for("the box to go", || !has_box(&get(port, page).1));
    // A file caught half-written (front matter not closed yet), then completed.
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let original = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, &original[..original.find("course:").unwrap()]).unwrap();
    wait_for("the half-written file's box", || {
        has_box(&get(port, page).1)
    });
    std::fs::write(&lesson, &original).unwrap();
    wait_for("the box to go again", || !has_box(&get(port, page).1));
    // A new free page (a full build: it is in every page's menu) deleted again 60 ms later:
    // past the 30 ms debounce, so most often while that build runs. Either way the server
    // must end on the files as they are.
    let fresh = site.join("content/pages/lin-shi.md");
    std::fs::write(&fresh, "---\ntitle: 临时页面\n---\n\n很快就删。\n").unwrap();
    std::thread::sleep(Duration::from_millis(60));
    std::fs::remove_file(&fresh).unwrap();
    settles_on_a_full_build(&server, &site, &tmp.path().join("full"));
    assert_eq!(get(port, "/lin-shi/").0, 404);
    assert!(!has_box(&get(port, page).1));
}

#[test]
fn serve_under_a_sub_path_serves_links_and_edits_there() {
    let (_tmp, site) = init_site();
    let server = serve_with(&site, &["--base-url", "/portal/"]);
    let port = server.port;
    let page = "/portal/lessons/wo-de-qing-xu-ri-ji/";
    let (status, body) = get(port, page);
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!(
            "rel=\"canonical\" href=\"http://127.0.0.1:{port}{page}\""
        )),
        "the canonical address carries the sub-path"
    );
    assert!(
        body.contains("/portal/__lectern/events"),
        "live reload under the sub-path"
    );
    assert_eq!(get(port, "/portal/static/site.css").0, 200);
    for root in ["/", "/portal"] {
        let (status, response) = get(port, root);
        assert_eq!(status, 301, "{root}");
        assert!(response.contains("/portal/\r\n"), "{response}");
    }
    assert_eq!(get(port, "/lessons/wo-de-qing-xu-ri-ji/").0, 404);
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    retitle_and_wait(port, page, &lesson, &text, "子路径里的日记");
}

#[test]
fn serve_keeps_working_and_stops_on_sigterm_after_its_stderr_is_gone() {
    let (_tmp, site) = init_site();
    let (mut server, stderr, _) = start_serving(&site, &[]);
    let port = server.port;
    // The parent that read the log goes away (a closed terminal pipe, a killed script).
    drop(stderr);
    let lesson = site.join("content/lessons/wo-de-qing-xu-ri-ji.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    for title in ["无人读日志", "仍在更新"] {
        retitle_and_wait(port, "/lessons/wo-de-qing-xu-ri-ji/", &lesson, &text, title);
    }
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_tells_open_pages_when_a_full_build_starts_then_when_it_is_done() {
    let (_tmp, site) = init_site();
    let server = serve(&site);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let request = format!(
        "GET /__lectern/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut events = BufReader::new(stream);
    let mut next_line = || {
        let mut line = String::new();
        assert!(events.read_line(&mut line).unwrap() > 0, "the stream ended");
        line.trim_end().to_string()
    };
    let first = loop {
        if let Some(build) = next_line().strip_prefix("data: ") {
            break build.parse::<u64>().unwrap();
        }
    };
    // A change to site.yaml takes a full build.
    let config = site.join("site.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n# edited\n")).unwrap();
    let mut seen = Vec::new();
    loop {
        let line = next_line();
        if line.starts_with("event:") || line.starts_with("data:") {
            seen.push(line.clone());
        }
        if let Some(build) = line.strip_prefix("data: ")
            && build.parse::<u64>().is_ok_and(|b| b > first)
        {
            break;
        }
    }
    assert_eq!(seen[..2], ["event: building", "data: 1"], "{seen:?}");
    let page = get(server.port, "/lessons/wo-de-qing-xu-ri-ji/").1;
    assert!(
        page.contains("addEventListener(\"building\""),
        "the page shows the notice"
    );
}

#[test]
fn serve_redirects_only_to_its_own_paths_and_answers_beside_half_open_connections() {
    let (_tmp, site) = init_site();
    let server = serve(&site);
    let port = server.port;
    // `//lessons/` would be the host `lessons` to a browser.
    for path in ["//lessons", "///lessons"] {
        let (status, response) = get(port, path);
        assert_eq!(status, 301, "{path}");
        assert!(
            response
                .to_ascii_lowercase()
                .contains("\r\nlocation: /lessons/\r\n"),
            "{path}: {response}"
        );
    }
    // Connections that send part of a request and stop hold a slot each until the header-read
    // timeout; a page still loads meanwhile.
    let half_open: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    assert_eq!(get(port, "/").0, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(half_open);
}

/// `lectern init x | head -c1` closes the pipe after one byte: the rest of the output is lost,
/// the command is not (it used to panic with exit 101).
#[test]
fn init_and_new_finish_when_their_output_pipe_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let run = |args: &[&str], dir: &Path| {
        Command::new(bin())
            .args(args)
            .current_dir(dir)
            .stdout(closed())
            .stderr(closed())
            .status()
            .unwrap()
    };
    let init = run(&["init", site.to_str().unwrap()], tmp.path());
    assert_eq!(init.code(), Some(0));
    let new = run(&["new", "lesson", "管道关闭", "--grade", "7"], &site);
    assert_eq!(new.code(), Some(0));
    assert!(site.join("site.yaml").is_file());
}

/// A kind folder that is a symbolic link (the build skips it) gets no new file written through it.
#[cfg(unix)]
#[test]
fn new_writes_nothing_through_a_linked_kind_folder() {
    let (tmp, site) = init_site();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let videos = site.join("content/videos");
    let _ = std::fs::remove_dir_all(&videos);
    std::os::unix::fs::symlink(&elsewhere, &videos).unwrap();
    let run = lectern([
        "new",
        "video",
        "外部写入测试",
        "--root",
        site.to_str().unwrap(),
    ]);
    run.expect_code(1);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// A new video left with its example address, or captions named on another site (which
/// browsers refuse), is a warning at its line: the page would otherwise play nothing.
#[test]
fn a_placeholder_video_address_and_foreign_captions_are_warned_about() {
    let (tmp, site) = init_site();
    let root = site.to_str().unwrap();
    lectern(["new", "video", "未填写地址的实录", "--root", root]).success();
    let file = site.join("content/videos/wei-tian-xie-di-zhi-de-shi-lu.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "# captions: captions/replace-me.vtt",
            "captions: \"https://media.example.org/x.vtt\"",
        ),
    )
    .unwrap();
    let run = lectern(["check", "--root", root]);
    assert!(
        run.stderr.contains("still the example `lectern new` wrote")
            && run.stderr.contains("`captions` is on another site")
            && run.stderr.contains("wei-tian-xie-di-zhi-de-shi-lu.md:"),
        "{}",
        run.stderr
    );
    drop(tmp);
}

/// A wrong grade (a required key) no longer hides the other keys' problems: one `check` says
/// all of them, and the lesson with stand-ins in its place is not published.
#[test]
fn every_problem_of_a_front_matter_is_said_at_once() {
    let (tmp, site) = init_site();
    site.join("content/lessons")
        .read_dir()
        .unwrap()
        .for_each(|e| {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        });
    std::fs::write(
        site.join("content/lessons/a.md"),
        "---\ntitle: 情绪\ngrade: 初一\ncourse: xinli\nterm: 3\n---\n\n正文\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/lessons/b.md"),
        "---\nsummary: 只有摘要\n---\n\n正文\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = build(&site, &out, &[]);
    run.expect_code(1);
    for (needle, place) in [
        (
            "is a different grade in a 六三制 and a 五四制 school",
            "a.md:3",
        ),
        ("unknown course `xinli`", "a.md:4"),
        ("term 3 is out of range", "a.md:5"),
        ("missing field `title`", "b.md:2"),
        ("missing field `grade`", "b.md:2"),
        ("missing field `course`", "b.md:2"),
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
        assert!(run.stderr.contains(place), "{place}: {}", run.stderr);
    }
    assert!(!out.exists());
}

/// `grade: 七年级`, `grade: [高一, 高二]`, a course by its name (`course: 心理健康`) or with a
/// zero-width space pasted after it, topics separated by 、 and `term: 下学期` are read as the
/// teacher means them.
#[test]
fn grades_written_in_words_are_read() {
    let (tmp, site) = init_site();
    std::fs::write(
        site.join("content/lessons/words-a.md"),
        "---\ntitle: 七年级的课\ngrade: 七年级\ncourse: 心理健康\ntopics: 情绪管理、人际交往\nterm: 下学期\n---\n\n正文\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/lessons/words-b.md"),
        "---\ntitle: 高中的课\ngrade: [高一, 高二]\ncourse: mental-health\u{200B}\n---\n\n正文\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&site, &out, &[]).success();
    let grades = |id: &str| {
        let page = std::fs::read_to_string(out.join(format!("lessons/{id}/index.html"))).unwrap();
        ["七年级", "高一", "高二"]
            .into_iter()
            .filter(|g| page.contains(&format!(">{g}</a>")))
            .collect::<Vec<_>>()
    };
    assert_eq!(grades("words-a"), ["七年级"]);
    let page = std::fs::read_to_string(out.join("lessons/words-a/index.html")).unwrap();
    assert!(
        page.contains("courses/mental-health/"),
        "the course by its name"
    );
    assert!(
        page.contains(">情绪管理</a>") && page.contains(">人际交往</a>"),
        "two topics, not one"
    );
    assert!(page.contains("<dd>下学期</dd>"), "the term in words");
    assert_eq!(grades("words-b"), ["高一", "高二"]);
}

/// A video kept with the site whose poster is on another site, and a link to a file on the
/// editor's own computer, are each told how to mend.
#[test]
fn a_foreign_poster_of_a_local_video_and_a_desktop_link_get_a_mend() {
    let (tmp, site) = init_site();
    std::fs::create_dir_all(site.join("content/assets/media")).unwrap();
    std::fs::write(site.join("content/assets/media/v.mp4"), "x").unwrap();
    std::fs::write(
        site.join("content/videos/local.md"),
        "---\ntitle: 本地视频\ngrade: 7\ncourse: mental-health\nurl: media/v.mp4\nposter: \"https://img.example.com/p.jpg\"\n---\n\n[学案](file:///C:/Users/老师/学案.pdf)\n\n![图](C:\\Users\\老师\\Desktop\\图1.png)\n",
    )
    .unwrap();
    let run = lectern(["check", "--root", site.to_str().unwrap()]);
    // the handout and the image would vanish from the page without a word: errors
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: `file:` is a file on your own computer")
            && run
                .stderr
                .contains("error: `c:` is a file on your own computer")
            && run.stderr.contains("local.md:11:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("its poster image is on another site")
            && run.stderr.contains("local.md:6")
            && run.stderr.contains("a file on your own computer"),
        "{}",
        run.stderr
    );
    drop(tmp);
}

/// `title: 第3课 #心理健康` loses its hashtag to YAML's comment sign: a warning, with the quotes
/// that keep it; a quoted title with a comment after it is whole, and says nothing.
#[test]
fn a_title_cut_by_a_comment_sign_is_warned_about() {
    let (tmp, site) = init_site();
    std::fs::write(
        site.join("content/lessons/cut.md"),
        "---\ntitle: 第3课 #心理健康\ngrade: 7\ncourse: mental-health\n---\n\n正文\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/lessons/whole.md"),
        "---\ntitle: \"第4课 #班会\"   # 课题\ngrade: 7\ncourse: mental-health\n---\n\n正文\n",
    )
    .unwrap();
    let run = lectern(["check", "--root", site.to_str().unwrap()]);
    assert!(
        run.stderr.contains("`title` ends before `#心理健康`")
            && run.stderr.contains("cut.md:2")
            && run.stderr.contains("`title: \"第3课 #心理健康\"`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("whole.md"), "{}", run.stderr);
    drop(tmp);
}

/// `lectern new --grade 七年级 --course 心理健康` takes them as front matter does.
#[test]
fn new_takes_a_grade_and_a_course_in_words() {
    let (tmp, site) = init_site();
    let root = site.to_str().unwrap();
    lectern([
        "new",
        "lesson",
        "年级用词",
        "--grade",
        "七年级",
        "--course",
        "心理健康",
        "--root",
        root,
    ])
    .success();
    let text = std::fs::read_to_string(site.join("content/lessons/nian-ji-yong-ci.md")).unwrap();
    assert!(
        text.contains("grade: 7 ") && text.contains("course: mental-health"),
        "{text}"
    );
    let early = lectern([
        "new",
        "lesson",
        "初一的课",
        "--grade",
        "初一",
        "--root",
        root,
    ]);
    early.expect_code(2);
    assert!(early.stderr.contains("五四制"), "{}", early.stderr);
    drop(tmp);
}

/// A video made for an aligned lesson sits where the lesson sits in its textbook; a new lesson
/// of a site with textbooks shows the site's own first textbook in its commented example.
#[test]
fn new_for_an_aligned_lesson_takes_its_textbook_unit_and_lesson() {
    let site = copy_site("full");
    let root = site.root.to_str().unwrap();
    lectern([
        "new",
        "video",
        "情绪ABC微课",
        "--lesson",
        "emotion-abc",
        "--root",
        root,
    ])
    .success();
    let video =
        std::fs::read_to_string(site.root.join("content/videos/qing-xu-abc-wei-ke.md")).unwrap();
    assert!(
        video.contains("\ntextbook: xinli-8\nunit: 2\nperiod: 1\n"),
        "{video}"
    );
    lectern(["new", "lesson", "新的一课", "--root", root]).success();
    let lesson =
        std::fs::read_to_string(site.root.join("content/lessons/xin-de-yi-ke.md")).unwrap();
    assert!(lesson.contains("\n# textbook: xinli-8 "), "{lesson}");
    assert!(
        !lesson.contains("daofa-7a"),
        "the site has no daofa-7a:\n{lesson}"
    );
    build(&site.root, &site.beside("public"), &[]).success();
}
