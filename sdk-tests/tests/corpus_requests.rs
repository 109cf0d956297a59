//! Every example request of the 2021-07 docs (both API versions) built by the typed builders of
//! its route, sent by the real client to a loopback server that answers with the example's
//! response, and judged (`generator::check::requests`): the server must receive the example's
//! method, path, query and body, and the client must read the response into the generated
//! type and write it back equal. At least 95 % of the buildable examples must pass: valid
//! JSON, and a URL that matches a request line the docs document (of its page, else of the
//! version); and at least 90 % of all examples with valid JSON (some URLs match no documented
//! request line: `/me/…` where the pages document `/users/{id}/…`). `cargo xtask examples`
//! runs the same cases through the crate's `requests` example and prints the same figures.

use generator::check::requests::{self as request_examples, RequestTally};
use generator::DocsTree;
use graph_rt::testing::Runner;

const MIN_PASS_RATE: f64 = 0.95;
const MIN_PASS_RATE_OF_VALID: f64 = 0.90;

const VERSIONS: [&str; 2] = ["v1.0", "beta"];

fn dispatch(
    version: &str,
    route: &str,
    args: &mut graph_rt::CallArgs,
) -> Option<Result<graph_rt::ErasedRequest, graph_rt::Error>> {
    match version {
        "v1.0" => graph_sdk_dispatch::v1_0::requests::dispatch::dispatch(route, args),
        "beta" => graph_sdk_dispatch::beta::requests::dispatch::dispatch(route, args),
        _ => None,
    }
}

#[test]
fn example_requests_are_built_sent_and_read() {
    // Reading ~7,000 responses into `Any…` enums of hundreds of variants (`AnyEntity`, now that
    // every keyed type derives from `entity`) needs more than a test thread's 2 MB of stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(run_every_example)
        .expect("a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

fn run_every_example() {
    let runner = Runner::new().expect("loopback server and client");
    let mut report = String::new();
    let mut total = RequestTally::default();
    for version in VERSIONS {
        let dir = sdk_tests::pinned_docs(version);
        let tree = DocsTree::load(&dir)
            .unwrap_or_else(|e| panic!("the pinned docs at {}: {e}", dir.display()));
        let api = generator::read_tree(&tree);
        let mut tally = RequestTally::default();
        for case in request_examples::cases(&api, version) {
            if case.skip.is_some() {
                tally.add(&case, None);
                continue;
            }
            let sent = runner.run(&case.input(0, version), |route, args| {
                dispatch(version, route, args)
            });
            let verdict = request_examples::judge(&case, &sent);
            tally.add(&case, Some(&verdict));
        }
        report.push_str(&format!(
            "requests {version}: {} ({} with valid JSON)\n",
            tally.summary(),
            tally.valid
        ));
        for (group, n, example) in tally.top_failures(usize::MAX) {
            report.push_str(&format!("{n:>7}  {group}\n           e.g. {example}\n"));
        }
        assert!(
            tally.buildable > 1000,
            "{version}: too few requests\n{report}"
        );
        let rate = tally.passed as f64 / tally.buildable as f64;
        assert!(
            rate >= MIN_PASS_RATE,
            "{version}: {:.2} % of the buildable example requests pass, below {:.0} %\n{report}",
            rate * 100.0,
            MIN_PASS_RATE * 100.0
        );
        let rate = tally.passed as f64 / tally.valid as f64;
        assert!(
            rate >= MIN_PASS_RATE_OF_VALID,
            "{version}: {:.2} % of the valid example requests pass, below {:.0} %\n{report}",
            rate * 100.0,
            MIN_PASS_RATE_OF_VALID * 100.0
        );
        total.merge(&tally);
    }
    println!("{report}requests: {}", total.summary());
}
