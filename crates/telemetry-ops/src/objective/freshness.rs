//! A last-success timestamp that must stay young.

use super::{metric_name, timestamp_ok, Alerting, Matcher, ObjectiveKind, Selector};
use crate::promql::{duration, selector};
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// A last-success timestamp gauge (Unix seconds) must be younger than `max_age` seconds; a
/// series at 0 (never succeeded since start) is not judged.
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
        let s = format!(
            "{}{}",
            self.timestamp.prometheus_name(),
            selector(self.matchers, &[])
        );
        Alerting::Direct {
            expr: format!("(time() - {s}) > {}\nand\n{s} > 0", self.max_age),
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
        "Time since the last success: {{ $value | humanizeDuration }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`time() - {}` stays under {} (a 0 value, nothing recorded yet, is not judged).",
            self.timestamp.prometheus_name(),
            duration(self.max_age)
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        timestamp_ok(self.timestamp, &mut out);
        out
    }
}
