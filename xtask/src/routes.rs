//! `cargo xtask routes`: every builder operation of the pinned docs (or of `--docs DIR`) with
//! its method, path, response (type, collection, decoder), body, documented status,
//! permissions, the page it follows and where the pages of its path disagree with the walk of
//! the path through the model. Markdown for people, JSON for tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};
use generator::emit::requests::RouteFacts;
use generator::emit::Version;
use generator::ir::Disagreement;
use generator::Api;

pub struct Options {
    pub docs: Option<PathBuf>,
    pub docs_root: Option<PathBuf>,
    pub version: Option<String>,
    pub json: bool,
}

/// The routes of every version asked for, rendered.
pub fn run(options: &Options) -> Result<String> {
    let inputs = match &options.docs {
        Some(dir) => vec![(
            options
                .version
                .clone()
                .unwrap_or_else(|| crate::codegen::guess_version(dir)),
            dir.clone(),
        )],
        None => {
            let all = crate::codegen::pinned_inputs(
                &crate::codegen::workspace_root(),
                options.docs_root.as_deref(),
            )?;
            let picked: Vec<_> = all
                .into_iter()
                .filter(|(name, _)| options.version.as_ref().is_none_or(|v| v == name))
                .collect();
            if picked.is_empty() {
                bail!("no pinned docs of version {:?}", options.version);
            }
            picked
        }
    };
    let mut rows: Vec<(String, RouteFacts)> = Vec::new();
    let mut summaries = String::new();
    for (name, dir) in &inputs {
        let api = crate::read(dir)?;
        summaries.push_str(&summary(name, &api));
        for facts in routes_of(name, &api) {
            rows.push((name.clone(), facts));
        }
    }
    Ok(if options.json {
        json(&rows, options.version.is_some() || inputs.len() == 1)?
    } else {
        format!("{summaries}\n{}", markdown(&rows))
    })
}

/// How many request lines (pages) and routes the walk types, how many pages agree with it,
/// and the disagreements by kind, with the ones no documented rule explains listed.
fn summary(version: &str, api: &Api) -> String {
    use std::collections::BTreeSet;
    let mut routes = BTreeSet::new();
    let mut walked_routes = BTreeSet::new();
    let (mut walked, mut agree, mut explained) = (0, 0, 0);
    // (slot, kind) → (lines, whether a rule explains the kind).
    let mut kinds: BTreeMap<(&str, &str), (usize, bool)> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for op in &api.operations {
        let key = generator::ir::route::route_key(op);
        routes.insert(key.clone());
        if op.walk.is_none() {
            continue;
        }
        walked_routes.insert(key);
        walked += 1;
        for d in &op.disagreements {
            let key = (d.slot.as_str(), d.kind.as_str());
            kinds.entry(key).or_insert((0, d.kind.explained())).0 += 1;
        }
        let open: Vec<&Disagreement> = op
            .disagreements
            .iter()
            .filter(|d| !d.kind.explained())
            .collect();
        if op.disagreements.is_empty() {
            agree += 1;
        } else if open.is_empty() {
            explained += 1;
        }
        for d in open {
            unexplained.push(format!(
                "- {} `{}` ({}): the page names `{}`{} ({}:{}), the walk `{}`{} ({}:{})",
                op.method.as_str(),
                op.path,
                d.slot,
                d.page.as_ref().map_or("nothing", |t| t.name()),
                if d.page.as_ref().is_some_and(|t| t.collection) {
                    " collection"
                } else {
                    ""
                },
                d.page_source.file,
                d.page_source.line,
                d.walk.name(),
                if d.walk.collection { " collection" } else { "" },
                d.walk_source.file,
                d.walk_source.line
            ));
        }
    }
    let pct = |n: usize| {
        if walked == 0 {
            0.0
        } else {
            n as f64 * 100.0 / walked as f64
        }
    };
    let mut out = format!(
        "# {version}\n\nThe walk types {} of {} routes ({walked} request lines). Of those lines, \
         {agree} agree with it ({:.1} %), {explained} more under the documented rules \
         ({:.2} % in all), {} do not.\n\n| slot | kind | lines |\n|---|---|---|\n",
        walked_routes.len(),
        routes.len(),
        pct(agree),
        pct(agree + explained),
        unexplained.len()
    );
    for ((slot, kind), (n, explained)) in &kinds {
        let rule = if *explained { " (rule)" } else { "" };
        let _ = writeln!(out, "| {slot} | {kind}{rule} | {n} |");
    }
    if !unexplained.is_empty() {
        out.push_str("\nNot explained by a rule:\n\n");
        for line in unexplained {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The builder operations of one version, each with the disagreements of every page of its
/// path and method.
fn routes_of(version: &str, api: &Api) -> Vec<RouteFacts> {
    let mut by_route: BTreeMap<String, Vec<Disagreement>> = BTreeMap::new();
    for op in &api.operations {
        by_route
            .entry(generator::ir::route::route_key(op))
            .or_default()
            .extend(op.disagreements.iter().cloned());
    }
    let routes = generator::emit::routes(&Version { name: version, api });
    routes
        .into_iter()
        .map(|(key, route)| {
            let mut facts = route.facts;
            facts.disagreements = by_route.remove(&key).unwrap_or_default();
            facts
        })
        .collect()
}

fn json(rows: &[(String, RouteFacts)], one_version: bool) -> Result<String> {
    let values: Vec<serde_json::Value> = rows
        .iter()
        .map(|(version, facts)| {
            let mut v = serde_json::to_value(facts)?;
            if !one_version {
                if let serde_json::Value::Object(map) = &mut v {
                    map.insert("version".into(), version.clone().into());
                }
            }
            Ok(v)
        })
        .collect::<Result<_>>()?;
    Ok(serde_json::to_string_pretty(&values)? + "\n")
}

fn markdown(rows: &[(String, RouteFacts)]) -> String {
    let mut out = String::new();
    let mut current = None;
    for (version, f) in rows {
        if current != Some(version) {
            let _ = writeln!(
                out,
                "\n## {version}\n\n| method | path | response | decoder | body | status | least privileged | page | disagreements |\n|---|---|---|---|---|---|---|---|---|"
            );
            current = Some(version);
        }
        let ty = |t: &Option<generator::ir::TypeRef>| match t {
            Some(t) if t.collection => format!("`{}` collection", t.name()),
            Some(t) => format!("`{}`", t.name()),
            None => "—".into(),
        };
        let least = f
            .permissions
            .iter()
            .filter_map(|p| {
                p.scopes
                    .first()
                    .map(|s| format!("{}: `{s}`", p.kind.trim()))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} | {} | {} |",
            f.method,
            f.path,
            ty(&f.response.r#type),
            f.response.decoder,
            ty(&f.body.r#type),
            f.status.map_or("—".into(), |s| s.to_string()),
            least,
            f.page,
            f.disagreements.len()
        );
    }
    out.trim_start().to_string()
}
