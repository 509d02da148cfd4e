//! Accepting connections. Each one is bounded in time (headers, whole
//! request, idle) and the number open at once is capped, so slow or idle
//! clients cannot hold the server's sockets or file descriptors.

use crate::http::error::ApiError;
use crate::http::{AppState, app};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use axum::response::{IntoResponse as _, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt as _;

/// How long a client may take, and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, from its first byte (or, on a kept
    /// HTTP/1 connection, from the end of the previous response); then the
    /// connection is closed without an answer.
    pub header_timeout: Duration,
    /// Time from the headers to the answer, reading the body included; then
    /// 408 and the connection is closed. It bounds uploads: the default
    /// lets the largest default submission (64 MB) through at 1.8 Mbit/s.
    pub request_timeout: Duration,
    /// A connection with no request in flight is closed after this long
    /// (hyper also starts the header timer while a kept connection waits
    /// for its next request, so the shorter of the two closes it).
    pub idle_timeout: Duration,
    /// Connections open at once. When they are all taken, new ones wait in
    /// the kernel's listen queue (costing the server nothing) and are taken
    /// in order as slots free, which the timeouts guarantee.
    pub max_connections: u32,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(20),
            // Below the usual 1,024 open files, leaving room for the
            // database pool, stored files and webhook calls.
            max_connections: 512,
        }
    }
}

/// Serves the app on `listener` within `limits` until `shutdown` completes;
/// then stops accepting, lets the requests in flight finish and returns
/// when every connection has closed. Handlers can read the client's address
/// as `ConnectInfo<SocketAddr>`.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    serve_router(listener, app(state), limits, shutdown).await;
}

/// [`serve_on`] for any router.
async fn serve_router(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    // HTTP/1 only, as before: browsers speak HTTP/2 only over TLS, which
    // ends at the proxy in front, and it spares the version sniffing that
    // would run before the header timer starts.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let max_connections = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max_connections as usize));
    let (stop, stopping) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        // A slot first: while all are taken, clients wait in the listen queue.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    wait_after_accept_error(error).await;
                    continue;
                }
            },
        };
        let connection = Connection {
            builder: builder.clone(),
            app: app.clone(),
            limits,
            peer,
            stopping: stopping.clone(),
            _slot: slot,
        };
        tokio::spawn(connection.serve(stream));
    }
    drop(listener);
    tracing::info!("no longer accepting connections; finishing requests in flight");
    stop.send_replace(());
    // Every connection holds its slot until it closes.
    let _all_closed = slots.acquire_many(max_connections).await;
}

/// Out of file descriptors (or another passing failure): wait a little
/// instead of spinning; a client that gave up before being accepted is not
/// worth a pause.
async fn wait_after_accept_error(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One accepted connection and what it needs to serve it.
struct Connection {
    builder: Arc<auto::Builder<TokioExecutor>>,
    app: Router,
    limits: ConnectionLimits,
    peer: SocketAddr,
    /// Changes when the server shuts down.
    stopping: watch::Receiver<()>,
    /// Returned to the cap when the connection closes.
    _slot: OwnedSemaphorePermit,
}

impl Connection {
    async fn serve(mut self, stream: TcpStream) {
        let (requests, mut activity) = watch::channel(Activity {
            in_flight: 0,
            since: Instant::now(),
        });
        let requests = Arc::new(requests);
        let (app, peer, request_timeout) = (self.app, self.peer, self.limits.request_timeout);
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let in_flight = InFlight::begin(requests.clone());
            let answer = tokio::time::timeout(request_timeout, app.clone().oneshot(request));
            async move {
                let response = match answer.await {
                    Ok(Ok(response)) => response,
                    Ok(Err(infallible)) => match infallible {},
                    Err(_) => too_slow(request_timeout),
                };
                drop(in_flight);
                Ok::<_, Infallible>(response)
            }
        });
        let connection = self.builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(connection);
        let mut closing = false;
        loop {
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(peer = %self.peer, error = %error, "connection ended");
                    }
                    return;
                }
                () = idle_for(&mut activity, self.limits.idle_timeout), if !closing => {
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                }
                _ = self.stopping.changed(), if !closing => {
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The 408 for a request that took longer than `limit`; the connection is
/// closed after it (the rest of its body may still be on the way).
fn too_slow(limit: Duration) -> Response {
    let mut response = ApiError::RequestTimeout(format!(
        "the request took longer than {} s: send it again on a faster link, or a smaller file",
        limit.as_secs()
    ))
    .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Requests a connection is answering, and since when that number holds.
#[derive(Debug, Clone, Copy)]
struct Activity {
    in_flight: usize,
    since: Instant,
}

/// A request being answered; counted until it is dropped.
struct InFlight(Arc<watch::Sender<Activity>>);

impl InFlight {
    fn begin(requests: Arc<watch::Sender<Activity>>) -> InFlight {
        requests.send_modify(|activity| {
            activity.in_flight += 1;
            activity.since = Instant::now();
        });
        InFlight(requests)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|activity| {
            activity.in_flight -= 1;
            activity.since = Instant::now();
        });
    }
}

/// Completes once the connection has had no request in flight for
/// `timeout`, or when its service is gone (the connection is ending).
async fn idle_for(activity: &mut watch::Receiver<Activity>, timeout: Duration) {
    loop {
        let now = *activity.borrow_and_update();
        let idle = async {
            if now.in_flight == 0 {
                tokio::time::sleep_until(now.since + timeout).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = idle => return,
            changed = activity.changed() => if changed.is_err() { return },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn handlers_read_the_clients_address() {
        let router = Router::new().route(
            "/",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve_router(
            listener,
            router,
            ConnectionLimits::default(),
            std::future::pending(),
        ));
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("answer");
        let client = stream.local_addr().expect("client address").to_string();
        assert!(answer.ends_with(&client), "{answer}");
    }
}
