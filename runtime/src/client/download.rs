//! Downloads: a response body as a stream of bytes (`…/content`, `$value`, report CSVs),
//! never held whole, that follows the redirect to the download URL without the token and
//! resumes with `Range` after a broken connection.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, RANGE};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::transfer::{header_pairs, read_small, OutBody, TransferError};
use super::{Client, GraphError};
use crate::{decode, Request, Value};

/// How many redirects a download follows itself, when the HTTP client did not.
const MAX_REDIRECTS: usize = 10;

/// A download in progress: read it [`chunk`](Self::chunk) by chunk, as a
/// [`Stream`](Self::into_stream), or [`write_to`](Self::write_to) any writer or
/// [`to_file`](Self::to_file). Made by [`Client::download`].
///
/// When the connection breaks before the end (the body is shorter than its `Content-Length`,
/// or the transfer fails), the next read asks again for the rest with `Range: bytes={n}-` —
/// to the download URL the service redirected to, without the token, or to Graph with it
/// when there was no redirect — and goes on (a server that ignores `Range` and sends the
/// whole body again is read past what was already returned). Up to 5 failures in a row.
pub struct Download {
    client: Client,
    resume: Resume,
    response: Option<reqwest::Response>,
    status: u16,
    headers: Vec<(String, String)>,
    received: u64,
    total: Option<u64>,
    /// Bytes to drop from the current body (a `200` answer to a `Range` request).
    skip: u64,
    failures: u32,
    max_failures: u32,
    read_timeout: std::time::Duration,
}

/// Where the rest of a download is asked for.
enum Resume {
    /// Graph itself, with the token (no redirect happened).
    Graph(Request<Value>),
    /// The pre-authenticated download URL, without the token.
    Url(reqwest::Url),
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("received", &self.received)
            .field("total", &self.total)
            .field("redirected", &matches!(self.resume, Resume::Url(_)))
            .finish_non_exhaustive()
    }
}

