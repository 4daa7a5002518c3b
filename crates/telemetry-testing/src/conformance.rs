//! Conformance: every captured signal checked against the catalog.

use crate::record::{AttrValue, Captured, MetricRecord};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, Catalog, LabelValues, Requirement, OTHER,
};

/// A conformance rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Violation {
    /// A metric the catalog does not declare.
    UndeclaredMetric,
    /// A metric recorded as another instrument kind than declared.
    WrongKind,
    /// A metric described with another unit than declared.
    WrongUnit,
    /// A label the metric does not declare.
    UndeclaredLabel,
    /// A declared label missing from a series.
    MissingLabel,
    /// A label value outside its declared set (or beyond its declared bound).
    ValueOutsideSet,
    /// A `dataface.*` span the catalog does not declare.
    UndeclaredSpan,
    /// A span attribute the span does not declare.
    UndeclaredAttribute,
    /// A required span attribute missing.
    MissingRequiredAttribute,
    /// An `error.type` value that is not a declared error code.
    UndeclaredErrorCode,
    /// A `dataface.*` log event the catalog does not declare.
    UndeclaredEvent,
    /// A log a probe crate emits without a catalog event name.
    UnnamedEvent,
    /// An attribute (span, span event, log record, metric data point) emitted with another
    /// type than the catalog declares for its key: an int for an enumeration, a string for
    /// an int.
    WrongType,
}

/// One violation found by [`Captured::conformance`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConformanceError {
    /// The rule broken.
    pub rule: Violation,
    /// The signal and what about it.
    pub detail: String,
}

impl fmt::Display for ConformanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.rule, self.detail)
    }
}

/// Attributes the tracing bridge itself may add; not the probe's to declare.
fn bridge_attribute(key: &str) -> bool {
    key.starts_with("code.")
        || key.starts_with("thread.")
        || key.starts_with("otel.")
        || matches!(key, "busy_ns" | "idle_ns" | "target" | "level")
}

impl Captured {
    /// Every way the captured signals break `catalog`.
    pub fn conformance(&self, catalog: &Catalog) -> Vec<ConformanceError> {
        let mut out = Vec::new();
        let codes: Vec<&str> = catalog.error_codes().map(|e| e.code).collect();
        let mut seen_values: HashMap<(String, String), Vec<String>> = HashMap::new();
        let mut push = |rule, detail: String| out.push(ConformanceError { rule, detail });
        for m in self.metrics.iter().chain(&self.untouched) {
            check_metric(catalog, m, &codes, &mut seen_values, &mut push);
        }
        for s in &self.spans {
            match catalog.spans().find(|d| d.name == s.name) {
                None if s.name.starts_with("dataface.") => {
                    push(Violation::UndeclaredSpan, format!("span {}", s.name))
                }
                None => {}
                Some(decl) => {
                    for key in s.attributes.keys() {
                        if !bridge_attribute(key) && !decl.attributes.iter().any(|a| a.key == key) {
                            push(
                                Violation::UndeclaredAttribute,
                                format!("span {} attribute {key}", s.name),
                            );
                        }
                    }
                    for a in decl.attributes {
                        if a.requirement == Requirement::Required
                            && !s.attributes.contains_key(a.key)
                        {
                            push(
                                Violation::MissingRequiredAttribute,
                                format!("span {} lacks required attribute {}", s.name, a.key),
                            );
                        }
                    }
                }
            }
            let own = catalog
                .spans()
                .find(|d| d.name == s.name)
                .map_or(&[][..], |d| d.attributes);
            check_types(
                catalog,
                own,
                &format!("span {}", s.name),
                &s.attributes,
                &mut push,
            );
            for (event, attributes) in &s.events {
                let what = format!("span {} event {event:?}", s.name);
                check_types(catalog, &[], &what, attributes, &mut push);
            }
            if let Some(code) = s.attributes.get("error.type") {
                let code = code.to_string();
                if !codes.contains(&code.as_str()) {
                    push(
                        Violation::UndeclaredErrorCode,
                        format!("span {} error.type {code:?}", s.name),
                    );
                }
            }
        }
        for l in &self.logs {
            check_log(catalog, l, &codes, &mut push);
        }
        out
    }

    /// Panics listing every conformance violation against `catalog`.
    #[track_caller]
    pub fn assert_conforms(&self, catalog: &Catalog) {
        let errors = self.conformance(catalog);
        if !errors.is_empty() {
            let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            panic!(
                "captured signals break the catalog ({} violation(s)):\n{}",
                errors.len(),
                list.join("\n")
            );
        }
    }
}

/// Whether `target` is a probe crate's module (`cloud_probes`, `cloud_probes::x`).
fn probe_target(target: &str) -> bool {
    target
        .split("::")
        .next()
        .is_some_and(|krate| krate.ends_with("_probes"))
}

