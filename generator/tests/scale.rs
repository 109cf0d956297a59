//! Reading is linear in the size of a page: each shape of page is read at size n and 10n, and
//! the larger must not take more than `MAX_RATIO` times as long (linear is about 10, quadratic
//! about 100). The inputs are built here: a page of 100,000 table rows, and pages of 10 MB of
//! one construct each. Timing is compared within one run (best of several runs of the small
//! input), so a slow or busy machine does not make it flaky.
//!
//! `cargo test -p generator --release --test scale -- --nocapture` prints the figures.

use std::time::{Duration, Instant};

/// Generous: linear is 10, quadratic 100.
const MAX_RATIO: f64 = 40.0;

/// The same rows on a method page and on a resource page: about the same work (generous).
const MAX_KIND_RATIO: f64 = 3.0;

/// The tests of this file take turns: timing one while the other runs would be noise.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn resource_page(properties: &str, json: &str) -> String {
    format!(
        "---\ntitle: \"big resource type\"\ndoc_type: resourcePageType\n---\n\n\
         # big resource type\n\nNamespace: microsoft.graph\n\nA big type.\n\n## Properties\n\n\
         | Property | Type | Description |\n|:--|:--|:--|\n{properties}\n\
         ## JSON representation\n\n<!-- {{\n  \"blockType\": \"resource\",\n  \
         \"keyProperty\": \"id\",\n  \"@odata.type\": \"microsoft.graph.big\"\n}}-->\n\n\
         ```json\n{json}\n```\n"
    )
}

/// A page whose property table has `n` rows (and a JSON representation listing them).
fn table_rows(n: usize) -> (String, String) {
    let mut rows = String::new();
    let mut json = String::from("{\n");
    for i in 0..n {
        rows.push_str(&format!(
            "| property{i} | [widget{}](widget{}.md) collection | The property number {i}. Possible values are: `a{i}`, `b`. |\n",
            i % 50,
            i % 50
        ));
        json.push_str(&format!("  \"property{i}\": \"String\",\n"));
    }
    json.push_str("  \"id\": \"String\"\n}");
    ("resources/big.md".into(), resource_page(&rows, &json))
}

/// A page of about `bytes` bytes of one construct.
fn shaped(shape: &str, bytes: usize) -> (String, String) {
    let fill = |unit: &str| unit.repeat(bytes / unit.len().max(1));
    match shape {
        // One description cell of `bytes` bytes on one line.
        "long-cell" => (
            "resources/big.md".into(),
            resource_page(
                &format!("| id | String | {} |\n", fill("word [link](x.md) `code` ")),
                "{\"id\": \"String\"}",
            ),
        ),
        // A JSON representation of `bytes` bytes, broken (comments, trailing commas) so that
        // it is repaired.
        "broken-json" => (
            "resources/big.md".into(),
            resource_page(
                "| id | String | The key. |\n",
                &format!("{{ {} \"id\": \"String\", }}", fill("\"a\": [1, 2, /* c */ 3,], ")),
            ),
        ),
        // A code fence that is never closed.
        "unclosed-fence" => (
            "resources/big.md".into(),
            format!("# big resource type\n\n```json\n{}", fill("{\"a\": [\n")),
        ),
        // Markdown that is hard for parsers: nested brackets, emphasis, unclosed links.
        "brackets" => (
            "resources/big.md".into(),
            format!("# big resource type\n\n{}", fill("[[*_`<a ](x ")),
        ),
        // Deeply nested lists and quotes.
        "nesting" => (
            "resources/big.md".into(),
            format!("# big resource type\n\n{}", fill("> - > 1. > * x\n")),
        ),
        // Many HTML comments (annotation candidates) and headings.
        "comments" => (
            "resources/big.md".into(),
            fill("## x\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"a.b\"} -->\n"),
        ),
        // A method page with many HTTP request lines.
        "request-lines" => (
            "api/big.md".into(),
            format!(
                "# Get big\n\n## HTTP request\n\n```http\n{}```\n",
                fill("GET /widgets/{id}/gadgets('{k}')/microsoft.graph.x/y(a='{b}')\n")
            ),
        ),
        // An enum page with many members.
        "enum-members" => (
            "resources/big.md".into(),
            format!(
                "---\ndoc_type: enumPageType\n---\n# big enum type\n\n## Members\n|Member|Value|Description|\n|:--|:--|:--|\n{}",
                (0..bytes / 30)
                    .map(|i| format!("|member{i}|{i}|Member.|\n"))
                    .collect::<String>()
            ),
        ),
        // No line breaks at all.
        "one-line" => ("resources/big.md".into(), fill("| a | b ")),
        _ => unreachable!("unknown shape {shape}"),
    }
}

