//! The signal catalog: the single source of truth for what Dataface emits.
//!
//! Each probe crate declares a [`Section`] with `const`/`static` [`MetricSpec`]s,
//! [`SpanSpec`]s and [`ErrorCodeSpec`]s naming [`Owner`]s; a [`Catalog`] gathers sections
//! under one semantic version. The pipeline reads it (units, buckets, label bounds,
//! Prometheus names), the tests check it ([`Catalog::validate`]), and the operations package
//! is generated from it. Nothing is declared twice.
//!
//! ```
//! use telemetry_core::catalog::*;
//!
//! const OUTCOME: LabelSpec = LabelSpec::enumerated("outcome", "How the compile ended.",
//!     &["success", "warnings", "failed", "abandoned"]);
//! const COMPILE_DURATION: MetricSpec = MetricSpec {
//!     name: "dataface.compile.duration",
//!     kind: InstrumentKind::Histogram,
//!     unit: "s",
//!     description: "Time to compile one dashboard contract.",
//!     labels: &[OUTCOME],
//!     buckets: &[0.01, 0.05, 0.1, 0.5, 1.0, 5.0],
//!     owner: owners::CORE_COMPILER,
//! };
//! static SECTION: Section = Section {
//!     surface: "compiler",
//!     metrics: &[COMPILE_DURATION],
//!     spans: &[],
//!     error_codes: &[],
//!     alerts: &[],
//! };
//! static CATALOG: Catalog = Catalog { version: "1.0.0", sections: &[&SECTION] };
//! CATALOG.validate().unwrap();
//! assert_eq!(COMPILE_DURATION.prometheus_name(), "dataface_compile_duration_seconds");
//! ```

mod naming;
mod objectives;
pub mod owners;
mod validate;

pub use naming::{prometheus_label, prometheus_name, ucum_unit, unit_suffix};
pub use objectives::{AlertSeverity, AlertSpec, Events, MatchOp, Matcher, Objective, Runbook};
pub use owners::Owner;
pub use validate::{CatalogViolation, CatalogViolations, Rule, MAX_LABEL_VALUES};

use serde::Serialize;

/// What kind of instrument a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    /// A monotonic sum (Prometheus counter, `_total`).
    Counter,
    /// A value that is set (Prometheus gauge).
    Gauge,
    /// A distribution over explicit buckets (Prometheus histogram).
    Histogram,
}

/// The values a metric label may take. Every label is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelValues {
    /// One of these values; anything else is recorded as [`OTHER`].
    Enumerated(&'static [&'static str]),
    /// At most this many distinct values; further values are recorded as [`OTHER`].
    Bounded(usize),
}

/// The value a label takes when the recorded value is outside its declared set.
pub const OTHER: &str = "other";

/// A metric label and its bounded value set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LabelSpec {
    /// The key, in OpenTelemetry form (`error.type`, `outcome`); Prometheus sees dots as
    /// underscores (`error_type`).
    pub key: &'static str,
    /// What the label says.
    pub description: &'static str,
    /// Its value set.
    pub values: LabelValues,
}

impl LabelSpec {
    /// A label with an enumerated value set.
    pub const fn enumerated(
        key: &'static str,
        description: &'static str,
        values: &'static [&'static str],
    ) -> Self {
        Self {
            key,
            description,
            values: LabelValues::Enumerated(values),
        }
    }

    /// A label with at most `max` distinct values.
    pub const fn bounded(key: &'static str, description: &'static str, max: usize) -> Self {
        Self {
            key,
            description,
            values: LabelValues::Bounded(max),
        }
    }

    /// The largest number of distinct values this label can show, `other` included.
    pub fn max_values(&self) -> usize {
        match self.values {
            LabelValues::Enumerated(v) => v.len() + usize::from(!v.contains(&OTHER)),
            LabelValues::Bounded(n) => n + 1,
        }
    }
}

/// A metric: name (OpenTelemetry form), instrument, UCUM unit, labels, buckets and owner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricSpec {
    /// Dotted, lower snake segments, `dataface.` prefix, no unit in the name.
    pub name: &'static str,
    /// Instrument kind.
    pub kind: InstrumentKind,
    /// UCUM unit: `s`, `ms`, `By`, `1`, or an annotation such as `{event}`.
    pub unit: &'static str,
    /// One sentence: what a data point counts or measures.
    pub description: &'static str,
    /// Labels, each bounded.
    pub labels: &'static [LabelSpec],
    /// Histogram bucket upper bounds, ascending; empty for other kinds.
    pub buckets: &'static [f64],
    /// Who answers for it.
    pub owner: Owner,
}

impl MetricSpec {
    /// The Prometheus name, derived by the OpenTelemetry-to-Prometheus rules.
    pub fn prometheus_name(&self) -> String {
        prometheus_name(self.name, self.unit, self.kind)
    }

    /// The label declared under `key`.
    pub fn label(&self, key: &str) -> Option<&LabelSpec> {
        self.labels.iter().find(|l| l.key == key)
    }

    /// The largest number of series this metric can have.
    pub fn max_series(&self) -> usize {
        self.labels.iter().map(LabelSpec::max_values).product()
    }
}

