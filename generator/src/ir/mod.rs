//! The intermediate model (IR): what the docs say about the API, resolved across pages.
//!
//! Everything here is plain data: ordered, serializable, with no markdown and no Rust tokens
//! inside. A property's or a parameter's type is a [`TypeRef`] (an EDM primitive or a
//! qualified name such as `microsoft.graph.devicePlatformType`, one or a collection).
//! `cargo xtask ir` prints this model as JSON.

use std::sync::Arc;

use serde::Serialize;

pub mod route;
mod type_ref;

pub use type_ref::{ElementType, Primitive, QualifiedName, TypeRef};

use crate::diagnostics::Diagnostic;

/// The resolved model of one docs tree (one API version).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Api {
    /// Entity and complex types, sorted by qualified name.
    pub types: Vec<TypeDef>,
    /// Enum types, sorted by qualified name.
    pub enums: Vec<EnumDef>,
    /// One operation per documented HTTP request line, sorted by path then method.
    pub operations: Vec<Operation>,
    /// Everything the docs got wrong, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
}

pub use crate::source::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    Entity,
    Complex,
}

/// An entity or complex type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub namespace: String,
    pub kind: TypeKind,
    /// Qualified name of the base type, if the docs name one.
    pub base: Option<QualifiedName>,
    /// Name of the key property of an entity (own or inherited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub open: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub r#abstract: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub media_entity: bool,
    pub description: String,
    /// The full property set: the ancestors' properties first (root first), then its own.
    pub properties: Vec<Property>,
    /// Every page that defines (part of) this type.
    pub sources: Vec<Source>,
}

impl TypeDef {
    /// `namespace.name`, the name the docs qualify it with (`microsoft.graph.user`).
    pub fn qualified_name(&self) -> QualifiedName {
        QualifiedName::of(&self.namespace, &self.name)
    }
}

/// The inheritance of a resolved API's types: the one walk up the bases, for whatever needs a
/// type's ancestors or descendants after resolution (the emitter's `Any…` enums, the walk of
/// paths in `resolve::routes`, the API diff). Types are named by their index in [`Api::types`]. `resolve` walks the bases of what
/// it is still merging with its own `lineage`.
pub struct Inheritance<'a> {
    types: &'a [TypeDef],
    /// (namespace, name) → index.
    by_name: foldhash::HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Inheritance<'a> {
    pub fn of(api: &'a Api) -> Self {
        Inheritance {
            types: &api.types,
            by_name: api
                .types
                .iter()
                .enumerate()
                .map(|(i, t)| ((t.namespace.as_str(), t.name.as_str()), i))
                .collect(),
        }
    }

    /// The type a qualified name (`microsoft.graph.entity`) names.
    pub fn type_named(&self, qualified: &str) -> Option<usize> {
        let (namespace, name) = qualified.rsplit_once('.')?;
        self.by_name.get(&(namespace, name)).copied()
    }

    /// Type `ty`'s bases, nearest first: as long as a base is a type of the API, not past a
    /// repeat (a cycle, which `resolve` reported) and at most `resolve`'s
    /// `MAX_INHERITANCE_DEPTH` (64) of them, as far as properties are inherited.
    pub fn ancestors(&self, ty: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut current = ty;
        while let Some(base) = self
            .types
            .get(current)
            .and_then(|t| t.base.as_deref())
            .and_then(|b| self.type_named(b))
        {
            if base == ty
                || out.contains(&base)
                || out.len() == crate::resolve::types::MAX_INHERITANCE_DEPTH
            {
                break;
            }
            out.push(base);
            current = base;
        }
        out
    }
}

