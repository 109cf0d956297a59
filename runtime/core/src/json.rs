//! Conversion of JSON values, and the functions generated models call.

use crate::{Error, Field, JsonMap, Uuid, Value};

/// Conversion from a JSON value.
///
/// Implemented here for `String`, `bool`, `i16`, `i32`, `i64`, `u8`, `f32`, `f64`, [`Value`]
/// (untyped JSON), [`JsonMap`], `Vec<T>`, `Box<T>`, the primitive types of this crate, and by
/// [`impl_model_json!`](crate::impl_model_json) and [`impl_enum_json!`](crate::impl_enum_json)
/// for generated models and enums. `null` never reaches it through [`take`]: [`Field`] holds it.
pub trait FromJson: Sized {
    /// Converts `value`, or says what was expected and what was found.
    fn from_json(value: Value) -> Result<Self, Error>;
}

/// Conversion to a JSON value.
pub trait ToJson {
    /// The JSON value of `self`.
    fn to_json(&self) -> Result<Value, Error>;
}

/// Implemented by every generated model struct.
pub trait Model: Sized {
    /// The qualified OData type name, e.g. `"microsoft.graph.user"`.
    const TYPE_NAME: &'static str;

    /// Takes the known properties out of `map`; what is left is unknown and goes to the model's
    /// `additional` map.
    fn from_map(map: &mut JsonMap) -> Result<Self, Error>;

    /// Writes every property that is not [`Field::Absent`], then the additional properties.
    fn write_map(&self, map: &mut JsonMap) -> Result<(), Error>;
}

/// Removes `key` from `map` and converts it: missing gives [`Field::Absent`], `null` gives
/// [`Field::Null`], anything else `T::from_json`. An error is reported inside `key`.
///
/// The other keys keep their order (so unknown properties do too). Removing a key costs the
/// number of keys after it: taking the properties in reverse declaration order (a struct
/// literal's fields can be written in any order) keeps `from_map` linear when the service sends
/// them in declaration order, as Graph does; forward order is quadratic in the object's size
/// (about 14 µs instead of 4 µs for 100 properties).
pub fn take<T: FromJson>(map: &mut JsonMap, key: &str) -> Result<Field<T>, Error> {
    match map.shift_remove(key) {
        None => Ok(Field::Absent),
        Some(Value::Null) => Ok(Field::Null),
        Some(value) => match T::from_json(value) {
            Ok(value) => Ok(Field::Value(value)),
            Err(error) => Err(error.at_key(key)),
        },
    }
}

/// Inserts `key` into `map` unless the field is [`Field::Absent`]; [`Field::Null`] writes `null`.
/// A key already in `map` keeps its position and gets the new value.
pub fn put<T: ToJson>(map: &mut JsonMap, key: &str, field: &Field<T>) -> Result<(), Error> {
    let value = match field {
        Field::Absent => return Ok(()),
        Field::Null => Value::Null,
        Field::Value(value) => match value.to_json() {
            Ok(value) => value,
            Err(error) => return Err(error.at_key(key)),
        },
    };
    map.insert(key.to_owned(), value);
    Ok(())
}

/// Appends the additional (unknown) properties after the known ones, in their order. A key
/// already in `map` is not overwritten: the typed property wins.
pub fn put_additional(map: &mut JsonMap, additional: &JsonMap) {
    for (key, value) in additional {
        if !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
}

/// Reads a model's properties out of a map for generated `from_map` code. It remembers the
/// first error instead of returning at each property, so a model's `from_map` has one branch
/// rather than one per property (far cheaper to compile for models with hundreds of them).
pub struct Reader<'a> {
    map: &'a mut JsonMap,
    error: Option<Error>,
}

impl<'a> Reader<'a> {
    /// A reader that takes properties out of `map`.
    pub fn new(map: &'a mut JsonMap) -> Self {
        Reader { map, error: None }
    }

