//! What the docs say about derivation outside a type's own page: base pages that list their
//! derived types, and example values whose `@odata.type` names another type than the one the
//! model expects where the value stands (a `#microsoft.graph.androidLobApp` item in a page of
//! `mobileApp`, a `#microsoft.graph.fileAttachment` in a message's `attachments`).
//! `resolve::types` weighs this evidence after the bases the type's own page names.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::ir::Source;
use crate::model::facts::PageFacts;
use crate::resolve::symbols::{SymbolKind, Symbols};

/// One statement that `derived` derives from `base` (directly or not).
#[derive(Debug, Clone)]
pub(crate) struct Derivation {
    pub derived: String,
    pub base: String,
    pub evidence: Evidence,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// The base's page lists it (a `Derived types` table, `the base type for [x]`).
    Listed,
    /// An example writes a value of `derived` where `base` is expected.
    Example,
}

/// How deep an example's JSON is followed through the model.
const MAX_DEPTH: usize = 32;

/// The derivations base pages list, resolved to qualified type names; a link that is not a
/// type's page is no statement.
pub(crate) fn listed(pages: &[PageFacts], symbols: &Symbols) -> Vec<Derivation> {
    let mut quiet = Diagnostics::default();
    let mut out = Vec::new();
    for page in pages {
        let ns = page.namespace.as_deref();
        for ty in &page.types {
            if ty.derived.is_empty() {
                continue;
            }
            let Some(base) = symbols.lookup(&ty.odata_type, ns) else {
                continue;
            };
            for d in &ty.derived {
                let derived = symbols.resolve(d, ns, &mut quiet);
                if symbols.kind_of(&derived) == Some(SymbolKind::Type)
                    && !derived.eq_ignore_ascii_case(&base)
                {
                    out.push(Derivation {
                        derived,
                        base: base.clone(),
                        evidence: Evidence::Listed,
                        source: d.source.clone(),
                    });
                }
            }
        }
    }
    out
}

/// The derivations the method pages' examples show: every object whose `@odata.type` names a
/// type other than the one expected where it stands, in request and response bodies, followed
/// through nested properties by `property` (the declared type of a property of a type, its
/// ancestors' included). One entry per (derived, base) pair, at its first example.
pub(crate) fn in_examples(
    pages: &[PageFacts],
    symbols: &Symbols,
    property: &(dyn Fn(&str, &str) -> Option<String> + Sync),
) -> Vec<Derivation> {
    // The pages are walked in parallel; a pair met on several pages is kept at the first.
    let per_page: Vec<Vec<Derivation>> = pages
        .par_iter()
        .map(|page| page_examples(page, symbols, property))
        .collect();
    let mut seen = BTreeSet::new();
    per_page
        .into_iter()
        .flatten()
        .filter(|d| seen.insert((d.derived.to_ascii_lowercase(), d.base.to_ascii_lowercase())))
        .collect()
}

/// [`in_examples`] of one page, each pair once.
fn page_examples(
    page: &PageFacts,
    symbols: &Symbols,
    property: &(dyn Fn(&str, &str) -> Option<String> + Sync),
) -> Vec<Derivation> {
    let mut quiet = Diagnostics::default();
    let mut walker = Walker {
        symbols,
        property,
        out: Vec::new(),
        seen: BTreeSet::new(),
    };
    // Request lines of one page share their examples: each example is read once.
    let mut read: BTreeSet<(std::sync::Arc<str>, u32)> = BTreeSet::new();
    let ns = page.namespace.as_deref();
    for op in &page.operations {
        let request_type = op
            .request_type
            .as_ref()
            .map(|r| symbols.resolve(r, ns, &mut quiet));
        for example in &op.examples {
            if let (Some(request), Some(expected)) = (&example.request, &request_type) {
                if read.insert((request.source.file.clone(), request.source.line)) {
                    if let Some(body) = request.body.value() {
                        walker.top(body, expected, false, &request.source);
                    }
                }
            }
            let Some(response) = &example.response else {
                continue;
            };
            let Some(annotated) = &response.r#type else {
                continue;
            };
            let Some(expected) = symbols.lookup(annotated.name(), ns) else {
                continue;
            };
            if read.insert((response.source.file.clone(), response.source.line)) {
                if let Some(body) = response.body.value() {
                    walker.top(body, &expected, annotated.collection, &response.source);
                }
            }
        }
    }
    walker.out
}

