//! Loopback servers for file transfers: a hyper server whose handler sees the request body as
//! it arrives and answers with a body that may stream (or break off), plus the byte pattern
//! the tests and the bench upload and download (any length, no file needed).

#![allow(dead_code, clippy::unwrap_used)]

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::net::TcpListener;

pub type Body = BoxBody<Bytes, io::Error>;
pub type Response = hyper::Response<Body>;
pub type Request = hyper::Request<Incoming>;

/// A running server.
#[derive(Clone)]
pub struct FileServer {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port`.
    pub base: String,
    connections: Arc<AtomicUsize>,
}

impl FileServer {
    /// Starts a server on a free loopback port that answers with `handler`.
    pub async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handler = Arc::new(handler);
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let handler = handler.clone();
                        async move { Ok::<_, Infallible>(handler(request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            base: format!("http://{addr}"),
            connections,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

pub fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into())
        .map_err(|never| match never {})
        .boxed()
}

pub fn empty() -> Body {
    full(Bytes::new())
}

pub fn reply(status: u16, body: Body) -> Response {
    hyper::Response::builder()
        .status(status)
        .body(body)
        .unwrap()
}

pub fn json(status: u16, value: serde_json::Value) -> Response {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(full(value.to_string()))
        .unwrap()
}

pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Reads a request body whole (for the small bodies of tests).
pub async fn read_all(request: Request) -> Vec<u8> {
    request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default()
}

/// Reads a request body frame by frame, checking each byte against the pattern from
/// `offset`; returns how many bytes came, or `None` when one differs (or the body broke).
pub async fn check_pattern(request: Request, offset: u64) -> Option<u64> {
    let mut body = request.into_body();
    let mut at = offset;
    while let Some(frame) = body.frame().await {
        let frame = frame.ok()?;
        if let Ok(data) = frame.into_data() {
            if !matches_pattern(at, &data) {
                return None;
            }
            at += data.len() as u64;
        }
    }
    Some(at - offset)
}

/// The test pattern: byte `i` is `i % 251` (251 is prime: no chunk size lines up with it).
pub fn pattern_byte(i: u64) -> u8 {
    (i % 251) as u8
}

const BLOCK: usize = 64 * 1024;

fn block() -> &'static Bytes {
    static BLOCK_BYTES: OnceLock<Bytes> = OnceLock::new();
    BLOCK_BYTES.get_or_init(|| {
        (0..(BLOCK as u64 + 251))
            .map(pattern_byte)
            .collect::<Vec<_>>()
            .into()
    })
}

/// The pattern's bytes `offset .. offset + len`, for `len` up to 64 KiB, without copying.
fn pattern_block(offset: u64, len: usize) -> Bytes {
    let start = (offset % 251) as usize;
    block().slice(start..start + len)
}

/// Whether `data` is the pattern's bytes from `offset` (compared 64 KiB at a time, no copy).
pub fn matches_pattern(offset: u64, data: &[u8]) -> bool {
    data.chunks(BLOCK)
        .enumerate()
        .all(|(i, part)| part == &pattern_block(offset + (i * BLOCK) as u64, part.len())[..])
}

/// The pattern's bytes `offset .. offset + len`, any length.
pub fn pattern_slice(offset: u64, len: usize) -> Vec<u8> {
    (offset..offset + len as u64).map(pattern_byte).collect()
}

/// A streaming body of the pattern's bytes `from .. to`, breaking off (an error: hyper drops
/// the connection) after `break_at` when given.
pub fn pattern_body(from: u64, to: u64, break_at: Option<u64>) -> Body {
    let stream = futures_util::stream::unfold(from, move |at| async move {
        if break_at.is_some_and(|b| at >= b) {
            // Let the server flush what it has before the connection drops.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            return Some((
                Err(io::Error::new(io::ErrorKind::ConnectionReset, "dropped")),
                u64::MAX,
            ));
        }
        if at >= to {
            return None;
        }
        let mut len = (to - at).min(BLOCK as u64);
        if let Some(b) = break_at {
            len = len.min(b - at);
        }
        Some((Ok(Frame::data(pattern_block(at, len as usize))), at + len))
    });
    BodyExt::boxed(StreamBody::new(stream))
}

/// An `AsyncRead` of the pattern's first `len` bytes (a 1 GB "file" in no memory).
pub struct PatternReader {
    at: u64,
    len: u64,
}

impl PatternReader {
    pub fn new(len: u64) -> Self {
        Self { at: 0, len }
    }
}

impl AsyncRead for PatternReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = (self.len - self.at)
            .min(buf.remaining() as u64)
            .min(BLOCK as u64) as usize;
        if n > 0 {
            buf.put_slice(&pattern_block(self.at, n));
            self.at += n as u64;
        }
        Poll::Ready(Ok(()))
    }
}

/// `bytes a-b/total` of a `Content-Range`.
pub fn content_range(value: &str) -> Option<(u64, u64, u64)> {
    let rest = value.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?, total.parse().ok()?))
}
