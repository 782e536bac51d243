//! Output folders under faults: what `--out` may replace (never a pipe, socket, device or
//! foreign folder; a symlinked folder is written through; a mount point is written into),
//! builds killed with SIGKILL at random moments, a full disk, a read-only disk, and builds
//! into one folder at once. Mounts need root: where `mount` is refused, those tests say
//! "skipped" on stderr and pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{build, copy_site, leftovers_beside, list_dir, read_tree, write_file};

/// A small tmpfs mounted for one test, unmounted when dropped (declare it after the temp
/// dir that holds it, so it goes first).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, kib: u64) -> Option<Tmpfs> {
        let size = format!("size={kib}k");
        Tmpfs::run_mount(&["-t", "tmpfs", "-o", &size, "tmpfs"], at, "mount a tmpfs")
    }

    /// `source` bind-mounted at `at` (the same file system, so the same device number).
    fn bind(source: &Path, at: &Path) -> Option<Tmpfs> {
        let source = source.to_str().unwrap();
        Tmpfs::run_mount(&["--bind", source], at, "bind-mount")
    }

    /// `mount ARGS AT`; `None` (the test says "skipped") where mounting is refused.
    fn run_mount(args: &[&str], at: &Path, what: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(args)
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot {what} at {} (needs root)", at.display());
        }
        ok.then(|| Tmpfs(at.to_path_buf()))
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success(), "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A build into `out` that must fail (exit 1, no panic) saying `needle`.
#[track_caller]
fn fails_with(root: &Path, out: &Path, needle: &str) -> crate::common::Run {
    let run = build(root, out, &[]);
    run.expect_code(1);
    assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    run
}

/// What builds keep inside a mount point while they run.
fn temporaries_inside(dir: &Path) -> Vec<String> {
    list_dir(dir)
        .into_iter()
        .filter(|n| n.starts_with(".lectern-") && n != ".lectern-output")
        .collect()
}

