//! Entity and complex types into structs that read and write JSON through `graph_rt::Model`,
//! and types with derived types into polymorphic `Any…` enums.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::docs::{doc_attrs, page_url};
use crate::emit::names::{snake, Registry};
use crate::emit::plan::{Item, Plan};
use crate::emit::workloads::Workload;
use crate::ir::{ElementType, Property, TypeDef, TypeKind};
use crate::model::primitive::Primitive;

/// The catch-all field for properties the SDK does not know.
const ADDITIONAL: &str = "additional_properties";

/// The Rust type of a property, and the workload whose feature it needs (if another one).
struct FieldType {
    tokens: TokenStream,
    needs: Option<Workload>,
}

/// The file for one type: its struct, `Model` impl, and its `Any…` enum when it has derived
/// types.
pub fn type_file(
    plan: &Plan<'_>,
    qualified: &str,
    item: &Item,
    ty: &TypeDef,
    version: &str,
) -> TokenStream {
    let name = format_ident!("{}", item.rust_name);
    let page = crate::emit::plan::primary_source(&ty.sources).map(|s| page_url(&s.file, version));
    let mut description = ty.description.clone();
    if let Some(base) = &ty.base {
        description.push_str(&format!("\n\nDerived from `{base}`."));
    }
    let docs = doc_attrs(&description, page.as_deref());

    let mut fields = Registry::default();
    fields.reserve(ADDITIONAL);
    let mut decls = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for p in &ty.properties {
        let field = format_ident!("{}", fields.claim(&snake(&p.name)));
        let ft = field_type(plan, qualified, item.workload, p);
        let wire = p.name.as_str();
        let cfg = ft.needs.map(|w| quote! { #[cfg(feature = #w)] });
        let tokens = &ft.tokens;
        let fdocs = doc_attrs(&property_description(p), None);
        decls.push(quote! { #fdocs #cfg pub #field: graph_rt::Field<#tokens>, });
        reads.push(quote! { #cfg #field: r.take(#wire), });
        writes.push(quote! { #cfg w.put(#wire, &self.#field); });
    }
    // Taken last property first: JSON usually arrives in declaration order, and removing from
    // the end of the map is cheap (`take` keeps the order of what remains).
    reads.reverse();
    let additional = format_ident!("{}", ADDITIONAL);
    let type_name = qualified;
    let mut out = quote! {
        #docs
        // Debug and PartialEq come from `impl_model_json!` (through the JSON form): derives on
        // structs of hundreds of fields are a large share of the crate's compile time.
        #[derive(Clone, Default)]
        pub struct #name {
            #(#decls)*
            /// Properties this SDK version does not know; written back unchanged.
            pub #additional: graph_rt::JsonMap,
        }

        impl graph_rt::Model for #name {
            const TYPE_NAME: &'static str = #type_name;

            fn from_map(map: &mut graph_rt::JsonMap) -> Result<Self, graph_rt::Error> {
                #[allow(unused_mut)] // every property may be behind a disabled feature
                let mut r = graph_rt::Reader::new(map);
                let mut value = Self {
                    #(#reads)*
                    #additional: graph_rt::JsonMap::new(),
                };
                value.#additional = r.finish()?;
                Ok(value)
            }

            fn write_map(&self, map: &mut graph_rt::JsonMap) -> Result<(), graph_rt::Error> {
                #[allow(unused_mut)]
                let mut w = graph_rt::Writer::new(map);
                #(#writes)*
                w.finish(&self.#additional)
            }
        }

        graph_rt::impl_model_json!(#name);
    };
    if ty.kind == TypeKind::Entity {
        out.extend(property_constants(&name, ty));
    }
    if let Some(any) = plan.any_names.get(qualified) {
        out.extend(any_enum(plan, qualified, item, any));
    }
    out
}

/// `User::DISPLAY_NAME`: each property as a typed name for `$select`, `$expand` and
/// `$orderby`, so that a misspelled property does not compile.
fn property_constants(name: &Ident, ty: &TypeDef) -> TokenStream {
    let mut names = Registry::default();
    let consts = ty.properties.iter().map(|p| {
        let ident = format_ident!("{}", names.claim(&snake(&p.name).to_ascii_uppercase()));
        let wire = p.name.as_str();
        let doc = format!(" `{wire}`, for `$select`, `$expand` and `$orderby`.");
        quote! {
            #[doc = #doc]
            pub const #ident: graph_rt::Prop<Self> = graph_rt::Prop::new(#wire);
        }
    });
    quote! {
        /// The properties, by name, for query options.
        impl #name {
            #(#consts)*
        }
    }
}

fn property_description(p: &Property) -> String {
    let mut text = p.description.clone();
    if let Some(from) = &p.inherited_from {
        if !text.to_ascii_lowercase().contains("inherited from") {
            text.push_str(&format!(" Inherited from `{from}`."));
        }
    }
    if p.navigation {
        text.push_str(" (Navigation property.)");
    }
    text
}

/// The Rust type of a property's value (without `Field`).
fn field_type(
    plan: &Plan<'_>,
    container: &str,
    workload: Option<Workload>,
    p: &Property,
) -> FieldType {
    let (element, needs) = element_type(plan, &p.ty.element);
    let needs = needs.filter(|w| Some(*w) != workload);
    let boxed = plan.boxed.contains(&(container, p.name.as_str()));
    let tokens = if p.ty.collection {
        quote! { Vec<#element> }
    } else if boxed {
        quote! { Box<#element> }
    } else {
        element
    };
    FieldType { tokens, needs }
}

/// The Rust type of one value of a type, and the workload it lives in.
fn element_type(plan: &Plan<'_>, ty: &ElementType) -> (TokenStream, Option<Workload>) {
    let ty = match ty {
        ElementType::Primitive(p) => return (rust_tokens(rust_of_primitive(*p)), None),
        ElementType::Named(name) => name.as_str(),
    };
    if let Some(t) = primitive(ty) {
        // `microsoft.graph.Json`.
        return (t, None);
    }
    if let Some((item, e)) = plan.enums.get(ty) {
        let ident = format_ident!("{}", item.rust_name);
        let tokens = if e.flags {
            quote! { graph_rt::Flags<super::#ident> }
        } else {
            quote! { super::#ident }
        };
        return (tokens, item.workload);
    }
    if let Some((item, _)) = plan.types.get(ty) {
        let name = plan.any_names.get(ty).unwrap_or(&item.rust_name);
        let ident = format_ident!("{}", name);
        return (quote! { super::#ident }, item.workload);
    }
    // A type no page defines: kept as untyped JSON.
    (quote! { graph_rt::Value }, None)
}

/// EDM primitives.
pub(super) fn primitive(ty: &str) -> Option<TokenStream> {
    primitive_rust(ty).map(rust_tokens)
}

/// A primitive's Rust type (`graph_rt::DateTimeOffset`) as tokens.
fn rust_tokens(rust: &'static str) -> TokenStream {
    let path = rust.split("::").map(|segment| format_ident!("{}", segment));
    quote! { #(#path)::* }
}

/// The Rust type (as source text) of an EDM primitive; also used to tell which type changes of
/// the docs change the generated API (`crate::diff`).
pub(crate) fn primitive_rust(ty: &str) -> Option<&'static str> {
    // `microsoft.graph.Json` is a complex type without properties: any JSON (workbook values,
    // formulas).
    if ty == "microsoft.graph.Json" {
        return Some("graph_rt::Value");
    }
    Primitive::of_model(ty).map(rust_of_primitive)
}

/// The Rust type of each primitive: one arm per primitive, so that a new one does not compile
/// without its type.
fn rust_of_primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::String => "String",
        Primitive::Boolean => "bool",
        Primitive::Int32 => "i32",
        Primitive::Int64 => "i64",
        Primitive::Int16 | Primitive::SByte => "i16",
        Primitive::Byte => "u8",
        Primitive::Single => "f32",
        Primitive::Double | Primitive::Decimal => "f64",
        Primitive::DateTimeOffset => "graph_rt::DateTimeOffset",
        Primitive::Date => "graph_rt::Date",
        Primitive::TimeOfDay => "graph_rt::TimeOfDay",
        Primitive::Duration => "graph_rt::Duration",
        Primitive::Guid => "graph_rt::Guid",
        Primitive::Binary => "graph_rt::Base64Bytes",
        Primitive::Stream | Primitive::Untyped => "graph_rt::Value",
    }
}

/// `AnyDeviceConfiguration`: the declared type or any type derived from it, chosen by
/// `@odata.type` when read. An `@odata.type` the SDK does not know reads as the declared type,
/// with every unknown property kept.
fn any_enum(plan: &Plan<'_>, qualified: &str, item: &Item, any: &str) -> TokenStream {
    let any = format_ident!("{}", any);
    let base = format_ident!("{}", item.rust_name);
    let mut variants = vec![quote! {
        #[doc = concat!("A `", #qualified, "`, or a derived type this SDK does not know.")]
        #base(Box<super::#base>),
    }];
    let mut reads = Vec::new();
    let mut writes = vec![quote! { Self::#base(v) => graph_rt::ToJson::to_json(v.as_ref()), }];
    let mut names = vec![quote! { Self::#base(_) => #qualified, }];
    let mut froms = vec![quote! {
        impl From<super::#base> for #any {
            fn from(value: super::#base) -> Self {
                Self::#base(Box::new(value))
            }
        }
    }];
    for d in plan.descendants.get(qualified).into_iter().flatten() {
        let Some((ditem, _)) = plan.types.get(d) else {
            continue;
        };
        let v: Ident = format_ident!("{}", ditem.rust_name);
        let cfg = ditem
            .workload
            .filter(|w| Some(*w) != item.workload)
            .map(|w| quote! { #[cfg(feature = #w)] });
        variants.push(quote! { #cfg #v(Box<super::#v>), });
        reads.push(quote! {
            #cfg
            Some(#d) => Self::#v(Box::new(<super::#v as graph_rt::Model>::from_map(&mut map)?)),
        });
        // Graph reads a derived type where the base is declared only with its `@odata.type`.
        writes.push(quote! { #cfg Self::#v(v) => graph_rt::typed_json(v.as_ref(), #d), });
        froms.push(quote! {
            #cfg
            impl From<super::#v> for #any {
                fn from(value: super::#v) -> Self {
                    Self::#v(Box::new(value))
                }
            }
        });
        names.push(quote! { #cfg Self::#v(_) => #d, });
    }
    let doc = format!(" A `{qualified}` or any type derived from it, as `@odata.type` says.");
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #any {
            #(#variants)*
        }

        impl #any {
            /// The qualified type name of the value held.
            pub fn type_name(&self) -> &'static str {
                match self {
                    #(#names)*
                }
            }
        }

        impl Default for #any {
            fn default() -> Self {
                Self::#base(Box::default())
            }
        }

        impl graph_rt::FromJson for #any {
            fn from_json(value: graph_rt::Value) -> Result<Self, graph_rt::Error> {
                let mut map = graph_rt::into_object(value, #qualified)?;
                let kind = graph_rt::odata_type(&map).map(str::to_owned);
                Ok(match kind.as_deref() {
                    #(#reads)*
                    _ => Self::#base(Box::new(<super::#base as graph_rt::Model>::from_map(&mut map)?)),
                })
            }
        }

        impl graph_rt::ToJson for #any {
            fn to_json(&self) -> Result<graph_rt::Value, graph_rt::Error> {
                match self {
                    #(#writes)*
                }
            }
        }

        #(#froms)*
    }
}
