//! Property tests: docs trees with hostile names (Rust keywords, `Self`, `crate`, leading
//! digits, unicode, `@odata.*`, names equal after case conversion, `iOS` beside `ios`, types
//! named `Option`, `Result`, `String`, …) and arbitrary type graphs (cycles, self-reference,
//! deep inheritance, a type and an enum of the same name, collection and navigation
//! properties), written as markdown pages in the docs' format and run through the whole
//! pipeline. Every emitted file must parse as printed, and no module, struct or enum may
//! declare a name twice. `a_sample_compiles` checks a fixed-seed sample with `cargo check`.
//!
//! `PROPTEST_CASES=N` sets the number of cases (256 by default).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use generator::emit::OutputFile;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Names that break naive generators. Type, enum, property and member names are all drawn
/// from here (alone or glued together), so collisions between them are frequent.
const HOSTILE: &[&str] = &[
    "Self",
    "self",
    "crate",
    "super",
    "type",
    "match",
    "ref",
    "async",
    "mod",
    "fn",
    "impl",
    "Option",
    "Result",
    "String",
    "Box",
    "Vec",
    "Field",
    "Value",
    "Map",
    "Default",
    "Ok",
    "Err",
    "Some",
    "None",
    "Unrecognized",
    "registry",
    "Registry",
    "graph_rt",
    "graphRt",
    "std",
    "core",
    "alloc",
    "Clone",
    "Debug",
    "PartialEq",
    "Model",
    "Sized",
    "str",
    "u8",
    "i32",
    "iOS",
    "ios",
    "IOS",
    "iOs",
    "fooBar",
    "foo_bar",
    "FooBar",
    "FOO_BAR",
    "foo__bar",
    "anyWidget",
    "AnyWidget",
    "widget",
    "Widget",
    "2ndValue",
    "9",
    "0",
    "café",
    "Ωmega",
    "日本",
    "x",
    "X",
    "_",
    "__",
    "additionalProperties",
    "additional_properties",
    "r",
    "w",
    "map",
    "value",
    "id",
    "userId",
    "user_id",
    "UserId",
    "lib",
    "main",
    "build",
    "tests",
];

/// Property (and member) names only: not identifiers at all.
const PROPERTY_ONLY: &[&str] = &[
    "@odata.type",
    "@odata.id",
    "@microsoft.graph.conflictBehavior",
    "a b",
    "x-y",
    "dot.ted",
    "ünïcödé",
    "🦀",
];

const PRIMITIVES: &[&str] = &[
    "String",
    "Int32",
    "Int64",
    "Boolean",
    "DateTimeOffset",
    "Duration",
    "Guid",
    "Binary",
    "Double",
    "Stream",
    "Edm.Untyped",
];

fn name() -> impl Strategy<Value = String> {
    let one = proptest::sample::select(HOSTILE).prop_map(str::to_owned);
    prop_oneof![
        4 => one.clone(),
        1 => (one.clone(), one).prop_map(|(a, b)| format!("{a}{b}")),
        1 => (proptest::sample::select(HOSTILE), 0..100u32).prop_map(|(a, n)| format!("{a}{n}")),
    ]
}

fn property_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => name(),
        1 => proptest::sample::select(PROPERTY_ONLY).prop_map(str::to_owned),
    ]
}

