//! The catalog in other forms: markdown for people, and an OpenTelemetry
//! semantic-convention registry (the YAML model the registry tooling reads).

use crate::Product;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use telemetry_core::catalog::{
    member_id, AttributeSpec, AttributeType as CatalogType, Catalog, InstrumentKind, LabelValues,
    Requirement, Section,
};

#[derive(Serialize)]
struct RowView {
    signal: String,
    kind: &'static str,
    unit: String,
    details: String,
    owner: &'static str,
    description: String,
}

#[derive(Serialize)]
struct AlertView {
    name: &'static str,
    kind: &'static str,
    severity: &'static str,
    owner: &'static str,
    summary: &'static str,
}

#[derive(Serialize)]
struct SectionView {
    surface: &'static str,
    rows: Vec<RowView>,
    alerts: Vec<AlertView>,
}

#[derive(Serialize)]
struct CatalogView<'a> {
    version: &'a str,
    sections: Vec<SectionView>,
}

/// A section's signals as table rows: metrics with their Prometheus names, spans, error
/// codes.
fn rows(section: &Section) -> Vec<RowView> {
    let mut rows = Vec::new();
    for m in section.metrics {
        let labels: Vec<String> = m
            .labels
            .iter()
            .map(|l| match l.values {
                LabelValues::Enumerated(v) if v.len() <= 8 => {
                    format!("`{}` ({})", l.key, v.join(", "))
                }
                LabelValues::Enumerated(v) => format!("`{}` ({} values)", l.key, v.len()),
                LabelValues::Bounded(n) => format!("`{}` (≤ {n})", l.key),
            })
            .collect();
        rows.push(RowView {
            signal: format!("`{}`<br>`{}`", m.name, m.prometheus_name()),
            kind: instrument(m.kind),
            unit: format!("`{}`", m.unit),
            details: labels.join(", "),
            owner: m.owner.id,
            description: m.description.to_owned(),
        });
    }
    for sp in section.spans {
        let attrs: Vec<String> = sp
            .attributes
            .iter()
            .map(|a| format!("`{}`", a.key))
            .collect();
        rows.push(RowView {
            signal: format!("`{}`", sp.name),
            kind: "span",
            unit: String::new(),
            details: attrs.join(", "),
            owner: sp.owner.id,
            description: sp.description.to_owned(),
        });
    }
    for e in section.error_codes {
        rows.push(RowView {
            signal: format!("`{}`", e.code),
            kind: "error code",
            unit: String::new(),
            details: format!(
                "{:?}, {}retryable, {:?}",
                e.class,
                if e.retryable { "" } else { "not " },
                e.severity
            ),
            owner: e.owner.id,
            description: format!("{} Next: {}", e.summary, e.remedy),
        });
    }
    rows
}

fn instrument(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Counter => "counter",
        InstrumentKind::Gauge => "gauge",
        InstrumentKind::Histogram => "histogram",
    }
}

/// The whole catalog as markdown: per surface, its signal table and its alerts (template
/// `templates/catalog.md`).
pub fn markdown(product: &Product) -> String {
    let catalog = product.catalog;
    crate::templates::render(
        crate::templates::CATALOG,
        &CatalogView {
            version: catalog.version,
            sections: catalog
                .sections
                .iter()
                .map(|section| SectionView {
                    surface: section.surface,
                    rows: rows(section),
                    alerts: product
                        .alerts_of(section)
                        .iter()
                        .map(|a| AlertView {
                            name: a.name,
                            kind: a.objective.kind(),
                            severity: a.severity.as_str(),
                            owner: a.owner.id,
                            summary: a.summary,
                        })
                        .collect(),
                })
                .collect(),
        },
    )
}

/// Attribute keys defined by OpenTelemetry's own semantic conventions: referenced, never
/// redefined (each is an attribute of the registry at [`OTEL_SCHEMA_URL`]).
pub const SEMCONV_KEYS: &[&str] = &[
    "error.type",
    "db.system.name",
    "db.collection.name",
    "db.namespace",
    "server.address",
    "url.full",
    "http.request.method",
    "http.response.status_code",
    "service.name",
    "service.version",
    "deployment.environment.name",
];

/// The OpenTelemetry semantic conventions release the registry depends on.
pub const OTEL_SEMCONV_VERSION: &str = telemetry_core::catalog::OTEL_SEMCONV_VERSION;

/// The schema URL of that release: the manifest's dependency.
pub const OTEL_SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.44.0";

/// Where the release's registry definitions are, for the tooling that resolves the
/// references (`[model]`: the folder inside the archive).
pub const OTEL_REGISTRY_PATH: &str =
    "https://github.com/open-telemetry/semantic-conventions/archive/refs/tags/v1.44.0.zip[model]";

/// The schema URL of a catalog version of ours.
pub fn schema_url(version: &str) -> String {
    format!("https://schemas.dataface.example/telemetry/{version}")
}

/// The requirement level of a reference: a bare level, or the object form that carries the
/// condition (`conditionally_required: <when>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequirementLevel {
    /// `required`, `recommended` or `opt_in`.
    Level(String),
    /// Required when the condition holds.
    Conditional {
        /// The condition, in words.
        conditionally_required: String,
    },
}

