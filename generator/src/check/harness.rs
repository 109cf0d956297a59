//! Entry points shared by the fuzz targets (`fuzz/`), the property tests and the fuzz
//! regression test (`tests/fuzz_regressions.rs`): arbitrary bytes through the same code path
//! everywhere, so a crashing input found by the fuzzer is replayed exactly by `cargo test`.
//!
//! Neither function may panic on any input; a panic is the bug the fuzzer looks for.
//! `generate` returns an error when the generator wrote Rust that does not parse.

use crate::emit::{self, CrateOptions, EmitError, OutputFile, Version};
use crate::Api;

/// The byte that separates the pages of a multi-page fuzz input (never in a real page).
pub const PAGE_SEPARATOR: u8 = 0;

/// Read one page, as a resource page and as a method page.
pub fn read_page(bytes: &[u8]) -> Api {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let _ = crate::model::lower_page("api/fuzz.md", &text);
    crate::read_pages(&[("resources/fuzz.md".to_string(), text)])
}

/// The pages of a fuzz input: split at [`PAGE_SEPARATOR`], at most four, named
/// `resources/page0.md`, `api/page1.md`, `resources/page2.md`, …
pub fn pages(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .splitn(4, |b| *b == PAGE_SEPARATOR)
        .enumerate()
        .map(|(i, part)| {
            let folder = if i % 2 == 0 { "resources" } else { "api" };
            (
                format!("{folder}/page{i}.md"),
                String::from_utf8_lossy(part).into_owned(),
            )
        })
        .collect()
}

/// Why generated code was rejected.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("{path} as printed does not parse: {message}\n{contents}")]
    Reparse {
        path: String,
        message: String,
        contents: String,
    },
}

/// Read, resolve and emit a small docs tree made from `bytes`, then parse every emitted Rust
/// file again as printed.
pub fn generate(bytes: &[u8]) -> Result<Vec<OutputFile>, GenerateError> {
    let api = crate::read_pages(&pages(bytes));
    emit_and_parse(&api)
}

/// Emit one API (as version `beta`) into a standalone crate and parse every `.rs` file.
pub fn emit_and_parse(api: &Api) -> Result<Vec<OutputFile>, GenerateError> {
    let files = emit::emit_crate(
        &[Version { name: "beta", api }],
        &CrateOptions {
            package: "fuzz-sdk".into(),
            version: "0.1.0".into(),
            runtime_path: "graph-rt".into(),
            runtime_version: "0.1.0".into(),
            standalone: true,
        },
    )?;
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(&f.contents) {
            return Err(GenerateError::Reparse {
                path: f.path.clone(),
                message: e.to_string(),
                contents: f.contents.clone(),
            });
        }
    }
    Ok(files)
}
