//! A resolved type reference: an EDM primitive or a named type, one or a collection. What a
//! property, a parameter, a request body or a response holds.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

pub use crate::model::primitive::Primitive;

/// A type's name qualified by its namespace (`microsoft.graph.user`,
/// `microsoft.graph.callRecords.session`), as the docs and the IR write it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName(String);

impl QualifiedName {
    pub fn new(qualified: impl Into<String>) -> Self {
        QualifiedName(qualified.into())
    }

    /// `namespace.name`.
    pub fn of(namespace: &str, name: &str) -> Self {
        QualifiedName(format!("{namespace}.{name}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Everything before the last dot (`microsoft.graph`); empty for a bare name.
    pub fn namespace(&self) -> &str {
        self.0.rsplit_once('.').map_or("", |(ns, _)| ns)
    }

    /// The last segment (`user`).
    pub fn name(&self) -> &str {
        self.0.rsplit_once('.').map_or(&self.0, |(_, n)| n)
    }
}

impl Serialize for QualifiedName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A qualified name reads as the string it is (`&*name`, `name.to_ascii_lowercase()`).
impl std::ops::Deref for QualifiedName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<QualifiedName> for String {
    fn from(q: QualifiedName) -> String {
        q.0
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The type a reference names, one element of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ElementType {
    /// An EDM primitive (`Edm.String`, `Edm.Untyped`).
    Primitive(Primitive),
    /// An entity, complex or enum type by its qualified name (`microsoft.graph.user`); a name
    /// that no page defines stays as the docs wrote it (and `resolve` reported it).
    Named(QualifiedName),
}

impl ElementType {
    /// The element a model name means: `Edm.…` names a primitive, anything else a type.
    pub fn of_name(name: impl Into<String>) -> Self {
        let name = name.into();
        match Primitive::of_model(&name) {
            Some(p) => ElementType::Primitive(p),
            None => ElementType::Named(QualifiedName(name)),
        }
    }

    /// The name the model writes: `Edm.String`, `microsoft.graph.user`.
    pub fn name(&self) -> &str {
        match self {
            ElementType::Primitive(p) => p.edm(),
            ElementType::Named(n) => n.as_str(),
        }
    }

    pub fn primitive(&self) -> Option<Primitive> {
        match self {
            ElementType::Primitive(p) => Some(*p),
            ElementType::Named(_) => None,
        }
    }
}

/// A type reference: an element type, one or a collection (`Collection(microsoft.graph.user)`).
/// It serializes as the two fields the IR's JSON has always had, `type` and `collection`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    pub element: ElementType,
    pub collection: bool,
}

impl TypeRef {
    /// A reference to the type a model name means (see [`ElementType::of_name`]).
    pub fn new(name: impl Into<String>, collection: bool) -> Self {
        TypeRef {
            element: ElementType::of_name(name),
            collection,
        }
    }

    /// The element's model name (`Edm.String`, `microsoft.graph.user`), collection or not.
    pub fn name(&self) -> &str {
        self.element.name()
    }

    pub fn primitive(&self) -> Option<Primitive> {
        self.element.primitive()
    }
}

impl fmt::Display for TypeRef {
    /// `microsoft.graph.user`, `Collection(Edm.String)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.collection {
            write!(f, "Collection({})", self.name())
        } else {
            f.write_str(self.name())
        }
    }
}

impl Serialize for TypeRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", self.name())?;
        map.serialize_entry("collection", &self.collection)?;
        map.end()
    }
}

/// An optional type reference as two JSON fields, `<type_key>` (`null` when there is none,
/// unless `skip_none`) and `<collection_key>` (only when it is a collection): the shape the
/// IR's operations and disagreements have always had in JSON.
fn slot<S: Serializer>(
    ty: Option<&TypeRef>,
    (type_key, collection_key, skip_none): (&str, &str, bool),
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    if ty.is_some() || !skip_none {
        map.serialize_entry(type_key, &ty.map(TypeRef::name))?;
    }
    if ty.is_some_and(|t| t.collection) {
        map.serialize_entry(collection_key, &true)?;
    }
    map.end()
}

pub(super) fn request_slot<S: Serializer>(ty: &Option<TypeRef>, s: S) -> Result<S::Ok, S::Error> {
    slot(
        ty.as_ref(),
        ("request_type", "request_collection", false),
        s,
    )
}

pub(super) fn response_slot<S: Serializer>(ty: &Option<TypeRef>, s: S) -> Result<S::Ok, S::Error> {
    slot(
        ty.as_ref(),
        ("response_type", "response_collection", false),
        s,
    )
}

pub(super) fn walk_slot<S: Serializer>(ty: &Option<TypeRef>, s: S) -> Result<S::Ok, S::Error> {
    slot(ty.as_ref(), ("response", "response_collection", true), s)
}

pub(super) fn page_slot<S: Serializer>(ty: &Option<TypeRef>, s: S) -> Result<S::Ok, S::Error> {
    slot(ty.as_ref(), ("page", "page_collection", true), s)
}

pub(super) fn walk_reached_slot<S: Serializer>(ty: &TypeRef, s: S) -> Result<S::Ok, S::Error> {
    slot(Some(ty), ("walk", "walk_collection", true), s)
}

/// An optional type reference as its element's name alone.
pub(super) fn name_only<S: Serializer>(ty: &Option<TypeRef>, s: S) -> Result<S::Ok, S::Error> {
    match ty {
        Some(t) => s.serialize_str(t.name()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edm_names_are_primitives_and_the_rest_named() {
        let s = TypeRef::new("Edm.DateTimeOffset", true);
        assert_eq!(s.primitive(), Some(Primitive::DateTimeOffset));
        assert_eq!(s.to_string(), "Collection(Edm.DateTimeOffset)");
        let u = TypeRef::new("microsoft.graph.user", false);
        let ElementType::Named(q) = &u.element else {
            panic!("{u:?}")
        };
        assert_eq!((q.namespace(), q.name()), ("microsoft.graph", "user"));
        let nested = QualifiedName::of("microsoft.graph.callRecords", "session");
        assert_eq!(nested.namespace(), "microsoft.graph.callRecords");
        assert_eq!(nested.to_string(), "microsoft.graph.callRecords.session");
        assert_eq!(u.name(), "microsoft.graph.user");
        assert_eq!(
            serde_json::to_string(&u).expect("json"),
            r#"{"type":"microsoft.graph.user","collection":false}"#
        );
    }
}