    /// [`take`], leniently: a value that does not match the property's type (the service or
    /// the docs disagree with the documented type) is left in the map, so it ends among the
    /// model's additional properties and is written back unchanged: nothing is lost and one
    /// odd value does not fail the whole response. Inside [`strict`], such a value is an
    /// error instead, and [`Reader::finish`] fails.
    pub fn take<T: FromJson>(&mut self, key: &str) -> Field<T> {
        if is_strict() {
            return match take(self.map, key) {
                Ok(field) => field,
                Err(error) => {
                    self.error.get_or_insert(error);
                    Field::Absent
                }
            };
        }
        match self.map.shift_remove(key) {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(value) => {
                let kept = value.clone();
                match T::from_json(value) {
                    Ok(value) => Field::Value(value),
                    Err(_) => {
                        self.map.insert(key.to_owned(), kept);
                        Field::Absent
                    }
                }
            }
        }
    }

    /// The first error, or what is left of the map: the properties nobody took.
    pub fn finish(self) -> Result<JsonMap, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(std::mem::take(self.map)),
        }
    }
}

thread_local! {
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn is_strict() -> bool {
    STRICT.with(std::cell::Cell::get)
}

/// Run `f` with strict reading: a property value that does not match its documented type is
/// an error (naming the property) instead of being kept untyped. For tests and validation.
pub fn strict<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(STRICT.with(|s| s.replace(true)));
    f()
}

/// Writes a model's properties for generated `write_map` code; like [`Reader`], it remembers
/// the first error.
pub struct Writer<'a> {
    map: &'a mut JsonMap,
    error: Option<Error>,
}

impl<'a> Writer<'a> {
    /// A writer that inserts properties into `map`.
    pub fn new(map: &'a mut JsonMap) -> Self {
        Writer { map, error: None }
    }

    /// [`put`], remembering the first error.
    pub fn put<T: ToJson>(&mut self, key: &str, field: &Field<T>) {
        if let Err(error) = put(self.map, key, field) {
            self.error.get_or_insert(error);
        }
    }

    /// Append the additional properties ([`put_additional`]); the first error, if any.
    pub fn finish(self, additional: &JsonMap) -> Result<(), Error> {
        put_additional(self.map, additional);
        match self.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The object inside `value`, for the `FromJson` of a model of type `type_name`.
pub fn into_object(value: Value, type_name: &'static str) -> Result<JsonMap, Error> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::mismatch(format!("an object ({type_name})"), &other)),
    }
}

/// `value` written as JSON with `"@odata.type": "#<type_name>"` first, unless it names one
/// already: a derived type written where its base type is declared (an attachment of a
/// message, the body of a create on a collection of the base type), which Graph reads only with
/// its `@odata.type`.
pub fn typed_json<T: ToJson + ?Sized>(value: &T, type_name: &str) -> Result<Value, Error> {
    match value.to_json()? {
        Value::Object(map) if !map.contains_key("@odata.type") => {
            let mut out = JsonMap::new();
            out.insert(
                "@odata.type".to_owned(),
                Value::String(format!("#{type_name}")),
            );
            out.extend(map);
            Ok(Value::Object(out))
        }
        other => Ok(other),
    }
}

/// The `@odata.type` of an object without its leading `#`, if it has one that is a string.
pub fn odata_type(map: &JsonMap) -> Option<&str> {
    match map.get("@odata.type") {
        Some(Value::String(name)) => Some(name.strip_prefix('#').unwrap_or(name)),
        _ => None,
    }
}

/// Implements [`FromJson`], [`ToJson`], `Debug`, `PartialEq`, `serde::Serialize` and `serde::Deserialize` for a type
/// that implements [`Model`].
///
/// `Serialize` writes the model into a [`JsonMap`] with `write_map` and serializes that;
/// `Deserialize` reads a JSON value and converts it with `from_map`. The per-model code is a
/// few lines: the generic work is done by functions instantiated once per serializer.
///
/// The generator emits `graph_rt_core::impl_model_json!(User);` after each struct; the
/// [crate documentation](crate) has a complete example.
#[macro_export]
macro_rules! impl_model_json {
    ($ty:ty) => {
        impl $crate::FromJson for $ty {
            fn from_json(value: $crate::Value) -> ::core::result::Result<Self, $crate::Error> {
                let mut map = $crate::into_object(value, <$ty as $crate::Model>::TYPE_NAME)?;
                <$ty as $crate::Model>::from_map(&mut map)
            }
        }

        impl $crate::ToJson for $ty {
            fn to_json(&self) -> ::core::result::Result<$crate::Value, $crate::Error> {
                let mut map = $crate::JsonMap::new();
                <$ty as $crate::Model>::write_map(self, &mut map)?;
                ::core::result::Result::Ok($crate::Value::Object(map))
            }
        }

        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::debug_model(self, f)
            }
        }

