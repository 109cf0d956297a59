//! File transfers against real HTTP servers on loopback: a Graph server that creates upload
//! sessions and serves `…/content`, an upload host (another origin) that behaves like Graph's
//! upload sessions, and a download host (another origin) that breaks connections.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_rt::{
    decode, CancelToken, Client, Field, JsonMap, Method, Model, Request, RetryPolicy, StaticToken,
    TransferError, UploadProgress, UploadSource, UrlPath, Value, UPLOAD_FRAGMENT,
};
use serde_json::json;
use support::files::{
    content_range, empty, full, header, json, pattern_body, pattern_slice, read_all, reply,
    FileServer, PatternReader, Request as HttpRequest, Response,
};

const SECRET: &str = "files-test-token";
const BEARER: &str = "Bearer files-test-token";

/// A drive item as the generated code would have it (a model: `FromJson` through `Model`).
#[derive(Clone, Default)]
struct DriveItem {
    id: Field<String>,
    name: Field<String>,
    size: Field<i64>,
    additional: JsonMap,
}

impl Model for DriveItem {
    const TYPE_NAME: &'static str = "microsoft.graph.driveItem";
    fn from_map(map: &mut JsonMap) -> Result<Self, graph_rt::Error> {
        Ok(Self {
            id: graph_rt::take(map, "id")?,
            name: graph_rt::take(map, "name")?,
            size: graph_rt::take(map, "size")?,
            additional: std::mem::take(map),
        })
    }
    fn write_map(&self, map: &mut JsonMap) -> Result<(), graph_rt::Error> {
        graph_rt::put(map, "id", &self.id)?;
        graph_rt::put(map, "name", &self.name)?;
        graph_rt::put(map, "size", &self.size)?;
        graph_rt::put_additional(map, &self.additional);
        Ok(())
    }
}
graph_rt::impl_model_json!(DriveItem);

fn client(graph: &FileServer) -> Client {
    Client::builder(StaticToken::new(SECRET))
        .root(&graph.base)
        .allow_http(true)
        .retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(50),
        })
        .build()
        .unwrap()
}

/// `POST /v1.0/me/drive/root:/{name}:/createUploadSession`.
fn session_request(name: &str) -> Request<Value> {
    let path = UrlPath::root()
        .literal("me")
        .literal("drive")
        .literal("root")
        .path_address(name)
        .literal("createUploadSession");
    Request::new(Method::Post, "v1.0", path, decode::json)
        .json_body(&json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}}))
}

/// How the upload host misbehaves; each PUT has a number (0 for the first).
#[derive(Default, Clone)]
struct Quirks {
    /// This PUT is answered `202` but its bytes are lost: the ranges still ask for them.
    lose: Option<usize>,
    /// This PUT is answered `503` (bytes discarded).
    fail: Option<usize>,
    /// After this PUT, the answer's ranges are stale (they ask for bytes from 320 KiB before
    /// the chunk just sent): the next PUT overlaps what the host has, and gets `416`.
    stale: Option<usize>,
    /// After this many PUTs, the first session expires (`404`).
    expire_after: Option<usize>,
    /// The host waits for a commit `POST` after the last byte.
    defer_commit: bool,
    /// This PUT gets no answer for 2 seconds (bytes discarded).
    stall: Option<usize>,
}

#[derive(Default)]
struct Session {
    data: Vec<u8>,
    total: Option<u64>,
    gone: bool,
    deleted: bool,
    committed: bool,
}

/// The Graph server and the upload host, sharing the sessions.
struct Upload {
    graph: FileServer,
    host: FileServer,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    quirks: Quirks,
    sessions: Mutex<Vec<Session>>,
    puts: AtomicUsize,
    /// Every exchange, in order: `create`, `PUT a-b/t 202`, `GET 200`, `DELETE 204`, …
    log: Mutex<Vec<String>>,
    /// Requests to the upload host that carried an `Authorization` header.
    authorized_at_host: AtomicUsize,
    /// Requests to Graph without the bearer token.
    unauthorized_at_graph: AtomicUsize,
    /// Bodies of simple uploads (`PUT …/content`), with their path and query.
    simple: Mutex<Vec<(String, Vec<u8>)>>,
    /// How many simple uploads are answered 503 first.
    simple_fail: AtomicUsize,
}

impl State {
    fn log(&self, line: String) {
        self.log.lock().unwrap().push(line);
    }

    fn ranges(next: u64) -> Value {
        json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{next}-")]})
    }

