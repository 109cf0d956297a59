//! The example bodies of the docs as round-trip cases for the generated SDK: which bodies, read
//! as which type, and how a round-tripped body is judged.
//!
//! A [`Case`] is one example body (request or response) of one operation. A body is read as
//! one or more [`Item`]s: the body itself, or each element of its `value` array when it is a
//! collection. The SDK reads each item as its type and writes it back; [`judge`] compares what
//! came back with the original ([`compare`]) and gives the body its [`Reason`].
//!
//! Which type:
//! - a response: the type of its annotation (`<!-- {"@odata.type": …} -->`), else the
//!   `@odata.type` of the body, else none. It is a collection when the annotation says so or
//!   the body is an object with a `value` array (unless the named type has a `value` collection
//!   of its own); the elements are then typed by the declared type, or by their own
//!   `@odata.type` when the declared type is missing or unknown.
//! - a request: the `@odata.type` of the body, else none (the body of an action is a parameter
//!   object, not a model).
//!
//! Pure library code: no I/O, no dependency on the SDK, so that `cargo xtask examples` (through
//! the generated crate's `roundtrip` example) and the in-process corpus test share it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::ir::{Api, ExampleBody, TypeRef};

/// A request body or a response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    Request,
    Response,
}

impl BodyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
        }
    }
}

/// How the docs wrote the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyState {
    /// Strictly valid JSON.
    Json,
    /// JSON only after repair (comments, `...`, trailing commas removed): diagnostic GD028.
    Repaired,
    /// Not JSON.
    Text,
}

/// Where an item is inside its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The body itself.
    Whole,
    /// `value[i]` of a collection object.
    Value(usize),
    /// `[i]` of a body that is an array.
    Element(usize),
}

/// One value to read as a type and write back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub place: Place,
    /// Qualified type name to read it as, without `#`; `None` when nothing names one.
    pub type_name: Option<String>,
}

/// One example body.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The body's code block: docs file (relative to the docs root) and line.
    pub file: String,
    pub line: u32,
    /// API version name (`v1.0`, `beta`).
    pub version: String,
    pub kind: BodyKind,
    pub state: BodyState,
    /// The declared type: the annotation's (responses) or the body's `@odata.type`.
    pub type_name: Option<String>,
    pub collection: bool,
    /// The body (for a text body, its text as a JSON string).
    pub json: Value,
    /// What to round-trip; empty for bodies that are not strictly valid JSON.
    pub items: Vec<Item>,
    /// Set when the case is decided without the SDK (not JSON, no type, unknown type).
    pub skip: Option<Reason>,
}

impl Case {
    /// The JSON of an item of this case.
    pub fn item_json(&self, item: &Item) -> Option<&Value> {
        match item.place {
            Place::Whole => Some(&self.json),
            Place::Value(i) => self.json.get("value")?.get(i),
            Place::Element(i) => self.json.get(i),
        }
    }

    /// `file:line` of the body.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The path prefix of an item inside its body: ``, `value[3]`, `[3]`.
pub fn place_path(place: Place) -> String {
    match place {
        Place::Whole => String::new(),
        Place::Value(i) => format!("value[{i}]"),
        Place::Element(i) => format!("[{i}]"),
    }
}

/// Why a body counts the way it does. Every body has exactly one reason; `Passed` and `Failed`
/// are the valid ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Invalid JSON that parses after repair (the docs' fault, GD028).
    Repaired,
    /// Not JSON at all.
    NotJson,
    /// Nothing names a type (no annotation type, no `@odata.type`).
    NoType,
    /// The named type is not a model of the SDK (`Edm.String`, a name the docs do not define).
    UnknownType,
    Passed,
    Failed,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Repaired,
        Reason::NotJson,
        Reason::NoType,
        Reason::UnknownType,
        Reason::Passed,
        Reason::Failed,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Reason::Repaired => "repaired (invalid JSON, GD028)",
            Reason::NotJson => "not JSON",
            Reason::NoType => "no type named",
            Reason::UnknownType => "type unknown to the SDK",
            Reason::Passed => "passed",
            Reason::Failed => "failed",
        }
    }
}

