//! `Edm.Guid`: a GUID that keeps its wire text.

use crate::text::impl_text_type;
use crate::{Error, Uuid};

const GUID: &str = "a GUID (Edm.Guid)";

/// `Edm.Guid`: a GUID, written back exactly as read (Graph sends both `0118a350-…` and
/// `0118A350-…`). Equality and hashing compare the GUID, not its spelling.
///
/// ```
/// use graph_rt_core::Guid;
/// let g = Guid::parse("0118A350-71FC-4EC3-8F0C-6A1CB8C1BC6A")?;
/// assert_eq!(g.as_str(), "0118A350-71FC-4EC3-8F0C-6A1CB8C1BC6A");
/// assert_eq!(g, Guid::from_uuid(g.uuid()));
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Guid {
    text: String,
    uuid: Uuid,
}

impl Guid {
    /// Parses a GUID in any spelling `uuid` accepts (hyphenated, simple, braced, URN).
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        match Uuid::try_parse(&text) {
            Ok(uuid) => Ok(Guid { text, uuid }),
            Err(_) => Err(Error::invalid_text(GUID, &text)),
        }
    }

    /// A GUID written lower-case and hyphenated.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Guid {
            text: uuid.hyphenated().to_string(),
            uuid,
        }
    }

    /// The GUID.
    pub fn uuid(&self) -> Uuid {
        self.uuid
    }

    /// The text exactly as read.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Guid {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}

impl Eq for Guid {}

impl std::hash::Hash for Guid {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}

impl From<Uuid> for Guid {
    fn from(uuid: Uuid) -> Self {
        Guid::from_uuid(uuid)
    }
}

impl_text_type!(Guid, GUID);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{FromJson, ToJson, Value};

    #[test]
    fn keeps_its_spelling() {
        let upper = Value::String("0118A350-71FC-4EC3-8F0C-6A1CB8C1BC6A".into());
        let g = Guid::from_json(upper.clone()).unwrap();
        assert_eq!(g.to_json().unwrap(), upper);
        let lower = Guid::parse("0118a350-71fc-4ec3-8f0c-6a1cb8c1bc6a").unwrap();
        assert_eq!(g, lower);
        assert!(Guid::parse("id-value").is_err());
    }
}
