//! Rows of name/type/description tables (properties, relationships, body properties,
//! parameters) into named, typed rows, skipping group rows and continuation lines.

use std::borrow::Cow;

use foldhash::{HashSet, HashSetExt};

use crate::diagnostics::Code;
use crate::ir::Source;
use crate::model::context::PageContext;
use crate::model::sections::{columns, Columns};
use crate::model::type_cell::{parse_cell, RawTypeRef};
use crate::read::markdown::{Inline, Table};

/// One usable row of a name/type table. The description is the table's cell, borrowed (or
/// rebuilt from the source line when an unescaped `|` split it).
#[derive(Debug, Clone)]
pub struct TypedRow<'t> {
    pub name: String,
    pub deprecated: bool,
    pub ty: RawTypeRef,
    pub description: Option<Cow<'t, Inline>>,
    pub required: bool,
    pub source: Source,
}

impl TypedRow<'_> {
    /// The description cell's text, trimmed (empty without a description column).
    pub fn description_text(&self) -> String {
        self.description
            .as_ref()
            .map(|d| d.text.trim().to_string())
            .unwrap_or_default()
    }
}

/// Whether a table has the name and type columns of a property-like table.
pub fn typed_columns(table: &Table) -> Option<Columns> {
    let cols = columns(table);
    (cols.name.is_some() && cols.ty.is_some()).then_some(cols)
}

/// The columns of a `Name | Value | Description` table whose every `Value` cell names a type
/// (a link or a primitive), `Value` read as the type column: how some request body tables
/// write it (`driveitem-copy.md`: `parentReference | [ItemReference](…)`, `name | string`).
pub fn value_typed_columns(table: &Table) -> Option<Columns> {
    let mut cols = columns(table);
    let value = cols.value?;
    cols.name?;
    let names_type = |cell: &Inline| {
        cell.links
            .iter()
            .any(|l| l.target.to_ascii_lowercase().contains(".md"))
            || crate::model::primitive::Primitive::of_word(cell.text.trim().trim_matches('`'))
                .is_some()
    };
    let all_types = !table.rows.is_empty()
        && table
            .rows
            .iter()
            .all(|r| r.cells.get(value).is_some_and(names_type));
    all_types.then(|| {
        cols.ty = Some(value);
        cols.value = None;
        cols
    })
}

