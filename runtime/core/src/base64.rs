//! `Edm.Binary`: base64 text and its bytes.
//!
//! The codec is written here (forty lines) rather than taken from the `base64` crate: reading
//! must accept both alphabets and missing padding at once, and the crate's engines each accept
//! one configuration.

use crate::text::impl_text_type;
use crate::Error;

const BINARY: &str = "base64 bytes (Edm.Binary)";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `Edm.Binary`: bytes written as base64.
///
/// Reads standard base64, also the URL-safe alphabet (`-` and `_`), with or without `=`
/// padding; writes back the text it read, so a round trip is byte-exact. Values made with
/// [`from_bytes`](Self::from_bytes) are written in standard base64 with padding. Equality and
/// hashing compare the bytes, not the text.
///
/// ```
/// use graph_rt_core::Base64Bytes;
/// let b = Base64Bytes::parse("aGk_")?;            // URL-safe, no padding
/// assert_eq!(b.bytes(), b"hi?");
/// assert_eq!(b.as_str(), "aGk_");
/// assert_eq!(Base64Bytes::from_bytes(b"hi?".to_vec()).as_str(), "aGk/");
/// assert_eq!(b, Base64Bytes::from_bytes(b"hi?".to_vec()));
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Base64Bytes {
    text: String,
    bytes: Vec<u8>,
}

/// The 6-bit value of a base64 character of either alphabet.
fn sextet(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes standard or URL-safe base64, padded or not. Padding, when present, must be right:
/// only at the end and making the length a multiple of 4.
fn decode(text: &str) -> Option<Vec<u8>> {
    let unpadded = text.trim_end_matches('=');
    let padding = text.len() - unpadded.len();
    if padding > 2 || (padding > 0 && !text.len().is_multiple_of(4)) || unpadded.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(unpadded.len() / 4 * 3 + 2);
    for chunk in unpadded.as_bytes().chunks(4) {
        let mut group = 0_u32;
        for &c in chunk {
            group = (group << 6) | sextet(c)?;
        }
        // A short last chunk of 2 or 3 characters holds 1 or 2 bytes.
        group <<= 6 * (4 - chunk.len() as u32);
        let [_, b0, b1, b2] = group.to_be_bytes();
        out.push(b0);
        if chunk.len() > 2 {
            out.push(b1);
        }
        if chunk.len() > 3 {
            out.push(b2);
        }
    }
    Some(out)
}

/// Standard base64 with padding.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let group = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(
                    ALPHABET[((group >> (18 - 6 * i)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Base64Bytes {
    /// Decodes base64 text (either alphabet, padding optional), keeping `text` as it is.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        match decode(&text) {
            Some(bytes) => Ok(Self { text, bytes }),
            None => Err(Error::invalid_text(BINARY, &text)),
        }
    }

    /// Encodes `bytes` in standard base64 with padding.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        let bytes = bytes.into();
        Self {
            text: encode(&bytes),
            bytes,
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, taken out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The base64 text, exactly as read.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Base64Bytes {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Base64Bytes {}

impl std::hash::Hash for Base64Bytes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl_text_type!(Base64Bytes, BINARY);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{FromJson, ToJson};
    use serde_json::json;

    #[test]
    fn rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in vectors {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes(), "{coded}");
            let unpadded = coded.trim_end_matches('=');
            assert_eq!(decode(unpadded).unwrap(), plain.as_bytes(), "{unpadded}");
        }
    }

    #[test]
    fn all_bytes_both_alphabets() {
        let bytes: Vec<u8> = (0..=255).collect();
        let standard = encode(&bytes);
        assert!(standard.contains('+') && standard.contains('/'));
        let url_safe = standard.replace('+', "-").replace('/', "_");
        assert_eq!(decode(&standard).unwrap(), bytes);
        assert_eq!(decode(&url_safe).unwrap(), bytes);
        for len in 0..10 {
            assert_eq!(decode(&encode(&bytes[..len])).unwrap(), &bytes[..len]);
        }
    }

    #[test]
    fn rejected() {
        for bad in [
            "A", "Zg=", "Zg===", "Z===", "Zm9v=", "Zm 9v", "Zm9v!", "=Zm9", "Zg==Zg==", "é",
        ] {
            assert!(decode(bad).is_none(), "{bad}");
            let e = Base64Bytes::parse(bad).unwrap_err();
            assert_eq!(e.expected(), Some(BINARY));
        }
    }

    #[test]
    fn text_is_kept() {
        for text in ["Zm9vYg", "Zm9vYg==", "-_-_"] {
            let b = Base64Bytes::from_json(json!(text)).unwrap();
            assert_eq!(b.to_json().unwrap(), json!(text));
        }
        let b = Base64Bytes::from(vec![0xfb, 0xff]);
        assert_eq!(b.as_str(), "+/8=");
        assert_eq!(b, Base64Bytes::parse("-_8").unwrap());
        assert_eq!(b.clone().into_bytes(), [0xfb, 0xff]);
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"+/8=\"");
        assert!(Base64Bytes::from_json(json!(1)).is_err());
    }
}
