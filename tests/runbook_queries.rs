//! Every query the operations package hands a person (each runbook's queries, each surface
//! dashboard's and the launch overview's panels, every alert and recording rule) evaluated
//! by a real Prometheus (Debian's `prometheus`, installed by scripts/install-test-deps.sh)
//! that scrapes the launch-day workload and runs the generated rules.
//!
//! The test serves the product's scrape on a loopback port it picks, starts Prometheus on
//! another (scraping every second, evaluating the generated rule files every second, its
//! storage in a temporary directory), runs the launch day, then asks Prometheus's HTTP API
//! (`/api/v1/query`) for every query. Each must evaluate without error. Each runbook query,
//! dashboard panel and recording rule must return series, except the few whose healthy
//! answer is empty (`only_while_something_is_wrong`: nothing waiting, no pipeline problem
//! yet, no alert pending); the alert expressions return series only when they fire, so only
//! their evaluation is checked here. Prometheus is stopped by its pid when the test ends,
//! pass or fail.

#[path = "support/queries.rs"]
mod queries;
mod support;

use telemetry_ops::native::Histograms;

#[test]
fn every_runbook_and_dashboard_query_evaluates_on_a_real_prometheus_scraping_the_launch_day() {
    queries::every_query_evaluates(Histograms::Classic);
}
