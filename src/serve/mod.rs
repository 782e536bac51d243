//! `lectern serve`: build into a private folder, serve it, watch the site, rebuild on every save
//! and tell the browser to reload. A failed rebuild keeps the last good site and shows its errors
//! on every page. The only module that knows HTTP and notify.

mod accept;
mod http;
mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

pub use http::{Resolution, overlay, resolve};

use crate::build::{self, BuildOptions, Handover};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::refresh::{Decline, Served};

pub(crate) use crate::say;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub poll: bool,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// Run until Ctrl-C. Returns the problem that stopped it from starting.
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    build::site_root(&options.root)?;
    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot read the bound address: {e}")))?;
    let base_path = base_path(options.base_url.as_deref());
    let shown_host = if options.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        host_text(options.bind)
    };
    let site_url = format!("http://{shown_host}:{}{base_path}", address.port());
    let lan_url = (options.bind.is_unspecified())
        .then(|| lan_address(options.bind))
        .flatten()
        .map(|lan| format!("http://{}:{}{base_path}", host_text(lan), address.port()));
    // A fresh folder of our own (random name, mode 0700): a folder another user made in the
    // shared temp folder beforehand is never used.
    let private = tempfile::Builder::new()
        .prefix("lectern-serve-")
        .tempdir()
        .map_err(|e| {
            Diagnostic::error(format!(
                "cannot create a private folder for the preview: {e}"
            ))
            .with_help("check that the temp folder (TMPDIR) exists and is writable")
        })?
        .keep();
    keep_private(&private);
    let served = private.join("site");
    std::fs::create_dir_all(&served)
        .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", served.display())))?;
    let served = std::fs::canonicalize(&served).unwrap_or(served);
    let swap = Arc::new(RwLock::new(0u64));
    // A phone that scans a page's code must reach the preview: not at 127.0.0.1.
    let phone_url = match options.bind {
        bind if bind.is_loopback() => None,
        bind if bind.is_unspecified() => lan_url.clone(),
        _ => Some(site_url.clone()),
    };
    let build_options = BuildOptions {
        root: options.root.clone(),
        out: Some(served.clone()),
        base_url: Some(site_url.clone()),
        qr_base_url: build::QrBase::Given(phone_url),
        drafts: options.drafts,
        progress: None,
    };
    let (reload, _) = broadcast::channel(16);
    let state = Arc::new(http::ServerState {
        served: served.clone(),
        base_path,
        allowed_hosts: allowed_hosts(options.bind, address.port()),
        any_ip_host: options.bind.is_unspecified(),
        errors: RwLock::new(Vec::new()),
        reload,
        building: Default::default(),
        text: RwLock::new(http::ServeText::builtin()),
        swap,
    });
    let site = rebuild(&build_options, &state, &[]);
    let (changed_tx, changed_rx) = mpsc::channel();
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    let ignore = vec![root.join("public"), private.clone()];
    let watching = watch::start(&root, ignore, options.poll, changed_tx)?;
    let loop_state = state.clone();
    // Only a poller can miss a file that comes and goes between two of its looks.
    let memory = match &watching {
        watch::Watching::Poll(poller) => Some(poller.memory()),
        watch::Watching::Native(_) => None,
    };
    std::thread::spawn(move || {
        rebuild_loop(&build_options, &loop_state, &changed_rx, site, memory)
    });
    if !options.bind.is_loopback() {
        say!(
            "warning: serving on {} — other computers on the network can reach this preview",
            options.bind
        );
    }
    say!(
        "Serving at {site_url}  (watching {}; Ctrl-C to stop)",
        options.root.display()
    );
    if let Some(lan_url) = lan_url {
        say!("On a phone or another computer of this network, open {lan_url}");
    }
    let served_result = serve_forever(listener, state, private.clone());
    drop(watching);
    let _ = std::fs::remove_dir_all(&private);
    served_result
}

