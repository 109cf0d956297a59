//! A real HTTP/1.1 server on loopback for the client tests and the load bench: it answers with
//! a closure of the test, records every request, and counts the TCP connections it accepted.

#![allow(dead_code, clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

/// A request as the server got it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path and query as sent (still percent-encoded).
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How many requests the server got before this one.
    pub n: usize,
    /// `http://127.0.0.1:port` of this server (to build links).
    pub base: String,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The path without the query.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "text/html".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Hit) -> Reply + Send + Sync;

struct State {
    hits: Mutex<Vec<Hit>>,
    connections: AtomicUsize,
    count: AtomicUsize,
    record: bool,
    handler: Box<Handler>,
    base: String,
}

/// A running server; it stops with the test's runtime.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port`.
    pub base: String,
    state: Arc<State>,
}

impl Server {
    /// Starts a server on `127.0.0.1` (a free port) that answers with `handler`.
    pub async fn start(handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(true, handler).await
    }

    /// As [`start`](Self::start), keeping every request only when `record` (the load bench
    /// does not).
    pub async fn start_with(
        record: bool,
        handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let state = Arc::new(State {
            hits: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            count: AtomicUsize::new(0),
            record,
            handler: Box::new(handler),
            base: base.clone(),
        });
        let accept_state = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                accept_state.connections.fetch_add(1, Ordering::SeqCst);
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(state.answer(request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { addr, base, state }
    }

    /// Every request so far, in arrival order.
    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    /// How many requests it answered.
    pub fn count(&self) -> usize {
        self.state.count.load(Ordering::SeqCst)
    }

    /// How many TCP connections it accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl State {
    async fn answer(
        &self,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> hyper::Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes().to_vec())
            .unwrap_or_default();
        let hit = Hit {
            method: parts.method.as_str().to_owned(),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body,
            n: self.count.fetch_add(1, Ordering::SeqCst),
            base: self.base.clone(),
        };
        let reply = (self.handler)(&hit);
        if self.record {
            self.hits.lock().unwrap().push(hit);
        }
        let mut response = hyper::Response::builder().status(reply.status);
        for (name, value) in &reply.headers {
            response = response.header(name, value);
        }
        response.body(Full::new(Bytes::from(reply.body))).unwrap()
    }
}

/// A TCP server on loopback that misbehaves below HTTP: each connection is handed to `fault`
/// with the request head already read.
#[derive(Clone)]
pub struct RawServer {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port`.
    pub base: String,
    connections: Arc<AtomicUsize>,
    /// Bytes written by `fault`s that report them (the endless body).
    pub written: Arc<AtomicUsize>,
}

/// What a [`RawServer`] does with connection number `n` (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Reads the request and never answers (the connection stays open).
    Silent,
    /// Answers 200 with a chunked JSON body that never ends.
    EndlessBody,
    /// Reads the request, then resets the connection (TCP RST).
    Reset,
    /// Answers `200 {"ok":true}` and closes.
    Ok,
}

impl RawServer {
    pub async fn start(fault: impl Fn(usize) -> Fault + Send + Sync + 'static) -> Self {
        use tokio::io::AsyncWriteExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let fault = Arc::new(fault);
        let (count, bytes) = (connections.clone(), written.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let fault = fault(n);
                let bytes = bytes.clone();
                tokio::spawn(async move {
                    read_head(&mut stream).await;
                    match fault {
                        Fault::Silent => {
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        }
                        Fault::Reset => {
                            #[allow(deprecated)] // blocks on drop: zero linger does not
                            let _ = stream.set_linger(Some(std::time::Duration::ZERO));
                            drop(stream);
                        }
                        Fault::Ok => {
                            let body = br#"{"ok":true}"#;
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                 content-length: {}\r\nconnection: close\r\n\r\n",
                                body.len()
                            );
                            let _ = stream.write_all(head.as_bytes()).await;
                            let _ = stream.write_all(body).await;
                            let _ = stream.shutdown().await;
                        }
                        Fault::EndlessBody => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                        transfer-encoding: chunked\r\n\r\n";
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let _ = stream.write_all(b"1\r\n[\r\n").await;
                            // 64 KiB chunks of `{"a":1},` for as long as the client reads.
                            let item = br#"{"a":1},"#;
                            let data: Vec<u8> =
                                item.iter().copied().cycle().take(8 * 8192).collect();
                            let chunk =
                                [format!("{:x}\r\n", data.len()).as_bytes(), &data, b"\r\n"]
                                    .concat();
                            while stream.write_all(&chunk).await.is_ok() {
                                bytes.fetch_add(data.len(), Ordering::SeqCst);
                            }
                        }
                    }
                });
            }
        });
        Self {
            addr,
            base: format!("http://{addr}"),
            connections,
            written,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }
}

/// Reads up to the end of the request head (and ignores any body).
async fn read_head(stream: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

/// The peak resident memory of this process so far (`VmHWM`), in KiB (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The current resident memory of this process (`VmRSS`), in KiB (Linux).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
pub mod files;