/// A structural property or a navigation property (relationship).
#[derive(Debug, Clone, Serialize)]
pub struct Property {
    pub name: String,
    /// Its type (in JSON, the fields `type` and `collection`).
    #[serde(flatten)]
    pub ty: TypeRef,
    pub navigation: bool,
    pub description: String,
    #[serde(skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Values that the description lists ("Possible values are: `a`, `b`.").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_values: Vec<String>,
    /// Qualified name of the type that declares this property, when it is inherited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// Documented only by the JSON representation (typed from its placeholder value).
    #[serde(skip_serializing_if = "is_false")]
    pub from_json: bool,
    pub source: Source,
}

/// An enum type.
#[derive(Debug, Clone, Serialize)]
pub struct EnumDef {
    pub name: String,
    pub namespace: String,
    pub flags: bool,
    pub description: String,
    pub members: Vec<EnumMember>,
    pub sources: Vec<Source>,
}

impl EnumDef {
    /// `namespace.name`, the name the docs qualify it with (`microsoft.graph.user`).
    pub fn qualified_name(&self) -> QualifiedName {
        QualifiedName::of(&self.namespace, &self.name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumMember {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl HttpMethod {
    pub fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PATCH" => Self::Patch,
            "PUT" => Self::Put,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    List,
    Get,
    Create,
    Update,
    Delete,
    Action,
    Function,
}

/// One segment of an HTTP path template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Segment {
    /// A navigation property, entity set, singleton or action name: `deviceManagement`.
    Literal { name: String },
    /// A key placeholder: `{deviceConfigurationId}`, `{id | userPrincipalName}`, `<id>`.
    /// `name` is the placeholder text without its delimiters.
    Key { name: String },
    /// A navigation with its key in parentheses: `worksheets({id|name})`, `rows(<index>)`.
    KeyInParens { name: String, key: String },
    /// A type cast: `microsoft.graph.iosScepCertificateProfile`.
    Cast { r#type: String },
    /// A function call: `getOffice365ActivationsUserDetail(period='{period_value}')`, `delta()`.
    Call { name: String, args: Vec<CallArg> },
    /// Path-based addressing: `root:/{item-path}:`, written `:/{item-path}:` after the segment
    /// it addresses into.
    PathAddress { path: String },
    /// An OData system segment: `$ref`, `$value`, `$count`.
    System { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallArg {
    pub name: String,
    /// The argument as written, quotes included: `'{period_value}'`, `{n}`.
    pub value: String,
}

/// One documented HTTP request line.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub method: HttpMethod,
    /// The normalized template: leading `/`, no host, no version, no query, no trailing `/`.
    pub path: String,
    pub segments: Vec<Segment>,
    /// The query string written on the template line, without the `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub kind: OperationKind,
    /// The page title (H1). Page-level facts are shared by all request lines of a page.
    pub title: Arc<str>,
    pub description: Arc<str>,
    /// The type of the request body (create/update); in JSON `request_type` and, when it is a
    /// collection, `request_collection`.
    #[serde(flatten, serialize_with = "type_ref::request_slot")]
    pub request_type: Option<TypeRef>,
    /// Body properties (create/update) or action parameters, from the "Request body" table,
    /// and function parameters.
    #[serde(skip_serializing_if = "is_empty")]
    pub parameters: Arc<[Parameter]>,
    /// What a success answers; in JSON `response_type` and, when it is a collection,
    /// `response_collection`.
    #[serde(flatten, serialize_with = "type_ref::response_slot")]
    pub response_type: Option<TypeRef>,
    /// The documented success status (`201` for "`201 Created`").
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "is_empty")]
    pub headers: Arc<[Header]>,
    #[serde(skip_serializing_if = "is_empty")]
    pub query_options: Arc<[String]>,
    #[serde(skip_serializing_if = "is_empty")]
    pub permissions: Arc<[Permission]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    pub source: Source,
    /// What the walk of the path through the model reached (`resolve::routes`), when it typed
    /// this operation: then `request_type` and `response_type` are the walk's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk: Option<Walk>,
    /// Where this page named something other than the walk (which wins).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<Disagreement>,
    /// The documented template this operation is another address of (`resolve::aliases`: a
    /// drive item by path, or the root folder), when its page does not list `path` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
}

impl Operation {
    /// The name of the request body's type (`microsoft.graph.user`), when it has one.
    pub fn request_name(&self) -> Option<&str> {
        self.request_type.as_ref().map(TypeRef::name)
    }

    /// Whether the request body is a collection.
    pub fn request_collection(&self) -> bool {
        self.request_type.as_ref().is_some_and(|t| t.collection)
    }

    /// The name of the type a success answers, when the docs say.
    pub fn response_name(&self) -> Option<&str> {
        self.response_type.as_ref().map(TypeRef::name)
    }

    /// Whether a success answers a collection (a page of it, for a GET).
    pub fn response_collection(&self) -> bool {
        self.response_type.as_ref().is_some_and(|t| t.collection)
    }
}

/// The types the walk of a path gives an operation.
#[derive(Debug, Clone, Serialize)]
pub struct Walk {
    /// In JSON `response` and, when it is a collection, `response_collection`; both absent
    /// when the walk reached no response type.
    #[serde(flatten, serialize_with = "type_ref::walk_slot")]
    pub response: Option<TypeRef>,
    /// The type of the body the walk reached, when the operation takes one (in JSON its name).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "type_ref::name_only"
    )]
    pub request: Option<TypeRef>,
    /// What gave the last type: a property row, a type page, a top-level request line.
    pub source: Source,
}

/// A page's claim that the walk overrules.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub slot: Slot,
    pub kind: DisagreementKind,
    /// What the page named; in JSON `page` and `page_collection`, absent when it named none.
    #[serde(flatten, serialize_with = "type_ref::page_slot")]
    pub page: Option<TypeRef>,
    /// What the walk reached; in JSON `walk` and `walk_collection`.
    #[serde(flatten, serialize_with = "type_ref::walk_reached_slot")]
    pub walk: TypeRef,
    pub walk_source: Source,
    /// The page's request line.
    pub page_source: Source,
}

