//! Lenient JSON for the code blocks and annotation comments of the Graph docs: parse strictly, and
//! when that fails repair the usual hand-written mistakes in one linear scan and parse again.

use serde_json::Value;

/// What had to be repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// `// line`, `/* block */` or `# line` comments were removed.
    Comments,
    /// A comma before `}` or `]` was removed.
    TrailingCommas,
    /// A `...` or `…` placeholder element or member was removed, with the comma it left dangling.
    Ellipsis,
    /// An object key without quotes was quoted.
    UnquotedKeys,
    /// A single-quoted string was rewritten with double quotes.
    SingleQuotes,
    /// A comma was inserted between two members or values on different lines.
    MissingCommas,
    /// Text after the closing brace or bracket of the top-level value was dropped.
    TrailingText,
}

impl Repair {
    /// Every repair, in the order they are reported.
    const ALL: [Repair; 7] = [
        Repair::Comments,
        Repair::TrailingCommas,
        Repair::Ellipsis,
        Repair::UnquotedKeys,
        Repair::SingleQuotes,
        Repair::MissingCommas,
        Repair::TrailingText,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Parse `text` as JSON; if strict parsing fails, repair and retry.
///
/// `Ok((value, repairs))` — `repairs` is empty when the text was valid JSON as is, otherwise it
/// lists each kind of repair once, in declaration order.
///
/// # Errors
///
/// A one-line message (`serde_json`'s error with its line) when even the repaired text fails.
/// Line numbers refer to the original text: the repair keeps every line break.
pub fn parse_lenient(text: &str) -> Result<(Value, Vec<Repair>), String> {
    parse_lenient_as(text)
}

/// [`parse_lenient`] into any type that reads from JSON (a [`Value`], or a reader that keeps only
/// what it needs).
///
/// # Errors
///
/// As [`parse_lenient`].
pub fn parse_lenient_as<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<Repair>), String> {
    if let Ok(value) = serde_json::from_str::<T>(text) {
        return Ok((value, Vec::new()));
    }
    let (repaired, flags) = repair(text);
    let repairs: Vec<Repair> = Repair::ALL
        .into_iter()
        .filter(|r| flags & r.bit() != 0)
        .collect();
    match serde_json::from_slice::<T>(&repaired) {
        Ok(value) => Ok((value, repairs)),
        Err(e) if repairs.is_empty() => Err(format!("invalid JSON: {e}")),
        Err(e) => {
            let names: Vec<String> = repairs.iter().map(|r| format!("{r:?}")).collect();
            Err(format!(
                "invalid JSON even after repair ({}): {e}",
                names.join(", ")
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer. Works on bytes but only ever splits at ASCII bytes, which in UTF-8 are always char
// boundaries (bytes of multi-byte chars are all >= 0x80), so every span is whole chars.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open(Container),
    Close(Container),
    Colon,
    Comma,
    /// A quoted string; `terminated` is false when the input ended inside it.
    Str {
        single: bool,
        terminated: bool,
    },
    /// Anything else up to a delimiter: numbers, `true`, unquoted keys, stray words.
    Word,
    /// A word made only of dots (at least two) and `…`.
    Ellipsis,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// Line breaks in the whitespace and comments before the token.
    newlines: usize,
    /// Whitespace or a comment before the token.
    spaced: bool,
}

struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Only whitespace so far on the current line.
    line_start: bool,
    comments: bool,
    peeked: Option<Token>,
}

const ELLIPSIS_CHAR: &[u8] = "…".as_bytes();

impl<'a> Lexer<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lexer {
            bytes,
            pos: 0,
            line_start: true,
            comments: false,
            peeked: None,
        }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn next_token(&mut self) -> Option<Token> {
        match self.peeked.take() {
            Some(token) => Some(token),
            None => self.lex(),
        }
    }

    fn peek_kind(&mut self) -> Option<Kind> {
        if self.peeked.is_none() {
            self.peeked = self.lex();
        }
        self.peeked.map(|t| t.kind)
    }

    /// Where the input not yet handed out as tokens starts.
    fn resume_pos(&self) -> usize {
        self.peeked.map_or(self.pos, |t| t.start)
    }

    fn lex(&mut self) -> Option<Token> {
        let mut newlines = 0;
        let mut spaced = false;
        let first = loop {
            let b = self.at(self.pos)?;
            match b {
                b'\n' => {
                    newlines += 1;
                    self.line_start = true;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'#' if self.line_start => {
                    self.skip_line();
                    self.comments = true;
                }
                b'/' if self.at(self.pos + 1) == Some(b'/') => {
                    self.skip_line();
                    self.comments = true;
                }
                b'/' if self.at(self.pos + 1) == Some(b'*') => {
                    newlines += self.skip_block();
                    self.comments = true;
                    self.line_start = false;
                }
                _ => break b,
            }
            spaced = true;
        };
        self.line_start = false;
        let start = self.pos;
        let kind = match first {
            b'{' => Kind::Open(Container::Object),
            b'}' => Kind::Close(Container::Object),
            b'[' => Kind::Open(Container::Array),
            b']' => Kind::Close(Container::Array),
            b':' => Kind::Colon,
            b',' => Kind::Comma,
            b'"' | b'\'' => {
                let terminated = self.skip_string(first);
                return Some(Token {
                    kind: Kind::Str {
                        single: first == b'\'',
                        terminated,
                    },
                    start,
                    end: self.pos,
                    newlines,
                    spaced,
                });
            }
            _ => {
                self.skip_word();
                let word = self.bytes.get(start..self.pos).unwrap_or_default();
                let kind = if is_ellipsis(word) {
                    Kind::Ellipsis
                } else {
                    Kind::Word
                };
                return Some(Token {
                    kind,
                    start,
                    end: self.pos,
                    newlines,
                    spaced,
                });
            }
        };
        self.pos += 1;
        Some(Token {
            kind,
            start,
            end: self.pos,
            newlines,
            spaced,
        })
    }

    /// Up to (not over) the next line break.
    fn skip_line(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }

    /// Over a `/* ... */` comment (to the end when unterminated); returns its line breaks.
    fn skip_block(&mut self) -> usize {
        let mut newlines = 0;
        let mut i = self.pos + 2;
        while let Some(b) = self.at(i) {
            if b == b'*' && self.at(i + 1) == Some(b'/') {
                self.pos = i + 2;
                return newlines;
            }
            if b == b'\n' {
                newlines += 1;
            }
            i += 1;
        }
        self.pos = self.bytes.len();
        newlines
    }

    /// Over a string opened by `quote` at `pos`; returns whether it was closed.
    fn skip_string(&mut self, quote: u8) -> bool {
        let mut i = self.pos + 1;
        while let Some(b) = self.at(i) {
            if b == b'\\' {
                i += 2;
            } else if b == quote {
                self.pos = i + 1;
                return true;
            } else {
                i += 1;
            }
        }
        self.pos = self.bytes.len();
        false
    }

    fn skip_word(&mut self) {
        let mut i = self.pos + 1;
        while let Some(b) = self.at(i) {
            let delimiter = matches!(
                b,
                b' ' | b'\t'
                    | b'\r'
                    | b'\n'
                    | b'{'
                    | b'}'
                    | b'['
                    | b']'
                    | b':'
                    | b','
                    | b'"'
                    | b'\''
            ) || (b == b'/' && matches!(self.at(i + 1), Some(b'/' | b'*')));
            if delimiter {
                break;
            }
            i += 1;
        }
        self.pos = i.min(self.bytes.len());
    }
}

/// `..`, `...`, `…` and the like: only dots (at least two) and ellipsis characters.
fn is_ellipsis(word: &[u8]) -> bool {
    let (mut dots, mut ellipses) = (0usize, 0usize);
    let mut rest = word;
    while let Some(&b) = rest.first() {
        if b == b'.' {
            dots += 1;
            rest = rest.get(1..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix(ELLIPSIS_CHAR) {
            ellipses += 1;
            rest = after;
        } else {
            return false;
        }
    }
    dots >= 2 || ellipses >= 1
}

// ---------------------------------------------------------------------------------------------
// Writer: the repaired text. Whitespace is normalized to one space, except that every line break
// of the input (including those inside removed comments) is kept, so error lines still match.

struct Writer<'a> {
    bytes: &'a [u8],
    out: Vec<u8>,
    newlines: usize,
    space: bool,
    flags: u8,
}

impl<'a> Writer<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Writer {
            bytes,
            out: Vec::with_capacity(bytes.len() + 16),
            newlines: 0,
            space: false,
            flags: 0,
        }
    }

    fn flag(&mut self, repair: Repair) {
        self.flags |= repair.bit();
    }

    /// The whitespace before a token, whether the token is written or dropped.
    fn before(&mut self, token: &Token) {
        self.newlines += token.newlines;
        self.space |= token.spaced;
    }

    /// A dropped token still separates its neighbours.
    fn dropped(&mut self) {
        self.space = true;
    }

    fn flush_space(&mut self) {
        if self.newlines > 0 {
            self.out.extend(std::iter::repeat_n(b'\n', self.newlines));
            self.newlines = 0;
            self.space = false;
        } else if self.space {
            self.out.push(b' ');
            self.space = false;
        }
    }

    /// Commas go right after the previous token, before any pending whitespace.
    fn commas(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(b',', n));
    }

