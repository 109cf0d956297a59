//! The example requests of the docs as cases for the generated request builders: which route
//! (documented operation) each example URL is, the arguments its builder chain takes (keys,
//! function arguments, item paths, in path order), its body, and the response a test server
//! should answer with. [`judge`] compares what the server received and what the client read
//! back with the example.
//!
//! Pure library code, like [`crate::check::examples`]: `cargo xtask examples` (through the generated
//! crate's `requests` example) and the in-process test of `sdk-tests` share it.

use serde::Serialize;
use serde_json::Value;

use crate::check::examples::compare;
use crate::emit;
use crate::ir::route::route_key;
use crate::ir::{Api, ExampleBody, HttpMethod, Operation, Segment};
use crate::model::http_path::parse_path;

/// One example request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestCase {
    pub version: String,
    pub file: String,
    pub line: u32,
    pub method: HttpMethod,
    /// The example's path: no host, version or query; `%` escapes decoded.
    pub path: String,
    /// The example's query parameters, decoded.
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    /// Whether the docs show the body. When the operation takes a body and the example shows
    /// none, the case sends an empty object, and the body is not compared.
    pub body_documented: bool,
    /// The documented operation it is an example of: `"POST /users/{}/messages"`
    /// (`crate::ir::route::route_key`).
    pub route: Option<String>,
    /// The path arguments of the route's builder chain, in order.
    pub args: Vec<String>,
    pub response_status: u16,
    pub response_body: Option<Value>,
    /// Why the case is not run.
    pub skip: Option<Skip>,
}

