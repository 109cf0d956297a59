//! Blocking calls (feature `blocking`), for scripts and tests: the async [`Client`] driven by
//! a current-thread tokio runtime of its own.
//!
//! Do not use it inside an async runtime: a blocking call there panics (tokio refuses to
//! block a runtime thread), use the async [`Client`] instead.

use futures_util::StreamExt;

use super::{BatchResponses, ClientError, Delta};
use crate::{Page, RawResponse, Request};

/// A [`Client`] whose calls block until done.
///
/// ```no_run
/// # fn run() -> Result<(), graph_rt::ClientError> {
/// use graph_rt::{blocking, decode, Client, Method, Page, Request, StaticToken, UrlPath, Value};
///
/// let client = blocking::Client::new(Client::builder(StaticToken::new("eyJ0eXAi…")).build()?)?;
/// let users: Request<Page<Value>> =
///     Request::new(Method::Get, "v1.0", UrlPath::root().literal("users"), decode::page);
/// for user in client.items(users) {
///     println!("{}", user?);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Client {
    client: super::Client,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    /// Blocking calls through `client`.
    pub fn new(client: super::Client) -> Result<Self, ClientError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                ClientError::Invalid(format!("no tokio runtime for blocking calls: {e}"))
            })?;
        Ok(Self { client, runtime })
    }

    /// The async client inside.
    pub fn async_client(&self) -> &super::Client {
        &self.client
    }

    /// [`Client::send`](super::Client::send), blocking.
    pub fn send<T, S, Q>(&self, request: Request<T, S, Q>) -> Result<T, ClientError> {
        self.runtime.block_on(self.client.send(request))
    }

    /// [`Client::send_raw`](super::Client::send_raw), blocking.
    pub fn send_raw<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
    ) -> Result<RawResponse, ClientError> {
        self.runtime.block_on(self.client.send_raw(request))
    }

    /// [`Client::all`](super::Client::all), blocking.
    pub fn all<T, S, Q>(&self, request: Request<Page<T>, S, Q>) -> Result<Vec<T>, ClientError>
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        self.runtime.block_on(self.client.all(request))
    }

    /// [`Client::delta`](super::Client::delta), blocking.
    pub fn delta<T, S, Q>(&self, request: Request<Page<T>, S, Q>) -> Result<Delta<T>, ClientError> {
        self.runtime.block_on(self.client.delta(request))
    }

    /// [`Client::run_action`](super::Client::run_action), blocking.
    pub fn run_action<S, Q>(
        &self,
        request: Request<crate::Accepted, S, Q>,
        wait: super::ActionWait,
    ) -> Result<super::ActionStatus, ClientError> {
        self.runtime.block_on(self.client.run_action(request, wait))
    }

    /// [`Client::wait_for_action`](super::Client::wait_for_action), blocking.
    pub fn wait_for_action(
        &self,
        accepted: &crate::Accepted,
        version: &str,
        wait: super::ActionWait,
    ) -> Result<super::ActionStatus, ClientError> {
        self.runtime
            .block_on(self.client.wait_for_action(accepted, version, wait))
    }

    /// [`Client::send_batch`](super::Client::send_batch), blocking.
    pub fn send_batch(&self, batch: super::Batch) -> Result<BatchResponses, ClientError> {
        self.runtime.block_on(self.client.send_batch(batch))
    }

    /// The pages of a list as an iterator; each `next` fetches one page.
    pub fn pages<'a, T, S, Q>(
        &'a self,
        request: Request<Page<T>, S, Q>,
    ) -> impl Iterator<Item = Result<Page<T>, ClientError>> + 'a
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        let mut pages = Box::pin(self.client.pages(request));
        std::iter::from_fn(move || self.runtime.block_on(pages.next()))
    }

    /// The items of a list as an iterator, one page held at a time.
    pub fn items<'a, T, S, Q>(
        &'a self,
        request: Request<Page<T>, S, Q>,
    ) -> impl Iterator<Item = Result<T, ClientError>> + 'a
    where
        T: Send + 'static,
        S: 'static,
        Q: 'static,
    {
        let mut items = Box::pin(self.client.items(request));
        std::iter::from_fn(move || self.runtime.block_on(items.next()))
    }
}

impl From<Client> for super::Client {
    fn from(client: Client) -> Self {
        client.client
    }
}
