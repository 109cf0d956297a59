//! `cargo xtask docs-update --from PATH_OR_GIT_URL [--rev REV]`: pin the reference pages of
//! another commit of the docs repository. Through the `git` binary: the commit is resolved
//! (a local checkout is read in place; a URL is fetched, one commit deep, into `target/`), its
//! `api-reference/<version>/{api,resources}` pages are taken with `git archive`, staged beside
//! the pinned tree and swapped in; `docs-input/sdk.toml` records the commit; `generated/` is
//! regenerated; and the API changelog between the old and the new pages is written to a file,
//! with its totals printed.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use generator::diff::report::{self, Labels};
use generator::diff::{ApiDiff, Totals};
use generator::DocsTree;

use crate::codegen::{self, Manifest};

pub struct Options {
    /// A local clone of the docs repository, or a URL git can fetch.
    pub from: String,
    /// A commit, tag or branch; `HEAD` when absent.
    pub rev: Option<String>,
}

/// The folder of the docs repository that holds one folder per API version.
const PAGES_ROOT: &str = "api-reference";
/// The two folders of each version that the generator reads.
const PAGE_FOLDERS: [&str; 2] = ["api", "resources"];

/// What a run did, for the caller to print.
pub struct Outcome {
    pub commit: String,
    pub previous: Option<String>,
    /// Per API version: its name and the totals of its diff.
    pub totals: Vec<(String, Totals)>,
    pub report: PathBuf,
    pub codegen: codegen::Outcome,
}

pub fn run(options: &Options) -> Result<Outcome> {
    let root = codegen::workspace_root();
    let manifest_path = root.join(codegen::MANIFEST);
    let (manifest, mut document) = codegen::read_manifest(&manifest_path)?;
    let pinned = root.join(&manifest.docs_root);
    let work = root.join("target/docs-update");
    fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;

    let rev = options.rev.as_deref().unwrap_or("HEAD");
    let (repo, commit) = resolve(&options.from, rev, &work)?;
    let previous = manifest.source.as_ref().map(|s| s.commit.clone());

    // Stage the new pages beside the pinned tree, so that the swap is two renames.
    let staged = sibling(&pinned, "new")?;
    remove_if_present(&staged)?;
    let extracted = extract(&repo, &commit, &manifest, &staged);
    if let Err(e) = extracted {
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    // Keep the files beside the version folders (the pages' .gitattributes).
    if pinned.is_dir() {
        for entry in
            fs::read_dir(&pinned).with_context(|| format!("listing {}", pinned.display()))?
        {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::copy(entry.path(), staged.join(entry.file_name()))
                    .with_context(|| format!("copying {}", entry.path().display()))?;
            }
        }
    }

    // The changelog, old pages against new, one section per API version.
    let short = &commit[..commit.len().min(12)];
    let mut text = String::new();
    let mut totals = Vec::new();
    for v in &manifest.version {
        let (old, new) = rayon::join(
            || read_api(&pinned.join(&v.path)),
            || read_api(&staged.join(&v.path)),
        );
        let diff = ApiDiff::new(&old?, &new?);
        let labels = Labels {
            old: format!(
                "{} @ {}",
                v.name,
                previous.as_deref().unwrap_or("(unrecorded)")
            ),
            new: format!("{} @ {commit}", v.name),
        };
        text.push_str(&report::markdown(&diff, &labels));
        text.push('\n');
        totals.push((v.name.clone(), diff.total()));
    }
    let report_path = work.join(format!("changelog-{short}.md"));
    fs::write(&report_path, &text).with_context(|| format!("writing {}", report_path.display()))?;

    swap_in(&pinned, &staged)?;
    codegen::record_source(&mut document, &options.from, &commit);
    crate::write_whole(&manifest_path, &document.to_string())?;

    let codegen = codegen::run(&codegen::Options {
        check: false,
        no_cache: false,
        docs_root: None,
        docs: None,
        out: None,
        version: None,
    })
    .context(
        "the new pages are pinned, but regenerating failed (fix, then run `cargo xtask codegen`)",
    )?;
    Ok(Outcome {
        commit,
        previous,
        totals,
        report: report_path,
        codegen,
    })
}

/// The API of a docs folder; an empty one where there is no folder yet (a first pin).
fn read_api(dir: &Path) -> Result<generator::Api> {
    if !dir.exists() {
        return Ok(generator::Api::default());
    }
    let tree = DocsTree::load(dir)?;
    codegen::refuse_unreadable(&tree)?;
    Ok(generator::read_tree(&tree))
}

