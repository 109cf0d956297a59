//! A request built but not sent: method, path, query, headers, body, and how to read the
//! response. The generated request builders make them; the client of `graph-rt` sends them,
//! alone or in a batch; anyone can inspect or log them first.

use std::fmt;
use std::marker::PhantomData;

use crate::path::{encode_query_value, UrlPath};
use crate::{Error, FromJson, JsonMap, ToJson, Value};

/// The HTTP methods Graph documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH`
    Patch,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// `"GET"`, `"POST"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// Whether sending it twice has the effect of sending it once (RFC 9110): only these are
    /// retried without the caller's consent.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Self::Get | Self::Put | Self::Delete)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response as it came off the wire, for the decoders.
#[derive(Debug, Clone, Default)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`null` when empty).
    pub fn json(&self) -> Result<Value, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::custom(format!("the response body is not JSON: {e}")))
    }
}

/// Reads a successful response into the operation's output type.
pub type Decoder<T> = fn(RawResponse) -> Result<T, Error>;

/// The decoders the generated code picks from, by what the docs say the response is.
pub mod decode {
    use super::{Page, RawResponse};
    use crate::{Error, FromJson, Value};

    /// The body is one JSON value of type `T` (an entity, a complex value).
    pub fn json<T: FromJson>(raw: RawResponse) -> Result<T, Error> {
        T::from_json(raw.json()?)
    }

    /// The body is `{"value": …}` around a `T` (a primitive or a collection a function returns).
    pub fn value<T: FromJson>(raw: RawResponse) -> Result<T, Error> {
        match raw.json()? {
            Value::Object(mut map) if map.contains_key("value") => {
                let value = map.shift_remove("value").unwrap_or(Value::Null);
                T::from_json(value).map_err(|e| e.at_key("value"))
            }
            other => T::from_json(other),
        }
    }

    /// A page of a collection: `{"value": [...], "@odata.nextLink": …}`.
    pub fn page<T: FromJson>(raw: RawResponse) -> Result<Page<T>, Error> {
        Page::from_json(raw.json()?)
    }

    /// One JSON value of type `T`, or none: Graph answers a `PATCH` with the updated entity or
    /// with `204 No Content`, and an empty body is "no representation", not an error.
    pub fn optional<T: FromJson>(raw: RawResponse) -> Result<Option<T>, Error> {
        if raw.status == 204 || raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        T::from_json(raw.json()?).map(Some)
    }

    /// No content is expected; whatever came is ignored.
    pub fn empty(_raw: RawResponse) -> Result<(), Error> {
        Ok(())
    }

    /// A long-running action accepted (`202 Accepted`, no body): where to follow it.
    pub fn accepted(raw: RawResponse) -> Result<super::Accepted, Error> {
        Ok(super::Accepted::from_response(&raw))
    }

    /// The raw bytes (`$value`, file content, reports in CSV).
    pub fn bytes(raw: RawResponse) -> Result<Vec<u8>, Error> {
        Ok(raw.body)
    }

    /// Any JSON, untyped (a type no page defines, `$ref` reads).
    pub fn any(raw: RawResponse) -> Result<Value, Error> {
        raw.json()
    }

    /// `$count`: a number as plain text.
    pub fn count(raw: RawResponse) -> Result<i64, Error> {
        let text = String::from_utf8_lossy(&raw.body);
        let text = text.trim().trim_start_matches('\u{feff}');
        text.parse()
            .map_err(|_| Error::custom(format!("`$count` returned `{text}`, not a number")))
    }
}

/// A long-running action Graph accepted (`202 Accepted` without a body): the action goes on
/// after the call returns, and `Location` says where its progress is reported. That may be a
/// Graph address (`/teams('…')/operations('…')`, a `teamsAsyncOperation`) or a monitor URL on
/// another host (a drive item's copy), which is read without the token.
///
/// `graph_rt::Client` reads it: `action_status` once, `wait_for_action` until the action is
/// over, and `run_action` sends the request and waits, in one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accepted {
    /// The `Location` header: where the action's status is reported, as Graph sent it
    /// (absolute, or relative to the API version's root).
    pub location: Option<String>,
    /// The `Retry-After` header, in seconds: when to look at the status first.
    pub retry_after: Option<u64>,
    /// The `Content-Location` header, when sent: where what the action makes will be (a new
    /// team's `/teams('…')`), known before the action ends.
    pub content_location: Option<String>,
}

