//! `cargo xtask codegen`: regenerate `generated/` from the pinned inputs in
//! `docs-input/sdk.toml` (or a crate from any docs tree with `--docs DIR --out DIR`).
//!
//! Writing is all-or-nothing: the new tree is staged beside the old one (unchanged files are
//! hard links, so only changed files are written) and swapped in with two renames. A run that
//! changes nothing writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::emit::api_listing::{self, ListingChanges};
use generator::emit::{self, CrateOptions, OutputFile, RenderCache, TakenFiles, Version};
use generator::{Api, DocsTree};
use rayon::prelude::*;
use serde::Deserialize;

/// The pinned inputs, relative to the workspace root.
pub(crate) const MANIFEST: &str = "docs-input/sdk.toml";
/// The version of a crate generated without a manifest (`--docs DIR --out DIR`).
const DEFAULT_SDK_VERSION: &str = "0.1.0";

/// The version of `runtime/` (`graph-rt`), which the generated crate depends on.
fn runtime_version(root: &Path) -> Result<String> {
    let path = root.join("runtime/Cargo.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{} has no package version", path.display()))
}

/// `docs-input/sdk.toml`.
#[derive(Debug, Deserialize)]
pub(crate) struct Manifest {
    /// Relative to the workspace root.
    pub docs_root: PathBuf,
    /// The version of the generated `graph-sdk` crate.
    #[serde(default = "default_sdk_version")]
    pub sdk_version: String,
    /// Where the pinned pages come from (written by `docs-update`).
    pub source: Option<ManifestSource>,
    pub version: Vec<ManifestVersion>,
}

fn default_sdk_version() -> String {
    DEFAULT_SDK_VERSION.into()
}

#[derive(Debug, Deserialize)]
pub(crate) struct ManifestSource {
    #[allow(dead_code)]
    pub repository: String,
    pub commit: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ManifestVersion {
    pub name: String,
    /// Below `docs_root` here, and below `api-reference/` in the docs repository.
    pub path: PathBuf,
}

/// The manifest, parsed, and as an editable document that keeps its comments.
pub(crate) fn read_manifest(path: &Path) -> Result<(Manifest, toml_edit::DocumentMut)> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: Manifest =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let document = text
        .parse::<toml_edit::DocumentMut>()
        .with_context(|| format!("parsing {}", path.display()))?;
    Ok((manifest, document))
}

/// Record in the manifest where the pinned pages now come from.
pub(crate) fn record_source(document: &mut toml_edit::DocumentMut, repository: &str, commit: &str) {
    let source = document
        .entry("source")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    source["repository"] = toml_edit::value(repository);
    source["commit"] = toml_edit::value(commit);
}

/// The workspace root (the parent of `xtask/`), or `GRAPH_XTASK_WORKSPACE` where set: the
/// tests run `codegen` and `docs-update` on a scratch workspace of their own.
pub fn workspace_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("GRAPH_XTASK_WORKSPACE") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub struct Options {
    pub check: bool,
    /// Print every file, without the cache of printed files (`--no-cache`).
    pub no_cache: bool,
    pub docs_root: Option<PathBuf>,
    /// `--docs DIR --out DIR`: one docs tree into any folder.
    pub docs: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub version: Option<String>,
}

/// What a run found: the files that differ from what is on disk.
pub struct Outcome {
    pub out_dir: PathBuf,
    /// Files added or changed, with their new contents.
    pub changed: Vec<OutputFile>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// How many of `changed` are new files.
    pub added: usize,
    /// Public API items added, removed and changed (by the public API listing).
    pub api: ListingChanges,
    /// Files taken from the last run's cache of printed files rather than printed.
    pub reused: usize,
}

