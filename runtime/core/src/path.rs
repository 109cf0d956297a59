//! Request paths built segment by segment, with every caller-supplied piece percent-encoded so
//! that it stays one segment: an id such as `a/../b?x` cannot change the path or add a query.

use std::fmt::Write as _;

/// The path of a request below the API version (`/users/a%2Fb/messages`), built by the generated
/// request builders. Keys, function arguments and item paths are encoded here; literal segments
/// come from the docs.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct UrlPath {
    encoded: String,
    /// The same path with every caller-supplied piece as `{}`.
    template: String,
    /// Why this path cannot be sent, when a caller gave a key that no encoding makes safe.
    invalid: Option<String>,
}

/// A function argument: an OData string literal (`'…'`, quotes doubled) or a value written as
/// is (numbers, dates, enum members), both percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Written `'text'` with every `'` doubled.
    Str(&'a str),
    /// Written as it is (`5`, `2021-07-01`); characters that would end the segment are encoded.
    Raw(&'a str),
}

impl UrlPath {
    /// The empty path (the API version's root).
    pub fn root() -> Self {
        Self::default()
    }

    /// The path as it goes on the wire, starting with `/` (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The path with every piece a caller supplied (keys, item paths, function arguments) as
    /// `{}`: `/users/{}/messages`, `/me/drive/root:/{}:/content`. What traces name a call by:
    /// the same for every user and item, and without their ids or names.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Why this path cannot be sent, if a key made it unsafe.
    pub fn invalid(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// Appends a segment from the docs (a navigation property, an action, a type cast,
    /// `$value`), written as it is.
    pub fn literal(mut self, segment: &str) -> Self {
        self.encoded.push('/');
        self.encoded.push_str(segment);
        self.template.push('/');
        self.template.push_str(segment);
        self
    }

    /// Appends a key (`/users/{id}`): the whole value becomes one encoded segment.
    pub fn key(mut self, key: &str) -> Self {
        if key.is_empty() || key.bytes().all(|b| b == b'.') {
            // `.`, `..` (and their encoded forms) are path navigation for every URL parser.
            self.invalid
                .get_or_insert_with(|| format!("the key `{key}` cannot be a path segment"));
        }
        self.encoded.push('/');
        encode_into(&mut self.encoded, key, SEGMENT);
        self.template.push_str("/{}");
        self
    }

    /// Appends a key in parentheses: `worksheets('Sheet 1')`.
    pub fn key_in_parens(mut self, name: &str, key: Arg<'_>) -> Self {
        self.encoded.push('/');
        self.encoded.push_str(name);
        self.encoded.push('(');
        push_arg(&mut self.encoded, key);
        self.encoded.push(')');
        let _ = write!(self.template, "/{name}({{}})");
        self
    }

    /// Appends a function call: `getByPeriod(period='D7',top=5)`; `delta()` without arguments.
    pub fn call(mut self, name: &str, args: &[(&str, Arg<'_>)]) -> Self {
        self.encoded.push('/');
        self.encoded.push_str(name);
        self.encoded.push('(');
        for (i, (arg, value)) in args.iter().enumerate() {
            if i > 0 {
                self.encoded.push(',');
            }
            self.encoded.push_str(arg);
            self.encoded.push('=');
            push_arg(&mut self.encoded, *value);
        }
        self.encoded.push(')');
        let names: Vec<String> = args.iter().map(|(arg, _)| format!("{arg}={{}}")).collect();
        let _ = write!(self.template, "/{name}({})", names.join(","));
        self
    }

    /// Appends path-based addressing into the last segment: `root:/folder/file.txt:`. Each
    /// `/`-separated part of `item_path` is encoded on its own; `.` and `..` parts are refused.
    pub fn path_address(mut self, item_path: &str) -> Self {
        self.encoded.push_str(":/");
        let trimmed = item_path.trim_matches('/');
        for (i, part) in trimmed.split('/').enumerate() {
            if part.is_empty() || part.bytes().all(|b| b == b'.') {
                self.invalid.get_or_insert_with(|| {
                    format!("the item path `{item_path}` has an empty, `.` or `..` part")
                });
            }
            if i > 0 {
                self.encoded.push('/');
            }
            encode_into(&mut self.encoded, part, SEGMENT);
        }
        self.encoded.push(':');
        self.template.push_str(":/{}:");
        self
    }
}

impl std::fmt::Debug for UrlPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encoded)
    }
}

fn push_arg(out: &mut String, arg: Arg<'_>) {
    match arg {
        Arg::Str(text) => {
            out.push('\'');
            encode_into(out, &text.replace('\'', "''"), SEGMENT);
            out.push('\'');
        }
        Arg::Raw(text) => encode_into(out, text, SEGMENT),
    }
}

/// Which bytes stay as they are.
#[derive(Clone, Copy)]
pub(crate) struct Keep(fn(u8) -> bool);

/// In a path segment: RFC 3986 unreserved characters and a few sub-delimiters that Graph ids
/// and OData literals use (`'`, `=`, `,`, `@`, `!`, `$`, `*`, `+`, `;`; never `/`, `?`, `#`,
/// `%`, `(`, `)`, `:`).
pub(crate) const SEGMENT: Keep = Keep(|b| {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'\''
                | b'='
                | b','
                | b'@'
                | b'!'
                | b'$'
                | b'*'
                | b'+'
                | b';'
        )
});

