//! The JSON-lines protocol of the SDK's example runners (feature `protocol`): what
//! `cargo xtask examples` writes for the runners of the generated dispatch crate, what they
//! answer, and what the tests and the judges of `generator` read. One definition, used by all.
//!
//! - The round trip runner reads [`RoundtripInput`] lines (an example body and its type) and
//!   answers an [`Output`] of [`RoundtripOutcome`] for each.
//! - The requests runner reads [`RequestInput`] lines (a route, its arguments and the reply a
//!   loopback server gives) and answers an [`Output`] of [`RequestOutcome`] for each.

use serde::{Deserialize, Serialize};

use crate::{Error, Value};

/// One line a runner writes: the id of its input and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output<T> {
    /// The id of the input line.
    pub id: usize,
    /// What came of it (its fields are the line's own).
    #[serde(flatten)]
    pub outcome: T,
}

/// One example body to read as its type and write back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundtripInput {
    /// Numbers the inputs of one run.
    pub id: usize,
    /// The API version (`v1.0` or `v1_0`, `beta`).
    pub version: String,
    /// The qualified type (`microsoft.graph.user`).
    #[serde(rename = "type")]
    pub type_name: String,
    /// The JSON to read.
    pub body: Value,
}

/// What the SDK did with one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RoundtripOutcome {
    /// Read and written back: the JSON written.
    Roundtrip {
        /// The JSON written.
        json: Value,
    },
    /// The SDK has no model of that name.
    UnknownType,
    /// Reading (or writing) failed.
    Error {
        /// The error's message.
        message: String,
        /// The property path of the error inside the body.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        /// What was expected there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected: Option<String>,
        /// What was found there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        found: Option<String>,
    },
}

impl RoundtripOutcome {
    /// The outcome of a version's `registry::roundtrip`: `None` when it has no such type.
    pub fn of(result: Option<Result<Value, Error>>) -> Self {
        match result {
            None => Self::UnknownType,
            Some(Ok(json)) => Self::Roundtrip { json },
            Some(Err(error)) => Self::error(&error),
        }
    }

    /// The outcome of an error, with its path, expectation and finding.
    pub fn error(error: &Error) -> Self {
        Self::Error {
            message: error.to_string(),
            path: Some(error.path()),
            expected: error.expected().map(str::to_owned),
            found: error.found().map(str::to_owned),
        }
    }
}

/// One example request to build by its route's builders and send to a loopback server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestInput {
    /// Numbers the inputs of one run.
    pub id: usize,
    /// The API version (`v1.0` or `v1_0`, `beta`).
    pub version: String,
    /// `"POST /users/{}/messages"`: the key of the dispatch table.
    pub route: String,
    /// The path arguments of the route's call chain, in order.
    #[serde(default)]
    pub args: Vec<String>,
    /// The body, read into the operation's body type.
    #[serde(default)]
    pub body: Option<Value>,
    /// Query parameters added as they are (`Request::query`).
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// The status the server answers with; a 3xx redirects to a second address of the server,
    /// which answers `200` with the reply.
    #[serde(default = "ok")]
    pub status: u16,
    /// The body the server answers with.
    #[serde(default)]
    pub reply: Option<Value>,
}

fn ok() -> u16 {
    200
}

/// No route, no arguments, and a `200` reply without a body: what a line that says nothing
/// more reads as.
impl Default for RequestInput {
    fn default() -> Self {
        Self {
            id: 0,
            version: String::new(),
            route: String::new(),
            args: Vec::new(),
            body: None,
            query: Vec::new(),
            status: ok(),
            reply: None,
        }
    }
}

/// What came of one example request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RequestOutcome {
    /// The request reached the server.
    Sent(Sent),
    /// It could not be built, or nothing reached the server.
    Failed {
        /// Why.
        message: String,
    },
}

impl From<Result<Sent, String>> for RequestOutcome {
    fn from(result: Result<Sent, String>) -> Self {
        match result {
            Ok(sent) => Self::Sent(sent),
            Err(message) => Self::Failed { message },
        }
    }
}

impl From<RequestOutcome> for Result<Sent, String> {
    fn from(outcome: RequestOutcome) -> Self {
        match outcome {
            RequestOutcome::Sent(sent) => Ok(sent),
            RequestOutcome::Failed { message } => Err(message),
        }
    }
}

