//! The official SARIF 2.1.0 schema, vendored in `tests/fixtures/sarif/`, as a validator.

/// The SARIF 2.1.0 schema, ready for a strict ECMA 262 regex engine.
pub fn sarif_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sarif/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut schema: serde_json::Value =
        serde_json::from_str(&text).expect("the SARIF schema is JSON");
    // The official schema's `language` patterns have a stray `]` that strict
    // ECMA 262 regexes refuse; itsm does not emit `language`, so drop them.
    for def in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][def]["properties"]["language"];
        assert!(
            language
                .as_object_mut()
                .and_then(|o| o.remove("pattern"))
                .is_some(),
            "{def}"
        );
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}
