//! The preview server: files of the last good build, a live-reload event stream, and the
//! current build errors drawn over every page. Safe by construction: only the bound address or
//! localhost may be the `Host`, paths are decoded once and must stay inside the served folder.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::diagnostics::Diagnostic;
use crate::markdown::escape;

/// Path of the live-reload stream, under the base path.
pub const EVENTS: &str = "__lectern/events";

pub struct ServerState {
    /// The folder the builds are swapped into (canonical).
    pub served: PathBuf,
    /// `/` or `/portal/`.
    pub base_path: String,
    /// `Host` values we answer to.
    pub allowed_hosts: Vec<String>,
    /// Bound to every interface: any IP-literal host is fine, names are not (DNS rebinding).
    pub any_ip_host: bool,
    /// Errors of the latest build; empty when it succeeded.
    pub errors: RwLock<Vec<Diagnostic>>,
    /// Tells the open pages that a full build started, and the number of each finished one.
    pub reload: broadcast::Sender<Notice>,
    /// A full build is running (a page that connects meanwhile shows the notice too).
    pub building: AtomicBool,
    /// The words of the notices the server adds to pages, from the theme's UI strings.
    pub text: RwLock<ServeText>,
    /// The number of the latest build, guarded by the lock the rebuild swaps folders under:
    /// a page is read together with the number it carries, so it can tell when it is stale.
    pub swap: Arc<RwLock<u64>>,
}

/// The words of the "rebuilding" notice and the error box, in the site's language.
#[derive(Clone, Debug)]
pub struct ServeText {
    pub rebuilding: String,
    /// With `{count}` for the number of problems.
    pub build_failed: String,
    /// The same, when no build has succeeded yet (there is no last good one to show).
    pub first_build_failed: String,
}

impl ServeText {
    /// Before the first good build: the built-in theme's words.
    pub fn builtin() -> Self {
        let strings = crate::theme::builtin_strings();
        let text = |key: &str| crate::theme::text(&strings, key).to_string();
        ServeText {
            rebuilding: text("serve_rebuilding"),
            build_failed: text("serve_build_failed"),
            first_build_failed: text("serve_first_build_failed"),
        }
    }

    pub fn from_theme(theme: &crate::theme::Theme) -> Self {
        ServeText {
            rebuilding: theme.text("serve_rebuilding").to_string(),
            build_failed: theme.text("serve_build_failed").to_string(),
            first_build_failed: theme.text("serve_first_build_failed").to_string(),
        }
    }
}

/// What the live-reload stream tells a page.
#[derive(Clone, Copy, Debug)]
pub enum Notice {
    /// A full build started: it can take seconds on a large site, so the page says so.
    Building,
    /// The latest build's number: a page from an older one reloads.
    Built(u64),
}

impl ServerState {
    /// The number of the latest build.
    pub fn build_number(&self) -> u64 {
        *self
            .swap
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Count a build that swapped no folder in (a failed one), so pages reload to show its errors.
    pub fn count_build(&self) {
        *self
            .swap
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
    }

    /// Tell every open page the latest build number; pages from an older build reload.
    pub fn announce(&self) {
        self.building.store(false, Ordering::SeqCst);
        let _ = self.reload.send(Notice::Built(self.build_number()));
    }

    /// Tell every open page that a full build started.
    pub fn announce_building(&self) {
        self.building.store(true, Ordering::SeqCst);
        let _ = self.reload.send(Notice::Building);
    }
}

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    if !host_allowed(&state, request.headers()) {
        return (StatusCode::FORBIDDEN, "forbidden host\n").into_response();
    }
    let raw_path = request.uri().path().to_string();
    if raw_path == format!("{}{EVENTS}", state.base_path) {
        return events(&state, request.headers());
    }
    let Some(inside) = raw_path.strip_prefix(&state.base_path) else {
        // `/portal` and, for a preview under a sub-path, the server's root lead to the site.
        if format!("{raw_path}/") == state.base_path || raw_path == "/" {
            return redirect(&state.base_path);
        }
        return not_found(&state).await;
    };
    let inside = inside.to_string();
    let reader = state.clone();
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|r| r.to_str().ok())
        .map(str::to_string);
    let found =
        tokio::task::spawn_blocking(move || read_file(&reader, &inside, range.as_deref())).await;
    match found {
        Ok(Found::File(path, bytes, build)) => file(&state, &path, bytes, build),
        Ok(Found::Part(path, part)) => partial(&path, part),
        Ok(Found::Directory) => redirect(&format!("{raw_path}/")),
        Ok(Found::Refused) => (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
        Ok(Found::Missing) | Err(_) => not_found(&state).await,
    }
}

