//! Helpers of the hand-written tests of the generated SDK (`tests/`): the docs' example bodies
//! read and written back in process, through `registry::roundtrip` of each API version, judged
//! by the same code as `cargo xtask examples` (`generator::check::examples`).

use std::path::{Path, PathBuf};

use generator::check::examples::{self, Case, Outcome, Reason, Tally, Verdict};
use generator::Api;
use graph_rt::Value;

/// `registry::roundtrip` of one API version module.
pub type Roundtrip = fn(&str, Value) -> Option<Result<Value, graph_rt::Error>>;

/// The `registry::roundtrip` of an API version name (`v1.0`, `beta`), when this build has it.
pub fn registry(version: &str) -> Option<Roundtrip> {
    match version {
        "v1.0" => Some(graph_sdk::v1_0::registry::roundtrip),
        "beta" => Some(graph_sdk::beta::registry::roundtrip),
        _ => None,
    }
}

/// The pinned docs of an API version (`v1.0`, `beta`): `docs-input/api-reference/<version>`.
pub fn pinned_docs(version: &str) -> PathBuf {
    workspace().join("docs-input/api-reference").join(version)
}

/// `../shared/<rel>` beside the checkout (the seed page, the 2018-04 corpora). `None`, with a
/// line saying the test is skipped, on a machine without it; under CI (`CI` set), where it must
/// exist, a missing one panics.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = workspace().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing: CI lays ../shared beside the checkout, and these tests need it",
            path.display()
        );
    }
    eprintln!(
        "skipped: {} is not beside this checkout (CI has it)",
        path.display()
    );
    None
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every example body of `api` read as its type by `roundtrip` and judged. With `strict`, the
/// SDK reads inside `graph_rt::strict`: a value that does not match its property's documented
/// type is an error instead of being kept untyped.
pub fn run(
    api: &Api,
    version: &str,
    roundtrip: Roundtrip,
    strict: bool,
) -> (Tally, Vec<(Case, Verdict)>) {
    let mut tally = Tally::default();
    let mut results = Vec::new();
    for case in examples::cases(api, version) {
        let outcomes: Vec<Outcome> = if case.skip.is_some() {
            Vec::new()
        } else {
            case.items
                .iter()
                .map(|item| {
                    let json = case.item_json(item).cloned().unwrap_or(Value::Null);
                    let type_name = item.type_name.as_deref().unwrap_or("");
                    let run = || roundtrip(type_name, json);
                    Outcome::of(if strict { graph_rt::strict(run) } else { run() })
                })
                .collect()
        };
        let verdict = examples::judge(&case, &outcomes);
        tally.add(&case, &verdict);
        results.push((case, verdict));
    }
    (tally, results)
}

/// The figures of a tally: counts by reason, then the `top` most common failures.
pub fn describe(name: &str, tally: &Tally, top: usize) -> String {
    let mut out = format!("{name}: {}\n", tally.summary());
    for reason in Reason::ALL {
        out.push_str(&format!(
            "{:>7}  {}\n",
            tally.count(reason),
            reason.describe()
        ));
    }
    for (group, n, example) in tally.top_failures(top) {
        out.push_str(&format!("{n:>7}  {group}\n           e.g. {example}\n"));
    }
    out
}

/// `passed / valid`.
pub fn pass_rate(tally: &Tally) -> f64 {
    tally.passed() as f64 / tally.valid().max(1) as f64
}
