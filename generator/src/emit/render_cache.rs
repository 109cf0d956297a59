//! Printed files remembered from the last run, so that a run re-prints only the files whose
//! tokens changed. Printing (`syn` parsing the tokens back, `prettyplease`, the listing's
//! summary) is most of what emitting costs; after a docs change most files' tokens are as the
//! last run made them.
//!
//! A file is taken from the cache only when everything its printed text depends on is as it was:
//! its path, its header's sources, its tokens (hashed as they print: every identifier, literal,
//! punctuation's spacing and delimiter; the emitter makes no invisible groups, which print as
//! their contents), the printing code of this generator (`RENDER_CODE`) and the caller's `salt`
//! (the versions of `syn` and `prettyplease`: the workspace's `Cargo.lock`). The cache stores
//! digests and the listing's summaries; the printed text itself is the file on disk, which the
//! caller reads back and which must hash as the run that printed it recorded. A file edited by
//! hand, a missing file, another generator or a damaged cache file each mean: print it again.
//! The emitter never reads files; the caller loads and saves the cache ([`RenderCache::load`],
//! [`RenderCache::to_json`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Mutex;

use proc_macro2::TokenStream;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::emit::api_listing::ModSummary;

/// The code that turns tokens into a file's text and its listing summary: a change to it
/// invalidates every entry.
const RENDER_CODE: [&str; 3] = [
    include_str!("render.rs"),
    include_str!("api_listing.rs"),
    include_str!("render_cache.rs"),
];

/// A 128-bit XXH3 hash, written as 32 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Digest(u128);

impl Digest {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }

    fn parse(hex: &str) -> Option<Self> {
        if hex.len() != 32 {
            return None;
        }
        u128::from_str_radix(hex, 16).ok().map(Digest)
    }
}

/// Makes a [`Digest`]; takes text through `fmt::Write`, so that a token stream is hashed as it
/// prints without building the string.
struct DigestWriter(Xxh3);

impl DigestWriter {
    fn new() -> Self {
        DigestWriter(Xxh3::new())
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// A length-prefixed field, so that fields cannot run into each other.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    fn finish(&self) -> Digest {
        Digest(self.0.digest128())
    }
}

impl fmt::Write for DigestWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

/// The digest of a file's text.
pub(crate) fn digest_of(text: &str) -> Digest {
    let mut w = DigestWriter::new();
    w.bytes(text.as_bytes());
    w.finish()
}

/// One printed file as the cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEntry {
    /// The digest of what the file was printed from ([`RenderCache::key`]).
    key: String,
    /// The digest of the printed text.
    text: String,
    summary: Option<ModSummary>,
}

/// The cache file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// The digest of the printing code and the salt that the entries were made with.
    code: String,
    /// By path.
    files: BTreeMap<String, StoredEntry>,
}

/// A printed file as the cache knows it: what it was printed from, its text's digest and its
/// summary; the text itself when the cache was loaded (read back from disk).
#[derive(Debug)]
struct Entry {
    key: Digest,
    text: Option<String>,
    text_digest: Digest,
    summary: Option<ModSummary>,
}

/// What a run records of a file it printed or reused, for the next run.
pub(crate) struct Printed {
    pub key: Digest,
    pub text_digest: Digest,
}

/// The printed files of the last run (empty by default: print everything), or of this run, to
/// be saved for the next one.
#[derive(Debug, Default)]
pub struct RenderCache {
    /// `RENDER_CODE` and the salt.
    code: Option<Digest>,
    /// By path. A file taken by a run leaves the cache (each file is printed once a run).
    entries: Mutex<HashMap<String, Entry>>,
    /// The digests of the files taken, by path.
    taken: Mutex<HashMap<String, Digest>>,
}

/// The files a run took from a loaded cache. Their text was read back from the output folder
/// when the cache was loaded and checked against its digest then; comparing the output with
/// the folder need not read them again.
#[derive(Debug, Default)]
pub struct TakenFiles(HashMap<String, Digest>);

impl TakenFiles {
    /// Whether `contents` is the text that was read from `path` when the cache was loaded.
    pub fn read_as(&self, path: &str, contents: &str) -> bool {
        self.0.get(path).is_some_and(|d| *d == digest_of(contents))
    }
}

impl RenderCache {
    /// An empty cache whose entries depend on `salt` besides the printing code (the caller's
    /// `Cargo.lock`, which pins `syn` and `prettyplease`).
    pub fn new(salt: &[u8]) -> Self {
        let mut w = DigestWriter::new();
        for code in RENDER_CODE {
            w.field(code.as_bytes());
        }
        w.field(salt);
        RenderCache {
            code: Some(w.finish()),
            ..RenderCache::default()
        }
    }

