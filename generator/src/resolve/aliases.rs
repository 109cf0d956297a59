//! Addresses Graph serves that the method pages do not list.
//!
//! A drive item's page lists its operations by id (`/me/drive/items/{itemId}/children`), while
//! OneDrive addresses every item by path as well (`/me/drive/root:/{item-path}:/children`), and
//! the root folder as `root` (`/me/drive/root/children`); the pages' own examples use those
//! addresses (`POST /me/drive/root:/{item-path}:/createUploadSession`, `GET /me/drive/root`). So
//! each operation on an item of a drive, `…/items/{id}` or one segment below it, is also an
//! operation at `…/root:/{item-path}:` (every one), and at `…/root` (reading the folder and its
//! children, and adding a child: what can be done to the root). A page that lists such an
//! address itself keeps its own operation.

use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;

use crate::ir::route::route_key;
use crate::ir::{HttpMethod, Operation, Segment};
use crate::model::http_path::parse_path;

/// Adds the aliases of drive item operations to `operations`, keeping their order
/// ([`super::operations::order`]).
pub(super) fn add_drive_item_aliases(operations: &mut Vec<Operation>) {
    let candidates: Vec<Vec<Operation>> = operations.par_iter().map(aliases_of).collect();
    if candidates.iter().all(Vec::is_empty) {
        return;
    }
    let documented: HashSet<String> = operations.par_iter().map(route_key).collect();
    let mut added = HashSet::new();
    let mut aliases = Vec::new();
    for candidates in candidates {
        for alias in candidates {
            let key = route_key(&alias);
            if !documented.contains(&key) && added.insert(key) {
                aliases.push(alias);
            }
        }
    }
    operations.extend(aliases);
    operations.sort_by(super::operations::order);
}

/// The aliases of one operation: none unless it is on a drive's item.
fn aliases_of(op: &Operation) -> Vec<Operation> {
    let segments = &op.segments;
    // `…/drive/items/{id}` or `…/drives/{id}/items/{id}`, then at most one segment.
    let Some(items) = segments
        .iter()
        .position(|s| matches!(s, Segment::Literal { name } if name == "items"))
    else {
        return Vec::new();
    };
    let on_drive = match items.checked_sub(1).map(|i| &segments[i]) {
        Some(Segment::Literal { name }) => name == "drive",
        Some(Segment::Key { .. }) => {
            matches!(items.checked_sub(2).map(|i| &segments[i]), Some(Segment::Literal { name }) if name == "drives")
        }
        _ => false,
    };
    if !on_drive || !matches!(segments.get(items + 1), Some(Segment::Key { .. })) {
        return Vec::new();
    }
    let rest = &segments[items + 2..];
    let below = match rest {
        [] => None,
        [Segment::Literal { name }] => Some(name.as_str()),
        [Segment::Call { name, .. }] => Some(name.as_str()),
        _ => return Vec::new(),
    };
    let Some((head, tail)) = split_at_items(&op.path) else {
        return Vec::new();
    };
    let mut out = vec![alias(op, &format!("{head}/root:/{{item-path}}:{tail}"))];
    let root_folder = matches!(
        (op.method, below),
        (HttpMethod::Get, None) | (HttpMethod::Get | HttpMethod::Post, Some("children"))
    );
    if root_folder {
        out.push(alias(op, &format!("{head}/root{tail}")));
    }
    out.into_iter().flatten().collect()
}

/// The template before `/items/{id}` and after it.
fn split_at_items(path: &str) -> Option<(&str, &str)> {
    let start = path.find("/items/{")?;
    let close = start + path[start..].find('}')?;
    Some((&path[..start], &path[close + 1..]))
}

