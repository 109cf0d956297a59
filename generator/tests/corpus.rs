//! Corpus tests: read the four real docs trees (the pinned 2021-07 pages in `docs-input/`, the
//! 2018-04 ones in `../shared/graph-docs`) and check the model against figures and against
//! independent scans of the raw text.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use generator::ir::{Api, TypeKind};
use generator::DocsTree;

struct Corpus {
    tree: DocsTree,
    api: Api,
}

/// A corpus read once per test binary; `None` when it is not on this machine (see `support`).
fn corpus(name: &'static str) -> Option<&'static Corpus> {
    static CACHE: OnceLock<std::sync::Mutex<BTreeMap<&'static str, &'static Corpus>>> =
        OnceLock::new();
    let dir = support::docs(name)?;
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().expect("cache lock");
    Some(cache.entry(name).or_insert_with(|| {
        let tree = DocsTree::load(&dir)
            .unwrap_or_else(|e| panic!("the {name} docs at {}: {e}", dir.display()));
        let api = generator::read_tree(&tree);
        Box::leak(Box::new(Corpus { tree, api }))
    }))
}

const CORPORA: [&str; 4] = [
    "2021-07/beta",
    "2021-07/v1.0",
    "2018-04/beta",
    "2018-04/v1.0",
];

#[test]
fn counts_are_in_expected_ranges() {
    // (corpus, types, enums, operations): ranges around the measured figures.
    let expected = [
        ("2021-07/beta", 2250..2400, 700..900, 9000..9700),
        ("2021-07/v1.0", 950..1050, 280..360, 3500..3900),
        ("2018-04/beta", 880..980, 220..280, 4600..5000),
        ("2018-04/v1.0", 450..520, 0..40, 2350..2650),
    ];
    for (name, types, enums, ops) in expected {
        let Some(Corpus { api, .. }) = corpus(name) else {
            continue;
        };
        assert!(
            types.contains(&api.types.len()),
            "{name}: {} types",
            api.types.len()
        );
        assert!(
            enums.contains(&api.enums.len()),
            "{name}: {} enums",
            api.enums.len()
        );
        assert!(
            ops.contains(&api.operations.len()),
            "{name}: {} operations",
            api.operations.len()
        );
    }
}

/// `@odata.type` of every `"blockType": "resource"` comment, by a plain text scan.
fn annotated_resource_types(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        let after = &rest[start + 4..];
        let end = after.find("-->").unwrap_or(after.len());
        let comment = &after[..end];
        rest = &after[end..];
        let compact: String = comment.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.contains("\"blockType\":\"resource\"") {
            continue;
        }
        for key in ["\"@odata.type\":\"", "\"@type\":\""] {
            if let Some(i) = compact.find(key) {
                let v = &compact[i + key.len()..];
                let v = &v[..v.find('"').unwrap_or(v.len())];
                out.push(v.trim_start_matches('#').to_string());
                break;
            }
        }
    }
    out
}

#[test]
fn every_resource_annotation_yields_a_type() {
    for name in CORPORA {
        let Some(c) = corpus(name) else {
            continue;
        };
        let known: BTreeSet<String> = c
            .api
            .types
            .iter()
            .map(|t| t.qualified_name().to_ascii_lowercase())
            .collect();
        let mut missing = Vec::new();
        let mut seen = 0;
        for (file, text) in &c.tree.pages {
            for t in annotated_resource_types(text) {
                seen += 1;
                let q = if t.contains('.') {
                    t.clone()
                } else {
                    format!("microsoft.graph.{t}")
                }
                .to_ascii_lowercase();
                let q = q.replace("microsoft.graph.microsoft.graph.", "microsoft.graph.");
                if !known.contains(&q)
                    && !known
                        .iter()
                        .any(|k| k.ends_with(&format!(".{}", t.to_ascii_lowercase())))
                {
                    missing.push(format!("{file}: {t}"));
                }
            }
        }
        assert!(seen > 400, "{name}: only {seen} resource annotations");
        assert!(
            missing.is_empty(),
            "{name}: annotated types missing from the model: {missing:#?}"
        );
    }
}