impl RequestCase {
    /// The case as the requests runner reads it, numbered `id`, for API version `version`.
    pub fn input(&self, id: usize, version: &str) -> graph_rt_core::protocol::RequestInput {
        graph_rt_core::protocol::RequestInput {
            id,
            version: version.to_string(),
            route: self.route.clone().unwrap_or_default(),
            args: self.args.clone(),
            body: self.body.clone(),
            query: self.query.clone(),
            status: self.response_status,
            reply: self.response_body.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// The request body is not valid JSON (or was repaired).
    RequestNotJson,
    /// The response body is not valid JSON (or was repaired, or cut short).
    ResponseNotJson,
    /// The URL matches no request line of its page.
    NoRoute,
}

impl Skip {
    /// Whether the example counts as valid (its request line and JSON are).
    pub fn is_valid(self) -> bool {
        self == Skip::NoRoute
    }
}

/// Every example request of a tree. Each is matched to the builder of its request line, and
/// judged by what that builder takes, as the emitter's route listing says ([`emit::routes`]).
pub fn cases(api: &Api, version: &str) -> Vec<RequestCase> {
    let routes = emit::routes(&emit::Version { name: version, api });
    let mut by_file: std::collections::BTreeMap<&str, Vec<&Operation>> = Default::default();
    for op in &api.operations {
        by_file.entry(&*op.source.file).or_default().push(op);
    }
    let mut by_shape: std::collections::BTreeMap<(HttpMethod, usize), Vec<&Operation>> =
        Default::default();
    for op in &api.operations {
        by_shape
            .entry((op.method, op.segments.len()))
            .or_default()
            .push(op);
    }
    let mut out = Vec::new();
    for op in &api.operations {
        for example in &op.examples {
            let Some(request) = &example.request else {
                continue;
            };
            let (_, query, segments, _) = parse_path(&request.url);
            let path = example_path(&request.url);
            let mut case = RequestCase {
                version: version.to_string(),
                file: request.source.file.to_string(),
                line: request.source.line,
                method: request.method,
                path,
                query: query.as_deref().map(split_query).unwrap_or_default(),
                body: None,
                body_documented: true,
                route: None,
                args: Vec::new(),
                response_status: 200,
                response_body: None,
                skip: None,
            };
            match &request.body {
                ExampleBody::None => {}
                ExampleBody::Json(v) => case.body = Some(v.clone()),
                ExampleBody::Repaired(_) | ExampleBody::Text(_) => {
                    case.skip = Some(Skip::RequestNotJson);
                }
            }
            if let Some(response) = &example.response {
                case.response_status = response.status.or(op.status).unwrap_or(200);
                match &response.body {
                    ExampleBody::None => {}
                    // A truncated body (properties left out) still reads and writes back.
                    ExampleBody::Json(v) => {
                        case.response_body = Some(v.clone());
                    }
                    _ => {
                        case.skip.get_or_insert(Skip::ResponseNotJson);
                    }
                }
            } else {
                case.response_status = op.status.unwrap_or(200);
            }
            // The operation itself first, then the other request lines of its page.
            let candidates = std::iter::once(op).chain(
                by_file
                    .get(&*op.source.file)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|o| !std::ptr::eq(*o, op)),
            );
            // Then any request line of the version (an example of `/me/…` on a page that
            // documents `/users/{id}/…`): the most specific template, with the fewest keys.
            let matched = candidates
                .filter(|o| o.method == request.method)
                .find_map(|o| match_route(o, &segments).map(|args| (o, args)))
                .or_else(|| {
                    by_shape
                        .get(&(request.method, segments.len()))
                        .into_iter()
                        .flatten()
                        .filter_map(|o| match_route(o, &segments).map(|args| (*o, args)))
                        .min_by_key(|(o, args)| (args.len(), o.path.clone()))
                });
            match matched {
                Some((o, args)) => {
                    let route = route_key(o);
                    let takes_body = routes
                        .get(&route)
                        .is_some_and(emit::requests::Route::takes_body);
                    case.route = Some(route);
                    case.args = args;
                    if case.body.is_none() && takes_body {
                        case.body = Some(Value::Object(Default::default()));
                        case.body_documented = false;
                    }
                }
                None => {
                    case.skip.get_or_insert(Skip::NoRoute);
                }
            }
            out.push(case);
        }
    }
    out
}

/// The path of an example URL as the server should see it, decoded: what follows the host and
/// the version, before the query.
fn example_path(url: &str) -> String {
    let (path, _, _, _) = parse_path(url);
    percent_decode(&path)
}

fn split_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The path arguments that make `op`'s template into the example's segments, or `None` when
/// they do not match.
fn match_route(op: &Operation, example: &[Segment]) -> Option<Vec<String>> {
    if op.segments.len() != example.len() {
        return None;
    }
    let mut args = Vec::new();
    for (t, e) in op.segments.iter().zip(example) {
        match (t, e) {
            (Segment::Literal { name: a }, Segment::Literal { name: b })
            | (Segment::Cast { r#type: a }, Segment::Cast { r#type: b })
            | (Segment::System { name: a }, Segment::System { name: b }) => {
                if !a.eq_ignore_ascii_case(b) {
                    return None;
                }
            }
            (Segment::Key { .. }, e) => args.push(key_text(e)?),
            (Segment::KeyInParens { name: a, key }, Segment::KeyInParens { name: b, key: k }) => {
                if !a.eq_ignore_ascii_case(b) {
                    return None;
                }
                args.push(argument(key, k));
            }
            (Segment::Call { name: a, args: ta }, Segment::Call { name: b, args: ea }) => {
                if !a.eq_ignore_ascii_case(b) || ta.len() != ea.len() {
                    return None;
                }
                for t in ta {
                    let e = ea.iter().find(|e| e.name.eq_ignore_ascii_case(&t.name))?;
                    args.push(argument(&t.value, &e.value));
                }
            }
            (Segment::PathAddress { .. }, Segment::PathAddress { path }) => {
                args.push(percent_decode(path));
            }
            _ => return None,
        }
    }
    Some(args)
}

/// The text of an example segment where the template has a key.
fn key_text(segment: &Segment) -> Option<String> {
    Some(match segment {
        Segment::Literal { name } => percent_decode(name),
        Segment::Key { name } => format!("{{{name}}}"),
        _ => return None,
    })
}

/// A function argument of the example, unquoted when the template quotes it.
fn argument(template: &str, example: &str) -> String {
    let e = example.trim();
    if template.trim().starts_with('\'') {
        if let Some(inner) = e.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            return percent_decode(&inner.replace("''", "'"));
        }
    }
    percent_decode(e)
}

/// Decodes `%XX` escapes; invalid ones stay.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| char::from(c).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the server received for an example request and what the client read back: the
/// requests runner's answer (the runner protocol of `graph_rt_core::protocol`).
pub use graph_rt_core::protocol::Sent;

/// Why a case failed, in a few stable words, and the detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestFailure {
    pub group: String,
    pub detail: String,
}

/// Compares what was sent and read with the example: method, path, query and body as the
/// server received them, then the response as the client read it.
pub fn judge(case: &RequestCase, sent: &Result<Sent, String>) -> Option<RequestFailure> {
    let fail = |group: &str, detail: String| {
        Some(RequestFailure {
            group: group.to_string(),
            detail,
        })
    };
    let sent = match sent {
        Ok(sent) => sent,
        Err(message) => return fail("not built or not sent", message.clone()),
    };
    if sent.method != case.method.as_str() {
        return fail(
            "method",
            format!("{} sent as {}", case.method.as_str(), sent.method),
        );
    }
    let prefix = format!("/{}", case.version);
    let target = sent.target.strip_prefix(&prefix).unwrap_or(&sent.target);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(path);
    // `root:/a/b.txt:` and `root:/a/b.txt` address the same item at the end of a path.
    let same = |a: &str, b: &str| {
        a.eq_ignore_ascii_case(b)
            || a.trim_end_matches(':')
                .eq_ignore_ascii_case(b.trim_end_matches(':'))
    };
    if !same(&path, &case.path) {
        return fail("path", format!("`{}` sent as `{path}`", case.path));
    }
    let query = split_query(query);
    if query != case.query {
        return fail("query", format!("{:?} sent as {query:?}", case.query));
    }
    match (&case.body, &sent.body) {
        (None, None) => {}
        (Some(_), _) if !case.body_documented => {}
        (Some(expected), Some(got)) => {
            if let Some(m) = compare(expected, got) {
                return fail("request body", format!("{}: {}", m.kind(), m.path));
            }
        }
        (Some(_), None) => return fail("request body", "the body was not sent".into()),
        (None, Some(_)) => return fail("request body", "a body was sent".into()),
    }
    let read = match &sent.response {
        // An error example: the client reports the service's error with its status.
        Err(message)
            if case.response_status >= 400
                && message.starts_with(&format!("HTTP {}", case.response_status)) =>
        {
            return None;
        }
        Ok(_) if case.response_status >= 400 => {
            return fail(
                "response not read",
                "an error response read as success".into(),
            );
        }
        Ok(read) => read,
        // The docs show no response body: nothing to read it against.
        Err(_) if case.response_body.is_none() => return None,
        Err(message) => return fail("response not read", message.clone()),
    };
    let Some(expected) = &case.response_body else {
        return None;
    };
    let expected = match sent.decoded_by.as_str() {
        // Nothing is read: the docs show a body the operation does not return (by its
        // documented status; an accepted action's headers only), or the bytes are not JSON.
        "empty" | "accepted" | "bytes" | "count" => return None,
        "value" => match expected {
            Value::Object(map) if map.contains_key("value") => &map["value"],
            other => other,
        },
        _ => expected,
    };
    compare(expected, read).and_then(|m| fail("response body", format!("{}: {}", m.kind(), m.path)))
}

/// The counts of one run.
#[derive(Debug, Clone, Default)]
pub struct RequestTally {
    /// Example requests.
    pub seen: usize,
    /// With valid JSON bodies (request and response).
    pub valid: usize,
    /// Valid, and the URL matches a documented request line: the builders can make it.
    pub buildable: usize,
    pub passed: usize,
    pub failed: usize,
    /// The failures by group.
    failures: crate::check::examples::FailureGroups,
}

impl RequestTally {
    /// Counts a case and its verdict (`None` when it was not run, `Some(None)` when it passed).
    pub fn add(&mut self, case: &RequestCase, failure: Option<&Option<RequestFailure>>) {
        self.seen += 1;
        if case.skip.is_none_or(Skip::is_valid) {
            self.valid += 1;
        }
        if case.skip.is_some() {
            return;
        }
        self.buildable += 1;
        match failure {
            Some(None) => self.passed += 1,
            _ => self.failed += 1,
        }
        if let Some(Some(f)) = failure {
            self.failures.add(f.group.clone(), || {
                format!("{}:{}: {}", case.file, case.line, f.detail)
            });
        }
    }

