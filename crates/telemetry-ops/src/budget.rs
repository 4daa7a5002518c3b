//! The fleet-cost report: each surface's worst-case series per process against its declared
//! budget, and what they become at N pods, with classic and with native histograms.
//!
//! Every series a process exposes is multiplied by the pod count in the metrics backend.
//! The counts come from the catalog alone ([`Section::series_per_process`]): every declared
//! label set, a classic histogram as its buckets, `+Inf`, `_sum` and `_count`, a native
//! histogram as one series. On a scrape every series is one sample, so the series columns
//! are also the samples each scrape carries.
//!
//! ```
//! let table = telemetry_ops::budget::table(&telemetry_ops::PRODUCT, 1_000);
//! assert!(table.contains("| compiler |"));
//! ```

use crate::objective::MatchOp;
use crate::Product;
use std::collections::{BTreeMap, BTreeSet};
use telemetry_core::catalog::{
    Catalog, LabelValues, MetricSpec, Section, SeriesBudget, SeriesCount,
};

/// The pod count the report multiplies by unless told otherwise.
pub const DEFAULT_PODS: usize = 1_000;

/// One surface's worst case in one process, beside its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurfaceCost {
    /// The section's surface.
    pub surface: &'static str,
    /// Its declared series budget per process, native and classic.
    pub budget: SeriesBudget,
    /// Its worst-case series per process.
    pub per_process: SeriesCount,
    /// The series it registers at 0 when its probes start (classic histograms): the
    /// label sets rules read; the others appear with their first event.
    pub at_start: usize,
}

impl SurfaceCost {
    /// The cost of `section`.
    pub fn of(section: &'static Section) -> Self {
        Self {
            surface: section.surface,
            budget: section.series_budget,
            per_process: section.series_per_process(),
            at_start: zero_init_series(section),
        }
    }

    /// Whether its worst case fits its budget, with native and with classic histograms.
    pub fn within_budget(&self) -> bool {
        self.budget.fits(self.per_process)
    }
}

/// Every section's cost, in catalog order.
pub fn report(catalog: &Catalog) -> Vec<SurfaceCost> {
    catalog
        .sections
        .iter()
        .map(|&section| SurfaceCost::of(section))
        .collect()
}

/// `n` with thousands separators (`12,345`).
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The per-surface table (markdown): series per process against the budget and at `pods`
/// pods, with native and with classic histograms, and a last row for one process hosting
/// every surface (the launch-day demo), whose budget is the sum of the sections'.
pub fn table(catalog: &Catalog, pods: usize) -> String {
    let rows = report(catalog);
    let mut out = format!(
        "Worst-case series (= samples per scrape) per process and at {} pods, catalog {}.\n\n\
         | surface | native: series / process | native: budget | native: at {} pods | classic: series / process | classic: budget | classic: at {} pods | within budget | registered at 0 at start, classic |\n\
         |---|---:|---:|---:|---:|---:|---:|---|---:|\n",
        grouped(pods),
        catalog.version,
        grouped(pods),
        grouped(pods),
    );
    let line = |name: &str, budget: SeriesBudget, c: SeriesCount, at_start: usize| {
        format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            grouped(c.native),
            grouped(budget.native),
            grouped(c.native.saturating_mul(pods)),
            grouped(c.classic),
            grouped(budget.classic),
            grouped(c.classic.saturating_mul(pods)),
            if budget.fits(c) { "yes" } else { "no" },
            grouped(at_start),
        )
    };
    for r in &rows {
        out.push_str(&line(r.surface, r.budget, r.per_process, r.at_start));
    }
    let all: SeriesCount = rows.iter().map(|r| r.per_process).sum();
    let budget = rows.iter().map(|r| r.budget).sum();
    let at_start = rows.iter().map(|r| r.at_start).sum();
    out.push_str(&line("every surface in one process", budget, all, at_start));
    out
}

