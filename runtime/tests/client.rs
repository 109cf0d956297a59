//! The client against a real HTTP server on loopback (started by each test; no mocked
//! transport): encoding, tokens, errors, retries, paging, delta, redirects and `$batch`.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use graph_rt::{
    decode, AccessToken, Batch, Client, ClientError, Method, Page, RefreshingToken, Request,
    RetryPolicy, StaticToken, UrlPath, Value,
};
use serde_json::json;
use support::{Hit, Reply, Server};

const SECRET: &str = "s3cr3t-token-value";

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(2),
    }
}

fn client(server: &Server) -> Client {
    Client::builder(StaticToken::new(SECRET))
        .root(&server.base)
        .allow_http(true)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn users() -> UrlPath {
    UrlPath::root().literal("users")
}

fn get(path: UrlPath) -> Request<Value> {
    Request::new(Method::Get, "v1.0", path, decode::json)
}

fn list(path: UrlPath) -> Request<Page<Value>> {
    Request::new(Method::Get, "v1.0", path, decode::page)
}

fn graph_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": code, "message": message,
            "innerError": {"date": "2024-05-01T10:00:00", "request-id": "req-1234",
                "client-request-id": "req-1234"}}}),
    )
}

/// `request.send(&client)` (the core crate's `Request::send`, through `Sender`) runs in a task
/// of its own: its future is `Send`.
#[tokio::test]
async fn a_request_sent_with_its_own_send_runs_in_a_spawned_task() {
    let server = Server::start(|hit| Reply::json(200, json!({"id": hit.path}))).await;
    let client = client(&server);
    let task = tokio::spawn(async move { get(users().key("u1")).send(&client).await });
    let user = task.await.unwrap().unwrap();
    assert_eq!(user["id"], "/v1.0/users/u1");
    assert_eq!(server.hits().len(), 1);
}

#[tokio::test]
async fn path_is_encoded_and_bearer_token_sent() {
    let server = Server::start(|hit| Reply::json(200, json!({"id": hit.path}))).await;
    let client = client(&server);
    let user = get(users().key("a/../b?x")).send(&client).await.unwrap();
    assert_eq!(user["id"], "/v1.0/users/a%2F..%2Fb%3Fx");
    let hits = server.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].method, "GET");
    assert_eq!(hits[0].path, "/v1.0/users/a%2F..%2Fb%3Fx");
    assert_eq!(
        hits[0].header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert!(hits[0]
        .header("user-agent")
        .unwrap()
        .starts_with("graph-rt/"));

    // Query values and OData string literals are encoded too.
    let filter = format!("displayName eq {}", graph_rt::odata_string("O'Neil & co"));
    let request: Request<Value> = get(users()).query("$filter", &filter);
    client.send(request).await.unwrap();
    // (The URL parser encodes `'` in a query as `%27`, as WHATWG URLs do; the same to Graph.)
    assert_eq!(
        server.hits()[1].path,
        "/v1.0/users?$filter=displayName%20eq%20%27O%27%27Neil%20%26%20co%27"
    );
}

#[tokio::test]
async fn json_body_and_headers_are_sent() {
    let server = Server::start(|hit| Reply::json(201, hit.json())).await;
    let client = client(&server);
    let request: Request<Value> = Request::new(Method::Post, "beta", users(), decode::json)
        .json_body(&json!({"displayName": "Ann"}))
        .consistency_level_eventual();
    let created = client.send(request).await.unwrap();
    assert_eq!(created, json!({"displayName": "Ann"}));
    let hit = &server.hits()[0];
    assert_eq!(hit.path, "/beta/users");
    assert_eq!(hit.header("content-type"), Some("application/json"));
    assert_eq!(hit.header("consistencylevel"), Some("eventual"));
}

#[tokio::test]
async fn bytes_body_and_raw_response() {
    let server = Server::start(|hit| Reply {
        status: 200,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: [hit.body.as_slice(), b"!"].concat(),
    })
    .await;
    let client = client(&server);
    let path = UrlPath::root()
        .literal("me")
        .literal("drive")
        .literal("root")
        .path_address("notes/a b.txt")
        .literal("content");
    let request: Request<Vec<u8>> = Request::new(Method::Put, "v1.0", path, decode::bytes)
        .bytes_body("text/plain", b"hello".to_vec());
    let raw = client.send_raw(&request).await.unwrap();
    assert_eq!(raw.header("Content-Type"), Some("text/plain"));
    assert_eq!(client.send(request).await.unwrap(), b"hello!");
    let hit = &server.hits()[0];
    assert_eq!(hit.path, "/v1.0/me/drive/root:/notes/a%20b.txt:/content");
    assert_eq!(hit.header("content-type"), Some("text/plain"));
}

