//! Objectives: what an alert watches. Each kind lives in one file and implements
//! [`ObjectiveKind`]: the series it selects, its PromQL (burn-rate recording rules or one
//! direct expression), its words for rule descriptions and runbooks, and its own validation
//! rules. Adding a kind is one new file and one arm of [`Objective`].
//!
//! ```
//! use telemetry_core::catalog::*;
//! use telemetry_ops::objective::{ErrorRatio, Events, Matcher, Objective};
//!
//! const DURATION: MetricSpec = MetricSpec {
//!     name: "dataface.compile.duration", kind: InstrumentKind::Histogram, unit: "s",
//!     description: "Compile time.", buckets: &[0.5, 1.0, 5.0],
//!     owner: Owner { id: "core-compiler", description: "The compiler." },
//!     labels: &[LabelSpec::enumerated("dataface.outcome", "How it ended.", &["success", "failed"])],
//! };
//! const ERRORS: Objective = Objective::ErrorRatio(ErrorRatio {
//!     bad: Events { metric: &DURATION, matchers: &[Matcher::eq("dataface.outcome", "failed")] },
//!     total: Events { metric: &DURATION, matchers: &[] },
//!     target: 0.99,
//!     by: &[],
//!     min_events: 10,
//! });
//! assert_eq!(ERRORS.kind(), "error_ratio");
//! assert_eq!(ERRORS.metrics().count(), 2);
//! assert!(ERRORS.is_burn_rate());
//! ```

mod absence;
mod broken_state;
mod coincidence;
mod error_ratio;
mod expiry;
mod fleet_share;
mod freshness;
mod latency;
mod silence;
mod stuck;
mod threshold;

pub use absence::Absence;
pub use broken_state::BrokenState;
pub use coincidence::Coincidence;
pub use error_ratio::ErrorRatio;
pub use expiry::Expiry;
pub use fleet_share::FleetShare;
pub use freshness::Freshness;
pub use latency::Latency;
pub use silence::Silence;
pub use stuck::Stuck;
pub use threshold::Threshold;

use serde::Serialize;
use std::fmt;
use telemetry_core::catalog::{InstrumentKind, MetricSpec};

/// How a label is matched in a series selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchOp {
    /// The label equals the value.
    Eq,
    /// The label differs from the value.
    Ne,
}

/// One label matcher of a selector. The label is the catalog's (OpenTelemetry) key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Matcher {
    /// The label key, as declared on the metric.
    pub label: &'static str,
    /// How it is matched.
    pub op: MatchOp,
    /// The value, one of the label's declared values.
    pub value: &'static str,
}

impl Matcher {
    /// `label = value`.
    pub const fn eq(label: &'static str, value: &'static str) -> Self {
        Self {
            label,
            op: MatchOp::Eq,
            value,
        }
    }

    /// `label != value`.
    pub const fn ne(label: &'static str, value: &'static str) -> Self {
        Self {
            label,
            op: MatchOp::Ne,
            value,
        }
    }
}

/// Events counted by a counter, or by a histogram's sample count, narrowed by matchers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Events {
    /// A counter or a histogram of the catalog.
    #[serde(serialize_with = "metric_name")]
    pub metric: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
}

impl Events {
    /// The counted series with its matchers, e.g. `dataface_compile_errors_total{error_type!="x"}`.
    pub fn series(&self) -> String {
        format!(
            "{}{}",
            crate::promql::event_series(self.metric),
            crate::promql::selector(self.matchers, &[])
        )
    }
}

/// Serialises a metric reference as its name.
pub(crate) fn metric_name<S: serde::Serializer>(
    m: &&'static MetricSpec,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name)
}

/// A series an objective selects: a metric and the matchers narrowing it.
pub type Selector = (&'static MetricSpec, &'static [Matcher]);

/// PromQL over a window (`5m`, `1h` ...) grouped by Prometheus labels (none: the fleet).
pub type WindowQuery<'a> = Box<dyn Fn(&str, &[String]) -> String + 'a>;

