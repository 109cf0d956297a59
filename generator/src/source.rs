//! Where something was read: a docs file and a line. Every stage carries it, so that a
//! diagnostic, a disagreement or a generated item's comment can name its page.

use std::fmt;

use serde::Serialize;

/// A docs file (relative to the docs root, `/`-separated) and a 1-based line; shown as
/// `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
}

impl Source {
    pub fn new(file: impl Into<String>, line: u32) -> Self {
        Self {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn shows_as_file_colon_line() {
        assert_eq!(
            Source::new("api/user-get.md", 12).to_string(),
            "api/user-get.md:12"
        );
    }
}
