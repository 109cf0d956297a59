//! The calls a new program makes first, typed as Graph behaves (issue 10): each sent by the
//! real client to the loopback server, which answers as Graph does (a `204` for an update, a
//! `202` without a body, bytes for content, a page of mixed subtypes), and read back.

#![allow(clippy::unwrap_used)]

use graph_rt::testing::{Reply, Server};
use graph_rt::{Client, PermissionKind, StaticToken, Value};
use graph_sdk::v1_0::{root, AnyAttachment, AnyMessage, AnyMobileApp};
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

fn sent_json(server: &Server) -> Value {
    serde_json::from_slice(&server.received()[0].body).unwrap()
}

#[test]
fn a_drive_is_read_as_a_drive_not_as_the_error_example() {
    let drive = json!({"id": "b!1", "driveType": "business", "quota": {"total": 1024}});
    let server = Server::start(move |_| Reply::json(200, &drive)).unwrap();
    let c = client(&server);
    for request in [
        root().me().drive().get(),
        root().users().item("u1").drive().get(),
        root().sites().item("s1").drive().get(),
    ] {
        assert_ne!(request.expected_status(), Some(404));
        let got: graph_sdk::v1_0::Drive = runtime().block_on(c.send(request)).unwrap();
        assert_eq!(got.id.value().map(String::as_str), Some("b!1"));
        assert_eq!(got.drive_type.value().map(String::as_str), Some("business"));
    }
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1.0/me/drive",
            "/v1.0/users/u1/drive",
            "/v1.0/sites/s1/drive"
        ]
    );
}

#[test]
fn creating_a_draft_message_returns_the_message_with_its_id() {
    let server = Server::start(|r| {
        let mut body: Value = serde_json::from_slice(&r.body).unwrap();
        body["id"] = json!("AAMk-new");
        Reply::json(201, &body)
    })
    .unwrap();
    let mut message = graph_sdk::v1_0::Message::default();
    message
        .subject
        .set("Did you see last night's game?".to_owned());
    let request = root().me().messages().create(&message.into());
    let created = runtime().block_on(client(&server).send(request)).unwrap();
    let AnyMessage::Message(created) = created else {
        panic!("a message without @odata.type reads as a message")
    };
    assert_eq!(created.id.value().map(String::as_str), Some("AAMk-new"));
    assert_eq!(server.received()[0].method, "POST");
    assert_eq!(server.received()[0].target, "/v1.0/me/messages");
}

#[test]
fn a_message_reads_as_any_message_and_an_update_answered_204_is_none() {
    let server = Server::start(|r| {
        if r.method == "PATCH" {
            Reply::empty(204)
        } else {
            Reply::json(
                200,
                &json!({"@odata.type": "#microsoft.graph.eventMessage", "id": "m1", "subject": "Meet"}),
            )
        }
    })
    .unwrap();
    let c = client(&server);
    let got = runtime()
        .block_on(c.send(root().me().messages().item("m1").get()))
        .unwrap();
    assert!(
        matches!(got, AnyMessage::EventMessage(_)),
        "an eventMessage in a message path reads as its own variant: {got:?}"
    );
    let mut patch = graph_sdk::v1_0::Message::default();
    patch.is_read.set(true);
    let updated = runtime()
        .block_on(c.send(root().me().messages().item("m1").update(&patch.into())))
        .unwrap();
    assert!(updated.is_none());
}

#[test]
fn a_user_update_answered_204_is_no_representation_not_a_decode_error() {
    let server = Server::start(|_| Reply::empty(204)).unwrap();
    let mut user = graph_sdk::v1_0::User::default();
    user.display_name.set("Megan".to_owned());
    let request = root().users().item("u1").update(&user.clone());
    assert_eq!(
        request.least_privileged(PermissionKind::DelegatedWork),
        Some("User.ReadWrite")
    );
    assert_eq!(
        request.least_privileged(PermissionKind::Application),
        Some("User.ReadWrite.All")
    );
    let updated = runtime().block_on(client(&server).send(request)).unwrap();
    assert!(updated.is_none());
    assert_eq!(sent_json(&server), json!({"displayName": "Megan"}));
    // And when Graph does answer with the user, it is read.
    let server =
        Server::start(|_| Reply::json(200, &json!({"id": "u1", "displayName": "Megan"}))).unwrap();
    let request = root().users().item("u1").update(&user);
    let updated = runtime().block_on(client(&server).send(request)).unwrap();
    assert!(updated.is_some());
}

