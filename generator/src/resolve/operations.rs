//! Operations: resolve the types an operation's page names (request body, parameters, response,
//! example annotations) to qualified names. What a page says for all its request lines is
//! resolved once per page.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostics};
use crate::ir::{EnumDef, Example, Operation, Parameter, Segment, TypeRef};
use crate::model::facts::{PageFacts, RawMethodPage, RawOperation};
use crate::model::type_cell::{primitive, RawTypeRef};
use crate::resolve::enums::{merge_inline_lists, InlineList};
use crate::resolve::symbols::{SymbolKind, Symbols};

/// A method page's shared facts, resolved.
struct Shared {
    parameters: Arc<[Parameter]>,
    response: Option<(String, bool)>,
}

/// Where an operation was read: (page, operation of that page), indices into the pages given to
/// [`resolve_operations`].
pub type Origin = (usize, usize);

/// The operations of every page, in order, with where each was read (their examples are still
/// on the pages, for [`attach_examples`]), and the parameter set of each method page in page
/// order: the values their descriptions list belong to enums, which [`merge_parameter_lists`]
/// adds once the types' own lists are in (so that this can run beside `resolve_types`).
pub struct ResolvedOperations {
    pub operations: Vec<(Operation, Origin)>,
    pub parameter_sets: Vec<Arc<[Parameter]>>,
}

/// Each operation's request line (path, segments, query), taken from the pages so that
/// [`resolve_operations`] moves it into the operation instead of copying it; nothing else reads
/// it from the pages. One list per page, in the order of the page's operations.
pub struct RequestLines(Vec<Vec<RequestLine>>);

struct RequestLine {
    path: String,
    segments: Vec<Segment>,
    query: Option<String>,
}

impl RequestLines {
    pub fn take(pages: &mut [PageFacts]) -> Self {
        let take = |op: &mut RawOperation| RequestLine {
            path: std::mem::take(&mut op.path),
            segments: std::mem::take(&mut op.segments),
            query: op.query.take(),
        };
        RequestLines(
            pages
                .iter_mut()
                .map(|page| page.operations.iter_mut().map(take).collect())
                .collect(),
        )
    }
}

