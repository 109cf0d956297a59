//! Operations: resolve the types an operation's page names (request body, parameters, response,
//! example annotations) to qualified names.

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostics};
use crate::model::facts::PageFacts;
use crate::model::ir::{EnumDef, Operation, Parameter};
use crate::resolve::enums::{merge_inline_lists, InlineList};
use crate::resolve::symbols::{SymbolKind, Symbols};

pub fn resolve_operations(
    pages: &[PageFacts],
    symbols: &Symbols,
    enums: &mut BTreeMap<String, EnumDef>,
    diags: &mut Diagnostics,
) -> Vec<Operation> {
    let mut out = Vec::new();
    for page in pages {
        let ns = page.namespace.as_deref();
        for op in &page.operations {
            let resolve = |r: &crate::model::type_cell::RawTypeRef, diags: &mut Diagnostics| {
                (symbols.resolve(r, ns, diags), r.collection)
            };
            let request = op.request_type.as_ref().map(|r| resolve(r, diags));
            let response = op.response_type.as_ref().map(|r| resolve(r, diags));
            let parameters: Vec<Parameter> = op
                .parameters
                .iter()
                .map(|p| {
                    let (ty, collection) = resolve(&p.ty, diags);
                    Parameter {
                        name: p.name.clone(),
                        r#type: ty,
                        collection,
                        required: p.required,
                        description: p.description.clone(),
                        possible_values: p.possible_values.clone(),
                        source: p.source.clone(),
                    }
                })
                .collect();
            let lists: Vec<InlineList<'_>> = parameters
                .iter()
                .filter(|p| {
                    !p.possible_values.is_empty()
                        && symbols.kind_of(&p.r#type) == Some(SymbolKind::Enum)
                })
                .map(|p| InlineList {
                    enum_name: &p.r#type,
                    values: &p.possible_values,
                    source: &p.source,
                })
                .collect();
            merge_inline_lists(enums, lists, diags);
            let mut examples = op.examples.clone();
            for example in &mut examples {
                let Some(response) = &mut example.response else {
                    continue;
                };
                let Some(t) = &response.r#type else { continue };
                if t.starts_with("Edm.") || crate::model::type_cell::primitive(t).is_some() {
                    continue;
                }
                match symbols.lookup(t, ns) {
                    Some(found) => response.r#type = Some(found),
                    None => diags.push(
                        &response.source,
                        Code::ExampleType,
                        format!("example response names type `{t}` that no page defines"),
                    ),
                }
            }
            out.push(Operation {
                method: op.method,
                path: op.path.clone(),
                segments: op.segments.clone(),
                query: op.query.clone(),
                kind: op.kind,
                title: op.title.clone(),
                description: op.description.clone(),
                request_type: request.as_ref().map(|(t, _)| t.clone()),
                request_collection: request.as_ref().is_some_and(|(_, c)| *c),
                parameters,
                response_type: response.as_ref().map(|(t, _)| t.clone()),
                response_collection: response.as_ref().is_some_and(|(_, c)| *c),
                status: op.status,
                headers: op.headers.clone(),
                query_options: op.query_options.clone(),
                permissions: op.permissions.clone(),
                examples,
                source: op.source.clone(),
            });
        }
    }
    out.sort_by(|a, b| (&a.path, a.method, &a.source).cmp(&(&b.path, b.method, &b.source)));
    out
}
