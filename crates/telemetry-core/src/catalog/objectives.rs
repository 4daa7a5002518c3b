//! Objectives and alerts, declared in the catalog beside the signals they watch.
//!
//! Each probe crate declares its [`AlertSpec`]s in its [`Section`](super::Section); the
//! operations package (Prometheus rules, routing, dashboards, runbooks) is generated from
//! them by telemetry-ops, so a renamed metric cannot leave a dead alert behind:
//! `validate()` checks every alert against the metrics it names.
//!
//! ```
//! use telemetry_core::catalog::*;
//!
//! const DURATION: MetricSpec = MetricSpec {
//!     name: "dataface.compile.duration", kind: InstrumentKind::Histogram, unit: "s",
//!     description: "Compile time.", buckets: &[0.5, 1.0, 5.0], owner: owners::CORE_COMPILER,
//!     labels: &[LabelSpec::enumerated("outcome", "How it ended.", &["success", "failed"])],
//! };
//! const ERRORS: AlertSpec = AlertSpec {
//!     name: "CompileErrorBudgetBurn",
//!     objective: Objective::ErrorRatio {
//!         bad: Events { metric: &DURATION, matchers: &[Matcher::eq("outcome", "failed")] },
//!         total: Events { metric: &DURATION, matchers: &[] },
//!         target: 0.99,
//!     },
//!     severity: AlertSeverity::Page,
//!     owner: owners::CORE_COMPILER,
//!     summary: "Dashboards are failing to compile faster than the 99% objective allows.",
//!     runbook: Runbook {
//!         meaning: "Users see broken dashboards.",
//!         first_checks: &["Which contract_version and compiler_version carry the errors?"],
//!         mitigation: &["Roll back the compiler release if the errors started with it."],
//!         rollback: &["Redeploy the previous compiler release."],
//!         escalation: "core-compiler on-call, then the core-compiler lead.",
//!         user_message: "Some dashboards fail to load; we are rolling back a release.",
//!     },
//! };
//! assert_eq!(ERRORS.objective.metrics().count(), 2);
//! ```

use super::{MetricSpec, Owner};
use serde::Serialize;

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

fn metric_name<S: serde::Serializer>(m: &&'static MetricSpec, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name)
}

/// What an alert watches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Objective {
    /// A share of good events (`1 - bad/total >= target`), alerted by multi-window,
    /// multi-burn-rate rules (the SRE workbook's: page at 14.4x over 1h/5m and 6x over
    /// 6h/30m, ticket at 3x over 1d/2h and 1x over 3d/6h).
    ErrorRatio {
        /// The bad events.
        bad: Events,
        /// All events.
        total: Events,
        /// The objective, e.g. 0.99.
        target: f64,
    },
    /// A share of a histogram's samples at or under `threshold` (which must be one of its
    /// buckets), alerted like [`Objective::ErrorRatio`].
    Latency {
        /// The histogram.
        #[serde(serialize_with = "metric_name")]
        histogram: &'static MetricSpec,
        /// Label matchers.
        matchers: &'static [Matcher],
        /// The bound, one of the histogram's buckets.
        threshold: f64,
        /// The share of samples that must be at or under the bound, e.g. 0.95.
        target: f64,
    },
    /// A last-success timestamp gauge (Unix seconds) must be younger than `max_age`
    /// seconds; a series at 0 (never succeeded since start) is not judged.
    Freshness {
        /// The timestamp gauge (unit `s`).
        #[serde(serialize_with = "metric_name")]
        timestamp: &'static MetricSpec,
        /// Label matchers.
        matchers: &'static [Matcher],
        /// Largest acceptable age, seconds.
        max_age: u64,
    },
    /// A timestamp gauge (Unix seconds, e.g. a certificate's expiry) must stay at least
    /// `min_remaining` seconds ahead of now.
    Expiry {
        /// The timestamp gauge (unit `s`).
        #[serde(serialize_with = "metric_name")]
        timestamp: &'static MetricSpec,
        /// Label matchers.
        matchers: &'static [Matcher],
        /// Smallest acceptable time left, seconds.
        min_remaining: u64,
    },
    /// Any increase, within `window` seconds, of events that must not happen (invalid
    /// transitions, abandoned operations): a counter, or a histogram's sample count.
    BrokenState {
        /// The events.
        events: Events,
        /// Look-back window, seconds.
        window: u64,
    },
    /// A series that should exist has been absent for `for_seconds`.
    Absence {
        /// The metric.
        #[serde(serialize_with = "metric_name")]
        metric: &'static MetricSpec,
        /// Label matchers.
        matchers: &'static [Matcher],
        /// How long it must be missing before the alert fires, seconds.
        for_seconds: u64,
    },
    /// A gauge (e.g. items not yet recorded) must stay at or under `max` for `for_seconds`.
    Threshold {
        /// The gauge.
        #[serde(serialize_with = "metric_name")]
        gauge: &'static MetricSpec,
        /// Label matchers.
        matchers: &'static [Matcher],
        /// Largest acceptable value.
        max: f64,
        /// How long it must stay above before the alert fires, seconds.
        for_seconds: u64,
    },
}

