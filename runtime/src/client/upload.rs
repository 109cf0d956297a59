//! Uploads: a resumable upload session for files of any size (OneDrive and SharePoint drive
//! items, Outlook attachments, print documents), a single `PUT …/content` for small files, and
//! the choice between the two.
//!
//! Memory stays bounded by the chunk size whatever the file size: a session reads one chunk at
//! a time (kept until the service has it, so that a failed chunk is sent again), a simple
//! upload streams its body and is retried only when its source can seek back.

use std::fmt;
use std::future::Future;
use std::io::{self, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::future::{self, Either};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_RANGE, CONTENT_TYPE};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, ReadBuf};

use super::send::CallBody;
use super::transfer::{read_small, CancelToken, OutBody, TransferError};
use super::{Client, ClientError, GraphError};
use crate::{decode, encode_query_value, FromJson, Method, RawResponse, Request, UrlPath, Value};

/// Graph's unit of upload ranges: every chunk of a drive item upload session but the last is a
/// multiple of 320 KiB (327,680 bytes).
pub const UPLOAD_FRAGMENT: u64 = 320 * 1024;
/// The default chunk size of an upload session: 10 MiB (32 × 320 KiB).
pub const DEFAULT_CHUNK_SIZE: u64 = 32 * UPLOAD_FRAGMENT;
/// The largest chunk: Graph takes less than 60 MiB per request, so 191 × 320 KiB
/// (59.6875 MiB).
pub const MAX_CHUNK_SIZE: u64 = 191 * UPLOAD_FRAGMENT;
/// The largest file a single `PUT …/content` takes (Graph's simple upload: 4 MB); larger
/// files need an upload session.
pub const SIMPLE_UPLOAD_MAX: u64 = 4_000_000;

/// A part of a file, as `nextExpectedRanges` gives it: `"26-"`, `"12345-55232"` or (Outlook)
/// `"2097152"`. Both ends are included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// The first byte.
    pub start: u64,
    /// The last byte, when the range does not run to the end of the file.
    pub end: Option<u64>,
}

impl ByteRange {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (start, end) = match text.split_once('-') {
            Some((start, "")) => (start, None),
            Some((start, end)) => (start, Some(end.trim().parse().ok()?)),
            None => (text, None),
        };
        Some(Self {
            start: start.trim().parse().ok()?,
            end,
        })
    }
}

/// An upload session as the service describes it: the JSON of `createUploadSession`, of a
/// status `GET` of the upload URL, and of each `202`. Read from the JSON itself (both the
/// camelCase of drive items and the PascalCase of Outlook), so any request that returns an
/// upload session will do, whatever type the generated code gives its response.
///
/// Keep [`upload_url`](Self::upload_url) (it is pre-authenticated: treat it as a secret) to
/// resume later with [`Client::resume_upload`].
#[derive(Clone, PartialEq)]
pub struct UploadSessionInfo {
    /// Where the chunks go: an opaque URL on another host, which needs no token.
    pub upload_url: String,
    /// When the service forgets the session, as it wrote it.
    pub expiration_date_time: Option<String>,
    /// What the service still expects (may not list every gap).
    pub next_expected_ranges: Vec<ByteRange>,
}

impl fmt::Debug for UploadSessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL is a credential: only its host is shown.
        let host = reqwest::Url::parse(&self.upload_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_default();
        f.debug_struct("UploadSessionInfo")
            .field("upload_url", &format_args!("https://{host}/<redacted>"))
            .field("expiration_date_time", &self.expiration_date_time)
            .field("next_expected_ranges", &self.next_expected_ranges)
            .finish()
    }
}

impl UploadSessionInfo {
    /// A session known by its upload URL only (saved earlier); its status comes from the
    /// service.
    pub fn new(upload_url: impl Into<String>) -> Self {
        Self {
            upload_url: upload_url.into(),
            expiration_date_time: None,
            next_expected_ranges: Vec::new(),
        }
    }

    /// Reads an upload session; the JSON must have an `uploadUrl`.
    pub fn from_value(value: &Value) -> Result<Self, crate::Error> {
        let upload_url = match property(value, "uploadUrl") {
            Some(Value::String(url)) if !url.is_empty() => url.clone(),
            Some(other) => return Err(crate::Error::mismatch("a URL (string)", other)),
            None => {
                return Err(crate::Error::custom(
                    "the upload session has no `uploadUrl`".to_owned(),
                ))
            }
        };
        let mut session = Self::new(upload_url);
        session.update(value)?;
        Ok(session)
    }

