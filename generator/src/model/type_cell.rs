//! Type cells ("String", "[recipient](recipient.md) collection", "Collection(Edm.Int32)",
//! "`DateTimeOffset`", "string (url)", ...) into an unresolved type reference. Which type a
//! name or link finally means is decided in `resolve`, once every page has been read.

use crate::ir::Source;
use crate::model::primitive::Primitive;
use crate::read::markdown::Inline;

/// A type as a cell (or a sentence) writes it, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTypeRef {
    /// The type's name as written: a primitive spelling, a link's text, a bare or qualified name.
    pub name: String,
    /// The link target, when the cell links to a page or an anchor.
    pub link: Option<String>,
    pub collection: bool,
    /// The cell was prose around a type name (`string (url)`, `Untyped JSON object`).
    pub free_text: Option<String>,
    pub source: Source,
}

/// The EDM name of a primitive spelling, or `None` when the text names no primitive.
pub fn primitive(name: &str) -> Option<&'static str> {
    Primitive::of_word(name).map(Primitive::edm)
}

/// Read a type cell. An empty cell gives an empty `name`.
pub fn parse_cell(cell: &Inline, source: Source) -> RawTypeRef {
    let text = clean(&cell.text);
    let (inner, collection) = strip_collection(&text);
    // A link names the type by its text; the text around it only says "collection".
    if let Some(link) = cell.links.iter().find(|l| !l.target.is_empty()) {
        let name = clean(&link.text);
        let name = name.strip_suffix(".md").unwrap_or(&name).to_string();
        let (name, inner_collection) = strip_collection(&name);
        return RawTypeRef {
            name: name.to_string(),
            link: Some(link.target.trim().to_string()),
            collection: collection || inner_collection,
            free_text: None,
            source,
        };
    }
    parse_text(inner, collection, source)
}

/// Read a type written as plain text (also used for annotation and JSON type names).
pub fn parse_text(text: &str, collection: bool, source: Source) -> RawTypeRef {
    let text = text.trim();
    if text.is_empty() || is_name(text) {
        return RawTypeRef {
            name: text.to_string(),
            link: None,
            collection,
            free_text: None,
            source,
        };
    }
    // Free text: notes in parentheses are dropped ("(Optional) String", "string (url)"); then
    // the first word that names a primitive, else the first word, is the type.
    let lower = text.to_ascii_lowercase();
    let name = if lower.contains("json") || lower.contains(" or ") {
        "Edm.Untyped".to_string()
    } else {
        let outside = without_parentheses(text);
        let words: Vec<&str> = outside
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        words
            .iter()
            .find(|w| primitive(w).is_some())
            .or(words.first())
            .map_or_else(|| "Edm.Untyped".to_string(), |w| w.to_string())
    };
    RawTypeRef {
        name,
        link: None,
        collection,
        free_text: Some(text.to_string()),
        source,
    }
}

/// The text with every `(...)` group removed.
fn without_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// A bare or dotted identifier: `String`, `microsoft.graph.callRecords.session`, `NAV.x`.
fn is_name(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
        && text.chars().next().is_some_and(char::is_alphabetic)
}

/// Remove markup the cell text may still carry (backticks, stray asterisks, NBSP).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .filter(|c| !matches!(c, '`' | '*' | '\u{200b}'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// `Collection(x)`, `Collection (x)`, `collection of x`, `x collection`, `x[]` → (x, true).
fn strip_collection(text: &str) -> (&str, bool) {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("collection") {
        let rest = t[10..].trim_start();
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return (inner.trim(), true);
        }
        let rest_lower = rest.to_ascii_lowercase();
        if rest_lower.starts_with("of ") {
            return (rest[3..].trim(), true);
        }
    }
    if lower.ends_with(" collection") {
        return (t[..t.len() - 11].trim(), true);
    }
    if let Some(inner) = t.strip_suffix("[]") {
        return (inner.trim(), true);
    }
    (t, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::markdown::{parse, Block};

    fn cell(md: &str) -> RawTypeRef {
        let page = parse(&format!("|T|\n|-|\n|{md}|\n"));
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!("no table")
        };
        parse_cell(&t.rows[0].cells[0], Source::new("f.md", 3))
    }

    #[test]
    fn primitives_in_every_spelling() {
        for (text, edm) in [
            ("String", "Edm.String"),
            ("string", "Edm.String"),
            ("Edm.Int32", "Edm.Int32"),
            ("DateTimeOffSet", "Edm.DateTimeOffset"),
            ("GUID", "Edm.Guid"),
            ("Single", "Edm.Single"),
            ("Int64", "Edm.Int64"),
            ("TimeOfDay", "Edm.TimeOfDay"),
            ("Duration", "Edm.Duration"),
            ("Binary", "Edm.Binary"),
            ("number", "Edm.Double"),
        ] {
            assert_eq!(primitive(text), Some(edm), "{text}");
        }
        assert_eq!(primitive("user"), None);
    }

    #[test]
    fn collections() {
        let r = cell("String collection");
        assert_eq!((r.name.as_str(), r.collection), ("String", true));
        let r = cell("Collection(Edm.Int32)");
        assert_eq!((r.name.as_str(), r.collection), ("Edm.Int32", true));
        let r = cell("Collection of string");
        assert_eq!((r.name.as_str(), r.collection), ("string", true));
        let r = cell("[recipient](recipient.md) collection");
        assert_eq!(r.name, "recipient");
        assert_eq!(r.link.as_deref(), Some("recipient.md"));
        assert!(r.collection);
        let r = cell("Collection([columnDefinition](columndefinition.md))");
        assert_eq!((r.name.as_str(), r.collection), ("columnDefinition", true));
    }

    #[test]
    fn markup_and_free_text() {
        assert_eq!(cell("`DateTimeOffset`").name, "DateTimeOffset");
        assert_eq!(cell("**dateTimeTimeZone**").name, "dateTimeTimeZone");
        let r = cell("string (url)");
        assert_eq!(r.name, "string");
        assert_eq!(r.free_text.as_deref(), Some("string (url)"));
        assert_eq!(cell("Untyped JSON object").name, "Edm.Untyped");
        assert_eq!(cell("(Optional) String").name, "String");
        assert_eq!(cell("string, maximum size 20").name, "string");
        assert_eq!(cell("(boolean or string or number)").name, "Edm.Untyped");
        assert_eq!(
            cell("microsoft.graph.ediscovery.dataSource collection").name,
            "microsoft.graph.ediscovery.dataSource"
        );
        assert_eq!(cell("").name, "");
        assert_eq!(
            cell("[emailaddress.md](emailaddress.md)").name,
            "emailaddress"
        );
    }
}