#[derive(Debug, Clone)]
enum Target {
    Primitive(&'static str),
    Type(usize),
    Enum(usize),
}

#[derive(Debug, Clone)]
struct PropSpec {
    name: String,
    target: Target,
    collection: bool,
    navigation: bool,
    /// Written as a link to the page (`[x](tN.md)`) rather than as a qualified name.
    link: bool,
}

#[derive(Debug, Clone)]
struct TypeSpec {
    name: String,
    base: Option<usize>,
    entity: bool,
    properties: Vec<PropSpec>,
}

#[derive(Debug, Clone)]
struct EnumSpec {
    name: String,
    members: Vec<String>,
    values: bool,
}

#[derive(Debug, Clone)]
struct Spec {
    types: Vec<TypeSpec>,
    enums: Vec<EnumSpec>,
}

fn target(types: usize, enums: usize) -> BoxedStrategy<Target> {
    let prim = proptest::sample::select(PRIMITIVES).prop_map(Target::Primitive);
    let ty = (0..types).prop_map(Target::Type);
    if enums == 0 {
        prop_oneof![1 => prim, 2 => ty].boxed()
    } else {
        prop_oneof![1 => prim, 2 => ty, 1 => (0..enums).prop_map(Target::Enum)].boxed()
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (1..7usize, 0..4usize, any::<bool>()).prop_flat_map(|(nt, ne, chain)| {
        let prop = (
            property_name(),
            target(nt, ne),
            any::<bool>(),
            proptest::bool::weighted(0.2),
            any::<bool>(),
        )
            .prop_map(|(name, target, collection, navigation, link)| PropSpec {
                name,
                target,
                collection,
                navigation,
                link,
            });
        let ty = (
            name(),
            proptest::option::weighted(0.4, 0..nt),
            any::<bool>(),
            proptest::collection::vec(prop, 0..6),
        )
            .prop_map(|(name, base, entity, properties)| TypeSpec {
                name,
                base,
                entity,
                properties,
            });
        let en = (
            name(),
            proptest::collection::vec(property_name(), 0..5),
            any::<bool>(),
        )
            .prop_map(|(name, members, values)| EnumSpec {
                name,
                members,
                values,
            });
        (
            proptest::collection::vec(ty, nt),
            proptest::collection::vec(en, ne),
        )
            .prop_map(move |(mut types, enums)| {
                if chain {
                    // A deep inheritance chain: every type derives from the one before.
                    for (i, t) in types.iter_mut().enumerate() {
                        t.base = i.checked_sub(1);
                    }
                }
                Spec { types, enums }
            })
    })
}

/// The docs tree of a spec: one page per type (`resources/tN.md`) and per enum
/// (`resources/eN.md`).
fn pages(spec: &Spec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let type_cell = |p: &PropSpec| -> String {
        let base = match p.target {
            Target::Primitive(t) => t.to_string(),
            Target::Type(j) if p.link => format!("[{}](t{j}.md)", spec.types[j].name),
            Target::Type(j) => format!("microsoft.graph.{}", spec.types[j].name),
            Target::Enum(j) if p.link => format!("[{}](e{j}.md)", spec.enums[j].name),
            Target::Enum(j) => format!("microsoft.graph.{}", spec.enums[j].name),
        };
        if p.collection {
            format!("{base} collection")
        } else {
            base
        }
    };
    for (i, t) in spec.types.iter().enumerate() {
        let mut page = format!(
            "---\ntitle: \"{0} resource type\"\ndoc_type: resourcePageType\n---\n\n\
             # {0} resource type\n\nNamespace: microsoft.graph\n\nA hostile type.\n",
            t.name
        );
        if let Some(b) = t.base {
            let _ = writeln!(page, " Inherits from [{}](t{b}.md).", spec.types[b].name);
        }
        let (nav, plain): (Vec<&PropSpec>, Vec<&PropSpec>) =
            t.properties.iter().partition(|p| p.navigation);
        page.push_str("\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n");
        for p in &plain {
            let _ = writeln!(
                page,
                "| {} | {} | The {} property. |",
                p.name,
                type_cell(p),
                p.name
            );
        }
        if !nav.is_empty() {
            page.push_str(
                "\n## Relationships\n\n| Relationship | Type | Description |\n|:--|:--|:--|\n",
            );
            for p in &nav {
                let _ = writeln!(page, "| {} | {} | Navigation. |", p.name, type_cell(p));
            }
        }
        page.push_str("\n## JSON representation\n\n<!-- {\n  \"blockType\": \"resource\",\n");
        if t.entity {
            page.push_str("  \"keyProperty\": \"id\",\n");
        }
        if let Some(b) = t.base {
            let _ = writeln!(
                page,
                "  \"baseType\": \"microsoft.graph.{}\",",
                json_escape(&spec.types[b].name)
            );
        }
        let _ = writeln!(
            page,
            "  \"@odata.type\": \"microsoft.graph.{}\"\n}}-->\n\n```json\n{{",
            json_escape(&t.name)
        );
        let body: Vec<String> = plain
            .iter()
            .map(|p| format!("  \"{}\": \"String\"", json_escape(&p.name)))
            .collect();
        let _ = writeln!(page, "{}\n}}\n```", body.join(",\n"));
        out.push((format!("resources/t{i}.md"), page));
    }
    for (i, e) in spec.enums.iter().enumerate() {
        let mut page = format!(
            "---\ntitle: \"{0} enum type\"\ndoc_type: enumPageType\n---\n\n# {0} enum type\n\n\
             Namespace: microsoft.graph\n\nA hostile enum.\n\n## Members\n",
            e.name
        );
        if e.values {
            page.push_str("|Member|Value|Description|\n|:---|:---|:---|\n");
            for (v, m) in e.members.iter().enumerate() {
                let _ = writeln!(page, "|{m}|{v}|Member {m}.|");
            }
        } else {
            page.push_str("|Member|Description|\n|:---|:---|\n");
            for m in &e.members {
                let _ = writeln!(page, "|{m}|Member {m}.|");
            }
        }
        out.push((format!("resources/e{i}.md"), page));
    }
    out
}

fn json_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Emit, re-parse every file, and check that no scope declares a name twice.
fn check(pages: &[(String, String)]) -> Result<Vec<OutputFile>, String> {
    let api = generator::read_pages(pages);
    let files = generator::check::harness::emit_and_parse(&api).map_err(|e| e.to_string())?;
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let file = syn::parse_file(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
        unique_names(&file.items).map_err(|e| format!("{}: {e}\n{}", f.path, f.contents))?;
    }
    Ok(files)
}

fn unique_names(items: &[syn::Item]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    let mut claim = |name: String| -> Result<(), String> {
        if seen.insert(name.clone()) {
            Ok(())
        } else {
            Err(format!("`{name}` declared twice in one module"))
        }
    };
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                claim(s.ident.to_string())?;
                let mut fields = BTreeSet::new();
                for f in &s.fields {
                    if let Some(id) = &f.ident {
                        if !fields.insert(id.to_string()) {
                            return Err(format!("field `{id}` twice in `{}`", s.ident));
                        }
                    }
                }
            }
            syn::Item::Enum(e) => {
                claim(e.ident.to_string())?;
                let mut variants = BTreeSet::new();
                for v in &e.variants {
                    if !variants.insert(v.ident.to_string()) {
                        return Err(format!("variant `{}` twice in `{}`", v.ident, e.ident));
                    }
                }
            }
            syn::Item::Mod(m) => claim(format!("mod {}", m.ident))?,
            syn::Item::Use(u) => {
                let mut names = Vec::new();
                use_names(&u.tree, &mut names);
                for n in names {
                    claim(n)?;
                }
            }
            syn::Item::Fn(f) => claim(f.sig.ident.to_string())?,
            _ => {}
        }
    }
    Ok(())
}