/// Read the rows of a name/type table. Problems become diagnostics; bad rows are skipped.
pub fn typed_rows<'t>(table: &'t Table, cols: Columns, cx: &mut PageContext) -> Vec<TypedRow<'t>> {
    let (Some(name_col), Some(type_col)) = (cols.name, cols.ty) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let source = cx.at(row.line);
        let cell = |i: usize| row.cells.get(i).filter(|c| !c.text.trim().is_empty());
        let Some(name_cell) = cell(name_col) else {
            if row.cells.iter().any(|c| !c.text.trim().is_empty()) {
                cx.push(
                    &source,
                    Code::TableColumns,
                    "row has an empty name cell; skipped",
                );
            }
            continue;
        };
        let others_empty = row
            .cells
            .iter()
            .enumerate()
            .all(|(i, c)| i == name_col || c.text.trim().is_empty());
        if others_empty && (name_cell.all_bold || row.cells.len() == 1) {
            // A group row (`|**Apps**|||`) or a one-cell continuation line.
            if !name_cell.all_bold {
                cx.push(
                    &source,
                    Code::TableColumns,
                    format!(
                        "line `{}` continues the table without cells; skipped",
                        shorten(&name_cell.text)
                    ),
                );
            }
            continue;
        }
        let (name, deprecated) = clean_name(name_cell);
        if !is_identifier(&name) {
            let shown = if name.is_empty() {
                name_cell.text.trim()
            } else {
                &name
            };
            cx.push(
                &source,
                Code::TableColumns,
                format!(
                    "`{}` is not a property name (a description continued on its own line?); row skipped",
                    shorten(shown)
                ),
            );
            continue;
        }
        // An unescaped `|` split the description: rebuild it from the source line.
        let rebuilt = match (&row.overflow, cols.description) {
            (Some(raw), Some(d)) if d + 1 == table.header.len() => {
                cx.push(
                    &source,
                    Code::TableColumns,
                    format!("row `{name}` has more cells than the header (an unescaped `|`); the description is read from the source line"),
                );
                Some(Inline {
                    text: raw.clone(),
                    line: row.line,
                    ..Inline::default()
                })
            }
            (Some(_), _) => {
                cx.push(
                    &source,
                    Code::TableColumns,
                    format!("row `{name}` has more cells than the header (an unescaped `|`); cells are cut"),
                );
                None
            }
            (None, _) => None,
        };
        if !seen.insert(name.clone()) {
            cx.push(
                &source,
                Code::DuplicateProperty,
                format!("`{name}` is listed twice in this table; the first row is kept"),
            );
            continue;
        }
        let ty = match row.cells.get(type_col) {
            Some(c) => parse_cell(c, source.clone()),
            None => parse_cell(&Inline::default(), source.clone()),
        };
        if ty.name.is_empty() {
            cx.push(
                &source,
                Code::EmptyType,
                format!("`{name}` has no type; row skipped"),
            );
            continue;
        }
        let required = cols
            .required
            .and_then(|i| row.cells.get(i))
            .is_some_and(|c| {
                let t = c.text.trim().to_ascii_lowercase();
                t.starts_with('y') || t.starts_with("required") || t == "true"
            });
        rows.push(TypedRow {
            name,
            deprecated,
            ty,
            description: rebuilt.map(Cow::Owned).or_else(|| {
                cols.description
                    .and_then(|i| row.cells.get(i))
                    .map(Cow::Borrowed)
            }),
            required,
            source,
        });
    }
    rows
}

/// `**id**`, `` `groupId` ``, `tollNumber (deprecated)`, `[filesFolder](x.md)` → the name.
pub fn clean_name(cell: &Inline) -> (String, bool) {
    let text: String = cell
        .text
        .chars()
        .filter(|c| !matches!(c, '`' | '*' | '\u{200b}'))
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .collect();
    let mut name = text.trim();
    let mut deprecated = false;
    if let Some(open) = name.find('(') {
        let note = name[open..].to_ascii_lowercase();
        deprecated = note.contains("deprecated");
        name = name[..open].trim();
    }
    (name.to_string(), deprecated)
}

/// Property and parameter names: letters, digits, `_`, and `@`/`.`/`/`/`$`/`-` as used by
/// instance annotations (`@odata.type`), JSON paths (`files/fileName`) and headers.
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '/' | '$' | '-'))
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::markdown::{parse, Block};

    fn rows_of(md: &str) -> (Vec<(String, String, bool)>, Vec<String>) {
        let page = parse(md);
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!("no table")
        };
        let mut cx = PageContext::new("f.md");
        let cols = typed_columns(t).expect("columns");
        let rows = typed_rows(t, cols, &mut cx)
            .into_iter()
            .map(|r| (r.name, r.ty.name, r.ty.collection))
            .collect();
        let codes = cx
            .into_diagnostics()
            .into_iter()
            .map(|d| format!("{}:{}", d.line, d.code))
            .collect();
        (rows, codes)
    }

    #[test]
    fn group_rows_continuations_duplicates_and_empty_types() {
        let (rows, codes) = rows_of(
            "|Property|Type|Description|\n|-|-|-|\n|**Group**|||\n|`id`|String|Key.|\n|id|String|Again.|\n|name (deprecated)|String collection|x|\n|empty||x|\n(* a note)\n",
        );
        assert_eq!(
            rows,
            vec![
                ("id".into(), "String".into(), false),
                ("name".into(), "String".into(), true)
            ]
        );
        assert_eq!(codes, vec!["5:GD013", "7:GD008", "8:GD007"]);
    }
}
