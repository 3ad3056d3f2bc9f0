//! The schemas stay in sync with themselves, the code and the contract (the
//! guide's field reference is held to them by tests/docs.rs).

use itsm::model::Kind;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn schemas() -> Vec<(String, Value)> {
    itsm::schema::all()
        .into_iter()
        .map(|(name, text)| (name, serde_json::from_str(text).expect("JSON")))
        .collect()
}

#[test]
fn the_embedded_schemas_are_the_files_in_schemas() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = schemas().into_iter().map(|(n, _)| n).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
}

fn walk_properties(path: &str, schema: &Value, missing: &mut Vec<String>) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let here = format!("{path}.{name}");
            if prop
                .get("description")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                missing.push(here.clone());
            }
            walk_properties(&here, prop, missing);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = schema.get(key).filter(|v| v.is_object()) {
            walk_properties(&format!("{path}[{key}]"), sub, missing);
        }
    }
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for (name, def) in defs {
            walk_properties(&format!("{path}#{name}"), def, missing);
        }
    }
}

#[test]
fn every_field_has_a_description() {
    let mut missing = Vec::new();
    for (name, schema) in schemas() {
        walk_properties(&name, &schema, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "fields without a description: {missing:#?}"
    );
}

#[test]
fn shared_definitions_are_identical_in_every_file() {
    let mut seen: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for (name, schema) in schemas() {
        for (def, value) in schema["$defs"].as_object().into_iter().flatten() {
            match seen.get(def) {
                Some((first, v)) => {
                    assert_eq!(v, value, "$defs/{def} differs between {first} and {name}")
                }
                None => {
                    seen.insert(def.clone(), (name.clone(), value.clone()));
                }
            }
        }
    }
}

#[test]
fn policy_clauses_are_exactly_the_clauses_of_the_standard() {
    let policy: Value = serde_json::from_str(itsm::schema::source(Kind::Policy)).unwrap();
    let listed: Vec<&str> = policy["properties"]["spec"]["properties"]["clauses"]["items"]["enum"]
        .as_array()
        .expect("clauses enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let known: Vec<&str> = itsm::iso20000::CLAUSES.iter().map(|c| c.number).collect();
    assert_eq!(listed, known);
}

/// The fields of each kind in the contract's tables: (kind, field, required).
/// model.md's rows start with the kind; management-system.md's with the kind
/// and its identity (`Objective (`objective:`)`), or with what a row is about
/// and then `kind Release (`release:`)`.
fn contract_fields(model: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for line in model.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let first_word = |cell: &str| cell.split_whitespace().next().and_then(Kind::from_name);
        let whole = |cell: &str| {
            let kind = first_word(cell)?;
            let rest = &cell[kind.name().len()..];
            (rest.is_empty() || rest.starts_with(" (`")).then_some(kind)
        };
        let (kind, fields) = match (cells[2].strip_prefix("kind "), whole(cells[1])) {
            (Some(rest), _) if cells.len() > 4 => match first_word(rest) {
                Some(kind) => (kind, cells[3]),
                None => continue,
            },
            (_, Some(kind)) => (kind, cells[2]),
            _ => continue,
        };
        // Fields are the back-quoted names that start a `;`-separated item.
        for item in fields.split(';') {
            let item = item.trim();
            let Some(rest) = item.strip_prefix('`') else {
                continue;
            };
            let Some(end) = rest.find('`') else { continue };
            let field = &rest[..end];
            let required = rest[end + 1..].starts_with('*');
            out.push((kind.name().to_string(), field.to_string(), required));
        }
    }
    out
}

#[test]
fn the_contract_fields_are_in_the_schemas() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/model.md");
    let Ok(model) = std::fs::read_to_string(&path) else {
        // The contract sits beside the repository in development and CI.
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI",
            path.display()
        );
        return;
    };
    let management = path.with_file_name("management-system.md");
    let management = std::fs::read_to_string(&management).unwrap_or_default();
    let fields = contract_fields(&model);
    assert!(
        fields.len() > 60,
        "read only {} fields from the contract",
        fields.len()
    );
    let more = contract_fields(&management);
    let kinds: std::collections::BTreeSet<&str> = more.iter().map(|f| f.0.as_str()).collect();
    assert!(
        management.is_empty() || kinds.len() == 7,
        "read the fields of {kinds:?} from management-system.md"
    );
    let fields = fields.into_iter().chain(more);
    for (kind, field, required) in fields {
        let schema: Value =
            serde_json::from_str(itsm::schema::source(Kind::from_name(&kind).unwrap())).unwrap();
        let spec = &schema["properties"]["spec"];
        assert!(
            spec["properties"].get(&field).is_some(),
            "{kind}.spec.{field} is in the contract, not in the schema"
        );
        let is_required = spec["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == &Value::from(field.as_str()));
        // The contract's table leaves `appliesTo` unstarred, but its text
        // (section "What the gate trusts") makes it required.
        let required = required
            || (kind == "StandardChange"
                && field == "appliesTo"
                && model.contains("A StandardChange without `appliesTo` is a `schema` error."));
        // management-system.md lets a Policy name `requirements` instead of
        // `clauses`: `clauses` is required only when `requirements` is absent.
        let required = required && !(kind == "Policy" && field == "clauses");
        assert_eq!(
            required, is_required,
            "{kind}.spec.{field}: required in the contract = {required}"
        );
    }
}

#[test]
fn ci_types_in_the_code_are_the_schema_enum() {
    let ci: Value = serde_json::from_str(itsm::schema::source(Kind::Ci)).unwrap();
    let types: Vec<&str> = ci["properties"]["spec"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(types, itsm::checks::CI_TYPES);
}
