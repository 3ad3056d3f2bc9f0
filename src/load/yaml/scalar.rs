//! What a scalar means: the YAML 1.2 core schema, its plain forms (`2026-01-01`
//! and `yes` stay strings) and its explicit tags (`!!int "42"` is a number, `! 12`
//! a string). A tag JSON has no value for is a [`Problem`], not a guess.

use crate::value::{Interner, Value};

/// Why a node has no JSON value, and what to do about it.
pub(super) struct Problem {
    pub message: String,
    pub help: &'static str,
}

/// What a node's tag asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tag {
    /// No tag: plain scalars resolve by the core schema, others are strings.
    None,
    /// `!`: a string, a sequence or a mapping as written.
    NonSpecific,
    Str,
    Int,
    Float,
    Bool,
    Null,
    Seq,
    Map,
    /// A tag outside the core schema, as written for a message.
    Other(String),
}

/// The tag as saphyr gives it (`!!x` resolved to `tag:yaml.org,2002:x`, a
/// verbatim `!<...>` with an empty handle, `!` as an empty handle and suffix `!`).
pub(super) fn tag_of(tag: Option<&saphyr_parser::Tag>) -> Tag {
    const CORE: &str = "tag:yaml.org,2002:";
    let Some(tag) = tag else {
        return Tag::None;
    };
    if tag.handle.is_empty() && tag.suffix == "!" {
        return Tag::NonSpecific;
    }
    let core = if tag.handle == CORE {
        Some(tag.suffix.as_str())
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)
    } else {
        None
    };
    match core {
        Some("str") => Tag::Str,
        Some("int") => Tag::Int,
        Some("float") => Tag::Float,
        Some("bool") => Tag::Bool,
        Some("null") => Tag::Null,
        Some("seq") => Tag::Seq,
        Some("map") => Tag::Map,
        Some(other) => Tag::Other(format!("!!{other}")),
        None if tag.handle == "!" => Tag::Other(format!("!{}", tag.suffix)),
        None => Tag::Other(format!("!<{}{}>", tag.handle, tag.suffix)),
    }
}

/// The value of a scalar written `text` (`plain` when unquoted) under its tag.
pub(super) fn scalar(
    text: &str,
    plain: bool,
    tag: &Tag,
    interner: &mut Interner,
) -> Result<Value, Problem> {
    match tag {
        Tag::None if plain => Ok(resolve_plain(text, interner)),
        Tag::None | Tag::NonSpecific | Tag::Str => Ok(Value::Str(interner.intern(text))),
        Tag::Int => match parse_int(text) {
            Some(v @ Value::Int(_)) => Ok(v),
            Some(_) => Err(problem(
                format!("`{}` is beyond the range of a 64-bit integer", shown(text)),
                "quote it and drop the tag to keep it as text",
            )),
            None => Err(problem(
                format!(
                    "`{}` is not an integer, as its tag `!!int` says",
                    shown(text)
                ),
                "write an integer (42, -7, 0x1f, 0o17), or remove the tag",
            )),
        },
        Tag::Float => float(text),
        Tag::Bool => match text {
            "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
            _ => Err(problem(
                format!(
                    "`{}` is not a boolean, as its tag `!!bool` says",
                    shown(text)
                ),
                "write true or false (YAML 1.2 reads yes, no, on and off as strings), or remove the tag",
            )),
        },
        Tag::Null => match text {
            "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
            _ => Err(problem(
                format!("`{}` is not null, as its tag `!!null` says", shown(text)),
                "write null or ~, or remove the tag",
            )),
        },
        Tag::Seq | Tag::Map => Err(problem(
            format!(
                "the tag `{}` is for a {}, not a scalar",
                name(tag),
                what(tag)
            ),
            "remove the tag",
        )),
        Tag::Other(_) => Err(unknown(tag)),
    }
}

/// Whether a collection may carry this tag (`is_map`: a mapping, else a sequence).
pub(super) fn collection(tag: &Tag, is_map: bool) -> Result<(), Problem> {
    let kind = if is_map { "mapping" } else { "sequence" };
    match tag {
        Tag::None | Tag::NonSpecific => Ok(()),
        Tag::Map if is_map => Ok(()),
        Tag::Seq if !is_map => Ok(()),
        Tag::Other(_) => Err(unknown(tag)),
        _ => Err(problem(
            format!(
                "the tag `{}` is for a {}, not a {kind}",
                name(tag),
                what(tag)
            ),
            "remove the tag",
        )),
    }
}

/// Whether a scalar is a string in YAML's eyes (rather than a number, a boolean
/// or null): keys `1` and `"1"` are two keys in YAML, one in JSON.
pub(super) fn is_string(text: &str, plain: bool, tag: &Tag) -> bool {
    match tag {
        Tag::None if plain => {
            !(matches!(
                text,
                "" | "~"
                    | "null"
                    | "Null"
                    | "NULL"
                    | "true"
                    | "True"
                    | "TRUE"
                    | "false"
                    | "False"
                    | "FALSE"
            ) || parse_int(text).is_some()
                || is_core_float(text)
                || is_special_float(text))
        }
        Tag::Int | Tag::Float | Tag::Bool | Tag::Null => false,
        _ => true,
    }
}

