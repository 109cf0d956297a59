//! Navigating a page by its headings, and reading tables by their header text.

use crate::read::markdown::{Block, Heading, Inline, Page, Table};

/// The headings that enclose each block.
pub struct Outline<'p> {
    pub page: &'p Page,
    /// For each block: the index of the enclosing heading at each level 1..=6.
    enclosing: Vec<[Option<usize>; 6]>,
    /// For each block: its normalized text when it is a heading (computed once; every section
    /// lookup compares these).
    names: Vec<String>,
}

impl<'p> Outline<'p> {
    pub fn new(page: &'p Page) -> Self {
        let mut current = [None; 6];
        let mut enclosing = Vec::with_capacity(page.blocks.len());
        let mut names = Vec::with_capacity(page.blocks.len());
        for (i, block) in page.blocks.iter().enumerate() {
            names.push(match block {
                Block::Heading(h) => normalize(&h.text.text),
                _ => String::new(),
            });
            if let Block::Heading(h) = block {
                let level = usize::from(h.level.clamp(1, 6)) - 1;
                current[level] = Some(i);
                for slot in current.iter_mut().skip(level + 1) {
                    *slot = None;
                }
            }
            enclosing.push(current);
        }
        Outline {
            page,
            enclosing,
            names,
        }
    }

    pub fn heading(&self, index: usize) -> Option<&'p Heading> {
        match self.page.blocks.get(index) {
            Some(Block::Heading(h)) => Some(h),
            _ => None,
        }
    }

    /// The innermost heading above block `index` (the block itself if it is a heading).
    pub fn innermost(&self, index: usize) -> Option<&'p Heading> {
        let slots = self.enclosing.get(index)?;
        slots
            .iter()
            .rev()
            .flatten()
            .next()
            .and_then(|&i| self.heading(i))
    }

    /// The normalized names of the headings enclosing block `index`, outermost first.
    pub fn path(&self, index: usize) -> impl Iterator<Item = &str> + '_ {
        self.enclosing
            .get(index)
            .into_iter()
            .flat_map(|slots| slots.iter().flatten())
            .filter_map(|&i| self.names.get(i).map(String::as_str))
    }

    /// The normalized name of the enclosing H2.
    pub fn section_name(&self, index: usize) -> Option<&str> {
        let slots = self.enclosing.get(index)?;
        slots[1].and_then(|i| self.names.get(i)).map(String::as_str)
    }

    /// The normalized name of the innermost heading above block `index`.
    pub fn innermost_name(&self, index: usize) -> Option<&str> {
        let slots = self.enclosing.get(index)?;
        slots
            .iter()
            .rev()
            .flatten()
            .next()
            .and_then(|&i| self.names.get(i))
            .map(String::as_str)
    }

    /// The first H1's text.
    pub fn title(&self) -> Option<&'p Inline> {
        self.page.blocks.iter().find_map(|b| match b {
            Block::Heading(h) if h.level == 1 => Some(&h.text),
            _ => None,
        })
    }

    /// Blocks with their index, under any heading for which `pred(lowercased text)` holds.
    /// `pred` is asked once per heading, not once per block and enclosing heading.
    pub fn under<'a>(
        &'a self,
        pred: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = (usize, &'p Block)> + 'a {
        let chosen: Vec<bool> = self
            .page
            .blocks
            .iter()
            .zip(&self.names)
            .map(|(block, name)| matches!(block, Block::Heading(_)) && pred(name))
            .collect();
        self.page.blocks.iter().enumerate().filter(move |(i, b)| {
            !matches!(b, Block::Heading(_))
                && self.enclosing.get(*i).is_some_and(|slots| {
                    slots
                        .iter()
                        .flatten()
                        .any(|&h| chosen.get(h).copied().unwrap_or(false))
                })
        })
    }
}

/// Lower-case, markup stripped, whitespace folded: how headings and header cells are compared.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = !out.is_empty();
            continue;
        }
        if matches!(c, '`' | '*' | '\u{200b}' | ':') {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    if out.contains("&nbsp;") {
        out = out.replace("&nbsp;", "").trim().to_string();
    }
    out
}

/// Where the columns of a table are, found by header text.
#[derive(Debug, Default, Clone, Copy)]
pub struct Columns {
    pub name: Option<usize>,
    pub ty: Option<usize>,
    pub description: Option<usize>,
    pub value: Option<usize>,
    pub required: Option<usize>,
}

pub fn columns(table: &Table) -> Columns {
    let mut cols = Columns::default();
    for (i, cell) in table.header.iter().enumerate() {
        let h = normalize(&cell.text);
        match h.as_str() {
            "property" | "property name" | "name" | "relationship" | "relationship name"
            | "parameter" | "parameter name" | "parameters" | "member" | "members" | "header"
            | "permission type"
                if cols.name.is_none() =>
            {
                cols.name = Some(i)
            }
            "type" if cols.ty.is_none() => cols.ty = Some(i),
            "value" | "int value" | "values" | "member" if cols.value.is_none() => {
                cols.value = Some(i)
            }
            _ if h.starts_with("description") && cols.description.is_none() => {
                cols.description = Some(i)
            }
            _ if h.starts_with("required") && cols.required.is_none() => cols.required = Some(i),
            _ => {}
        }
    }
    cols
}

/// `### ageGroup values` → `ageGroup`.
pub fn values_heading(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let stem = if lower.ends_with(" values") {
        &t[..t.len() - 7]
    } else if lower.ends_with(" enum values") {
        &t[..t.len() - 12]
    } else {
        return None;
    };
    let name: String = stem.chars().filter(|c| !matches!(c, '`' | '*')).collect();
    let name = name.trim();
    const NOT_NAMES: &[&str] = &[
        "possible",
        "enum",
        "enumerated",
        "supported",
        "valid",
        "property",
        "the",
        "allowed",
    ];
    (!name.is_empty()
        && !NOT_NAMES.contains(&name.to_ascii_lowercase().as_str())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
    .then(|| name.to_string())
}

/// The GitHub-style anchor of a heading: `ageGroup values` → `agegroup-values`.
pub fn anchor(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::markdown::parse;

    #[test]
    fn normalize_headers() {
        assert_eq!(normalize("**Property**"), "property");
        assert_eq!(normalize("Description&nbsp;&nbsp;"), "description");
        assert_eq!(normalize(" Relationship \t name "), "relationship name");
    }

    #[test]
    fn columns_by_header_text() {
        let page = parse("|Permission Type|Property|Type|Description|\n|-|-|-|-|\n|a|b|c|d|\n");
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!()
        };
        let c = columns(t);
        assert_eq!((c.name, c.ty, c.description), (Some(0), Some(2), Some(3)));
    }

    #[test]
    fn values_headings_and_anchors() {
        assert_eq!(
            values_heading("ageGroup values").as_deref(),
            Some("ageGroup")
        );
        assert_eq!(
            values_heading("`callType` values").as_deref(),
            Some("callType")
        );
        assert_eq!(values_heading("Possible values"), None);
        assert_eq!(values_heading("Properties"), None);
        assert_eq!(anchor("ageGroup values"), "agegroup-values");
    }

    #[test]
    fn outline_sections() {
        let page = parse("# T\n\n## Properties\n\ntext\n\n### Sub\n\nmore\n\n## Other\n\nx\n");
        let o = Outline::new(&page);
        assert_eq!(o.title().map(|t| t.text.as_str()), Some("T"));
        let under: Vec<_> = o
            .under(|h| h == "properties")
            .map(|(_, b)| match b {
                Block::Paragraph(p) => p.text.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(under, vec!["text", "more"]);
    }
}
