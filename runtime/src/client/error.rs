//! What can go wrong when sending: Graph's own errors, parsed from the error body, and the
//! client's.

use std::fmt;
use std::time::Duration;

use crate::Value;

/// How many characters of a body that is not Graph's error JSON an error shows.
const BODY_EXCERPT_CHARS: usize = 200;

/// An error response of Microsoft Graph (status 4xx/5xx), with what its body and headers say.
///
/// Its `Display` names the HTTP status, Graph's error code and message, and the request id to
/// quote to Microsoft support:
///
/// ```
/// use graph_rt::GraphError;
/// let body = br#"{"error":{"code":"Request_ResourceNotFound",
///     "message":"Resource 'x' does not exist.",
///     "innerError":{"date":"2024-01-01T00:00:00","request-id":"1234"}}}"#;
/// let error = GraphError::from_response(404, &[], body);
/// assert_eq!(
///     error.to_string(),
///     "HTTP 404 Not Found: Request_ResourceNotFound: Resource 'x' does not exist. \
///      (request-id 1234, date 2024-01-01T00:00:00)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphError {
    /// The HTTP status.
    pub status: u16,
    /// `error.code`, such as `Request_ResourceNotFound` or `TooManyRequests`.
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// The request id (`error.innerError.request-id`, else the `request-id` header).
    pub request_id: Option<String>,
    /// The client request id (`error.innerError.client-request-id`, else the header).
    pub client_request_id: Option<String>,
    /// When the service saw the request (`error.innerError.date`, else the `Date` header).
    pub date: Option<String>,
    /// `error.innerError` as it came (some APIs nest a more specific code there).
    pub inner_error: Option<Value>,
    /// `error.details`, when present.
    pub details: Vec<Value>,
    /// What `Retry-After` asked for (on 429/503), capped by nothing.
    pub retry_after: Option<Duration>,
    /// The start of the body when it is not Graph's error JSON (an HTML gateway page, text).
    pub body_excerpt: Option<String>,
    /// How many times the request was sent (more than 1 when it was retried).
    pub attempts: u32,
}

