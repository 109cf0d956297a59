//! Load test: many concurrent requests through one client against a loopback server. Asserts
//! no errors and connection reuse; prints requests per second.
//!
//! `cargo bench -p graph-rt --bench load` runs the full load (3 rounds of 20 000 GET requests,
//! 64 at a time); under `cargo test --all-targets` (no `--bench` argument) it makes a small
//! run only.

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use graph_rt::{decode, Client, Method, Request, StaticToken, UrlPath, Value};
use serde_json::json;
use support::{Reply, Server};

const CONCURRENCY: usize = 64;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (requests, rounds) = if full { (20_000, 3) } else { (640, 1) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(requests, rounds));
}

async fn run(requests: usize, rounds: usize) {
    let server = Server::start_with(false, |hit| {
        Reply::json(
            200,
            json!({"id": hit.path, "displayName": "load test user"}),
        )
    })
    .await;
    let client = Client::builder(StaticToken::new("load-test-token"))
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap();
    let mut rates = Vec::new();
    for round in 1..=rounds {
        let before = server.count();
        let started = Instant::now();
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|worker| {
                let client = client.clone();
                tokio::spawn(async move {
                    let mut errors = 0usize;
                    for i in (worker..requests).step_by(CONCURRENCY) {
                        let path = UrlPath::root().literal("users").key(&format!("user-{i}"));
                        let request: Request<Value> =
                            Request::new(Method::Get, "v1.0", path, decode::json);
                        match client.send(request).await {
                            Ok(user) if user["displayName"] == "load test user" => {}
                            Ok(other) => panic!("unexpected response {other}"),
                            Err(error) => {
                                eprintln!("request {i}: {error}");
                                errors += 1;
                            }
                        }
                    }
                    errors
                })
            })
            .collect();
        let mut errors = 0;
        for worker in workers {
            errors += worker.await.unwrap();
        }
        let elapsed = started.elapsed();
        assert_eq!(errors, 0, "requests failed");
        assert_eq!(server.count() - before, requests);
        let rate = requests as f64 / elapsed.as_secs_f64();
        rates.push(rate);
        println!(
            "round {round}: {requests} requests, concurrency {CONCURRENCY}, {:.3} s, \
             {rate:.0} requests/s, {} TCP connections accepted so far",
            elapsed.as_secs_f64(),
            server.connections()
        );
    }
    let connections = server.connections();
    assert!(
        connections <= CONCURRENCY * 2,
        "{connections} connections for {} requests: not reused",
        requests * rounds
    );
    rates.sort_by(f64::total_cmp);
    println!(
        "median {:.0} requests/s; {} requests over {connections} TCP connections",
        rates[rates.len() / 2],
        requests * rounds
    );
}