/// How strongly a span attribute is expected (OpenTelemetry requirement levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Always set.
    Required,
    /// Set when the condition in the description holds (e.g. `error.type` on failure).
    ConditionallyRequired,
    /// Set when available.
    Recommended,
    /// Set only when asked for.
    OptIn,
}

/// A span attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttributeSpec {
    /// Semantic-convention key where one exists (`error.type`, `db.system.name`), else
    /// `dataface.*`.
    pub key: &'static str,
    /// Requirement level.
    pub requirement: Requirement,
    /// What it holds.
    pub description: &'static str,
}

/// A span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpanSpec {
    /// Dotted, `dataface.` prefix.
    pub name: &'static str,
    /// What the span covers.
    pub description: &'static str,
    /// Attributes it carries.
    pub attributes: &'static [AttributeSpec],
    /// Who answers for it.
    pub owner: Owner,
}

/// The class of an error: whose move it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The user's input is wrong (a bad contract, an unknown query).
    User,
    /// A setting is wrong (credentials, limits, versions).
    Configuration,
    /// A system we depend on failed (a warehouse, a provider, DNS).
    Dependency,
    /// Something took too long.
    Timeout,
    /// Our own bug.
    Internal,
}

/// How bad an error is for the people affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nobody is blocked.
    Info,
    /// Degraded: a retry or a fallback covers it.
    Warning,
    /// An operation failed for a user.
    Error,
    /// Many users, money or data at risk.
    Critical,
}

/// An error code: stable string, surface, class, retryability, severity, owner, summary and
/// what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ErrorCodeSpec {
    /// Stable, lower snake (`unknown_query`): the `error.type` value on spans and the
    /// `error_type` label on error counters.
    pub code: &'static str,
    /// The product surface (`compiler`, `catalog`, ...).
    pub surface: &'static str,
    /// Whose move it is.
    pub class: ErrorClass,
    /// Whether retrying the same operation may succeed.
    pub retryable: bool,
    /// How bad it is.
    pub severity: Severity,
    /// Who answers for it.
    pub owner: Owner,
    /// One line: what happened.
    pub summary: &'static str,
    /// What to do next.
    pub remedy: &'static str,
}

/// One surface's part of the catalog, declared by its probe crate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Section {
    /// The product surface (`compiler`, `catalog`, `profiler`, `cloud`, `integrations`,
    /// `telemetry`).
    pub surface: &'static str,
    /// Metrics.
    pub metrics: &'static [MetricSpec],
    /// Spans.
    pub spans: &'static [SpanSpec],
    /// Error codes.
    pub error_codes: &'static [ErrorCodeSpec],
    /// Objectives and their alerts.
    pub alerts: &'static [AlertSpec],
}

/// The whole catalog: sections under one semantic version.
#[derive(Clone, Copy, PartialEq, Serialize)]
pub struct Catalog {
    /// Semantic version of the telemetry contract: a breaking change bumps the major.
    pub version: &'static str,
    /// The sections.
    pub sections: &'static [&'static Section],
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("version", &self.version)
            .field(
                "sections",
                &self.sections.iter().map(|s| s.surface).collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    version: &'a str,
    owners: Vec<owners::OwnerRecord>,
    sections: &'a [&'static Section],
}

impl Catalog {
    /// Every metric, in section order.
    pub fn metrics(&self) -> impl Iterator<Item = &'static MetricSpec> + '_ {
        self.sections.iter().flat_map(|s| s.metrics.iter())
    }

    /// Every span, in section order.
    pub fn spans(&self) -> impl Iterator<Item = &'static SpanSpec> + '_ {
        self.sections.iter().flat_map(|s| s.spans.iter())
    }

    /// Every alert, in section order.
    pub fn alerts(&self) -> impl Iterator<Item = &'static AlertSpec> + '_ {
        self.sections.iter().flat_map(|s| s.alerts.iter())
    }

    /// Every error code, in section order.
    pub fn error_codes(&self) -> impl Iterator<Item = &'static ErrorCodeSpec> + '_ {
        self.sections.iter().flat_map(|s| s.error_codes.iter())
    }

    /// The metric named `name` (OpenTelemetry form).
    pub fn metric(&self, name: &str) -> Option<&'static MetricSpec> {
        self.metrics().find(|m| m.name == name)
    }

    /// The JSON form of the whole catalog, owners included, for tooling.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&CatalogJson {
            version: self.version,
            owners: owners::records(),
            sections: self.sections,
        })
        .expect("the catalog serialises: it holds only strings, numbers and enums")
    }
}

