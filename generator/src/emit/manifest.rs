//! The cargo manifests of the generated crates: `graph-sdk-api` (the models and request
//! builders, on `graph-rt-core`: no HTTP), in its `sdk/` folder `graph-sdk` (what users depend
//! on: that crate and the client of `graph-rt`, with the same features) and, in its `dispatch/`
//! folder, `graph-sdk-dispatch` (every operation by its route, for the example-driven tests;
//! never published).
//!
//! Why two crates: a crate compiles once every crate it depends on has been checked. The
//! generated code is the largest crate of a program; on `graph-rt-core` alone it compiles while
//! reqwest, hyper and rustls do, instead of after them.

use std::fmt::Write as _;

use crate::emit::workloads::{Workload, SHARED};
use crate::emit::{render, CrateOptions, Version};

/// The workloads a dependency with default features compiles (with the first API version):
/// what most programs start with (users, mail and calendars), within the build budget the
/// README states (a cold build of a program with the defaults in about a minute and 1 GB;
/// `groups` and `files` as well took 64 s).
pub(crate) const DEFAULT_WORKLOADS: &[Workload] = &[Workload::Mail, Workload::Users];

/// The features docs.rs documents: every version and every workload (`cargo doc` of that,
/// measured: 2 min 8 s and 3.7 GB, within docs.rs's 15 min and 6.4 GB).
fn docs_rs_features(versions: &[Version<'_>]) -> Vec<String> {
    let mut out: Vec<String> = versions.iter().map(Version::module).collect();
    out.push("full".into());
    out
}

fn quoted<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A workload's feature list: the shared workload (and, in a crate that forwards its features,
/// the same feature of `forward`).
fn workload_list(workload: Workload, forward: Option<&str>) -> String {
    let mut items: Vec<String> = forward
        .map(|f| format!("{f}/{workload}"))
        .into_iter()
        .collect();
    if workload != SHARED {
        items.push(SHARED.to_string());
    }
    quoted(items)
}

/// The package name of the crate of models and request builders.
pub(crate) fn api_package(options: &CrateOptions) -> String {
    format!("{}-api", options.package)
}

/// The folder of the crate users depend on, below the generated crate.
pub(crate) const FACADE_DIR: &str = "sdk/";

/// The generated crate's `Cargo.toml`: `graph-sdk-api`, the models and request builders.
pub(crate) fn api(versions: &[Version<'_>], options: &CrateOptions) -> String {
    let mut out = render::header("#", &[]);
    let modules: Vec<String> = versions.iter().map(Version::module).collect();
    let names: Vec<&str> = versions.iter().map(|v| v.name).collect();
    let _ = write!(
        out,
        "\n[package]\nname = \"{api}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         license = \"MIT OR Apache-2.0\"\n\
         description = \"The models, enums and request builders of {package} (Microsoft Graph \
         {names}), generated from the Graph reference docs. Depend on {package}, which adds the \
         client.\"\n\
         documentation = \"https://docs.rs/{package}\"\nreadme = \"README.md\"\n\
         keywords = [\"microsoft-graph\", \"graph\", \"office365\", \"intune\", \"sdk\"]\n\
         categories = [\"api-bindings\"]\n\
         # What a build needs: the sources and the README (the API listing, the crate users\n\
         # depend on and the test-only dispatch crate are packaged apart or not at all).\n\
         include = [\"Cargo.toml\", \"README.md\", \"src/**/*.rs\"]\n\n\
         [package.metadata.docs.rs]\n\
         # Every version and workload: about 2 minutes and 4 GB of docs.rs's limits.\n\
         features = [{docs_rs}]\n\
         no-default-features = true\n\
         targets = [\"x86_64-unknown-linux-gnu\"]\n\n\
         [dependencies]\n\
         # The runtime without HTTP, under the name the generated code uses.\n\
         graph_rt = {{ package = \"graph-rt-core\", path = \"{rt}/core\", version = \"{rt_version}\" }}\n\n\
         [features]\n",
        api = api_package(options),
        package = options.package,
        version = options.version,
        names = names.join(", "),
        docs_rs = quoted(docs_rs_features(versions)),
        rt = options.runtime_path,
        rt_version = options.runtime_version,
    );
    out.push_str(
        "# A feature per API version and per workload; a type is compiled when both are on, an\n\
         # operation with the workloads of its types (or of its path, for shared types).\n\
         # Every workload turns on `core`, the types several workloads share.\n",
    );
    feature_lines(&mut out, default_features(&modules), &modules, None);
    if options.standalone {
        out.push_str("\n[workspace]\nmembers = [\"dispatch\", \"sdk\"]\n");
    }
    out
}

/// The `[features]` lines: `default`, `full`, one per API version and one per workload; each
/// version and workload also turns on the same feature of `forward` (a dependency's name).
fn feature_lines(
    out: &mut String,
    default: Vec<String>,
    modules: &[String],
    forward: Option<&str>,
) {
    let _ = writeln!(out, "default = [{}]", quoted(default));
    let _ = writeln!(
        out,
        "full = [{}]",
        quoted(Workload::ALL.iter().map(|w| w.feature()))
    );
    for m in modules {
        let own = forward.map(|f| format!("{f}/{m}"));
        let _ = writeln!(out, "{m} = [{}]", quoted(own));
    }
    for w in Workload::ALL {
        let _ = writeln!(out, "{w} = [{}]", workload_list(w, forward));
    }
}

/// The first version and the default workloads.
fn default_features(modules: &[String]) -> Vec<String> {
    modules
        .iter()
        .take(1)
        .cloned()
        .chain(DEFAULT_WORKLOADS.iter().map(|w| w.to_string()))
        .collect()
}

/// `sdk/Cargo.toml`: `graph-sdk`, what users depend on: the models and request builders of
/// `graph-sdk-api` and the client of `graph-rt`, with `graph-sdk-api`'s features.
pub(crate) fn facade(versions: &[Version<'_>], options: &CrateOptions) -> String {
    let mut out = render::header("#", &[]);
    let modules: Vec<String> = versions.iter().map(Version::module).collect();
    let names: Vec<&str> = versions.iter().map(|v| v.name).collect();
    let api = api_package(options);
    let _ = write!(
        out,
        "\n[package]\nname = \"{package}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         license = \"MIT OR Apache-2.0\"\n\
         description = \"Microsoft Graph for Rust ({names}): typed models, enums and request \
         builders, generated from the Graph reference docs, and an async client.\"\n\
         documentation = \"https://docs.rs/{package}\"\nreadme = \"README.md\"\n\
         keywords = [\"microsoft-graph\", \"graph\", \"office365\", \"intune\", \"sdk\"]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n\
         include = [\"Cargo.toml\", \"README.md\", \"src/**/*.rs\"]\n\n\
         [package.metadata.docs.rs]\n\
         features = [{docs_rs}]\n\
         no-default-features = true\n\
         targets = [\"x86_64-unknown-linux-gnu\"]\n\n\
         [dependencies]\n\
         {api} = {{ path = \"..\", version = \"{version}\", default-features = false }}\n\
         graph-rt = {{ path = \"../{rt}\", version = \"{rt_version}\" }}\n\n\
         [features]\n\
         # Those of {api}, forwarded.\n",
        package = options.package,
        version = options.version,
        names = names.join(", "),
        docs_rs = quoted(docs_rs_features(versions)),
        rt = options.runtime_path,
        rt_version = options.runtime_version,
    );
    feature_lines(&mut out, default_features(&modules), &modules, Some(&api));
    out
}

/// `dispatch/Cargo.toml`: the test-only crate beside the SDK, with the same features.
pub(crate) fn dispatch(versions: &[Version<'_>], options: &CrateOptions) -> String {
    let mut out = render::header("#", &[]);
    let modules: Vec<String> = versions.iter().map(Version::module).collect();
    let _ = write!(
        out,
        "\n[package]\nname = \"{package}-dispatch\"\nversion = \"{version}\"\nedition = \"2021\"\n\
         publish = false\n\
         description = \"Every operation of {package} by its route, built from arguments given \
         at run time: the example-driven tests. Not for users.\"\n\n\
         [dependencies]\n\
         # The models and builders, under the name of the crate users depend on.\n\
         {lib} = {{ package = \"{api}\", path = \"..\", default-features = false }}\n\
         # The loopback server and the runner of the `requests` example.\n\
         graph-rt = {{ path = \"../{rt}\", features = [\"testing\"] }}\n\n\
         [features]\n",
        package = options.package,
        version = options.version,
        rt = options.runtime_path,
        lib = options.package,
        api = api_package(options),
    );
    let all = modules
        .iter()
        .cloned()
        .chain(std::iter::once("full".into()))
        .collect();
    feature_lines(&mut out, all, &modules, Some(&options.package));
    out
}
