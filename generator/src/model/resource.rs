//! Resource pages: the annotated JSON representation, the properties and relationships tables
//! and the base type, into raw types.

use serde_json::Value;

use crate::diagnostics::Code;
use crate::ir::Source;
use crate::model::context::PageContext;
use crate::model::enums::{inline_values, page_description};
use crate::model::facts::{RawProperty, RawType};
use crate::model::rows::{typed_columns, typed_rows};
use crate::model::sections::{values_heading, Outline};
use crate::model::type_cell::{parse_text, RawTypeRef};
use crate::read::annotation::Annotation;
use crate::read::json_repair::parse_lenient;
use crate::read::markdown::{Block, CodeBlock, Inline};

/// A resource block found on a page: the annotation and the code block it annotates.
pub struct ResourceBlock<'p> {
    pub annotation: Annotation,
    pub code: &'p CodeBlock,
}

/// Read the types that the resource blocks of a page define.
pub fn read_types(
    outline: &Outline<'_>,
    cx: &mut PageContext,
    blocks: &[ResourceBlock<'_>],
) -> Vec<RawType> {
    if blocks.len() > 1 {
        let at = cx.at(blocks[1].code.line);
        cx.push(
            &at,
            Code::MultipleResources,
            format!(
                "page has {} resource blocks; the tables are read for the first",
                blocks.len()
            ),
        );
    }
    let mut types = Vec::new();
    for (n, block) in blocks.iter().enumerate() {
        let source = cx.at(block.code.line);
        let Some(odata_type) = block.annotation.odata_type.clone() else {
            cx.push(
                &source,
                Code::AnnotationJson,
                "resource annotation has no `@odata.type`; block skipped",
            );
            continue;
        };
        let mut ty = RawType {
            odata_type,
            key: block
                .annotation
                .key_property
                .clone()
                .filter(|k| !k.is_empty()),
            base: block
                .annotation
                .base_type
                .as_deref()
                .map(|b| parse_text(b, false, source.clone())),
            open: block.annotation.open_type,
            is_abstract: block.annotation.is_abstract,
            media_entity: block.annotation.media_entity,
            description: String::new(),
            properties: Vec::new(),
            derived: Vec::new(),
            source: source.clone(),
        };
        if n == 0 {
            ty.description = page_description(outline);
            let (properties, has_table) = table_properties(outline, cx);
            ty.properties = properties;
            if !has_table && !has_none_section(outline) {
                cx.push(
                    &source,
                    Code::MissingPropertyTable,
                    format!("`{}` has no property table", ty.odata_type),
                );
            }
            if ty.base.is_none() {
                ty.base =
                    intro_base(outline, &source).or_else(|| inherited_rows_base(&ty.properties));
            }
            ty.derived = derived_types(outline, cx);
        }
        merge_json_representation(&mut ty, block.code, cx);
        types.push(ty);
    }
    types
}

/// Properties and relationships tables, in page order, and whether a properties table exists.
fn table_properties(outline: &Outline<'_>, cx: &mut PageContext) -> (Vec<RawProperty>, bool) {
    let mut props: Vec<RawProperty> = Vec::new();
    // Names in `props`: a page of 100,000 rows is read in linear time.
    let mut names: foldhash::HashSet<String> = foldhash::HashSet::default();
    // A properties table with no rows (an abstract base) still counts as documenting "none".
    let mut has_table = false;
    for (i, block) in outline.page.blocks.iter().enumerate() {
        let Block::Table(table) = block else { continue };
        let Some(section) = outline.section_name(i) else {
            continue;
        };
        let navigation = match section {
            "properties" | "instance attributes" | "property" => false,
            "relationships" | "navigation properties" | "relationship" => true,
            _ => continue,
        };
        if outline
            .innermost(i)
            .is_some_and(|h| values_heading(&h.text.text).is_some())
        {
            continue;
        }
        let Some(cols) = typed_columns(table) else {
            if !navigation {
                cx.push(
                    &cx.at(table.line),
                    Code::TableColumns,
                    "table under Properties has no name or type column; skipped",
                );
            }
            continue;
        };
        has_table |= !navigation;
        for row in typed_rows(table, cols, cx) {
            if !names.insert(row.name.clone()) {
                cx.push(
                    &row.source,
                    Code::DuplicateProperty,
                    format!(
                        "`{}` is listed twice on this page; the first row is kept",
                        row.name
                    ),
                );
                continue;
            }
            let description = row.description_text();
            let text = row.description.as_ref().map_or("", |d| d.text.as_str());
            props.push(RawProperty {
                possible_values: row
                    .description
                    .as_deref()
                    .map(inline_values)
                    .unwrap_or_default(),
                inherited_from: row
                    .description
                    .as_ref()
                    .and_then(|d| inherited_link(d))
                    .map(|(name, link)| RawTypeRef {
                        name,
                        link: Some(link),
                        collection: false,
                        free_text: None,
                        source: row.source.clone(),
                    }),
                read_only: find_ascii_case_insensitive(text, "read-only").is_some()
                    || find_ascii_case_insensitive(text, "read only").is_some(),
                name: row.name,
                ty: row.ty,
                navigation,
                description,
                deprecated: row.deprecated,
                from_json: false,
                source: row.source,
            });
        }
    }
    (props, has_table)
}

/// Where `needle` (non-empty, lower-case ASCII) first occurs in `text`, ASCII case ignored: the
/// offset `text.to_ascii_lowercase().find(needle)` gives, without the lower-cased copy.
fn find_ascii_case_insensitive(text: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    let first = *needle.first()?;
    let bytes = text.as_bytes();
    // Candidates start with the needle's first letter in either case.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), bytes).find(|&at| {
        bytes
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// "Relationships: None" or "Properties: None" pages have no table on purpose.
fn has_none_section(outline: &Outline<'_>) -> bool {
    outline.page.blocks.iter().enumerate().any(|(i, b)| {
        matches!(b, Block::Paragraph(p) if {
            let t = p.text.trim().trim_end_matches('.').to_ascii_lowercase();
            t == "none" || t.contains("no properties") || t.contains("does not contain any properties")
        })
            && outline.section_name(i) == Some("properties")
    })
}

/// "Inherited from [x](x.md)" in a description → (x, link).
fn inherited_link(description: &Inline) -> Option<(String, String)> {
    let at = find_ascii_case_insensitive(&description.text, "inherited from")?;
    let link = description.links.iter().find(|l| l.end > at)?;
    Some((link.text.clone(), link.target.clone()))
}

/// `Inherits from [x](x.md).` or `Derived from [x]` in the text before the first H2.
fn intro_base(outline: &Outline<'_>, source: &Source) -> Option<RawTypeRef> {
    outline
        .page
        .blocks
        .iter()
        .take_while(|b| !matches!(b, Block::Heading(h) if h.level == 2))
        .find_map(|b| {
            let Block::Paragraph(p) = b else { return None };
            let lower = p.text.to_ascii_lowercase();
            let at = ["inherits from", "derived from", "derives from"]
                .iter()
                .filter_map(|w| lower.find(w))
                .min()?;
            let link = p.links.iter().find(|l| l.end > at)?;
            Some(RawTypeRef {
                name: link.text.clone(),
                link: Some(link.target.clone()),
                collection: false,
                free_text: None,
                source: Source::new(source.file.clone(), p.line),
            })
        })
}

/// The types a base page names as derived from it: the links of a `Derived types` table's
/// first column, and the links after "base type for" / "base class for" in a paragraph before
/// the first H2 ("the base type for richer location types such as [room](room.md) and
/// [roomList](roomlist.md)"). A link back to the page itself is not one.
fn derived_types(outline: &Outline<'_>, cx: &PageContext) -> Vec<RawTypeRef> {
    let file = cx.file();
    let own_page = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
    let mut out = Vec::new();
    let mut push = |link: &crate::read::markdown::Link, line: u32| {
        let target = link.target.split('#').next().unwrap_or("");
        let page = target
            .rsplit('/')
            .next()
            .unwrap_or(target)
            .to_ascii_lowercase();
        if !page.ends_with(".md") || page == own_page || link.text.trim().is_empty() {
            return;
        }
        out.push(RawTypeRef {
            name: link.text.trim().to_string(),
            link: Some(link.target.clone()),
            collection: false,
            free_text: None,
            source: cx.at(line),
        });
    };
    let mut before_h2 = true;
    for (i, block) in outline.page.blocks.iter().enumerate() {
        match block {
            Block::Heading(h) if h.level == 2 => before_h2 = false,
            Block::Paragraph(p) if before_h2 => {
                let lower = p.text.to_ascii_lowercase();
                let Some(at) = ["base type for ", "base class for "]
                    .iter()
                    .filter_map(|w| lower.find(w).map(|i| i + w.len()))
                    .min()
                else {
                    continue;
                };
                // The links of the sentence that says it, when what they follow names kinds
                // of the type ("richer location types such as [room]"), not where it is used
                // ("apply actions in the [accessReviewScheduleSettings]").
                let end = lower[at..].find(". ").map_or(lower.len(), |e| at + e + 1);
                let links: Vec<_> = p
                    .links
                    .iter()
                    .filter(|l| l.end > at && l.end <= end)
                    .collect();
                let lead = links
                    .first()
                    .and_then(|l| lower.get(at..l.end.saturating_sub(l.text.len())))
                    .unwrap_or("");
                let names_kinds = ["such as", "can be", "including"]
                    .iter()
                    .any(|w| lead.contains(w));
                if !names_kinds
                    && lead
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| matches!(w, "in" | "of" | "by" | "used" | "on"))
                {
                    continue;
                }
                // The list that follows: links apart only by commas, "and", "or".
                let mut prev: Option<usize> = None;
                for link in links {
                    let start = link.end.saturating_sub(link.text.len());
                    if let Some(prev) = prev {
                        let gap = lower.get(prev..start).unwrap_or("x");
                        if gap
                            .split(|c: char| c == ',' || c.is_whitespace())
                            .any(|w| !matches!(w, "" | "and" | "or" | "a" | "an" | "the"))
                        {
                            break;
                        }
                    }
                    push(link, p.line);
                    prev = Some(link.end);
                }
            }
            Block::Table(table) if outline.innermost_name(i) == Some("derived types") => {
                for row in &table.rows {
                    if let Some(link) = row.cells.first().and_then(|c| c.links.first()) {
                        push(link, row.line);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// When nothing names the base type, the `Inherited from [x]` rows do: the last such link is
/// the nearest ancestor.
fn inherited_rows_base(props: &[RawProperty]) -> Option<RawTypeRef> {
    props.iter().rev().find_map(|p| p.inherited_from.clone())
}

/// Cross-check the JSON representation against the tables; add what only the JSON documents.
fn merge_json_representation(ty: &mut RawType, code: &CodeBlock, cx: &mut PageContext) {
    let source = ty.source.clone();
    let value = match parse_lenient(&code.text) {
        Ok((value, repairs)) => {
            if !repairs.is_empty() {
                cx.push(
                    &source,
                    Code::ResourceJson,
                    format!(
                        "JSON representation of `{}` is not valid JSON; read after repair ({})",
                        ty.odata_type,
                        repair_list(&repairs)
                    ),
                );
            }
            value
        }
        Err(message) => {
            cx.push(
                &source,
                Code::ResourceJson,
                format!(
                    "JSON representation of `{}` is not JSON: {message}",
                    ty.odata_type
                ),
            );
            return;
        }
    };
    let Value::Object(map) = value else {
        cx.push(
            &source,
            Code::ResourceJson,
            format!(
                "JSON representation of `{}` is not an object",
                ty.odata_type
            ),
        );
        return;
    };
    // Indexes of the properties by name and by lower-case name (the first of each), so that a
    // large JSON representation is checked in linear time.
    let mut exact: foldhash::HashSet<String> = foldhash::HashSet::default();
    let mut folded: foldhash::HashMap<String, String> = foldhash::HashMap::default();
    for p in &ty.properties {
        exact.insert(p.name.clone());
        folded
            .entry(p.name.to_ascii_lowercase())
            .or_insert_with(|| p.name.clone());
    }
    for (key, value) in &map {
        if key.starts_with("@odata.") {
            continue;
        }
        if exact.contains(key.as_str()) {
            continue;
        }
        if let Some(table_name) = folded.get(&key.to_ascii_lowercase()) {
            cx.push(
                &source,
                Code::JsonNotInTable,
                format!("JSON representation writes `{key}`, the table `{table_name}`"),
            );
            continue;
        }
        let Some(json_ty) = json_type(value, &source) else {
            cx.push(&source, Code::JsonNotInTable, format!("`{key}` is only in the JSON representation and its type cannot be read from `{value}`; skipped"));
            continue;
        };
        // Whether an ancestor documents it is known only after resolution (`resolve::types`).
        exact.insert(key.clone());
        folded
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| key.clone());
        ty.properties.push(RawProperty {
            name: key.clone(),
            ty: json_ty,
            navigation: false,
            description: String::new(),
            read_only: false,
            deprecated: false,
            possible_values: Vec::new(),
            inherited_from: None,
            from_json: true,
            source: source.clone(),
        });
    }
    for p in &ty.properties {
        let inherited = p
            .description
            .to_ascii_lowercase()
            .contains("inherited from");
        if !p.navigation
            && !p.from_json
            && !inherited
            && !map.contains_key(&p.name)
            && !map.keys().any(|k| k.eq_ignore_ascii_case(&p.name))
        {
            cx.push(
                &p.source,
                Code::TableNotInJson,
                format!("`{}` is missing from the JSON representation", p.name),
            );
        }
    }
}

pub fn repair_list(repairs: &[crate::read::json_repair::Repair]) -> String {
    repairs
        .iter()
        .map(|r| format!("{r:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The type a JSON representation's placeholder value names: `"String"`,
/// `"String (timestamp)"`, `true`, `1024`, `{"@odata.type": "microsoft.graph.x"}`, `["String"]`.
fn json_type(value: &Value, source: &Source) -> Option<RawTypeRef> {
    let named = |name: &str, collection: bool| Some(parse_text(name, collection, source.clone()));
    match value {
        Value::Bool(_) => named("Edm.Boolean", false),
        Value::Number(n) if n.is_i64() || n.is_u64() => named("Edm.Int32", false),
        Value::Number(_) => named("Edm.Double", false),
        Value::String(s) => {
            let lower = s.to_ascii_lowercase();
            if lower.contains("timestamp") {
                named("Edm.DateTimeOffset", false)
            } else {
                let word = s.split([' ', '(']).next().unwrap_or("");
                let word = word.trim_start_matches('#');
                if crate::model::type_cell::primitive(word).is_some()
                    || word.starts_with("microsoft.graph.")
                {
                    named(word, false)
                } else {
                    named("Edm.String", false)
                }
            }
        }
        Value::Object(map) => map
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(|t| {
                let (t, collection) = crate::read::annotation::unwrap_collection(t);
                named(t, collection)
            }),
        Value::Array(items) => items
            .first()
            .and_then(|first| json_type(first, source))
            .map(|mut t| {
                t.collection = true;
                t
            }),
        Value::Null => None,
    }
}

#[cfg(test)]
mod tests {
    use super::find_ascii_case_insensitive as find;

    #[test]
    fn finds_as_the_lower_cased_text_would() {
        for text in [
            "Inherited from [entity](entity.md).",
            "The id. INHERITED FROM x; inherited from y",
            "Read-Only. Nullable.",
            "Für Gerät: inherited frominherited from",
            "read-onl",
            "",
        ] {
            for needle in ["inherited from", "read-only", "read only"] {
                assert_eq!(
                    find(text, needle),
                    text.to_ascii_lowercase().find(needle),
                    "{needle:?} in {text:?}"
                );
            }
        }
    }
}