impl Outcome {
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    /// `3 files written (1 added, 2 changed, 0 removed); API: 2 items added, 0 removed, 1 changed`
    pub fn summary(&self) -> String {
        let files = self.changed.len();
        let items = self.api.added;
        let mut out = format!(
            "{files} file{} written ({} added, {} changed, {} removed); API: {items} item{} added, {} removed, {} changed",
            if files == 1 { "" } else { "s" },
            self.added,
            files - self.added,
            self.removed.len(),
            if items == 1 { "" } else { "s" },
            self.api.removed,
            self.api.changed
        );
        if self.reused > 0 {
            out.push_str(&format!(
                "; {} file{} reused from the last run's cache",
                self.reused,
                if self.reused == 1 { "" } else { "s" }
            ));
        }
        out
    }

    /// A unified diff of what differs, cut after `limit` lines.
    pub fn diff(&self, limit: usize) -> String {
        let mut out = String::new();
        for f in &self.changed {
            let old = fs::read_to_string(self.out_dir.join(&f.path)).unwrap_or_default();
            let diff = similar::TextDiff::from_lines(&old, &f.contents);
            let text = diff
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{}", f.path), &format!("b/{}", f.path))
                .to_string();
            out.push_str(&text);
        }
        for path in &self.removed {
            out.push_str(&format!(
                "--- a/{path}\n+++ /dev/null (no longer generated)\n"
            ));
        }
        let total = out.lines().count();
        if total > limit {
            let mut cut: String = out.lines().take(limit).collect::<Vec<_>>().join("\n");
            cut.push_str(&format!("\n… {} more lines of diff\n", total - limit));
            return cut;
        }
        out
    }
}

/// What a run reads and where it writes: (version name, docs folder), the output folder and the
/// runtime path written into the generated manifest.
type Inputs = (Vec<(String, PathBuf)>, PathBuf, String);

fn inputs(options: &Options, root: &Path) -> Result<Inputs> {
    Ok(match (&options.docs, &options.out) {
        (Some(docs), Some(out)) => {
            let name = options
                .version
                .clone()
                .unwrap_or_else(|| guess_version(docs));
            (
                vec![(name, docs.clone())],
                out.clone(),
                "graph-rt".to_string(),
            )
        }
        (None, None) => (
            pinned_inputs(root, options.docs_root.as_deref())?,
            root.join("generated"),
            "../runtime".to_string(),
        ),
        _ => bail!("--docs and --out go together"),
    })
}

fn load_trees(inputs: &[(String, PathBuf)]) -> Result<Vec<(String, DocsTree)>> {
    let trees: Vec<(String, DocsTree)> = inputs
        .par_iter()
        .map(|(name, dir)| -> Result<(String, DocsTree)> {
            let tree = DocsTree::load(dir).with_context(|| format!("reading the {name} docs"))?;
            Ok((name.clone(), tree))
        })
        .collect::<Result<_>>()?;
    for (_, tree) in &trees {
        refuse_unreadable(tree)?;
    }
    Ok(trees)
}

/// The stamp of the last run that left the output as it is.
fn stamp_path(root: &Path) -> PathBuf {
    root.join("target/xtask-codegen.stamp")
}

/// The cache of printed files (`generator::emit::render_cache`).
fn cache_path(root: &Path) -> PathBuf {
    root.join("target/xtask-codegen-cache.json")
}

/// The last run's cache of printed files, with their text from `out_dir`; its entries are
/// valid for the `syn` and `prettyplease` of this `Cargo.lock` only.
fn load_cache(root: &Path, out_dir: &Path) -> RenderCache {
    let salt = fs::read(root.join("Cargo.lock")).unwrap_or_default();
    match fs::read_to_string(cache_path(root)) {
        Ok(json) => RenderCache::load(&salt, &json, |path| {
            fs::read_to_string(out_dir.join(path)).ok()
        }),
        Err(_) => RenderCache::new(&salt),
    }
}

/// For `cargo xtask bench`: the work of a run that finds nothing to do (load the inputs,
/// fingerprint them and the output, compare with the stamp). Writes nothing; says whether the
/// stamp matched.
pub fn noop_check(options: &Options) -> Result<bool> {
    let root = workspace_root();
    let (inputs, out_dir, _) = inputs(options, &root)?;
    let trees = load_trees(&inputs)?;
    let stamp = stamp(&root, &trees, &out_dir);
    Ok(fs::read_to_string(stamp_path(&root)).ok().as_deref() == Some(stamp.0.as_str()))
}

