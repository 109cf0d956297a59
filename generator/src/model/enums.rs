//! Enums as the docs write them: dedicated enum pages (`x enum type` with a member table),
//! `x values` sections, and value lists inside descriptions ("Possible values are: `a`, `b`.").

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::diagnostics::Code;
use crate::ir::EnumMember;
use crate::model::context::PageContext;
use crate::model::facts::RawEnum;
use crate::model::rows::clean_name;
use crate::model::sections::{anchor, columns, normalize, values_heading, Outline};
use crate::read::markdown::{Block, Inline, Table};

/// Read the enums a page defines: the page itself when it is an enum page, and every
/// `x values` section. Records the anchors of the sections.
pub fn read_enums(
    outline: &Outline<'_>,
    cx: &mut PageContext,
    namespace: Option<&str>,
    is_enum_page: bool,
    anchors: &mut Vec<(String, String)>,
) -> Vec<RawEnum> {
    let mut enums: Vec<RawEnum> = Vec::new();
    let page_name = outline
        .title()
        .and_then(|t| enum_page_name(&t.text))
        .filter(|_| is_enum_page);
    for (i, block) in outline.page.blocks.iter().enumerate() {
        let Block::Table(table) = block else { continue };
        let section = outline
            .innermost(i)
            .and_then(|h| values_heading(&h.text.text).map(|n| (n, h)));
        let (name, heading, dedicated) = match (&section, &page_name) {
            (Some((n, h)), _) => (n.clone(), Some(*h), false),
            (None, Some(n)) => (n.clone(), None, true),
            (None, None) => continue,
        };
        let source = cx.at(table.line);
        let Some(members) = read_members(table, cx) else {
            continue;
        };
        if let Some(h) = heading {
            anchors.push((anchor(&h.text.text), name.clone()));
        }
        let flags_hint = heading.is_some_and(|h| {
            normalize(&h.text.text)
                .split_whitespace()
                .any(|w| w == "flags")
        });
        if let Some(existing) = enums.iter_mut().find(|e| e.name == name) {
            // A second table under the same heading continues the enum.
            existing.members.extend(members);
            continue;
        }
        enums.push(RawEnum {
            name,
            namespace: namespace.map(str::to_string),
            description: if dedicated {
                page_description(outline)
            } else {
                String::new()
            },
            members,
            flags_hint,
            dedicated,
            source,
        });
    }
    enums
}

/// `keyUsages enum type` → `keyUsages`.
pub fn enum_page_name(title: &str) -> Option<String> {
    let t = title.trim();
    let lower = t.to_ascii_lowercase();
    let stem = ["enum type", "enumeration type", "enum"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix).map(|s| &t[..s.len()]))?;
    let name: String = stem
        .trim()
        .chars()
        .filter(|c| !matches!(c, '`' | '*'))
        .collect();
    let name = name.trim();
    (!name.is_empty() && !name.contains(' ')).then(|| name.to_string())
}

/// The first paragraph after the title that is not a note, a namespace line or an include.
pub fn page_description(outline: &Outline<'_>) -> String {
    outline
        .page
        .blocks
        .iter()
        .take_while(|b| !matches!(b, Block::Heading(h) if h.level >= 2))
        .find_map(|b| match b {
            Block::Paragraph(p) if is_description(p) => Some(p.text.trim().to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

fn is_description(p: &Inline) -> bool {
    let t = p.text.trim();
    !(t.is_empty()
        || t.starts_with("Namespace")
        || t.starts_with("[!")
        || t.starts_with("Important:")
        || t.starts_with("Note:")
        || t.starts_with("**")
        || p.all_bold)
}

/// The members of an enum table: the member name is the `Member` column (or the first).
fn read_members(table: &Table, cx: &mut PageContext) -> Option<Vec<EnumMember>> {
    let cols = columns(table);
    if cols.ty.is_some() {
        return None; // a property table, not a member table
    }
    let headers: Vec<String> = table.header.iter().map(|h| normalize(&h.text)).collect();
    let first = headers.first()?;
    if !matches!(
        first.as_str(),
        "member" | "members" | "value" | "values" | "name" | "displayas value"
    ) {
        return None;
    }
    // `Member|Member|Description`: the second column holds the value.
    let value_col = headers
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, h)| matches!(h.as_str(), "value" | "int value" | "member"))
        .map(|(i, _)| i);
    let desc_col = headers
        .iter()
        .position(|h| h.starts_with("description") || h == "details");
    let mut members: Vec<EnumMember> = Vec::new();
    let mut names: foldhash::HashSet<String> = foldhash::HashSet::default();
    for row in &table.rows {
        let source = cx.at(row.line);
        let Some(cell) = row.cells.first() else {
            continue;
        };
        let (name, _) = clean_name(cell);
        let name = name.trim_matches(|c| c == '"' || c == '\'').to_string();
        if name.is_empty() {
            continue;
        }
        let value = match value_col.and_then(|i| row.cells.get(i)) {
            Some(c) if !c.text.trim().is_empty() => {
                let text = c.text.trim().trim_matches('`');
                match text.parse::<i64>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        cx.push(
                            &source,
                            Code::EnumValue,
                            format!("member `{name}` has value `{text}`, not an integer"),
                        );
                        None
                    }
                }
            }
            _ => None,
        };
        if !names.insert(name.clone()) {
            cx.push(
                &source,
                Code::DuplicateMember,
                format!("member `{name}` is listed twice; the first is kept"),
            );
            continue;
        }
        members.push(EnumMember {
            name,
            value,
            description: desc_col
                .and_then(|i| row.cells.get(i))
                .map(|c| c.text.trim().to_string())
                .unwrap_or_default(),
        });
    }
    Some(members)
}

