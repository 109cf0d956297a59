//! Enums: wire names are strings; values this SDK version does not know are kept verbatim.

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::{Error, FromJson, ToJson, Value};

/// Implemented by every generated enum, whose last variant is `Unknown(UnknownValue)`.
/// [`impl_enum_json!`](crate::impl_enum_json) derives the JSON, serde, `Display` and `FromStr`
/// impls from it.
pub trait EnumValue: Sized {
    /// The member of a wire name. Never fails: a name this SDK version does not know becomes
    /// the `Unknown` variant, holding the name verbatim.
    fn from_wire(s: &str) -> Self;

    /// The wire name (for `Unknown`, the name as it was read).
    fn to_wire(&self) -> &str;
}

/// An enum value this SDK version does not know, kept verbatim for round trips.
///
/// Opaque: it can be read ([`as_str`](Self::as_str)) but not matched on. Match the known
/// variants and treat `Unknown(_)` as "something newer"; to make a value from a name, use
/// `EnumValue::from_wire` (or `str::parse`), which gives the known variant whenever there is one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// For generated `from_wire` only: wraps a name that is not a known member.
    #[doc(hidden)]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The wire name, as it was read.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Implements [`FromJson`], [`ToJson`], `serde::Serialize`, `serde::Deserialize`,
/// `Display` and `FromStr` (with `Err = Infallible`) for a type that implements [`EnumValue`].
///
/// The generator emits `graph_rt_core::impl_enum_json!(DevicePlatformType);` after each enum; the
/// [crate documentation](crate) has a complete example.
#[macro_export]
macro_rules! impl_enum_json {
    ($ty:ty) => {
        impl $crate::FromJson for $ty {
            fn from_json(value: $crate::Value) -> ::core::result::Result<Self, $crate::Error> {
                $crate::__private::enum_from_json(value)
                    .map(|text| <$ty as $crate::EnumValue>::from_wire(&text))
            }
        }

        impl $crate::ToJson for $ty {
            fn to_json(&self) -> ::core::result::Result<$crate::Value, $crate::Error> {
                ::core::result::Result::Ok($crate::Value::String(::std::borrow::ToOwned::to_owned(
                    <$ty as $crate::EnumValue>::to_wire(self),
                )))
            }
        }

        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(<$ty as $crate::EnumValue>::to_wire(self))
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::deserialize_str(deserializer, "an enum member name", |text| {
                    ::core::result::Result::Ok(<$ty as $crate::EnumValue>::from_wire(text))
                })
            }
        }

        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(<$ty as $crate::EnumValue>::to_wire(self))
            }
        }

        impl ::core::str::FromStr for $ty {
            type Err = ::core::convert::Infallible;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<$ty as $crate::EnumValue>::from_wire(text))
            }
        }
    };
}

/// A flags enum value: several members at once.
///
/// Wire format: the members' names joined by `,` (Graph writes `"a,b"`). Reading accepts spaces
/// around the names and skips empty ones; writing joins without spaces. The order read is kept,
/// a member is held once, and unknown members are kept like known ones. Equality and hashing
/// ignore the order.
///
/// ```
/// # use graph_rt_core::{EnumValue, Flags, UnknownValue};
/// # #[derive(Debug, Clone, PartialEq)]
/// # enum KeyUsages { KeyEncipherment, DigitalSignature, Unknown(UnknownValue) }
/// # impl EnumValue for KeyUsages {
/// #     fn from_wire(s: &str) -> Self { match s {
/// #         "keyEncipherment" => Self::KeyEncipherment, "digitalSignature" => Self::DigitalSignature,
/// #         _ => Self::Unknown(UnknownValue::new(s.to_owned())) } }
/// #     fn to_wire(&self) -> &str { match self {
/// #         Self::KeyEncipherment => "keyEncipherment", Self::DigitalSignature => "digitalSignature",
/// #         Self::Unknown(v) => v.as_str() } }
/// # }
/// let mut usages = Flags::<KeyUsages>::parse("digitalSignature, keyAgreement");
/// assert!(usages.contains(&KeyUsages::DigitalSignature));
/// usages.insert(KeyUsages::KeyEncipherment);
/// assert_eq!(usages.to_wire(), "digitalSignature,keyAgreement,keyEncipherment");
/// ```
#[derive(Clone)]
pub struct Flags<E: EnumValue>(Vec<E>);

