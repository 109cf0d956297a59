//! Sign-in with any Azure Identity credential (feature `azure-identity`): client secret,
//! client certificate, managed identity, workload identity, Azure CLI.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::http::{AsyncRawResponse, HttpClient, Request, StatusCode};

use super::{AccessToken, ClientBuilder, ClientError, Cloud, RefreshingToken, TokenProvider};
use super::{RejectFuture, TokenFuture};

pub use azure_core;
pub use azure_identity;

/// A [`TokenProvider`] over an `azure_core` [`TokenCredential`]: asks for the Graph scope of
/// its cloud, caches the token and refreshes it 5 minutes before it expires (single-flight,
/// keeping a valid token when a refresh fails; see [`RefreshingToken`]).
pub struct AzureCredential {
    inner: RefreshingToken<Box<dyn Fn() -> TokenFuture<'static> + Send + Sync>>,
}

impl AzureCredential {
    /// Tokens from `credential` for the Graph of `cloud`.
    pub fn new(credential: Arc<dyn TokenCredential>, cloud: &Cloud) -> Self {
        let scope = cloud.graph_scope();
        let fetch: Box<dyn Fn() -> TokenFuture<'static> + Send + Sync> = Box::new(move || {
            let credential = credential.clone();
            let scope = scope.clone();
            Box::pin(async move {
                let token = credential
                    .get_token(&[scope.as_str()], None)
                    .await
                    .map_err(|e| ClientError::Auth(format!("Azure Identity: {e}")))?;
                let left = token.expires_on - azure_core::time::OffsetDateTime::now_utc();
                let left = Duration::from_secs(u64::try_from(left.whole_seconds()).unwrap_or(0));
                Ok(AccessToken::expires_in(token.token.secret(), left))
            })
        });
        Self {
            inner: RefreshingToken::new(fetch),
        }
    }
}

impl TokenProvider for AzureCredential {
    fn token(&self) -> TokenFuture<'_> {
        self.inner.token()
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        self.inner.reject(rejected)
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential").finish_non_exhaustive()
    }
}

impl super::Client {
    /// A builder for a client of `cloud`'s Graph signed in with `credential`:
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use graph_rt::azure::azure_identity::ClientSecretCredential;
    /// use graph_rt::{azure, Client, Cloud};
    ///
    /// let credential = ClientSecretCredential::new(
    ///     "tenant-id",
    ///     "client-id".into(),
    ///     "secret".to_owned().into(),
    ///     Some(azure::azure_identity::ClientSecretCredentialOptions {
    ///         client_options: azure::client_options(&Cloud::Global, reqwest::Client::new()),
    ///     }),
    /// )?;
    /// let client = Client::with_credential(credential, Cloud::Global).build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_credential(credential: Arc<dyn TokenCredential>, cloud: Cloud) -> ClientBuilder {
        let token = AzureCredential::new(credential, &cloud);
        super::Client::builder(token).cloud(cloud)
    }
}

/// `ClientOptions` for an `azure_identity` credential: the login authority of `cloud`, and
/// requests sent with `http` (graph-rt's reqwest: no second HTTP stack; its proxy and root
/// certificates apply). Build `http` with `redirect(Policy::none())`.
pub fn client_options(cloud: &Cloud, http: reqwest::Client) -> azure_core::http::ClientOptions {
    client_options_with(cloud, Arc::new(Transport::new(http)))
}

/// As [`client_options`], sending with any `azure_core` [`HttpClient`].
pub fn client_options_with(
    cloud: &Cloud,
    transport: Arc<dyn HttpClient>,
) -> azure_core::http::ClientOptions {
    use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
    let configuration = match cloud {
        Cloud::Global => CloudConfiguration::AzurePublic,
        Cloud::UsGovL4 | Cloud::UsGovL5Dod => CloudConfiguration::AzureGovernment,
        Cloud::China => CloudConfiguration::AzureChina,
        Cloud::Custom { .. } => {
            let mut custom = CustomConfiguration::default();
            custom.authority_host = cloud.login_authority().to_owned();
            CloudConfiguration::Custom(custom)
        }
    };
    azure_core::http::ClientOptions {
        cloud: Some(Arc::new(configuration)),
        transport: Some(azure_core::http::Transport::new(transport)),
        ..Default::default()
    }
}

/// An `azure_core` [`HttpClient`] over graph-rt's reqwest (0.12).
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    /// Requests for the first origin go to the second instead.
    redirect: Option<(reqwest::Url, reqwest::Url)>,
}

impl Transport {
    /// Sends with `http`.
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            redirect: None,
        }
    }

    /// Sends the requests meant for the origin of `from` (`https://login.example`) to the
    /// origin of `to` instead, same path and query: a private endpoint, or a local test server
    /// (`azure_identity` only accepts `https` authorities).
    pub fn send_origin_to(mut self, from: &str, to: &str) -> Result<Self, ClientError> {
        let parse = |url: &str| {
            reqwest::Url::parse(url).map_err(|e| ClientError::Invalid(format!("`{url}`: {e}")))
        };
        self.redirect = Some((parse(from)?, parse(to)?));
        Ok(self)
    }

    fn target(&self, url: &reqwest::Url) -> reqwest::Url {
        match &self.redirect {
            Some((from, to)) if url.origin() == from.origin() => {
                let mut target = to.clone();
                target.set_path(url.path());
                target.set_query(url.query());
                target
            }
            _ => url.clone(),
        }
    }
}

#[async_trait::async_trait]
impl HttpClient for Transport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        use azure_core::error::{Error, ErrorKind};
        use azure_core::http::headers::{HeaderName, HeaderValue, Headers};
        let method =
            reqwest::Method::from_bytes(request.method().as_str().as_bytes()).map_err(|e| {
                Error::with_error(ErrorKind::Other, e, "an HTTP method reqwest refuses")
            })?;
        let url = reqwest::Url::parse(request.url().as_str())
            .map_err(|e| Error::with_error(ErrorKind::Other, e, "a URL reqwest refuses"))?;
        let mut builder = self.http.request(method, self.target(&url));
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = match request.body() {
            azure_core::http::Body::Bytes(bytes) => bytes.to_vec(),
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::with_message(
                    ErrorKind::Other,
                    "graph-rt's transport sends in-memory bodies only",
                ))
            }
        };
        let response = builder.body(body).send().await.map_err(|e| {
            let kind = if e.is_connect() {
                ErrorKind::Connection
            } else {
                ErrorKind::Io
            };
            Error::with_error(kind, e, "the identity request failed")
        })?;
        let status = StatusCode::from(response.status().as_u16());
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            if let Ok(value) = value.to_str() {
                headers.insert(
                    HeaderName::from(name.as_str().to_owned()),
                    HeaderValue::from(value.to_owned()),
                );
            }
        }
        // Token responses are small: 1 MiB is plenty.
        let mut response = response;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::with_error(ErrorKind::Io, e, "reading the identity response"))?
        {
            if bytes.len() + chunk.len() > 1 << 20 {
                return Err(Error::with_message(
                    ErrorKind::Io,
                    "the identity response is longer than 1 MiB",
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(AsyncRawResponse::from_bytes(status, headers, bytes))
    }
}