fn requirement(r: Requirement, condition: &str) -> RequirementLevel {
    match r {
        Requirement::Required => RequirementLevel::Level("required".into()),
        Requirement::ConditionallyRequired => RequirementLevel::Conditional {
            conditionally_required: condition.to_owned(),
        },
        Requirement::Recommended => RequirementLevel::Level("recommended".into()),
        Requirement::OptIn => RequirementLevel::Level("opt_in".into()),
    }
}

/// A semantic-convention registry file: groups of attributes, spans, events and metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    /// The groups.
    pub groups: Vec<Group>,
}

/// A registry group: the attribute group, a span, an event or a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// `registry.dataface`, `span.<name>`, `event.<name>` or `metric.<name>`.
    pub id: String,
    /// `attribute_group`, `span`, `event` or `metric`.
    #[serde(rename = "type")]
    pub group_type: String,
    /// Spans: their kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_kind: Option<String>,
    /// Events: the event name (the log record's `event_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Metrics: the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Metrics: `counter`, `gauge` or `histogram`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// Metrics: the UCUM unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Spans, events and metrics: `development`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<String>,
    /// One sentence.
    pub brief: String,
    /// Attributes: defined (attribute group) or referenced (spans, events, metrics).
    pub attributes: Vec<Attribute>,
}

/// An attribute of a group: defined, or referenced by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Attribute {
    /// Defined here.
    Definition(AttributeDefinition),
    /// Defined elsewhere (here or in OpenTelemetry's registry).
    Reference(AttributeReference),
}

/// An attribute defined by the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDefinition {
    /// The key.
    pub id: String,
    /// `development`.
    pub stability: String,
    /// What it holds.
    pub brief: String,
    /// `string`, `int`, `double`, `boolean`, or an enumeration of members.
    #[serde(rename = "type")]
    pub attribute_type: AttributeType,
    /// Example values: every string attribute has one (an enumeration: its first member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Vec<String>>,
}

/// The type of an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeType {
    /// A primitive (`string`, `int`, `double`, `boolean`).
    Primitive(String),
    /// An enumeration.
    Enumeration {
        /// Its members.
        members: Vec<Member>,
    },
}

/// A member of an enumerated attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's identifier ([`member_id`] of the value).
    pub id: String,
    /// The value.
    pub value: String,
    /// `development`.
    pub stability: String,
}

/// A reference to an attribute, with how strongly it is expected here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeReference {
    /// The key.
    #[serde(rename = "ref")]
    pub key: String,
    /// The requirement level; `conditionally_required` in the object form with its
    /// condition.
    pub requirement_level: RequirementLevel,
}

/// The registry's manifest (`registry_manifest.yaml`): its name, version and schema URL,
/// and the OpenTelemetry semantic conventions it depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `dataface`.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// The catalog version.
    pub semconv_version: String,
    /// Our schema URL, ending in the catalog version.
    pub schema_url: String,
    /// `development`.
    pub stability: String,
    /// The registries referenced: OpenTelemetry's semantic conventions.
    pub dependencies: Vec<Dependency>,
}

/// A registry the manifest depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// `otel`.
    pub name: String,
    /// The dependency's schema URL ([`OTEL_SCHEMA_URL`]).
    pub schema_url: String,
    /// Where its definitions are ([`OTEL_REGISTRY_PATH`]).
    pub registry_path: String,
}

const DEVELOPMENT: &str = "development";

/// The registry type of a catalog attribute type, with its examples; an enumeration takes
/// `values` (every value declared under its key).
fn registry_type(ty: CatalogType, values: &[&str]) -> (AttributeType, Option<Vec<String>>) {
    match ty {
        CatalogType::Enum(_) => (
            AttributeType::Enumeration {
                members: values
                    .iter()
                    .map(|v| Member {
                        id: member_id(v),
                        value: (*v).to_owned(),
                        stability: DEVELOPMENT.into(),
                    })
                    .collect(),
            },
            values.first().map(|v| vec![(*v).to_owned()]),
        ),
        CatalogType::String { example } => (
            AttributeType::Primitive("string".into()),
            Some(vec![example.to_owned()]),
        ),
        other => (AttributeType::Primitive(other.wire_name().into()), None),
    }
}

/// An attribute as declared: description, type, and the values of an enumeration.
type Declared = (&'static str, CatalogType, Vec<&'static str>);

/// Every attribute key the catalog declares (span and event attributes, metric labels) with
/// its description and type; an enumeration declared under one key with several value
/// sets gets all of their values.
fn declared_attributes(catalog: &Catalog) -> BTreeMap<&'static str, Declared> {
    let mut attrs: BTreeMap<&'static str, Declared> = BTreeMap::new();
    let mut add = |key: &'static str, description: &'static str, ty: CatalogType| {
        let entry = attrs.entry(key).or_insert((description, ty, Vec::new()));
        if let CatalogType::Enum(values) = ty {
            for v in values {
                if !entry.2.contains(v) {
                    entry.2.push(v);
                }
            }
        }
    };
    let attributes = catalog
        .spans()
        .flat_map(|s| s.attributes.iter())
        .chain(catalog.events().flat_map(|e| e.attributes.iter()));
    for a in attributes {
        add(a.key, a.description, a.value_type);
    }
    for l in catalog.metrics().flat_map(|m| m.labels.iter()) {
        add(l.key, l.description, l.attribute_type());
    }
    attrs
}