    async fn graph(self: Arc<Self>, host: String, request: HttpRequest) -> Response {
        if header(&request, "authorization") != Some(BEARER) {
            self.unauthorized_at_graph.fetch_add(1, Ordering::SeqCst);
            return json(
                401,
                json!({"error": {"code": "InvalidAuthenticationToken"}}),
            );
        }
        let path = request.uri().path().to_owned();
        let path_and_query = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let method = request.method().as_str().to_owned();
        if method == "POST" && path.ends_with("/createUploadSession") {
            let body: Value = serde_json::from_slice(&read_all(request).await).unwrap();
            assert_eq!(body["item"]["@microsoft.graph.conflictBehavior"], "rename");
            let mut sessions = self.sessions.lock().unwrap();
            sessions.push(Session::default());
            let id = sessions.len() - 1;
            self.log(format!("create {id}"));
            return json(
                200,
                json!({
                    "uploadUrl": format!("{host}/up/{id}?tempauth=pre-authenticated"),
                    "expirationDateTime": "2030-01-01T00:00:00Z",
                    "nextExpectedRanges": ["0-"],
                }),
            );
        }
        if method == "PUT" && path.ends_with("/content") {
            let fail = self
                .simple_fail
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            let body = read_all(request).await;
            self.log(format!("simple {} bytes", body.len()));
            if fail {
                return json(503, json!({"error": {"code": "serviceNotAvailable"}}));
            }
            let size = body.len();
            self.simple.lock().unwrap().push((path_and_query, body));
            return json(
                201,
                json!({"id": "simple-1", "name": "small.txt", "size": size}),
            );
        }
        json(
            404,
            json!({"error": {"code": "itemNotFound", "message": path}}),
        )
    }

    async fn host(self: Arc<Self>, request: HttpRequest) -> Response {
        if request.headers().contains_key("authorization") {
            self.authorized_at_host.fetch_add(1, Ordering::SeqCst);
            return json(401, json!({"error": {"code": "unauthenticated"}}));
        }
        assert_eq!(request.uri().query(), Some("tempauth=pre-authenticated"));
        let Some(id) = request
            .uri()
            .path()
            .strip_prefix("/up/")
            .and_then(|id| id.parse::<usize>().ok())
        else {
            return reply(400, empty());
        };
        let method = request.method().as_str().to_owned();
        let range = header(&request, "content-range").map(str::to_owned);
        let body = read_all(request).await;
        if method == "PUT" && self.quirks.stall.is_some() {
            let stalled = self
                .puts
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (Some(n) == self.quirks.stall).then_some(n + 1)
                })
                .is_ok();
            if stalled {
                let (first, last, total) = range.as_deref().and_then(content_range).unwrap();
                self.log(format!("PUT {id} {first}-{last}/{total} 0"));
                tokio::time::sleep(Duration::from_secs(2)).await;
                return json(503, json!({}));
            }
        }
        let mut sessions = self.sessions.lock().unwrap();
        let Some(session) = sessions.get_mut(id) else {
            return reply(404, empty());
        };
        if session.gone || session.deleted {
            self.log(format!("{method} {id} 404"));
            return json(404, json!({"error": {"code": "itemNotFound"}}));
        }
        let next = session.data.len() as u64;
        match method.as_str() {
            "GET" => {
                self.log(format!("GET {id} 200"));
                json(200, Self::ranges(next))
            }
            "DELETE" => {
                session.deleted = true;
                self.log(format!("DELETE {id} 204"));
                reply(204, empty())
            }
            "POST" => {
                let total = session.total.unwrap_or(0);
                if !self.quirks.defer_commit || next != total {
                    return reply(400, empty());
                }
                session.committed = true;
                self.log(format!("commit {id} 201"));
                json(
                    201,
                    json!({"id": "item-1", "name": "big.bin", "size": total}),
                )
            }
            "PUT" => {
                let n = self.puts.fetch_add(1, Ordering::SeqCst);
                let Some((first, last, total)) = range.as_deref().and_then(content_range) else {
                    return reply(400, empty());
                };
                let line = |status: u16| format!("PUT {id} {first}-{last}/{total} {status}");
                if session.total.is_some_and(|t| t != total)
                    || body.len() as u64 != last - first + 1
                    || (last + 1 != total && !(body.len() as u64).is_multiple_of(UPLOAD_FRAGMENT))
                {
                    self.log(line(400));
                    return reply(400, empty());
                }
                session.total = Some(total);
                if first < next {
                    self.log(line(416));
                    return json(416, json!({"error": {"code": "invalidRange"}}));
                }
                if first > next {
                    self.log(line(400));
                    return json(400, json!({"error": {"code": "invalidRange"}}));
                }
                if self.quirks.fail == Some(n) {
                    self.log(line(503));
                    return json(503, json!({"error": {"code": "serviceNotAvailable"}}));
                }
                if self.quirks.lose == Some(n) {
                    self.log(line(202));
                    return json(202, Self::ranges(next));
                }
                session.data.extend_from_slice(&body);
                if self.quirks.expire_after == Some(n + 1) && id == 0 {
                    session.gone = true;
                }
                let next = session.data.len() as u64;
                if next == total && !self.quirks.defer_commit {
                    self.log(line(201));
                    return json(
                        201,
                        json!({"id": "item-1", "name": "big.bin", "size": total}),
                    );
                }
                self.log(line(202));
                if self.quirks.stale == Some(n) {
                    return json(202, Self::ranges(first.saturating_sub(UPLOAD_FRAGMENT)));
                }
                if next == total {
                    return json(202, json!({"nextExpectedRanges": []}));
                }
                json(202, Self::ranges(next))
            }
            _ => reply(405, empty()),
        }
    }
}