    fn raw(&mut self, text: &[u8]) {
        self.flush_space();
        self.out.extend_from_slice(text);
    }

    fn token(&mut self, token: &Token) {
        let bytes = self.bytes;
        let text = bytes.get(token.start..token.end).unwrap_or_default();
        match token.kind {
            Kind::Str {
                single: true,
                terminated,
            } => {
                self.flag(Repair::SingleQuotes);
                self.flush_space();
                self.single_quoted(text, terminated);
            }
            _ => self.raw(text),
        }
    }

    /// `'it\'s "x"'` becomes `"it's \"x\""`; other escapes are kept as they are.
    fn single_quoted(&mut self, text: &[u8], terminated: bool) {
        let inner_end = if terminated {
            text.len().saturating_sub(1)
        } else {
            text.len()
        };
        let inner = text.get(1..inner_end).unwrap_or_default();
        self.out.push(b'"');
        let mut i = 0;
        while let Some(&b) = inner.get(i) {
            match b {
                b'\\' => match inner.get(i + 1) {
                    Some(b'\'') => {
                        self.out.push(b'\'');
                        i += 2;
                    }
                    Some(&next) => {
                        self.out.extend_from_slice(&[b'\\', next]);
                        i += 2;
                    }
                    None => {
                        self.out.push(b'\\');
                        i += 1;
                    }
                },
                b'"' => {
                    self.out.extend_from_slice(b"\\\"");
                    i += 1;
                }
                _ => {
                    self.out.push(b);
                    i += 1;
                }
            }
        }
        if terminated {
            self.out.push(b'"');
        }
    }

