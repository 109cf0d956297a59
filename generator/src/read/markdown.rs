//! One markdown page into a flat list of blocks (headings, paragraphs, tables, code blocks,
//! HTML comments), each with its 1-based line. Syntax only: nothing here knows what a property
//! or an operation is.
//!
//! Quirks handled here (see `shared/design/docs-format.md` §3): a UTF-8 BOM, YAML front matter
//! (cut by hand, never through pulldown-cmark's metadata option), CRLF, DocFX tab markers
//! (`# [HTTP](#tab/http)`) and `[!INCLUDE]` setext headings, which are not headings at all.

use std::cell::Cell;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// A page after the markdown pass.
#[derive(Debug, Default)]
pub struct Page {
    pub front_matter: FrontMatter,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Default)]
pub struct FrontMatter {
    /// `doc_type` without quotes, when present.
    pub doc_type: Option<String>,
    /// The front matter opened with `---` but never closed (line of the opening `---`).
    pub unclosed_at: Option<u32>,
}

#[derive(Debug)]
pub enum Block {
    Heading(Heading),
    Paragraph(Inline),
    Table(Table),
    Code(CodeBlock),
    /// The text of an HTML block (comments included), as written.
    Html {
        text: String,
        line: u32,
    },
}

#[derive(Debug)]
pub struct Heading {
    pub level: u8,
    pub text: Inline,
}

/// Text with its links and code spans. `text` renders code spans in backticks and links as
/// their text; `<br>` and list markup in cells become spaces.
#[derive(Debug, Default, Clone)]
pub struct Inline {
    pub text: String,
    pub links: Vec<Link>,
    pub code: Vec<String>,
    /// Every character of the text is bold (a group row in a table, `**id**`).
    pub all_bold: bool,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub text: String,
    pub target: String,
    /// Byte offset in `Inline::text` where the link text ends.
    pub end: usize,
}

#[derive(Debug)]
pub struct Table {
    pub line: u32,
    pub header: Vec<Inline>,
    pub rows: Vec<Row>,
}

#[derive(Debug)]
pub struct Row {
    pub line: u32,
    /// Byte offset of the row in the markdown body (after the front matter).
    start: usize,
    pub cells: Vec<Inline>,
    /// The row had more cells than the header (an unescaped `|`): the source text of the last
    /// header column and every cell after it, which pulldown-cmark dropped.
    pub overflow: Option<String>,
}

#[derive(Debug)]
pub struct CodeBlock {
    /// The fence's info string, trimmed and lower-cased (`http`, `json`, ...).
    pub info: String,
    pub text: String,
    /// Line of the opening fence.
    pub line: u32,
}

impl Inline {
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

/// Parse one page. Never fails: markdown has no syntax errors.
pub fn parse(source: &str) -> Page {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let lines = LineIndex::new(source, source.len() - text.len());
    let (front_matter, body_start) = cut_front_matter(text, &lines);
    let body = &text[body_start..];
    let untabbed = untab_delimiter_rows(body);
    let body = untabbed.as_deref().unwrap_or(body);
    let mut builder = Builder {
        lines: &lines,
        base: body_start,
        body,
        blocks: Vec::new(),
        inline: None,
        inline_owner: Owner::None,
        strong_depth: 0,
        link_stack: Vec::new(),
        table: None,
        row: None,
        code: None,
        html: None,
        in_table_head: false,
        item_depth: 0,
    };
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        builder.event(event, range);
    }
    Page {
        front_matter,
        blocks: builder.blocks,
    }
}

/// pulldown-cmark does not read a table whose delimiter row holds tabs (`|:---\t|:---|`);
/// such rows get spaces instead. Same length, so offsets and lines are unchanged.
fn untab_delimiter_rows(body: &str) -> Option<String> {
    let is_delimiter = |line: &str| {
        line.contains('-')
            && line.contains('|')
            && line.contains('\t')
            && line
                .chars()
                .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t' | '\r' | '\n'))
    };
    // Only the lines that hold a tab are looked at.
    let bytes = body.as_bytes();
    let mut from = 0;
    let found = loop {
        let Some(tab) = memchr::memchr(b'\t', &bytes[from..]).map(|i| from + i) else {
            break false;
        };
        let start = memchr::memrchr(b'\n', &bytes[from..tab]).map_or(from, |i| from + i + 1);
        let end = memchr::memchr(b'\n', &bytes[tab..]).map_or(bytes.len(), |i| tab + i + 1);
        if body.get(start..end).is_some_and(is_delimiter) {
            break true;
        }
        from = end;
    };
    if !found {
        return None;
    }
    Some(
        body.split_inclusive('\n')
            .map(|line| {
                if is_delimiter(line) {
                    std::borrow::Cow::Owned(line.replace('\t', " "))
                } else {
                    std::borrow::Cow::Borrowed(line)
                }
            })
            .collect(),
    )
}

