//! Slow and idle clients against the real server (`serve_on`, as `listgate
//! serve` runs it) on loopback, with raw TCP clients that behave as an
//! attacker's would: each protection is shown cutting them off in time, and
//! each test fails when its protection is taken away.

mod common;

use common::{Server, serve};
use listgate::ConnectionLimits;
use listgate::http::transport::Transport;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Limits where only `change` is short; the rest would keep a client for a
/// minute, longer than any test waits.
fn limits(change: impl FnOnce(&mut ConnectionLimits)) -> ConnectionLimits {
    let mut limits = ConnectionLimits {
        header_timeout: Duration::from_secs(60),
        request_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        max_connections: 64,
    };
    change(&mut limits);
    limits
}

async fn server(limits: ConnectionLimits) -> Server {
    serve(limits, Transport::default(), &[]).await
}

/// Reads until the server closes the connection (or resets it); what it
/// sent, and when it closed. Fails after `limit`.
async fn read_until_closed(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    limit: Duration,
) -> (String, Instant) {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return Instant::now(),
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the connection is still open after {limit:?}"));
    (String::from_utf8_lossy(&received).into_owned(), closed)
}

/// Sends `bytes` one per second, as long as the server takes them.
fn trickle(
    mut writer: tokio::net::tcp::OwnedWriteHalf,
    bytes: &'static [u8],
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        for (sent, byte) in bytes.iter().enumerate() {
            if writer.write_all(&[*byte]).await.is_err() {
                return sent;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        bytes.len()
    })
}

#[tokio::test]
async fn a_client_sending_its_headers_a_byte_a_second_is_cut_off_at_the_header_timeout() {
    let server = server(limits(|l| l.header_timeout = Duration::from_secs(2))).await;
    let started = Instant::now();
    let (mut reader, writer) = TcpStream::connect(server.addr)
        .await
        .expect("connect")
        .into_split();
    let sender = trickle(
        writer,
        b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
    );
    let (_, closed) = read_until_closed(&mut reader, Duration::from_secs(20)).await;
    let after = closed - started;
    assert!(
        after >= Duration::from_millis(1500) && after < Duration::from_secs(5),
        "closed after {after:?}, the header timeout is 2 s"
    );
    let sent = sender.await.expect("sender");
    assert!(sent < 10, "{sent} bytes were taken");
}

