//! What one page says, before anything is resolved across pages: types, enums and operations
//! with type references still as written.

use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::ir::{
    EnumMember, Example, Header, HttpMethod, OperationKind, Permission, Segment, Source,
};
use crate::model::type_cell::RawTypeRef;

/// Everything read from one page.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// Path of the page relative to the docs root, `/`-separated.
    pub file: String,
    /// The namespace the page declares (`Namespace:` line or page annotation), if any.
    pub namespace: Option<String>,
    pub types: Vec<RawType>,
    pub enums: Vec<RawEnum>,
    pub operations: Vec<RawOperation>,
    /// Enum sections by their heading anchor (`agegroup-values` → `ageGroup`).
    pub anchors: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct RawType {
    /// `@odata.type` of the resource annotation, without `#`.
    pub odata_type: String,
    pub key: Option<String>,
    pub base: Option<RawTypeRef>,
    pub open: bool,
    pub is_abstract: bool,
    pub media_entity: bool,
    pub description: String,
    pub properties: Vec<RawProperty>,
    /// Types the page says derive from this one: a `Derived types` table, or "the base type
    /// for [room](room.md) and [roomList](roomlist.md)" before the first H2.
    pub derived: Vec<RawTypeRef>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct RawProperty {
    pub name: String,
    pub ty: RawTypeRef,
    pub navigation: bool,
    pub description: String,
    pub read_only: bool,
    pub deprecated: bool,
    pub possible_values: Vec<String>,
    /// The row says "Inherited from [x](x.md)".
    pub inherited_from: Option<RawTypeRef>,
    /// Read from the JSON representation only (no table row documents it).
    pub from_json: bool,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct RawEnum {
    pub name: String,
    pub namespace: Option<String>,
    pub description: String,
    pub members: Vec<EnumMember>,
    /// A heading or description calls it flags.
    pub flags_hint: bool,
    /// A page of its own (`x enum type`), as opposed to a `x values` section.
    pub dedicated: bool,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct RawParameter {
    pub name: String,
    pub ty: RawTypeRef,
    pub required: bool,
    pub description: String,
    pub possible_values: Vec<String>,
    /// Read from a request body's `Name | Value | Description` table (`Value` holding types).
    pub from_value_table: bool,
    pub source: Source,
}

/// One request line of a method page.
#[derive(Debug, Clone)]
pub struct RawOperation {
    pub method: HttpMethod,
    pub path: String,
    pub query: Option<String>,
    pub segments: Vec<Segment>,
    pub kind: OperationKind,
    /// The request type (create/update fall back to the response type).
    pub request_type: Option<RawTypeRef>,
    pub examples: Vec<Example>,
    pub source: Source,
    /// What the page says for all of its request lines.
    pub page: Arc<RawMethodPage>,
}

/// What a method page says once for all its request lines.
#[derive(Debug)]
pub struct RawMethodPage {
    pub title: Arc<str>,
    pub description: Arc<str>,
    pub parameters: Vec<RawParameter>,
    pub response_type: Option<RawTypeRef>,
    pub status: Option<u16>,
    pub headers: Arc<[Header]>,
    pub query_options: Arc<[String]>,
    pub permissions: Arc<[Permission]>,
}
