//! `tests/runbook_queries.rs` for a fleet whose scrape serves native histograms: the launch
//! day runs with `DATAFACE_PROMETHEUS_HISTOGRAMS=native`, Prometheus scrapes it with
//! `--enable-feature=native-histograms` (the protobuf exposition) and runs the rules of
//! `dataface-ops generate --histograms native`, and every query of that package (rules,
//! dashboard panels, runbook queries, rewritten to read native histograms) must evaluate
//! and, where the classic package's must, return series.

#[path = "support/queries.rs"]
mod queries;
mod support;

use telemetry_ops::native::Histograms;

#[test]
fn every_native_package_query_evaluates_on_a_real_prometheus_scraping_native_histograms() {
    queries::every_query_evaluates(Histograms::Native);
}