impl Accepted {
    /// The `Location` and `Retry-After` headers of a response.
    pub fn from_response(raw: &RawResponse) -> Self {
        Self {
            location: raw.header("location").map(str::to_owned),
            retry_after: raw
                .header("retry-after")
                .and_then(|v| v.trim().parse().ok()),
            content_location: raw.header("content-location").map(str::to_owned),
        }
    }
}

/// One page of a collection, and the links to the rest of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// `@odata.nextLink`: the next page, when there is one.
    pub next_link: Option<String>,
    /// `@odata.deltaLink`: on the last page of a delta query, where to resume later.
    pub delta_link: Option<String>,
    /// `@odata.count`, when `$count=true` was asked.
    pub count: Option<i64>,
    /// Other annotations and properties (`@odata.context`, …), in their order.
    pub additional: JsonMap,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            next_link: None,
            delta_link: None,
            count: None,
            additional: JsonMap::new(),
        }
    }
}

impl<T: FromJson> FromJson for Page<T> {
    fn from_json(value: Value) -> Result<Self, Error> {
        let mut map = crate::into_object(value, "a page of a collection")?;
        let link = |map: &mut JsonMap, key: &str| match map.shift_remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Error::mismatch("a link (string)", &other).at_key(key)),
        };
        let next_link = link(&mut map, "@odata.nextLink")?;
        let delta_link = link(&mut map, "@odata.deltaLink")?;
        let count = match map.shift_remove("@odata.count") {
            None | Some(Value::Null) => None,
            Some(v) => Some(i64::from_json(v).map_err(|e| e.at_key("@odata.count"))?),
        };
        let value = match map.shift_remove("value") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => Vec::<T>::from_json(v).map_err(|e| e.at_key("value"))?,
        };
        Ok(Self {
            value,
            next_link,
            delta_link,
            count,
            additional: map,
        })
    }
}

impl<T: ToJson> ToJson for Page<T> {
    fn to_json(&self) -> Result<Value, Error> {
        let mut map = self.additional.clone();
        if let Some(count) = self.count {
            map.insert("@odata.count".into(), Value::from(count));
        }
        if let Some(link) = &self.next_link {
            map.insert("@odata.nextLink".into(), Value::String(link.clone()));
        }
        if let Some(link) = &self.delta_link {
            map.insert("@odata.deltaLink".into(), Value::String(link.clone()));
        }
        map.insert("value".into(), self.value.to_json()?);
        Ok(Value::Object(map))
    }
}

impl ToJson for () {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
}

/// `{"location": …, "retryAfter": …, "contentLocation": …}`, the headers that were there (for logs and the
/// example runner).
impl ToJson for Accepted {
    fn to_json(&self) -> Result<Value, Error> {
        let mut map = JsonMap::new();
        if let Some(location) = &self.location {
            map.insert("location".into(), Value::String(location.clone()));
        }
        if let Some(seconds) = self.retry_after {
            map.insert("retryAfter".into(), Value::from(seconds));
        }
        if let Some(location) = &self.content_location {
            map.insert("contentLocation".into(), Value::String(location.clone()));
        }
        Ok(Value::Object(map))
    }
}

