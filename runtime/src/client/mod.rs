//! The async client (feature `client`, on by default): sends [`Request`]s with a bearer token,
//! retries throttled ones, follows `@odata.nextLink`, runs delta queries and `$batch`es.

mod action;
mod auth;
#[cfg(feature = "azure-identity")]
pub mod azure;
mod batch;
#[cfg(feature = "blocking")]
pub mod blocking;
mod cloud;
#[cfg(feature = "device-code")]
mod device_code;
mod download;
mod error;
mod retry;
mod send;
mod transfer;
mod upload;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderValue, CONTENT_TYPE};

use crate::{Body, Page, RawResponse, Request};

pub use action::{ActionState, ActionStatus, ActionWait};
pub use auth::{
    AccessToken, RefreshingToken, RejectFuture, StaticToken, TokenFuture, TokenProvider,
};
pub use batch::{Batch, BatchHandle, BatchResponses, MAX_BATCH_REQUESTS};
pub use cloud::Cloud;
#[cfg(feature = "device-code")]
pub use device_code::{DeviceCodeCredential, DeviceCodePrompt, HttpError as DeviceCodeHttpError};
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

/// The default `User-Agent`: this SDK and its version.
pub const USER_AGENT: &str = concat!(
    "graph-rt/",
    env!("CARGO_PKG_VERSION"),
    " (Microsoft Graph SDK for Rust)"
);

/// The default limit on a response body read into memory (64 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 << 20;

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
    budget: retry::RetryBudget,
    limits: Limits,
    allow_http: bool,
}

/// The limits a call runs within.
#[derive(Debug, Clone, Copy)]
struct Limits {
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    max_response_bytes: u64,
    max_pages: Option<usize>,
    max_redirects: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.inner.root)
            .field("retry", &self.inner.retry)
            .field("limits", &self.inner.limits)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; made by [`Client::builder`].
///
/// Defaults: 10 s to connect, 60 s per attempt (token fetch, sending and reading the body), 5
/// minutes per call with its retries, 64 MiB per response body, no page limit, 10 redirects, a
/// retry budget of 500 tokens, gzip on, proxies from the environment (`HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
pub struct ClientBuilder {
    token: Box<dyn TokenProvider>,
    root: String,
    allow_http: bool,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    max_redirects: usize,
    max_response_bytes: u64,
    max_pages: Option<usize>,
    retry_budget: u32,
    proxy: Option<String>,
    proxy_from_env: bool,
    root_certificates: Vec<Vec<u8>>,
    http: Option<reqwest::Client>,
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

    /// The Graph root of a national cloud ([`Cloud::graph_root`]); the default is
    /// [`Cloud::Global`].
    #[must_use]
    pub fn cloud(self, cloud: Cloud) -> Self {
        let root = cloud.graph_root().to_owned();
        self.root(&root)
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

    /// A limit for each attempt of a request, from getting the token to the end of the body
    /// (default 60 s). An idempotent request that times out is retried.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-attempt limit (the call's own still applies).
    #[must_use]
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// A limit for the whole call, its retries and their waits included (default 5 minutes;
    /// `None`: none). A `Retry-After` that would end past it ends the call at once.
    #[must_use]
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// A limit for connecting (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The most bytes of a response body read into memory (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB, after decompression): a longer body ends the
    /// call with [`ClientError::TooLarge`] without being read further.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most pages [`Client::pages`], [`items`](Client::items), [`all`](Client::all) and
    /// [`delta`](Client::delta) follow (default: no limit); one more is
    /// [`ClientError::PageLimit`].
    #[must_use]
    pub fn max_pages(mut self, limit: Option<usize>) -> Self {
        self.max_pages = limit;
        self
    }

    /// The client-wide retry budget (default 500): a retry after a throttled or failed
    /// response takes 5 tokens, one after a timeout or a broken connection 10, a success gives
    /// one back. With the bucket empty nothing is retried, so a client does not pile retries
    /// on a service that is down.
    #[must_use]
    pub fn retry_budget(mut self, tokens: u32) -> Self {
        self.retry_budget = tokens;
        self
    }

    /// Sends every request through this proxy (`http://host:port`, `socks5://…` not
    /// supported); it replaces the proxies of the environment.
    #[must_use]
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = Some(url.to_owned());
        self
    }

