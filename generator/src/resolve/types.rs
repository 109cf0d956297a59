//! Types across pages: merge partial definitions of one type, resolve property types, then
//! apply inheritance so each type lists its full property set.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostics};
use crate::ir::{Property, QualifiedName, Source, TypeDef, TypeKind, TypeRef};
use crate::model::facts::{PageFacts, RawType};
use crate::resolve::derived::{self, Derivation, Evidence};
use crate::resolve::symbols::{qualify, split_qualified, Symbols};
use crate::source::Standing;

/// A type merged from its pages, with own properties only.
struct Merged {
    name: String,
    namespace: String,
    key: Option<String>,
    base: Option<(String, Source)>,
    open: bool,
    is_abstract: bool,
    media_entity: bool,
    description: String,
    own: Vec<Property>,
    /// Index of `own` by name.
    own_index: foldhash::HashMap<String, usize>,
    sources: Vec<Source>,
}

/// Build every type with its full property set, sorted by qualified name.
pub fn resolve_types(
    pages: &[PageFacts],
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> Vec<TypeDef> {
    // Group the raw definitions by canonical name, best page first.
    let mut groups: BTreeMap<String, Vec<(&RawType, &PageFacts)>> = BTreeMap::new();
    for page in pages {
        for ty in &page.types {
            let q = qualify(&ty.odata_type, page.namespace.as_deref());
            let q = symbols.canonical(&q).map_or(q, |(c, _)| c.to_string());
            groups.entry(q).or_default().push((ty, page));
        }
    }
    // Each group is merged on its own (in parallel).
    let groups: Vec<_> = groups.into_iter().collect();
    let mut merged: BTreeMap<String, Merged> = diags
        .par_map(groups.into_par_iter(), |(name, mut defs), diags| {
            defs.sort_by_key(|(ty, page)| {
                (
                    Standing::of(&page.file),
                    !page.file.starts_with("resources/"),
                    std::cmp::Reverse(ty.properties.len()),
                    page.file.clone(),
                )
            });
            let merged = merge(&name, &defs, symbols, diags);
            (name, merged)
        })
        .into_iter()
        .collect();
    let mut evidence = derived::listed(pages, symbols);
    evidence.extend(derived::in_examples(pages, symbols, &|ty, name| {
        property_type(&merged, ty, name)
    }));
    implied_bases(&mut merged, &evidence, diags);
    inherit(merged, diags)
}

/// The root of keyed types: `resources/entity.md` is the one keyed type with no base.
const ENTITY: &str = "microsoft.graph.entity";

/// Bases the docs imply but do not name, strongest statement first:
/// 1. property rows `Inherited from [x]` name an ancestor;
/// 2. a base page lists the type among its derived types (`derived::listed`);
/// 3. examples write a value of the type where another is expected (`derived::in_examples`):
///    the most derived of the expected types, when they form one chain;
/// 4. a type keyed by `id` with no base derives from `entity` (the convention `entity` states
///    by being the one keyed type with no base).
///
/// A named base that a later statement contradicts (the statement's base is not among the
/// type's ancestors) is kept and reported (`GD036`), as is a set of examples that expect
/// unrelated types. A statement that would make a cycle is not applied.
fn implied_bases(
    merged: &mut BTreeMap<String, Merged>,
    evidence: &[Derivation],
    diags: &mut Diagnostics,
) {
    let names: Vec<String> = merged.keys().cloned().collect();
    for name in &names {
        let Some(ty) = merged.get(name) else {
            continue;
        };
        // The ancestor the rows name most often ("Inherited from [directoryObject]").
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &ty.own {
            if let Some(from) = p.inherited_from.as_deref() {
                if from != name && merged.contains_key(from) {
                    *counts.entry(from).or_default() += 1;
                }
            }
        }
        let inherited = counts
            .iter()
            .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
            .map(|(n, _)| n.to_string());
        let source = ty.sources.first().cloned();
        match (&ty.base, inherited, source) {
            (None, Some(from), Some(source)) => {
                if let Some(m) = merged.get_mut(name) {
                    m.base = Some((from, source));
                }
            }
            (Some((base, at)), Some(from), _)
                if !base.eq_ignore_ascii_case(&from) && !is_ancestor(merged, base, &from) =>
            {
                diags.push(
                    at,
                    Code::ImpliedBase,
                    format!(
                        "`{name}` derives from `{base}`, but its rows say they are inherited from `{from}`, which is not an ancestor of `{base}`; `{base}` is kept"
                    ),
                );
            }
            _ => {}
        }
    }
    for kind in [Evidence::Listed, Evidence::Example] {
        // Per derived type, the bases the statements of this kind give it.
        let mut by_type: BTreeMap<&str, Vec<&Derivation>> = BTreeMap::new();
        for d in evidence.iter().filter(|d| d.evidence == kind) {
            if merged.contains_key(&d.derived) && merged.contains_key(&d.base) {
                by_type.entry(d.derived.as_str()).or_default().push(d);
            }
        }
        for (name, statements) in by_type {
            match merged.get(name).and_then(|t| t.base.clone()) {
                Some((base, _)) => {
                    for d in statements {
                        if !is_ancestor(merged, name, &d.base) {
                            diags.push(
                                &d.source,
                                Code::ImpliedBase,
                                format!(
                                    "{} `{name}` as derived from `{}`, but `{name}` derives from `{base}`, below which `{}` is not; `{base}` is kept",
                                    kind.says(), d.base, d.base
                                ),
                            );
                        }
                    }
                }
                None => {
                    // An example is a weaker witness than a base page: the docs' examples
                    // also put unrelated values where another type is expected.
                    let statements: Vec<&Derivation> = statements
                        .into_iter()
                        .filter(|d| kind == Evidence::Listed || fits_under(merged, name, &d.base))
                        .collect();
                    // The most derived base, when every other is among its ancestors.
                    let deepest = statements.iter().find(|d| {
                        statements.iter().all(|o| {
                            o.base.eq_ignore_ascii_case(&d.base)
                                || is_ancestor(merged, &d.base, &o.base)
                        })
                    });
                    match deepest {
                        Some(d)
                            if !is_ancestor(merged, &d.base, name)
                                && !d.base.eq_ignore_ascii_case(name) =>
                        {
                            if let Some(m) = merged.get_mut(name) {
                                m.base = Some((d.base.clone(), d.source.clone()));
                            }
                        }
                        Some(d) => diags.push(
                            &d.source,
                            Code::ImpliedBase,
                            format!(
                                "{} `{name}` as derived from `{}`, which derives from `{name}`; not applied",
                                kind.says(), d.base
                            ),
                        ),
                        None => {
                            let bases: BTreeSet<&str> =
                                statements.iter().map(|d| d.base.as_str()).collect();
                            if let Some(first) = statements.first() {
                                diags.push(
                                    &first.source,
                                    Code::ImpliedBase,
                                    format!(
                                        "{} `{name}` as derived from unrelated types ({}); no base applied",
                                        kind.says(),
                                        bases.into_iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    if merged.contains_key(ENTITY) {
        // The root of every chain that holds a type keyed by `id`: an entity type cannot
        // derive from a complex one, so an unkeyed root above a keyed type (`outlookItem`
        // above `message`) is an entity too.
        let roots: BTreeSet<String> = merged
            .iter()
            .filter(|(_, ty)| ty.key.as_deref() == Some("id"))
            .filter_map(|(name, _)| root_of(merged, name))
            .filter(|root| {
                root != ENTITY
                    && merged
                        .get(root)
                        .is_some_and(|r| r.key.as_deref().is_none_or(|k| k == "id"))
            })
            .collect();
        for root in roots {
            if let Some(ty) = merged.get_mut(&root) {
                if let Some(source) = ty.sources.first().cloned() {
                    ty.base = Some((ENTITY.to_string(), source));
                }
            }
        }
    }
}

/// The top of `ty`'s chain of bases named so far (`ty` itself when it has none), unless the
/// chain names a type that is not defined or is longer than the reader follows.
fn root_of(merged: &BTreeMap<String, Merged>, ty: &str) -> Option<String> {
    let (name, last) = lineage(merged, ty).last()?;
    last?.base.is_none().then(|| name.to_string())
}

/// `ty` and its bases named so far, nearest first, each with its definition (`None` for a base
/// no page defines, which ends the line); at most [`MAX_INHERITANCE_DEPTH`] bases, so that a
/// cycle ends too. Every walk up the bases in this module goes through it.
fn lineage<'a>(
    merged: &'a BTreeMap<String, Merged>,
    ty: &'a str,
) -> impl Iterator<Item = (&'a str, Option<&'a Merged>)> + 'a {
    std::iter::successors(Some((ty, merged.get(ty))), move |(_, def)| {
        let (base, _) = (*def)?.base.as_ref()?;
        Some((base.as_str(), merged.get(base)))
    })
    .take(MAX_INHERITANCE_DEPTH + 1)
}

impl Evidence {
    fn says(self) -> &'static str {
        match self {
            Evidence::Listed => "the base page lists",
            Evidence::Example => "an example writes",
        }
    }
}

/// Whether an example's `ty` written where `base` is expected is a second witness of
/// derivation and not a slip of the docs: a derived type's page repeats every structural
/// property of its base (Intune pages do), or none of them, and then its name holds the base's
/// words in order (`educationLinkResource` under `educationResource`). A page that repeats
/// some of them and lacks others describes another type (`invitationParticipantInfo` is no
/// `participantInfo`). `id` is left out: every entity has it.
fn fits_under(merged: &BTreeMap<String, Merged>, ty: &str, base: &str) -> bool {
    let names = |start: &str, structural_only: bool| -> BTreeSet<String> {
        lineage(merged, start)
            .filter_map(|(_, def)| def)
            .flat_map(|t| &t.own)
            .filter(|p| !(structural_only && p.navigation) && p.name != "id")
            .map(|p| p.name.to_ascii_lowercase())
            .collect()
    };
    let has = names(ty, false);
    let needs = names(base, true);
    if needs.is_subset(&has) {
        return true;
    }
    needs.is_disjoint(&has) && words_in_order(bare(base), bare(ty))
}

fn bare(qualified: &str) -> &str {
    split_qualified(qualified).1
}

/// Whether the camel-case words of `inner` appear in `outer` in order (`educationResource` in
/// `educationLinkResource`).
pub(crate) fn words_in_order(inner: &str, outer: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in s.chars() {
            match out.last_mut() {
                Some(w) if !c.is_ascii_uppercase() => w.push(c),
                _ => out.push(c.to_ascii_lowercase().to_string()),
            }
        }
        out
    };
    let outer = words(outer);
    let mut rest = outer.iter();
    words(inner).iter().all(|w| rest.any(|o| o == w))
}

/// The declared type of `ty`'s property `name`, from `ty` or its ancestors named so far.
fn property_type(merged: &BTreeMap<String, Merged>, ty: &str, name: &str) -> Option<String> {
    lineage(merged, ty)
        .filter_map(|(_, def)| def)
        .find_map(|t| t.own_index.get(name).and_then(|&i| t.own.get(i)))
        .map(|p| p.ty.name().to_string())
}

/// Whether `ancestor` is above `ty` in the bases named so far.
fn is_ancestor(merged: &BTreeMap<String, Merged>, ty: &str, ancestor: &str) -> bool {
    lineage(merged, ty)
        .skip(1)
        .any(|(name, _)| name.eq_ignore_ascii_case(ancestor))
}

fn merge(
    name: &str,
    defs: &[(&RawType, &PageFacts)],
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> Merged {
    let (namespace, bare) = split_qualified(name);
    let mut m = Merged {
        name: bare.to_string(),
        namespace: namespace.to_string(),
        key: None,
        base: None,
        open: false,
        is_abstract: false,
        media_entity: false,
        description: String::new(),
        own: Vec::new(),
        own_index: foldhash::HashMap::default(),
        sources: Vec::new(),
    };
    for (ty, page) in defs {
        let ns = page.namespace.as_deref().or(Some(namespace));
        m.sources.push(ty.source.clone());
        if m.description.is_empty() {
            m.description.clone_from(&ty.description);
        }
        match (&m.key, &ty.key) {
            (None, Some(k)) => m.key = Some(k.clone()),
            (Some(a), Some(b)) if a != b => diags.push(
                &ty.source,
                Code::DuplicateDefinition,
                format!("`{name}` has key `{b}` here and `{a}` elsewhere"),
            ),
            _ => {}
        }
        m.open |= ty.open;
        m.is_abstract |= ty.is_abstract;
        m.media_entity |= ty.media_entity;
        if let Some(base) = &ty.base {
            let resolved = symbols.resolve(base, ns, diags);
            match &m.base {
                None => m.base = Some((resolved, base.source.clone())),
                Some((existing, _)) if !existing.eq_ignore_ascii_case(&resolved) => diags.push(&base.source, Code::BaseConflict, format!("`{name}` derives from `{resolved}` here and from `{existing}` elsewhere; the first is kept")),
                _ => {}
            }
        }
        for raw in &ty.properties {
            let ty_name = symbols.resolve(&raw.ty, ns, diags);
            if let Some(existing) = m.own_index.get(&raw.name).and_then(|&i| m.own.get(i)) {
                if !existing.ty.name().eq_ignore_ascii_case(&ty_name)
                    || existing.ty.collection != raw.ty.collection
                {
                    diags.push(
                        &raw.source,
                        Code::PropertyConflict,
                        format!(
                            "`{name}.{}` is `{}` here and `{}{}` at {}:{}",
                            raw.name,
                            describe(&ty_name, raw.ty.collection),
                            existing.ty.name(),
                            if existing.ty.collection {
                                " collection"
                            } else {
                                ""
                            },
                            existing.source.file,
                            existing.source.line
                        ),
                    );
                }
                continue;
            }
            m.own_index.insert(raw.name.clone(), m.own.len());
            m.own.push(Property {
                name: raw.name.clone(),
                ty: TypeRef::new(ty_name, raw.ty.collection),
                navigation: raw.navigation,
                description: raw.description.clone(),
                read_only: raw.read_only,
                deprecated: raw.deprecated,
                possible_values: raw.possible_values.clone(),
                inherited_from: raw
                    .inherited_from
                    .as_ref()
                    .map(|r| symbols.resolve(r, ns, diags)),
                from_json: raw.from_json,
                source: raw.source.clone(),
            });
        }
    }
    m.sources.sort();
    m
}

fn describe(ty: &str, collection: bool) -> String {
    if collection {
        format!("{ty} collection")
    } else {
        ty.to_string()
    }
}

/// How many ancestors a type's properties are taken from. Real chains are under ten deep; a
/// docs tree that chains thousands of types would otherwise make the model quadratic in size.
pub const MAX_INHERITANCE_DEPTH: usize = 64;

/// Apply inheritance: ancestors' properties first (root first), then the type's own; rows a
/// page repeats from an ancestor are taken from the ancestor.
fn inherit(merged: BTreeMap<String, Merged>, diags: &mut Diagnostics) -> Vec<TypeDef> {
    // Each type is built on its own (in parallel).
    let types: Vec<(&String, &Merged)> = merged.iter().collect();
    diags.par_map(types.into_par_iter(), |(name, ty), diags| {
        with_ancestors(&merged, name, ty, diags)
    })
}

/// `ty` with the properties of its ancestors, root first, then its own.
fn with_ancestors(
    merged: &BTreeMap<String, Merged>,
    name: &str,
    ty: &Merged,
    diags: &mut Diagnostics,
) -> TypeDef {
    // The chain from the root down to this type.
    let mut chain = vec![name];
    let mut seen = BTreeSet::from([name]);
    let mut current = ty;
    while let Some((base, source)) = &current.base {
        let Some((base_name, base_ty)) = merged.get_key_value(base.as_str()) else {
            diags.push(
                source,
                Code::UnknownBase,
                format!("base type `{base}` of `{name}` is defined nowhere"),
            );
            break;
        };
        if !seen.insert(base_name.as_str()) {
            diags.push(
                source,
                Code::InheritanceCycle,
                format!("`{name}` inherits from itself through `{base}`"),
            );
            break;
        }
        if chain.len() > MAX_INHERITANCE_DEPTH {
            diags.push(
                source,
                Code::InheritanceDepth,
                format!(
                    "`{name}` has more than {MAX_INHERITANCE_DEPTH} ancestors; the properties of `{base}` and its ancestors are not inherited"
                ),
            );
            break;
        }
        chain.push(base_name.as_str());
        current = base_ty;
    }
    chain.reverse();
    let mut properties: Vec<Property> = Vec::new();
    // Indexes of `properties`: by name, and the lower-case names.
    let mut by_name: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    let mut folded: foldhash::HashSet<String> = foldhash::HashSet::default();
    let mut key = None;
    for (depth, declaring) in chain.iter().enumerate() {
        let Some(level) = merged.get(*declaring) else {
            continue;
        };
        key = key.or_else(|| level.key.clone());
        let is_self = depth + 1 == chain.len();
        let has_tables = level.own.iter().any(|p| !p.from_json);
        for p in &level.own {
            if p.from_json {
                // The JSON representation often repeats inherited properties.
                if folded.contains(&p.name.to_ascii_lowercase()) {
                    continue;
                }
                if is_self && has_tables {
                    let collection = if p.ty.collection { " collection" } else { "" };
                    diags.push(
                        &p.source,
                        Code::JsonNotInTable,
                        format!(
                            "`{}` is in the JSON representation but in no table; typed `{}{collection}` from the JSON",
                            p.name, p.ty.name()
                        ),
                    );
                }
            }
            if let Some(existing) = by_name.get(&p.name).and_then(|&i| properties.get(i)) {
                if is_self && !existing.ty.name().eq_ignore_ascii_case(p.ty.name()) {
                    diags.push(
                        &p.source,
                        Code::PropertyConflict,
                        format!(
                            "`{}` repeats inherited `{}` as `{}`, the base says `{}`",
                            ty.name,
                            p.name,
                            p.ty.name(),
                            existing.ty.name()
                        ),
                    );
                }
                continue;
            }
            let mut p = p.clone();
            p.inherited_from = (!is_self).then(|| (*declaring).to_string());
            by_name.insert(p.name.clone(), properties.len());
            folded.insert(p.name.to_ascii_lowercase());
            properties.push(p);
        }
    }
    let is_entity = key.is_some();
    TypeDef {
        name: ty.name.clone(),
        namespace: ty.namespace.clone(),
        kind: if is_entity {
            TypeKind::Entity
        } else {
            TypeKind::Complex
        },
        base: ty.base.as_ref().map(|(b, _)| QualifiedName::new(b.clone())),
        key,
        open: ty.open,
        r#abstract: ty.is_abstract,
        media_entity: ty.media_entity,
        description: ty.description.clone(),
        properties,
        sources: ty.sources.clone(),
    }
}
