//! Typed request builders: the path tree of an API version as structs, one per node, whose
//! methods follow the path (`users().item(id).messages()`) and build the documented operations
//! (`list()`, `get()`, `create(&body)`, actions by name) as `graph_rt::Request`s.
//!
//! The files go to `src/<version>/requests/`: `mod.rs` declares them and holds `root()`;
//! `root_node.rs` holds the root and the first segments' nodes, and one module per first
//! segment the nodes below it, in modules that follow the path (`users::item::Messages`).
//! Every module names the version's module `version_` (`version_::User`), so that it can be
//! anywhere.

pub(crate) mod bodies;
pub(crate) mod shape;
pub(crate) mod tree;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rayon::prelude::*;

use crate::emit::docs::{doc_attrs, page_url};
use crate::emit::names::{snake, Registry};
use crate::emit::plan::Plan;
use crate::emit::workloads::{workload_of, Workload, SHARED};
use crate::emit::EmitError;
use crate::ir::{HttpMethod, Operation, OperationKind, Segment, TypeRef};
use bodies::Bodies;
pub use shape::Decode;
use tree::Tree;

/// One call in a chain from the root: a method name and what its arguments are, in order.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub args: Vec<ArgKind>,
}

#[derive(Debug, Clone)]
pub enum ArgKind {
    /// A path argument: a key, a function argument, an item path.
    Path,
    /// The body, read as this Rust type (a `Vec` for a collection body), written as tokens are
    /// (`version_ :: User`): text, so that routes can move between threads.
    Body(String),
    /// The body as raw bytes.
    Bytes,
}

/// The emitted request code of one API version, and how to reach each operation.
pub struct Requests<F> {
    /// Each file (path below `src/<version>/requests/`) as the caller's `finish` made it from
    /// its tokens: the path tree's files by name, then `mod.rs` and `dispatch.rs`.
    pub files: Vec<F>,
    /// The route of every operation that can be built ([`route_key`](crate::ir::route::route_key)) → the calls from
    /// the root that build it and the workloads it needs.
    pub routes: BTreeMap<String, Route>,
}

#[derive(Debug, Clone)]
pub struct Route {
    /// A name unique in the version: the node's and the method's (`users_item__get`).
    pub name: String,
    pub calls: Vec<Call>,
    pub workloads: Vec<Workload>,
    pub decode: shape::Decode,
    /// What the builder does, for `cargo xtask routes`.
    pub facts: RouteFacts,
}

