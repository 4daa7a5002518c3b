//! Failures of several independent dependencies at once: one shared outage.

use super::{kind_is, Alerting, Events, ObjectiveKind, Selector};
use crate::promql::{duration, event_series, selector};
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind::{Counter, Histogram};

/// A shared-infrastructure outage (a cloud region, a network, a common dependency) seen as
/// failures of several otherwise independent signals within the same `window`: at least
/// `min_signals` of `signals` counted a failure. Its alerts carry `scope="shared"`, which
/// the routing uses to inhibit the downstream pages of the same incident, so one incident
/// pages once. One signal failing alone is that signal's own alert, not this one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coincidence {
    /// The failure signals, each named (`deployments`, `billing` ...), as failing events.
    pub signals: &'static [(&'static str, Events)],
    /// How many of them must fail within the window.
    pub min_signals: usize,
    /// The window, seconds.
    pub window: u64,
}

impl Coincidence {
    fn failing(&self, name: &str, events: &Events) -> String {
        format!(
            "label_replace(sum(increase({}[{}])) > 0, \"signal\", \"{name}\", \"\", \"\")",
            events.series(),
            duration(self.window)
        )
    }
}

impl ObjectiveKind for Coincidence {
    fn name(&self) -> &'static str {
        "coincidence"
    }

    fn selectors(&self) -> Vec<Selector> {
        self.signals
            .iter()
            .map(|(_, e)| (e.metric, e.matchers))
            .collect()
    }

    fn alerting(&self) -> Alerting<'_> {
        let parts: Vec<String> = self
            .signals
            .iter()
            .map(|(name, e)| format!("  {}", self.failing(name, e)))
            .collect();
        Alerting::Direct {
            expr: format!(
                "count(\n{}\n) >= {}",
                parts.join("\n  or\n"),
                self.min_signals
            ),
            hold: "0s".into(),
        }
    }

    fn objective_text(&self) -> String {
        let names: Vec<&str> = self.signals.iter().map(|(n, _)| *n).collect();
        format!(
            "Objective: fewer than {} of {} fail within the same {}.",
            self.min_signals,
            names.join(", "),
            duration(self.window)
        )
    }

    fn value_text(&self) -> &'static str {
        "Signals failing together: {{ $value }}."
    }

    fn runbook_line(&self) -> String {
        let parts: Vec<String> = self
            .signals
            .iter()
            .map(|(name, e)| {
                format!(
                    "{name} (`{}{}`)",
                    event_series(e.metric),
                    selector(e.matchers, &[])
                )
            })
            .collect();
        format!(
            "Fewer than {} of these fail within the same {}: {}.",
            self.min_signals,
            duration(self.window),
            parts.join(", ")
        )
    }

    fn scope(&self) -> Option<&'static str> {
        Some("shared")
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, e) in self.signals {
            kind_is(
                e.metric,
                &[Counter, Histogram],
                "a coincidence counts failing events (counters or histogram counts)",
                &mut out,
            );
        }
        if self.min_signals < 2 || self.min_signals > self.signals.len() {
            out.push(format!(
                "min_signals {} must be at least 2 and at most the {} signals: one signal alone has its own alert",
                self.min_signals,
                self.signals.len()
            ));
        }
        let mut names: Vec<&str> = self.signals.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() != self.signals.len() {
            out.push("signal names must be unique".into());
        }
        out
    }
}
