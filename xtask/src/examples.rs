//! `cargo xtask examples`: the round-trip proof of the SDK. Every example body of the docs that
//! names a type is read as that type by the generated crate's `roundtrip` example and written
//! back; the result must equal the original (`generator::check::examples::compare`).
//!
//! Without `--docs`: the pinned docs (`docs-input/sdk.toml`) against the committed `generated/`
//! crate. With `--docs DIR`: a crate generated from DIR into `target/tmp/examples-crate`, built
//! in `target/examples-crate`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use generator::check::examples::{self, Case, Outcome, Reason, Tally, Verdict};
use generator::check::requests::{
    self as request_examples, RequestCase, RequestFailure, RequestTally, Sent,
};
use generator::DocsTree;
use graph_rt_core::protocol::{Output, RequestOutcome, RoundtripInput};
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::codegen;

pub struct Options {
    /// One docs tree to generate a crate from; `None` for the pinned docs and `generated/`.
    pub docs: Option<PathBuf>,
    /// The API version name of `docs` (`v1.0`, `beta`); guessed from the folder name.
    pub version: Option<String>,
    /// Where the pinned docs are (as `codegen --docs-root`).
    pub docs_root: Option<PathBuf>,
    /// A value that does not match its property's documented type fails the body, instead of
    /// being kept untyped (the runtime's default).
    pub strict: bool,
}

/// How many failure groups are printed per version.
const TOP_FAILURES: usize = 20;

/// Runs the examples and prints the counts; returns the totals over all versions.
pub fn run(options: &Options) -> Result<Tally> {
    let root = codegen::workspace_root();
    let inputs: Vec<(String, PathBuf)> = match &options.docs {
        Some(docs) => {
            let name = options
                .version
                .clone()
                .unwrap_or_else(|| crate::codegen::guess_version(docs));
            vec![(name, docs.clone())]
        }
        None => {
            if options.version.is_some() {
                bail!("--version goes with --docs DIR");
            }
            crate::codegen::pinned_inputs(&root, options.docs_root.as_deref())?
        }
    };

    // The cases of every version.
    type VersionCases = (String, PathBuf, Vec<Case>, Vec<RequestCase>);
    let per_version: Vec<VersionCases> = inputs
        .par_iter()
        .map(|(name, dir)| -> Result<_> {
            let tree = DocsTree::load(dir).with_context(|| format!("reading the {name} docs"))?;
            let api = generator::read_tree(&tree);
            let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            let requests = request_examples::cases(&api, name);
            Ok((name.clone(), dir, examples::cases(&api, name), requests))
        })
        .collect::<Result<_>>()?;

    // The crate to run, and how.
    let runner = |example: &str| -> Command {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command.current_dir(&root);
        match &options.docs {
            None => {
                command.args(["run", "-p", "graph-sdk-dispatch"]);
            }
            Some(_) => {
                command
                    .env("CARGO_TARGET_DIR", root.join("target/examples-crate"))
                    .arg("run")
                    .arg("--manifest-path")
                    .arg(root.join("target/tmp/examples-crate/Cargo.toml"))
                    .args(["-p", "graph-sdk-dispatch"]);
            }
        }
        command.args(["--example", example, "--"]);
        command
    };
    match &options.docs {
        None => {
            let crate_dir = root.join("generated");
            if !crate_dir.join("dispatch/examples/roundtrip.rs").is_file() {
                bail!(
                    "{} has no dispatch/examples/roundtrip.rs: run `cargo xtask codegen` first",
                    crate_dir.display()
                );
            }
        }
        Some(docs) => {
            let crate_dir = root.join("target/tmp/examples-crate");
            let (name, ..) = &per_version[0];
            eprintln!(
                "generating a crate from {} ({name}) into {}",
                docs.display(),
                crate_dir.display()
            );
            codegen::run(&codegen::Options {
                check: false,
                no_cache: true,
                docs_root: None,
                docs: Some(docs.clone()),
                out: Some(crate_dir.clone()),
                version: Some(name.clone()),
            })?;
            make_standalone(&root, &crate_dir)?;
        }
    }
    let mut command = runner("roundtrip");

    // One input line per item; ids number the items of all versions.
    let mut lines = String::new();
    let mut owners: Vec<(usize, usize, usize)> = Vec::new(); // (version, case, item)
    for (v, (name, _, cases, _)) in per_version.iter().enumerate() {
        for (c, case) in cases.iter().enumerate() {
            if case.skip.is_some() {
                continue;
            }
            for (i, item) in case.items.iter().enumerate() {
                let line = RoundtripInput {
                    id: owners.len(),
                    version: name.clone(),
                    type_name: item.type_name.clone().unwrap_or_default(),
                    body: case.item_json(item).cloned().unwrap_or(Value::Null),
                };
                writeln!(lines, "{}", serde_json::to_string(&line)?)?;
                owners.push((v, c, i));
            }
        }
    }
    let cases_path = root.join("target/examples-cases.jsonl");
    fs::create_dir_all(root.join("target"))?;
    fs::write(&cases_path, &lines).with_context(|| format!("writing {}", cases_path.display()))?;
    eprintln!(
        "running {} items of {} bodies: {:?}",
        owners.len(),
        per_version
            .iter()
            .map(|(_, _, c, _)| c.len())
            .sum::<usize>(),
        command
    );
    command.arg(&cases_path);
    if options.strict {
        command.arg("--strict");
    }
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("running the roundtrip example")?;
    if !output.status.success() {
        bail!("the roundtrip example failed ({})", output.status);
    }

    // Outcomes back to their items.
    let mut outcomes: Vec<Vec<Vec<Option<Outcome>>>> = per_version
        .iter()
        .map(|(_, _, cases, _)| cases.iter().map(|c| vec![None; c.items.len()]).collect())
        .collect();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let reply: Output<Outcome> = serde_json::from_str(line)
            .with_context(|| format!("reading the runner's output line {line:.200}"))?;
        let Some(&(v, c, i)) = owners.get(reply.id) else {
            bail!("the runner answered for no case: {line:.200}");
        };
        outcomes[v][c][i] = Some(reply.outcome);
    }

    // Verdicts, counts, report.
    let mut total = Tally::default();
    let mut report_versions = serde_json::Map::new();
    let mut report_cases = Vec::new();
    let mut out = String::new();
    for (v, (name, dir, cases, _)) in per_version.iter().enumerate() {
        let mut tally = Tally::default();
        for (c, case) in cases.iter().enumerate() {
            let got: Vec<Outcome> = outcomes[v][c]
                .iter()
                .map(|o| {
                    o.clone().unwrap_or_else(|| Outcome::Error {
                        message: "the runner gave no outcome".into(),
                        path: None,
                        expected: None,
                        found: None,
                    })
                })
                .collect();
            let verdict = examples::judge(case, &got);
            tally.add(case, &verdict);
            report_cases.push(case_report(case, &verdict));
        }
        print_tally(&mut out, name, dir, &tally)?;
        report_versions.insert(name.clone(), tally_report(dir, &tally));
        total.merge(&tally);
    }
    if options.strict {
        writeln!(
            out,
            "(--strict: a value that does not match its documented type fails its body)"
        )?;
    }
    writeln!(out, "examples: {}", total.summary())?;

    // The requests: each example request built by its route's builders and sent to a loopback
    // server that answers with the example's response.
    let request_tally = run_requests(&root, runner("requests"), &per_version, &mut out)?;
    writeln!(out, "requests: {}", request_tally.summary())?;
    print!("{out}");

    let report = json!({
        "strict": options.strict,
        "summary": {
            "seen": total.seen(), "valid": total.valid(),
            "passed": total.passed(), "failed": total.failed(),
        },
        "versions": report_versions,
        "cases": report_cases,
    });
    let report_path = root.join("target/examples-report.json");
    fs::write(&report_path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("writing {}", report_path.display()))?;
    eprintln!("per-case results: {}", report_path.display());
    Ok(total)
}

