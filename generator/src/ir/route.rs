//! Routes: an operation's method and path up to what does not change the request Graph gets
//! (the case of names, the names of key placeholders). The emitter merges the paths of a version
//! into one tree by them and keys its route listing by them; the example oracles find the
//! builder of an example's request line by them; `resolve` adds a drive item's alias only where
//! no page documents its route.

use crate::ir::{Operation, Segment};

/// A segment up to what does not change the URL: case of names, names of key placeholders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SegmentKey {
    Literal(String),
    Cast(String),
    Call(String, Vec<String>),
    Key,
    KeyInParens(String),
    PathAddress,
    System(String),
}

impl SegmentKey {
    pub fn of(segment: &Segment) -> SegmentKey {
        match segment {
            Segment::Literal { name } => SegmentKey::Literal(name.to_ascii_lowercase()),
            Segment::Cast { r#type } => SegmentKey::Cast(r#type.to_ascii_lowercase()),
            Segment::Call { name, args } => SegmentKey::Call(
                name.to_ascii_lowercase(),
                args.iter().map(|a| a.name.to_ascii_lowercase()).collect(),
            ),
            Segment::Key { .. } => SegmentKey::Key,
            Segment::KeyInParens { name, .. } => SegmentKey::KeyInParens(name.to_ascii_lowercase()),
            Segment::PathAddress { .. } => SegmentKey::PathAddress,
            Segment::System { name } => SegmentKey::System(name.clone()),
        }
    }
}

/// The route of an operation as the tree sees it: `GET /chats/{}/members` for both
/// `/chats/{id}/members` and `/Chats/{chat-id}/members`. The emitter's route listing
/// (`emit::routes`) and the dispatch table are keyed by it.
pub fn route_key(op: &Operation) -> String {
    let mut out = format!("{} ", op.method.as_str());
    for segment in &op.segments {
        match SegmentKey::of(segment) {
            SegmentKey::Literal(name) | SegmentKey::Cast(name) | SegmentKey::System(name) => {
                out.push('/');
                out.push_str(&name);
            }
            SegmentKey::Call(name, args) => {
                out.push_str(&format!("/{name}({})", args.join(",")));
            }
            SegmentKey::Key => out.push_str("/{}"),
            SegmentKey::KeyInParens(name) => out.push_str(&format!("/{name}({{}})")),
            SegmentKey::PathAddress => out.push_str(":/{}:"),
        }
    }
    out
}
