//! The one error type: what was expected, what was found, and where.

use std::borrow::Cow;
use std::fmt;

use crate::Value;

/// A JSON value that does not convert, or a text that does not parse.
///
/// It says what was expected, what was found (the JSON kind, with a short excerpt of a
/// scalar), and the property path from the value being converted down to the bad one, such as
/// `value[3].displayName`. [`take`](crate::take) and the `FromJson` of `Vec` add the path
/// segments as the error goes up.
///
/// ```
/// use graph_rt_core::JsonMap;
/// let mut map: JsonMap = serde_json::from_str(r#"{"sizes": [1, "big"]}"#).unwrap();
/// let error = graph_rt_core::take::<Vec<i64>>(&mut map, "sizes").unwrap_err();
/// assert_eq!(error.path(), "sizes[1]");
/// assert_eq!(
///     error.to_string(),
///     "`sizes[1]`: expected an integer (Edm.Int64), found string \"big\""
/// );
/// ```
pub struct Error {
    // Boxed: keeps `Result<T, Error>` one pointer wide on the happy path.
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    /// Innermost segment first: segments are pushed as the error goes up.
    path: Vec<Segment>,
}

enum Kind {
    Mismatch {
        expected: Cow<'static, str>,
        found: String,
    },
    Custom(String),
}

enum Segment {
    Key(String),
    Index(usize),
}

/// How long a string excerpt in an error may be, in characters.
const EXCERPT_CHARS: usize = 60;

impl Error {
    /// `expected` was wanted, `found` was there (described by its JSON kind and an excerpt).
    #[cold]
    pub fn mismatch(expected: impl Into<Cow<'static, str>>, found: &Value) -> Self {
        Self::new(Kind::Mismatch {
            expected: expected.into(),
            found: describe(found),
        })
    }

    /// A string that does not parse as `expected` (found is shown as `string "…"`).
    #[cold]
    pub fn invalid_text(expected: impl Into<Cow<'static, str>>, text: &str) -> Self {
        Self::new(Kind::Mismatch {
            expected: expected.into(),
            found: describe_str(text),
        })
    }

    /// Any other failure, with its message.
    #[cold]
    pub fn custom(message: impl fmt::Display) -> Self {
        Self::new(Kind::Custom(message.to_string()))
    }

    fn new(kind: Kind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                path: Vec::new(),
            }),
        }
    }

    /// The error one level up: inside the property `key` of an object.
    #[cold]
    #[must_use]
    pub fn at_key(mut self, key: &str) -> Self {
        self.inner.path.push(Segment::Key(key.to_owned()));
        self
    }

    /// The error one level up: inside the element `index` of an array.
    #[cold]
    #[must_use]
    pub fn at_index(mut self, index: usize) -> Self {
        self.inner.path.push(Segment::Index(index));
        self
    }

    /// The path from the converted value down to the bad one, such as `value[3].displayName`;
    /// empty when the converted value itself is bad.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.inner.path.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// What was expected, such as `a string` or `a date (yyyy-mm-dd)`; `None` for a custom error.
    pub fn expected(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Mismatch { expected, .. } => Some(expected),
            Kind::Custom(_) => None,
        }
    }

    /// What was found, such as `null`, `number 3` or `string "abc"`; `None` for a custom error.
    pub fn found(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Mismatch { found, .. } => Some(found),
            Kind::Custom(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.inner.path.is_empty() {
            write!(f, "`{}`: ", self.path())?;
        }
        match &self.inner.kind {
            Kind::Mismatch { expected, found } => write!(f, "expected {expected}, found {found}"),
            Kind::Custom(message) => f.write_str(message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({self})")
    }
}

impl std::error::Error for Error {}

/// A value's JSON kind, with an excerpt for scalars.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => describe_str(s),
        Value::Array(items) => format!("an array of {} elements", items.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn describe_str(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("string {:?}…", &text[..end]),
        None => format!("string {text:?}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn display_without_path() {
        let e = Error::mismatch("a string", &json!(5));
        assert_eq!(e.to_string(), "expected a string, found number 5");
        assert_eq!(e.path(), "");
        assert_eq!(e.expected(), Some("a string"));
        assert_eq!(e.found(), Some("number 5"));
    }

    #[test]
    fn path_is_built_from_the_inside_out() {
        let e = Error::mismatch("a string", &Value::Null)
            .at_key("displayName")
            .at_index(3)
            .at_key("value");
        assert_eq!(e.path(), "value[3].displayName");
        assert_eq!(
            e.to_string(),
            "`value[3].displayName`: expected a string, found null"
        );
        let e = Error::custom("boom").at_index(0).at_index(2);
        assert_eq!(e.path(), "[2][0]");
        assert_eq!(e.to_string(), "`[2][0]`: boom");
        assert_eq!(e.expected(), None);
    }

    #[test]
    fn kinds_are_described() {
        let found = |v: Value| Error::mismatch("x", &v).found().map(str::to_owned);
        assert_eq!(found(json!(true)).as_deref(), Some("boolean true"));
        assert_eq!(found(json!(1.5)).as_deref(), Some("number 1.5"));
        assert_eq!(found(json!("a\"b")).as_deref(), Some("string \"a\\\"b\""));
        assert_eq!(
            found(json!([1, 2])).as_deref(),
            Some("an array of 2 elements")
        );
        assert_eq!(found(json!({})).as_deref(), Some("an object"));
    }

    #[test]
    fn long_strings_are_cut() {
        let long = "é".repeat(100);
        let e = Error::invalid_text("a date", &long);
        let found = e.found().unwrap_or_default();
        assert!(found.ends_with('…'));
        assert_eq!(found.chars().filter(|&c| c == 'é').count(), EXCERPT_CHARS);
    }

    #[test]
    fn error_is_small() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
