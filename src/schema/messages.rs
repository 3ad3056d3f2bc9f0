//! Turns JSON Schema violations into messages that say what to fix.

use crate::diag::Target;
use crate::load::locate::push_segment;
use crate::suggest::closest;
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as K};
use serde_json::Value;

/// A described violation: pointer, target node, message, help.
pub type Described = (String, Target, String, Option<String>);

/// Describes one violation; an unknown-fields error yields one item per field.
pub fn describe(e: &ValidationError<'_>, schema: &Value) -> Vec<Described> {
    let pointer = e.instance_path().as_str().to_string();
    let v = Violation {
        field: label(&pointer),
        e,
        schema,
    };
    if let K::AdditionalProperties { unexpected } = e.kind() {
        return unknown_fields(&v, &pointer, unexpected);
    }
    let (message, help) = v.message();
    vec![(pointer, Target::Value, message, help)]
}

/// A violation, the schema it is of and the field it is at, in words.
struct Violation<'v, 'e> {
    e: &'v ValidationError<'e>,
    schema: &'v Value,
    field: String,
}

impl Violation<'_, '_> {
    /// The node of the schema beside the keyword violated (`/properties`).
    fn schema_at(&self, suffix: &str) -> Option<&Value> {
        let path = self.e.schema_path().as_str();
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        self.schema.pointer(&format!("{parent}{suffix}"))
    }

    /// The message and help of a violation at one node.
    fn message(&self) -> (String, Option<String>) {
        let (field, instance) = (&self.field, self.e.instance());
        match self.e.kind() {
            K::Required { property } => self.required(property.as_str().unwrap_or_default()),
            K::Enum { options } => self.not_an_option(options),
            K::Type { kind } => self.wrong_type(kind),
            K::Pattern { pattern } => {
                let (what, help) = pattern_meaning(pattern);
                let message = format!("{} is not {what} ({field})", short(instance));
                (message, Some(help.to_string()))
            }
            K::Format { format } => {
                let message = format!("{} is not a valid {format} ({field})", short(instance));
                (message, Some(format_help(format).to_string()))
            }
            kind => (self.out_of_bounds(kind), self.bounds_help(kind)),
        }
    }

    fn required(&self, name: &str) -> (String, Option<String>) {
        let help = self
            .schema_at(&format!("/properties/{name}/description"))
            .and_then(Value::as_str)
            .map(|d| format!("`{name}`: {d}"));
        let message = format!("{} is missing the required field `{name}`", self.field);
        (message, help)
    }

    fn not_an_option(&self, options: &Value) -> (String, Option<String>) {
        let instance = self.e.instance();
        let raw: Vec<&str> = options
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let shown: Vec<String> = options
            .as_array()
            .map(|a| a.iter().map(short).collect())
            .unwrap_or_default();
        let help = match instance
            .as_str()
            .and_then(|s| closest(s, raw.iter().copied()))
        {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("expected one of: {}", shown.join(", ")),
        };
        let message = format!(
            "{} is not a valid value for {}",
            short(instance),
            self.field
        );
        (message, Some(help))
    }

    fn wrong_type(&self, kind: &TypeKind) -> (String, Option<String>) {
        let instance = self.e.instance();
        let expected = match kind {
            TypeKind::Single(t) => t.to_string(),
            TypeKind::Multiple(ts) => ts
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" or "),
        };
        let help = (expected.contains("string") && (instance.is_number() || instance.is_boolean()))
            .then(|| format!("put it in quotes: \"{instance}\""));
        let message = format!(
            "{} must be {} {expected}, not {}",
            self.field,
            article(&expected),
            type_name(instance)
        );
        (message, help)
    }

    /// The message of a violated bound, or of any other keyword.
    fn out_of_bounds(&self, kind: &K) -> String {
        let (field, value) = (&self.field, short(self.e.instance()));
        match kind {
            K::Maximum { limit } => format!("{field} is {value}, above the maximum of {limit}"),
            K::Minimum { limit } => format!("{field} is {value}, below the minimum of {limit}"),
            K::ExclusiveMaximum { limit } => {
                format!("{field} is {value}: it must be below {limit}")
            }
            K::ExclusiveMinimum { limit } => {
                format!("{field} is {value}: it must be above {limit}")
            }
            K::MinLength { .. } => format!("{field} must not be empty"),
            K::Constant { expected_value } => {
                format!("{field} must be {}, not {value}", short(expected_value))
            }
            K::MinItems { limit } => format!(
                "{field} needs at least {limit} item{}",
                if *limit == 1 { "" } else { "s" }
            ),
            K::UniqueItems => format!("{field} lists the same item twice"),
            // The one `anyOf` of the schemas: a Policy rule's `assert` or `approve`.
            K::AnyOf { .. } if self.is_rule_any_of() => {
                format!("{field} needs `assert` (a check) or `approve` (an approval requirement)")
            }
            _ => format!("{field}: {}", self.e),
        }
    }

    fn bounds_help(&self, kind: &K) -> Option<String> {
        matches!(kind, K::UniqueItems).then(|| "remove the duplicate".to_string())
    }

    fn is_rule_any_of(&self) -> bool {
        self.e
            .schema_path()
            .as_str()
            .ends_with("/rules/items/anyOf")
    }
}

