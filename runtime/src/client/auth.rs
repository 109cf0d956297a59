//! Bearer tokens: where the client gets them, and how they stay out of logs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ClientError;

/// An OAuth access token: the secret and, when known, when it expires.
///
/// Its `Debug` never shows the secret:
///
/// ```
/// let token = graph_rt::AccessToken::new("eyJ0eXAi.secret");
/// assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
/// ```
#[derive(Clone)]
pub struct AccessToken {
    secret: Arc<str>,
    expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token that does not expire (as far as the client knows).
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: Arc::from(secret.into()),
            expires_at: None,
        }
    }

    /// A token that expires at `expires_at`.
    pub fn with_expiry(secret: impl Into<String>, expires_at: Instant) -> Self {
        Self {
            expires_at: Some(expires_at),
            ..Self::new(secret)
        }
    }

    /// A token that expires `expires_in` from now (the `expires_in` of a token response).
    pub fn expires_in(secret: impl Into<String>, expires_in: Duration) -> Self {
        Self::with_expiry(secret, Instant::now() + expires_in)
    }

    /// The secret, to put in `Authorization: Bearer …`. Do not log it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When it expires, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// Whether it is still good for `margin` from now.
    pub fn is_fresh(&self, margin: Duration) -> bool {
        match self.expires_at {
            None => true,
            Some(at) => Instant::now() + margin < at,
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AccessToken, ClientError>> + Send + 'a>>;

/// Where the client gets the bearer token, before every request (and every retry).
///
/// Implement it for your identity library; [`StaticToken`] and [`RefreshingToken`] cover the
/// common cases.
pub trait TokenProvider: Send + Sync {
    /// A token good for the next request.
    fn token(&self) -> TokenFuture<'_>;

    /// Graph refused `rejected` (401): forget it if it is still the current one. Resolves to
    /// whether a new token may be had, in which case the client sends the request once more.
    /// The default keeps the token and answers `false`.
    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        let _ = rejected;
        Box::pin(async { false })
    }
}

/// The future [`TokenProvider::reject`] returns.
pub type RejectFuture<'a> = Pin<Box<dyn Future<Output = bool> + Send + 'a>>;

impl<P: TokenProvider + ?Sized> TokenProvider for Arc<P> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        (**self).reject(rejected)
    }
}

impl<P: TokenProvider + ?Sized> TokenProvider for Box<P> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        (**self).reject(rejected)
    }
}

/// One token, for the life of the client (scripts, tests, a token obtained elsewhere).
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// The token `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(AccessToken::new(secret))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// A token fetched by a function of yours and kept until shortly before it expires; one fetch at
/// a time, however many requests wait for it.
///
/// ```
/// use graph_rt::{AccessToken, RefreshingToken};
/// use std::time::Duration;
///
/// let provider = RefreshingToken::new(|| async {
///     // Ask the identity platform here (client credentials, a managed identity, …).
///     Ok(AccessToken::expires_in("secret", Duration::from_secs(3600)))
/// });
/// # let _ = provider;
/// ```
pub struct RefreshingToken<F> {
    fetch: F,
    cached: tokio::sync::Mutex<Option<AccessToken>>,
    margin: Duration,
}

impl<F, Fut> RefreshingToken<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, ClientError>> + Send,
{
    /// A provider that calls `fetch` for a new token when it has none, or when the one it has
    /// expires within 5 minutes.
    pub fn new(fetch: F) -> Self {
        Self {
            fetch,
            cached: tokio::sync::Mutex::new(None),
            margin: Duration::from_secs(300),
        }
    }

    /// Fetches a new token when the cached one expires within `margin` (default 5 minutes).
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Forgets the cached token: the next request fetches a new one.
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }
}

impl<F, Fut> TokenProvider for RefreshingToken<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, ClientError>> + Send,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            // Held across the fetch: concurrent requests wait for the one refresh.
            let mut cached = self.cached.lock().await;
            if let Some(token) = cached.as_ref().filter(|t| t.is_fresh(self.margin)) {
                return Ok(token.clone());
            }
            let token = (self.fetch)().await?;
            *cached = Some(token.clone());
            Ok(token)
        })
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        Box::pin(async move {
            let mut cached = self.cached.lock().await;
            // Another request may have replaced it already: then that one is tried.
            if cached.as_ref().is_some_and(|t| t.secret == rejected.secret) {
                *cached = None;
            }
            true
        })
    }
}

impl<F> fmt::Debug for RefreshingToken<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken")
            .field("token", &"<redacted>")
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}