impl Upload {
    async fn start(quirks: Quirks) -> Self {
        let state = Arc::new(State {
            quirks,
            ..State::default()
        });
        let for_host = state.clone();
        let host = FileServer::start(move |request| for_host.clone().host(request)).await;
        let for_graph = state.clone();
        let host_base = host.base.clone();
        let graph =
            FileServer::start(move |request| for_graph.clone().graph(host_base.clone(), request))
                .await;
        Self { graph, host, state }
    }

    fn log(&self) -> Vec<String> {
        self.state.log.lock().unwrap().clone()
    }

    fn data(&self, id: usize) -> Vec<u8> {
        self.state.sessions.lock().unwrap()[id].data.clone()
    }

    fn no_token_at_host(&self) {
        assert_eq!(self.state.authorized_at_host.load(Ordering::SeqCst), 0);
        assert_eq!(self.state.unauthorized_at_graph.load(Ordering::SeqCst), 0);
    }
}

const CHUNK: u64 = 2 * UPLOAD_FRAGMENT;

#[tokio::test]
async fn upload_session_survives_lost_failed_and_overlapping_chunks() {
    let upload = Upload::start(Quirks {
        lose: Some(1),
        fail: Some(3),
        stale: Some(4),
        ..Quirks::default()
    })
    .await;
    let client = client(&upload.graph);
    // 5 chunks of 640 KiB and a short one.
    let total = 5 * CHUNK + 1000;
    let progress = Arc::new(Mutex::new(Vec::<UploadProgress>::new()));
    let seen = progress.clone();
    let item: DriveItem = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK)
        .on_progress(move |p| seen.lock().unwrap().push(p))
        .send()
        .await
        .unwrap();
    assert_eq!(item.id.value().map(String::as_str), Some("item-1"));
    assert_eq!(item.size.value().copied(), Some(total as i64));
    assert_eq!(upload.data(0), pattern_slice(0, total as usize));
    let c = |i: u64| i * CHUNK;
    let range = |i: u64, end: u64| format!("{}-{}/{total}", c(i), end - 1);
    assert_eq!(
        upload.log(),
        vec![
            "create 0".to_owned(),
            format!("PUT 0 {} 202", range(0, c(1))),
            // Lost: the ranges ask for it again.
            format!("PUT 0 {} 202", range(1, c(2))),
            format!("PUT 0 {} 202", range(1, c(2))),
            // 503: back off, ask the status, send it again.
            format!("PUT 0 {} 503", range(2, c(3))),
            "GET 0 200".to_owned(),
            format!("PUT 0 {} 202", range(2, c(3))),
            // Stale ranges: the next PUT overlaps, 416, the status says where to go on.
            format!(
                "PUT 0 {}-{}/{total} 416",
                c(2) - UPLOAD_FRAGMENT,
                c(3) - UPLOAD_FRAGMENT - 1
            ),
            "GET 0 200".to_owned(),
            format!("PUT 0 {} 202", range(3, c(4))),
            format!("PUT 0 {} 202", range(4, c(5))),
            format!("PUT 0 {} 201", range(5, total)),
        ]
    );
    upload.no_token_at_host();
    let progress = progress.lock().unwrap().clone();
    assert!(progress.windows(2).all(|w| w[0].uploaded <= w[1].uploaded));
    assert_eq!(
        progress.last(),
        Some(&UploadProgress {
            uploaded: total,
            total
        })
    );
    assert_eq!(
        progress.first(),
        Some(&UploadProgress {
            uploaded: c(1),
            total
        })
    );
}

#[tokio::test]
async fn an_expired_session_is_created_again() {
    let upload = Upload::start(Quirks {
        expire_after: Some(2),
        ..Quirks::default()
    })
    .await;
    let client = client(&upload.graph);
    let total = 3 * CHUNK;
    let sessions = Arc::new(AtomicUsize::new(0));
    let counted = sessions.clone();
    let item: Value = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK)
        .on_session(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
        })
        .send()
        .await
        .unwrap();
    assert_eq!(item["size"], total);
    let log = upload.log();
    assert_eq!(log[3], "PUT 0 404");
    assert_eq!(log[4], "create 1");
    assert_eq!(upload.data(1), pattern_slice(0, total as usize));
    assert_eq!(sessions.load(Ordering::SeqCst), 2);
    upload.no_token_at_host();
}