    /// Takes what a status or a `202` says (an `uploadUrl` there replaces the old one).
    fn update(&mut self, value: &Value) -> Result<(), crate::Error> {
        if let Some(Value::String(url)) = property(value, "uploadUrl") {
            if !url.is_empty() {
                self.upload_url = url.clone();
            }
        }
        if let Some(Value::String(at)) = property(value, "expirationDateTime") {
            self.expiration_date_time = Some(at.clone());
        }
        self.next_expected_ranges = match property(value, "nextExpectedRanges") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ranges)) => ranges
                .iter()
                .map(|range| {
                    range
                        .as_str()
                        .and_then(ByteRange::parse)
                        .ok_or_else(|| crate::Error::mismatch("a byte range (`a-b`)", range))
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(crate::Error::mismatch("a list of ranges", other)),
        };
        Ok(())
    }

    /// Where the upload goes on: the first byte the service expects.
    pub fn next_offset(&self) -> Option<u64> {
        self.next_expected_ranges.iter().map(|r| r.start).min()
    }
}

impl FromJson for UploadSessionInfo {
    fn from_json(value: Value) -> Result<Self, crate::Error> {
        Self::from_value(&value)
    }
}

/// `name` in camelCase (drive items) or PascalCase (Outlook).
fn property<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(name).or_else(|| {
        let mut pascal = name.to_owned();
        pascal[..1].make_ascii_uppercase();
        object.get(&pascal)
    })
}

/// Where the bytes of an upload come from, and how many there are (Graph needs the total
/// before the first byte).
///
/// - [`file`](Self::file) and [`seekable`](Self::seekable) can go back: a session resumes
///   anywhere the service asks, and a simple upload is retried.
/// - [`reader`](Self::reader) is a stream read once: a session keeps the current chunk in
///   memory and so still retries and resumes within it, but cannot go back before it
///   ([`TransferError::NotRewindable`]); a simple upload from it is not retried.
pub struct UploadSource {
    reader: Reader,
    len: u64,
}

pub(crate) trait ReadSeek: AsyncRead + AsyncSeek + Send + Unpin {}
impl<T: AsyncRead + AsyncSeek + Send + Unpin> ReadSeek for T {}

enum Reader {
    Stream(Box<dyn AsyncRead + Send + Unpin>),
    Seekable(Box<dyn ReadSeek>),
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSource")
            .field("len", &self.len)
            .field("seekable", &self.is_seekable())
            .finish()
    }
}

impl UploadSource {
    /// `len` bytes read once from `reader` (a socket, a pipe, a decompressor…).
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, len: u64) -> Self {
        Self {
            reader: Reader::Stream(Box::new(reader)),
            len,
        }
    }

    /// `len` bytes from the start of `reader`, which can seek.
    pub fn seekable(reader: impl AsyncRead + AsyncSeek + Send + Unpin + 'static, len: u64) -> Self {
        Self {
            reader: Reader::Seekable(Box::new(reader)),
            len,
        }
    }

    /// The file at `path`, whole.
    pub async fn file(path: impl AsRef<Path>) -> Result<Self, TransferError> {
        let file = tokio::fs::File::open(path.as_ref())
            .await
            .map_err(TransferError::Source)?;
        let len = file.metadata().await.map_err(TransferError::Source)?.len();
        Ok(Self::seekable(file, len))
    }

    /// Bytes in memory.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        let data: Bytes = data.into();
        let len = data.len() as u64;
        Self::seekable(io::Cursor::new(data), len)
    }

    /// How many bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether it can go back ([`file`](Self::file), [`seekable`](Self::seekable),
    /// [`bytes`](Self::bytes)).
    pub fn is_seekable(&self) -> bool {
        matches!(self.reader, Reader::Seekable(_))
    }
}

/// How far an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes the service confirmed (the start of what it still expects).
    pub uploaded: u64,
    /// The file's size.
    pub total: u64,
}

/// An upload through an upload session, made by [`Client::upload_session`] or
/// [`Client::resume_upload`]; configure it, then [`send`](Self::send) it.
///
/// It sends the file in chunks (10 MiB by default), each a `PUT` of the upload URL with
/// `Content-Range` and without the token, follows `nextExpectedRanges`, asks for the
/// session's status and goes on after a `416` or a failed chunk (retried with backoff), starts
/// a new session when the service forgot its own (`404`, when it created it and the source can
/// be read again), commits a session that waits for it (`deferCommit`), and returns the item
/// of the final `200`/`201` read as the caller's type.
pub struct UploadTask {
    client: Client,
    create: Option<Request<Value>>,
    resume: Option<UploadSessionInfo>,
    source: UploadSource,
    chunk_size: u64,
    max_retries: u32,
    chunk_timeout: std::time::Duration,
    progress: Option<Box<dyn FnMut(UploadProgress) + Send>>,
    on_session: Option<SessionCallback>,
    cancel: CancelToken,
}

type SessionCallback = Box<dyn FnMut(&UploadSessionInfo) + Send>;

impl fmt::Debug for UploadTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadTask")
            .field("create", &self.create)
            .field("resume", &self.resume)
            .field("source", &self.source)
            .field("chunk_size", &self.chunk_size)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// What one exchange with the upload URL came to.