#[tokio::test]
async fn request_with_a_problem_is_not_sent() {
    let server = Server::start(|_| Reply::json(200, json!({}))).await;
    let client = client(&server);
    let error = get(users().key("..")).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error:?}");
    assert!(
        error.to_string().contains("cannot be a path segment"),
        "{error}"
    );
    // A link to another origin would carry the token away: refused, not sent.
    let error = get(users())
        .at_link("http://evil.example/v1.0/users")
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error:?}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn graph_error_says_status_code_message_and_request_id() {
    let server = Server::start(|hit| match hit.path_only() {
        "/v1.0/users/x" => graph_error(
            404,
            "Request_ResourceNotFound",
            "Resource 'x' does not exist.",
        ),
        _ => Reply::text(502, "<html><body>Bad gateway from the proxy</body></html>")
            .header("request-id", "hdr-5678"),
    })
    .await;
    let client = client(&server);
    let error = get(users().key("x")).send(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    let graph = error.graph().unwrap();
    assert_eq!(graph.code.as_deref(), Some("Request_ResourceNotFound"));
    assert_eq!(graph.request_id.as_deref(), Some("req-1234"));
    assert_eq!(graph.attempts, 1);
    assert_eq!(
        error.to_string(),
        "HTTP 404 Not Found: Request_ResourceNotFound: Resource 'x' does not exist. \
         (request-id req-1234, date 2024-05-01T10:00:00)"
    );

    // Not Graph's JSON: the status and the start of the body; the id from the header.
    let error = get(users().key("y")).send(&client).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("HTTP 502 Bad Gateway: <html><body>Bad gateway"),
        "{text}"
    );
    assert!(text.contains("request-id hdr-5678"), "{text}");
}

