//! The async client (feature `client`, on by default): sends [`Request`]s with a bearer token,
//! retries throttled ones, follows `@odata.nextLink`, runs delta queries and `$batch`es.

mod auth;
mod batch;
mod download;
mod error;
mod retry;
mod transfer;
mod upload;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};

use crate::{Body, Page, RawResponse, Request};

pub use auth::{
    AccessToken, RefreshingToken, RejectFuture, StaticToken, TokenFuture, TokenProvider,
};
pub use batch::{Batch, BatchHandle, BatchResponses, MAX_BATCH_REQUESTS};
pub use download::Download;
pub use error::{ClientError, GraphError};
pub use retry::RetryPolicy;
pub use transfer::{CancelToken, TransferError};
pub use upload::{
    ByteRange, UploadProgress, UploadSessionInfo, UploadSource, UploadTask, DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE, SIMPLE_UPLOAD_MAX, UPLOAD_FRAGMENT,
};

/// Graph's root; the API version follows it (`https://graph.microsoft.com/v1.0/…`).
pub const GRAPH_ROOT: &str = "https://graph.microsoft.com";

/// Sends requests to Microsoft Graph. Cheap to clone (one connection pool, shared); make one
/// and use it everywhere.
///
/// ```no_run
/// use graph_rt::{decode, Client, Method, Page, Request, StaticToken, UrlPath, Value};
/// use futures_util::TryStreamExt;
///
/// # async fn run() -> Result<(), graph_rt::ClientError> {
/// let client = Client::builder(StaticToken::new("eyJ0eXAi…")).build()?;
///
/// // One request: `GET https://graph.microsoft.com/v1.0/users/{id}`.
/// let user: Value = Request::<Value>::new(
///     Method::Get,
///     "v1.0",
///     UrlPath::root().literal("users").key("a/../b?x"), // one segment: `a%2F..%2Fb%3Fx`
///     decode::json,
/// )
/// .send(&client)
/// .await?;
///
/// // A list, page after page, as a stream of items.
/// let users: Request<Page<Value>> =
///     Request::new(Method::Get, "v1.0", UrlPath::root().literal("users"), decode::page);
/// let mut items = std::pin::pin!(client.items(users.clone()));
/// while let Some(user) = items.try_next().await? {
///     println!("{user}");
/// }
/// // Or all at once.
/// let all: Vec<Value> = client.all(users).await?;
/// # let _ = (user, all);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without a trailing `/`.
    root: String,
    root_url: reqwest::Url,
    token: Box<dyn TokenProvider>,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.inner.root)
            .field("retry", &self.inner.retry)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; made by [`Client::builder`].
pub struct ClientBuilder {
    token: Box<dyn TokenProvider>,
    root: String,
    allow_http: bool,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    max_redirects: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("root", &self.root)
            .field("allow_http", &self.allow_http)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The service root (default [`GRAPH_ROOT`]); a request for version `v` of path `/p` goes
    /// to `{root}/{v}/p`. National clouds have their own (`https://graph.microsoft.us`).
    #[must_use]
    pub fn root(mut self, root: &str) -> Self {
        self.root = root.trim_end_matches('/').to_owned();
        self
    }

    /// Allows an `http://` root (a local test server). Without it [`build`](Self::build)
    /// refuses one, and no request or redirect leaves `https`.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// How throttled requests are retried (default: 3 retries, backoff from 500 ms, at most
    /// 30 s per wait).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A limit for each attempt of a request, from connecting to the end of the body (default:
    /// none).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A limit for connecting (default: none).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` (default `graph-rt/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.user_agent = user_agent.to_owned();
        self
    }

    /// How many redirects a request follows (default 10). `Authorization` is never sent on to
    /// another host or port.
    #[must_use]
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// The client; an error when the root is not an `https` URL (or `http` with
    /// [`allow_http`](Self::allow_http)).
    pub fn build(self) -> Result<Client, ClientError> {
        let root_url = reqwest::Url::parse(&self.root)
            .map_err(|e| ClientError::Invalid(format!("the root `{}`: {e}", self.root)))?;
        match root_url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(ClientError::Invalid(format!(
                    "the root `{}` is not https (the token would travel in clear); \
                     call `allow_http(true)` for a local test server",
                    self.root
                )))
            }
            other => {
                return Err(ClientError::Invalid(format!(
                    "the root `{}` has the scheme `{other}`, not https",
                    self.root
                )))
            }
        }
        if root_url.query().is_some() || root_url.fragment().is_some() || !root_url.has_host() {
            return Err(ClientError::Invalid(format!(
                "the root `{}` must be a host (and path) without query or fragment",
                self.root
            )));
        }
        let max_redirects = self.max_redirects;
        // reqwest's `limited` policy, and no step down from https to http (same host and port
        // keep `Authorization`; reqwest drops it for another host or port).
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            let downgrade = attempt
                .previous()
                .last()
                .is_some_and(|previous| previous.scheme() == "https")
                && attempt.url().scheme() != "https";
            if attempt.previous().len() > max_redirects {
                attempt.error("too many redirects")
            } else if downgrade {
                attempt.error("a redirect from https to http (the token would travel in clear)")
            } else {
                attempt.follow()
            }
        });
        let mut http = reqwest::Client::builder()
            .https_only(!self.allow_http)
            .redirect(redirects)
            .user_agent(self.user_agent);
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        let http = http.build().map_err(ClientError::Transport)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root: self.root,
                root_url,
                token: self.token,
                retry: self.retry,
            }),
        })
    }
}