/// A property of type `S`, by its wire name: what `$select`, `$expand` and `$orderby` take, so
/// that a misspelled property does not compile. Generated as associated constants of each model
/// (`User::DISPLAY_NAME`).
///
/// ```
/// use graph_rt_core::{decode, Method, Options, Page, Prop, Request, UrlPath, Value};
/// struct User;
/// const DISPLAY_NAME: Prop<User> = Prop::new("displayName");
/// type List = Options<true, false, true, false, false, false, false, false>;
/// let users: Request<Page<Value>, User, List> =
///     Request::new(Method::Get, "v1.0", UrlPath::root().literal("users"), decode::page);
/// let users = users.select([DISPLAY_NAME]).filter("startswith(displayName,'a')");
/// assert_eq!(users.path_and_query(), "/users?$select=displayName&$filter=startswith(displayName,'a')");
/// ```
///
/// A property of another type is a compile error:
///
/// ```compile_fail
/// use graph_rt_core::{decode, Method, Options, Page, Prop, Request, UrlPath, Value};
/// struct User;
/// struct Group;
/// const GROUP_NAME: Prop<Group> = Prop::new("displayName");
/// type List = Options<true, false, true, false, false, false, false, false>;
/// let users: Request<Page<Value>, User, List> =
///     Request::new(Method::Get, "v1.0", UrlPath::root().literal("users"), decode::page);
/// users.select([GROUP_NAME]);
/// ```
///
/// So is a query option the operation's page does not document:
///
/// ```compile_fail
/// use graph_rt_core::{decode, Method, NoOptions, Page, Request, UrlPath, Value};
/// let users: Request<Page<Value>, (), NoOptions> =
///     Request::new(Method::Get, "v1.0", UrlPath::root().literal("users"), decode::page);
/// users.filter("startswith(displayName,'a')");
/// ```
pub struct Prop<S> {
    name: &'static str,
    marker: PhantomData<fn() -> S>,
}

impl<S> Prop<S> {
    /// The property `name` (its wire name) of `S`.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            marker: PhantomData,
        }
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        self.name
    }
}

impl<S> Clone for Prop<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Prop<S> {}
impl<S> fmt::Debug for Prop<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}
impl<S> PartialEq for Prop<S> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl<S> Eq for Prop<S> {}

/// The OData query options an operation's page documents, one flag each: `$select`, `$expand`,
/// `$filter`, `$orderby`, `$top`, `$skip`, `$count`, `$search`. [`Request`] has a builder
/// method for an option only when its flag is `true`.
pub struct Options<
    const SELECT: bool,
    const EXPAND: bool,
    const FILTER: bool,
    const ORDER_BY: bool,
    const TOP: bool,
    const SKIP: bool,
    const COUNT: bool,
    const SEARCH: bool,
>;

/// No query options: every call but a read.
pub type NoOptions = Options<false, false, false, false, false, false, false, false>;

/// What reading one entity takes: `$select` and `$expand`.
pub type GetOptions = Options<true, true, false, false, false, false, false, false>;

/// What listing a collection takes: every option (`$select`, `$expand`, `$filter`, `$orderby`,
/// `$top`, `$skip`, `$count`, `$search`).
pub type ListOptions = Options<true, true, true, true, true, true, true, true>;

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    None,
    /// A JSON body.
    Json(Value),
    /// Raw bytes with a content type (file uploads).
    Bytes {
        /// The `Content-Type`.
        content_type: String,
        /// The bytes.
        data: Vec<u8>,
    },
}

/// Who calls: a user of a work or school account, of a personal account, or an application
/// with no user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PermissionKind {
    /// Delegated, work or school account.
    DelegatedWork,
    /// Delegated, personal Microsoft account.
    DelegatedPersonal,
    /// Application (no signed-in user).
    Application,
}

/// The scopes the docs of an operation list for one kind of caller, least privileged first;
/// any one of them is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Permission {
    /// Who calls.
    pub kind: PermissionKind,
    /// The scopes, least privileged first.
    pub scopes: &'static [&'static str],
}

/// Where a request goes: a path below the API version, or an absolute link the service gave
/// (`@odata.nextLink`, `@odata.deltaLink`).
#[derive(Debug, Clone)]
enum Target {
    Path(UrlPath),
    /// A link the service returned, and the template of the path it continues
    /// ([`UrlPath::template`]).
    Link {
        link: String,
        template: String,
    },
}

/// A request built but not sent. `T` is what a successful response reads as, `S` the type whose
/// properties `$select`/`$expand`/`$orderby` take, `Q` the query options the docs allow
/// ([`Options`]).
pub struct Request<T, S = (), Q = NoOptions> {
    // Everything but the decoder is in a struct of its own, whose methods are not generic: the
    // generated crate builds thousands of distinct `Request` types, and each copies only the
    // thin generic wrappers.
    parts: Parts,
    decode: Decoder<T>,
    marker: PhantomData<fn() -> (S, Q)>,
}