#[tokio::test]
async fn decode_error_names_status_and_path() {
    let server = Server::start(|_| Reply::json(200, json!({"value": [1, "two"]}))).await;
    let client = client(&server);
    let request: Request<Page<i64>> = Request::new(Method::Get, "v1.0", users(), decode::page);
    let error = client.send(request).await.unwrap_err();
    assert!(
        matches!(error, ClientError::Decode { status: 200, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.starts_with("HTTP 200: "), "{text}");
    assert!(text.contains("`value[1]`"), "{text}");
}

#[tokio::test]
async fn throttled_429_is_retried_after_retry_after() {
    let server = Server::start(|hit| match hit.n {
        0 | 1 => graph_error(429, "TooManyRequests", "slow down").header("Retry-After", "0"),
        _ => Reply::json(200, json!({"ok": true})),
    })
    .await;
    let client = client(&server);
    let value = get(users()).send(&client).await.unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(server.count(), 3);
    // Each attempt carries the token.
    assert!(server
        .hits()
        .iter()
        .all(|h| h.header("authorization").is_some()));

    // `Retry-After: 1` is waited for.
    let server = Server::start(|hit| match hit.n {
        0 => Reply::status(429).header("Retry-After", "1"),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let client = self::client(&server);
    let started = Instant::now();
    get(users()).send(&client).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_error_returned() {
    let server = Server::start(|_| {
        graph_error(503, "serviceNotAvailable", "try later").header("Retry-After", "0")
    })
    .await;
    let client = client(&server);
    let error = get(users()).send(&client).await.unwrap_err();
    assert_eq!(server.count(), 4, "1 attempt + max_retries 3");
    let graph = error.graph().unwrap();
    assert_eq!((graph.status, graph.attempts), (503, 4));
    assert_eq!(graph.retry_after, Some(Duration::ZERO));
    assert!(error.to_string().contains("after 4 attempts"), "{error}");

    // 504 without Retry-After: exponential backoff, same bound.
    let server = Server::start(|_| Reply::status(504)).await;
    let client = self::client(&server);
    let error = get(users()).send(&client).await.unwrap_err();
    assert_eq!((error.status(), server.count()), (Some(504), 4));

    // Other errors are not retried.
    let server = Server::start(|_| graph_error(400, "BadRequest", "no")).await;
    let client = self::client(&server);
    get(users()).send(&client).await.unwrap_err();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_throttled_post_is_retried_other_failures_of_a_post_are_not() {
    // Graph did not execute a throttled request: a 429 POST is sent again, same body, same
    // client-request-id, a `Retry-Attempt` header.
    let server = Server::start(|hit| match hit.n {
        0 => graph_error(429, "TooManyRequests", "slow down").header("Retry-After", "0.05"),
        _ => Reply::json(201, hit.json()),
    })
    .await;
    let client = client(&server);
    let post = || -> Request<Value> {
        Request::new(Method::Post, "v1.0", users(), decode::json).json_body(&json!({"n": 1}))
    };
    let created = client.send(post()).await.unwrap();
    assert_eq!(created, json!({"n": 1}));
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].body, hits[1].body);
    let id = hits[0].header("client-request-id").unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(hits[1].header("client-request-id"), Some(id));
    assert_eq!(hits[0].header("retry-attempt"), None);
    assert_eq!(hits[1].header("retry-attempt"), Some("1"));

    // A 503 without `Retry-After` may have been processed: a POST is not repeated…
    let server = Server::start(|_| Reply::status(503)).await;
    let client = self::client(&server);
    let error = client.send(post()).await.unwrap_err();
    assert_eq!((error.status(), server.count()), (Some(503), 1));
    // …unless the caller says it may be.
    let error = client
        .send(post().retry_non_idempotent())
        .await
        .unwrap_err();
    assert_eq!((error.status(), server.count()), (Some(503), 5));
    // With `Retry-After` it was not executed: repeated.
    let server = Server::start(|hit| match hit.n {
        0 => Reply::status(503).header("Retry-After", "0"),
        _ => Reply::json(200, json!({})),
    })
    .await;
    self::client(&server).send(post()).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_reported_not_retried_early() {
    let server = Server::start(|_| {
        graph_error(429, "TooManyRequests", "slow down").header("Retry-After", "120")
    })
    .await;
    let client = client(&server); // max_delay 2 s
    let started = Instant::now();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.count(), 1);
    match &error {
        ClientError::WaitTooLong {
            retry_after, limit, ..
        } => {
            assert_eq!(*retry_after, Duration::from_secs(120));
            assert_eq!(*limit, Duration::from_secs(2));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.status(), Some(429));
    assert_eq!(
        error.graph().unwrap().code.as_deref(),
        Some("TooManyRequests")
    );
    assert!(error.to_string().contains("120s"), "{error}");

    // A wait that would end past the call's deadline: the same.
    let server = Server::start(|_| Reply::status(429).header("Retry-After", "1")).await;
    let client = Client::builder(StaticToken::new(SECRET))
        .root(&server.base)
        .allow_http(true)
        .retry(fast_retry())
        .call_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(
        matches!(error, ClientError::WaitTooLong { .. }),
        "{error:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_retry_budget_stops_retries_client_wide() {
    let server = Server::start(|_| Reply::status(503).header("Retry-After", "0")).await;
    // 12 tokens: two retries of 5.
    let client = Client::builder(StaticToken::new(SECRET))
        .root(&server.base)
        .allow_http(true)
        .retry(fast_retry())
        .retry_budget(12)
        .build()
        .unwrap();
    get(users()).send(&client).await.unwrap_err();
    assert_eq!(server.count(), 3, "1 attempt + 2 retries the budget paid");
    get(users()).send(&client).await.unwrap_err();
    assert_eq!(server.count(), 4, "an empty budget: no retry");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind then drop: a port with nobody listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(StaticToken::new(SECRET))
        .root(&format!("http://127.0.0.1:{port}"))
        .allow_http(true)
        .retry(fast_retry())
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("transport error: "),
        "{error}"
    );
    assert!(!error.to_string().contains(SECRET));
}

/// Three pages: `/v1.0/users`, then links built from the server's own address.
fn paged(hit: &Hit) -> Reply {
    let page: usize = hit
        .path
        .split("$skiptoken=")
        .nth(1)
        .map_or(0, |t| t.parse().unwrap());
    let mut body = json!({"value": [{"id": page * 2}, {"id": page * 2 + 1}]});
    if page < 2 {
        body["@odata.nextLink"] = json!(format!("{}/v1.0/users?$skiptoken={}", hit.base, page + 1));
    }
    Reply::json(200, body)
}

#[tokio::test]
async fn lists_follow_next_links() {
    let server = Server::start(paged).await;
    let client = client(&server);
    let ids = |items: Vec<Value>| {
        items
            .iter()
            .map(|v| v["id"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };

    let items: Vec<Value> = client.items(list(users())).try_collect().await.unwrap();
    assert_eq!(ids(items), vec![0, 1, 2, 3, 4, 5]);
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(
        paths,
        [
            "/v1.0/users",
            "/v1.0/users?$skiptoken=1",
            "/v1.0/users?$skiptoken=2"
        ]
    );

    let all = client.all(list(users())).await.unwrap();
    assert_eq!(ids(all), vec![0, 1, 2, 3, 4, 5]);

    let pages: Vec<Page<Value>> = client.pages(list(users())).try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages[2].next_link.is_none());
    assert_eq!(server.count(), 9);
    assert!(server
        .hits()
        .iter()
        .all(|h| h.header("authorization") == Some(&*format!("Bearer {SECRET}"))));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = Server::start(|hit| match hit.n {
        0 => paged(hit),
        _ => graph_error(403, "Forbidden", "no more"),
    })
    .await;
    let client = client(&server);
    let results: Vec<Result<Value, ClientError>> = client.items(list(users())).collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status(), Some(403));

    // A page linking to itself would loop: an error.
    let server = Server::start(|hit| {
        Reply::json(
            200,
            json!({"value": [], "@odata.nextLink": format!("{}{}", hit.base, hit.path)}),
        )
    })
    .await;
    let client = self::client(&server);
    let error = client
        .all(list(users()).at_link(&format!("{}/v1.0/users?x=1", server.base)))
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
}

#[tokio::test]
async fn delta_follows_to_the_delta_link_and_resumes_from_it() {
    let server = Server::start(|hit| {
        let base = &hit.base;
        let body = if hit.path.contains("$deltatoken=t1") {
            json!({"value": [{"id": "u2", "@removed": {"reason": "deleted"}}],
                   "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=t2")})
        } else if hit.path.contains("$skiptoken=p2") {
            json!({"value": [{"id": "u3"}],
                   "@odata.deltaLink": format!("{base}/v1.0/users/delta()?$deltatoken=t1")})
        } else {
            json!({"value": [{"id": "u1"}, {"id": "u2"}],
                   "@odata.nextLink": format!("{base}/v1.0/users/delta()?$skiptoken=p2")})
        };
        Reply::json(200, body)
    })
    .await;
    let client = client(&server);
    let request = list(users().call("delta", &[]));
    let first = client.delta(request.clone()).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(
        first.delta_link,
        format!("{}/v1.0/users/delta()?$deltatoken=t1", server.base)
    );
    // Later: resume from the stored link.
    let stored = first.delta_link.clone();
    let changes = client.delta(request.at_link(&stored)).await.unwrap();
    assert_eq!(
        changes.items,
        vec![json!({"id": "u2", "@removed": {"reason": "deleted"}})]
    );
    assert!(changes.delta_link.ends_with("$deltatoken=t2"));
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(
        paths,
        [
            "/v1.0/users/delta()",
            "/v1.0/users/delta()?$skiptoken=p2",
            "/v1.0/users/delta()?$deltatoken=t1"
        ]
    );

    // A delta query that ends without a deltaLink is an error, not a silent success.
    let server = Server::start(|_| Reply::json(200, json!({"value": []}))).await;
    let error = self::client(&server)
        .delta(list(users()))
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
}

#[tokio::test]
async fn redirect_to_another_host_does_not_carry_the_token() {
    let other = Server::start(|_| Reply::json(200, json!({"at": "other"}))).await;
    let other_port = other.addr.port();
    let server =
        Server::start(move |hit| match hit.path_only() {
            // Same host and port: the token goes along.
            "/v1.0/same" => Reply::status(307).header("Location", "/v1.0/final"),
            "/v1.0/final" => Reply::json(200, json!({"at": "same"})),
            // Another port.
            "/v1.0/port" => Reply::status(302)
                .header("Location", &format!("http://127.0.0.1:{other_port}/v1.0/x")),
            // Another host name (same machine).
            _ => Reply::status(307)
                .header("Location", &format!("http://localhost:{other_port}/v1.0/y")),
        })
        .await;
    let client = client(&server);
    let at = |v: Value| v["at"].as_str().unwrap().to_owned();
    assert_eq!(
        at(get(UrlPath::root().literal("same"))
            .send(&client)
            .await
            .unwrap()),
        "same"
    );
    assert_eq!(
        at(get(UrlPath::root().literal("port"))
            .send(&client)
            .await
            .unwrap()),
        "other"
    );
    assert_eq!(
        at(get(UrlPath::root().literal("host"))
            .send(&client)
            .await
            .unwrap()),
        "other"
    );

    let hits = server.hits();
    let final_hit = hits.iter().find(|h| h.path == "/v1.0/final").unwrap();
    assert!(final_hit.header("authorization").is_some());
    let other_hits = other.hits();
    assert_eq!(other_hits.len(), 2);
    for hit in &other_hits {
        assert_eq!(hit.header("authorization"), None, "{hit:?}");
        assert!(!format!("{hit:?}").contains(SECRET));
    }
}

#[tokio::test]
async fn http_root_is_refused_unless_allowed() {
    let error = Client::builder(StaticToken::new(SECRET))
        .root("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error:?}");
    assert!(error.to_string().contains("not https"), "{error}");
    let error = Client::builder(StaticToken::new(SECRET))
        .root("ftp://example.com")
        .allow_http(true)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("scheme `ftp`"), "{error}");
    let client = Client::builder(StaticToken::new(SECRET)).build().unwrap();
    assert_eq!(client.root(), "https://graph.microsoft.com");
}

#[tokio::test]
async fn the_token_never_shows_in_debug() {
    let client = Client::builder(StaticToken::new(SECRET)).build().unwrap();
    let builder = Client::builder(StaticToken::new(SECRET));
    let refreshing = RefreshingToken::new(|| async { Ok(AccessToken::new(SECRET)) });
    for text in [
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{:?}", StaticToken::new(SECRET)),
        format!("{:?}", AccessToken::new(SECRET)),
        format!("{refreshing:?}"),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}

#[tokio::test]
async fn refreshing_token_is_fetched_once_then_again_after_expiry() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let provider = RefreshingToken::new(move || {
        let counter = counter.clone();
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(AccessToken::expires_in(
                format!("tok-{n}"),
                Duration::from_millis(1500),
            ))
        }
    })
    .refresh_before(Duration::from_millis(500));
    let server = Server::start(|_| Reply::json(200, json!({}))).await;
    let client = Client::builder(provider)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    let requests = (0..20).map(|_| get(users()).send(&client));
    for result in futures_util::future::join_all(requests).await {
        result.unwrap();
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    // Within the margin of its expiry: fetched again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get(users()).send(&client).await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let tokens: Vec<String> = server
        .hits()
        .iter()
        .map(|h| h.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(tokens.iter().filter(|t| *t == "Bearer tok-1").count(), 20);
    assert_eq!(tokens[20], "Bearer tok-2");

    // A failing provider: the request is not sent.
    let failing = RefreshingToken::new(|| async { Err(ClientError::Auth("no consent".into())) });
    let client = Client::builder(failing)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Auth(_)), "{error:?}");
    assert_eq!(server.count(), 21);
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let provider = RefreshingToken::new(move || {
        let counter = counter.clone();
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(AccessToken::expires_in(
                format!("tok-{n}"),
                Duration::from_secs(3600),
            ))
        }
    });
    // `tok-1` was revoked before its expiry.
    let server = Server::start(|hit| match hit.header("authorization") {
        Some("Bearer tok-1") => graph_error(401, "InvalidAuthenticationToken", "expired"),
        _ => Reply::json(201, json!({})),
    })
    .await;
    let client = Client::builder(provider)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    // Even a POST: a 401 was not processed.
    let post: Request<Value> =
        Request::new(Method::Post, "v1.0", users(), decode::json).json_body(&json!({}));
    client.send(post).await.unwrap();
    assert_eq!((fetches.load(Ordering::SeqCst), server.count()), (2, 2));
    get(users()).send(&client).await.unwrap();
    assert_eq!((fetches.load(Ordering::SeqCst), server.count()), (2, 3));

    // A static token cannot be renewed: the 401 is the answer, sent once.
    let server = Server::start(|_| graph_error(401, "InvalidAuthenticationToken", "no")).await;
    let error = get(users()).send(&self::client(&server)).await.unwrap_err();
    assert_eq!((error.status(), server.count()), (Some(401), 1));
}

/// A `$batch` endpoint: answers each sub-request (in reverse order) with its own URL, or a
/// Graph error for `/users/bad`.
fn batch_server(hit: &Hit) -> Reply {
    assert_eq!(hit.path, "/v1.0/$batch");
    let body = hit.json();
    let mut responses: Vec<Value> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            if r["url"] == "/users/bad" {
                json!({"id": r["id"], "status": 404, "headers": {"Content-Type": "application/json"},
                    "body": {"error": {"code": "Request_ResourceNotFound", "message": "no bad",
                        "innerError": {"request-id": "sub-9"}}}})
            } else {
                json!({"id": r["id"], "status": 200, "headers": {"Content-Type": "application/json"},
                    "body": {"url": r["url"], "method": r["method"], "body": r["body"]}})
            }
        })
        .collect();
    responses.reverse();
    Reply::json(200, json!({ "responses": responses }))
}