impl GraphError {
    /// Parses an error response: `headers` with any case of names, `body` as received.
    pub fn from_response(status: u16, headers: &[(String, String)], body: &[u8]) -> Self {
        let json = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice::<Value>(body).ok()
        };
        let mut error = Self::from_json(status, headers, json.as_ref());
        if error.code.is_none() && error.message.is_none() && !body.is_empty() {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if !text.is_empty() {
                error.body_excerpt = Some(excerpt(text));
            }
        }
        error
    }

    /// Reads an error from a body already parsed as JSON (a `$batch` sub-response).
    pub fn from_json(status: u16, headers: &[(String, String)], body: Option<&Value>) -> Self {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let error = body.and_then(|b| b.get("error")).filter(|e| e.is_object());
        let text = |value: Option<&Value>, key: &str| {
            value
                .and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let inner = error.and_then(|e| e.get("innerError").or_else(|| e.get("innererror")));
        let mut result = Self {
            status,
            code: text(error, "code"),
            message: text(error, "message"),
            request_id: text(inner, "request-id").or_else(|| header("request-id")),
            client_request_id: text(inner, "client-request-id")
                .or_else(|| header("client-request-id")),
            date: text(inner, "date").or_else(|| header("date")),
            inner_error: inner.cloned(),
            details: error
                .and_then(|e| e.get("details"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            retry_after: header("retry-after").and_then(|v| super::retry::parse_retry_after(&v)),
            body_excerpt: None,
            attempts: 1,
        };
        if error.is_none() {
            if let Some(body) = body {
                result.body_excerpt = Some(excerpt(&body.to_string()));
            }
        }
        result
    }

    /// The reason phrase of the status (`Not Found`).
    pub fn reason(&self) -> &'static str {
        reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
    }

    /// Whether Graph throttled the request (429, or 503 with `Retry-After`).
    pub fn is_throttled(&self) -> bool {
        self.status == 429 || (self.status == 503 && self.retry_after.is_some())
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        let reason = self.reason();
        if !reason.is_empty() {
            write!(f, " {reason}")?;
        }
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) => match &self.body_excerpt {
                Some(body) => write!(f, ": {body}")?,
                None => f.write_str(" (empty body)")?,
            },
        }
        let mut extra = Vec::new();
        if let Some(id) = &self.request_id {
            extra.push(format!("request-id {id}"));
        }
        if let Some(id) = &self.client_request_id {
            if self.request_id.as_ref() != Some(id) {
                extra.push(format!("client-request-id {id}"));
            }
        }
        if let Some(date) = &self.date {
            extra.push(format!("date {date}"));
        }
        if self.attempts > 1 {
            extra.push(format!("after {} attempts", self.attempts));
        }
        if let Some(wait) = self.retry_after {
            extra.push(format!("Retry-After {}s", wait.as_secs_f64()));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

/// Why a request did not give its typed response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Graph answered with an error status; its code, message and request id are inside.
    #[error("{0}")]
    Graph(Box<GraphError>),
    /// The request did not get a response: connection refused, TLS, timeout, redirect loop.
    #[error("transport error: {}", chain(.0))]
    Transport(#[source] reqwest::Error),
    /// A successful response that does not read as the operation's type.
    #[error("HTTP {status}: the response does not read as the expected type: {error}")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// What did not convert, with its JSON path.
        #[source]
        error: crate::Error,
    },
    /// The request was not sent: it was built wrong (see [`Request::problem`]), it would
    /// leave the client's root, or the client is configured wrong (an `http://` root).
    ///
    /// [`Request::problem`]: crate::Request::problem
    #[error("request not sent: {0}")]
    Invalid(String),
    /// The token provider failed.
    #[error("could not get an access token: {0}")]
    Auth(String),
    /// The service's answer does not follow Graph's protocol (a `$batch` response without an
    /// id asked for, a delta query ending without `@odata.deltaLink`, a `nextLink` loop).
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// No answer in time: `stage` is `"attempt"` (one attempt, token fetch and body included;
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) or `"call"` (the whole call
    /// with its retries; [`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)).
    #[error("timed out: no complete answer within the {stage} limit of {limit:?} (after {attempts} attempt(s))")]
    Timeout {
        /// `"attempt"` or `"call"`.
        stage: &'static str,
        /// The limit that fired.
        limit: Duration,
        /// How many attempts were made (the last one included).
        attempts: u32,
    },
    /// The response body is longer than the client reads into memory
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); the
    /// rest was not read and the connection closed.
    #[error("HTTP {status}: the response body exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },
    /// Graph throttled the request and asks to wait longer than the client may
    /// ([`RetryPolicy::max_delay`](crate::RetryPolicy::max_delay), or past the call's deadline):
    /// not retried early; `retry_after` is the wait the service asked for.
    #[error("{error}: not retried, the service asks to wait {retry_after:?}, more than the client's limit of {limit:?}")]
    WaitTooLong {
        /// What `Retry-After` asked for.
        retry_after: Duration,
        /// The longest wait the client allowed at that point.
        limit: Duration,
        /// The throttled response.
        error: Box<GraphError>,
    },
    /// A list went on for more pages than the limit
    /// ([`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) or
    /// [`Client::pages_at_most`](crate::Client::pages_at_most)).
    #[error("the list has more than {limit} pages (the limit set)")]
    PageLimit {
        /// The limit.
        limit: usize,
    },
}

impl ClientError {
    /// The HTTP status, when a response came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Graph(error) | Self::WaitTooLong { error, .. } => Some(error.status),
            Self::Decode { status, .. } | Self::TooLarge { status, .. } => Some(*status),
            Self::Transport(error) => error.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Graph's error, when the service answered with one.
    pub fn graph(&self) -> Option<&GraphError> {
        match self {
            Self::Graph(error) | Self::WaitTooLong { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<GraphError> for ClientError {
    fn from(error: GraphError) -> Self {
        Self::Graph(Box::new(error))
    }
}

/// An error and its sources, `: `-separated (reqwest's own message is terse).
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = inner.source();
    }
    out
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(BODY_EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
