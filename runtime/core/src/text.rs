//! What the primitive types written as JSON strings share: a small parser, and one macro for
//! their `FromJson`, `ToJson`, serde, `Display` and `FromStr` impls.

/// A cursor over ASCII text; every method fails softly (`None` / `false`).
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn is_done(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Consumes `byte` if it is next.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes whichever of `bytes` is next.
    pub(crate) fn eat_any(&mut self, bytes: &[u8]) -> Option<u8> {
        let next = self.peek().filter(|b| bytes.contains(b))?;
        self.pos += 1;
        Some(next)
    }

    /// Exactly `count` decimal digits.
    pub(crate) fn fixed(&mut self, count: usize) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + count)?;
        let mut value = 0_u32;
        for &digit in digits {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(digit - b'0');
        }
        self.pos += count;
        Some(value)
    }

    /// One or more decimal digits, as a `u64`; `None` if there is none or on overflow.
    pub(crate) fn number(&mut self) -> Option<u64> {
        let start = self.pos;
        let mut value = 0_u64;
        while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.pos += 1;
        }
        (self.pos > start).then_some(value)
    }

    /// One or more digits of a decimal fraction (after the point), as nanoseconds: digits past
    /// the ninth are checked and dropped.
    pub(crate) fn nanos(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut nanos = 0_u32;
        while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
            let place = self.pos - start;
            if place < 9 {
                nanos = nanos * 10 + u32::from(digit - b'0');
            }
            self.pos += 1;
        }
        let count = self.pos - start;
        if count == 0 {
            return None;
        }
        for _ in count..9 {
            nanos *= 10;
        }
        Some(nanos)
    }
}

/// Implements `FromJson`, `ToJson`, serde, `Display`, `FromStr` and `AsRef<str>` for a type
/// that has `fn from_string(String) -> Result<Self, Error>` and `fn as_str(&self) -> &str`.
macro_rules! impl_text_type {
    ($ty:ident, $expected:expr) => {
        impl $crate::FromJson for $ty {
            fn from_json(value: $crate::Value) -> Result<Self, $crate::Error> {
                match value {
                    $crate::Value::String(text) => Self::from_string(text),
                    other => Err($crate::Error::mismatch($expected, &other)),
                }
            }
        }

        impl $crate::ToJson for $ty {
            fn to_json(&self) -> Result<$crate::Value, $crate::Error> {
                Ok($crate::Value::String(self.as_str().to_owned()))
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::__private::deserialize_str(deserializer, $expected, Self::parse)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, concat!(stringify!($ty), "({:?})"), self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

pub(crate) use impl_text_type;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cursor() {
        let mut c = Cursor::new("2017-0x");
        assert_eq!(c.fixed(4), Some(2017));
        assert!(c.eat(b'-'));
        assert!(!c.eat(b'-'));
        assert_eq!(c.fixed(2), None);
        assert_eq!(c.fixed(9), None);
        assert_eq!(c.eat_any(b"0"), Some(b'0'));
        assert!(!c.is_done());

        let mut c = Cursor::new("9489247Z");
        assert_eq!(c.nanos(), Some(948_924_700));
        assert_eq!(c.peek(), Some(b'Z'));
        assert_eq!(Cursor::new("1234567891234").nanos(), Some(123_456_789));
        assert_eq!(Cursor::new("x").nanos(), None);

        assert_eq!(Cursor::new("18446744073709551615").number(), Some(u64::MAX));
        assert_eq!(Cursor::new("18446744073709551616").number(), None);
        assert_eq!(Cursor::new("").number(), None);
    }
}
