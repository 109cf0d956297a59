//! JSON batching: many built requests in `POST /$batch` calls of at most 20, each response
//! matched back to its request by id and read as that request's type.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;

use super::{Client, ClientError, GraphError, RetryPolicy};
use crate::UrlPath;
use crate::{decode, Base64Bytes, Body, Decoder, Method, RawResponse, Request, Value};

/// Graph's limit of requests in one `$batch`; larger batches are sent in several calls.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// Tells handles of one batch from those of another.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Requests to send together with [`Client::send_batch`]. All must be of one API version.
///
/// ```no_run
/// # use graph_rt::{decode, Batch, Client, Method, Request, UrlPath, Value};
/// # async fn run(client: &Client) -> Result<(), graph_rt::ClientError> {
/// let mut batch = Batch::new();
/// let me = batch.add(Request::<Value>::new(
///     Method::Get, "v1.0", UrlPath::root().literal("me"), decode::json,
/// ));
/// let drive = batch.add(Request::<Value>::new(
///     Method::Get, "v1.0", UrlPath::root().literal("me").literal("drive"), decode::json,
/// ));
/// let mut responses = client.send_batch(batch).await?;
/// let me: Value = responses.take(me)?;
/// let drive = responses.take(drive); // its own error, if that one failed
/// # let _ = (me, drive);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Batch {
    serial: u64,
    version: Option<&'static str>,
    entries: Vec<Entry>,
    /// Set when requests of several versions were added.
    mixed: Option<String>,
}

#[derive(Debug)]
struct Entry {
    method: Method,
    /// `path_and_query()`: a path below the version, or an absolute link.
    target: String,
    headers: Vec<(String, String)>,
    body: Body,
    problem: Option<String>,
    retryable: bool,
}

/// Where to find the response of one request of a [`Batch`]; give it to
/// [`BatchResponses::take`].
#[derive(Debug)]
pub struct BatchHandle<T> {
    serial: u64,
    index: usize,
    decode: Decoder<T>,
}

impl<T> BatchHandle<T> {
    /// The request's id in the `$batch` body (`"1"`, `"2"`, …).
    pub fn id(&self) -> String {
        (self.index + 1).to_string()
    }
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self {
            serial: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            version: None,
            entries: Vec::new(),
            mixed: None,
        }
    }

    /// Adds `request`; its response will be read with its decoder. A request that cannot be
    /// sent ([`Request::problem`]) is not sent: its handle gives [`ClientError::Invalid`].
    pub fn add<T, S, Q>(&mut self, request: Request<T, S, Q>) -> BatchHandle<T> {
        let version = request.version();
        match self.version {
            None => self.version = Some(version),
            Some(first) if first != version => {
                self.mixed.get_or_insert_with(|| {
                    format!(
                        "a batch holds requests of one API version: `{first}` and `{version}` \
                         were added"
                    )
                });
            }
            Some(_) => {}
        }
        self.entries.push(Entry {
            method: request.method(),
            target: request.path_and_query(),
            headers: request.headers().to_vec(),
            body: request.body().clone(),
            problem: request.problem().map(str::to_owned),
            retryable: request.retryable(),
        });
        BatchHandle {
            serial: self.serial,
            index: self.entries.len() - 1,
            decode: request.decoder(),
        }
    }

    /// How many requests were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The API version of its requests (of the first one added).
    pub fn version(&self) -> Option<&'static str> {
        self.version
    }
}

/// The responses of a sent [`Batch`], by request.
#[derive(Debug)]
pub struct BatchResponses {
    serial: u64,
    outcomes: Vec<Option<Outcome>>,
}

#[derive(Debug)]
enum Outcome {
    NotSent(String),
    Response { raw: RawResponse, attempts: u32 },
}