pub fn run(options: &Options) -> Result<Outcome> {
    let root = workspace_root();
    let sdk_version = read_manifest(&root.join(MANIFEST))
        .map(|(m, _)| m.sdk_version)
        .unwrap_or_else(|_| DEFAULT_SDK_VERSION.into());
    let (inputs, out_dir, runtime_path) = inputs(options, &root)?;
    let trees = load_trees(&inputs)?;
    if !options.check {
        prepare_out_dir(&out_dir)?;
    }
    // A run whose inputs, generator and output are all as the last run left them does nothing.
    // `--check` always generates and compares.
    let stamp_path = stamp_path(&root);
    let stamp = (!options.check).then(|| stamp(&root, &trees, &out_dir));
    if let Some((stamp, files)) = &stamp {
        if fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str()) {
            return Ok(Outcome {
                unchanged: *files,
                out_dir,
                changed: Vec::new(),
                removed: Vec::new(),
                added: 0,
                api: ListingChanges::default(),
                reused: 0,
            });
        }
    }
    // The cache of printed files serves the pinned output only (its text is `generated/`).
    let cache = if options.no_cache || options.out.is_some() {
        RenderCache::default()
    } else {
        load_cache(&root, &out_dir)
    };
    // Each version is printed as soon as it is read: one version's files fill the cores
    // while the other is still being resolved.
    let read_and_printed: Vec<((String, Api), emit::VersionFiles)> = trees
        .par_iter()
        .map(|(name, tree)| -> Result<_> {
            let api = generator::read_tree(tree);
            let printed = emit::emit_version(&Version { name, api: &api }, &cache)?;
            Ok(((name.clone(), api), printed))
        })
        .collect::<Result<_>>()?;
    let (apis, printed): (Vec<(String, Api)>, Vec<emit::VersionFiles>) =
        read_and_printed.into_iter().unzip();
    let versions: Vec<Version<'_>> = apis
        .iter()
        .map(|(name, api)| Version { name, api })
        .collect();
    let (mut files, next_cache) = emit::assemble_crate(
        &versions,
        printed,
        &CrateOptions {
            package: "graph-sdk".into(),
            version: sdk_version.clone(),
            runtime_path,
            runtime_version: runtime_version(&root)?,
            standalone: options.out.is_some(),
        },
        &cache,
    )?;
    let reused = cache.hits();
    let read_back = cache.taken();
    drop(cache);
    if options.out.is_some() {
        files.extend(runtime_files(&root)?);
    }
    let outcome = Outcome {
        reused,
        ..compare(&out_dir, &files, &read_back)?
    };
    if !options.check && !outcome.is_fresh() {
        swap_in(&out_dir, &files, &outcome)?;
    }
    if !next_cache.is_empty() && (!options.check || outcome.is_fresh()) {
        // Best effort, as the stamp. A `--check` that found differences leaves the cache as it
        // was: its entries name text that is not on disk.
        let _ = fs::create_dir_all(root.join("target"));
        let _ = crate::write_whole(&cache_path(&root), &next_cache.to_json());
    }
    if let Some((stamp, _)) = stamp {
        // Best effort: without the stamp the next run is only slower.
        let _ = fs::create_dir_all(root.join("target"));
        let _ = fs::write(&stamp_path, stamp_after(&stamp, &out_dir));
    }
    Ok(outcome)
}

/// Generating from a tree with pages missing would silently drop their types: fail instead.
pub(crate) fn refuse_unreadable(tree: &DocsTree) -> Result<()> {
    if tree.unreadable.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = tree
        .unreadable
        .iter()
        .take(10)
        .map(|d| format!("  {}: {}", tree.root.join(&*d.file).display(), d.message))
        .collect();
    let more = tree.unreadable.len().saturating_sub(list.len());
    bail!(
        "{} page(s) under {} cannot be read:\n{}{}",
        tree.unreadable.len(),
        tree.root.display(),
        list.join("\n"),
        if more > 0 {
            format!("\n  … and {more} more")
        } else {
            String::new()
        }
    )
}

