//! Adding one property to one docs page changes only the lines of that property in the
//! generated crate: `docs-input/diff/old` and `docs-input/diff/new` differ by the `dimmable`
//! row (and its JSON line) of `resources/lamp.md`; the public API listing changes by one line.

use std::collections::BTreeMap;
use std::path::Path;

use similar::{ChangeTag, TextDiff};

fn emit(side: &str) -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs-input/diff")
        .join(side);
    let tree = generator::DocsTree::load(&dir).expect("docs-input/diff");
    let api = generator::read_tree(&tree);
    assert!(api.diagnostics.is_empty(), "{:#?}", api.diagnostics);
    generator::emit::emit_crate(
        &[generator::emit::Version {
            name: "beta",
            api: &api,
        }],
        &generator::emit::CrateOptions {
            package: "graph-sdk".into(),
            version: "0.1.0".into(),
            runtime_path: "../runtime".into(),
            runtime_version: "0.1.0".into(),
            standalone: false,
        },
    )
    .expect("emits")
    .into_iter()
    .map(|f| (f.path, f.contents))
    .collect()
}

/// The new side adds a property to `lamp` and a member to the `lampColor` enum: both are
/// additive for the generated API (the enums are `#[non_exhaustive]`), and the generated code
/// changes only by their lines.
#[test]
fn a_new_property_and_enum_member_change_only_their_lines() {
    let old = emit("old");
    let new = emit("new");
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut inserted = Vec::new();
    for (path, before) in &old {
        let after = &new[path];
        for change in TextDiff::from_lines(before.as_str(), after.as_str()).iter_all_changes() {
            match change.tag() {
                ChangeTag::Equal => {}
                ChangeTag::Delete => panic!("{path}: line removed: {}", change.value()),
                ChangeTag::Insert => {
                    inserted.push((path.clone(), change.value().trim().to_string()))
                }
            }
        }
    }
    let expected = [
        "/// Whether the brightness can be set below 100.",
        "pub dimmable: graph_rt::Field<bool>,",
        "dimmable: r.take(\"dimmable\"),",
        "w.put(\"dimmable\", &self.dimmable);",
        // Its typed name for `$select`.
        "/// `dimmable`, for `$select`, `$expand` and `$orderby`.",
        "pub const DIMMABLE: graph_rt::Prop<Self> = graph_rt::Prop::new(\"dimmable\");",
    ];
    let code: Vec<&str> = inserted
        .iter()
        .filter(|(p, _)| p == "src/beta/lamp.rs")
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(code, expected, "{inserted:#?}");
    // The enum: the variant, its doc, and its two conversions.
    let member: Vec<&str> = inserted
        .iter()
        .filter(|(p, _)| p == "src/beta/lamp_color.rs")
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(
        member,
        [
            "/// `daylight`: Daylight white. (value 2)",
            "Daylight,",
            "\"daylight\" => Self::Daylight,",
            "Self::Daylight => \"daylight\",",
        ],
        "{inserted:#?}"
    );
    // The public API listing changes by three lines: the new field, its typed name, the variant.
    let listing: Vec<&str> = inserted
        .iter()
        .filter(|(p, _)| p == generator::emit::api_listing::PATH)
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(
        listing,
        [
            "pub const graph_sdk::beta::Lamp::DIMMABLE: graph_rt::Prop<Self>",
            "pub field graph_sdk::beta::Lamp::dimmable: graph_rt::Field<bool>",
            "pub variant graph_sdk::beta::LampColor::Daylight",
        ],
        "{inserted:#?}"
    );
    assert_eq!(
        inserted.len(),
        code.len() + member.len() + listing.len(),
        "{inserted:#?}"
    );
}

/// What `cargo xtask diff` says of the same two trees: two additions, neither breaking (the
/// enum is `#[non_exhaustive]`, the struct is built with `..Default::default()`).
#[test]
fn the_api_diff_calls_both_additive() {
    let read = |side: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs-input/diff")
            .join(side);
        generator::read_tree(&generator::DocsTree::load(&dir).expect("docs-input/diff"))
    };
    let diff = generator::diff::ApiDiff::new(&read("old"), &read("new"));
    let entries: Vec<(String, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.name.clone(), e.breaking))
        .collect();
    assert_eq!(
        entries,
        [
            ("microsoft.graph.lamp.dimmable".to_string(), false),
            ("microsoft.graph.lampColor.daylight".to_string(), false),
        ],
        "{:#?}",
        diff.entries
    );
}
