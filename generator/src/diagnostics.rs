//! Diagnostics: everything the docs get wrong, with file, line, a stable code and one line of
//! text. The reader never stops at a problem; it records a diagnostic and keeps going.

use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::source::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something is lost or wrong in the model (a type, property or operation could not be read).
    Error,
    /// The docs are inconsistent, but the model holds a reasonable reading.
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $text:literal, $severity:ident, $doc:literal;)*) => {
        /// The stable code of a diagnostic. The text form (`as_str`) never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    Io = "GD001", Error, "A docs file could not be read or is not UTF-8.";
    AnnotationJson = "GD002", Warning, "An annotation comment is not valid JSON (read after repair, or dropped).";
    AnnotationWithoutBlock = "GD003", Warning, "A resource or response annotation is not followed by a code block.";
    ResourceJson = "GD004", Warning, "The JSON representation of a resource is not valid JSON.";
    MultipleResources = "GD005", Warning, "A page holds more than one resource block; each is read.";
    MissingPropertyTable = "GD006", Warning, "A resource page has no property table.";
    TableColumns = "GD007", Warning, "A table lacks a name or type column, or a row has too few or too many cells.";
    EmptyType = "GD008", Error, "A property, parameter or body row has an empty type cell.";
    UnresolvedType = "GD009", Warning, "A type cell names a type that no page defines.";
    FreeTextType = "GD010", Warning, "A type cell is free text; read as the closest type it names.";
    BrokenLink = "GD011", Warning, "A link points to a docs page that does not exist.";
    LinkCase = "GD012", Warning, "A link names a page with a different letter case.";
    DuplicateProperty = "GD013", Warning, "A property is listed twice; the first row is kept.";
    PropertyConflict = "GD014", Warning, "Two pages describe the same property of a type with different types.";
    JsonNotInTable = "GD015", Warning, "The JSON representation has a property the tables do not document.";
    TableNotInJson = "GD016", Warning, "A table property is missing from the JSON representation.";
    UnknownBase = "GD017", Warning, "A base type names a type that no page defines.";
    InheritanceCycle = "GD018", Error, "Types inherit from each other in a cycle.";
    BaseConflict = "GD019", Warning, "Two pages name different base types for a type.";
    EnumValue = "GD020", Warning, "An enum member's value is not an integer.";
    EnumConflict = "GD021", Warning, "Two descriptions of an enum disagree (members or values).";
    InlineEnumExtra = "GD022", Warning, "A description lists values that the enum type does not have.";
    DuplicateMember = "GD023", Warning, "An enum lists a member twice; the first is kept.";
    BadRequestLine = "GD024", Warning, "A line in an HTTP request block is not `VERB /path`.";
    PathRepaired = "GD025", Warning, "An HTTP request path was normalized (host, version, missing or doubled slash, spaces).";
    NoRequestLine = "GD026", Warning, "A method page documents no HTTP request line.";
    UnknownKind = "GD027", Warning, "The kind of an operation (list, get, ...) could not be decided.";
    ExampleJson = "GD028", Warning, "An example body is not valid JSON (read after repair, or kept as text).";
    ExampleStatus = "GD029", Warning, "An example response has no valid HTTP status line.";
    ExampleType = "GD030", Warning, "An example names a type that no page defines.";
    FrontMatter = "GD031", Warning, "The YAML front matter is not closed.";
    DuplicateDefinition = "GD032", Warning, "Two pages define the same type with different kinds or keys.";
    TypeEnumClash = "GD033", Warning, "A name is defined both as a type and as an enum.";
    InheritanceDepth = "GD034", Error, "An inheritance chain is deeper than the reader follows.";
    RouteType = "GD035", Warning, "A method page names another type than the walk of its path through the model reaches; the walk wins.";
    ImpliedBase = "GD036", Warning, "What the docs imply about a type's base (its rows' \"Inherited from\", a base page's list of derived types, an example's `@odata.type`) contradicts the base its page names, or examples imply unrelated bases.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in the docs, at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub file: std::sync::Arc<str>,
    pub line: u32,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn new(at: &Source, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            file: at.file.clone(),
            line: at.line,
            code,
            severity: code.severity(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.code, self.message
        )
    }
}

/// Collects diagnostics while a page or the whole tree is read.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, at: &Source, code: Code, message: impl Into<String>) {
        self.items.push(Diagnostic::new(at, code, message));
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// `f` of every item, run in parallel, each with diagnostics of its own; those are added
    /// here in the items' order, so neither the result nor the diagnostics depend on the schedule.
    pub(crate) fn par_map<I, T, F>(&mut self, items: I, f: F) -> Vec<T>
    where
        I: IndexedParallelIterator,
        T: Send,
        F: Fn(I::Item, &mut Diagnostics) -> T + Sync + Send,
    {
        let results: Vec<(T, Diagnostics)> = items
            .map(|item| {
                let mut diags = Diagnostics::default();
                let out = f(item, &mut diags);
                (out, diags)
            })
            .collect();
        results
            .into_iter()
            .map(|(out, diags)| {
                self.items.extend(diags.items);
                out
            })
            .collect()
    }
}

impl Diagnostic {
    /// `error` or `warning`.
    pub fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_map_keeps_the_items_order() {
        let mut diags = Diagnostics::default();
        let items: Vec<u32> = (1..=2000).collect();
        let out = diags.par_map(items.into_par_iter(), |line, diags| {
            // Two for the even items, none for every third: uneven work per item.
            if line % 3 != 0 {
                diags.push(&Source::new("a.md", line), Code::BadRequestLine, "first");
            }
            if line % 2 == 0 {
                diags.push(&Source::new("a.md", line), Code::BadRequestLine, "second");
            }
            line * 10
        });
        assert_eq!(out, (1..=2000).map(|l| l * 10).collect::<Vec<_>>());
        let seen: Vec<(u32, String)> = diags
            .into_vec()
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        let expected: Vec<(u32, String)> = (1..=2000u32)
            .flat_map(|l| {
                let first = (l % 3 != 0).then(|| (l, "first".to_string()));
                let second = (l % 2 == 0).then(|| (l, "second".to_string()));
                first.into_iter().chain(second)
            })
            .collect();
        assert_eq!(seen, expected);
    }
}