/// Every example body of `api` as a case, in operation order; a body shared by several
/// operations (same file and line) is taken once.
pub fn cases(api: &Api, version: &str) -> Vec<Case> {
    let known: BTreeSet<String> = api
        .types
        .iter()
        .map(|t| String::from(t.qualified_name()))
        .collect();
    // Types whose own `value` property is a collection: a body of theirs is not a collection
    // because it has a `value` array.
    let own_value: BTreeSet<String> = api
        .types
        .iter()
        .filter(|t| {
            t.properties
                .iter()
                .any(|p| p.name == "value" && p.ty.collection)
        })
        .map(|t| String::from(t.qualified_name()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        for example in &op.examples {
            if let Some(request) = &example.request {
                let key = (
                    BodyKind::Request,
                    request.source.file.clone(),
                    request.source.line,
                );
                if seen.insert(key) {
                    out.extend(case(
                        version,
                        BodyKind::Request,
                        &request.source.file,
                        request.source.line,
                        &request.body,
                        None,
                        documented_request(op),
                        &known,
                        &own_value,
                    ));
                }
            }
            if let Some(response) = &example.response {
                let key = (
                    BodyKind::Response,
                    response.source.file.clone(),
                    response.source.line,
                );
                if seen.insert(key) {
                    out.extend(case(
                        version,
                        BodyKind::Response,
                        &response.source.file,
                        response.source.line,
                        &response.body,
                        response.r#type.as_ref(),
                        op.response_name().map(|t| (t, op.response_collection())),
                        &known,
                        &own_value,
                    ));
                }
            }
        }
    }
    out
}

/// The body type a create or update operation documents.
fn documented_request(op: &crate::ir::Operation) -> Option<(&str, bool)> {
    use crate::ir::OperationKind;
    matches!(op.kind, OperationKind::Create | OperationKind::Update)
        .then_some(op.request_name()?)
        .map(|t| (t, op.request_collection()))
}

/// The `@odata.type` of an object, without `#`.
fn odata_type(value: &Value) -> Option<&str> {
    let name = value.get("@odata.type")?.as_str()?;
    let name = name.strip_prefix('#').unwrap_or(name);
    (!name.is_empty()).then_some(name)
}

#[allow(clippy::too_many_arguments)]
fn case(
    version: &str,
    kind: BodyKind,
    file: &str,
    line: u32,
    body: &ExampleBody,
    annotated: Option<&TypeRef>,
    documented: Option<(&str, bool)>,
    known: &BTreeSet<String>,
    own_value: &BTreeSet<String>,
) -> Option<Case> {
    let (state, json) = match body {
        ExampleBody::None => return None,
        ExampleBody::Json(v) => (BodyState::Json, v.clone()),
        ExampleBody::Repaired(v) => (BodyState::Repaired, v.clone()),
        ExampleBody::Text(t) => (BodyState::Text, Value::String(t.clone())),
    };
    let annotated_collection = annotated.is_some_and(|t| t.collection);
    let annotated = annotated
        .map(TypeRef::name)
        .map(|t| t.strip_prefix('#').unwrap_or(t))
        .filter(|t| !t.is_empty());
    // The annotation or `@odata.type` names the type; failing both, the type the page
    // documents for the body (a create/update request, or the response).
    let named = match kind {
        BodyKind::Response => annotated.or_else(|| odata_type(&json)),
        BodyKind::Request => odata_type(&json),
    };
    let documented = documented.filter(|(t, _)| named.is_none() && known.contains(*t));
    let type_name = named.or(documented.map(|(t, _)| t)).map(str::to_owned);
    let has_value_array = json.get("value").is_some_and(Value::is_array);
    let collection = match kind {
        BodyKind::Response => {
            annotated_collection
                || documented.is_some_and(|(_, c)| c)
                || (has_value_array && !type_name.as_ref().is_some_and(|t| own_value.contains(t)))
        }
        BodyKind::Request => false,
    };
    let mut case = Case {
        file: file.to_owned(),
        line,
        version: version.to_owned(),
        kind,
        state,
        type_name,
        collection,
        json,
        items: Vec::new(),
        skip: None,
    };
    match state {
        BodyState::Repaired => case.skip = Some(Reason::Repaired),
        BodyState::Text => case.skip = Some(Reason::NotJson),
        BodyState::Json => {
            case.items = items(&case, known);
            case.skip = pre_reason(&case, known);
        }
    }
    Some(case)
}

fn items(case: &Case, known: &BTreeSet<String>) -> Vec<Item> {
    let declared = case.type_name.as_deref();
    let element_type = |element: &Value| -> Option<String> {
        match declared {
            Some(t) if known.contains(t) => Some(t.to_owned()),
            _ => odata_type(element).or(declared).map(str::to_owned),
        }
    };
    if case.collection {
        if let Some(Value::Array(values)) = case.json.get("value") {
            return values
                .iter()
                .enumerate()
                .map(|(i, v)| Item {
                    place: Place::Value(i),
                    type_name: element_type(v),
                })
                .collect();
        }
        if let Value::Array(values) = &case.json {
            return values
                .iter()
                .enumerate()
                .map(|(i, v)| Item {
                    place: Place::Element(i),
                    type_name: element_type(v),
                })
                .collect();
        }
        // The annotation says collection, the body is one object: read it as one.
    }
    vec![Item {
        place: Place::Whole,
        type_name: case.type_name.clone(),
    }]
}

/// The reason of a strictly valid JSON body that is decided without the SDK.
fn pre_reason(case: &Case, known: &BTreeSet<String>) -> Option<Reason> {
    if case.items.is_empty() {
        // An empty collection: valid when its declared type is a model.
        return match case.type_name.as_deref() {
            None => Some(Reason::NoType),
            Some(t) if !known.contains(t) => Some(Reason::UnknownType),
            Some(_) => None,
        };
    }
    if case.items.iter().any(|i| i.type_name.is_none()) {
        return Some(Reason::NoType);
    }
    if case
        .items
        .iter()
        .any(|i| i.type_name.as_deref().is_some_and(|t| !known.contains(t)))
    {
        return Some(Reason::UnknownType);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Judging a round trip.

/// What the SDK did with one item: the round trip runner's answer (the runner protocol of
/// `graph_rt_core::protocol`).
pub use graph_rt_core::protocol::RoundtripOutcome as Outcome;

/// Where a round-tripped value first differs from the original.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// `value[0].createdDateTime`; empty for the root.
    pub path: String,
    /// The original value; `None` when the round trip added the key.
    pub expected: Option<Value>,
    /// The written value; `None` when the round trip dropped the key.
    pub found: Option<Value>,
}

impl Mismatch {
    /// A short description of the kind of difference, for grouping failures.
    pub fn kind(&self) -> String {
        match (&self.expected, &self.found) {
            (Some(_), None) => "property dropped on write".into(),
            (None, Some(_)) => "property added on write".into(),
            (Some(Value::String(a)), Some(Value::String(b))) => {
                if a.eq_ignore_ascii_case(b) {
                    "string re-cased on write".into()
                } else if a.trim() == b.trim() {
                    "string re-spaced on write".into()
                } else {
                    "string changed on write".into()
                }
            }
            (Some(a), Some(b)) if json_kind(a) == json_kind(b) => {
                format!("{} changed on write", json_kind(a))
            }
            (Some(a), Some(b)) => format!("{} written as {}", json_kind(a), json_kind(b)),
            (None, None) => "differs".into(),
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares a round-tripped value with the original: the first difference, `None` when they
/// are equal. Equal as JSON values (object key order does not matter), except that numbers
/// compare by numeric value (`2 == 2.0`) and a date-time string may be re-spelled as the same
/// instant with the same offset.
pub fn compare(original: &Value, written: &Value) -> Option<Mismatch> {
    first_difference(&mut String::new(), original, written)
}

fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
    len
}

fn first_difference(path: &mut String, a: &Value, b: &Value) -> Option<Mismatch> {
    let differ = |path: &String| {
        Some(Mismatch {
            path: path.clone(),
            expected: Some(a.clone()),
            found: Some(b.clone()),
        })
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, va) in x {
                let len = push_key(path, key);
                let found = match y.get(key) {
                    None => Some(Mismatch {
                        path: path.clone(),
                        expected: Some(va.clone()),
                        found: None,
                    }),
                    Some(vb) => first_difference(path, va, vb),
                };
                if found.is_some() {
                    return found;
                }
                path.truncate(len);
            }
            for (key, vb) in y {
                if !x.contains_key(key) {
                    push_key(path, key);
                    return Some(Mismatch {
                        path: path.clone(),
                        expected: None,
                        found: Some(vb.clone()),
                    });
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = match (x.get(i), y.get(i)) {
                    (Some(va), Some(vb)) => first_difference(path, va, vb),
                    (va, vb) => Some(Mismatch {
                        path: path.clone(),
                        expected: va.cloned(),
                        found: vb.cloned(),
                    }),
                };
                if found.is_some() {
                    return found;
                }
                path.truncate(len);
            }
            None
        }
        (Value::Number(x), Value::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            };
            if same {
                None
            } else {
                differ(path)
            }
        }
        (Value::String(x), Value::String(y)) => {
            if x == y || same_date_time(x, y) {
                None
            } else {
                differ(path)
            }
        }
        _ if a == b => None,
        _ => differ(path),
    }
}

/// A date-time as the instant's local fields and the offset: equal for two spellings of the
/// same instant with the same offset (`Z` and `+00:00`, `.5` and `.500`).
#[derive(Debug, PartialEq, Eq)]
struct DateTime<'a> {
    date: (&'a str, &'a str, &'a str),
    time: (&'a str, &'a str, &'a str),
    fraction: &'a str,
    offset_minutes: i32,
}

fn same_date_time(a: &str, b: &str) -> bool {
    match (parse_date_time(a), parse_date_time(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn parse_date_time(text: &str) -> Option<DateTime<'_>> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (date, rest) = text.split_once(['T', 't'])?;
    let mut d = date.splitn(3, '-');
    let (year, month, day) = (d.next()?, d.next()?, d.next()?);
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    let (clock, offset_minutes) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (clock, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset[1..].split_once(':')?;
        if !(digits(h, 2) && digits(m, 2)) {
            return None;
        }
        let minutes = h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?;
        (clock, sign * minutes)
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (c, f),
        Some(_) => return None,
        None => (clock, ""),
    };
    let mut t = clock.splitn(3, ':');
    let (hour, minute, second) = (t.next()?, t.next()?, t.next().unwrap_or("00"));
    if !(digits(hour, 2) && digits(minute, 2) && digits(second, 2)) {
        return None;
    }
    Some(DateTime {
        date: (year, month, day),
        time: (hour, minute, second),
        fraction: fraction.trim_end_matches('0'),
        offset_minutes,
    })
}

/// The verdict on one body.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub reason: Reason,
    /// For a failure: the first item that failed and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "failure", rename_all = "snake_case")]
pub enum Failure {
    /// The SDK could not read (or write) it.
    Error {
        /// The item's type.
        r#type: String,
        /// Path inside the body (`value[2].start`).
        path: String,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        expected: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        found: Option<String>,
    },
    /// The JSON written differs from the JSON read.
    Mismatch {
        r#type: String,
        #[serde(flatten)]
        mismatch: Mismatch,
    },
}

impl Failure {
    /// What the failure is, without the case's particulars: the key for grouping failures.
    pub fn group(&self) -> String {
        match self {
            Failure::Error {
                expected: Some(expected),
                found,
                ..
            } => {
                let found = found.as_deref().unwrap_or("");
                // `string "abc"` → `string`; `an array of 2 elements` → `an array`.
                let words: Vec<&str> = found.split_whitespace().collect();
                let kind = match words.as_slice() {
                    [article @ ("a" | "an"), word, ..] => format!("{article} {word}"),
                    [word, ..] => (*word).to_owned(),
                    [] => String::new(),
                };
                format!("read error: expected {expected}, found {kind}")
            }
            Failure::Error { message, .. } => format!("read error: {}", without_path(message)),
            Failure::Mismatch { mismatch, .. } => mismatch.kind(),
        }
    }

    /// One line with the particulars.
    pub fn detail(&self) -> String {
        match self {
            Failure::Error {
                r#type,
                path,
                message,
                expected,
                found,
            } => {
                let what = match (expected, found) {
                    (Some(e), Some(f)) => format!("expected {e}, found {f}"),
                    _ => without_path(message).to_owned(),
                };
                format!("as {type}: at `{path}`: {what}")
            }
            Failure::Mismatch { r#type, mismatch } => {
                let show = |v: &Option<Value>| match v {
                    None => "(absent)".to_owned(),
                    Some(v) => excerpt(&v.to_string(), 80),
                };
                format!(
                    "as {type}: at `{}`: read {}, wrote {}",
                    mismatch.path,
                    show(&mismatch.expected),
                    show(&mismatch.found)
                )
            }
        }
    }
}

/// An error message without its `` `path`: `` prefix.
fn without_path(message: &str) -> &str {
    message
        .strip_prefix('`')
        .and_then(|rest| rest.split_once("`: "))
        .map_or(message, |(_, rest)| rest)
}

fn excerpt(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn join_path(prefix: &str, inner: &str) -> String {
    match (prefix.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (false, false) => format!("{prefix}.{inner}"),
    }
}

/// Judges one body from the outcomes of its items (in the order of `case.items`). A case with
/// a `skip` reason keeps it; an item the SDK does not know makes the body `UnknownType`;
/// otherwise the first failing item makes it `Failed`.
pub fn judge(case: &Case, outcomes: &[Outcome]) -> Verdict {
    if let Some(reason) = case.skip {
        return Verdict {
            reason,
            failure: None,
        };
    }
    if outcomes.iter().any(|o| matches!(o, Outcome::UnknownType)) {
        return Verdict {
            reason: Reason::UnknownType,
            failure: None,
        };
    }
    for (item, outcome) in case.items.iter().zip(outcomes) {
        let prefix = place_path(item.place);
        let ty = item.type_name.clone().unwrap_or_default();
        let failure = match outcome {
            Outcome::UnknownType => None,
            Outcome::Error {
                message,
                path,
                expected,
                found,
            } => Some(Failure::Error {
                r#type: ty,
                path: join_path(&prefix, path.as_deref().unwrap_or("")),
                message: message.clone(),
                expected: expected.clone(),
                found: found.clone(),
            }),
            Outcome::Roundtrip { json } => {
                let original = case.item_json(item).unwrap_or(&Value::Null);
                compare(original, json).map(|mut m| {
                    m.path = join_path(&prefix, &m.path);
                    Failure::Mismatch {
                        r#type: ty,
                        mismatch: m,
                    }
                })
            }
        };
        if let Some(failure) = failure {
            return Verdict {
                reason: Reason::Failed,
                failure: Some(failure),
            };
        }
    }
    if outcomes.len() < case.items.len() {
        return Verdict {
            reason: Reason::Failed,
            failure: Some(Failure::Error {
                r#type: String::new(),
                path: String::new(),
                message: "no outcome from the SDK".into(),
                expected: None,
                found: None,
            }),
        };
    }
    Verdict {
        reason: Reason::Passed,
        failure: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Counting.

/// Failures grouped by what they are (`group`): how many, and the first one's `file:line` and
/// detail. Both example checks (bodies here, requests in `check::requests`) keep theirs in one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FailureGroups(BTreeMap<String, (usize, String)>);

impl FailureGroups {
    /// Counts one failure of `group`; `example` describes it when it is the group's first.
    pub fn add(&mut self, group: String, example: impl FnOnce() -> String) {
        let entry = self.0.entry(group).or_insert_with(|| (0, example()));
        entry.0 += 1;
    }

    pub fn merge(&mut self, other: &FailureGroups) {
        for (group, (n, example)) in &other.0 {
            let entry = self
                .0
                .entry(group.clone())
                .or_insert_with(|| (0, example.clone()));
            entry.0 += n;
        }
    }

    /// The `limit` most common groups: the group, how many, the first example; most common
    /// first, then by group.
    pub fn top(&self, limit: usize) -> Vec<(&str, usize, &str)> {
        let mut all: Vec<(&str, usize, &str)> = self
            .0
            .iter()
            .map(|(g, (n, e))| (g.as_str(), *n, e.as_str()))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        all.truncate(limit);
        all
    }
}

/// Counts of bodies by reason, and the failures grouped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub by_reason: BTreeMap<Reason, usize>,
    /// The failures by group.
    pub failures: FailureGroups,
}

impl Tally {
    pub fn add(&mut self, case: &Case, verdict: &Verdict) {
        *self.by_reason.entry(verdict.reason).or_default() += 1;
        if let Some(failure) = &verdict.failure {
            self.failures.add(failure.group(), || {
                format!("{}: {}", case.location(), failure.detail())
            });
        }
    }

    pub fn count(&self, reason: Reason) -> usize {
        self.by_reason.get(&reason).copied().unwrap_or(0)
    }

    /// Every body counted.
    pub fn seen(&self) -> usize {
        self.by_reason.values().sum()
    }

    /// Strictly valid JSON read as a model of the SDK: passed + failed.
    pub fn valid(&self) -> usize {
        self.count(Reason::Passed) + self.count(Reason::Failed)
    }

    pub fn passed(&self) -> usize {
        self.count(Reason::Passed)
    }

    pub fn failed(&self) -> usize {
        self.count(Reason::Failed)
    }

    pub fn merge(&mut self, other: &Tally) {
        for (r, n) in &other.by_reason {
            *self.by_reason.entry(*r).or_default() += n;
        }
        self.failures.merge(&other.failures);
    }

    /// The `limit` most common failure groups, most common first.
    pub fn top_failures(&self, limit: usize) -> Vec<(&str, usize, &str)> {
        self.failures.top(limit)
    }

    /// `N seen, M valid, P passed, F failed`.
    pub fn summary(&self) -> String {
        format!(
            "{} seen, {} valid, {} passed, {} failed",
            self.seen(),
            self.valid(),
            self.passed(),
            self.failed()
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ir::{
        Example, ExampleRequest, ExampleResponse, HttpMethod, Operation, OperationKind, Property,
        Source, TypeDef, TypeKind,
    };
    use serde_json::json;

    fn type_def(name: &str, props: &[(&str, bool)]) -> TypeDef {
        TypeDef {
            name: name.into(),
            namespace: "microsoft.graph".into(),
            kind: TypeKind::Entity,
            base: None,
            key: None,
            open: false,
            r#abstract: false,
            media_entity: false,
            description: String::new(),
            properties: props
                .iter()
                .map(|(p, collection)| Property {
                    name: (*p).into(),
                    ty: crate::ir::TypeRef::new("Edm.String", *collection),
                    navigation: false,
                    description: String::new(),
                    read_only: false,
                    deprecated: false,
                    possible_values: Vec::new(),
                    inherited_from: None,
                    from_json: false,
                    source: src(1),
                })
                .collect(),
            sources: vec![src(1)],
        }
    }

    fn src(line: u32) -> Source {
        Source::new("api/x.md", line)
    }

    fn request(line: u32, body: ExampleBody) -> ExampleRequest {
        ExampleRequest {
            method: HttpMethod::Post,
            url: "/users".into(),
            headers: Vec::new(),
            body,
            source: src(line),
        }
    }

    fn response(
        line: u32,
        ty: Option<&str>,
        collection: bool,
        body: ExampleBody,
    ) -> ExampleResponse {
        ExampleResponse {
            status: Some(200),
            headers: Vec::new(),
            r#type: ty.map(|name| TypeRef::new(name, collection)),
            truncated: false,
            body,
            source: src(line),
        }
    }

    fn api(examples: Vec<Example>) -> Api {
        let op = Operation {
            method: HttpMethod::Post,
            path: "/users".into(),
            segments: Vec::new(),
            query: None,
            kind: OperationKind::Create,
            title: "t".into(),
            description: "".into(),
            request_type: None,
            parameters: Vec::new().into(),
            response_type: None,
            status: Some(201),
            headers: Vec::new().into(),
            query_options: Vec::new().into(),
            permissions: Vec::new().into(),
            examples,
            source: src(1),
            walk: None,
            disagreements: Vec::new(),
            alias_of: None,
        };
        Api {
            types: vec![
                type_def("user", &[("displayName", false)]),
                type_def("group", &[]),
                type_def("valueHolder", &[("value", true)]),
            ],
            enums: Vec::new(),
            // The same page read for two request lines: its examples are shared.
            operations: vec![op.clone(), op],
            diagnostics: Vec::new(),
        }
    }

    fn example(req: Option<ExampleRequest>, resp: Option<ExampleResponse>) -> Example {
        Example {
            name: None,
            request: req,
            response: resp,
        }
    }

    fn types(case: &Case) -> Vec<Option<&str>> {
        case.items.iter().map(|i| i.type_name.as_deref()).collect()
    }

    #[test]
    fn requests_are_typed_by_their_odata_type_only() {
        let api = api(vec![
            example(
                Some(request(
                    10,
                    ExampleBody::Json(
                        json!({"@odata.type": "#microsoft.graph.user", "displayName": "a"}),
                    ),
                )),
                None,
            ),
            example(
                Some(request(20, ExampleBody::Json(json!({"message": "x"})))),
                Some(response(30, None, false, ExampleBody::None)),
            ),
        ]);
        let cases = cases(&api, "beta");
        assert_eq!(
            cases.len(),
            2,
            "shared examples are taken once; None is no case"
        );
        assert_eq!(cases[0].kind, BodyKind::Request);
        assert_eq!(cases[0].type_name.as_deref(), Some("microsoft.graph.user"));
        assert_eq!(cases[0].version, "beta");
        assert_eq!((cases[0].file.as_str(), cases[0].line), ("api/x.md", 10));
        assert_eq!(types(&cases[0]), [Some("microsoft.graph.user")]);
        assert_eq!(cases[0].skip, None);
        assert_eq!(cases[1].type_name, None);
        assert_eq!(cases[1].skip, Some(Reason::NoType));
    }

    #[test]
    fn responses_prefer_the_annotation() {
        let api = api(vec![
            example(
                None,
                Some(response(
                    10,
                    Some("microsoft.graph.user"),
                    false,
                    ExampleBody::Json(json!({"@odata.type": "#microsoft.graph.group", "id": "1"})),
                )),
            ),
            example(
                None,
                Some(response(
                    20,
                    None,
                    false,
                    ExampleBody::Json(json!({"@odata.type": "#microsoft.graph.group"})),
                )),
            ),
            example(
                None,
                Some(response(
                    30,
                    Some("Edm.String"),
                    false,
                    ExampleBody::Json(json!({"value": "x"})),
                )),
            ),
        ]);
        let cases = cases(&api, "v1.0");
        assert_eq!(cases[0].type_name.as_deref(), Some("microsoft.graph.user"));
        assert!(!cases[0].collection);
        assert_eq!(cases[1].type_name.as_deref(), Some("microsoft.graph.group"));
        assert_eq!(cases[2].skip, Some(Reason::UnknownType));
    }

    #[test]
    fn collections_are_read_element_by_element() {
        let api = api(vec![
            // Declared and known: every element is read as it.
            example(
                None,
                Some(response(
                    10,
                    Some("microsoft.graph.user"),
                    true,
                    ExampleBody::Json(
                        json!({"@odata.context": "x", "value": [{"id": "1"}, {"id": "2"}]}),
                    ),
                )),
            ),
            // Not annotated: a `value` array makes it a collection, typed per element.
            example(
                None,
                Some(response(
                    20,
                    None,
                    false,
                    ExampleBody::Json(json!({"value": [
                        {"@odata.type": "#microsoft.graph.user"},
                        {"@odata.type": "#microsoft.graph.group"}
                    ]})),
                )),
            ),
            // Declared but unknown: elements by their own type, else the declared one.
            example(
                None,
                Some(response(
                    30,
                    Some("microsoft.graph.nothing"),
                    true,
                    ExampleBody::Json(
                        json!({"value": [{"@odata.type": "#microsoft.graph.user"}, {}]}),
                    ),
                )),
            ),
            // An element without a type.
            example(
                None,
                Some(response(
                    40,
                    None,
                    false,
                    ExampleBody::Json(
                        json!({"value": [{"@odata.type": "#microsoft.graph.user"}, {}]}),
                    ),
                )),
            ),
            // A type with its own `value` collection is not a collection body.
            example(
                None,
                Some(response(
                    50,
                    Some("microsoft.graph.valueHolder"),
                    false,
                    ExampleBody::Json(json!({"value": ["a"]})),
                )),
            ),
            // An empty collection of a known type.
            example(
                None,
                Some(response(
                    60,
                    Some("microsoft.graph.user"),
                    true,
                    ExampleBody::Json(json!({"value": []})),
                )),
            ),
        ]);
        let cases = cases(&api, "beta");
        assert!(cases[0].collection);
        assert_eq!(
            types(&cases[0]),
            [Some("microsoft.graph.user"), Some("microsoft.graph.user")]
        );
        assert_eq!(cases[0].items[1].place, Place::Value(1));
        assert_eq!(
            cases[0].item_json(&cases[0].items[1]),
            Some(&json!({"id": "2"}))
        );
        assert_eq!(cases[0].skip, None);

        assert!(cases[1].collection);
        assert_eq!(
            types(&cases[1]),
            [Some("microsoft.graph.user"), Some("microsoft.graph.group")]
        );
        assert_eq!(cases[1].skip, None);

        assert_eq!(
            types(&cases[2]),
            [
                Some("microsoft.graph.user"),
                Some("microsoft.graph.nothing")
            ]
        );
        assert_eq!(cases[2].skip, Some(Reason::UnknownType));

        assert_eq!(cases[3].skip, Some(Reason::NoType));

        assert!(!cases[4].collection);
        assert_eq!(cases[4].items[0].place, Place::Whole);

        assert!(cases[5].items.is_empty());
        assert_eq!(cases[5].skip, None);
    }

    #[test]
    fn repaired_and_text_bodies_are_not_run() {
        let api = api(vec![example(
            Some(request(
                10,
                ExampleBody::Repaired(json!({"@odata.type": "#microsoft.graph.user"})),
            )),
            Some(response(
                20,
                Some("microsoft.graph.user"),
                false,
                ExampleBody::Text("<html/>".into()),
            )),
        )]);
        let cases = cases(&api, "beta");
        assert_eq!(cases[0].state, BodyState::Repaired);
        assert_eq!(cases[0].skip, Some(Reason::Repaired));
        assert!(cases[0].items.is_empty());
        assert_eq!(cases[1].state, BodyState::Text);
        assert_eq!(cases[1].skip, Some(Reason::NotJson));
        assert_eq!(cases[1].json, json!("<html/>"));
    }

    #[test]
    fn compare_allows_numbers_and_date_times() {
        assert!(compare(&json!({"a": 2, "b": [1.5]}), &json!({"b": [1.5], "a": 2.0})).is_none());
        assert!(compare(
            &json!("2017-01-01T00:02:14.9489247-08:00"),
            &json!("2017-01-01T00:02:14.948924700-08:00")
        )
        .is_none());
        assert!(compare(
            &json!("2017-01-01T00:00:00Z"),
            &json!("2017-01-01T00:00:00+00:00")
        )
        .is_none());
        assert!(compare(
            &json!("2017-01-01T00:00Z"),
            &json!("2017-01-01T00:00:00.000Z")
        )
        .is_none());
        // The same instant with another offset is a different spelling.
        assert!(compare(
            &json!("2017-01-01T08:00:00Z"),
            &json!("2017-01-01T00:00:00-08:00")
        )
        .is_some());
        assert!(compare(
            &json!("2017-01-01T00:00:00Z"),
            &json!("2017-01-01T00:00:01Z")
        )
        .is_some());
        assert!(compare(
            &json!(9_007_199_254_740_993_i64),
            &json!(9_007_199_254_740_992_i64)
        )
        .is_some());
        assert!(compare(&json!(1), &json!("1")).is_some());
    }

    #[test]
    fn compare_names_the_first_difference() {
        let m = compare(
            &json!({"value": [{"id": "1", "createdDateTime": "2017-01-01T00:00:00Z"}]}),
            &json!({"value": [{"id": "1", "createdDateTime": "2017-01-02T00:00:00Z"}]}),
        )
        .unwrap();
        assert_eq!(m.path, "value[0].createdDateTime");
        assert_eq!(m.expected, Some(json!("2017-01-01T00:00:00Z")));
        assert_eq!(m.found, Some(json!("2017-01-02T00:00:00Z")));
        assert_eq!(m.kind(), "string changed on write");

        let m = compare(&json!({"a": {"b": 1}}), &json!({"a": {}})).unwrap();
        assert_eq!((m.path.as_str(), m.found.as_ref()), ("a.b", None));
        assert_eq!(m.kind(), "property dropped on write");
        let m = compare(&json!({"a": 1}), &json!({"a": 1, "z": null})).unwrap();
        assert_eq!((m.path.as_str(), m.expected.as_ref()), ("z", None));
        let m = compare(&json!([1, 2]), &json!([1])).unwrap();
        assert_eq!(m.path, "[1]");
        let m = compare(&json!({"n": "5"}), &json!({"n": 5})).unwrap();
        assert_eq!(m.kind(), "string written as number");
        let m = compare(&json!({"g": "ABC"}), &json!({"g": "abc"})).unwrap();
        assert_eq!(m.kind(), "string re-cased on write");
    }

    #[test]
    fn judging_and_counting() {
        let api = api(vec![example(
            Some(request(
                10,
                ExampleBody::Json(json!({"@odata.type": "#microsoft.graph.user"})),
            )),
            Some(response(
                20,
                Some("microsoft.graph.user"),
                true,
                ExampleBody::Json(json!({"value": [{"id": "1"}, {"id": "2", "n": 3}]})),
            )),
        )]);
        let cases = cases(&api, "beta");
        let ok = judge(
            &cases[0],
            &[Outcome::Roundtrip {
                json: json!({"@odata.type": "#microsoft.graph.user"}),
            }],
        );
        assert_eq!(ok.reason, Reason::Passed);

        let bad = judge(
            &cases[1],
            &[
                Outcome::Roundtrip {
                    json: json!({"id": "1"}),
                },
                Outcome::Roundtrip {
                    json: json!({"id": "2", "n": "3"}),
                },
            ],
        );
        assert_eq!(bad.reason, Reason::Failed);
        let failure = bad.failure.clone().unwrap();
        assert_eq!(failure.group(), "number written as string");
        assert!(
            failure.detail().contains("`value[1].n`"),
            "{}",
            failure.detail()
        );

        let error = judge(
            &cases[1],
            &[Outcome::Error {
                message: "`start`: expected a date, found string \"x\"".into(),
                path: Some("start".into()),
                expected: Some("a date".into()),
                found: Some("string \"x\"".into()),
            }],
        );
        let failure = error.failure.clone().unwrap();
        assert_eq!(failure.group(), "read error: expected a date, found string");
        assert!(failure.detail().contains("`value[0].start`"));
        let unknown = judge(&cases[1], &[Outcome::UnknownType, Outcome::UnknownType]);
        assert_eq!(unknown.reason, Reason::UnknownType);

        let mut tally = Tally::default();
        tally.add(&cases[0], &ok);
        tally.add(&cases[1], &bad);
        tally.add(&cases[1], &error);
        assert_eq!(tally.summary(), "3 seen, 3 valid, 1 passed, 2 failed");
        assert_eq!(tally.top_failures(20).len(), 2);
    }
}
