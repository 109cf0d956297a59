//! `cargo xtask diff --old DIR --new DIR`: what changed in the API between two docs trees, as a
//! markdown changelog or JSON.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::diff::report::{self, Labels};
use generator::diff::ApiDiff;
use generator::{Api, DocsTree};

pub enum Format {
    Markdown,
    Json,
}

impl Format {
    pub fn parse(word: Option<&str>) -> Result<Format> {
        match word {
            None | Some("markdown" | "md") => Ok(Format::Markdown),
            Some("json") => Ok(Format::Json),
            Some(other) => bail!("--format is markdown or json, not `{other}`"),
        }
    }
}

pub struct Options {
    pub old: PathBuf,
    pub new: PathBuf,
    pub format: Format,
    pub out: Option<PathBuf>,
    /// Only this type or enum: itself, its properties or members, and its operations.
    pub only_type: Option<String>,
}

pub fn run(options: &Options) -> Result<()> {
    let started = Instant::now();
    let (old, new) = rayon::join(|| read(&options.old), || read(&options.new));
    let (old, new) = (old?, new?);
    let mut diff = ApiDiff::new(&old, &new);
    if let Some(name) = &options.only_type {
        diff = diff.for_type(name);
    }
    let labels = Labels {
        old: options.old.display().to_string(),
        new: options.new.display().to_string(),
    };
    let text = match options.format {
        Format::Markdown => report::markdown(&diff, &labels),
        Format::Json => report::json(&diff, &labels).context("serializing the diff")? + "\n",
    };
    match &options.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{}: {} entries in {:.1?}",
                path.display(),
                diff.entries.len(),
                started.elapsed()
            );
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error.
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(())
}

fn read(dir: &Path) -> Result<Api> {
    let tree = DocsTree::load(dir)?;
    Ok(generator::read_tree(&tree))
}
