//! The OData primitive types (EDM) once: which words of a type cell name each, and the
//! qualified `Edm.` name the model stores. The emitter maps each to its Rust type with an
//! exhaustive `match` (`emit::models::rust_of_primitive`), so a primitive added here does not
//! compile until it has one.

/// A primitive type of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    String,
    Boolean,
    Int16,
    Int32,
    Int64,
    Byte,
    SByte,
    Single,
    Double,
    Decimal,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    /// Bytes: a file's content, a photo's `$value`.
    Stream,
    /// Any JSON (`Edm.Untyped`; cells that say "object", "any", "JSON").
    Untyped,
}

impl Primitive {
    pub const ALL: [Primitive; 18] = [
        Self::String,
        Self::Boolean,
        Self::Int16,
        Self::Int32,
        Self::Int64,
        Self::Byte,
        Self::SByte,
        Self::Single,
        Self::Double,
        Self::Decimal,
        Self::DateTimeOffset,
        Self::Date,
        Self::TimeOfDay,
        Self::Duration,
        Self::Guid,
        Self::Binary,
        Self::Stream,
        Self::Untyped,
    ];

    /// The qualified name the model stores (`Edm.DateTimeOffset`).
    pub fn edm(self) -> &'static str {
        match self {
            Self::String => "Edm.String",
            Self::Boolean => "Edm.Boolean",
            Self::Int16 => "Edm.Int16",
            Self::Int32 => "Edm.Int32",
            Self::Int64 => "Edm.Int64",
            Self::Byte => "Edm.Byte",
            Self::SByte => "Edm.SByte",
            Self::Single => "Edm.Single",
            Self::Double => "Edm.Double",
            Self::Decimal => "Edm.Decimal",
            Self::DateTimeOffset => "Edm.DateTimeOffset",
            Self::Date => "Edm.Date",
            Self::TimeOfDay => "Edm.TimeOfDay",
            Self::Duration => "Edm.Duration",
            Self::Guid => "Edm.Guid",
            Self::Binary => "Edm.Binary",
            Self::Stream => "Edm.Stream",
            Self::Untyped => "Edm.Untyped",
        }
    }

    /// The primitive a model type name is (`Edm.Int32`, as [`edm`](Self::edm) writes it).
    pub fn of_model(name: &str) -> Option<Self> {
        let bare = name.strip_prefix("Edm.")?;
        Self::ALL.into_iter().find(|p| &p.edm()[4..] == bare)
    }

    /// The primitive a word of the docs names, in any case, with or without `Edm.`
    /// (`String`, `url`, `DateTimeOffSet`, `Edm.Int32`, `timespan`); `None` for any other word.
    pub fn of_word(word: &str) -> Option<Self> {
        let lower = word.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("edm.").unwrap_or(&lower);
        Some(match bare {
            "string" | "url" | "uri" | "etag" | "range" => Self::String,
            "boolean" | "bool" => Self::Boolean,
            "int32" | "int" | "integer" => Self::Int32,
            "int64" | "long" => Self::Int64,
            "int16" | "short" => Self::Int16,
            "byte" => Self::Byte,
            "sbyte" => Self::SByte,
            "single" | "float" => Self::Single,
            "double" | "number" => Self::Double,
            "decimal" => Self::Decimal,
            "datetimeoffset" | "datetime" | "timestamp" => Self::DateTimeOffset,
            "date" => Self::Date,
            "timeofday" => Self::TimeOfDay,
            "duration" | "timespan" => Self::Duration,
            "guid" | "uuid" => Self::Guid,
            "binary" => Self::Binary,
            "stream" => Self::Stream,
            "object" | "any" | "untyped" => Self::Untyped,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Primitive;

    #[test]
    fn every_primitive_reads_back_from_its_model_name_and_its_own_word() {
        for p in Primitive::ALL {
            assert_eq!(Primitive::of_model(p.edm()), Some(p));
            assert_eq!(Primitive::of_word(p.edm()), Some(p));
            assert_eq!(Primitive::of_word(&p.edm()[4..].to_uppercase()), Some(p));
        }
        assert_eq!(Primitive::of_model("microsoft.graph.user"), None);
        assert_eq!(
            Primitive::of_model("edm.int32"),
            None,
            "the model's spelling only"
        );
        assert_eq!(Primitive::of_word("timespan"), Some(Primitive::Duration));
        assert_eq!(Primitive::of_word("recipient"), None);
    }
}
