//! The accept loop of the preview server: a cap on open connections, a header-read timeout and
//! an idle timeout, so that clients which connect and never finish (or never speak) cannot use
//! up the server. axum's own `serve` sets none of these, so connections are served by hyper here.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// How long connections may take and how many may be open at once.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// From a connection's start (or the end of its previous response) to the end of the
    /// request's headers. Ends half-open and trickling (slowloris) connections.
    pub header_read: Duration,
    /// No byte read or written for this long closes the connection. Live-reload streams send a
    /// keep-alive comment every 15 s (`KeepAlive::default`), so an open page is never idle.
    pub idle: Duration,
    /// Open connections at most. One more is answered `503` at once and closed: a page open in
    /// many tabs holds one event stream each, far below this.
    pub connections: usize,
}

impl Limits {
    pub const PREVIEW: Limits = Limits {
        header_read: Duration::from_secs(10),
        idle: Duration::from_secs(60),
        connections: 512,
    };
}

/// What a connection over the cap is told before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 26\r\nConnection: close\r\n\r\ntoo many open connections\n";

/// Serve `app` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait for connections to close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Never waits: the socket is new, its send buffer empty.
            let _ = stream.try_write(BUSY);
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            connection(stream, app, limits).await;
            drop(slot);
        });
    }
}

async fn connection(stream: TcpStream, app: Router, limits: Limits) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let io = Watched {
        inner: stream,
        activity: activity.clone(),
        started,
    };
    let service = TowerToHyperService::new(app);
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .serve_connection(TokioIo::new(io), service);
    tokio::select! {
        _ = served => {}
        _ = idle(&activity, started, limits.idle) => {}
    }
}

/// Resolves once no byte moved for `limit`.
async fn idle(activity: &AtomicU64, started: Instant, limit: Duration) {
    loop {
        let last = started + Duration::from_millis(activity.load(Ordering::Relaxed));
        let deadline = last + limit;
        if Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline).await;
    }
}

/// A stream that notes when a byte last moved, in milliseconds since `started`.
struct Watched {
    inner: TcpStream,
    activity: Arc<AtomicU64>,
    started: Instant,
}

impl Watched {
    fn touch(&self) {
        let now = self.started.elapsed().as_millis();
        self.activity
            .store(u64::try_from(now).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream as RawStream};

    use axum::response::sse::{Event, KeepAlive, Sse};
    use axum::routing::get;

    use super::*;

    const SHORT: Limits = Limits {
        header_read: Duration::from_millis(300),
        idle: Duration::from_millis(600),
        connections: 50,
    };

    /// A server with `SHORT` limits on its own runtime; `/events` keeps alive every 100 ms,
    /// `/silent` answers headers and then never sends a byte.
    fn start() -> (tokio::runtime::Runtime, SocketAddr) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route(
                "/events",
                get(|| async { events(Some(Duration::from_millis(100))) }),
            )
            .route("/silent", get(|| async { events(None) }));
        runtime.spawn(serve(listener, app, SHORT));
        (runtime, address)
    }

    fn events(keep_alive: Option<Duration>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let never = tokio_stream::pending::<Result<Event, std::convert::Infallible>>();
        match keep_alive {
            Some(every) => Sse::new(never)
                .keep_alive(KeepAlive::new().interval(every))
                .into_response(),
            None => Sse::new(never).into_response(),
        }
    }

    fn connect(address: SocketAddr) -> RawStream {
        let stream = RawStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
    }

    fn request(address: SocketAddr, path: &str) -> RawStream {
        let mut stream = connect(address);
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        stream
    }

    /// Everything the server sends until it closes (or 5 s pass).
    fn read_all(stream: &mut RawStream) -> String {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn half_open_connections_are_capped_and_timed_out() {
        let (_runtime, address) = start();
        let mut half_open: Vec<RawStream> = (0..300)
            .map(|_| {
                let mut stream = connect(address);
                stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
                stream
            })
            .collect();
        let started = std::time::Instant::now();
        let answers: Vec<String> = half_open.iter_mut().map(read_all).collect();
        // Every one is closed: over the cap at once with a 503, the others by the timeout
        // (which frees slots while the rest are still being accepted, hence no exact count).
        let busy = answers.iter().filter(|a| a.contains(" 503 ")).count();
        assert!(busy > 0, "the cap never applied");
        assert!(answers.iter().all(|a| a.is_empty() || a.contains(" 503 ")));
        assert!(started.elapsed() < Duration::from_secs(3));
        let mut fresh = request(address, "/");
        assert!(read_headers(&mut fresh).starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn a_live_reload_stream_outlives_the_idle_timeout_and_a_silent_one_does_not() {
        let (_runtime, address) = start();
        let mut live = request(address, "/events");
        let mut silent = request(address, "/silent");
        assert!(read_headers(&mut live).starts_with("HTTP/1.1 200"));
        assert!(read_headers(&mut silent).starts_with("HTTP/1.1 200"));
        std::thread::sleep(SHORT.idle * 2);
        // The live stream still delivers keep-alives; the silent one was closed.
        let mut buffer = [0u8; 64];
        assert!(live.read(&mut buffer).unwrap() > 0);
        let mut rest = Vec::new();
        silent.read_to_end(&mut rest).unwrap();
    }

    /// The response head (up to the blank line), read byte by byte so no body is consumed.
    fn read_headers(stream: &mut RawStream) -> String {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        String::from_utf8_lossy(&head).into_owned()
    }
}
