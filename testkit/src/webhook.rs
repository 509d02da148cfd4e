//! The merchant's messaging platform: receives the tenant's webhook.

use serde_json::Value;
use tokio::sync::mpsc;

/// One webhook delivery: its `X-Listgate-Event` and JSON body.
#[derive(Debug, Clone)]
pub struct Event {
    /// `contacts` for a batch to import; otherwise the step told
    /// (`approved`, `batch_imported`, `paused`, …).
    pub kind: String,
    /// The delivery's JSON.
    pub body: Value,
}

/// What a [`start`]ed receiver got: every event in order, and the ones a
/// test has not yet taken with [`Received::next`].
#[derive(Debug)]
pub struct Received {
    incoming: mpsc::UnboundedReceiver<Event>,
    seen: Vec<Event>,
    taken: usize,
}

impl Received {
    /// The next event of `kind` not taken yet ([`crate::WAIT`] at most);
    /// events of other kinds stay for [`Received::all`].
    pub async fn next(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + crate::WAIT;
        loop {
            if let Some(offset) = self.seen[self.taken..].iter().position(|e| e.kind == kind) {
                self.taken += offset + 1;
                return self.seen[self.taken - 1].body.clone();
            }
            let event = tokio::time::timeout_at(deadline, self.incoming.recv())
                .await
                .unwrap_or_else(|_| panic!("no {kind} event within {:?}", crate::WAIT))
                .expect("the receiver runs");
            self.seen.push(event);
        }
    }

    /// Every event received so far, in order, once `count` have come
    /// ([`crate::WAIT`] at most).
    pub async fn all(&mut self, count: usize) -> &[Event] {
        let deadline = tokio::time::Instant::now() + crate::WAIT;
        while self.seen.len() < count {
            match tokio::time::timeout_at(deadline, self.incoming.recv()).await {
                Ok(Some(event)) => self.seen.push(event),
                Ok(None) | Err(_) => break,
            }
        }
        while let Ok(event) = self.incoming.try_recv() {
            self.seen.push(event);
        }
        &self.seen
    }
}

/// Starts a receiver answering 200 to every POST, on the current tokio
/// runtime; the `http://127.0.0.1:PORT/events` URL to give the tenant.
pub async fn start() -> (String, Received) {
    let (events, incoming) = mpsc::unbounded_channel();
    let handler = move |headers: axum::http::HeaderMap, body: axum::Json<Value>| {
        let events = events.clone();
        async move {
            let kind = headers
                .get("x-listgate-event")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let _ = events.send(Event { kind, body: body.0 });
            axum::http::StatusCode::OK
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/events", listener.local_addr().expect("addr"));
    let router = axum::Router::new().route("/events", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, router).await });
    let received = Received {
        incoming,
        seen: Vec::new(),
        taken: 0,
    };
    (url, received)
}
