//! Routes: every request line walked through the model, segment by segment, and the pages that
//! document one path and method weighed against that walk and merged.
//!
//! The walk: a top-level segment is an entity set or singleton (its type from the request lines
//! that address it, `me` is an item of `users`), a key selects one item of a collection, a
//! navigation or structural property (inherited ones included) moves to its type, a cast to the
//! derived type, `delta` gives a page of the collection's items, `$value` and `Edm.Stream`
//! properties are bytes. What the walk reaches is the default response of a `GET` (an item or a
//! page), of a create `POST` on a collection (the item) and the body of a create or an update.
//! A page that names another type is evidence, not the verdict: the walk wins and the page's
//! claim is kept as a [`Disagreement`] with a `GD035` diagnostic naming both places. The walk
//! follows the property tables of resource pages, the declared model; method pages are prose,
//! often copied from another page (an Intune page's `PATCH /users/{id}`, a subtype's page for its
//! base collection).
//!
//! Where several pages document one path and method, what they agree on is merged: the success
//! status that carries a body, the type every page that names one names.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt, HashSet};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostics};
use crate::ir::route::route_key;
use crate::ir::{
    Api, Disagreement, DisagreementKind, ElementType, HttpMethod, Inheritance, Operation,
    OperationKind, Primitive, Property, QualifiedName, Segment, Slot, Source, TypeDef, TypeRef,
    Walk,
};

/// What a prefix of a path addresses.
#[derive(Debug, Clone, PartialEq)]
enum At {
    /// Values of a type: one, or a collection. `source` is what says so (a property row, a type
    /// page, the request line of a top-level segment).
    Type { ty: TypeRef, source: Source },
    /// Raw bytes (`$value`, an `Edm.Stream` property) of a value of `owner`.
    Bytes {
        owner: Option<QualifiedName>,
        source: Source,
    },
    /// Something the walk cannot type (an action's result, a property no page documents).
    Unknown,
}

/// One value of the type `ty` refers to.
fn one(ty: TypeRef) -> TypeRef {
    TypeRef {
        collection: false,
        ..ty
    }
}

/// A collection of the type `ty` refers to.
fn many(ty: TypeRef) -> TypeRef {
    TypeRef {
        collection: true,
        ..ty
    }
}

/// `Edm.Stream`: raw bytes.
fn stream() -> TypeRef {
    TypeRef {
        element: ElementType::Primitive(Primitive::Stream),
        collection: false,
    }
}

struct Index<'a> {
    /// Lower-case qualified name → type.
    types: HashMap<String, &'a TypeDef>,
    /// The API's one walk up the bases.
    inheritance: Inheritance<'a>,
}

impl<'a> Index<'a> {
    fn new(api: &'a Api) -> Self {
        let mut types = HashMap::new();
        for t in &api.types {
            types.insert(t.qualified_name().to_ascii_lowercase(), t);
        }
        Index {
            types,
            inheritance: Inheritance::of(api),
        }
    }

    fn get(&self, qualified: &str) -> Option<&'a TypeDef> {
        self.types.get(&qualified.to_ascii_lowercase()).copied()
    }

    fn qualified(&self, ty: &str) -> Option<String> {
        self.get(ty).map(|t| String::from(t.qualified_name()))
    }

    fn property(&self, ty: &str, name: &str) -> Option<&'a Property> {
        let t = self.get(ty)?;
        t.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Whether `ty` is `of` or derives from it.
    fn is_a(&self, ty: &str, of: &str) -> bool {
        ty == of
            || match (
                self.inheritance.type_named(ty),
                self.inheritance.type_named(of),
            ) {
                (Some(i), Some(base)) => self.inheritance.ancestors(i).contains(&base),
                _ => false,
            }
    }
}