enum Outcome {
    /// The service wants more (`202`, or `200` with ranges): the JSON with its ranges.
    More(Value),
    /// `202` without ranges: ask the status.
    AskStatus,
    /// The item: the upload is complete.
    Done(RawResponse),
    /// `416`: the range was received already.
    Conflict,
    /// `404`: the session is gone.
    Gone,
    /// A failure worth a retry (5xx, 429, 408, the connection).
    Retry(TransferError, Option<std::time::Duration>),
    Fatal(TransferError),
}

impl UploadTask {
    fn new(
        client: Client,
        create: Option<Request<Value>>,
        resume: Option<UploadSessionInfo>,
        source: UploadSource,
    ) -> Self {
        Self {
            client,
            create,
            resume,
            source,
            chunk_size: DEFAULT_CHUNK_SIZE,
            max_retries: 5,
            chunk_timeout: std::time::Duration::from_secs(300),
            progress: None,
            on_session: None,
            cancel: CancelToken::new(),
        }
    }

    /// The chunk size: a multiple of [`UPLOAD_FRAGMENT`] (320 KiB), at most
    /// [`MAX_CHUNK_SIZE`]; default [`DEFAULT_CHUNK_SIZE`] (10 MiB). Outlook attachments want 4
    /// MB at most (`12 * UPLOAD_FRAGMENT`). Any other size fails [`send`](Self::send) with
    /// [`TransferError::Invalid`]. Memory use is about twice the chunk size.
    #[must_use]
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes;
        self
    }

    /// How many failures in a row (without the service confirming new bytes) the upload
    /// survives (default 5); each waits as the client's [`RetryPolicy`](crate::RetryPolicy)
    /// says, then asks the session where to go on.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// How long one exchange with the upload URL (a chunk and its answer) may take before it
    /// counts as failed and is retried (default 5 minutes; the client's own
    /// [`timeout`](crate::ClientBuilder::timeout) applies too).
    #[must_use]
    pub fn chunk_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.chunk_timeout = timeout;
        self
    }

    /// Calls `progress` after each chunk the service confirmed.
    #[must_use]
    pub fn on_progress(mut self, progress: impl FnMut(UploadProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Calls `saved` with each session the task uses (once, or again after a restart): save
    /// its upload URL to resume after the process ends ([`Client::resume_upload`]).
    #[must_use]
    pub fn on_session(mut self, saved: impl FnMut(&UploadSessionInfo) + Send + 'static) -> Self {
        self.on_session = Some(Box::new(saved));
        self
    }

    /// Cancels the upload when `token` is cancelled.
    #[must_use]
    pub fn cancel_with(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// A token that cancels this upload.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// Uploads, and reads the final item as `T` (a generated `DriveItem`, or [`Value`]: an
    /// Outlook attachment session ends with `201`, a `Location` header and no body, read as
    /// `null`; [`send_raw`](Self::send_raw) keeps the `Location`).
    pub async fn send<T: FromJson>(self) -> Result<T, TransferError> {
        let raw = self.send_raw().await?;
        let status = raw.status;
        let value = raw
            .json()
            .map_err(|error| ClientError::Decode { status, error })?;
        T::from_json(value).map_err(|error| ClientError::Decode { status, error }.into())
    }

    /// Uploads, and returns the final response as it came: its status, its headers (an
    /// Outlook attachment's `Location`) and its body.
    pub async fn send_raw(mut self) -> Result<RawResponse, TransferError> {
        let chunk_size = self.chunk_size;
        if chunk_size == 0
            || !chunk_size.is_multiple_of(UPLOAD_FRAGMENT)
            || chunk_size > MAX_CHUNK_SIZE
        {
            return Err(TransferError::Invalid(format!(
                "the chunk size {chunk_size} is not a multiple of 320 KiB ({UPLOAD_FRAGMENT} \
                 bytes) between {UPLOAD_FRAGMENT} and {MAX_CHUNK_SIZE}"
            )));
        }
        let total = self.source.len;
        if total == 0 {
            return Err(TransferError::Invalid(
                "an upload session cannot upload an empty file: use a simple upload \
                 (`Client::put_content`)"
                    .into(),
            ));
        }
        let source = std::mem::replace(
            &mut self.source,
            UploadSource::reader(tokio::io::empty(), 0),
        );
        // A seekable reader is sought to each chunk's start first: wherever it stood, the
        // upload starts at its byte 0.
        let pos = if source.is_seekable() { u64::MAX } else { 0 };
        let mut window = Window {
            reader: source.reader,
            buf: Bytes::new(),
            start: 0,
            pos,
        };
        let cancel = self.cancel.clone();
        let mut session = match self.resume.take() {
            Some(saved) => {
                let mut session = saved;
                match or_cancel(&cancel, self.status(&session)).await {
                    None => return Err(self.abort(&session).await),
                    Some(Ok(value)) => {
                        session
                            .update(&value)
                            .map_err(|e| protocol("the upload session's status", e))?;
                    }
                    Some(Err(Outcome::Gone)) => return Err(TransferError::SessionExpired),
                    Some(Err(Outcome::Retry(error, _) | Outcome::Fatal(error))) => {
                        return Err(error)
                    }
                    Some(Err(_)) => {
                        return Err(TransferError::Protocol(
                            "the upload session's status is not an upload session".into(),
                        ))
                    }
                }
                session
            }
            None => self.create_session(&cancel).await?,
        };
        if let Some(saved) = &mut self.on_session {
            saved(&session);
        }
        let mut offset = session.next_offset().unwrap_or(0);
        let mut failures: u32 = 0;
        let mut restarts: u32 = 0;
        loop {
            if cancel.is_cancelled() {
                return Err(self.abort(&session).await);
            }
            let sent_from = offset;
            let exchange = if offset >= total {
                // Every byte is in and no item came: the session waits for a commit
                // (`deferCommit`).
                Either::Left(self.commit(&session))
            } else {
                let size = chunk_size.min(total - offset) as usize;
                let data = match or_cancel(&cancel, window.chunk(offset, size)).await {
                    None => return Err(self.abort(&session).await),
                    Some(data) => data?,
                };
                Either::Right(self.put_chunk(&session, offset, total, data))
            };
            let limit = self.chunk_timeout;
            let exchange = async move {
                tokio::time::timeout(limit, exchange)
                    .await
                    .unwrap_or_else(|_| {
                        Outcome::Retry(
                            TransferError::Protocol(format!(
                                "no answer from the upload URL within {limit:?}"
                            )),
                            None,
                        )
                    })
            };
            let outcome = match or_cancel(&cancel, exchange).await {
                None => return Err(self.abort(&session).await),
                Some(outcome) => outcome,
            };
            let mut status_needed = false;
            match outcome {
                Outcome::Done(raw) => {
                    if let Some(progress) = &mut self.progress {
                        progress(UploadProgress {
                            uploaded: total,
                            total,
                        });
                    }
                    return Ok(raw);
                }
                Outcome::More(value) => {
                    session
                        .update(&value)
                        .map_err(|e| protocol("the answer to a chunk", e))?;
                    offset = session.next_offset().unwrap_or(total);
                }
                Outcome::AskStatus => status_needed = true,
                Outcome::Conflict => {
                    failures += 1;
                    status_needed = true;
                }
                Outcome::Gone => {
                    let can_restart = self.create.is_some() && restarts < 2 && window.can_restart();
                    if !can_restart {
                        return Err(TransferError::SessionExpired);
                    }
                    restarts += 1;
                    session = self.create_session(&cancel).await?;
                    if let Some(saved) = &mut self.on_session {
                        saved(&session);
                    }
                    offset = session.next_offset().unwrap_or(0);
                    continue;
                }
                Outcome::Retry(error, retry_after) => {
                    failures += 1;
                    if failures > self.max_retries {
                        return Err(error);
                    }
                    let wait = self.client.backoff(failures - 1, retry_after);
                    if or_cancel(&cancel, tokio::time::sleep(wait)).await.is_none() {
                        return Err(self.abort(&session).await);
                    }
                    status_needed = true;
                }
                Outcome::Fatal(error) => return Err(error),
            }
            if status_needed {
                if failures > self.max_retries {
                    return Err(TransferError::Protocol(format!(
                        "the upload made no progress after {failures} attempts at offset {offset}"
                    )));
                }
                match or_cancel(&cancel, self.status(&session)).await {
                    None => return Err(self.abort(&session).await),
                    Some(Ok(value)) => {
                        session
                            .update(&value)
                            .map_err(|e| protocol("the upload session's status", e))?;
                        offset = session.next_offset().unwrap_or(total);
                    }
                    // The next round sends the same chunk again, or meets the 404 again and
                    // restarts.
                    Some(Err(_)) => {}
                }
            }
            if offset > sent_from {
                failures = 0;
                if let Some(progress) = &mut self.progress {
                    progress(UploadProgress {
                        uploaded: offset.min(total),
                        total,
                    });
                }
            } else if !status_needed {
                // The service took the chunk but still expects it (it lost it): counted, so
                // that a service that never takes it does not loop forever.
                failures += 1;
                if failures > self.max_retries {
                    return Err(TransferError::Protocol(format!(
                        "the upload service does not take the bytes at offset {offset}"
                    )));
                }
            }
        }
    }

    async fn create_session(
        &self,
        cancel: &CancelToken,
    ) -> Result<UploadSessionInfo, TransferError> {
        let Some(request) = &self.create else {
            return Err(TransferError::SessionExpired);
        };
        let raw = match or_cancel(cancel, self.client.send_raw(request)).await {
            None => {
                return Err(TransferError::Cancelled {
                    session_deleted: false,
                })
            }
            Some(raw) => raw?,
        };
        let status = raw.status;
        let value = raw
            .json()
            .map_err(|error| ClientError::Decode { status, error })?;
        UploadSessionInfo::from_value(&value)
            .map_err(|error| ClientError::Decode { status, error }.into())
    }

    async fn put_chunk(
        &self,
        session: &UploadSessionInfo,
        offset: u64,
        total: u64,
        data: Bytes,
    ) -> Outcome {
        let url = match upload_url(session) {
            Ok(url) => url,
            Err(error) => return Outcome::Fatal(error),
        };
        let last = offset + data.len() as u64 - 1;
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        if let Ok(range) = HeaderValue::from_str(&format!("bytes {offset}-{last}/{total}")) {
            headers.insert(CONTENT_RANGE, range);
        }
        let response = self
            .client
            .send_preauthenticated(
                reqwest::Method::PUT,
                &url,
                headers,
                Some(reqwest::Body::from(data)),
            )
            .await;
        classify(response).await
    }

    async fn commit(&self, session: &UploadSessionInfo) -> Outcome {
        let url = match upload_url(session) {
            Ok(url) => url,
            Err(error) => return Outcome::Fatal(error),
        };
        let response = self
            .client
            .send_preauthenticated(
                reqwest::Method::POST,
                &url,
                HeaderMap::new(),
                Some(reqwest::Body::from(Bytes::new())),
            )
            .await;
        match classify(response).await {
            // Still waiting after a commit: the bytes are not all there after all.
            Outcome::More(_) | Outcome::AskStatus => Outcome::AskStatus,
            other => other,
        }
    }

    /// `GET` of the upload URL: the session's JSON, or why not.
    async fn status(&self, session: &UploadSessionInfo) -> Result<Value, Outcome> {
        let url = upload_url(session).map_err(Outcome::Fatal)?;
        let response = self
            .client
            .send_preauthenticated(reqwest::Method::GET, &url, HeaderMap::new(), None)
            .await;
        match classify(response).await {
            Outcome::More(value) => Ok(value),
            Outcome::Done(raw) => raw.json().map_err(|error| {
                Outcome::Fatal(
                    ClientError::Decode {
                        status: raw.status,
                        error,
                    }
                    .into(),
                )
            }),
            other => Err(other),
        }
    }

    /// Deletes the session; the error to return.
    async fn abort(&self, session: &UploadSessionInfo) -> TransferError {
        let deleted = match upload_url(session) {
            Ok(url) => self
                .client
                .send_preauthenticated(reqwest::Method::DELETE, &url, HeaderMap::new(), None)
                .await
                .is_ok_and(|response| {
                    response.status().is_success() || response.status().as_u16() == 404
                }),
            Err(_) => false,
        };
        TransferError::Cancelled {
            session_deleted: deleted,
        }
    }
}

fn protocol(what: &str, error: crate::Error) -> TransferError {
    TransferError::Protocol(format!("{what}: {error}"))
}

fn upload_url(session: &UploadSessionInfo) -> Result<reqwest::Url, TransferError> {
    reqwest::Url::parse(&session.upload_url).map_err(|e| {
        TransferError::Protocol(format!("the session's `uploadUrl` is not a URL: {e}"))
    })
}

/// `fut`, unless `cancel` comes first (`None`).
async fn or_cancel<F: Future>(cancel: &CancelToken, fut: F) -> Option<F::Output> {
    let cancelled = cancel.cancelled();
    match future::select(std::pin::pin!(fut), std::pin::pin!(cancelled)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}

async fn classify(response: Result<reqwest::Response, reqwest::Error>) -> Outcome {
    let response = match response {
        Ok(response) => response,
        Err(error) => return Outcome::Retry(error.into(), None),
    };
    let status = response.status().as_u16();
    let (headers, body) = match read_small(response).await {
        Ok(read) => read,
        Err(error @ TransferError::Client(_)) => return Outcome::Retry(error, None),
        Err(error) => return Outcome::Fatal(error),
    };
    let raw = RawResponse {
        status,
        headers,
        body,
    };
    match status {
        200..=299 => {
            let json = raw.json().ok();
            let ranges = json
                .as_ref()
                .and_then(|v| property(v, "nextExpectedRanges"))
                .is_some();
            match (status, json) {
                (202 | 200, Some(value)) if ranges => Outcome::More(value),
                (202, _) => Outcome::AskStatus,
                _ => Outcome::Done(raw),
            }
        }
        416 => Outcome::Conflict,
        404 => Outcome::Gone,
        _ => {
            let error = GraphError::from_response(status, &raw.headers, &raw.body);
            let retry_after = error.retry_after;
            if matches!(status, 408 | 429 | 500..=599) {
                Outcome::Retry(error.into(), retry_after)
            } else {
                Outcome::Fatal(error.into())
            }
        }
    }
}

/// The part of the source around the chunk being sent: `buf` holds the bytes from `start`
/// (shared with the request that sends them: a retry sends the same bytes, nothing is copied),
/// and the reader stands at `pos` (for a stream, `start + buf.len()`).
struct Window {
    reader: Reader,
    buf: Bytes,
    start: u64,
    pos: u64,
}

impl Window {
    fn can_restart(&self) -> bool {
        matches!(self.reader, Reader::Seekable(_)) || self.start == 0
    }

    /// Bytes `offset .. offset + size` of the source.
    async fn chunk(&mut self, offset: u64, size: usize) -> Result<Bytes, TransferError> {
        let buf_end = self.start + self.buf.len() as u64;
        let kept = if offset >= self.start && offset <= buf_end {
            let from = usize::try_from(offset - self.start)
                .map_err(|_| TransferError::Invalid("offset out of range".into()))?;
            self.buf.slice(from..)
        } else {
            match &mut self.reader {
                Reader::Seekable(_) => {}
                Reader::Stream(_) if offset < self.start => {
                    return Err(TransferError::NotRewindable { offset })
                }
                Reader::Stream(reader) => {
                    // Ahead of what was read: the service has those bytes already.
                    let skip = offset - self.pos;
                    let skipped =
                        tokio::io::copy(&mut reader.as_mut().take(skip), &mut tokio::io::sink())
                            .await
                            .map_err(TransferError::Source)?;
                    if skipped < skip {
                        return Err(ended(self.pos + skipped));
                    }
                    self.pos = offset;
                }
            }
            Bytes::new()
        };
        self.start = offset;
        if kept.len() >= size {
            self.buf = kept;
            return Ok(self.buf.slice(..size));
        }
        let at = offset + kept.len() as u64;
        if let Reader::Seekable(reader) = &mut self.reader {
            // A seekable reader may stand anywhere after an earlier seek.
            if self.pos != at {
                reader
                    .seek(SeekFrom::Start(at))
                    .await
                    .map_err(TransferError::Source)?;
                self.pos = at;
            }
        }
        // The next chunk in a buffer of its own (not zeroed: read into its spare capacity).
        let mut next = bytes::BytesMut::with_capacity(size);
        next.extend_from_slice(&kept);
        // The old chunk may still be in the request that sent it: let it go now.
        self.buf = Bytes::new();
        drop(kept);
        while next.len() < size {
            let want = (size - next.len()) as u64;
            let read = match &mut self.reader {
                Reader::Seekable(reader) => reader.as_mut().take(want).read_buf(&mut next).await,
                Reader::Stream(reader) => reader.as_mut().take(want).read_buf(&mut next).await,
            };
            match read {
                Ok(0) => {
                    self.buf = next.freeze();
                    return Err(ended(self.pos));
                }
                Ok(n) => self.pos += n as u64,
                Err(error) => {
                    self.buf = next.freeze();
                    return Err(TransferError::Source(error));
                }
            }
        }
        self.buf = next.freeze();
        Ok(self.buf.clone())
    }
}

fn ended(at: u64) -> TransferError {
    TransferError::Source(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the source ended after {at} bytes, before the length it was given"),
    ))
}

/// A simple upload's body: the source, read as it is sent (64 KiB at a time), from its start.
struct ReaderBody {
    source: Arc<Mutex<Reader>>,
    remaining: u64,
    seek: SeekState,
}

#[derive(PartialEq)]
enum SeekState {
    Start,
    Seeking,
    Done,
}

const FRAME: u64 = 64 * 1024;

impl http_body::Body for ReaderBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let Ok(mut reader) = this.source.lock() else {
            return Poll::Ready(Some(Err(io::Error::other(
                "the upload source was poisoned",
            ))));
        };
        if let Reader::Seekable(seekable) = &mut *reader {
            if this.seek == SeekState::Start {
                if let Err(error) = Pin::new(&mut **seekable).start_seek(SeekFrom::Start(0)) {
                    return Poll::Ready(Some(Err(error)));
                }
                this.seek = SeekState::Seeking;
            }
            if this.seek == SeekState::Seeking {
                if let Err(error) = ready!(Pin::new(&mut **seekable).poll_complete(cx)) {
                    return Poll::Ready(Some(Err(error)));
                }
                this.seek = SeekState::Done;
            }
        }
        let mut frame = vec![0u8; this.remaining.min(FRAME) as usize];
        let mut buf = ReadBuf::new(&mut frame);
        let polled = match &mut *reader {
            Reader::Seekable(r) => Pin::new(&mut **r).poll_read(cx, &mut buf),
            Reader::Stream(r) => Pin::new(&mut **r).poll_read(cx, &mut buf),
        };
        if let Err(error) = ready!(polled) {
            return Poll::Ready(Some(Err(error)));
        }
        let n = buf.filled().len();
        if n == 0 {
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the upload source ended before the length it was given",
            ))));
        }
        frame.truncate(n);
        this.remaining -= n as u64;
        Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from(frame)))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

