//! Snapshot tests over `docs-input/sample`: the IR of each page read alone, and the IR of the
//! whole sample tree resolved together.

use std::path::Path;

fn sample_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs-input/sample"))
}

#[test]
fn each_page() {
    insta::glob!("../../docs-input/sample", "**/*.md", |path| {
        let rel = path
            .strip_prefix(sample_root().canonicalize().expect("sample root"))
            .expect("page under the sample root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).expect("sample page");
        let api = generator::read_pages(&[(rel, text)]);
        insta::assert_json_snapshot!(api);
    });
}

/// The generated Rust of each page read alone (its types and enums; crate plumbing left out).
#[test]
fn each_page_rust() {
    insta::glob!("../../docs-input/sample", "**/*.md", |path| {
        let rel = path
            .strip_prefix(sample_root().canonicalize().expect("sample root"))
            .expect("page under the sample root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).expect("sample page");
        let api = generator::read_pages(&[(rel, text)]);
        insta::assert_snapshot!(rust_of(&api));
    });
}

fn rust_of(api: &generator::Api) -> String {
    let files = generator::emit::emit_crate(
        &[generator::emit::Version { name: "beta", api }],
        &generator::emit::CrateOptions {
            package: "graph-sdk".into(),
            version: "0.1.0".into(),
            runtime_path: "../runtime".into(),
            runtime_version: "0.1.0".into(),
            standalone: false,
        },
    )
    .expect("emits");
    files
        .iter()
        .filter(|f| {
            // The version's files, and its dispatch table (in the dispatch crate).
            (f.path.starts_with("src/beta/") || f.path.starts_with("dispatch/src/beta/"))
                && !f.path.ends_with("/mod.rs")
                && !f.path.ends_with("/registry.rs")
        })
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect()
}

#[test]
fn whole_tree_rust_is_deterministic() {
    let tree = generator::DocsTree::load(sample_root()).expect("docs-input/sample");
    let a = rust_of(&generator::read_tree(&tree));
    let b = rust_of(&generator::read_tree(&tree));
    assert_eq!(a, b);
    assert!(a.contains("pub struct Widget"), "{a}");
}

#[test]
fn whole_tree() {
    let tree = generator::DocsTree::load(sample_root()).expect("docs-input/sample");
    let api = generator::read_tree(&tree);
    insta::assert_json_snapshot!(api);
}