/// What of an operation a page and the walk of its path disagree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Slot {
    /// What a success answers.
    Response,
    /// The request body.
    Body,
}

impl Slot {
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Response => "response",
            Slot::Body => "body",
        }
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a page's type differs from the walk's (`resolve::routes`). Most kinds are explained by
/// a documented rule ([`DisagreementKind::explained`]); the rest are the docs' mistakes.
/// Serialized as its name ([`DisagreementKind::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// The page names no type; the walk fills it in.
    PageNamesNoType,
    /// The same type, one a collection and the other not.
    Collection,
    /// A `List` page that reads a collection where the property row says one item: the row
    /// lost its "collection"; the page wins.
    ListPage,
    /// `delta`: the page names the item type, the function answers pages of it.
    Delta,
    /// A type derived from the walk's (the walk's `Any…` enum reads it).
    DerivedType,
    /// A base of the walk's (the walk, through a cast or a property of the subtype, is more
    /// specific).
    BaseType,
    /// `$value` and `Edm.Stream` properties are the content; the page names its owner.
    Bytes,
    /// `GET /me?$expand=manager`: the page names what the query expands or filters by; the
    /// answer is still the path's.
    QueryVariant,
    /// Pages about open extensions and extended properties show request lines on their hosts
    /// and name the extension.
    ExtensionPage,
    /// Anything else.
    OtherType,
}

impl DisagreementKind {
    /// The name the listings and diagnostics use (`derived type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PageNamesNoType => "page names no type",
            Self::Collection => "collection",
            Self::ListPage => "list page",
            Self::Delta => "delta",
            Self::DerivedType => "derived type",
            Self::BaseType => "base type",
            Self::Bytes => "bytes",
            Self::QueryVariant => "query variant",
            Self::ExtensionPage => "extension page",
            Self::OtherType => "other type",
        }
    }

    /// Whether a documented rule explains it (the walk is right and the page is not wrong):
    /// all but `collection` and `other type`.
    pub fn explained(self) -> bool {
        !matches!(self, Self::Collection | Self::OtherType)
    }
}

