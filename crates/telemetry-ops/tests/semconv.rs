//! The semantic-convention export loads the way OpenTelemetry's registry tooling loads a
//! registry: `registry.yaml` validates against the semantic-conventions JSON schema (the
//! `semconv.schema.json` the semantic-conventions repository v1.44.0 declares for its model
//! files, weaver v0.25.1, vendored under `tests/semconv/` with its licence), every reference
//! resolves (in our attribute group or in OpenTelemetry's registry, the manifest's
//! dependency), and the types and examples come from the catalog.

use std::collections::{BTreeMap, BTreeSet};
use telemetry_core::catalog::{otel_attribute, AttributeType as CatalogType};
use telemetry_ops::export::{
    self, Attribute, AttributeType, Manifest, Registry, RequirementLevel, OTEL_SCHEMA_URL,
    SEMCONV_KEYS,
};
use telemetry_ops::OPERATIONS;

const SCHEMA: &str = include_str!("semconv/semconv.schema.json");

/// The schema's findings for `yaml` (a registry file), one line each.
fn schema_errors(yaml: &str) -> Vec<String> {
    let instance: serde_json::Value =
        yaml_serde::from_str(yaml).expect("the export is YAML that reads as JSON data");
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("the vendored schema");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://opentelemetry.io/schemas/v1/semconv.schema.json";
    compiler
        .add_resource(url, schema)
        .expect("the schema loads");
    let index = compiler
        .compile(url, &mut schemas)
        .expect("the schema compiles");
    match schemas.validate(&instance, index) {
        Ok(()) => Vec::new(),
        Err(e) => {
            // The leaf causes, each with where it is in the registry.
            fn leaves(e: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
                if e.causes.is_empty() {
                    out.push(format!("{}: {}", e.instance_location, e.kind));
                }
                for c in &e.causes {
                    leaves(c, out);
                }
            }
            let mut out = Vec::new();
            leaves(&e, &mut out);
            out.sort();
            out.dedup();
            out
        }
    }
}

#[test]
fn the_export_validates_against_the_semantic_conventions_schema() {
    let yaml = export::semconv(OPERATIONS.catalog);
    let errors = schema_errors(&yaml);
    assert!(
        errors.is_empty(),
        "{} schema error(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn the_schema_check_catches_a_bare_conditional_requirement_level() {
    // The form the registry had before: `requirement_level: conditionally_required`.
    let bare = "groups:\n- id: span.dataface.x\n  type: span\n  span_kind: internal\n  stability: development\n  brief: x\n  attributes:\n  - ref: error.type\n    requirement_level: conditionally_required\n";
    assert!(!schema_errors(bare).is_empty());
    let object = bare.replace(
        "requirement_level: conditionally_required",
        "requirement_level:\n      conditionally_required: when it failed",
    );
    assert_eq!(schema_errors(&object), Vec::<String>::new());
}

fn registry() -> Registry {
    yaml_serde::from_str(&export::semconv(OPERATIONS.catalog)).expect("the export reads back")
}

#[test]
fn every_reference_resolves_in_the_registry_or_its_opentelemetry_dependency() {
    let registry = registry();
    let defined: BTreeSet<String> = registry
        .groups
        .iter()
        .flat_map(|g| &g.attributes)
        .filter_map(|a| match a {
            Attribute::Definition(d) => Some(d.id.clone()),
            Attribute::Reference(_) => None,
        })
        .collect();
    for key in SEMCONV_KEYS {
        let otel = otel_attribute(key)
            .unwrap_or_else(|| panic!("{key} is not an OpenTelemetry attribute"));
        assert!(!otel.deprecated, "{key} is deprecated in OpenTelemetry");
        assert!(
            !defined.contains(*key),
            "{key} is OpenTelemetry's: referenced, not defined"
        );
    }
    let mut unresolved = Vec::new();
    for group in &registry.groups {
        for a in &group.attributes {
            if let Attribute::Reference(r) = a {
                if !defined.contains(&r.key) && !SEMCONV_KEYS.contains(&r.key.as_str()) {
                    unresolved.push(format!("{}: {}", group.id, r.key));
                }
                if let RequirementLevel::Level(level) = &r.requirement_level {
                    assert_ne!(level, "conditionally_required", "{}: {}", group.id, r.key);
                }
            }
        }
    }
    assert!(unresolved.is_empty(), "unresolved: {unresolved:#?}");

    let manifest: Manifest = yaml_serde::from_str(&export::semconv_manifest(OPERATIONS.catalog))
        .expect("the manifest reads back");
    assert_eq!(manifest.dependencies.len(), 1);
    assert_eq!(manifest.dependencies[0].schema_url, OTEL_SCHEMA_URL);
    assert!(OTEL_SCHEMA_URL.ends_with(telemetry_core::catalog::OTEL_SEMCONV_VERSION));
    assert!(manifest
        .schema_url
        .ends_with(&format!("/{}", OPERATIONS.catalog.version)));
    assert_eq!(manifest.semconv_version, OPERATIONS.catalog.version);
}

#[test]
fn attribute_types_come_from_the_catalog_and_every_string_has_an_example() {
    let registry = registry();
    let definitions: BTreeMap<String, _> = registry
        .groups
        .iter()
        .flat_map(|g| &g.attributes)
        .filter_map(|a| match a {
            Attribute::Definition(d) => Some((d.id.clone(), d)),
            Attribute::Reference(_) => None,
        })
        .collect();
    let catalog = OPERATIONS.catalog;
    let declared = catalog
        .spans()
        .flat_map(|s| s.attributes.iter().map(|a| (a.key, a.value_type)))
        .chain(
            catalog
                .events()
                .flat_map(|e| e.attributes.iter().map(|a| (a.key, a.value_type))),
        )
        .chain(
            catalog
                .metrics()
                .flat_map(|m| m.labels.iter().map(|l| (l.key, l.attribute_type()))),
        );
    let mut checked = 0;
    for (key, ty) in declared {
        if SEMCONV_KEYS.contains(&key) {
            continue;
        }
        let d = definitions
            .get(key)
            .unwrap_or_else(|| panic!("{key} is declared but not defined"));
        match (ty, &d.attribute_type) {
            (CatalogType::Enum(values), AttributeType::Enumeration { members }) => {
                for v in values {
                    assert!(members.iter().any(|m| m.value == *v), "{key}: {v}");
                }
            }
            (CatalogType::Enum(_), other) => panic!("{key}: an enumeration exported as {other:?}"),
            (ty, AttributeType::Primitive(name)) => assert_eq!(name, ty.wire_name(), "{key}"),
            (ty, other) => panic!("{key}: {ty:?} exported as {other:?}"),
        }
        if matches!(d.attribute_type, AttributeType::Primitive(ref t) if t == "string") {
            assert!(
                d.examples
                    .as_ref()
                    .is_some_and(|e| !e.is_empty() && !e[0].is_empty()),
                "string attribute {key} has no example"
            );
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} attributes checked");
    // The types the registry got wrong before: every count was a string.
    let ty = |key: &str| match &definitions[key].attribute_type {
        AttributeType::Primitive(t) => t.clone(),
        AttributeType::Enumeration { .. } => "enum".into(),
    };
    assert_eq!(ty("dataface.profiler.rows"), "int");
    assert_eq!(ty("dataface.abandoned"), "boolean");
    assert_eq!(ty("dataface.webhook.lag"), "double");
    assert_eq!(ty("dataface.semantic.confidence"), "double");
    assert_eq!(ty("dataface.billing.attempt"), "int");
}
