//! Where something was read: a docs file and a line. Every stage carries it, so that a
//! diagnostic, a disagreement or a generated item's comment can name its page.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A docs file (relative to the docs root, `/`-separated) and a 1-based line; shown as
/// `file:line`. The file name is shared by everything read from one page (see
/// [`Source::new`]): cloning a source costs a reference count, not a string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    pub file: Arc<str>,
    pub line: u32,
}

impl Source {
    /// A place in `file`. Pass the page's `Arc<str>` (as the reader does) to share it; a
    /// `&str` or `String` is copied once.
    pub fn new(file: impl Into<Arc<str>>, line: u32) -> Self {
        Self {
            file: file.into(),
            line,
        }
    }
}

/// Which page's word counts where several pages define one type or one request line, best
/// first. This is the one place that says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Standing {
    /// A page of the thing's own workload.
    Own,
    /// An Intune page (`api/intune-…`, `resources/intune_…`): Intune repeats the types it uses
    /// (`user`, `group`, `keyValuePair`) and the request lines of other workloads.
    Intune,
    /// An Intune page of what its workloads share (`resources/intune-shared-…`): it repeats
    /// parts of types that the other Intune pages define whole.
    IntuneShared,
}

impl Standing {
    pub(crate) fn of(file: &str) -> Standing {
        let name = file.rsplit('/').next().unwrap_or(file);
        if !name.starts_with("intune") {
            Standing::Own
        } else if name.starts_with("intune-shared-") || name.starts_with("intune_shared_") {
            Standing::IntuneShared
        } else {
            Standing::Intune
        }
    }

    /// Whether the page repeats what other pages own.
    pub(crate) fn repeats(self) -> bool {
        self != Standing::Own
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[cfg(test)]
mod tests {
    use super::{Source, Standing};

    #[test]
    fn own_pages_first_then_intune_then_intune_shared() {
        let standing = |file| Standing::of(file);
        for file in [
            "resources/keyvaluepair.md",
            "resources/shareddriveitem.md",
            "resources/shared.md",
            "api/user-get.md",
        ] {
            assert_eq!(standing(file), Standing::Own, "{file}");
        }
        for file in [
            "api/intune-devices-manageddevice-get.md",
            "resources/intune_deviceconfig_manageddevicecertificatestate.md",
            "resources/intune-mam-keyvaluepair.md",
        ] {
            assert_eq!(standing(file), Standing::Intune, "{file}");
        }
        assert_eq!(
            standing("resources/intune-shared-devicemanagement.md"),
            Standing::IntuneShared
        );
        assert!(Standing::Own < Standing::Intune && Standing::Intune < Standing::IntuneShared);
        assert!(!Standing::Own.repeats() && Standing::IntuneShared.repeats());
    }

    #[test]
    fn shows_as_file_colon_line() {
        assert_eq!(
            Source::new("api/user-get.md", 12).to_string(),
            "api/user-get.md:12"
        );
    }
}
