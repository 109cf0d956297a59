//! The API diff over the real history: `../shared/graph-docs/2018-04` → `2021-07` (beta, the
//! pinned pages in `docs-input/`), kept as a snapshot for one type.

mod support;

use generator::diff::report::{self, Labels};
use generator::diff::{ApiDiff, Change, ItemKind};
use generator::DocsTree;

fn api(dir: &std::path::Path) -> generator::Api {
    let tree = DocsTree::load(dir).unwrap_or_else(|e| panic!("the docs at {}: {e}", dir.display()));
    generator::read_tree(&tree)
}

#[test]
fn managed_device_certificate_state_2018_to_2021_beta() {
    let (Some(old_dir), Some(new_dir)) =
        (support::docs("2018-04/beta"), support::docs("2021-07/beta"))
    else {
        return;
    };
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| api(&old_dir));
        let new = api(&new_dir);
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
