//! Intune (beta): record a certificate state on a SCEP profile, then clear one of its
//! properties. The page this SDK started from, "Create managedDeviceCertificateState".
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example certificate_state -- CONFIGURATION_ID
//! ```

use graph_sdk::beta::{root, DevicePlatformType, KeyUsages, ManagedDeviceCertificateState};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let configuration = std::env::args()
        .nth(1)
        .ok_or("usage: certificate_state DEVICE_CONFIGURATION_ID")?;
    let states = || {
        root()
            .device_management()
            .device_configurations()
            .item(&configuration)
            .ios_scep_certificate_profile()
            .managed_device_certificate_states()
    };

    let state = ManagedDeviceCertificateState {
        device_platform: DevicePlatformType::Ios.into(),
        certificate_key_usage: KeyUsages::DigitalSignature.into(),
        device_display_name: "Kiosk iPad 7".to_string().into(),
        certificate_key_length: 2048.into(),
        ..Default::default()
    };
    let created = client.send(states().create(&state)).await?; // 201, the new state
    let id = created.id.value().ok_or("the created state has no id")?;
    println!("created {id}");

    // A PATCH sends exactly what was set: here one property, explicitly null.
    let mut patch = ManagedDeviceCertificateState::default();
    patch.device_display_name.clear();
    client.send(states().item(id).update(&patch)).await?;
    println!("cleared deviceDisplayName");
    Ok(())
}