/// Byte offset → 1-based line, over the whole file (BOM included).
///
/// A file whose lines all end in `\n` has its line breaks counted between one answer and the
/// next (lookups come mostly in page order); a file with a `\r` (CRLF, or a lone CR, old Mac
/// line ends) gets a table of line starts.
struct LineIndex<'a> {
    bytes: &'a [u8],
    /// Offset of the parsed text within the file (the BOM's length).
    shift: usize,
    /// The line starts of a file with a `\r`.
    starts: Option<Vec<usize>>,
    /// The last answer: the index into `starts`, or (offset, `\n` before it).
    last_index: Cell<usize>,
    last_count: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str, shift: usize) -> Self {
        let bytes = source.as_bytes();
        let starts = memchr::memchr(b'\r', bytes).map(|_| {
            let mut starts = vec![0];
            // CRLF counts once; a lone CR is a line end too.
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    starts.push(i + 1);
                }
            }
            starts
        });
        LineIndex {
            bytes,
            shift,
            starts,
            last_index: Cell::new(0),
            last_count: Cell::new((0, 0)),
        }
    }

    /// Line of a byte offset into the text after the BOM.
    fn line(&self, offset: usize) -> u32 {
        let at = (offset + self.shift).min(self.bytes.len());
        let index = match &self.starts {
            Some(starts) => self.start_index(starts, at),
            None => {
                let (from, before) = self.last_count.get();
                let count = |range: &[u8]| memchr::memchr_iter(b'\n', range).count();
                let before = if at >= from {
                    before + count(&self.bytes[from..at])
                } else {
                    before - count(&self.bytes[at..from])
                };
                self.last_count.set((at, before));
                before
            }
        };
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }

    /// The index of the last line start at or before `at`. Most lookups are at or a few lines
    /// after the last one: step forward a little from there, else search.
    fn start_index(&self, starts: &[usize], at: usize) -> usize {
        let starts_by = |i: usize| starts.get(i).is_some_and(|&s| s <= at);
        let mut index = self.last_index.get();
        if starts_by(index) {
            for _ in 0..8 {
                if !starts_by(index + 1) {
                    break;
                }
                index += 1;
            }
        }
        if !starts_by(index) || starts_by(index + 1) {
            index = match starts.binary_search(&at) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
        }
        self.last_index.set(index);
        index
    }

    /// Where the line holding a byte offset into the text after the BOM starts, in that text.
    fn line_start(&self, offset: usize) -> usize {
        let at = (offset + self.shift).min(self.bytes.len());
        let start = match &self.starts {
            Some(starts) => starts[self.start_index(starts, at)],
            None => memchr::memrchr(b'\n', &self.bytes[..at]).map_or(0, |i| i + 1),
        };
        start.saturating_sub(self.shift)
    }
}

/// Cut a leading `---` … `---` block. Returns the front matter and where the markdown starts.
fn cut_front_matter(text: &str, lines: &LineIndex<'_>) -> (FrontMatter, usize) {
    let mut fm = FrontMatter::default();
    let mut iter = line_spans(text);
    // The first non-blank line must be `---`.
    let first = loop {
        match iter.next() {
            Some((s, e)) if text[s..e].trim().is_empty() => continue,
            other => break other,
        }
    };
    let Some((s, e)) = first else {
        return (fm, 0);
    };
    if text[s..e].trim_end() != "---" {
        return (fm, 0);
    }
    for (ls, le) in iter {
        let line = &text[ls..le];
        if line.trim_end() == "---" {
            return (fm, le);
        }
        if let Some(value) = line.trim_start().strip_prefix("doc_type:") {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            fm.doc_type = Some(value.to_string());
        }
    }
    // Not closed: read the page as markdown from the top.
    fm.doc_type = None;
    fm.unclosed_at = Some(lines.line(s));
    (fm, 0)
}