impl Client {
    /// An upload through the session that `session_request` creates (any request whose
    /// response is an upload session: `…/createUploadSession` of a drive item by id or by path,
    /// of a message's or event's attachments, of a print document), to configure and then
    /// [`send`](UploadTask::send).
    ///
    /// ```no_run
    /// # use graph_rt::{Client, TransferError, UploadSource, Value, Request};
    /// # async fn run(client: &Client, session_request: Request<Value>) -> Result<(), TransferError> {
    /// let task = client
    ///     .upload_session(session_request, UploadSource::file("video.mp4").await?)
    ///     .chunk_size(20 * graph_rt::UPLOAD_FRAGMENT)
    ///     .on_progress(|p| println!("{} of {} bytes", p.uploaded, p.total));
    /// let cancel = task.cancel_token(); // `cancel.cancel()` elsewhere stops and deletes it
    /// let item: Value = task.send().await?;
    /// # let _ = (item, cancel);
    /// # Ok(())
    /// # }
    /// ```
    pub fn upload_session<R, S, Q>(
        &self,
        session_request: Request<R, S, Q>,
        source: UploadSource,
    ) -> UploadTask {
        let request = session_request
            .with_decoder(decode::any as crate::Decoder<Value>)
            .erase_query();
        UploadTask::new(self.clone(), Some(request), None, source)
    }

