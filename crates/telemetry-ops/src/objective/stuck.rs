//! The oldest item still waiting in a state must be younger than a bound.

use super::{
    metric_name, timestamp_problems, timestamp_series, Alerting, Matcher, ObjectiveKind, Selector,
};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::MetricSpec;

/// An oldest-waiting timestamp gauge (Unix seconds: when the oldest item still in a state
/// entered it) must be younger than `max_age` seconds, judged for the fleet: the oldest
/// item on any instance counts, so one instance holding a stuck item fires however fresh
/// the others are. A 0 means nothing is waiting: never judged, so a quiet state on a
/// healthy day stays silent (unlike [`Freshness`](super::Freshness), where 0 means no
/// success).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stuck {
    /// The oldest-waiting timestamp gauge (unit `s`, 0 when nothing waits).
    #[serde(serialize_with = "metric_name")]
    pub timestamp: &'static MetricSpec,
    /// Label matchers (usually the state).
    pub matchers: &'static [Matcher],
    /// Largest acceptable wait, seconds.
    pub max_age: u64,
}

impl ObjectiveKind for Stuck {
    fn name(&self) -> &'static str {
        "stuck"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.timestamp, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = timestamp_series(self.timestamp, self.matchers);
        Alerting::Direct {
            expr: format!(
                "(time() - min without (instance, job) ({s} > 0)) > {age}",
                age = self.max_age
            ),
            hold: "5m".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: nothing waits in this state longer than {}.",
            duration(self.max_age)
        )
    }

    fn value_text(&self) -> &'static str {
        "Wait of the oldest item still in the state, on any instance: {{ $value | humanizeDuration }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`time() - min without (instance, job) ({} > 0)` stays under {} (0: nothing waiting, not judged).",
            self.timestamp.prometheus_name(),
            duration(self.max_age)
        )
    }

    fn problems(&self) -> Vec<String> {
        timestamp_problems(self.timestamp)
    }
}
