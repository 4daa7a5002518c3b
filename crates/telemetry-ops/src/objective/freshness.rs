//! A last-success timestamp that must stay young.

use super::{
    kind_is, metric_name, timestamp_problems, timestamp_series, Alerting, Events, Matcher,
    ObjectiveKind, Selector,
};
use crate::promql::{duration, event_series, selector};
use serde::Serialize;
use telemetry_core::catalog::InstrumentKind::{Counter, Histogram};
use telemetry_core::catalog::{prometheus_label, MetricSpec};

/// A last-success timestamp gauge (Unix seconds) must be younger than `max_age` seconds,
/// judged for the fleet (the newest success of any instance counts: a worker that did not
/// happen to run the job is not stale). A 0 (nothing succeeded since start) is no success:
/// after a restart the alert fires once the series has existed for `max_age` with no
/// instance succeeding, and, when `attempts` is given, only if something was attempted
/// meanwhile: a value nobody uses (a source or warehouse type never configured) reads 0
/// forever and is not stale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Freshness {
    /// The timestamp gauge (unit `s`).
    #[serde(serialize_with = "metric_name")]
    pub timestamp: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// Largest acceptable age, seconds.
    pub max_age: u64,
    /// The attempts (a counter or histogram count declaring every label of the timestamp):
    /// "never succeeded since start" fires only for the label values attempted within
    /// `max_age`. `None`: every series is expected to succeed.
    pub attempts: Option<Events>,
}

impl Freshness {
    /// The Prometheus names of the timestamp's labels.
    fn keys(&self) -> Vec<String> {
        self.timestamp
            .labels
            .iter()
            .map(|l| prometheus_label(l.key))
            .collect()
    }
}

impl ObjectiveKind for Freshness {
    fn name(&self) -> &'static str {
        "freshness"
    }

    fn selectors(&self) -> Vec<Selector> {
        let mut out = vec![(self.timestamp, self.matchers)];
        if let Some(a) = &self.attempts {
            out.push((a.metric, a.matchers));
        }
        out
    }

    fn alerting(&self) -> Alerting<'_> {
        let s = timestamp_series(self.timestamp, self.matchers);
        let window = duration(self.max_age);
        let attempted = match &self.attempts {
            None => String::new(),
            Some(a) => {
                let keys = self.keys().join(", ");
                format!(
                    "\n  and on ({keys})\n  sum by ({keys}) (increase({}{}[{window}])) > 0",
                    event_series(a.metric),
                    selector(a.matchers, &[])
                )
            }
        };
        Alerting::Direct {
            expr: format!(
                "(time() - max without (instance, job) ({s} > 0)) > {age}\nor\n(\n  max without (instance, job) (max_over_time({s}[{window}])) == 0\n  and\n  max without (instance, job) ({s} offset {window}) >= 0{attempted}\n)",
                age = self.max_age,
            ),
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
        "Time since the last success of any instance (0s: none since start): {{ $value | humanizeDuration }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "`time() - max without (instance, job) ({})` stays under {} (0, nothing since start, is no success: a fleet at 0 for that long fires{}).",
            self.timestamp.prometheus_name(),
            duration(self.max_age),
            match &self.attempts {
                Some(a) => format!(", if `{}` counted an attempt meanwhile", event_series(a.metric)),
                None => String::new(),
            }
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = timestamp_problems(self.timestamp);
        if let Some(a) = &self.attempts {
            kind_is(
                a.metric,
                &[Counter, Histogram],
                "attempts are events (counters or histogram counts)",
                &mut out,
            );
            for l in self.timestamp.labels {
                if a.metric.label(l.key).is_none() {
                    out.push(format!(
                        "the attempts {} do not declare {:?}, a label of {}: they cannot be matched per value",
                        a.metric.name, l.key, self.timestamp.name
                    ));
                }
            }
        }
        out
    }
}