/// This computer's address on its network, as another device reaches it: the one the system
/// would send from (a UDP socket's `connect` sends nothing). `None` without a network.
fn lan_address(bind: IpAddr) -> Option<IpAddr> {
    let (any, probe): (SocketAddr, SocketAddr) = match bind {
        IpAddr::V4(_) => (([0, 0, 0, 0], 0).into(), ([192, 0, 2, 1], 9).into()),
        IpAddr::V6(_) => (
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
            ("2001:db8::1".parse::<std::net::Ipv6Addr>().ok()?, 9).into(),
        ),
    };
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(probe).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// The first free port after `port`, to offer when `port` is taken.
fn free_port_after(ip: IpAddr, port: u16) -> Option<u16> {
    (port.checked_add(1)?..=port.saturating_add(20))
        .find(|p| TcpListener::bind(SocketAddr::new(ip, *p)).is_ok())
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    TcpListener::bind(SocketAddr::new(ip, port)).map_err(|e| {
        let help = if e.kind() == std::io::ErrorKind::AddrInUse {
            match free_port_after(ip, port) {
                Some(free) => format!("port {port} is already in use (another `lectern serve`?): stop the other program, or run with `--port {free}`, which is free"),
                None => format!("port {port} is already in use: stop the other program or choose another port with --port"),
            }
        } else {
            "choose another address with --bind or another port with --port".to_string()
        };
        Diagnostic::error(format!("cannot listen on {}: {e}", SocketAddr::new(ip, port))).with_help(help)
    })
}

fn host_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    }
}

fn allowed_hosts(ip: IpAddr, port: u16) -> Vec<String> {
    let mut hosts = vec![
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("{}:{port}", host_text(ip)),
    ];
    if port == 80 {
        hosts.extend([
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            host_text(ip),
        ]);
    }
    hosts
}

/// The path part of `--base-url`, always starting and ending with `/`.
fn base_path(base_url: Option<&str>) -> String {
    let Some(url) = base_url else {
        return "/".into();
    };
    let path = url
        .split_once("://")
        .map(|(_, rest)| rest.find('/').map(|i| &rest[i..]).unwrap_or("/"))
        .unwrap_or(url);
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

fn serve_forever(
    listener: TcpListener,
    state: Arc<http::ServerState>,
    private: PathBuf,
) -> Result<(), Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        // Open live-reload streams never end by themselves, so a graceful shutdown would wait
        // forever: on Ctrl-C or SIGTERM, remove the private copy and leave at once.
        tokio::spawn(async move {
            stop_signal().await;
            let _ = std::fs::remove_dir_all(&private);
            say!("Stopped.");
            std::process::exit(0);
        });
        accept::serve(listener, http::router(state), accept::Limits::PREVIEW).await;
        Ok(())
    })
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Wait for changes; coalesce a burst of saves into one update; update again if more arrived
/// meanwhile, so the served site always ends up matching the files on disk. Under `--poll`,
/// every update ends by telling the poller which files the site was made from.
fn rebuild_loop(
    options: &BuildOptions,
    state: &http::ServerState,
    changed: &mpsc::Receiver<Vec<PathBuf>>,
    mut served: Option<Served>,
    poll_memory: Option<watch::PollMemory>,
) {
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    while let Ok(mut paths) = changed.recv() {
        // The watcher's debouncer has already gathered the events of one save; this only
        // joins a batch that arrives right behind it.
        while let Ok(more) = changed.recv_timeout(Duration::from_millis(2)) {
            paths.extend(more);
        }
        paths.sort();
        paths.dedup();
        served = update_surviving_bugs(options, state, served.take(), &paths);
        if let (Some(memory), Some(current)) = (&poll_memory, &served) {
            memory.remember(sources(&root, &current.site));
        }
    }
}

/// Every file the site was made from: resources, free pages and assets.
fn sources<'s>(root: &'s Path, site: &'s build::Site) -> impl Iterator<Item = PathBuf> + 's {
    let catalog = &site.catalog;
    let records = catalog.resources.iter().map(|r| r.origin.file.as_str());
    let pages = catalog.pages.iter().map(|p| p.origin.file.as_str());
    let assets = catalog
        .assets
        .iter()
        .map(|a| format!("content/assets/{}", a.path));
    records
        .chain(pages)
        .map(|file| root.join(file))
        .chain(assets.map(|file| root.join(file)))
}

/// Patch or rebuild the site for `paths`. A bug of ours that panics must not end this thread:
/// the preview would go on serving a stale site, deaf to every save. It is reported like a
/// failed build, and the next save builds everything.
fn update_surviving_bugs(
    options: &BuildOptions,
    state: &http::ServerState,
    mut served: Option<Served>,
    paths: &[PathBuf],
) -> Option<Served> {
    let update = std::panic::AssertUnwindSafe(|| {
        let refreshed = match served.as_mut() {
            Some(current) => refresh_pages(options, state, current, paths),
            None => Err(Decline::LastBuildFailed),
        };
        match refreshed {
            Ok(()) => served,
            Err(decline) => {
                say!("full rebuild: {decline}");
                rebuild(options, state, paths)
            }
        }
    });
    std::panic::catch_unwind(update).unwrap_or_else(|_| {
        let bug = Diagnostic::error("Lectern hit an internal error while updating the preview")
            .with_help("this is a bug in Lectern, not in your files: please report it with the message above; save again to retry, or restart `lectern serve`");
        say!("{}", bug.render());
        if let Ok(mut current) = state.errors.write() {
            *current = vec![bug];
        }
        state.count_build();
        state.announce();
        None
    })
}

