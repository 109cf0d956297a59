//! The seed page (an Intune "create" page in the 2018 beta format): its example request body
//! read with the generated beta model and written back.

#![allow(clippy::unwrap_used)]

use generator::ir::ExampleBody;
use graph_rt::{FromJson, ToJson, Value};
use graph_sdk::beta::{DevicePlatformType, KeyUsages, ManagedDeviceCertificateState};
use serde_json::json;

/// The seed page, read from `../shared/seeds` beside the checkout (never copied in); `None`
/// (the test is skipped) on a machine without it, which CI is not.
fn seed_page() -> Option<String> {
    let path = sdk_tests::shared("seeds/000_49b67a203148ac3b.txt")?;
    Some(
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
    )
}

/// The page as the docs tree would hold it, read by the generator: the example request body.
fn request_body() -> Option<Value> {
    let api = generator::read_pages(&[("api/seed.md".into(), seed_page()?)]);
    assert_eq!(api.operations.len(), 7, "seven request lines");
    // The example belongs to the request line its URL matches.
    let examples: Vec<_> = api.operations.iter().flat_map(|op| &op.examples).collect();
    assert_eq!(examples.len(), 1, "one example");
    let request = examples[0]
        .request
        .as_ref()
        .expect("the example has a request");
    match &request.body {
        ExampleBody::Json(value) => Some(value.clone()),
        other => panic!("the example request body is strict JSON, not {other:?}"),
    }
}

fn read(value: Value) -> ManagedDeviceCertificateState {
    ManagedDeviceCertificateState::from_json(value).unwrap()
}

#[test]
fn request_body_round_trips() {
    let Some(body) = request_body() else { return };
    let state = read(body.clone());
    let written = state.to_json().unwrap();
    assert_eq!(written, body);
    assert_eq!(generator::check::examples::compare(&body, &written), None);
    // Known properties first (in declaration order), then the unknown ones as they came.
    let keys: Vec<&str> = written
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[0], "devicePlatform");
    assert_eq!(
        &keys[keys.len() - 3..],
        ["@odata.type", "serverUrl", "enhancedKeyUsage"]
    );
}

#[test]
fn typed_fields() {
    let Some(body) = request_body() else { return };
    let state = read(body.clone());
    assert_eq!(
        state.certificate_key_usage.value(),
        Some(&KeyUsages::DigitalSignature)
    );
    assert_eq!(state.certificate_key_length.value(), Some(&4));
    assert_eq!(
        state.device_platform.value(),
        Some(&DevicePlatformType::AndroidForWork)
    );
    assert_eq!(
        state.device_display_name.value().map(String::as_str),
        Some("Device Display Name value")
    );
    let expires = state.certificate_expiration_date_time.value().unwrap();
    assert_eq!(expires.as_str(), "2017-01-01T00:02:14.9489247-08:00");
    assert_eq!(expires.offset_minutes(), Some(-480));
    assert_eq!(expires.nanosecond(), 948_924_700);
    // Not in the request: absent, not null.
    assert!(state.id.is_absent());
    assert!(state.certificate_issuance_state.is_absent());
    // The 2018 page's properties that the 2021 type no longer has are kept as they came.
    assert_eq!(
        state.additional_properties.get("serverUrl"),
        Some(&json!("https://example.com/serverUrl/"))
    );
    assert_eq!(
        state.additional_properties.get("@odata.type"),
        Some(&json!("#microsoft.graph.managedDeviceCertificateState"))
    );
}

#[test]
fn unknown_enum_value_is_kept() {
    let Some(mut body) = request_body() else {
        return;
    };
    body["certificateKeyUsage"] = json!("quantumSignature");
    let state = read(body.clone());
    match state.certificate_key_usage.value() {
        Some(KeyUsages::Unrecognized(value)) => assert_eq!(value.as_str(), "quantumSignature"),
        other => panic!("expected Unrecognized, got {other:?}"),
    }
    assert_eq!(state.to_json().unwrap(), body);
}

#[test]
fn patch_body_has_exactly_what_was_set() {
    let mut patch = ManagedDeviceCertificateState::default();
    patch.certificate_key_length.set(2048);
    patch.device_display_name.clear();
    let written = patch.to_json().unwrap();
    assert_eq!(
        written,
        json!({"deviceDisplayName": null, "certificateKeyLength": 2048})
    );
    assert_eq!(written.as_object().map(|m| m.len()), Some(2));
    // And it reads back as the same value.
    assert_eq!(read(written), patch);
}

#[test]
fn wrong_types_are_kept_untyped_or_reported_when_strict() {
    let Some(mut body) = request_body() else {
        return;
    };
    body["certificateKeyLength"] = json!("four");
    // By default the odd value is kept, untyped, and written back unchanged.
    let state = read(body.clone());
    assert!(state.certificate_key_length.is_absent());
    assert_eq!(
        state.additional_properties.get("certificateKeyLength"),
        Some(&json!("four"))
    );
    assert_eq!(state.to_json().unwrap(), body);
    // Strict reading reports it, with its path.
    let error = graph_rt::strict(|| ManagedDeviceCertificateState::from_json(body)).unwrap_err();
    assert_eq!(error.path(), "certificateKeyLength");
}

/// The seed page's POST paths that the pinned (2021-07) docs still document, each reachable
/// through the typed builders with the seed's example body as the typed body. The other two
/// (`macOSScepCertificateProfile`, `windows81SCEPCertificateProfile` directly below a device
/// configuration) are gone from the 2021-07 docs; `generator/tests/corpus.rs` checks that a
/// crate generated from the 2018-04 docs routes all seven.
#[test]
fn seed_post_paths_build_typed_requests() {
    use graph_rt::Method;
    use graph_sdk::beta::root;

    let (Some(page), Some(body)) = (seed_page(), request_body()) else {
        return;
    };
    let state = read(body.clone());
    let id = "config/../1?x";
    let configuration = || root().device_management().device_configurations().item(id);
    let requests = [
        configuration()
            .ios_scep_certificate_profile()
            .managed_device_certificate_states()
            .create(&state),
        configuration()
            .android_scep_certificate_profile()
            .managed_device_certificate_states()
            .create(&state),
        configuration()
            .android_work_profile_scep_certificate_profile()
            .managed_device_certificate_states()
            .create(&state),
        configuration()
            .identity_certificate()
            .android_for_work_scep_certificate_profile()
            .managed_device_certificate_states()
            .create(&state),
        configuration()
            .windows_phone81_vpn_configuration()
            .identity_certificate()
            .windows_phone81_scep_certificate_profile()
            .managed_device_certificate_states()
            .create(&state),
    ];
    let documented: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix("POST /"))
        .filter(|p| !p.contains("macOSScep") && !p.contains("/microsoft.graph.windows81SCEP"))
        .collect();
    assert_eq!(documented.len(), 5);
    for (request, path) in requests.iter().zip(&documented) {
        assert_eq!(request.method(), Method::Post);
        assert_eq!(request.version(), "beta");
        assert_eq!(request.expected_status(), Some(201));
        // The key stays one segment, encoded; the rest is the documented path.
        let expected = format!(
            "/{}",
            path.replace("{deviceConfigurationId}", "config%2F..%2F1%3Fx")
        );
        assert_eq!(request.path_and_query(), expected);
        assert_eq!(request.json(), Some(&body));
        assert!(request.problem().is_none());
    }
}
