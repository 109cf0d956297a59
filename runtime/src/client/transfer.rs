//! What uploads and downloads share: their error, cancellation, and their two ways of sending:
//! a Graph request whose response body is streamed (or whose request body is), through the
//! client's one call path (`send.rs`: retries, deadlines, budget, tracing), and a request to a
//! pre-authenticated URL (an upload session's `uploadUrl`, a download URL), which never carries
//! the token and whose retries the upload and download protocols decide.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use super::send::{self, CallBody, ReplyMode};
use super::{Client, ClientError, GraphError};
use crate::Request;

/// The most bytes read from a response that is not file content (an upload session, the final
/// item, an error): a service that sends more is not believed.
pub(crate) const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// What can go wrong moving a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// Sending failed, or Graph (or the upload host) answered with an error after the retries
    /// allowed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// Reading what is uploaded failed (or it ended before the length it was given).
    #[error("reading the upload source: {0}")]
    Source(#[source] std::io::Error),
    /// Writing what is downloaded failed.
    #[error("writing the download: {0}")]
    Sink(#[source] std::io::Error),
    /// The upload session is gone (expired, or deleted): `404` from the upload URL. A task
    /// that created its session starts a new one instead, when its source can be read again
    /// from the start; one resumed from a saved URL cannot.
    #[error("the upload session has expired or was deleted (404 from the upload URL)")]
    SessionExpired,
    /// The upload was cancelled; the session was deleted when `session_deleted`.
    #[error("the upload was cancelled (session deleted: {session_deleted})")]
    Cancelled {
        /// Whether the `DELETE` of the upload URL succeeded.
        session_deleted: bool,
    },
    /// The service asked for bytes the source has already passed, and the source is a stream
    /// that cannot go back ([`UploadSource::reader`](crate::UploadSource::reader)); a seekable
    /// source (a file) can.
    #[error(
        "the upload service asks for bytes from offset {offset}, which the source (a stream \
         that cannot seek) has already passed; upload from a file or a seekable reader to \
         resume there"
    )]
    NotRewindable {
        /// Where the service wants to resume.
        offset: u64,
    },
    /// The service's answers do not follow Graph's upload or download protocol.
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// The transfer cannot start as asked (a chunk size that is not a multiple of 320 KiB, an
    /// empty file for a session, a file too large for a simple upload).
    #[error("transfer not started: {0}")]
    Invalid(String),
}

impl TransferError {
    /// The HTTP status, when a response came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Client(error) => error.status(),
            Self::SessionExpired => Some(404),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for TransferError {
    fn from(error: reqwest::Error) -> Self {
        Self::Client(ClientError::Transport(error))
    }
}

impl From<GraphError> for TransferError {
    fn from(error: GraphError) -> Self {
        Self::Client(error.into())
    }
}

/// Cancels an upload from elsewhere (another task, a signal handler): the upload stops at once,
/// even in the middle of a chunk, deletes its session and returns
/// [`TransferError::Cancelled`]. Cheap to clone; all clones cancel the same upload.
#[derive(Debug, Clone)]
pub struct CancelToken {
    sender: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> Self {
        Self {
            sender: std::sync::Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// Cancels.
    pub fn cancel(&self) {
        self.sender.send_replace(true);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        *self.sender.borrow()
    }

    /// Resolves when cancelled.
    pub(crate) async fn cancelled(&self) {
        let mut receiver = self.sender.subscribe();
        // The sender lives as long as `self`: `wait_for` cannot fail while we wait.
        let _ = receiver.wait_for(|cancelled| *cancelled).await;
    }
}

/// A request body for [`Client::send_streaming`]: the request's own, or repeatable bytes, or a
/// stream (see [`CallBody`]).
pub(crate) enum OutBody {
    /// The request's own body.
    Request,
    /// This body instead.
    Replace(CallBody),
}

impl Client {
    /// Sends `request` with the token, as [`Client::send_raw`] does (the same retries,
    /// deadlines, retry budget and tracing: [`send`](super::send)), and returns the response
    /// whose status is below 400 with its body unread; redirects are not followed, the caller
    /// decides where the token may go. `extra_headers` are added to the request's; `body`
    /// replaces its body. A streamed body that cannot go back is sent once, never retried.
    pub(crate) async fn send_streaming<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
        extra_headers: &[(&str, String)],
        body: OutBody,
    ) -> Result<reqwest::Response, TransferError> {
        let mut call = self.call_of(request, ReplyMode::Stream)?;
        for (name, value) in extra_headers {
            let (name, value) = header(name, value)?;
            call.headers.insert(name, value);
        }
        if let OutBody::Replace(body) = body {
            call.body = body;
        }
        Ok(send::execute_streaming(&self.inner, call).await?)
    }

    /// Sends to a pre-authenticated URL (an upload session's `uploadUrl`, a download URL): the
    /// same connection pool, timeouts and `https` rule as Graph requests, and never an
    /// `Authorization` header (the URL carries its own credentials; the upload host answers 401
    /// to a bearer token, and the token must not leave Graph). No retries here: the callers
    /// know what a retry means for their protocol.
    pub(crate) async fn send_preauthenticated(
        &self,
        method: reqwest::Method,
        url: &reqwest::Url,
        headers: HeaderMap,
        body: Option<reqwest::Body>,
    ) -> Result<reqwest::Response, reqwest::Error> {
        debug_assert!(!headers.contains_key(AUTHORIZATION));
        let mut builder = self
            .inner
            .http
            .request(method, url.clone())
            .headers(headers);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        // The URL is a credential: kept out of the error's message.
        builder.send().await.map_err(reqwest::Error::without_url)
    }

    /// The retry policy's wait before retry `retry` (0 for the first).
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        self.inner.retry.delay(retry, retry_after)
    }
}

pub(crate) fn reqwest_method(method: crate::Method) -> reqwest::Method {
    match method {
        crate::Method::Get => reqwest::Method::GET,
        crate::Method::Post => reqwest::Method::POST,
        crate::Method::Patch => reqwest::Method::PATCH,
        crate::Method::Put => reqwest::Method::PUT,
        crate::Method::Delete => reqwest::Method::DELETE,
    }
}

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ClientError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ClientError::Invalid(format!("`{name}` is not a header name")))?;
    let value = HeaderValue::from_str(value).map_err(|_| {
        ClientError::Invalid(format!(
            "the header `{name}` has a value a header cannot hold"
        ))
    })?;
    Ok((name, value))
}

pub(crate) fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, ClientError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let (name, value) = header(name, value)?;
        map.append(name, value);
    }
    Ok(map)
}

/// The headers of a response, as [`crate::RawResponse`] keeps them.
pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Reads a response that is not file content, at most [`MAX_JSON_BODY`] bytes.
pub(crate) async fn read_small(
    response: reqwest::Response,
) -> Result<(Vec<(String, String)>, Vec<u8>), TransferError> {
    let headers = header_pairs(response.headers());
    match send::read_capped(response, MAX_JSON_BODY as u64).await {
        Ok(body) => Ok((headers, body)),
        Err(send::ReadError::TooLarge) => Err(TransferError::Protocol(format!(
            "a response of more than {MAX_JSON_BODY} bytes where JSON was expected"
        ))),
        Err(send::ReadError::Transport(error)) => Err(error.into()),
    }
}
