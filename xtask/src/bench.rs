//! `cargo xtask bench`: time reading + resolving docs trees against a bare pulldown-cmark pass
//! over the same texts in the same run, so the figure is a ratio that survives a noisy machine.
//!
//! The target: both 2021-07 trees in under 0.5 s where a bare pass takes about 0.15 s on
//! one core, i.e. a ratio under 3.3.

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
    println!(
        "load + read + resolve: median {:.3} s, min {:.3} s ({items} types, enums and operations)",
        full_med.as_secs_f64(),
        full[0].as_secs_f64()
    );
    println!(
        "bare pulldown-cmark pass, 1 thread, no load: median {:.3} s, min {:.3} s",
        bare_med.as_secs_f64(),
        bare[0].as_secs_f64()
    );
    println!(
        "ratio: {:.2} (the target, 0.5 s against a 0.15 s bare pass, is 3.33)",
        full_med.as_secs_f64() / bare_med.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// Sorts the samples and returns the median.
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