fn use_names(tree: &syn::UseTree, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, out),
        syn::UseTree::Name(n) => out.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Failing cases are replayed from the seeds in proptest-regressions/.
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_trees_emit_valid_rust(spec in spec()) {
        let pages = pages(&spec);
        if let Err(e) = check(&pages) {
            let tree: String = pages.iter().map(|(p, t)| format!("==> {p} <==\n{t}")).collect();
            prop_assert!(false, "{e}\n--- docs tree ---\n{tree}");
        }
    }

    #[test]
    fn hostile_names_alone(names in proptest::collection::vec(property_name(), 1..12)) {
        // One type with every name as a property, and one enum with every name as a member.
        let spec = Spec {
            types: vec![TypeSpec {
                name: names[0].clone(),
                base: None,
                entity: true,
                properties: names.iter().map(|n| PropSpec {
                    name: n.clone(),
                    target: Target::Type(0),
                    collection: false,
                    navigation: false,
                    link: false,
                }).collect(),
            }],
            enums: vec![EnumSpec { name: names[0].clone(), members: names.clone(), values: false }],
        };
        let pages = pages(&spec);
        prop_assert!(check(&pages).is_ok(), "{:?}", check(&pages).err());
    }
}

/// Every hostile name at once, in one tree: the densest collisions.
#[test]
fn every_hostile_name_at_once() {
    let all: Vec<String> = HOSTILE
        .iter()
        .chain(PROPERTY_ONLY)
        .map(|s| s.to_string())
        .collect();
    let spec = everything(&all);
    if let Err(e) = check(&pages(&spec)) {
        panic!("{e}");
    }
}

/// A type per hostile name (each deriving from the one before), an enum per hostile name, and
/// every name as a property and member of them.
fn everything(all: &[String]) -> Spec {
    let n = HOSTILE.len();
    Spec {
        types: HOSTILE
            .iter()
            .enumerate()
            .map(|(i, name)| TypeSpec {
                name: name.to_string(),
                base: (i % 7 != 0).then(|| i - 1),
                entity: i % 2 == 0,
                properties: all
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| j % 5 == i % 5)
                    .map(|(j, p)| PropSpec {
                        name: p.clone(),
                        target: match j % 3 {
                            0 => Target::Type((i + j) % n),
                            1 => Target::Enum((i * j) % n),
                            _ => Target::Primitive("String"),
                        },
                        collection: j % 4 == 0,
                        navigation: j % 6 == 0,
                        link: j % 2 == 0,
                    })
                    .collect(),
            })
            .collect(),
        enums: HOSTILE
            .iter()
            .map(|name| EnumSpec {
                name: name.to_string(),
                members: all.to_vec(),
                values: name.len() % 2 == 0,
            })
            .collect(),
    }
}