#[test]
fn mailbox_settings_alerts_and_secure_scores_are_typed() {
    let server = Server::start(|r| {
        if r.target.contains("mailboxSettings") {
            Reply::json(200, &json!({"timeZone": "UTC", "automaticRepliesSetting": {"status": "disabled"}}))
        } else if r.target.contains("alerts") {
            Reply::json(200, &json!({"value": [{"id": "a1", "title": "Suspicious sign-in", "severity": "high"}]}))
        } else {
            Reply::json(200, &json!({"value": [{"id": "s1", "currentScore": 41.5}]}))
        }
    })
    .unwrap();
    let c = client(&server);
    let settings = runtime()
        .block_on(c.send(root().users().item("u1").mailbox_settings().get()))
        .unwrap();
    assert_eq!(settings.time_zone.value().map(String::as_str), Some("UTC"));
    let alerts = runtime()
        .block_on(c.send(root().security().alerts().list()))
        .unwrap();
    assert_eq!(
        alerts.value[0].title.value().map(String::as_str),
        Some("Suspicious sign-in")
    );
    let scores = runtime()
        .block_on(c.send(root().security().secure_scores().list()))
        .unwrap();
    assert_eq!(scores.value[0].current_score.value(), Some(&41.5));
}

#[test]
fn a_page_of_mobile_apps_reads_each_subtype_as_its_own_variant_and_a_create_takes_any() {
    let server = Server::start(|r| {
        if r.method == "POST" {
            let mut body: Value = serde_json::from_slice(&r.body).unwrap();
            body["id"] = json!("new");
            Reply::json(201, &body)
        } else {
            Reply::json(
                200,
                &json!({"value": [
                    {"@odata.type": "#microsoft.graph.androidLobApp", "id": "1", "displayName": "A", "packageId": "com.a"},
                    {"@odata.type": "#microsoft.graph.iosVppApp", "id": "2", "displayName": "B"},
                    {"@odata.type": "#microsoft.graph.webApp", "id": "3", "appUrl": "https://c"},
                    {"@odata.type": "#microsoft.graph.someFutureApp", "id": "4"}
                ]}),
            )
        }
    })
    .unwrap();
    let c = client(&server);
    let page = runtime()
        .block_on(c.send(root().device_app_management().mobile_apps().list()))
        .unwrap();
    let kinds: Vec<&str> = page.value.iter().map(AnyMobileApp::type_name).collect();
    assert_eq!(
        kinds,
        [
            "microsoft.graph.androidLobApp",
            "microsoft.graph.iosVppApp",
            "microsoft.graph.webApp",
            "microsoft.graph.mobileApp"
        ]
    );
    assert!(matches!(&page.value[0], AnyMobileApp::AndroidLobApp(a)
        if a.package_id.value().map(String::as_str) == Some("com.a")));
    // The other collections of the issue read their base type's `Any…` too.
    let _: fn() -> graph_rt::Request<graph_rt::Page<graph_sdk::v1_0::AnyManagedEBook>, _, _> =
        || root().device_app_management().managed_e_books().list();
    let _: fn() -> graph_rt::Request<
        graph_rt::Page<graph_sdk::v1_0::AnyManagedDeviceMobileAppConfiguration>,
        _,
        _,
    > = || {
        root()
            .device_app_management()
            .mobile_app_configurations()
            .list()
    };
    let _: fn() -> graph_rt::Request<
        graph_rt::Page<graph_sdk::v1_0::AnyManagedAppRegistration>,
        _,
        _,
    > = || {
        root()
            .device_app_management()
            .managed_app_registrations()
            .list()
    };

    // One create for every subtype; the body carries the subtype's `@odata.type`.
    let mut web = graph_sdk::v1_0::WebApp::default();
    web.display_name.set("Portal".to_owned());
    web.app_url.set("https://portal".to_owned());
    let created = runtime()
        .block_on(
            c.send(
                root()
                    .device_app_management()
                    .mobile_apps()
                    .create(&web.into()),
            ),
        )
        .unwrap();
    assert!(matches!(created, AnyMobileApp::WebApp(_)));
    let sent: Value = serde_json::from_slice(&server.received()[1].body).unwrap();
    assert_eq!(sent["@odata.type"], json!("#microsoft.graph.webApp"));
    assert_eq!(sent["appUrl"], json!("https://portal"));
}

