//! `lectern pack`: a built portal as one deterministic zip for a USB stick or an intranet share.
//! Everything the build wrote, plus the index's offline `<script>` twins (which a build leaves
//! out unless `site.yaml` asks), so search works from `file://` after unzipping; over http the
//! same folder serves the JSON index as usual. Entries are sorted by path and carry one fixed
//! timestamp, so the same output packs to the same bytes.

mod zip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

use rayon::prelude::*;
use zip::{Content, ZipWriter};

/// What `pack` wrote.
pub struct Packed {
    pub path: PathBuf,
    pub entries: usize,
    pub bytes: u64,
    /// Video and audio files left out (`--without-media`).
    pub media_skipped: usize,
    /// Symbolic links put into the output by hand, left out: a link may lead anywhere on the
    /// host (a media share, or /etc), and a zip for a USB stick takes only the portal's own files.
    pub links_skipped: Vec<String>,
}

/// Extensions of the media a video page plays from `assets/` (see `theme::page_views::media_view`).
const MEDIA: &[&str] = &[
    "mp4", "m4v", "webm", "ogv", "mov", "mkv", "avi", "wmv", "flv", "mpg", "mpeg", "3gp", "mp3",
    "m4a", "aac", "wav", "ogg", "oga", "opus", "flac", "m3u8", "ts",
];

/// Whether `path` (relative to the output) is a video or audio file: the site's under
/// `assets/`, or one a host put into the output folder by hand (`uploads/lecture.mp4`).
fn is_media(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| MEDIA.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Entries compressed in parallel before being written in order.
const PACK_BATCH: usize = 256;

/// An entry's content: a media file streamed from disk, anything else the bytes given.
fn content_of<'a>(
    name: &str,
    bytes: &'a [u8],
    files: &'a BTreeMap<String, PathBuf>,
    scripts: &BTreeMap<String, Vec<u8>>,
) -> Content<'a> {
    match files.get(name) {
        Some(path) if is_media(name) && !scripts.contains_key(name) => Content::File(path),
        _ => Content::Text(bytes),
    }
}

const SEARCH_PAGE: &str = "search/index.html";

/// The search page without its `<link rel="preload">` of the manifest: opened from disk the page
/// reads `manifest.js`, and the preload could only fail (a CORS error in the console).
fn without_manifest_preload(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let preload = line.starts_with("<link rel=\"preload\"") && line.contains("manifest.json");
        if !preload {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// A page whose links to folders (`../../lessons/x/`, `./`, `../../search/?q=`) name their
/// `index.html`: opened from disk, a browser shows a folder's listing, not its page. `site.js`
/// mends the links of a page it runs on; this is for a school PC that runs no script. Only
/// `href` and `action` attributes written by the theme (a space, the name, `="`), and only
/// relative addresses; the same page still works over http.
fn with_index_links(page: &[u8]) -> Vec<u8> {
    const ATTRIBUTES: [&[u8]; 2] = [b" href=\"", b" action=\""];
    let mut out = Vec::with_capacity(page.len() + page.len() / 32);
    let mut at = 0;
    while at < page.len() {
        let next = ATTRIBUTES
            .iter()
            .filter_map(|a| find(&page[at..], a).map(|i| at + i + a.len()))
            .min();
        let Some(start) = next else {
            break;
        };
        let Some(len) = page[start..].iter().position(|b| *b == b'"') else {
            break;
        };
        out.extend_from_slice(&page[at..start]);
        let value = &page[start..start + len];
        match std::str::from_utf8(value).ok().and_then(folder_page) {
            Some(fixed) => out.extend_from_slice(fixed.as_bytes()),
            None => out.extend_from_slice(value),
        }
        at = start + len;
    }
    out.extend_from_slice(&page[at..]);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `../../lessons/x/#goal` → `../../lessons/x/index.html#goal`; `None` for an address with a
/// scheme, from the root, only a fragment or query, or naming a file.
fn folder_page(value: &str) -> Option<String> {
    let relative = !value.is_empty()
        && !value.starts_with(['/', '#', '?'])
        && !value
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|first| first.contains(':'));
    if !relative {
        return None;
    }
    let cut = value.find(['?', '#']).unwrap_or(value.len());
    let (path, rest) = value.split_at(cut);
    let path = match path {
        "." | ".." => format!("{path}/"),
        _ => path.to_string(),
    };
    path.ends_with('/')
        .then(|| format!("{path}index.html{rest}"))
}

/// Refuses a zip path inside the folder it packs: the zip would end up packing itself, and the
/// next build's atomic swap would throw it away.
pub fn check_target(out_dir: &Path, zip: &Path) -> Result<(), String> {
    let dir = resolved(out_dir);
    let parent = resolved(zip)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if parent.starts_with(&dir) {
        return Err(format!(
            "{} is inside the output folder {}: write the zip somewhere else, e.g. --out {}",
            zip.display(),
            out_dir.display(),
            dir.with_extension("zip").display()
        ));
    }
    if zip
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("zip"))
    {
        return Err(format!(
            "{} does not end in .zip: name the package FILE.zip",
            zip.display()
        ));
    }
    Ok(())
}

/// Refuses, before anything is built, a zip path that could only fail or do harm: inside the
/// site's `content/` (each pack would publish the previous zip under `assets/` and pack it into
/// the next), inside the output folder, not ending in `.zip`, in a folder that does not exist,
/// or naming an existing folder.
pub fn check_out(root: &Path, out_dir: &Path, zip: &Path) -> Result<(), Diagnostic> {
    let content = resolved(&root.join("content"));
    let target = resolved(zip);
    if target.starts_with(&content) {
        return Err(Diagnostic::error(format!(
            "{} is inside the site's content folder {}: every pack would publish the previous zip under assets/ and pack it again",
            zip.display(),
            root.join("content").display()
        ))
        .with_help(format!(
            "write the zip outside content/, e.g. --out {}",
            root.join("public.zip").display()
        )));
    }
    if zip.is_dir() {
        // The folder itself may be the output folder, where no zip may go: then beside it.
        let inside = zip.join("site.zip");
        let example = match check_target(out_dir, &inside) {
            Ok(()) => inside,
            Err(_) => root.join("site.zip"),
        };
        return Err(Diagnostic::error(format!(
            "{} is an existing folder, not a zip file",
            zip.display()
        ))
        .with_help(format!(
            "name the zip file itself, e.g. --out {}",
            example.display()
        )));
    }
    check_target(out_dir, zip).map_err(Diagnostic::error)?;
    let parent = zip
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Diagnostic::error(format!(
            "cannot write {}: the folder {} does not exist",
            zip.display(),
            parent.display()
        ))
        .with_help(format!(
            "create it first (mkdir -p {}) or choose a zip path in an existing folder",
            parent.display()
        )));
    }
    Ok(())
}

