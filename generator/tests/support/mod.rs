//! Where the corpus tests find their docs: the pinned 2021-07 pages inside the repository
//! (`docs-input/api-reference`), and the other corpora and the seed page in `../shared` beside
//! the checkout, which CI always has and a fresh clone may not.

use std::path::{Path, PathBuf};

/// A docs tree by corpus name: `2021-07/beta` is the pinned copy in `docs-input/`, anything
/// else lives in `../shared/graph-docs`. `None` when that folder is absent on a machine that is
/// not CI (the caller skips, and this says so); under CI (`CI` set) a missing folder panics.
#[allow(dead_code)]
pub fn docs(corpus: &str) -> Option<PathBuf> {
    match corpus.strip_prefix("2021-07/") {
        Some(version) => Some(workspace().join("docs-input/api-reference").join(version)),
        None => shared(&format!("graph-docs/{corpus}")),
    }
}

/// `../shared/<rel>` beside the checkout, as [`docs`] treats a missing one.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = workspace().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing: CI lays ../shared beside the checkout, and these tests need it",
            path.display()
        );
    }
    eprintln!(
        "skipped: {} is not beside this checkout (CI has it)",
        path.display()
    );
    None
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
