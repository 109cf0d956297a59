//! What an operation's typed call looks like: the Rust type its response reads as and the
//! decoder that reads it, the body it takes, the type `$select` names properties of, the query
//! options it allows, and the workloads (cargo features) the types it names need.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::models::{primitive, primitive_rust};
use crate::emit::plan::Plan;
use crate::emit::workloads::Workload;
use crate::ir::{HttpMethod, Operation, OperationKind, Primitive, Segment, TypeKind, TypeRef};

/// How the response body is read; the name of a `graph_rt::decode` function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// One JSON value of the type.
    Json,
    /// One JSON value of the type, or none (`204`, an empty body): `Option<T>`.
    Optional,
    /// `{"value": …}` around the value.
    Value,
    /// A page of a collection.
    Page,
    /// Nothing expected.
    Empty,
    /// `202 Accepted` without a body: the `Location` of a long-running action.
    Accepted,
    /// Raw bytes.
    Bytes,
    /// Untyped JSON.
    Any,
    /// `$count` text.
    Count,
}

impl Decode {
    pub fn function(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Optional => "optional",
            Self::Value => "value",
            Self::Page => "page",
            Self::Empty => "empty",
            Self::Accepted => "accepted",
            Self::Bytes => "bytes",
            Self::Any => "any",
            Self::Count => "count",
        }
    }
}

/// A type as the request code names it, and the workload it needs.
pub struct RustType {
    pub tokens: TokenStream,
    pub workload: Option<Workload>,
    /// The struct whose properties `$select` names, for entity types.
    pub select: Option<TokenStream>,
    /// Untyped JSON (`graph_rt::Value`): a type no page defines, `Edm.Untyped`, `Json`.
    pub untyped: bool,
}

pub struct Shape {
    pub decode: Decode,
    /// The output type `T` of `Request<T, S, Q>`.
    pub output: TokenStream,
    /// `S`.
    pub select: TokenStream,
    /// `Q`: `graph_rt::NoOptions`, `GetOptions`, `ListOptions` or `Options<…>` (the flags).
    pub options: TokenStream,
    /// The type of the body parameter's value (`X` of `&X`, or of `&[X]` when the operation
    /// takes a collection), when the operation takes a model as its body.
    pub body: Option<TokenStream>,
    /// Whether the body is raw bytes (`PUT …/content`) rather than JSON.
    pub bytes_body: bool,
    /// The workloads every type named here needs.
    pub workloads: BTreeSet<Workload>,
    /// The workloads of the types of its parameters (an action's body struct, compiled with
    /// the version, types its fields with them).
    pub parameter_workloads: BTreeSet<Workload>,
}

