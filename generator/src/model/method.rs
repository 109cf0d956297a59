//! Method pages: HTTP request lines, request headers, body and parameter tables, the response
//! sentence, permissions and the examples, into raw operations (one per request line).

use crate::diagnostics::Code;
use crate::model::context::PageContext;
use crate::model::enums::{inline_values, page_description};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

use crate::ir::{
    Example, ExampleBody, ExampleRequest, ExampleResponse, Header, HttpMethod, OperationKind,
    Permission, Segment, Source, TypeRef,
};
use crate::model::facts::{RawMethodPage, RawOperation, RawParameter};
use crate::model::http_path::{parse_path, parse_request_line, LineKind};
use crate::model::resource::repair_list;
use crate::model::rows::{typed_columns, typed_rows, value_typed_columns};
use crate::model::sections::Outline;
use crate::model::type_cell::RawTypeRef;
use crate::read::annotation::Annotation;
use crate::read::json_repair::parse_lenient;
use crate::read::markdown::{Block, CodeBlock, Inline, Table};

/// Read the operations of a method page. `annotations[i]` is the annotation of block `i`.
pub fn read_operations(
    outline: &Outline<'_>,
    cx: &mut PageContext,
    annotations: &[Option<Annotation>],
) -> Vec<RawOperation> {
    let lines = request_lines(outline, cx);
    if lines.is_empty() {
        return Vec::new();
    }
    let title = outline
        .title()
        .map(|t| t.text.trim().to_string())
        .unwrap_or_default();
    let description = page_description(outline);
    let (response_type, status) = response_sentence(outline, cx);
    let (mut parameters, from_value_table) = parameters(outline, cx);
    let request_type = request_body_type(outline, cx);
    let headers = headers(outline);
    let permissions = permissions(outline);
    let query_options = query_options(outline);
    let mut examples = examples(outline, cx, annotations);
    if from_value_table && !examples_send_any(&examples, &parameters) {
        // A `Name | Value` table is read only when an example sends what it lists:
        // `followedSites/add` lists `id`, and sends `{"value": [{"id": …}]}`.
        parameters.retain(|p| !p.from_value_table);
    }
    let page = Arc::new(RawMethodPage {
        title: title.into(),
        description: description.into(),
        parameters,
        response_type,
        status,
        headers: headers.into(),
        query_options: query_options.into(),
        permissions: permissions.into(),
    });

    let mut ops: Vec<RawOperation> = lines
        .into_iter()
        .map(|(line, source)| {
            let kind = kind(
                &page.title,
                cx.file(),
                line.method,
                &line.segments,
                page.response_type.as_ref(),
            );
            RawOperation {
                method: line.method,
                path: line.path,
                query: line.query,
                segments: line.segments,
                kind,
                request_type: match kind {
                    OperationKind::Create | OperationKind::Update => {
                        request_type.clone().or_else(|| page.response_type.clone())
                    }
                    _ => request_type.clone(),
                },
                examples: Vec::new(),
                source,
                page: Arc::clone(&page),
            }
        })
        .collect();
    // Each example goes to the operation whose path it matches best.
    for example in examples.drain(..) {
        let target = example_target(&ops, &example);
        if let Some(op) = ops.get_mut(target) {
            op.examples.push(example);
        }
    }
    ops
}

type Line = (crate::model::http_path::RequestLine, Source);

/// Every `VERB /path` line in the code blocks of the "HTTP request" sections.
fn request_lines(outline: &Outline<'_>, cx: &mut PageContext) -> Vec<Line> {
    let mut lines = Vec::new();
    for (_, block) in outline.under(|h| h.starts_with("http request")) {
        let Block::Code(code) = block else { continue };
        for (n, text) in code.text.lines().enumerate() {
            let source = cx.at(code.line + 1 + u32::try_from(n).unwrap_or(0));
            match parse_request_line(text) {
                LineKind::Request(line) => {
                    for repair in &line.repairs {
                        cx.push(&source, Code::PathRepaired, repair.clone());
                    }
                    lines.push((line, source));
                }
                LineKind::Blank => {}
                LineKind::NotRequest(why) => {
                    let body = text.trim_start().starts_with(['{', '"', '[']);
                    if body {
                        cx.push(&source, Code::BadRequestLine, "HTTP request block continues with a request body; the rest of the block is skipped");
                        break;
                    }
                    cx.push(&source, Code::BadRequestLine, why);
                }
            }
        }
    }
    lines
}

