//! The five product surfaces the day runs, and what of theirs moved on a scrape.

use dataface_telemetry::core::catalog::{InstrumentKind, MetricSpec, Section};
use std::fmt;
use telemetry_testing::scrape::Scrape;

/// One of the five product surfaces, each served by a probe crate and described by a section
/// of [`CATALOG`](dataface_telemetry::CATALOG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Surface {
    /// The YAML contract compiler, migrations, execution adapters and rendering
    /// ([`dataface_telemetry::compiler`], task card 000).
    Compiler,
    /// The context catalog serving dashboards, the MCP server and the IDE
    /// ([`dataface_telemetry::context`], task card 001).
    Context,
    /// The warehouse profiler and inspector reports ([`dataface_telemetry::profiler`], task card 004).
    Profiler,
    /// The Cloud Suite: accounts, projects and quotas ([`dataface_telemetry::cloud`], task card 003).
    Cloud,
    /// Deployments, Fivetran webhooks, billing and custom domains ([`dataface_telemetry::integrations`],
    /// task card 002).
    Integrations,
}

impl Surface {
    /// Every surface, in the catalog's order.
    pub const ALL: [Surface; 5] = [
        Surface::Compiler,
        Surface::Context,
        Surface::Profiler,
        Surface::Cloud,
        Surface::Integrations,
    ];

    /// The surface's name in the catalog (`compiler`, `context`, `profiler`, `cloud`,
    /// `integrations`).
    pub const fn name(self) -> &'static str {
        match self {
            Surface::Compiler => "compiler",
            Surface::Context => "context",
            Surface::Profiler => "profiler",
            Surface::Cloud => "cloud",
            Surface::Integrations => "integrations",
        }
    }

    /// The task card (`/work/shared/seeds/<card>_*.txt`) the surface's probes answer.
    pub const fn task_card(self) -> &'static str {
        match self {
            Surface::Compiler => "000",
            Surface::Context => "001",
            Surface::Profiler => "004",
            Surface::Cloud => "003",
            Surface::Integrations => "002",
        }
    }

    /// What the surface is, in a few words.
    pub const fn title(self) -> &'static str {
        match self {
            Surface::Compiler => "YAML contracts, compiler, execution adapters, rendering",
            Surface::Context => "context catalog for dashboards, MCP and the IDE",
            Surface::Profiler => "warehouse profiling, semantic types, inspector reports",
            Surface::Cloud => "accounts, project provisioning and lifecycle, quotas",
            Surface::Integrations => "deployments, Fivetran webhooks, billing, custom domains",
        }
    }

    /// The failure modes the day scripts for this surface, with their simulated times.
    pub const fn incidents(self) -> &'static [&'static str] {
        match self {
            Surface::Compiler => &[
                "10:00 release 2.5.0 ships a migration that breaks contract 1.1: every 1.1 \
                 compile fails in the migrate stage until the 16:00 rollback to 2.4.0",
                "all day: users' typos, query timeouts, truncated results, a render timeout \
                 now and then",
            ],
            Surface::Context => &[
                "all day: the `profiles` source has stopped refreshing (2h10m stale at 00:00), \
                 so resolutions serve stale profiles",
                "08:00 the `orders` contract gains 60 columns: MCP context payloads exceed \
                 the 256 KiB limit (truncated, rejected past 512 KiB)",
                "15:00 a breaking change renames orders.customer_id: dashboards get \
                 schema_not_found; enrichment partial at 09:00, failed at 15:00",
            ],
            Surface::Profiler => &[
                "from 11:00 large Snowflake tables pass their deadline; 13:00-15:59 the whole \
                 warehouse is saturated (one run dropped by the caller's timer)",
                "all day: analysts correct a rising share of postal_code detections",
                "a revoked grant on hr.payroll from 12:00, a sampling failure at 09:00, a \
                 skipped GEOGRAPHY column, a cancelled run, a report that fails at 15:00",
            ],
            Surface::Cloud => &[
                "all day: one project stuck in provisioning since 47 minutes before 00:00",
                "free accounts past 3 projects hit the projects quota, trials end; 20:00 a \
                 provisioning fails on infrastructure and is retried",
                "18:00-19:59 GitHub sign-ups time out; 15:00 a 'reactivate' bug tries \
                 deleting -> active and is rejected",
            ],
            Surface::Integrations => &[
                "16:00 the production deployment of 2.5.1 fails its health checks and is \
                 rolled back to 2.4.0",
                "14:00 the webhook secret is rotated on Fivetran's side only: a burst of \
                 signature failures",
                "09:00-11:59 the billing provider is down: events retry, some are given up; \
                 17:00 a code path drops one event",
                "all day: a certificate expiring in 6 days, a CNAME pointing elsewhere, a \
                 lapsed domain",
            ],
        }
    }

    /// The surface's section of [`CATALOG`](dataface_telemetry::CATALOG): its metrics, spans and error
    /// codes.
    pub fn section(self) -> &'static Section {
        dataface_telemetry::CATALOG
            .sections
            .iter()
            .copied()
            .find(|s| s.surface == self.name())
            .expect("the product catalog has a section for every surface")
    }

    /// The series of this surface's metrics that are not zero (nor NaN) in `scrape` (the
    /// parsed text of
    /// [`TelemetryGuard::prometheus_text`](dataface_telemetry::core::TelemetryGuard::prometheus_text)),
    /// histograms as their `_count`, in scrape order.
    pub fn moved(self, scrape: &Scrape) -> Vec<MovedSeries> {
        let names: Vec<(String, &'static MetricSpec)> = self
            .section()
            .metrics
            .iter()
            .map(|m| {
                let mut name = m.prometheus_name();
                if m.kind == InstrumentKind::Histogram {
                    name.push_str("_count");
                }
                (name, m)
            })
            .collect();
        scrape
            .samples()
            .iter()
            .filter_map(|sample| {
                let metric = names.iter().find(|(n, _)| n == sample.name())?.1;
                let value = sample.value();
                (value != 0.0 && !value.is_nan()).then(|| MovedSeries {
                    metric,
                    series: sample.series(),
                    value,
                })
            })
            .collect()
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A series of the Prometheus scrape that is not zero (see [`Surface::moved`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MovedSeries {
    /// The catalog entry of its metric.
    pub metric: &'static MetricSpec,
    /// The series as the scrape shows it: name (a histogram's `_count`) and labels.
    pub series: String,
    /// Its value (for a histogram, the number of observations).
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_reads_a_surface_series_from_the_scrape() {
        let scrape = Scrape::parse(
            "# TYPE dataface_compile_errors_total counter\n\
            dataface_compile_errors_total{error_type=\"unknown_query\"} 3\n\
            dataface_compile_errors_total{error_type=\"invalid_yaml\"} 0\n\
            dataface_compile_duration_seconds_bucket{le=\"1\"} 4\n\
            dataface_compile_duration_seconds_count{dataface_compiler_version=\"2.4.0\"} 4\n\
            dataface_webhook_deliveries_total{dataface_outcome=\"accepted\"} 9\n",
        )
        .expect("a valid scrape");
        let moved = Surface::Compiler.moved(&scrape);
        let names: Vec<_> = moved.iter().map(|m| (m.metric.name, m.value)).collect();
        assert_eq!(
            names,
            [
                ("dataface.compile.errors", 3.0),
                ("dataface.compile.duration", 4.0)
            ]
        );
        assert_eq!(
            moved[0].series,
            "dataface_compile_errors_total{error_type=\"unknown_query\"}"
        );
    }
}