#[derive(Clone)]
struct Parts {
    method: Method,
    version: &'static str,
    target: Target,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
    /// The first problem met while building (a body that does not convert, an unsafe key).
    problem: Option<String>,
    status: Option<u16>,
    permissions: &'static [Permission],
    retry_non_idempotent: bool,
}

impl Parts {
    fn new(method: Method, version: &'static str, path: UrlPath) -> Self {
        let problem = path.invalid().map(str::to_owned);
        Self {
            method,
            version,
            target: Target::Path(path),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            problem,
            status: None,
            permissions: &[],
            retry_non_idempotent: false,
        }
    }

    fn set_json(&mut self, body: Result<Value, Error>) {
        match body {
            Ok(value) => self.body = Body::Json(value),
            Err(error) => {
                self.problem
                    .get_or_insert_with(|| format!("the request body does not convert: {error}"));
            }
        }
    }

    fn set_query(&mut self, name: &str, value: String) {
        match self.query.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((name.to_owned(), value)),
        }
    }

    fn path_and_query(&self) -> String {
        let mut out = match &self.target {
            Target::Path(path) => path.as_str().to_owned(),
            Target::Link { link, .. } => return link.clone(),
        };
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode_query_value(name));
            out.push('=');
            out.push_str(&encode_query_value(value));
        }
        out
    }

    fn url(&self, root: &str) -> String {
        match &self.target {
            Target::Link { link, .. } => link.clone(),
            Target::Path(_) => format!(
                "{}/{}{}",
                root.trim_end_matches('/'),
                self.version,
                self.path_and_query()
            ),
        }
    }
}

/// What sends requests: `graph-rt`'s `Client` (this crate has no HTTP). It gives every request
/// its [`Request::send`].
pub trait Sender {
    /// Why a call failed.
    type Error;

    /// Sends `request` and reads its response into `T`.
    fn send_request<T, S, Q>(
        &self,
        request: Request<T, S, Q>,
    ) -> impl std::future::Future<Output = Result<T, Self::Error>>;
}

impl<T, S, Q> Request<T, S, Q> {
    /// Sends the request with `client` (`graph_rt::Client::send`).
    pub async fn send<C: Sender + ?Sized>(self, client: &C) -> Result<T, C::Error> {
        client.send_request(self).await
    }
}

impl<T, S, Q> Clone for Request<T, S, Q> {
    fn clone(&self) -> Self {
        Self {
            parts: self.parts.clone(),
            decode: self.decode,
            marker: PhantomData,
        }
    }
}

impl<T, S, Q> fmt::Debug for Request<T, S, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.parts.method)
            .field("version", &self.parts.version)
            .field("path_and_query", &self.path_and_query())
            .field("headers", &self.parts.headers)
            .field("body", &self.parts.body)
            .finish_non_exhaustive()
    }
}

impl<T, S, Q> Request<T, S, Q> {
    /// A request to `path` of API `version` (`"v1.0"`, `"beta"`) that reads its response with
    /// `decode`. Generated code calls this; so can you, for a path the docs do not describe.
    pub fn new(method: Method, version: &'static str, path: UrlPath, decode: Decoder<T>) -> Self {
        Self {
            parts: Parts::new(method, version, path),
            decode,
            marker: PhantomData,
        }
    }

    /// Sets the JSON body from a model (or any [`ToJson`]).
    pub fn json_body<B: ToJson + ?Sized>(mut self, body: &B) -> Self {
        self.parts.set_json(body.to_json());
        self
    }

    /// Sets a raw body (file content).
    pub fn bytes_body(mut self, content_type: &str, data: Vec<u8>) -> Self {
        self.parts.body = Body::Bytes {
            content_type: content_type.to_owned(),
            data,
        };
        self
    }

    /// The success status the docs give (`201` for a create), for reference.
    pub fn documented_status(mut self, status: u16) -> Self {
        self.parts.status = Some(status);
        self
    }

    /// The permissions the docs list for this operation (generated code sets them).
    pub fn with_permissions(mut self, permissions: &'static [Permission]) -> Self {
        self.parts.permissions = permissions;
        self
    }

