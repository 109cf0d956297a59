//! Round trips through hand-written models written the way the generator writes them (compare
//! `generated/src/beta/managed_device_certificate_state.rs`): `from_map` takes every property
//! through the lenient `graph_rt::Reader`, in reverse declaration order, and keeps the rest in
//! `additional_properties`; `write_map` goes through `graph_rt::Writer`. Reading is lenient by
//! default (a value of the wrong type is kept untyped and written back unchanged); the error
//! messages are those of `graph_rt::strict`.
#![allow(clippy::unwrap_used)]

use graph_rt::{
    Base64Bytes, DateTimeOffset, Duration, Error, Field, Flags, FromJson, JsonMap, Model, ToJson,
    Uuid, Value,
};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// What `generated/` will hold.

/// A certificate state of a managed device.
#[derive(Clone, Default)]
pub struct ManagedDeviceCertificateState {
    pub id: Field<String>,
    pub device_platform: Field<DevicePlatformType>,
    pub certificate_key_usage: Field<Flags<KeyUsages>>,
    pub certificate_issuance_date_time: Field<DateTimeOffset>,
    pub certificate_validity_period: Field<Duration>,
    pub certificate_thumbprint: Field<Base64Bytes>,
    pub device_id: Field<Uuid>,
    pub certificate_size_bytes: Field<i64>,
    pub compliance_score: Field<f64>,
    pub user_display_name: Field<String>,
    pub revoked: Field<bool>,
    pub status_history: Field<Vec<CertificateStatus>>,
    pub latest_status: Field<Box<CertificateStatus>>,
    /// Properties this SDK version does not know; written back unchanged.
    pub additional_properties: JsonMap,
}

impl Model for ManagedDeviceCertificateState {
    const TYPE_NAME: &'static str = "microsoft.graph.managedDeviceCertificateState";

    fn from_map(map: &mut JsonMap) -> Result<Self, Error> {
        // Reverse declaration order: each take is then at the end of the map (linear).
        let mut r = graph_rt::Reader::new(map);
        let mut value = Self {
            latest_status: r.take("latestStatus"),
            status_history: r.take("statusHistory"),
            revoked: r.take("revoked"),
            user_display_name: r.take("userDisplayName"),
            compliance_score: r.take("complianceScore"),
            certificate_size_bytes: r.take("certificateSizeBytes"),
            device_id: r.take("deviceId"),
            certificate_thumbprint: r.take("certificateThumbprint"),
            certificate_validity_period: r.take("certificateValidityPeriod"),
            certificate_issuance_date_time: r.take("certificateIssuanceDateTime"),
            certificate_key_usage: r.take("certificateKeyUsage"),
            device_platform: r.take("devicePlatform"),
            id: r.take("id"),
            additional_properties: JsonMap::new(),
        };
        value.additional_properties = r.finish()?;
        Ok(value)
    }

    fn write_map(&self, map: &mut JsonMap) -> Result<(), Error> {
        let mut w = graph_rt::Writer::new(map);
        w.put("id", &self.id);
        w.put("devicePlatform", &self.device_platform);
        w.put("certificateKeyUsage", &self.certificate_key_usage);
        w.put(
            "certificateIssuanceDateTime",
            &self.certificate_issuance_date_time,
        );
        w.put(
            "certificateValidityPeriod",
            &self.certificate_validity_period,
        );
        w.put("certificateThumbprint", &self.certificate_thumbprint);
        w.put("deviceId", &self.device_id);
        w.put("certificateSizeBytes", &self.certificate_size_bytes);
        w.put("complianceScore", &self.compliance_score);
        w.put("userDisplayName", &self.user_display_name);
        w.put("revoked", &self.revoked);
        w.put("statusHistory", &self.status_history);
        w.put("latestStatus", &self.latest_status);
        w.finish(&self.additional_properties)
    }
}
graph_rt::impl_model_json!(ManagedDeviceCertificateState);

/// One status of a certificate.
#[derive(Clone, Default)]
pub struct CertificateStatus {
    pub status_name: Field<String>,
    pub platform: Field<DevicePlatformType>,
    pub retries: Field<i32>,
    /// Properties this SDK version does not know; written back unchanged.
    pub additional_properties: JsonMap,
}

impl Model for CertificateStatus {
    const TYPE_NAME: &'static str = "microsoft.graph.certificateStatus";

