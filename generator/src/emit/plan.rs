//! The plan of one API version's module: a unique Rust name, file and workload for every type
//! and enum, the polymorphic `Any…` enums, and which fields must be boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::names::{pascal, snake, Registry};
use crate::emit::workloads::{workload_of, Workload, SHARED};
use crate::ir::{Api, EnumDef, Inheritance, Source, TypeDef};
use crate::source::Standing;

/// What the emitter knows about one named item of the API.
#[derive(Debug, Clone)]
pub struct Item {
    pub rust_name: String,
    /// File stem under the version's module (`managed_device_certificate_state`).
    pub file: String,
    /// The workload (cargo feature) that compiles it; `None` for what every build has (the
    /// parameter structs of actions).
    pub workload: Option<Workload>,
}

#[derive(Debug)]
pub struct Plan<'a> {
    /// Qualified type name → item.
    pub types: BTreeMap<&'a str, (Item, &'a TypeDef)>,
    /// Qualified enum name → item.
    pub enums: BTreeMap<&'a str, (Item, &'a EnumDef)>,
    /// Qualified type name → the name of its polymorphic enum, for types with derived types.
    pub any_names: BTreeMap<&'a str, String>,
    /// Qualified type name → every type derived from it (transitively), sorted.
    pub descendants: BTreeMap<&'a str, Vec<&'a str>>,
    /// (containing type, property name) pairs whose field must be boxed (the type contains
    /// itself through non-collection fields).
    pub boxed: BTreeSet<(&'a str, &'a str)>,
    /// The names and files taken in the version's module, for items planned later (request
    /// bodies).
    pub names: Registry,
    pub files: Registry,
}

/// Owned qualified names: the IR keeps namespace and name apart.
pub struct Qualified {
    pub types: Vec<String>,
    pub enums: Vec<String>,
}

impl Qualified {
    pub fn of(api: &Api) -> Qualified {
        Qualified {
            types: api
                .types
                .iter()
                .map(|t| String::from(t.qualified_name()))
                .collect(),
            enums: api
                .enums
                .iter()
                .map(|e| String::from(e.qualified_name()))
                .collect(),
        }
    }
}

impl<'a> Plan<'a> {
    pub fn new(api: &'a Api, q: &'a Qualified) -> Plan<'a> {
        // Names: the default namespace first, then sub-namespaces; a name already taken gets the
        // last namespace segment as a prefix (`CallRecordsSession`), then a number.
        let mut order: Vec<(bool, &str, Kind)> = Vec::new();
        for (i, t) in api.types.iter().enumerate() {
            order.push((
                t.namespace != "microsoft.graph",
                q.types[i].as_str(),
                Kind::Type(i),
            ));
        }
        for (i, e) in api.enums.iter().enumerate() {
            order.push((
                e.namespace != "microsoft.graph",
                q.enums[i].as_str(),
                Kind::Enum(i),
            ));
        }
        order.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut names = Registry::default();
        names.reserve("registry");
        let mut files = Registry::default();
        files.reserve("mod");
        files.reserve("registry");
        files.reserve("requests");
        let mut types = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for (_, qualified, kind) in &order {
            let (namespace, name, source) = match kind {
                Kind::Type(i) => (
                    &api.types[*i].namespace,
                    &api.types[*i].name,
                    primary_source(&api.types[*i].sources),
                ),
                Kind::Enum(i) => (
                    &api.enums[*i].namespace,
                    &api.enums[*i].name,
                    primary_source(&api.enums[*i].sources),
                ),
            };
            let mut wanted = pascal(name);
            if names.is_taken(&wanted) {
                let tail = namespace.rsplit('.').next().unwrap_or("");
                wanted = pascal(&format!("{tail} {name}"));
            }
            let rust_name = names.claim(&wanted);
            let file = files.claim(&snake(&rust_name));
            let item = Item {
                file,
                workload: Some(workload_of(namespace, source.map_or("", |s| &*s.file))),
                rust_name,
            };
            match kind {
                Kind::Type(i) => {
                    types.insert(*qualified, (item, &api.types[*i]));
                }
                Kind::Enum(i) => {
                    enums.insert(*qualified, (item, &api.enums[*i]));
                }
            }
        }