/// (file, line) of every `VERB path` line inside a fence below an "HTTP request" heading, by a
/// plain line scan.
fn request_lines(file: &str, text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut in_section = false;
    let mut fence: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start_matches('\u{feff}').trim();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) && t.trim_start_matches(['`', '~']).trim().is_empty() {
                fence = None;
            } else if in_section {
                let verb = ["GET", "POST", "PATCH", "PUT", "DELETE"]
                    .iter()
                    .find(|v| t.starts_with(*v));
                if let Some(v) = verb {
                    let rest = t[v.len()..].trim_start();
                    if (rest.starts_with('/')
                        || rest.starts_with("http")
                        || rest.starts_with('{')
                        || rest.chars().next().is_some_and(char::is_alphabetic))
                        && !rest.contains('*')
                        && !rest.contains(' ')
                    {
                        out.push((file.to_string(), n as u32 + 1));
                    }
                }
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
            continue;
        }
        if t.starts_with('#') && !t.contains("](#tab/") {
            in_section = t
                .trim_start_matches('#')
                .trim()
                .to_ascii_lowercase()
                .starts_with("http request");
        }
    }
    out
}

#[test]
fn every_request_line_yields_an_operation() {
    for name in CORPORA {
        let Some(c) = corpus(name) else {
            continue;
        };
        let have: BTreeSet<(String, u32)> = c
            .api
            .operations
            .iter()
            .map(|o| (o.source.file.to_string(), o.source.line))
            .collect();
        let mut expected = 0;
        let mut missing = Vec::new();
        for (file, text) in &c.tree.pages {
            for at in request_lines(file, text) {
                expected += 1;
                if !have.contains(&at) {
                    missing.push(format!("{}:{}", at.0, at.1));
                }
            }
        }
        assert!(expected > 2000, "{name}: only {expected} request lines");
        assert!(
            missing.is_empty(),
            "{name}: {} of {expected} request lines yield no operation: {:#?}",
            missing.len(),
            &missing[..missing.len().min(30)]
        );
    }
}

/// Every resolved property, parameter, body and response type is a known primitive or a type, enum or name
/// of the docs; an `Edm.` name never falls through to a named type, and a named type that is
/// neither a type nor an enum of the model is one that no page defines (then untyped JSON).
#[test]
fn type_references_are_primitives_or_names() {
    use generator::ir::ElementType;
    for name in CORPORA {
        let Some(Corpus { api, .. }) = corpus(name) else {
            continue;
        };
        let defined: BTreeSet<String> = api
            .types
            .iter()
            .map(|t| String::from(t.qualified_name()))
            .chain(api.enums.iter().map(|e| String::from(e.qualified_name())))
            .collect();
        let refs = api
            .types
            .iter()
            .flat_map(|t| t.properties.iter().map(|p| (&p.ty, &p.source)))
            .chain(
                api.operations
                    .iter()
                    .flat_map(|o| o.parameters.iter().map(|p| (&p.ty, &p.source))),
            )
            .chain(api.operations.iter().flat_map(|o| {
                let body_and_answer = o.request_type.iter().chain(&o.response_type);
                body_and_answer.map(|t| (t, &o.source))
            }));
        let (mut primitives, mut named, mut undefined) = (0, 0, 0);
        for (ty, source) in refs {
            match &ty.element {
                ElementType::Primitive(_) => primitives += 1,
                ElementType::Named(n) => {
                    assert!(!n.starts_with("Edm."), "{name} {source}: `{n}`");
                    if defined.contains(n.as_str()) {
                        named += 1;
                    } else {
                        undefined += 1;
                    }
                }
            }
        }
        assert!(
            primitives > 1000 && named > 1000,
            "{name}: {primitives} {named}"
        );
        // Names no page defines are few (under 5%: the docs' own mistakes, which `resolve`
        // reports).
        eprintln!("{name}: {primitives} primitive, {named} named, {undefined} undefined");
        assert!(
            undefined * 20 < named,
            "{name}: {undefined} undefined of {named}"
        );
    }
}

#[test]
fn every_inline_enum_list_yields_members() {
    for name in CORPORA {
        let Some(Corpus { api, .. }) = corpus(name) else {
            continue;
        };
        let enums: BTreeMap<String, BTreeSet<String>> = api
            .enums
            .iter()
            .map(|e| {
                (
                    String::from(e.qualified_name()),
                    e.members
                        .iter()
                        .map(|m| m.name.to_ascii_lowercase())
                        .collect(),
                )
            })
            .collect();
        let mut lists = 0;
        for t in &api.types {
            for p in t
                .properties
                .iter()
                .filter(|p| !p.possible_values.is_empty())
            {
                lists += 1;
                if let Some(members) = enums.get(p.ty.name()) {
                    for v in &p.possible_values {
                        assert!(
                            members.contains(&v.to_ascii_lowercase()),
                            "{name}: {}.{}: `{v}` missing from {}",
                            t.name,
                            p.name,
                            p.ty.name()
                        );
                    }
                }
            }
        }
        assert!(lists > 200, "{name}: only {lists} inline lists read");
    }
}