#[tokio::test]
async fn a_saved_session_resumes_where_the_service_says_even_from_a_stream() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    let total = 4 * CHUNK + 7;
    // A first upload sends two chunks, saves the session URL, and is cancelled.
    let saved = Arc::new(Mutex::new(String::new()));
    let keep = saved.clone();
    let cancel = CancelToken::new();
    let stop = cancel.clone();
    let first = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK)
        .on_session(move |session| *keep.lock().unwrap() = session.upload_url.clone())
        .on_progress(move |p| {
            if p.uploaded >= 2 * CHUNK {
                // Cancelled after two chunks: the task deletes the session.
                stop.cancel();
            }
        })
        .cancel_with(cancel)
        .send::<Value>()
        .await;
    // Cancelling deletes the session: resuming it then fails as expired.
    assert!(matches!(
        first,
        Err(TransferError::Cancelled {
            session_deleted: true
        })
    ));
    let url = saved.lock().unwrap().clone();
    assert!(url.starts_with(&upload.host.base));
    let resumed = client
        .resume_upload(&url, UploadSource::bytes(pattern_slice(0, total as usize)))
        .send::<Value>()
        .await;
    assert!(
        matches!(resumed, Err(TransferError::SessionExpired)),
        "{resumed:?}"
    );

    // A session that is still alive, with two chunks in: resumed from a stream that starts at
    // byte 0, the task skips what the service has.
    {
        let mut sessions = upload.state.sessions.lock().unwrap();
        sessions.push(Session {
            data: pattern_slice(0, 2 * CHUNK as usize),
            total: Some(total),
            ..Session::default()
        });
    }
    let url = format!("{}/up/1?tempauth=pre-authenticated", upload.host.base);
    let item: DriveItem = client
        .resume_upload(&url, UploadSource::reader(PatternReader::new(total), total))
        .chunk_size(CHUNK)
        .send()
        .await
        .unwrap();
    assert_eq!(item.size.value().copied(), Some(total as i64));
    assert_eq!(upload.data(1), pattern_slice(0, total as usize));
    let log = upload.log();
    let tail: Vec<_> = log.iter().rev().take(4).rev().cloned().collect();
    assert_eq!(
        tail,
        vec![
            "GET 1 200".to_owned(),
            format!("PUT 1 {}-{}/{total} 202", 2 * CHUNK, 3 * CHUNK - 1),
            format!("PUT 1 {}-{}/{total} 202", 3 * CHUNK, 4 * CHUNK - 1),
            format!("PUT 1 {}-{}/{total} 201", 4 * CHUNK, total - 1),
        ]
    );
    upload.no_token_at_host();
}

#[tokio::test]
async fn cancelling_deletes_the_session() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    let total = 4 * CHUNK;
    let task = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK);
    let cancel = task.cancel_token();
    let task = task.on_progress(move |p| {
        if p.uploaded == CHUNK {
            cancel.cancel();
        }
    });
    let result = task.send::<Value>().await;
    assert!(
        matches!(
            result,
            Err(TransferError::Cancelled {
                session_deleted: true
            })
        ),
        "{result:?}"
    );
    assert_eq!(
        upload.log(),
        vec![
            "create 0".to_owned(),
            format!("PUT 0 0-{}/{total} 202", CHUNK - 1),
            "DELETE 0 204".to_owned(),
        ]
    );
    upload.no_token_at_host();
}

#[tokio::test]
async fn a_stream_cannot_go_back_before_its_chunk() {
    let upload = Upload::start(Quirks {
        stale: Some(1),
        ..Quirks::default()
    })
    .await;
    let client = client(&upload.graph);
    let total = 4 * CHUNK;
    let result = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::reader(PatternReader::new(total), total),
        )
        .chunk_size(CHUNK)
        .send::<Value>()
        .await;
    // After the second chunk the ranges ask for bytes before it: a stream has passed them.
    assert!(
        matches!(result, Err(TransferError::NotRewindable { offset })
            if offset == CHUNK - UPLOAD_FRAGMENT),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_deferred_commit_is_committed() {
    let upload = Upload::start(Quirks {
        defer_commit: true,
        ..Quirks::default()
    })
    .await;
    let client = client(&upload.graph);
    let total = CHUNK + 5;
    let item: DriveItem = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK)
        .send()
        .await
        .unwrap();
    assert_eq!(item.name.value().map(String::as_str), Some("big.bin"));
    assert_eq!(
        upload.log().last().map(String::as_str),
        Some("commit 0 201")
    );
}

#[tokio::test]
async fn chunk_sizes_graph_refuses_are_refused() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    for size in [0, 1_000_000, 5 * 1024 * 1024 + 1, 192 * UPLOAD_FRAGMENT] {
        let result = client
            .upload_session(
                session_request("big.bin"),
                UploadSource::bytes(vec![1u8; 10]),
            )
            .chunk_size(size)
            .send::<Value>()
            .await;
        assert!(
            matches!(result, Err(TransferError::Invalid(_))),
            "{size}: {result:?}"
        );
    }
    let empty_file = client
        .upload_session(session_request("big.bin"), UploadSource::bytes(Vec::new()))
        .send::<Value>()
        .await;
    assert!(matches!(empty_file, Err(TransferError::Invalid(_))));
    assert!(upload.log().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn small_files_go_in_one_put_and_large_ones_through_a_session() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    let small = pattern_slice(0, 3000);
    let item: DriveItem = client
        .upload(
            session_request("small.txt"),
            UploadSource::bytes(small.clone()),
        )
        .await
        .unwrap();
    assert_eq!(item.id.value().map(String::as_str), Some("simple-1"));
    {
        let simple = upload.state.simple.lock().unwrap();
        assert_eq!(
            simple[0].0,
            "/v1.0/me/drive/root:/small.txt:/content?@microsoft.graph.conflictBehavior=rename"
        );
        assert_eq!(simple[0].1, small);
    }
    // Above the simple-upload limit: a session (default chunk size, 10 MiB).
    let total = 4_000_001u64;
    let item: DriveItem = client
        .upload(
            session_request("big.bin"),
            UploadSource::reader(PatternReader::new(total), total),
        )
        .await
        .unwrap();
    assert_eq!(item.size.value().copied(), Some(total as i64));
    assert_eq!(
        upload.log()[1..],
        [
            "create 0".to_owned(),
            format!("PUT 0 0-{}/{total} 201", total - 1)
        ]
    );
    upload.no_token_at_host();
}

