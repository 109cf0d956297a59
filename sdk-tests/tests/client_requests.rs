//! The generated request builders sent by the real client (`graph_rt::Client`) to a real HTTP
//! server on loopback (`graph_rt::testing::Server`): typed bodies and responses, `$select` by
//! typed properties, paging, delta and its resumption, `$batch`, and errors.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use graph_rt::testing::{Reply, Server};
use graph_rt::{Batch, Client, Field, StaticToken, ToJson, Value};
use graph_sdk::v1_0::{root, User};
use serde_json::json;

fn client(server: &Server) -> Client {
    Client::builder(StaticToken::new("secret-token"))
        .root(&server.url())
        .allow_http(true)
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn seed_create_sends_the_typed_body_and_reads_the_created_state() {
    use graph_sdk::beta::ManagedDeviceCertificateState;
    let server = Server::start(|r| {
        let mut body: Value = serde_json::from_slice(&r.body).unwrap();
        body["id"] = json!("new-id");
        Reply::json(201, &body)
    })
    .unwrap();
    let mut state = ManagedDeviceCertificateState::default();
    state.certificate_subject_name_format.clear();
    state.certificate_issuer.set("Contoso CA".to_owned());
    let request = graph_sdk::beta::root()
        .device_management()
        .device_configurations()
        .item("cfg 1")
        .ios_scep_certificate_profile()
        .managed_device_certificate_states()
        .create(&state);
    let created = runtime().block_on(client(&server).send(request)).unwrap();
    assert_eq!(created.id.value().map(String::as_str), Some("new-id"));
    assert_eq!(
        created.certificate_issuer.value().map(String::as_str),
        Some("Contoso CA")
    );
    let got = &server.received()[0];
    assert_eq!(got.method, "POST");
    assert_eq!(
        got.target,
        "/beta/deviceManagement/deviceConfigurations/cfg%201/microsoft.graph.iosScepCertificateProfile/managedDeviceCertificateStates"
    );
    assert_eq!(got.header("authorization"), Some("Bearer secret-token"));
    let sent: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(sent, state.to_json().unwrap());
    assert_eq!(
        sent,
        json!({"certificateSubjectNameFormat": null, "certificateIssuer": "Contoso CA"})
    );
}

#[test]
fn list_selects_typed_properties_and_follows_next_links() {
    let base = Arc::new(std::sync::Mutex::new(String::new()));
    let link = base.clone();
    let server = Server::start(move |r| {
        let next = format!("{}/v1.0/users?$skiptoken=2", link.lock().unwrap());
        if r.target.contains("skiptoken") {
            Reply::json(200, &json!({"value": [{"id": "3", "displayName": "C"}]}))
        } else {
            Reply::json(
                200,
                &json!({"value": [{"id": "1", "displayName": "A"}, {"id": "2"}], "@odata.nextLink": next}),
            )
        }
    })
    .unwrap();
    *base.lock().unwrap() = server.url();
    let request = root()
        .users()
        .list()
        .select([User::ID, User::DISPLAY_NAME])
        .filter("startswith(displayName,'A B')")
        .top(2)
        .consistency_level_eventual();
    let users = runtime().block_on(client(&server).all(request)).unwrap();
    let names: Vec<Option<&str>> = users
        .iter()
        .map(|u| u.display_name.value().map(String::as_str))
        .collect();
    assert_eq!(names, [Some("A"), None, Some("C")]);
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].target,
        "/v1.0/users?$select=id,displayName&$filter=startswith(displayName,%27A%20B%27)&$top=2"
    );
    assert_eq!(got[0].header("consistencylevel"), Some("eventual"));
    assert_eq!(got[1].target, "/v1.0/users?$skiptoken=2");
}

#[test]
fn delta_returns_items_and_the_link_to_resume_from() {
    let base = Arc::new(std::sync::Mutex::new(String::new()));
    let link = base.clone();
    let server = Server::start(move |r| {
        let url = link.lock().unwrap().clone();
        if r.target.contains("deltatoken=2") {
            Reply::json(200, &json!({"value": [], "@odata.deltaLink": format!("{url}/v1.0/users/delta?$deltatoken=3")}))
        } else if r.target.contains("skiptoken") {
            Reply::json(200, &json!({"value": [{"id": "2", "@removed": {"reason": "changed"}}],
                "@odata.deltaLink": format!("{url}/v1.0/users/delta?$deltatoken=2")}))
        } else {
            Reply::json(200, &json!({"value": [{"id": "1"}],
                "@odata.nextLink": format!("{url}/v1.0/users/delta?$skiptoken=1")}))
        }
    })
    .unwrap();
    *base.lock().unwrap() = server.url();
    let client = client(&server);
    let rt = runtime();
    let first = rt
        .block_on(client.delta(root().users().delta().select([User::ID])))
        .unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(first.items[1]
        .additional_properties
        .contains_key("@removed"));
    assert!(first.delta_link.ends_with("$deltatoken=2"));
    // Later: resume from the stored link.
    let later = rt
        .block_on(client.delta(root().users().delta().at_link(&first.delta_link)))
        .unwrap();
    assert!(later.items.is_empty());
    assert!(later.delta_link.ends_with("$deltatoken=3"));
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1.0/users/delta?$select=id",
            "/v1.0/users/delta?$skiptoken=1",
            "/v1.0/users/delta?$deltatoken=2"
        ]
    );
}

#[test]
fn batch_of_typed_requests_reads_each_response_as_its_type() {
    let server = Server::start(|r| {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        let responses: Vec<Value> = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .map(|q| {
                let id = q["id"].clone();
                if q["method"] == "DELETE" {
                    json!({"id": id, "status": 404, "body": {"error": {"code": "Request_ResourceNotFound", "message": "gone"}}})
                } else {
                    json!({"id": id, "status": 200, "body": {"id": q["url"], "displayName": "X"}})
                }
            })
            .collect();
        Reply::json(200, &json!({ "responses": responses }))
    })
    .unwrap();
    let mut batch = Batch::new();
    let get = batch.add(root().users().item("u1").get().select([User::DISPLAY_NAME]));
    let delete = batch.add(root().users().item("u2").delete());
    let mut responses = runtime()
        .block_on(client(&server).send_batch(batch))
        .unwrap();
    let user = responses.take(get).unwrap();
    assert_eq!(
        user.id.value().map(String::as_str),
        Some("/users/u1?$select=displayName")
    );
    let error = responses.take(delete).unwrap_err().to_string();
    assert!(
        error.contains("404")
            && error.contains("Request_ResourceNotFound")
            && error.contains("gone"),
        "{error}"
    );
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].target, "/v1.0/$batch");
}

#[test]
fn graph_errors_say_what_went_wrong() {
    let server = Server::start(|_| Reply {
        status: 403,
        headers: vec![("request-id".into(), "req-1".into())],
        body: br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"req-1","date":"2021-07-01T00:00:00"}}}"#.to_vec(),
    })
    .unwrap();
    let patch = User {
        display_name: Field::Value("New".into()),
        ..User::default()
    };
    let error = runtime()
        .block_on(client(&server).send(root().users().item("u1").update(&patch)))
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("HTTP 403"), "{text}");
    assert!(text.contains("Authorization_RequestDenied"), "{text}");
    assert!(text.contains("Insufficient privileges"), "{text}");
    assert!(text.contains("req-1"), "{text}");
    assert_eq!(server.received()[0].method, "PATCH");
    assert!(!format!("{:?}", client(&server)).contains("secret-token"));
}