        impl ::core::cmp::PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                $crate::__private::model_eq(self, other)
            }
        }

        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::serialize_value(
                    <$ty as $crate::ToJson>::to_json(self),
                    serializer,
                )
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let value = $crate::__private::deserialize_value(deserializer)?;
                <$ty as $crate::FromJson>::from_json(value).map_err($crate::__private::de_error)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Implementations for the standard types.

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, Error> {
        Ok(value)
    }
}

impl ToJson for Value {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(self.clone())
    }
}

impl FromJson for JsonMap {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(Error::mismatch("an object", &other)),
        }
    }
}

impl ToJson for JsonMap {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::Object(self.clone()))
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::String(text) => Ok(text),
            other => Err(Error::mismatch("a string", &other)),
        }
    }
}

impl ToJson for String {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::String(self.clone()))
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(Error::mismatch("a boolean", &other)),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::Bool(*self))
    }
}

/// An integer in `min..=max`: a JSON number without a fraction. A number in a string (OData's
/// `IEEE754Compatible=true` form) is not read: it could not be written back as it came, so the
/// model keeps it untyped instead.
fn integer(value: Value, min: i64, max: i64, expected: &'static str) -> Result<i64, Error> {
    let parsed = match &value {
        Value::Number(n) => n.as_i64().or_else(|| {
            // 3.0 is an integer written by a lenient writer; 1e3 too.
            n.as_f64()
                .filter(|f| {
                    f.fract() == 0.0
                        && *f >= -9.223_372_036_854_776e18
                        && *f < 9.223_372_036_854_776e18
                })
                .map(|f| f as i64)
        }),
        _ => None,
    };
    match parsed {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::mismatch(expected, &value)),
    }
}

macro_rules! impl_integer {
    ($($ty:ty => $expected:literal),* $(,)?) => {$(
        impl FromJson for $ty {
            fn from_json(value: Value) -> Result<Self, Error> {
                let n = integer(value, <$ty>::MIN.into(), <$ty>::MAX.into(), $expected)?;
                // In range: checked by `integer`.
                Ok(n as $ty)
            }
        }

        impl ToJson for $ty {
            fn to_json(&self) -> Result<Value, Error> {
                Ok(Value::from(*self))
            }
        }
    )*};
}

impl_integer! {
    u8 => "an integer (Edm.Byte)",
    i16 => "an integer (Edm.Int16)",
    i32 => "an integer (Edm.Int32)",
    i64 => "an integer (Edm.Int64)",
}

/// A float: a JSON number, or `"NaN"`, `"INF"`, `"-INF"` (how OData writes the special
/// values, and how they are written back). Other strings are not read (see [`integer`]).
fn float(value: Value, expected: &'static str) -> Result<f64, Error> {
    let parsed = match &value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => match text.as_str() {
            "NaN" => Some(f64::NAN),
            "INF" => Some(f64::INFINITY),
            "-INF" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| Error::mismatch(expected, &value))
}

