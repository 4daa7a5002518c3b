//! A last-success timestamp that must stay young.

use super::{
    metric_name, timestamp_problems, timestamp_series, Alerting, Matcher, ObjectiveKind, Selector,
};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// A last-success timestamp gauge (Unix seconds) must be younger than `max_age` seconds,
/// judged for the fleet (the newest success of any instance counts: a worker that did not
/// happen to run the job is not stale). A 0 (nothing succeeded since start) is no success:
/// after a restart the alert fires once the series has existed for `max_age` with no
/// instance succeeding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Freshness {
    /// The timestamp gauge (unit `s`).
    #[serde(serialize_with = "metric_name")]
    pub timestamp: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// Largest acceptable age, seconds.
    pub max_age: u64,
}

impl ObjectiveKind for Freshness {
    fn name(&self) -> &'static str {
        "freshness"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.timestamp, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = timestamp_series(self.timestamp, self.matchers);
        Alerting::Direct {
            expr: format!(
                "(time() - max without (instance, job) ({s} > 0)) > {age}\nor\n(\n  max without (instance, job) (max_over_time({s}[{window}])) == 0\n  and\n  max without (instance, job) ({s} offset {window}) >= 0\n)",
                age = self.max_age,
                window = duration(self.max_age),
            ),
            hold: "5m".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: the watched timestamp is younger than {}.",
            duration(self.max_age)
        )
    }

    fn value_text(&self) -> &'static str {
        "Time since the last success of any instance (0s: none since start): {{ $value | humanizeDuration }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`time() - max without (instance, job) ({})` stays under {} (0, nothing since start, is no success: a fleet at 0 for that long fires).",
            self.timestamp.prometheus_name(),
            duration(self.max_age)
        )
    }

    fn problems(&self) -> Vec<String> {
        timestamp_problems(self.timestamp)
    }
}