/// The repository to read and the full commit id of `rev` in it. A local folder is read in
/// place; anything else is fetched (that one commit, no history) into `work`.
fn resolve(from: &str, rev: &str, work: &Path) -> Result<(PathBuf, String)> {
    let local = Path::new(from);
    let repo = if local.is_dir() {
        local.to_path_buf()
    } else {
        let repo = work.join("fetched.git");
        remove_if_present(&repo)?;
        git(work, &["init", "--quiet", "--bare", "fetched.git"])?;
        git(
            &repo,
            &["fetch", "--quiet", "--depth", "1", "--no-tags", from, rev],
        )
        .with_context(|| format!("fetching {rev} from {from}"))?;
        return Ok((repo.clone(), commit_of(&repo, "FETCH_HEAD")?));
    };
    let commit = commit_of(&repo, rev).with_context(|| format!("{rev} in {from}"))?;
    Ok((repo, commit))
}

fn commit_of(repo: &Path, rev: &str) -> Result<String> {
    let out = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .with_context(|| format!("`{rev}` is not a commit of {}", repo.display()))?;
    let commit = String::from_utf8_lossy(&out).trim().to_string();
    if commit.len() < 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("git rev-parse answered `{commit}` for {rev}");
    }
    Ok(commit)
}

/// Run git in `dir`; its standard output, or an error with what it printed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// The `api/` and `resources/` pages of every version of the manifest at `commit`, written
/// below `into` as `<version path>/{api,resources}/…`.
fn extract(repo: &Path, commit: &str, manifest: &Manifest, into: &Path) -> Result<()> {
    let mut wanted = Vec::new();
    for v in &manifest.version {
        let version = v.path.to_str().context("a version path is not UTF-8")?;
        for folder in PAGE_FOLDERS {
            wanted.push(format!("{PAGES_ROOT}/{version}/{folder}"));
        }
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", commit, "--"])
        .args(&wanted)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git archive")?;
    let stdout = child.stdout.take().context("git archive's output")?;
    let written = unpack(stdout, into);
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let status = child.wait().context("waiting for git archive")?;
    // A failed write stops the reading, and git then fails on the closed pipe: report the first.
    let counts =
        written.with_context(|| format!("unpacking commit {commit} of {}", repo.display()))?;
    if !status.success() {
        bail!(
            "commit {commit} of {} does not hold {}: {}",
            repo.display(),
            wanted.join(", "),
            stderr.trim()
        );
    }
    for folder in &wanted {
        let rel = Path::new(folder)
            .strip_prefix(PAGES_ROOT)
            .unwrap_or(Path::new(folder));
        if counts.get(rel).copied().unwrap_or(0) == 0 {
            bail!("commit {commit} has no pages in {folder}");
        }
    }
    Ok(())
}

/// Write the regular files of a tar stream below `into`, without the `api-reference/` prefix;
/// how many files went into each `<version>/<folder>`.
fn unpack(tar: impl Read, into: &Path) -> Result<BTreeMap<PathBuf, usize>> {
    let mut archive = tar::Archive::new(tar);
    let mut counts: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for entry in archive.entries().context("reading git archive's output")? {
        let mut entry = entry.context("reading git archive's output")?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().context("a path in the archive")?.into_owned();
        let Ok(rel) = path.strip_prefix(PAGES_ROOT) else {
            continue;
        };
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            bail!("refusing the archive path {}", path.display());
        }
        // `<version>/<api|resources>`
        *counts
            .entry(rel.components().take(2).collect())
            .or_default() += 1;
        let target = into.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let mut file =
            fs::File::create(&target).with_context(|| format!("writing {}", target.display()))?;
        std::io::copy(&mut entry, &mut file)
            .with_context(|| format!("writing {}", target.display()))?;
    }
    // git pads the archive past its end marker: read it all, or git fails on a closed pipe.
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink())
        .context("reading git archive's output")?;
    Ok(counts)
}

/// `dir` with `.NAME.<what>` as its last component.
fn sibling(dir: &Path, what: &str) -> Result<PathBuf> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no folder name", dir.display()))?;
    Ok(dir.with_file_name(format!(".{name}.{what}")))
}

fn remove_if_present(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Put `staged` where `pinned` is: the old tree aside, the new one in, the old one removed.
fn swap_in(pinned: &Path, staged: &Path) -> Result<()> {
    let old = sibling(pinned, "old")?;
    remove_if_present(&old)?;
    if pinned.exists() {
        fs::rename(pinned, &old).with_context(|| format!("moving {} aside", pinned.display()))?;
    }
    if let Err(e) = fs::rename(staged, pinned) {
        let _ = fs::rename(&old, pinned);
        return Err(e).with_context(|| format!("moving the new pages to {}", pinned.display()));
    }
    remove_if_present(&old)
}
