//! `cargo xtask`: the commands maintainers run. Thin: argument parsing, file output and exit
//! codes; all the work is in the `generator` library.

mod args;
mod bench;
mod codegen;
mod diff;
mod docs_update;
mod examples;
mod fuzz;
mod routes;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use generator::{Api, DocsTree, Severity};

use args::Args;

/// The reader allocates many small strings; mimalloc frees them several times faster than the
/// system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--check] [--docs-root DIR] [--no-cache]
                                             regenerate generated/ from docs-input/sdk.toml; files
                                             whose tokens are unchanged are reused from the last
                                             run's cache (target/), unless --no-cache
  codegen --docs DIR --out DIR [--version beta|v1.0]
                                             generate a complete crate (runtime included) from any docs tree
  docs-update --from PATH_OR_GIT_URL [--rev REV]
                                             pin another commit of the docs (its api-reference pages),
                                             regenerate, and print the API changelog's totals
  examples [--docs DIR [--version beta|v1.0]] [--docs-root DIR] [--strict]
                                             round-trip every typed example body through the SDK
                                             (generated/, or a crate generated from DIR)
  ir    --docs DIR [--out FILE] [--strict]   print the resolved model of a docs tree as JSON
  routes [--version v1.0|beta] [--format markdown|json] [--docs DIR] [--docs-root DIR]
                                             every builder operation: method, path, response
                                             (type, collection, decoder), body, status,
                                             permissions, page, disagreements with the walk
  lint  --docs DIR [--strict]                print the diagnostics and a count by code
  diff  --old DIR --new DIR [--format markdown|json] [--out FILE] [--type NAME]
                                             what changed in the API between two docs trees,
                                             each change marked breaking or additive
  fuzz [--seconds N] [--target read_page|generate]
                                             run the libFuzzer targets of fuzz/ for N seconds each
  bench --docs DIR [--docs DIR ...] [--runs N] [--no-codegen]
                                             time reading + resolving against a bare markdown pass,
                                             then codegen of docs-input/sdk.toml (full and no-op)

DIR is one API version of the docs: a folder holding api/ and resources/, e.g.
docs-input/api-reference/beta. --strict fails the command when any diagnostic is an error.";

