//! One call to Graph: its attempts, retries, redirects, deadlines and the limit on the body it
//! reads, each traced. Every request to Graph goes through here, the JSON calls as well as the
//! file transfers' (whose bodies may be streams, and whose responses are handed back unread).

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use tracing::Instrument;

use super::retry::{RETRY_COST, TIMEOUT_RETRY_COST};
use super::transfer::header_pairs;
use super::{AccessToken, ClientError, GraphError, Inner};
use crate::RawResponse;

/// How much of an error response's body is read (the rest is dropped, not an error).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A request ready to go: everything but the token.
pub(super) struct Call {
    pub(super) method: reqwest::Method,
    pub(super) url: reqwest::Url,
    /// What the call's span names it by: the version and the path's template
    /// (`/v1.0/users/{}`), without ids.
    pub(super) template: String,
    pub(super) headers: HeaderMap,
    pub(super) body: CallBody,
    /// Idempotent, or the caller allowed repeating it: repeated after a timeout or a broken
    /// connection (when the service may have processed it).
    pub(super) idempotent: bool,
    /// What a success gives back.
    pub(super) reply: ReplyMode,
}

/// The body of a call.
pub(crate) enum CallBody {
    Empty,
    /// Held in memory: sent again by a retry or a redirect.
    Bytes(Bytes),
    /// Made anew for each attempt (a file read from its start again). When not `repeatable` (a
    /// stream that cannot go back) it is sent once and the call is never repeated.
    Stream {
        make: Mutex<Box<dyn FnMut() -> reqwest::Body + Send>>,
        repeatable: bool,
    },
}

impl CallBody {
    /// A streamed body.
    pub(crate) fn stream(
        make: impl FnMut() -> reqwest::Body + Send + 'static,
        repeatable: bool,
    ) -> Self {
        Self::Stream {
            make: Mutex::new(Box::new(make)),
            repeatable,
        }
    }

    /// Whether another attempt can send it again.
    fn repeatable(&self) -> bool {
        match self {
            Self::Stream { repeatable, .. } => *repeatable,
            Self::Empty | Self::Bytes(_) => true,
        }
    }

    /// The body of one attempt.
    fn attempt(&self) -> Option<reqwest::Body> {
        match self {
            Self::Empty => None,
            Self::Bytes(bytes) => Some(reqwest::Body::from(bytes.clone())),
            Self::Stream { make, .. } => {
                // A poisoned lock: a maker that panicked; the body it left is still one to try.
                let mut make = make
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                Some(make())
            }
        }
    }
}

/// What a successful call gives back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ReplyMode {
    /// A 2xx response read whole (at most the client's `max_response_bytes`), after following
    /// redirects.
    Read,
    /// The response as it arrives (status below 400, redirects not followed: the caller decides
    /// where the token may go), its body unread. The call's deadline covers the head only.
    Stream,
}

/// A successful call's response.
pub(super) enum Reply {
    Read(RawResponse),
    Stream(reqwest::Response),
}

/// How one attempt ended.
enum Outcome {
    Done(Reply),
    Failed(ClientError),
    /// Graph's own origin answered 401 to `token`.
    Unauthorized {
        token: AccessToken,
        error: Box<GraphError>,
    },
    /// May be sent again.
    Retry {
        error: ClientError,
        retry_after: Option<Duration>,
        cost: u32,
    },
}

/// Sends `call` ([`ReplyMode::Read`]), with the retries, deadlines and limits of `inner`.
pub(super) async fn execute(inner: &Inner, call: Call) -> Result<RawResponse, ClientError> {
    debug_assert!(call.reply == ReplyMode::Read);
    match execute_reply(inner, call).await? {
        Reply::Read(raw) => Ok(raw),
        Reply::Stream(_) => Err(ClientError::Protocol(
            "a streamed reply to a call that reads its response".into(),
        )),
    }
}

