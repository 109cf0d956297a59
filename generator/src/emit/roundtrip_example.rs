//! `examples/roundtrip.rs` and `examples/requests.rs` of the generated dispatch crate: the runner of `cargo xtask examples`. It reads
//! JSON lines of cases and prints, for each, what `registry::roundtrip` made of it; the
//! comparison with the original is done by the caller (`generator::examples`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{render, EmitError, OutputFile, Version};

pub const PATH: &str = "dispatch/examples/roundtrip.rs";
pub const REQUESTS_PATH: &str = "dispatch/examples/requests.rs";

/// `examples/requests.rs`: the runner of the request half of `cargo xtask examples`, which
/// sends each example request of the docs, built by its route's builders, to a loopback
/// server (`graph_rt::testing`).
pub fn requests_file(versions: &[Version<'_>], sdk: &Ident) -> Result<OutputFile, EmitError> {
    let dispatch = format_ident!("{sdk}_dispatch");
    let arms = versions.iter().map(|v| {
        let module = v.module();
        let ident = format_ident!("{}", module);
        let name = v.name;
        let pattern = if module == name {
            quote!(#name)
        } else {
            quote!(#name | #module)
        };
        quote! {
            #[cfg(feature = #module)]
            #pattern => #dispatch::#ident::requests::dispatch::dispatch(route, args),
        }
    });
    let tokens = quote! {
        //! Sends each example request of a JSON-lines file, built by the typed builders of its
        //! route, to a loopback server that answers with the example's response, and prints what
        //! the server received and what the client read:
        //! `cargo run -p graph-sdk-dispatch --example requests -- CASES.jsonl`.
        //! `cargo xtask examples` writes the cases and judges the output.

        // prettyplease, not rustfmt, formats generated code: keep `cargo fmt` away from it.
        #[rustfmt::skip]
        fn main() {
            graph_rt::testing::main_jsonl(|version, route, args| match version {
                #(#arms)*
                _ => {
                    let _ = (route, args);
                    None
                }
            });
        }
    };
    Ok(OutputFile {
        contents: render::render(REQUESTS_PATH, tokens, &[])?,
        path: REQUESTS_PATH.to_string(),
    })
}

pub fn file(versions: &[Version<'_>], sdk: &Ident) -> Result<OutputFile, EmitError> {
    Ok(OutputFile {
        contents: render::render(PATH, tokens(versions, sdk), &[])?,
        path: PATH.to_string(),
    })
}

fn tokens(versions: &[Version<'_>], sdk: &Ident) -> TokenStream {
    let arms = versions.iter().map(|v| {
        let module = v.module();
        let ident = format_ident!("{}", module);
        let name = v.name;
        let pattern = if module == name {
            quote!(#name)
        } else {
            quote!(#name | #module)
        };
        quote! {
            #[cfg(feature = #module)]
            #pattern => #sdk::#ident::registry::roundtrip(type_name, body),
        }
    });
    quote! {
        //! Reads each example body of a JSON-lines file as its type and writes it back:
        //! `cargo run --example roundtrip -- CASES.jsonl [--strict]`.
        //!
        //! Each input line is `{"id": N, "version": "beta", "type": "microsoft.graph.x", "body": …}`;
        //! each output line is `{"id": N, "outcome": "roundtrip", "json": …}`,
        //! `{"id": N, "outcome": "unknown_type"}` or
        //! `{"id": N, "outcome": "error", "message": "…", "path": "…", "expected": "…", "found": "…"}`.
        //! With `--strict`, a property value that does not match its documented type is an error
        //! instead of being kept untyped (`graph_rt::strict`).
        //! `cargo xtask examples` writes the cases and compares the output with them.

        fn main() {
            runner::main();
        }

        // prettyplease, not rustfmt, formats generated code: keep `cargo fmt` away from it.
        #[rustfmt::skip]
        mod runner {
        use std::io::Write as _;

        use graph_rt::{Error, JsonMap, Value};

        pub fn main() {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let strict = args.iter().any(|a| a == "--strict");
            let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
                eprintln!("usage: roundtrip CASES.jsonl [--strict]");
                std::process::exit(2);
            };
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!("error: reading {path}: {error}");
                    std::process::exit(2);
                }
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for (index, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let result = case(line, strict).unwrap_or_else(|message| {
                    outcome(Value::Null, "error", Some(Error::custom(format!("line {}: {message}", index + 1))))
                });
                if writeln!(out, "{result}").is_err() {
                    std::process::exit(1);
                }
            }
            if out.flush().is_err() {
                std::process::exit(1);
            }
        }

        /// One input line to one output line.
        fn case(line: &str, strict: bool) -> Result<Value, String> {
            let mut case: Value = line.parse().map_err(|e| format!("not JSON: {e}"))?;
            let id = case.get("id").cloned().unwrap_or(Value::Null);
            let body = case.get_mut("body").map(std::mem::take).unwrap_or(Value::Null);
            let version = case.get("version").and_then(Value::as_str).unwrap_or("");
            let type_name = case.get("type").and_then(Value::as_str).unwrap_or("");
            // A panic is a bug of the SDK: reported for this case, the others still run.
            let result = std::panic::catch_unwind(|| {
                let run = || roundtrip(version, type_name, body);
                if strict { graph_rt::strict(run) } else { run() }
            });
            Ok(match result {
                Ok(Some(Ok(json))) => {
                    let mut line = outcome(id, "roundtrip", None);
                    if let Value::Object(map) = &mut line {
                        map.insert("json".into(), json);
                    }
                    line
                }
                Ok(Some(Err(error))) => outcome(id, "error", Some(error)),
                Ok(None) => outcome(id, "unknown_type", None),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    outcome(id, "error", Some(Error::custom(format!("panicked: {message}"))))
                }
            })
        }

        /// `registry::roundtrip` of the module of `version` (`v1.0` or `v1_0`, `beta`).
        fn roundtrip(version: &str, type_name: &str, body: Value) -> Option<Result<Value, Error>> {
            match version {
                #(#arms)*
                other => {
                    let _ = (type_name, body);
                    Some(Err(Error::custom(format!("this build has no API version `{other}`"))))
                }
            }
        }

        fn outcome(id: Value, outcome: &str, error: Option<Error>) -> Value {
            let mut map = JsonMap::new();
            map.insert("id".into(), id);
            map.insert("outcome".into(), Value::String(outcome.into()));
            if let Some(error) = error {
                map.insert("message".into(), Value::String(error.to_string()));
                map.insert("path".into(), Value::String(error.path()));
                for (key, text) in [("expected", error.expected()), ("found", error.found())] {
                    if let Some(text) = text {
                        map.insert(key.into(), Value::String(text.to_owned()));
                    }
                }
            }
            Value::Object(map)
        }
        }
    }
}