#[test]
fn refuses_pipes_sockets_devices_and_links_to_them() {
    let site = copy_site("full");
    let fifo = site.beside("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let socket = site.beside("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let device = site.beside("null");
    let has_device = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let link = site.beside("link-to-fifo");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let dangling = site.beside("dangling");
    std::os::unix::fs::symlink(site.beside("nowhere"), &dangling).unwrap();
    let mut cases = vec![
        (&fifo, "a named pipe (FIFO)"),
        (&socket, "a socket"),
        (&link, "is a symbolic link to it"),
        (&dangling, "a symbolic link that cannot be followed"),
    ];
    if has_device {
        cases.push((&device, "a device"));
    } else {
        eprintln!("skipped: the device node case (mknod needs root)");
    }
    for (out, expected) in cases {
        let before = std::fs::symlink_metadata(out).unwrap().file_type();
        let run = fails_with(&site.root, out, "refusing to write the site into");
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
        let after = std::fs::symlink_metadata(out).unwrap().file_type();
        assert_eq!(before, after, "{} was changed", out.display());
    }
    assert!(
        !site.beside("nowhere").exists(),
        "a dangling link's target is not made"
    );
    assert!(leftovers_beside(&fifo).is_empty());
}

#[test]
fn a_symlinked_output_folder_is_written_through() {
    let site = copy_site("full");
    let web_root = site.beside("www");
    std::fs::create_dir(&web_root).unwrap();
    let public = site.root.join("public");
    std::os::unix::fs::symlink(&web_root, &public).unwrap();
    build(&site.root, &public, &[]).success();
    build(&site.root, &public, &[]).success();
    assert!(
        std::fs::symlink_metadata(&public)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(web_root.join("index.html").is_file() && web_root.join(".lectern-output").is_file());
    assert!(leftovers_beside(&web_root).is_empty() && leftovers_beside(&public).is_empty());

    let foreign = site.beside("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let link = site.beside("link-to-foreign");
    std::os::unix::fs::symlink(&foreign, &link).unwrap();
    let run = fails_with(
        &site.root,
        &link,
        "not empty and was not written by Lectern",
    );
    assert!(
        run.stderr
            .contains("link-to-foreign is a symbolic link to it"),
        "{}",
        run.stderr
    );
    assert_eq!(list_dir(&foreign), ["keep.txt"]);
}

#[test]
fn linked_content_and_site_yaml_are_followed() {
    let site = copy_site("full");
    let shared = site.beside("shared");
    std::fs::create_dir(&shared).unwrap();
    for name in ["content", "site.yaml"] {
        std::fs::rename(site.root.join(name), shared.join(name)).unwrap();
        std::os::unix::fs::symlink(shared.join(name), site.root.join(name)).unwrap();
    }
    // A link inside content/ is still skipped: it came with the content.
    std::os::unix::fs::symlink("/etc/hostname", shared.join("content/assets/hostname")).unwrap();
    let run = build(&site.root, &site.beside("out"), &[]);
    run.success();
    assert!(run.stderr.contains("Built 9 resources"), "{}", run.stderr);
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("skipped"))
        .collect();
    assert_eq!(
        skipped.len(),
        1,
        "only the inner link is skipped: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/assets/hostname"),
        "{}",
        run.stderr
    );
    assert!(!site.beside("out/assets/hostname").exists());
}

/// A host's own files in the output folder (robots.txt, an uploads folder, a link to media
/// elsewhere, a name in GBK bytes) survive every build; the site's own pages stay the site's
/// however they were touched or edited; a file the site comes to make replaces one.
#[test]
fn files_put_into_the_output_folder_by_hand_are_kept() {
    use std::os::unix::ffi::OsStrExt;
    let site = copy_site("full");
    let out = site.beside("out");
    let reference = read_tree(&{
        let reference = site.beside("reference");
        build(&site.root, &reference, &[]).success();
        reference
    });
    // The first build shows the draft: its page is the site's, not the host's, and goes.
    build(&site.root, &out, &["--drafts"]).success();
    // Written in the same clock tick as the marker, as a deploy script may.
    write_file(&out.join("robots.txt"), b"User-agent: *\n");
    let tree = read_tree(&out);
    let draft = tree
        .keys()
        .find(|rel| rel.contains("secret-draft") && rel.ends_with("index.html"))
        .expect("the draft's page")
        .clone();
    // A host edits and touches every page (an analytics tag, `chmod -R`): still the site's.
    for rel in tree.keys().filter(|r| r.ends_with(".html")) {
        let html = String::from_utf8_lossy(&tree[rel])
            .replace("</head>", "<script src=\"/a.js\"></script></head>");
        std::fs::write(out.join(rel), html).unwrap();
    }
    write_file(&out.join("uploads/考试.pdf"), b"pdf");
    let gbk = out
        .join("uploads")
        .join(std::ffi::OsStr::from_bytes(b"\xbd\xcc\xb0\xb8.pdf"));
    std::fs::write(&gbk, b"gbk").unwrap();
    let media = site.beside("media-store/clip.mp4");
    write_file(&media, b"clip");
    std::os::unix::fs::symlink(&media, out.join("media")).unwrap();
    // A page put there by hand is the host's, whatever its name.
    write_file(&out.join("lessons/by-hand/index.html"), b"mine");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("Kept 5 file(s) put into the output folder by hand")
            && run
                .stderr
                .contains("lessons/by-hand/index.html, media, robots.txt and 2 more"),
        "{}",
        run.stderr
    );
    assert!(!out.join(&draft).exists(), "{draft} outlived its build");
    assert!(std::fs::read(&gbk).is_ok_and(|b| b == b"gbk"));
    let marker = std::fs::read_to_string(out.join(".lectern-output")).unwrap();
    assert!(marker.contains("Files Lectern made here"), "{marker}");
    // Dropped by deleting it by hand; the rest stays, build after build, and the site's own
    // pages are the site's again.
    std::fs::remove_file(out.join("lessons/by-hand/index.html")).unwrap();
    build(&site.root, &out, &[]).success();
    let run = build(&site.root, &out, &[]);
    assert!(run.stderr.contains("Kept 4 file(s)"), "{}", run.stderr);
    let tree = read_tree(&out);
    assert_eq!(tree["robots.txt"], b"User-agent: *\n");
    assert_eq!(tree["uploads/考试.pdf"], b"pdf");
    assert_eq!(std::fs::read_link(out.join("media")).unwrap(), media);
    for (rel, bytes) in &reference {
        if rel != ".lectern-output" {
            assert_eq!(tree.get(rel), Some(bytes), "{rel}");
        }
    }
    // A file put there by hand where the site now makes one gives way to the site's, and the
    // build says so.
    // (The draft's page is not the site's now: a file there was put by hand.)
    write_file(&out.join(&draft), b"mine");
    let run = build(&site.root, &out, &["--drafts"]);
    run.success();
    let said = format!(
        "Replaced 1 file(s) put into the output folder by hand with the site's own pages of the same name: {draft}"
    );
    assert!(run.stderr.contains(&said), "{}", run.stderr);
    assert_ne!(std::fs::read(out.join(&draft)).unwrap(), b"mine");
}

