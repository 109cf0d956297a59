//! The command line under bad conditions: every failure is one clear `error:` message and a
//! non-zero exit, and an output folder is never left half-written.
//!
//! Runs the built `xtask` binary in folders under `CARGO_TARGET_TMPDIR`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args);
    cmd.env_remove("GRAPH_CODEGEN_FAIL_AFTER_FILES")
        .env_remove("GRAPH_CODEGEN_PANIC_AFTER_FILES");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("xtask runs")
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    if dir.exists() {
        make_writable(&dir);
        fs::remove_dir_all(&dir).expect("clean scratch folder");
    }
    fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn make_writable(dir: &Path) {
    let _ = Command::new("chmod")
        .arg("-R")
        .arg("u+rwx")
        .arg(dir)
        .status();
}

/// A small docs tree: three pages of docs-input/sample.
fn docs(dir: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input/sample/resources");
    let docs = dir.join("docs");
    fs::create_dir_all(docs.join("resources")).expect("docs folder");
    for page in ["widgetlabel.md", "samplecolor.md", "widgetcategory.md"] {
        fs::copy(sample.join(page), docs.join("resources").join(page)).expect("copy page");
    }
    docs
}

/// The single `error:` line of a failed run, checked to be the only message.
fn one_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "expected a failure, got success:\n{stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "expected one error message:\n{stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "a raw panic message:\n{stderr}"
    );
    stderr
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).expect("list").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                out.insert(
                    rel.to_string_lossy().into_owned(),
                    fs::read(&p).expect("read"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.parent().expect("parent"))
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn missing_docs_folder() {
    let dir = scratch("missing");
    let missing = dir.join("nope");
    for cmd in ["ir", "lint"] {
        let out = xtask(&[cmd, "--docs", missing.to_str().unwrap()], &[]);
        assert!(one_error(&out).contains("does not exist"));
        assert_eq!(out.status.code(), Some(2));
    }
    let out = xtask(
        &[
            "codegen",
            "--docs",
            missing.to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("does not exist"));
    assert!(!dir.join("out").exists());
    let out = xtask(&["codegen", "--docs-root", missing.to_str().unwrap()], &[]);
    assert!(one_error(&out).contains("docs are not at"));
}

#[test]
fn empty_folder_and_file_as_docs() {
    let dir = scratch("empty");
    let empty = dir.join("empty");
    fs::create_dir_all(empty.join("resources")).unwrap();
    let out = xtask(&["ir", "--docs", empty.to_str().unwrap()], &[]);
    assert!(one_error(&out).contains("holds no .md files"));
    let file = dir.join("file.md");
    fs::write(&file, "# x\n").unwrap();
    let out = xtask(&["lint", "--docs", file.to_str().unwrap()], &[]);
    assert!(one_error(&out).contains("is not a folder"));
}

#[test]
fn page_that_is_not_utf8() {
    let dir = scratch("not-utf8");
    let docs = docs(&dir);
    fs::write(
        docs.join("resources/broken.md"),
        b"# broken \xff\xfe page\n",
    )
    .unwrap();
    let out = xtask(&["ir", "--docs", docs.to_str().unwrap()], &[]);
    let err = one_error(&out);
    assert!(
        err.contains("broken.md") && err.contains("not UTF-8"),
        "{err}"
    );
    // lint lists it with the other diagnostics, then fails.
    let out = xtask(&["lint", "--docs", docs.to_str().unwrap()], &[]);
    one_error(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("GD001"));
    let out_dir = dir.join("out");
    let out = xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("not UTF-8"));
    assert!(!out_dir.exists(), "nothing may be written");
}

#[test]
fn unreadable_folder() {
    let dir = scratch("unreadable");
    let docs = docs(&dir);
    let locked = docs.join("resources");
    fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if fs::read_dir(&locked).is_ok() {
        make_writable(&dir);
        eprintln!(
            "skipped: running as root (or on a file system without permissions), where a folder \
             of mode 000 can still be read"
        );
        return;
    }
    let out = xtask(&["ir", "--docs", docs.to_str().unwrap()], &[]);
    make_writable(&dir);
    assert!(one_error(&out).contains("cannot list"));
}

#[test]
fn output_folder_not_writable() {
    let dir = scratch("unwritable");
    let docs = docs(&dir);
    let file = dir.join("a-file");
    fs::write(&file, "not a folder").unwrap();
    // Under a regular file: cannot be created.
    let under = file.join("out");
    let out = xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            under.to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("is a file"));
    // A regular file as the output: not replaced.
    let out = xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("is a file"));
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
    // A folder of someone else's files: not replaced.
    let mine = dir.join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let out = xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            mine.to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("refusing to replace"));
    assert_eq!(
        fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep me"
    );
    // ir --out under a regular file.
    let out = xtask(
        &[
            "ir",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            file.join("ir.json").to_str().unwrap(),
        ],
        &[],
    );
    assert!(one_error(&out).contains("writing"));
    // A read-only parent folder (not enforced for root).
    let ro = dir.join("read-only");
    fs::create_dir_all(&ro).unwrap();
    fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    if fs::write(ro.join("probe"), "x").is_ok() {
        eprintln!("skipped the read-only folder case: running as root, which may write anywhere");
    } else {
        let out = xtask(
            &[
                "codegen",
                "--docs",
                docs.to_str().unwrap(),
                "--out",
                ro.join("out").to_str().unwrap(),
            ],
            &[],
        );
        one_error(&out);
    }
    make_writable(&dir);
}

