//! The core of the runtime of the generated Microsoft Graph SDK: models, requests and JSON,
//! without HTTP. `graph-rt` re-exports all of it and adds the client; the generated models and
//! request builders depend on this crate only, so they compile while the HTTP stack does.
//! Programs use it through `graph-rt` (or `graph_sdk::runtime`).
//!
//! The generated crate holds thousands of model structs and enums. To keep its compile time
//! down it does not use serde derive: every model converts to and from a [`JsonMap`] through
//! the few functions of this crate ([`take`], [`put`], [`put_additional`]), one line per
//! property, and all the generic machinery lives here, instantiated once per Rust type rather
//! than once per struct.
//!
//! - [`Field`] is a property's three states: absent from the JSON, explicitly `null`, or a value.
//! - [`FromJson`] / [`ToJson`] convert one JSON value; [`Model`] converts an object.
//! - [`impl_model_json!`] and [`impl_enum_json!`] add the `FromJson`, `ToJson` and serde impls to
//!   a generated model or enum.
//! - [`EnumValue`], [`UnknownValue`] and [`Flags`] are the enum machinery: values unknown to this
//!   SDK version are kept verbatim.
//! - [`DateTimeOffset`], [`Date`], [`TimeOfDay`], [`Duration`], [`Base64Bytes`] and [`Guid`] are
//!   the OData primitive types; all keep their exact wire text.
//! - [`Request`] is a request built but not sent; `graph-rt`'s client sends it, follows pages
//!   and delta links, and runs batches.
//!
//! # What generated code looks like
//!
//! ```
//! use graph_rt_core::{Error, Field, JsonMap, Model};
//!
//! #[derive(Clone, Default)]
//! pub struct User {
//!     pub display_name: Field<String>,
//!     pub age_group: Field<AgeGroup>,
//!     /// Properties this SDK version does not know, in the order they were read.
//!     pub additional: JsonMap,
//! }
//!
//! impl Model for User {
//!     const TYPE_NAME: &'static str = "microsoft.graph.user";
//!     fn from_map(map: &mut JsonMap) -> Result<Self, Error> {
//!         Ok(Self {
//!             display_name: graph_rt_core::take(map, "displayName")?,
//!             age_group: graph_rt_core::take(map, "ageGroup")?,
//!             additional: std::mem::take(map),
//!         })
//!     }
//!     fn write_map(&self, map: &mut JsonMap) -> Result<(), Error> {
//!         graph_rt_core::put(map, "displayName", &self.display_name)?;
//!         graph_rt_core::put(map, "ageGroup", &self.age_group)?;
//!         graph_rt_core::put_additional(map, &self.additional);
//!         Ok(())
//!     }
//! }
//! graph_rt_core::impl_model_json!(User);
//!
//! #[derive(Debug, Clone, PartialEq, Eq, Hash)]
//! pub enum AgeGroup { Minor, Adult, Unknown(graph_rt_core::UnknownValue) }
//!
//! impl graph_rt_core::EnumValue for AgeGroup {
//!     fn from_wire(s: &str) -> Self {
//!         match s {
//!             "minor" => Self::Minor,
//!             "adult" => Self::Adult,
//!             other => Self::Unknown(graph_rt_core::UnknownValue::new(other.to_owned())),
//!         }
//!     }
//!     fn to_wire(&self) -> &str {
//!         match self {
//!             Self::Minor => "minor",
//!             Self::Adult => "adult",
//!             Self::Unknown(value) => value.as_str(),
//!         }
//!     }
//! }
//! graph_rt_core::impl_enum_json!(AgeGroup);
//!
//! let user: User = serde_json::from_str(
//!     r#"{"displayName": null, "ageGroup": "notAdult", "@odata.etag": "W/\"1\""}"#,
//! )?;
//! assert!(user.display_name.is_null());
//! assert_eq!(user.age_group.value().map(|g| g.to_string()).as_deref(), Some("notAdult"));
//! assert_eq!(
//!     serde_json::to_string(&user)?,
//!     r#"{"displayName":null,"ageGroup":"notAdult","@odata.etag":"W/\"1\""}"#,
//! );
//!
//! // A PATCH body built from a default model sends exactly what the caller set.
//! let mut patch = User::default();
//! patch.age_group.set(AgeGroup::Adult);
//! assert_eq!(serde_json::to_string(&patch)?, r#"{"ageGroup":"adult"}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod base64;
mod duration;
mod enums;
mod erased;
mod error;
mod field;
mod guid;
mod json;
mod path;
#[cfg(feature = "protocol")]
pub mod protocol;
mod request;
mod text;
mod time;

