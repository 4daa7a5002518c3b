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

use telemetry_core::catalog::{Catalog, MetricSpec, Section, SeriesCount};

/// The pod count the report multiplies by unless told otherwise.
pub const DEFAULT_PODS: usize = 1_000;

/// One surface's worst case in one process, beside its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurfaceCost {
    /// The section's surface.
    pub surface: &'static str,
    /// Its declared series budget per process.
    pub budget: usize,
    /// Its worst-case series per process.
    pub per_process: SeriesCount,
}

impl SurfaceCost {
    /// The cost of `section`.
    pub fn of(section: &'static Section) -> Self {
        Self {
            surface: section.surface,
            budget: section.series_budget,
            per_process: section.series_per_process(),
        }
    }

    /// Whether its worst case (classic histograms) fits its budget.
    pub fn within_budget(&self) -> bool {
        self.per_process.classic <= self.budget
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

/// The per-surface table (markdown): budget, label sets, series per process and at `pods`
/// pods with classic and with native histograms, and a last row for one process hosting
/// every surface (the launch-day demo), whose budget is the sum of the sections'.
pub fn table(catalog: &Catalog, pods: usize) -> String {
    let rows = report(catalog);
    let mut out = format!(
        "Worst-case series (= samples per scrape) per process and at {} pods, catalog {}.\n\n\
         | surface | budget / process | label sets | series / process, classic | series / process, native | at {} pods, classic | at {} pods, native | within budget |\n\
         |---|---:|---:|---:|---:|---:|---:|---|\n",
        grouped(pods),
        catalog.version,
        grouped(pods),
        grouped(pods),
    );
    let line = |name: &str, budget: usize, c: SeriesCount| {
        format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            grouped(budget),
            grouped(c.label_sets),
            grouped(c.classic),
            grouped(c.native),
            grouped(c.classic * pods),
            grouped(c.native * pods),
            if c.classic <= budget { "yes" } else { "no" },
        )
    };
    for r in &rows {
        out.push_str(&line(r.surface, r.budget, r.per_process));
    }
    let all: SeriesCount = rows.iter().map(|r| r.per_process).sum();
    let budget = rows.iter().map(|r| r.budget).sum();
    out.push_str(&line("every surface in one process", budget, all));
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
}