impl BatchResponses {
    /// The response of the request of `handle`, read as its type: [`ClientError::Graph`] for
    /// an error status (from the sub-response's body), [`ClientError::Decode`],
    /// [`ClientError::Invalid`] when it was not sent, [`ClientError::Protocol`] when the
    /// service did not answer it.
    pub fn take<T>(&mut self, handle: BatchHandle<T>) -> Result<T, ClientError> {
        if handle.serial != self.serial {
            return Err(ClientError::Invalid(
                "the handle is of another batch".to_owned(),
            ));
        }
        match self.outcomes.get_mut(handle.index).and_then(Option::take) {
            None => Err(ClientError::Protocol(format!(
                "the `$batch` response has no response with id {} (or it was taken already)",
                handle.id()
            ))),
            Some(Outcome::NotSent(problem)) => Err(ClientError::Invalid(problem)),
            Some(Outcome::Response { raw, attempts }) => {
                if (200..300).contains(&raw.status) {
                    let status = raw.status;
                    (handle.decode)(raw).map_err(|error| ClientError::Decode { status, error })
                } else {
                    let mut error = GraphError::from_response(raw.status, &raw.headers, &raw.body);
                    error.attempts = attempts;
                    Err(error.into())
                }
            }
        }
    }

    /// The response of the request of `handle` as it came (body as bytes), if there is one.
    pub fn raw<T>(&self, handle: &BatchHandle<T>) -> Option<&RawResponse> {
        if handle.serial != self.serial {
            return None;
        }
        match self.outcomes.get(handle.index)? {
            Some(Outcome::Response { raw, .. }) => Some(raw),
            _ => None,
        }
    }
}

impl Client {
    /// Sends the requests of `batch` in `POST {root}/{version}/$batch` calls of at most
    /// [`MAX_BATCH_REQUESTS`], one after the other. Sub-requests that Graph throttles (429,
    /// 503, 504) are sent again as the retry policy allows, when they are retryable.
    ///
    /// The error is for the batch as a whole (mixed versions, a `$batch` call that failed);
    /// each request's own outcome comes from [`BatchResponses::take`].
    pub async fn send_batch(&self, batch: Batch) -> Result<BatchResponses, ClientError> {
        if let Some(problem) = batch.mixed {
            return Err(ClientError::Invalid(problem));
        }
        let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(batch.entries.len());
        outcomes.resize_with(batch.entries.len(), || None);
        let mut responses = BatchResponses {
            serial: batch.serial,
            outcomes,
        };
        let Some(version) = batch.version else {
            return Ok(responses);
        };
        let mut bodies: HashMap<usize, Value> = HashMap::new();
        for (index, entry) in batch.entries.iter().enumerate() {
            let json = match &entry.problem {
                Some(problem) => Err(problem.clone()),
                None => self.entry_json(index, entry, version),
            };
            match json {
                Ok(json) => {
                    bodies.insert(index, json);
                }
                Err(problem) => responses.outcomes[index] = Some(Outcome::NotSent(problem)),
            }
        }
        let mut sendable: Vec<usize> = bodies.keys().copied().collect();
        sendable.sort_unstable();
        for chunk in sendable.chunks(MAX_BATCH_REQUESTS) {
            self.send_chunk(version, chunk, &batch.entries, &bodies, &mut responses)
                .await?;
        }
        Ok(responses)
    }