/// Generate once, then change the docs so that a second run has files to write.
fn generated_then_changed(name: &str) -> (PathBuf, PathBuf, BTreeMap<String, Vec<u8>>) {
    let dir = scratch(name);
    let docs = docs(&dir);
    let out_dir = dir.join("out");
    let out = xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = tree(&out_dir);
    assert!(before.len() > 5, "{before:?}");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input/sample/resources");
    for page in ["widgetassembly.md", "widgetpart.md", "gadgetpowermode.md"] {
        fs::copy(sample.join(page), docs.join("resources").join(page)).unwrap();
    }
    (docs, out_dir, before)
}

fn codegen(docs: &Path, out_dir: &Path, env: &[(&str, &str)]) -> Output {
    xtask(
        &[
            "codegen",
            "--docs",
            docs.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        env,
    )
}

#[test]
fn write_failure_in_the_middle_leaves_the_old_tree() {
    let (docs, out_dir, before) = generated_then_changed("fail-mid-run");
    let out = codegen(&docs, &out_dir, &[("GRAPH_CODEGEN_FAIL_AFTER_FILES", "3")]);
    let err = one_error(&out);
    assert!(err.contains("left as it was"), "{err}");
    assert_eq!(tree(&out_dir), before, "the old tree must be intact");
    assert_eq!(
        siblings(&out_dir),
        ["docs", "out"],
        "no staging folder left"
    );
    // The next run succeeds and writes the new files.
    let out = codegen(&docs, &out_dir, &[]);
    assert!(out.status.success());
    assert!(tree(&out_dir).len() > before.len());
    assert_eq!(siblings(&out_dir), ["docs", "out"]);
}

#[test]
fn crash_in_the_middle_leaves_the_old_tree() {
    let (docs, out_dir, before) = generated_then_changed("panic-mid-run");
    let out = codegen(&docs, &out_dir, &[("GRAPH_CODEGEN_PANIC_AFTER_FILES", "3")]);
    let err = one_error(&out);
    assert!(err.contains("internal error"), "{err}");
    assert_eq!(tree(&out_dir), before, "the old tree must be intact");
    assert_eq!(
        siblings(&out_dir),
        ["docs", "out"],
        "no staging folder left"
    );
}

#[test]
fn a_killed_run_is_cleaned_up_by_the_next() {
    let (docs, out_dir, _) = generated_then_changed("killed");
    let parent = out_dir.parent().unwrap().to_path_buf();
    // Killed while staging: a half-written staging folder is left.
    fs::create_dir_all(parent.join(".out.new/src")).unwrap();
    fs::write(parent.join(".out.new/src/half.rs"), "pub struct Ha").unwrap();
    let out = codegen(&docs, &out_dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(siblings(&out_dir), ["docs", "out"]);
    let after = tree(&out_dir);
    assert!(!after.keys().any(|k| k.contains("half")));

    // Killed between the two renames: the old tree is aside, the new one staged.
    fs::rename(&out_dir, parent.join(".out.old")).unwrap();
    fs::create_dir_all(parent.join(".out.new")).unwrap();
    let out = codegen(&docs, &out_dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("restored"));
    assert_eq!(tree(&out_dir), after);
    assert_eq!(siblings(&out_dir), ["docs", "out"]);
}