/// A method page (`api/big.md`) with one request line and `sections` after it.
fn method_page(sections: &str) -> (String, String) {
    (
        "api/big.md".into(),
        format!(
            "---\ntitle: \"widget: doIt\"\ndoc_type: apiPageType\n---\n\n# widget: doIt\n\n\
             Namespace: microsoft.graph\n\nDo it.\n\n## HTTP request\n\n```http\n\
             POST /widgets/{{id}}/doIt\n```\n\n{sections}\n## Response\n\n\
             If successful, this action returns a `200 OK` response code and a \
             [widget](../resources/widget.md) object in the response body.\n"
        ),
    )
}

/// `n` rows of a name/type/description table, names all different.
fn typed_table(header: &str, n: usize) -> String {
    let mut rows = format!("| {header} | Type | Description |\n|:--|:--|:--|\n");
    for i in 0..n {
        rows.push_str(&format!(
            "| name{i} | [widget{}](../resources/widget{}.md) collection | Number {i}. Required. Possible values are: `a{i}`, `b`. |\n",
            i % 50,
            i % 50
        ));
    }
    rows
}

/// The method-page tables, lists and code blocks, each with `n` rows, items or blocks.
fn method_shape(shape: &str, n: usize) -> (String, String) {
    match shape {
        // An action's parameter table.
        "method-params" => method_page(&format!(
            "## Request body\n\nIn the request body, provide a JSON object with the following parameters.\n\n{}\n",
            typed_table("Parameter", n)
        )),
        // A request body of properties, after the sentence that names the body's type.
        "request-body" => method_page(&format!(
            "## Request body\n\nIn the request body, supply a JSON representation of a \
             [widget](../resources/widget.md) object.\n\n{}\n",
            typed_table("Property", n)
        )),
        // Function and path parameters: two tables under their own headings.
        "function-params" => method_page(&format!(
            "## Function parameters\n\n{}\n## Path parameters\n\n{}\n",
            typed_table("Parameter", n / 2),
            typed_table("Parameter", n / 2).replace("| name", "| other")
        )),
        // Query parameters (the options named in them) and request headers.
        "query-and-headers" => method_page(&format!(
            "## Optional query parameters\n\n| Name | Description |\n|:--|:--|\n{}\n\
             ## Request headers\n\n| Header | Value |\n|:--|:--|\n{}\n",
            (0..n)
                .map(|i| format!("| `$top{i}` | Supports `$select` and `$filter`. |\n"))
                .collect::<String>(),
            (0..n)
                .map(|i| format!("| X-Header-{i} | Value {i}. Required. |\n"))
                .collect::<String>()
        )),
        // A permissions table.
        "permissions" => method_page(&format!(
            "## Permissions\n\n| Permission type | Permissions (from least to most privileged) |\n|:--|:--|\n{}\n",
            (0..n)
                .map(|i| format!("| Delegated{i} | Widget.Read.All, Widget{i}.ReadWrite.All |\n"))
                .collect::<String>()
        )),
        // A list of bullet points in the description.
        "list-items" => method_page(&format!(
            "## Request body\n\n{}\n",
            (0..n)
                .map(|i| format!("- item {i} with a [link](../resources/widget.md) and `code`\n"))
                .collect::<String>()
        )),
        // Examples: annotated request and response pairs, each with a JSON body.
        "examples" => method_page(&format!(
            "## Examples\n\n{}",
            (0..n / 10)
                .map(|i| format!(
                    "### Request {i}\n\n<!-- {{\n  \"blockType\": \"request\",\n  \"name\": \"doit_{i}\"\n}}-->\n\n\
                     ```http\nPOST https://graph.microsoft.com/beta/widgets/{i}/doIt\nContent-type: application/json\n\n\
                     {{\"name{i}\": \"x\"}}\n```\n\n### Response {i}\n\n<!-- {{\n  \"blockType\": \"response\",\n  \
                     \"name\": \"doit_{i}\",\n  \"@odata.type\": \"microsoft.graph.widget\"\n}}-->\n\n\
                     ```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"id\": \"{i}\"}}\n```\n\n"
                ))
                .collect::<String>()
        )),
        // Unannotated examples (the Intune family): found by their headings.
        "unnamed-examples" => method_page(&format!(
            "## Example\n\n{}",
            (0..n / 10)
                .map(|i| format!(
                    "### Request\n\n```http\nPOST https://graph.microsoft.com/beta/widgets/{i}/doIt\n```\n\n\
                     ### Response\n\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"id\": \"{i}\"}}\n```\n\n"
                ))
                .collect::<String>()
        )),
        _ => unreachable!("unknown shape {shape}"),
    }
}

fn time_read(page: &(String, String)) -> Duration {
    let pages = [page.clone()];
    let start = Instant::now();
    let api = generator::read_pages(&pages);
    let took = start.elapsed();
    std::hint::black_box(api);
    took
}

