//! The catalog in other forms: markdown for people, and an OpenTelemetry
//! semantic-convention registry (the YAML model the registry tooling reads).

use crate::Product;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use telemetry_core::catalog::{Catalog, InstrumentKind, LabelValues, Requirement, Section};

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
/// redefined.
const SEMCONV_KEYS: &[&str] = &[
    "error.type",
    "db.system.name",
    "db.collection.name",
    "db.namespace",
    "server.address",
    "url.full",
    "http.request.method",
    "http.response.status_code",
    "service.name",
    "deployment.environment.name",
];

fn requirement(r: Requirement) -> &'static str {
    match r {
        Requirement::Required => "required",
        Requirement::ConditionallyRequired => "conditionally_required",
        Requirement::Recommended => "recommended",
        Requirement::OptIn => "opt_in",
    }
}

/// A semantic-convention registry file: groups of attributes, spans and metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    /// The groups.
    pub groups: Vec<Group>,
}

/// A registry group: the attribute group, a span or a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// `registry.dataface`, `span.<name>` or `metric.<name>`.
    pub id: String,
    /// `attribute_group`, `span` or `metric`.
    #[serde(rename = "type")]
    pub group_type: String,
    /// Spans: their kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_kind: Option<String>,
    /// Metrics: the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Metrics: `counter`, `gauge` or `histogram`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// Metrics: the UCUM unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Spans and metrics: `development`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<String>,
    /// One sentence.
    pub brief: String,
    /// Attributes: defined (attribute group) or referenced (spans, metrics).
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
    /// `string`, or an enumeration of members.
    #[serde(rename = "type")]
    pub attribute_type: AttributeType,
    /// Example values (enumerations: the first member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Vec<String>>,
}

/// The type of an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeType {
    /// A primitive (`string`).
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
    /// The member's identifier (the value with non-alphanumerics as `_`).
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
    /// `required`, `conditionally_required`, `recommended` or `opt_in`.
    pub requirement_level: String,
}

const DEVELOPMENT: &str = "development";

/// The catalog as a semantic-convention registry: one attribute group with every
/// Dataface attribute and metric label, a `span` group per span and a `metric` group per
/// metric. OpenTelemetry's own keys (`error.type`, `db.system.name` ...) are referenced.
pub fn registry(catalog: &Catalog) -> Registry {
    // Every attribute and label, defined once.
    let mut attrs: BTreeMap<&str, (String, Option<Vec<&str>>)> = BTreeMap::new();
    for span in catalog.spans() {
        for a in span.attributes {
            attrs
                .entry(a.key)
                .or_insert_with(|| (a.description.to_owned(), None));
        }
    }
    for m in catalog.metrics() {
        for l in m.labels {
            let values = match l.values {
                LabelValues::Enumerated(v) => Some(v.to_vec()),
                LabelValues::Bounded(_) => None,
            };
            attrs
                .entry(l.key)
                .and_modify(|e| {
                    if let (Some(have), Some(more)) = (&mut e.1, &values) {
                        for v in more {
                            if !have.contains(v) {
                                have.push(v);
                            }
                        }
                    }
                })
                .or_insert_with(|| (l.description.to_owned(), values));
        }
    }
    let attributes: Vec<Attribute> = attrs
        .iter()
        .filter(|(k, _)| !SEMCONV_KEYS.contains(k))
        .map(|(key, (brief, values))| {
            let (attribute_type, examples) = match values {
                Some(values) => (
                    AttributeType::Enumeration {
                        members: values
                            .iter()
                            .map(|v| Member {
                                id: v
                                    .chars()
                                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                                    .collect(),
                                value: (*v).to_owned(),
                                stability: DEVELOPMENT.into(),
                            })
                            .collect(),
                    },
                    Some(vec![values[0].to_owned()]),
                ),
                None => (AttributeType::Primitive("string".into()), None),
            };
            Attribute::Definition(AttributeDefinition {
                id: (*key).to_owned(),
                stability: DEVELOPMENT.into(),
                brief: brief.clone(),
                attribute_type,
                examples,
            })
        })
        .collect();
    let group = |id: String, group_type: &str, brief: &str, attributes: Vec<Attribute>| Group {
        id,
        group_type: group_type.to_owned(),
        span_kind: None,
        metric_name: None,
        instrument: None,
        unit: None,
        stability: None,
        brief: brief.to_owned(),
        attributes,
    };
    let reference = |key: &str, r: Requirement| {
        Attribute::Reference(AttributeReference {
            key: key.to_owned(),
            requirement_level: requirement(r).to_owned(),
        })
    };
    let mut groups = vec![group(
        "registry.dataface".into(),
        "attribute_group",
        "Attributes and metric labels of Dataface telemetry.",
        attributes,
    )];
    for span in catalog.spans() {
        groups.push(Group {
            span_kind: Some("internal".into()),
            stability: Some(DEVELOPMENT.into()),
            ..group(
                format!("span.{}", span.name),
                "span",
                span.description,
                span.attributes
                    .iter()
                    .map(|a| reference(a.key, a.requirement))
                    .collect(),
            )
        });
    }
    for m in catalog.metrics() {
        groups.push(Group {
            metric_name: Some(m.name.to_owned()),
            instrument: Some(instrument(m.kind).to_owned()),
            unit: Some(m.unit.to_owned()),
            stability: Some(DEVELOPMENT.into()),
            ..group(
                format!("metric.{}", m.name),
                "metric",
                m.description,
                m.labels
                    .iter()
                    .map(|l| reference(l.key, Requirement::Required))
                    .collect(),
            )
        });
    }
    Registry { groups }
}

/// The registry as YAML (see [`registry`]).
pub fn semconv(catalog: &Catalog) -> String {
    crate::yaml_document(
        &format!(
            "Dataface semantic conventions, catalog {}.\nGENERATED by `dataface-telemetry catalog --format semconv`: DO NOT EDIT.\nReferences OpenTelemetry's registry for: {}.",
            catalog.version,
            SEMCONV_KEYS.join(", ")
        ),
        &registry(catalog),
    )
}
