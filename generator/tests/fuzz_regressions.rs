//! Every input the fuzzer once crashed or hung on (`tests/fuzz-regressions/<target>/`),
//! replayed through the same entry points as the fuzz targets of `fuzz/`, and the inputs that
//! once cost the most time, checked to be read whole.
//!
//! A missing or empty folder is a failure, not an empty replay: the folders ship with the
//! inputs listed in [`COSTLY`] (each at most 64 KB, the fuzzer's limit; `scale.rs` reads their
//! full-size versions).

use std::path::{Path, PathBuf};

/// The inputs that once cost the most time, with what they are.
const COSTLY: &[(&str, &str)] = &[
    (
        "read_page/method-page-parameter-table.md",
        "a method page with a 700-row parameter table (a 100,000-row one took 28 s)",
    ),
    (
        "read_page/request-body-property-table.md",
        "a method page with a 700-row request body table",
    ),
    (
        "read_page/examples-with-unpaired-names.md",
        "150 example requests whose responses name no request (each was paired by a scan)",
    ),
    (
        "read_page/resource-table-rows.md",
        "a resource page with 600 property rows",
    ),
    (
        "generate/colliding-names",
        "1,509 property names, 400 parameters, that are one Rust name",
    ),
    (
        "generate/inheritance-chain",
        "200 types on one page, each deriving from the one before",
    ),
];

fn folder(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every file of the target's folder, by name; fails when the folder is missing or empty.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = folder(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "regression folder {} cannot be listed ({e}): it must exist and hold the inputs",
            dir.display()
        )
    });
    let mut out: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                read(&e.path()),
            )
        })
        .collect();
    out.sort();
    assert!(
        !out.is_empty(),
        "regression folder {} holds no inputs",
        dir.display()
    );
    out
}

#[test]
fn costly_inputs_are_kept() {
    let root = folder("");
    for (path, what) in COSTLY {
        let file = root.join(path);
        assert!(
            file.is_file(),
            "{} is missing: the regression input for {what}",
            file.display()
        );
        let size = read(&file).len();
        assert!(
            size <= 64 * 1024,
            "{path}: {size} bytes, more than the fuzzer's 64 KB"
        );
    }
}

#[test]
fn read_page_regressions() {
    for (name, bytes) in inputs("read_page") {
        eprintln!("read_page: {name}");
        let _ = generator::check::harness::read_page(&bytes);
    }
}

#[test]
fn generate_regressions() {
    for (name, bytes) in inputs("generate") {
        eprintln!("generate: {name}");
        if let Err(e) = generator::check::harness::generate(&bytes) {
            panic!("{name}: {e}");
        }
    }
}

/// The costly pages read as the kind of page they are: every row, every example.
#[test]
fn costly_pages_are_read_whole() {
    let page = |name: &str, as_file: &str| {
        let text = String::from_utf8(read(&folder("read_page").join(name))).expect("UTF-8");
        generator::read_pages(&[(as_file.to_string(), text)])
    };
    for name in [
        "method-page-parameter-table.md",
        "request-body-property-table.md",
    ] {
        let api = page(name, "api/widget-doit.md");
        let op = api.operations.first().expect("the operation");
        assert_eq!(op.parameters.len(), 700, "{name}");
    }
    let api = page("examples-with-unpaired-names.md", "api/widget-doit.md");
    let op = api.operations.first().expect("the operation");
    // Responses named after no request: the requests keep no response, each response is an
    // example of its own.
    assert_eq!(op.examples.len(), 300);
    let api = page("resource-table-rows.md", "resources/big.md");
    let big = api
        .types
        .iter()
        .find(|t| t.name == "big")
        .expect("the big type");
    // The 600 rows, and `id` from the JSON representation.
    assert!(big.properties.len() > 600, "{}", big.properties.len());

    let bytes = read(&folder("generate").join("inheritance-chain"));
    let api = generator::read_pages(&generator::check::harness::pages(&bytes));
    assert_eq!(api.types.len(), 200);
    assert!(api
        .diagnostics
        .iter()
        .any(|d| d.code == generator::Code::InheritanceDepth));
}
