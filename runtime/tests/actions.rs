//! Long-running actions against real HTTP servers on loopback: Graph answers `202 Accepted`
//! with a `Location`, relative to the version's root (a team's archive, read with the token)
//! or on a monitor host of another origin (a drive item's copy, read without it).

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use graph_rt::{
    decode, Accepted, ActionState, ActionWait, Client, ClientError, Method, Request, StaticToken,
    UrlPath,
};
use serde_json::json;
use support::{Reply, Server};

const SECRET: &str = "s3cr3t-token-value";

fn client(server: &Server) -> Client {
    Client::builder(StaticToken::new(SECRET))
        .root(&server.base)
        .allow_http(true)
        .build()
        .unwrap()
}

fn quick() -> ActionWait {
    ActionWait {
        first: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        timeout: Duration::from_secs(10),
    }
}

/// `POST /teams/{id}/archive`, as the generated builder makes it.
fn archive(team: &str) -> Request<Accepted> {
    Request::new(
        Method::Post,
        "v1.0",
        UrlPath::root()
            .literal("teams")
            .key(team)
            .literal("archive"),
        decode::accepted,
    )
}

#[tokio::test]
async fn archiving_a_team_is_followed_at_its_operation_until_it_succeeds() {
    let polls = Arc::new(AtomicUsize::new(0));
    let seen = polls.clone();
    let server = Server::start(move |hit| match (hit.method.as_str(), hit.path_only()) {
        ("POST", "/v1.0/teams/t1/archive") => Reply::status(202)
            .header("Location", "/teams('t1')/operations('op1')")
            .header("Retry-After", "0"),
        ("GET", "/v1.0/teams('t1')/operations('op1')") => {
            let status = if seen.fetch_add(1, Ordering::SeqCst) < 2 {
                "inProgress"
            } else {
                "succeeded"
            };
            Reply::json(
                200,
                json!({"id": "op1", "operationType": "archiveTeam", "status": status,
                    "targetResourceId": "t1", "targetResourceLocation": "/teams('t1')",
                    "error": null}),
            )
            .header("Retry-After", "0")
        }
        _ => Reply::status(404),
    })
    .await;
    let done = client(&server)
        .run_action(archive("t1"), quick())
        .await
        .unwrap();
    assert_eq!(done.state, ActionState::Succeeded);
    assert_eq!(done.resource_id.as_deref(), Some("t1"));
    assert_eq!(done.resource_location.as_deref(), Some("/teams('t1')"));
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    // Graph's own address: every call carries the token.
    let hits = server.hits();
    assert_eq!(hits.len(), 4);
    for hit in &hits {
        assert_eq!(
            hit.header("authorization"),
            Some(format!("Bearer {SECRET}").as_str())
        );
    }
}

#[tokio::test]
async fn a_copy_is_followed_on_its_monitor_host_without_the_token() {
    let monitor = Server::start({
        let polls = AtomicUsize::new(0);
        move |hit| {
            if hit.path_only() != "/monitor/4A3407B5" {
                return Reply::status(404);
            }
            if polls.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::json(
                    202,
                    json!({"operation": "ItemCopy", "percentageComplete": 27.8,
                        "status": "inProgress"}),
                )
            } else {
                Reply::json(
                    202,
                    json!({"percentageComplete": 100.0,
                        "resourceId": "01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM",
                        "status": "completed"}),
                )
            }
        }
    })
    .await;
    let location = format!("{}/monitor/4A3407B5", monitor.base);
    let graph = Server::start(move |hit| match hit.path_only() {
        "/v1.0/me/drive/items/f1/copy" => Reply::status(202).header("Location", &location),
        _ => Reply::status(404),
    })
    .await;
    let copy = Request::<Accepted>::new(
        Method::Post,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("drive")
            .literal("items")
            .key("f1")
            .literal("copy"),
        decode::accepted,
    )
    .json_body(&json!({"name": "Copy of LargeFolder1"}));
    let client = client(&graph);
    let accepted = client.send(copy).await.unwrap();
    // One report, then wait for the end.
    let first = client.action_status(&accepted, "v1.0").await.unwrap();
    assert_eq!(first.state, ActionState::Running);
    assert_eq!(first.percentage_complete, Some(27.8));
    let done = client
        .wait_for_action(&accepted, "v1.0", quick())
        .await
        .unwrap();
    assert_eq!(done.state, ActionState::Succeeded);
    assert_eq!(
        done.resource_id.as_deref(),
        Some("01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM")
    );
    // The monitor URL is another origin: the token never goes there.
    let hits = monitor.hits();
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.header("authorization").is_none()));
    assert!(graph.hits()[0].header("authorization").is_some());
}

#[tokio::test]
async fn an_action_that_does_not_end_in_time_is_a_timeout_and_one_without_location_invalid() {
    let server = Server::start(|_| Reply::json(200, json!({"status": "inProgress"}))).await;
    let client = client(&server);
    let accepted = Accepted {
        location: Some("/teams('t1')/operations('op1')".into()),
        ..Accepted::default()
    };
    let wait = ActionWait {
        first: Duration::from_millis(10),
        max_interval: Duration::from_millis(20),
        timeout: Duration::from_millis(200),
    };
    let error = client
        .wait_for_action(&accepted, "beta", wait)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ClientError::Timeout {
                stage: "action",
                ..
            }
        ),
        "{error}"
    );
    assert!(server.count() >= 2);
    assert_eq!(
        server.hits()[0].path_only(),
        "/beta/teams('t1')/operations('op1')"
    );
    let error = client
        .action_status(&Accepted::default(), "v1.0")
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Invalid(_)), "{error}");
}
