//! Events that must never happen.

use super::{kind_is, Alerting, Events, ObjectiveKind, Selector};
use crate::promql::duration;
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind;

/// Any increase, within `window` seconds, of events that must not happen (invalid
/// transitions, abandoned operations).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BrokenState {
    /// The events.
    pub events: Events,
    /// Look-back window, seconds.
    pub window: u64,
}

impl ObjectiveKind for BrokenState {
    fn name(&self) -> &'static str {
        "broken_state"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.events.metric, self.events.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        Alerting::Direct {
            expr: format!(
                "sum without (instance, job) (increase({}[{}])) > 0",
                self.events.series(),
                duration(self.window)
            ),
            hold: "0s".into(),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: this never happens (any occurrence in {} fires).",
            duration(self.window)
        )
    }

    fn value_text(&self) -> &'static str {
        "Occurrences in the window: {{ $value }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`{}` never increases (look-back {}).",
            self.events.series(),
            duration(self.window)
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        kind_is(
            self.events.metric,
            &[InstrumentKind::Counter],
            "a broken state is a counter that must not move",
            &mut out,
        );
        if self.window == 0 {
            out.push("a zero look-back window".into());
        }
        out
    }
}