impl Objective {
    /// Every metric the objective reads.
    pub fn metrics(&self) -> impl Iterator<Item = &'static MetricSpec> {
        let list: Vec<&'static MetricSpec> = match self {
            Objective::ErrorRatio { bad, total, .. } => vec![bad.metric, total.metric],
            Objective::Latency { histogram, .. } => vec![histogram],
            Objective::Freshness { timestamp, .. } | Objective::Expiry { timestamp, .. } => {
                vec![timestamp]
            }
            Objective::BrokenState { events, .. } => vec![events.metric],
            Objective::Absence { metric, .. } => vec![metric],
            Objective::Threshold { gauge, .. } => vec![gauge],
        };
        list.into_iter()
    }

    /// Every (metric, matchers) pair the objective selects.
    pub fn selectors(&self) -> Vec<(&'static MetricSpec, &'static [Matcher])> {
        match self {
            Objective::ErrorRatio { bad, total, .. } => {
                vec![(bad.metric, bad.matchers), (total.metric, total.matchers)]
            }
            Objective::Latency {
                histogram,
                matchers,
                ..
            } => vec![(*histogram, *matchers)],
            Objective::Freshness {
                timestamp,
                matchers,
                ..
            }
            | Objective::Expiry {
                timestamp,
                matchers,
                ..
            } => vec![(*timestamp, *matchers)],
            Objective::BrokenState { events, .. } => vec![(events.metric, events.matchers)],
            Objective::Absence {
                metric, matchers, ..
            } => vec![(*metric, *matchers)],
            Objective::Threshold {
                gauge, matchers, ..
            } => vec![(*gauge, *matchers)],
        }
    }

    /// The kind's name, as alert labels and documents say it.
    pub const fn kind(&self) -> &'static str {
        match self {
            Objective::ErrorRatio { .. } => "error_ratio",
            Objective::Latency { .. } => "latency",
            Objective::Freshness { .. } => "freshness",
            Objective::Expiry { .. } => "expiry",
            Objective::BrokenState { .. } => "broken_state",
            Objective::Absence { .. } => "absence",
            Objective::Threshold { .. } => "threshold",
        }
    }

    /// Whether the objective is a ratio alerted by burn rates (pages and tickets).
    pub const fn is_burn_rate(&self) -> bool {
        matches!(
            self,
            Objective::ErrorRatio { .. } | Objective::Latency { .. }
        )
    }
}

/// How urgently a human must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    /// Within the working day.
    Ticket,
    /// Now: wake someone up.
    Page,
}

impl AlertSeverity {
    /// The `severity` label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Ticket => "ticket",
            AlertSeverity::Page => "page",
        }
    }
}

/// What the person paged reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Runbook {
    /// What fired means for users.
    pub meaning: &'static str,
    /// What to look at first (the generated runbook adds the queries).
    pub first_checks: &'static [&'static str],
    /// How to stop the harm.
    pub mitigation: &'static [&'static str],
    /// How to roll back (release, contract version) where it applies; empty if nothing
    /// rolls back.
    pub rollback: &'static [&'static str],
    /// Who to call next, after the owner's on-call.
    pub escalation: &'static str,
    /// A message users can be sent while it is being fixed.
    pub user_message: &'static str,
}

/// An alert on an objective, with its owner and runbook.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlertSpec {
    /// The Prometheus alert name, UpperCamelCase (`CompileErrorBudgetBurn`).
    pub name: &'static str,
    /// What it watches.
    pub objective: Objective,
    /// Severity; burn-rate objectives page on fast burn and ticket on slow burn whatever
    /// this says, and use it as the fast-burn severity.
    pub severity: AlertSeverity,
    /// Who is paged.
    pub owner: Owner,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// What to do.
    pub runbook: Runbook,
}
