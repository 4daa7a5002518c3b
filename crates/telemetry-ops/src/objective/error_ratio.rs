//! A share of good events, alerted by burn rates.

use super::{dimensions_ok, kind_is, target_ok, Alerting, Events, ObjectiveKind, Selector};
use crate::promql::{event_series, events_increase, events_rate, selector, trim_float};
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind::{Counter, Histogram};

/// A share of good events (`1 - bad/total >= target`), alerted by multi-window,
/// multi-burn-rate rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ErrorRatio {
    /// The bad events.
    pub bad: Events,
    /// All events.
    pub total: Events,
    /// The objective, e.g. 0.99.
    pub target: f64,
    /// Label keys (declared on both metrics) the objective is also judged per value of;
    /// the alert then fires for the failing value and names it in its labels.
    pub by: &'static [&'static str],
    /// The fewest events a long window must hold before it is judged.
    pub min_events: u64,
}

impl ObjectiveKind for ErrorRatio {
    fn name(&self) -> &'static str {
        "error_ratio"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![
            (self.bad.metric, self.bad.matchers),
            (self.total.metric, self.total.matchers),
        ]
    }

    fn alerting(&self) -> Alerting<'_> {
        Alerting::BurnRate {
            target: self.target,
            min_events: self.min_events,
            by: self.by,
            bad_ratio: Box::new(|window, by| {
                format!(
                    "{}\n/\n{}",
                    events_rate(&self.bad, window, by),
                    events_rate(&self.total, window, by)
                )
            }),
            events: Box::new(|window, by| events_increase(&self.total, window, by)),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: {}% of events are good (error budget {}%).",
            trim_float(self.target * 100.0),
            trim_float((1.0 - self.target) * 100.0)
        )
    }

    fn value_text(&self) -> &'static str {
        "Bad-event ratio over the long window: {{ $value | humanizePercentage }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "{}% of `{}` events are good; bad events are `{}{}`.",
            trim_float(self.target * 100.0),
            event_series(self.total.metric),
            event_series(self.bad.metric),
            selector(self.bad.matchers, &[])
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in [self.bad.metric, self.total.metric] {
            kind_is(
                m,
                &[Counter, Histogram],
                "a ratio counts events (counters or histogram counts)",
                &mut out,
            );
        }
        target_ok(self.target, &mut out);
        dimensions_ok(
            self.by,
            &[self.bad.metric, self.total.metric],
            self.min_events,
            &mut out,
        );
        out
    }
}
