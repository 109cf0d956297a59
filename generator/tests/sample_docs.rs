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

#[test]
fn whole_tree() {
    let tree = generator::DocsTree::load(sample_root()).expect("docs-input/sample");
    let api = generator::read_tree(&tree);
    insta::assert_json_snapshot!(api);
}