/// In a query value: also `/`, `:`, `(`, `)`, `'`, `,` and `$` (OData expressions), never `&`,
/// `=`, `+`, `#`, `%` or a space.
pub(crate) const QUERY_VALUE: Keep = Keep(|b| {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'\''
                | b','
                | b'@'
                | b'!'
                | b'$'
                | b'*'
                | b';'
                | b'/'
                | b':'
                | b'('
                | b')'
        )
});

pub(crate) fn encode_into(out: &mut String, text: &str, keep: Keep) {
    for &b in text.as_bytes() {
        if (keep.0)(b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Percent-encodes `text` for a query value.
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text, QUERY_VALUE);
    out
}

/// Decodes `%XX` escapes (for comparing paths); invalid escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An OData string literal for `$filter` and function arguments: `'O''Brien'`.
pub fn odata_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_one_segment() {
        let path = UrlPath::root()
            .literal("users")
            .key("a/../b?x#y z%")
            .literal("messages");
        assert_eq!(path.as_str(), "/users/a%2F..%2Fb%3Fx%23y%20z%25/messages");
        assert!(path.invalid().is_none());
        assert!(UrlPath::root().key("..").invalid().is_some());
        assert!(UrlPath::root().key("").invalid().is_some());
    }

    #[test]
    fn calls_and_literals() {
        let path = UrlPath::root().literal("reports").call(
            "getThing",
            &[("period", Arg::Str("D'7")), ("top", Arg::Raw("5"))],
        );
        assert_eq!(path.as_str(), "/reports/getThing(period='D''7',top=5)");
        assert_eq!(path.template(), "/reports/getThing(period={},top={})");
        let path = UrlPath::root()
            .literal("workbook")
            .key_in_parens("worksheets", Arg::Str("Sheet 1"));
        assert_eq!(path.as_str(), "/workbook/worksheets('Sheet%201')");
        assert_eq!(path.template(), "/workbook/worksheets({})");
    }

    #[test]
    fn item_paths() {
        let path = UrlPath::root()
            .literal("root")
            .path_address("/docs/a b.txt");
        assert_eq!(path.as_str(), "/root:/docs/a%20b.txt:");
        assert_eq!(path.template(), "/root:/{}:");
        assert!(UrlPath::root().path_address("a/../b").invalid().is_some());
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%2Fb%20c%zz%4"), "a/b c%zz%4");
        assert_eq!(encode_query_value("a b&c=d+e"), "a%20b%26c%3Dd%2Be");
        assert_eq!(odata_string("O'Brien"), "'O''Brien'");
    }
}