#[test]
fn seed_type_and_enums_are_as_the_seed_page_describes() {
    for name in ["2018-04/beta", "2021-07/beta"] {
        let Some(Corpus { api, .. }) = corpus(name) else {
            continue;
        };
        let ty = api
            .types
            .iter()
            .find(|t| t.name == "managedDeviceCertificateState")
            .expect("managedDeviceCertificateState");
        assert_eq!(ty.namespace, "microsoft.graph");
        assert_eq!(ty.kind, TypeKind::Entity);
        assert_eq!(ty.key.as_deref(), Some("id"));
        let seed = [
            ("id", "Edm.String"),
            ("devicePlatform", "microsoft.graph.devicePlatformType"),
            ("certificateKeyUsage", "microsoft.graph.keyUsages"),
            ("certificateProfileDisplayName", "Edm.String"),
            ("deviceDisplayName", "Edm.String"),
            ("userDisplayName", "Edm.String"),
            ("serverUrl", "Edm.String"),
            ("certificateExpirationDateTime", "Edm.DateTimeOffset"),
            ("lastCertificateStateChangeDateTime", "Edm.DateTimeOffset"),
            ("certificateIssuer", "Edm.String"),
            ("certificateThumbprint", "Edm.String"),
            ("certificateSerialNumber", "Edm.String"),
            ("certificateKeyLength", "Edm.Int32"),
            ("enhancedKeyUsage", "Edm.String"),
        ];
        // 2021 dropped `serverUrl` and added properties; what remains keeps its type.
        let mut found = 0;
        for (prop, ty_name) in seed {
            let Some(p) = ty.properties.iter().find(|p| p.name == prop) else {
                assert_ne!(name, "2018-04/beta", "property {prop}");
                continue;
            };
            found += 1;
            assert_eq!(p.ty.name(), ty_name, "{name}: {prop}");
            assert!(!p.ty.collection && !p.navigation, "{name}: {prop}");
        }
        assert!(found >= 12, "{name}: {found} seed properties");
        if name == "2018-04/beta" {
            let names: Vec<&str> = ty.properties.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, seed.iter().map(|s| s.0).collect::<Vec<_>>());
        }
        let members = |e: &str| -> Vec<(String, Option<i64>)> {
            api.enums
                .iter()
                .find(|x| x.name == e && x.namespace == "microsoft.graph")
                .unwrap_or_else(|| panic!("{name}: enum {e}"))
                .members
                .iter()
                .map(|m| (m.name.clone(), m.value))
                .collect()
        };
        let platform = members("devicePlatformType");
        for (i, m) in [
            "android",
            "androidForWork",
            "iOS",
            "macOS",
            "windowsPhone81",
            "windows81AndLater",
            "windows10AndLater",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(platform[i], (m.to_string(), Some(i as i64)), "{name}");
        }
        assert_eq!(
            members("keyUsages"),
            vec![
                ("keyEncipherment".to_string(), Some(1)),
                ("digitalSignature".to_string(), Some(2))
            ]
        );
        // The seed page's seven POST paths, read from the seed itself: each is a create
        // operation with its body and response type and its documented status.
        let Some(seed) = support::shared("seeds/000_49b67a203148ac3b.txt") else {
            continue;
        };
        let seed_page = std::fs::read_to_string(seed).expect("seed page");
        let seed_paths: Vec<&str> = seed_page
            .lines()
            .filter_map(|l| l.strip_prefix("POST /"))
            .map(|p| p.trim())
            .collect();
        assert_eq!(seed_paths.len(), 7);
        let creates: Vec<_> = api
            .operations
            .iter()
            .filter(|o| {
                o.source.file.contains("manageddevicecertificatestate")
                    && o.source.file.contains("create")
            })
            .collect();
        // 2021 lists 22 paths (other profile types); the seed's 2018 page lists exactly 7.
        assert!(creates.len() >= 7, "{name}: {} create paths", creates.len());
        for op in creates {
            assert_eq!(op.kind, generator::ir::OperationKind::Create);
            assert_eq!(op.status, Some(201));
        }
        if name != "2018-04/beta" {
            continue;
        }
        for path in seed_paths {
            let op = api
                .operations
                .iter()
                .find(|o| o.method.as_str() == "POST" && o.path == format!("/{path}"))
                .unwrap_or_else(|| panic!("{name}: no operation POST /{path}"));
            assert_eq!(op.kind, generator::ir::OperationKind::Create);
            assert_eq!(op.status, Some(201));
            assert_eq!(
                op.request_name(),
                Some("microsoft.graph.managedDeviceCertificateState")
            );
            assert_eq!(
                op.response_name(),
                Some("microsoft.graph.managedDeviceCertificateState")
            );
            assert!(op
                .parameters
                .iter()
                .any(|p| p.name == "certificateKeyUsage"));
        }
    }
}