    fn from_map(map: &mut JsonMap) -> Result<Self, Error> {
        // Reverse declaration order: each take is then at the end of the map (linear).
        let mut r = graph_rt::Reader::new(map);
        let mut value = Self {
            retries: r.take("retries"),
            platform: r.take("platform"),
            status_name: r.take("statusName"),
            additional_properties: JsonMap::new(),
        };
        value.additional_properties = r.finish()?;
        Ok(value)
    }

    fn write_map(&self, map: &mut JsonMap) -> Result<(), Error> {
        let mut w = graph_rt::Writer::new(map);
        w.put("statusName", &self.status_name);
        w.put("platform", &self.platform);
        w.put("retries", &self.retries);
        w.finish(&self.additional_properties)
    }
}
graph_rt::impl_model_json!(CertificateStatus);

/// Supported platform types.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DevicePlatformType {
    Android,
    Ios,
    UnknownFutureValue,
    /// A value this SDK version does not know.
    Unknown(graph_rt::UnknownValue),
}

impl graph_rt::EnumValue for DevicePlatformType {
    fn from_wire(s: &str) -> Self {
        match s {
            "android" => Self::Android,
            "iOS" => Self::Ios,
            "unknownFutureValue" => Self::UnknownFutureValue,
            other => Self::Unknown(graph_rt::UnknownValue::new(other.to_owned())),
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
graph_rt::impl_enum_json!(DevicePlatformType);

/// Key usages (a flags enum).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyUsages {
    KeyEncipherment,
    DigitalSignature,
    /// A value this SDK version does not know.
    Unknown(graph_rt::UnknownValue),
}

impl graph_rt::EnumValue for KeyUsages {
    fn from_wire(s: &str) -> Self {
        match s {
            "keyEncipherment" => Self::KeyEncipherment,
            "digitalSignature" => Self::DigitalSignature,
            other => Self::Unknown(graph_rt::UnknownValue::new(other.to_owned())),
        }
    }

    fn to_wire(&self) -> &str {
        match self {
            Self::KeyEncipherment => "keyEncipherment",
            Self::DigitalSignature => "digitalSignature",
            Self::Unknown(value) => value.as_str(),
        }
    }
}
graph_rt::impl_enum_json!(KeyUsages);

// ---------------------------------------------------------------------------------------------
// The tests.

/// A full object, known properties in declaration order, then unknown ones.
const FULL: &str = r##"{
  "id": "f1d2",
  "devicePlatform": "visionOS",
  "certificateKeyUsage": "keyEncipherment,digitalSignature,keyAgreement",
  "certificateIssuanceDateTime": "2017-01-01T00:02:14.9489247-08:00",
  "certificateValidityPeriod": "P365DT12H",
  "certificateThumbprint": "q83vEjRWeJA_",
  "deviceId": "5f6b5b1e-0c2a-4c3e-9a7d-1b2c3d4e5f60",
  "certificateSizeBytes": 9007199254740993,
  "complianceScore": "NaN",
  "userDisplayName": null,
  "statusHistory": [
    {"statusName": "issued", "platform": "android", "retries": 0, "zeta": 1, "alpha": [true]},
    {"statusName": null, "platform": "quantumOS"}
  ],
  "latestStatus": {"statusName": "revoked"},
  "@odata.type": "#microsoft.graph.managedDeviceCertificateState",
  "zNewProperty": {"nested": [1, 2, 3]},
  "aNewerProperty": "kept"
}"##;

fn compact(text: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<Value>(text).unwrap()).unwrap()
}

#[test]
fn json_to_model_to_json_is_equal() {
    let input: Value = serde_json::from_str(FULL).unwrap();
    let model = ManagedDeviceCertificateState::from_json(input.clone()).unwrap();
    let output = model.to_json().unwrap();
    assert_eq!(output, input);
    // Byte-exact, order included, since the input has the known properties in order.
    assert_eq!(serde_json::to_string(&output).unwrap(), compact(FULL));
}

#[test]
fn serde_round_trip_is_byte_exact() {
    let model: ManagedDeviceCertificateState = serde_json::from_str(FULL).unwrap();
    assert_eq!(serde_json::to_string(&model).unwrap(), compact(FULL));
    let again: ManagedDeviceCertificateState =
        serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    // f64 NaN is not equal to itself: compare the rest through JSON.
    assert_eq!(again.to_json().unwrap(), model.to_json().unwrap());
}