#[test]
fn create_upload_session_returns_the_upload_session() {
    let server = Server::start(|_| {
        Reply::json(
            200,
            &json!({"uploadUrl": "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337",
                    "expirationDateTime": "2015-01-29T09:21:55.523Z"}),
        )
    })
    .unwrap();
    let body = graph_sdk::v1_0::CreateUploadSessionBody::default();
    let request = root()
        .me()
        .drive()
        .items()
        .item("i1")
        .create_upload_session(&body);
    let session: graph_sdk::v1_0::UploadSession =
        runtime().block_on(client(&server).send(request)).unwrap();
    assert!(session
        .upload_url
        .value()
        .is_some_and(|u| u.starts_with("https://sn3302")));
}

#[test]
fn content_is_bytes_both_ways() {
    let file: Vec<u8> = vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe];
    let reply = file.clone();
    let server = Server::start(move |r| {
        if r.method == "PUT" {
            Reply::json(
                201,
                &json!({"id": "i1", "name": "report.pdf", "size": r.body.len()}),
            )
        } else {
            Reply {
                status: 200,
                headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                body: reply.clone(),
            }
        }
    })
    .unwrap();
    let c = client(&server);
    let got: Vec<u8> = runtime()
        .block_on(c.send(root().me().drive().items().item("i1").content().get()))
        .unwrap();
    assert_eq!(got, file);
    let photo: Vec<u8> = runtime()
        .block_on(c.send(root().me().photo().content().get()))
        .unwrap();
    assert_eq!(photo, file);
    let item: graph_sdk::v1_0::DriveItem = runtime()
        .block_on(c.send(root().me().drive().items().item("i1").content().put(&file)))
        .unwrap();
    assert_eq!(item.size.value(), Some(&7));
    let put = &server.received()[2];
    assert_eq!(put.method, "PUT");
    assert_eq!(put.target, "/v1.0/me/drive/items/i1/content");
    assert_eq!(put.body, file);
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
}

#[test]
fn delta_reads_pages_of_the_collection_items_with_a_delta_link() {
    let server = Server::start(|r| {
        if r.target.contains("groups") {
            Reply::json(200, &json!({"value": [{"id": "g1", "displayName": "Sales"}],
                "@odata.deltaLink": "https://graph.microsoft.com/v1.0/groups/delta?$deltatoken=x"}))
        } else {
            Reply::json(200, &json!({"value": [{"id": "f1", "name": "a.txt"}, {"id": "f2", "name": "b.txt"}],
                "@odata.deltaLink": "https://graph.microsoft.com/v1.0/me/drive/root/delta?token=y"}))
        }
    })
    .unwrap();
    let c = client(&server);
    let groups = runtime().block_on(c.send(root().groups().delta())).unwrap();
    assert_eq!(groups.value.len(), 1);
    assert!(groups.delta_link.is_some());
    let items = runtime()
        .block_on(c.send(root().me().drive().root().delta().get()))
        .unwrap();
    assert_eq!(items.value.len(), 2);
    assert!(items.delta_link.is_some());
}