/// Each metric's worst case in one process (markdown), largest first: the labels that
/// multiply and the series per label set.
pub fn metrics_table(catalog: &Catalog) -> String {
    let mut metrics: Vec<(&str, &MetricSpec)> = catalog
        .sections
        .iter()
        .flat_map(|s| s.metrics.iter().map(move |m| (s.surface, m)))
        .collect();
    metrics.sort_by_key(|(_, m)| std::cmp::Reverse(m.series_per_process().classic));
    let mut out = String::from(
        "| surface | metric | labels (values per process) | label sets | series per label set | series, classic | series, native |\n\
         |---|---|---|---:|---:|---:|---:|\n",
    );
    for (surface, m) in metrics {
        let labels = m
            .labels
            .iter()
            .map(|l| format!("{} {}", l.key, l.max_values_per_process()))
            .collect::<Vec<_>>()
            .join(" × ");
        let c = m.series_per_process();
        out.push_str(&format!(
            "| {surface} | {} | {} | {} | {} | {} | {} |\n",
            m.prometheus_name(),
            if labels.is_empty() {
                "—".into()
            } else {
                labels
            },
            grouped(c.label_sets),
            m.series_per_label_set(),
            grouped(c.classic),
            grouped(c.native),
        ));
    }
    out
}

/// The values of one label that rules read: `None` for every value (no matcher narrows it,
/// or its value set is bounded rather than listed).
pub type ReadValues = Option<BTreeSet<&'static str>>;

/// What the product's alert and recording rules read of `metric`, per label key: the
/// values their selectors can match (the union over every selector of the metric). `None`
/// when no rule reads the metric: none of its series needs to exist before its first event.
pub fn rule_reads(
    product: &Product,
    metric: &MetricSpec,
) -> Option<BTreeMap<&'static str, ReadValues>> {
    let mut reads: Option<BTreeMap<&'static str, ReadValues>> = None;
    let selectors = product
        .surfaces
        .iter()
        .flat_map(|s| s.alerts.iter())
        .flat_map(|a| a.objective.as_kind().selectors())
        .filter(|(m, _)| m.name == metric.name);
    for (m, matchers) in selectors {
        let reads = reads.get_or_insert_with(BTreeMap::new);
        for label in m.labels {
            let mut values: ReadValues = match label.values {
                LabelValues::Enumerated(v) => Some(v.iter().copied().collect()),
                LabelValues::Bounded(_) => None,
            };
            for matcher in matchers.iter().filter(|x| x.label == label.key) {
                match (matcher.op, values.as_mut()) {
                    (MatchOp::Eq, Some(v)) => v.retain(|x| *x == matcher.value),
                    (MatchOp::Eq, None) => values = Some(BTreeSet::from([matcher.value])),
                    (MatchOp::Ne, Some(v)) => {
                        v.remove(matcher.value);
                    }
                    (MatchOp::Ne, None) => {}
                }
            }
            match (reads.get_mut(label.key), values) {
                (None, values) => {
                    reads.insert(label.key, values);
                }
                (Some(slot), None) => *slot = None,
                (Some(Some(seen)), Some(v)) => seen.extend(v),
                (Some(None), Some(_)) => {}
            }
        }
    }
    reads
}

/// Every series a rule reads that the catalog does not register at 0 when the probes
/// start: each names the metric, the label and the values to add to its `zero_init` list.
/// A rule reading a series that appears only with its first event misses that event
/// (`rate()` needs the 0 before it), and an absent numerator empties a ratio.
pub fn zero_init_gaps(product: &Product) -> Vec<String> {
    let mut gaps = Vec::new();
    for metric in product.catalog.metrics() {
        let Some(reads) = rule_reads(product, metric) else {
            continue;
        };
        for label in metric.labels {
            let Some(zero) = label.zero_init else {
                continue;
            };
            match reads.get(label.key) {
                Some(Some(read)) => {
                    let missing: Vec<&str> = read.iter().copied().filter(|v| !zero.contains(v)).collect();
                    if !missing.is_empty() {
                        gaps.push(format!(
                            "{}: rules read {} = {} but only {} are registered at 0: add them to the label's zero_init",
                            metric.name,
                            label.key,
                            missing.join(", "),
                            if zero.is_empty() { "none".to_owned() } else { zero.join(", ") },
                        ));
                    }
                }
                _ => gaps.push(format!(
                    "{}: rules read every value of {} but zero_init limits it to [{}]: drop the label's zero_init",
                    metric.name,
                    label.key,
                    zero.join(", "),
                )),
            }
        }
    }
    gaps
}