/// (start, end) of each line, end including the line break.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        pos = end;
        Some((start, end))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    None,
    Paragraph,
    Heading(u8),
    Cell,
    Item,
}

struct Builder<'a> {
    lines: &'a LineIndex<'a>,
    base: usize,
    body: &'a str,
    blocks: Vec<Block>,
    inline: Option<InlineBuf>,
    inline_owner: Owner,
    strong_depth: u32,
    link_stack: Vec<String>,
    table: Option<Table>,
    row: Option<Row>,
    code: Option<CodeBlock>,
    html: Option<(String, u32)>,
    in_table_head: bool,
    item_depth: u32,
}

struct InlineBuf {
    inline: Inline,
    /// Some non-blank text was written outside bold.
    has_plain: bool,
}

impl Builder<'_> {
    fn line(&self, offset: usize) -> u32 {
        self.lines.line(self.base + offset)
    }

    fn start_inline(&mut self, owner: Owner, offset: usize) {
        let line = self.line(offset);
        self.start_inline_at(owner, line);
    }

    fn start_inline_at(&mut self, owner: Owner, line: u32) {
        self.flush_inline();
        self.inline = Some(InlineBuf {
            inline: Inline {
                line,
                ..Inline::default()
            },
            has_plain: false,
        });
        self.inline_owner = owner;
    }

    fn push_text(&mut self, text: &str) {
        let bold = self.strong_depth > 0;
        if let Some(buf) = &mut self.inline {
            buf.inline.text.push_str(text);
            if !bold && !buf.has_plain {
                buf.has_plain = text.chars().any(|c| !c.is_whitespace());
            }
        }
    }

    fn finish_inline(&mut self) -> Option<Inline> {
        self.inline_owner = Owner::None;
        self.inline.take().map(|buf| {
            let mut inline = buf.inline;
            inline.all_bold = !buf.has_plain && !inline.text.trim().is_empty();
            inline
        })
    }

    /// A list item's text that was not closed by a nested block becomes a paragraph.
    fn flush_inline(&mut self) {
        if self.inline_owner == Owner::Item {
            if let Some(inline) = self.finish_inline() {
                if !inline.text.trim().is_empty() {
                    self.blocks.push(Block::Paragraph(inline));
                }
            }
        }
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(code) = self.code.take() {
                        self.blocks.push(Block::Code(code));
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some((html, _)) = &mut self.html {
            match event {
                Event::Html(t) | Event::Text(t) => html.push_str(&t),
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some((text, line)) = self.html.take() {
                        self.blocks.push(Block::Html { text, line });
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.push_text(&t),
            Event::Code(t) => {
                self.push_text("`");
                self.push_text(&t);
                self.push_text("`");
                if let Some(buf) = &mut self.inline {
                    buf.inline.code.push(t.into_string());
                }
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            Event::InlineHtml(html) | Event::Html(html) => self.inline_html(&html),
            Event::Rule
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }

    fn inline_html(&mut self, html: &str) {
        let tag = html
            .trim_start_matches('<')
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        const MARKUP: &[&str] = &[
            "br", "p", "ul", "ol", "li", "b", "i", "em", "strong", "code", "a", "table", "tr",
            "td", "th", "tbody", "thead", "sup", "sub", "span", "div", "img", "u", "strike",
        ];
        const BREAKS: &[&str] = &["br", "p", "li", "td", "tr", "ul", "ol"];
        if html.starts_with("<!--") {
            return;
        }
        let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(tag));
        if is(MARKUP) {
            if is(BREAKS) {
                self.push_text(" ");
            }
        } else {
            // An angle-bracket word such as `<server>` is text, not markup.
            self.push_text(html);
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        match tag {
            Tag::Paragraph if self.inline.is_none() || self.inline_owner == Owner::Item => {
                self.start_inline(Owner::Paragraph, range.start);
            }
            Tag::Heading { level, .. } => {
                self.start_inline(Owner::Heading(level as u8), range.start)
            }
            Tag::Item => {
                self.item_depth += 1;
                if self.inline_owner != Owner::Cell {
                    self.start_inline(Owner::Item, range.start);
                }
            }
            Tag::Table(_) => {
                self.flush_inline();
                self.table = Some(Table {
                    line: self.line(range.start),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
            }
            Tag::TableHead => self.in_table_head = true,
            Tag::TableRow => {
                self.row = Some(Row {
                    line: self.line(range.start),
                    start: range.start,
                    cells: Vec::new(),
                    overflow: None,
                });
            }
            Tag::TableCell => {
                // A table row is one line: its cells are on the row's line (the header's, the
                // table's).
                let line = match (&self.row, &self.table) {
                    (Some(row), _) => Some(row.line),
                    (None, Some(table)) if self.in_table_head => Some(table.line),
                    _ => None,
                };
                match line {
                    Some(line) => self.start_inline_at(Owner::Cell, line),
                    None => self.start_inline(Owner::Cell, range.start),
                }
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.trim().to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(CodeBlock {
                    info,
                    text: String::new(),
                    line: self.line(range.start),
                });
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.html = Some((String::new(), self.line(range.start)));
            }
            Tag::Strong => self.strong_depth += 1,
            Tag::Link {
                dest_url,
                link_type,
                ..
            } => {
                let target = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.into_string(),
                };
                self.link_stack.push(target);
                if let Some(buf) = &mut self.inline {
                    // Remember where the link text starts in `end` until the link closes.
                    buf.inline.links.push(Link {
                        text: String::new(),
                        target: String::new(),
                        end: buf.inline.text.len(),
                    });
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.inline_owner == Owner::Paragraph {
                    if let Some(inline) = self.finish_inline() {
                        self.blocks.push(Block::Paragraph(inline));
                    }
                } else {
                    self.push_text(" ");
                }
            }
            TagEnd::Heading(_) => {
                if let Some(text) = self.finish_inline() {
                    if !is_pseudo_heading(&text) {
                        let level = match self.inline_owner {
                            Owner::Heading(l) => l,
                            _ => heading_level(tag),
                        };
                        self.blocks.push(Block::Heading(Heading { level, text }));
                    }
                }
            }
            TagEnd::Item => {
                self.item_depth = self.item_depth.saturating_sub(1);
                self.flush_inline();
            }
            TagEnd::TableCell => {
                if let Some(cell) = self.finish_inline() {
                    if self.in_table_head {
                        if let Some(table) = &mut self.table {
                            table.header.push(cell);
                        }
                    } else if let Some(row) = &mut self.row {
                        row.cells.push(cell);
                    }
                }
            }
            TagEnd::TableHead => self.in_table_head = false,
            TagEnd::TableRow => {
                if let (Some(table), Some(row)) = (&mut self.table, self.row.take()) {
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(mut table) = self.table.take() {
                    mark_overflow(&mut table, self.body, self.lines, self.base);
                    self.blocks.push(Block::Table(table));
                }
            }
            TagEnd::Strong => self.strong_depth = self.strong_depth.saturating_sub(1),
            TagEnd::Link => {
                let target = self.link_stack.pop().unwrap_or_default();
                if let Some(buf) = &mut self.inline {
                    if let Some(link) = buf.inline.links.last_mut() {
                        let start = link.end.min(buf.inline.text.len());
                        link.text = buf.inline.text[start..].trim().to_string();
                        link.target = target;
                        link.end = buf.inline.text.len();
                    }
                }
            }
            _ => {}
        }
    }
}

fn heading_level(tag: TagEnd) -> u8 {
    match tag {
        TagEnd::Heading(level) => level as u8,
        _ => 0,
    }
}

/// DocFX tab markers and `[!INCLUDE]` lines that CommonMark reads as headings.
fn is_pseudo_heading(text: &Inline) -> bool {
    let t = text.trimmed();
    if t.starts_with("[!INCLUDE") || t.starts_with("[!include") {
        return true;
    }
    text.links.len() == 1 && text.links[0].target.starts_with("#tab/") && t == text.links[0].text
}

/// pulldown-cmark drops cells beyond the header's count (an unescaped `|` in a description);
/// find those rows from their source line and keep the source text of the last cell onwards.
fn mark_overflow(table: &mut Table, body: &str, lines: &LineIndex<'_>, base: usize) {
    let width = table.header.len();
    for row in &mut table.rows {
        let Some(text) = source_line(body, lines, base, row.start) else {
            continue;
        };
        // Most rows have the header's width: count the cells before collecting them.
        if width == 0 || !more_cells_than(text, width) {
            continue;
        }
        let cells = split_cells(text);
        row.overflow = Some(cells[width - 1..].join("|").trim().to_string());
    }
}

/// The source line holding `offset` (into `body`, which starts at `base` in the text).
fn source_line<'a>(
    body: &'a str,
    lines: &LineIndex<'_>,
    base: usize,
    offset: usize,
) -> Option<&'a str> {
    let start = lines.line_start(base + offset).checked_sub(base)?;
    let rest = body.get(start..)?;
    Some(
        rest.split('\n')
            .next()
            .unwrap_or(rest)
            .trim_end_matches('\r'),
    )
}

/// How many cells [`split_cells`] finds in a row.
fn cell_count(line: &str) -> usize {
    unescaped_pipes(row_inner(line)).count() + 1
}

/// Whether a row has more than `width` cells. Every unescaped pipe is a pipe, so a row with
/// fewer pipes than `width` (found by `memchr`, most rows) is settled without counting.
fn more_cells_than(line: &str, width: usize) -> bool {
    memchr::memchr_iter(b'|', row_inner(line).as_bytes()).count() >= width
        && cell_count(line) > width
}

/// The byte offsets of the pipes of a row's inner text that are not escaped by a backslash.
fn unescaped_pipes(inner: &str) -> impl Iterator<Item = usize> + '_ {
    let mut escaped = false;
    inner.bytes().enumerate().filter_map(move |(i, b)| {
        let pipe = b == b'|' && !escaped;
        escaped = b == b'\\' && !escaped;
        pipe.then_some(i)
    })
}

/// A row without its outer pipes.
fn row_inner(line: &str) -> &str {
    let trimmed = line.trim();
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    match inner.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    }
}

/// The cells of a GFM table row, split at pipes that are not escaped, outer pipes removed.
fn split_cells(line: &str) -> Vec<&str> {
    let inner = row_inner(line);
    let mut cells = Vec::new();
    let mut start = 0;
    for i in unescaped_pipes(inner) {
        cells.push(&inner[start..i]);
        start = i + 1;
    }
    cells.push(&inner[start..]);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(page: &Page) -> Vec<(u8, String, u32)> {
        page.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some((h.level, h.text.text.clone(), h.text.line)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bom_and_front_matter_are_cut_and_lines_kept() {
        let page = parse(
            "\u{feff}---\ntitle: x\ndoc_type: \"enumPageType\" \n---\n\n# keyUsages enum type\n",
        );
        assert_eq!(page.front_matter.doc_type.as_deref(), Some("enumPageType"));
        assert_eq!(headings(&page), vec![(1, "keyUsages enum type".into(), 6)]);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let page = parse("---\ntitle: x\n\n# Title\n");
        assert_eq!(page.front_matter.unclosed_at, Some(1));
        assert!(page.front_matter.doc_type.is_none());
    }

    #[test]
    fn crlf_lines_are_counted() {
        let page = parse("# A\r\n\r\ntext\r\n\r\n## B\r\n");
        assert_eq!(
            headings(&page),
            vec![(1, "A".into(), 1), (2, "B".into(), 5)]
        );
    }

    #[test]
    fn tab_markers_and_includes_are_not_headings() {
        let page = parse("## Example\n\n# [HTTP](#tab/http)\n\ntext\n\n[!INCLUDE [x](y.md)]\n---\n\n### Response\n");
        let hs: Vec<_> = headings(&page).into_iter().map(|h| h.1).collect();
        assert_eq!(hs, vec!["Example", "Response"]);
    }

    #[test]
    fn table_cells_keep_links_code_and_lines() {
        let page = parse("## Properties\n\n|Property|Type|Description|\n|:--|:--|:--|\n|**id**|String|Key.|\n|platform|[devicePlatformType](../resources/x.md) collection|Values are: `a`, `b`.|\n");
        let Some(Block::Table(t)) = page.blocks.get(1) else {
            panic!("no table: {:?}", page.blocks)
        };
        assert_eq!(t.line, 3);
        assert_eq!(t.rows.len(), 2);
        assert!(t.rows[0].cells[0].all_bold);
        assert_eq!(t.rows[1].line, 6);
        let ty = &t.rows[1].cells[1];
        assert_eq!(ty.text, "devicePlatformType collection");
        assert_eq!(ty.links[0].text, "devicePlatformType");
        assert_eq!(ty.links[0].target, "../resources/x.md");
        assert_eq!(t.rows[1].cells[2].code, vec!["a", "b"]);
    }

    #[test]
    fn delimiter_rows_with_tabs_still_make_tables() {
        let page = parse("|Property|Type|\n|:---\t|:---|\n|id|String|\n");
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!("no table: {:?}", page.blocks)
        };
        assert_eq!(t.rows[0].line, 3);
    }

    #[test]
    fn line_index_answers_in_any_order() {
        // With a CR (a table of line starts) and without (line breaks counted).
        for text in [
            "a\nbb\r\n\nccc\rd\n\n\n\n\n\n\n\n\n\n\nlast",
            "a\nbb\n\nccc\nd\n\n\n\n\n\n\n\n\n\n\nlast",
        ] {
            lines_in_any_order(text);
        }
    }

    fn lines_in_any_order(text: &str) {
        let index = LineIndex::new(text, 0);
        // (line, where it starts)
        let naive = |at: usize| {
            let bytes = text.as_bytes();
            let (mut line, mut start) = (1, 0);
            for (i, &b) in bytes[..at].iter().enumerate() {
                let crlf = b == b'\r' && bytes.get(i + 1) == Some(&b'\n');
                if b == b'\n' || (b == b'\r' && !crlf) {
                    line += 1;
                    start = i + 1;
                }
            }
            (line, start)
        };
        // Forward, backward, and far jumps both ways.
        let order: Vec<usize> = (0..text.len())
            .chain((0..text.len()).rev())
            .chain([0, text.len() - 1, 1, text.len() - 2, 3])
            .collect();
        for at in order {
            assert_eq!(index.line(at), naive(at).0, "offset {at}");
            assert_eq!(index.line_start(at), naive(at).1, "offset {at}");
        }
    }

    #[test]
    fn cells_are_counted_as_split() {
        for row in [
            "|a|b|",
            "a|b",
            "|a\\|b|c|",
            "|a\\\\|b|",
            "| x | y \\|",
            "||",
            "",
            "|é|ü|\\",
        ] {
            assert_eq!(cell_count(row), split_cells(row).len(), "{row:?}");
            for width in 0..5 {
                assert_eq!(
                    more_cells_than(row, width),
                    split_cells(row).len() > width,
                    "{row:?} {width}"
                );
            }
        }
    }

    #[test]
    fn overflowing_rows_are_marked() {
        let page = parse("|A|B|\n|-|-|\n|x|y \\| z|\n|x|y | z|\n");
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!()
        };
        assert!(t.rows[0].overflow.is_none());
        assert_eq!(t.rows[0].cells[1].text, "y | z");
        assert_eq!(t.rows[1].overflow.as_deref(), Some("y | z"));
    }

    #[test]
    fn html_comments_and_code_blocks() {
        let page = parse(
            "<!-- {\n  \"blockType\": \"ignored\"\n}\n-->\n``` http\nPOST /a\r\nPOST /b\n```\n",
        );
        assert!(matches!(&page.blocks[0], Block::Html { line: 1, .. }));
        let Block::Code(code) = &page.blocks[1] else {
            panic!()
        };
        assert_eq!(code.info, "http");
        assert_eq!(code.line, 5);
        assert_eq!(code.text, "POST /a\nPOST /b\n");
    }

    #[test]
    fn angle_words_survive_and_br_is_a_space() {
        let page = parse("|A|B|\n|-|-|\n|x|connect to <server><br>now|\n");
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!()
        };
        assert_eq!(t.rows[0].cells[1].text, "connect to <server> now");
    }

    #[test]
    fn reference_links_resolve() {
        let page = parse("|A|B|\n|-|-|\n|x|[identitySet][]|\n\n[identitySet]: identityset.md\n");
        let Some(Block::Table(t)) = page.blocks.first() else {
            panic!()
        };
        assert_eq!(t.rows[0].cells[1].links[0].target, "identityset.md");
    }
}
