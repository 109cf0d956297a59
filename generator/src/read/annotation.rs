//! Annotation comments: `<!-- { "blockType": "resource", "@odata.type": ... } -->` placed before
//! a code block, and page annotations (`"type": "#page.annotation"`) that carry a namespace.

use serde_json::Value;

use super::json_repair::parse_lenient_as;

/// The keys of an annotation that the model uses. Unknown keys are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    pub block_type: Option<String>,
    /// `@odata.type` (or the older `@type`), without a leading `#` or a `Collection(...)` wrapper.
    pub odata_type: Option<String>,
    /// `isCollection`, or a `Collection(...)` wrapper on the type.
    pub is_collection: bool,
    pub key_property: Option<String>,
    pub base_type: Option<String>,
    pub open_type: bool,
    pub is_abstract: bool,
    pub media_entity: bool,
    pub truncated: bool,
    /// Request name, or the request names a response answers.
    pub names: Vec<String>,
    /// `namespace` of a page annotation.
    pub namespace: Option<String>,
    /// The comment needed repair to parse (trailing comma, unquoted key, ...).
    pub repaired: bool,
}

/// Outcome of reading one HTML block.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// The block holds no JSON-looking comment (an authoring note, a uuid comment).
    NotAnnotation,
    Annotation(Annotation),
    /// A JSON-looking comment that could not be parsed; the message says why.
    Invalid(String),
}

/// Read the annotation in an HTML block, if it holds one. Of several comments in one block, the
/// last JSON-looking one counts (uuid comments often precede the page annotation).
pub fn parse(html: &str) -> Parsed {
    let mut result = Parsed::NotAnnotation;
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        let after = &rest[start + 4..];
        let (body, next) = match after.find("-->") {
            Some(end) => (&after[..end], &after[end + 3..]),
            None => (after, ""),
        };
        rest = next;
        let trimmed = body.trim();
        if !trimmed.starts_with('{') {
            continue;
        }
        // The comment starts with `{` and the repair keeps its outer braces: what parses is an
        // object.
        result = match parse_lenient_as::<Fields>(trimmed) {
            Ok((fields, repairs)) => {
                let mut a = from_fields(&fields);
                a.repaired = !repairs.is_empty();
                Parsed::Annotation(a)
            }
            Err(message) => Parsed::Invalid(message),
        };
    }
    result
}

/// The keys of an annotation that [`from_fields`] reads.
#[derive(Debug, Clone, Copy)]
enum Field {
    BlockType,
    OdataType,
    Type,
    KeyProperty,
    BaseType,
    OpenType,
    Abstract,
    IsAbstract,
    IsMediaEntity,
    Truncated,
    IsCollection,
    Namespace,
    Name,
}