    /// The cache saved by [`to_json`](Self::to_json), keeping the entries whose printed text
    /// `read(path)` gives back unchanged. Anything unreadable (another format, another
    /// generator) gives an empty cache: the run prints everything, as without one.
    pub fn load(salt: &[u8], json: &str, read: impl Fn(&str) -> Option<String> + Sync) -> Self {
        use rayon::prelude::*;
        let cache = RenderCache::new(salt);
        let Ok(stored) = serde_json::from_str::<Stored>(json) else {
            return cache;
        };
        if cache.code.map(Digest::hex).as_deref() != Some(stored.code.as_str()) {
            return cache;
        }
        let entries = stored
            .files
            .into_par_iter()
            .filter_map(|(path, e)| {
                let key = Digest::parse(&e.key)?;
                let text = read(&path)?;
                let text_digest = digest_of(&text);
                (text_digest.hex() == e.text).then_some((
                    path,
                    Entry {
                        key,
                        text: Some(text),
                        text_digest,
                        summary: e.summary,
                    },
                ))
            })
            .collect();
        RenderCache {
            entries: Mutex::new(entries),
            ..cache
        }
    }

    /// The cache as the next run loads it.
    pub fn to_json(&self) -> String {
        let entries = self.entries();
        let stored = Stored {
            code: self.code.map(Digest::hex).unwrap_or_default(),
            files: entries
                .iter()
                .map(|(path, e)| {
                    (
                        path.clone(),
                        StoredEntry {
                            key: e.key.hex(),
                            text: e.text_digest.hex(),
                            summary: e.summary.clone(),
                        },
                    )
                })
                .collect(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A worker that panicked holding the lock cannot have left an entry half-made.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many files the cache holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many files the runs given this cache took from it instead of printing them.
    pub fn hits(&self) -> usize {
        self.taken_files().len()
    }

    /// The files the runs given this cache took from it (see [`TakenFiles`]).
    pub fn taken(&self) -> TakenFiles {
        TakenFiles(self.taken_files().clone())
    }

    fn taken_files(&self) -> std::sync::MutexGuard<'_, HashMap<String, Digest>> {
        // As `entries`: an insert cannot be left half-made.
        self.taken.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the file at `path` is printed from; `None` without a cache (nothing to compare with).
    pub(crate) fn key(
        &self,
        path: &str,
        sources: &[String],
        tokens: &TokenStream,
    ) -> Option<Digest> {
        let code = self.code?;
        let mut w = DigestWriter::new();
        w.field(code.hex().as_bytes());
        w.field(path.as_bytes());
        for s in sources {
            w.field(s.as_bytes());
        }
        w.bytes(b"tokens");
        fmt::write(&mut w, format_args!("{tokens}")).ok()?;
        Some(w.finish())
    }

    /// The text, its digest and the summary printed last time from what has `key` now; taken
    /// out of the cache.
    pub(crate) fn take(
        &self,
        path: &str,
        key: Digest,
    ) -> Option<(String, Digest, Option<ModSummary>)> {
        let mut entries = self.entries();
        if entries
            .get(path)
            .is_none_or(|e| e.key != key || e.text.is_none())
        {
            return None;
        }
        let e = entries.remove(path)?;
        self.taken_files().insert(path.to_string(), e.text_digest);
        Some((e.text?, e.text_digest, e.summary))
    }

    /// The cache of a run: the same code and salt, the files it printed or reused.
    pub(crate) fn next(
        &self,
        printed: impl IntoIterator<Item = (String, Printed, Option<ModSummary>)>,
    ) -> RenderCache {
        let entries = printed
            .into_iter()
            .map(|(path, p, summary)| {
                let entry = Entry {
                    key: p.key,
                    text: None,
                    text_digest: p.text_digest,
                    summary,
                };
                (path, entry)
            })
            .collect();
        RenderCache {
            code: self.code,
            entries: Mutex::new(entries),
            taken: Mutex::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_as_hex() {
        let d = digest_of("some text");
        assert_eq!(Digest::parse(&d.hex()), Some(d));
        assert_ne!(digest_of("some text"), digest_of("some text "));
        assert_eq!(Digest::parse("xyz"), None);
    }

    #[test]
    fn keys_follow_path_sources_tokens_and_salt() {
        let cache = RenderCache::new(b"lock 1");
        let tokens = quote::quote! { pub struct A; };
        let key = |c: &RenderCache, path: &str, sources: &[String], t: &TokenStream| {
            c.key(path, sources, t).expect("a cache has keys")
        };
        let base = key(&cache, "src/a.rs", &[], &tokens);
        assert_eq!(
            base,
            key(&cache, "src/a.rs", &[], &quote::quote! { pub struct A; })
        );
        assert_ne!(base, key(&cache, "src/b.rs", &[], &tokens));
        assert_ne!(base, key(&cache, "src/a.rs", &["x.md".into()], &tokens));
        assert_ne!(
            base,
            key(&cache, "src/a.rs", &[], &quote::quote! { pub struct B; })
        );
        assert_ne!(
            base,
            key(&RenderCache::new(b"lock 2"), "src/a.rs", &[], &tokens)
        );
        assert!(RenderCache::default()
            .key("src/a.rs", &[], &tokens)
            .is_none());
    }

    #[test]
    fn a_loaded_entry_needs_the_same_text_on_disk() {
        let cache = RenderCache::new(b"salt");
        let tokens = quote::quote! { pub struct A; };
        let key = cache.key("src/a.rs", &[], &tokens).expect("key");
        let printed = Printed {
            key,
            text_digest: digest_of("text"),
        };
        let next = cache.next([("src/a.rs".to_string(), printed, None)]);
        assert!(
            next.take("src/a.rs", key).is_none(),
            "a run's cache has no text to give"
        );
        let json = next.to_json();
        let same = RenderCache::load(b"salt", &json, |_| Some("text".into()));
        assert!(same.take("src/b.rs", key).is_none());
        assert_eq!(same.hits(), 0);
        assert_eq!(
            same.take("src/a.rs", key).map(|(t, _, _)| t).as_deref(),
            Some("text")
        );
        assert_eq!(same.hits(), 1);
        assert!(same.take("src/a.rs", key).is_none(), "taken once");
        // What was taken is known to be on disk as read, and nothing else.
        let taken = same.taken();
        assert!(taken.read_as("src/a.rs", "text"));
        assert!(!taken.read_as("src/a.rs", "text, edited"));
        assert!(!taken.read_as("src/b.rs", "text"));
        let edited = RenderCache::load(b"salt", &json, |_| Some("text, edited".into()));
        assert!(edited.take("src/a.rs", key).is_none());
        let missing = RenderCache::load(b"salt", &json, |_| None);
        assert!(missing.is_empty());
        let other_salt = RenderCache::load(b"other", &json, |_| Some("text".into()));
        assert!(other_salt.is_empty());
        let damaged = RenderCache::load(b"salt", &json[..json.len() / 2], |_| Some("text".into()));
        assert!(damaged.is_empty());
    }
}

/// A run with the last run's cache prints what a run without one prints, reusing the files
/// whose tokens did not change.
#[cfg(test)]
mod run_tests {
    use super::RenderCache;
    use crate::emit::{emit_crate, emit_crate_cached, CrateOptions, OutputFile, Version};

    fn sample_pages() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input/sample");
        let mut pages = Vec::new();
        for dir in ["api", "resources"] {
            let entries = std::fs::read_dir(root.join(dir)).expect("the sample pages");
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).expect("a page");
                pages.push((
                    format!("{dir}/{}", entry.file_name().to_string_lossy()),
                    text,
                ));
            }
        }
        pages.sort();
        assert!(pages.len() > 10, "{} sample pages", pages.len());
        pages
    }

    fn options() -> CrateOptions {
        CrateOptions {
            package: "graph-sdk".into(),
            version: "0.1.0".into(),
            runtime_path: "../runtime".into(),
            runtime_version: "0.1.0".into(),
            standalone: false,
        }
    }

    fn emit(pages: &[(String, String)], cache: &RenderCache) -> (Vec<OutputFile>, RenderCache) {
        let api = crate::read_pages(pages);
        let versions = [Version {
            name: "beta",
            api: &api,
        }];
        let cached = emit_crate_cached(&versions, &options(), cache).expect("emits");
        let printed = emit_crate(&versions, &options()).expect("emits");
        assert!(cached.0 == printed, "the cached run printed other files");
        cached
    }

    #[test]
    fn a_docs_change_reprints_only_the_files_it_changes() {
        let pages = sample_pages();
        let fresh = RenderCache::new(b"salt");
        let (first, cache) = emit(&pages, &fresh);
        assert_eq!(fresh.hits(), 0);
        let printed = cache.len();
        assert!(printed > 20, "{printed} files in the cache");

        // Unchanged docs: every printed file is reused, through the saved form of the cache.
        let by_path = |files: &[OutputFile], path: &str| {
            files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.contents.clone())
        };
        let loaded = RenderCache::load(b"salt", &cache.to_json(), |p| by_path(&first, p));
        assert_eq!(loaded.len(), printed);
        let (second, again) = emit(&pages, &loaded);
        assert_eq!(loaded.hits(), printed);

        // One property's description changes: the widget's file is printed again, with the
        // files that repeat the description; the rest are reused.
        let mut edited = pages.clone();
        let widget = edited
            .iter_mut()
            .find(|(path, _)| path == "resources/widget.md")
            .expect("the widget page");
        widget.1 = widget.1.replace(
            "A description of the widget. Optional.",
            "What the widget is for. Optional.",
        );
        let reloaded = RenderCache::load(b"salt", &again.to_json(), |p| by_path(&second, p));
        let (after, _) = emit(&edited, &reloaded);
        let changed: Vec<&str> = after
            .iter()
            .filter(|f| by_path(&first, &f.path).as_deref() != Some(f.contents.as_str()))
            .map(|f| f.path.as_str())
            .collect();
        assert!(changed.contains(&"src/beta/widget.rs"), "{changed:?}");
        let reprinted = printed - reloaded.hits();
        let rust_changed = changed.iter().filter(|p| p.ends_with(".rs")).count();
        assert_eq!(
            reprinted, rust_changed,
            "reprinted {reprinted}, changed {changed:?}"
        );
    }
}
