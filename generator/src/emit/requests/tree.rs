//! The path tree of one API version: every documented request line's segments merged into one
//! tree (segments equal up to case and key names are one node), with the operations on the nodes
//! they address.

use std::collections::BTreeMap;

use crate::emit::names::{pascal, snake, Registry};
use crate::ir::route::SegmentKey;
use crate::ir::{Api, HttpMethod, Operation, OperationKind, Segment};
use crate::source::Standing;

/// The module of the root node and of the first segments' nodes (re-exported from `requests`).
pub const ROOT_FILE: &str = "root_node";

#[derive(Debug)]
pub struct Node<'a> {
    /// The segment that leads here from the parent (the first spelling met); `None` at the root.
    pub segment: Option<&'a Segment>,
    pub parent: Option<usize>,
    pub children: BTreeMap<SegmentKey, usize>,
    /// At most one operation per HTTP method: the first documented (operations are sorted by
    /// path, method and page).
    pub ops: BTreeMap<HttpMethod, &'a Operation>,
    /// The Rust struct of this node, unique in its module: its last segment in PascalCase
    /// (`Messages`), `…Item` for a key (`MessagesItem`).
    pub name: String,
    /// The module the struct is in, below the version's `requests`: [`ROOT_FILE`] for the root
    /// and the first segments (re-exported from `requests`), else its parent's [`Self::children_module`]:
    /// `/users/{id}/messages` is `users::item::Messages`.
    pub module: Vec<String>,
    /// The module of its children: a first segment's own file (`users`), else this node's
    /// module and its segment (`users::item`).
    pub children_module: Vec<String>,
    /// Its whole path in snake case (`users_item_messages`), unique in the version: the names of
    /// its routes in the dispatch table.
    pub route_name: String,
}

#[derive(Debug)]
pub struct Tree<'a> {
    /// The root is node 0.
    pub nodes: Vec<Node<'a>>,
}

