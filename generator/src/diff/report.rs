//! An [`ApiDiff`] as a markdown changelog (for people) or JSON (for tools).

use std::fmt::Write as _;

use serde::Serialize;

use super::{ApiDiff, Change, Entry, ItemKind, Totals, RULES};
use crate::ir::Source;

/// What the two sides are called in the report (the docs folders, as given).
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub old: String,
    pub new: String,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    old: &'a str,
    new: &'a str,
    rules: &'a [&'a str],
    totals: Vec<JsonTotals>,
    entries: &'a [Entry],
}

#[derive(Serialize)]
struct JsonTotals {
    kind: ItemKind,
    #[serde(flatten)]
    totals: Totals,
}

/// The diff as pretty JSON: labels, rules, totals by kind, entries.
pub fn json(diff: &ApiDiff, labels: &Labels) -> Result<String, serde_json::Error> {
    let report = JsonReport {
        old: &labels.old,
        new: &labels.new,
        rules: RULES,
        totals: diff
            .totals()
            .into_iter()
            .map(|(kind, totals)| JsonTotals { kind, totals })
            .collect(),
        entries: &diff.entries,
    };
    serde_json::to_string_pretty(&report)
}

fn section(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Type => "Types",
        ItemKind::Property => "Properties",
        ItemKind::Enum => "Enums",
        ItemKind::Member => "Enum members",
        ItemKind::Operation => "Operations",
    }
}

fn at(source: &Option<Source>) -> String {
    match source {
        Some(s) => format!("`{s}`"),
        None => "—".into(),
    }
}

/// The totals table alone (also the head of the markdown report).
pub fn totals_table(diff: &ApiDiff) -> String {
    let mut out = String::new();
    out.push_str("| kind | added | removed | changed | breaking |\n");
    out.push_str("|---|--:|--:|--:|--:|\n");
    for (kind, t) in diff.totals() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            section(kind).to_ascii_lowercase(),
            t.added,
            t.removed,
            t.changed,
            t.breaking
        );
    }
    let sum = diff.total();
    let _ = writeln!(
        out,
        "| **total** | {} | {} | {} | {} |",
        sum.added, sum.removed, sum.changed, sum.breaking
    );
    out
}

/// The diff as a markdown changelog: header with the rules, totals, then one section per kind
/// with one line per entry.
pub fn markdown(diff: &ApiDiff, labels: &Labels) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# API changes: `{}` → `{}`\n", labels.old, labels.new);
    out.push_str("Breaking means breaking for the generated Rust API (`graph-sdk`):\n\n");
    for rule in RULES {
        let _ = writeln!(out, "- {rule}");
    }
    out.push('\n');
    out.push_str(&totals_table(diff));
    for kind in ItemKind::ALL {
        let entries: Vec<&Entry> = diff.entries.iter().filter(|e| e.kind == kind).collect();
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {}\n", section(kind));
        for e in entries {
            out.push_str(&entry_line(e));
            out.push('\n');
        }
    }
    out
}

/// `- **breaking** removed `x.y` (Edm.String): the field is removed — old `f:1` · new —`
fn entry_line(e: &Entry) -> String {
    let mut line = String::from("- ");
    if e.breaking {
        line.push_str("**breaking** ");
    }
    let _ = write!(line, "{} `{}`", e.change.as_str(), e.name);
    if !e.summary.is_empty() && e.change != Change::Changed {
        let _ = write!(line, " ({})", e.summary);
    }
    if !e.details.is_empty() {
        let details: Vec<String> = e
            .details
            .iter()
            .map(|d| format!("{} `{}` → `{}`", d.what, d.old, d.new))
            .collect();
        let _ = write!(line, ": {}", details.join("; "));
    }
    if !e.reason.is_empty() {
        let _ = write!(line, " — {}", e.reason);
    }
    let _ = write!(line, " — old {} · new {}", at(&e.old), at(&e.new));
    line
}
