//! Reads the Microsoft Graph reference docs (markdown) into one resolved API model.
//!
//! The pipeline: `read` turns a page's markdown into blocks (syntax only), `model` turns
//! blocks into what the page says (`model::facts`), and [`resolve`] merges the facts of all
//! pages into the [`crate::ir::Api`]: types with inheritance applied, enums, operations and
//! diagnostics. The stages' internals are `pub(crate)`; other crates see the model, the
//! emitter's outputs ([`emit`]), the API diff ([`diff`]) and the example oracles ([`check`]).
//!
//! ```no_run
//! let tree = generator::DocsTree::load("../shared/graph-docs/2021-07/beta".as_ref()).unwrap();
//! let api = generator::read_tree(&tree);
//! println!("{} types, {} diagnostics", api.types.len(), api.diagnostics.len());
//! ```

pub mod check;
pub(crate) mod diagnostics;
pub mod diff;
pub mod emit;
pub(crate) mod input;
pub mod ir;
pub(crate) mod model;
pub(crate) mod read;
pub mod resolve;
pub(crate) mod source;

use rayon::prelude::*;

pub use crate::ir::Api;
pub use diagnostics::{Code, Diagnostic, Severity};
pub use input::{DocsTree, LoadError};

/// Read and resolve every page of a loaded docs tree.
pub fn read_tree(tree: &DocsTree) -> Api {
    let mut api = read_pages(&tree.pages);
    if !tree.unreadable.is_empty() {
        api.diagnostics.extend(tree.unreadable.iter().cloned());
        api.diagnostics.sort();
    }
    api
}

/// Read and resolve pages given as (path relative to the docs root, text).
pub fn read_pages(pages: &[(String, String)]) -> Api {
    let facts: Vec<_> = pages
        .par_iter()
        .map(|(file, text)| model::lower_page(file, text))
        .collect();
    resolve::resolve(facts)
}
