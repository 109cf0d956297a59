//! Emitting: the resolved model of each API version into the files of a Rust crate. One file
//! per type or enum, a module per API version, a cargo feature per version and per workload.
//! No file-system access: the caller writes the files.

pub mod api_listing;
mod dispatch_crate;
mod docs;
mod enums;
mod manifest;
mod models;
pub(crate) mod names;
mod plan;
mod render;
pub(crate) mod render_cache;
pub mod requests;
mod roundtrip_example;
pub(crate) mod workloads;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rayon::prelude::*;

use crate::emit::workloads::Workload;
use crate::ir::Api;
use plan::{Plan, Qualified};
use render::Rendered;
pub use render_cache::{RenderCache, TakenFiles};

/// How the emitter names what it emits, for tools that speak of the generated code (the API
/// diff says when a type or member is renamed in Rust, and what Rust type a property has).
pub mod naming {
    /// A docs name as a Rust type or variant name: `iosDeviceType` → `IosDeviceType`.
    pub fn type_name(docs_name: &str) -> String {
        super::names::pascal(docs_name)
    }

    /// A docs name as a Rust field, method or parameter name: `iOSVersion` → `ios_version`.
    pub fn member_name(docs_name: &str) -> String {
        super::names::snake(docs_name)
    }

    /// The Rust type of a primitive (a model type name: `Edm.String`, `microsoft.graph.Json`),
    /// `None` for a named type.
    pub fn primitive_type(model_type: &str) -> Option<&'static str> {
        super::models::primitive_rust(model_type)
    }
}

/// One API version to emit.
pub struct Version<'a> {
    /// The API version as Graph names it: `v1.0`, `beta`.
    pub name: &'a str,
    pub api: &'a Api,
}

impl Version<'_> {
    /// The Rust module and cargo feature: `v1_0`, `beta`.
    pub fn module(&self) -> String {
        names::snake(&self.name.replace('.', "_"))
    }
}

/// Crate-level settings.
pub struct CrateOptions {
    pub package: String,
    /// The generated crate's version.
    pub version: String,
    /// Path (from the generated crate's folder) to the `graph-rt` runtime crate.
    pub runtime_path: String,
    /// The version of `graph-rt` the crate depends on (registries need one).
    pub runtime_version: String,
    /// The crate is the root of its own workspace (generated outside this repository).
    pub standalone: bool,
}

/// A file of the generated crate, relative to the crate's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("generated code for {path} does not parse (a generator bug): {message}")]
    Syntax { path: String, message: String },
    #[error("the crate is of versions {wanted} but the printed files are of {given}")]
    Versions { wanted: String, given: String },
}

