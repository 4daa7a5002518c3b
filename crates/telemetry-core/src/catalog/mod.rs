//! The signal catalog: the single source of truth for what Dataface emits.
//!
//! Each probe crate declares a [`Section`] with `const`/`static` [`MetricSpec`]s,
//! [`SpanSpec`]s and [`ErrorCodeSpec`]s naming [`Owner`]s, and the owners it declares; a
//! [`Catalog`] gathers sections under one semantic version. The pipeline reads it (units,
//! buckets, label bounds, Prometheus names), the tests check it ([`Catalog::validate`]), and
//! the operations package (telemetry-ops) is generated from it. Nothing is declared twice.
//! This module is a leaf: types and validation only, no signal of its own.
//!
//! ```
//! use telemetry_core::catalog::*;
//!
//! const CORE_COMPILER: Owner = Owner {
//!     id: "example-team",
//!     description: "YAML contract, compiler, execution adapters, rendering",
//! };
//! const OUTCOME: LabelSpec = LabelSpec::enumerated("dataface.outcome", "How the compile ended.",
//!     &["success", "warnings", "failed", "abandoned"]);
//! const COMPILE_DURATION: MetricSpec = MetricSpec {
//!     name: "dataface.compile.duration",
//!     kind: InstrumentKind::Histogram,
//!     unit: "s",
//!     description: "Time to compile one dashboard contract.",
//!     labels: &[OUTCOME],
//!     buckets: &[0.01, 0.05, 0.1, 0.5, 1.0, 5.0],
//!     owner: CORE_COMPILER,
//! };
//! static SECTION: Section = Section {
//!     surface: "compiler",
//!     metrics: &[COMPILE_DURATION],
//!     spans: &[],
//!     events: &[],
//!     error_codes: &[],
//!     owners: &[CORE_COMPILER],
//!     series_budget: DEFAULT_SERIES_BUDGET,
//! };
//! static CATALOG: Catalog = Catalog { version: "1.0.0", sections: &[&SECTION] };
//! CATALOG.validate().unwrap();
//! assert_eq!(COMPILE_DURATION.prometheus_name(), "dataface_compile_duration_seconds");
//! ```

mod naming;
mod otel;
pub mod owners;
mod validate;