/// What the server received for a request and what the client read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "SentLine", into = "SentLine")]
pub struct Sent {
    /// The method received.
    pub method: String,
    /// The request target received (path and query, encoded): `/beta/users/a%2Fb?$top=1`.
    pub target: String,
    /// The body received, as JSON (`None` when empty).
    pub body: Option<Value>,
    /// The response read as the operation's type and written back as JSON; or the error.
    pub response: Result<Value, String>,
    /// The decoder of the operation (`json`, `page`, `value`, `empty`, …).
    pub decoded_by: String,
}

/// [`Sent`] on the line: the response as `response`, or its error as `error`.
#[derive(Serialize, Deserialize)]
struct SentLine {
    method: String,
    target: String,
    #[serde(default)]
    body: Option<Value>,
    decoded_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl From<SentLine> for Sent {
    fn from(line: SentLine) -> Self {
        Sent {
            method: line.method,
            target: line.target,
            body: line.body,
            response: match line.error {
                Some(error) => Err(error),
                None => Ok(line.response.unwrap_or(Value::Null)),
            },
            decoded_by: line.decoded_by,
        }
    }
}

impl From<Sent> for SentLine {
    fn from(sent: Sent) -> Self {
        let (response, error) = match sent.response {
            Ok(json) => (Some(json), None),
            Err(error) => (None, Some(error)),
        };
        SentLine {
            method: sent.method,
            target: sent.target,
            body: sent.body,
            decoded_by: sent.decoded_by,
            response,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line<T: Serialize>(value: &T) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    #[test]
    fn roundtrip_outcomes_on_the_line() {
        let out = Output {
            id: 3,
            outcome: RoundtripOutcome::Roundtrip {
                json: json!({"a": 1}),
            },
        };
        assert_eq!(
            line(&out),
            json!({"id": 3, "outcome": "roundtrip", "json": {"a": 1}})
        );
        let read: Output<RoundtripOutcome> =
            serde_json::from_value(json!({"id": 1, "outcome": "unknown_type"})).expect("reads");
        assert_eq!(read.outcome, RoundtripOutcome::UnknownType);
        let read: Output<RoundtripOutcome> = serde_json::from_value(
            json!({"id": 2, "outcome": "error", "message": "m", "path": "a.b"}),
        )
        .expect("reads");
        assert_eq!(
            read.outcome,
            RoundtripOutcome::Error {
                message: "m".into(),
                path: Some("a.b".into()),
                expected: None,
                found: None
            }
        );
        let error = Error::custom("bad");
        assert!(matches!(
            RoundtripOutcome::of(Some(Err(error))),
            RoundtripOutcome::Error { message, .. } if message.contains("bad")
        ));
    }

    #[test]
    fn request_lines_read_with_their_defaults_and_outcomes_both_ways() {
        let input: RequestInput =
            serde_json::from_value(json!({"id": 0, "version": "v1.0", "route": "GET /me"}))
                .expect("reads");
        assert_eq!(input.status, 200);
        assert!(input.args.is_empty() && input.body.is_none() && input.reply.is_none());
        // A line's defaults are `Default`'s.
        assert_eq!(
            input,
            RequestInput {
                version: "v1.0".into(),
                route: "GET /me".into(),
                ..RequestInput::default()
            }
        );

        let sent = Sent {
            method: "GET".into(),
            target: "/v1.0/me".into(),
            body: None,
            response: Err("404".into()),
            decoded_by: "json".into(),
        };
        let out = Output {
            id: 0,
            outcome: RequestOutcome::Sent(sent.clone()),
        };
        let text = line(&out);
        assert_eq!(text["outcome"], "sent");
        assert_eq!(text["error"], "404");
        assert!(text.get("response").is_none());
        let back: Output<RequestOutcome> = serde_json::from_value(text).expect("reads");
        assert_eq!(back, out);

        let failed = Output {
            id: 1,
            outcome: RequestOutcome::from(Err::<Sent, _>("no builder".to_string())),
        };
        assert_eq!(
            line(&failed),
            json!({"id": 1, "outcome": "failed", "message": "no builder"})
        );
    }
}