#[test]
fn typed_values_are_read() {
    let model: ManagedDeviceCertificateState = serde_json::from_str(FULL).unwrap();
    assert_eq!(model.id.value().map(String::as_str), Some("f1d2"));

    let usages = model.certificate_key_usage.value().unwrap();
    assert!(usages.contains(&KeyUsages::KeyEncipherment));
    assert!(usages.contains(&KeyUsages::DigitalSignature));
    assert_eq!(usages.len(), 3);

    let issued = model.certificate_issuance_date_time.value().unwrap();
    assert_eq!(issued.offset_minutes(), Some(-480));
    assert_eq!(issued.nanosecond(), 948_924_700);

    let period = model.certificate_validity_period.value().unwrap();
    assert_eq!((period.days(), period.hours()), (365, 12));

    let thumbprint = model.certificate_thumbprint.value().unwrap();
    assert_eq!(
        thumbprint.bytes(),
        [0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x90, 0x3f]
    );

    assert_eq!(
        model.device_id.value().unwrap().as_u128(),
        0x5f6b5b1e_0c2a_4c3e_9a7d_1b2c3d4e5f60
    );
    assert_eq!(
        model.certificate_size_bytes,
        Field::Value(9_007_199_254_740_993)
    );
    assert!(model.compliance_score.value().unwrap().is_nan());

    let history = model.status_history.value().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0].platform,
        Field::Value(DevicePlatformType::Android)
    );
    assert_eq!(history[0].retries, Field::Value(0));
    assert_eq!(
        model.latest_status.value().unwrap().status_name,
        Field::Value("revoked".to_owned())
    );
    assert_eq!(
        graph_rt::odata_type(&model.additional_properties),
        Some(ManagedDeviceCertificateState::TYPE_NAME)
    );
}

#[test]
fn unknown_enum_values_are_written_back_unchanged() {
    let model: ManagedDeviceCertificateState = serde_json::from_str(FULL).unwrap();
    let platform = model.device_platform.value().unwrap();
    match platform {
        DevicePlatformType::Unknown(value) => assert_eq!(value.as_str(), "visionOS"),
        other => panic!("expected an unknown platform, got {other:?}"),
    }
    let nested = model.status_history.value().unwrap()[1]
        .platform
        .value()
        .unwrap();
    assert_eq!(nested.to_string(), "quantumOS");

    let out = model.to_json().unwrap();
    assert_eq!(out["devicePlatform"], json!("visionOS"));
    assert_eq!(out["statusHistory"][1]["platform"], json!("quantumOS"));
    assert_eq!(
        out["certificateKeyUsage"],
        json!("keyEncipherment,digitalSignature,keyAgreement")
    );
}

#[test]
fn unknown_properties_are_kept_in_order() {
    // Unknown properties between known ones: they come back after the known ones, in the
    // order they were read.
    let text = r#"{"zeta": 1, "statusName": "a", "@odata.etag": "W/\"x\"", "alpha": 2,
                   "retries": 3, "mid": null}"#;
    let status: CertificateStatus = serde_json::from_str(text).unwrap();
    let unknown: Vec<&str> = status
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(unknown, ["zeta", "@odata.etag", "alpha", "mid"]);
    assert_eq!(
        serde_json::to_string(&status).unwrap(),
        r#"{"statusName":"a","retries":3,"zeta":1,"@odata.etag":"W/\"x\"","alpha":2,"mid":null}"#
    );

    let model: ManagedDeviceCertificateState = serde_json::from_str(FULL).unwrap();
    let unknown: Vec<&str> = model
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(unknown, ["@odata.type", "zNewProperty", "aNewerProperty"]);
    let first = &model.status_history.value().unwrap()[0];
    let unknown: Vec<&str> = first
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(unknown, ["zeta", "alpha"]);
}

#[test]
fn null_and_absent_are_kept() {
    let model: ManagedDeviceCertificateState = serde_json::from_str(FULL).unwrap();
    assert!(model.user_display_name.is_null());
    assert!(model.revoked.is_absent());
    let status = &model.status_history.value().unwrap()[1];
    assert!(status.status_name.is_null());
    assert!(status.retries.is_absent());

    let out = model.to_json().unwrap();
    assert_eq!(out.get("userDisplayName"), Some(&Value::Null));
    assert_eq!(out.get("revoked"), None);
    assert_eq!(
        out["statusHistory"][1].get("statusName"),
        Some(&Value::Null)
    );
    assert_eq!(out["statusHistory"][1].get("retries"), None);
}

