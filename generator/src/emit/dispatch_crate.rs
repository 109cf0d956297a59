//! The test-only crate `<package>-dispatch`, in the SDK's `dispatch/` folder: every operation of
//! each API version by its route (`requests::dispatch`, emitted with the request builders), and
//! the runners of `cargo xtask examples` as its examples. It mirrors the SDK's module paths
//! (`v1_0::requests::dispatch`), re-exporting the SDK's items, so the dispatch code names
//! builders and models exactly as it would inside the SDK.

use quote::{format_ident, quote};

use crate::emit::{
    manifest, render, roundtrip_example, CrateOptions, EmitError, OutputFile, Version,
};

/// The dispatch crate's folder in the SDK's.
pub(crate) const DIR: &str = "dispatch/";

/// The file name the request emitter gives the dispatch table.
pub(crate) const DISPATCH_FILE: &str = "dispatch.rs";

/// Where a version's dispatch table goes.
pub(crate) fn dispatch_path(module: &str) -> String {
    format!("dispatch/src/{module}/requests/{DISPATCH_FILE}")
}

/// The crate's manifest, `lib.rs` and examples (the dispatch tables come with each version).
pub(crate) fn files(
    versions: &[Version<'_>],
    options: &CrateOptions,
) -> Result<Vec<OutputFile>, EmitError> {
    let sdk = format_ident!("{}", options.package.replace('-', "_"));
    let modules = versions.iter().map(|v| {
        let m = v.module();
        let ident = format_ident!("{}", m);
        let doc = format!(
            " Microsoft Graph {}: the SDK's items, and `requests::dispatch`.",
            v.name
        );
        quote! {
            #[doc = #doc]
            #[cfg(feature = #m)]
            pub mod #ident {
                pub use #sdk::#ident::*;
                /// The SDK's request builders, and every operation by its route.
                pub mod requests {
                    pub use #sdk::#ident::requests::*;
                    #[rustfmt::skip]
                    pub mod dispatch;
                }
            }
        }
    });
    let lib = quote! {
        //! Every operation of the SDK by its route, built from arguments given at run time, for
        //! the example-driven tests (`cargo xtask examples`, `sdk-tests`). Not for users.
        #(#modules)*
    };
    let lib_path = "dispatch/src/lib.rs";
    Ok(vec![
        OutputFile {
            path: "dispatch/Cargo.toml".into(),
            contents: manifest::dispatch(versions, options),
        },
        OutputFile {
            path: lib_path.into(),
            contents: render::render(lib_path, lib, &[])?,
        },
        roundtrip_example::file(versions, &sdk)?,
        roundtrip_example::requests_file(versions, &sdk)?,
    ])
}