/// The kind of one request line, from the title, the verb and the path.
fn kind(
    title: &str,
    file: &str,
    method: HttpMethod,
    segments: &[Segment],
    response: Option<&RawTypeRef>,
) -> OperationKind {
    let lower = title.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let last = lower.split_whitespace().last().unwrap_or("");
    let last_segment = segments.last();
    let is_call = matches!(last_segment, Some(Segment::Call { .. }));
    use HttpMethod as M;
    use OperationKind as K;
    match method {
        M::Get
            if last == "function" || is_call || last == "delta" || lower.ends_with("delta()") =>
        {
            return K::Function
        }
        M::Post if last == "action" => return K::Action,
        _ => {}
    }
    match (first, method) {
        ("list", M::Get) => return K::List,
        ("get", M::Get) if !lower.contains(':') => {
            return if response.is_some_and(|r| r.collection) && !ends_with_key(segments) {
                K::List
            } else {
                K::Get
            }
        }
        ("create" | "add" | "post", M::Post) => return K::Create,
        ("update" | "patch" | "upsert", M::Patch | M::Put) => return K::Update,
        ("delete" | "remove", M::Delete) => return K::Delete,
        _ => {}
    }
    match method {
        M::Delete => K::Delete,
        M::Patch | M::Put => K::Update,
        M::Post => {
            let stem = file.rsplit('/').next().unwrap_or(file);
            if stem.contains("-post-")
                || stem.contains("_post_")
                || stem.ends_with("_create.md")
                || stem.ends_with("-create.md")
            {
                K::Create
            } else {
                K::Action
            }
        }
        M::Get => {
            if lower.contains(':') {
                K::Function
            } else if ends_with_key(segments) {
                K::Get
            } else if response.is_some_and(|r| r.collection) {
                K::List
            } else {
                K::Get
            }
        }
    }
}

fn ends_with_key(segments: &[Segment]) -> bool {
    matches!(
        segments.last(),
        Some(
            Segment::Key { .. }
                | Segment::KeyInParens { .. }
                | Segment::System { .. }
                | Segment::PathAddress { .. }
        )
    )
}

/// "If successful, this method returns a `201 Created` response code and a
/// [managedDeviceCertificateState](../resources/x.md) object in the response body."
fn response_sentence(outline: &Outline<'_>, cx: &PageContext) -> (Option<RawTypeRef>, Option<u16>) {
    let mut ty = None;
    let mut status = None;
    for (i, block) in outline.page.blocks.iter().enumerate() {
        let Block::Paragraph(p) = block else { continue };
        let in_response = outline.section_name(i) == Some("response");
        if !in_response {
            continue;
        }
        if status.is_none() {
            status = status_code(p);
        }
        if ty.is_none() {
            ty = returned_type(p, cx);
        }
        if ty.is_some() && status.is_some() {
            break;
        }
    }
    (ty, status)
}

/// The first HTTP status code in a sentence, preferring code spans.
fn status_code(p: &Inline) -> Option<u16> {
    let from = |text: &str| {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 3)
            .filter_map(|w| w.parse::<u16>().ok())
            // Only a success is the answer: "an `HTTP 404` response will be returned" is not.
            .find(|c| (200..400).contains(c))
    };
    p.code.iter().find_map(|c| from(c)).or_else(|| {
        let lower = p.text.to_ascii_lowercase();
        lower
            .contains("response code")
            .then(|| from(&p.text))
            .flatten()
    })
}

/// The linked type of a response sentence and whether it says "collection".
fn returned_type(p: &Inline, cx: &PageContext) -> Option<RawTypeRef> {
    let lower = p.text.to_ascii_lowercase();
    if !(lower.contains("return") || lower.contains("response body")) {
        return None;
    }
    let link = p.links.iter().find(|l| is_type_link(l))?;
    let after = lower.get(link.end..).unwrap_or("");
    let after = after.trim_start();
    let collection = after.starts_with("collection") || after.starts_with("objects");
    Some(RawTypeRef {
        name: link.text.trim_matches('`').to_string(),
        link: Some(link.target.clone()),
        collection,
        free_text: None,
        source: cx.at(p.line),
    })
}