    async fn send_chunk(
        &self,
        version: &'static str,
        chunk: &[usize],
        entries: &[Entry],
        bodies: &HashMap<usize, Value>,
        responses: &mut BatchResponses,
    ) -> Result<(), ClientError> {
        let policy = self.retry_policy();
        let mut pending: Vec<usize> = chunk.to_vec();
        let mut attempt: u32 = 0;
        while !pending.is_empty() {
            attempt += 1;
            let requests: Vec<Value> = pending
                .iter()
                .filter_map(|index| bodies.get(index).cloned())
                .collect();
            let mut post = Request::<Value>::new(
                Method::Post,
                version,
                UrlPath::root().literal("$batch"),
                decode::any,
            )
            .json_body(&json!({ "requests": requests }));
            if pending.iter().all(|&index| entries[index].retryable) {
                post = post.retry_non_idempotent();
            }
            let answer = self.send_ref(&post).await?;
            let Some(items) = answer.get("responses").and_then(Value::as_array) else {
                return Err(ClientError::Protocol(
                    "the `$batch` response has no `responses` array".into(),
                ));
            };
            let mut throttled = Vec::new();
            let mut wait = None;
            for item in items {
                let id = match item.get("id") {
                    Some(Value::String(id)) => id.clone(),
                    Some(Value::Number(id)) => id.to_string(),
                    _ => {
                        return Err(ClientError::Protocol(
                            "a `$batch` response has no `id`".into(),
                        ))
                    }
                };
                let index = id
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .filter(|index| pending.contains(index))
                    .ok_or_else(|| {
                        ClientError::Protocol(format!(
                            "the `$batch` response has the id `{id}`, which was not asked"
                        ))
                    })?;
                let raw = sub_response(item);
                if RetryPolicy::is_retryable_status(raw.status)
                    && entries[index].retryable
                    && attempt <= policy.max_retries
                {
                    let after = raw
                        .header("retry-after")
                        .and_then(super::retry::parse_retry_after);
                    wait = wait.max(after);
                    throttled.push(index);
                    continue;
                }
                responses.outcomes[index] = Some(Outcome::Response {
                    raw,
                    attempts: attempt,
                });
            }
            if !throttled.is_empty() {
                tokio::time::sleep(policy.delay(attempt - 1, wait)).await;
            }
            pending = throttled;
        }
        Ok(())
    }

    /// One request of the `$batch` body: `{"id", "method", "url", "headers", "body"}`; the
    /// error is why it cannot go in a batch.
    fn entry_json(&self, index: usize, entry: &Entry, version: &str) -> Result<Value, String> {
        let url = if entry.target.starts_with('/') || entry.target.is_empty() {
            entry.target.clone()
        } else {
            // A link (`nextLink`): it must be below this client's root and version.
            let prefix = format!("{}/{version}", self.root());
            match entry.target.strip_prefix(&prefix) {
                Some(rest) if rest.starts_with('/') || rest.starts_with('?') => rest.to_owned(),
                _ => {
                    return Err(format!(
                        "the link `{}` is not below `{prefix}`: it cannot go in this batch",
                        entry.target
                    ))
                }
            }
        };
        let mut headers = serde_json::Map::new();
        for (name, value) in &entry.headers {
            headers.insert(name.clone(), Value::String(value.clone()));
        }
        let has_content_type = |h: &serde_json::Map<String, Value>| {
            h.keys().any(|k| k.eq_ignore_ascii_case("content-type"))
        };
        let body = match &entry.body {
            Body::None => None,
            Body::Json(value) => {
                if !has_content_type(&headers) {
                    headers.insert("Content-Type".into(), "application/json".into());
                }
                Some(value.clone())
            }
            Body::Bytes { content_type, data } => {
                headers.retain(|k, _| !k.eq_ignore_ascii_case("content-type"));
                headers.insert("Content-Type".into(), Value::String(content_type.clone()));
                Some(Value::String(
                    Base64Bytes::from_bytes(data.clone()).as_str().to_owned(),
                ))
            }
        };
        let mut request = json!({
            "id": (index + 1).to_string(),
            "method": entry.method.as_str(),
            "url": url,
        });
        if !headers.is_empty() {
            request["headers"] = Value::Object(headers);
        }
        if let Some(body) = body {
            request["body"] = body;
        }
        Ok(request)
    }
}

/// A `$batch` sub-response as a [`RawResponse`]: a JSON body back to bytes; a string body of a
/// non-JSON content type is base64 (Graph's encoding), decoded when it is valid base64.
fn sub_response(item: &Value) -> RawResponse {
    let status = item
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = item
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(name, value)| {
                    let value = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (name.to_ascii_lowercase(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let is_json = headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .is_none_or(|(_, value)| value.contains("json"));
    let body = match item.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) if !is_json => match Base64Bytes::parse(text) {
            Ok(bytes) => bytes.into_bytes(),
            Err(_) => text.as_bytes().to_vec(),
        },
        Some(value) => serde_json::to_vec(value).unwrap_or_default(),
    };
    RawResponse {
        status,
        headers,
        body,
    }
}