/// A fixed-seed sample of generated trees (plus the every-name tree, `docs-input/sample` and
/// four arbitrary models) compiles: each case's
/// module goes into one scratch crate (`target/hostile-check/`), checked with `cargo check`
/// against the runtime in `runtime/`. Dependencies are those of the workspace's `Cargo.lock`,
/// so this works offline.
#[test]
fn a_sample_compiles() {
    let mut runner = TestRunner::deterministic();
    let strategy = spec();
    let mut cases: Vec<Vec<(String, String)>> = (0..6)
        .map(|_| {
            let spec = strategy
                .new_tree(&mut runner)
                .expect("a value tree")
                .current();
            pages(&spec)
        })
        .collect();
    let all: Vec<String> = HOSTILE
        .iter()
        .chain(PROPERTY_ONLY)
        .map(|s| s.to_string())
        .collect();
    cases.push(pages(&everything(&all)));

    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    // The whole of docs-input/sample, with its hostile pages.
    let sample = generator::DocsTree::load(&workspace.join("docs-input/sample")).expect("sample");
    cases.push(sample.pages);
    let mut emitted: Vec<Vec<OutputFile>> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| check(case).unwrap_or_else(|e| panic!("case {i}: {e}")))
        .collect();
    // Models built directly, with any characters in names and docs.
    let models = ir_api();
    for i in 0..4 {
        let api = models
            .new_tree(&mut runner)
            .expect("a value tree")
            .current();
        emitted.push(check_api(&api).unwrap_or_else(|e| panic!("model {i}: {e}")));
    }
    let scratch = workspace.join("target/hostile-check");
    let _ = std::fs::remove_dir_all(scratch.join("src"));
    let mut lib = String::new();
    // Code generated from pages must compile without a warning (CI denies them); models built
    // directly may break the resolver's invariants (duplicate members: unreachable patterns).
    let from_pages = cases.len();
    let mut manifest = None;
    for (i, files) in emitted.into_iter().enumerate() {
        for f in files {
            if f.path == "Cargo.toml" {
                manifest.get_or_insert(f.contents);
            } else if let Some(rest) = f.path.strip_prefix("src/beta/") {
                let mut contents = f.contents;
                // The dispatch table lives in the dispatch crate, whose modules mirror these:
                // compiled here as a module of the requests it calls.
                if rest == "requests/mod.rs" {
                    contents.push_str("pub mod dispatch;\n");
                }
                write(&scratch.join(format!("src/case{i}/{rest}")), &contents);
            } else if f.path == "dispatch/src/beta/requests/dispatch.rs" {
                write(
                    &scratch.join(format!("src/case{i}/requests/dispatch.rs")),
                    &f.contents,
                );
            }
        }
        let lint = if i < from_pages { "deny" } else { "allow" };
        let _ = writeln!(lib, "#[{lint}(warnings)]\npub mod case{i};");
    }
    write(&scratch.join("src/lib.rs"), &lib);
    let runtime = workspace.join("runtime/core");
    // Only the modules are copied: the crate's examples are not.
    let manifest = manifest
        .expect("a Cargo.toml")
        .replace(
            "path = \"graph-rt/core\"",
            &format!("path = {:?}", runtime.display().to_string()),
        )
        .replace("members = [\"dispatch\", \"sdk\"]\n", "");
    write(&scratch.join("Cargo.toml"), &manifest);
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).expect("Cargo.lock");
    write(&scratch.join("Cargo.lock"), &lock);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(&scratch)
        .args([
            "check",
            "--offline",
            "--quiet",
            "--all-features",
            "--target-dir",
        ])
        .arg(target_dir(&workspace))
        .output()
        .expect("cargo check runs");
    assert!(
        out.status.success(),
        "the generated sample does not compile (crate in {}):\n{}",
        scratch.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn target_dir(workspace: &Path) -> PathBuf {
    workspace.join("target/hostile-check-target")
}

fn write(path: &Path, contents: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("scratch folder");
    }
    std::fs::write(path, contents).expect("scratch file");
}

/// Any text: hostile names, and arbitrary characters (controls, `\r`, quotes, `*/`, unicode).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => name(),
        1 => proptest::sample::select(PROPERTY_ONLY).prop_map(str::to_owned),
        2 => proptest::collection::vec(any::<char>(), 0..12)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
        1 => proptest::sample::select(&["\r", "a\rb", "*/", "/*", "\"", "\\", "#", "\n\n", "```", "]]", "\u{0}", "\u{feff}"][..])
            .prop_map(str::to_owned),
    ]
}

