//! Proxies from the environment (`HTTP_PROXY`): its own test binary, since it sets a process
//! environment variable.

#![allow(clippy::unwrap_used)]

mod support;

use graph_rt::{decode, Client, Method, Request, StaticToken, UrlPath, Value};
use serde_json::json;
use support::{Reply, Server};

#[tokio::test]
async fn http_proxy_from_the_environment_is_used_unless_turned_off() {
    let proxy = Server::start(|hit| Reply::json(200, json!({"host": hit.header("host")}))).await;
    // Set before any client is built; this binary has no other test.
    std::env::set_var("HTTP_PROXY", &proxy.base);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let request = || {
        Request::<Value>::new(
            Method::Get,
            "v1.0",
            UrlPath::root().literal("me"),
            decode::json,
        )
    };
    let client = Client::builder(StaticToken::new("t"))
        .root("http://graph.invalid")
        .allow_http(true)
        .build()
        .unwrap();
    let answer = client.send(request()).await.unwrap();
    assert_eq!(answer, json!({"host": "graph.invalid"}));
    assert_eq!(proxy.count(), 1);

    // Turned off: the host does not resolve, and the proxy sees nothing.
    let client = Client::builder(StaticToken::new("t"))
        .root("http://graph.invalid")
        .allow_http(true)
        .proxy_from_env(false)
        .retry(graph_rt::RetryPolicy::none())
        .build()
        .unwrap();
    client.send(request()).await.unwrap_err();
    assert_eq!(proxy.count(), 1);
}
