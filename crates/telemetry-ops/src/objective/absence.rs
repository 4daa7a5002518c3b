//! A series that must exist.

use super::{metric_name, Alerting, Matcher, ObjectiveKind, Selector};
use crate::promql::{duration, event_series, selector};
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// A series that should exist has been absent for `for_seconds`: from the whole fleet, or
/// from one scrape target that carried it in the last day and is now down (`up` 0), so
/// one missing job or instance is seen, not only all of them. A target removed from
/// discovery (scaled down) is not missing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Absence {
    /// The metric.
    #[serde(serialize_with = "metric_name")]
    pub metric: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// How long it must be missing before the alert fires, seconds.
    pub for_seconds: u64,
}

impl ObjectiveKind for Absence {
    fn name(&self) -> &'static str {
        "absence"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.metric, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = format!(
            "{}{}",
            event_series(self.metric),
            selector(self.matchers, &[])
        );
        Alerting::Direct {
            expr: format!(
                "absent({s})\nor\n(\n  max by (job, instance) (up == 0)\n  and on (job, instance)\n  group by (job, instance) (max_over_time({s}[1d]))\n)"
            ),
            hold: duration(self.for_seconds),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: the series exists (missing for {} fires).",
            duration(self.for_seconds)
        )
    }

    fn value_text(&self) -> &'static str {
        "The series is absent (1), or its scrape target is down (0)."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`{}` is present, and every scrape target that carried it in the last day is up (absent, or a target down, for {} fires).",
            self.metric.prometheus_name(),
            duration(self.for_seconds)
        )
    }

    fn problems(&self) -> Vec<String> {
        if self.for_seconds == 0 {
            vec!["a zero absence duration".into()]
        } else {
            Vec::new()
        }
    }
}