/// A share mounted inside the output folder stops the build before anything is replaced:
/// removing the old site would have taken the mounted files with it.
#[test]
fn a_share_mounted_inside_the_output_folder_stops_the_build() {
    let site = copy_site("full");
    let out = site.beside("out");
    build(&site.root, &out, &[]).success();
    let Some(share) = Tmpfs::mount(&out.join("media"), 1024) else {
        return;
    };
    std::fs::write(share.0.join("lecture.mp4"), b"video").unwrap();
    refused_for_a_mount(&site, &out);
    assert_eq!(
        std::fs::read(share.0.join("lecture.mp4")).unwrap(),
        b"video"
    );
    assert!(out.join("index.html").is_file());
    drop(share);
    // A folder of the same disk bind-mounted there has the same device number: still caught.
    let source = site.beside("media-source");
    write_file(&source.join("clip.mp4"), b"clip");
    let Some(_bound) = Tmpfs::bind(&source, &out.join("media")) else {
        return;
    };
    refused_for_a_mount(&site, &out);
    assert_eq!(std::fs::read(source.join("clip.mp4")).unwrap(), b"clip");
}

/// A folder put there by hand where the new site makes a file (`lessons/x/index.html/`):
/// the site's file wins, as for a file, and the build says so.
#[test]
fn a_hand_put_folder_where_the_site_makes_a_file_gives_way() {
    let site = copy_site("full");
    let out = site.beside("out");
    build(&site.root, &out, &[]).success();
    write_file(&out.join("lessons/zzz/index.html/notes.txt"), b"mine");
    let lesson =
        std::fs::read_to_string(site.root.join("content/lessons/primary/water-safety.md")).unwrap();
    site.write(
        "content/lessons/primary/zzz.md",
        lesson.replace("title: ", "title: 新课 "),
    );
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.stderr.contains("Replaced 1 file(s)")
            && run.stderr.contains("lessons/zzz/index.html/notes.txt"),
        "{}",
        run.stderr
    );
    assert!(out.join("lessons/zzz/index.html").is_file());
}

#[test]
fn a_mount_point_is_written_into() {
    let site = copy_site("full");
    let Some(mount) = Tmpfs::mount(&site.beside("mnt"), 4096) else {
        return;
    };
    let reference = site.beside("reference");
    build(&site.root, &reference, &[]).success();
    build(&site.root, &mount.0, &[]).success();
    build(&site.root, &mount.0, &[]).success();
    assert_eq!(read_tree(&mount.0), read_tree(&reference));
    assert!(
        temporaries_inside(&mount.0).is_empty(),
        "{:?}",
        list_dir(&mount.0)
    );

    std::fs::remove_file(mount.0.join(".lectern-output")).unwrap();
    fails_with(
        &site.root,
        &mount.0,
        "not empty and was not written by Lectern",
    );
}

