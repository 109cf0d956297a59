//! Checking the generator, apart from the pipeline: the oracles that judge the generated SDK by
//! the docs' own examples (each example body read and written back as its documented type; each
//! example request line built through the typed builders and compared with what it should
//! send), and the entry points the fuzz targets share with `cargo test`. They use the model and
//! the emitter's public outputs only, as any other crate would.

pub mod examples;
#[doc(hidden)]
pub mod harness;
pub mod requests;
