//! The `tracing` spans of a call and of its attempts, seen by a subscriber of the test's own.

#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_rt::{decode, Client, Method, Request, RetryPolicy, StaticToken, UrlPath, Value};
use serde_json::json;
use support::{Reply, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Keeps each span as `name field=value …`, with the values recorded later appended.
#[derive(Default)]
struct Spans {
    spans: Mutex<Vec<String>>,
    next: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

/// The subscriber: shares its [`Spans`] with the test.
struct Collector(Arc<Spans>);

impl Subscriber for Collector {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut text = attributes.metadata().name().to_owned();
        attributes.record(&mut Fields(&mut text));
        let mut spans = self.0.spans.lock().unwrap();
        spans.push(text);
        self.0.next.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        let text = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(text));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn calls_and_attempts_have_spans() {
    let server = Server::start(|hit| match hit.n {
        0 => Reply::status(429).header("Retry-After", "0.01"),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let spans = Arc::new(Spans::default());
    let _guard = tracing::subscriber::set_default(Collector(spans.clone()));
    let client = Client::builder(StaticToken::new("t"))
        .root(&server.base)
        .allow_http(true)
        .retry(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let request: Request<Value> = Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root()
            .literal("users")
            .key("alice@contoso.com")
            .literal("drive")
            .literal("root")
            .path_address("Private/salaries.xlsx"),
        decode::json,
    );
    client.send(request).await.unwrap();
    let spans = spans.spans.lock().unwrap().clone();
    let id = server.hits()[0]
        .header("client-request-id")
        .unwrap()
        .to_owned();
    let call: Vec<_> = spans
        .iter()
        .filter(|s| s.starts_with("graph.call"))
        .collect();
    assert_eq!(call.len(), 1, "{spans:#?}");
    for part in [
        "method=GET",
        // The template: no user, no file name.
        "path=/v1.0/users/{}/drive/root:/{}:",
        &format!("request_id={id}"),
        "attempts=2",
        "status=200",
    ] {
        assert!(call[0].contains(part), "{part} in {}", call[0]);
    }
    assert!(
        !spans
            .iter()
            .any(|s| s.contains("alice") || s.contains("salaries")),
        "{spans:#?}"
    );
    let attempts: Vec<_> = spans
        .iter()
        .filter(|s| s.starts_with("graph.attempt"))
        .collect();
    assert_eq!(attempts.len(), 2, "{spans:#?}");
    assert!(attempts[0].contains("attempt=1") && attempts[0].contains("status=429"));
    assert!(attempts[0].contains("wait=10ms"), "{}", attempts[0]);
    assert!(attempts[1].contains("attempt=2") && attempts[1].contains("status=200"));
}