#[test]
fn archiving_a_team_answers_202_and_the_location_of_its_status() {
    let server = Server::start(|_| Reply {
        status: 202,
        headers: vec![("Location".into(), "/teams('t1')/operations('op1')".into())],
        body: Vec::new(),
    })
    .unwrap();
    let request = root().teams().item("t1").archive();
    assert_eq!(request.expected_status(), Some(202));
    // The long-running action's status is at `Location`: the call returns it.
    let accepted: graph_rt::Accepted = runtime().block_on(client(&server).send(request)).unwrap();
    assert_eq!(
        accepted.location.as_deref(),
        Some("/teams('t1')/operations('op1')")
    );
    assert_eq!(server.received()[0].target, "/v1.0/teams/t1/archive");

    // What a program does with it: wait until the archive is done, reading the operation
    // (relative to the version's root) with the token.
    let server = Server::start(|r| {
        if r.target == "/v1.0/teams/t1/archive" {
            Reply {
                status: 202,
                headers: vec![
                    ("Location".into(), "/teams('t1')/operations('op1')".into()),
                    ("Retry-After".into(), "0".into()),
                ],
                body: Vec::new(),
            }
        } else {
            Reply::json(
                200,
                &json!({"id": "op1", "operationType": "archiveTeam", "status": "succeeded",
                    "targetResourceId": "t1", "targetResourceLocation": "/teams('t1')"}),
            )
        }
    })
    .unwrap();
    let wait = graph_rt::ActionWait {
        first: std::time::Duration::from_millis(10),
        ..graph_rt::ActionWait::default()
    };
    let done = runtime()
        .block_on(client(&server).run_action(root().teams().item("t1").archive(), wait))
        .unwrap();
    assert_eq!(done.state, graph_rt::ActionState::Succeeded);
    assert_eq!(done.resource_id.as_deref(), Some("t1"));
    let received = server.received();
    assert_eq!(received[1].target, "/v1.0/teams('t1')/operations('op1')");
    assert!(received[1]
        .headers
        .iter()
        .any(|(n, _)| n == "authorization"));
    assert_eq!(received.len(), 2);
}

#[test]
fn a_file_attachment_in_a_message_carries_its_odata_type() {
    let server = Server::start(|r| {
        let mut body: Value = serde_json::from_slice(&r.body).unwrap();
        body["id"] = json!("new");
        Reply::json(201, &body)
    })
    .unwrap();
    let mut file = graph_sdk::v1_0::FileAttachment::default();
    file.name.set("menu.txt".to_owned());
    file.content_bytes
        .set(graph_rt::Base64Bytes::from_bytes(b"Pizza".to_vec()));
    let mut message = graph_sdk::v1_0::Message::default();
    message.subject.set("Lunch".to_owned());
    message
        .attachments
        .set(vec![AnyAttachment::from(file.clone())]);
    runtime()
        .block_on(client(&server).send(root().me().messages().create(&message.into())))
        .unwrap();
    let sent = sent_json(&server);
    assert_eq!(
        sent["attachments"][0]["@odata.type"],
        json!("#microsoft.graph.fileAttachment")
    );
    assert_eq!(sent["attachments"][0]["name"], json!("menu.txt"));
    // A file attachment posted on its own to a message's attachments, too.
    let server = Server::start(|_| Reply::json(201, &json!({"id": "a1"}))).unwrap();
    runtime()
        .block_on(
            client(&server).send(
                root()
                    .me()
                    .messages()
                    .item("m1")
                    .attachments()
                    .create(&file.into()),
            ),
        )
        .unwrap();
    assert_eq!(
        sent_json(&server)["@odata.type"],
        json!("#microsoft.graph.fileAttachment")
    );
}