/// The Rust type of one value of a qualified type, named from a module below the requests
/// module (`version_::User`: every such module names the version's module `version_`).
pub fn rust_type(plan: &Plan<'_>, ty: &str) -> RustType {
    let m = quote! { version_ };
    if let Some(t) = primitive(ty) {
        return RustType {
            tokens: t,
            workload: None,
            select: None,
            untyped: primitive_rust(ty) == Some("graph_rt::Value"),
        };
    }
    if let Some((item, e)) = plan.enums.get(ty) {
        let ident = format_ident!("{}", item.rust_name);
        let tokens = if e.flags {
            quote! { graph_rt::Flags<#m::#ident> }
        } else {
            quote! { #m::#ident }
        };
        return RustType {
            tokens,
            workload: item.workload,
            select: None,
            untyped: false,
        };
    }
    if let Some((item, def)) = plan.types.get(ty) {
        let name = plan.any_names.get(ty).unwrap_or(&item.rust_name);
        let ident = format_ident!("{}", name);
        let own = format_ident!("{}", item.rust_name);
        return RustType {
            tokens: quote! { #m::#ident },
            workload: item.workload,
            select: (def.kind == TypeKind::Entity).then(|| quote! { #m::#own }),
            untyped: false,
        };
    }
    RustType {
        tokens: quote! { graph_rt::Value },
        workload: None,
        select: None,
        untyped: true,
    }
}

/// The query options of an operation: for a list every option, for a get `$select` and
/// `$expand` (the pages link Graph's general "OData query parameters" and name only the notable
/// ones: "including `$search`, `$count`, `$filter`, and `$select`"), plus whatever the page
/// names; for any other `GET` (functions, `delta`) exactly what the page names.
pub fn options(op: &Operation) -> [bool; 8] {
    const NAMES: [&str; 8] = [
        "$select", "$expand", "$filter", "$orderby", "$top", "$skip", "$count", "$search",
    ];
    if op.method != HttpMethod::Get {
        return [false; 8];
    }
    let mut flags = NAMES.map(|n| op.query_options.iter().any(|o| o == n));
    match op.kind {
        OperationKind::List => flags = [true; 8],
        OperationKind::Get => {
            flags[0] = true;
            flags[1] = true;
        }
        _ => {}
    }
    flags
}

/// The runtime's name for a set of query options when it has one (none, a read's, a list's),
/// else the flags spelled out.
fn options_type(flags: [bool; 8]) -> TokenStream {
    match flags {
        [false, false, false, false, false, false, false, false] => quote! { graph_rt::NoOptions },
        [true, true, false, false, false, false, false, false] => quote! { graph_rt::GetOptions },
        [true, true, true, true, true, true, true, true] => quote! { graph_rt::ListOptions },
        _ => quote! { graph_rt::Options<#(#flags),*> },
    }
}

pub fn shape(plan: &Plan<'_>, op: &Operation) -> Shape {
    let mut workloads = BTreeSet::new();
    let last = op.segments.last();
    let system = match last {
        Some(Segment::System { name }) => Some(name.as_str()),
        _ => None,
    };
    let response = op.response_name().map(|t| rust_type(plan, t));
    let collection = op.response_collection() || op.kind == OperationKind::List;
    let mut select = None;
    let (decode, output) = if system == Some("$count") {
        (Decode::Count, quote! { i64 })
    } else if system == Some("$value")
        || is_stream(op.response_type.as_ref())
        || op.status == Some(302)
    {
        (Decode::Bytes, quote! { Vec<u8> })
    } else if system == Some("$ref") {
        if op.method == HttpMethod::Get {
            (Decode::Any, quote! { graph_rt::Value })
        } else {
            (Decode::Empty, quote! { () })
        }
    } else if op.status == Some(204) || op.method == HttpMethod::Delete {
        (Decode::Empty, quote! { () })
    } else if op.status == Some(202) && !success_body(op) {
        // `202 Accepted`, no body: a long-running action and the `Location` of its status.
        (Decode::Accepted, quote! { graph_rt::Accepted })
    } else if let Some(t) = response {
        workloads.extend(t.workload);
        select = t.select.clone();
        let tokens = t.tokens;
        let is_primitive = op
            .response_type
            .as_ref()
            .is_some_and(|r| r.primitive().is_some() || plan.enums.contains_key(r.name()));
        if collection {
            (Decode::Page, quote! { graph_rt::Page<#tokens> })
        } else if op.method == HttpMethod::Patch && !is_primitive && !t.untyped {
            // Graph answers an update with the entity or with `204 No Content`.
            (Decode::Optional, quote! { Option<#tokens> })
        } else if is_primitive {
            (Decode::Value, tokens)
        } else if t.untyped {
            (Decode::Any, tokens)
        } else {
            (Decode::Json, tokens)
        }
    } else if op.status.is_none_or(|s| s == 200) && op.method == HttpMethod::Get {
        (Decode::Any, quote! { graph_rt::Value })
    } else {
        (Decode::Empty, quote! { () })
    };

    let bytes_body = is_stream(op.request_type.as_ref());
    let body = match op.request_name() {
        Some(_) if bytes_body => None,
        Some(t) => {
            let t = rust_type(plan, t);
            workloads.extend(t.workload);
            Some(t.tokens)
        }
        // `POST …/$ref` with `{"@odata.id": …}`.
        None if system == Some("$ref") && op.method != HttpMethod::Delete => {
            Some(quote! { graph_rt::Value })
        }
        // A create or update whose page names no body type, or an action whose example sends a
        // body its page does not describe: untyped JSON.
        None if untyped_body(op) => Some(quote! { graph_rt::Value }),
        None => None,
    };

    let options = options_type(options(op));
    let parameter_workloads = op
        .parameters
        .iter()
        .filter_map(|p| rust_type(plan, p.ty.name()).workload)
        .collect();
    Shape {
        decode,
        output,
        select: select.unwrap_or_else(|| quote! { () }),
        options,
        body,
        bytes_body,
        workloads,
        parameter_workloads,
    }
}

/// Whether a 2xx example response of the operation has a body.
fn success_body(op: &Operation) -> bool {
    use crate::ir::ExampleBody;
    op.examples
        .iter()
        .filter_map(|e| e.response.as_ref())
        .any(|r| {
            r.status.is_some_and(|s| (200..300).contains(&s))
                && !matches!(r.body, ExampleBody::None)
        })
}

/// Whether an operation without a documented body type takes untyped JSON: a create or update
/// (`POST`, `PATCH`, `PUT`), or an action whose example sends a body; but not one whose
/// parameters table makes a body struct.
pub fn untyped_body(op: &Operation) -> bool {
    use crate::ir::ExampleBody;
    if op.request_type.is_some()
        || op.method == HttpMethod::Get
        || op.method == HttpMethod::Delete
        || crate::emit::requests::bodies::takes_parameter_body(op)
    {
        return false;
    }
    matches!(op.kind, OperationKind::Create | OperationKind::Update)
        || op.examples.iter().any(|e| {
            e.request
                .as_ref()
                .is_some_and(|r| !matches!(r.body, ExampleBody::None))
        })
}

/// `#[cfg(all(feature = "a", feature = "b"))]` for the workloads, nothing for none: an
/// operation needs every workload its types belong to.
pub fn cfg(workloads: &BTreeSet<Workload>) -> Option<TokenStream> {
    feature_cfg(workloads, quote! { all })
}

/// `#[cfg(any(feature = "a", feature = "b"))]` for the workloads, nothing for none: a node is
/// there when any operation at or below it is.
pub fn cfg_any(workloads: &BTreeSet<Workload>) -> Option<TokenStream> {
    feature_cfg(workloads, quote! { any })
}

/// One workload's feature as it is, several joined by `combine` (`all` or `any`).
fn feature_cfg(workloads: &BTreeSet<Workload>, combine: TokenStream) -> Option<TokenStream> {
    match workloads.len() {
        0 => None,
        1 => {
            let w = workloads.iter().next()?;
            Some(quote! { #[cfg(feature = #w)] })
        }
        _ => {
            let ws = workloads.iter();
            Some(quote! { #[cfg(#combine(#(feature = #ws),*))] })
        }
    }
}

/// A body or an answer of bytes (`Edm.Stream`: a file's content, a photo).
fn is_stream(ty: Option<&TypeRef>) -> bool {
    ty.and_then(TypeRef::primitive) == Some(Primitive::Stream)
}