#[test]
fn patch_from_default_sends_only_what_was_set() {
    let mut patch = ManagedDeviceCertificateState::default();
    assert_eq!(serde_json::to_string(&patch).unwrap(), "{}");

    patch.user_display_name.clear();
    patch.revoked.set(true);
    patch.compliance_score = f64::NEG_INFINITY.into();
    patch.certificate_key_usage = [KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment]
        .into_iter()
        .collect::<Flags<_>>()
        .into();
    patch.certificate_validity_period =
        Duration::from_std(std::time::Duration::from_secs(5400)).into();
    patch.certificate_thumbprint = Base64Bytes::from_bytes(vec![1, 2, 3, 4]).into();
    patch.status_history = Some(vec![CertificateStatus {
        retries: 2.into(),
        ..Default::default()
    }])
    .into();
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        concat!(
            r#"{"certificateKeyUsage":"digitalSignature,keyEncipherment","#,
            r#""certificateValidityPeriod":"PT1H30M","certificateThumbprint":"AQIDBA==","#,
            r#""complianceScore":"-INF","userDisplayName":null,"revoked":true,"#,
            r#""statusHistory":[{"retries":2}]}"#
        )
    );

    patch.user_display_name.unset();
    patch.revoked = None.into();
    let out = patch.to_json().unwrap();
    assert_eq!(out.get("userDisplayName"), None);
    assert_eq!(out.get("revoked"), Some(&Value::Null));
}

#[test]
fn errors_name_the_path() {
    let cases = [
        (
            json!({"certificateKeyUsage": 5}),
            "certificateKeyUsage",
            "`certificateKeyUsage`: expected a string (flags enum members), found number 5",
        ),
        (
            json!({"statusHistory": [{}, {}, {}, {"statusName": 7}]}),
            "statusHistory[3].statusName",
            "`statusHistory[3].statusName`: expected a string, found number 7",
        ),
        (
            json!({"statusHistory": [{"platform": ["iOS"]}]}),
            "statusHistory[0].platform",
            "`statusHistory[0].platform`: expected a string (enum member), found an array of 1 elements",
        ),
        (
            json!({"statusHistory": [1]}),
            "statusHistory[0]",
            "`statusHistory[0]`: expected an object (microsoft.graph.certificateStatus), found number 1",
        ),
        (
            json!({"latestStatus": {"retries": 2.5}}),
            "latestStatus.retries",
            "`latestStatus.retries`: expected an integer (Edm.Int32), found number 2.5",
        ),
        (
            json!({"certificateIssuanceDateTime": "2017-02-30T00:00:00Z"}),
            "certificateIssuanceDateTime",
            "`certificateIssuanceDateTime`: expected a date-time (Edm.DateTimeOffset) such as \
             2017-01-01T00:02:14.9489247-08:00, found string \"2017-02-30T00:00:00Z\"",
        ),
        (
            json!({"certificateValidityPeriod": "1 day"}),
            "certificateValidityPeriod",
            "`certificateValidityPeriod`: expected a duration (Edm.Duration) such as P1DT2H or \
             PT0.5S, found string \"1 day\"",
        ),
        (
            json!({"certificateThumbprint": "abc*"}),
            "certificateThumbprint",
            "`certificateThumbprint`: expected base64 bytes (Edm.Binary), found string \"abc*\"",
        ),
        (
            json!({"deviceId": "1234"}),
            "deviceId",
            "`deviceId`: expected a GUID (Edm.Guid), found string \"1234\"",
        ),
        (
            json!({"complianceScore": true}),
            "complianceScore",
            "`complianceScore`: expected a number (Edm.Double), \"NaN\", \"INF\" or \"-INF\", \
             found boolean true",
        ),
        (
            json!({"certificateSizeBytes": "12 bytes"}),
            "certificateSizeBytes",
            "`certificateSizeBytes`: expected an integer (Edm.Int64), found string \"12 bytes\"",
        ),
    ];
    for (input, path, message) in cases {
        let error = graph_rt::strict(|| ManagedDeviceCertificateState::from_json(input.clone()))
            .unwrap_err();
        assert_eq!(error.path(), path, "{input}");
        assert_eq!(error.to_string(), message, "{input}");
        // Leniently (as generated code reads by default), the same input is no error: the
        // mismatched value is kept untyped and written back as it came.
        let model = ManagedDeviceCertificateState::from_json(input.clone())
            .unwrap_or_else(|e| panic!("lenient read of {input} failed: {e}"));
        assert_eq!(model.to_json().unwrap(), input, "{input}");
    }

    let error = ManagedDeviceCertificateState::from_json(json!("x")).unwrap_err();
    assert_eq!(error.path(), "");
    assert_eq!(
        error.to_string(),
        "expected an object (microsoft.graph.managedDeviceCertificateState), found string \"x\""
    );

    // Through serde, the message keeps the path.
    let error = graph_rt::strict(|| {
        serde_json::from_str::<ManagedDeviceCertificateState>(
            r#"{"statusHistory": [{"retries": "many"}]}"#,
        )
    })
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("`statusHistory[0].retries`: expected an integer (Edm.Int32)"),
        "{error}"
    );
}