/// A float as OData writes it: special values as strings.
fn float_to_json(value: f64) -> Value {
    match serde_json::Number::from_f64(value) {
        Some(n) => Value::Number(n),
        None if value.is_nan() => Value::String("NaN".to_owned()),
        None if value > 0.0 => Value::String("INF".to_owned()),
        None => Value::String("-INF".to_owned()),
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Result<Self, Error> {
        float(value, "a number (Edm.Double), \"NaN\", \"INF\" or \"-INF\"")
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(float_to_json(*self))
    }
}

impl FromJson for f32 {
    fn from_json(value: Value) -> Result<Self, Error> {
        const EXPECTED: &str = "a number (Edm.Single), \"NaN\", \"INF\" or \"-INF\"";
        let wide = float(value, EXPECTED)?;
        let narrow = wide as f32;
        if narrow.is_infinite() && wide.is_finite() {
            return Err(Error::invalid_text(EXPECTED, &wide.to_string()));
        }
        // A value with more precision than a Single holds would be written back changed: not
        // read, so a lenient model keeps it untyped and nothing is lost.
        if wide.is_finite() && narrow.to_string().parse::<f64>().ok() != Some(wide) {
            return Err(Error::invalid_text(
                "a number that fits in 32 bits (Edm.Single)",
                &wide.to_string(),
            ));
        }
        Ok(narrow)
    }
}

impl ToJson for f32 {
    fn to_json(&self) -> Result<Value, Error> {
        // Through the shortest decimal text of the f32, so 0.1f32 is written 0.1, not
        // 0.10000000149011612.
        let wide = if self.is_finite() {
            self.to_string().parse::<f64>().unwrap_or(f64::from(*self))
        } else {
            f64::from(*self)
        };
        Ok(float_to_json(wide))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    match T::from_json(item) {
                        Ok(item) => out.push(item),
                        Err(error) => return Err(error.at_index(index)),
                    }
                }
                Ok(out)
            }
            other => Err(Error::mismatch("an array", &other)),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Result<Value, Error> {
        let mut out = Vec::with_capacity(self.len());
        for (index, item) in self.iter().enumerate() {
            match item.to_json() {
                Ok(item) => out.push(item),
                Err(error) => return Err(error.at_index(index)),
            }
        }
        Ok(Value::Array(out))
    }
}