/// The request builders generated from the seed's own docs (2018-04 beta) reach all seven of
/// its POST paths: `root().device_management().device_configurations().item(id)`, a cast, the
/// collection, then `create(&body)`.
#[test]
fn seed_post_paths_have_typed_builders() {
    let (Some(c), Some(seed)) = (
        corpus("2018-04/beta"),
        support::shared("seeds/000_49b67a203148ac3b.txt"),
    ) else {
        return;
    };
    let routes = generator::emit::routes(&generator::emit::Version {
        name: "beta",
        api: &c.api,
    });
    let seed_page = std::fs::read_to_string(seed).expect("seed page");
    let mut seen = 0;
    for path in seed_page.lines().filter_map(|l| l.strip_prefix("POST /")) {
        seen += 1;
        let op = c
            .api
            .operations
            .iter()
            .find(|o| o.method.as_str() == "POST" && o.path == format!("/{}", path.trim()))
            .unwrap_or_else(|| panic!("no operation POST /{path}"));
        let route = routes
            .get(&generator::ir::route::route_key(op))
            .unwrap_or_else(|| panic!("no builder for POST /{path}"));
        let methods: Vec<&str> = route.calls.iter().map(|c| c.method.as_str()).collect();
        assert_eq!(
            &methods[..3],
            ["device_management", "device_configurations", "item"],
            "{path}"
        );
        assert_eq!(methods.last(), Some(&"create"), "{path}");
        assert!(
            methods
                .iter()
                .any(|m| m.ends_with("scep_certificate_profile")),
            "{path}: {methods:?}"
        );
    }
    assert_eq!(seen, 7);
}

#[test]
fn output_is_deterministic() {
    let c = corpus("2021-07/v1.0").expect("the pinned docs");
    let again = generator::read_tree(&c.tree);
    let a = serde_json::to_string(&c.api).expect("json");
    let b = serde_json::to_string(&again).expect("json");
    assert!(a == b, "two reads of the same tree differ");
}

/// The pinned pages in `docs-input/` are the 2021-07 docs unchanged: the same files, byte for
/// byte, as the copy of that commit in `../shared` (where it is beside the checkout).
#[test]
fn pinned_pages_are_the_2021_07_docs_unchanged() {
    fn files(dir: &std::path::Path, rel: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir.join(rel)).expect("a docs folder") {
            let entry = entry.expect("an entry");
            let name = format!("{rel}/{}", entry.file_name().to_string_lossy());
            if entry.file_type().expect("a type").is_dir() {
                files(dir, &name, out);
            } else {
                out.insert(name, std::fs::read(entry.path()).expect("a page"));
            }
        }
    }
    let Some(shared) = support::shared("graph-docs/2021-07") else {
        return;
    };
    for version in ["v1.0", "beta"] {
        let pinned = support::docs(&format!("2021-07/{version}")).expect("the pinned docs");
        let (mut ours, mut theirs) = (BTreeMap::new(), BTreeMap::new());
        for folder in ["api", "resources"] {
            files(&pinned, folder, &mut ours);
            files(&shared.join(version), folder, &mut theirs);
        }
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{version}: the same pages"
        );
        for (name, bytes) in &ours {
            assert!(bytes == &theirs[name], "{version}/{name} differs");
        }
        assert!(ours.len() > 1000, "{version}: {} pages", ours.len());
    }
}