/// How an objective is alerted.
pub enum Alerting<'a> {
    /// Multi-window, multi-burn-rate (the SRE workbook's: page at 14.4x over 1h/5m and 6x
    /// over 6h/30m, ticket at 3x over 1d/2h and 1x over 3d/6h): recording rules hold the
    /// bad-event ratio per window, alerts compare it with the error budget `1 - target`.
    ///
    /// Each clause also needs `min_events` events in its long window (tiny windows do not
    /// fire) and, at low volume, takes the long window alone when the short one saw no
    /// event (an empty short window does not hide a low-volume outage, and does not keep a
    /// stopped one firing: see [`crate::promql::burn_expr`]).
    BurnRate {
        /// The share of good events the objective promises, e.g. 0.99.
        target: f64,
        /// The fewest events a long window must hold for a clause to fire.
        min_events: u64,
        /// The catalog label keys the objective is also judged per value of (warehouse type,
        /// adapter ...), besides the fleet; empty for a fleet-only objective.
        by: &'static [&'static str],
        /// The bad-event ratio over a window (`5m`, `1h` ...) grouped by the given
        /// Prometheus labels (none: the fleet), as PromQL.
        bad_ratio: WindowQuery<'a>,
        /// The number of events over a window, grouped like `bad_ratio`, as PromQL.
        events: WindowQuery<'a>,
    },
    /// One expression that fires when it has held for `hold`.
    Direct {
        /// The alert expression.
        expr: String,
        /// The `for:` duration (`5m`, `0s`).
        hold: String,
    },
}

impl fmt::Debug for Alerting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Alerting::BurnRate {
                target,
                min_events,
                by,
                bad_ratio,
                ..
            } => f
                .debug_struct("BurnRate")
                .field("target", target)
                .field("min_events", min_events)
                .field("by", by)
                .field("bad_ratio(1h)", &bad_ratio("1h", &[]))
                .finish(),
            Alerting::Direct { expr, hold } => f
                .debug_struct("Direct")
                .field("expr", expr)
                .field("hold", hold)
                .finish(),
        }
    }
}

/// One kind of objective: everything the operations package says and checks about it.
pub trait ObjectiveKind: fmt::Debug + Sync {
    /// The kind's name, as alert labels and documents say it (`error_ratio`).
    fn name(&self) -> &'static str;
    /// Every (metric, matchers) pair the objective selects.
    fn selectors(&self) -> Vec<Selector>;
    /// How it is alerted, with its PromQL.
    fn alerting(&self) -> Alerting<'_>;
    /// The objective, in the rule's description (`Objective: 99% of events are good ...`).
    fn objective_text(&self) -> String;
    /// What `{{ $value }}` means, in the rule's description.
    fn value_text(&self) -> &'static str;
    /// The objective in the runbook, naming the series.
    fn runbook_line(&self) -> String;
    /// Problems with the kind's own rules (instrument kinds, targets, windows); the metrics,
    /// labels and values the selectors name are checked for every kind alike.
    fn problems(&self) -> Vec<String>;
    /// The `scope` label its alerts carry (`shared`: a shared-infrastructure outage whose
    /// downstream pages the routing inhibits), if any.
    fn scope(&self) -> Option<&'static str> {
        None
    }
}

/// What an alert watches: one of the kinds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Objective {
    /// See [`ErrorRatio`].
    ErrorRatio(ErrorRatio),
    /// See [`Latency`].
    Latency(Latency),
    /// See [`Freshness`].
    Freshness(Freshness),
    /// See [`Stuck`].
    Stuck(Stuck),
    /// See [`Expiry`].
    Expiry(Expiry),
    /// See [`BrokenState`].
    BrokenState(BrokenState),
    /// See [`Absence`].
    Absence(Absence),
    /// See [`Threshold`].
    Threshold(Threshold),
    /// See [`Silence`].
    Silence(Silence),
    /// See [`Coincidence`].
    Coincidence(Coincidence),
    /// See [`FleetShare`].
    FleetShare(FleetShare),
}