/// Runs the request cases of every version through the `requests` example; prints a line per
/// version and the most common failures; returns the totals.
fn run_requests(
    root: &Path,
    mut command: Command,
    per_version: &[(String, PathBuf, Vec<Case>, Vec<RequestCase>)],
    out: &mut String,
) -> Result<RequestTally> {
    let mut lines = String::new();
    let mut owners = Vec::new(); // (version, case)
    for (v, (name, _, _, cases)) in per_version.iter().enumerate() {
        for (c, case) in cases.iter().enumerate() {
            if case.skip.is_some() {
                continue;
            }
            let line = case.input(owners.len(), name);
            writeln!(lines, "{}", serde_json::to_string(&line)?)?;
            owners.push((v, c));
        }
    }
    let cases_path = root.join("target/examples-requests.jsonl");
    fs::write(&cases_path, &lines).with_context(|| format!("writing {}", cases_path.display()))?;
    eprintln!("running {} example requests: {:?}", owners.len(), command);
    let output = command
        .arg(&cases_path)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("running the requests example")?;
    if !output.status.success() {
        bail!("the requests example failed ({})", output.status);
    }
    let mut sent: Vec<Vec<Option<Result<Sent, String>>>> = per_version
        .iter()
        .map(|(.., cases)| vec![None; cases.len()])
        .collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if line.trim().is_empty() {
            continue;
        }
        let reply: Output<RequestOutcome> = serde_json::from_str(line)
            .with_context(|| format!("reading the requests runner's line {line:.200}"))?;
        let Some(&(v, c)) = owners.get(reply.id) else {
            bail!("the requests runner answered for no case: {line:.200}");
        };
        sent[v][c] = Some(reply.outcome.into());
    }
    let mut total = RequestTally::default();
    for (v, (name, dir, _, cases)) in per_version.iter().enumerate() {
        let mut tally = RequestTally::default();
        for (c, case) in cases.iter().enumerate() {
            let verdict: Option<Option<RequestFailure>> = sent[v][c]
                .as_ref()
                .map(|s| request_examples::judge(case, s));
            tally.add(case, verdict.as_ref());
        }
        writeln!(
            out,
            "requests {name}: {} ({} with valid JSON; buildable: the URL matches a documented request line)",
            tally.summary(),
            tally.valid
        )?;
        for (group, n, example) in tally.top_failures(TOP_FAILURES) {
            writeln!(out, "{n:>7}  {group}")?;
            writeln!(out, "           e.g. {}", in_dir(dir, example))?;
        }
        total.merge(&tally);
    }
    Ok(total)
}