/// One builder operation as `cargo xtask routes` lists it: types as qualified docs names.
impl Route {
    /// Whether the builder takes a body (a model, a parameters struct, a reference, untyped
    /// JSON, bytes): its last call has a body argument.
    pub fn takes_body(&self) -> bool {
        self.calls.last().is_some_and(|c| {
            c.args
                .iter()
                .any(|a| matches!(a, ArgKind::Body(_) | ArgKind::Bytes))
        })
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteFacts {
    pub method: &'static str,
    pub path: String,
    pub response: ResponseFacts,
    pub body: BodyFacts,
    pub status: Option<u16>,
    pub permissions: Vec<crate::ir::Permission>,
    /// The page (`api/x.md:12`, its request line) the builder follows.
    pub page: String,
    /// Where the pages of this path and method disagree with the walk of the path.
    pub disagreements: Vec<crate::ir::Disagreement>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ResponseFacts {
    /// What the builder returns (a page of them when it pages). In the JSON: `type` (a name or
    /// null) and `collection`.
    #[serde(flatten, serialize_with = "type_and_collection")]
    pub r#type: Option<TypeRef>,
    pub decoder: &'static str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BodyFacts {
    /// What the builder sends. In the JSON: `type` (a name or null) and `collection`.
    #[serde(flatten, serialize_with = "type_and_collection")]
    pub r#type: Option<TypeRef>,
}

/// A route's type as `cargo xtask routes --format json` has always written it: both keys,
/// `type` null when there is none.
fn type_and_collection<S: serde::Serializer>(
    ty: &Option<TypeRef>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("type", &ty.as_ref().map(TypeRef::name))?;
    map.serialize_entry("collection", &ty.as_ref().is_some_and(|t| t.collection))?;
    map.end()
}

fn route_facts(op: &Operation, s: &shape::Shape, decode: shape::Decode) -> RouteFacts {
    use shape::Decode;
    let response_type = match decode {
        Decode::Empty | Decode::Accepted => None,
        Decode::Bytes => Some("Edm.Stream".to_string()),
        Decode::Count => Some("Edm.Int64".to_string()),
        Decode::Any if op.response_type.is_none() => None,
        _ => op.response_name().map(str::to_string),
    };
    let body_type = if s.bytes_body {
        Some("Edm.Stream".to_string())
    } else if s.body.is_some() {
        op.request_name().map(str::to_string)
    } else {
        None
    };
    RouteFacts {
        method: op.method.as_str(),
        path: op.path.clone(),
        response: ResponseFacts {
            r#type: response_type
                .map(|name| TypeRef::new(name, decode == Decode::Page || op.response_collection())),
            decoder: decode.function(),
        },
        body: BodyFacts {
            r#type: body_type.map(|name| TypeRef::new(name, op.request_collection())),
        },
        status: op.status,
        permissions: op.permissions.to_vec(),
        page: op.source.to_string(),
        disagreements: op.disagreements.clone(),
    }
}

/// The request builders of one API version. Each file's tokens are built, and given to
/// `finish` with the file's path, on a worker thread (tokens cannot move between threads), the
/// files in parallel, largest first; then `mod.rs` and the dispatch table, which need every
/// file's name and every route.
pub fn emit<F: Send>(
    plan: &Plan<'_>,
    bodies: &Bodies,
    tree: &Tree<'_>,
    version: &str,
    finish: impl Fn(&str, TokenStream) -> F + Sync,
) -> Result<Requests<F>, EmitError> {
    let (mut files, names, routes) = node_files(plan, bodies, tree, version, &finish);
    let mods = names.iter().map(|file| {
        let ident = format_ident!("{}", file);
        // The root and the first segments' nodes are named from `requests`; each first
        // segment's module holds what is below it.
        if *file == tree::ROOT_FILE {
            quote! { mod #ident; pub use #ident::*; }
        } else {
            quote! { pub mod #ident; }
        }
    });
    let doc = format!(" The request builders of Microsoft Graph {version}: start at [`root`].");
    files.push(finish(
        "mod.rs",
        quote! {
            #![doc = #doc]
            //!
            //! Every node of the documented path tree is a struct; its methods go one segment
            //! further or build an operation as a [`graph_rt::Request`], which a
            //! `graph_rt::Client` sends (or anyone inspects: nothing is sent until then). A
            //! node's struct is in the module of the path above it: `/users/{id}/messages` is
            //! `users::item::Messages`.

            /// The API version these requests go to.
            pub const VERSION: &str = #version;

            /// The root of the path tree: `root().users().item(id).get()`.
            pub fn root() -> Root {
                Root(graph_rt::UrlPath::root())
            }

            #(#mods)*
        },
    ));
    files.push(finish("dispatch.rs", dispatch(&routes)?));
    Ok(Requests { files, routes })
}

/// How each operation of a version is built ([`Requests::routes`]), without printing a file.
pub fn routes(
    plan: &Plan<'_>,
    bodies: &Bodies,
    tree: &Tree<'_>,
    version: &str,
) -> BTreeMap<String, Route> {
    node_files(plan, bodies, tree, version, &|_, _| ()).2
}

/// The files of the path tree's nodes as `finish` made them, sorted by name; their names
/// (modules of `requests`); and the route of every operation.
#[allow(clippy::type_complexity)]
fn node_files<F: Send>(
    plan: &Plan<'_>,
    bodies: &Bodies,
    tree: &Tree<'_>,
    version: &str,
    finish: &(impl Fn(&str, TokenStream) -> F + Sync),
) -> (Vec<F>, Vec<String>, BTreeMap<String, Route>) {
    let ctx = Ctx {
        plan,
        bodies,
        version,
        gates: gates(plan, tree),
    };
    // Each struct's file: the first module of its path. A node's parent is in its file or in
    // the root's, whose nodes are built first, for the calls that reach their children.
    let mut files: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        if i == 0 || !tree.is_collapsed(i) {
            let file = node.module.first().map_or(tree::ROOT_FILE, String::as_str);
            files.entry(file).or_default().push(i);
        }
    }
    // The nodes whose children's module is in each file (its docs name the node).
    let mut parents: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, node) in tree.nodes.iter().enumerate().skip(1) {
        if let Some(first) = node.children_module.first() {
            parents.entry(first.as_str()).or_default().push(i);
        }
    }
    let parents_in = |file: &str| parents.get(file).map_or(&[][..], Vec::as_slice);
    // The root's file on this thread (the models are printed on the others meanwhile): it
    // gives the calls that reach the first segments' children.
    let root_nodes = files.remove(tree::ROOT_FILE).unwrap_or_default();
    let mut first_reach = BTreeMap::new();
    let (root_module, root_routes) = build_nodes(
        &ctx,
        tree,
        &root_nodes,
        &BTreeMap::new(),
        Some(&mut first_reach),
    );
    let root_tokens = file_tokens(
        tree,
        tree::ROOT_FILE,
        root_module,
        parents_in(tree::ROOT_FILE),
    );
    let root = (
        tree::ROOT_FILE,
        finish(&format!("{}.rs", tree::ROOT_FILE), root_tokens),
        root_routes,
    );
    // The others in parallel, the largest first, so that none is left to one core at the end.
    let mut order: Vec<(&str, &[usize])> = files.iter().map(|(f, n)| (*f, n.as_slice())).collect();
    order.sort_by_key(|(file, nodes)| (std::cmp::Reverse(nodes.len()), *file));
    let built: Vec<(&str, F, Vec<(usize, String, Route)>)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(file, nodes)| {
            let (module, routes) = build_nodes(&ctx, tree, nodes, &first_reach, None);
            let tokens = file_tokens(tree, file, module, parents_in(file));
            (file, finish(&format!("{file}.rs"), tokens), routes)
        })
        .collect();
    // As one pass in node order would: the first node's route of a key stays.
    let mut all_routes: Vec<(usize, String, Route)> = Vec::new();
    let mut by_file: BTreeMap<&str, F> = BTreeMap::new();
    for (file, finished, routes) in std::iter::once(root).chain(built) {
        by_file.insert(file, finished);
        all_routes.extend(routes);
    }
    all_routes.sort_by_key(|(node, _, _)| *node);
    let mut routes = BTreeMap::new();
    for (_, key, route) in all_routes {
        routes.entry(key).or_insert(route);
    }
    let names = by_file.keys().map(|f| f.to_string()).collect();
    (by_file.into_values().collect(), names, routes)
}

/// The tokens of the nodes `nodes` (in index order), in their modules below their file, with
/// the routes they build: (node, route key, route). `reach` has the calls that reach the
/// children of nodes built before; `reached`, when given, gets those of these nodes' children.
fn build_nodes<'o>(
    ctx: &Ctx<'_>,
    tree: &Tree<'o>,
    nodes: &[usize],
    reach: &BTreeMap<usize, Vec<Call>>,
    mut reached: Option<&mut BTreeMap<usize, Vec<Call>>>,
) -> (ModuleTree, Vec<(usize, String, Route)>) {
    let mut modules = ModuleTree::default();
    let mut routes = Vec::new();
    let mut local: BTreeMap<usize, Vec<Call>> = BTreeMap::new();
    for &i in nodes {
        let node = &tree.nodes[i];
        let to_here = local
            .remove(&i)
            .or_else(|| reach.get(&i).cloned())
            .unwrap_or_default();
        let built = node_tokens(ctx, tree, i, &to_here);
        for (child, call) in built.child_calls {
            let mut calls = to_here.clone();
            calls.push(call);
            if let Some(reached) = reached.as_deref_mut() {
                reached.insert(child, calls.clone());
            }
            local.insert(child, calls);
        }
        for (op, route) in built.routes {
            routes.push((i, crate::ir::route::route_key(op), route));
        }
        modules
            .at(&node.module[1.min(node.module.len())..])
            .items
            .push(built.tokens);
    }
    (modules, routes)
}

/// One file of the request builders: its nodes' structs in their modules ([`build_nodes`]),
/// each module below the first named after the node above it (`parents`: the nodes whose
/// children's module is in this file).
fn file_tokens(
    tree: &Tree<'_>,
    file: &str,
    mut module: ModuleTree,
    parents: &[usize],
) -> TokenStream {
    for &i in parents {
        let below = &tree.nodes[i].children_module[1..];
        if let Some(m) = module.get_mut(below) {
            m.doc = Some(format!(
                " The request builders below `{}`.",
                template_of(tree, i)
            ));
        }
    }
    let doc = if file == tree::ROOT_FILE {
        " The root of the path tree and its first segments.".to_string()
    } else {
        module.doc.clone().unwrap_or_default()
    };
    let body = module.tokens(2);
    quote! {
        #![doc = #doc]
        #body
    }
}

/// The modules of the request builders below `requests`, by name: the node structs each holds,
/// and the modules below it.
#[derive(Default)]
struct ModuleTree {
    doc: Option<String>,
    items: Vec<TokenStream>,
    children: BTreeMap<String, ModuleTree>,
}

impl ModuleTree {
    fn get_mut(&mut self, path: &[String]) -> Option<&mut ModuleTree> {
        let mut at = self;
        for name in path {
            at = at.children.get_mut(name)?;
        }
        Some(at)
    }

