//! Long-running actions (`concepts/long-running-actions-overview.md`): Graph answers
//! `202 Accepted` and a `Location` where the action's progress is reported: a Graph address
//! (`/teams('…')/operations('…')`, a `teamsAsyncOperation`, relative to the API version's
//! root) or a monitor URL on another host (a drive item's copy, an `asyncJobStatus`), which is
//! short-lived, unique to the caller and read without the token. These calls read that status
//! once, or until the action ends.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::retry::parse_retry_after;
use super::{send, Client, ClientError};
use crate::{Accepted, JsonMap, RawResponse, Request};

/// Where a long-running action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionState {
    /// `notStarted`.
    NotStarted,
    /// `inProgress`, `running`, `waiting`.
    Running,
    /// `completed`, `succeeded`; or the monitor answered with the action's result instead of
    /// a status (a monitor URL may redirect to the copied item).
    Succeeded,
    /// `failed`, `deleteFailed`, `cancelled`, `canceled`: see [`ActionStatus::error`].
    Failed,
    /// Another value of `status`, as sent (`invalid`, `unknownFutureValue`, …).
    Other(String),
}

impl ActionState {
    fn of(status: &str) -> Self {
        match status {
            "notStarted" => Self::NotStarted,
            "inProgress" | "running" | "waiting" => Self::Running,
            "completed" | "succeeded" => Self::Succeeded,
            "failed" | "deleteFailed" | "cancelled" | "canceled" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether the action is over: succeeded, failed, or a state this crate does not know
    /// (waiting for it would never end).
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::NotStarted | Self::Running)
    }
}

/// One status report of a long-running action: the common fields of `asyncJobStatus`,
/// `teamsAsyncOperation` and `richLongRunningOperation`, and the whole body.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionStatus {
    /// `status`.
    pub state: ActionState,
    /// `percentageComplete`, when reported.
    pub percentage_complete: Option<f64>,
    /// The id of what the action made or changed: `resourceId` or `targetResourceId`.
    pub resource_id: Option<String>,
    /// Where that is: `resourceLocation` or `targetResourceLocation`.
    pub resource_location: Option<String>,
    /// `error`, when the action failed (an `operationError` or a `publicError`).
    pub error: Option<Value>,
    /// `Retry-After` of this report: when to look again.
    pub retry_after: Option<Duration>,
    /// The report as sent (or, when the monitor answered with the result itself, the result).
    pub body: JsonMap,
}

impl ActionStatus {
    fn from_response(raw: &RawResponse) -> Result<Self, ClientError> {
        let body: JsonMap = if raw.body.iter().all(u8::is_ascii_whitespace) {
            JsonMap::new()
        } else {
            match serde_json::from_slice::<Value>(&raw.body) {
                Ok(Value::Object(map)) => map.into_iter().collect(),
                Ok(_) | Err(_) => {
                    return Err(ClientError::Protocol(format!(
                        "HTTP {}: the action's status is not a JSON object",
                        raw.status
                    )))
                }
            }
        };
        let text = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| body.get(*n).and_then(Value::as_str))
                .map(str::to_owned)
        };
        let state = match body.get("status").and_then(Value::as_str) {
            Some(status) => ActionState::of(status),
            // No status: the result itself (after the monitor's redirect), or a bare 202.
            None if raw.status == 202 => ActionState::Running,
            None => ActionState::Succeeded,
        };
        Ok(Self {
            state,
            percentage_complete: body.get("percentageComplete").and_then(Value::as_f64),
            resource_id: text(&["resourceId", "targetResourceId"]),
            resource_location: text(&["resourceLocation", "targetResourceLocation"]),
            error: body.get("error").filter(|e| !e.is_null()).cloned(),
            retry_after: raw.header("retry-after").and_then(parse_retry_after),
            body,
        })
    }
}

/// How [`Client::wait_for_action`] polls: the first (and shortest) wait, the longest
/// wait between two reports (each wait doubles up to it, or is what `Retry-After` asks, capped
/// by it), and how long to wait in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionWait {
    /// The first wait when `Retry-After` names none, and the shortest wait. Default 1 s.
    pub first: Duration,
    /// The longest wait between two reports. Default 30 s.
    pub max_interval: Duration,
    /// How long to wait in all before [`ClientError::Timeout`] (stage `"action"`). Default
    /// 10 minutes.
    pub timeout: Duration,
}

impl Default for ActionWait {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(600),
        }
    }
}

impl Client {
    /// Reads the status of a long-running action once, at `accepted.location`. A location
    /// relative to the API version's root (`/teams('…')/operations('…')`) is read on the
    /// client's root for `version` (`"v1.0"`, `"beta"`: the accepted request's
    /// [`Request::version`]) with the token; a monitor URL on another host is read without it.
    ///
    /// Errors: [`ClientError::Invalid`] (no location, or not an https URL),
    /// [`ClientError::Protocol`] (the status is not a JSON object), and those of
    /// [`send`](Self::send).
    pub async fn action_status(
        &self,
        accepted: &Accepted,
        version: &str,
    ) -> Result<ActionStatus, ClientError> {
        let url = self.location_url(accepted, version)?;
        let raw = send::execute(
            &self.inner,
            send::Call {
                method: reqwest::Method::GET,
                template: format!("/{version}/(action status)"),
                url,
                headers: HeaderMap::new(),
                body: send::CallBody::Empty,
                idempotent: true,
                reply: send::ReplyMode::Read,
            },
        )
        .await?;
        ActionStatus::from_response(&raw)
    }