/// The fast path: patch the served site for the saved files, or say why not.
fn refresh_pages(
    options: &BuildOptions,
    state: &http::ServerState,
    served: &mut Served,
    paths: &[PathBuf],
) -> Result<(), Decline> {
    let started = Instant::now();
    let has_errors = state.errors.read().map(|e| !e.is_empty()).unwrap_or(true);
    if has_errors {
        return Err(Decline::LastBuildFailed);
    }
    let refreshed = crate::refresh::refresh(served, options, &state.served, &state.swap, paths)?;
    say!(
        "Updated {}{} in {} ms{}",
        page_list(&refreshed.pages),
        if refreshed.search_index {
            " and the search index"
        } else {
            ""
        },
        started.elapsed().as_millis(),
        describe(&options.root, paths)
    );
    state.announce();
    Ok(())
}

/// A full build, then open pages are told to reload. Returns the site for later refreshes.
fn rebuild(
    options: &BuildOptions,
    state: &http::ServerState,
    changed: &[PathBuf],
) -> Option<Served> {
    state.announce_building();
    // Cleared first: if this build succeeds, its swap must not publish a page with old errors.
    if let Ok(mut current) = state.errors.write() {
        current.clear();
    }
    let started = Instant::now();
    let mut diagnostics = Diagnostics::new();
    let built = build::build_with(options, Handover::Serve(&state.swap), &mut diagnostics);
    let all = diagnostics.sorted();
    for d in &all {
        say!("{}", d.render());
    }
    let errors: Vec<Diagnostic> = all.into_iter().filter(Diagnostic::is_error).collect();
    let what = describe(&options.root, changed);
    let (report, served) = match built {
        Some((report, site, written)) => {
            if let Ok(mut text) = state.text.write() {
                *text = http::ServeText::from_theme(&site.theme);
            }
            let digests = written.digests;
            let served = written.index.map(|index| Served::new(site, digests, index));
            (Some(report), served)
        }
        None => (None, None),
    };
    match report {
        Some(report) => say!(
            "Built {} {} into {} pages in {} ms{what}",
            report.resources,
            if report.resources == 1 {
                "resource"
            } else {
                "resources"
            },
            report.pages,
            started.elapsed().as_millis()
        ),
        // Serving goes on either way: the pages show the errors, and the next save builds again.
        None if state.served.join(crate::output::MARKER).exists() => say!(
            "Build failed with {} error(s){what}; still serving the last good build",
            errors.len()
        ),
        None => say!(
            "Build failed with {} error(s){what}; nothing is built yet: fix them and save, the pages will follow",
            errors.len()
        ),
    }
    // A good build bumped the build number when it swapped the folder in; a failed one keeps
    // the folder, so bump it here, after the errors are in place, for the pages to show them.
    if !errors.is_empty() {
        if let Ok(mut current) = state.errors.write() {
            *current = errors;
        }
        state.count_build();
    }
    state.announce();
    served
}

/// The pages a refresh wrote, for the log: a new resource in a big portal shifts hundreds of
/// listing pages, so only the first few are named.
fn page_list(pages: &[String]) -> String {
    const NAMED: usize = 20;
    match pages.len() {
        0 => "no page".into(),
        n if n <= NAMED => pages.join(", "),
        n => format!("{} and {} more pages", pages[..NAMED].join(", "), n - NAMED),
    }
}

fn describe(root: &Path, changed: &[PathBuf]) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    match changed {
        [] => String::new(),
        [one] => format!(
            " (changed: {})",
            one.strip_prefix(&root).unwrap_or(one).display()
        ),
        many => format!(" ({} files changed)", many.len()),
    }
}

/// Mode 0700 for the preview's folder: `tempdir` leaves the mode to the umask (0755 with the
/// usual 022), and drafts shown in a preview are not for other users of a shared machine.
fn keep_private(folder: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path(None), "/");
        assert_eq!(base_path(Some("https://x.org/portal")), "/portal/");
        assert_eq!(base_path(Some("/a/b/")), "/a/b/");
        assert_eq!(base_path(Some("http://x.org")), "/");
    }
}
