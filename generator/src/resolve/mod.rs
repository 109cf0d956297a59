//! Resolution: the facts of every page into one [`Api`]. Builds the symbol table, synthesizes
//! enums that only descriptions define, merges enums and types across pages, applies
//! inheritance and resolves every type reference of every operation.

mod aliases;
mod derived;
mod enums;
mod operations;
pub mod routes;
pub(crate) mod symbols;
pub(crate) mod types;

use rayon::prelude::*;

use crate::diagnostics::Diagnostics;
use crate::ir::Api;
use crate::model::facts::{PageFacts, RawEnum};
use symbols::Symbols;

pub fn resolve(mut pages: Vec<PageFacts>) -> Api {
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut diags = Diagnostics::default();
    for page in &mut pages {
        diags.extend(std::mem::take(&mut page.diagnostics));
    }
    // Enums that only a description defines become enums of their own, so that the type cell
    // that names them resolves.
    let mut quiet = Diagnostics::default();
    let symbols = Symbols::build(&pages, &mut quiet);
    let synthesized = synthesized_enums(&pages, &symbols);
    let by_file: foldhash::HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.clone(), i))
        .collect();
    for (file, e) in synthesized {
        if let Some(page) = by_file.get(&file).map(|&i| &mut pages[i]) {
            if !page.enums.iter().any(|x| x.name == e.name) {
                page.enums.push(e);
            }
        }
    }
    let symbols = Symbols::build(&pages, &mut diags);

    let mut enums = enums::merge_enums(&pages, &symbols, &mut diags);
    let request_lines = operations::RequestLines::take(&mut pages);
    // Types and operations are resolved side by side; the value lists of both go into the
    // enums after, types' first, as one pass would.
    let ((types, type_diags), (resolved, operation_diags)) = rayon::join(
        || {
            let mut diags = Diagnostics::default();
            (types::resolve_types(&pages, &symbols, &mut diags), diags)
        },
        || {
            let mut diags = Diagnostics::default();
            let operations =
                operations::resolve_operations(&pages, request_lines, &symbols, &mut diags);
            (operations, diags)
        },
    );
    diags.extend(type_diags.into_vec());
    diags.extend(operation_diags.into_vec());
    let operations::ResolvedOperations {
        operations,
        parameter_sets,
    } = resolved;
    // The operations get their examples and aliases while the enums get the value lists of
    // properties and parameters; the diagnostics are added in the order of one pass.
    let ((operations, operation_diags), list_diags) = rayon::join(
        || {
            let mut diags = Diagnostics::default();
            let mut operations =
                operations::attach_examples(operations, &mut pages, &symbols, &mut diags);
            aliases::add_drive_item_aliases(&mut operations);
            (operations, diags)
        },
        || {
            let mut diags = Diagnostics::default();
            let lists = types.iter().flat_map(|t| {
                t.properties
                    .iter()
                    .filter(|p| p.inherited_from.is_none() && !p.possible_values.is_empty())
                    .map(|p| enums::InlineList {
                        enum_name: p.ty.name(),
                        values: &p.possible_values,
                        source: &p.source,
                    })
            });
            enums::merge_inline_lists(&mut enums, lists, &mut diags);
            operations::merge_parameter_lists(&mut enums, &parameter_sets, &symbols, &mut diags);
            diags
        },
    );
    diags.extend(operation_diags.into_vec());
    diags.extend(list_diags.into_vec());

    let mut api = Api {
        types,
        enums: enums.into_values().collect(),
        operations,
        diagnostics: Vec::new(),
    };
    api.enums
        .sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    api.types
        .sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    routes::type_routes(&mut api, &mut diags);
    api.diagnostics = diags.into_sorted();
    // The pages' facts are many small allocations; the caller need not wait for their release.
    rayon::spawn(move || drop((symbols, pages)));
    api
}

/// Property and parameter rows whose type is an undefined name and whose description lists
/// values: (page, enum to add to that page).
fn synthesized_enums(pages: &[PageFacts], symbols: &Symbols) -> Vec<(String, RawEnum)> {
    // Pages are read in parallel; the list keeps page order.
    let per_page: Vec<Vec<(String, RawEnum)>> = pages
        .par_iter()
        .map(|page| page_synthesized_enums(page, symbols))
        .collect();
    per_page.into_iter().flatten().collect()
}

/// [`synthesized_enums`] of one page.
fn page_synthesized_enums(page: &PageFacts, symbols: &Symbols) -> Vec<(String, RawEnum)> {
    let mut out = Vec::new();
    let ns = page.namespace.as_deref();
    let rows = page
        .types
        .iter()
        .flat_map(|t| t.properties.iter().map(|p| (&p.ty, &p.possible_values)))
        .chain(page.operations.iter().flat_map(|o| {
            o.page
                .parameters
                .iter()
                .map(|p| (&p.ty, &p.possible_values))
        }));
    for (ty, values) in rows {
        if values.len() < 2 || !enums::is_undefined(ty, symbols, ns) || ty.name.contains(' ') {
            continue;
        }
        out.push((
            page.file.clone(),
            RawEnum {
                name: ty.name.clone(),
                namespace: None,
                description: String::new(),
                members: enums::members_of_list(values),
                flags_hint: false,
                dedicated: false,
                source: ty.source.clone(),
            },
        ));
    }
    out
}
