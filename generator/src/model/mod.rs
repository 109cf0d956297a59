//! Modelling one page: its blocks into what the page says (`facts`), read with a per-page
//! context (`context`). `resolve` builds the IR (`crate::ir`) from the facts of every page.

pub(crate) mod context;
pub(crate) mod enums;
pub(crate) mod facts;
pub(crate) mod http_path;
pub(crate) mod method;
pub(crate) mod primitive;
pub(crate) mod resource;
pub(crate) mod rows;
pub(crate) mod sections;
pub(crate) mod type_cell;

use crate::diagnostics::Code;
use crate::read::annotation::{self, Annotation, Parsed};
use crate::read::markdown::{self, Block};
use context::PageContext;
use facts::PageFacts;
use resource::ResourceBlock;
use sections::Outline;

/// Read one page (`file` is its path relative to the docs root) into its facts.
pub fn lower_page(file: &str, text: &str) -> PageFacts {
    let page = markdown::parse(text);
    let mut cx = PageContext::new(file);
    if let Some(line) = page.front_matter.unclosed_at {
        cx.push_line(
            line,
            Code::FrontMatter,
            "front matter `---` is never closed; read as markdown",
        );
    }
    let outline = Outline::new(&page);
    let (annotations, page_namespace) = pair_annotations(&page.blocks, &mut cx);
    let namespace = namespace_line(&page.blocks).or(page_namespace);

    let resources: Vec<ResourceBlock<'_>> = page
        .blocks
        .iter()
        .zip(&annotations)
        .filter_map(|(block, a)| match (block, a) {
            (Block::Code(code), Some(a)) if a.block_type.as_deref() == Some("resource") => {
                Some(ResourceBlock {
                    annotation: a.clone(),
                    code,
                })
            }
            _ => None,
        })
        .collect();
    let doc_type = page.front_matter.doc_type.as_deref().unwrap_or("");
    let is_enum_page = resources.is_empty()
        && (doc_type.eq_ignore_ascii_case("enumPageType")
            || outline
                .title()
                .is_some_and(|t| enums::enum_page_name(&t.text).is_some()));

    let mut facts = PageFacts {
        file: file.to_string(),
        ..PageFacts::default()
    };
    facts.enums = enums::read_enums(
        &outline,
        &mut cx,
        namespace.as_deref(),
        is_enum_page,
        &mut facts.anchors,
    );
    facts.types = resource::read_types(&outline, &mut cx, &resources);
    facts.operations = method::read_operations(&outline, &mut cx, &annotations);
    if facts.operations.is_empty() && resources.is_empty() && file.starts_with("api/") {
        cx.push_line(
            1,
            Code::NoRequestLine,
            "method page documents no HTTP request line",
        );
    }
    facts.namespace = namespace;
    facts.diagnostics = cx.into_diagnostics();
    facts
}

/// The annotation of each code block (by block index), and the page annotation's namespace.
/// An annotation applies to the next code block; headings may stand between them, any other
/// block breaks the pairing.
fn pair_annotations(
    blocks: &[Block],
    cx: &mut PageContext,
) -> (Vec<Option<Annotation>>, Option<String>) {
    let mut out = vec![None; blocks.len()];
    let mut pending: Option<(Annotation, u32)> = None;
    let mut namespace = None;
    let orphan = |pending: &Option<(Annotation, u32)>, cx: &mut PageContext| {
        if let Some((a, line)) = pending {
            if matches!(
                a.block_type.as_deref(),
                Some("resource" | "response" | "request")
            ) {
                cx.push_line(
                    *line,
                    Code::AnnotationWithoutBlock,
                    format!(
                        "`{}` annotation is not followed by a code block",
                        a.block_type.as_deref().unwrap_or("")
                    ),
                );
            }
        }
    };
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Html { text, line } => match annotation::parse(text) {
                Parsed::NotAnnotation => {}
                Parsed::Invalid(message) => cx.push_line(
                    *line,
                    Code::AnnotationJson,
                    format!("annotation is not JSON and is dropped: {message}"),
                ),
                Parsed::Annotation(a) => {
                    let source = cx.at(*line);
                    if a.repaired {
                        cx.push(
                            &source,
                            Code::AnnotationJson,
                            "annotation is not valid JSON; read after repair",
                        );
                    }
                    if a.block_type.is_none() {
                        if a.namespace.is_some() {
                            namespace.clone_from(&a.namespace);
                        }
                        continue;
                    }
                    orphan(&pending, cx);
                    pending = Some((a, *line));
                }
            },
            Block::Code(_) => out[i] = pending.take().map(|(a, _)| a),
            Block::Heading(_) => {}
            // A sentence between a resource annotation and its JSON does not break the pair.
            Block::Paragraph(_)
                if pending
                    .as_ref()
                    .is_some_and(|(a, _)| a.block_type.as_deref() == Some("resource")) => {}
            Block::Paragraph(_) | Block::Table(_) => {
                orphan(&pending, cx);
                pending = None;
            }
        }
    }
    orphan(&pending, cx);
    (out, namespace)
}

/// `Namespace: microsoft.graph.callRecords` under the title.
fn namespace_line(blocks: &[Block]) -> Option<String> {
    blocks.iter().take(12).find_map(|b| match b {
        Block::Paragraph(p) => {
            let t = p.text.trim();
            let rest = t
                .strip_prefix("Namespace:")
                .or_else(|| t.strip_prefix("Namespace :"))?;
            let ns = rest
                .split_whitespace()
                .next()?
                .trim_matches('`')
                .trim_end_matches('.');
            (!ns.is_empty()).then(|| ns.to_string())
        }
        _ => None,
    })
}
