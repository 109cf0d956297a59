//! `cargo xtask docs-update` against a real git repository made here: two commits of a docs
//! repository (sample pages under `api-reference/v1.0/`), pinned one after the other into a
//! scratch workspace. Checks the pinned pages, the commit recorded in `sdk.toml`, the
//! regenerated crate and the printed changelog.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "docs")
        .env("GIT_AUTHOR_EMAIL", "docs@example.com")
        .env("GIT_COMMITTER_NAME", "docs")
        .env("GIT_COMMITTER_EMAIL", "docs@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn docs_update(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("docs-update")
        .args(args)
        .env("GRAPH_XTASK_WORKSPACE", workspace)
        .env_remove("GRAPH_DOCS_ROOT")
        .output()
        .expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("docs-update")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A docs repository with two commits: the sample pages, then the same pages with
/// `docs-input/diff/new`'s lamp pages (one more property, one more enum member).
fn docs_repository(dir: &Path) -> (String, String) {
    let inputs = repo_root().join("docs-input");
    let version = dir.join("api-reference/v1.0");
    copy_dir(&inputs.join("sample/api"), &version.join("api"));
    copy_dir(&inputs.join("sample/resources"), &version.join("resources"));
    copy_dir(
        &inputs.join("diff/old/resources"),
        &version.join("resources"),
    );
    // Not reference pages: left out of what is pinned.
    fs::create_dir_all(dir.join("concepts")).unwrap();
    fs::write(dir.join("concepts/paging.md"), "# Paging\n").unwrap();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "first"]);
    let first = git(dir, &["rev-parse", "HEAD"]);
    copy_dir(
        &inputs.join("diff/new/resources"),
        &version.join("resources"),
    );
    git(dir, &["commit", "--quiet", "-am", "lamps dim"]);
    let second = git(dir, &["rev-parse", "HEAD"]);
    (first, second)
}

