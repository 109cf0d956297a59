//! Runtime of the generated Microsoft Graph SDK.
//!
//! Everything here but the client (and `testing`) comes from `graph-rt-core`, re-exported
//! whole: the generated models and builders depend on that crate alone, which has no HTTP, so
//! that they compile while reqwest and rustls do.
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
//! - [`Request`] is a request built but not sent; with the `client` feature (on by default),
//!   [`Client`] sends it, follows pages and delta links, and runs [`Batch`]es.
//!
//! # What generated code looks like
//!
//! ```
//! use graph_rt::{Error, Field, JsonMap, Model};
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
//!             display_name: graph_rt::take(map, "displayName")?,
//!             age_group: graph_rt::take(map, "ageGroup")?,
//!             additional: std::mem::take(map),
//!         })
//!     }
//!     fn write_map(&self, map: &mut JsonMap) -> Result<(), Error> {
//!         graph_rt::put(map, "displayName", &self.display_name)?;
//!         graph_rt::put(map, "ageGroup", &self.age_group)?;
//!         graph_rt::put_additional(map, &self.additional);
//!         Ok(())
//!     }
//! }
//! graph_rt::impl_model_json!(User);
//!
//! #[derive(Debug, Clone, PartialEq, Eq, Hash)]
//! pub enum AgeGroup { Minor, Adult, Unknown(graph_rt::UnknownValue) }
//!
//! impl graph_rt::EnumValue for AgeGroup {
//!     fn from_wire(s: &str) -> Self {
//!         match s {
//!             "minor" => Self::Minor,
//!             "adult" => Self::Adult,
//!             other => Self::Unknown(graph_rt::UnknownValue::new(other.to_owned())),
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
//! graph_rt::impl_enum_json!(AgeGroup);
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

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "testing")]
pub mod testing;

// Models, requests and JSON: the core, which the generated code depends on (it has no HTTP, so
// the generated crate compiles while the HTTP stack does). All of it is this crate's too.
#[doc(inline)]
pub use graph_rt_core::*;

#[cfg(feature = "client")]
#[cfg(feature = "azure-identity")]
pub use crate::client::azure;
#[cfg(feature = "blocking")]
pub use crate::client::blocking;
#[cfg(feature = "client")]
pub use crate::client::{
    AccessToken, ActionState, ActionStatus, ActionWait, Batch, BatchHandle, BatchResponses, Client,
    ClientBuilder, ClientError, Cloud, Delta, GraphError, RefreshingToken, RejectFuture,
    RetryPolicy, StaticToken, TokenFuture, TokenProvider, DEFAULT_MAX_RESPONSE_BYTES, GRAPH_ROOT,
    MAX_BATCH_REQUESTS, USER_AGENT,
};
#[cfg(feature = "client")]
pub use crate::client::{
    ByteRange, CancelToken, Download, TransferError, UploadProgress, UploadSessionInfo,
    UploadSource, UploadTask, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, SIMPLE_UPLOAD_MAX,
    UPLOAD_FRAGMENT,
};
#[cfg(feature = "device-code")]
pub use crate::client::{DeviceCodeCredential, DeviceCodeHttpError, DeviceCodePrompt};