impl Download {
    /// The status of the first response (200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers of the first response, names in lower case.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The size, when the service gave it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.total
    }

    /// The `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// How many bytes were returned so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// How many failures in a row (broken connections, failed resumptions) the download
    /// survives (default 5); each waits as the client's retry policy says.
    #[must_use]
    pub fn max_failures(mut self, failures: u32) -> Self {
        self.max_failures = failures;
        self
    }

    /// How long a read may wait for the next bytes before the connection counts as broken
    /// (and the rest is asked for again): default 60 s.
    #[must_use]
    pub fn read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The next bytes, `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, TransferError> {
        loop {
            let Some(response) = self.response.as_mut() else {
                return Ok(None);
            };
            let limit = self.read_timeout;
            let read = match tokio::time::timeout(limit, response.chunk()).await {
                Ok(read) => read.map_err(TransferError::from),
                Err(_) => Err(TransferError::Protocol(format!(
                    "no bytes within {limit:?}"
                ))),
            };
            let failure = match read {
                Ok(Some(mut bytes)) => {
                    if self.skip > 0 {
                        let drop = self.skip.min(bytes.len() as u64);
                        // `drop` is at most `bytes.len()`, a `usize`.
                        bytes = bytes.slice(drop as usize..);
                        self.skip -= drop;
                        if bytes.is_empty() {
                            continue;
                        }
                    }
                    self.received += bytes.len() as u64;
                    self.failures = 0;
                    return Ok(Some(bytes));
                }
                Ok(None) => match self.total {
                    Some(total) if self.received < total => TransferError::Protocol(format!(
                        "the body ended after {} of {total} bytes",
                        self.received
                    )),
                    Some(total) if self.received > total => {
                        return Err(TransferError::Protocol(format!(
                            "the body has {} bytes, more than the {total} announced",
                            self.received
                        )))
                    }
                    _ => {
                        self.response = None;
                        return Ok(None);
                    }
                },
                Err(error) => error,
            };
            self.response = None;
            let mut failure = failure;
            loop {
                self.failures += 1;
                if self.failures > self.max_failures {
                    return Err(failure);
                }
                tokio::time::sleep(self.client.backoff(self.failures - 1, None)).await;
                match self.reopen().await {
                    Ok(()) => break,
                    Err(error) if retryable(&error) => failure = error,
                    Err(error) => return Err(error),
                }
            }
        }
    }

    /// Asks for the rest, from byte `received`.
    async fn reopen(&mut self) -> Result<(), TransferError> {
        let range = format!("bytes={}-", self.received);
        let response = match &self.resume {
            Resume::Graph(request) => {
                let response = self
                    .client
                    .send_streaming(request, &[("range", range.clone())], OutBody::Request)
                    .await?;
                let (response, resume) = follow(&self.client, response, Some(&range)).await?;
                if let Some(resume) = resume {
                    self.resume = resume;
                }
                response
            }
            Resume::Url(url) => {
                let mut headers = HeaderMap::new();
                if let Ok(value) = HeaderValue::from_str(&range) {
                    headers.insert(RANGE, value);
                }
                let response = self
                    .client
                    .send_preauthenticated(reqwest::Method::GET, url, headers, None)
                    .await?;
                check(response).await?
            }
        };
        match response.status().as_u16() {
            206 => {
                let content_range = response
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let start = content_range
                    .strip_prefix("bytes ")
                    .and_then(|rest| rest.split('-').next())
                    .and_then(|start| start.trim().parse::<u64>().ok());
                if start != Some(self.received) {
                    return Err(TransferError::Protocol(format!(
                        "asked for the bytes from {}, got `Content-Range: {content_range}`",
                        self.received
                    )));
                }
                if self.total.is_none() {
                    self.total = content_range
                        .rsplit('/')
                        .next()
                        .and_then(|t| t.parse().ok());
                }
            }
            200 => self.skip = self.received,
            status => {
                return Err(TransferError::Protocol(format!(
                    "asked for the rest of a download, got status {status}"
                )))
            }
        }
        self.response = Some(response);
        Ok(())
    }

    /// The bytes as a stream; it ends after the last one, or after an error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, TransferError>> + Send + 'static {
        stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|bytes| (bytes, download)))
        })
    }

    /// Writes every byte to `writer` (then flushes it); returns how many.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, TransferError> {
        let mut written = 0u64;
        while let Some(bytes) = self.chunk().await? {
            writer
                .write_all(&bytes)
                .await
                .map_err(TransferError::Sink)?;
            written += bytes.len() as u64;
        }
        writer.flush().await.map_err(TransferError::Sink)?;
        Ok(written)
    }

    /// Writes every byte to the file at `path` (created, or truncated); returns how many.
    pub async fn to_file(self, path: impl AsRef<Path>) -> Result<u64, TransferError> {
        let mut file = tokio::fs::File::create(path.as_ref())
            .await
            .map_err(TransferError::Sink)?;
        let written = self.write_to(&mut file).await?;
        file.sync_all().await.map_err(TransferError::Sink)?;
        Ok(written)
    }
}

fn retryable(error: &TransferError) -> bool {
    match error {
        TransferError::Client(super::ClientError::Transport(_)) => true,
        TransferError::Client(super::ClientError::Graph(error)) => {
            matches!(error.status, 408 | 429 | 500..=599)
        }
        _ => false,
    }
}

/// An error status of a pre-authenticated URL as an error.
async fn check(response: reqwest::Response) -> Result<reqwest::Response, TransferError> {
    let status = response.status().as_u16();
    if status < 400 {
        return Ok(response);
    }
    let (headers, body) = read_small(response).await?;
    Err(GraphError::from_response(status, &headers, &body).into())
}

/// Follows the redirects the HTTP client left (a `302` to the download URL), without the
/// token; the new place to resume from when the response came from another origin than
/// Graph's.
async fn follow(
    client: &Client,
    mut response: reqwest::Response,
    range: Option<&str>,
) -> Result<(reqwest::Response, Option<Resume>), TransferError> {
    let graph = client.inner.root_url.origin();
    let mut hops = 0;
    while response.status().is_redirection() {
        hops += 1;
        if hops > MAX_REDIRECTS {
            return Err(TransferError::Protocol("too many redirects".into()));
        }
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                TransferError::Protocol(format!(
                    "a {} redirect without a `Location`",
                    response.status().as_u16()
                ))
            })?;
        let next = response
            .url()
            .join(location)
            .map_err(|e| TransferError::Protocol(format!("the redirect `Location`: {e}")))?;
        if next.origin() == graph {
            return Err(TransferError::Protocol(
                "a redirect back to Graph during a download".into(),
            ));
        }
        let mut headers = HeaderMap::new();
        if let Some(value) = range.and_then(|r| HeaderValue::from_str(r).ok()) {
            headers.insert(RANGE, value);
        }
        response = check(
            client
                .send_preauthenticated(reqwest::Method::GET, &next, headers, None)
                .await?,
        )
        .await?;
    }
    let resume = (response.url().origin() != graph).then(|| Resume::Url(response.url().clone()));
    Ok((response, resume))
}

impl Client {
    /// Sends `request` (a `GET` of `…/content`, `…/$value`, a report) and returns its body as
    /// a [`Download`], unread. The redirect to the download URL is followed without the token.
    ///
    /// ```no_run
    /// # use graph_rt::{Client, Request, TransferError};
    /// # async fn run(client: &Client, content: Request<Vec<u8>>) -> Result<(), TransferError> {
    /// let bytes = client.download(&content).await?.to_file("copy.bin").await?;
    /// # let _ = bytes;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn download<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
    ) -> Result<Download, TransferError> {
        let resume_request = request
            .clone()
            .with_decoder(decode::any as crate::Decoder<Value>)
            .erase_query();
        // A connection that breaks before the head of the response: asked again (a `GET`).
        let mut failures = 0;
        let (response, resume) = loop {
            let attempt = async {
                let response = self.send_streaming(request, &[], OutBody::Request).await?;
                follow(self, response, None).await
            };
            match attempt.await {
                Ok(opened) => break opened,
                Err(TransferError::Client(super::ClientError::Transport(error)))
                    if failures < 5 && request.retryable() =>
                {
                    let _ = error;
                    failures += 1;
                    tokio::time::sleep(self.backoff(failures - 1, None)).await;
                }
                Err(error) => return Err(error),
            }
        };
        let status = response.status().as_u16();
        if status == 206 {
            return Err(TransferError::Protocol(
                "a partial answer (206) to a download that asked for the whole".into(),
            ));
        }
        Ok(Download {
            client: self.clone(),
            resume: resume.unwrap_or(Resume::Graph(resume_request)),
            status,
            headers: header_pairs(response.headers()),
            total: response.content_length(),
            response: Some(response),
            received: 0,
            skip: 0,
            failures: 0,
            max_failures: 5,
            read_timeout: std::time::Duration::from_secs(60),
        })
    }

    /// Downloads from a pre-authenticated URL (a driveItem's `@microsoft.graph.downloadUrl`,
    /// valid for about an hour), without the token, resuming with `Range` as
    /// [`download`](Self::download) does. The URL is a credential: it is kept out of error
    /// messages.
    pub async fn download_url(&self, url: &str) -> Result<Download, TransferError> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| TransferError::Invalid(format!("not a download URL: {e}")))?;
        let response = check(
            self.send_preauthenticated(reqwest::Method::GET, &url, HeaderMap::new(), None)
                .await?,
        )
        .await?;
        let (response, _) = follow(self, response, None).await?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) || status == 206 {
            return Err(TransferError::Protocol(format!(
                "the download URL answered {status}"
            )));
        }
        Ok(Download {
            client: self.clone(),
            resume: Resume::Url(response.url().clone()),
            status,
            headers: header_pairs(response.headers()),
            total: response.content_length(),
            response: Some(response),
            received: 0,
            skip: 0,
            failures: 0,
            max_failures: 5,
            read_timeout: std::time::Duration::from_secs(60),
        })
    }

    /// Downloads `request`'s body into `writer`; returns how many bytes.
    pub async fn download_to<T, S, Q, W: AsyncWrite + Unpin + ?Sized>(
        &self,
        request: &Request<T, S, Q>,
        writer: &mut W,
    ) -> Result<u64, TransferError> {
        self.download(request).await?.write_to(writer).await
    }

    /// Downloads `request`'s body into the file at `path`; returns how many bytes.
    pub async fn download_to_file<T, S, Q>(
        &self,
        request: &Request<T, S, Q>,
        path: impl AsRef<Path>,
    ) -> Result<u64, TransferError> {
        self.download(request).await?.to_file(path).await
    }
}