/// A link to a docs page that can define a type (not an api page, not a site link), whose text
/// is a name rather than prose.
fn is_type_link(link: &crate::read::markdown::Link) -> bool {
    if link.text.trim().contains(' ') {
        return false;
    }
    let t = link.target.to_ascii_lowercase();
    (t.ends_with(".md") || t.contains(".md#") || t.starts_with('#'))
        && !t.contains("/api/")
        && !t.starts_with("http")
        && !t.contains("concepts")
}

/// "In the request body, supply a JSON representation of a [user](../resources/user.md) object."
fn request_body_type(outline: &Outline<'_>, cx: &PageContext) -> Option<RawTypeRef> {
    outline
        .under(|h| h == "request body")
        .find_map(|(_, b)| match b {
            Block::Paragraph(p) => {
                let lower = p.text.to_ascii_lowercase();
                if !lower.contains("representation") {
                    return None;
                }
                let at = lower.find("representation")?;
                let link = p.links.iter().find(|l| l.end > at && is_type_link(l))?;
                Some(RawTypeRef {
                    name: link.text.trim_matches('`').to_string(),
                    link: Some(link.target.clone()),
                    collection: false,
                    free_text: None,
                    source: cx.at(p.line),
                })
            }
            _ => None,
        })
}

/// Whether a request example's JSON body has one of the parameters at its top level, or no
/// request example has a JSON object body to say otherwise.
fn examples_send_any(examples: &[Example], parameters: &[RawParameter]) -> bool {
    let mut bodies = examples
        .iter()
        .filter_map(|e| e.request.as_ref())
        .filter_map(|r| r.body.value()?.as_object())
        .peekable();
    if bodies.peek().is_none() {
        return true;
    }
    bodies.any(|body| {
        parameters
            .iter()
            .filter(|p| p.from_value_table)
            .any(|p| body.contains_key(&p.name))
    })
}

/// Body properties, action parameters and function parameters, and whether a request body's
/// `Name | Value` table gave some of them.
fn parameters(outline: &Outline<'_>, cx: &mut PageContext) -> (Vec<RawParameter>, bool) {
    let mut params: Vec<RawParameter> = Vec::new();
    let mut from_value_table = false;
    // The names read so far: a parameter listed in two tables is kept once (the first).
    let mut seen: HashSet<String> = HashSet::new();
    let wanted = |h: &str| {
        h == "request body"
            || h == "function parameters"
            || h == "parameters"
            || h == "path parameters"
            || (h == "query parameters")
    };
    for (i, block) in outline.under(wanted) {
        let Block::Table(table) = block else { continue };
        let in_body = outline.path(i).any(|h| h == "request body");
        let typed = typed_columns(table);
        let value_table = typed.is_none() && in_body;
        let cols = if value_table {
            value_typed_columns(table)
        } else {
            typed
        };
        let Some(cols) = cols else {
            continue;
        };
        from_value_table |= value_table;
        for row in typed_rows(table, cols, cx) {
            if !seen.insert(row.name.clone()) {
                continue;
            }
            let description = row.description_text();
            let required = row.required || description.to_ascii_lowercase().starts_with("required");
            params.push(RawParameter {
                possible_values: row
                    .description
                    .as_deref()
                    .map(inline_values)
                    .unwrap_or_default(),
                name: row.name,
                ty: row.ty,
                required,
                description,
                from_value_table: value_table,
                source: row.source,
            });
        }
    }
    (params, from_value_table)
}

fn headers(outline: &Outline<'_>) -> Vec<Header> {
    let mut out = Vec::new();
    for (_, block) in outline.under(|h| h == "request headers") {
        let Block::Table(table) = block else { continue };
        for row in &table.rows {
            let mut cells = row.cells.iter();
            let Some(name) = cells
                .next()
                .map(|c| c.text.trim().trim_matches('`').to_string())
            else {
                continue;
            };
            if name.is_empty() || name.contains(' ') {
                continue;
            }
            let description = cells
                .map(|c| c.text.trim())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Header { name, description });
        }
    }
    out
}