/// What generated code does with a value the docs typed differently: the lenient `Reader`
/// leaves it in the map, so it lands in `additional_properties` (after the known properties)
/// and the rest of the object is still read.
#[test]
fn mismatched_values_are_kept_untyped() {
    let input = json!({
        "id": "a",
        "revoked": "yes",
        "statusHistory": [{"statusName": 7, "retries": 1}],
        "userDisplayName": "Ada"
    });
    let model = ManagedDeviceCertificateState::from_json(input.clone()).unwrap();
    assert_eq!(model.id, Field::Value("a".to_owned()));
    assert!(model.revoked.is_absent());
    assert_eq!(
        model.additional_properties.get("revoked"),
        Some(&json!("yes"))
    );
    assert_eq!(model.user_display_name, Field::Value("Ada".to_owned()));
    let status = &model.status_history.value().unwrap()[0];
    assert!(status.status_name.is_absent());
    assert_eq!(status.retries, Field::Value(1));
    assert_eq!(
        status.additional_properties.get("statusName"),
        Some(&json!(7))
    );
    // Written back: the same values, the untyped ones after the typed ones.
    let out = model.to_json().unwrap();
    assert_eq!(out, input);
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"id":"a","userDisplayName":"Ada","statusHistory":[{"retries":1,"statusName":7}],"revoked":"yes"}"#
    );
    // Strictly, the first mismatch is an error that names its property.
    let error = graph_rt::strict(|| ManagedDeviceCertificateState::from_json(input)).unwrap_err();
    assert_eq!(error.path(), "statusHistory[0].statusName");
}

#[test]
fn collections_of_models_and_null_elements() {
    let list = Vec::<CertificateStatus>::from_json(json!([{"retries": 1}, {}])).unwrap();
    assert_eq!(list[0].retries, Field::Value(1));
    assert_eq!(list[1], CertificateStatus::default());
    let error = Vec::<CertificateStatus>::from_json(json!([{}, null])).unwrap_err();
    assert_eq!(error.path(), "[1]");
    // A collection of untyped values keeps its nulls.
    let values = Vec::<Value>::from_json(json!([null, 1])).unwrap();
    assert_eq!(values.to_json().unwrap(), json!([null, 1]));
}

#[test]
fn typed_property_wins_over_a_stale_additional_one() {
    let mut status = CertificateStatus::default();
    status.status_name.set("typed".to_owned());
    status
        .additional_properties
        .insert("statusName".to_owned(), json!("stale"));
    status
        .additional_properties
        .insert("extra".to_owned(), json!(1));
    assert_eq!(
        serde_json::to_string(&status).unwrap(),
        r#"{"statusName":"typed","extra":1}"#
    );
}

#[test]
fn debug_and_equality_go_through_the_json_form() {
    let a = ManagedDeviceCertificateState {
        user_display_name: Field::Value("Ada".into()),
        revoked: Field::Null,
        ..Default::default()
    };
    let shown = format!("{a:?}");
    assert_eq!(
        shown,
        r#"managedDeviceCertificateState { userDisplayName: "Ada", revoked: null }"#
    );
    let mut b = a.clone();
    assert!(a == b);
    b.revoked = Field::Absent;
    assert!(a != b);
}
