//! A share of a histogram's samples under a bound, alerted by burn rates.

use super::{
    dimensions_ok, kind_is, metric_name, target_ok, Alerting, Matcher, ObjectiveKind, Selector,
};
use crate::promql::{format_bound, le_matcher, selector, sum_by, trim_float};
use serde::Serialize;
use telemetry_core::catalog::{InstrumentKind, MetricSpec};

/// A share of a histogram's samples at or under `threshold`, alerted like
/// [`ErrorRatio`](super::ErrorRatio). Where the scrape serves classic histograms the
/// threshold must be one of the histogram's buckets; native histograms judge any threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    /// The histogram.
    #[serde(serialize_with = "metric_name")]
    pub histogram: &'static MetricSpec,
    /// Label matchers.
    pub matchers: &'static [Matcher],
    /// The bound: one of the histogram's buckets for a classic scrape, any for a native one.
    pub threshold: f64,
    /// The share of samples that must be at or under the bound, e.g. 0.95.
    pub target: f64,
    /// Label keys of the histogram the objective is also judged per value of; the alert
    /// then fires for the slow value and names it in its labels.
    pub by: &'static [&'static str],
    /// The fewest samples a long window must hold before it is judged.
    pub min_events: u64,
}

impl Latency {
    /// Why a scrape with classic histograms cannot judge this objective: its threshold
    /// lies between the histogram's bucket boundaries. Native histograms judge any
    /// threshold ([`native_bad_ratio`](Self::native_bad_ratio)).
    pub fn classic_problem(&self) -> Option<String> {
        (!self.histogram.buckets.contains(&self.threshold)).then(|| {
            format!(
                "threshold {} lies between the buckets of {} ({:?}): a classic histogram answers only at its boundaries; put it on one, or deploy with native histograms (DATAFACE_PROMETHEUS_HISTOGRAMS=native and `dataface-ops generate --histograms native`)",
                self.threshold, self.histogram.name, self.histogram.buckets
            )
        })
    }

    /// The bad-event ratio over `window` on a Prometheus native histogram (the scrape's
    /// `DATAFACE_PROMETHEUS_HISTOGRAMS=native`): the share of samples above the threshold,
    /// by `histogram_fraction`, which answers at any threshold (interpolating within the
    /// native bucket holding it, about 9% wide), where the classic form needs the threshold
    /// on a bucket boundary. Grouped by `by` (Prometheus labels), like the classic form.
    pub fn native_bad_ratio(&self, window: &str, by: &[String]) -> String {
        format!(
            "1 - histogram_fraction(0, {}, {}(rate({}{}[{window}])))",
            format_bound(self.threshold),
            sum_by(by),
            self.histogram.prometheus_name(),
            selector(self.matchers, &[]),
        )
    }

    /// The number of samples over `window` on a native histogram, grouped by `by`.
    pub fn native_events(&self, window: &str, by: &[String]) -> String {
        format!(
            "histogram_count({}(increase({}{}[{window}])))",
            sum_by(by),
            self.histogram.prometheus_name(),
            selector(self.matchers, &[]),
        )
    }
}

impl ObjectiveKind for Latency {
    fn name(&self) -> &'static str {
        "latency"
    }

    fn selectors(&self) -> Vec<Selector> {
        vec![(self.histogram, self.matchers)]
    }

    fn alerting(&self) -> Alerting<'_> {
        Alerting::BurnRate {
            target: self.target,
            min_events: self.min_events,
            by: self.by,
            bad_ratio: Box::new(|window, by| {
                let name = self.histogram.prometheus_name();
                let (op, le) = le_matcher(self.threshold);
                let sum = sum_by(by);
                format!(
                    "1 - (\n  {sum}(rate({name}_bucket{}[{window}]))\n  /\n  {sum}(rate({name}_count{}[{window}]))\n)",
                    selector(self.matchers, &[("le", op, le)]),
                    selector(self.matchers, &[]),
                )
            }),
            events: Box::new(|window, by| {
                format!(
                    "{}(increase({}_count{}[{window}]))",
                    sum_by(by),
                    self.histogram.prometheus_name(),
                    selector(self.matchers, &[])
                )
            }),
        }
    }

    fn objective_text(&self) -> String {
        format!(
            "Objective: {}% of samples at or under {}.",
            trim_float(self.target * 100.0),
            format_bound(self.threshold)
        )
    }

    fn value_text(&self) -> &'static str {
        "Bad-event ratio over the long window: {{ $value | humanizePercentage }}."
    }

    fn runbook_line(&self) -> String {
        format!(
            "{}% of `{}` samples at or under {} ({}).",
            trim_float(self.target * 100.0),
            self.histogram.prometheus_name(),
            format_bound(self.threshold),
            self.histogram.unit
        )
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        kind_is(
            self.histogram,
            &[InstrumentKind::Histogram],
            "a latency objective needs a histogram",
            &mut out,
        );
        target_ok(self.target, &mut out);
        dimensions_ok(self.by, &[self.histogram], self.min_events, &mut out);
        out
    }
}