fn permissions(outline: &Outline<'_>) -> Vec<Permission> {
    let mut out = Vec::new();
    for (_, block) in outline.under(|h| h == "permissions" || h == "prerequisites") {
        let Block::Table(table) = block else { continue };
        if table.header.len() < 2 {
            continue;
        }
        out.extend(permission_rows(table));
    }
    out
}

fn permission_rows(table: &Table) -> impl Iterator<Item = Permission> + '_ {
    table.rows.iter().filter_map(|row| {
        let kind = row.cells.first()?.text.trim().to_string();
        let scopes_text = row.cells.get(1)?.text.as_str();
        if kind.is_empty() {
            return None;
        }
        let scopes = if scopes_text.to_ascii_lowercase().contains("not supported") {
            Vec::new()
        } else {
            // A scope is dotted words (`User.Read.All`); "None." or "Not applicable." are not.
            scopes_text
                .split([',', ' ', ';'])
                .map(|s| s.trim().trim_matches('`').trim_end_matches(['.', '*']))
                .filter(|s| {
                    s.contains('.')
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                })
                .map(str::to_string)
                .collect()
        };
        Some(Permission { kind, scopes })
    })
}

/// `$select`, `$filter`, ... named in the "Optional query parameters" section.
fn query_options(outline: &Outline<'_>) -> Vec<String> {
    const OPTIONS: &[&str] = &[
        "$count",
        "$expand",
        "$filter",
        "$format",
        "$orderby",
        "$search",
        "$select",
        "$skip",
        "$skiptoken",
        "$top",
    ];
    let mut found = Vec::new();
    for (_, block) in outline.under(|h| h.contains("query parameters")) {
        let texts: Vec<&str> = match block {
            Block::Paragraph(p) => vec![p.text.as_str()],
            Block::Table(t) => t
                .rows
                .iter()
                .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
                .collect(),
            _ => continue,
        };
        for text in texts {
            let lower = text.to_ascii_lowercase();
            for option in OPTIONS {
                if contains_word(&lower, option) && !found.iter().any(|f| f == option) {
                    found.push(option.to_string());
                }
            }
        }
    }
    found.sort();
    found
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word)
        .any(|(i, _)| !text[i + word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
}

/// The examples of a page, requests paired with their responses.
fn examples(
    outline: &Outline<'_>,
    cx: &mut PageContext,
    annotations: &[Option<Annotation>],
) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    // Indexes into `out`, so that pairing a response is not a scan of every example so far:
    // the examples waiting for a response by name, and those with a request, each oldest
    // first (an entry whose example got its response since is dropped when met).
    let mut waiting_by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut waiting_requests: Vec<usize> = Vec::new();
    let mut named = 0usize;
    for (i, block) in outline.page.blocks.iter().enumerate() {
        let Block::Code(code) = block else { continue };
        let annotation = annotations.get(i).and_then(Option::as_ref);
        let role = match annotation.and_then(|a| a.block_type.as_deref()) {
            Some("request") => Role::Request,
            Some("response") => Role::Response,
            Some(_) => continue,
            None => {
                // Unannotated (the Intune family): find `### Request` / `### Response` headings.
                if outline.path(i).any(|h| h.starts_with("http request")) {
                    continue;
                }
                if !matches!(
                    code.info.as_str(),
                    "http" | "json" | "msgraph-interactive" | ""
                ) {
                    continue;
                }
                match outline.innermost_name(i) {
                    Some(h) if h.contains("request") => Role::Request,
                    Some(h) if h.contains("response") => Role::Response,
                    _ => continue,
                }
            }
        };
        let source = cx.at(code.line);
        let names = annotation.map(|a| a.names.clone()).unwrap_or_default();
        match role {
            Role::Request => {
                let Some(request) = example_request(code, &source, cx) else {
                    continue;
                };
                let name = names.into_iter().next();
                if let Some(n) = &name {
                    named += 1;
                    waiting_by_name
                        .entry(n.clone())
                        .or_default()
                        .push(out.len());
                }
                waiting_requests.push(out.len());
                out.push(Example {
                    name,
                    request: Some(request),
                    response: None,
                });
            }
            Role::Response => {
                let response = example_response(code, annotation, &source, cx);
                // The latest example still without a response whose name is one of `names`;
                // else the latest request without a response, when names cannot pair them.
                let by_name = names
                    .iter()
                    .filter_map(|n| latest_waiting(waiting_by_name.get_mut(n)?, &out))
                    .max();
                let slot = by_name.or_else(|| {
                    latest_waiting(&mut waiting_requests, &out)
                        .filter(|_| names.is_empty() || named == 0)
                });
                match slot {
                    Some(at) => out[at].response = Some(response),
                    None => {
                        let name = names.into_iter().next();
                        named += usize::from(name.is_some());
                        out.push(Example {
                            name,
                            request: None,
                            response: Some(response),
                        });
                    }
                }
            }
        }
    }
    out
}

