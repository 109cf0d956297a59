//! A crate generated with `codegen --docs DIR --out DIR` builds on its own, and
//! `cargo xtask examples --docs docs-input/sample` runs end to end through it: the crate
//! (models and builders, the crate users depend on, the dispatch crate and a copy of the
//! runtime) is generated from the sample pages, built offline, and its runners read every
//! example body and send every example request.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

#[test]
fn examples_run_through_a_crate_generated_from_the_sample() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["examples", "--docs"])
        .arg(root.join("docs-input/sample"))
        .args(["--version", "beta"])
        // Everything the crate needs is in this workspace's lock file and cache.
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("GRAPH_XTASK_WORKSPACE")
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let line = |prefix: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line:\n{stdout}\n{stderr}"))
            .to_string()
    };
    // `examples: N seen, V valid, P passed, F failed`: the sample's clean bodies all pass.
    let examples = line("examples: ");
    assert!(examples.ends_with(" 0 failed"), "{examples}");
    let requests = line("requests: ");
    assert!(!requests.contains(" 0 passed"), "{requests}");

    // The generated runtime copy is a crate of its own (no workspace inheritance left).
    let manifest =
        std::fs::read_to_string(root.join("target/tmp/examples-crate/graph-rt/Cargo.toml"))
            .unwrap();
    assert!(!manifest.contains("workspace = true"), "{manifest}");
    assert!(manifest.contains("optional = true"), "{manifest}");
    let core =
        std::fs::read_to_string(root.join("target/tmp/examples-crate/graph-rt/core/Cargo.toml"))
            .unwrap();
    assert!(!core.contains("workspace = true"), "{core}");

    // The crate a program depends on (the models re-exported, and the client) builds there too.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let check = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--quiet",
            "-p",
            "graph-sdk",
            "--manifest-path",
        ])
        .arg(root.join("target/tmp/examples-crate/Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/examples-crate"))
        .output()
        .expect("cargo runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