#[tokio::test]
async fn batch_splits_at_20_and_matches_responses_by_id() {
    let server = Server::start(batch_server).await;
    let client = client(&server);
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..45)
        .map(|i| batch.add(get(users().key(&format!("u/{i}")))))
        .collect();
    let mut responses = client.send_batch(batch).await.unwrap();
    for (i, handle) in handles.into_iter().enumerate() {
        let value = responses.take(handle).unwrap();
        assert_eq!(value["url"], format!("/users/u%2F{i}"));
        assert_eq!(value["method"], "GET");
    }
    let hits = server.hits();
    let sizes: Vec<usize> = hits
        .iter()
        .map(|h| h.json()["requests"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![20, 20, 5]);
    assert!(hits
        .iter()
        .all(|h| h.method == "POST"
            && h.header("authorization") == Some(&*format!("Bearer {SECRET}"))));
    let ids: Vec<String> = hits[2].json()["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["41", "42", "43", "44", "45"]);
}

#[tokio::test]
async fn batch_sub_request_errors_are_their_own() {
    let server = Server::start(batch_server).await;
    let client = client(&server);
    let mut batch = Batch::new();
    let good = batch.add(get(users().key("good")));
    let bad = batch.add(get(users().key("bad")));
    let post = batch.add(
        Request::<Value>::new(Method::Post, "v1.0", users(), decode::json)
            .json_body(&json!({"displayName": "Ann"})),
    );
    let unsent = batch.add(get(users().key(".")));
    let mut responses = client.send_batch(batch).await.unwrap();
    assert_eq!(responses.take(good).unwrap()["url"], "/users/good");
    let error = responses.take(bad).unwrap_err();
    assert_eq!(error.status(), Some(404));
    let text = error.to_string();
    assert!(
        text.contains("Request_ResourceNotFound: no bad (request-id sub-9)"),
        "{text}"
    );
    let posted = responses.take(post).unwrap();
    assert_eq!(posted["body"], json!({"displayName": "Ann"}));
    assert!(matches!(
        responses.take(unsent),
        Err(ClientError::Invalid(_))
    ));
    let sent = server.hits()[0].json();
    assert_eq!(sent["requests"].as_array().unwrap().len(), 3);
    assert_eq!(
        sent["requests"][2]["headers"]["Content-Type"],
        "application/json"
    );

    // Requests of two versions cannot share a batch.
    let mut batch = Batch::new();
    batch.add(get(users()));
    batch.add(Request::<Value>::new(
        Method::Get,
        "beta",
        users(),
        decode::json,
    ));
    let error = client.send_batch(batch).await.unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error:?}");
}