enum Role {
    Request,
    Response,
}

/// The last of `waiting` (indexes into `examples`, ascending) whose example has no response
/// yet; those that got one since are dropped from the end on the way.
fn latest_waiting(waiting: &mut Vec<usize>, examples: &[Example]) -> Option<usize> {
    while let Some(&at) = waiting.last() {
        if examples.get(at).is_some_and(|e| e.response.is_none()) {
            return Some(at);
        }
        waiting.pop();
    }
    None
}

/// Split an HTTP example into its first line, headers and body.
fn split_http(text: &str) -> (&str, Vec<(String, String)>, &str) {
    let text = text.trim_start_matches(['\n', '\r', ' ']);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let mut headers = Vec::new();
    // Intune examples put a blank line between the request line and the headers.
    let mut rest = match rest.trim_start_matches(['\r', '\n']) {
        r if looks_like_header(r.lines().next().unwrap_or("")) => r,
        _ => rest,
    };
    loop {
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('{') || trimmed.starts_with('[') {
            break;
        }
        match trimmed.split_once(':') {
            Some((name, value)) if !name.contains(' ') && !name.contains('"') => {
                headers.push((name.trim().to_string(), value.trim().to_string()));
                rest = tail;
            }
            _ => break,
        }
        if tail.is_empty() {
            rest = "";
            break;
        }
    }
    (first.trim(), headers, rest)
}

fn looks_like_header(line: &str) -> bool {
    match line.trim().split_once(':') {
        Some((name, _)) => {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }
        None => false,
    }
}

fn example_request(
    code: &CodeBlock,
    source: &Source,
    cx: &mut PageContext,
) -> Option<ExampleRequest> {
    let (first, headers, body) = split_http(&code.text);
    let (verb, rest) = first.split_once(char::is_whitespace).unwrap_or((first, ""));
    let Some(method) = HttpMethod::parse(verb) else {
        cx.push(
            source,
            Code::BadRequestLine,
            format!(
                "example request does not start with `VERB url`: `{}`",
                first.chars().take(60).collect::<String>()
            ),
        );
        return None;
    };
    let url = rest.trim().trim_end_matches("HTTP/1.1").trim().to_string();
    let body = example_body(body, &headers, source, cx);
    Some(ExampleRequest {
        method,
        url,
        headers,
        body,
        source: source.clone(),
    })
}

fn example_response(
    code: &CodeBlock,
    annotation: Option<&Annotation>,
    source: &Source,
    cx: &mut PageContext,
) -> ExampleResponse {
    let text = code.text.trim_start();
    let (status, headers, body) = if text.starts_with("HTTP") {
        let (first, headers, body) = split_http(text);
        let status = first
            .split_whitespace()
            .find_map(|w| w.parse::<u16>().ok().filter(|c| (100..600).contains(c)));
        if status.is_none() || !first.starts_with("HTTP/") {
            cx.push(
                source,
                Code::ExampleStatus,
                format!("response status line is `{first}`"),
            );
        }
        (status, headers, body)
    } else if text.starts_with('{') || text.starts_with('[') {
        if code.info != "json" {
            cx.push(
                source,
                Code::ExampleStatus,
                "example response has no status line",
            );
        }
        (None, Vec::new(), text)
    } else {
        cx.push(
            source,
            Code::ExampleStatus,
            "example response has no status line",
        );
        (None, Vec::new(), text)
    };
    let body = example_body(body, &headers, source, cx);
    let (r#type, mut collection) = match annotation {
        Some(a) => (a.odata_type.clone(), a.is_collection),
        None => (None, false),
    };
    if let Some(v) = body.value() {
        collection |= v.get("value").is_some_and(serde_json::Value::is_array) && r#type.is_some();
    }
    ExampleResponse {
        status,
        headers,
        r#type: r#type.map(|name| TypeRef::new(name, collection)),
        truncated: annotation.is_some_and(|a| a.truncated),
        body,
        source: source.clone(),
    }
}

