//! Enums across pages: one enum per qualified name, merged from its enum page, `x values`
//! sections and the value lists in descriptions of properties typed with it.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostics};
use crate::ir::{EnumDef, EnumMember, Source};
use crate::model::facts::{PageFacts, RawEnum};
use crate::model::type_cell::RawTypeRef;
use crate::resolve::symbols::{qualify, split_qualified, Symbols};

/// Merge the enums that pages define, best description first.
pub fn merge_enums(
    pages: &[PageFacts],
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> BTreeMap<String, EnumDef> {
    let mut groups: BTreeMap<String, Vec<&RawEnum>> = BTreeMap::new();
    for page in pages {
        for e in &page.enums {
            let q = qualify(
                &e.name,
                e.namespace.as_deref().or(page.namespace.as_deref()),
            );
            let q = symbols.canonical(&q).map_or(q, |(c, _)| c.to_string());
            groups.entry(q).or_default().push(e);
        }
    }
    let mut out = BTreeMap::new();
    for (name, mut defs) in groups {
        defs.sort_by_key(|e| (!e.dedicated, e.source.clone()));
        let (namespace, bare) = split_qualified(&name);
        let mut def = EnumDef {
            name: bare.to_string(),
            namespace: namespace.to_string(),
            flags: defs.iter().any(|e| e.flags_hint),
            description: String::new(),
            members: Vec::new(),
            sources: defs.iter().map(|e| e.source.clone()).collect(),
        };
        // Index of `def.members` by name.
        let mut index: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
        for e in &defs {
            if def.description.is_empty() {
                def.description.clone_from(&e.description);
            }
            let first = def.members.is_empty();
            for m in &e.members {
                match index.get(&m.name).and_then(|&i| def.members.get(i)) {
                    Some(d) if d.value.is_some() && m.value.is_some() && d.value != m.value => {
                        diags.push(
                            &e.source,
                            Code::EnumConflict,
                            format!(
                                "`{name}` member `{}` is {} here and {} elsewhere",
                                m.name,
                                m.value.unwrap_or_default(),
                                d.value.unwrap_or_default()
                            ),
                        )
                    }
                    Some(_) => {}
                    None => {
                        if !first {
                            diags.push(
                                &e.source,
                                Code::EnumConflict,
                                format!("`{name}` member `{}` is only listed here", m.name),
                            );
                        }
                        index.insert(m.name.clone(), def.members.len());
                        def.members.push(m.clone());
                    }
                }
            }
        }
        def.sources.sort();
        def.sources.dedup();
        def.flags |= looks_like_flags(&def.members);
        out.insert(name, def);
    }
    out
}

/// Values that are distinct powers of two (0 allowed), at least three of them non-zero, and not
/// simply counting up (0, 1, 2).
fn looks_like_flags(members: &[EnumMember]) -> bool {
    let Some(values) = members
        .iter()
        .map(|m| m.value)
        .collect::<Option<Vec<i64>>>()
    else {
        return false;
    };
    let nonzero: Vec<i64> = values.iter().copied().filter(|v| *v != 0).collect();
    let powers = nonzero.iter().all(|v| *v > 0 && (v & (v - 1)) == 0);
    let mut distinct = nonzero.clone();
    distinct.sort_unstable();
    distinct.dedup();
    powers
        && distinct.len() == nonzero.len()
        && nonzero.len() >= 3
        && distinct.iter().any(|v| *v >= 4)
}

/// A value list in a description, to merge into the enum its property is typed with.
pub struct InlineList<'a> {
    pub enum_name: &'a str,
    pub values: &'a [String],
    pub source: &'a Source,
}

/// Add description-listed values to their enums. Values the enum lacks are added and reported.
pub fn merge_inline_lists<'a>(
    enums: &mut BTreeMap<String, EnumDef>,
    lists: impl IntoIterator<Item = InlineList<'a>>,
    diags: &mut Diagnostics,
) {
    // The lower-case member names of each enum met so far: linear in the number of lists.
    let mut known: foldhash::HashMap<&str, foldhash::HashSet<String>> =
        foldhash::HashMap::default();
    for list in lists {
        let Some(def) = enums.get_mut(list.enum_name) else {
            continue;
        };
        let names = known.entry(list.enum_name).or_insert_with(|| {
            def.members
                .iter()
                .map(|m| m.name.to_ascii_lowercase())
                .collect()
        });
        let extra: Vec<&String> = list
            .values
            .iter()
            .filter(|v| !names.contains(&v.to_ascii_lowercase()))
            .collect();
        if extra.is_empty() {
            continue;
        }
        diags.push(
            list.source,
            Code::InlineEnumExtra,
            format!(
                "description lists {} that enum `{}` does not have; added",
                extra
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                list.enum_name
            ),
        );
        for v in extra {
            names.insert(v.to_ascii_lowercase());
            def.members.push(EnumMember {
                name: v.clone(),
                value: None,
                description: String::new(),
            });
        }
    }
}

/// The members of an enum that only a description defines (a type cell names an undefined
/// type and the description lists its values): the values, in order, without numbers.
pub fn members_of_list(values: &[String]) -> Vec<EnumMember> {
    values
        .iter()
        .map(|v| EnumMember {
            name: v.clone(),
            value: None,
            description: String::new(),
        })
        .collect()
}

/// Whether a reference names a type that no page defines (checked before resolution reports it).
pub fn is_undefined(r: &RawTypeRef, symbols: &Symbols, namespace: Option<&str>) -> bool {
    crate::model::type_cell::primitive(&r.name).is_none()
        && r.name != "Edm.Untyped"
        && symbols.lookup(&r.name, namespace).is_none()
        && r.link.as_deref().is_none_or(|l| !l.contains(".md"))
}
