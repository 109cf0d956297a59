//! The memory a response body can take: an endless body from a real loopback server is cut
//! at the client's limit, and the process's peak resident memory grows by about that much.
//! Its own test binary, so that no other test moves the peak.

#![allow(clippy::unwrap_used)]

mod support;

use graph_rt::{decode, Client, ClientError, Method, Request, StaticToken, UrlPath, Value};
use support::{Fault, RawServer};

async fn endless_body_peak(limit: Option<u64>) -> (u64, usize) {
    let endless = RawServer::start(|_| Fault::EndlessBody).await;
    let mut builder = Client::builder(StaticToken::new("t"))
        .root(&endless.base)
        .allow_http(true);
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    let client = builder.build().unwrap();
    let before = support::peak_rss_kib().unwrap();
    let request: Request<Value> = Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root().literal("users"),
        decode::json,
    );
    let error = client.send(request).await.unwrap_err();
    assert!(matches!(error, ClientError::TooLarge { .. }), "{error:?}");
    let after = support::peak_rss_kib().unwrap();
    (after.saturating_sub(before), endless.written())
}

#[tokio::test]
async fn an_endless_body_takes_at_most_about_the_limit() {
    let limit = 16u64 << 20;
    let (grown_kib, served) = endless_body_peak(Some(limit)).await;
    println!(
        "limit {} MiB: the server wrote {} MiB before the client stopped; peak RSS grew by {} MiB",
        limit >> 20,
        served >> 20,
        grown_kib >> 10
    );
    assert!(served as u64 >= limit, "the limit was reached");
    // The body buffer (at most the limit, plus a doubling's slack) and nothing unbounded.
    assert!(grown_kib < (limit >> 10) * 3, "{grown_kib} KiB");

    // The default limit, 64 MiB.
    let (grown_kib, served) = endless_body_peak(None).await;
    println!(
        "default limit 64 MiB: the server wrote {} MiB; peak RSS grew by {} MiB",
        served >> 20,
        grown_kib >> 10
    );
    assert!(grown_kib < (graph_rt::DEFAULT_MAX_RESPONSE_BYTES >> 10) * 3);
}
