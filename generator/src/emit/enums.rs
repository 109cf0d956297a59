//! Enum types into Rust enums with an opaque variant for values this SDK does not know.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::docs::{doc_attrs, page_url};
use crate::emit::names::{pascal, Registry};
use crate::emit::plan::Item;
use crate::ir::EnumDef;

/// The variant that holds a value the SDK does not know.
pub const UNRECOGNIZED: &str = "Unrecognized";

pub fn enum_file(qualified: &str, item: &Item, e: &EnumDef, version: &str) -> TokenStream {
    let name = format_ident!("{}", item.rust_name);
    let page = crate::emit::plan::primary_source(&e.sources).map(|s| page_url(&s.file, version));
    let mut description = e.description.clone();
    if e.flags {
        description
            .push_str("\n\nA flags enum: properties of this type hold a `graph_rt::Flags` set.");
    }
    let docs = doc_attrs(&description, page.as_deref());
    let mut registry = Registry::default();
    registry.reserve(UNRECOGNIZED);
    let unrecognized = format_ident!("{}", UNRECOGNIZED);
    let mut variants = Vec::new();
    let mut from_wire = Vec::new();
    let mut to_wire = Vec::new();
    for m in &e.members {
        let v = format_ident!("{}", registry.claim(&pascal(&m.name)));
        let wire = m.name.as_str();
        let mut text = m.description.clone();
        if let Some(value) = m.value {
            text.push_str(&format!(" (value {value})"));
        }
        let mdocs = doc_attrs(&format!("`{wire}`: {}", text.trim()), None);
        variants.push(quote! { #mdocs #v, });
        from_wire.push(quote! { #wire => Self::#v, });
        to_wire.push(quote! { Self::#v => #wire, });
    }
    let doc_unknown = format!(
        " A value of `{qualified}` this SDK version does not know, kept as received and written back unchanged."
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #doc_unknown]
            #unrecognized(graph_rt::UnknownValue),
        }

        impl graph_rt::EnumValue for #name {
            fn from_wire(s: &str) -> Self {
                match s {
                    #(#from_wire)*
                    other => Self::#unrecognized(graph_rt::UnknownValue::new(other.to_owned())),
                }
            }

            fn to_wire(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unrecognized(v) => v.as_str(),
                }
            }
        }

        graph_rt::impl_enum_json!(#name);
    }
}