/// A fingerprint of everything a run depends on: this executable (the generator), the
/// manifest, the docs pages, and the output tree as it is on disk; with the number of files
/// in the output. Contents are hashed, not dates: any change to any of them regenerates.
/// Files are hashed in parallel and the hashes combined in a fixed order.
fn stamp(root: &Path, trees: &[(String, DocsTree)], out_dir: &Path) -> (String, usize) {
    let exe = std::env::current_exe()
        .and_then(fs::read)
        .map(|bytes| hash_chunks(&bytes))
        .unwrap_or_default();
    let manifest = fs::read(root.join(MANIFEST)).unwrap_or_default();
    let pages: Vec<u64> = trees
        .iter()
        .flat_map(|(_, tree)| &tree.pages)
        .collect::<Vec<_>>()
        .par_iter()
        .map(hash_of)
        .collect();
    let names: Vec<(&String, &PathBuf, usize)> = trees
        .iter()
        .map(|(name, tree)| (name, &tree.root, tree.pages.len()))
        .collect();
    let inputs = hash_of(&(exe, manifest, names, pages));
    let (output, files) = tree_hash(out_dir);
    (format!("{inputs:016x} {output}"), files)
}

/// The stamp with the output tree as the run left it.
fn stamp_after(stamp: &str, out_dir: &Path) -> String {
    let inputs = stamp.split(' ').next().unwrap_or("");
    format!("{inputs} {}", tree_hash(out_dir).0)
}

fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A large byte string hashed in 1 MB chunks in parallel.
fn hash_chunks(bytes: &[u8]) -> u64 {
    let chunks: Vec<u64> = bytes.par_chunks(1 << 20).map(hash_of).collect();
    hash_of(&(bytes.len(), chunks))
}

/// The hash of every file below `dir` (path and contents), and how many there are.
fn tree_hash(dir: &Path) -> (String, usize) {
    let files = list_files(dir).unwrap_or_default();
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|rel| hash_of(&(rel, fs::read(dir.join(rel)).unwrap_or_default())))
        .collect();
    (format!("{:016x}", hash_of(&hashes)), files.len())
}

/// The docs folders of the manifest, checked to exist.
pub(crate) fn pinned_inputs(
    root: &Path,
    docs_root: Option<&Path>,
) -> Result<Vec<(String, PathBuf)>> {
    let (manifest, _) = read_manifest(&root.join(MANIFEST))?;
    let env_root = std::env::var_os("GRAPH_DOCS_ROOT").map(PathBuf::from);
    let docs_root = match (docs_root, env_root) {
        (Some(flag), _) => flag.to_path_buf(),
        (None, Some(env)) => env,
        (None, None) => root.join(&manifest.docs_root),
    };
    let mut out = Vec::new();
    for v in manifest.version {
        let dir = docs_root.join(&v.path);
        if !dir.join("resources").is_dir() {
            bail!(
                "the {} docs are not at {} (expected a folder with api/ and resources/).\n\
                 Point codegen at a checkout of the Microsoft Graph docs with --docs-root DIR or \
                 GRAPH_DOCS_ROOT=DIR, where DIR holds {}; the default comes from docs-input/sdk.toml.",
                v.name,
                dir.display(),
                v.path.display()
            );
        }
        out.push((v.name, dir));
    }
    Ok(out)
}

pub(crate) fn guess_version(docs: &Path) -> String {
    match docs.file_name().and_then(|n| n.to_str()) {
        Some("beta") => "beta".into(),
        _ => "v1.0".into(),
    }
}