pub use naming::{prometheus_label, prometheus_name, ucum_unit, unit_suffix};
pub use otel::{
    otel_attribute, otel_attributes, otel_namespace, OtelAttribute, OTEL_SEMCONV_VERSION,
};
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
    /// A value it may take, for the registry's examples: required for a
    /// [`Bounded`](LabelValues::Bounded) label (an enumerated label's first value serves).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<&'static str>,
    /// The most distinct values one process shows, when fewer than the whole fleet's
    /// (a release label: one value per process, several across a rollout). The series
    /// budget counts this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_process: Option<usize>,
    /// The values whose series are registered at 0 when the probes start: the ones alert
    /// and recording rules read (`rate()` then sees the first event). A series with another
    /// value of this label is registered when it is first recorded. `None`: every value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zero_init: Option<&'static [&'static str]>,
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
            example: None,
            per_process: None,
            zero_init: None,
        }
    }

    /// A label with at most `max` distinct values; give it an example with
    /// [`with_example`](Self::with_example).
    pub const fn bounded(key: &'static str, description: &'static str, max: usize) -> Self {
        Self {
            key,
            description,
            values: LabelValues::Bounded(max),
            example: None,
            per_process: None,
            zero_init: None,
        }
    }

    /// This label with `example` as the value the registry shows.
    pub const fn with_example(self, example: &'static str) -> Self {
        Self {
            example: Some(example),
            ..self
        }
    }

    /// This label with at most `values` distinct values in one process (a release: 1).
    pub const fn per_process(self, values: usize) -> Self {
        Self {
            per_process: Some(values),
            ..self
        }
    }

    /// This label with only the series of `values` registered at 0 when the probes start
    /// (the values alert and recording rules read); the others are registered on first use.
    /// An empty list: no series of the metric is pre-registered (no rule reads it).
    pub const fn zero_init(self, values: &'static [&'static str]) -> Self {
        Self {
            zero_init: Some(values),
            ..self
        }
    }

    /// Whether a series with `value` for this label is registered at 0 at start.
    pub fn zero_initialises(&self, value: &str) -> bool {
        match self.zero_init {
            Some(values) => values.contains(&value),
            None => true,
        }
    }

    /// The attribute type a data point carries this label with: an enumeration for an
    /// enumerated label, else a string with its example (empty when none is declared).
    pub const fn attribute_type(&self) -> AttributeType {
        match self.values {
            LabelValues::Enumerated(values) => AttributeType::Enum(values),
            LabelValues::Bounded(_) => AttributeType::String {
                example: match self.example {
                    Some(e) => e,
                    None => "",
                },
            },
        }
    }

    /// The largest number of distinct values this label can show, `other` included.
    pub fn max_values(&self) -> usize {
        match self.values {
            LabelValues::Enumerated(v) => v.len() + usize::from(!v.contains(&OTHER)),
            LabelValues::Bounded(n) => n.saturating_add(1),
        }
    }

    /// The largest number of distinct values this label can show in one process: its
    /// [`per_process`](Self::per_process) bound where declared, else
    /// [`max_values`](Self::max_values).
    pub fn max_values_per_process(&self) -> usize {
        match self.per_process {
            Some(n) => n.min(self.max_values()),
            None => self.max_values(),
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

    /// The largest number of label sets (distinct label value combinations) one process
    /// can expose: the product of every label's [`LabelSpec::max_values_per_process`].
    pub fn label_sets_per_process(&self) -> usize {
        self.labels
            .iter()
            .map(LabelSpec::max_values_per_process)
            .fold(1, usize::saturating_mul)
    }

    /// Whether the series with these labels (key, value) is registered at 0 when the probes
    /// start: every label's value is one it [zero-initialises](LabelSpec::zero_initialises).
    /// Labels not given (fixed labels such as a release) do not restrict it.
    pub fn zero_initialised(&self, labels: &[(&str, &str)]) -> bool {
        labels.iter().all(|(key, value)| {
            self.label(key)
                .is_none_or(|label| label.zero_initialises(value))
        })
    }

    /// The label sets one process registers at 0 when the probes start, at most: the
    /// product over labels of the values each zero-initialises (all its values per process
    /// when it names none).
    pub fn zero_init_label_sets(&self) -> usize {
        self.labels
            .iter()
            .map(|l| match l.zero_init {
                Some(values) => values.len().min(l.max_values_per_process()),
                None => l.max_values_per_process(),
            })
            .fold(1, usize::saturating_mul)
    }

    /// The series one label set is on a classic Prometheus scrape: a histogram is one
    /// series per bucket (its declared bounds and `+Inf`) plus `_sum` and `_count`; a
    /// counter or a gauge is one.
    pub fn series_per_label_set(&self) -> usize {
        match self.kind {
            InstrumentKind::Histogram => self.buckets.len() + 1 + 2,
            InstrumentKind::Counter | InstrumentKind::Gauge => 1,
        }
    }

    /// The worst case of this metric in one process: label sets, and the series they are
    /// on a classic scrape and with native histograms.
    pub fn series_per_process(&self) -> SeriesCount {
        let label_sets = self.label_sets_per_process();
        SeriesCount {
            label_sets,
            classic: label_sets.saturating_mul(self.series_per_label_set()),
            native: label_sets,
        }
    }
}

/// A worst-case series count: of one metric or summed over a section, in one process.
///
/// On a classic Prometheus scrape every series is one sample per scrape, so `classic` is
/// also the samples a scrape carries. With native histograms a histogram's label set is one
/// series (its buckets travel inside one sample), so `native` equals `label_sets`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeriesCount {
    /// Distinct label value combinations.
    pub label_sets: usize,
    /// Series (and samples per scrape) with classic histograms.
    pub classic: usize,
    /// Series (and samples per scrape) with native histograms.
    pub native: usize,
}

impl std::ops::Add for SeriesCount {
    type Output = SeriesCount;

    fn add(self, other: SeriesCount) -> SeriesCount {
        SeriesCount {
            label_sets: self.label_sets.saturating_add(other.label_sets),
            classic: self.classic.saturating_add(other.classic),
            native: self.native.saturating_add(other.native),
        }
    }
}

impl std::iter::Sum for SeriesCount {
    fn sum<I: Iterator<Item = SeriesCount>>(iter: I) -> SeriesCount {
        iter.fold(SeriesCount::default(), |a, b| a + b)
    }
}

/// A section's series budget: the most series one process may expose for its surface in
/// the worst case, with native histograms and on a classic scrape. Every series is
/// multiplied by the pod count in the metrics backend; [`Catalog::validate`] rejects a
/// section over either figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeriesBudget {
    /// Series per process with native histograms (a histogram's label set is one series):
    /// the label sets.
    pub native: usize,
    /// Series, and so samples per scrape, per process with classic histograms (a histogram's
    /// label set is its buckets, `+Inf`, `_sum` and `_count`).
    pub classic: usize,
}

impl SeriesBudget {
    /// `native` series with native histograms, `classic` with classic ones.
    pub const fn new(native: usize, classic: usize) -> Self {
        Self { native, classic }
    }

    /// The default native budget, and `classic` on a classic scrape: for a section whose
    /// latency histograms are worth their buckets (say why beside it).
    pub const fn classic(classic: usize) -> Self {
        Self::new(DEFAULT_SERIES_BUDGET.native, classic)
    }

    /// Whether `count` fits both figures.
    pub fn fits(&self, count: SeriesCount) -> bool {
        count.native <= self.native && count.classic <= self.classic
    }
}

impl std::ops::Add for SeriesBudget {
    type Output = SeriesBudget;

    fn add(self, other: SeriesBudget) -> SeriesBudget {
        SeriesBudget {
            native: self.native.saturating_add(other.native),
            classic: self.classic.saturating_add(other.classic),
        }
    }
}

impl std::iter::Sum for SeriesBudget {
    fn sum<I: Iterator<Item = SeriesBudget>>(iter: I) -> SeriesBudget {
        iter.fold(SeriesBudget::new(0, 0), |a, b| a + b)
    }
}