/// One finding per unknown field of a mapping, with the field it may have meant.
fn unknown_fields(v: &Violation<'_, '_>, pointer: &str, unexpected: &[String]) -> Vec<Described> {
    let known: Vec<String> = v
        .schema_at("/properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let field = &v.field;
    unexpected
        .iter()
        .map(|key| {
            let mut p = pointer.to_string();
            push_segment(&mut p, key);
            let help = match closest(key, known.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None if known.is_empty() => "remove it".to_string(),
                None => format!("the fields of {field} are: {}", known.join(", ")),
            };
            let message = format!("unknown field `{key}` in {field}");
            (p, Target::Key, message, Some(help))
        })
        .collect()
}

/// What to write for a `format` the value does not have.
fn format_help(format: &str) -> &'static str {
    match format {
        "date" => "write a calendar date as YYYY-MM-DD, e.g. 2026-03-31",
        "date-time" => "write an RFC 3339 instant with a time zone, e.g. 2026-03-10T22:00:00Z",
        _ => "see the schema",
    }
}

/// `/spec/window/end` -> "`spec.window.end`"; the root is "the record".
fn label(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the document".to_string();
    }
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    format!("`{out}`")
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    };
    if s.chars().count() > 60 {
        format!("{}…`", s.chars().take(58).collect::<String>())
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What the shared patterns of the schemas mean, in words.
fn pattern_meaning(pattern: &str) -> (&'static str, &'static str) {
    match pattern {
        "^(?!(con|prn|aux|nul|com[0-9]|lpt[0-9])$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" => (
            "a valid name",
            "names use lower-case letters, digits and hyphens, start and end with a letter or digit, have at most 63 characters (e.g. payments-api), and are not a Windows device name (con, prn, aux, nul, com0-com9, lpt0-lpt9: no page of the site could have it on Windows)",
        ),
        "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" => (
            "a valid name",
            "names use lower-case letters, digits and hyphens, start and end with a letter or digit, and have at most 63 characters (e.g. payments-api)",
        ),
        "^[0-9]+(m|h|d|w|mo|y)$" => (
            "a duration",
            "write a whole number and a unit: m (minutes), h, d, w, mo (months) or y, e.g. 15m, 4h, 12mo",
        ),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => ("a date", "write a date as YYYY-MM-DD, e.g. 2026-03-31"),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T" => (
            "an instant",
            "write an RFC 3339 instant with a time zone, e.g. 2026-03-10T22:00:00Z",
        ),
        "^([a-z][a-z-]*:)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" => (
            "a reference",
            "refer to a record by its name (payments) or in the full form kind:name (team:payments)",
        ),
        "^[a-z][a-z-]*:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" => (
            "a full reference",
            "this field accepts several kinds, so it needs the full form kind:name, e.g. service:payments-api or ci:pg-main",
        ),
        "^[A-Za-z0-9][A-Za-z0-9-]{0,38}$" => (
            "a GitHub login",
            "a GitHub login has letters, digits and hyphens, at most 39 characters",
        ),
        "^(https?:|mailto:)" => (
            "an allowed link",
            "links must start with https:, http: or mailto:",
        ),
        "^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$" => (
            "of the form owner/name",
            "write it as owner/name, e.g. acme/platform",
        ),
        _ => (
            "in the expected format",
            "see the field's description in the schema (`itsm schema KIND`)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_like_yaml_paths() {
        assert_eq!(label("/s/impacts/0"), "`s.impacts[0]`");
        assert_eq!(label(""), "the document");
        assert_eq!(label("/metadata/labels/a~1b"), "`metadata.labels.a/b`");
    }
}