/// The runtime crates' sources (`graph-rt` and, in its `core/` folder, `graph-rt-core`),
/// copied beside a crate generated with `--out`, with manifests that no longer inherit from
/// this workspace.
fn runtime_files(root: &Path) -> Result<Vec<OutputFile>> {
    let mut out = Vec::new();
    for (from, to) in [("runtime", "graph-rt"), ("runtime/core", "graph-rt/core")] {
        let dir = root.join(from);
        out.push(OutputFile {
            path: format!("{to}/Cargo.toml"),
            contents: standalone_manifest(&dir.join("Cargo.toml"), &root.join("Cargo.toml"))?,
        });
        for rel in list_files(&dir.join("src"))? {
            let contents = fs::read_to_string(dir.join("src").join(&rel))
                .with_context(|| format!("reading {from}/src/{rel}"))?;
            out.push(OutputFile {
                path: format!("{to}/src/{rel}"),
                contents,
            });
        }
        if let Ok(readme) = fs::read_to_string(dir.join("README.md")) {
            out.push(OutputFile {
                path: format!("{to}/README.md"),
                contents: readme,
            });
        }
    }
    Ok(out)
}

/// `manifest` as a crate outside this workspace needs it: inherited package fields and
/// dependencies (`x.workspace = true`) replaced by the workspace's definitions, merged as cargo
/// merges them (the member's `optional` and `features` kept, features added), and the workspace
/// lints and the targets that are not copied (tests, benches, examples) dropped.
fn standalone_manifest(manifest: &Path, workspace: &Path) -> Result<String> {
    let read = |p: &Path| -> Result<toml::Table> {
        let text = fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", p.display()))
    };
    let mut crate_manifest = read(manifest)?;
    let workspace = read(workspace)?;
    let table = |name: &str| {
        workspace
            .get("workspace")
            .and_then(|w| w.get(name))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let (shared_deps, shared_package) = (table("dependencies"), table("package"));
    let inherits =
        |v: &toml::Value| v.get("workspace").and_then(toml::Value::as_bool) == Some(true);
    if let Some(package) = crate_manifest
        .get_mut("package")
        .and_then(toml::Value::as_table_mut)
    {
        for (key, value) in package.iter_mut() {
            if inherits(value) {
                *value = shared_package.get(key).cloned().with_context(|| {
                    format!(
                        "{} inherits package.{key} from a workspace that does not define it",
                        manifest.display()
                    )
                })?;
            }
        }
    }
    for section in ["dependencies", "build-dependencies"] {
        let Some(deps) = crate_manifest
            .get_mut(section)
            .and_then(toml::Value::as_table_mut)
        else {
            continue;
        };
        for (name, dep) in deps.iter_mut() {
            if !inherits(dep) {
                continue;
            }
            let Some(def) = shared_deps.get(name) else {
                bail!(
                    "{} inherits `{name}` from a workspace that does not define it",
                    manifest.display()
                );
            };
            let mut merged = match def {
                toml::Value::String(version) => {
                    let mut t = toml::Table::new();
                    t.insert("version".into(), toml::Value::String(version.clone()));
                    t
                }
                toml::Value::Table(t) => t.clone(),
                _ => bail!("the workspace's `{name}` is neither a version nor a table"),
            };
            if let Some(optional) = dep.get("optional") {
                merged.insert("optional".into(), optional.clone());
            }
            if let Some(toml::Value::Array(extra)) = dep.get("features") {
                let mut features = match merged.remove("features") {
                    Some(toml::Value::Array(f)) => f,
                    _ => Vec::new(),
                };
                for f in extra {
                    if !features.contains(f) {
                        features.push(f.clone());
                    }
                }
                merged.insert("features".into(), toml::Value::Array(features));
            }
            *dep = toml::Value::Table(merged);
        }
    }
    for dropped in ["lints", "dev-dependencies", "test", "bench", "example"] {
        crate_manifest.remove(dropped);
    }
    if let Some(package) = crate_manifest
        .get_mut("package")
        .and_then(toml::Value::as_table_mut)
    {
        for auto in ["autotests", "autobenches", "autoexamples"] {
            package.insert(auto.into(), toml::Value::Boolean(false));
        }
    }
    let mut text = String::from(
        "# @generated by `cargo xtask codegen`: a copy of this repository's runtime/.\n",
    );
    text.push_str(&toml::to_string(&crate_manifest).context("writing the runtime manifest")?);
    Ok(text)
}

/// Every file below `dir`, relative, `/`-separated, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out)?;
    }
    out.sort();
    Ok(out)
}