/// The series budget a section declares unless it says otherwise: 300 series per process
/// for one surface, with native histograms and on a classic scrape alike.
pub const DEFAULT_SERIES_BUDGET: SeriesBudget = SeriesBudget::new(300, 300);

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

/// The type an attribute's value is emitted with (OpenTelemetry attribute types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// Text; `example` is a value it may hold (the registry's example).
    String {
        /// A value it may hold.
        example: &'static str,
    },
    /// A 64-bit signed integer.
    Int,
    /// A 64-bit float.
    Double,
    /// A boolean.
    Boolean,
    /// Text, one of these values.
    Enum(&'static [&'static str]),
}

impl AttributeType {
    /// The OpenTelemetry type name: `string`, `int`, `double`, `boolean` (an enumeration
    /// of text is a `string` on the wire).
    pub const fn wire_name(&self) -> &'static str {
        match self {
            AttributeType::String { .. } | AttributeType::Enum(_) => "string",
            AttributeType::Int => "int",
            AttributeType::Double => "double",
            AttributeType::Boolean => "boolean",
        }
    }
}

/// The registry's identifier of an enumeration member: the value in lower case, each run of
/// other characters than ASCII letters and digits as one `_`, and a `v` before a leading
/// digit (`1.0` is `v1_0`, `OTEL_SDK_DISABLED` is `otel_sdk_disabled`).
///
/// ```
/// use telemetry_core::catalog::member_id;
/// assert_eq!(member_id("1.0"), "v1_0");
/// assert_eq!(member_id("OTEL_SDK_DISABLED"), "otel_sdk_disabled");
/// assert_eq!(member_id("tls_error"), "tls_error");
/// ```
pub fn member_id(value: &str) -> String {
    let mut id = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, 'v');
    }
    id
}

/// A span or log attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttributeSpec {
    /// Semantic-convention key where one exists (`error.type`, `db.system.name`), else
    /// `dataface.*`.
    pub key: &'static str,
    /// Requirement level.
    pub requirement: Requirement,
    /// What it holds.
    pub description: &'static str,
    /// The type its value is emitted with.
    #[serde(rename = "type")]
    pub value_type: AttributeType,
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

/// A log event: a `tracing` event a probe emits under this stable name (the OTLP log
/// record's `event_name`), with the attributes it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventSpec {
    /// Dotted, `dataface.` prefix (`dataface.billing.retry`).
    pub name: &'static str,
    /// What happened when it is emitted.
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
    /// Log events.
    pub events: &'static [EventSpec],
    /// Error codes.
    pub error_codes: &'static [ErrorCodeSpec],
    /// The owners this section declares: every owner its metrics, spans and error codes
    /// name must be declared by a section of the same catalog.
    pub owners: &'static [Owner],
    /// The most series one process may expose for this surface in the worst case (every
    /// declared label set), with native and with classic histograms:
    /// [`DEFAULT_SERIES_BUDGET`] unless the section gives a reason for more. Every series is
    /// multiplied by the pod count in the metrics backend; [`Catalog::validate`] rejects a
    /// section over its budget.
    pub series_budget: SeriesBudget,
}

impl Section {
    /// The worst-case series of every metric of this section in one process.
    pub fn series_per_process(&self) -> SeriesCount {
        self.metrics
            .iter()
            .map(MetricSpec::series_per_process)
            .sum()
    }
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

impl Catalog {
    /// Every metric, in section order.
    pub fn metrics(&self) -> impl Iterator<Item = &'static MetricSpec> + '_ {
        self.sections.iter().flat_map(|s| s.metrics.iter())
    }

    /// Every span, in section order.
    pub fn spans(&self) -> impl Iterator<Item = &'static SpanSpec> + '_ {
        self.sections.iter().flat_map(|s| s.spans.iter())
    }

    /// Every log event, in section order.
    pub fn events(&self) -> impl Iterator<Item = &'static EventSpec> + '_ {
        self.sections.iter().flat_map(|s| s.events.iter())
    }

    /// Every error code, in section order.
    pub fn error_codes(&self) -> impl Iterator<Item = &'static ErrorCodeSpec> + '_ {
        self.sections.iter().flat_map(|s| s.error_codes.iter())
    }

    /// The metric named `name` (OpenTelemetry form).
    pub fn metric(&self, name: &str) -> Option<&'static MetricSpec> {
        self.metrics().find(|m| m.name == name)
    }

    /// Every owner the sections declare, once each (by id), in section order.
    pub fn owners(&self) -> Vec<&'static Owner> {
        let mut out: Vec<&'static Owner> = Vec::new();
        for owner in self.sections.iter().flat_map(|s| s.owners.iter()) {
            if !out.iter().any(|o| o.id == owner.id) {
                out.push(owner);
            }
        }
        out
    }

    /// The owner declared under `id`.
    pub fn owner(&self, id: &str) -> Option<&'static Owner> {
        self.sections
            .iter()
            .flat_map(|s| s.owners.iter())
            .find(|o| o.id == id)
    }
}

#[cfg(test)]
mod tests;
