//! The API diff over the real history: `../shared/graph-docs/2018-04` → `2021-07` (beta), kept
//! as a snapshot for one type.

use std::path::{Path, PathBuf};

use generator::diff::report::{self, Labels};
use generator::diff::{ApiDiff, Change, ItemKind};
use generator::DocsTree;

fn docs(corpus: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/graph-docs")
        .join(corpus)
}

fn api(corpus: &str) -> generator::Api {
    let tree = DocsTree::load(&docs(corpus)).unwrap_or_else(|e| {
        panic!("the corpus tests need ../shared/graph-docs beside the checkout: {e}")
    });
    generator::read_tree(&tree)
}

#[test]
fn managed_device_certificate_state_2018_to_2021_beta() {
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| api("2018-04/beta"));
        let new = api("2021-07/beta");
        (old.join().expect("2018-04 read"), new)
    });
    let diff = ApiDiff::new(&old, &new);

    // Renamed pages (2018 underscores, 2021 dashes) give no remove-and-add of the type.
    assert!(
        !diff.entries.iter().any(|e| e.kind == ItemKind::Type
            && e.change != Change::Changed
            && e.name == "microsoft.graph.managedDeviceCertificateState"),
        "the type is in both versions"
    );

    // … although its page was renamed.
    let page = |api: &generator::Api| {
        api.types
            .iter()
            .find(|t| t.name == "managedDeviceCertificateState")
            .and_then(|t| t.sources.first())
            .map(|s| s.file.clone())
    };
    assert_eq!(
        page(&old).as_deref(),
        Some("resources/intune_deviceconfig_manageddevicecertificatestate.md")
    );
    assert_eq!(
        page(&new).as_deref(),
        Some("resources/intune-deviceconfig-manageddevicecertificatestate.md")
    );

    let only = diff.for_type("managedDeviceCertificateState");
    let labels = Labels {
        old: "2018-04/beta".into(),
        new: "2021-07/beta".into(),
    };
    insta::assert_snapshot!(report::markdown(&only, &labels));
}