    /// Polls a long-running action until it is over ([`ActionState::is_final`]): each wait
    /// is what `Retry-After` asks (the 202's, then each report's), else `wait.first` doubling;
    /// never less than `wait.first` nor more than `wait.max_interval`. A failed action is a
    /// status like any other: look at [`ActionStatus::state`] and [`ActionStatus::error`].
    ///
    /// Errors: [`ClientError::Timeout`] (stage `"action"`) when it is not over within
    /// `wait.timeout`, and those of [`action_status`](Self::action_status).
    pub async fn wait_for_action(
        &self,
        accepted: &Accepted,
        version: &str,
        wait: ActionWait,
    ) -> Result<ActionStatus, ClientError> {
        let deadline = Instant::now() + wait.timeout;
        let mut next = accepted.retry_after.map(Duration::from_secs);
        let mut backoff = wait.first;
        let mut polls = 0u32;
        // Never faster than `wait.first`: a `Retry-After: 0` on every report would otherwise
        // poll back to back until the timeout.
        let floor = wait.first.min(wait.max_interval);
        loop {
            let pause = next.unwrap_or(backoff).clamp(floor, wait.max_interval);
            if Instant::now() + pause > deadline {
                return Err(ClientError::Timeout {
                    stage: "action",
                    limit: wait.timeout,
                    attempts: polls,
                });
            }
            tokio::time::sleep(pause).await;
            let status = self.action_status(accepted, version).await?;
            polls += 1;
            if status.state.is_final() {
                return Ok(status);
            }
            tracing::debug!(polls, state = ?status.state, "the action is not over");
            backoff = (backoff * 2).min(wait.max_interval);
            next = status.retry_after;
        }
    }

    /// Sends a long-running action and waits until it is over: [`send`](Self::send), then
    /// [`wait_for_action`](Self::wait_for_action) at the `Location` it answers.
    pub async fn run_action<S, Q>(
        &self,
        request: Request<Accepted, S, Q>,
        wait: ActionWait,
    ) -> Result<ActionStatus, ClientError> {
        let version = request.version();
        let accepted = self.send(request).await?;
        self.wait_for_action(&accepted, version, wait).await
    }

    /// The URL of an action's status: absolute as sent, or relative to the version's root.
    fn location_url(
        &self,
        accepted: &Accepted,
        version: &str,
    ) -> Result<reqwest::Url, ClientError> {
        let Some(location) = accepted.location.as_deref().map(str::trim) else {
            return Err(ClientError::Invalid(
                "the action was accepted without a `Location`: there is no status to read".into(),
            ));
        };
        let url = if location.starts_with("https://") || location.starts_with("http://") {
            location.to_owned()
        } else {
            let path = location.trim_start_matches('/');
            let version = version.trim_matches('/');
            if path.starts_with(&format!("{version}/")) {
                format!("{}/{path}", self.inner.root)
            } else {
                format!("{}/{version}/{path}", self.inner.root)
            }
        };
        let parsed = reqwest::Url::parse(&url).map_err(|e| {
            ClientError::Invalid(format!("the action's `Location` `{url}` is not a URL: {e}"))
        })?;
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && self.inner.allow_http) {
            return Err(ClientError::Invalid(format!(
                "the action's `Location` `{url}` is not https"
            )));
        }
        Ok(parsed)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: vec![("Retry-After".into(), "7".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reports_of_each_kind_read_as_one_status() {
        let job = ActionStatus::from_response(&raw(
            202,
            r#"{"operation":"ItemCopy","percentageComplete":27.8,"status":"inProgress"}"#,
        ))
        .unwrap();
        assert_eq!(job.state, ActionState::Running);
        assert_eq!(job.percentage_complete, Some(27.8));
        assert_eq!(job.retry_after, Some(Duration::from_secs(7)));
        let team = ActionStatus::from_response(&raw(
            200,
            r#"{"id":"op1","operationType":"archiveTeam","status":"succeeded","targetResourceId":"t1","targetResourceLocation":"/teams('t1')","error":null}"#,
        ))
        .unwrap();
        assert_eq!(team.state, ActionState::Succeeded);
        assert_eq!(team.resource_id.as_deref(), Some("t1"));
        assert_eq!(team.resource_location.as_deref(), Some("/teams('t1')"));
        assert_eq!(team.error, None);
        let failed = ActionStatus::from_response(&raw(
            200,
            r#"{"status":"failed","error":{"code":"Forbidden","message":"no"}}"#,
        ))
        .unwrap();
        assert_eq!(failed.state, ActionState::Failed);
        assert!(failed.error.is_some());
        // The monitor's redirect ends at the copied item: no status, the item itself.
        let item = ActionStatus::from_response(&raw(200, r#"{"id":"new","name":"Copy"}"#)).unwrap();
        assert_eq!(item.state, ActionState::Succeeded);
        assert_eq!(item.body.get("name"), Some(&Value::from("Copy")));
        assert_eq!(
            ActionStatus::from_response(&raw(202, "")).unwrap().state,
            ActionState::Running
        );
        assert!(matches!(
            ActionStatus::from_response(&raw(200, "[1]")),
            Err(ClientError::Protocol(_))
        ));
        assert!(ActionState::Other("invalid".into()).is_final());
        assert!(!ActionState::NotStarted.is_final());
    }
}