/// Sends `call` ([`ReplyMode::Stream`]): the response with its body unread.
pub(super) async fn execute_streaming(
    inner: &Inner,
    call: Call,
) -> Result<reqwest::Response, ClientError> {
    debug_assert!(call.reply == ReplyMode::Stream);
    match execute_reply(inner, call).await? {
        Reply::Stream(response) => Ok(response),
        Reply::Read(_) => Err(ClientError::Protocol(
            "a read reply to a call that streams its response".into(),
        )),
    }
}

async fn execute_reply(inner: &Inner, mut call: Call) -> Result<Reply, ClientError> {
    let request_id = match call
        .headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
    {
        Some(id) => id.to_owned(),
        None => {
            let id = new_request_id();
            if let Ok(value) = HeaderValue::from_str(&id) {
                call.headers.insert("client-request-id", value);
            }
            id
        }
    };
    let span = tracing::info_span!(
        "graph.call",
        method = %call.method,
        path = %call.template,
        request_id = %request_id,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    run(inner, &call, span.clone()).instrument(span).await
}

async fn run(inner: &Inner, call: &Call, span: tracing::Span) -> Result<Reply, ClientError> {
    let limits = &inner.limits;
    let policy = inner.retry;
    let deadline = limits
        .call_timeout
        .and_then(|limit| Instant::now().checked_add(limit));
    let mut attempt: u32 = 0;
    let mut token_rejected = false;
    loop {
        attempt += 1;
        span.record("attempts", attempt);
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let call_limit = || ClientError::Timeout {
            stage: "call",
            limit: limits.call_timeout.unwrap_or(Duration::MAX),
            attempts: attempt,
        };
        if remaining == Some(Duration::ZERO) {
            return Err(call_limit());
        }
        // The tighter of the attempt's limit and what is left of the call's.
        let (limit, call_bound) = match (limits.attempt_timeout, remaining) {
            (Some(a), Some(r)) if r < a => (Some(r), true),
            (Some(a), _) => (Some(a), false),
            (None, r) => (r, r.is_some()),
        };
        let attempt_span = tracing::info_span!(
            "graph.attempt",
            attempt,
            status = tracing::field::Empty,
            wait = tracing::field::Empty,
        );
        let sent = send_once(inner, call, attempt, &attempt_span).instrument(attempt_span.clone());
        let outcome = match limit {
            None => sent.await,
            Some(limit) => match tokio::time::timeout(limit, sent).await {
                Ok(outcome) => outcome,
                Err(_) if call_bound => return Err(call_limit()),
                Err(_) => {
                    let error = ClientError::Timeout {
                        stage: "attempt",
                        limit,
                        attempts: attempt,
                    };
                    if call.idempotent {
                        Outcome::Retry {
                            error,
                            retry_after: None,
                            cost: TIMEOUT_RETRY_COST,
                        }
                    } else {
                        Outcome::Failed(error)
                    }
                }
            },
        };
        let (error, retry_after, cost) = match outcome {
            Outcome::Done(reply) => {
                inner.budget.refund();
                span.record(
                    "status",
                    match &reply {
                        Reply::Read(raw) => raw.status,
                        Reply::Stream(response) => response.status().as_u16(),
                    },
                );
                return Ok(reply);
            }
            Outcome::Failed(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                return Err(error);
            }
            Outcome::Unauthorized { token, error } => {
                // One more try with a new token, when the provider can get one (a 401 was
                // not processed: safe to repeat whatever the method, if the body can be sent
                // again).
                if !token_rejected && call.body.repeatable() {
                    token_rejected = true;
                    if inner.token.reject(&token).await {
                        continue;
                    }
                }
                span.record("status", error.status);
                return Err(ClientError::Graph(error));
            }
            Outcome::Retry {
                error,
                retry_after,
                cost,
            } => (error, retry_after, cost),
        };
        if let Some(status) = error.status() {
            span.record("status", status);
        }
        if attempt > policy.max_retries || !call.body.repeatable() {
            return Err(error);
        }
        if let Some(asked) = retry_after {
            let allowed = deadline
                .map(|d| d.saturating_duration_since(Instant::now()))
                .map_or(policy.max_delay, |r| r.min(policy.max_delay));
            if asked > allowed {
                return Err(match error {
                    ClientError::Graph(graph) => ClientError::WaitTooLong {
                        retry_after: asked,
                        limit: allowed,
                        error: graph,
                    },
                    other => other,
                });
            }
        }
        let wait = policy.delay(attempt - 1, retry_after);
        if let Some(deadline) = deadline {
            if Instant::now()
                .checked_add(wait)
                .is_none_or(|at| at >= deadline)
            {
                return Err(error);
            }
        }
        if !inner.budget.try_take(cost) {
            tracing::warn!(attempt, "retry budget exhausted: not retried ({error})");
            return Err(error);
        }
        attempt_span.record("wait", tracing::field::debug(wait));
        tracing::info!(attempt, ?wait, "retrying ({error})");
        tokio::time::sleep(wait).await;
    }
}

/// One attempt: the token, the request and its redirects, the body.
async fn send_once(inner: &Inner, call: &Call, attempt: u32, span: &tracing::Span) -> Outcome {
    let token = match inner.token.token().await {
        Ok(token) => token,
        Err(error) => return Outcome::Failed(error),
    };
    let mut authorization = match HeaderValue::from_str(&format!("Bearer {}", token.secret())) {
        Ok(value) => value,
        Err(_) => {
            return Outcome::Failed(ClientError::Auth(
                "the token has characters a header cannot hold".into(),
            ))
        }
    };
    // Kept out of reqwest's `Debug` and HTTP/2 header compression tables.
    authorization.set_sensitive(true);
    let root = &inner.root_url;
    let mut url = call.url.clone();
    let mut method = call.method.clone();
    let mut body = call.body.attempt();
    let mut hops = 0usize;
    // Whether this hop sends the body (a 303, or a 301/302 after a POST, drops it).
    let mut has_body = !matches!(call.body, CallBody::Empty);
    let response = loop {
        let mut headers = call.headers.clone();
        // The token goes to the client's root only, never to where a redirect points.
        if same_origin(&url, root) {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        if body.is_none() {
            headers.remove(CONTENT_TYPE);
        }
        if attempt > 1 {
            headers.insert("retry-attempt", HeaderValue::from(attempt - 1));
        }
        let mut builder = inner
            .http
            .request(method.clone(), url.clone())
            .headers(headers);
        if let Some(body) = body.take() {
            builder = builder.body(body);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                // Not connected: not sent, safe to repeat. A broken connection: the service
                // may have processed it, repeated only when idempotent.
                return if error.is_connect() || call.idempotent {
                    Outcome::Retry {
                        error: ClientError::Transport(error),
                        retry_after: None,
                        cost: TIMEOUT_RETRY_COST,
                    }
                } else {
                    Outcome::Failed(ClientError::Transport(error))
                };
            }
        };
        let status = response.status().as_u16();
        let Some(location) = response.headers().get(LOCATION).filter(|_| {
            call.reply == ReplyMode::Read && matches!(status, 301 | 302 | 303 | 307 | 308)
        }) else {
            break response;
        };
        hops += 1;
        if hops > inner.limits.max_redirects {
            return Outcome::Failed(ClientError::Protocol(format!(
                "more than {} redirects",
                inner.limits.max_redirects
            )));
        }
        let Some(next) = location.to_str().ok().and_then(|l| url.join(l).ok()) else {
            return Outcome::Failed(ClientError::Protocol(format!(
                "HTTP {status}: the redirect's `Location` is not a URL"
            )));
        };
        match next.scheme() {
            "https" => {}
            "http" if url.scheme() == "https" => {
                return Outcome::Failed(ClientError::Invalid(
                    "a redirect from https to http (the request would travel in clear)".into(),
                ))
            }
            "http" if inner.allow_http => {}
            other => {
                return Outcome::Failed(ClientError::Invalid(format!(
                    "a redirect to the scheme `{other}`, not https"
                )))
            }
        }
        // The next hop sends the body again (307, 308, or a 301/302 that keeps the method).
        let resend = match status {
            303 => {
                if method != reqwest::Method::HEAD {
                    method = reqwest::Method::GET;
                }
                false
            }
            301 | 302 if method == reqwest::Method::POST => {
                method = reqwest::Method::GET;
                false
            }
            _ => true,
        };
        has_body = has_body && resend;
        if has_body && !same_origin(&next, &url) {
            return Outcome::Failed(ClientError::Invalid(format!(
                "HTTP {status}: a redirect to another origin (`{}`) would send the request \
                 body there; not followed",
                next.origin().ascii_serialization()
            )));
        }
        if has_body && !call.body.repeatable() {
            return Outcome::Failed(ClientError::Invalid(format!(
                "HTTP {status}: a redirect asks for the request body again, and it is a stream \
                 that cannot go back; not followed"
            )));
        }
        body = if has_body { call.body.attempt() } else { None };
        tracing::debug!(status, to = %next.origin().ascii_serialization(), "following a redirect");
        url = next;
    };
    let status = response.status().as_u16();
    span.record("status", status);
    if call.reply == ReplyMode::Stream && status < 400 {
        return Outcome::Done(Reply::Stream(response));
    }
    let headers = header_pairs(response.headers());
    if (200..300).contains(&status) {
        return match read_capped(response, inner.limits.max_response_bytes).await {
            Ok(body) => Outcome::Done(Reply::Read(RawResponse {
                status,
                headers,
                body,
            })),
            Err(ReadError::TooLarge) => Outcome::Failed(ClientError::TooLarge {
                status,
                limit: inner.limits.max_response_bytes,
            }),
            Err(ReadError::Transport(error)) if call.idempotent => Outcome::Retry {
                error: ClientError::Transport(error),
                retry_after: None,
                cost: TIMEOUT_RETRY_COST,
            },
            Err(ReadError::Transport(error)) => Outcome::Failed(ClientError::Transport(error)),
        };
    }
    let body = read_truncated(response, ERROR_BODY_LIMIT).await;
    let mut error = GraphError::from_response(status, &headers, &body);
    error.attempts = attempt;
    if status == 401 && same_origin(&url, root) {
        return Outcome::Unauthorized {
            token,
            error: Box::new(error),
        };
    }
    // Graph did not execute a throttled request (429, or 503/504 with `Retry-After`): repeat
    // it whatever the method (the body is held in memory, so it can be sent again). A 503/504
    // without it may have been processed: repeated only when idempotent.
    let retry = match status {
        429 => true,
        503 | 504 => error.retry_after.is_some() || call.idempotent,
        _ => false,
    };
    if retry {
        let retry_after = error.retry_after;
        Outcome::Retry {
            error: error.into(),
            retry_after,
            cost: RETRY_COST,
        }
    } else {
        Outcome::Failed(error.into())
    }
}

/// Whether two URLs have one origin (scheme, host, port), without `Url::origin`'s allocations.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

pub(crate) enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// The body, when it is at most `limit` bytes (after decompression); stops reading beyond.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(ReadError::TooLarge);
    }
    let capacity = response
        .content_length()
        .unwrap_or(0)
        .min(1 << 20)
        .try_into()
        .unwrap_or(0);
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The first `limit` bytes of the body (an error response: whatever could be read).
async fn read_truncated(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    body
}

/// A random (version 4) UUID for `client-request-id`, from the std hasher's per-process random
/// keys, the clock and a counter (no `rand` dependency; unique, not secret).
pub(super) fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let random = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.finish()
    };
    let high = (random(1) & !0xf000) | 0x4000; // version 4
    let low = (random(2) & !(0b11 << 62)) | (0b10 << 62); // variant 1
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}