/// Phrases that introduce a value list in a description, lower case.
const LIST_PHRASES: &[&str] = &[
    "possible values are",
    "possible values include",
    "possible values:",
    "possible values for this property are",
    "valid values are",
    "valid values:",
    "valid values",
    "supported values are",
    "allowed values are",
    "the values are",
    "values are",
    "must be one of",
    "can be one of",
    "is one of",
    "one of the following",
];

/// The phrases of `LIST_PHRASES`, found in one pass, ASCII case ignored; of phrases starting at
/// the same place, the longest ("valid values are" over "valid values").
fn list_phrases() -> &'static AhoCorasick {
    static PHRASES: OnceLock<AhoCorasick> = OnceLock::new();
    PHRASES.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(LIST_PHRASES)
            .expect("LIST_PHRASES are a few short literals")
    })
}

/// The values a description lists ("Possible values are: `a`, `b`, `c`.").
pub fn inline_values(description: &Inline) -> Vec<String> {
    let text = &description.text;
    // The earliest phrase; of phrases starting there, the longest.
    let Some(found) = list_phrases().find(text) else {
        return Vec::new();
    };
    let (at, len) = (found.start(), found.len());
    let start = at + len;
    let rest = &text[start..];
    let backticked = backticked_until_sentence_end(rest);
    if !backticked.is_empty() {
        return backticked;
    }
    plain_list(rest)
}

/// Code spans from the start of `text` up to the end of the sentence.
fn backticked_until_sentence_end(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('`') else { break };
                let value = rest[..end].trim();
                if !value.is_empty() && value.len() <= 80 {
                    values.push(value.trim_matches('"').to_string());
                }
                // Skip past the closing backtick.
                while let Some(&(j, _)) = chars.peek() {
                    if j > i + end + 1 {
                        break;
                    }
                    chars.next();
                }
            }
            '.' if chars.peek().is_none_or(|(_, n)| n.is_whitespace()) => break,
            _ => {}
        }
    }
    values
}

/// `a, b, or c.` → [a, b, c], when every item is a single identifier-like word.
fn plain_list(text: &str) -> Vec<String> {
    let sentence = text
        .trim_start_matches([':', ' '])
        .split(". ")
        .next()
        .unwrap_or("")
        .trim_end_matches('.');
    let mut values = Vec::new();
    for part in sentence.split([',', ';']) {
        let part = part.trim();
        let part = part
            .strip_prefix("or ")
            .or_else(|| part.strip_prefix("and "))
            .unwrap_or(part)
            .trim_matches(|c: char| matches!(c, '"' | '\'' | '*' | ' '));
        if part.is_empty() {
            continue;
        }
        if !part.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Vec::new();
        }
        values.push(part.to_string());
    }
    if values.len() >= 2 {
        values
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::markdown::parse;

    fn para(text: &str) -> Inline {
        match parse(text).blocks.into_iter().next() {
            Some(Block::Paragraph(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inline_lists() {
        assert_eq!(
            inline_values(&para("Device platform. Possible values are: `android`, `iOS`, `unknownFutureValue`. Read-only.")),
            vec!["android", "iOS", "unknownFutureValue"]
        );
        assert_eq!(
            inline_values(&para(
                "The type. Valid values are public, private, or hiddenMembership."
            )),
            vec!["public", "private", "hiddenMembership"]
        );
        // Case is ignored; of the phrases starting at one place the longest is taken.
        assert_eq!(
            inline_values(&para("State. POSSIBLE VALUES ARE on, off.")),
            vec!["on", "off"]
        );
        assert!(inline_values(&para("Valid values are described in the table below.")).is_empty());
        assert!(inline_values(&para("Display name.")).is_empty());
        assert_eq!(
            inline_values(&para(
                "Possible values are: `v1.0`, `beta`. Use `x` elsewhere."
            )),
            vec!["v1.0", "beta"]
        );
    }

    #[test]
    fn enum_pages_and_sections() {
        let page = parse("# keyUsages enum type\n\nKey usage options.\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n|keyEncipherment|1|Key Encipherment Usage.|\n|digitalSignature|2|Digital Signature Usage.|\n|bad|x|y|\n\n### callType values\n\n|Member|\n|-|\n|group|\n|peerToPeer|\n");
        let outline = Outline::new(&page);
        let mut anchors = Vec::new();
        let mut cx = PageContext::new("e.md");
        let enums = read_enums(&outline, &mut cx, None, true, &mut anchors);
        assert_eq!(enums.len(), 2);
        assert_eq!(enums[0].name, "keyUsages");
        assert_eq!(enums[0].description, "Key usage options.");
        assert_eq!(enums[0].members[1].value, Some(2));
        assert_eq!(enums[0].members[2].value, None);
        assert_eq!(enums[1].name, "callType");
        assert_eq!(enums[1].members.len(), 2);
        assert_eq!(
            anchors,
            vec![("calltype-values".to_string(), "callType".to_string())]
        );
        assert_eq!(cx.into_diagnostics().len(), 1);
        assert_eq!(
            enum_page_name("keyUsages enum type").as_deref(),
            Some("keyUsages")
        );
        assert_eq!(enum_page_name("user resource type"), None);
    }
}