    /// The permissions the docs list for this operation, by kind of caller, each least
    /// privileged first; empty when the docs list none.
    pub fn permissions(&self) -> &'static [Permission] {
        self.parts.permissions
    }

    /// The least privileged scope that lets `kind` call this operation, when the docs list one.
    pub fn least_privileged(&self, kind: PermissionKind) -> Option<&'static str> {
        self.parts
            .permissions
            .iter()
            .find(|p| p.kind == kind)
            .and_then(|p| p.scopes.first().copied())
    }

    /// Adds a request header (`ConsistencyLevel`, `Prefer`, `If-Match`, …).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.parts.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `ConsistencyLevel: eventual`, which advanced queries on directory objects need.
    pub fn consistency_level_eventual(self) -> Self {
        self.header("ConsistencyLevel", "eventual")
    }

    /// Adds a query parameter as it is (the escape hatch for anything the builder lacks). The
    /// value is percent-encoded when the URL is made.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.parts.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Retries this request on 429/503/504 even though its method is not idempotent (the
    /// caller knows that sending it twice is harmless).
    pub fn retry_non_idempotent(mut self) -> Self {
        self.parts.retry_non_idempotent = true;
        self
    }

    /// The same request sent to a link the service returned (`@odata.nextLink`, or a stored
    /// `@odata.deltaLink` to resume a delta query). The link carries the query.
    pub fn at_link(mut self, link: &str) -> Self {
        let template = match &mut self.parts.target {
            Target::Path(path) => path.template().to_owned(),
            Target::Link { template, .. } => std::mem::take(template),
        };
        self.parts.target = Target::Link {
            link: link.to_owned(),
            template,
        };
        self.parts.query.clear();
        self
    }

    /// The path below the version with every caller-supplied piece as `{}`
    /// (`/users/{}/messages`; [`UrlPath::template`]); a request moved to a link keeps its
    /// path's.
    pub fn template(&self) -> &str {
        match &self.parts.target {
            Target::Path(path) => path.template(),
            Target::Link { template, .. } => template,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.parts.method
    }

    /// The API version (`"v1.0"`, `"beta"`).
    pub fn version(&self) -> &'static str {
        self.parts.version
    }

    /// The encoded path below the version, with the query: `/users/a%2Fb?$select=id`. For a
    /// request at a link, the link.
    pub fn path_and_query(&self) -> String {
        self.parts.path_and_query()
    }

    /// The absolute URL below `root` (`https://graph.microsoft.com`).
    pub fn url(&self, root: &str) -> String {
        self.parts.url(root)
    }

    /// The query parameters, not encoded.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.parts.query
    }

    /// The headers set on this request (the client adds `Authorization` when sending).
    pub fn headers(&self) -> &[(String, String)] {
        &self.parts.headers
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.parts.body
    }

    /// The JSON body, if it has one.
    pub fn json(&self) -> Option<&Value> {
        match &self.parts.body {
            Body::Json(value) => Some(value),
            _ => None,
        }
    }

    /// Why this request cannot be sent, if something went wrong while building it.
    pub fn problem(&self) -> Option<&str> {
        self.parts.problem.as_deref()
    }

    /// The success status the docs give.
    pub fn expected_status(&self) -> Option<u16> {
        self.parts.status
    }

    /// Whether the client may retry it on 429/503/504.
    pub fn retryable(&self) -> bool {
        self.parts.method.is_idempotent() || self.parts.retry_non_idempotent
    }

    /// Reads a successful response as `T`.
    pub fn decode(&self, raw: RawResponse) -> Result<T, Error> {
        (self.decode)(raw)
    }

    /// The decoder, for code that keeps it apart from the request (batches).
    pub fn decoder(&self) -> Decoder<T> {
        self.decode
    }

    /// The same request, read by another decoder (a test that reads every response as JSON).
    pub fn with_decoder<U>(self, decode: Decoder<U>) -> Request<U, S, Q> {
        Request {
            parts: self.parts,
            decode,
            marker: PhantomData,
        }
    }

    /// The same request without its compile-time query checks (for code that stores requests
    /// of different operations together).
    pub fn erase_query(self) -> Request<T> {
        Request {
            parts: self.parts,
            decode: self.decode,
            marker: PhantomData,
        }
    }

    fn set_query(mut self, name: &str, value: String) -> Self {
        self.parts.set_query(name, value);
        self
    }
}