    fn at(&mut self, path: &[String]) -> &mut ModuleTree {
        let mut at = self;
        for name in path {
            at = at.children.entry(name.clone()).or_default();
        }
        at
    }

    /// The module's items and modules, `depth` modules below the version's: `version_` names
    /// the version's module (its models, `requests::VERSION`) from any depth.
    fn tokens(&self, depth: usize) -> TokenStream {
        let up = std::iter::repeat_n(quote! { super }, depth);
        let items = &self.items;
        let nested = self.children.iter().map(|(name, module)| {
            let ident = format_ident!("{}", name);
            let doc = module.doc.as_deref().unwrap_or("");
            let body = module.tokens(depth + 1);
            quote! {
                #[doc = #doc]
                pub mod #ident {
                    #body
                }
            }
        });
        quote! {
            #[allow(unused_imports)]
            use #(#up)::* as version_;
            #(#items)*
            #(#nested)*
        }
    }
}

/// The path of node `i`'s struct from any module of the version: `version_::requests::users::item::Messages`.
fn node_path(tree: &Tree<'_>, i: usize) -> TokenStream {
    let node = &tree.nodes[i];
    let modules = node.module.iter().map(|m| format_ident!("{}", m));
    let name = format_ident!("{}", node.name);
    quote! { version_::requests::#(#modules::)*#name }
}

/// `dispatch(route, args)`: every operation by its route (`"POST /users/{id}/messages"`),
/// built from arguments given at run time, for the example-driven tests. It goes into the
/// dispatch crate (`emit::dispatch_crate`), whose modules mirror the SDK's.
fn dispatch(routes: &BTreeMap<String, Route>) -> Result<TokenStream, EmitError> {
    // A function per route and a match that calls them: one function holding every chain would
    // be type-checked as one body, which costs far more than the sum of small ones.
    let mut arms = Vec::new();
    let mut fns = Vec::new();
    for (key, route) in routes {
        let mut chain = quote! { super::root() };
        for call in &route.calls {
            let m = format_ident!("{}", call.method);
            let mut args = Vec::new();
            for a in &call.args {
                args.push(match a {
                    ArgKind::Path => quote! { &args.next_arg()? },
                    ArgKind::Body(ty) => {
                        let ty: TokenStream = ty.parse().map_err(|e| EmitError::Syntax {
                            path: "dispatch.rs".into(),
                            message: format!("the body type `{ty}` of {key}: {e}"),
                        })?;
                        quote! { &args.body::<#ty>()? }
                    }
                    ArgKind::Bytes => quote! { &args.bytes()? },
                });
            }
            chain = quote! { #chain.#m(#(#args),*) };
        }
        let cfg = shape::cfg(&route.workloads.iter().copied().collect());
        let decode = route.decode.function();
        let f = format_ident!("{}", route.name);
        arms.push(quote! {
            #cfg
            #key => Some(#f(args)),
        });
        fns.push(quote! {
            #cfg
            fn #f(args: &mut graph_rt::CallArgs) -> Result<graph_rt::ErasedRequest, graph_rt::Error> {
                Ok(graph_rt::ErasedRequest::new(#chain, #decode))
            }
        });
    }
    Ok(quote! {
        //! Every documented operation by its route, built from arguments given at run time:
        //! the example-driven tests send each example of the docs through the typed builders.
        #![allow(non_snake_case, unused_variables)]

        #[allow(unused_imports)]
        use super::super as version_;

        /// The request of `route` (`"POST /users/{}/messages"`: the method and the documented
        /// path, literals in lower case, keys as `{}`) built with `args`; `None` when this build
        /// has no such route.
        pub fn dispatch(
            route: &str,
            args: &mut graph_rt::CallArgs,
        ) -> Option<Result<graph_rt::ErasedRequest, graph_rt::Error>> {
            match route {
                #(#arms)*
                _ => {
                    let _ = args;
                    None
                }
            }
        }

        #(#fns)*
    })
}

struct Ctx<'a> {
    plan: &'a Plan<'a>,
    bodies: &'a Bodies,
    version: &'a str,
    /// The features of each node and operation ([`gates`]).
    gates: Gates,
}

/// The features an operation is compiled with, all of them on: the workloads of the types it
/// names (its parameters' too: `sendMail` comes with `mail`); when those are only the shared
/// `core` (or none), also the workload its path belongs to ([`home_workloads`]), so that
/// `GET /groups/{id}/drive/items/{id}/children` (a `driveItem`, shared) comes with `files`
/// rather than with every workload. `core` goes when another workload is there (each turns it
/// on).
fn operation_gate(shape: &shape::Shape, home: Workload) -> BTreeSet<Workload> {
    let mut gate: BTreeSet<Workload> = shape
        .workloads
        .union(&shape.parameter_workloads)
        .copied()
        .collect();
    if gate.iter().all(|w| *w == SHARED) {
        gate.insert(home);
    }
    if gate.len() > 1 {
        gate.remove(&SHARED);
    }
    gate
}

/// The workload each node's path belongs to: that of the docs pages of its operations (the
/// first that is not `core`), else its parent's. `…/workbook/tables/{id}/rows` (the pages of
/// `tableRow` name no workload) is the workbook's because `…/workbook/tables/{id}` is.
fn home_workloads(tree: &Tree<'_>) -> Vec<Workload> {
    let mut homes: Vec<Workload> = Vec::with_capacity(tree.nodes.len());
    for node in &tree.nodes {
        let own = node
            .ops
            .values()
            .map(|op| workload_of("microsoft.graph", &op.source.file))
            .find(|w| *w != SHARED);
        // Nodes are created after their parents.
        let inherited = node.parent.and_then(|p| homes.get(p).copied());
        homes.push(own.or(inherited).unwrap_or(SHARED));
    }
    homes
}

/// Each operation's gate ([`operation_gate`]), by node and method, and each node's gate: the
/// features of the operations at and below it. A node (its struct, and the method that
/// reaches it) is compiled when one of them is on, so that a build compiles the path tree of
/// its workloads only; every operation's gate implies its nodes'. The root is always there.
fn gates(plan: &Plan<'_>, tree: &Tree<'_>) -> Gates {
    let homes = home_workloads(tree);
    let mut nodes = vec![BTreeSet::new(); tree.nodes.len()];
    let mut operations = BTreeMap::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        for (method, op) in &node.ops {
            let gate = operation_gate(&shape::shape(plan, op), homes[i]);
            let mut at = Some(i);
            while let Some(n) = at {
                nodes[n].extend(gate.iter().copied());
                at = tree.nodes[n].parent;
            }
            operations.insert((i, *method), gate);
        }
    }
    Gates { nodes, operations }
}

struct Gates {
    nodes: Vec<BTreeSet<Workload>>,
    operations: BTreeMap<(usize, HttpMethod), BTreeSet<Workload>>,
}

/// An operation's shape and the features it is compiled with.
struct Planned<'g> {
    shape: shape::Shape,
    gate: &'g BTreeSet<Workload>,
}

impl Ctx<'_> {
    /// The shape and gate of operation `op` of node `node` (every operation of the tree has a
    /// gate: [`gates`] walks the same nodes). The shape holds tokens, which stay on the thread
    /// that builds the node: it is made again here.
    fn planned(&self, node: usize, op: &Operation) -> Planned<'_> {
        Planned {
            shape: shape::shape(self.plan, op),
            gate: &self.gates.operations[&(node, op.method)],
        }
    }
}

