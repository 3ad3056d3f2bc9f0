//! Decoding a record's value tree into its typed spec, leniently: a field whose
//! value does not fit its type is left out, so that a record that breaks its
//! schema (reported by the schema stage) still gives every field that fits.

use crate::value::{Text, Value};

/// A type read from a node of the value tree; `None` when the node does not fit.
pub trait Decode: Sized {
    fn decode(value: &Value) -> Option<Self>;
}

/// A field of a decoded struct: never fails (what does not fit is absent).
pub trait FieldValue: Sized {
    fn from_value(value: &Value) -> Self;
}

impl<T: Decode> FieldValue for Option<T> {
    fn from_value(value: &Value) -> Self {
        T::decode(value)
    }
}

/// A list keeps the items that fit; a value that is not a list gives none.
impl<T: Decode> FieldValue for Box<[T]> {
    fn from_value(value: &Value) -> Self {
        value
            .as_seq()
            .map(|items| items.iter().filter_map(T::decode).collect())
            .unwrap_or_default()
    }
}

impl Decode for Text {
    fn decode(value: &Value) -> Option<Self> {
        match value {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl Decode for bool {
    fn decode(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl Decode for f64 {
    fn decode(value: &Value) -> Option<Self> {
        value.as_f64()
    }
}

impl Decode for u32 {
    fn decode(value: &Value) -> Option<Self> {
        value.as_i64().and_then(|i| u32::try_from(i).ok())
    }
}

impl Decode for i64 {
    fn decode(value: &Value) -> Option<Self> {
        value.as_i64()
    }
}

impl Decode for jiff::civil::Date {
    fn decode(value: &Value) -> Option<Self> {
        crate::time::date(value.as_str()?)
    }
}

impl Decode for jiff::Timestamp {
    fn decode(value: &Value) -> Option<Self> {
        crate::time::instant(value.as_str()?)
    }
}

impl Decode for crate::time::Duration {
    fn decode(value: &Value) -> Option<Self> {
        crate::time::Duration::parse(value.as_str()?)
    }
}

/// Defines a struct of a spec, its JSON Schema (doc comments are the
/// descriptions; `"key"` is the field's name in YAML) and its [`Decode`].
/// Every field is an `Option` or a list (`Box<[T]>`), even those the schema requires
/// (`#[schemars(required)]`): records that break their schema are decoded too.
/// Structs are inlined in the schema; `@shared` ones go to its `$defs`.
macro_rules! spec_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        $crate::model::decode::spec_struct! {
            @shared
            #[schemars(inline)]
            $(#[$meta])*
            pub struct $name { $($body)* }
        }
    };
    (
        @shared
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $key:literal => $field:ident : $ty:ty,
            )*
        }
    ) => {
        #[derive(Clone, Debug, Default, PartialEq, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[schemars(rename = $key)]
                pub $field: $ty,
            )*
        }

        impl $crate::model::decode::Decode for $name {
            fn decode(value: &$crate::value::Value) -> Option<Self> {
                let mut out = Self::default();
                for (key, value) in value.as_map()? {
                    match &**key {
                        $($key => out.$field = $crate::model::decode::FieldValue::from_value(value),)*
                        _ => {}
                    }
                }
                Some(out)
            }
        }
    };
}

/// Defines an enum written as one of a few strings: its JSON Schema (a string
/// `enum`), its [`Decode`], `as_str`, `parse` and `ALL`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($variant:ident = $text:literal,)*
        }
    ) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, schemars::JsonSchema)]
        #[schemars(inline)]
        $(#[$meta])*
        pub enum $name {
            $(#[schemars(rename = $text)] $variant,)*
        }

        impl $name {
            /// Every value, in the order of the schema.
            pub const ALL: &[$name] = &[$($name::$variant,)*];

            /// The value as written in YAML.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value written `s`, if it is one.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl $crate::model::decode::Decode for $name {
            fn decode(value: &$crate::value::Value) -> Option<Self> {
                Self::parse(value.as_str()?)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use {spec_struct, string_enum};