/// The tightest `zero_init` the rules allow, per metric: the labels whose read values are
/// fewer than its declared ones, and the metrics no rule reads (`[]` on a label: nothing
/// pre-registered). Declared marks that already match are left out.
pub fn zero_init_suggestions(product: &Product) -> Vec<String> {
    let mut out = Vec::new();
    for metric in product.catalog.metrics() {
        match rule_reads(product, metric) {
            None => {
                if let Some(first) = metric.labels.first() {
                    if first.zero_init != Some(&[])
                        && metric
                            .labels
                            .iter()
                            .all(|l| l.zero_init.is_none_or(|z| !z.is_empty()))
                    {
                        out.push(format!(
                            "{}: no rule reads it: `{}.zero_init(&[])` registers each series on its first event",
                            metric.name, first.key
                        ));
                    }
                }
            }
            Some(reads) => {
                for label in metric.labels {
                    if let (Some(Some(read)), LabelValues::Enumerated(declared)) =
                        (reads.get(label.key), label.values)
                    {
                        let current: BTreeSet<&str> = match label.zero_init {
                            Some(z) => z.iter().copied().collect(),
                            None => declared.iter().copied().collect(),
                        };
                        let read_set: BTreeSet<&str> = read.iter().copied().collect();
                        if read.len() < declared.len() && current != read_set {
                            out.push(format!(
                                "{}: rules read {} = [{}] of {} values: `.zero_init(&[{}])`",
                                metric.name,
                                label.key,
                                read.iter().copied().collect::<Vec<_>>().join(", "),
                                declared.len(),
                                read.iter()
                                    .map(|v| format!("{v:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The series one process registers at 0 when its probes start, at most (classic
/// histograms): what a fresh pod exposes before any event.
pub fn zero_init_series(section: &Section) -> usize {
    section
        .metrics
        .iter()
        .map(|m| m.zero_init_label_sets() * m.series_per_label_set())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn the_last_row_sums_every_surface() {
        let rows = report(&crate::PRODUCT);
        let classic: usize = rows.iter().map(|r| r.per_process.classic).sum();
        let table = table(&crate::PRODUCT, 10);
        let last = table.lines().last().unwrap();
        assert!(
            last.starts_with("| every surface in one process |"),
            "{last}"
        );
        assert!(
            last.contains(&format!("| {} |", grouped(classic))),
            "{last}"
        );
        assert!(
            last.contains(&format!("| {} |", grouped(classic * 10))),
            "{last}"
        );
    }

    #[test]
    fn every_series_a_rule_reads_is_registered_at_0_when_the_probes_start() {
        // Derived from the objectives: each alert's (and so each recording rule's) selectors.
        let gaps = zero_init_gaps(&crate::OPERATIONS);
        assert!(
            gaps.is_empty(),
            "series rules read that appear only with their first event:\n  {}",
            gaps.join("\n  ")
        );
    }

    #[test]
    fn rule_reads_follow_the_matchers_of_every_selector() {
        use compiler_probes::catalog::{COMPILE_FAILED_STAGES, MIGRATIONS};
        let reads = rule_reads(&crate::OPERATIONS, &MIGRATIONS).expect("alerts read migrations");
        let outcome: Vec<&str> = reads["dataface.outcome"]
            .clone()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(outcome, ["abandoned", "failed"]);
        assert_eq!(
            reads["dataface.contract.from_version"]
                .as_ref()
                .map(BTreeSet::len),
            Some(4)
        );
        assert_eq!(rule_reads(&crate::OPERATIONS, &COMPILE_FAILED_STAGES), None);
    }

    #[test]
    fn a_zero_init_that_leaves_out_a_value_a_rule_reads_is_a_gap() {
        use compiler_probes::catalog::MIGRATIONS;
        use telemetry_core::catalog::LabelSpec;
        // The migrations counter with only `failed` at 0: the alerts also read `abandoned`.
        let labels: Vec<LabelSpec> = MIGRATIONS
            .labels
            .iter()
            .map(|l| {
                if l.key == "dataface.outcome" {
                    l.zero_init(&["failed"])
                } else {
                    *l
                }
            })
            .collect();
        let metric: &'static MetricSpec = Box::leak(Box::new(MetricSpec {
            labels: labels.leak(),
            ..MIGRATIONS
        }));
        let section: &'static Section = Box::leak(Box::new(Section {
            metrics: std::slice::from_ref(metric),
            ..compiler_probes::catalog::SECTION
        }));
        let catalog: &'static Catalog = Box::leak(Box::new(Catalog {
            version: "1.0.0",
            sections: Box::leak(Box::new([section])),
        }));
        let product = Product {
            catalog,
            surfaces: crate::OPERATIONS.surfaces,
        };
        let gaps = zero_init_gaps(&product);
        assert_eq!(
            gaps,
            ["dataface.contract.migrations: rules read dataface.outcome = abandoned but only failed are registered at 0: add them to the label's zero_init"]
        );
    }
}