    pub fn merge(&mut self, other: &RequestTally) {
        self.seen += other.seen;
        self.valid += other.valid;
        self.buildable += other.buildable;
        self.passed += other.passed;
        self.failed += other.failed;
        self.failures.merge(&other.failures);
    }

    /// The `limit` most common failure groups: the group, how many, the first (`file:line:
    /// detail`); most common first, then by group.
    pub fn top_failures(&self, limit: usize) -> Vec<(&str, usize, &str)> {
        self.failures.top(limit)
    }

    /// `N seen, M buildable, P passed, F failed`.
    pub fn summary(&self) -> String {
        format!(
            "{} seen, {} buildable, {} passed, {} failed",
            self.seen, self.buildable, self.passed, self.failed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::http_path::parse_path;

    fn template(path: &str) -> Operation {
        let (path, _, segments, _) = parse_path(path);
        Operation {
            method: HttpMethod::Get,
            path,
            segments,
            query: None,
            kind: crate::ir::OperationKind::Get,
            title: "t".into(),
            description: "".into(),
            request_type: None,
            parameters: Vec::new().into(),
            response_type: None,
            status: None,
            headers: Vec::new().into(),
            query_options: Vec::new().into(),
            permissions: Vec::new().into(),
            examples: Vec::new(),
            source: crate::ir::Source::new("x.md", 1),
            walk: None,
            disagreements: Vec::new(),
            alias_of: None,
        }
    }

    #[test]
    fn routes_take_keys_and_arguments_in_order() {
        let op = template("/users/{id}/drive/root:/{path}:/children");
        let (_, _, e, _) = parse_path(
            "https://graph.microsoft.com/v1.0/users/a%40b.com/drive/root:/x y/z:/children",
        );
        assert_eq!(
            match_route(&op, &e),
            Some(vec!["a@b.com".to_string(), "x y/z".to_string()])
        );
        let op = template("/reports/getThing(period='{period}',top={n})");
        let (_, _, e, _) = parse_path("/reports/getThing(top=5,period='D''7')");
        assert_eq!(
            match_route(&op, &e),
            Some(vec!["D'7".to_string(), "5".to_string()])
        );
        let (_, _, e, _) = parse_path("/reports/other(period='D7',top=5)");
        assert_eq!(match_route(&op, &e), None);
    }
}
