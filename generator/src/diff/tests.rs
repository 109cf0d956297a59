use std::sync::Arc;

use super::*;
use crate::ir::{EnumMember, HttpMethod, OperationKind, Parameter, TypeKind};

fn src(file: &str, line: u32) -> Source {
    Source::new(file, line)
}

fn prop(name: &str, ty: &str, collection: bool, file: &str) -> Property {
    Property {
        name: name.into(),
        ty: crate::ir::TypeRef::new(ty, collection),
        navigation: false,
        description: String::new(),
        read_only: false,
        deprecated: false,
        possible_values: Vec::new(),
        inherited_from: None,
        from_json: false,
        source: src(file, 10),
    }
}

fn ty(name: &str, base: Option<&str>, properties: Vec<Property>, file: &str) -> TypeDef {
    TypeDef {
        name: name.into(),
        namespace: "microsoft.graph".into(),
        kind: TypeKind::Entity,
        base: base.map(crate::ir::QualifiedName::new),
        key: Some("id".into()),
        open: false,
        r#abstract: false,
        media_entity: false,
        description: String::new(),
        properties,
        sources: vec![src(file, 1)],
    }
}

fn en(name: &str, flags: bool, members: &[&str], file: &str) -> EnumDef {
    EnumDef {
        name: name.into(),
        namespace: "microsoft.graph".into(),
        flags,
        description: String::new(),
        members: members
            .iter()
            .map(|m| EnumMember {
                name: (*m).into(),
                value: None,
                description: String::new(),
            })
            .collect(),
        sources: vec![src(file, 1)],
    }
}

fn op(method: HttpMethod, segments: Vec<Segment>, response: Option<&str>, file: &str) -> Operation {
    Operation {
        method,
        path: String::from("/x"),
        segments,
        query: None,
        kind: OperationKind::Get,
        title: Arc::from(""),
        description: Arc::from(""),
        request_type: None,
        parameters: Arc::from(Vec::<Parameter>::new()),
        response_type: response.map(|t| crate::ir::TypeRef::new(t, false)),
        status: Some(200),
        headers: Arc::from(Vec::new()),
        query_options: Arc::from(Vec::new()),
        permissions: Arc::from(Vec::new()),
        examples: Vec::new(),
        source: src(file, 5),
        walk: None,
        disagreements: Vec::new(),
        alias_of: None,
    }
}

fn lit(name: &str) -> Segment {
    Segment::Literal { name: name.into() }
}

fn key(name: &str) -> Segment {
    Segment::Key { name: name.into() }
}

fn api(types: Vec<TypeDef>, enums: Vec<EnumDef>, operations: Vec<Operation>) -> Api {
    Api {
        types,
        enums,
        operations,
        diagnostics: Vec::new(),
    }
}

fn only(diff: &ApiDiff) -> &Entry {
    assert_eq!(diff.entries.len(), 1, "{:#?}", diff.entries);
    &diff.entries[0]
}

#[test]
fn moved_page_with_the_same_type_gives_no_entry() {
    let old = api(
        vec![ty(
            "widget",
            None,
            vec![prop(
                "name",
                "Edm.String",
                false,
                "resources/intune_widget.md",
            )],
            "resources/intune_widget.md",
        )],
        vec![en("color", false, &["red"], "resources/intune_color.md")],
        vec![op(
            HttpMethod::Get,
            vec![lit("widgets"), key("id")],
            Some("microsoft.graph.widget"),
            "api/intune_widget_get.md",
        )],
    );
    let new = api(
        vec![ty(
            "widget",
            None,
            vec![prop(
                "name",
                "Edm.String",
                false,
                "resources/intune-widget.md",
            )],
            "resources/intune-widget.md",
        )],
        vec![en("color", false, &["red"], "resources/intune-color.md")],
        vec![op(
            HttpMethod::Get,
            vec![lit("widgets"), key("widget-id")],
            Some("microsoft.graph.widget"),
            "api/intune-widget-get.md",
        )],
    );
    let diff = ApiDiff::new(&old, &new);
    assert!(diff.is_empty(), "{:#?}", diff.entries);
}

#[test]
fn types_added_and_removed() {
    let base = ty("entity", None, vec![], "resources/entity.md");
    let old = api(
        vec![base.clone(), ty("gone", None, vec![], "resources/gone.md")],
        vec![],
        vec![],
    );
    let new = api(
        vec![
            base,
            ty("fresh", None, vec![], "resources/fresh.md"),
            ty(
                "derived",
                Some("microsoft.graph.entity"),
                vec![],
                "resources/derived.md",
            ),
        ],
        vec![],
        vec![],
    );
    let diff = ApiDiff::new(&old, &new);
    let e: Vec<(Change, &str, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.change, e.name.as_str(), e.breaking))
        .collect();
    assert_eq!(
        e,
        [
            // A new variant of the base's `#[non_exhaustive]` `Any…` enum: additive.
            (Change::Added, "microsoft.graph.derived", false),
            (Change::Added, "microsoft.graph.fresh", false),
            (Change::Removed, "microsoft.graph.gone", true),
        ]
    );
    assert_eq!(diff.entries[2].old, Some(src("resources/gone.md", 1)));
    assert_eq!(diff.entries[2].new, None);
}

