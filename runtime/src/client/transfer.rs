//! What uploads and downloads share: their error, cancellation, and the two ways of sending
//! that [`Client::send_raw`] does not cover: a Graph request whose response body is streamed
//! (or whose request body is), and a request to a pre-authenticated URL (an upload session's
//! `uploadUrl`, a download URL), which never carries the token.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};

use super::{Client, ClientError, GraphError, RetryPolicy};
use crate::{Body, Request};

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

/// A request body for [`Client::send_streaming`]: repeatable bytes (a retry sends them again),
/// or a stream made anew for each attempt, or a stream that can be sent once only.
pub(crate) enum OutBody {
    None,
    Bytes(Bytes),
    /// Builds the body of each attempt; when not `repeatable`, it is sent once (a stream that
    /// cannot go back) and the request is not retried.
    Stream {
        make: Box<dyn FnMut() -> reqwest::Body + Send>,
        repeatable: bool,
    },
}

impl Client {
    /// Sends `request` with the token and returns the successful (2xx, or 3xx when the HTTP
    /// client did not follow it) response with its body unread. The request's own body is
    /// replaced by `body` unless that is [`OutBody::None`]. Retries as [`Client::send_raw`]
    /// does, but only while the body can be sent again.
    pub(crate) async fn send_streaming<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
        extra_headers: &[(&str, String)],
        mut body: OutBody,
    ) -> Result<reqwest::Response, TransferError> {
        if let Some(problem) = request.problem() {
            return Err(ClientError::Invalid(problem.to_owned()).into());
        }
        let url = self.url_of(request)?;
        let method = reqwest_method(request.method());
        let mut headers = header_map(request.headers())?;
        for (name, value) in extra_headers {
            let (name, value) = header(name, value)?;
            headers.insert(name, value);
        }
        if let OutBody::None = body {
            body = match request.body() {
                Body::None => OutBody::None,
                Body::Json(value) => {
                    if !headers.contains_key(CONTENT_TYPE) {
                        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    }
                    OutBody::Bytes(Bytes::from(serde_json::to_vec(value).map_err(|e| {
                        ClientError::Invalid(format!("the JSON body does not serialize: {e}"))
                    })?))
                }
                Body::Bytes { content_type, data } => {
                    let (name, value) = header("content-type", content_type)?;
                    headers.insert(name, value);
                    OutBody::Bytes(Bytes::from(data.clone()))
                }
            };
        }
        let policy = self.inner.retry;
        let mut attempt: u32 = 0;
        let mut token_rejected = false;
        loop {
            attempt += 1;
            let attempt_body = match &mut body {
                OutBody::None => None,
                OutBody::Bytes(bytes) => Some(reqwest::Body::from(bytes.clone())),
                OutBody::Stream { make, .. } => Some(make()),
            };
            let repeatable = match &body {
                OutBody::Stream { repeatable, .. } => *repeatable,
                _ => true,
            };
            let may_retry = request.retryable() && attempt <= policy.max_retries;
            let token = self.inner.token.token().await?;
            let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
                .map_err(|_| {
                    ClientError::Auth("the token has characters a header cannot hold".into())
                })?;
            authorization.set_sensitive(true);
            let mut attempt_headers = headers.clone();
            attempt_headers.insert(AUTHORIZATION, authorization);
            let mut builder = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .headers(attempt_headers);
            if let Some(body) = attempt_body {
                builder = builder.body(body);
            }
            let response = match builder.send().await {
                Ok(response) => response,
                Err(error) => {
                    if may_retry && repeatable && (error.is_connect() || error.is_timeout()) {
                        tokio::time::sleep(policy.delay(attempt - 1, None)).await;
                        continue;
                    }
                    // After a redirect the URL may be a pre-authenticated one: not shown.
                    let elsewhere = error
                        .url()
                        .is_some_and(|at| at.origin() != self.inner.root_url.origin());
                    let error = if elsewhere {
                        error.without_url()
                    } else {
                        error
                    };
                    return Err(error.into());
                }
            };
            let status = response.status().as_u16();
            if status < 400 {
                return Ok(response);
            }
            let (headers_seen, bytes) = read_small(response).await?;
            if status == 401 && !token_rejected && repeatable {
                token_rejected = true;
                if self.inner.token.reject(&token).await {
                    continue;
                }
            }
            let mut error = GraphError::from_response(status, &headers_seen, &bytes);
            error.attempts = attempt;
            if may_retry && repeatable && RetryPolicy::is_retryable_status(status) {
                tokio::time::sleep(policy.delay(attempt - 1, error.retry_after)).await;
                continue;
            }
            return Err(error.into());
        }
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
    mut response: reqwest::Response,
) -> Result<(Vec<(String, String)>, Vec<u8>), TransferError> {
    let headers = header_pairs(response.headers());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_JSON_BODY {
            return Err(TransferError::Protocol(format!(
                "a response of more than {MAX_JSON_BODY} bytes where JSON was expected"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((headers, body))
}