impl<'a> Tree<'a> {
    pub fn new(api: &'a Api) -> Tree<'a> {
        let mut tree = Tree {
            nodes: vec![Node {
                segment: None,
                parent: None,
                children: BTreeMap::new(),
                ops: BTreeMap::new(),
                name: "Root".into(),
                module: vec![ROOT_FILE.into()],
                children_module: vec![ROOT_FILE.into()],
                route_name: "root".into(),
            }],
        };
        let mut candidates: Vec<Vec<&'a Operation>> = vec![Vec::new()];
        for op in &api.operations {
            let mut at = 0;
            for segment in &op.segments {
                let key = SegmentKey::of(segment);
                at = match tree.nodes[at].children.get(&key) {
                    Some(&child) => child,
                    None => {
                        let child = tree.nodes.len();
                        tree.nodes.push(Node {
                            segment: Some(segment),
                            parent: Some(at),
                            children: BTreeMap::new(),
                            ops: BTreeMap::new(),
                            name: String::new(),
                            module: Vec::new(),
                            children_module: Vec::new(),
                            route_name: String::new(),
                        });
                        tree.nodes[at].children.insert(key, child);
                        candidates.push(Vec::new());
                        child
                    }
                };
            }
            candidates[at].push(op);
        }
        // One operation per method: the best documented (see `rank`), then the first. The
        // `GET` is chosen first; its type is the node's, which the others should share.
        for (at, ops) in candidates.iter().enumerate() {
            let get = ops
                .iter()
                .filter(|o| o.method == HttpMethod::Get)
                .min_by_key(|o| rank(o, None));
            let hint = get.and_then(|o| o.response_name());
            for op in ops {
                let slot = tree.nodes[at].ops.entry(op.method).or_insert(op);
                if rank(op, hint) < rank(slot, hint) {
                    *slot = op;
                }
            }
        }
        tree.name_nodes();
        tree
    }
}

/// Which of the request lines that share a path and method the builder follows, lower first:
/// one without a query written on it (`GET /users?$expand=manager` is a variant of
/// `GET /users`), whose page agrees with the walk of the path (`resolve::routes`), whose body or response is the node's type (`hint`: what its `GET` returns;
/// `PATCH /users/{id}` takes a user, not the open extension a page about extensions shows),
/// with its body and response types documented, on the type's own page rather than on an
/// Intune page that repeats it.
fn rank(op: &Operation, hint: Option<&str>) -> (bool, bool, bool, bool, bool) {
    let untyped = match op.kind {
        OperationKind::Create | OperationKind::Update => op.request_type.is_none(),
        OperationKind::Get | OperationKind::List => op.response_type.is_none(),
        _ => false,
    };
    let other_type = hint.is_some_and(|h| op.request_name().or(op.response_name()) != Some(h));
    (
        op.query.is_some(),
        op.disagreements
            .iter()
            .any(|d| d.kind != crate::ir::DisagreementKind::PageNamesNoType),
        other_type,
        untyped,
        Standing::of(&op.source.file).repeats(),
    )
}

impl<'a> Tree<'a> {
    /// Names and modules from the path, in the order of the tree: each node's struct in its
    /// parent's children module, named by its last segment (`users::item::Messages`), made unique
    /// there; modules made unique among their siblings (and the files among `requests`' own).
    fn name_nodes(&mut self) {
        let count = self.nodes.len();
        // Per node: the struct names and the module names its children have taken.
        let mut types: Vec<Registry> = (0..count).map(|_| Registry::default()).collect();
        let mut modules: Vec<Registry> = (0..count).map(|_| Registry::default()).collect();
        types[0].reserve("Root");
        for reserved in ["mod", ROOT_FILE, "dispatch"] {
            modules[0].reserve(reserved);
        }
        let mut route_names = Registry::default();
        route_names.reserve("root");
        for i in 1..count {
            let Some(parent) = self.nodes[i].parent else {
                continue;
            };
            let segment = self.nodes[i].segment;
            let word = segment.map_or(String::new(), segment_word);
            let p = &self.nodes[parent];
            let wanted = match segment {
                Some(Segment::Key { .. } | Segment::PathAddress { .. }) => {
                    pascal(&format!("{} {word}", p.name.trim_end_matches('_')))
                }
                _ => pascal(&word),
            };
            let module_word = match segment {
                Some(Segment::Key { .. }) => "item".to_string(),
                Some(Segment::PathAddress { .. }) => "by_path".to_string(),
                _ => snake(&word),
            };
            let name = types[parent].claim(&wanted);
            let module = p.children_module.clone();
            let children_module = if parent == 0 {
                vec![modules[0].claim(&module_word)]
            } else {
                // Not the name of the module it is in (`item::item`, two keys in a row).
                if let Some(own) = module.last() {
                    modules[parent].reserve(own);
                }
                let mut path = module.clone();
                path.push(modules[parent].claim(&module_word));
                path
            };
            let route_name = if parent == 0 {
                route_names.claim(&snake(&word))
            } else {
                route_names.claim(&format!("{}_{}", p.route_name, snake(&word)))
            };
            let node = &mut self.nodes[i];
            node.name = name;
            node.module = module;
            node.children_module = children_module;
            node.route_name = route_name;
        }
    }

    /// Whether node `i` is an action or function with nothing below it: its parent's method
    /// sends it directly (`item(id).assign(&body)`), with no node struct of its own.
    pub fn is_collapsed(&self, i: usize) -> bool {
        let node = &self.nodes[i];
        matches!(
            node.segment,
            Some(Segment::Literal { .. } | Segment::Call { .. })
        ) && node.children.is_empty()
            && node.ops.len() == 1
            && node
                .ops
                .values()
                .all(|op| matches!(op.kind, OperationKind::Action | OperationKind::Function))
    }

    /// The nodes from the root's child down to `i`.
    pub fn chain(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut at = i;
        while let Some(p) = self.nodes[at].parent {
            if p == 0 {
                break;
            }
            out.push(p);
            at = p;
        }
        out.reverse();
        out
    }
}

/// The word a segment adds to a node's name.
fn segment_word(segment: &Segment) -> String {
    match segment {
        Segment::Literal { name } | Segment::Call { name, .. } => name.clone(),
        Segment::Cast { r#type } => r#type.rsplit('.').next().unwrap_or(r#type).to_string(),
        Segment::Key { .. } => "Item".into(),
        Segment::KeyInParens { name, .. } => format!("{name} Item"),
        Segment::PathAddress { .. } => "ByPath".into(),
        Segment::System { name } => name.trim_start_matches('$').to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_merge_whatever_their_placeholder() {
        let a = Segment::Key { name: "id".into() };
        let b = Segment::Key {
            name: "user-id".into(),
        };
        assert_eq!(SegmentKey::of(&a), SegmentKey::of(&b));
        let l = Segment::Literal {
            name: "Users".into(),
        };
        assert_eq!(
            SegmentKey::of(&l),
            SegmentKey::Literal("users".into()),
            "literals merge up to case"
        );
    }
}