/// `#[cfg(any(feature = …))]` for a node's gate; nothing for the root.
fn node_cfg(ctx: &Ctx<'_>, i: usize) -> Option<TokenStream> {
    let gate = ctx.gates.nodes.get(i).filter(|_| i != 0)?;
    shape::cfg_any(gate)
}

struct BuiltNode<'o> {
    tokens: TokenStream,
    /// Each child node (not collapsed) and the call that reaches it.
    child_calls: Vec<(usize, Call)>,
    /// Each operation built here: its calls from the root, workloads and decoder.
    routes: Vec<(&'o Operation, Route)>,
}

fn node_tokens<'o>(ctx: &Ctx<'_>, tree: &Tree<'o>, i: usize, reach: &[Call]) -> BuiltNode<'o> {
    let node = &tree.nodes[i];
    let name = format_ident!("{}", node.name);
    let mut methods = Registry::default();
    methods.reserve("path");
    let mut items = Vec::new();
    let mut child_calls = Vec::new();
    let mut routes = Vec::new();

    for op in node.ops.values() {
        let wanted = op_method_name(op, &methods);
        let method = methods.claim(&wanted);
        let (tokens, call, workloads, decode, facts) = operation(
            ctx,
            op,
            &ctx.planned(i, op),
            &method,
            quote! { self.0.clone() },
            &[],
            None,
        );
        items.push(tokens);
        routes.push((
            *op,
            route(
                &node.route_name,
                &method,
                reach,
                call,
                workloads,
                decode,
                facts,
            ),
        ));
    }

    for &child in node.children.values() {
        let c = &tree.nodes[child];
        let Some(segment) = c.segment else { continue };
        let wanted = navigation_name(segment);
        let method = methods.claim(&wanted);
        let (params, arg_kinds, path) = segment_path(segment);
        if tree.is_collapsed(child) {
            if let Some(op) = c.ops.values().next() {
                let (tokens, call, workloads, decode, facts) = operation(
                    ctx,
                    op,
                    &ctx.planned(child, op),
                    &method,
                    path,
                    &params,
                    Some(arg_kinds),
                );
                items.push(tokens);
                routes.push((
                    *op,
                    route(
                        &node.route_name,
                        &method,
                        reach,
                        call,
                        workloads,
                        decode,
                        facts,
                    ),
                ));
            }
            continue;
        }
        let child_name = node_path(tree, child);
        let ident = format_ident!("{}", method);
        let doc = format!(" `{}`", template_of(tree, child));
        let param_decls = params.iter().map(|p| quote! { #p: &str });
        let child_cfg = node_cfg(ctx, child);
        items.push(quote! {
            #[doc = #doc]
            #child_cfg
            pub fn #ident(&self, #(#param_decls),*) -> #child_name {
                #child_name(#path)
            }
        });
        child_calls.push((
            child,
            Call {
                method,
                args: arg_kinds,
            },
        ));
    }

    let doc = if i == 0 {
        " The root of the path tree.".to_string()
    } else {
        format!(" `{}`", template_of(tree, i))
    };
    let ops_doc = node.ops.values().map(|op| {
        let line = format!(" - `{} {}`: {}", op.method.as_str(), op.path, op.title);
        quote! { #[doc = #line] }
    });
    let ops_heading = (!node.ops.is_empty()).then(|| quote! { #[doc = ""] });
    let cfg = node_cfg(ctx, i);
    let tokens = quote! {
        #[doc = #doc]
        #ops_heading
        #(#ops_doc)*
        #cfg
        #[derive(Debug, Clone)]
        pub struct #name(pub(super) graph_rt::UrlPath);

        #cfg
        impl #name {
            /// The path of this node, for requests the docs do not describe
            /// (`graph_rt::Request::new`).
            pub fn path(&self) -> &graph_rt::UrlPath {
                &self.0
            }

            #(#items)*
        }
    };
    BuiltNode {
        tokens,
        child_calls,
        routes,
    }
}

/// The route of an operation built by `method` of node `node`, reached by `reach` then `call`.
fn route(
    node: &str,
    method: &str,
    reach: &[Call],
    call: Call,
    workloads: Vec<Workload>,
    decode: shape::Decode,
    facts: RouteFacts,
) -> Route {
    let mut calls = reach.to_vec();
    calls.push(call);
    Route {
        name: format!("{}__{method}", snake(node)),
        calls,
        workloads,
        decode,
        facts,
    }
}

/// The documented path of a node, placeholders as `{…}`.
fn template_of(tree: &Tree<'_>, i: usize) -> String {
    let mut out = String::new();
    for n in tree.chain(i) {
        match tree.nodes[n].segment {
            Some(Segment::PathAddress { path }) => {
                out.push_str(&format!(":/{path}:"));
            }
            Some(segment) => {
                out.push('/');
                out.push_str(&segment_text(segment));
            }
            None => {}
        }
    }
    out
}

fn segment_text(segment: &Segment) -> String {
    match segment {
        Segment::Literal { name } => name.clone(),
        Segment::Cast { r#type } => r#type.clone(),
        Segment::Call { name, args } => format!(
            "{name}({})",
            args.iter()
                .map(|a| format!("{}={}", a.name, a.value))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Segment::Key { name } => format!("{{{name}}}"),
        Segment::KeyInParens { name, key } => format!("{name}({key})"),
        Segment::PathAddress { path } => format!(":/{path}:"),
        Segment::System { name } => name.clone(),
    }
}

/// Methods of the traits a node implements or users call on any value: an action of that name
/// gets a trailing `_` (`clone_`), so that `node.clone()` stays `Clone::clone`.
const TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "hash",
    "to_owned",
    "to_string",
    "into",
    "from",
    "borrow",
    "as_ref",
    "default",
    "type_id",
];

/// The method that goes one segment further.
fn navigation_name(segment: &Segment) -> String {
    let name = segment_method(segment);
    if TRAIT_METHODS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn segment_method(segment: &Segment) -> String {
    match segment {
        Segment::Literal { name } | Segment::Call { name, .. } => snake(name),
        Segment::Cast { r#type } => snake(r#type.rsplit('.').next().unwrap_or(r#type)),
        Segment::Key { .. } => "item".into(),
        Segment::KeyInParens { name, .. } => format!("{}_by_key", snake(name)),
        Segment::PathAddress { .. } => "at_path".into(),
        Segment::System { name } => match name.as_str() {
            "$ref" => "reference".into(),
            "$value" => "content".into(),
            other => snake(other.trim_start_matches('$')),
        },
    }
}

/// The parameters a segment takes, what each is, and the path expression that appends it to
/// `self.0`.
fn segment_path(segment: &Segment) -> (Vec<proc_macro2::Ident>, Vec<ArgKind>, TokenStream) {
    let base = quote! { self.0.clone() };
    match segment {
        Segment::Literal { name } => (vec![], vec![], quote! { #base.literal(#name) }),
        Segment::Cast { r#type } => (vec![], vec![], quote! { #base.literal(#r#type) }),
        Segment::System { name } => (vec![], vec![], quote! { #base.literal(#name) }),
        Segment::Key { name } => {
            let param = param_ident(name, "id");
            (
                vec![param.clone()],
                vec![ArgKind::Path],
                quote! { #base.key(#param) },
            )
        }
        Segment::KeyInParens { name, key } => {
            let param = param_ident(key, "key");
            let arg = arg_tokens(key, &param);
            (
                vec![param],
                vec![ArgKind::Path],
                quote! { #base.key_in_parens(#name, #arg) },
            )
        }
        Segment::PathAddress { .. } => {
            let param = format_ident!("item_path");
            (
                vec![param.clone()],
                vec![ArgKind::Path],
                quote! { #base.path_address(#param) },
            )
        }
        Segment::Call { name, args } => {
            let mut names = Registry::default();
            names.reserve("body");
            let params: Vec<proc_macro2::Ident> = args
                .iter()
                .map(|a| format_ident!("{}", names.claim(&snake(&a.name))))
                .collect();
            let pairs: Vec<TokenStream> = args
                .iter()
                .zip(&params)
                .map(|(a, p)| {
                    let n = &a.name;
                    let arg = arg_tokens(&a.value, p);
                    quote! { (#n, #arg) }
                })
                .collect();
            let kinds = vec![ArgKind::Path; params.len()];
            (params, kinds, quote! { #base.call(#name, &[#(#pairs),*]) })
        }
    }
}

/// A string literal in the template (`'{period}'`) is written quoted; anything else as is.
fn arg_tokens(template: &str, param: &proc_macro2::Ident) -> TokenStream {
    if template.trim().starts_with('\'') {
        quote! { graph_rt::Arg::Str(#param) }
    } else {
        quote! { graph_rt::Arg::Raw(#param) }
    }
}

fn param_ident(placeholder: &str, fallback: &str) -> proc_macro2::Ident {
    let cleaned: String = placeholder
        .split('|')
        .next()
        .unwrap_or(placeholder)
        .trim()
        .trim_matches(|c: char| c == '\'' || c == '{' || c == '}' || c == '<' || c == '>')
        .to_string();
    let mut name = snake(&cleaned);
    if name == "unnamed" || name == "body" || name.starts_with('_') {
        name = fallback.into();
    }
    format_ident!("{}", name)
}

/// `list`, `get`, `create`, `update`, `delete`; actions `post`, functions `get`; then the HTTP
/// method when that name is taken.
fn op_method_name(op: &Operation, taken: &Registry) -> String {
    let by_kind = match (op.kind, op.method) {
        (OperationKind::List, _) => "list",
        (OperationKind::Get, _) => "get",
        (OperationKind::Create, HttpMethod::Post) => "create",
        (OperationKind::Update, HttpMethod::Patch) => "update",
        (OperationKind::Delete, HttpMethod::Delete) => "delete",
        _ => "",
    };
    if !by_kind.is_empty() && !taken.is_taken(by_kind) {
        return by_kind.into();
    }
    op.method.as_str().to_ascii_lowercase()
}

/// The method that builds `op` at path expression `path`, after the segment parameters
/// `params`; returns its tokens and the call that reaches it.
fn operation(
    ctx: &Ctx<'_>,
    op: &Operation,
    planned: &Planned<'_>,
    method: &str,
    path: TokenStream,
    params: &[proc_macro2::Ident],
    arg_kinds: Option<Vec<ArgKind>>,
) -> (TokenStream, Call, Vec<Workload>, shape::Decode, RouteFacts) {
    let s = &planned.shape;
    let facts = route_facts(op, s, s.decode);
    // A parameters struct is compiled with the version (its fields carry their own cfg): only
    // the types of the shape need features, and the path's workload (`operation_gate`).
    let workloads = planned.gate.clone();
    let (body_param, body_set, body_arg) = if s.bytes_body {
        (
            Some(quote! { body: &[u8] }),
            Some(quote! { .bytes_body("application/octet-stream", body.to_vec()) }),
            Some(ArgKind::Bytes),
        )
    } else if let Some(body) = &s.body {
        if op.request_collection() {
            (
                Some(quote! { body: &[#body] }),
                Some(quote! { .json_body(&body.to_vec()) }),
                Some(ArgKind::Body(quote! { Vec<#body> }.to_string())),
            )
        } else {
            (
                Some(quote! { body: &#body }),
                Some(quote! { .json_body(body) }),
                Some(ArgKind::Body(body.to_string())),
            )
        }
    } else if let Some(item) = ctx.bodies.of(op) {
        let ident = format_ident!("{}", item.rust_name);
        let ty = quote! { version_::#ident };
        (
            Some(quote! { body: &#ty }),
            Some(quote! { .json_body(body) }),
            Some(ArgKind::Body(ty.to_string())),
        )
    } else {
        (None, None, None)
    };
    let method_ident = format_ident!("{}", method);
    let http = format_ident!(
        "{}",
        match op.method {
            HttpMethod::Get => "Get",
            HttpMethod::Post => "Post",
            HttpMethod::Patch => "Patch",
            HttpMethod::Put => "Put",
            HttpMethod::Delete => "Delete",
        }
    );
    let decode = format_ident!("{}", s.decode.function());
    let status = op.status.map(|st| quote! { .documented_status(#st) });
    let output = &s.output;
    let select = &s.select;
    let options = &s.options;
    let cfg = shape::cfg(&workloads);
    let mut line = format!(" `{} {}`", op.method.as_str(), op.path);
    if let Some(st) = op.status {
        line.push_str(&format!(" → `{st}`"));
    }
    if let Some(documented) = &op.alias_of {
        line.push_str(&format!(
            " (documented as `{documented}`: the same operation at this address)"
        ));
    }
    let (perm_docs, perm_set) = permissions(op);
    let title = doc_attrs(&op.title, None);
    let link = doc_attrs("", Some(&page_url(&op.source.file, ctx.version)));
    let docs = quote! { #title #[doc = ""] #[doc = #line] #(#perm_docs)* #[doc = ""] #link };
    let param_decls = params.iter().map(|p| quote! { #p: &str });
    let all_params: Vec<TokenStream> = param_decls.chain(body_param).collect();
    let tokens = quote! {
        #docs
        #cfg
        pub fn #method_ident(&self, #(#all_params),*) -> graph_rt::Request<#output, #select, #options> {
            graph_rt::Request::new(graph_rt::Method::#http, version_::requests::VERSION, #path, graph_rt::decode::#decode)
                #body_set
                #status
                #perm_set
        }
    };
    let mut args = arg_kinds.unwrap_or_default();
    args.extend(body_arg);
    (
        tokens,
        Call {
            method: method.to_string(),
            args,
        },
        workloads.into_iter().collect(),
        s.decode,
        facts,
    )
}

/// The kind of caller a permissions row names, as `graph_rt::PermissionKind`.
fn permission_kind(kind: &str) -> Option<&'static str> {
    let lower = kind.to_ascii_lowercase();
    if lower.contains("personal") {
        Some("DelegatedPersonal")
    } else if lower.contains("delegated") {
        Some("DelegatedWork")
    } else if lower.contains("application") {
        Some("Application")
    } else {
        None
    }
}

/// The permissions of an operation: rustdoc lines, and the call that makes them queryable on
/// the built request (`.with_permissions(&[…])`), least privileged first as the docs list them.
fn permissions(op: &Operation) -> (Vec<TokenStream>, Option<TokenStream>) {
    let mut docs = Vec::new();
    let mut items = Vec::new();
    for p in op.permissions.iter() {
        let Some(kind) = permission_kind(&p.kind) else {
            continue;
        };
        let scopes: Vec<&str> = p
            .scopes
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if scopes.is_empty() {
            continue;
        }
        if docs.is_empty() {
            docs.push(quote! { #[doc = ""] });
            docs.push(quote! { #[doc = " Permissions (any one; least privileged first):"] });
        }
        let line = format!(
            " - {}: {}",
            p.kind.trim(),
            scopes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        docs.push(quote! { #[doc = #line] });
        let k = format_ident!("{}", kind);
        items.push(quote! {
            graph_rt::Permission { kind: graph_rt::PermissionKind::#k, scopes: &[#(#scopes),*] }
        });
    }
    let set = (!items.is_empty()).then(|| quote! { .with_permissions(&[#(#items),*]) });
    (docs, set)
}