fn example_body(
    body: &str,
    headers: &[(String, String)],
    source: &Source,
    cx: &mut PageContext,
) -> ExampleBody {
    let body = body.trim();
    if body.is_empty() {
        return ExampleBody::None;
    }
    let content_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase());
    if content_type
        .as_deref()
        .is_some_and(|ct| !ct.contains("json"))
    {
        return ExampleBody::Text(body.to_string());
    }
    match parse_lenient(body) {
        Ok((value, repairs)) if repairs.is_empty() => ExampleBody::Json(value),
        Ok((value, repairs)) => {
            cx.push(
                source,
                Code::ExampleJson,
                format!(
                    "example body is not valid JSON; read after repair ({})",
                    repair_list(&repairs)
                ),
            );
            ExampleBody::Repaired(value)
        }
        Err(message) => {
            cx.push(
                source,
                Code::ExampleJson,
                format!("example body is not JSON: {message}"),
            );
            ExampleBody::Text(body.to_string())
        }
    }
}

/// The operation an example belongs to: the best path match with the same verb.
fn example_target(ops: &[RawOperation], example: &Example) -> usize {
    let Some(request) = &example.request else {
        return 0;
    };
    let (_, _, segments, _) = parse_path(&request.url);
    let mut best: Option<(usize, usize)> = None;
    for (i, op) in ops.iter().enumerate() {
        if op.method != request.method || op.segments.len() != segments.len() {
            continue;
        }
        let mut score = 0;
        let matched = op
            .segments
            .iter()
            .zip(&segments)
            .all(|(t, e)| match (t, e) {
                (Segment::Literal { name: a }, Segment::Literal { name: b }) => {
                    score += 1;
                    a.eq_ignore_ascii_case(b)
                }
                (Segment::Key { .. }, Segment::Literal { .. } | Segment::Key { .. }) => true,
                (Segment::Cast { r#type: a }, Segment::Cast { r#type: b }) => {
                    score += 1;
                    a.eq_ignore_ascii_case(b)
                }
                (Segment::Call { name: a, .. }, Segment::Call { name: b, .. }) => {
                    a.eq_ignore_ascii_case(b)
                }
                (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
            });
        if matched && best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
        .or_else(|| ops.iter().position(|op| op.method == request.method))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::http_path::parse_path;

    #[test]
    fn permission_rows_keep_scopes_only() {
        let page = "# Get thing\n\n## Permissions\n\n\
            |Permission type|Permissions (from least to most privileged)|\n\
            |:---|:---|\n\
            |Delegated (work or school account)|Application.Read.All, Directory.Read.All.|\n\
            |Delegated (personal Microsoft account)|Not supported.|\n\
            |Application|None.|\n\n\
            ## HTTP request\n\n```http\nGET /things/{id}\n```\n";
        let facts = crate::model::lower_page("api/thing-get.md", page);
        let permissions = &facts.operations[0].page.permissions;
        let scopes: Vec<(&str, Vec<&str>)> = permissions
            .iter()
            .map(|p| {
                (
                    p.kind.as_str(),
                    p.scopes.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            scopes,
            [
                (
                    "Delegated (work or school account)",
                    vec!["Application.Read.All", "Directory.Read.All"]
                ),
                ("Delegated (personal Microsoft account)", vec![]),
                ("Application", vec![]),
            ]
        );
    }

    /// A copy action whose body table heads its type column `Value`, with a request example.
    fn value_table_page(body: &str) -> String {
        format!(
            "# Copy thing\n\n## HTTP request\n\n```http\nPOST /things/{{id}}/copy\n```\n\n\
             ## Request body\n\n\
             | Name | Value | Description |\n|:--|:--|:--|\n\
             | parentReference | [ItemReference](../resources/itemreference.md) | Where. |\n\
             | name | string | The new name. |\n\n\
             ## Example\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"copy\" }} -->\n\
             ```http\nPOST https://graph.microsoft.com/v1.0/things/1/copy\n\
             Content-type: application/json\n\n{body}\n```\n"
        )
    }

    #[test]
    fn a_value_headed_body_table_is_read_when_an_example_sends_what_it_lists() {
        let facts = crate::model::lower_page(
            "api/thing-copy.md",
            &value_table_page(r#"{"parentReference": {"id": "p"}, "name": "Copy"}"#),
        );
        let params: Vec<(&str, &str)> = facts.operations[0]
            .page
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.ty.name.as_str()))
            .collect();
        assert_eq!(
            params,
            [("parentReference", "ItemReference"), ("name", "string")]
        );
        // The example sends something else (`followedSites/add`: `{"value": [{"id": …}]}`):
        // the table is not the body.
        let facts = crate::model::lower_page(
            "api/thing-copy.md",
            &value_table_page(r#"{"value": [{"name": "Copy"}]}"#),
        );
        assert!(facts.operations[0].page.parameters.is_empty());
    }

    fn kind_of(title: &str, file: &str, method: HttpMethod, path: &str) -> OperationKind {
        let (_, _, segments, _) = parse_path(path);
        kind(title, file, method, &segments, None)
    }

    #[test]
    fn kinds_from_title_verb_and_path() {
        use HttpMethod as M;
        use OperationKind as K;
        assert_eq!(
            kind_of("List users", "api/user-list.md", M::Get, "/users"),
            K::List
        );
        assert_eq!(
            kind_of("Get user", "api/user-get.md", M::Get, "/users/{id}"),
            K::Get
        );
        assert_eq!(
            kind_of(
                "Create managedDeviceCertificateState",
                "api/x_create.md",
                M::Post,
                "/a/{id}/b"
            ),
            K::Create
        );
        assert_eq!(
            kind_of("Update user", "api/user-update.md", M::Patch, "/users/{id}"),
            K::Update
        );
        assert_eq!(
            kind_of(
                "Delete user",
                "api/user-delete.md",
                M::Delete,
                "/users/{id}"
            ),
            K::Delete
        );
        assert_eq!(
            kind_of(
                "user: assignLicense",
                "api/user-assignlicense.md",
                M::Post,
                "/users/{id}/assignLicense"
            ),
            K::Action
        );
        assert_eq!(
            kind_of(
                "reportRoot: getOffice365ActivationsUserDetail",
                "api/x.md",
                M::Get,
                "/reports/getOffice365ActivationsUserDetail"
            ),
            K::Function
        );
        assert_eq!(
            kind_of(
                "Get report",
                "api/x.md",
                M::Get,
                "/reports/getX(period='{p}')"
            ),
            K::Function
        );
        assert_eq!(
            kind_of("user: delta", "api/user-delta.md", M::Get, "/users/delta"),
            K::Function
        );
        assert_eq!(
            kind_of(
                "Add member",
                "api/group-post-members.md",
                M::Post,
                "/groups/{id}/members/$ref"
            ),
            K::Create
        );
        assert_eq!(
            kind_of("Something", "api/thing-post-things.md", M::Post, "/things"),
            K::Create
        );
        assert_eq!(
            kind_of("Something", "api/thing-do.md", M::Post, "/things/{id}/do"),
            K::Action
        );
    }

    #[test]
    fn intune_examples_with_a_blank_line_before_headers() {
        let (first, headers, body) = split_http(
            "POST https://x/y\n\nContent-type: application/json\nContent-length: 3\n\n{}\n",
        );
        assert_eq!(first, "POST https://x/y");
        assert_eq!(headers.len(), 2);
        assert_eq!(body.trim(), "{}");
    }
}