enum Found {
    /// The file, its bytes, and the build they belong to.
    File(PathBuf, Vec<u8>, u64),
    /// The bytes a `Range` request asked for (a video player seeking).
    Part(PathBuf, Part),
    Directory,
    Missing,
    Refused,
}

/// Resolve and read under the swap lock, so a rebuild never shows as a missing file.
fn read_file(state: &ServerState, inside: &str, range: Option<&str>) -> Found {
    let build = state
        .swap
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match resolve(&state.served, inside) {
        Resolution::File(path)
            if range.is_some() && !content_type(&path).starts_with("text/html") =>
        {
            match read_part(&path, range.unwrap_or_default()) {
                Some(part) => Found::Part(path, part),
                None => Found::Missing,
            }
        }
        Resolution::File(path) => match std::fs::read(&path) {
            Ok(bytes) => Found::File(path, bytes, *build),
            Err(_) => Found::Missing,
        },
        Resolution::Directory => Found::Directory,
        Resolution::Missing => Found::Missing,
        Resolution::Refused => Found::Refused,
    }
}

fn host_allowed(state: &ServerState, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    if state.allowed_hosts.contains(&host) {
        return true;
    }
    if state.any_ip_host {
        let name = host.rsplit_once(':').map(|(n, _)| n).unwrap_or(&host);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        return name.parse::<std::net::IpAddr>().is_ok();
    }
    false
}

/// Live reload over Server-Sent Events; refused to pages of other origins.
fn events(state: &ServerState, headers: &HeaderMap) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = origin.strip_prefix("http://").unwrap_or("");
        let mut origin_headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(host) {
            origin_headers.insert(header::HOST, value);
        }
        if host.is_empty() || !host_allowed(state, &origin_headers) {
            return (StatusCode::FORBIDDEN, "forbidden origin\n").into_response();
        }
    }
    // The current build number first: a page served just before a rebuild finished, whose
    // stream connects just after, still learns that it is out of date.
    let updates = BroadcastStream::new(state.reload.subscribe()).filter_map(Result::ok);
    let mut first = vec![Notice::Built(state.build_number())];
    if state.building.load(Ordering::SeqCst) {
        first.push(Notice::Building);
    }
    let stream = tokio_stream::iter(first).chain(updates).map(|notice| {
        Ok::<Event, Infallible>(match notice {
            Notice::Built(build) => Event::default().data(build.to_string()),
            Notice::Building => Event::default().event("building").data("1"),
        })
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    File(PathBuf),
    Directory,
    Missing,
    Refused,
}

/// Map a URL path (still percent-encoded, without the base path) to a file in `served`.
/// Decoded exactly once; `..`, NUL, backslashes and anything resolving outside are refused.
pub fn resolve(served: &Path, encoded: &str) -> Resolution {
    let Some(decoded) = crate::url::decode(encoded) else {
        return Resolution::Refused;
    };
    if decoded.contains('\0')
        || decoded.contains('\\')
        || decoded.split('/').any(|s| s == ".." || s == ".")
    {
        return Resolution::Refused;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Resolution::Refused;
    }
    let mut path = served.join(relative);
    if decoded.is_empty() || decoded.ends_with('/') {
        path.push("index.html");
    } else if path.is_dir() {
        return Resolution::Directory;
    }
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(served) && real.is_file() => Resolution::File(real),
        Ok(_) => Resolution::Refused,
        Err(_) => Resolution::Missing,
    }
}