    /// Whether `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (any case) are
    /// honoured (default: yes).
    #[must_use]
    pub fn proxy_from_env(mut self, yes: bool) -> Self {
        self.proxy_from_env = yes;
        self
    }

    /// Trusts this root certificate (PEM) besides the built-in ones (a TLS-inspecting proxy,
    /// a test server).
    #[must_use]
    pub fn add_root_certificate(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// Sends with this `reqwest::Client` instead of one the builder makes: proxy, root
    /// certificates, connect timeout and user agent are then its own. Give it
    /// `redirect(reqwest::redirect::Policy::none())`: the client follows redirects itself (no
    /// token and no body to another origin).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The `User-Agent` (default [`USER_AGENT`], `graph-rt/<version> (…)`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.user_agent = user_agent.to_owned();
        self
    }

    /// How many redirects a request follows (default 10). `Authorization` is never sent on to
    /// another origin, nor a body (a 307/308 there fails), nor `Referer`.
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
        let http = match self.http {
            Some(http) => http,
            None => {
                // Redirects are followed by the client itself (`send.rs`), which knows the
                // body and the token's origin; reqwest sends no `Referer` then.
                let mut http = reqwest::Client::builder()
                    .https_only(!self.allow_http)
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false)
                    .user_agent(self.user_agent)
                    .gzip(true);
                if let Some(timeout) = self.connect_timeout {
                    http = http.connect_timeout(timeout);
                }
                if let Some(proxy) = &self.proxy {
                    let proxy = reqwest::Proxy::all(proxy)
                        .map_err(|e| ClientError::Invalid(format!("the proxy `{proxy}`: {e}")))?;
                    http = http.proxy(proxy);
                } else if !self.proxy_from_env {
                    http = http.no_proxy();
                }
                for pem in &self.root_certificates {
                    let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                        ClientError::Invalid(format!("a root certificate does not read: {e}"))
                    })?;
                    if certificates.is_empty() {
                        return Err(ClientError::Invalid(
                            "a root certificate does not read: no PEM certificate in it".into(),
                        ));
                    }
                    for certificate in certificates {
                        http = http.add_root_certificate(certificate);
                    }
                }
                http.build().map_err(ClientError::Transport)?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root: self.root,
                root_url,
                token: self.token,
                retry: self.retry,
                budget: retry::RetryBudget::new(self.retry_budget),
                limits: Limits {
                    attempt_timeout: self.timeout,
                    call_timeout: self.call_timeout,
                    max_response_bytes: self.max_response_bytes,
                    max_pages: self.max_pages,
                    max_redirects: self.max_redirects,
                },
                allow_http: self.allow_http,
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
            timeout: Some(Duration::from_secs(60)),
            call_timeout: Some(Duration::from_secs(300)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: USER_AGENT.to_owned(),
            max_redirects: 10,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: None,
            retry_budget: 500,
            proxy: None,
            proxy_from_env: true,
            root_certificates: Vec::new(),
            http: None,
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
        let call = self.call_of(request, send::ReplyMode::Read)?;
        send::execute(&self.inner, call).await
    }

    /// `request` as a call: its URL (on the root's origin), method, headers and body.
    fn call_of<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
        reply: send::ReplyMode,
    ) -> Result<send::Call, ClientError> {
        if let Some(problem) = request.problem() {
            return Err(ClientError::Invalid(problem.to_owned()));
        }
        let url = self.url_of(request)?;
        let method = transfer::reqwest_method(request.method());
        let mut headers = transfer::header_map(request.headers())?;
        let body = match request.body() {
            Body::None => send::CallBody::Empty,
            Body::Json(value) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                send::CallBody::Bytes(bytes::Bytes::from(serde_json::to_vec(value).map_err(
                    |e| ClientError::Invalid(format!("the JSON body does not serialize: {e}")),
                )?))
            }
            Body::Bytes { content_type, data } => {
                let value = HeaderValue::from_str(content_type).map_err(|_| {
                    ClientError::Invalid(format!("`{content_type}` is not a content type"))
                })?;
                headers.insert(CONTENT_TYPE, value);
                send::CallBody::Bytes(bytes::Bytes::from(data.clone()))
            }
        };
        Ok(send::Call {
            method,
            url,
            template: format!("/{}{}", request.version(), request.template()),
            headers,
            body,
            idempotent: request.retryable(),
            reply,
        })
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
    /// `request.at_link(next)`). The stream ends after the last page, or after an error: a link
    /// to a page already seen (a loop, `A → B → A`) is [`ClientError::Protocol`], a page
    /// beyond [`ClientBuilder::max_pages`] is [`ClientError::PageLimit`]. It holds one page at
    /// a time and asks for the next one only when polled.
    pub fn pages<T, S, Q>(
        &self,
        request: Request<Page<T>, S, Q>,
    ) -> impl Stream<Item = Result<Page<T>, ClientError>> + Send + 'static
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        self.pages_at_most(request, self.inner.limits.max_pages)
    }

    /// As [`pages`](Self::pages), with this page limit (`None`: none) instead of the client's.
    pub fn pages_at_most<T, S, Q>(
        &self,
        request: Request<Page<T>, S, Q>,
        max_pages: Option<usize>,
    ) -> impl Stream<Item = Result<Page<T>, ClientError>> + Send + 'static
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        let client = self.clone();
        let state = Some((request, PageTrail::new(max_pages)));
        stream::try_unfold(state, move |state| {
            let client = client.clone();
            async move {
                let Some((request, mut trail)) = state else {
                    return Ok(None);
                };
                trail.visit(&client, &request)?;
                let page = client.send_ref(&request).await?;
                let next = next_request(&request, &page);
                Ok::<_, ClientError>(Some((page, next.map(|next| (next, trail)))))
            }
        })
    }

    /// The items of a list, page after page; one page is held at a time, the next fetched
    /// when its items are used up.
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

    /// All the items of a list (every page, within [`ClientBuilder::max_pages`]).
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
        let mut trail = PageTrail::new(self.inner.limits.max_pages);
        loop {
            trail.visit(self, &request)?;
            let page = self.send_ref(&request).await?;
            let next = next_request(&request, &page);
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

/// The request of the page after `page`, if any.
fn next_request<T, P, S, Q>(
    request: &Request<T, S, Q>,
    page: &Page<P>,
) -> Option<Request<T, S, Q>> {
    let link = page.next_link.as_deref()?;
    Some(request.clone().at_link(link))
}

/// The pages a list has visited: a link seen before is a loop, one page too many the limit.
struct PageTrail {
    seen: HashSet<String>,
    max_pages: Option<usize>,
}

impl PageTrail {
    fn new(max_pages: Option<usize>) -> Self {
        Self {
            seen: HashSet::new(),
            max_pages,
        }
    }

    /// Records the page `request` asks for, before it is sent.
    fn visit<T, S, Q>(
        &mut self,
        client: &Client,
        request: &Request<T, S, Q>,
    ) -> Result<(), ClientError> {
        if let Some(limit) = self.max_pages {
            if self.seen.len() >= limit {
                return Err(ClientError::PageLimit { limit });
            }
        }
        // The URL as sent (a relative and an absolute link to the same page are one page).
        let url = client.url_of(request)?;
        if !self.seen.insert(url.as_str().to_owned()) {
            return Err(ClientError::Protocol(format!(
                "`@odata.nextLink` `{url}` links back to a page already read (after {} pages): \
                 the pages loop",
                self.seen.len()
            )));
        }
        Ok(())
    }
}

/// What gives every request its `send(&client)`.
impl crate::Sender for Client {
    type Error = ClientError;

    fn send_request<T, S, Q>(
        &self,
        request: Request<T, S, Q>,
    ) -> impl std::future::Future<Output = Result<T, ClientError>> {
        self.send(request)
    }
}