#[tokio::test]
async fn an_idle_kept_connection_is_closed_after_the_idle_timeout() {
    let server = server(limits(|l| l.idle_timeout = Duration::from_secs(2))).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("send");
    let mut received = Vec::new();
    let mut buffer = [0; 1024];
    while !String::from_utf8_lossy(&received).contains(r#"{"status":"ok"}"#) {
        let n = stream.read(&mut buffer).await.expect("read");
        assert!(n > 0, "closed before answering");
        received.extend_from_slice(&buffer[..n]);
    }
    let answered = Instant::now();
    assert!(
        String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"),
        "kept alive after a 200"
    );
    let (rest, closed) = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    assert_eq!(rest, "", "nothing more is sent");
    let idle = closed - answered;
    assert!(
        idle >= Duration::from_millis(1500) && idle < Duration::from_secs(5),
        "closed after {idle:?} idle, the idle timeout is 2 s"
    );
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_answered_408_at_the_request_timeout() {
    let server = server(limits(|l| l.request_timeout = Duration::from_secs(2))).await;
    let (mut reader, mut writer) = TcpStream::connect(server.addr)
        .await
        .expect("connect")
        .into_split();
    let body: &[u8] =
        br#"{"email": "ana@listgate.example", "password": "correct horse battery staple"}"#;
    writer
        .write_all(
            format!(
                "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("headers");
    let started = Instant::now();
    let sender = trickle(writer, body);
    let (answer, closed) = read_until_closed(&mut reader, Duration::from_secs(20)).await;
    let after = closed - started;
    assert!(
        after >= Duration::from_millis(1500) && after < Duration::from_secs(5),
        "cut after {after:?}, the request timeout is 2 s"
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let json = answer.split("\r\n\r\n").nth(1).expect("body");
    let error: serde_json::Value = serde_json::from_str(json).expect("JSON error body");
    assert_eq!(error["error"]["status"], 408, "{error}");
    assert!(sender.await.expect("sender") < body.len());
}

/// `GET /api/v1/health` on a new connection; how long it took to answer.
async fn health(server: &Server, limit: Duration) -> Result<Duration, String> {
    let started = Instant::now();
    let answer = reqwest::Client::new()
        .get(format!("{}/api/v1/health", server.origin))
        .timeout(limit)
        .send()
        .await
        .map_err(|error| format!("no answer after {:?}: {error}", started.elapsed()))?;
    assert_eq!(answer.status(), 200);
    Ok(started.elapsed())
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_do_not_stop_health_from_answering() {
    let server = server(ConnectionLimits {
        header_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(2),
        max_connections: 4,
    })
    .await;
    // Three times the cap, sending nothing: the first four are served (and
    // cut off after 2 s), the others wait their turn in the listen queue.
    let mut idle = Vec::new();
    for _ in 0..12 {
        idle.push(TcpStream::connect(server.addr).await.expect("connect"));
    }
    let took = health(&server, Duration::from_secs(30))
        .await
        .expect("health answers");
    // Three rounds of four idle connections, 2 s each, then health's turn.
    assert!(
        took < Duration::from_secs(10),
        "health answered after {took:?}"
    );
    for mut stream in idle {
        read_until_closed(&mut stream, Duration::from_secs(5)).await;
    }
}

#[tokio::test]
async fn the_connection_cap_holds_and_a_freed_slot_is_taken_at_once() {
    let server = server(limits(|l| l.max_connections = 2)).await;
    let first = TcpStream::connect(server.addr).await.expect("connect");
    let _second = TcpStream::connect(server.addr).await.expect("connect");
    let waiting = health(&server, Duration::from_secs(1)).await;
    assert!(
        waiting.is_err(),
        "a third connection was served at once: {waiting:?}"
    );
    let answer = tokio::spawn({
        let origin = server.origin.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{origin}/api/v1/health"))
                .timeout(Duration::from_secs(10))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let freed = Instant::now();
    drop(first);
    let answer = answer
        .await
        .expect("task")
        .expect("health answers once a slot frees");
    assert_eq!(answer.status(), 200);
    assert!(
        freed.elapsed() < Duration::from_secs(2),
        "answered {:?} after a slot freed",
        freed.elapsed()
    );
}

#[tokio::test]
async fn shutting_down_finishes_the_request_in_flight_and_closes_idle_connections() {
    let mut server = server(limits(|_| {})).await;
    // Idle, kept connection.
    let mut idle = TcpStream::connect(server.addr).await.expect("connect");
    idle.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("send");
    let mut buffer = [0; 1024];
    assert!(idle.read(&mut buffer).await.expect("answer") > 0);
    // A request whose body is half sent.
    let mut busy = TcpStream::connect(server.addr).await.expect("connect");
    let body: &[u8] =
        br#"{"email": "ana@listgate.example", "password": "correct horse battery staple"}"#;
    let headers = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(headers.as_bytes()).await.expect("headers");
    busy.write_all(&body[..10]).await.expect("half the body");
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.stop.take().expect("running").send(()).expect("stop");
    read_until_closed(&mut idle, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.stopped.is_finished(),
        "a request is still in flight"
    );
    busy.write_all(&body[10..])
        .await
        .expect("the rest of the body");
    let (answer, _) = read_until_closed(&mut busy, Duration::from_secs(5)).await;
    assert!(
        answer.starts_with("HTTP/1.1 403"),
        "wrong credentials: {answer}"
    );
    tokio::time::timeout(Duration::from_secs(5), server.stopped)
        .await
        .expect("stopped once every connection closed")
        .expect("server task");
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
}