#[tokio::test]
async fn a_simple_upload_is_retried_only_when_its_source_can_seek() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    let content = Request::<DriveItem>::new(
        Method::Put,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("drive")
            .literal("items")
            .key("01ABC")
            .literal("content"),
        decode::json,
    );
    upload.state.simple_fail.store(1, Ordering::SeqCst);
    let item = client
        .put_content(
            content.clone(),
            UploadSource::bytes(pattern_slice(0, 200_000)),
        )
        .await
        .unwrap();
    assert_eq!(item.size.value().copied(), Some(200_000));
    assert_eq!(
        upload.log(),
        vec!["simple 200000 bytes", "simple 200000 bytes"]
    );

    upload.state.simple_fail.store(1, Ordering::SeqCst);
    let result = client
        .put_content(
            content.clone(),
            UploadSource::reader(PatternReader::new(200_000), 200_000),
        )
        .await;
    assert_eq!(
        result.as_ref().err().and_then(TransferError::status),
        Some(503)
    );
    assert_eq!(upload.log().len(), 3, "a stream is sent once");

    let too_big = client
        .put_content(
            content,
            UploadSource::reader(PatternReader::new(5_000_000), 5_000_000),
        )
        .await;
    assert!(matches!(too_big, Err(TransferError::Invalid(_))));
}

