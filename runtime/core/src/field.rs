//! A property's three states.

/// A property's three states: absent from the JSON, explicitly `null`, or a value.
///
/// Every property of a generated model is a `Field`. Reading keeps the difference between a
/// property the service did not send ([`Absent`](Field::Absent)) and one it sent as `null`
/// ([`Null`](Field::Null)); writing sends every field that is not `Absent`. So a PATCH body
/// built from a default model sends exactly what the caller set, and [`clear`](Field::clear)
/// asks the service to erase a property.
///
/// ```
/// use graph_rt_core::Field;
/// let mut name: Field<String> = Field::default();
/// assert!(name.is_absent());              // not sent
/// name.set("Ada".to_owned());
/// assert_eq!(name.value().map(String::as_str), Some("Ada"));
/// name.clear();
/// assert!(name.is_null());                // sent as null
/// assert_eq!(Field::from(Some(3)), Field::Value(3));
/// assert_eq!(Field::<i32>::from(None), Field::Null);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field<T> {
    /// Not in the JSON: not read, and not written.
    Absent,
    /// Explicitly `null` in the JSON; written as `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Default for Field<T> {
    /// [`Field::Absent`], whatever `T` is.
    fn default() -> Self {
        Field::Absent
    }
}

impl<T> Field<T> {
    /// Whether the property is absent (neither read nor to be written).
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the property is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// Whether the property holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Field::Value(_))
    }

    /// The value, if there is one (`None` for both `Absent` and `Null`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, mutably, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, if there is one; `Absent` and `Null` both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// Sets a value (written as that value).
    pub fn set(&mut self, value: T) {
        *self = Field::Value(value);
    }

    /// Sets the property to `null` (written as `null`: asks the service to clear it).
    pub fn clear(&mut self) {
        *self = Field::Null;
    }

    /// Makes the property absent (not written at all).
    pub fn unset(&mut self) {
        *self = Field::Absent;
    }

    /// Maps the value, keeping `Absent` and `Null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(f(value)),
        }
    }

    /// A field borrowing the value, keeping `Absent` and `Null` as they are.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(value),
        }
    }
}

impl<T> From<T> for Field<T> {
    /// [`Field::Value`].
    fn from(value: T) -> Self {
        Field::Value(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `Some` gives [`Field::Value`], `None` gives [`Field::Null`] (written as `null`).
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Field::Value(value),
            None => Field::Null,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn states() {
        let absent: Field<i32> = Field::default();
        assert!(absent.is_absent() && !absent.is_null() && !absent.is_value());
        assert_eq!(absent.value(), None);

        let mut field = Field::from(5);
        assert!(field.is_value());
        if let Some(v) = field.value_mut() {
            *v += 1;
        }
        assert_eq!(field.value(), Some(&6));
        assert_eq!(field.as_ref().map(|v| v * 2), Field::Value(12));
        assert_eq!(field.clone().into_option(), Some(6));

        field.clear();
        assert!(field.is_null());
        assert_eq!(field.value_mut(), None);
        assert_eq!(field.clone().map(|v| v + 1), Field::Null);
        assert_eq!(field.clone().into_option(), None);

        field.unset();
        assert!(field.is_absent());
        assert_eq!(field.clone().map(|v| v + 1), Field::Absent);

        field.set(1);
        assert_eq!(field, Field::Value(1));
    }

    #[test]
    fn from_option() {
        assert_eq!(Field::from(Some("a")), Field::Value("a"));
        assert_eq!(Field::<&str>::from(None), Field::Null);
        // A field of an optional type is still a field of that type.
        assert_eq!(Field::<Option<i32>>::from(Some(1)), Field::Value(Some(1)));
    }
}