fn print_tally(out: &mut String, name: &str, dir: &Path, tally: &Tally) -> Result<()> {
    writeln!(out, "{name} ({}): {}", dir.display(), tally.summary())?;
    for reason in Reason::ALL {
        writeln!(out, "{:>7}  {}", tally.count(reason), reason.describe())?;
    }
    let top = tally.top_failures(TOP_FAILURES);
    if !top.is_empty() {
        writeln!(out, "  most common failures:")?;
        for (group, n, example) in top {
            writeln!(out, "{n:>7}  {group}")?;
            writeln!(out, "           e.g. {}", in_dir(dir, example))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `api/x.md:12: …` with the docs folder in front, so that the location opens.
fn in_dir(dir: &Path, example: &str) -> String {
    format!("{}", dir.join(example).display())
}

fn tally_report(dir: &Path, tally: &Tally) -> Value {
    let by_reason: serde_json::Map<String, Value> = Reason::ALL
        .iter()
        .map(|r| {
            (
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                json!(tally.count(*r)),
            )
        })
        .collect();
    let failures: Vec<Value> = tally
        .top_failures(usize::MAX)
        .into_iter()
        .map(|(group, n, example)| json!({"reason": group, "count": n, "example": example}))
        .collect();
    json!({
        "docs": dir.display().to_string(),
        "seen": tally.seen(), "valid": tally.valid(),
        "passed": tally.passed(), "failed": tally.failed(),
        "by_reason": by_reason,
        "failures": failures,
    })
}

fn case_report(case: &Case, verdict: &Verdict) -> Value {
    json!({
        "version": case.version,
        "file": case.file,
        "line": case.line,
        "kind": case.kind,
        "state": case.state,
        "type": case.type_name,
        "collection": case.collection,
        "items": case.items.len(),
        "reason": verdict.reason,
        "failure": verdict.failure,
        "failure_group": verdict.failure.as_ref().map(|f| f.group()),
    })
}

/// A crate generated with `codegen --out` is its own workspace with a standalone runtime copy.
/// For a build beside this workspace it gets this workspace's profiles (the generated crate
/// is built unoptimized) and lock file, so that no new versions are resolved.
fn make_standalone(root: &Path, crate_dir: &Path) -> Result<()> {
    let root_manifest: toml::Table =
        toml::from_str(&fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?)
            .context("parsing Cargo.toml")?;
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let marker = "\n# Added by `cargo xtask examples`";
    let base = manifest.split(marker).next().unwrap_or(&manifest);
    let generated: toml::Table =
        toml::from_str(base).with_context(|| format!("parsing {}", manifest_path.display()))?;

    // `codegen --out` already makes the crate its own workspace; it lacks only this
    // workspace's build profiles and lock file.
    let mut extra = toml::Table::new();
    if !generated.contains_key("profile") {
        if let Some(profile) = root_manifest.get("profile") {
            extra.insert("profile".into(), profile.clone());
        }
    }
    let mut wanted = base.to_owned();
    if !extra.is_empty() {
        wanted.push_str(marker);
        wanted.push_str(": this workspace's settings for a build inside it.\n");
        wanted.push_str(&toml::to_string(&extra).context("writing the workspace table")?);
    }
    if wanted != manifest {
        fs::write(&manifest_path, wanted)
            .with_context(|| format!("writing {}", manifest_path.display()))?;
    }
    let lock = crate_dir.join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(line: &str) -> Outcome {
        serde_json::from_str::<Output<Outcome>>(line)
            .map(|o| o.outcome)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn runner_lines_become_outcomes() {
        assert_eq!(
            outcome(r#"{"id": 0, "outcome": "roundtrip", "json": {"a": 1}}"#),
            Outcome::Roundtrip {
                json: json!({"a": 1})
            }
        );
        assert_eq!(
            outcome(r#"{"id": 1, "outcome": "unknown_type"}"#),
            Outcome::UnknownType
        );
        let error = outcome(
            r#"{"id": 2, "outcome": "error", "message": "`a`: expected a string, found number 1",
                "path": "a", "expected": "a string", "found": "number 1"}"#,
        );
        assert_eq!(
            error,
            Outcome::Error {
                message: "`a`: expected a string, found number 1".into(),
                path: Some("a".into()),
                expected: Some("a string".into()),
                found: Some("number 1".into()),
            }
        );
    }
}
