//! Reading: markdown text into blocks, annotation comments and lenient JSON. Syntax only.

pub mod annotation;
pub mod json_repair;
pub mod markdown;