impl<E: EnumValue> Flags<E> {
    /// No member.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// The members of a wire value such as `"a,b"` or `"a, b"`. Never fails: unknown names
    /// become `Unknown` members.
    pub fn parse(text: &str) -> Self {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(E::from_wire)
            .collect()
    }

    /// The wire value: the members' names joined by `,`.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        for member in &self.0 {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(member.to_wire());
        }
        out
    }

    /// Whether `member` is set (compared by wire name).
    pub fn contains(&self, member: &E) -> bool {
        let name = member.to_wire();
        self.0.iter().any(|m| m.to_wire() == name)
    }

    /// Sets `member` after the others; returns false (and changes nothing) if it was set.
    pub fn insert(&mut self, member: E) -> bool {
        if self.contains(&member) {
            return false;
        }
        self.0.push(member);
        true
    }

    /// Unsets `member`; returns whether it was set.
    pub fn remove(&mut self, member: &E) -> bool {
        let name = member.to_wire();
        let before = self.0.len();
        self.0.retain(|m| m.to_wire() != name);
        self.0.len() != before
    }

    /// The members, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.0.iter()
    }

    /// The members, in order.
    pub fn as_slice(&self) -> &[E] {
        &self.0
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many members are set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn parse_ok(text: &str) -> Result<Self, Error> {
        Ok(Self::parse(text))
    }
}

impl<E: EnumValue> Default for Flags<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: EnumValue + fmt::Debug> fmt::Debug for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Flags").field(&self.0).finish()
    }
}

impl<E: EnumValue> PartialEq for Flags<E> {
    /// The same members, in any order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|member| other.contains(member))
    }
}

impl<E: EnumValue> Eq for Flags<E> {}

impl<E: EnumValue> Hash for Flags<E> {
    /// Independent of the order, like equality.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut sum = 0_u64;
        for member in &self.0 {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            member.to_wire().hash(&mut hasher);
            sum = sum.wrapping_add(hasher.finish());
        }
        state.write_usize(self.0.len());
        state.write_u64(sum);
    }
}

impl<E: EnumValue> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(iter: I) -> Self {
        let mut flags = Self::new();
        flags.extend(iter);
        flags
    }
}

impl<E: EnumValue> Extend<E> for Flags<E> {
    fn extend<I: IntoIterator<Item = E>>(&mut self, iter: I) {
        for member in iter {
            self.insert(member);
        }
    }
}

impl<E: EnumValue> IntoIterator for Flags<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, E: EnumValue> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<E: EnumValue> FromJson for Flags<E> {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::String(text) => Ok(Self::parse(&text)),
            other => Err(Error::mismatch("a string (flags enum members)", &other)),
        }
    }
}

impl<E: EnumValue> ToJson for Flags<E> {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::String(self.to_wire()))
    }
}

impl<E: EnumValue> serde::Serialize for Flags<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire())
    }
}

impl<'de, E: EnumValue> serde::Deserialize<'de> for Flags<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::__private::deserialize_str(deserializer, "flags enum members", Self::parse_ok)
    }
}