impl Field {
    const ALL: [(&'static str, Field); 13] = [
        ("blockType", Field::BlockType),
        ("@odata.type", Field::OdataType),
        ("@type", Field::Type),
        ("keyProperty", Field::KeyProperty),
        ("baseType", Field::BaseType),
        ("openType", Field::OpenType),
        ("abstract", Field::Abstract),
        ("isAbstract", Field::IsAbstract),
        ("isMediaEntity", Field::IsMediaEntity),
        ("truncated", Field::Truncated),
        ("isCollection", Field::IsCollection),
        ("namespace", Field::Namespace),
        ("name", Field::Name),
    ];
}

/// An annotation object read for the keys of [`Field`] alone: no map of every key is built. A
/// repeated key keeps its last value, as in a JSON object read whole; every other value is read
/// (so that what is invalid JSON still fails) and dropped.
#[derive(Debug, Default)]
struct Fields([Option<Value>; Field::ALL.len()]);

impl Fields {
    fn get(&self, key: Field) -> Option<&Value> {
        self.0[key as usize].as_ref()
    }
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> serde::de::Visitor<'de> for Object {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an annotation object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields, A::Error> {
                let mut fields = Fields::default();
                while let Some(FieldName(key)) = map.next_key()? {
                    let value: Value = map.next_value()?;
                    if let Some(key) = key {
                        fields.0[key as usize] = Some(value);
                    }
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// An object key: one of [`Field`], or another.
struct FieldName(Option<Field>);

impl<'de> serde::Deserialize<'de> for FieldName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = FieldName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, name: &str) -> Result<FieldName, E> {
                Ok(FieldName(
                    Field::ALL.iter().find(|(n, _)| *n == name).map(|&(_, k)| k),
                ))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

fn from_fields(fields: &Fields) -> Annotation {
    let string = |key: Field| fields.get(key).and_then(Value::as_str).map(str::trim);
    let flag = |key: Field| match fields.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    let mut a = Annotation {
        block_type: string(Field::BlockType).map(str::to_ascii_lowercase),
        key_property: string(Field::KeyProperty).map(str::to_string),
        base_type: string(Field::BaseType)
            .map(|t| t.trim_start_matches('#').to_string())
            .filter(|t| !t.is_empty()),
        open_type: flag(Field::OpenType),
        is_abstract: flag(Field::Abstract) || flag(Field::IsAbstract),
        media_entity: flag(Field::IsMediaEntity),
        truncated: flag(Field::Truncated),
        is_collection: flag(Field::IsCollection),
        namespace: string(Field::Namespace).map(str::to_string),
        ..Annotation::default()
    };
    if let Some(t) = string(Field::OdataType).or_else(|| string(Field::Type)) {
        let (t, collection) = unwrap_collection(t);
        a.odata_type = Some(t.to_string()).filter(|t| !t.is_empty());
        a.is_collection |= collection;
    }
    a.names = match fields.get(Field::Name) {
        Some(Value::String(s)) => vec![s.trim().to_string()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.trim().to_string())
            .collect(),
        _ => Vec::new(),
    };
    a
}

/// `Collection(microsoft.graph.x)` → (`microsoft.graph.x`, true); strips a leading `#`.
pub fn unwrap_collection(t: &str) -> (&str, bool) {
    let t = t.trim().trim_start_matches('#');
    let lower = t.get(..11).map(str::to_ascii_lowercase);
    if lower.as_deref() == Some("collection(") && t.ends_with(')') {
        (t[11..t.len() - 1].trim().trim_start_matches('#'), true)
    } else {
        (t, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotation(html: &str) -> Annotation {
        match parse(html) {
            Parsed::Annotation(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resource_annotation() {
        let a = annotation("<!-- {\n  \"blockType\": \"resource\",\n  \"keyProperty\": \"id\",\n  \"@odata.type\": \"microsoft.graph.managedDeviceCertificateState\"\n}\n-->");
        assert_eq!(a.block_type.as_deref(), Some("resource"));
        assert_eq!(a.key_property.as_deref(), Some("id"));
        assert_eq!(
            a.odata_type.as_deref(),
            Some("microsoft.graph.managedDeviceCertificateState")
        );
        assert!(!a.repaired);
    }

    #[test]
    fn strings_as_flags_collection_wrapper_and_names() {
        let a = annotation(
            r#"<!-- { "blockType": "response", "truncated": "true", "@odata.type": "Collection(#microsoft.graph.user)", "name": ["a", "b"] } -->"#,
        );
        assert!(a.truncated);
        assert!(a.is_collection);
        assert_eq!(a.odata_type.as_deref(), Some("microsoft.graph.user"));
        assert_eq!(a.names, vec!["a", "b"]);
    }

    #[test]
    fn repaired_and_invalid() {
        let a = annotation("<!-- {\n \"blockType\": \"request\",\n truncated: true,\n} -->");
        assert!(a.repaired);
        assert!(a.truncated);
        assert!(matches!(
            parse("<!-- { \"a\": \"b\nc } -->"),
            Parsed::Invalid(_)
        ));
        assert_eq!(parse("<!-- uuid: 1234 -->"), Parsed::NotAnnotation);
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_and_other_keys_still_parse() {
        let a = annotation(
            r#"<!-- { "blockType": "request", "sampleKeys": ["x", {"y": [1, 2.5e3]}], "blockType": "Response", "name": "get" } -->"#,
        );
        assert_eq!(a.block_type.as_deref(), Some("response"));
        assert_eq!(a.names, vec!["get"]);
        // A key the model does not use is still read as JSON: a broken value fails the comment.
        assert!(matches!(
            parse(r#"<!-- { "blockType": "request", "other": [1, } -->"#),
            Parsed::Invalid(_)
        ));
        assert!(matches!(
            parse(r#"<!-- { "blockType": "request", "other": "\ud800" } -->"#),
            Parsed::Invalid(_)
        ));
    }

    #[test]
    fn last_comment_in_a_block_counts() {
        let a = annotation("<!-- uuid: 8fcb5dbc -->\n<!-- { \"type\": \"#page.annotation\", \"namespace\": \"microsoft.graph.callRecords\" } -->");
        assert_eq!(a.namespace.as_deref(), Some("microsoft.graph.callRecords"));
        assert!(a.block_type.is_none());
    }
}