    /// An upload through a session created earlier (its saved
    /// [`upload_url`](UploadSessionInfo::upload_url)): the task asks the service what it
    /// still expects and sends that from `source` (the same file). If the session is gone,
    /// [`send`](UploadTask::send) fails with [`TransferError::SessionExpired`].
    pub fn resume_upload(&self, upload_url: &str, source: UploadSource) -> UploadTask {
        UploadTask::new(
            self.clone(),
            None,
            Some(UploadSessionInfo::new(upload_url)),
            source,
        )
    }

    /// A simple upload: `request` (a `PUT …/content`, built by the generated code or by hand)
    /// with `source` as its body, streamed, and its response read by the request's decoder.
    /// At most [`SIMPLE_UPLOAD_MAX`] bytes. `Content-Type` is `application/octet-stream` unless
    /// the request sets one. Retried on 429/503/504 only when the source can seek back.
    pub async fn put_content<T, S, Q>(
        &self,
        request: Request<T, S, Q>,
        source: UploadSource,
    ) -> Result<T, TransferError> {
        let len = source.len;
        if len > SIMPLE_UPLOAD_MAX {
            return Err(TransferError::Invalid(format!(
                "{len} bytes is more than a simple upload takes ({SIMPLE_UPLOAD_MAX}); use an \
                 upload session"
            )));
        }
        let repeatable = source.is_seekable();
        let shared = Arc::new(Mutex::new(source.reader));
        let make = move || {
            reqwest::Body::wrap(ReaderBody {
                source: shared.clone(),
                remaining: len,
                seek: SeekState::Start,
            })
        };
        let mut extra = Vec::new();
        if !request
            .headers()
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            extra.push(("content-type", "application/octet-stream".to_owned()));
        }
        let response = self
            .send_streaming(
                &request,
                &extra,
                OutBody::Replace(CallBody::stream(make, repeatable)),
            )
            .await?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(TransferError::Protocol(format!(
                "a simple upload answered {status}"
            )));
        }
        let (headers, body) = read_small(response).await?;
        request
            .decode(RawResponse {
                status,
                headers,
                body,
            })
            .map_err(|error| ClientError::Decode { status, error }.into())
    }

    /// Uploads a file to a drive item and returns the item: in one `PUT …/content` when it is
    /// small ([`SIMPLE_UPLOAD_MAX`] bytes or less) and `session_request` is a drive item's
    /// `…/createUploadSession` (the content request is made from it: same item, its
    /// `@microsoft.graph.conflictBehavior` as a query option, `fail` by default for an item
    /// addressed by path, as a session does), else through an upload session with the default
    /// settings ([`upload_session`](Self::upload_session) configures one).
    ///
    /// ```no_run
    /// # use graph_rt::{Client, TransferError, UploadSource, Value, Request};
    /// # async fn run(client: &Client, session_request: Request<Value>) -> Result<(), TransferError> {
    /// let item: Value = client
    ///     .upload(session_request, UploadSource::file("report.pdf").await?)
    ///     .await?;
    /// # let _ = item;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn upload<T: FromJson, R, S, Q>(
        &self,
        session_request: Request<R, S, Q>,
        source: UploadSource,
    ) -> Result<T, TransferError> {
        if source.len <= SIMPLE_UPLOAD_MAX {
            if let Some(content) = self.content_request_for::<T, R, S, Q>(&session_request) {
                return self.put_content(content, source).await;
            }
        }
        self.upload_session(session_request, source).send().await
    }

    /// The `PUT …/content` of the drive item a `…/createUploadSession` request is for.
    fn content_request_for<T: FromJson, R, S, Q>(
        &self,
        session_request: &Request<R, S, Q>,
    ) -> Option<Request<T>> {
        let url = session_request.url(self.root());
        let path = url.split('?').next().unwrap_or(&url);
        let item = path.strip_suffix("/createUploadSession")?;
        let in_drive = item
            .split('/')
            .any(|segment| segment == "drive" || segment == "drives");
        if !in_drive || session_request.method() != Method::Post {
            return None;
        }
        let behavior = session_request
            .json()
            .and_then(|body| body.get("item"))
            .and_then(|item| item.get("@microsoft.graph.conflictBehavior"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| item.ends_with(':').then(|| "fail".to_owned()));
        let mut link = format!("{item}/content");
        if let Some(behavior) = behavior {
            link.push_str("?@microsoft.graph.conflictBehavior=");
            link.push_str(&encode_query_value(&behavior));
        }
        let mut request = Request::<T>::new(
            Method::Put,
            session_request.version(),
            UrlPath::root(),
            decode::json::<T>,
        )
        .at_link(&link);
        for (name, value) in session_request.headers() {
            if !name.eq_ignore_ascii_case("content-type") {
                request = request.header(name, value);
            }
        }
        Some(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_in_every_shape() {
        assert_eq!(
            ByteRange::parse("26-"),
            Some(ByteRange {
                start: 26,
                end: None
            })
        );
        assert_eq!(
            ByteRange::parse("12345-55232"),
            Some(ByteRange {
                start: 12345,
                end: Some(55232)
            })
        );
        assert_eq!(
            ByteRange::parse("2097152"),
            Some(ByteRange {
                start: 2_097_152,
                end: None
            })
        );
        assert_eq!(ByteRange::parse("x-"), None);
        assert_eq!(ByteRange::parse("-5"), None);
    }

    #[test]
    fn a_drive_session_request_gives_its_content_request() {
        let client = Client::builder(crate::StaticToken::new("t"))
            .build()
            .expect("client");
        let drive = || UrlPath::root().literal("me").literal("drive");
        let post = |path: UrlPath| Request::<Value>::new(Method::Post, "v1.0", path, decode::json);
        let by_id = post(
            drive()
                .literal("items")
                .key("01AB")
                .literal("createUploadSession"),
        )
        .header("If-Match", "etag-1");
        let content = client
            .content_request_for::<Value, _, _, _>(&by_id)
            .expect("a drive item");
        assert_eq!(content.method(), Method::Put);
        assert_eq!(
            content.url(client.root()),
            "https://graph.microsoft.com/v1.0/me/drive/items/01AB/content"
        );
        assert_eq!(
            content.headers(),
            [("If-Match".to_owned(), "etag-1".to_owned())]
        );
        let by_path = post(
            drive()
                .literal("root")
                .path_address("a b/c.txt")
                .literal("createUploadSession"),
        );
        assert_eq!(
            client
                .content_request_for::<Value, _, _, _>(&by_path)
                .expect("a drive item")
                .url(client.root()),
            "https://graph.microsoft.com/v1.0/me/drive/root:/a%20b/c.txt:/content\
             ?@microsoft.graph.conflictBehavior=fail"
        );
        let attachment = post(
            UrlPath::root()
                .literal("me")
                .literal("messages")
                .key("m")
                .literal("attachments")
                .literal("createUploadSession"),
        );
        assert!(client
            .content_request_for::<Value, _, _, _>(&attachment)
            .is_none());
    }

    #[test]
    fn sessions_in_both_casings() {
        let drive: Value = serde_json::json!({
            "uploadUrl": "https://up.example/x",
            "expirationDateTime": "2015-01-29T09:21:55.523Z",
            "nextExpectedRanges": ["77829-99375", "12345-55232"]
        });
        let session = UploadSessionInfo::from_value(&drive).expect("session");
        assert_eq!(session.next_offset(), Some(12345));
        assert!(!format!("{session:?}").contains("/x"));
        let outlook: Value = serde_json::json!({
            "UploadUrl": "https://outlook.example/up",
            "ExpirationDateTime": "2019-09-25T01:09:30.7671707Z",
            "NextExpectedRanges": ["2097152"]
        });
        let session = UploadSessionInfo::from_value(&outlook).expect("session");
        assert_eq!(session.upload_url, "https://outlook.example/up");
        assert_eq!(session.next_offset(), Some(2_097_152));
        assert!(
            UploadSessionInfo::from_value(&serde_json::json!({"nextExpectedRanges": []})).is_err()
        );
        assert!(UploadSessionInfo::from_value(
            &serde_json::json!({"uploadUrl": "u", "nextExpectedRanges": [3]})
        )
        .is_err());
    }
}
