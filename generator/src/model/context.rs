//! The context of reading one page, as serde_derive's `Ctxt` is for one derive: the page's
//! file, shared by every [`Source`] read from it, and the diagnostics it collects. Every reader
//! in `model` takes it instead of a file name and a diagnostics list of its own.

use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::Source;

pub(crate) struct PageContext {
    file: Arc<str>,
    diagnostics: Diagnostics,
}

impl PageContext {
    /// The context of the page at `file` (relative to the docs root).
    pub(crate) fn new(file: &str) -> Self {
        PageContext {
            file: Arc::from(file),
            diagnostics: Diagnostics::default(),
        }
    }

    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// A line of this page.
    pub(crate) fn at(&self, line: u32) -> Source {
        Source::new(Arc::clone(&self.file), line)
    }

    /// Report a problem at `at` (a place in this page).
    pub(crate) fn push(&mut self, at: &Source, code: Code, message: impl Into<String>) {
        self.diagnostics.push(at, code, message);
    }

    /// Report a problem at a line of this page.
    pub(crate) fn push_line(&mut self, line: u32, code: Code, message: impl Into<String>) {
        let at = self.at(line);
        self.diagnostics.push(&at, code, message);
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_of_one_page_share_its_file() {
        let mut cx = PageContext::new("api/user-get.md");
        let (a, b) = (cx.at(3), cx.at(9));
        assert!(Arc::ptr_eq(&a.file, &b.file));
        assert_eq!(a.to_string(), "api/user-get.md:3");
        cx.push_line(9, Code::NoRequestLine, "m");
        let diags = cx.into_diagnostics();
        assert_eq!(
            diags[0].to_string(),
            format!("api/user-get.md:9: {}: m", Code::NoRequestLine)
        );
    }
}