/// mimalloc asks Linux for transparent huge pages, which the kernel zeroes 2 MB at a time on
/// first touch: a codegen spent 15 % of its wall time (and 1.5–2.7 s of system time) in
/// `clear_page_erms`. Off for this process; a failure (an old kernel) changes nothing else.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    // A panic is a bug: say so in one line (and keep the location), not as a bare backtrace hint.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error (a bug in xtask or the generator){at}: {message}");
    }));
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    let mut args = Args::from_env();
    let Some(command) = args.command() else {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    match command.as_str() {
        "ir" => {
            let docs = args.required_path("--docs")?;
            let out = args.path("--out");
            let strict = args.flag("--strict");
            args.finish()?;
            let api = read(&docs)?;
            let json = serde_json::to_string_pretty(&api).context("serializing the model")?;
            match out {
                Some(path) => write_whole(&path, &(json + "\n"))?,
                None => {
                    let mut stdout = std::io::stdout().lock();
                    writeln!(stdout, "{json}")?;
                }
            }
            Ok(strict_exit(&api, strict))
        }
        "codegen" => {
            let options = codegen::Options {
                check: args.flag("--check"),
                no_cache: args.flag("--no-cache"),
                docs_root: args.path("--docs-root"),
                docs: args.path("--docs"),
                out: args.path("--out"),
                version: args.values("--version").pop(),
            };
            args.finish()?;
            let outcome = codegen::run(&options)?;
            let dir = outcome.out_dir.display();
            if options.check {
                if outcome.is_fresh() {
                    println!("{dir} is up to date ({} files)", outcome.unchanged);
                    return Ok(ExitCode::SUCCESS);
                }
                print!("{}", outcome.diff(400));
                eprintln!(
                    "{dir} is stale: {} files differ, {} no longer generated; API: {} items added, {} removed, {} changed. Run `cargo xtask codegen` and commit.",
                    outcome.changed.len(),
                    outcome.removed.len(),
                    outcome.api.added,
                    outcome.api.removed,
                    outcome.api.changed
                );
                return Ok(ExitCode::FAILURE);
            }
            if outcome.is_fresh() {
                println!(
                    "codegen: nothing changed; {dir} is up to date ({} files), nothing written",
                    outcome.unchanged
                );
            } else {
                println!(
                    "codegen: {} ({} unchanged) in {dir}",
                    outcome.summary(),
                    outcome.unchanged
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        "docs-update" => {
            let options = docs_update::Options {
                from: args
                    .values("--from")
                    .pop()
                    .context("docs-update needs --from PATH_OR_GIT_URL")?,
                rev: args.values("--rev").pop(),
            };
            args.finish()?;
            let outcome = docs_update::run(&options)?;
            println!(
                "docs-update: pinned {} from {} (was {})",
                outcome.commit,
                options.from,
                outcome.previous.as_deref().unwrap_or("unrecorded")
            );
            for (version, t) in &outcome.totals {
                println!(
                    "  {version}: {} added, {} removed, {} changed; {} breaking",
                    t.added, t.removed, t.changed, t.breaking
                );
            }
            println!("changelog: {}", outcome.report.display());
            if outcome.codegen.is_fresh() {
                println!("codegen: nothing changed");
            } else {
                println!("codegen: {}", outcome.codegen.summary());
            }
            Ok(ExitCode::SUCCESS)
        }
        "examples" => {
            let options = examples::Options {
                docs: args.path("--docs"),
                version: args.values("--version").pop(),
                docs_root: args.path("--docs-root"),
                strict: args.flag("--strict"),
            };
            args.finish()?;
            examples::run(&options)?;
            Ok(ExitCode::SUCCESS)
        }
        "diff" => {
            let options = diff::Options {
                old: args.required_path("--old")?,
                new: args.required_path("--new")?,
                format: diff::Format::parse(args.values("--format").pop().as_deref())?,
                out: args.path("--out"),
                only_type: args.values("--type").pop(),
            };
            args.finish()?;
            diff::run(&options)?;
            Ok(ExitCode::SUCCESS)
        }
        "routes" => {
            let format = args.values("--format").pop();
            let options = routes::Options {
                docs: args.path("--docs"),
                docs_root: args.path("--docs-root"),
                version: args.values("--version").pop(),
                json: match format.as_deref() {
                    None | Some("markdown") => false,
                    Some("json") => true,
                    Some(other) => bail!("--format is markdown or json, not `{other}`"),
                },
            };
            args.finish()?;
            let text = routes::run(&options)?;
            let mut stdout = std::io::stdout().lock();
            write!(stdout, "{text}")?;
            Ok(ExitCode::SUCCESS)
        }
        "lint" => {
            let docs = args.required_path("--docs")?;
            let strict = args.flag("--strict");
            args.finish()?;
            let tree = DocsTree::load(&docs)?;
            let api = generator::read_tree(&tree);
            print_lint(&docs, &api)?;
            // Listed above as GD001; a tree with unreadable pages is not a clean lint.
            codegen::refuse_unreadable(&tree)?;
            Ok(strict_exit(&api, strict))
        }
        "fuzz" => {
            let options = fuzz::Options {
                seconds: args.number("--seconds")?.unwrap_or(60) as u64,
                targets: args.values("--target"),
            };
            args.finish()?;
            let reports = fuzz::run(&codegen::workspace_root(), &options)?;
            let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
            if findings > 0 {
                eprintln!(
                    "{findings} findings: fix them and copy each input into \
                     generator/tests/fuzz-regressions/<target>/"
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        "bench" => {
            let docs = args.paths("--docs");
            let runs = args.number("--runs")?.unwrap_or(10);
            let codegen = !args.flag("--no-codegen");
            args.finish()?;
            if docs.is_empty() {
                bail!("bench needs at least one --docs DIR");
            }
            bench::run(&docs, runs)?;
            if codegen {
                bench::codegen(runs)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Write a file through a temporary sibling and a rename: never left half-written.
pub(crate) fn write_whole(path: &Path, contents: &str) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, contents).with_context(|| format!("writing {}", path.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("writing {}", path.display())
    })
}

fn read(docs: &Path) -> Result<Api> {
    let tree = DocsTree::load(docs)?;
    codegen::refuse_unreadable(&tree)?;
    Ok(generator::read_tree(&tree))
}

/// With `--strict`, error-level diagnostics fail the command.
fn strict_exit(api: &Api, strict: bool) -> ExitCode {
    let errors = api
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if strict && errors > 0 {
        eprintln!("--strict: {errors} error-level diagnostics");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_lint(docs: &Path, api: &Api) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut counts: BTreeMap<generator::Code, usize> = BTreeMap::new();
    for d in &api.diagnostics {
        writeln!(
            out,
            "{}: {}: {}: {}",
            location(docs, &d.file, d.line),
            d.severity_word(),
            d.code,
            d.message
        )?;
        *counts.entry(d.code).or_default() += 1;
    }
    writeln!(out)?;
    writeln!(out, "diagnostics by code:")?;
    for (code, n) in &counts {
        writeln!(out, "{n:>7}  {code}  {}", code.description())?;
    }
    writeln!(
        out,
        "{} diagnostics; {} types, {} enums, {} operations",
        api.diagnostics.len(),
        api.types.len(),
        api.enums.len(),
        api.operations.len()
    )?;
    Ok(())
}

fn location(docs: &Path, file: &str, line: u32) -> String {
    let path: PathBuf = docs.join(file);
    format!("{}:{line}", path.display())
}