#[test]
fn a_full_disk_leaves_the_previous_site() {
    let site = copy_site("full");
    // Room for two copies of the small site, not for a 3 MB asset.
    let Some(mount) = Tmpfs::mount(&site.beside("mnt"), 2048) else {
        return;
    };
    let inside = mount.0.join("public");
    for out in [&mount.0, &inside] {
        let _ = std::fs::remove_file(site.root.join("content/assets/big.bin"));
        build(&site.root, out, &[]).success();
        let before = read_tree(out);
        site.write("content/assets/big.bin", vec![7u8; 3 << 20]);
        fails_with(&site.root, out, "the disk of the output folder is full");
        assert_eq!(read_tree(out), before, "{} changed", out.display());
        assert!(leftovers_beside(&inside).is_empty() && temporaries_inside(&mount.0).is_empty());
        if out == &mount.0 {
            // Make room for the second case: the site in a folder inside the mount.
            for name in list_dir(&mount.0) {
                let path = mount.0.join(name);
                let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
            }
        }
    }
}

#[test]
fn a_read_only_disk_leaves_the_previous_site() {
    let site = copy_site("full");
    let Some(mount) = Tmpfs::mount(&site.beside("mnt"), 4096) else {
        return;
    };
    build(&site.root, &mount.0, &[]).success();
    let before = read_tree(&mount.0);
    mount.remount_read_only();
    for out in [mount.0.clone(), mount.0.join("sub")] {
        let run = fails_with(&site.root, &out, "Read-only file system");
        assert!(run.stderr.contains("help:"), "{}", run.stderr);
    }
    assert_eq!(read_tree(&mount.0), before);
}

#[test]
fn builds_into_one_folder_wait_for_each_other() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let reference = read_tree(&out);
    for _ in 0..3 {
        let children: Vec<Child> = (0..3).map(|_| spawn_build(&site.root, &out)).collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{stderr}");
        }
        assert_eq!(read_tree(&out), reference);
        assert!(
            leftovers_beside(&out).is_empty(),
            "{:?}",
            leftovers_beside(&out)
        );
    }
}

#[test]
fn a_waiting_build_says_whom_it_waits_for() {
    let site = copy_site("full");
    let out = site.beside("public");
    let lock_path = site.beside(".public.lectern-lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    std::fs::write(&lock_path, "4242").unwrap();
    let child = spawn_build(&site.root, &out);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!out.exists(), "the build went on without the lock");
    drop(lock);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for another build (process 4242)"),
        "{stderr}"
    );
    assert!(!lock_path.exists(), "the lock file is removed");
}

/// SIGKILL at random moments of builds that alternate between two versions of the site: the
/// output is always one of the two whole sites, and the next build removes what the killed
/// ones left. `LECTERN_TEST_SEED=n` replays a run.
#[test]
fn killed_builds_leave_a_whole_site_and_are_cleaned_up() {
    let site = copy_site("full");
    let out = site.beside("public");
    let extra = "content/pages/extra.md";
    let versions = two_versions(&site, &out, extra);
    let seed = std::env::var("LECTERN_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(clock_seed);
    let mut random = XorShift(seed | 1);
    let span = versions.2.as_millis() as u64 + 50;
    let mut leftovers = 0;
    for run in 0..20 {
        set_version(&site, extra, run % 2 == 0);
        let mut child = spawn_build(&site.root, &out);
        std::thread::sleep(Duration::from_millis(random.next() % span));
        let _ = child.kill();
        let _ = child.wait();
        let now = read_tree(&out);
        assert!(
            now == versions.0 || now == versions.1,
            "run {run} (seed {seed}): the output is neither site"
        );
        leftovers += usize::from(!leftovers_beside(&out).is_empty());
    }
    eprintln!("seed {seed}: {leftovers} of 20 killed builds left folders behind");
    set_version(&site, extra, true);
    build(&site.root, &out, &[]).success();
    assert_eq!(read_tree(&out), versions.1);
    assert!(
        leftovers_beside(&out).is_empty(),
        "{:?}",
        leftovers_beside(&out)
    );
    assert!(!site.beside(".public.lectern-lock").exists());
}

fn clock_seed() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(1, |d| d.as_nanos() as u64) ^ u64::from(std::process::id())
}