#[tokio::test]
async fn files_on_disk_go_up_and_come_down() {
    let upload = Upload::start(Quirks::default()).await;
    let client = client(&upload.graph);
    let dir = std::env::temp_dir().join(format!("graph-rt-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("up.bin");
    let total = 3 * CHUNK + 11;
    std::fs::write(&path, pattern_slice(0, total as usize)).unwrap();
    let item: DriveItem = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::file(&path).await.unwrap(),
        )
        .chunk_size(CHUNK)
        .send()
        .await
        .unwrap();
    assert_eq!(item.size.value().copied(), Some(total as i64));
    assert_eq!(upload.data(0), pattern_slice(0, total as usize));

    let downloads = Downloads::start(DownloadQuirks::default(), total).await;
    let copy = dir.join("down.bin");
    let written = client_for(&downloads)
        .download_to_file(&content_request(), &copy)
        .await
        .unwrap();
    assert_eq!(written, total);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        pattern_slice(0, total as usize)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// Downloads.

#[derive(Default, Clone, Copy)]
struct DownloadQuirks {
    /// Serve the content from Graph itself (no redirect), as `$value` and reports do.
    no_redirect: bool,
    /// Break the first response off after this many bytes.
    break_at: Option<u64>,
    /// Answer `Range` requests with the whole file (200).
    ignore_range: bool,
}

struct Downloads {
    graph: FileServer,
    host: FileServer,
    log: Arc<Mutex<Vec<String>>>,
    authorized_at_host: Arc<AtomicUsize>,
}

/// Serves the pattern's `total` bytes: breaks the first response off, answers `Range`.
async fn serve_content(
    request: HttpRequest,
    total: u64,
    quirks: DownloadQuirks,
    who: &str,
    log: &Mutex<Vec<String>>,
) -> Response {
    let range = header(&request, "range").map(str::to_owned);
    let first = log.lock().unwrap().iter().all(|l| !l.starts_with(who));
    log.lock()
        .unwrap()
        .push(format!("{who} {}", range.as_deref().unwrap_or("-")));
    let start = match range.as_deref().and_then(|r| r.strip_prefix("bytes=")) {
        Some(r) if !quirks.ignore_range => r.trim_end_matches('-').parse::<u64>().unwrap(),
        _ => 0,
    };
    let break_at = quirks.break_at.filter(|_| first);
    let mut response = hyper::Response::builder()
        .header("content-type", "application/octet-stream")
        .header("content-length", (total - start).to_string());
    response = if start > 0 {
        response.status(206).header(
            "content-range",
            format!("bytes {start}-{}/{total}", total - 1),
        )
    } else {
        response.status(200)
    };
    response.body(pattern_body(start, total, break_at)).unwrap()
}

impl Downloads {
    async fn start(quirks: DownloadQuirks, total: u64) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let authorized_at_host = Arc::new(AtomicUsize::new(0));
        let (host_log, host_auth) = (log.clone(), authorized_at_host.clone());
        let host = FileServer::start(move |request| {
            let (log, auth) = (host_log.clone(), host_auth.clone());
            async move {
                if request.headers().contains_key("authorization") {
                    auth.fetch_add(1, Ordering::SeqCst);
                }
                assert_eq!(request.uri().query(), Some("tempauth=download"));
                serve_content(request, total, quirks, "host", &log).await
            }
        })
        .await;
        let graph_log = log.clone();
        let host_base = host.base.clone();
        let graph = FileServer::start(move |request| {
            let log = graph_log.clone();
            let host_base = host_base.clone();
            async move {
                if header(&request, "authorization") != Some(BEARER) {
                    return json(401, json!({}));
                }
                if quirks.no_redirect {
                    return serve_content(request, total, quirks, "graph", &log).await;
                }
                log.lock().unwrap().push("graph 302".into());
                hyper::Response::builder()
                    .status(302)
                    .header(
                        "location",
                        format!("{host_base}/download/x?tempauth=download"),
                    )
                    .body(full(""))
                    .unwrap()
            }
        })
        .await;
        Self {
            graph,
            host,
            log,
            authorized_at_host,
        }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn client_for(downloads: &Downloads) -> Client {
    client(&downloads.graph)
}

/// `line` is a `Range` request from a byte after the start and at most `broken_at` (bytes
/// in flight when the connection broke are lost with it).
fn assert_resumed_from(line: &str, who: &str, broken_at: u64) {
    let from: u64 = line
        .strip_prefix(&format!("{who} bytes="))
        .and_then(|rest| rest.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a resumption: {line}"));
    assert!(from > 0 && from <= broken_at, "{line}");
}

fn content_request() -> Request<Vec<u8>> {
    Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("drive")
            .literal("items")
            .key("01ABC")
            .literal("content"),
        decode::bytes,
    )
}

#[tokio::test]
async fn a_download_follows_the_redirect_without_the_token_and_resumes_with_range() {
    let total = 3_000_000;
    let downloads = Downloads::start(
        DownloadQuirks {
            break_at: Some(1_234_567),
            ..DownloadQuirks::default()
        },
        total,
    )
    .await;
    let client = client_for(&downloads);
    let download = client.download(&content_request()).await.unwrap();
    assert_eq!(download.content_length(), Some(total));
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    let mut out = Vec::new();
    let written = download.write_to(&mut out).await.unwrap();
    assert_eq!(written, total);
    assert!(out == pattern_slice(0, total as usize), "the bytes differ");
    let log = downloads.log();
    assert_eq!(log[..2], ["graph 302", "host -"]);
    assert_resumed_from(&log[2], "host", 1_234_567);
    assert_eq!(log.len(), 3);
    assert_eq!(downloads.authorized_at_host.load(Ordering::SeqCst), 0);
    assert_ne!(downloads.graph.base, downloads.host.base);

    // The same from the item's `@microsoft.graph.downloadUrl`: no token, no Graph.
    let url = format!("{}/download/x?tempauth=download", downloads.host.base);
    let mut out = Vec::new();
    let written = client
        .download_url(&url)
        .await
        .unwrap()
        .write_to(&mut out)
        .await
        .unwrap();
    assert_eq!(written, total);
    assert!(out == pattern_slice(0, total as usize), "the bytes differ");
    assert_eq!(downloads.log()[3], "host -");
    assert_eq!(downloads.log().len(), 4, "not broken the second time");
    assert_eq!(downloads.authorized_at_host.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_server_that_ignores_range_is_read_past_what_came() {
    let total = 1_000_000;
    let downloads = Downloads::start(
        DownloadQuirks {
            break_at: Some(300_001),
            ignore_range: true,
            ..DownloadQuirks::default()
        },
        total,
    )
    .await;
    let mut out = Vec::new();
    let written = client_for(&downloads)
        .download_to(&content_request(), &mut out)
        .await
        .unwrap();
    assert_eq!(written, total);
    assert!(out == pattern_slice(0, total as usize), "the bytes differ");
    let log = downloads.log();
    assert_eq!(log[..2], ["graph 302", "host -"]);
    assert_resumed_from(&log[2], "host", 300_001);
    assert_eq!(log.len(), 3);
}

#[tokio::test]
async fn content_served_by_graph_resumes_with_the_token() {
    let total = 700_000;
    let downloads = Downloads::start(
        DownloadQuirks {
            no_redirect: true,
            break_at: Some(65_536),
            ..DownloadQuirks::default()
        },
        total,
    )
    .await;
    let client = client_for(&downloads);
    let download = client.download(&content_request()).await.unwrap();
    let mut stream = std::pin::pin!(download.into_stream());
    let mut out = Vec::new();
    while let Some(bytes) = futures_util::TryStreamExt::try_next(&mut stream)
        .await
        .unwrap()
    {
        out.extend_from_slice(&bytes);
    }
    assert!(out == pattern_slice(0, total as usize), "the bytes differ");
    let log = downloads.log();
    assert_eq!(log[0], "graph -");
    assert_resumed_from(&log[1], "graph", 65_536);
    assert_eq!(log.len(), 2);
    assert_eq!(downloads.host.connections(), 0);
}

#[tokio::test]
async fn a_download_that_keeps_breaking_gives_up() {
    let total = 500_000;
    let downloads = Downloads::start(
        DownloadQuirks {
            break_at: Some(1000),
            ignore_range: true,
            ..DownloadQuirks::default()
        },
        total,
    )
    .await;
    // Every response breaks off (the quirk applies to each first response per name: make it
    // permanent by serving from a host that always breaks).
    // The first response breaks after 1000 bytes; every later one before its head is out (the
    // request itself fails, an error that would name the URL).
    let served = Arc::new(AtomicUsize::new(0));
    let always = FileServer::start(move |_request| {
        let first = served.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            let body = if first {
                pattern_body(0, 500_000, Some(1000))
            } else {
                let broken = futures_util::stream::once(async {
                    Err::<hyper::body::Frame<bytes::Bytes>, _>(std::io::Error::other("dropped"))
                });
                http_body_util::BodyExt::boxed(http_body_util::StreamBody::new(broken))
            };
            hyper::Response::builder()
                .status(200)
                .header("content-length", "500000")
                .body(body)
                .unwrap()
        }
    })
    .await;
    let graph = FileServer::start({
        let base = always.base.clone();
        move |_request| {
            let base = base.clone();
            async move {
                hyper::Response::builder()
                    .status(302)
                    .header("location", format!("{base}/x?tempauth=secret-download"))
                    .body(full(""))
                    .unwrap()
            }
        }
    })
    .await;
    let result = client(&graph)
        .download(&content_request())
        .await
        .unwrap()
        .max_failures(2)
        .write_to(&mut tokio::io::sink())
        .await;
    assert!(
        matches!(result, Err(TransferError::Client(_))),
        "{result:?}"
    );
    let shown = format!("{} {:?}", result.as_ref().unwrap_err(), result);
    assert!(
        !shown.contains("secret-download"),
        "the download URL is a secret: {shown}"
    );
    // The first response and two resumptions.
    assert_eq!(always.connections(), 3);
    drop(downloads);
}

#[tokio::test]
async fn an_outlook_attachment_session_ends_with_its_location() {
    // Outlook's flavour: `200` with PascalCase ranges that give a start only, then `201` with a
    // `Location` and no body.
    let received = Arc::new(Mutex::new(Vec::<u8>::new()));
    let authorized = Arc::new(AtomicUsize::new(0));
    let (data, auth) = (received.clone(), authorized.clone());
    let host = FileServer::start(move |request| {
        let (data, auth) = (data.clone(), auth.clone());
        async move {
            if request.headers().contains_key("authorization") {
                auth.fetch_add(1, Ordering::SeqCst);
            }
            let (first, _, total) = header(&request, "content-range")
                .and_then(content_range)
                .unwrap();
            let body = read_all(request).await;
            let mut data = data.lock().unwrap();
            assert_eq!(first, data.len() as u64);
            data.extend_from_slice(&body);
            if data.len() as u64 == total {
                return hyper::Response::builder()
                    .status(201)
                    .header(
                        "location",
                        "https://outlook.example/Attachments('AAMkADI5')",
                    )
                    .body(empty())
                    .unwrap();
            }
            json(
                200,
                json!({"ExpirationDateTime": "2030-01-01T00:00:00Z",
                       "NextExpectedRanges": [data.len().to_string()]}),
            )
        }
    })
    .await;
    let host_base = host.base.clone();
    let graph = FileServer::start(move |request| {
        let host_base = host_base.clone();
        async move {
            assert_eq!(header(&request, "authorization"), Some(BEARER));
            assert_eq!(
                request.uri().path(),
                "/v1.0/me/messages/AAMk=/attachments/createUploadSession"
            );
            let body: Value = serde_json::from_slice(&read_all(request).await).unwrap();
            assert_eq!(body["AttachmentItem"]["attachmentType"], "file");
            json(
                201,
                json!({"uploadUrl": format!("{host_base}/api/AttachmentSessions('x')?authtoken=t"),
                       "expirationDateTime": "2030-01-01T00:00:00Z",
                       "nextExpectedRanges": ["0-"]}),
            )
        }
    })
    .await;
    let total = 3 * 4 * UPLOAD_FRAGMENT + 100;
    let session_request: Request<Value> = Request::new(
        Method::Post,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("messages")
            .key("AAMk=")
            .literal("attachments")
            .literal("createUploadSession"),
        decode::json,
    )
    .json_body(
        &json!({"AttachmentItem": {"attachmentType": "file", "name": "big.pdf",
                                          "size": total}}),
    );
    let raw = client(&graph)
        .upload_session(
            session_request,
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(4 * UPLOAD_FRAGMENT)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.status, 201);
    assert_eq!(
        raw.header("location"),
        Some("https://outlook.example/Attachments('AAMkADI5')")
    );
    assert!(*received.lock().unwrap() == pattern_slice(0, total as usize));
    assert_eq!(authorized.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_chunk_without_an_answer_is_sent_again() {
    let upload = Upload::start(Quirks {
        stall: Some(1),
        ..Quirks::default()
    })
    .await;
    let client = client(&upload.graph);
    let total = 2 * CHUNK;
    let started = std::time::Instant::now();
    let item: DriveItem = client
        .upload_session(
            session_request("big.bin"),
            UploadSource::bytes(pattern_slice(0, total as usize)),
        )
        .chunk_size(CHUNK)
        .chunk_timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait for the stall"
    );
    assert_eq!(item.size.value().copied(), Some(total as i64));
    assert_eq!(
        upload.log()[2..],
        [
            format!("PUT 0 {CHUNK}-{}/{total} 0", total - 1),
            "GET 0 200".to_owned(),
            format!("PUT 0 {CHUNK}-{}/{total} 201", total - 1),
        ]
    );
}

#[tokio::test]
async fn a_download_that_stalls_is_asked_again() {
    let total = 200_000u64;
    let served = Arc::new(AtomicUsize::new(0));
    let counted = served.clone();
    let host = FileServer::start(move |request| {
        let first = counted.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            let start: u64 = header(&request, "range")
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.trim_end_matches('-').parse().ok())
                .unwrap_or(0);
            let body = if first {
                // 1000 bytes, then nothing for 10 s.
                let head = futures_util::stream::iter([Ok::<_, std::io::Error>(
                    hyper::body::Frame::data(bytes::Bytes::from(pattern_slice(0, 1000))),
                )]);
                let stall = futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    Err(std::io::Error::other("late"))
                });
                http_body_util::BodyExt::boxed(http_body_util::StreamBody::new(
                    futures_util::StreamExt::chain(head, stall),
                ))
            } else {
                pattern_body(start, total, None)
            };
            let status = if start > 0 { 206 } else { 200 };
            hyper::Response::builder()
                .status(status)
                .header("content-length", (total - start).to_string())
                .header(
                    "content-range",
                    format!("bytes {start}-{}/{total}", total - 1),
                )
                .body(body)
                .unwrap()
        }
    })
    .await;
    let graph = FileServer::start({
        let base = host.base.clone();
        move |_request| {
            let base = base.clone();
            async move {
                hyper::Response::builder()
                    .status(302)
                    .header("location", format!("{base}/file"))
                    .body(full(""))
                    .unwrap()
            }
        }
    })
    .await;
    let started = std::time::Instant::now();
    let mut out = Vec::new();
    let written = client(&graph)
        .download(&content_request())
        .await
        .unwrap()
        .read_timeout(Duration::from_millis(200))
        .write_to(&mut out)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited for the stall"
    );
    assert_eq!(written, total);
    assert!(out == pattern_slice(0, total as usize), "the bytes differ");
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

/// The requests of transfers to Graph go through the client's one sending path: its call
/// deadline bounds a download whose head never comes, and a throttled one is retried after
/// `Retry-After`, with `client-request-id` and `retry-attempt` as every call has them.
#[tokio::test]
async fn transfers_to_graph_keep_the_clients_deadline_and_retries() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let graph = FileServer::start({
        let seen = seen.clone();
        move |request| {
            let seen = seen.clone();
            async move {
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(format!(
                        "{} id={} retry={}",
                        request.uri().path(),
                        header(&request, "client-request-id").is_some(),
                        header(&request, "retry-attempt").unwrap_or("-")
                    ));
                    seen.len()
                };
                if request.uri().path().contains("stalls") {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
                if n == 1 {
                    return hyper::Response::builder()
                        .status(429)
                        .header("retry-after", "0")
                        .body(full(
                            r#"{"error":{"code":"TooManyRequests","message":"slow"}}"#,
                        ))
                        .unwrap();
                }
                hyper::Response::builder()
                    .status(200)
                    .header("content-length", "5")
                    .body(full("hello"))
                    .unwrap()
            }
        }
    })
    .await;
    let client = Client::builder(StaticToken::new(SECRET))
        .root(&graph.base)
        .allow_http(true)
        .retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(50),
        })
        .call_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();

    let mut content = Vec::new();
    client
        .download(&content_request())
        .await
        .unwrap()
        .write_to(&mut content)
        .await
        .unwrap();
    assert_eq!(content, b"hello");
    let seen_now = seen.lock().unwrap().clone();
    assert_eq!(
        seen_now,
        vec![
            "/v1.0/me/drive/items/01ABC/content id=true retry=-",
            "/v1.0/me/drive/items/01ABC/content id=true retry=1",
        ]
    );

    let stalls = Request::<Vec<u8>>::new(
        Method::Get,
        "v1.0",
        UrlPath::root().literal("reports").literal("stalls"),
        decode::bytes,
    );
    let started = std::time::Instant::now();
    let Err(error) = client.download(&stalls).await else {
        panic!("a download whose head never comes fails");
    };
    assert!(
        matches!(
            &error,
            TransferError::Client(graph_rt::ClientError::Timeout { stage: "call", .. })
        ),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
