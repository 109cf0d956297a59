//! `cargo xtask bench`: time reading + resolving docs trees against a bare pulldown-cmark pass
//! over the same texts in the same run, so the figure is a ratio that survives a noisy machine.
//! Reading is timed twice: from disk (the files loaded as well), and from texts already in
//! memory, as the bare pass reads them.
//!
//! The target (issue 14): both 2021-07 trees read and resolved in at most twice the time of a
//! bare pass. Then `codegen` of the pinned inputs, in process: a full run (everything `cargo
//! xtask codegen --check` does: read, emit, print, list the API, compare with `generated/`;
//! nothing is written) and the work of a no-op run (load, fingerprint, compare with the stamp).
//! Targets: 3 s and 0.3 s on the 2-core machine of the issue.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use generator::DocsTree;
use rayon::prelude::*;

pub fn run(docs: &[PathBuf], runs: usize) -> Result<()> {
    let runs = runs.max(1);
    let trees: Vec<DocsTree> = docs
        .iter()
        .map(|d| DocsTree::load(d))
        .collect::<Result<_, _>>()?;
    let files: usize = trees.iter().map(|t| t.pages.len()).sum();
    let bytes: usize = trees
        .iter()
        .flat_map(|t| &t.pages)
        .map(|(_, t)| t.len())
        .sum();
    println!(
        "{} docs trees, {files} files, {:.1} MB, {runs} runs, {} threads",
        docs.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    let mut full = Vec::new();
    let mut in_memory = Vec::new();
    let mut bare = Vec::new();
    let mut items = 0;
    for _ in 0..runs {
        // Load from disk, read every page and resolve each tree; trees are processed together.
        let start = Instant::now();
        let apis: Vec<generator::Api> = docs
            .par_iter()
            .map(|dir| DocsTree::load(dir).map(|tree| generator::read_tree(&tree)))
            .collect::<Result<_, _>>()?;
        full.push(start.elapsed());
        items = apis
            .iter()
            .map(|a| a.types.len() + a.enums.len() + a.operations.len())
            .sum();
        drop(apis);

        // Read and resolve the texts loaded before the runs.
        let start = Instant::now();
        let apis: Vec<generator::Api> = trees.par_iter().map(generator::read_tree).collect();
        in_memory.push(start.elapsed());
        drop(apis);

        // A bare pulldown-cmark pass (tables on, with offsets) over texts already in memory.
        let start = Instant::now();
        let mut events = 0usize;
        for (_, text) in trees.iter().flat_map(|t| &t.pages) {
            let parser =
                pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES);
            events += parser.into_offset_iter().count();
        }
        std::hint::black_box(events);
        bare.push(start.elapsed());
    }
    let (full_med, bare_med) = (median(&mut full), median(&mut bare));
    let memory_med = median(&mut in_memory);
    println!(
        "load + read + resolve: median {:.3} s, min {:.3} s ({items} types, enums and operations)",
        full_med.as_secs_f64(),
        full[0].as_secs_f64()
    );
    println!(
        "read + resolve of texts in memory: median {:.3} s, min {:.3} s",
        memory_med.as_secs_f64(),
        in_memory[0].as_secs_f64()
    );
    println!(
        "bare pulldown-cmark pass, 1 thread, no load: median {:.3} s, min {:.3} s",
        bare_med.as_secs_f64(),
        bare[0].as_secs_f64()
    );
    let bare_secs = bare_med.as_secs_f64().max(1e-9);
    println!(
        "ratio: {:.2} with the load, {:.2} from memory (the target is at most 2)",
        full_med.as_secs_f64() / bare_secs,
        memory_med.as_secs_f64() / bare_secs
    );
    Ok(())
}

/// Times `cargo xtask codegen` of the pinned inputs in process: full (as `--check`) without the
/// cache of printed files and with it (every file's tokens as the last run's: the most a docs
/// change can reuse), and no-op.
pub fn codegen(runs: usize) -> Result<()> {
    let options = |check, no_cache| crate::codegen::Options {
        check,
        no_cache,
        docs_root: None,
        docs: None,
        out: None,
        version: None,
    };
    let runs = runs.clamp(1, 5);
    let mut fresh = true;
    // The warm runs need a cache: one run writes it.
    fresh &= crate::codegen::run(&options(true, false))?.is_fresh();
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        // Alternating, so that a noisy moment does not favour one.
        for (no_cache, samples) in [(true, &mut cold), (false, &mut warm)] {
            let start = Instant::now();
            let outcome = crate::codegen::run(&options(true, no_cache))?;
            samples.push(start.elapsed());
            fresh &= outcome.is_fresh();
        }
    }
    let mut noop = Vec::new();
    let mut hit = true;
    for _ in 0..runs * 2 {
        let start = Instant::now();
        hit &= crate::codegen::noop_check(&options(false, false))?;
        noop.push(start.elapsed());
    }
    let state = if fresh { "up to date" } else { "STALE" };
    for (what, samples) in [
        ("every file printed (--no-cache)", &mut cold),
        ("printed files reused from the cache", &mut warm),
    ] {
        let med = median(samples);
        println!(
            "codegen, full (as --check; generated/ {state}), {what}: median {:.3} s, min {:.3} s (target 3 s)",
            med.as_secs_f64(),
            samples[0].as_secs_f64()
        );
    }
    println!(
        "codegen, no-op (load, fingerprint, compare; stamp {}): median {:.3} s, min {:.3} s (target 0.3 s)",
        if hit {
            "matches"
        } else {
            "differs: run `cargo xtask codegen` once"
        },
        median(&mut noop).as_secs_f64(),
        noop[0].as_secs_f64()
    );
    Ok(())
}

/// Sorts the samples and returns the median.
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