#[test]
fn base_change_is_breaking() {
    let old = api(vec![ty("a", None, vec![], "a.md")], vec![], vec![]);
    let new = api(
        vec![ty("a", Some("microsoft.graph.b"), vec![], "a.md")],
        vec![],
        vec![],
    );
    let diff = ApiDiff::new(&old, &new);
    let e = only(&diff);
    assert_eq!(
        (e.kind, e.change, e.breaking),
        (ItemKind::Type, Change::Changed, true)
    );
    assert_eq!(e.details[0].what, "base");
}

#[test]
fn properties_added_removed_retyped() {
    let old = api(
        vec![ty(
            "a",
            None,
            vec![
                prop("kept", "Edm.String", false, "a.md"),
                prop("gone", "Edm.String", false, "a.md"),
                prop("retyped", "Edm.String", false, "a.md"),
                prop("many", "Edm.String", false, "a.md"),
                prop("small", "Edm.Int16", false, "a.md"),
            ],
            "a.md",
        )],
        vec![],
        vec![],
    );
    let new = api(
        vec![ty(
            "a",
            None,
            vec![
                prop("kept", "Edm.String", false, "a.md"),
                prop("retyped", "Edm.Int32", false, "a.md"),
                prop("many", "Edm.String", true, "a.md"),
                prop("small", "Edm.SByte", false, "a.md"),
                prop("added", "Edm.Boolean", false, "a.md"),
            ],
            "a.md",
        )],
        vec![],
        vec![],
    );
    let diff = ApiDiff::new(&old, &new);
    let e: Vec<(Change, &str, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.change, e.name.as_str(), e.breaking))
        .collect();
    assert_eq!(
        e,
        [
            (Change::Added, "microsoft.graph.a.added", false),
            (Change::Removed, "microsoft.graph.a.gone", true),
            (Change::Changed, "microsoft.graph.a.many", true),
            (Change::Changed, "microsoft.graph.a.retyped", true),
            // Edm.Int16 and Edm.SByte are both i16.
            (Change::Changed, "microsoft.graph.a.small", false),
        ]
    );
    assert!(
        diff.entries[2].reason.contains("`Vec<String>`"),
        "{:?}",
        diff.entries[2]
    );
}

#[test]
fn inherited_properties_are_reported_at_the_declaring_type() {
    let mut inherited = prop("extra", "Edm.String", false, "base.md");
    inherited.inherited_from = Some("microsoft.graph.base".into());
    let old = api(
        vec![
            ty("base", None, vec![], "base.md"),
            ty("child", Some("microsoft.graph.base"), vec![], "child.md"),
        ],
        vec![],
        vec![],
    );
    let new = api(
        vec![
            ty(
                "base",
                None,
                vec![prop("extra", "Edm.String", false, "base.md")],
                "base.md",
            ),
            ty(
                "child",
                Some("microsoft.graph.base"),
                vec![inherited],
                "child.md",
            ),
        ],
        vec![],
        vec![],
    );
    let diff = ApiDiff::new(&old, &new);
    assert_eq!(only(&diff).name, "microsoft.graph.base.extra");
}

#[test]
fn enums_and_members() {
    let old = api(
        vec![],
        vec![
            en("color", false, &["red", "green"], "color.md"),
            en("usage", false, &["a"], "usage.md"),
            en("old", false, &[], "old.md"),
        ],
        vec![],
    );
    let new = api(
        vec![],
        vec![
            en("color", false, &["red", "blue"], "color.md"),
            en("usage", true, &["a"], "usage.md"),
            en("new", false, &[], "new.md"),
        ],
        vec![],
    );
    let diff = ApiDiff::new(&old, &new);
    let e: Vec<(ItemKind, Change, &str, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.kind, e.change, e.name.as_str(), e.breaking))
        .collect();
    assert_eq!(
        e,
        [
            (ItemKind::Enum, Change::Added, "microsoft.graph.new", false),
            (ItemKind::Enum, Change::Removed, "microsoft.graph.old", true),
            (
                ItemKind::Enum,
                Change::Changed,
                "microsoft.graph.usage",
                true
            ),
            (
                ItemKind::Member,
                Change::Added,
                "microsoft.graph.color.blue",
                false // the enums are `#[non_exhaustive]`
            ),
            (
                ItemKind::Member,
                Change::Removed,
                "microsoft.graph.color.green",
                true
            ),
        ]
    );
}

