//! A gauge that must stay under a bound.

use super::{kind_is, metric_name, Alerting, Matcher, ObjectiveKind, Selector};
use crate::promql::{duration, selector, trim_float};
use serde::Serialize;
use telemetry_core::catalog::{InstrumentKind, MetricSpec};

/// A gauge (e.g. items not yet recorded) must stay at or under `max` for `for_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threshold {
    /// The gauge.
    #[serde(serialize_with = "metric_name")]
    pub gauge: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// Largest acceptable value.
    pub max: f64,
    /// How long it must stay above before the alert fires, seconds.
    pub for_seconds: u64,
}

impl ObjectiveKind for Threshold {
    fn name(&self) -> &'static str {
        "threshold"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.gauge, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        Alerting::Direct {
            expr: format!(
                "max without (instance, job) ({}{}) > {}",
                self.gauge.prometheus_name(),
                selector(self.matchers, &[]),
                trim_float(self.max)
            ),
            hold: duration(self.for_seconds),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: at most {} (above it for {} fires).",
            trim_float(self.max),
            duration(self.for_seconds)
        )
    }

    fn value_text(&self) -> &'static str {
        "Current value: {{ $value }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`{}` stays at or under {} (above it for {} fires).",
            self.gauge.prometheus_name(),
            trim_float(self.max),
            duration(self.for_seconds)
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        kind_is(
            self.gauge,
            &[InstrumentKind::Gauge],
            "a threshold applies to a gauge",
            &mut out,
        );
        if !self.max.is_finite() {
            out.push("the threshold is not finite".into());
        }
        out
    }
}