fn file(state: &ServerState, path: &Path, bytes: Vec<u8>, build: u64) -> Response {
    let mime = content_type(path);
    let body = if mime.starts_with("text/html") {
        inject(state, bytes, build)
    } else {
        bytes
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    if !mime.starts_with("text/html") {
        response
            .headers_mut()
            .insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    response
}

/// What a `Range` request gets: the bytes `start..=end` of a file of `total` bytes, or, for a
/// range the file cannot satisfy, nothing (416).
struct Part {
    bytes: Vec<u8>,
    start: u64,
    end: u64,
    total: u64,
    satisfiable: bool,
}

/// The one range of `bytes=a-b`, `bytes=a-` or `bytes=-n` in a file of `total` bytes:
/// (first, last) byte, or `None` when it lies past the end. Several ranges, or another unit,
/// are read as the whole file (a server may answer them so).
fn parse_range(header: &str, total: u64) -> Option<Option<(u64, u64)>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (from, to) = spec.split_once('-')?;
    let (from, to) = (from.trim(), to.trim());
    let range = match (from.parse::<u64>().ok(), to.parse::<u64>().ok()) {
        (Some(start), None) if to.is_empty() => (start, total.saturating_sub(1)),
        (Some(start), Some(end)) if end >= start => (start, end.min(total.saturating_sub(1))),
        (None, Some(last)) if from.is_empty() && last > 0 => {
            (total.saturating_sub(last), total.saturating_sub(1))
        }
        _ => return None,
    };
    Some((range.0 < total).then_some(range))
}

/// The part of the file at `path` that `range` asks for; the whole file for a range header
/// this server does not split.
fn read_part(path: &Path, range: &str) -> Option<Part> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    let total = file.metadata().ok()?.len();
    let Some(asked) = parse_range(range, total) else {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        let end = total.saturating_sub(1);
        return Some(Part {
            bytes,
            start: 0,
            end,
            total,
            satisfiable: true,
        });
    };
    let Some((start, end)) = asked else {
        return Some(Part {
            bytes: Vec::new(),
            start: 0,
            end: 0,
            total,
            satisfiable: false,
        });
    };
    let mut bytes = vec![0; (end - start + 1) as usize];
    file.seek(SeekFrom::Start(start)).ok()?;
    file.read_exact(&mut bytes).ok()?;
    Some(Part {
        bytes,
        start,
        end,
        total,
        satisfiable: true,
    })
}

/// 206 with the part asked for, 416 when it lies past the end of the file.
fn partial(path: &Path, part: Part) -> Response {
    if !part.satisfiable {
        return (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{}", part.total))],
        )
            .into_response();
    }
    let whole = part.start == 0 && part.end + 1 >= part.total;
    let status = if whole && part.bytes.len() as u64 == part.total {
        StatusCode::OK
    } else {
        StatusCode::PARTIAL_CONTENT
    };
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, content_type(path).to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::ACCEPT_RANGES, "bytes".to_string()),
        ],
        part.bytes,
    )
        .into_response();
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {}-{}/{}", part.start, part.end, part.total);
        if let Ok(value) = HeaderValue::from_str(&range) {
            response.headers_mut().insert(header::CONTENT_RANGE, value);
        }
    }
    response
}

async fn not_found(state: &ServerState) -> Response {
    let (page, build) = {
        let build = state
            .swap
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (std::fs::read(state.served.join("404.html")), *build)
    };
    let page = page
        .unwrap_or_else(|_| b"<!DOCTYPE html><title>404</title><body><h1>404</h1></body>".to_vec());
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        inject(state, page, build),
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, local_location(to))],
    )
        .into_response()
}

/// `to` as a path on this server. A browser reads `//lessons/` (and `/\lessons/`) as the host
/// `lessons`, so the leading slashes and backslashes of a request path like `//lessons` are
/// collapsed into one: a redirect never leaves the server.
fn local_location(to: &str) -> String {
    format!("/{}", to.trim_start_matches(['/', '\\']))
}

/// The "rebuilding" badge, top right, out of the page's way.
const BUILDING_STYLE: &str = "position:fixed;z-index:2147483647;top:8px;right:8px;background:#1a365d;color:#fff;padding:6px 12px;border-radius:6px;font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)";