fn float(text: &str) -> Result<Value, Problem> {
    if is_special_float(text) {
        return Err(problem(
            format!(
                "`{}` is not a number JSON can hold (it has no infinity or NaN)",
                shown(text)
            ),
            "write a finite number, or quote the value and drop the tag to keep it as text",
        ));
    }
    match text.parse::<f64>() {
        Ok(f) if is_core_float(text) && f.is_finite() => Ok(Value::Float(f)),
        _ => Err(problem(
            format!(
                "`{}` is not a number, as its tag `!!float` says",
                shown(text)
            ),
            "write a number (99.9, 1e3), or remove the tag",
        )),
    }
}

/// `.inf`, `-.Inf`, `.NaN` and the like: core schema floats with no JSON form.
fn is_special_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN")
}

fn unknown(tag: &Tag) -> Problem {
    problem(
        format!(
            "the tag `{}` is not one of the YAML core schema: a record holds only strings, numbers, booleans, null, lists and mappings",
            name(tag)
        ),
        "remove the tag (quote the value to keep it as text); the core tags are !!str, !!int, !!float, !!bool, !!null, !!seq and !!map",
    )
}

fn problem(message: String, help: &'static str) -> Problem {
    Problem { message, help }
}

fn name(tag: &Tag) -> String {
    match tag {
        Tag::None => String::new(),
        Tag::NonSpecific => "!".into(),
        Tag::Str => "!!str".into(),
        Tag::Int => "!!int".into(),
        Tag::Float => "!!float".into(),
        Tag::Bool => "!!bool".into(),
        Tag::Null => "!!null".into(),
        Tag::Seq => "!!seq".into(),
        Tag::Map => "!!map".into(),
        Tag::Other(s) => shown(s),
    }
}

/// What a core tag is for, in words.
fn what(tag: &Tag) -> &'static str {
    match tag {
        Tag::Seq => "sequence",
        Tag::Map => "mapping",
        _ => "scalar",
    }
}

/// Text of the document for a message: at most 60 characters of it.
pub(super) fn shown(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
pub fn resolve_plain(text: &str, interner: &mut Interner) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(interner.intern(text));
    }
    if let Some(n) = parse_int(text) {
        return n;
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
    {
        return Value::Float(f);
    }
    Value::Str(interner.intern(text))
}

/// A core schema integer: `Int`, or `Str` with the digits as written when it is
/// beyond i64 (rather than lose precision).
fn parse_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (oct, 8)
    } else {
        (text, 10)
    };
    let unsigned = digits.strip_prefix(['-', '+']).unwrap_or(digits);
    if unsigned.is_empty()
        || !unsigned.chars().all(|c| c.is_digit(radix))
        || (radix != 10 && unsigned.len() != digits.len())
    {
        return None;
    }
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if let Ok(i) = i64::from_str_radix(digits, radix) {
        return Some(Value::Int(i));
    }
    Some(Value::Str(text.into()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(tag: Tag, text: &str) -> Result<serde_json::Value, String> {
        scalar(text, true, &tag, &mut Interner::default())
            .map(|v| v.to_json())
            .map_err(|p| p.message)
    }

    #[test]
    fn core_tags_apply_to_any_style() {
        use serde_json::json;
        assert_eq!(
            scalar("42", false, &Tag::Int, &mut Interner::default())
                .ok()
                .map(|v| v.to_json()),
            Some(json!(42))
        );
        assert_eq!(tagged(Tag::Int, "0x1f"), Ok(json!(31)));
        assert_eq!(tagged(Tag::Float, "1"), Ok(json!(1.0)));
        assert_eq!(tagged(Tag::Bool, "FALSE"), Ok(json!(false)));
        assert_eq!(tagged(Tag::Null, "~"), Ok(json!(null)));
        assert_eq!(tagged(Tag::Str, "12"), Ok(json!("12")));
        assert_eq!(tagged(Tag::NonSpecific, "true"), Ok(json!("true")));
    }

    #[test]
    fn tags_that_cannot_apply_say_why() {
        let e = tagged(Tag::Int, "abc").unwrap_err();
        assert!(e.contains("`abc` is not an integer"), "{e}");
        assert!(
            tagged(Tag::Int, "99999999999999999999")
                .unwrap_err()
                .contains("64-bit")
        );
        assert!(tagged(Tag::Float, ".inf").unwrap_err().contains("infinity"));
        assert!(
            tagged(Tag::Bool, "yes")
                .unwrap_err()
                .contains("not a boolean")
        );
        assert!(tagged(Tag::Map, "x").unwrap_err().contains("for a mapping"));
        let long = "x".repeat(500);
        assert!(tagged(Tag::Other(long), "x").unwrap_err().len() < 300);
        assert!(collection(&Tag::Str, true).is_err());
        assert!(collection(&Tag::Seq, true).is_err());
        assert!(collection(&Tag::Map, true).is_ok());
    }

    #[test]
    fn keys_that_differ_only_in_yaml() {
        assert!(!is_string("1", true, &Tag::None));
        assert!(is_string("1", false, &Tag::None));
        assert!(!is_string(".inf", true, &Tag::None));
        assert!(is_string("a", true, &Tag::None));
        assert!(!is_string("1", false, &Tag::Int));
    }
}