/// The JSON value type of this crate (serde_json's).
pub use serde_json::Value;

/// A JSON object whose keys keep their order (serde_json's map with `preserve_order`).
pub type JsonMap = serde_json::Map<String, Value>;

pub use crate::guid::Guid;
/// The UUID type of `Edm.Guid` properties (the `uuid` crate's). It implements [`FromJson`] and
/// [`ToJson`]; it is written back in lower-case hyphenated form.
pub use uuid::Uuid;

pub use crate::base64::Base64Bytes;
pub use crate::duration::Duration;
pub use crate::enums::{EnumValue, Flags, UnknownValue};
pub use crate::erased::{CallArgs, ErasedRequest};
pub use crate::error::Error;
pub use crate::field::Field;
pub use crate::json::{
    into_object, odata_type, put, put_additional, strict, take, typed_json, FromJson, Model,
    Reader, ToJson, Writer,
};
pub use crate::path::{encode_query_value, odata_string, percent_decode, Arg, UrlPath};
pub use crate::request::{
    decode, Accepted, Body, Decoder, GetOptions, ListOptions, Method, NoOptions, Options, Order,
    Page, Permission, PermissionKind, Prop, RawResponse, Request, Sender,
};
pub use crate::time::{Date, DateTimeOffset, TimeOfDay};

/// Support for the macros; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;

    use serde::de::{Deserializer, Visitor};
    use serde::ser::{Error as _, Serialize, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    use crate::{Error, JsonMap, Model, Value};

    /// `Debug` of a model, for `impl_model_json!`: its JSON properties, by wire name. One
    /// generic function instead of a derive per model (models have hundreds of fields).
    pub fn debug_model<T: Model>(model: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Json<'a>(&'a Value);
        impl fmt::Debug for Json<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.0, f)
            }
        }
        let mut map = JsonMap::new();
        let name = T::TYPE_NAME.rsplit('.').next().unwrap_or(T::TYPE_NAME);
        if let Err(error) = model.write_map(&mut map) {
            return write!(f, "{name} {{ <{error}> }}");
        }
        let mut out = f.debug_struct(name);
        for (key, value) in &map {
            out.field(key, &Json(value));
        }
        out.finish()
    }

    /// `PartialEq` of models, for `impl_model_json!`: equal when they write the same JSON
    /// (properties in any order).
    pub fn model_eq<T: Model>(a: &T, b: &T) -> bool {
        let (mut x, mut y) = (JsonMap::new(), JsonMap::new());
        a.write_map(&mut x).is_ok() && b.write_map(&mut y).is_ok() && x == y
    }

    /// Serializes the result of a `to_json`: generic over the serializer only, so it is
    /// instantiated once for all models.
    pub fn serialize_value<S: Serializer>(
        value: Result<Value, Error>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Ok(value) => value.serialize(serializer),
            Err(error) => Err(S::Error::custom(error)),
        }
    }

    /// Deserializes any JSON value: generic over the deserializer only.
    pub fn deserialize_value<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }

    /// Turns a conversion error into a deserializer's error.
    pub fn de_error<E: serde::de::Error>(error: Error) -> E {
        E::custom(error)
    }

    /// The string of an enum value.
    pub fn enum_from_json(value: Value) -> Result<String, Error> {
        match value {
            Value::String(text) => Ok(text),
            other => Err(Error::mismatch("a string (enum member)", &other)),
        }
    }

    /// Deserializes a string and parses it with `parse`.
    pub fn deserialize_str<'de, D: Deserializer<'de>, T>(
        deserializer: D,
        expecting: &'static str,
        parse: fn(&str) -> Result<T, Error>,
    ) -> Result<T, D::Error> {
        deserializer.deserialize_str(StrVisitor {
            expecting,
            parse,
            marker: PhantomData,
        })
    }

    struct StrVisitor<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, Error>,
        marker: PhantomData<fn() -> T>,
    }

    impl<T> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).map_err(E::custom)
        }
    }
}