impl<E: EnumValue> fmt::Display for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl<E: EnumValue> std::str::FromStr for Flags<E> {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(text))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::hash_map::DefaultHasher;

    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum Platform {
        Android,
        Ios,
        UnknownFutureValue,
        Unknown(UnknownValue),
    }

    impl EnumValue for Platform {
        fn from_wire(s: &str) -> Self {
            match s {
                "android" => Self::Android,
                "iOS" => Self::Ios,
                "unknownFutureValue" => Self::UnknownFutureValue,
                other => Self::Unknown(UnknownValue::new(other.to_owned())),
            }
        }

        fn to_wire(&self) -> &str {
            match self {
                Self::Android => "android",
                Self::Ios => "iOS",
                Self::UnknownFutureValue => "unknownFutureValue",
                Self::Unknown(value) => value.as_str(),
            }
        }
    }

    crate::impl_enum_json!(Platform);

    #[test]
    fn enum_json_serde_display_fromstr() {
        assert_eq!(Platform::from_json(json!("iOS")).unwrap(), Platform::Ios);
        let unknown = Platform::from_json(json!("visionOS")).unwrap();
        assert!(matches!(&unknown, Platform::Unknown(v) if v.as_str() == "visionOS"));
        assert_eq!(unknown.to_json().unwrap(), json!("visionOS"));
        assert_eq!(unknown.to_string(), "visionOS");
        assert_eq!("android".parse::<Platform>(), Ok(Platform::Android));
        assert_eq!(serde_json::to_string(&Platform::Ios).unwrap(), "\"iOS\"");
        let read: Vec<Platform> = serde_json::from_str(r#"["android","tvOS"]"#).unwrap();
        assert_eq!(read[0], Platform::Android);
        assert_eq!(read[1].to_wire(), "tvOS");
        let e = Platform::from_json(json!(3)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a string (enum member), found number 3"
        );
        assert!(serde_json::from_str::<Platform>("3").is_err());
        assert_eq!(UnknownValue::new("x".into()).to_string(), "x");
    }

    #[test]
    fn flags_read_and_write() {
        let flags = Flags::<Platform>::from_json(json!("iOS, android,watchOS")).unwrap();
        let names: Vec<&str> = flags.iter().map(EnumValue::to_wire).collect();
        assert_eq!(names, ["iOS", "android", "watchOS"]);
        assert_eq!(flags.to_json().unwrap(), json!("iOS,android,watchOS"));
        assert_eq!(flags.len(), 3);
        assert!(flags.contains(&Platform::Android));
        assert!(flags.contains(&Platform::from_wire("watchOS")));
        assert!(!flags.contains(&Platform::UnknownFutureValue));

        assert!(Flags::<Platform>::parse("").is_empty());
        assert!(Flags::<Platform>::parse(" , ").is_empty());
        assert_eq!(Flags::<Platform>::parse("android,android").len(), 1);
        assert_eq!(Flags::<Platform>::new().to_wire(), "");
        let e = Flags::<Platform>::from_json(json!(["iOS"])).unwrap_err();
        assert_eq!(e.expected(), Some("a string (flags enum members)"));
    }

    #[test]
    fn flags_edit() {
        let mut flags: Flags<Platform> = [Platform::Ios].into_iter().collect();
        assert!(flags.insert(Platform::Android));
        assert!(!flags.insert(Platform::Ios));
        assert_eq!(flags.to_string(), "iOS,android");
        assert!(flags.remove(&Platform::Ios));
        assert!(!flags.remove(&Platform::Ios));
        assert_eq!(flags.as_slice(), [Platform::Android]);
        flags.extend([Platform::UnknownFutureValue]);
        let collected: Vec<Platform> = flags.clone().into_iter().collect();
        assert_eq!(collected, [Platform::Android, Platform::UnknownFutureValue]);
        assert_eq!((&flags).into_iter().count(), 2);
        assert_eq!(format!("{flags:?}"), "Flags([Android, UnknownFutureValue])");
        assert_eq!(Flags::<Platform>::default(), Flags::new());
    }

    #[test]
    fn flags_equality_ignores_order() {
        let hash = |f: &Flags<Platform>| {
            let mut h = DefaultHasher::new();
            f.hash(&mut h);
            h.finish()
        };
        let a: Flags<Platform> = "iOS,android".parse().unwrap();
        let b: Flags<Platform> = "android,iOS".parse().unwrap();
        let c: Flags<Platform> = "android".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, c);
        assert_ne!(c, a);
    }

    #[test]
    fn flags_serde() {
        let flags: Flags<Platform> = serde_json::from_str("\"android, iOS\"").unwrap();
        assert_eq!(serde_json::to_string(&flags).unwrap(), "\"android,iOS\"");
        assert!(serde_json::from_str::<Flags<Platform>>("1").is_err());
    }
}
