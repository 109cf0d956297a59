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
        let now = Instant::now();
        // An absurd `expires_in` (a server's `u64::MAX`) is "far in the future", not a panic.
        let at = now
            .checked_add(expires_in)
            .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
            .unwrap_or(now);
        Self::with_expiry(secret, at)
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
            Some(at) => Instant::now()
                .checked_add(margin)
                .is_some_and(|limit| limit < at),
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

/// A token fetched by a function of yours and kept until shortly before it expires.
///
/// - One fetch at a time (single-flight), however many requests need a token; requests that
///   still have a valid token never wait for it.
/// - Within the refresh margin (default 5 minutes before expiry) the token is refreshed, but
///   while it is still valid a failed refresh does not fail requests: they keep the token.
/// - After a failed fetch the next one waits (1 s, doubling up to 60 s); meanwhile requests
///   without a valid token get the last error at once instead of fetching in turn.
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
    state: std::sync::Mutex<RefreshState>,
    /// Held by the one fetch in flight.
    refresh: tokio::sync::Mutex<()>,
    margin: Duration,
    min_backoff: Duration,
    max_backoff: Duration,
}

#[derive(Default)]
struct RefreshState {
    cached: Option<AccessToken>,
    /// Failed fetches in a row.
    failures: u32,
    /// No fetch before this, after a failure.
    retry_at: Option<Instant>,
    last_error: Option<String>,
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
            state: std::sync::Mutex::new(RefreshState::default()),
            refresh: tokio::sync::Mutex::new(()),
            margin: Duration::from_secs(300),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }

    /// Fetches a new token when the cached one expires within `margin` (default 5 minutes).
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The wait after a failed fetch: `first`, doubling after each further failure up to
    /// `max` (default 1 s to 60 s).
    #[must_use]
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.min_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// Forgets the cached token: the next request fetches a new one.
    pub async fn invalidate(&self) {
        let mut state = self.lock_state();
        state.cached = None;
        state.retry_at = None;
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, RefreshState> {
        // A panic elsewhere while holding it leaves plain data: still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the cache answers without fetching: a fresh token, a valid one while another
    /// fetch runs or after a failure, or the last error during the backoff.
    fn cached(&self, fetching_elsewhere: bool) -> Option<Result<AccessToken, ClientError>> {
        let state = self.lock_state();
        let now = Instant::now();
        let valid = state.cached.as_ref().filter(|t| t.is_fresh(Duration::ZERO));
        if let Some(token) = valid {
            let in_backoff = state.retry_at.is_some_and(|at| now < at);
            if token.is_fresh(self.margin) || fetching_elsewhere || in_backoff {
                return Some(Ok(token.clone()));
            }
            return None;
        }
        if state.retry_at.is_some_and(|at| now < at) {
            let error = state
                .last_error
                .as_deref()
                .unwrap_or("the token fetch failed");
            return Some(Err(ClientError::Auth(format!(
                "{error} (the last fetch failed; the next is not tried before its backoff ends)"
            ))));
        }
        None
    }
}

impl<F, Fut> TokenProvider for RefreshingToken<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, ClientError>> + Send,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            if let Some(answer) = self.cached(false) {
                return answer;
            }
            // Single flight: the first to need a token fetches it. Others with a valid token
            // keep using it; others without one wait for this fetch.
            let guard = match self.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => {
                    if let Some(answer) = self.cached(true) {
                        return answer;
                    }
                    self.refresh.lock().await
                }
            };
            // Another fetch may have finished while this one waited.
            if let Some(answer) = self.cached(false) {
                return answer;
            }
            let fetched = (self.fetch)().await;
            let mut state = self.lock_state();
            drop(guard);
            match fetched {
                Ok(token) => {
                    state.cached = Some(token.clone());
                    state.failures = 0;
                    state.retry_at = None;
                    state.last_error = None;
                    Ok(token)
                }
                Err(error) => {
                    state.failures = state.failures.saturating_add(1);
                    let backoff = self
                        .min_backoff
                        .saturating_mul(1u32 << (state.failures - 1).min(16))
                        .min(self.max_backoff);
                    state.retry_at = Instant::now().checked_add(backoff);
                    state.last_error = Some(error.to_string());
                    // A token that has not expired yet keeps serving.
                    match state.cached.as_ref().filter(|t| t.is_fresh(Duration::ZERO)) {
                        Some(token) => Ok(token.clone()),
                        None => Err(error),
                    }
                }
            }
        })
    }

    fn reject<'a>(&'a self, rejected: &'a AccessToken) -> RejectFuture<'a> {
        Box::pin(async move {
            let mut state = self.lock_state();
            // Another request may have replaced it already: then that one is tried.
            if state
                .cached
                .as_ref()
                .is_some_and(|t| t.secret == rejected.secret)
            {
                state.cached = None;
                state.retry_at = None;
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
