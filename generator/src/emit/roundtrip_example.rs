//! `examples/roundtrip.rs` and `examples/requests.rs` of the generated dispatch crate: the
//! runners of `cargo xtask examples`. Each is a match from an API version to its dispatch (its
//! `registry::roundtrip`, its `requests::dispatch`) handed to `graph_rt::testing`, which reads
//! and writes the lines of the runner protocol (`graph_rt::testing::{RoundtripInput, …}`); the
//! judging is the caller's (`generator::check::examples`, `generator::check::requests`).

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
            graph_rt::testing::main_requests(|version, route, args| match version {
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
        //! `cargo run --example roundtrip -- CASES.jsonl [--strict]`. The lines are
        //! `graph_rt::testing::RoundtripInput`s in, `RoundtripOutcome`s out
        //! (`graph_rt::testing::main_roundtrip`); `cargo xtask examples` writes the cases and
        //! compares the output with them.

        // prettyplease, not rustfmt, formats generated code: keep `cargo fmt` away from it.
        #[rustfmt::skip]
        fn main() {
            graph_rt::testing::main_roundtrip(|version, type_name, body| match version {
                #(#arms)*
                other => {
                    let _ = (type_name, body);
                    Some(Err(graph_rt::Error::custom(format!(
                        "this build has no API version `{other}`"
                    ))))
                }
            });
        }
    }
}
