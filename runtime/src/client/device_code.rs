//! Delegated sign-in by device code (feature `device-code`): the user opens a page on any
//! device and types a code; the program polls until the sign-in is done. The OAuth exchanges
//! are the `oauth2` crate's; requests go through graph-rt's reqwest.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, DeviceAuthorizationUrl, RefreshToken, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse, TokenUrl,
};

use super::ClientError;
use super::{AccessToken, Cloud, RefreshingToken, RejectFuture, TokenFuture, TokenProvider};

/// What to show the user: open `verification_uri` and enter `user_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    /// The code to type.
    pub user_code: String,
    /// The page to open (`https://microsoft.com/devicelogin`).
    pub verification_uri: String,
    /// How long the code is good for.
    pub expires_in: Duration,
    /// A ready sentence naming both.
    pub message: String,
}

type Prompt = dyn Fn(&DeviceCodePrompt) + Send + Sync;
type Fetch = Box<dyn Fn() -> TokenFuture<'static> + Send + Sync>;

/// A [`TokenProvider`] signing a user in by device code: the first request shows the prompt
/// (through your callback) and waits for the sign-in; later tokens come from the refresh
/// token, silently (`offline_access` is asked for), 5 minutes before expiry.
///
/// ```no_run
/// # fn run() -> Result<(), graph_rt::ClientError> {
/// use graph_rt::{Client, Cloud, DeviceCodeCredential};
///
/// let credential = DeviceCodeCredential::new(
///     &Cloud::Global,
///     "organizations",
///     "your-app-client-id",
///     &["User.Read"],
///     |prompt| eprintln!("{}", prompt.message),
/// )?;
/// # async fn later(credential: DeviceCodeCredential) -> Result<(), graph_rt::ClientError> {
/// credential.sign_in().await?; // shows the prompt, waits for the user
/// let client = Client::builder(credential).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// # let _ = credential;
/// # Ok(())
/// # }
/// ```
pub struct DeviceCodeCredential {
    inner: RefreshingToken<Fetch>,
}

struct Flow {
    oauth: BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    scopes: Vec<Scope>,
    http: Sender,
    prompt: Box<Prompt>,
    refresh_token: Mutex<Option<RefreshToken>>,
}

impl DeviceCodeCredential {
    /// Signs in to `tenant` (an id, a domain, `organizations` or `common`) of `cloud`, as the
    /// public client application `client_id`, for the delegated `scopes` (Graph permission
    /// names such as `User.Read`, or full scope URLs). `prompt` gets what to show the user.
    pub fn new(
        cloud: &Cloud,
        tenant: &str,
        client_id: &str,
        scopes: &[&str],
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            // Following redirects would open the token exchange to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(super::USER_AGENT)
            .build()
            .map_err(ClientError::Transport)?;
        Self::with_http(cloud, tenant, client_id, scopes, http, prompt)
    }

    /// As [`new`](Self::new), sending with `http` (build it with `redirect(Policy::none())`).
    pub fn with_http(
        cloud: &Cloud,
        tenant: &str,
        client_id: &str,
        scopes: &[&str],
        http: reqwest::Client,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Result<Self, ClientError> {
        let base = format!("{}/{tenant}/oauth2/v2.0", cloud.login_authority());
        let invalid = |e: oauth2::url::ParseError| {
            ClientError::Invalid(format!("the login authority `{base}`: {e}"))
        };
        let oauth = BasicClient::new(ClientId::new(client_id.to_owned()))
            .set_token_uri(TokenUrl::new(format!("{base}/token")).map_err(invalid)?)
            .set_device_authorization_url(
                DeviceAuthorizationUrl::new(format!("{base}/devicecode")).map_err(invalid)?,
            );
        let graph = cloud.graph_root();
        let mut scopes: Vec<Scope> = scopes
            .iter()
            .map(|s| {
                // `User.Read` is Graph's; a full URL or an OpenID scope is taken as it is.
                if s.contains("://") || matches!(*s, "openid" | "profile" | "email") {
                    Scope::new((*s).to_owned())
                } else {
                    Scope::new(format!("{graph}/{s}"))
                }
            })
            .collect();
        scopes.push(Scope::new("offline_access".to_owned()));
        let flow = Arc::new(Flow {
            oauth,
            scopes,
            http: Sender(http),
            prompt: Box::new(prompt),
            refresh_token: Mutex::new(None),
        });
        let fetch: Fetch = Box::new(move || {
            let flow = flow.clone();
            Box::pin(async move { flow.token().await })
        });
        Ok(Self {
            inner: RefreshingToken::new(fetch),
        })
    }
}

/// Sends oauth2's requests with graph-rt's reqwest.
struct Sender(reqwest::Client);

type SendFuture<'c> =
    Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + 'c>>;

impl<'c> oauth2::AsyncHttpClient<'c> for Sender {
    type Error = HttpError;
    type Future = SendFuture<'c>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut builder = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await?;
            builder
                .body(body.to_vec())
                .map_err(|e| HttpError::Response(e.to_string()))
        })
    }
}

impl Flow {
    async fn token(&self) -> Result<AccessToken, ClientError> {
        let stored = self
            .refresh_token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let send = &self.http;
        let response = match stored {
            Some(refresh) => self
                .oauth
                .exchange_refresh_token(&refresh)
                .add_scopes(self.scopes.clone())
                .request_async(send)
                .await
                .map_err(|e| auth_error("refreshing the token", &e))?,
            None => {
                let details: StandardDeviceAuthorizationResponse = self
                    .oauth
                    .exchange_device_code()
                    .add_scopes(self.scopes.clone())
                    .request_async(send)
                    .await
                    .map_err(|e| auth_error("asking for a device code", &e))?;
                let prompt = DeviceCodePrompt {
                    user_code: details.user_code().secret().clone(),
                    verification_uri: details.verification_uri().to_string(),
                    expires_in: details.expires_in(),
                    message: format!(
                        "To sign in, open {} and enter the code {}",
                        details.verification_uri().as_str(),
                        details.user_code().secret()
                    ),
                };
                (self.prompt)(&prompt);
                self.oauth
                    .exchange_device_access_token(&details)
                    .request_async(send, tokio::time::sleep, None)
                    .await
                    .map_err(|e| auth_error("waiting for the sign-in", &e))?
            }
        };
        if let Some(refresh) = response.refresh_token() {
            *self
                .refresh_token
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(refresh.clone());
        }
        let secret = response.access_token().secret().clone();
        Ok(match response.expires_in() {
            Some(expires_in) => AccessToken::expires_in(secret, expires_in),
            None => AccessToken::new(secret),
        })
    }
}

fn auth_error(what: &str, error: &dyn std::error::Error) -> ClientError {
    let mut text = format!("device code sign-in, {what}: {error}");
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    ClientError::Auth(text)
}

/// A transport error of the identity requests.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The request did not get a response.
    #[error(transparent)]
    Transport(#[from] reqwest::Error),
    /// The response could not be passed on.
    #[error("{0}")]
    Response(String),
}

impl DeviceCodeCredential {
    /// Signs in now, outside any request's deadline (the client's per-attempt limit, 60 s by
    /// default, also bounds a token fetch, and a user may take longer to type the code): call
    /// it once before the first request of an interactive program.
    pub async fn sign_in(&self) -> Result<(), ClientError> {
        self.inner.token().await.map(drop)
    }
}

impl TokenProvider for DeviceCodeCredential {
    fn token(&self) -> TokenFuture<'_> {
        self.inner.token()
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        self.inner.reject(rejected)
    }
}

impl fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCodeCredential")
            .finish_non_exhaustive()
    }
}
