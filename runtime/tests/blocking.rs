//! Blocking calls against a real loopback server (run by a runtime of the test's own, on
//! other threads).

#![allow(clippy::unwrap_used)]

mod support;

use graph_rt::{
    blocking, decode, Batch, Client, Method, Page, Request, StaticToken, UrlPath, Value,
};
use serde_json::json;
use support::{Hit, Reply, Server};

fn paged(hit: &Hit) -> Reply {
    if hit.path_only() == "/v1.0/$batch" {
        let responses: Vec<Value> = hit.json()["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!({"id": r["id"], "status": 200, "body": {"url": r["url"]}}))
            .collect();
        return Reply::json(200, json!({"responses": responses}));
    }
    let page: usize = hit
        .path
        .split("$skiptoken=")
        .nth(1)
        .map_or(0, |t| t.parse().unwrap());
    let mut body = json!({"value": [{"id": page}]});
    if page < 2 {
        body["@odata.nextLink"] = json!(format!("{}/v1.0/users?$skiptoken={}", hit.base, page + 1));
    } else {
        body["@odata.deltaLink"] = json!(format!("{}/v1.0/users?$deltatoken=x", hit.base));
    }
    Reply::json(200, body)
}

fn list() -> Request<Page<Value>> {
    Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root().literal("users"),
        decode::page,
    )
}

#[test]
fn send_pages_items_delta_and_batch_block() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(Server::start(paged));
    let client = blocking::Client::new(
        Client::builder(StaticToken::new("t"))
            .root(&server.base)
            .allow_http(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    let one: Value = client
        .send(Request::<Value>::new(
            Method::Get,
            "v1.0",
            UrlPath::root().literal("users"),
            decode::json,
        ))
        .unwrap();
    assert_eq!(one["value"][0]["id"], 0);
    assert_eq!(client.all(list()).unwrap().len(), 3);
    assert_eq!(client.pages(list()).count(), 3);
    let before = server.count();
    let mut items = client.items(list());
    assert_eq!(items.next().unwrap().unwrap()["id"], 0);
    assert_eq!(server.count(), before + 1, "one page at a time");
    assert_eq!(items.count(), 2);
    let delta = client.delta(list()).unwrap();
    assert_eq!(delta.items.len(), 3);
    assert!(delta.delta_link.ends_with("$deltatoken=x"));
    let mut batch = Batch::new();
    let handle = batch.add(Request::<Value>::new(
        Method::Get,
        "v1.0",
        UrlPath::root().literal("me"),
        decode::json,
    ));
    let mut responses = client.send_batch(batch).unwrap();
    assert_eq!(responses.take(handle).unwrap()["url"], "/me");
}
