//! `cargo xtask fuzz --seconds N [--target T]`: build the libFuzzer targets of `fuzz/` and run
//! each for a bounded time.
//!
//! No cargo-fuzz and no nightly: the targets are built by stable `cargo build` with the same
//! SanitizerCoverage flags cargo-fuzz passes (coverage-guided, without AddressSanitizer, which
//! safe Rust does not need). The corpus lives under `target/fuzz-corpus/<target>/`, seeded from
//! `docs-input/sample`, a sample of the real pages in `../shared/graph-docs` (when present) and
//! the kept crashing inputs in `generator/tests/fuzz-regressions/<target>/`. Findings (crash,
//! timeout, out-of-memory) are written to `target/fuzz-artifacts/<target>/`; copy each into
//! `generator/tests/fuzz-regressions/<target>/` once fixed, where `cargo test` replays it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

pub const TARGETS: &[&str] = &["read_page", "generate"];

/// The instrumentation cargo-fuzz uses (minus `-Zsanitizer`): all stable codegen options.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

/// Seed pages larger than this are left out (the fuzzer's input size limit is the same).
const MAX_LEN: usize = 64 * 1024;
/// How many real pages seed each corpus (every n-th page of each tree).
const REAL_SEEDS: usize = 150;

pub struct Options {
    pub seconds: u64,
    pub targets: Vec<String>,
}

/// What one target's run did.
pub struct Report {
    pub executions: u64,
    pub seconds: u64,
    pub corpus: usize,
    pub findings: Vec<PathBuf>,
}

pub fn run(root: &Path, options: &Options) -> Result<Vec<Report>> {
    let targets: Vec<String> = if options.targets.is_empty() {
        TARGETS.iter().map(|t| t.to_string()).collect()
    } else {
        options.targets.clone()
    };
    for t in &targets {
        if !TARGETS.contains(&t.as_str()) {
            bail!(
                "unknown fuzz target `{t}` (targets: {})",
                TARGETS.join(", ")
            );
        }
    }
    let binaries = build(root)?;
    let mut reports = Vec::new();
    for t in &targets {
        let corpus = seed(root, t)?;
        let artifacts = root.join("target/fuzz-artifacts").join(t);
        fs::create_dir_all(&artifacts)
            .with_context(|| format!("creating {}", artifacts.display()))?;
        let before = list(&artifacts);
        let exe = binaries.join(t);
        println!("fuzzing {t} for {} s ({})", options.seconds, exe.display());
        let output = Command::new(&exe)
            .arg(&corpus)
            .arg(format!("-max_total_time={}", options.seconds))
            .arg(format!("-max_len={MAX_LEN}"))
            .arg("-rss_limit_mb=2048")
            .arg("-malloc_limit_mb=2048")
            .arg("-timeout=20")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .output()
            .with_context(|| format!("running {}", exe.display()))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let log_path = root.join(format!("target/fuzz-{t}.log"));
        let _ = fs::write(&log_path, log.as_bytes());
        let findings: Vec<PathBuf> = list(&artifacts)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if !output.status.success() && findings.is_empty() {
            bail!(
                "the {t} fuzzer failed without a finding (log: {}):\n{}",
                log_path.display(),
                tail(&log, 20)
            );
        }
        let report = Report {
            executions: stat(&log, "stat::number_of_executed_units:").unwrap_or(0),
            seconds: options.seconds,
            corpus: list(&corpus).len(),
            findings,
        };
        println!(
            "{t}: {} executions in {} s ({}/s), corpus {} inputs, {} findings (log: {})",
            report.executions,
            report.seconds,
            report.executions / report.seconds.max(1),
            report.corpus,
            report.findings.len(),
            log_path.display()
        );
        for f in &report.findings {
            println!("  finding: {}", f.display());
        }
        if !report.findings.is_empty() {
            println!("{}", tail(&log, 30));
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Build both targets with coverage instrumentation; the folder holding the binaries.
fn build(root: &Path) -> Result<PathBuf> {
    let host = host_triple()?;
    let target_dir = root.join("target/fuzz");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("building the fuzz targets (release, instrumented; the first build takes minutes)");
    let status = Command::new(cargo)
        .current_dir(root.join("fuzz"))
        .env("RUSTFLAGS", RUSTFLAGS)
        .args([
            "build",
            "--release",
            "--bins",
            "--target",
            &host,
            "--target-dir",
        ])
        .arg(&target_dir)
        .status()
        .context("running cargo build for fuzz/")?;
    if !status.success() {
        bail!("building the fuzz targets failed");
    }
    Ok(target_dir.join(host).join("release"))
}

fn host_triple() -> Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc)
        .arg("-vV")
        .output()
        .context("running rustc -vV")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV names no host")
}

/// The corpus folder of a target, seeded (files already there are kept: the corpus grows
/// from run to run).
fn seed(root: &Path, target: &str) -> Result<PathBuf> {
    let corpus = root.join("target/fuzz-corpus").join(target);
    fs::create_dir_all(&corpus).with_context(|| format!("creating {}", corpus.display()))?;
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let sample = root.join("docs-input/sample");
    for sub in ["resources", "api"] {
        for p in list(&sample.join(sub)) {
            if let Ok(bytes) = fs::read(&p) {
                pages.push((format!("sample-{sub}-{}", file_name(&p)), bytes));
            }
        }
    }
    let real = root.join("../shared/graph-docs");
    for tree in ["2021-07/beta", "2018-04/v1.0"] {
        for sub in ["resources", "api"] {
            let files = list(&real.join(tree).join(sub));
            let step = (files.len() / (REAL_SEEDS / 2)).max(1);
            for p in files.iter().step_by(step) {
                if let Ok(bytes) = fs::read(p) {
                    let tag = tree.replace('/', "-");
                    pages.push((format!("real-{tag}-{sub}-{}", file_name(p)), bytes));
                }
            }
        }
    }
    pages.retain(|(_, b)| b.len() <= MAX_LEN);
    let mut seeds = Vec::new();
    if target == "generate" {
        // Pairs: a resource page and a method page (or two resource pages) as one tree.
        let (resources, methods): (Vec<_>, Vec<_>) =
            pages.iter().partition(|(n, _)| n.contains("-resources-"));
        for (i, (n, r)) in resources.iter().enumerate() {
            seeds.push((n.clone(), r.clone()));
            let other = methods
                .get(i % methods.len().max(1))
                .or_else(|| resources.get(i + 1));
            if let Some((m, b)) = other {
                let mut joined = r.clone();
                joined.push(generator::check::harness::PAGE_SEPARATOR);
                joined.extend_from_slice(b);
                if joined.len() <= MAX_LEN {
                    seeds.push((format!("{n}+{m}"), joined));
                }
            }
        }
    } else {
        seeds = pages;
    }
    let regressions = root.join("generator/tests/fuzz-regressions").join(target);
    for p in list(&regressions) {
        if let Ok(bytes) = fs::read(&p) {
            seeds.push((format!("regression-{}", file_name(&p)), bytes));
        }
    }
    for (name, bytes) in seeds {
        let path = corpus.join(name);
        if !path.exists() {
            fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(corpus)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Files directly in a folder, sorted; none when it does not exist.
fn list(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A `-print_final_stats` figure.
fn stat(log: &str, key: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().parse().ok())
}

fn tail(log: &str, n: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
