//! Types across pages: merge partial definitions of one type, resolve property types, then
//! apply inheritance so each type lists its full property set.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Code, Diagnostics};
use crate::model::facts::{PageFacts, RawType};
use crate::model::ir::{Property, Source, TypeDef, TypeKind};
use crate::resolve::symbols::{qualify, split_qualified, Symbols};

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
    own_index: std::collections::HashMap<String, usize>,
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
    let mut merged: BTreeMap<String, Merged> = BTreeMap::new();
    for (name, mut defs) in groups {
        defs.sort_by_key(|(ty, page)| {
            (
                page.file.contains("shared"),
                !page.file.starts_with("resources/"),
                std::cmp::Reverse(ty.properties.len()),
                page.file.clone(),
            )
        });
        merged.insert(name.clone(), merge(&name, &defs, symbols, diags));
    }
    implied_bases(&mut merged, diags);
    inherit(merged, diags)
}

/// The root of keyed types: `resources/entity.md` is the one keyed type with no base.
const ENTITY: &str = "microsoft.graph.entity";

/// Bases the docs imply but do not name: a property row "Inherited from [x]" names an
/// ancestor; and a type keyed by `id` with no base derives from `entity` (the convention
/// `entity` states by being the one keyed type with no base). A named base that the rows
/// contradict is kept and reported (`GD036`).
fn implied_bases(merged: &mut BTreeMap<String, Merged>, diags: &mut Diagnostics) {
    let has_entity = merged.contains_key(ENTITY);
    let names: Vec<String> = merged.keys().cloned().collect();
    for name in names {
        let Some(ty) = merged.get(&name) else {
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
                if let Some(m) = merged.get_mut(&name) {
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
            (None, None, Some(source))
                if has_entity && name != ENTITY && ty.key.as_deref() == Some("id") =>
            {
                if let Some(m) = merged.get_mut(&name) {
                    m.base = Some((ENTITY.to_string(), source));
                }
            }
            _ => {}
        }
    }
}

/// Whether `ancestor` is above `ty` in the bases named so far.
fn is_ancestor(merged: &BTreeMap<String, Merged>, ty: &str, ancestor: &str) -> bool {
    let mut at = merged.get(ty).and_then(|t| t.base.as_ref()).map(|(b, _)| b);
    for _ in 0..MAX_INHERITANCE_DEPTH {
        let Some(b) = at else { return false };
        if b.eq_ignore_ascii_case(ancestor) {
            return true;
        }
        at = merged.get(b).and_then(|t| t.base.as_ref()).map(|(b, _)| b);
    }
    false
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
        own_index: std::collections::HashMap::new(),
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
                if !existing.r#type.eq_ignore_ascii_case(&ty_name)
                    || existing.collection != raw.ty.collection
                {
                    diags.push(
                        &raw.source,
                        Code::PropertyConflict,
                        format!(
                            "`{name}.{}` is `{}` here and `{}{}` at {}:{}",
                            raw.name,
                            describe(&ty_name, raw.ty.collection),
                            existing.r#type,
                            if existing.collection {
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
                r#type: ty_name,
                collection: raw.ty.collection,
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
    let mut out = Vec::with_capacity(merged.len());
    for (name, ty) in &merged {
        // The chain from the root down to this type.
        let mut chain = vec![name.as_str()];
        let mut seen = BTreeSet::from([name.as_str()]);
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
        let mut by_name: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        let mut folded: std::collections::HashSet<String> = std::collections::HashSet::new();
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
                        let collection = if p.collection { " collection" } else { "" };
                        diags.push(
                            &p.source,
                            Code::JsonNotInTable,
                            format!(
                                "`{}` is in the JSON representation but in no table; typed `{}{collection}` from the JSON",
                                p.name, p.r#type
                            ),
                        );
                    }
                }
                if let Some(existing) = by_name.get(&p.name).and_then(|&i| properties.get(i)) {
                    if is_self && !existing.r#type.eq_ignore_ascii_case(&p.r#type) {
                        diags.push(
                            &p.source,
                            Code::PropertyConflict,
                            format!(
                                "`{}` repeats inherited `{}` as `{}`, the base says `{}`",
                                ty.name, p.name, p.r#type, existing.r#type
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
        out.push(TypeDef {
            name: ty.name.clone(),
            namespace: ty.namespace.clone(),
            kind: if is_entity {
                TypeKind::Entity
            } else {
                TypeKind::Complex
            },
            base: ty.base.as_ref().map(|(b, _)| b.clone()),
            key,
            open: ty.open,
            r#abstract: ty.is_abstract,
            media_entity: ty.media_entity,
            description: ty.description.clone(),
            properties,
            sources: ty.sources.clone(),
        });
    }
    out
}
