//! Request bodies that no model describes: the parameters of an action (and of the few creates
//! and updates documented by a parameter table only) become a struct, emitted like a model.
//! Actions of the same name with the same parameters share one struct.

use std::collections::BTreeMap;

use crate::emit::names::pascal;
use crate::emit::plan::{Item, Plan};
use crate::ir::{
    Api, HttpMethod, Operation, OperationKind, Property, Segment, Source, TypeDef, TypeKind,
};

/// A parameter's name, type and collection flag.
type Signature = (String, String, bool);

/// The body structs of one API version.
#[derive(Debug, Default)]
pub struct Bodies {
    /// In the order planned; each with the type definition it is emitted from.
    pub structs: Vec<(Item, TypeDef)>,
    /// (page, line, method) of an operation → index in `structs`.
    by_operation: BTreeMap<(Source, HttpMethod), usize>,
}

impl Bodies {
    pub fn plan(api: &Api, plan: &mut Plan<'_>) -> Bodies {
        let mut bodies = Bodies::default();
        // (action name, parameter signature) → index: actions that take the same parameters
        // share a struct.
        let mut shared: BTreeMap<(String, Vec<Signature>), usize> = BTreeMap::new();
        for op in &api.operations {
            if !takes_parameter_body(op) {
                continue;
            }
            let name = body_name(op);
            let signature: Vec<Signature> = op
                .parameters
                .iter()
                .map(|p| (p.name.clone(), p.ty.name().to_string(), p.ty.collection))
                .collect();
            let key = (name.to_ascii_lowercase(), signature);
            let index = match shared.get(&key) {
                Some(&i) => i,
                None => {
                    let mut wanted = pascal(&format!("{name} Body"));
                    if plan.names.is_taken(&wanted) {
                        let parent = parent_word(op);
                        wanted = pascal(&format!("{parent} {name} Body"));
                    }
                    let rust_name = plan.names.claim(&wanted);
                    let file = plan.files.claim(&crate::emit::names::snake(&rust_name));
                    let item = Item {
                        rust_name,
                        file,
                        workload: None,
                    };
                    let def = type_def(op, &name);
                    bodies.structs.push((item, def));
                    shared.insert(key, bodies.structs.len() - 1);
                    bodies.structs.len() - 1
                }
            };
            bodies
                .by_operation
                .insert((op.source.clone(), op.method), index);
        }
        bodies
    }

    /// The body struct of an operation, if it takes one.
    pub fn of(&self, op: &Operation) -> Option<&Item> {
        self.by_operation
            .get(&(op.source.clone(), op.method))
            .map(|&i| &self.structs[i].0)
    }
}

/// Whether the operation's body is its parameter table: an action with parameters, or a
/// create/update with parameters and no documented body type.
pub fn takes_parameter_body(op: &Operation) -> bool {
    if op.parameters.is_empty() || op.request_type.is_some() {
        return false;
    }
    match op.kind {
        OperationKind::Action => true,
        OperationKind::Create | OperationKind::Update => op.method != HttpMethod::Get,
        _ => false,
    }
}

/// The action's name (its last segment), or the page title for a create/update.
fn body_name(op: &Operation) -> String {
    if op.kind == OperationKind::Action {
        if let Some(Segment::Literal { name } | Segment::Call { name, .. }) = op.segments.last() {
            return name.rsplit('.').next().unwrap_or(name).to_string();
        }
    }
    op.title.to_string()
}

/// The last literal before the action, to tell apart actions of one name.
fn parent_word(op: &Operation) -> String {
    op.segments
        .iter()
        .rev()
        .skip(1)
        .find_map(|s| match s {
            Segment::Literal { name } => Some(name.clone()),
            Segment::Cast { r#type } => Some(r#type.rsplit('.').next().unwrap_or("").to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

fn type_def(op: &Operation, name: &str) -> TypeDef {
    TypeDef {
        name: format!("{name}Body"),
        namespace: "microsoft.graph".into(),
        kind: TypeKind::Complex,
        base: None,
        key: None,
        open: false,
        r#abstract: false,
        media_entity: false,
        description: format!("The request body of {}.", op.title),
        properties: op
            .parameters
            .iter()
            .map(|p| Property {
                name: p.name.clone(),
                ty: p.ty.clone(),
                navigation: false,
                description: p.description.clone(),
                read_only: false,
                deprecated: false,
                possible_values: p.possible_values.clone(),
                inherited_from: None,
                from_json: false,
                source: p.source.clone(),
            })
            .collect(),
        sources: vec![op.source.clone()],
    }
}