/// Best of `runs`.
fn best(page: &(String, String), runs: usize) -> Duration {
    (0..runs).map(|_| time_read(page)).min().unwrap_or_default()
}

fn assert_linear(what: &str, small: &(String, String), large: &(String, String)) {
    let _ = time_read(small); // warm up
    let mut t_small = best(small, 3).max(Duration::from_micros(200));
    let mut t_large = best(large, 1);
    let mut ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    for _ in 0..2 {
        if ratio < MAX_RATIO {
            break;
        }
        // Again before failing: another process may have taken the CPU.
        t_small = t_small.min(best(small, 3));
        t_large = t_large.min(best(large, 1));
        ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    }
    println!(
        "{what:<16} {:>9} bytes: {:>9.1} ms   {:>10} bytes: {:>9.1} ms   ratio {ratio:>5.1}",
        small.1.len(),
        t_small.as_secs_f64() * 1e3,
        large.1.len(),
        t_large.as_secs_f64() * 1e3,
    );
    assert!(
        ratio < MAX_RATIO,
        "{what}: reading 10x the input took {ratio:.1}x the time ({t_small:?} → {t_large:?}): not linear"
    );
}

#[test]
fn a_hundred_thousand_table_rows() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = table_rows(10_000);
    let large = table_rows(100_000);
    assert_linear("table rows", &small, &large);
    let api = generator::read_pages(&[large]);
    let big = api
        .types
        .iter()
        .find(|t| t.name == "big")
        .expect("the big type");
    assert!(big.properties.len() >= 100_000, "{}", big.properties.len());
}

#[test]
fn ten_megabyte_pages() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for shape in [
        "long-cell",
        "broken-json",
        "unclosed-fence",
        "brackets",
        "nesting",
        "comments",
        "request-lines",
        "enum-members",
        "one-line",
    ] {
        let small = shaped(shape, 1_000_000);
        let large = shaped(shape, 10_000_000);
        assert_linear(shape, &small, &large);
    }
}

/// Every table, list and code block of a method page, at 10,000 and 100,000 rows (or 1,000 and
/// 10,000 examples): the same rows cost about the same on a method page as on a resource page.
#[test]
fn method_pages_are_linear() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for shape in [
        "method-params",
        "request-body",
        "function-params",
        "query-and-headers",
        "permissions",
        "list-items",
        "examples",
        "unnamed-examples",
    ] {
        let small = method_shape(shape, 10_000);
        let large = method_shape(shape, 100_000);
        assert_linear(shape, &small, &large);
    }
    // Every row is read: the table is not skipped.
    let api = generator::read_pages(&[method_shape("method-params", 100_000)]);
    let op = api.operations.first().expect("the operation");
    assert_eq!(op.parameters.len(), 100_000);
}

/// A method page's parameter table is read about as fast as the same rows in a resource page's
/// property table (a method page once took 14 times as long).
#[test]
fn method_page_rows_cost_what_resource_rows_cost() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let resource = table_rows(100_000);
    let method = method_shape("method-params", 100_000);
    let _ = time_read(&method);
    let mut ratio = f64::MAX;
    let (mut t_resource, mut t_method) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        t_resource = t_resource.min(time_read(&resource));
        t_method = t_method.min(time_read(&method));
        ratio = t_method.as_secs_f64() / t_resource.as_secs_f64().max(1e-6);
        if ratio < MAX_KIND_RATIO {
            break;
        }
    }
    println!(
        "100,000 rows: resource page {:.1} ms, method page {:.1} ms, ratio {ratio:.2}",
        t_resource.as_secs_f64() * 1e3,
        t_method.as_secs_f64() * 1e3
    );
    assert!(
        ratio < MAX_KIND_RATIO,
        "100,000 parameter rows took {ratio:.1}x the time of 100,000 property rows"
    );
}

