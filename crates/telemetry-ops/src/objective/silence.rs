//! Events that must keep arriving: a rate drop to (nearly) nothing, or no series at all.

use super::{kind_is, Alerting, Events, ObjectiveKind, Selector};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind::{Counter, Histogram};

/// Events (a counter or a histogram's count, narrowed by matchers) must keep arriving: the
/// fleet counting fewer than `min_events` over `window` seconds fires, and so does no such
/// series at all. Unlike [`Absence`](super::Absence), a series that exists but stopped
/// moving (a sender gone silent) fires; counter resets (restarts) are not a drop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Silence {
    /// The events that must keep arriving.
    pub events: Events,
    /// The window they are counted over, seconds.
    pub window: u64,
    /// The fewest events the window must hold (1: any event at all).
    pub min_events: u64,
}

impl ObjectiveKind for Silence {
    fn name(&self) -> &'static str {
        "silence"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.events.metric, self.events.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = self.events.series();
        Alerting::Direct {
            expr: format!(
                "sum(increase({s}[{window}])) < {min}\nor\nabsent({s})",
                window = duration(self.window),
                min = self.min_events
            ),
            hold: "10m".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: at least {} event(s) every {} across the fleet.",
            self.min_events,
            duration(self.window)
        )
    }

    fn value_text(&self) -> &'static str {
        "Events over the window (1 with no series at all): {{ $value }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`sum(increase({}[{}]))` stays at or above {} (fewer, or no series at all, fires).",
            self.events.series(),
            duration(self.window),
            self.min_events
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        kind_is(
            self.events.metric,
            &[Counter, Histogram],
            "a silence counts events (counters or histogram counts)",
            &mut out,
        );
        if self.min_events == 0 {
            out.push("min_events is 0: the alert could never fire".into());
        }
        if self.window < 300 {
            out.push(format!(
                "a {}s window is shorter than 5m: scrape gaps alone would fire it",
                self.window
            ));
        }
        out
    }
}