const NAMESPACES: &[&str] = &[
    "microsoft.graph",
    "microsoft.graph.callRecords",
    "microsoft.graph.Self",
    "a.b",
    "",
    "x",
    "Ωmega.日本",
];

/// A model built directly (not read from pages), so that it can hold what no page would give
/// the emitter: any characters in names and descriptions, namespaces of any shape, a base that
/// is the type itself, types referring to names nothing defines.
fn ir_api() -> impl Strategy<Value = generator::Api> {
    use generator::ir::{EnumDef, EnumMember, Property, Source, TypeDef, TypeKind};
    (1..6usize, 0..4usize).prop_flat_map(|(nt, ne)| {
        let names = (
            proptest::collection::vec((proptest::sample::select(NAMESPACES), text()), nt),
            proptest::collection::vec((proptest::sample::select(NAMESPACES), text()), ne),
        );
        names.prop_flat_map(move |(tnames, enames)| {
            let mut refs: Vec<String> = tnames
                .iter()
                .chain(&enames)
                .map(|(ns, n)| format!("{ns}.{n}"))
                .collect();
            refs.extend(PRIMITIVES.iter().map(|p| format!("Edm.{p}")));
            refs.push("microsoft.graph.nothing".into());
            refs.push(String::new());
            let source = |file: String| Source::new(file, 1);
            let prop = (
                text(),
                proptest::sample::select(refs.clone()),
                any::<bool>(),
                any::<bool>(),
                text(),
            )
                .prop_map(
                    move |(name, ty, collection, navigation, description)| Property {
                        name,
                        ty: generator::ir::TypeRef::new(ty, collection),
                        navigation,
                        description,
                        read_only: false,
                        deprecated: false,
                        possible_values: Vec::new(),
                        inherited_from: None,
                        from_json: false,
                        source: source("resources/x.md".into()),
                    },
                )
                .boxed();
            let qualified: Vec<String> = tnames.iter().map(|(ns, n)| format!("{ns}.{n}")).collect();
            let types: Vec<_> = tnames
                .iter()
                .map(|(ns, n)| {
                    (
                        Just((ns.to_string(), n.clone())),
                        proptest::option::of(proptest::sample::select(qualified.clone())),
                        proptest::collection::vec(prop.clone(), 0..6),
                        text(),
                        text(),
                    )
                        .prop_map(
                            |((namespace, name), base, properties, description, file)| TypeDef {
                                name,
                                namespace,
                                kind: TypeKind::Entity,
                                base: base.map(generator::ir::QualifiedName::new),
                                key: Some("id".into()),
                                open: false,
                                r#abstract: false,
                                media_entity: false,
                                description,
                                properties,
                                sources: vec![Source::new(file, 1)],
                            },
                        )
                })
                .collect();
            let enums: Vec<_> = enames
                .iter()
                .map(|(ns, n)| {
                    (
                        Just((ns.to_string(), n.clone())),
                        proptest::collection::vec(
                            (text(), proptest::option::of(any::<i64>()), text()),
                            0..6,
                        ),
                        any::<bool>(),
                        text(),
                    )
                        .prop_map(
                            |((namespace, name), members, flags, description)| EnumDef {
                                name,
                                namespace,
                                flags,
                                description,
                                members: members
                                    .into_iter()
                                    .map(|(name, value, description)| EnumMember {
                                        name,
                                        value,
                                        description,
                                    })
                                    .collect(),
                                sources: vec![Source {
                                    file: "resources/e.md".into(),
                                    line: 1,
                                }],
                            },
                        )
                })
                .collect();
            (types, enums).prop_map(|(mut types, mut enums)| {
                // The resolver's invariant: one definition per qualified name, sorted.
                types.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                types.dedup_by(|a, b| a.namespace == b.namespace && a.name == b.name);
                enums.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                enums.dedup_by(|a, b| a.namespace == b.namespace && a.name == b.name);
                generator::Api {
                    types,
                    enums,
                    operations: Vec::new(),
                    diagnostics: Vec::new(),
                }
            })
        })
    })
}

/// Emit a model, re-parse every file, check that no scope declares a name twice.
fn check_api(api: &generator::Api) -> Result<Vec<OutputFile>, String> {
    let files = generator::check::harness::emit_and_parse(api).map_err(|e| e.to_string())?;
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let file = syn::parse_file(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
        unique_names(&file.items).map_err(|e| format!("{}: {e}\n{}", f.path, f.contents))?;
    }
    Ok(files)
}

proptest! {
    #[test]
    fn arbitrary_models_emit_valid_rust(api in ir_api()) {
        if let Err(e) = check_api(&api) {
            prop_assert!(false, "{e}\n--- model ---\n{api:#?}");
        }
    }
}
