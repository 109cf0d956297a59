//! Every typed example body of the 2021-07 docs (both API versions), read as its type by the
//! generated SDK in process and written back: at least 99 % of the valid bodies must come back
//! equal (`generator::check::examples::compare`). `cargo xtask examples` runs the same cases through
//! the crate's `roundtrip` example and prints the same figures.
//!
//! The SDK keeps a value that does not match its property's documented type untyped (among the
//! model's additional properties), so such a value round-trips too. The strict figures
//! (`graph_rt::strict`: such a value fails its body) are printed beside them: they show how
//! much of the docs' examples the SDK's types actually read (`cargo xtask examples --strict`).

use generator::check::examples::Tally;
use generator::{Api, DocsTree};

const MIN_PASS_RATE: f64 = 0.99;

const VERSIONS: [&str; 2] = ["v1.0", "beta"];

fn read(version: &str) -> Api {
    let dir = sdk_tests::pinned_docs(version);
    let tree = DocsTree::load(&dir)
        .unwrap_or_else(|e| panic!("the pinned docs at {}: {e}", dir.display()));
    generator::read_tree(&tree)
}

#[test]
fn example_bodies_round_trip() {
    // As in `corpus_requests`: reading bodies into `Any…` enums of hundreds of variants (in an
    // unoptimized build) needs more than a test thread's 2 MB of stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(round_trip_every_body)
        .expect("a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

fn round_trip_every_body() {
    let mut total = Tally::default();
    let mut strict_total = Tally::default();
    let mut report = String::new();
    let mut strict_report = String::from("strict (a value of the wrong type fails its body):\n");
    for version in VERSIONS {
        let api = read(version);
        let roundtrip = sdk_tests::registry(version).expect("both versions are built");
        let (tally, _) = sdk_tests::run(&api, version, roundtrip, false);
        report.push_str(&sdk_tests::describe(version, &tally, 10));
        assert!(tally.seen() > 1000, "{version}: too few bodies\n{report}");
        total.merge(&tally);

        let (strict, _) = sdk_tests::run(&api, version, roundtrip, true);
        strict_report.push_str(&sdk_tests::describe(version, &strict, 10));
        assert_eq!(
            strict.valid(),
            tally.valid(),
            "strictness changes no reason"
        );
        strict_total.merge(&strict);
    }
    report.push_str(&format!("examples: {}\n", total.summary()));
    strict_report.push_str(&format!("examples: {}\n", strict_total.summary()));
    println!("{strict_report}\n{report}");
    assert!(total.valid() > 3000, "too few valid bodies\n{report}");
    let rate = sdk_tests::pass_rate(&total);
    assert!(
        rate >= MIN_PASS_RATE,
        "{:.2} % of the valid example bodies round-trip, below {:.0} % (figures above)",
        rate * 100.0,
        MIN_PASS_RATE * 100.0
    );
}
