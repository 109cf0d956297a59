//! Every input the fuzzer once crashed on (`tests/fuzz-regressions/<target>/`), replayed
//! through the same entry points as the fuzz targets of `fuzz/`.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| {
                    let bytes = std::fs::read(e.path()).expect("regression input");
                    (e.file_name().to_string_lossy().into_owned(), bytes)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn read_page_regressions() {
    for (name, bytes) in inputs("read_page") {
        eprintln!("read_page: {name}");
        let _ = generator::harness::read_page(&bytes);
    }
}

#[test]
fn generate_regressions() {
    for (name, bytes) in inputs("generate") {
        eprintln!("generate: {name}");
        if let Err(e) = generator::harness::generate(&bytes) {
            panic!("{name}: {e}");
        }
    }
}