    /// An unquoted key, quoted.
    fn quoted_word(&mut self, token: &Token) {
        let bytes = self.bytes;
        let text = bytes.get(token.start..token.end).unwrap_or_default();
        self.flush_space();
        self.out.push(b'"');
        for &b in text {
            match b {
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'"' => self.out.extend_from_slice(b"\\\""),
                0..=0x1f => {
                    let hex = b"0123456789abcdef";
                    let hi = hex.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                    let lo = hex.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
                    self.out
                        .extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
                }
                _ => self.out.push(b),
            }
        }
        self.out.push(b'"');
    }
}

// ---------------------------------------------------------------------------------------------
// Structure: a stack of open containers. Commas and placeholders between two elements (the
// "gap") are held back and decided on when the next element or the closing bracket arrives.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between elements: an array expects a value, an object a key.
    Between,
    /// Object: after a key, expecting `:`.
    AfterKey,
    /// Object: after `:`, expecting a value.
    AfterColon,
}

#[derive(Debug, Default, Clone, Copy)]
struct Gap {
    commas: usize,
    ellipses: usize,
    commas_after_ellipsis: usize,
}

struct Frame {
    container: Container,
    state: State,
    /// Complete elements (array values or object members) so far.
    members: usize,
    gap: Gap,
}

impl Frame {
    fn new(container: Container) -> Self {
        Frame {
            container,
            state: State::Between,
            members: 0,
            gap: Gap::default(),
        }
    }

    /// A new element starts: write the separator the gap calls for.
    fn start_element(&mut self, token: &Token, w: &mut Writer) {
        let gap = std::mem::take(&mut self.gap);
        let after_member = self.members > 0;
        if gap.ellipses > 0 {
            w.flag(Repair::Ellipsis);
            if after_member {
                w.commas(1);
            }
        } else if gap.commas == 0 {
            if after_member && token.newlines > 0 {
                w.flag(Repair::MissingCommas);
                w.commas(1);
            }
        } else if gap.commas == 1 && after_member {
            w.commas(1);
        } else {
            // A leading or doubled comma with no placeholder to explain it: keep it, it stays
            // invalid.
            w.commas(gap.commas);
        }
    }