/// What differs between `files` and `out_dir`. A file the cache served unchanged (`read_back`)
/// was read from `out_dir` when the cache was loaded, and is not read again.
fn compare(out_dir: &Path, files: &[OutputFile], read_back: &TakenFiles) -> Result<Outcome> {
    let existing = list_files(out_dir)?;
    let wanted: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    // (file, whether it is new) for each file that differs from what is on disk.
    let differ: Vec<(&OutputFile, bool)> = files
        .par_iter()
        .filter(|f| !read_back.read_as(&f.path, &f.contents))
        .filter_map(|f| match fs::read(out_dir.join(&f.path)) {
            Ok(bytes) if bytes == f.contents.as_bytes() => None,
            Ok(_) => Some((f, false)),
            Err(_) => Some((f, true)),
        })
        .collect();
    let unchanged = files.len() - differ.len();
    let added = differ.iter().filter(|(_, new)| *new).count();
    let changed = differ.into_iter().map(|(f, _)| f.clone()).collect();
    // The API change, by the public API listing (empty when there was none before).
    let old_listing = fs::read_to_string(out_dir.join(api_listing::PATH)).unwrap_or_default();
    let new_listing = wanted.get(api_listing::PATH).copied().unwrap_or_default();
    let api = api_listing::compare(&old_listing, new_listing);
    let removed = existing
        .into_iter()
        .filter(|p| !wanted.contains_key(p.as_str()))
        .collect();
    Ok(Outcome {
        out_dir: out_dir.to_path_buf(),
        changed,
        removed,
        unchanged,
        added,
        api,
        reused: 0,
    })
}

/// The staging folder and the aside folder of an output folder: `.NAME.new`, `.NAME.old`.
fn swap_paths(out_dir: &Path) -> (PathBuf, PathBuf) {
    let parent = out_dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = out_dir
        .file_name()
        .map_or_else(|| "generated".into(), |n| n.to_string_lossy().into_owned());
    (
        parent.join(format!(".{name}.new")),
        parent.join(format!(".{name}.old")),
    )
}

/// Before anything is compared or written: put back an output tree that an interrupted swap
/// left aside, refuse to replace what codegen did not write, and check that the output folder
/// can be created.
pub(crate) fn prepare_out_dir(out_dir: &Path) -> Result<()> {
    let (staging, old) = swap_paths(out_dir);
    if !out_dir.exists() && old.is_dir() {
        // A run was stopped between its two renames: the old tree is complete, put it back.
        fs::rename(&old, out_dir).with_context(|| {
            format!(
                "restoring {} from {} (left by an interrupted run)",
                out_dir.display(),
                old.display()
            )
        })?;
        eprintln!(
            "note: restored {} from {}, left by an interrupted run",
            out_dir.display(),
            old.display()
        );
    }
    if let Some(file) = out_dir
        .ancestors()
        .skip(1)
        .find(|a| a.exists())
        .filter(|a| !a.is_dir())
    {
        bail!(
            "cannot create output folder {}: {} is a file, not a folder",
            out_dir.display(),
            file.display()
        );
    }
    // What a killed run left: a staging folder, or an old tree already replaced.
    for leftover in [&staging, &old] {
        if leftover.is_dir() && (leftover == &staging || out_dir.exists()) {
            fs::remove_dir_all(leftover)
                .with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    if out_dir.exists() {
        if !out_dir.is_dir() {
            bail!(
                "output {} is a file, not a folder; nothing was written",
                out_dir.display()
            );
        }
        let generated = fs::read_to_string(out_dir.join("Cargo.toml"))
            .is_ok_and(|t| t.starts_with("# @generated"));
        let empty = fs::read_dir(out_dir)
            .with_context(|| format!("listing {}", out_dir.display()))?
            .next()
            .is_none();
        if !generated && !empty {
            bail!(
                "refusing to replace {}: it is not empty and was not written by codegen \
                 (no @generated Cargo.toml); pass an empty or new folder to --out",
                out_dir.display()
            );
        }
    }
    Ok(())
}

/// A test hook: `GRAPH_CODEGEN_FAIL_AFTER_FILES=N` makes staging fail after N files, and
/// `GRAPH_CODEGEN_PANIC_AFTER_FILES=N` panic, as a full disk or a bug would.
fn injected_failure(written: usize) -> Result<()> {
    let limit = |var: &str| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if limit("GRAPH_CODEGEN_PANIC_AFTER_FILES").is_some_and(|n| written >= n) {
        panic!("GRAPH_CODEGEN_PANIC_AFTER_FILES: simulated crash after {written} files");
    }
    if limit("GRAPH_CODEGEN_FAIL_AFTER_FILES").is_some_and(|n| written >= n) {
        bail!("GRAPH_CODEGEN_FAIL_AFTER_FILES: simulated write failure after {written} files");
    }
    Ok(())
}

/// Removes the staging folder when dropped, also when a panic unwinds through `swap_in`.
struct Staging<'a>(&'a Path);

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = fs::remove_dir_all(self.0);
        }
    }
}