/// A file goes up to a path in the user's OneDrive with one builder chain and one call
/// (`POST /me/drive/root:/{item-path}:/createUploadSession`, which the docs show in an example
/// but do not list): a small file in one `PUT …:/content` derived from the same address, a large
/// one through the session, whose upload URL never gets the token.
#[test]
fn a_file_goes_up_to_a_path_in_one_chain_and_one_call() {
    use graph_rt::UploadSource;
    use graph_sdk::v1_0::{CreateUploadSessionBody, DriveItem};
    let upload_url = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let url_for_server = upload_url.clone();
    let server = Server::start(move |r| {
        let item = |size: usize| {
            Reply::json(
                201,
                &json!({"id": "01NEW", "name": "q3 report.pdf", "size": size}),
            )
        };
        match (r.method.as_str(), r.target.as_str()) {
            ("POST", "/v1.0/me/drive/root:/Reports/q3%20report.pdf:/createUploadSession") => {
                Reply::json(
                    200,
                    &json!({"uploadUrl": format!("{}/up/s1?tempauth=x", url_for_server.lock().unwrap()),
                            "expirationDateTime": "2030-01-01T00:00:00Z"}),
                )
            }
            ("PUT", t) if t.starts_with("/up/s1") => item(r.body.len()),
            ("PUT", t) if t.starts_with("/v1.0/me/drive/root:/Reports/q3%20report.pdf:/content") => {
                item(r.body.len())
            }
            _ => Reply::json(400, &json!({"error": {"code": "unexpected", "message": r.target}})),
        }
    })
    .unwrap();
    *upload_url.lock().unwrap() = server.url();
    let c = client(&server);
    let session = || {
        root()
            .me()
            .drive()
            .root()
            .at_path("Reports/q3 report.pdf")
            .create_upload_session(&CreateUploadSessionBody::default())
    };
    for size in [1_000, 5_000_000] {
        server.take_received();
        let item: DriveItem = runtime()
            .block_on(c.upload(session(), UploadSource::bytes(vec![7u8; size])))
            .unwrap();
        assert_eq!(item.size.value().copied(), Some(size as i64));
        let sent = server.received();
        let lines: Vec<String> = sent
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect();
        if size == 1_000 {
            assert_eq!(
                lines,
                ["PUT /v1.0/me/drive/root:/Reports/q3%20report.pdf:/content?@microsoft.graph.conflictBehavior=fail"]
            );
        } else {
            assert_eq!(
                lines,
                [
                    "POST /v1.0/me/drive/root:/Reports/q3%20report.pdf:/createUploadSession",
                    "PUT /up/s1?tempauth=x"
                ]
            );
            assert_eq!(sent[0].header("authorization"), Some("Bearer secret-token"));
            assert_eq!(
                sent[1].header("authorization"),
                None,
                "no token to the upload URL"
            );
            assert_eq!(
                sent[1].header("content-range"),
                Some("bytes 0-4999999/5000000")
            );
        }
    }
}

