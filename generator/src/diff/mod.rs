//! What changed in the API between two docs trees: two resolved [`Api`]s compared item by
//! item, each change marked breaking or not for the generated Rust API.
//!
//! Items are keyed by what they are, never by the page that documents them: types and enums by
//! qualified name, properties by their type and JSON name, enum members by name, operations by
//! method and path with key placeholders normalized (`{id}` and `{user-id}` are one path).
//! Names are compared without case; a change of case is reported (it renames the Rust item
//! when the Rust name changes). So a page that was renamed or moved (`intune_x.md` →
//! `intune-x.md`) gives no entry when what it documents did not change.
//!
//! [`report`] renders a diff as markdown or JSON.

pub mod report;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::emit::naming::{member_name, primitive_type, type_name};
use crate::ir::{
    Api, EnumDef, Inheritance, Operation, OperationKind, Property, QualifiedName, Segment, Source,
    TypeDef, TypeRef,
};

/// What kind of item an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Type,
    Property,
    Enum,
    Member,
    Operation,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Type,
        ItemKind::Property,
        ItemKind::Enum,
        ItemKind::Member,
        ItemKind::Operation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Type => "type",
            ItemKind::Property => "property",
            ItemKind::Enum => "enum",
            ItemKind::Member => "member",
            ItemKind::Operation => "operation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One changed aspect of an item that exists on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// `type`, `collection`, `base`, `kind`, `flags`, `name`, `request`, …
    pub what: String,
    pub old: String,
    pub new: String,
}

/// One added, removed or changed item.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub kind: ItemKind,
    pub change: Change,
    /// Qualified name (`microsoft.graph.x`, `microsoft.graph.x.property`,
    /// `microsoft.graph.e.member`) or, for an operation, `METHOD /path` (the new path when
    /// there is one).
    pub name: String,
    /// The type or enum a property or member belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The types an operation takes or returns (either side).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// What the item is (on the side that has it): `Edm.String collection`, `entity`, ….
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// For a changed item: what changed, old → new.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
    pub breaking: bool,
    /// Why it is (or is not) breaking for the generated Rust API.
    pub reason: String,
    /// Where the old docs define it.
    pub old: Option<Source>,
    /// Where the new docs define it.
    pub new: Option<Source>,
}

/// Counts of one kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub breaking: usize,
}

/// Every change between two APIs, sorted by kind, then name, then change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApiDiff {
    pub entries: Vec<Entry>,
}

/// The rules by which an entry is breaking, as the report states them. They follow what the
/// emitter writes (`emit/models.rs`, `emit/enums.rs`).
pub const RULES: &[&str] = &[
    "A type is a struct with public `Field<T>` fields and `Default`; it is meant to be built \
     with `..Default::default()`. Adding a field is additive (code that names every field in a \
     struct literal or an exhaustive pattern would break; that use is not supported). Removing \
     a field, or changing its Rust type, is breaking.",
    "Nullability is not in the docs model: every field is a three-state `Field<T>` (absent, \
     null, value), so it cannot change the generated API.",
    "Changes that only touch documentation (descriptions, read-only, deprecated, navigation, \
     entity versus complex, a docs type that maps to the same Rust type) are non-breaking.",
    "A type with derived types is also read through its `Any…` enum, which is \
     `#[non_exhaustive]`: adding a derived type to a base that already exists adds a variant and \
     is additive (a value of the new type read before as the base's variant now reads as its \
     own); changing a type's base moves it between those enums and is breaking.",
    "Enums are `#[non_exhaustive]` (unknown values read as `Unrecognized`): adding a member is \
     additive (the value read before as `Unrecognized` now reads as the member); removing or \
     renaming a member, and switching between a plain enum and a flags set, are breaking.",
    "Inherited properties are reported once, at the type that declares them (the structs of \
     derived types, which copy their ancestors' fields, change with it), unless the type's base \
     changed.",
    "Operations are judged for request builders (one per method and path): removing one, \
     changing its request or response type, removing or retyping a parameter or adding a \
     required one is breaking.",
];

impl ApiDiff {
    /// Compare two APIs.
    pub fn new(old: &Api, new: &Api) -> ApiDiff {
        let mut entries = Vec::new();
        let old_ix = Index::of(old);
        let new_ix = Index::of(new);
        diff_types(&old_ix, &new_ix, &mut entries);
        diff_enums(&old_ix, &new_ix, &mut entries);
        diff_operations(old, new, &mut entries);
        entries.sort_by(|a, b| {
            (a.kind, a.name.to_ascii_lowercase(), &a.name, a.change).cmp(&(
                b.kind,
                b.name.to_ascii_lowercase(),
                &b.name,
                b.change,
            ))
        });
        ApiDiff { entries }
    }