/// Every file of the crate, sorted by path.
pub fn emit_crate(
    versions: &[Version<'_>],
    options: &CrateOptions,
) -> Result<Vec<OutputFile>, EmitError> {
    emit_crate_cached(versions, options, &RenderCache::default()).map(|(files, _)| files)
}

/// [`emit_crate`], taking from `cache` the files whose tokens are those it printed them from;
/// with the cache of this run, for the next.
pub fn emit_crate_cached(
    versions: &[Version<'_>],
    options: &CrateOptions,
    cache: &RenderCache,
) -> Result<(Vec<OutputFile>, RenderCache), EmitError> {
    // The versions side by side, and the files of each in parallel (see `version_files`).
    let printed = versions
        .par_iter()
        .map(|v| emit_version(v, cache))
        .collect::<Result<_, _>>()?;
    assemble_crate(versions, printed, options, cache)
}

/// The printed files of one API version ([`emit_version`]), which [`assemble_crate`] puts in
/// its crate.
pub struct VersionFiles {
    /// The version's module.
    module: String,
    files: Vec<Rendered>,
}

/// The files of one API version (its models, enums, request builders and dispatch table),
/// printed; a caller that reads several versions can print each as soon as it is read.
pub fn emit_version(v: &Version<'_>, cache: &RenderCache) -> Result<VersionFiles, EmitError> {
    Ok(VersionFiles {
        module: v.module(),
        files: version_files(v, cache)?,
    })
}

/// The crate of `versions`: their printed files (`printed`, from [`emit_version`], one for each
/// version) with the crate's own (manifests, `lib.rs`, the API listing, the dispatch crate),
/// sorted by path; with the cache of this run, for the next.
pub fn assemble_crate(
    versions: &[Version<'_>],
    printed: Vec<VersionFiles>,
    options: &CrateOptions,
    cache: &RenderCache,
) -> Result<(Vec<OutputFile>, RenderCache), EmitError> {
    let mut wanted: Vec<String> = versions.iter().map(Version::module).collect();
    let mut given: Vec<&str> = printed.iter().map(|p| p.module.as_str()).collect();
    wanted.sort();
    given.sort();
    if wanted != given {
        return Err(EmitError::Versions {
            wanted: wanted.join(", "),
            given: given.join(", "),
        });
    }
    let mut files = vec![
        OutputFile {
            path: "Cargo.toml".into(),
            contents: manifest::api(versions, options),
        },
        OutputFile {
            path: "README.md".into(),
            contents: format!(
                "{}\n{}",
                render::header_html(),
                include_str!("api_readme.md")
            ),
        },
        OutputFile {
            path: format!("{}Cargo.toml", manifest::FACADE_DIR),
            contents: manifest::facade(versions, options),
        },
        OutputFile {
            path: format!("{}README.md", manifest::FACADE_DIR),
            contents: format!(
                "{}\n{}",
                render::header_html(),
                include_str!("crate_readme.md")
            ),
        },
    ];
    let facade_lib = facade_lib_rs(versions, &manifest::api_package(options))?;
    files.push(facade_lib.file);
    let mut rendered = vec![lib_rs(versions, cache)?];
    rendered.extend(printed.into_iter().flat_map(|p| p.files));
    // The public API listing, from what each file declares as the emitter parsed it; the
    // dispatch tables are the dispatch crate's, not the SDK's public API.
    // (path, what the cache records, summary) of each printed file.
    let mut printed = Vec::new();
    for r in rendered {
        printed.push((r.file.path.clone(), r.printed, r.summary));
        files.push(r.file);
    }
    let summaries = printed
        .iter()
        .filter(|(path, _, _)| !path.starts_with(dispatch_crate::DIR))
        .filter_map(|(path, _, summary)| Some((path.as_str(), summary.as_ref()?)))
        .collect();
    files.push(OutputFile {
        path: api_listing::PATH.into(),
        contents: api_listing::listing_of(&options.package.replace('-', "_"), &summaries),
    });
    files.extend(dispatch_crate::files(versions, options)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let next = cache.next(
        printed
            .into_iter()
            .filter_map(|(path, p, summary)| Some((path, p?, summary))),
    );
    Ok((files, next))
}

fn lib_rs(versions: &[Version<'_>], cache: &RenderCache) -> Result<Rendered, EmitError> {
    let modules = versions.iter().map(|v| {
        let m = v.module();
        let ident = format_ident!("{}", m);
        let doc = format!(" Microsoft Graph {} models.", v.name);
        quote! {
            #[doc = #doc]
            #[cfg(feature = #m)]
            #[rustfmt::skip]
            pub mod #ident;
        }
    });
    let tokens = quote! {
        #![doc = include_str!("../README.md")]
        #![allow(clippy::large_enum_variant, clippy::too_many_lines)]

        #(#modules)*
    };
    render::render_file("src/lib.rs", tokens, &[], cache)
}

/// `sdk/src/lib.rs`: the crate users depend on re-exports the versions of the API crate and the
/// runtime with its client.
fn facade_lib_rs(versions: &[Version<'_>], api_package: &str) -> Result<Rendered, EmitError> {
    let api = format_ident!("{}", api_package.replace('-', "_"));
    // In the order `cargo fmt` keeps them.
    let mut names: Vec<String> = versions.iter().map(Version::module).collect();
    names.sort();
    let modules = names.iter().map(|m| {
        let ident = format_ident!("{}", m);
        quote! {
            #[cfg(feature = #m)]
            #[doc(inline)]
            pub use #api::#ident;
        }
    });
    let tokens = quote! {
        #![doc = include_str!("../README.md")]

        /// The runtime: requests, the client, paging, batches, model conversion.
        pub use graph_rt as runtime;

        #(#modules)*
    };
    render::render_file(
        &format!("{}src/lib.rs", manifest::FACADE_DIR),
        tokens,
        &[],
        &RenderCache::default(),
    )
}

/// How each operation of a version is built: the calls from `root()` (method names and
/// arguments), keyed by route (`crate::ir::route::route_key`).
pub fn routes(v: &Version<'_>) -> std::collections::BTreeMap<String, requests::Route> {
    let q = Qualified::of(v.api);
    let mut plan = Plan::new(v.api, &q);
    let bodies = requests::bodies::Bodies::plan(v.api, &mut plan);
    let tree = requests::tree::Tree::new(v.api);
    requests::routes(&plan, &bodies, &tree, v.name)
}

/// The files of one version: its models ([`model_files`]), request builders
/// ([`request_files`]), `mod.rs` and registry ([`index_files`]), side by side.
fn version_files(v: &Version<'_>, cache: &RenderCache) -> Result<Vec<Rendered>, EmitError> {
    let q = Qualified::of(v.api);
    let mut plan = Plan::new(v.api, &q);
    let bodies = requests::bodies::Bodies::plan(v.api, &mut plan);
    let tree = requests::tree::Tree::new(v.api);
    let plan = &plan;
    let (bodies, tree) = (&bodies, &tree);
    // The request builders' files (each built and printed on one worker, the largest first),
    // the models' and the version's index files, all on any worker.
    let (request_files, (model_files, index_files)) = rayon::join(
        || request_files(v, plan, bodies, tree, cache),
        || {
            rayon::join(
                || model_files(v, plan, bodies, cache),
                || index_files(v, plan, bodies, cache),
            )
        },
    );
    let mut files = model_files?;
    files.extend(request_files?);
    files.extend(index_files?);
    Ok(files)
}

/// A version's `mod.rs` (its files' modules, every type re-exported flat) and `registry.rs`.
fn index_files(
    v: &Version<'_>,
    plan: &Plan<'_>,
    bodies: &requests::bodies::Bodies,
    cache: &RenderCache,
) -> Result<Vec<Rendered>, EmitError> {
    let module = v.module();
    // (file, workload, names it exports)
    let mut mod_items: Vec<(String, Option<Workload>, Vec<String>)> = Vec::new();
    let mut registry_arms = Vec::new();
    for (qualified, (item, _)) in &plan.types {
        let mut exported = vec![item.rust_name.clone()];
        exported.extend(plan.any_names.get(qualified).cloned());
        mod_items.push((item.file.clone(), item.workload, exported));
        let read_as = plan.any_names.get(qualified).unwrap_or(&item.rust_name);
        registry_arms.push((qualified.to_string(), item.workload, read_as.clone()));
    }
    for (item, _) in plan.enums.values() {
        mod_items.push((
            item.file.clone(),
            item.workload,
            vec![item.rust_name.clone()],
        ));
    }
    for (item, _) in &bodies.structs {
        mod_items.push((
            item.file.clone(),
            item.workload,
            vec![item.rust_name.clone()],
        ));
    }
    mod_items.sort();
    let decls = mod_items.iter().map(|(file, workload, exported)| {
        let m = format_ident!("{}", file);
        let names = exported.iter().map(|n| format_ident!("{}", n));
        // Request bodies have no workload: compiled with the version.
        let cfg = workload.map(|w| quote! { #[cfg(feature = #w)] });
        quote! {
            #cfg
            mod #m;
            #cfg
            pub use #m::{#(#names),*};
        }
    });
    // The module's doc joins the one on its declaration in `lib.rs`, where links resolve from
    // the crate root: the link names the full path.
    let doc = format!(
        " Every type and enum of this API version, re-exported flat; each file is compiled with\n \
         the feature of its workload. The request builders start at\n \
         [`requests::root`](crate::{module}::requests::root)."
    );
    let mod_tokens = quote! {
        #![doc = #doc]
        #(#decls)*
        pub mod registry;
        pub mod requests;
        pub use requests::root;
    };
    let index = render::render_file(&format!("src/{module}/mod.rs"), mod_tokens, &[], cache)?;
    registry_arms.sort();
    let registry = render::render_file(
        &format!("src/{module}/registry.rs"),
        registry(&registry_arms),
        &[],
        cache,
    )?;
    Ok(vec![index, registry])
}

/// The files of a version's models, enums and request bodies, printed in parallel. Tokens are
/// not `Send`: each file is built on the worker that prints it.
fn model_files(
    v: &Version<'_>,
    plan: &Plan<'_>,
    bodies: &requests::bodies::Bodies,
    cache: &RenderCache,
) -> Result<Vec<Rendered>, EmitError> {
    let module = v.module();
    let module = module.as_str();
    let type_files = plan.types.par_iter().map(|(qualified, (item, ty))| {
        let tokens = models::type_file(plan, qualified, item, ty, v.name);
        let sources: Vec<String> = ty.sources.iter().map(|s| s.file.to_string()).collect();
        render::render_file(
            &format!("src/{module}/{}.rs", item.file),
            tokens,
            &sources,
            cache,
        )
    });
    let enum_files = plan.enums.par_iter().map(|(qualified, (item, e))| {
        let tokens = enums::enum_file(qualified, item, e, v.name);
        let sources: Vec<String> = e.sources.iter().map(|s| s.file.to_string()).collect();
        render::render_file(
            &format!("src/{module}/{}.rs", item.file),
            tokens,
            &sources,
            cache,
        )
    });
    let body_files = bodies.structs.par_iter().map(|(item, ty)| {
        let tokens = models::type_file(plan, &item.rust_name, item, ty, v.name);
        let sources: Vec<String> = ty.sources.iter().map(|s| s.file.to_string()).collect();
        render::render_file(
            &format!("src/{module}/{}.rs", item.file),
            tokens,
            &sources,
            cache,
        )
    });
    type_files
        .chain(enum_files)
        .chain(body_files)
        .collect::<Result<_, _>>()
}

/// The files of a version's request builders (and its dispatch table), each built and
/// printed on one worker ([`requests::emit`]).
fn request_files(
    v: &Version<'_>,
    plan: &Plan<'_>,
    bodies: &requests::bodies::Bodies,
    tree: &requests::tree::Tree<'_>,
    cache: &RenderCache,
) -> Result<Vec<Rendered>, EmitError> {
    let module = v.module();
    let built = requests::emit(plan, bodies, tree, v.name, |file, tokens| {
        let path = if file == dispatch_crate::DISPATCH_FILE {
            dispatch_crate::dispatch_path(&module)
        } else {
            format!("src/{module}/requests/{file}")
        };
        render::render_file(&path, tokens, &[], cache)
    })?;
    built.files.into_iter().collect()
}

/// `registry::roundtrip(type_name, json)`: read JSON as the type a name names at run time
/// (polymorphic types by `@odata.type`) and write it back.
fn registry(arms: &[(String, Option<Workload>, String)]) -> TokenStream {
    let arms = arms.iter().map(|(qualified, workload, rust)| {
        let ident = format_ident!("{}", rust);
        let cfg = workload.map(|w| quote! { #[cfg(feature = #w)] });
        quote! {
            #cfg
            #qualified => Some(roundtrip_as::<super::#ident>(value)),
        }
    });
    quote! {
        //! Reading JSON as a type named at run time.

        /// Read `value` as the type `type_name` (qualified, without `#`) and write it back to
        /// JSON. `None` when this build of the SDK has no such type.
        pub fn roundtrip(type_name: &str, value: graph_rt::Value) -> Option<Result<graph_rt::Value, graph_rt::Error>> {
            match type_name {
                #(#arms)*
                _ => { let _ = value; None }
            }
        }

        #[allow(dead_code)]
        fn roundtrip_as<T: graph_rt::FromJson + graph_rt::ToJson>(value: graph_rt::Value) -> Result<graph_rt::Value, graph_rt::Error> {
            graph_rt::ToJson::to_json(&T::from_json(value)?)
        }
    }
}