impl Objective {
    /// The kind behind the objective.
    pub fn as_kind(&self) -> &dyn ObjectiveKind {
        match self {
            Objective::ErrorRatio(k) => k,
            Objective::Latency(k) => k,
            Objective::Freshness(k) => k,
            Objective::Stuck(k) => k,
            Objective::Expiry(k) => k,
            Objective::BrokenState(k) => k,
            Objective::Absence(k) => k,
            Objective::Threshold(k) => k,
            Objective::Silence(k) => k,
            Objective::Coincidence(k) => k,
            Objective::FleetShare(k) => k,
        }
    }

    /// The kind's name, as alert labels and documents say it.
    pub fn kind(&self) -> &'static str {
        self.as_kind().name()
    }

    /// Every (metric, matchers) pair the objective selects.
    pub fn selectors(&self) -> Vec<Selector> {
        self.as_kind().selectors()
    }

    /// Every metric the objective reads.
    pub fn metrics(&self) -> impl Iterator<Item = &'static MetricSpec> {
        self.selectors().into_iter().map(|(m, _)| m)
    }

    /// How it is alerted.
    pub fn alerting(&self) -> Alerting<'_> {
        self.as_kind().alerting()
    }

    /// Whether the objective is a ratio alerted by burn rates (pages and tickets).
    pub fn is_burn_rate(&self) -> bool {
        matches!(self.alerting(), Alerting::BurnRate { .. })
    }
}

/// `metric` is one of `kinds`, else a problem saying `what`.
pub(crate) fn kind_is(
    metric: &MetricSpec,
    kinds: &[InstrumentKind],
    what: &str,
    out: &mut Vec<String>,
) {
    if !kinds.contains(&metric.kind) {
        out.push(format!("{} is a {:?}; {what}", metric.name, metric.kind));
    }
}

/// A target lies strictly between 0 and 1.
pub(crate) fn target_ok(target: f64, out: &mut Vec<String>) {
    if !(target > 0.0 && target < 1.0) {
        out.push(format!("target {target} is not strictly between 0 and 1"));
    }
}

/// The series a timestamp objective reads: the gauge's Prometheus name with its matchers.
pub(crate) fn timestamp_series(timestamp: &MetricSpec, matchers: &[Matcher]) -> String {
    format!(
        "{}{}",
        timestamp.prometheus_name(),
        crate::promql::selector(matchers, &[])
    )
}

/// What a timestamp objective (expiry, freshness, stuck work) requires of its gauge.
pub(crate) fn timestamp_problems(timestamp: &MetricSpec) -> Vec<String> {
    let mut out = Vec::new();
    timestamp_ok(timestamp, &mut out);
    out
}

/// A timestamp gauge in seconds.
fn timestamp_ok(timestamp: &MetricSpec, out: &mut Vec<String>) {
    kind_is(
        timestamp,
        &[InstrumentKind::Gauge],
        "a timestamp is a gauge",
        out,
    );
    if timestamp.unit != "s" {
        out.push(format!(
            "{} has unit {:?}; a timestamp is in seconds (`s`)",
            timestamp.name, timestamp.unit
        ));
    }
}

/// The dimensions of a burn-rate objective are declared labels of every metric it reads,
/// and it asks for at least one event per window.
pub(crate) fn dimensions_ok(
    by: &[&str],
    metrics: &[&MetricSpec],
    min_events: u64,
    out: &mut Vec<String>,
) {
    for key in by {
        for m in metrics {
            if m.label(key).is_none() {
                out.push(format!(
                    "judged by {key:?}, which {} does not declare: name a declared label",
                    m.name
                ));
            }
        }
    }
    if min_events == 0 {
        out.push("min_events is 0: a window with no event would be judged".into());
    }
}