#[tokio::test]
async fn batch_retries_throttled_sub_requests() {
    let server = Server::start(|hit| {
        let body = hit.json();
        let responses: Vec<Value> = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                if hit.n == 0 && r["id"] == "2" {
                    json!({"id": "2", "status": 429, "headers": {"Retry-After": "0"},
                        "body": {"error": {"code": "TooManyRequests", "message": "wait"}}})
                } else {
                    json!({"id": r["id"], "status": 200, "body": {"url": r["url"]}})
                }
            })
            .collect();
        Reply::json(200, json!({ "responses": responses }))
    })
    .await;
    let client = client(&server);
    let mut batch = Batch::new();
    let a = batch.add(get(users().key("a")));
    let b = batch.add(get(users().key("b")));
    let mut responses = client.send_batch(batch).await.unwrap();
    assert_eq!(responses.take(a).unwrap()["url"], "/users/a");
    assert_eq!(responses.take(b).unwrap()["url"], "/users/b");
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].json()["requests"].as_array().unwrap().len(), 1);
}

fn builder(base: &str) -> graph_rt::ClientBuilder {
    Client::builder(StaticToken::new(SECRET))
        .root(base)
        .allow_http(true)
        .retry(fast_retry())
}

#[tokio::test]
async fn a_silent_server_times_out_per_attempt_and_per_call() {
    use support::{Fault, RawServer};
    let silent = RawServer::start(|_| Fault::Silent).await;
    let client = builder(&silent.base)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = get(users()).send(&client).await.unwrap_err();
    let elapsed = started.elapsed();
    match error {
        ClientError::Timeout {
            stage, attempts, ..
        } => assert_eq!((stage, attempts), ("attempt", 4)),
        other => panic!("{other:?}"),
    }
    // 4 attempts of 300 ms and 3 short backoffs.
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(
        silent.connections(),
        4,
        "each timed-out attempt on a new connection"
    );

    // A POST that timed out may have been processed: not repeated.
    let before = silent.connections();
    let post: Request<Value> =
        Request::new(Method::Post, "v1.0", users(), decode::json).json_body(&json!({}));
    let error = client.send(post).await.unwrap_err();
    assert!(
        matches!(error, ClientError::Timeout { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(silent.connections(), before + 1);

    // The whole call's deadline ends the retries.
    let client = builder(&silent.base)
        .timeout(Duration::from_millis(300))
        .call_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(
        matches!(error, ClientError::Timeout { stage: "call", .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(900));

    // The token fetch is inside the limits: a token endpoint that never answers.
    let hanging = RefreshingToken::new(|| async {
        std::future::pending::<Result<AccessToken, ClientError>>().await
    });
    let server = Server::start(|_| Reply::json(200, json!({}))).await;
    let client = Client::builder(hanging)
        .root(&server.base)
        .allow_http(true)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Timeout { .. }), "{error:?}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit() {
    use support::{Fault, RawServer};
    let endless = RawServer::start(|_| Fault::EndlessBody).await;
    let client = builder(&endless.base)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    match error {
        ClientError::TooLarge { status, limit } => assert_eq!((status, limit), (200, 1 << 20)),
        other => panic!("{other:?}"),
    }
    assert_eq!(endless.connections(), 1, "not retried");
    // A Content-Length over the limit is refused before reading.
    let server = Server::start(|_| Reply::json(200, json!({"big": "x".repeat(2000)}))).await;
    let client = builder(&server.base)
        .max_response_bytes(1000)
        .build()
        .unwrap();
    let error = get(users()).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("1000 bytes"), "{error}");
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_idempotent_requests_only() {
    use support::{Fault, RawServer};
    let flaky = RawServer::start(|n| if n == 0 { Fault::Reset } else { Fault::Ok }).await;
    let client = builder(&flaky.base).build().unwrap();
    let value = get(users()).send(&client).await.unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(flaky.connections(), 2);

    let flaky = RawServer::start(|n| if n == 0 { Fault::Reset } else { Fault::Ok }).await;
    let client = builder(&flaky.base).build().unwrap();
    let post: Request<Value> =
        Request::new(Method::Post, "v1.0", users(), decode::json).json_body(&json!({}));
    let error = client.send(post).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    assert_eq!(flaky.connections(), 1);
}

/// `/v1.0/users` (A) → B → C → B: a loop that does not come back to the first page.
fn cyclic(hit: &Hit) -> Reply {
    let next = match hit.path.as_str() {
        "/v1.0/users" => "/v1.0/users?page=b",
        "/v1.0/users?page=b" => "/v1.0/users?page=c",
        _ => "/v1.0/users?page=b",
    };
    Reply::json(
        200,
        json!({"value": [{"id": hit.path}], "@odata.nextLink": format!("{}{next}", hit.base)}),
    )
}

#[tokio::test]
async fn paging_stops_at_any_repeated_link_and_at_the_page_limit() {
    let server = Server::start(cyclic).await;
    let client = client(&server);
    let error = client.all(list(users())).await.unwrap_err();
    assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
    assert!(error.to_string().contains("page=b"), "{error}");
    assert_eq!(server.count(), 3);

    // A → B → A, the first page given as a path and linked back to as an absolute URL.
    let server = Server::start(|hit| {
        let next = if hit.path == "/v1.0/users" {
            "/v1.0/users?page=b"
        } else {
            "/v1.0/users"
        };
        Reply::json(
            200,
            json!({"value": [], "@odata.nextLink": format!("{}{next}", hit.base)}),
        )
    })
    .await;
    let error = client_delta_or_all(&server).await;
    assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
    assert_eq!(server.count(), 4, "two pages for delta, two for all");

    // A page limit, per call or per client.
    let server = Server::start(paged).await;
    let client = self::client(&server);
    let pages: Vec<_> = client
        .pages_at_most(list(users()), Some(2))
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages[0].is_ok() && pages[1].is_ok());
    assert!(matches!(pages[2], Err(ClientError::PageLimit { limit: 2 })));
    let limited = builder(&server.base).max_pages(Some(1)).build().unwrap();
    let error = limited.all(list(users())).await.unwrap_err();
    assert!(
        matches!(error, ClientError::PageLimit { limit: 1 }),
        "{error:?}"
    );
    // Without a limit the three pages are read.
    assert_eq!(client.all(list(users())).await.unwrap().len(), 6);
}

async fn client_delta_or_all(server: &Server) -> ClientError {
    let client = client(server);
    let error = client.delta(list(users())).await.unwrap_err();
    assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
    client.all(list(users())).await.unwrap_err()
}

#[tokio::test]
async fn items_hold_one_page_at_a_time() {
    let server = Server::start(paged).await;
    let client = client(&server);
    let mut items = std::pin::pin!(client.items(list(users())));
    items.try_next().await.unwrap().unwrap();
    assert_eq!(server.count(), 1, "the second page is not asked for yet");
    items.try_next().await.unwrap().unwrap();
    items.try_next().await.unwrap().unwrap();
    assert!(server.count() >= 2);
}

#[tokio::test]
async fn redirects_across_origins_carry_no_token_no_body_no_referer() {
    let other = Server::start(|hit| match hit.path_only() {
        "/denied" => graph_error(401, "InvalidAuthenticationToken", "not for you"),
        _ => Reply::json(200, json!({"method": hit.method, "body": hit.body.len()})),
    })
    .await;
    let other_base = other.base.clone();
    let server = Server::start(move |hit| match hit.path_only() {
        "/v1.0/keep" => Reply::status(307).header("Location", &format!("{other_base}/x")),
        "/v1.0/see-other" => Reply::status(303).header("Location", &format!("{other_base}/y")),
        "/v1.0/denied" => Reply::status(302).header("Location", &format!("{other_base}/denied")),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let provider = RefreshingToken::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok(AccessToken::expires_in(SECRET, Duration::from_secs(3600))) }
    });
    let client = Client::builder(provider)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    let post = |path: &str| -> Request<Value> {
        Request::new(
            Method::Post,
            "v1.0",
            UrlPath::root().literal(path),
            decode::json,
        )
        .json_body(&json!({"secret": "body"}))
    };
    // A 307 keeps method and body: to another origin that is refused.
    let error = client.send(post("keep")).await.unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error:?}");
    assert!(error.to_string().contains("body"), "{error}");
    assert_eq!(other.count(), 0);
    // A GET follows it, without token or `Referer`.
    get(UrlPath::root().literal("keep"))
        .send(&client)
        .await
        .unwrap();
    // A 303 becomes a GET without the body.
    let value = client.send(post("see-other")).await.unwrap();
    assert_eq!(value, json!({"method": "GET", "body": 0}));
    for hit in other.hits() {
        assert_eq!(hit.header("authorization"), None, "{hit:?}");
        assert_eq!(hit.header("referer"), None, "{hit:?}");
        assert_eq!(hit.header("content-type"), None, "{hit:?}");
    }
    // A 401 from another origin does not throw the Graph token away.
    let error = get(UrlPath::root().literal("denied"))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    get(users()).send(&client).await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "the token was kept");
}