/// The outcomes of a submission: no outcome page names its base, the examples of
/// `educationoutcome-update.md` write each kind where an `educationOutcome` is expected
/// (inheritance from examples, `resolve::derived`), so the page reads each kind as its own
/// variant, with the inherited `lastModifiedDateTime`.
#[test]
fn a_page_of_submission_outcomes_reads_each_kind_with_what_it_inherits() {
    let server = Server::start(|_| {
        Reply::json(
            200,
            &json!({"value": [
                {"@odata.type": "#microsoft.graph.educationFeedbackOutcome", "id": "f1",
                    "lastModifiedDateTime": "2021-06-01T10:00:00Z",
                    "feedback": {"text": {"content": "Good work", "contentType": "text"}}},
                {"@odata.type": "#microsoft.graph.educationPointsOutcome", "id": "p1",
                    "lastModifiedDateTime": "2021-06-01T10:05:00Z",
                    "points": {"@odata.type": "#microsoft.graph.educationAssignmentPointsGrade",
                        "points": 15.0}}
            ]}),
        )
    })
    .unwrap();
    let request = root()
        .education()
        .classes()
        .item("c1")
        .assignments()
        .item("a1")
        .submissions()
        .item("s1")
        .outcomes()
        .list();
    let page = runtime().block_on(client(&server).send(request)).unwrap();
    use graph_sdk::v1_0::AnyEducationOutcome as Outcome;
    match &page.value[..] {
        [Outcome::EducationFeedbackOutcome(f), Outcome::EducationPointsOutcome(p)] => {
            assert!(f.last_modified_date_time.value().is_some());
            assert!(f.feedback.value().is_some());
            assert!(p.last_modified_date_time.value().is_some());
            assert_eq!(p.points.value().and_then(|g| g.points.value()), Some(&15.0));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.received()[0].target,
        "/v1.0/education/classes/c1/assignments/a1/submissions/s1/outcomes"
    );
}

/// `POST /teams` answers `202` with the operation's `Location` and the new team's
/// `Content-Location` (api/team-post.md): both are kept.
#[test]
fn creating_a_team_answers_where_the_team_will_be() {
    let server = Server::start(|_| Reply {
        status: 202,
        headers: vec![
            (
                "Location".into(),
                "/teams('dbd8de4f')/operations('3a6fdce1')".into(),
            ),
            ("Content-Location".into(), "/teams('dbd8de4f')".into()),
        ],
        body: Vec::new(),
    })
    .unwrap();
    let mut team = graph_sdk::v1_0::Team::default();
    team.display_name.set("My Sample Team".to_owned());
    let accepted = runtime()
        .block_on(client(&server).send(root().teams().create(&team)))
        .unwrap();
    assert_eq!(
        accepted.content_location.as_deref(),
        Some("/teams('dbd8de4f')")
    );
    assert_eq!(
        accepted.location.as_deref(),
        Some("/teams('dbd8de4f')/operations('3a6fdce1')")
    );
    assert_eq!(sent_json(&server)["displayName"], json!("My Sample Team"));
}

/// `POST /me/drive/items/{id}/copy` takes its parameters (`driveitem-copy.md` heads their type
/// column `Value`), answers `202` and a monitor URL on another host, which `run_action` reads
/// without the token until the copy is done.
#[test]
fn a_drive_item_copy_sends_where_and_is_followed_to_its_end_without_the_token() {
    let monitor = Server::start(|_| {
        Reply::json(
            202,
            &json!({"percentageComplete": 100.0, "resourceId": "01NEW", "status": "completed"}),
        )
    })
    .unwrap();
    let location = format!("{}/monitor/4A34", monitor.url());
    let graph = Server::start(move |_| Reply {
        status: 202,
        headers: vec![("Location".into(), location.clone())],
        body: Vec::new(),
    })
    .unwrap();
    let mut parent = graph_sdk::v1_0::ItemReference::default();
    parent.drive_id.set("d1".to_owned());
    parent.id.set("folder1".to_owned());
    let mut body = graph_sdk::v1_0::CopyBody::default();
    body.parent_reference.set(parent);
    body.name.set("plan (copy).txt".to_owned());
    let copy = root().me().drive().items().item("f1").copy(&body);
    let wait = graph_rt::ActionWait {
        first: std::time::Duration::from_millis(10),
        ..graph_rt::ActionWait::default()
    };
    let done = runtime()
        .block_on(client(&graph).run_action(copy, wait))
        .unwrap();
    assert_eq!(done.state, graph_rt::ActionState::Succeeded);
    assert_eq!(done.resource_id.as_deref(), Some("01NEW"));
    assert_eq!(
        sent_json(&graph),
        json!({"parentReference": {"driveId": "d1", "id": "folder1"}, "name": "plan (copy).txt"})
    );
    assert_eq!(graph.received()[0].target, "/v1.0/me/drive/items/f1/copy");
    let polled = monitor.received();
    assert_eq!(polled[0].target, "/monitor/4A34");
    assert!(polled[0].headers.iter().all(|(n, _)| n != "authorization"));
}
