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

fn options() -> generator::emit::CrateOptions {
    generator::emit::CrateOptions {
        package: "graph-sdk".into(),
        version: "0.1.0".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        standalone: false,
    }
}

fn rust_of(api: &generator::Api) -> String {
    let files = generator::emit::emit_crate(
        &[generator::emit::Version { name: "beta", api }],
        &options(),
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

/// What `xtask codegen` does (each version printed as soon as it is read, then the crate put
/// together) writes the files `emit_crate` writes; printed files of other versions than the
/// crate's are refused.
#[test]
fn versions_printed_apart_make_the_same_crate() {
    use generator::emit::{self, RenderCache, Version};
    let tree = generator::DocsTree::load(sample_root()).expect("docs-input/sample");
    let api = generator::read_tree(&tree);
    let versions = [
        Version {
            name: "beta",
            api: &api,
        },
        Version {
            name: "v1.0",
            api: &api,
        },
    ];
    let whole = emit::emit_crate(&versions, &options()).expect("emits");
    let cache = RenderCache::default();
    let printed = |vs: &[Version<'_>]| -> Vec<emit::VersionFiles> {
        vs.iter()
            .map(|v| emit::emit_version(v, &cache).expect("emits"))
            .collect()
    };
    // In the other order: the crate sorts them.
    let (apart, _) = emit::assemble_crate(
        &versions,
        printed(&[
            Version {
                name: "v1.0",
                api: &api,
            },
            Version {
                name: "beta",
                api: &api,
            },
        ]),
        &options(),
        &cache,
    )
    .expect("assembles");
    assert_eq!(whole.len(), apart.len());
    for (a, b) in whole.iter().zip(&apart) {
        assert_eq!(a.path, b.path);
        assert!(a.contents == b.contents, "{} differs", a.path);
    }
    let Err(err) = emit::assemble_crate(&versions, printed(&versions[..1]), &options(), &cache)
    else {
        panic!("a version's files are missing, yet the crate was made");
    };
    assert!(err.to_string().contains("v1_0"), "{err}");
}

#[test]
fn whole_tree() {
    let tree = generator::DocsTree::load(sample_root()).expect("docs-input/sample");
    let api = generator::read_tree(&tree);
    insta::assert_json_snapshot!(api);
}