/// The type each top-level segment addresses, by lower-case name: the type most request lines
/// on `/x` and `/x/{id}` name (a base type before its derived types), a collection when a key
/// follows it or a list reads it; else the type of that name (a singleton: `deviceManagement`).
fn top_level(api: &Api, index: &Index<'_>) -> BTreeMap<String, At> {
    let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut keyed: BTreeSet<String> = BTreeSet::new();
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    for op in &api.operations {
        let Some(Segment::Literal { name }) = op.segments.first() else {
            continue;
        };
        let top = name.to_ascii_lowercase();
        let keyed_here = matches!(op.segments.get(1), Some(Segment::Key { .. }));
        if keyed_here {
            keyed.insert(top.clone());
        }
        let ty = match (op.segments.len(), op.method, op.kind) {
            (1, HttpMethod::Get, OperationKind::List | OperationKind::Get) => {
                if op.kind == OperationKind::List || op.response_collection() {
                    keyed.insert(top.clone());
                }
                op.response_name()
            }
            (1, HttpMethod::Post, OperationKind::Create) => {
                keyed.insert(top.clone());
                op.request_name()
            }
            (2, HttpMethod::Get, OperationKind::Get) if keyed_here => op.response_name(),
            (2, HttpMethod::Patch, OperationKind::Update) if keyed_here => op.request_name(),
            _ => None,
        };
        let Some(ty) = ty.and_then(|t| index.qualified(t)) else {
            continue;
        };
        *votes.entry(top.clone()).or_default().entry(ty).or_default() += 1;
        sources.entry(top).or_insert_with(|| op.source.clone());
    }
    let mut out = BTreeMap::new();
    for (top, counts) in &votes {
        // The most votes; on a tie a base type that others derive from; then the name, for a
        // deterministic choice.
        let best = counts.iter().max_by(|(a, na), (b, nb)| {
            let base_a = counts.keys().filter(|o| index.is_a(o, a)).count();
            let base_b = counts.keys().filter(|o| index.is_a(o, b)).count();
            (*na, base_a, std::cmp::Reverse(*a)).cmp(&(*nb, base_b, std::cmp::Reverse(*b)))
        });
        if let (Some((ty, _)), Some(source)) = (best, sources.get(top)) {
            out.insert(
                top.clone(),
                At::Type {
                    ty: TypeRef::new(ty.clone(), keyed.contains(top)),
                    source: source.clone(),
                },
            );
        }
    }
    // Singletons named after their type, where no request line typed them.
    for op in &api.operations {
        let Some(Segment::Literal { name }) = op.segments.first() else {
            continue;
        };
        let top = name.to_ascii_lowercase();
        if out.contains_key(&top) || keyed.contains(&top) {
            continue;
        }
        if let Some(t) = index.get(&format!("microsoft.graph.{name}")) {
            out.insert(
                top,
                At::Type {
                    ty: TypeRef::new(t.qualified_name(), false),
                    source: t
                        .sources
                        .first()
                        .cloned()
                        .unwrap_or_else(|| op.source.clone()),
                },
            );
        }
    }
    // `me` is the signed-in user: an item of `users`.
    if let Some(At::Type { ty, source }) = out.get("users").cloned() {
        out.insert(
            "me".into(),
            At::Type {
                ty: one(ty),
                source,
            },
        );
    }
    out
}