/// The type the catalog declares for `key`: in `own` (the signal's own declaration), else on
/// any span or log event (validation keeps one type per key), else as a metric label (text).
fn declared_type(catalog: &Catalog, own: &[AttributeSpec], key: &str) -> Option<AttributeType> {
    let declared =
        |attrs: &[AttributeSpec]| attrs.iter().find(|a| a.key == key).map(|a| a.value_type);
    declared(own)
        .or_else(|| catalog.spans().find_map(|s| declared(s.attributes)))
        .or_else(|| catalog.events().find_map(|e| declared(e.attributes)))
        .or_else(|| {
            catalog
                .metrics()
                .find_map(|m| m.label(key))
                .map(|l| l.attribute_type())
        })
}

/// Every attribute of `what` whose key the catalog declares is emitted with its declared type.
fn check_types(
    catalog: &Catalog,
    own: &[AttributeSpec],
    what: &str,
    attributes: &BTreeMap<String, AttrValue>,
    push: &mut impl FnMut(Violation, String),
) {
    for (key, value) in attributes {
        if let Some(declared) = declared_type(catalog, own, key) {
            let (declared, emitted) = (declared.wire_name(), value.wire_name());
            if declared != emitted {
                push(
                    Violation::WrongType,
                    format!(
                        "{what} attribute {key}: declared {declared}, emitted {emitted} ({value})"
                    ),
                );
            }
        }
    }
}

fn check_log(
    catalog: &Catalog,
    l: &crate::record::LogRecord,
    codes: &[&str],
    push: &mut impl FnMut(Violation, String),
) {
    let decl = catalog.events().find(|e| e.name == l.name);
    check_types(
        catalog,
        decl.map_or(&[][..], |e| e.attributes),
        &format!("log event {}", l.name),
        &l.fields,
        push,
    );
    let Some(decl) = decl else {
        if l.name.starts_with("dataface.") {
            push(Violation::UndeclaredEvent, format!("log event {}", l.name));
        } else if probe_target(&l.target) {
            push(
                Violation::UnnamedEvent,
                format!(
                    "log {:?} from {} has no catalog event name",
                    l.message, l.target
                ),
            );
        }
        return;
    };
    for key in l.fields.keys() {
        if !decl.attributes.iter().any(|a| a.key == key) {
            push(
                Violation::UndeclaredAttribute,
                format!("log event {} attribute {key}", l.name),
            );
        }
    }
    for a in decl.attributes {
        if a.requirement == Requirement::Required && !l.fields.contains_key(a.key) {
            push(
                Violation::MissingRequiredAttribute,
                format!("log event {} lacks required attribute {}", l.name, a.key),
            );
        }
    }
    if let Some(code) = l.fields.get("error.type") {
        let code = code.to_string();
        if !codes.contains(&code.as_str()) {
            push(
                Violation::UndeclaredErrorCode,
                format!("log event {} error.type {code:?}", l.name),
            );
        }
    }
}

fn check_metric(
    catalog: &Catalog,
    m: &MetricRecord,
    codes: &[&str],
    seen_values: &mut HashMap<(String, String), Vec<String>>,
    push: &mut impl FnMut(Violation, String),
) {
    let Some(decl) = catalog.metric(&m.name) else {
        push(Violation::UndeclaredMetric, format!("metric {}", m.name));
        return;
    };
    if decl.kind != m.kind {
        push(
            Violation::WrongKind,
            format!(
                "metric {} recorded as {:?}, declared {:?}",
                m.name, m.kind, decl.kind
            ),
        );
    }
    if let Some(unit) = m.unit {
        // `metrics::Unit::Count` ("1") is how a count is described; an annotation such as
        // `{run}` is a count too.
        let same = unit == decl.unit || (unit == "1" && decl.unit.starts_with('{'));
        if !same {
            push(
                Violation::WrongUnit,
                format!(
                    "metric {} described in {unit:?}, declared {:?}",
                    m.name, decl.unit
                ),
            );
        }
    }
    for (key, value) in &m.labels {
        let Some(label) = decl.label(key) else {
            push(
                Violation::UndeclaredLabel,
                format!("metric {} label {key}", m.name),
            );
            continue;
        };
        let emitted = m.label_types.get(key).copied().unwrap_or("string");
        let declared = label.attribute_type().wire_name();
        if emitted != declared {
            push(
                Violation::WrongType,
                format!(
                    "metric {} label {key}: declared {declared}, emitted {emitted} ({value})",
                    m.name
                ),
            );
        }
        let ok = match label.values {
            LabelValues::Enumerated(values) => values.contains(&value.as_str()) || value == OTHER,
            LabelValues::Bounded(max) => {
                value == OTHER || {
                    let seen = seen_values
                        .entry((m.name.clone(), key.clone()))
                        .or_default();
                    if !seen.contains(value) {
                        seen.push(value.clone());
                    }
                    seen.len() <= max
                }
            }
        };
        if !ok {
            push(
                Violation::ValueOutsideSet,
                format!("metric {} label {key} = {value:?}", m.name),
            );
        }
        if key == "error.type" && !codes.contains(&value.as_str()) && value != OTHER {
            push(
                Violation::UndeclaredErrorCode,
                format!("metric {} error.type {value:?}", m.name),
            );
        }
    }
    for label in decl.labels {
        if !m.labels.contains_key(label.key) {
            push(
                Violation::MissingLabel,
                format!("metric {} series lacks label {}", m.name, label.key),
            );
        }
    }
}