/// The live-reload script and, when the latest build failed, the error box, before `</body>`.
fn inject(state: &ServerState, html: Vec<u8>, build: u64) -> Vec<u8> {
    let text = state
        .text
        .read()
        .map(|t| t.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
    let mut extra = format!(
        "<script>(function(){{if(!window.EventSource)return;var b=\"{}\",s=new EventSource(\"{}{EVENTS}\");s.onmessage=function(e){{if(e.data!==b){{s.close();location.reload();}}}};s.addEventListener(\"building\",function(){{if(document.getElementById(\"lectern-building\"))return;var d=document.createElement(\"div\");d.id=\"lectern-building\";d.setAttribute(\"role\",\"status\");d.style.cssText=\"{BUILDING_STYLE}\";d.textContent={};document.body.appendChild(d);}});}})();</script>",
        build,
        state.base_path,
        js_string(&text.rebuilding)
    );
    if let Ok(errors) = state.errors.read()
        && !errors.is_empty()
    {
        // A good build leaves its marker in the served folder; before one there is none.
        let heading = match state.served.join(crate::output::MARKER).is_file() {
            true => &text.build_failed,
            false => &text.first_build_failed,
        };
        extra.push_str(&overlay(&errors, heading));
    }
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// A JavaScript string literal for `text`, safe inside a `<script>` element.
fn js_string(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    crate::theme::json_ld::escape_json_for_script(&quoted)
}

/// The build errors as an escaped box over the page, so the editor sees what to fix.
/// `heading` says how many there are (`{count}`).
pub fn overlay(errors: &[Diagnostic], heading: &str) -> String {
    let mut html = String::from(
        "<div id=\"lectern-errors\" role=\"alert\" style=\"position:fixed;z-index:2147483647;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;background:#fff5f5;color:#1a1a1a;border-top:4px solid #c53030;padding:12px 16px;font:14px/1.6 system-ui,sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.2)\">",
    );
    let heading = heading.replace("{count}", &errors.len().to_string());
    html.push_str(&format!(
        "<strong style=\"color:#c53030\">{}</strong><ol style=\"margin:8px 0 0;padding-left:20px\">",
        escape(&heading)
    ));
    for error in errors.iter().take(50) {
        let location = match (&error.file, error.line, error.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), None, _) => f.clone(),
            _ => String::new(),
        };
        html.push_str(
            "<li style=\"margin:6px 0\"><code style=\"background:#fed7d7;padding:1px 4px\">",
        );
        html.push_str(&escape(&location));
        html.push_str("</code> ");
        html.push_str(&escape(&error.message));
        if let Some(help) = &error.help {
            html.push_str("<br><span style=\"color:#555\">→ ");
            html.push_str(&escape(help));
            html.push_str("</span>");
        }
        html.push_str("</li>");
    }
    html.push_str("</ol></div>");
    html
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("vtt") => "text/vtt; charset=utf-8",
        Some("mp4" | "m4v" | "mov") => "video/mp4",
        Some("webm") => "video/webm",
        Some("ogv") => "video/ogg",
        Some("mp3") => "audio/mpeg",
        Some("m4a" | "aac") => "audio/mp4",
        Some("wav") => "audio/wav",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        Some("flac") => "audio/flac",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_box_names_the_line_and_column_and_escapes_the_text() {
        let mut error = Diagnostic::error("unknown column `执教老帅` <b>")
            .in_file("content/videos/list.csv")
            .with_help("did you mean `执教老师` (speaker)?");
        error.line = Some(1);
        error.column = Some(6);
        let html = overlay(&[error], "{count} 个问题");
        assert!(
            html.contains(">content/videos/list.csv:1:6</code>"),
            "{html}"
        );
        assert!(html.contains("`执教老帅` &lt;b&gt;"), "{html}");
        assert!(
            html.contains("→ did you mean `执教老师` (speaker)?"),
            "{html}"
        );
        assert!(html.contains("1 个问题"), "{html}");
    }

    #[test]
    fn ranges_are_read_as_a_video_player_asks_them() {
        assert_eq!(parse_range("bytes=0-9", 100), Some(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Some(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Some(Some((90, 99))));
        assert_eq!(parse_range("bytes=50-500", 100), Some(Some((50, 99))));
        assert_eq!(
            parse_range("bytes=100-", 100),
            Some(None),
            "past the end: 416"
        );
        assert_eq!(
            parse_range("bytes=0-1,5-6", 100),
            None,
            "several: the whole file"
        );
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=9-3", 100), None);
    }

    #[test]
    fn a_redirect_stays_on_this_server() {
        for (path, location) in [
            ("//lessons/", "/lessons/"),
            ("///evil.example/", "/evil.example/"),
            ("/\\evil.example/", "/evil.example/"),
            ("/portal/", "/portal/"),
            ("/", "/"),
        ] {
            assert_eq!(local_location(path), location, "{path}");
        }
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let served = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(served.join("index.html"), "x").unwrap();
        for bad in [
            "../etc/passwd",
            "%2e%2e/etc/passwd",
            "..%2fetc%2fpasswd",
            "a/../../x",
            "a%5c..%5cx",
            "a%00b",
            "%zz",
        ] {
            assert_eq!(resolve(&served, bad), Resolution::Refused, "{bad}");
        }
        // Double encoding decodes once to a harmless literal name.
        assert_eq!(
            resolve(&served, "%252e%252e/etc/passwd"),
            Resolution::Missing
        );
        assert_eq!(
            resolve(&served, ""),
            Resolution::File(served.join("index.html"))
        );
    }
}