/// The catalog as a semantic-convention registry: one attribute group with every
/// Dataface attribute and metric label (typed as emitted, each string with an example), a
/// `span` group per span, an `event` group per log event and a `metric` group per metric.
/// OpenTelemetry's own keys ([`SEMCONV_KEYS`]) are referenced, resolved through the
/// manifest's dependency ([`manifest`]).
pub fn registry(catalog: &Catalog) -> Registry {
    let attributes: Vec<Attribute> = declared_attributes(catalog)
        .into_iter()
        .filter(|(k, _)| !SEMCONV_KEYS.contains(k))
        .map(|(key, (brief, ty, values))| {
            let (attribute_type, examples) = registry_type(ty, &values);
            Attribute::Definition(AttributeDefinition {
                id: key.to_owned(),
                stability: DEVELOPMENT.into(),
                brief: brief.to_owned(),
                attribute_type,
                examples,
            })
        })
        .collect();
    let group = |id: String, group_type: &str, brief: &str, attributes: Vec<Attribute>| Group {
        id,
        group_type: group_type.to_owned(),
        span_kind: None,
        name: None,
        metric_name: None,
        instrument: None,
        unit: None,
        stability: Some(DEVELOPMENT.into()),
        brief: brief.to_owned(),
        attributes,
    };
    let reference = |a: &AttributeSpec| {
        Attribute::Reference(AttributeReference {
            key: a.key.to_owned(),
            requirement_level: requirement(a.requirement, a.description),
        })
    };
    let mut groups = vec![Group {
        stability: None,
        ..group(
            "registry.dataface".into(),
            "attribute_group",
            "Attributes and metric labels of Dataface telemetry.",
            attributes,
        )
    }];
    for span in catalog.spans() {
        groups.push(Group {
            span_kind: Some("internal".into()),
            ..group(
                format!("span.{}", span.name),
                "span",
                span.description,
                span.attributes.iter().map(reference).collect(),
            )
        });
    }
    for event in catalog.events() {
        groups.push(Group {
            name: Some(event.name.to_owned()),
            ..group(
                format!("event.{}", event.name),
                "event",
                event.description,
                event.attributes.iter().map(reference).collect(),
            )
        });
    }
    for m in catalog.metrics() {
        groups.push(Group {
            metric_name: Some(m.name.to_owned()),
            instrument: Some(instrument(m.kind).to_owned()),
            unit: Some(m.unit.to_owned()),
            ..group(
                format!("metric.{}", m.name),
                "metric",
                m.description,
                m.labels
                    .iter()
                    .map(|l| {
                        Attribute::Reference(AttributeReference {
                            key: l.key.to_owned(),
                            requirement_level: requirement(Requirement::Required, ""),
                        })
                    })
                    .collect(),
            )
        });
    }
    Registry { groups }
}

/// The registry's manifest: our schema URL for this catalog version, and OpenTelemetry's
/// semantic conventions [`OTEL_SEMCONV_VERSION`] as the dependency the references resolve in.
pub fn manifest(catalog: &Catalog) -> Manifest {
    Manifest {
        name: "dataface".into(),
        description: "Dataface telemetry: the signals every Dataface service emits.".into(),
        semconv_version: catalog.version.to_owned(),
        schema_url: schema_url(catalog.version),
        stability: DEVELOPMENT.into(),
        dependencies: vec![Dependency {
            name: "otel".into(),
            schema_url: OTEL_SCHEMA_URL.into(),
            registry_path: OTEL_REGISTRY_PATH.into(),
        }],
    }
}

/// The registry as YAML (see [`registry`]).
pub fn semconv(catalog: &Catalog) -> String {
    crate::yaml_document(
        &format!(
            "Dataface semantic conventions, catalog {}.\nGENERATED by `dataface-ops catalog --format semconv`: DO NOT EDIT.\nReferences OpenTelemetry's registry {OTEL_SEMCONV_VERSION} (registry_manifest.yaml) for: {}.",
            catalog.version,
            SEMCONV_KEYS.join(", ")
        ),
        &registry(catalog),
    )
}

/// The manifest as YAML (see [`manifest`]).
pub fn semconv_manifest(catalog: &Catalog) -> String {
    crate::yaml_document(
        &format!(
            "Dataface semantic conventions, catalog {}.\nGENERATED by `dataface-ops catalog --format semconv`: DO NOT EDIT.",
            catalog.version
        ),
        &manifest(catalog),
    )
}

/// The registry's files: `registry.yaml` and `registry_manifest.yaml`.
pub fn semconv_files(catalog: &Catalog) -> Vec<(std::path::PathBuf, String)> {
    vec![
        ("registry.yaml".into(), semconv(catalog)),
        ("registry_manifest.yaml".into(), semconv_manifest(catalog)),
    ]
}