type Tree = BTreeMap<String, Vec<u8>>;

/// The output of the site without and with an extra page, and how long a build takes.
fn two_versions(site: &crate::common::SiteCopy, out: &Path, extra: &str) -> (Tree, Tree, Duration) {
    set_version(site, extra, false);
    build(&site.root, out, &[]).success();
    let without = read_tree(out);
    set_version(site, extra, true);
    let took = build(&site.root, out, &[]).success().elapsed;
    (without, read_tree(out), took)
}

fn set_version(site: &crate::common::SiteCopy, extra: &str, with_extra: bool) {
    if with_extra {
        site.write(extra, "---\ntitle: Extra\n---\nOne more page.\n");
    } else {
        let _ = std::fs::remove_file(site.root.join(extra));
    }
}

fn spawn_build(root: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lectern")
}

/// A tiny random number generator: the test needs delays, not statistics.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Names that cannot be published as they are: a name that is not UTF-8 (two such files would
/// land on one `�` name), a backslash. Each is an error naming the file; `public/` stays.
#[test]
fn unpublishable_file_names_are_errors_that_keep_the_last_build() {
    use std::os::unix::ffi::OsStrExt;
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let before = read_tree(&out);
    let assets = site.root.join("content/assets");
    let bad = assets.join(std::ffi::OsStr::from_bytes(b"a\xff.pdf"));
    write_file(&bad, b"one");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("rename the file"), "{}", run.stderr);
    std::fs::remove_file(&bad).unwrap();
    write_file(&assets.join("back\\slash.pdf"), b"two");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("content/assets/back\\slash.pdf") && run.stderr.contains("backslash"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("internal"), "{}", run.stderr);
    assert_eq!(read_tree(&out), before, "a failed build keeps public/");
}

/// On a USB stick (FAT32), Windows or macOS, names that differ only in case are one file.
#[test]
fn names_differing_only_in_case_are_caught() {
    let site = copy_site("full");
    let out = site.beside("public");
    site.write("content/assets/Plan.pdf", "A");
    site.write("content/assets/plan.pdf", "a");
    let run = build(&site.root, &out, &[]);
    run.success();
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("differ only in case")),
        "{}",
        run.stderr
    );
    site.write(
        "content/pages/p.md",
        "---\ntitle: 页面\nslug: Lessons\n---\n\n正文\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(run.stderr.contains("`Lessons/` is taken"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/pages/p.md:3"),
        "at the slug line: {}",
        run.stderr
    );
    site.write(
        "content/pages/p.md",
        "---\ntitle: 页面\nslug: ABOUT\n---\n\n正文\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("two pages would be written to"),
        "{}",
        run.stderr
    );
}

/// HTML forbids control characters (but tab, line feeds and form feed): one typed raw into a
/// file is an error at its place; one that YAML spells with an escape is left out of the page.
#[test]
fn control_characters_never_reach_a_page() {
    let site = copy_site("full");
    let out = site.beside("public");
    site.write(
        "content/lessons/kong-zhi.md",
        "---\ntitle: \"控\\u0001制\\x7f字符\"\ngrade: 5\ncourse: mental-health\ntopics: [\"情绪\\0管理\"]\n---\n\n正文。\n",
    );
    build(&site.root, &out, &[]).success();
    let page = std::fs::read_to_string(out.join("lessons/kong-zhi/index.html")).unwrap();
    assert!(page.contains("控制字符"), "the title, without its controls");
    let bad: Vec<char> = page
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\x0C' | '\r'))
        .collect();
    assert!(bad.is_empty(), "control characters in the page: {bad:?}");
    site.write(
        "content/lessons/kong-zhi.md",
        "---\ntitle: 控制字符\ngrade: 5\ncourse: mental-health\n---\n\n正文\u{1}。\n",
    );
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("content/lessons/kong-zhi.md:7")
            && run.stderr.contains("U+0001 at line 7, column 3"),
        "{}",
        run.stderr
    );
}