#[test]
fn operations_keyed_by_normalized_path() {
    let old = api(
        vec![],
        vec![],
        vec![
            op(
                HttpMethod::Get,
                vec![lit("users"), key("id")],
                Some("microsoft.graph.user"),
                "u.md",
            ),
            op(
                HttpMethod::Delete,
                vec![lit("users"), key("id")],
                None,
                "d.md",
            ),
        ],
    );
    let new = api(
        vec![],
        vec![],
        vec![
            op(
                HttpMethod::Get,
                vec![lit("Users"), key("user-id")],
                Some("microsoft.graph.person"),
                "u.md",
            ),
            op(HttpMethod::Post, vec![lit("users")], None, "p.md"),
        ],
    );
    let diff = ApiDiff::new(&old, &new);
    let e: Vec<(Change, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.change, e.breaking))
        .collect();
    assert_eq!(
        e,
        [
            (Change::Removed, true),
            (Change::Changed, true),
            (Change::Added, false)
        ],
        "{:#?}",
        diff.entries
    );
    assert_eq!(diff.entries[1].details[0].what, "response");
    // The filter keeps operations that take or return the type.
    assert_eq!(diff.for_type("person").entries.len(), 1);
    assert_eq!(diff.for_type("microsoft.graph.user").entries.len(), 1);
}

#[test]
fn totals_and_reports() {
    let old = api(vec![ty("a", None, vec![], "a.md")], vec![], vec![]);
    let new = api(vec![ty("b", None, vec![], "b.md")], vec![], vec![]);
    let diff = ApiDiff::new(&old, &new);
    let totals = diff.totals();
    assert_eq!(
        totals[0],
        (
            ItemKind::Type,
            Totals {
                added: 1,
                removed: 1,
                changed: 0,
                breaking: 1
            }
        )
    );
    let labels = report::Labels {
        old: "old".into(),
        new: "new".into(),
    };
    let md = report::markdown(&diff, &labels);
    assert!(
        md.contains(
            "- **breaking** removed `microsoft.graph.a` (entity) — the struct is removed — \
             old `a.md:1` · new —"
        ),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report::json(&diff, &labels).expect("json")).expect("parses");
    assert_eq!(json["totals"][0]["added"], 1);
    assert_eq!(json["entries"][0]["change"], "removed");
}

#[test]
fn action_parameters_and_renames() {
    let param = |name: &str, ty: &str, required: bool| Parameter {
        name: name.into(),
        ty: crate::ir::TypeRef::new(ty, false),
        required,
        description: String::new(),
        possible_values: Vec::new(),
        source: src("a.md", 30),
    };
    let action = |params: Vec<Parameter>| {
        let mut o = op(
            HttpMethod::Post,
            vec![lit("widgets"), key("id"), lit("activate")],
            None,
            "a.md",
        );
        o.kind = OperationKind::Action;
        o.parameters = Arc::from(params);
        o
    };
    let old = api(
        vec![ty("widgetpart", None, vec![], "w.md")],
        vec![en("color", false, &["red"], "c.md")],
        vec![action(vec![param("level", "Edm.Int32", true)])],
    );
    let mut new_enum = en("color", false, &["Red"], "c.md");
    new_enum.members[0].value = Some(1);
    let new = api(
        vec![ty("widgetPart", None, vec![], "w.md")],
        vec![new_enum],
        vec![action(vec![
            param("level", "Edm.Int32", true),
            param("force", "Edm.Boolean", false),
        ])],
    );
    let diff = ApiDiff::new(&old, &new);
    let e: Vec<(ItemKind, Change, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.kind, e.change, e.breaking))
        .collect();
    assert_eq!(
        e,
        [
            // `widgetpart` → `widgetPart`: the struct `Widgetpart` becomes `WidgetPart`.
            (ItemKind::Type, Change::Changed, true),
            // `red` → `Red` is the same variant `Red`; the value is documentation.
            (ItemKind::Member, Change::Changed, false),
            // An optional parameter is additive.
            (ItemKind::Operation, Change::Changed, false),
        ],
        "{:#?}",
        diff.entries
    );
    let required = api(
        vec![],
        vec![],
        vec![action(vec![
            param("level", "Edm.Int32", true),
            param("mode", "Edm.String", true),
        ])],
    );
    assert!(only(&ApiDiff::new(&old_ops(&old), &required)).breaking);
}

fn old_ops(a: &Api) -> Api {
    api(vec![], vec![], a.operations.clone())
}