/// Stage the new tree beside the old one and swap it in.
fn swap_in(out_dir: &Path, files: &[OutputFile], outcome: &Outcome) -> Result<()> {
    let (staging, old) = swap_paths(out_dir);
    if let Some(parent) = staging.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)
                .with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    let _guard = Staging(&staging);
    let changed: std::collections::BTreeSet<&str> =
        outcome.changed.iter().map(|f| f.path.as_str()).collect();
    let stage = || -> Result<()> {
        for (written, f) in files.iter().enumerate() {
            injected_failure(written)?;
            let target = staging.join(&f.path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            let current = out_dir.join(&f.path);
            if !changed.contains(f.path.as_str()) && fs::hard_link(&current, &target).is_ok() {
                continue;
            }
            fs::write(&target, &f.contents)
                .with_context(|| format!("writing {}", target.display()))?;
        }
        Ok(())
    };
    if let Err(e) = stage() {
        return Err(e.context(format!(
            "writing the new tree failed; {} was left as it was",
            out_dir.display()
        )));
    }
    if out_dir.exists() {
        fs::rename(out_dir, &old).with_context(|| format!("moving {} aside", out_dir.display()))?;
    }
    if let Err(e) = fs::rename(&staging, out_dir) {
        // Put the old tree back.
        let _ = fs::rename(&old, out_dir);
        return Err(
            anyhow::Error::new(e).context(format!("swapping in the new {}", out_dir.display()))
        );
    }
    if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_files_and_items() {
        let file = |path: &str| OutputFile {
            path: path.into(),
            contents: String::new(),
        };
        let outcome = Outcome {
            out_dir: PathBuf::from("generated"),
            changed: vec![file("a"), file("b"), file("c")],
            removed: Vec::new(),
            unchanged: 7,
            added: 1,
            api: ListingChanges {
                added: 2,
                removed: 0,
                changed: 1,
            },
            reused: 0,
        };
        assert_eq!(
            outcome.summary(),
            "3 files written (1 added, 2 changed, 0 removed); API: 2 items added, 0 removed, 1 changed"
        );
        let reused = Outcome {
            reused: 1,
            ..outcome
        };
        assert!(
            reused
                .summary()
                .ends_with("1 changed; 1 file reused from the last run's cache"),
            "{}",
            reused.summary()
        );
    }

    /// rust-analyzer's pattern: the test suite fails when `generated/` is stale. Every file is
    /// printed: the guard does not lean on the cache of printed files.
    #[test]
    fn generated_is_fresh() {
        let outcome = run(&Options {
            check: true,
            no_cache: true,
            docs_root: None,
            docs: None,
            out: None,
            version: None,
        })
        .expect("codegen runs");
        assert!(
            outcome.is_fresh(),
            "generated/ is stale: run `cargo xtask codegen` and commit the result.\n{}",
            outcome.diff(200)
        );
    }
}
