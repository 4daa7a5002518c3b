//! A timestamp that must stay far enough ahead of now.

use super::{
    metric_name, timestamp_problems, timestamp_series, Alerting, Matcher, ObjectiveKind, Selector,
};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// A timestamp gauge (Unix seconds, e.g. a certificate's expiry) must stay at least
/// `min_remaining` seconds ahead of now; a 0 (nothing known yet) is no data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Expiry {
    /// The timestamp gauge (unit `s`).
    #[serde(serialize_with = "metric_name")]
    pub timestamp: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// Smallest acceptable time left, seconds.
    pub min_remaining: u64,
}

impl ObjectiveKind for Expiry {
    fn name(&self) -> &'static str {
        "expiry"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.timestamp, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = timestamp_series(self.timestamp, self.matchers);
        Alerting::Direct {
            expr: format!("({s} > 0) - time() < {}", self.min_remaining),
            hold: "10m".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: at least {} left before expiry.",
            duration(self.min_remaining)
        )
    }

    fn value_text(&self) -> &'static str {
        "Time left: {{ $value | humanizeDuration }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`{} - time()` stays above {}.",
            self.timestamp.prometheus_name(),
            duration(self.min_remaining)
        )
    }

    fn problems(&self) -> Vec<String> {
        timestamp_problems(self.timestamp)
    }
}