impl Serialize for DisagreementKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for DisagreementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A body property, an action parameter or a function parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: String,
    /// Its type (in JSON, the fields `type` and `collection`).
    #[serde(flatten)]
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "is_false")]
    pub required: bool,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_values: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Permission {
    /// "Delegated (work or school account)", "Application", ...
    pub kind: String,
    /// The scopes, least privileged first as written; empty when "Not supported."
    pub scopes: Vec<String>,
}

/// A documented example: a request, its response, or both.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<ExampleRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ExampleResponse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleRequest {
    pub method: HttpMethod,
    /// The URL as written on the first line.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: ExampleBody,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleResponse {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The type the annotation names (its `@odata.type`, qualified, without `#`), one or a
    /// collection. In the JSON: `type`, and `collection` when it is one.
    #[serde(flatten, serialize_with = "annotated_type")]
    pub r#type: Option<TypeRef>,
    #[serde(skip_serializing_if = "is_false")]
    pub truncated: bool,
    pub body: ExampleBody,
    pub source: Source,
}

/// An example body: absent, valid JSON, JSON that parses after repair, or something else.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum ExampleBody {
    None,
    Json(serde_json::Value),
    /// Parsed only after removing comments, `...` and trailing commas.
    Repaired(serde_json::Value),
    /// Not JSON (or not repairable); the raw text.
    Text(String),
}

impl ExampleBody {
    /// The JSON, whether it parsed as written or after repair.
    pub fn value(&self) -> Option<&serde_json::Value> {
        match self {
            ExampleBody::Json(v) | ExampleBody::Repaired(v) => Some(v),
            ExampleBody::None | ExampleBody::Text(_) => None,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An example response's annotated type as the IR's JSON has always written it: `type` when
/// there is one, `collection` only when true.
fn annotated_type<S: serde::Serializer>(
    ty: &Option<TypeRef>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(None)?;
    if let Some(ty) = ty {
        map.serialize_entry("type", ty.name())?;
        if ty.collection {
            map.serialize_entry("collection", &true)?;
        }
    }
    map.end()
}

fn is_empty<T>(items: &Arc<[T]>) -> bool {
    items.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str, base: Option<&str>) -> TypeDef {
        TypeDef {
            name: name.into(),
            namespace: "microsoft.graph".into(),
            kind: TypeKind::Entity,
            base: base.map(|b| QualifiedName::of("microsoft.graph", b)),
            key: None,
            open: false,
            r#abstract: false,
            media_entity: false,
            description: String::new(),
            properties: Vec::new(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn ancestors_stop_at_an_undefined_base_a_cycle_and_the_depth_limit() {
        let mut api = Api {
            types: vec![
                ty("entity", None),
                ty("directoryObject", Some("entity")),
                ty("user", Some("directoryObject")),
                ty("orphan", Some("nowhere")),
                ty("a", Some("b")),
                ty("b", Some("a")),
            ],
            ..Api::default()
        };
        let names = |api: &Api, of: &str| -> Vec<String> {
            let inheritance = Inheritance::of(api);
            let i = inheritance
                .type_named(&format!("microsoft.graph.{of}"))
                .expect("defined");
            inheritance
                .ancestors(i)
                .into_iter()
                .map(|a| api.types[a].name.clone())
                .collect()
        };
        assert_eq!(names(&api, "user"), ["directoryObject", "entity"]);
        assert!(names(&api, "entity").is_empty());
        assert!(names(&api, "orphan").is_empty());
        assert_eq!(names(&api, "a"), ["b"]);

        // A chain longer than the limit: as many ancestors as properties are inherited from.
        let depth = crate::resolve::types::MAX_INHERITANCE_DEPTH;
        api.types = (0..depth + 10)
            .map(|i| ty(&format!("t{i}"), Some(&format!("t{}", i + 1))))
            .collect();
        assert_eq!(names(&api, "t0").len(), depth);
    }
}