fn walk(op: &Operation, index: &Index<'_>, tops: &BTreeMap<String, At>) -> At {
    let mut at = At::Unknown;
    let last = op.segments.len().saturating_sub(1);
    for (i, segment) in op.segments.iter().enumerate() {
        at = match (i, segment, at) {
            (0, Segment::Literal { name }, _) => tops
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or(At::Unknown),
            (_, Segment::Key { .. }, At::Type { ty, source }) if ty.collection => At::Type {
                ty: one(ty),
                source,
            },
            (_, Segment::Literal { name }, At::Type { ty, .. }) => {
                // An action or function bound here is not a property.
                if i == last && matches!(op.kind, OperationKind::Action | OperationKind::Function) {
                    At::Unknown
                } else if ty.collection {
                    // A property of a collection is an action or a cast spelled without its
                    // namespace; neither is walked.
                    At::Unknown
                } else {
                    property_step(index, ty.name(), name)
                }
            }
            (_, Segment::KeyInParens { name, .. }, At::Type { ty, .. }) if !ty.collection => {
                match property_step(index, ty.name(), name) {
                    At::Type { ty, source } if ty.collection => At::Type {
                        ty: one(ty),
                        source,
                    },
                    _ => At::Unknown,
                }
            }
            (_, Segment::Cast { r#type }, At::Type { ty, .. }) => {
                match index.get(r#type) {
                    Some(t) => {
                        let cast = t.qualified_name();
                        // A cast to a type that is not derived from what is here is read as the
                        // cast says, but is not evidence the walk vouches for.
                        if index.is_a(&cast, ty.name()) || index.is_a(ty.name(), &cast) {
                            At::Type {
                                ty: TypeRef::new(cast, ty.collection),
                                source: t
                                    .sources
                                    .first()
                                    .cloned()
                                    .unwrap_or_else(|| op.source.clone()),
                            }
                        } else {
                            At::Unknown
                        }
                    }
                    None => At::Unknown,
                }
            }
            (_, Segment::Call { name, .. }, At::Type { ty, source })
                if name.eq_ignore_ascii_case("delta") =>
            {
                At::Type {
                    ty: many(ty),
                    source,
                }
            }
            (_, Segment::PathAddress { .. }, At::Type { ty, source }) => At::Type {
                ty: one(ty),
                source,
            },
            (_, Segment::System { name }, At::Type { ty, source }) if name == "$value" => {
                At::Bytes {
                    owner: Some(QualifiedName::new(ty.name())),
                    source,
                }
            }
            _ => At::Unknown,
        };
        if at == At::Unknown {
            break;
        }
    }
    at
}

/// One step along a property of `ty`: its type, or bytes for an `Edm.Stream`.
fn property_step(index: &Index<'_>, ty: &str, name: &str) -> At {
    let Some(p) = index.property(ty, name) else {
        // `delta` written without parentheses on a collection is handled by the caller.
        return At::Unknown;
    };
    if p.ty.primitive() == Some(crate::ir::Primitive::Stream) {
        return At::Bytes {
            owner: Some(QualifiedName::new(ty)),
            source: p.source.clone(),
        };
    }
    match index.qualified(p.ty.name()) {
        Some(t) => At::Type {
            ty: TypeRef::new(t, p.ty.collection),
            source: p.source.clone(),
        },
        None => At::Unknown,
    }
}

/// The walk of `delta` written as a literal (`/groups/delta`), on a collection.
fn delta_literal(op: &Operation, index: &Index<'_>, tops: &BTreeMap<String, At>) -> At {
    let Some(Segment::Literal { name }) = op.segments.last() else {
        return At::Unknown;
    };
    if !name.eq_ignore_ascii_case("delta") || op.method != HttpMethod::Get {
        return At::Unknown;
    }
    let mut parent = op.clone();
    parent.segments.pop();
    parent.kind = OperationKind::List;
    // `delta` of a collection, or of an item that holds others (`/drive/root/delta`): pages of
    // that type.
    match walk(&parent, index, tops) {
        At::Type { ty, source } => At::Type {
            ty: many(ty),
            source,
        },
        _ => At::Unknown,
    }
}

/// What the walk says an operation's slots are.
#[derive(Debug, Clone, Default)]
struct Verdict {
    response: Option<TypeRef>,
    request: Option<TypeRef>,
    source: Option<Source>,
}

fn is_delta(op: &Operation) -> bool {
    matches!(op.segments.last(), Some(Segment::Call { name, .. } | Segment::Literal { name }) if name.eq_ignore_ascii_case("delta"))
}

fn verdict(op: &Operation, at: &At) -> Option<Verdict> {
    let is_delta = is_delta(op);
    match at {
        At::Type { ty, source } => {
            let one = one(ty.clone());
            let (response, request) = match (op.method, op.kind) {
                (HttpMethod::Get, _) if is_delta => (Some(many(ty.clone())), None),
                (HttpMethod::Get, OperationKind::List | OperationKind::Get) => {
                    (Some(ty.clone()), None)
                }
                (HttpMethod::Post, OperationKind::Create) if ty.collection => {
                    (Some(one.clone()), Some(one))
                }
                (HttpMethod::Patch, OperationKind::Update) if !ty.collection => {
                    (Some(one.clone()), Some(one))
                }
                _ => return None,
            };
            Some(Verdict {
                response,
                request,
                source: Some(source.clone()),
            })
        }
        At::Bytes { owner, source } => {
            let (response, request) = match op.method {
                HttpMethod::Get => (Some(stream()), None),
                // `PUT …/content` takes the bytes and answers with the item they belong to.
                HttpMethod::Put => (
                    owner.clone().map(|o| TypeRef::new(o, false)),
                    Some(stream()),
                ),
                _ => return None,
            };
            Some(Verdict {
                response,
                request,
                source: Some(source.clone()),
            })
        }
        At::Unknown => None,
    }
}

/// How a page's claim relates to the walk's; `None` when they agree. Every kind but
/// `collection` and `other type` is a documented rule under which the page is explained, not
/// contradicted (ARCHITECTURE.md, "Routes"): [`DisagreementKind::explained`].
fn kind_of(
    index: &Index<'_>,
    op: &Operation,
    page: Option<&TypeRef>,
    walk: &TypeRef,
) -> Option<DisagreementKind> {
    use DisagreementKind as K;
    let file = op.source.file.to_ascii_lowercase();
    Some(match page {
        None => K::PageNamesNoType,
        Some(p) if p == walk => return None,
        Some(_) if walk.primitive() == Some(Primitive::Stream) => K::Bytes,
        Some(p)
            if p.element == walk.element && !p.collection && walk.collection && is_delta(op) =>
        {
            K::Delta
        }
        Some(p) if p.element == walk.element => K::Collection,
        Some(p) if index.is_a(p.name(), walk.name()) => K::DerivedType,
        Some(p) if index.is_a(walk.name(), p.name()) => K::BaseType,
        Some(_) if op.query.is_some() => K::QueryVariant,
        Some(_) if file.contains("extension") || file.contains("extendedproperty") => {
            K::ExtensionPage
        }
        Some(_) => K::OtherType,
    })
}

/// Walk every operation, record where its page disagrees with the walk, then merge the pages of
/// each path and method.
pub fn type_routes(api: &mut Api, diags: &mut Diagnostics) {
    let index = Index::new(api);
    let tops = top_level(api, &index);
    // Each operation's path is walked on its own (in parallel).
    let judged: Vec<Option<(Verdict, Judgement)>> =
        diags.par_map(api.operations.par_iter(), |op, diags| {
            let mut at = walk(op, &index, &tops);
            if at == At::Unknown {
                at = delta_literal(op, &index, &tops);
            }
            let v = verdict(op, &at)?;
            let judgement = walk_says(op, &v, &index, diags);
            Some((v, judgement))
        });
    for (op, judged) in api.operations.iter_mut().zip(judged) {
        let Some((v, (walk, disagreements))) = judged else {
            continue;
        };
        if let Some(t) = v.response {
            let list_page = disagreements
                .iter()
                .any(|d| d.kind == DisagreementKind::ListPage);
            op.response_type = Some(TypeRef {
                collection: t.collection || list_page,
                ..t
            });
        }
        if let Some(t) = v.request {
            op.request_type = Some(t);
        }
        op.walk = Some(walk);
        op.disagreements = disagreements;
    }
    merge_pages(api);
}

/// What a walk says of its operation: the walk's types, and where the page disagrees.
type Judgement = (Walk, Vec<Disagreement>);

/// [`Judgement`] of an operation's walk, with a diagnostic for each disagreement with a type the
/// page names.
fn walk_says(op: &Operation, v: &Verdict, index: &Index<'_>, diags: &mut Diagnostics) -> Judgement {
    let walk_source = v.source.clone().unwrap_or_else(|| op.source.clone());
    let mut disagreements = Vec::new();
    // A list page reads a collection whatever the type it names.
    let page_response = op.response_type.clone().map(|t| TypeRef {
        collection: t.collection || op.kind == OperationKind::List,
        ..t
    });
    for (slot, page, walked) in [
        (Slot::Response, page_response.as_ref(), &v.response),
        (Slot::Body, op.request_type.as_ref(), &v.request),
    ] {
        let Some(walked) = walked else { continue };
        let Some(mut kind) = kind_of(index, op, page, walked) else {
            continue;
        };
        // A `List` page that reads a collection where the property row says one item: the
        // row lost its "collection" (the list page and its example agree); the page wins.
        if kind == DisagreementKind::Collection
            && slot == Slot::Response
            && op.kind == OperationKind::List
            && page.is_some_and(|p| p.collection)
        {
            kind = DisagreementKind::ListPage;
        }
        if let Some(p) = page {
            diags.push(
                &op.source,
                Code::RouteType,
                format!(
                    "`{} {}`: the page names {} `{}`{} as the {slot}; the walk of the path \
                 reaches `{}`{} ({}:{}); the walk wins",
                    op.method.as_str(),
                    op.path,
                    kind,
                    p.name(),
                    if p.collection { " collection" } else { "" },
                    walked.name(),
                    if walked.collection { " collection" } else { "" },
                    walk_source.file,
                    walk_source.line
                ),
            );
        }
        disagreements.push(Disagreement {
            slot,
            kind,
            page: page.cloned(),
            walk: walked.clone(),
            walk_source: walk_source.clone(),
            page_source: op.source.clone(),
        });
    }
    let walk = Walk {
        response: v.response.clone(),
        request: v.request.clone(),
        source: walk_source,
    };
    (walk, disagreements)
}

/// The pages of one path and method share what they agree on: a type only some of them name
/// (when no page names another) and the success status that carries a body (a `PATCH`
/// documented `200` with the entity by one page and `204` by another answers either way).
fn merge_pages(api: &mut Api) {
    // The groups are disjoint, so the order they are merged in does not matter.
    // One path and method apart from case and key names: one route.
    let keys: Vec<Option<String>> = api
        .operations
        .par_iter()
        .map(|op| op.query.is_none().then(|| route_key(op)))
        .collect();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, key) in keys.into_iter().enumerate() {
        if let Some(key) = key {
            groups.entry(key).or_default().push(i);
        }
    }
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let ops: Vec<&Operation> = members.iter().map(|&i| &api.operations[i]).collect();
        let response: HashSet<&TypeRef> = ops
            .iter()
            .filter_map(|o| o.response_type.as_ref())
            .collect();
        let request: HashSet<&TypeRef> =
            ops.iter().filter_map(|o| o.request_type.as_ref()).collect();
        let statuses: BTreeSet<u16> = ops.iter().filter_map(|o| o.status).collect();
        // A create answers `201`; anything else that one page answers with a body, `200`.
        let preferred = if ops[0].kind == OperationKind::Create {
            [201, 200]
        } else {
            [200, 201]
        };
        let status = preferred
            .into_iter()
            .find(|s| statuses.contains(s))
            .or_else(|| statuses.iter().next().copied());
        let only = |set: HashSet<&TypeRef>| {
            (set.len() == 1)
                .then(|| set.into_iter().next().cloned())
                .flatten()
        };
        let (one_response, one_request) = (only(response), only(request));
        for &i in members {
            let op = &mut api.operations[i];
            if op.response_type.is_none() {
                op.response_type.clone_from(&one_response);
            }
            if op.request_type.is_none()
                && matches!(op.kind, OperationKind::Create | OperationKind::Update)
            {
                op.request_type.clone_from(&one_request);
            }
            if statuses.len() > 1 {
                op.status = status;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{TypeDef, TypeKind};
    use std::sync::Arc;

    fn src(file: &str) -> Source {
        Source::new(file, 1)
    }

    fn ty(name: &str, base: Option<&str>, props: &[(&str, &str, bool)]) -> TypeDef {
        TypeDef {
            name: name.into(),
            namespace: "microsoft.graph".into(),
            kind: TypeKind::Entity,
            base: base.map(|b| crate::ir::QualifiedName::of("microsoft.graph", b)),
            key: Some("id".into()),
            open: false,
            r#abstract: false,
            media_entity: false,
            description: String::new(),
            properties: props
                .iter()
                .map(|(n, t, c)| Property {
                    name: (*n).into(),
                    ty: crate::ir::TypeRef::new(*t, *c),
                    navigation: true,
                    description: String::new(),
                    read_only: false,
                    deprecated: false,
                    possible_values: Vec::new(),
                    inherited_from: None,
                    from_json: false,
                    source: src(&format!("resources/{name}.md")),
                })
                .collect(),
            sources: vec![src(&format!("resources/{name}.md"))],
        }
    }

    fn op(
        method: HttpMethod,
        kind: OperationKind,
        path: &str,
        response: Option<(&str, bool)>,
        status: Option<u16>,
        file: &str,
    ) -> Operation {
        let (path, _, segments, _) = crate::model::http_path::parse_path(path);
        Operation {
            method,
            path,
            segments,
            query: None,
            kind,
            title: "t".into(),
            description: "".into(),
            request_type: None,
            parameters: Vec::new().into(),
            response_type: response.map(|(t, c)| TypeRef::new(t, c)),
            status,
            headers: Vec::new().into(),
            query_options: Vec::new().into(),
            permissions: Arc::from(Vec::new()),
            examples: Vec::new(),
            source: src(file),
            walk: None,
            disagreements: Vec::new(),
            alias_of: None,
        }
    }

    fn api(operations: Vec<Operation>) -> Api {
        Api {
            types: vec![
                ty("entity", None, &[("id", "Edm.String", false)]),
                ty(
                    "user",
                    Some("entity"),
                    &[
                        ("drive", "microsoft.graph.drive", false),
                        ("messages", "microsoft.graph.message", true),
                    ],
                ),
                ty(
                    "drive",
                    Some("entity"),
                    &[
                        ("root", "microsoft.graph.driveItem", false),
                        ("items", "microsoft.graph.driveItem", true),
                    ],
                ),
                ty(
                    "driveItem",
                    Some("entity"),
                    &[("content", "Edm.Stream", false)],
                ),
                ty("message", Some("entity"), &[]),
                ty("eventMessage", Some("message"), &[]),
            ],
            enums: Vec::new(),
            operations,
            diagnostics: Vec::new(),
        }
    }

    fn find<'a>(api: &'a Api, method: HttpMethod, path: &str, file: &str) -> &'a Operation {
        api.operations
            .iter()
            .find(|o| o.method == method && o.path == path && *o.source.file == *file)
            .unwrap_or_else(|| panic!("{path}"))
    }

    #[test]
    fn the_walk_types_what_the_page_does_not_and_overrules_a_subtype_page() {
        use HttpMethod::*;
        use OperationKind as K;
        let mut api = api(vec![
            op(
                Get,
                K::List,
                "/users",
                Some(("microsoft.graph.user", true)),
                Some(200),
                "api/user-list.md",
            ),
            // The error example's page: no type, no success status.
            op(Get, K::Get, "/me/drive", None, None, "api/drive-get.md"),
            op(
                Get,
                K::Get,
                "/me/messages/{id}",
                Some(("microsoft.graph.eventMessage", false)),
                Some(200),
                "api/eventmessage-get.md",
            ),
            op(
                Get,
                K::Function,
                "/me/drive/root/delta",
                Some(("microsoft.graph.driveItem", false)),
                Some(200),
                "api/driveitem-delta.md",
            ),
            op(
                Get,
                K::Get,
                "/me/drive/items/{id}/content",
                None,
                Some(302),
                "api/driveitem-get-content.md",
            ),
            op(
                Put,
                K::Update,
                "/me/drive/items/{id}/content",
                Some(("microsoft.graph.driveItem", false)),
                Some(201),
                "api/driveitem-put-content.md",
            ),
        ]);
        let mut diags = Diagnostics::default();
        type_routes(&mut api, &mut diags);
        let drive = find(&api, Get, "/me/drive", "api/drive-get.md");
        assert_eq!(drive.response_name(), Some("microsoft.graph.drive"));
        assert!(!drive.response_collection());
        assert_eq!(
            drive.disagreements[0].kind,
            DisagreementKind::PageNamesNoType
        );

        let message = find(&api, Get, "/me/messages/{id}", "api/eventmessage-get.md");
        assert_eq!(message.response_name(), Some("microsoft.graph.message"));
        assert_eq!(message.disagreements[0].kind, DisagreementKind::DerivedType);
        assert_eq!(
            message.disagreements[0].page.as_ref().map(TypeRef::name),
            Some("microsoft.graph.eventMessage")
        );
        let diags = diags.into_vec();
        let d = diags
            .iter()
            .find(|d| d.code == Code::RouteType && &*d.file == "api/eventmessage-get.md")
            .expect("a GD035 at the page");
        assert!(d.message.contains("resources/user.md:1"), "{}", d.message);

        let delta = find(&api, Get, "/me/drive/root/delta", "api/driveitem-delta.md");
        assert_eq!(delta.response_name(), Some("microsoft.graph.driveItem"));
        assert!(delta.response_collection(), "delta answers pages");
        assert_eq!(delta.disagreements[0].kind, DisagreementKind::Delta);

        let content = find(
            &api,
            Get,
            "/me/drive/items/{id}/content",
            "api/driveitem-get-content.md",
        );
        assert_eq!(content.response_name(), Some("Edm.Stream"));
        let put = find(
            &api,
            Put,
            "/me/drive/items/{id}/content",
            "api/driveitem-put-content.md",
        );
        assert_eq!(put.request_name(), Some("Edm.Stream"));
        assert_eq!(put.response_name(), Some("microsoft.graph.driveItem"));
    }

    #[test]
    fn pages_of_one_path_merge_the_status_that_carries_a_body() {
        use HttpMethod::*;
        use OperationKind as K;
        let mut api = api(vec![
            op(
                Get,
                K::List,
                "/users",
                Some(("microsoft.graph.user", true)),
                Some(200),
                "api/user-list.md",
            ),
            op(
                Patch,
                K::Update,
                "/users/{id}",
                None,
                Some(204),
                "api/user-update.md",
            ),
            op(
                Patch,
                K::Update,
                "/users/{userId}",
                Some(("microsoft.graph.user", false)),
                Some(200),
                "api/intune-user-update.md",
            ),
        ]);
        let mut diags = Diagnostics::default();
        type_routes(&mut api, &mut diags);
        for file in ["api/user-update.md", "api/intune-user-update.md"] {
            let o = api
                .operations
                .iter()
                .find(|o| *o.source.file == *file)
                .expect("op");
            assert_eq!(o.status, Some(200), "{file}");
            assert_eq!(o.request_name(), Some("microsoft.graph.user"));
            assert_eq!(o.response_name(), Some("microsoft.graph.user"));
        }
    }
}