/// A file named `content` would otherwise build an empty portal over the last good one.
#[test]
fn a_content_file_instead_of_a_folder_keeps_the_last_build() {
    let site = copy_site("full");
    let out = site.beside("public");
    build(&site.root, &out, &[]).success();
    let before = read_tree(&out);
    std::fs::remove_dir_all(site.root.join("content")).unwrap();
    site.write("content", "oops");
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("content is a file, not a folder"),
        "{}",
        run.stderr
    );
    assert_eq!(read_tree(&out), before);
    // …and no content/ at all (moved away by a sync tool) is an error too
    std::fs::remove_file(site.root.join("content")).unwrap();
    let run = build(&site.root, &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("there is no content/ folder"),
        "{}",
        run.stderr
    );
    assert_eq!(read_tree(&out), before);
}

/// Every time a review cites past its video's end is a warning at its own line and column.
#[test]
fn each_late_time_in_a_review_is_warned_at_its_line() {
    let site = copy_site("full");
    let out = site.beside("public");
    let review = site.root.join("content/reviews/emotion-abc-ping-ke.md");
    let text = std::fs::read_to_string(&review).unwrap();
    let late = "\n第一处 [50:00]，\n\n还有 【1:00:00】。\n";
    std::fs::write(&review, format!("{text}{late}")).unwrap();
    let first_line = text.lines().count() + 2;
    let run = build(&site.root, &out, &[]);
    run.success();
    let warnings = run.stderr.matches("after the end of its video").count();
    assert_eq!(warnings, 2, "{}", run.stderr);
    // …and at its column: `第一处 [` is 5 characters, `还有 【` 4
    for (line, column, time) in [(first_line, 5, "50:00"), (first_line + 2, 4, "1:00:00")] {
        let place = format!("content/reviews/emotion-abc-ping-ke.md:{line}:{column}");
        assert!(
            run.stderr.contains(&place) && run.stderr.contains(&format!("cites {time}")),
            "{place} {time}: {}",
            run.stderr
        );
    }
}

/// A bracketed time out of range (`[00:61]`) stays text, with a warning at its line, not in silence.
#[test]
fn a_time_out_of_range_in_a_review_is_warned_at_its_line() {
    let site = copy_site("full");
    let out = site.beside("public");
    let review = site.root.join("content/reviews/emotion-abc-ping-ke.md");
    let text = std::fs::read_to_string(&review).unwrap();
    std::fs::write(&review, format!("{text}\n这一处 【00:61】 不是时间。\n")).unwrap();
    let line = text.lines().count() + 2;
    let run = build(&site.root, &out, &[]);
    run.success();
    let place = format!("content/reviews/emotion-abc-ping-ke.md:{line}");
    assert!(
        run.stderr.contains("`【00:61】` is not a time") && run.stderr.contains(&place),
        "{}",
        run.stderr
    );
    let page = std::fs::read_to_string(out.join("reviews/emotion-abc-ping-ke/index.html")).unwrap();
    assert!(page.contains("这一处 【00:61】 不是时间"), "stays text");
}

/// An output folder whose marker is not the plain file Lectern writes (a folder, a link) is
/// refused, naming the marker as the cause.
#[test]
fn a_marker_that_is_not_a_file_is_named_in_the_refusal() {
    let site = copy_site("full");
    let out = site.beside("out");
    build(&site.root, &out, &[]).success();
    std::fs::remove_file(out.join(".lectern-output")).unwrap();
    std::fs::create_dir(out.join(".lectern-output")).unwrap();
    fails_with(
        &site.root,
        &out,
        "its .lectern-output is a folder, not the plain file Lectern writes",
    );
    assert!(out.join("index.html").is_file());
}

/// A build of `site` into `out`, refused for the mount point inside `out`.
fn refused_for_a_mount(site: &crate::common::SiteCopy, out: &std::path::Path) {
    let run = build(&site.root, out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("is a mount point inside the output folder"),
        "{}",
        run.stderr
    );
}
