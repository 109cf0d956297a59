//! `cargo xtask bench`: time reading + resolving docs trees, against a bare pulldown-cmark pass
//! over the same texts in the same run, so the figure is a ratio that survives a noisy machine.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use generator::DocsTree;

pub fn run(docs: &[PathBuf], runs: usize) -> Result<()> {
    let runs = runs.max(1);
    // Load once to report the size; every timed run below loads from disk again.
    let mut files = 0;
    let mut bytes = 0;
    for dir in docs {
        let tree = DocsTree::load(dir)?;
        files += tree.pages.len();
        bytes += tree.pages.iter().map(|(_, t)| t.len()).sum::<usize>();
    }
    println!(
        "{} docs trees, {files} files, {:.1} MB, {runs} runs each",
        docs.len(),
        bytes as f64 / 1e6
    );
    let mut full = Vec::new();
    let mut bare = Vec::new();
    let mut items = 0;
    for _ in 0..runs {
        let start = Instant::now();
        for dir in docs {
            let tree = DocsTree::load(dir)?;
            let api = generator::read_tree(&tree);
            items = api.types.len() + api.enums.len() + api.operations.len();
            std::hint::black_box(&api);
        }
        full.push(start.elapsed());

        let start = Instant::now();
        for dir in docs {
            let tree = DocsTree::load(dir)?;
            let mut events = 0usize;
            for (_, text) in &tree.pages {
                let parser =
                    pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES);
                events += parser.count();
            }
            std::hint::black_box(events);
        }
        bare.push(start.elapsed());
    }
    let (full_med, bare_med) = (median(&mut full), median(&mut bare));
    println!(
        "read + resolve (load included, {} threads): median {:.3} s, min {:.3} s  ({items} items in the last tree)",
        rayon::current_num_threads(),
        full_med.as_secs_f64(),
        full.iter().min().copied().unwrap_or_default().as_secs_f64()
    );
    println!(
        "bare pulldown-cmark pass (load included, 1 thread): median {:.3} s, min {:.3} s",
        bare_med.as_secs_f64(),
        bare.iter().min().copied().unwrap_or_default().as_secs_f64()
    );
    println!(
        "ratio read+resolve / bare pass: {:.2}",
        full_med.as_secs_f64() / bare_med.as_secs_f64().max(1e-9)
    );
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
