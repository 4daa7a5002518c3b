//! A share of the fleet's instances seeing the same failure at once.

use super::{kind_is, Alerting, Events, ObjectiveKind, Selector};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind::{Counter, Histogram};

/// At least `min_share` of the instances exposing `events` (each scrape target: `job` and
/// `instance`) counted one within `window`: a failure every instance sees at once is a
/// shared cause (a collector outage), not one service's bug. Read on the scrape path, so it
/// still works when the thing failing is the OTLP path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FleetShare {
    /// The failing events.
    pub events: Events,
    /// The window, seconds.
    pub window: u64,
    /// The smallest share of instances (0 to 1) that fires.
    pub min_share: f64,
}

impl ObjectiveKind for FleetShare {
    fn name(&self) -> &'static str {
        "fleet_share"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.events.metric, self.events.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = self.events.series();
        Alerting::Direct {
            expr: format!(
                "count(sum by (job, instance) (increase({s}[{w}])) > 0)\n/\ncount(group by (job, instance) ({s}))\n>= {share}",
                w = duration(self.window),
                share = crate::promql::trim_float(self.min_share)
            ),
            hold: "5m".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: fewer than {}% of the instances see it within {}.",
            crate::promql::trim_float(self.min_share * 100.0),
            duration(self.window)
        )
    }

    fn value_text(&self) -> &'static str {
        "Share of instances affected: {{ $value | humanizePercentage }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "Fewer than {}% of the instances exposing `{}` count one within {} (read on the scrape, by job and instance).",
            crate::promql::trim_float(self.min_share * 100.0),
            self.events.series(),
            duration(self.window)
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        kind_is(
            self.events.metric,
            &[Counter, Histogram],
            "a fleet share counts events (counters or histogram counts)",
            &mut out,
        );
        if !(self.min_share > 0.0 && self.min_share <= 1.0) {
            out.push(format!("min_share {} is not in (0, 1]", self.min_share));
        }
        out
    }
}