/// `None` is written as `null`: what an operation answered with no body reads as.
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Result<Value, Error> {
        match self {
            Some(value) => value.to_json(),
            None => Ok(Value::Null),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value) -> Result<Self, Error> {
        T::from_json(value).map(Box::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Result<Value, Error> {
        (**self).to_json()
    }
}

impl FromJson for Uuid {
    fn from_json(value: Value) -> Result<Self, Error> {
        const EXPECTED: &str = "a GUID (Edm.Guid)";
        match &value {
            Value::String(text) => {
                Uuid::try_parse(text).map_err(|_| Error::invalid_text(EXPECTED, text))
            }
            other => Err(Error::mismatch(EXPECTED, other)),
        }
    }
}

impl ToJson for Uuid {
    fn to_json(&self) -> Result<Value, Error> {
        Ok(Value::String(self.hyphenated().to_string()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> JsonMap {
        match value {
            Value::Object(map) => map,
            _ => JsonMap::new(),
        }
    }

    #[test]
    fn take_gives_three_states_and_keeps_order() {
        let mut m = map(json!({"a": 1, "b": null, "c": "x", "d": true}));
        assert_eq!(take::<i32>(&mut m, "a").unwrap(), Field::Value(1));
        assert_eq!(take::<String>(&mut m, "b").unwrap(), Field::Null);
        assert_eq!(take::<String>(&mut m, "z").unwrap(), Field::Absent);
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys, ["c", "d"]);
    }

    #[test]
    fn take_error_names_the_key() {
        let mut m = map(json!({"certificateKeyUsage": 5}));
        let e = take::<String>(&mut m, "certificateKeyUsage").unwrap_err();
        assert_eq!(e.path(), "certificateKeyUsage");
        assert_eq!(
            e.to_string(),
            "`certificateKeyUsage`: expected a string, found number 5"
        );
    }

    #[test]
    fn put_writes_all_but_absent() {
        let mut m = JsonMap::new();
        put(&mut m, "a", &Field::<i32>::Absent).unwrap();
        put(&mut m, "b", &Field::<i32>::Null).unwrap();
        put(&mut m, "c", &Field::Value(vec![1_i64, 2])).unwrap();
        assert_eq!(Value::Object(m), json!({"b": null, "c": [1, 2]}));
    }

    #[test]
    fn additional_after_known_without_overwriting() {
        let mut m = map(json!({"id": "1"}));
        let extra = map(json!({"z": 1, "id": "other", "a": 2}));
        put_additional(&mut m, &extra);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"id":"1","z":1,"a":2}"#
        );
    }

    #[test]
    fn objects_and_odata_type() {
        let e = into_object(json!([1]), "microsoft.graph.user").unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected an object (microsoft.graph.user), found an array of 1 elements"
        );
        let m = into_object(json!({"@odata.type": "#microsoft.graph.user"}), "x").unwrap();
        assert_eq!(odata_type(&m), Some("microsoft.graph.user"));
        let m = map(json!({"@odata.type": "microsoft.graph.group"}));
        assert_eq!(odata_type(&m), Some("microsoft.graph.group"));
        assert_eq!(odata_type(&map(json!({"@odata.type": 1}))), None);
        assert_eq!(odata_type(&JsonMap::new()), None);
        let typed = typed_json(&json!({"name": "a"}), "microsoft.graph.fileAttachment").unwrap();
        assert_eq!(
            typed.to_string(),
            r##"{"@odata.type":"#microsoft.graph.fileAttachment","name":"a"}"##
        );
        let kept = json!({"name": "a", "@odata.type": "#microsoft.graph.x"});
        assert_eq!(typed_json(&kept, "microsoft.graph.y").unwrap(), kept);
    }

    #[test]
    fn integers() {
        assert_eq!(
            i64::from_json(json!(9_007_199_254_740_993_i64)).unwrap(),
            9_007_199_254_740_993
        );
        assert!(i64::from_json(json!("-42")).is_err());
        assert_eq!(i64::from_json(json!(3.0)).unwrap(), 3);
        assert_eq!(i32::from_json(json!(-2_147_483_648_i64)).unwrap(), i32::MIN);
        assert!(i32::from_json(json!(2_147_483_648_i64)).is_err());
        assert!(i64::from_json(json!(u64::MAX)).is_err());
        assert!(i64::from_json(json!(1.5)).is_err());
        assert!(u8::from_json(json!(-1)).is_err());
        assert_eq!(u8::from_json(json!(255)).unwrap(), 255);
        assert_eq!(i16::from_json(json!(-300)).unwrap(), -300);
        let e = i16::from_json(json!(true)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected an integer (Edm.Int16), found boolean true"
        );
        assert_eq!(7_i64.to_json().unwrap(), json!(7));
        assert_eq!(200_u8.to_json().unwrap(), json!(200));
    }

    #[test]
    fn floats_and_special_values() {
        assert_eq!(f64::from_json(json!(2)).unwrap(), 2.0);
        assert_eq!(f64::from_json(json!(1.25)).unwrap(), 1.25);
        assert!(f64::from_json(json!("NaN")).unwrap().is_nan());
        assert_eq!(f64::from_json(json!("INF")).unwrap(), f64::INFINITY);
        assert_eq!(f64::from_json(json!("-INF")).unwrap(), f64::NEG_INFINITY);
        assert!(f64::from_json(json!("Infinity")).is_err());
        assert!(f64::from_json(json!("0.5")).is_err());
        assert!(f64::from_json(json!("abc")).is_err());
        assert!(f64::from_json(json!(null)).is_err());
        assert_eq!(f64::NAN.to_json().unwrap(), json!("NaN"));
        assert_eq!(f64::INFINITY.to_json().unwrap(), json!("INF"));
        assert_eq!(f64::NEG_INFINITY.to_json().unwrap(), json!("-INF"));
        assert_eq!(1.5_f64.to_json().unwrap(), json!(1.5));

        assert_eq!(0.1_f32.to_json().unwrap(), json!(0.1));
        assert_eq!(f32::from_json(json!(0.1)).unwrap(), 0.1_f32);
        assert_eq!(f32::from_json(json!(4.6666665)).unwrap(), 4.666_666_5_f32);
        assert!(f32::from_json(json!(4.666666666666667)).is_err());
        assert!(f32::from_json(json!("NaN")).unwrap().is_nan());
        assert!(f32::from_json(json!(1e300)).is_err());
        assert_eq!(f32::NEG_INFINITY.to_json().unwrap(), json!("-INF"));
    }

    #[test]
    fn strings_bools_values() {
        assert_eq!(String::from_json(json!("a")).unwrap(), "a");
        assert!(String::from_json(json!(1)).is_err());
        assert!(bool::from_json(json!(false)).is_ok_and(|b| !b));
        assert!(bool::from_json(json!("true")).is_err());
        assert_eq!(true.to_json().unwrap(), json!(true));
        let v = json!({"any": [1, "x", null]});
        assert_eq!(Value::from_json(v.clone()).unwrap(), v);
        assert_eq!(JsonMap::from_json(v.clone()).unwrap().to_json().unwrap(), v);
        assert!(JsonMap::from_json(json!(1)).is_err());
    }

    #[test]
    fn vectors_push_the_index() {
        assert_eq!(Vec::<i32>::from_json(json!([1, 2])).unwrap(), [1, 2]);
        let e = Vec::<Vec<String>>::from_json(json!([["a"], ["b", 3]])).unwrap_err();
        assert_eq!(e.path(), "[1][1]");
        assert!(Vec::<i32>::from_json(json!({})).is_err());
        assert_eq!(vec![f64::NAN].to_json().unwrap(), json!(["NaN"]));
        assert_eq!(Box::new(5_i32).to_json().unwrap(), json!(5));
        assert_eq!(*Box::<i32>::from_json(json!(5)).unwrap(), 5);
    }

    #[test]
    fn uuids() {
        let text = "5f6b5b1e-0c2a-4c3e-9a7d-1b2c3d4e5f60";
        let id = Uuid::from_json(json!(text)).unwrap();
        assert_eq!(id.to_json().unwrap(), json!(text));
        let upper = Uuid::from_json(json!("{5F6B5B1E-0C2A-4C3E-9A7D-1B2C3D4E5F60}")).unwrap();
        assert_eq!(upper, id);
        let e = Uuid::from_json(json!("not-a-guid")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a GUID (Edm.Guid), found string \"not-a-guid\""
        );
        assert!(Uuid::from_json(json!(1)).is_err());
    }

    #[test]
    fn reader_keeps_mismatched_values_unless_strict() {
        let json = serde_json::json!({"count": "Integer", "name": "x"});
        let mut map = match json {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let mut copy = map.clone();
        let mut r = Reader::new(&mut map);
        let count: Field<i32> = r.take("count");
        let name: Field<String> = r.take("name");
        let rest = r.finish().unwrap();
        assert!(count.is_absent());
        assert_eq!(name, Field::Value("x".to_string()));
        assert_eq!(rest.get("count"), Some(&Value::String("Integer".into())));

        let error = strict(|| {
            let mut r = Reader::new(&mut copy);
            let _: Field<i32> = r.take("count");
            r.finish().unwrap_err()
        });
        assert!(error.to_string().contains("count"), "{error}");
        // Strictness ends with the closure.
        let mut again = serde_json::Map::new();
        again.insert("n".into(), Value::String("x".into()));
        let mut r = Reader::new(&mut again);
        let _: Field<i32> = r.take("n");
        assert!(r.finish().is_ok());
    }
}