/// The result of a delta query followed to its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta<T> {
    /// The items of every page: changed items, and removed ones (with `@removed`).
    pub items: Vec<T>,
    /// `@odata.deltaLink`: store it, and resume later with
    /// `client.delta(request.at_link(&delta_link))`.
    pub delta_link: String,
}

impl Client {
    /// A builder for a client that gets its tokens from `token`.
    pub fn builder(token: impl TokenProvider + 'static) -> ClientBuilder {
        ClientBuilder {
            token: Box::new(token),
            root: GRAPH_ROOT.to_owned(),
            allow_http: false,
            retry: RetryPolicy::default(),
            timeout: None,
            connect_timeout: None,
            user_agent: concat!("graph-rt/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_redirects: 10,
        }
    }

    /// The service root, without a trailing `/`.
    pub fn root(&self) -> &str {
        &self.inner.root
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// Sends `request` and reads the response as its type.
    ///
    /// Errors: [`ClientError::Invalid`] (not sent: see [`Request::problem`]),
    /// [`ClientError::Graph`] (an error status, after the retries the policy allows),
    /// [`ClientError::Decode`], [`ClientError::Transport`], [`ClientError::Auth`].
    pub async fn send<T, S, Q>(&self, request: Request<T, S, Q>) -> Result<T, ClientError> {
        self.send_ref(&request).await
    }

    async fn send_ref<T, S, Q>(&self, request: &Request<T, S, Q>) -> Result<T, ClientError> {
        let raw = self.send_raw(request).await?;
        let status = raw.status;
        request
            .decode(raw)
            .map_err(|error| ClientError::Decode { status, error })
    }

    /// Sends `request` and returns the successful (2xx) response as it came, undecoded. Error
    /// statuses are errors, as with [`send`](Self::send).
    pub async fn send_raw<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
    ) -> Result<RawResponse, ClientError> {
        if let Some(problem) = request.problem() {
            return Err(ClientError::Invalid(problem.to_owned()));
        }
        let url = self.url_of(request)?;
        let method = match request.method() {
            crate::Method::Get => reqwest::Method::GET,
            crate::Method::Post => reqwest::Method::POST,
            crate::Method::Patch => reqwest::Method::PATCH,
            crate::Method::Put => reqwest::Method::PUT,
            crate::Method::Delete => reqwest::Method::DELETE,
        };
        let mut headers = HeaderMap::new();
        for (name, value) in request.headers() {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ClientError::Invalid(format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                ClientError::Invalid(format!(
                    "the header `{name}` has a value a header cannot hold"
                ))
            })?;
            headers.append(name, value);
        }
        let body: Option<Vec<u8>> = match request.body() {
            Body::None => None,
            Body::Json(value) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                Some(serde_json::to_vec(value).map_err(|e| {
                    ClientError::Invalid(format!("the JSON body does not serialize: {e}"))
                })?)
            }
            Body::Bytes { content_type, data } => {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    ClientError::Invalid(format!("`{content_type}` is not a content type"))
                })?;
                headers.insert(CONTENT_TYPE, value);
                Some(data.clone())
            }
        };
        let retryable = request.retryable();
        let policy = self.inner.retry;
        let mut attempt: u32 = 0;
        // A 401 gets one more try with a new token, when the provider can get one (the request
        // was not processed: safe to repeat whatever its method).
        let mut token_rejected = false;
        loop {
            attempt += 1;
            let may_retry = retryable && attempt <= policy.max_retries;
            let token = self.inner.token.token().await?;
            let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
                .map_err(|_| {
                    ClientError::Auth("the token has characters a header cannot hold".into())
                })?;
            // Kept out of reqwest's `Debug` and HTTP/2 header compression tables.
            authorization.set_sensitive(true);
            let mut attempt_headers = headers.clone();
            attempt_headers.insert(AUTHORIZATION, authorization);
            let mut builder = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .headers(attempt_headers);
            if let Some(body) = &body {
                builder = builder.body(body.clone());
            }
            let response = match builder.send().await {
                Ok(response) => response,
                Err(error) => {
                    // Not sent (connect) or no answer in time: safe to repeat when idempotent.
                    if may_retry && (error.is_connect() || error.is_timeout()) {
                        tokio::time::sleep(policy.delay(attempt - 1, None)).await;
                        continue;
                    }
                    return Err(ClientError::Transport(error));
                }
            };
            let status = response.status().as_u16();
            let response_headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let bytes = match response.bytes().await {
                Ok(bytes) => bytes,
                Err(error) => {
                    if may_retry && error.is_timeout() {
                        tokio::time::sleep(policy.delay(attempt - 1, None)).await;
                        continue;
                    }
                    return Err(ClientError::Transport(error));
                }
            };
            if (200..300).contains(&status) {
                return Ok(RawResponse {
                    status,
                    headers: response_headers,
                    body: bytes.to_vec(),
                });
            }
            if status == 401 && !token_rejected {
                token_rejected = true;
                if self.inner.token.reject(&token).await {
                    continue;
                }
            }
            let mut error = GraphError::from_response(status, &response_headers, &bytes);
            error.attempts = attempt;
            if may_retry && RetryPolicy::is_retryable_status(status) {
                tokio::time::sleep(policy.delay(attempt - 1, error.retry_after)).await;
                continue;
            }
            return Err(error.into());
        }
    }

    /// The URL of `request`; a link (`nextLink`, `deltaLink`) must stay on the root's origin,
    /// since the token goes with it.
    fn url_of<T, S, Q>(&self, request: &Request<T, S, Q>) -> Result<reqwest::Url, ClientError> {
        let url = request.url(&self.inner.root);
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| ClientError::Invalid(format!("`{url}` is not a URL: {e}")))?;
        if parsed.origin() != self.inner.root_url.origin() {
            return Err(ClientError::Invalid(format!(
                "the link `{url}` leaves `{}`: the token is sent to the client's root only",
                self.inner.root
            )));
        }
        Ok(parsed)
    }

    /// The pages of a list, following `@odata.nextLink` (each next request is
    /// `request.at_link(next)`). The stream ends after the last page, or after an error.
    pub fn pages<T, S, Q>(
        &self,
        request: Request<Page<T>, S, Q>,
    ) -> impl Stream<Item = Result<Page<T>, ClientError>> + Send + 'static
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        let client = self.clone();
        stream::try_unfold(Some(request), move |state| {
            let client = client.clone();
            async move {
                let Some(request) = state else {
                    return Ok(None);
                };
                let page = client.send_ref(&request).await?;
                let next = next_request(&request, &page)?;
                Ok::<_, ClientError>(Some((page, next)))
            }
        })
    }

    /// The items of a list, page after page.
    pub fn items<T, S, Q>(
        &self,
        request: Request<Page<T>, S, Q>,
    ) -> impl Stream<Item = Result<T, ClientError>> + Send + 'static
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        self.pages(request)
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
    }

    /// All the items of a list (every page).
    pub async fn all<T, S, Q>(&self, request: Request<Page<T>, S, Q>) -> Result<Vec<T>, ClientError>
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        let mut pages = std::pin::pin!(self.pages(request));
        let mut items = Vec::new();
        while let Some(page) = pages.next().await {
            items.extend(page?.value);
        }
        Ok(items)
    }

    /// Runs a delta query to its end: follows `@odata.nextLink` and returns every item with the
    /// final `@odata.deltaLink`. Resume later from a stored link with
    /// `client.delta(request.at_link(&stored))`.
    ///
    /// ```no_run
    /// # use graph_rt::{decode, Client, Method, Page, Request, UrlPath, Value};
    /// # async fn run(client: &Client, stored: Option<String>) -> Result<(), graph_rt::ClientError> {
    /// let delta: Request<Page<Value>> = Request::new(
    ///     Method::Get,
    ///     "v1.0",
    ///     UrlPath::root().literal("users").call("delta", &[]),
    ///     decode::page,
    /// );
    /// let request = match &stored {
    ///     Some(link) => delta.at_link(link), // only the changes since then
    ///     None => delta,                     // everything, the first time
    /// };
    /// let result = client.delta(request).await?;
    /// println!("{} changes", result.items.len());
    /// let stored = result.delta_link; // keep it for next time
    /// # let _ = stored;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delta<T, S, Q>(
        &self,
        request: Request<Page<T>, S, Q>,
    ) -> Result<Delta<T>, ClientError> {
        let mut request = request;
        let mut items = Vec::new();
        loop {
            let page = self.send_ref(&request).await?;
            let next = next_request(&request, &page)?;
            items.extend(page.value);
            match (next, page.delta_link) {
                (Some(next), _) => request = next,
                (None, Some(delta_link)) => return Ok(Delta { items, delta_link }),
                (None, None) => {
                    return Err(ClientError::Protocol(
                        "the last page of the delta query has no `@odata.deltaLink`".into(),
                    ))
                }
            }
        }
    }
}

/// The request of the page after `page`, if any; an error when the service links a page to
/// itself (which would loop forever).
fn next_request<T, P, S, Q>(
    request: &Request<T, S, Q>,
    page: &Page<P>,
) -> Result<Option<Request<T, S, Q>>, ClientError> {
    let Some(link) = page.next_link.as_deref() else {
        return Ok(None);
    };
    if request.path_and_query() == link {
        return Err(ClientError::Protocol(format!(
            "`@odata.nextLink` `{link}` is the page itself"
        )));
    }
    Ok(Some(request.clone().at_link(link)))
}

impl<T, S, Q> Request<T, S, Q> {
    /// Sends the request with `client` ([`Client::send`]).
    pub async fn send(self, client: &Client) -> Result<T, ClientError> {
        client.send(self).await
    }
}