/// A workspace holding only what docs-update reads and writes: the manifest (and the runtime's,
/// whose version the generated crate names).
fn workspace(dir: &Path) {
    fs::create_dir_all(dir.join("docs-input")).unwrap();
    fs::create_dir_all(dir.join("runtime")).unwrap();
    fs::copy(
        repo_root().join("runtime/Cargo.toml"),
        dir.join("runtime/Cargo.toml"),
    )
    .unwrap();
    fs::write(
        dir.join("docs-input/sdk.toml"),
        "# The pinned inputs.\ndocs_root = \"docs-input/api-reference\"\n\n\
         [[version]]\nname = \"v1.0\"\npath = \"v1.0\"\n",
    )
    .unwrap();
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "docs-update failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pins_a_commit_then_the_next_and_prints_the_changelog() {
    let base = scratch("two-commits");
    let repo = base.join("microsoft-graph-docs");
    fs::create_dir_all(&repo).unwrap();
    let (first, second) = docs_repository(&repo);
    let ws = base.join("workspace");
    workspace(&ws);
    let from = repo.to_str().unwrap();

    // First pin: everything is new.
    let out = stdout(&docs_update(&ws, &["--from", from, "--rev", &first]));
    assert!(out.contains(&format!("pinned {first}")), "{out}");
    assert!(out.contains("(was unrecorded)"), "{out}");
    let pinned = ws.join("docs-input/api-reference/v1.0");
    assert!(pinned.join("resources/lamp.md").is_file());
    assert!(pinned.join("api").read_dir().unwrap().count() > 5);
    assert!(!ws.join("docs-input/api-reference/concepts").exists());
    let lamp = fs::read_to_string(ws.join("generated/src/v1_0/lamp.rs")).unwrap();
    assert!(!lamp.contains("dimmable"));

    // Second pin, HEAD: a property and an enum member added, nothing breaking.
    let out = stdout(&docs_update(&ws, &["--from", from]));
    assert!(out.contains(&format!("pinned {second}")), "{out}");
    assert!(out.contains(&format!("(was {first})")), "{out}");
    assert!(
        out.contains("v1.0: 2 added, 0 removed, 0 changed; 0 breaking"),
        "{out}"
    );
    assert!(out.contains("codegen: "), "{out}");
    let manifest = fs::read_to_string(ws.join("docs-input/sdk.toml")).unwrap();
    assert!(manifest.starts_with("# The pinned inputs."), "{manifest}");
    assert!(
        manifest.contains(&format!("commit = \"{second}\"")),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!("repository = \"{from}\"")),
        "{manifest}"
    );
    let lamp = fs::read_to_string(ws.join("generated/src/v1_0/lamp.rs")).unwrap();
    assert!(lamp.contains("dimmable"));
    let report = out
        .lines()
        .find_map(|l| l.strip_prefix("changelog: "))
        .expect("the changelog's path");
    let report = fs::read_to_string(report).unwrap();
    assert!(report.contains("dimmable"), "{report}");
    // No staging folders are left behind.
    let leftovers: Vec<_> = fs::read_dir(ws.join("docs-input"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn codegen(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .args(args)
        .env("GRAPH_XTASK_WORKSPACE", workspace)
        .env_remove("GRAPH_DOCS_ROOT")
        .output()
        .expect("xtask runs")
}

/// The second pin reuses the files the first printed (the cache of printed files in
/// `target/`); what it writes is what a run without the cache writes, and a file edited by hand
/// is found stale whatever the cache says.
#[test]
fn the_cache_of_printed_files_never_hides_a_change() {
    let base = scratch("cache");
    let repo = base.join("docs");
    fs::create_dir_all(&repo).unwrap();
    let (first, _) = docs_repository(&repo);
    let ws = base.join("workspace");
    workspace(&ws);
    let from = repo.to_str().unwrap();
    stdout(&docs_update(&ws, &["--from", from, "--rev", &first]));
    let cache = ws.join("target/xtask-codegen-cache.json");
    assert!(cache.is_file(), "the first run leaves its cache");
    let out = stdout(&docs_update(&ws, &["--from", from]));
    assert!(out.contains("reused from the last run's cache"), "{out}");
    let lamp_path = ws.join("generated/src/v1_0/lamp.rs");
    let lamp = fs::read_to_string(&lamp_path).unwrap();
    assert!(lamp.contains("dimmable"));

    // Every file printed again, without the cache: the same tree.
    let check = codegen(&ws, &["--check", "--no-cache"]);
    assert!(
        check.status.success(),
        "the cached run wrote other files than an uncached one: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // A hand edit: stale with the cache and without it; a run restores the file.
    fs::write(&lamp_path, lamp.replace("dimmable", "dimmable_by_hand")).unwrap();
    for args in [&["--check"][..], &["--check", "--no-cache"]] {
        let out = codegen(&ws, args);
        assert!(!out.status.success(), "{args:?} missed a hand edit");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("dimmable_by_hand"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    stdout(&codegen(&ws, &[]));
    assert_eq!(fs::read_to_string(&lamp_path).unwrap(), lamp);

    // A damaged cache is no cache.
    fs::write(&cache, "{ not json").unwrap();
    let check = codegen(&ws, &["--check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_missing_revision_or_folder_is_one_error_and_changes_nothing() {
    let base = scratch("bad-rev");
    let repo = base.join("docs");
    fs::create_dir_all(&repo).unwrap();
    let (first, _) = docs_repository(&repo);
    let ws = base.join("workspace");
    workspace(&ws);
    let from = repo.to_str().unwrap();
    stdout(&docs_update(&ws, &["--from", from, "--rev", &first]));
    let before = fs::read_to_string(ws.join("docs-input/sdk.toml")).unwrap();

    let out = docs_update(&ws, &["--from", from, "--rev", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("no-such-branch"), "{stderr}");

    // A commit without the pages: the repository's first commit made anew without them.
    git(&repo, &["rm", "--quiet", "-r", "api-reference"]);
    git(&repo, &["commit", "--quiet", "-m", "moved away"]);
    let out = docs_update(&ws, &["--from", from]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("api-reference/v1.0"), "{stderr}");

    assert_eq!(
        fs::read_to_string(ws.join("docs-input/sdk.toml")).unwrap(),
        before
    );
    assert!(ws
        .join("docs-input/api-reference/v1.0/resources/lamp.md")
        .is_file());
}

#[test]
fn a_url_is_fetched_one_commit_deep() {
    let base = scratch("url");
    let repo = base.join("docs");
    fs::create_dir_all(&repo).unwrap();
    let (_, second) = docs_repository(&repo);
    let ws = base.join("workspace");
    workspace(&ws);
    let url = format!("file://{}", repo.canonicalize().unwrap().display());
    let out = stdout(&docs_update(&ws, &["--from", &url, "--rev", "main"]));
    assert!(
        out.contains(&format!("pinned {second} from {url}")),
        "{out}"
    );
    let lamp = fs::read_to_string(ws.join("generated/src/v1_0/lamp.rs")).unwrap();
    assert!(lamp.contains("dimmable"));
}