/// An API of one type with `n` properties (and one enum with `n` members) whose names are all
/// different strings but the same Rust name (`a` followed by symbols), so that every name
/// after the first needs a numbered suffix.
fn colliding_api(n: usize) -> generator::Api {
    use generator::ir::{EnumDef, EnumMember, Property, Source, TypeDef, TypeKind};
    let symbols: Vec<char> = ('\u{2190}'..='\u{21FF}').collect(); // arrows: not alphanumeric
    let name = |i: usize| -> String {
        let mut s = String::from("a");
        let mut k = i;
        loop {
            s.push(symbols[k % symbols.len()]);
            k /= symbols.len();
            if k == 0 {
                break;
            }
        }
        s
    };
    let source = Source {
        file: "resources/big.md".into(),
        line: 1,
    };
    generator::Api {
        types: vec![TypeDef {
            name: "big".into(),
            namespace: "microsoft.graph".into(),
            kind: TypeKind::Complex,
            base: None,
            key: None,
            open: false,
            r#abstract: false,
            media_entity: false,
            description: String::new(),
            properties: (0..n)
                .map(|i| Property {
                    name: name(i),
                    ty: generator::ir::TypeRef::new("Edm.String", false),
                    navigation: false,
                    description: String::new(),
                    read_only: false,
                    deprecated: false,
                    possible_values: Vec::new(),
                    inherited_from: None,
                    from_json: false,
                    source: source.clone(),
                })
                .collect(),
            sources: vec![source.clone()],
        }],
        enums: vec![EnumDef {
            name: "bigEnum".into(),
            namespace: "microsoft.graph".into(),
            flags: false,
            description: String::new(),
            members: (0..n)
                .map(|i| EnumMember {
                    name: name(i),
                    value: None,
                    description: String::new(),
                })
                .collect(),
            sources: vec![source],
        }],
        operations: Vec::new(),
        diagnostics: Vec::new(),
    }
}

fn time_emit(api: &generator::Api) -> Duration {
    let start = Instant::now();
    let files = generator::check::harness::emit_and_parse(api).expect("emits");
    let took = start.elapsed();
    std::hint::black_box(files);
    took
}

#[test]
fn emitting_colliding_names_is_linear() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = colliding_api(2_000);
    let large = colliding_api(20_000);
    let _ = time_emit(&small);
    let mut t_small = (0..3).map(|_| time_emit(&small)).min().unwrap_or_default();
    let mut t_large = time_emit(&large);
    for _ in 0..2 {
        if t_large.as_secs_f64() / t_small.as_secs_f64() < MAX_RATIO {
            break;
        }
        t_small = t_small.min(time_emit(&small));
        t_large = t_large.min(time_emit(&large));
    }
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    println!(
        "emit, colliding names: 2,000: {:.1} ms, 20,000: {:.1} ms, ratio {ratio:.1}",
        t_small.as_secs_f64() * 1e3,
        t_large.as_secs_f64() * 1e3
    );
    assert!(
        ratio < MAX_RATIO,
        "emitting 10x the names took {ratio:.1}x the time"
    );
}

/// `n` resource pages, each type deriving from the one before.
fn inheritance_chain(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let base = if i == 0 {
                String::new()
            } else {
                format!(",\n  \"baseType\": \"microsoft.graph.t{}\"", i - 1)
            };
            let page = format!(
                "# t{i} resource type\n\nNamespace: microsoft.graph\n\n## Properties\n\n\
                 | Property | Type | Description |\n|:--|:--|:--|\n| p{i} | String | Own. |\n\n\
                 ## JSON representation\n\n<!-- {{\n  \"blockType\": \"resource\",\n  \
                 \"@odata.type\": \"microsoft.graph.t{i}\"{base}\n}}-->\n\n```json\n{{\"p{i}\": \"String\"}}\n```\n"
            );
            (format!("resources/t{i}.md"), page)
        })
        .collect()
}

fn time_chain(pages: &[(String, String)]) -> (Duration, usize) {
    let start = Instant::now();
    let api = generator::read_pages(pages);
    let files = generator::check::harness::emit_and_parse(&api).expect("emits");
    let size = files.iter().map(|f| f.contents.len()).sum();
    (start.elapsed(), size)
}

/// A chain of types each deriving from the one before: properties are inherited from at most
/// `MAX_INHERITANCE_DEPTH` ancestors, so the model and the crate grow linearly, not with the
/// square of the chain.
#[test]
fn deep_inheritance_is_linear() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = inheritance_chain(100);
    let large = inheritance_chain(1_000);
    let (mut t_small, s_small) = time_chain(&small);
    t_small = t_small.min(time_chain(&small).0);
    let (mut t_large, s_large) = time_chain(&large);
    if t_large.as_secs_f64() / t_small.as_secs_f64() >= MAX_RATIO {
        t_large = t_large.min(time_chain(&large).0);
    }
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    let growth = s_large as f64 / s_small as f64;
    println!(
        "inheritance chain: 100 types: {:.1} ms, {s_small} bytes of Rust; 1,000: {:.1} ms, {s_large} bytes; time ratio {ratio:.1}, size ratio {growth:.1}",
        t_small.as_secs_f64() * 1e3,
        t_large.as_secs_f64() * 1e3,
    );
    assert!(growth < 25.0, "output grew {growth:.1}x for 10x the types");
    assert!(ratio < MAX_RATIO, "10x the types took {ratio:.1}x the time");
    let api = generator::read_pages(&large);
    assert!(api
        .diagnostics
        .iter()
        .any(|d| d.code == generator::Code::InheritanceDepth));
}