impl Section {
    /// The section's signals as a markdown table (metrics with their Prometheus names,
    /// spans, error codes): each crate README carries this table, and a test keeps it equal
    /// to the catalog.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from(
            "| signal | kind | unit | labels / attributes | owner | description |\n|---|---|---|---|---|---|\n",
        );
        for m in self.metrics {
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
            out.push_str(&format!(
                "| `{}`<br>`{}` | {} | `{}` | {} | {} | {} |\n",
                m.name,
                m.prometheus_name(),
                match m.kind {
                    InstrumentKind::Counter => "counter",
                    InstrumentKind::Gauge => "gauge",
                    InstrumentKind::Histogram => "histogram",
                },
                m.unit,
                labels.join(", "),
                m.owner.id,
                m.description
            ));
        }
        for sp in self.spans {
            let attrs: Vec<String> = sp
                .attributes
                .iter()
                .map(|a| format!("`{}`", a.key))
                .collect();
            out.push_str(&format!(
                "| `{}` | span | | {} | {} | {} |\n",
                sp.name,
                attrs.join(", "),
                sp.owner.id,
                sp.description
            ));
        }
        for e in self.error_codes {
            out.push_str(&format!(
                "| `{}` | error code | | {:?}, {}retryable, {:?} | {} | {} Next: {} |\n",
                e.code,
                e.class,
                if e.retryable { "" } else { "not " },
                e.severity,
                e.owner.id,
                e.summary,
                e.remedy
            ));
        }
        out
    }
}

/// Checks that `readme` holds `section`'s table between `<!-- signals:begin -->` and
/// `<!-- signals:end -->`; the error shows the table to paste.
///
/// # Errors
/// A message with the expected table when the README differs.
pub fn check_readme_table(readme: &str, section: &Section) -> Result<(), String> {
    let expected = section.markdown_table();
    let found = readme
        .split("<!-- signals:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- signals:end -->").next())
        .map(str::trim);
    if found == Some(expected.trim()) {
        Ok(())
    } else {
        Err(format!(
            "the README's signal table differs from the {} catalog; put this between <!-- signals:begin --> and <!-- signals:end -->:\n\n{expected}",
            section.surface
        ))
    }
}

/// telemetry-core's alerts: telemetry itself being lost.
pub const CORE_ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "TelemetryExportFailing",
        objective: Objective::BrokenState {
            events: Events {
                metric: &crate::self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("reason", "export_error")],
            },
            window: 900,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::OBSERVABILITY_PLATFORM,
        summary: "Services are dropping telemetry because the OTLP collector rejects or does not answer.",
        runbook: Runbook {
            meaning: "Spans, logs or metrics from some services never reach the collector: dashboards and alerts on those services see less than happened.",
            first_checks: &[
                "Which service (service.name on the scrape target) and which signal is dropping?",
                "Is the collector up and reachable from the service's network (its own health endpoint and logs)?",
                "Did OTEL_EXPORTER_OTLP_* settings change with the last deploy?",
            ],
            mitigation: &[
                "Restore the collector or point the services at a healthy one (OTEL_EXPORTER_OTLP_ENDPOINT).",
                "If the collector rejects payloads, check its limits and the services' batch sizes (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).",
            ],
            rollback: &["Roll back a collector or configuration change made just before the drops began."],
            escalation: "observability-platform on-call, then the platform lead.",
            user_message: "No user impact: some internal monitoring data is delayed.",
        },
    },
    AlertSpec {
        name: "TelemetryQueueOverflowing",
        objective: Objective::BrokenState {
            events: Events {
                metric: &crate::self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("reason", "queue_full")],
            },
            window: 900,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::OBSERVABILITY_PLATFORM,
        summary: "A service produces telemetry faster than it can export it and drops the excess.",
        runbook: Runbook {
            meaning: "Some spans or log records of a busy service are dropped before export; traces of the busiest paths have gaps.",
            first_checks: &[
                "Which service and signal: dataface_telemetry_dropped_total by signal and reason.",
                "Is the export slow (collector latency) or the volume new (a loop logging per row)?",
            ],
            mitigation: &[
                "Lower the volume at the source (log level via DATAFACE_LOG, sampling via OTEL_TRACES_SAMPLER).",
                "Raise OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE within the service's memory budget.",
            ],
            rollback: &["Roll back the release that raised the telemetry volume."],
            escalation: "observability-platform on-call, then the owning team of the service.",
            user_message: "No user impact: some internal monitoring data is incomplete.",
        },
    },
];

/// telemetry-core's own section: the pipeline's self-metrics and release identity.
pub static CORE_SECTION: Section = Section {
    surface: "telemetry",
    metrics: &[
        crate::self_metrics::ATTEMPTED_SPEC,
        crate::self_metrics::EXPORTED_SPEC,
        crate::self_metrics::DROPPED_SPEC,
        crate::self_metrics::CONFIG_WARNINGS_SPEC,
        crate::self_metrics::CARDINALITY_OVERFLOW_SPEC,
        crate::release::BUILD_INFO_SPEC,
    ],
    spans: &[],
    error_codes: &[],
    alerts: CORE_ALERTS,
};

/// The catalog of telemetry-core alone (what `init` knows without a product catalog).
pub static CORE_CATALOG: Catalog = Catalog {
    version: "0.1.0",
    sections: &[&CORE_SECTION],
};
#[cfg(test)]
mod tests;

#[cfg(test)]
mod readme {
    #[test]
    fn the_readme_signal_table_matches_the_catalog() {
        if let Err(e) =
            super::check_readme_table(include_str!("../../README.md"), &super::CORE_SECTION)
        {
            panic!("{e}");
        }
    }
}