/// `path` made absolute, with its longest existing ancestor's links resolved (the rest may not
/// exist yet), so that two spellings of one place compare equal.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<_> = absolute.components().collect();
    for kept in (1..=parts.len()).rev() {
        let Ok(mut real) = parts[..kept].iter().collect::<PathBuf>().canonicalize() else {
            continue;
        };
        // The rest does not exist: its `..` can only mean the folder above.
        for part in &parts[kept..] {
            match part {
                std::path::Component::ParentDir => {
                    real.pop();
                }
                std::path::Component::CurDir => {}
                other => real.push(other),
            }
        }
        return real;
    }
    absolute
}

/// A zip being written is named `.lectern-pack-<pid>-<random>.zip` beside its final name.
const TEMP_PREFIX: &str = ".lectern-pack-";

/// Removes the temporary zips that killed packs left in `dir` (their process is gone).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|digits| digits.parse::<u32>().ok());
        if let Some(pid) = pid
            && name.ends_with(".zip")
            && pid != std::process::id()
            && crate::output::lock::is_gone(pid)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Packs the built output `out_dir` into `zip` (written beside it under a temporary name, then
/// renamed, so a failed pack leaves no half zip).
pub fn pack(out_dir: &Path, zip: &Path, with_media: bool) -> Result<Packed, String> {
    check_target(out_dir, zip)?;
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut media_skipped = 0;
    let mut links_skipped = Vec::new();
    for entry in walkdir::WalkDir::new(out_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", out_dir.display()))?;
        let Ok(relative) = entry.path().strip_prefix(out_dir) else {
            continue;
        };
        let name = relative.to_string_lossy().replace('\\', "/");
        if entry.path_is_symlink() && entry.depth() > 0 {
            links_skipped.push(name);
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if name == crate::output::MARKER {
            continue; // the build's own bookkeeping, not the portal
        }
        if !with_media && is_media(&name) {
            media_skipped += 1;
            continue;
        }
        files.insert(name, entry.into_path());
    }
    let scripts: BTreeMap<String, Vec<u8>> = crate::search::package_scripts(out_dir)?
        .into_iter()
        .filter(|(name, _)| !files.contains_key(name)) // the build wrote them already
        .collect();
    let mut names: Vec<String> = files.keys().chain(scripts.keys()).cloned().collect();
    names.sort();
    let parent = zip.parent().filter(|p| !p.as_os_str().is_empty());
    remove_stale_temporaries(parent.unwrap_or(Path::new(".")));
    let temp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".zip")
        .tempfile_in(parent.unwrap_or(Path::new(".")))
        .map_err(|e| format!("cannot write beside {}: {e}", zip.display()))?;
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", zip.display());
    let mut writer = ZipWriter::new(std::io::BufWriter::new(temp.as_file()));
    // Compress a batch of entries in parallel, then write them in order: bounded memory, all
    // cores busy on the slow part.
    for batch in names.chunks(PACK_BATCH) {
        let prepared: Vec<Result<(Vec<u8>, zip::Prepared), String>> = batch
            .par_iter()
            .map(|name| {
                let bytes = match scripts.get(name) {
                    Some(bytes) => bytes.clone(),
                    None if is_media(name) => Vec::new(),
                    None => {
                        let path = &files[name];
                        let bytes = std::fs::read(path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        let bytes = if name == SEARCH_PAGE {
                            without_manifest_preload(&bytes)
                        } else {
                            bytes
                        };
                        if name.ends_with(".html") {
                            with_index_links(&bytes)
                        } else {
                            bytes
                        }
                    }
                };
                let content = content_of(name, &bytes, &files, &scripts);
                let ready = zip::prepare(content).map_err(failed)?;
                Ok((bytes, ready))
            })
            .collect();
        for (name, result) in batch.iter().zip(prepared) {
            let (bytes, ready) = result?;
            let content = content_of(name, &bytes, &files, &scripts);
            writer.add_prepared(name, content, ready).map_err(failed)?;
        }
    }
    let mut buffered = writer.finish().map_err(failed)?;
    std::io::Write::flush(&mut buffered).map_err(failed)?;
    drop(buffered);
    temp.as_file().sync_all().map_err(failed)?;
    let file = temp.persist(zip).map_err(|e| failed(e.error))?;
    #[cfg(unix)]
    {
        // A temporary file is private (0600); a package is for sharing.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(failed)?;
    }
    drop(file);
    let bytes = std::fs::metadata(zip).map_err(failed)?.len();
    Ok(Packed {
        path: zip.to_path_buf(),
        entries: names.len(),
        bytes,
        media_skipped,
        links_skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_packs_temporary_zip_is_removed_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        // pid 4194305 is above Linux's largest, so its process is surely gone
        let stale = dir.path().join(".lectern-pack-4194305-abc.zip");
        let mine = dir
            .path()
            .join(format!(".lectern-pack-{}-x.zip", std::process::id()));
        let other = dir.path().join("keep.zip");
        for f in [&stale, &mine, &other] {
            std::fs::write(f, b"x").unwrap();
        }
        remove_stale_temporaries(dir.path());
        assert!(!stale.exists() && mine.exists() && other.exists());
    }

    #[test]
    fn media_is_a_video_or_audio_file_under_assets() {
        assert!(is_media("assets/media/a.MP4"));
        assert!(is_media("assets/x.webm"));
        assert!(
            is_media("assets/录音.m4a") && is_media("assets/a.WAV") && is_media("assets/b.ogg")
        );
        assert!(!is_media("assets/worksheets/a.pdf"));
        assert!(!is_media("videos/a/index.html"));
        assert!(is_media("uploads/lecture.mp4"), "a file put there by hand");
    }

    #[test]
    fn a_packed_page_links_folders_by_their_index_html() {
        let page = br##"<a href="../../lessons/x/#goal">a</a><a class="b" href="./">home</a><form action="../../search/" method="get"><a href="https://e.org/a/">e</a><a href="/abs/">r</a><a href="#top">t</a><a href="../../assets/a.pdf">f</a><a href="..">up</a><a href="../../search/?grade=7">s</a><pre>href=&quot;x/&quot;</pre>"##;
        let fixed = String::from_utf8(with_index_links(page)).unwrap();
        for expected in [
            r##"href="../../lessons/x/index.html#goal""##,
            r#"href="./index.html""#,
            r#"action="../../search/index.html""#,
            r#"href="https://e.org/a/""#,
            r#"href="/abs/""#,
            r##"href="#top""##,
            r#"href="../../assets/a.pdf""#,
            r#"href="../index.html""#,
            r#"href="../../search/index.html?grade=7""#,
            "href=&quot;x/&quot;",
        ] {
            assert!(fixed.contains(expected), "{expected} in {fixed}");
        }
    }

    #[test]
    fn the_packed_search_page_does_not_preload_the_manifest() {
        let page = b"<head>\n<link rel=\"preload\" href=\"../search/manifest.json\" as=\"fetch\" crossorigin>\n<link rel=\"stylesheet\" href=\"a.css\">\n";
        assert_eq!(
            without_manifest_preload(page),
            b"<head>\n<link rel=\"stylesheet\" href=\"a.css\">\n"
        );
    }

    #[test]
    fn a_zip_inside_the_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("search")).unwrap();
        let inside = check_target(&out, &out.join("search/site.zip")).unwrap_err();
        assert!(inside.contains("inside the output folder"), "{inside}");
        assert!(check_target(&out, &dir.path().join("site.zip")).is_ok());
        assert!(check_target(&out, &dir.path().join("site.tar")).is_err());
    }
}
