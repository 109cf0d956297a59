//! Loading a docs tree from disk: every `*.md` below the root (dot-folders skipped), read in
//! parallel. The only module of the library that touches the file system.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Source;

/// The pages of one docs tree (one API version: `api/` and `resources/`).
#[derive(Debug, Default)]
pub struct DocsTree {
    pub root: PathBuf,
    /// (path relative to the root with `/` separators, text), sorted by path.
    pub pages: Vec<(String, String)>,
    /// Files that could not be read or are not UTF-8.
    pub unreadable: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "docs folder {0} does not exist (pass --docs DIR, a folder holding api/ and resources/)"
    )]
    NotFound(PathBuf),
    #[error("{0} is not a folder")]
    NotADirectory(PathBuf),
    #[error("docs folder {0} holds no .md files")]
    Empty(PathBuf),
    #[error("cannot list {path}: {source}")]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DocsTree {
    pub fn load(root: &Path) -> Result<DocsTree, LoadError> {
        if !root.exists() {
            return Err(LoadError::NotFound(root.to_path_buf()));
        }
        if !root.is_dir() {
            return Err(LoadError::NotADirectory(root.to_path_buf()));
        }
        let mut files = Vec::new();
        collect(root, root, &mut files)?;
        if files.is_empty() {
            return Err(LoadError::Empty(root.to_path_buf()));
        }
        files.sort();
        let read: Vec<Result<(String, String), Diagnostic>> = files
            .into_par_iter()
            .map(|rel| {
                let at = Source::new(rel.clone(), 1);
                let bytes = fs::read(root.join(&rel))
                    .map_err(|e| Diagnostic::new(&at, Code::Io, format!("cannot read: {e}")))?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    Diagnostic::new(
                        &at,
                        Code::Io,
                        format!("not UTF-8 (byte {}); skipped", e.utf8_error().valid_up_to()),
                    )
                })?;
                Ok((rel, text))
            })
            .collect();
        let mut tree = DocsTree {
            root: root.to_path_buf(),
            ..DocsTree::default()
        };
        for r in read {
            match r {
                Ok(page) => tree.pages.push(page),
                Err(d) => tree.unreadable.push(d),
            }
        }
        Ok(tree)
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), LoadError> {
    let entries = fs::read_dir(dir).map_err(|source| LoadError::List {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if name.ends_with(".md") {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    Ok(())
}
