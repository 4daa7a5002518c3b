//! A series that must exist.

use super::{metric_name, Alerting, Matcher, ObjectiveKind, Selector};
use crate::promql::{duration, event_series, selector};
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// A series that should exist has been absent for `for_seconds`.
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
        Alerting::Direct {
            expr: format!(
                "absent({}{})",
                event_series(self.metric),
                selector(self.matchers, &[])
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
        "The series is absent."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`{}` is present (absent for {} fires).",
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