/// `op` at `path`, when the path parses cleanly.
fn alias(op: &Operation, path: &str) -> Option<Operation> {
    let (path, _query, segments, repairs) = parse_path(path);
    if !repairs.is_empty() {
        return None;
    }
    Some(Operation {
        path,
        segments,
        alias_of: Some(op.path.clone()),
        walk: None,
        disagreements: Vec::new(),
        ..op.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{OperationKind, Source};
    use std::sync::Arc;

    fn op(method: HttpMethod, path: &str) -> Operation {
        let (path, query, segments, _) = parse_path(path);
        Operation {
            method,
            path,
            segments,
            query,
            kind: OperationKind::Action,
            title: Arc::from("t"),
            description: Arc::from(""),
            request_type: None,
            parameters: Arc::from([]),
            response_type: Some(crate::ir::TypeRef::new(
                "microsoft.graph.uploadSession",
                false,
            )),
            status: Some(200),
            headers: Arc::from([]),
            query_options: Arc::from([]),
            permissions: Arc::from([]),
            examples: Vec::new(),
            source: Source::new("api/driveitem-createuploadsession.md", 44),
            walk: None,
            disagreements: Vec::new(),
            alias_of: None,
        }
    }

    fn paths(ops: &[Operation]) -> Vec<String> {
        ops.iter()
            .map(|o| format!("{:?} {}", o.method, o.path))
            .collect()
    }

    #[test]
    fn item_operations_are_also_at_the_items_path_and_the_roots() {
        let mut ops = vec![
            op(
                HttpMethod::Post,
                "/me/drive/items/{itemId}/createUploadSession",
            ),
            op(
                HttpMethod::Get,
                "/drives/{drive-id}/items/{item-id}/children",
            ),
            op(HttpMethod::Delete, "/me/drive/items/{item-id}"),
        ];
        add_drive_item_aliases(&mut ops);
        assert_eq!(
            paths(&ops),
            [
                "Get /drives/{drive-id}/items/{item-id}/children",
                "Get /drives/{drive-id}/root/children",
                "Get /drives/{drive-id}/root:/{item-path}:/children",
                "Delete /me/drive/items/{item-id}",
                "Post /me/drive/items/{itemId}/createUploadSession",
                "Delete /me/drive/root:/{item-path}:",
                "Post /me/drive/root:/{item-path}:/createUploadSession",
            ]
        );
        let by_path = &ops[6];
        assert_eq!(
            by_path.alias_of.as_deref(),
            Some("/me/drive/items/{itemId}/createUploadSession")
        );
        assert_eq!(by_path.source, ops[4].source, "an alias points at its page");
        assert!(matches!(by_path.segments[3], Segment::PathAddress { .. }));
    }

    #[test]
    fn documented_addresses_and_other_items_are_left_alone() {
        let mut ops = vec![
            op(HttpMethod::Get, "/me/drive/items/{item-id}/children"),
            // The page lists the by-path address with its own placeholder name.
            op(HttpMethod::Get, "/me/drive/root:/{path}:/children"),
            // One route as the emitter keys it: the function's argument values are placeholders.
            op(HttpMethod::Get, "/me/drive/items/{id}/search(q='{text}')"),
            op(
                HttpMethod::Get,
                "/me/drive/root:/{p}:/search(q='{search-text}')",
            ),
            // Not a drive's items, and deeper than one segment below an item.
            op(HttpMethod::Get, "/me/todo/lists/{id}/tasks/{id}/items/{id}"),
            op(HttpMethod::Get, "/me/drive/items/{id}/workbook/worksheets"),
        ];
        add_drive_item_aliases(&mut ops);
        assert_eq!(
            paths(&ops),
            [
                "Get /me/drive/items/{id}/search(q='{text}')",
                "Get /me/drive/items/{id}/workbook/worksheets",
                "Get /me/drive/items/{item-id}/children",
                "Get /me/drive/root/children",
                "Get /me/drive/root:/{path}:/children",
                "Get /me/drive/root:/{p}:/search(q='{search-text}')",
                "Get /me/todo/lists/{id}/tasks/{id}/items/{id}",
            ]
        );
    }
}