fn join<S>(props: impl IntoIterator<Item = Prop<S>>) -> String {
    props
        .into_iter()
        .map(Prop::name)
        .collect::<Vec<_>>()
        .join(",")
}

/// `$orderby` direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending (the default).
    Asc,
    /// Descending.
    Desc,
}

// One impl block per option: the flag of that option must be `true`, the others may be anything.
impl<
        T,
        S,
        const E: bool,
        const F: bool,
        const O: bool,
        const TP: bool,
        const SK: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<true, E, F, O, TP, SK, C, SE>>
{
    /// `$select`: only these properties of `S`.
    pub fn select(self, props: impl IntoIterator<Item = Prop<S>>) -> Self {
        let value = join(props);
        self.set_query("$select", value)
    }

    /// `$select` as written (properties of derived types, or ones this SDK does not know).
    pub fn select_raw(self, select: &str) -> Self {
        self.set_query("$select", select.to_owned())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const F: bool,
        const O: bool,
        const TP: bool,
        const SK: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<SL, true, F, O, TP, SK, C, SE>>
{
    /// `$expand`: these navigation properties of `S`, inline.
    pub fn expand(self, props: impl IntoIterator<Item = Prop<S>>) -> Self {
        let value = join(props);
        self.set_query("$expand", value)
    }

    /// `$expand` as written (`members($select=id)`).
    pub fn expand_raw(self, expand: &str) -> Self {
        self.set_query("$expand", expand.to_owned())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const O: bool,
        const TP: bool,
        const SK: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<SL, E, true, O, TP, SK, C, SE>>
{
    /// `$filter`: an OData expression, such as `startswith(displayName,'a')`; quote strings with
    /// [`odata_string`](crate::odata_string).
    pub fn filter(self, expression: &str) -> Self {
        self.set_query("$filter", expression.to_owned())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const F: bool,
        const TP: bool,
        const SK: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<SL, E, F, true, TP, SK, C, SE>>
{
    /// `$orderby`: by these properties of `S`, each ascending or descending.
    pub fn order_by(self, keys: impl IntoIterator<Item = (Prop<S>, Order)>) -> Self {
        let value = keys
            .into_iter()
            .map(|(p, order)| match order {
                Order::Asc => p.name().to_owned(),
                Order::Desc => format!("{} desc", p.name()),
            })
            .collect::<Vec<_>>()
            .join(",");
        self.set_query("$orderby", value)
    }

    /// `$orderby` as written.
    pub fn order_by_raw(self, order_by: &str) -> Self {
        self.set_query("$orderby", order_by.to_owned())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const F: bool,
        const O: bool,
        const SK: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<SL, E, F, O, true, SK, C, SE>>
{
    /// `$top`: at most this many items (per page).
    pub fn top(self, n: u32) -> Self {
        self.set_query("$top", n.to_string())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const F: bool,
        const O: bool,
        const TP: bool,
        const C: bool,
        const SE: bool,
    > Request<T, S, Options<SL, E, F, O, TP, true, C, SE>>
{
    /// `$skip`: skip this many items.
    pub fn skip(self, n: u32) -> Self {
        self.set_query("$skip", n.to_string())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const F: bool,
        const O: bool,
        const TP: bool,
        const SK: bool,
        const SE: bool,
    > Request<T, S, Options<SL, E, F, O, TP, SK, true, SE>>
{
    /// `$count=true`: the total is in [`Page::count`].
    pub fn count(self) -> Self {
        self.set_query("$count", "true".to_owned())
    }
}

impl<
        T,
        S,
        const SL: bool,
        const E: bool,
        const F: bool,
        const O: bool,
        const TP: bool,
        const SK: bool,
        const C: bool,
    > Request<T, S, Options<SL, E, F, O, TP, SK, C, true>>
{
    /// `$search`: a search expression, quoted as Graph wants it (`"displayName:room"`).
    pub fn search(self, expression: &str) -> Self {
        self.set_query("$search", expression.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct User;
    type ListOptions = Options<true, true, true, true, true, true, true, true>;

    #[test]
    fn builds_without_sending() {
        const NAME: Prop<User> = Prop::new("displayName");
        const ID: Prop<User> = Prop::new("id");
        let path = UrlPath::root().literal("users");
        let request: Request<Page<Value>, User, ListOptions> =
            Request::new(Method::Get, "v1.0", path, decode::page)
                .select([ID, NAME])
                .filter("startswith(displayName,'a b')")
                .order_by([(NAME, Order::Desc)])
                .top(5)
                .count()
                .consistency_level_eventual();
        assert_eq!(
            request.path_and_query(),
            "/users?$select=id,displayName&$filter=startswith(displayName,'a%20b')\
             &$orderby=displayName%20desc&$top=5&$count=true"
        );
        assert_eq!(
            request.url("https://graph.microsoft.com/"),
            format!(
                "https://graph.microsoft.com/v1.0{}",
                request.path_and_query()
            )
        );
        assert_eq!(request.headers()[0].0, "ConsistencyLevel");
        assert!(request.retryable());
        let resumed = request.at_link("https://graph.microsoft.com/v1.0/users?$skiptoken=x");
        assert_eq!(
            resumed.url("ignored"),
            "https://graph.microsoft.com/v1.0/users?$skiptoken=x"
        );
        // A link keeps the template of the path it continues, link after link.
        assert_eq!(resumed.template(), "/users");
        let again = resumed.at_link("https://graph.microsoft.com/v1.0/users?$skiptoken=y");
        assert_eq!(again.template(), "/users");
    }

    #[test]
    fn pages_round_trip() {
        let json: Value = serde_json::from_str(
            r#"{"@odata.context":"x","@odata.count":2,"value":[1,2],"@odata.nextLink":"n"}"#,
        )
        .expect("json");
        let page = Page::<i64>::from_json(json.clone()).expect("page");
        assert_eq!(page.value, vec![1, 2]);
        assert_eq!(page.next_link.as_deref(), Some("n"));
        assert_eq!(page.count, Some(2));
        assert_eq!(page.to_json().expect("json"), json);
    }

    #[test]
    fn an_accepted_action_keeps_its_location_and_retry_after() {
        let raw = RawResponse {
            status: 202,
            headers: vec![
                ("location".into(), "/teams('t1')/operations('op1')".into()),
                ("retry-after".into(), " 5".into()),
                ("content-location".into(), "/teams('t1')".into()),
            ],
            body: Vec::new(),
        };
        let accepted = decode::accepted(raw).expect("accepted");
        assert_eq!(
            accepted.location.as_deref(),
            Some("/teams('t1')/operations('op1')")
        );
        assert_eq!(accepted.retry_after, Some(5));
        assert_eq!(accepted.content_location.as_deref(), Some("/teams('t1')"));
        // Without the headers (a call answered, a meeting joined): nothing, not an error.
        let bare = decode::accepted(RawResponse {
            status: 202,
            ..RawResponse::default()
        })
        .expect("accepted");
        assert_eq!(bare, Accepted::default());
        assert_eq!(bare.to_json().expect("json"), Value::Object(JsonMap::new()));
    }

    #[test]
    fn decoders() {
        let raw = |body: &str| RawResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        assert_eq!(
            decode::value::<String>(raw(r#"{"value":"x"}"#)).ok(),
            Some("x".into())
        );
        assert_eq!(decode::count(raw("\u{feff}42")).ok(), Some(42));
        assert!(decode::json::<i64>(raw("nope")).is_err());
        assert_eq!(decode::any(raw("")).ok(), Some(Value::Null));
        assert_eq!(decode::optional::<String>(raw("")).ok(), Some(None));
        assert_eq!(decode::optional::<String>(raw("  ")).ok(), Some(None));
        assert_eq!(
            decode::optional::<String>(raw(r#""x""#)).ok(),
            Some(Some("x".to_owned()))
        );
        let no_content = RawResponse {
            status: 204,
            headers: vec![],
            body: b"{}".to_vec(),
        };
        assert_eq!(decode::optional::<Value>(no_content).ok(), Some(None));
        assert!(decode::optional::<i64>(raw("nope")).is_err());
    }
}