    /// Added, removed, changed and breaking counts of each kind, in [`ItemKind::ALL`] order.
    pub fn totals(&self) -> Vec<(ItemKind, Totals)> {
        ItemKind::ALL
            .iter()
            .map(|&kind| {
                let mut t = Totals::default();
                for e in self.entries.iter().filter(|e| e.kind == kind) {
                    match e.change {
                        Change::Added => t.added += 1,
                        Change::Removed => t.removed += 1,
                        Change::Changed => t.changed += 1,
                    }
                    if e.breaking {
                        t.breaking += 1;
                    }
                }
                (kind, t)
            })
            .collect()
    }

    /// The counts of every kind together.
    pub fn total(&self) -> Totals {
        let mut sum = Totals::default();
        for (_, t) in self.totals() {
            sum.added += t.added;
            sum.removed += t.removed;
            sum.changed += t.changed;
            sum.breaking += t.breaking;
        }
        sum
    }

    /// The entries about one type or enum (qualified name, or the name alone; without case):
    /// the item itself, its properties or members, and the operations that take or return it.
    pub fn for_type(&self, name: &str) -> ApiDiff {
        let wanted = name.to_ascii_lowercase();
        let matches = |q: &str| {
            let q = q.to_ascii_lowercase();
            q == wanted || q.rsplit('.').next() == Some(wanted.as_str())
        };
        let entries = self
            .entries
            .iter()
            .filter(|e| match e.kind {
                ItemKind::Type | ItemKind::Enum => matches(&e.name),
                ItemKind::Property | ItemKind::Member => e.owner.as_deref().is_some_and(matches),
                ItemKind::Operation => e.types.iter().any(|t| matches(t)),
            })
            .cloned()
            .collect();
        ApiDiff { entries }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Types and enums of one API by lower-case qualified name.
struct Index<'a> {
    types: BTreeMap<String, (String, &'a TypeDef)>,
    enums: BTreeMap<String, (String, &'a EnumDef)>,
    api: &'a Api,
    inheritance: Inheritance<'a>,
}

impl<'a> Index<'a> {
    fn of(api: &'a Api) -> Index<'a> {
        let mut types = BTreeMap::new();
        for t in &api.types {
            let q = String::from(t.qualified_name());
            types.entry(q.to_ascii_lowercase()).or_insert((q, t));
        }
        let mut enums = BTreeMap::new();
        for e in &api.enums {
            let q = String::from(e.qualified_name());
            enums.entry(q.to_ascii_lowercase()).or_insert((q, e));
        }
        Index {
            types,
            enums,
            api,
            inheritance: Inheritance::of(api),
        }
    }

    fn has_type(&self, qualified: &str) -> bool {
        self.types.contains_key(&qualified.to_ascii_lowercase())
    }

    /// The qualified names of a type's ancestors that the API defines, nearest first (the
    /// types whose `Any…` enum the type is a variant of).
    fn ancestors(&self, ty: &TypeDef) -> Vec<String> {
        let Some(i) = self.inheritance.type_named(&ty.qualified_name()) else {
            return Vec::new();
        };
        self.inheritance
            .ancestors(i)
            .into_iter()
            .map(|a| String::from(self.api.types[a].qualified_name()))
            .collect()
    }

    /// The Rust type a property's value has in the generated code: (identity, display).
    fn rust_shape(&self, ty: &str, collection: bool) -> (String, String) {
        let key = ty.to_ascii_lowercase();
        let (id, display) = if let Some(p) = primitive_type(ty) {
            (p.to_string(), p.to_string())
        } else if let Some((q, e)) = self.enums.get(&key) {
            let name = type_name(&e.name);
            if e.flags {
                (format!("flags {q}"), format!("Flags<{name}>"))
            } else {
                (format!("enum {q}"), name)
            }
        } else if let Some((q, t)) = self.types.get(&key) {
            (format!("struct {q}"), type_name(&t.name))
        } else {
            ("graph_rt::Value".to_string(), "graph_rt::Value".to_string())
        };
        if collection {
            (format!("Vec<{id}>"), format!("Vec<{display}>"))
        } else {
            (id, display)
        }
    }
}

fn kind_word(t: &TypeDef) -> &'static str {
    match t.kind {
        crate::ir::TypeKind::Entity => "entity",
        crate::ir::TypeKind::Complex => "complex type",
    }
}

fn type_summary(t: &TypeDef) -> String {
    let kind = kind_word(t);
    match &t.base {
        Some(b) => format!("{kind}, base {b}"),
        None => kind.to_string(),
    }
}

fn property_summary(p: &Property) -> String {
    if p.ty.collection {
        format!("{} collection", p.ty.name())
    } else {
        p.ty.name().to_string()
    }
}

fn detail(what: &str, old: impl ToString, new: impl ToString) -> Detail {
    Detail {
        what: what.to_string(),
        old: old.to_string(),
        new: new.to_string(),
    }
}

fn diff_types(old: &Index<'_>, new: &Index<'_>, out: &mut Vec<Entry>) {
    let keys: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for key in keys {
        match (old.types.get(key), new.types.get(key)) {
            (Some((q, t)), None) => out.push(Entry {
                kind: ItemKind::Type,
                change: Change::Removed,
                name: q.clone(),
                owner: None,
                types: Vec::new(),
                summary: type_summary(t),
                details: Vec::new(),
                breaking: true,
                reason: "the struct is removed".into(),
                old: t.sources.first().cloned(),
                new: None,
            }),
            (None, Some((q, t))) => {
                let existing: Vec<String> = new
                    .ancestors(t)
                    .into_iter()
                    .filter(|a| old.has_type(a))
                    .collect();
                let (breaking, reason) = if existing.is_empty() {
                    (false, "a new struct".to_string())
                } else {
                    (
                        false,
                        format!(
                            "a new struct, and a new variant of the non-exhaustive `Any…` enum of {}",
                            existing.join(", ")
                        ),
                    )
                };
                out.push(Entry {
                    kind: ItemKind::Type,
                    change: Change::Added,
                    name: q.clone(),
                    owner: None,
                    types: Vec::new(),
                    summary: type_summary(t),
                    details: Vec::new(),
                    breaking,
                    reason,
                    old: None,
                    new: t.sources.first().cloned(),
                })
            }
            (Some((oq, ot)), Some((nq, nt))) => {
                let base_changed = !eq_opt(&ot.base, &nt.base);
                let mut details = Vec::new();
                let mut reasons = Vec::new();
                let mut breaking = false;
                if oq != nq {
                    details.push(detail("name", oq, nq));
                    if type_name(&ot.name) != type_name(&nt.name) {
                        breaking = true;
                        reasons.push("the struct is renamed".to_string());
                    }
                }
                if ot.kind != nt.kind {
                    details.push(detail("kind", kind_word(ot), kind_word(nt)));
                }
                if base_changed {
                    details.push(detail(
                        "base",
                        ot.base.as_deref().unwrap_or("none"),
                        nt.base.as_deref().unwrap_or("none"),
                    ));
                    breaking = true;
                    reasons.push("the type moves between `Any…` enums".to_string());
                }
                if !details.is_empty() {
                    out.push(Entry {
                        kind: ItemKind::Type,
                        change: Change::Changed,
                        name: nq.clone(),
                        owner: None,
                        types: Vec::new(),
                        summary: type_summary(nt),
                        details,
                        breaking,
                        reason: if reasons.is_empty() {
                            "the struct is unchanged".into()
                        } else {
                            reasons.join("; ")
                        },
                        old: ot.sources.first().cloned(),
                        new: nt.sources.first().cloned(),
                    });
                }
                diff_properties(old, new, (oq, ot), (nq, nt), base_changed, out);
            }
            (None, None) => {}
        }
    }
}

/// Items by lower-case name; the first of equal names wins.
fn by_lower_name<T>(items: &[T], name: impl Fn(&T) -> &String) -> BTreeMap<String, &T> {
    let mut m = BTreeMap::new();
    for item in items {
        m.entry(name(item).to_ascii_lowercase()).or_insert(item);
    }
    m
}

fn eq_opt(a: &Option<QualifiedName>, b: &Option<QualifiedName>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

fn diff_properties(
    old: &Index<'_>,
    new: &Index<'_>,
    (_oq, ot): (&String, &TypeDef),
    (nq, nt): (&String, &TypeDef),
    base_changed: bool,
    out: &mut Vec<Entry>,
) {
    let (op, np) = (
        by_lower_name(&ot.properties, |p| &p.name),
        by_lower_name(&nt.properties, |p| &p.name),
    );
    let keys: BTreeSet<&String> = op.keys().chain(np.keys()).collect();
    // Inherited properties are reported at the type that declares them.
    let inherited = |p: &Property| !base_changed && p.inherited_from.is_some();
    for key in keys {
        let entry = |change, p: &Property| Entry {
            kind: ItemKind::Property,
            change,
            name: format!("{nq}.{}", p.name),
            owner: Some(nq.clone()),
            types: Vec::new(),
            summary: property_summary(p),
            details: Vec::new(),
            breaking: false,
            reason: String::new(),
            old: None,
            new: None,
        };
        match (op.get(key), np.get(key)) {
            (Some(p), None) if !inherited(p) => out.push(Entry {
                breaking: true,
                reason: "the field is removed".into(),
                old: Some(p.source.clone()),
                ..entry(Change::Removed, p)
            }),
            (None, Some(p)) if !inherited(p) => out.push(Entry {
                reason: "a new field (structs are built with `..Default::default()`)".into(),
                new: Some(p.source.clone()),
                ..entry(Change::Added, p)
            }),
            (Some(a), Some(b)) if !(inherited(a) && inherited(b)) => {
                let mut details = Vec::new();
                let mut reasons = Vec::new();
                let mut breaking = false;
                if a.name != b.name {
                    details.push(detail("name", &a.name, &b.name));
                    if member_name(&a.name) != member_name(&b.name) {
                        breaking = true;
                        reasons.push("the field is renamed".to_string());
                    }
                }
                if !a.ty.name().eq_ignore_ascii_case(b.ty.name()) {
                    details.push(detail("type", a.ty.name(), b.ty.name()));
                }
                if a.ty.collection != b.ty.collection {
                    details.push(detail("collection", a.ty.collection, b.ty.collection));
                }
                let (old_shape, old_rust) = old.rust_shape(a.ty.name(), a.ty.collection);
                let (new_shape, new_rust) = new.rust_shape(b.ty.name(), b.ty.collection);
                if old_shape != new_shape {
                    breaking = true;
                    reasons.push(format!(
                        "the field's Rust type changes (`{old_rust}` → `{new_rust}`)"
                    ));
                }
                for (what, x, y) in [
                    ("navigation", a.navigation, b.navigation),
                    ("read_only", a.read_only, b.read_only),
                    ("deprecated", a.deprecated, b.deprecated),
                ] {
                    if x != y {
                        details.push(detail(what, x, y));
                    }
                }
                if details.is_empty() {
                    continue;
                }
                let reason = if reasons.is_empty() {
                    "the field's Rust type is unchanged".to_string()
                } else {
                    reasons.join("; ")
                };
                out.push(Entry {
                    details,
                    breaking,
                    reason,
                    old: Some(a.source.clone()),
                    new: Some(b.source.clone()),
                    ..entry(Change::Changed, b)
                });
            }
            _ => {}
        }
    }
}

fn enum_summary(e: &EnumDef) -> String {
    let kind = if e.flags { "flags enum" } else { "enum" };
    format!("{kind}, {} members", e.members.len())
}

fn diff_enums(old: &Index<'_>, new: &Index<'_>, out: &mut Vec<Entry>) {
    let keys: BTreeSet<&String> = old.enums.keys().chain(new.enums.keys()).collect();
    for key in keys {
        let base = |change, q: &String, e: &EnumDef| Entry {
            kind: ItemKind::Enum,
            change,
            name: q.clone(),
            owner: None,
            types: Vec::new(),
            summary: enum_summary(e),
            details: Vec::new(),
            breaking: false,
            reason: String::new(),
            old: None,
            new: None,
        };
        match (old.enums.get(key), new.enums.get(key)) {
            (Some((q, e)), None) => out.push(Entry {
                breaking: true,
                reason: "the enum is removed".into(),
                old: e.sources.first().cloned(),
                ..base(Change::Removed, q, e)
            }),
            (None, Some((q, e))) => out.push(Entry {
                reason: "a new enum".into(),
                new: e.sources.first().cloned(),
                ..base(Change::Added, q, e)
            }),
            (Some((oq, oe)), Some((nq, ne))) => {
                let mut details = Vec::new();
                let mut reasons = Vec::new();
                if oq != nq {
                    details.push(detail("name", oq, nq));
                    if type_name(&oe.name) != type_name(&ne.name) {
                        reasons.push("the enum is renamed");
                    }
                }
                if oe.flags != ne.flags {
                    details.push(detail("flags", oe.flags, ne.flags));
                    reasons.push("fields switch between the enum and a `Flags` set");
                }
                if !details.is_empty() {
                    out.push(Entry {
                        details,
                        breaking: !reasons.is_empty(),
                        reason: if reasons.is_empty() {
                            "the enum is unchanged".into()
                        } else {
                            reasons.join("; ")
                        },
                        old: oe.sources.first().cloned(),
                        new: ne.sources.first().cloned(),
                        ..base(Change::Changed, nq, ne)
                    });
                }
                diff_members(nq, oe, ne, out);
            }
            (None, None) => {}
        }
    }
}

fn diff_members(owner: &str, oe: &EnumDef, ne: &EnumDef, out: &mut Vec<Entry>) {
    let (om, nm) = (
        by_lower_name(&oe.members, |m| &m.name),
        by_lower_name(&ne.members, |m| &m.name),
    );
    let keys: BTreeSet<&String> = om.keys().chain(nm.keys()).collect();
    let value = |v: Option<i64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
    for key in keys {
        let (o, n) = (om.get(key), nm.get(key));
        let Some(any) = n.or(o) else { continue };
        let mut entry = Entry {
            kind: ItemKind::Member,
            change: Change::Changed,
            name: format!("{owner}.{}", any.name),
            owner: Some(owner.to_string()),
            types: Vec::new(),
            summary: any.value.map(|v| format!("value {v}")).unwrap_or_default(),
            details: Vec::new(),
            breaking: false,
            reason: String::new(),
            old: o.and(oe.sources.first().cloned()),
            new: n.and(ne.sources.first().cloned()),
        };
        match (o, n) {
            (Some(_), None) => {
                entry.change = Change::Removed;
                entry.breaking = true;
                entry.reason = "the variant is removed".into();
            }
            (None, Some(_)) => {
                entry.change = Change::Added;
                entry.reason = "a new variant of a non-exhaustive enum (the value no longer \
                                reads as `Unrecognized`)"
                    .into();
            }
            (Some(a), Some(b)) => {
                if a.name != b.name {
                    entry.details.push(detail("name", &a.name, &b.name));
                    if type_name(&a.name) != type_name(&b.name) {
                        entry.breaking = true;
                        entry.reason = "the variant is renamed".into();
                    }
                }
                if a.value != b.value {
                    entry
                        .details
                        .push(detail("value", value(a.value), value(b.value)));
                }
                if entry.details.is_empty() {
                    continue;
                }
                if !entry.breaking {
                    entry.reason = "the variant is unchanged (values are documentation)".into();
                }
            }
            (None, None) => continue,
        }
        out.push(entry);
    }
}

/// `GET /users/{}/photo/$value`: the path of an operation with every key placeholder written
/// `{}`, lower case (Graph paths are case-insensitive), prefixed by the method.
pub fn operation_key(op: &Operation) -> String {
    let mut path = String::new();
    for s in &op.segments {
        match s {
            Segment::Literal { name } => {
                path.push('/');
                path.push_str(name);
            }
            Segment::Key { .. } => path.push_str("/{}"),
            Segment::KeyInParens { name, .. } => {
                path.push('/');
                path.push_str(name);
                path.push_str("({})");
            }
            Segment::Cast { r#type } => {
                path.push('/');
                path.push_str(r#type);
            }
            Segment::Call { name, args } => {
                path.push('/');
                path.push_str(name);
                path.push('(');
                let args: Vec<String> = args
                    .iter()
                    .map(|a| {
                        if a.value.contains('{') || a.value.contains('<') {
                            format!("{}={{}}", a.name)
                        } else {
                            format!("{}={}", a.name, a.value)
                        }
                    })
                    .collect();
                path.push_str(&args.join(","));
                path.push(')');
            }
            Segment::PathAddress { .. } => path.push_str(":/{}:"),
            Segment::System { name } => {
                path.push('/');
                path.push_str(name);
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    format!("{} {}", op.method.as_str(), path.to_ascii_lowercase())
}

fn kind_text(kind: OperationKind) -> String {
    format!("{kind:?}").to_ascii_lowercase()
}

fn type_text(ty: Option<&TypeRef>) -> String {
    match ty {
        Some(t) if t.collection => format!("{} collection", t.name()),
        Some(t) => t.name().to_string(),
        None => "none".into(),
    }
}

fn diff_operations(old: &Api, new: &Api, out: &mut Vec<Entry>) {
    let by_key = |api: &Api| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for (i, op) in api.operations.iter().enumerate() {
            m.entry(operation_key(op)).or_insert(i);
        }
        m
    };
    let (oo, no) = (by_key(old), by_key(new));
    let keys: BTreeSet<&String> = oo.keys().chain(no.keys()).collect();
    for key in keys {
        let o = oo.get(key).map(|&i| &old.operations[i]);
        let n = no.get(key).map(|&i| &new.operations[i]);
        let Some(any) = n.or(o) else { continue };
        let mut types: Vec<String> = [o, n]
            .iter()
            .flatten()
            .flat_map(|op| [op.request_name(), op.response_name()])
            .flatten()
            .map(str::to_string)
            .collect();
        types.sort();
        types.dedup();
        let summary = |op: &Operation| {
            let mut s = kind_text(op.kind);
            if op.request_type.is_some() {
                s.push_str(&format!(", takes {}", type_text(op.request_type.as_ref())));
            }
            if op.response_type.is_some() {
                s.push_str(&format!(
                    ", returns {}",
                    type_text(op.response_type.as_ref())
                ));
            }
            s
        };
        let mut entry = Entry {
            kind: ItemKind::Operation,
            change: Change::Changed,
            name: format!("{} {}", any.method.as_str(), any.path),
            owner: None,
            types,
            summary: summary(any),
            details: Vec::new(),
            breaking: false,
            reason: String::new(),
            old: o.map(|op| op.source.clone()),
            new: n.map(|op| op.source.clone()),
        };
        match (o, n) {
            (Some(_), None) => {
                entry.change = Change::Removed;
                entry.breaking = true;
                entry.reason = "the request is removed".into();
            }
            (None, Some(_)) => {
                entry.change = Change::Added;
                entry.reason = "a new request".into();
            }
            (Some(a), Some(b)) => {
                let mut reasons: Vec<String> = Vec::new();
                if a.kind != b.kind {
                    entry
                        .details
                        .push(detail("kind", kind_text(a.kind), kind_text(b.kind)));
                }
                let req = (
                    type_text(a.request_type.as_ref()),
                    type_text(b.request_type.as_ref()),
                );
                if !req.0.eq_ignore_ascii_case(&req.1) {
                    entry.details.push(detail("request", &req.0, &req.1));
                    reasons.push("the request body type changes".into());
                }
                let resp = (
                    type_text(a.response_type.as_ref()),
                    type_text(b.response_type.as_ref()),
                );
                if !resp.0.eq_ignore_ascii_case(&resp.1) {
                    entry.details.push(detail("response", &resp.0, &resp.1));
                    reasons.push("the response type changes".into());
                }
                // The parameters of a create or update are the properties of its body type,
                // reported with that type.
                let calls = [OperationKind::Action, OperationKind::Function];
                if calls.contains(&a.kind) || calls.contains(&b.kind) {
                    diff_parameters(a, b, &mut entry.details, &mut reasons);
                }
                if entry.details.is_empty() {
                    continue;
                }
                entry.breaking = !reasons.is_empty();
                entry.reason = if reasons.is_empty() {
                    "the request is unchanged".into()
                } else {
                    reasons.join("; ")
                };
            }
            (None, None) => continue,
        }
        out.push(entry);
    }
}

fn diff_parameters(
    a: &Operation,
    b: &Operation,
    details: &mut Vec<Detail>,
    reasons: &mut Vec<String>,
) {
    let (ap, bp) = (
        by_lower_name(&a.parameters, |p| &p.name),
        by_lower_name(&b.parameters, |p| &p.name),
    );
    let keys: BTreeSet<&String> = ap.keys().chain(bp.keys()).collect();
    for key in keys {
        match (ap.get(key), bp.get(key)) {
            (Some(p), None) => {
                details.push(detail(
                    &format!("parameter {}", p.name),
                    p.ty.name(),
                    "none",
                ));
                reasons.push(format!("parameter `{}` is removed", p.name));
            }
            (None, Some(p)) => {
                details.push(detail(
                    &format!("parameter {}", p.name),
                    "none",
                    p.ty.name(),
                ));
                if p.required {
                    reasons.push(format!("required parameter `{}` is added", p.name));
                }
            }
            (Some(x), Some(y)) => {
                let (tx, ty) = (type_text(Some(&x.ty)), type_text(Some(&y.ty)));
                if !tx.eq_ignore_ascii_case(&ty) {
                    details.push(detail(&format!("parameter {}", y.name), &tx, &ty));
                    reasons.push(format!("parameter `{}` changes type", y.name));
                }
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests;