        share_held_types(&mut types, &mut enums);
        let descendants = descendants(api, q);
        let mut any_names = BTreeMap::new();
        for base in descendants.keys() {
            if let Some((item, _)) = types.get(base) {
                any_names.insert(*base, names.claim(&format!("Any{}", item.rust_name)));
            }
        }
        let boxed = boxed_fields(&types);
        Plan {
            types,
            enums,
            any_names,
            descendants,
            boxed,
            names,
            files,
        }
    }
}

/// Types and enums that a type of another workload holds by value (as its base type or in a
/// structural property) move to [`SHARED`], transitively, so that a workload compiles with
/// `core` alone: enabling `mail` gives a complete `Message` (its `Recipient`s, `ItemBody`, the
/// `identitySet`s of every entity). Relationships (navigation properties) do not count: they
/// name neighbouring workloads and are typed when those are on. Each item moves at most once.
fn share_held_types(
    types: &mut BTreeMap<&str, (Item, &TypeDef)>,
    enums: &mut BTreeMap<&str, (Item, &EnumDef)>,
) {
    fn held(ty: &TypeDef) -> impl Iterator<Item = &str> {
        ty.base.as_deref().into_iter().chain(
            ty.properties
                .iter()
                .filter(|p| !p.navigation)
                .map(|p| p.ty.name()),
        )
    }
    // (holder's workload, held type): every holder starts on the list once.
    let mut work: Vec<(Option<Workload>, &str)> = Vec::new();
    for (item, ty) in types.values() {
        work.extend(held(ty).map(|h| (item.workload, h)));
    }
    while let Some((holder, name)) = work.pop() {
        if let Some((item, ty)) = types.get_mut(name) {
            if item.workload != holder && item.workload != Some(SHARED) {
                item.workload = Some(SHARED);
                work.extend(held(ty).map(|h| (Some(SHARED), h)));
            }
        } else if let Some((item, _)) = enums.get_mut(name) {
            if item.workload != holder {
                item.workload = Some(SHARED);
            }
        }
    }
}

/// The page that defines an item first and foremost: a type the Intune pages share with
/// another workload (`user`, `group`) belongs to the other workload's own page.
pub fn primary_source(sources: &[Source]) -> Option<&Source> {
    sources
        .iter()
        .find(|s| !Standing::of(&s.file).repeats())
        .or_else(|| sources.first())
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Type(usize),
    Enum(usize),
}

/// Every type's transitive descendants (only types that have at least one).
fn descendants<'a>(api: &'a Api, q: &'a Qualified) -> BTreeMap<&'a str, Vec<&'a str>> {
    let inheritance = Inheritance::of(api);
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (i, name) in q.types.iter().enumerate() {
        for base in inheritance.ancestors(i) {
            out.entry(q.types[base].as_str())
                .or_default()
                .push(name.as_str());
        }
    }
    for list in out.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    out
}

/// Fields that hold (non-collection) a struct of the same strongly connected component as the
/// struct that declares them: without a `Box` the struct would have infinite size.
fn boxed_fields<'a>(
    types: &BTreeMap<&'a str, (Item, &'a TypeDef)>,
) -> BTreeSet<(&'a str, &'a str)> {
    let names: Vec<&str> = types.keys().copied().collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            types[n]
                .1
                .properties
                .iter()
                .filter(|p| !p.ty.collection)
                .filter_map(|p| index.get(p.ty.name()).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxed = BTreeSet::new();
    for (i, n) in names.iter().enumerate() {
        for p in types[n].1.properties.iter().filter(|p| !p.ty.collection) {
            if let Some(&j) = index.get(p.ty.name()) {
                if component[i] == component[j] {
                    boxed.insert((*n, p.name.as_str()));
                }
            }
        }
    }
    boxed
}

/// Tarjan's algorithm, iterative: the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, child)) = work.pop() {
            if child == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(child) {
                work.push((v, child + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            // All children done: propagate to the parent and close the component.
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components() {
        // 0 → 1 → 2 → 0 is a cycle, 3 → 3 a self-loop, 4 alone.
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