    /// The container closes: drop a trailing comma and placeholders.
    fn close(&mut self, w: &mut Writer) {
        let gap = std::mem::take(&mut self.gap);
        if gap.ellipses > 0 {
            w.flag(Repair::Ellipsis);
            if gap.commas_after_ellipsis > 0 {
                w.flag(Repair::TrailingCommas);
            }
        } else if gap.commas == 1 && self.members > 0 {
            w.flag(Repair::TrailingCommas);
        } else {
            w.commas(gap.commas);
        }
    }

    fn element_done(&mut self) {
        self.members += 1;
        self.state = State::Between;
        self.gap = Gap::default();
    }
}

enum Op {
    None,
    Push(Container),
    Pop,
}

/// One token inside an open container.
fn step(frame: &mut Frame, token: &Token, lexer: &mut Lexer, w: &mut Writer) -> Op {
    let is_array = frame.container == Container::Array;
    match (frame.state, token.kind) {
        (State::Between, Kind::Comma) => {
            frame.gap.commas += 1;
            if frame.gap.ellipses > 0 {
                frame.gap.commas_after_ellipsis += 1;
            }
            w.dropped();
            Op::None
        }
        (State::Between, Kind::Ellipsis) => {
            frame.gap.ellipses += 1;
            frame.gap.commas_after_ellipsis = 0;
            w.dropped();
            Op::None
        }
        (State::Between, Kind::Close(_)) => {
            frame.close(w);
            w.token(token);
            Op::Pop
        }
        (State::Between, Kind::Open(c)) if is_array => {
            frame.start_element(token, w);
            w.token(token);
            Op::Push(c)
        }
        (State::Between, Kind::Str { .. } | Kind::Word) if is_array => {
            frame.start_element(token, w);
            w.token(token);
            frame.element_done();
            Op::None
        }
        (State::Between, Kind::Str { .. }) => {
            frame.start_element(token, w);
            w.token(token);
            frame.state = State::AfterKey;
            Op::None
        }
        (State::Between, Kind::Word) if lexer.peek_kind() == Some(Kind::Colon) => {
            frame.start_element(token, w);
            w.flag(Repair::UnquotedKeys);
            w.quoted_word(token);
            frame.state = State::AfterKey;
            Op::None
        }
        (State::AfterKey, Kind::Colon) => {
            w.token(token);
            frame.state = State::AfterColon;
            Op::None
        }
        (State::AfterColon, Kind::Str { .. } | Kind::Word) => {
            w.token(token);
            frame.element_done();
            Op::None
        }
        // A value after `:`, or (out of place) anything else that opens a container.
        (_, Kind::Open(c)) => {
            w.token(token);
            Op::Push(c)
        }
        // Out of place: `{"a"}`, `{"a":}`. Written as is, so the result stays invalid.
        (_, Kind::Close(_)) => {
            w.token(token);
            Op::Pop
        }
        _ => {
            w.token(token);
            Op::None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Before,
    /// A top-level string, number or word: anything after it is kept (and fails).
    Scalar,
    /// The top-level object or array closed: anything after it is dropped.
    Closed,
}

/// Nesting beyond `serde_json`'s own recursion limit (128) fails anyway; past this depth the
/// repair stops and copies the rest, which keeps memory bounded on hostile input.
const MAX_DEPTH: usize = 1024;

/// The repaired text (as UTF-8 bytes) and the repairs made, as `Repair::bit` flags.
fn repair(text: &str) -> (Vec<u8>, u8) {
    let bytes = text.as_bytes();
    let mut lexer = Lexer::new(bytes);
    let mut w = Writer::new(bytes);
    let mut stack: Vec<Frame> = Vec::new();
    let mut top = Top::Before;
    while let Some(token) = lexer.next_token() {
        w.before(&token);
        let op = match stack.last_mut() {
            Some(frame) => step(frame, &token, &mut lexer, &mut w),
            None => match (top, token.kind) {
                (Top::Closed, _) => {
                    w.flag(Repair::TrailingText);
                    break;
                }
                (Top::Scalar, _) => {
                    w.raw(bytes.get(token.start..).unwrap_or_default());
                    break;
                }
                (Top::Before, Kind::Open(c)) => {
                    w.token(&token);
                    Op::Push(c)
                }
                (Top::Before, Kind::Str { .. } | Kind::Word) => {
                    w.token(&token);
                    top = Top::Scalar;
                    Op::None
                }
                (Top::Before, _) => {
                    w.token(&token);
                    Op::None
                }
            },
        };
        match op {
            Op::None => {}
            Op::Push(_) if stack.len() >= MAX_DEPTH => {
                // Deeper than serde_json will ever accept: keep the rest as is (it fails there
                // too) instead of growing the stack with the input.
                w.raw(bytes.get(lexer.resume_pos()..).unwrap_or_default());
                break;
            }
            Op::Push(c) => stack.push(Frame::new(c)),
            Op::Pop => {
                stack.pop();
                match stack.last_mut() {
                    None => top = Top::Closed,
                    Some(parent) => match (parent.container, parent.state) {
                        (_, State::AfterColon) | (Container::Array, State::Between) => {
                            parent.element_done();
                        }
                        // A container where a key or `:` belongs: already invalid.
                        _ => {}
                    },
                }
            }
        }
    }
    if lexer.comments {
        w.flag(Repair::Comments);
    }
    (w.out, w.flags)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fmt::Write as _;

    fn ok(text: &str) -> (Value, Vec<Repair>) {
        match parse_lenient(text) {
            Ok(result) => result,
            Err(e) => panic!("expected Ok for {text:?}, got {e}"),
        }
    }

    fn err(text: &str) -> String {
        match parse_lenient(text) {
            Ok(result) => panic!("expected Err for {text:?}, got {result:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn valid_json_has_no_repairs() {
        let (v, r) = ok(r#"{"b": [1, 2.5, true, null], "a": {"x": "y"}}"#);
        assert_eq!(v, json!({"b": [1, 2.5, true, null], "a": {"x": "y"}}));
        assert!(r.is_empty());
        // preserve_order: keys stay in document order.
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn line_comments() {
        let text =
            "{\n  \"isMuted\": true, // will be set to true on mute\n  \"isInLobby\": false\n}";
        let (v, r) = ok(text);
        assert_eq!(v, json!({"isMuted": true, "isInLobby": false}));
        assert_eq!(r, [Repair::Comments]);
    }

    #[test]
    fn block_comments() {
        let text = "{\n  \"webDavUrl\": \"string\",\n\n  /* relationships */\n  \"children\": [{ \"@odata.type\": \"microsoft.graph.driveItem\" }],\n  /* multi\n     line */\n  \"id\": \"string (identifier)\"\n}";
        let (v, r) = ok(text);
        assert_eq!(
            v,
            json!({
                "webDavUrl": "string",
                "children": [{"@odata.type": "microsoft.graph.driveItem"}],
                "id": "string (identifier)"
            })
        );
        assert_eq!(r, [Repair::Comments]);
    }

    #[test]
    fn hash_comment_lines() {
        let text = "# a note\n{\n  \"a\": 1,\n   # another note\n  \"b\": \"#not a comment\"\n}";
        let (v, r) = ok(text);
        assert_eq!(v, json!({"a": 1, "b": "#not a comment"}));
        assert_eq!(r, [Repair::Comments]);
    }

    #[test]
    fn trailing_commas() {
        let (v, r) = ok("{\"a\": [1, 2,], \"b\": {\"c\": 3,\n},}");
        assert_eq!(v, json!({"a": [1, 2], "b": {"c": 3}}));
        assert_eq!(r, [Repair::TrailingCommas]);

        let (v, r) = ok("[1, /* gone */\n // gone too\n]");
        assert_eq!(v, json!([1]));
        assert_eq!(r, [Repair::Comments, Repair::TrailingCommas]);
    }

    #[test]
    fn ellipsis_placeholders() {
        let (v, r) = ok("[ {..}, ... ]");
        assert_eq!(v, json!([{}]));
        assert_eq!(r, [Repair::Ellipsis]);

        let text = "{\n  \"value\": [\n    {\"id\": 1},\n    ...\n  ]\n}";
        let (v, r) = ok(text);
        assert_eq!(v, json!({"value": [{"id": 1}]}));
        assert_eq!(r, [Repair::Ellipsis]);

        // A line holding just a placeholder inside an object, with and without commas.
        let (v, r) = ok("{\n  \"a\": 1,\n  ...\n  \"b\": 2\n}");
        assert_eq!(v, json!({"a": 1, "b": 2}));
        assert_eq!(r, [Repair::Ellipsis]);
        let (v, r) = ok("{\n  \"a\": 1,\n  …\n}");
        assert_eq!(v, json!({"a": 1}));
        assert_eq!(r, [Repair::Ellipsis]);

        // Leading and middle placeholders take their comma with them.
        let (v, r) = ok("[..., 1, ..., 2, {...}, [...]]");
        assert_eq!(v, json!([1, 2, {}, []]));
        assert_eq!(r, [Repair::Ellipsis]);

        // A real trailing comma after the placeholder is reported too.
        let (v, r) = ok("[1, ...,]");
        assert_eq!(v, json!([1]));
        assert_eq!(r, [Repair::TrailingCommas, Repair::Ellipsis]);
    }

    #[test]
    fn unquoted_keys() {
        let text = "{\n  \"blockType\": \"response\",\n  truncated: true,\n  \"@odata.type\": \"microsoft.graph.mailTips\",\n  isCollection: true\n}";
        let (v, r) = ok(text);
        assert_eq!(
            v,
            json!({
                "blockType": "response",
                "truncated": true,
                "@odata.type": "microsoft.graph.mailTips",
                "isCollection": true
            })
        );
        assert_eq!(r, [Repair::UnquotedKeys]);
        // An unquoted word that is a value, not a key, is not quoted.
        assert!(parse_lenient("{\"a\": string}").is_err());
    }

    #[test]
    fn single_quotes() {
        let (v, r) = ok(r#"{'name': 'it\'s a "test"', "b": ['x', "y's"]}"#);
        assert_eq!(v, json!({"name": "it's a \"test\"", "b": ["x", "y's"]}));
        assert_eq!(r, [Repair::SingleQuotes]);
    }

    #[test]
    fn missing_commas() {
        let (v, r) = ok("{\n  \"a\": 1\n  \"b\": {\"c\": 2}\n  \"d\": 3\n}");
        assert_eq!(v, json!({"a": 1, "b": {"c": 2}, "d": 3}));
        assert_eq!(r, [Repair::MissingCommas]);

        let (v, r) = ok("[\n  {\"a\": 1}\n  {\"a\": 2}\n]");
        assert_eq!(v, json!([{"a": 1}, {"a": 2}]));
        assert_eq!(r, [Repair::MissingCommas]);

        // Only across a line break: on one line it stays an error.
        err("[1 2]");
        err("{\"a\": 1 \"b\": 2}");
    }

    #[test]
    fn trailing_text() {
        let (v, r) = ok("{\"a\": 1} extra words");
        assert_eq!(v, json!({"a": 1}));
        assert_eq!(r, [Repair::TrailingText]);

        let (v, r) = ok("{\n  \"a\": [1]\n}\n}");
        assert_eq!(v, json!({"a": [1]}));
        assert_eq!(r, [Repair::TrailingText]);

        let (v, r) = ok("[1] 'unclosed \"quote");
        assert_eq!(v, json!([1]));
        assert_eq!(r, [Repair::TrailingText]);

        // A trailing comment alone is a comment, not trailing text.
        let (v, r) = ok("{\"a\": 1} // done");
        assert_eq!(v, json!({"a": 1}));
        assert_eq!(r, [Repair::Comments]);

        // After a top-level scalar nothing is dropped.
        err("true story");
    }

    #[test]
    fn strings_are_untouched() {
        let text = r##"{
  // a comment, so the repair path runs
  "url": "https://graph.microsoft.com/v1.0/me",
  "dots": "...",
  "ellipsis": "…",
  "brace": ",}",
  "bracket": ",]",
  "apostrophe": "it's",
  "block": "/* not a comment */",
  "hash": "# no",
  "escaped": "say \"hi\", // still a string, 'ok'",
  "key: not": "a key"
}"##;
        let (v, r) = ok(text);
        assert_eq!(
            v,
            json!({
                "url": "https://graph.microsoft.com/v1.0/me",
                "dots": "...",
                "ellipsis": "…",
                "brace": ",}",
                "bracket": ",]",
                "apostrophe": "it's",
                "block": "/* not a comment */",
                "hash": "# no",
                "escaped": "say \"hi\", // still a string, 'ok'",
                "key: not": "a key"
            })
        );
        assert_eq!(r, [Repair::Comments]);
    }

    #[test]
    fn combined() {
        let text = r#"# header line
{
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#users",  // context
  value: [
    {
      'id': 'a1',
      "displayName": "Adele", /* trailing */
    }
    {
      "id": "b2"
      "displayName": "Ben's"
    },
    ...
  ],
}
} and some prose"#;
        let (v, r) = ok(text);
        assert_eq!(
            v,
            json!({
                "@odata.context": "https://graph.microsoft.com/beta/$metadata#users",
                "value": [
                    {"id": "a1", "displayName": "Adele"},
                    {"id": "b2", "displayName": "Ben's"}
                ]
            })
        );
        assert_eq!(r, Repair::ALL);
    }

    #[test]
    fn garbage_is_an_error() {
        let e = err("this is not json {");
        assert!(e.contains("line 1"), "{e}");
        assert!(!e.contains('\n'), "{e}");

        let e = err("{\"a\": }");
        assert!(e.starts_with("invalid JSON: "), "{e}");

        // The error line refers to the original text, past removed comments.
        let e = err("{ /* one\n two */\n \"a\": nope\n}");
        assert!(e.contains("after repair (Comments)"), "{e}");
        assert!(e.contains("line 3"), "{e}");

        err("");
        err("   // only a comment");
        err("[,1]");
        err("[1,,2]");
        err("{\"a\" 1}");
    }

    /// No panic, and "no repairs" only ever means the text was valid as is.
    fn check(text: &str) {
        if let Ok((_, repairs)) = parse_lenient(text) {
            if repairs.is_empty() {
                assert!(serde_json::from_str::<Value>(text).is_ok(), "{text:?}");
            }
        }
    }

    #[test]
    fn never_panics() {
        let inputs = [
            "",
            "\"",
            "'",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "{{",
            "}}",
            "[[[",
            "]]]",
            "/*",
            "/",
            "//",
            "#",
            "…",
            "...",
            "..",
            ".",
            "{\"a\":",
            "{'a",
            "{a",
            "{a:",
            "[1,",
            "[,",
            "{\"a\":1,,}",
            "\"\\",
            "'\\",
            "{\"é\": \"ü\\",
            "[\"\u{10FFFF}\"",
            "{…: 1}",
            "\u{feff}{}",
            "}{",
            "][",
            "{\"a\":1}}}}",
            "[}",
            "{]",
            "{\"a\" {\"b\":1}}",
            "\0",
            "{\u{1}: 1}",
        ];
        for text in inputs {
            check(text);
        }
        // Every prefix (at char boundaries) of a messy document.
        let messy =
            "# x\n{ 'k': \"v…\\\"\", ключ: [1, … ,], /* c */ \"z\": {..}\n \"y\": 2 } трейл";
        for (i, _) in messy.char_indices() {
            check(messy.get(..i).unwrap());
            check(messy.get(i..).unwrap());
        }
        // Deep nesting hits serde_json's recursion limit, not a stack overflow here.
        let deep = "[".repeat(100_000) + &"]".repeat(100_000) + ",";
        let e = err(&deep);
        assert!(e.contains("recursion limit"), "{e}");
        let deep = "[".repeat(10_000_000);
        err(&deep);
        let deep_objects = "{\"a\":".repeat(50_000);
        err(&deep_objects);
    }

    #[test]
    fn large_input_completes() {
        let mut text = String::from("[\n");
        for i in 0..200_000 {
            writeln!(text, "  {{\"id\": {i}, \"tags\": [\"t\",],}}, // row").unwrap();
        }
        text.push_str("]\n");
        let (v, r) = ok(&text);
        assert_eq!(v.as_array().unwrap().len(), 200_000);
        assert_eq!(r, [Repair::Comments, Repair::TrailingCommas]);

        // One huge unterminated comment and one huge unterminated string are linear too.
        let big = "/*".to_string() + &"x".repeat(10_000_000);
        err(&big);
        let big = "{\"a\": \"".to_string() + &"x".repeat(10_000_000);
        err(&big);
    }

    #[test]
    fn unicode() {
        let (v, r) = ok("{ключ: 'значение …', \"emoji\": \"😀\", список: [1, …], 名前: \"東京\",}");
        assert_eq!(
            v,
            json!({"ключ": "значение …", "emoji": "😀", "список": [1], "名前": "東京"})
        );
        assert_eq!(
            r,
            [
                Repair::TrailingCommas,
                Repair::Ellipsis,
                Repair::UnquotedKeys,
                Repair::SingleQuotes
            ]
        );
    }
}