struct Walker<'a> {
    symbols: &'a Symbols,
    property: &'a (dyn Fn(&str, &str) -> Option<String> + Sync),
    out: Vec<Derivation>,
    seen: BTreeSet<(String, String)>,
}

impl Walker<'_> {
    /// A body: one value of `expected`, or a page of them (`{"value": [...]}`).
    fn top(&mut self, body: &Value, expected: &str, collection: bool, source: &Source) {
        if let Value::Object(map) = body {
            let page = map.get("value").filter(|v| v.is_array());
            if let Some(items) = page {
                if collection || (self.property)(expected, "value").is_none() {
                    self.walk(items, expected, source, 0);
                    return;
                }
            }
        }
        self.walk(body, expected, source, 0);
    }

    fn walk(&mut self, value: &Value, expected: &str, source: &Source, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Array(items) => {
                for item in items {
                    self.walk(item, expected, source, depth + 1);
                }
            }
            Value::Object(map) => {
                let written = map
                    .get("@odata.type")
                    .and_then(Value::as_str)
                    .and_then(|t| self.symbols.lookup(t, None))
                    .filter(|t| self.symbols.kind_of(t) == Some(SymbolKind::Type));
                let here = match written {
                    Some(actual) => {
                        if !actual.eq_ignore_ascii_case(expected)
                            && self.seen.insert((
                                actual.to_ascii_lowercase(),
                                expected.to_ascii_lowercase(),
                            ))
                        {
                            self.out.push(Derivation {
                                derived: actual.clone(),
                                base: expected.to_string(),
                                evidence: Evidence::Example,
                                source: source.clone(),
                            });
                        }
                        actual
                    }
                    None => expected.to_string(),
                };
                for (key, v) in map {
                    if key.contains('@') || !(v.is_object() || v.is_array()) {
                        continue;
                    }
                    if let Some(ty) = (self.property)(&here, key) {
                        if self.symbols.kind_of(&ty) == Some(SymbolKind::Type) {
                            self.walk(v, &ty, source, depth + 1);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Code;
    use crate::ir::Api;

    /// A resource page: its type, the intro paragraph, property rows (`name|type`), a
    /// `Derived types` table of linked names, and the annotation's base, if any.
    fn resource(name: &str, intro: &str, rows: &[(&str, &str)], derived: &[&str]) -> String {
        let mut page = format!("# {name} resource type\n\nNamespace: microsoft.graph\n\n{intro}\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n");
        for (p, t) in rows {
            page.push_str(&format!("| {p} | {t} | The {p}. |\n"));
        }
        if !derived.is_empty() {
            page.push_str("\n## Derived types\n\n| Type | Description |\n|:--|:--|\n");
            for d in derived {
                page.push_str(&format!("| [{d}]({}.md) | A kind. |\n", d.to_lowercase()));
            }
        }
        let json: Vec<String> = rows
            .iter()
            .map(|(p, t)| format!("  \"{p}\": \"{t}\""))
            .collect();
        page.push_str(&format!(
            "\n## JSON representation\n\n<!-- {{\n  \"blockType\": \"resource\",\n  \"@odata.type\": \"microsoft.graph.{name}\"\n}}-->\n\n```json\n{{\n{}\n}}\n```\n",
            json.join(",\n")
        ));
        page
    }

    /// A list page whose response example holds the given items.
    fn list_page(collection: &str, ty: &str, items: &str) -> String {
        format!(
            "# List {collection}\n\nNamespace: microsoft.graph\n\nList them.\n\n## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET /{collection}\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and a collection of [{ty}](../resources/{ty}.md) objects in the response body.\n\n## Example\n\n### Request\n\n<!-- {{\n  \"blockType\": \"request\",\n  \"name\": \"list_{collection}\"\n}}-->\n```http\nGET https://graph.microsoft.com/v1.0/{collection}\n```\n\n### Response\n\n<!-- {{\n  \"blockType\": \"response\",\n  \"@odata.type\": \"microsoft.graph.{ty}\",\n  \"isCollection\": true\n}} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\n  \"value\": [{items}]\n}}\n```\n"
        )
    }

    fn api(pages: &[(&str, String)]) -> Api {
        let pages: Vec<(String, String)> = pages
            .iter()
            .map(|(f, t)| (f.to_string(), t.clone()))
            .collect();
        crate::read_pages(&pages)
    }

    fn base_of<'a>(api: &'a Api, name: &str) -> Option<&'a str> {
        api.types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no type {name}"))
            .base
            .as_deref()
    }

    fn implied_base_diagnostics(api: &Api) -> Vec<String> {
        api.diagnostics
            .iter()
            .filter(|d| d.code == Code::ImpliedBase)
            .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_base_page_names_the_types_derived_from_it() {
        let api = api(&[
            (
                "resources/shape.md",
                resource(
                    "shape",
                    "This is the base type for kinds of shapes such as [ring](ring.md), used on [canvas](canvas.md).",
                    &[("area", "Double")],
                    &["square"],
                ),
            ),
            ("resources/square.md", resource("square", "A square.", &[("side", "Double")], &[])),
            ("resources/ring.md", resource("ring", "A ring.", &[("radius", "Double")], &[])),
            // Where a shape is used, not a kind of shape: no base from this link.
            ("resources/canvas.md", resource("canvas", "A canvas.", &[("width", "Double")], &[])),
        ]);
        assert_eq!(base_of(&api, "square"), Some("microsoft.graph.shape"));
        assert_eq!(base_of(&api, "ring"), Some("microsoft.graph.shape"));
        assert_eq!(base_of(&api, "canvas"), None);
        let square = api
            .types
            .iter()
            .find(|t| t.name == "square")
            .expect("square");
        let names: Vec<&str> = square.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["area", "side"], "the base's property is inherited");
    }

    #[test]
    fn an_examples_odata_type_is_a_base_when_a_second_witness_agrees() {
        let items = r##"
          {"@odata.type": "#microsoft.graph.iosMobileApp", "displayName": "A", "bundleId": "b"},
          {"@odata.type": "#microsoft.graph.webLink", "url": "u"},
          {"@odata.type": "#microsoft.graph.androidApp", "displayName": "B", "packageId": "p"}"##;
        let api = api(&[
            (
                "resources/mobileapp.md",
                resource("mobileApp", "An app.", &[("displayName", "String")], &[]),
            ),
            // Repeats the base's rows: the rows are the second witness.
            (
                "resources/androidapp.md",
                resource(
                    "androidApp",
                    "An Android app.",
                    &[("displayName", "String"), ("packageId", "String")],
                    &[],
                ),
            ),
            // Repeats none of them, and its name holds the base's words in order.
            (
                "resources/iosmobileapp.md",
                resource(
                    "iosMobileApp",
                    "An iOS app.",
                    &[("bundleId", "String")],
                    &[],
                ),
            ),
            // Neither: an unrelated value in the example, no base from it.
            (
                "resources/weblink.md",
                resource("webLink", "A link.", &[("url", "String")], &[]),
            ),
            (
                "api/mobileapp-list.md",
                list_page("mobileApps", "mobileApp", items),
            ),
        ]);
        assert_eq!(
            base_of(&api, "androidApp"),
            Some("microsoft.graph.mobileApp")
        );
        assert_eq!(base_of(&api, "webLink"), None);
        assert_eq!(
            base_of(&api, "iosMobileApp"),
            Some("microsoft.graph.mobileApp")
        );
        assert!(implied_base_diagnostics(&api).is_empty());
    }

    #[test]
    fn a_statement_against_the_named_base_is_reported_and_the_page_wins() {
        let mut circle = resource("circle", "A circle.", &[("radius", "Double")], &[]);
        circle = circle.replace(
            "\"@odata.type\": \"microsoft.graph.circle\"",
            "\"@odata.type\": \"microsoft.graph.circle\",\n  \"baseType\": \"microsoft.graph.ellipse\"",
        );
        let api = api(&[
            (
                "resources/shape.md",
                resource("shape", "A shape.", &[], &["circle"]),
            ),
            (
                "resources/ellipse.md",
                resource("ellipse", "An ellipse.", &[], &[]),
            ),
            ("resources/circle.md", circle),
        ]);
        assert_eq!(base_of(&api, "circle"), Some("microsoft.graph.ellipse"));
        let diags = implied_base_diagnostics(&api);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("resources/shape.md:")
                && diags[0].contains(
                    "lists `microsoft.graph.circle` as derived from `microsoft.graph.shape`"
                ),
            "{diags:?}"
        );
    }

    #[test]
    fn words_of_a_base_name_in_order() {
        use crate::resolve::types::words_in_order;
        assert!(words_in_order("educationResource", "educationLinkResource"));
        assert!(words_in_order("identity", "userIdentity"));
        assert!(!words_in_order(
            "educationSubmissionResource",
            "educationResource"
        ));
        assert!(!words_in_order("meetingParticipantInfo", "identitySet"));
        assert!(!words_in_order("mobileApp", "iosApp"));
    }
}