#[tokio::test]
async fn a_failed_refresh_inside_the_margin_keeps_the_valid_token() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    // The token is valid for 30 s but always inside the 60 s margin: every call wants a refresh.
    let provider = RefreshingToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            match n {
                0 => Ok(AccessToken::expires_in("tok-1", Duration::from_secs(30))),
                _ => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Err(ClientError::Auth("identity endpoint down".into()))
                }
            }
        }
    })
    .refresh_before(Duration::from_secs(60))
    .backoff(Duration::from_secs(5), Duration::from_secs(60));
    let server = Server::start(|_| Reply::json(200, json!({}))).await;
    let client = Client::builder(provider)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    get(users()).send(&client).await.unwrap();
    // This one refreshes (and fails, slowly)…
    let refreshing = tokio::spawn({
        let client = client.clone();
        async move { get(users()).send(&client).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    // …while others with the valid token do not wait for it.
    let started = Instant::now();
    for _ in 0..5 {
        get(users()).send(&client).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    refreshing.await.unwrap().unwrap();
    // After the failure, a backoff: no fetch per request.
    for _ in 0..5 {
        get(users()).send(&client).await.unwrap();
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert!(server
        .hits()
        .iter()
        .all(|h| h.header("authorization") == Some("Bearer tok-1")));

    // Without a valid token, requests get the error, and during the backoff without a fetch.
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let failing = RefreshingToken::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Err::<AccessToken, _>(ClientError::Auth("no consent".into())) }
    });
    let client = Client::builder(failing)
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    let requests = (0..10).map(|_| get(users()).send(&client));
    for result in futures_util::future::join_all(requests).await {
        let error = result.unwrap_err();
        assert!(error.to_string().contains("no consent"), "{error}");
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
}

/// `{"ok":true,"zipped":"yes"}`, gzipped.
const GZIPPED: [u8; 46] = [
    31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 207, 86, 178, 42, 41, 42, 77, 213, 81, 170, 202,
    44, 40, 72, 77, 81, 178, 82, 170, 76, 45, 86, 170, 5, 0, 59, 182, 84, 8, 26, 0, 0, 0,
];

#[tokio::test]
async fn user_agent_request_id_and_gzip() {
    let server = Server::start(|_| Reply {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("content-encoding".into(), "gzip".into()),
        ],
        body: GZIPPED.to_vec(),
    })
    .await;
    let client = client(&server);
    let value = get(users()).send(&client).await.unwrap();
    assert_eq!(value, json!({"ok": true, "zipped": "yes"}));
    get(users()).send(&client).await.unwrap();
    let hits = server.hits();
    let agent = hits[0].header("user-agent").unwrap();
    assert_eq!(agent, graph_rt::USER_AGENT);
    assert!(agent.contains(env!("CARGO_PKG_VERSION")), "{agent}");
    assert!(hits[0].header("accept-encoding").unwrap().contains("gzip"));
    let (a, b) = (
        hits[0].header("client-request-id").unwrap(),
        hits[1].header("client-request-id").unwrap(),
    );
    assert_ne!(a, b, "one id per call");
    assert_eq!(&a[14..15], "4", "a version 4 UUID: {a}");
    // An id the caller sets is kept.
    client
        .send(get(users()).header("client-request-id", "my-id"))
        .await
        .unwrap();
    assert_eq!(server.hits()[2].header("client-request-id"), Some("my-id"));
}

#[tokio::test]
async fn an_explicit_proxy_gets_the_requests() {
    let proxy = Server::start(|hit| Reply::json(200, json!({"host": hit.header("host")}))).await;
    let client = Client::builder(StaticToken::new(SECRET))
        .root("http://graph.invalid")
        .allow_http(true)
        .proxy(&proxy.base)
        .build()
        .unwrap();
    let value = get(users()).send(&client).await.unwrap();
    assert_eq!(value, json!({"host": "graph.invalid"}));
    assert_eq!(proxy.hits()[0].path, "/v1.0/users");
    // A caller's own reqwest client is used as it is.
    let own = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("mine/1")
        .build()
        .unwrap();
    let client = Client::builder(StaticToken::new(SECRET))
        .root(&proxy.base)
        .allow_http(true)
        .http_client(own)
        .build()
        .unwrap();
    get(users()).send(&client).await.unwrap();
    assert_eq!(proxy.hits()[1].header("user-agent"), Some("mine/1"));
    // A bad root certificate is a clear error.
    let error = Client::builder(StaticToken::new(SECRET))
        .add_root_certificate(b"not a pem")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("root certificate"), "{error}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Any `Retry-After` and any error body: an error, never a panic.
    #[test]
    fn any_retry_after_header_reads_without_panic(
        value in "\\PC*",
        date in "(Mon|Sun), [0-9]{1,20} (Jan|Dec) -?[0-9]{1,25} [0-9]{1,3}:[0-9]{1,3}:[0-9]{1,20} GMT",
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
    ) {
        for v in [&value, &date] {
            let headers = [("Retry-After".to_owned(), v.clone())];
            let error = graph_rt::GraphError::from_response(429, &headers, &body);
            let _ = error.to_string();
        }
    }
}