pub fn resolve_operations(
    pages: &[PageFacts],
    lines: RequestLines,
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> ResolvedOperations {
    // Pages are resolved in parallel (a page's request lines share its facts, resolved once).
    let per_page = diags.par_map(
        pages.par_iter().enumerate().zip(lines.0),
        |((page_index, page), lines), diags| {
            page_operations(page_index, page, lines, symbols, diags)
        },
    );
    let mut out = Vec::with_capacity(pages.iter().map(|p| p.operations.len()).sum());
    let mut parameter_sets = Vec::new();
    for (operations, sets) in per_page {
        out.extend(operations);
        parameter_sets.extend(sets);
    }
    ResolvedOperations {
        operations: sorted(out),
        parameter_sets,
    }
}

/// The operations of one page, with where each was read, and its parameter sets, in order.
type PageOperations = (Vec<(Operation, Origin)>, Vec<Arc<[Parameter]>>);

/// [`PageOperations`] of one page.
fn page_operations(
    page_index: usize,
    page: &PageFacts,
    lines: Vec<RequestLine>,
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> PageOperations {
    let mut out = Vec::with_capacity(page.operations.len());
    let mut parameter_sets = Vec::new();
    let ns = page.namespace.as_deref();
    let resolve =
        |r: &RawTypeRef, diags: &mut Diagnostics| (symbols.resolve(r, ns, diags), r.collection);
    let mut cache: Option<(*const RawMethodPage, Shared)> = None;
    // The success examples of the whole page: an example is attached to one request line,
    // but it shows what every line of the page answers.
    let page_success = example_success(page.operations.iter().flat_map(|o| &o.examples), |t| {
        if t.starts_with("Edm.") {
            Some(t.to_string())
        } else {
            symbols.lookup(t, ns)
        }
    });
    for ((op_index, op), line) in page.operations.iter().enumerate().zip(lines) {
        let key = Arc::as_ptr(&op.page);
        if cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let shared = resolve_shared(&op.page, &resolve, diags);
            parameter_sets.push(Arc::clone(&shared.parameters));
            cache = Some((key, shared));
        }
        let Some((_, shared)) = &cache else { continue };
        let request = match (&op.request_type, &op.page.response_type) {
            // The same reference as the response: resolved already.
            (Some(r), Some(resp)) if r == resp => shared.response.clone(),
            (Some(r), _) => Some(resolve(r, diags)),
            (None, _) => None,
        };
        let info = &op.page;
        // Only a success is evidence of the answer: the page's sentence (which names no
        // error status, `model::method`), else the first 2xx example response.
        let (example_status, example_type) = page_success.clone();
        let status = info.status.or(example_status);
        let response = shared.response.clone().or(example_type);
        let operation = Operation {
            method: op.method,
            path: line.path,
            segments: line.segments,
            query: line.query,
            kind: op.kind,
            title: Arc::clone(&info.title),
            description: Arc::clone(&info.description),
            request_type: request.map(|(t, c)| TypeRef::new(t, c)),
            parameters: Arc::clone(&shared.parameters),
            response_type: response.map(|(t, c)| TypeRef::new(t, c)),
            status,
            headers: Arc::clone(&info.headers),
            query_options: Arc::clone(&info.query_options),
            permissions: Arc::clone(&info.permissions),
            // Moved in from the page by `attach_examples`, once `resolve_types` is done
            // reading them.
            examples: Vec::new(),
            source: op.source.clone(),
            walk: None,
            disagreements: Vec::new(),
            alias_of: None,
        };
        out.push((operation, (page_index, op_index)));
    }
    (out, parameter_sets)
}

/// The operations in [`order`], stable. The indices are sorted and each (large) operation is
/// moved once, instead of the O(n log n) moves of sorting the operations themselves.
fn sorted(items: Vec<(Operation, Origin)>) -> Vec<(Operation, Origin)> {
    let mut index: Vec<usize> = (0..items.len()).collect();
    index.sort_by(|&a, &b| order(&items[a].0, &items[b].0));
    let mut slots: Vec<Option<(Operation, Origin)>> = items.into_iter().map(Some).collect();
    index
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// The order of the resolved operations: by path, method, then the page and line that list it.
pub(super) fn order(a: &Operation, b: &Operation) -> std::cmp::Ordering {
    (&a.path, a.method, &a.source).cmp(&(&b.path, b.method, &b.source))
}

/// Move each operation's examples from its page (where `resolve_types` read them) into the
/// operation, with the type each response annotation names resolved.
pub fn attach_examples(
    operations: Vec<(Operation, Origin)>,
    pages: &mut [PageFacts],
    symbols: &Symbols,
    diags: &mut Diagnostics,
) -> Vec<Operation> {
    let examples: Vec<Vec<Example>> = operations
        .iter()
        .map(|(_, (page, op))| std::mem::take(&mut pages[*page].operations[*op].examples))
        .collect();
    let pages = &*pages;
    // The names are looked up in parallel.
    diags.par_map(
        operations.into_par_iter().zip(examples),
        |((mut operation, (page, _)), mut examples), diags| {
            let ns = pages[page].namespace.as_deref();
            for example in &mut examples {
                let Some(response) = &mut example.response else {
                    continue;
                };
                let Some(annotated) = &response.r#type else {
                    continue;
                };
                let t = annotated.name();
                if t.starts_with("Edm.") || primitive(t).is_some() {
                    continue;
                }
                match symbols.lookup(t, ns) {
                    Some(found) => {
                        response.r#type = Some(TypeRef::new(found, annotated.collection));
                    }
                    None => diags.push(
                        &response.source,
                        Code::ExampleType,
                        format!("example response names type `{t}` that no page defines"),
                    ),
                }
            }
            operation.examples = examples;
            operation
        },
    )
}

/// Add to the enums the values that parameter descriptions list ("Possible values are …"), for
/// parameters typed by an enum; `sets` in page order.
pub fn merge_parameter_lists(
    enums: &mut BTreeMap<String, EnumDef>,
    sets: &[Arc<[Parameter]>],
    symbols: &Symbols,
    diags: &mut Diagnostics,
) {
    for parameters in sets {
        let lists: Vec<InlineList<'_>> = parameters
            .iter()
            .filter(|p| {
                !p.possible_values.is_empty()
                    && symbols.kind_of(p.ty.name()) == Some(SymbolKind::Enum)
            })
            .map(|p| InlineList {
                enum_name: p.ty.name(),
                values: &p.possible_values,
                source: &p.source,
            })
            .collect();
        merge_inline_lists(enums, lists, diags);
    }
}

/// The status and annotated type of the first example response with a 2xx status: an error
/// example (`404` when a drive cannot be provisioned) says nothing about success.
fn example_success<'e>(
    examples: impl IntoIterator<Item = &'e Example>,
    resolve: impl Fn(&str) -> Option<String>,
) -> (Option<u16>, Option<(String, bool)>) {
    let success = examples
        .into_iter()
        .filter_map(|e| e.response.as_ref())
        .find(|r| r.status.is_some_and(|s| (200..300).contains(&s)));
    match success {
        Some(r) => (
            r.status,
            r.r#type
                .as_ref()
                .and_then(|t| resolve(t.name()).map(|name| (name, t.collection))),
        ),
        None => (None, None),
    }
}

fn resolve_shared(
    page: &RawMethodPage,
    resolve: &impl Fn(&RawTypeRef, &mut Diagnostics) -> (String, bool),
    diags: &mut Diagnostics,
) -> Shared {
    let parameters: Vec<Parameter> = page
        .parameters
        .iter()
        .map(|p| {
            let (ty, collection) = resolve(&p.ty, diags);
            Parameter {
                name: p.name.clone(),
                ty: TypeRef::new(ty, collection),
                required: p.required,
                description: p.description.clone(),
                possible_values: p.possible_values.clone(),
                source: p.source.clone(),
            }
        })
        .collect();
    Shared {
        response: page.response_type.as_ref().map(|r| resolve(r, diags)),
        parameters: parameters.into(),
    }
}
