//! What every surface example shares: start on the local defaults, show where the signals
//! go, print the series that moved, shut down.
#![allow(dead_code)]

use dataface_telemetry::core::TelemetryGuard;
use std::time::Duration;
use telemetry_testing::scrape::Scrape;

/// Initialises from the environment over the no-collector defaults.
pub(crate) fn start(service: &str) -> TelemetryGuard {
    let builder = dataface_telemetry::core::build_info!(dataface_telemetry::local_defaults());
    let guard = dataface_telemetry::init_with(service, builder).unwrap_or_else(|e| {
        eprintln!("telemetry init failed: {e}");
        std::process::exit(2);
    });
    if let Some(addr) = guard.prometheus_addr() {
        println!("scrape endpoint: http://{addr}/metrics");
    }
    if guard.config().exporters.traces.otlp {
        println!("exporting OTLP to {}", guard.config().otlp.traces.endpoint);
    }
    guard
}

/// The non-zero series of the scrape whose name starts with one of `prefixes` (histograms
/// as their `_count`), as `(series, value)`.
pub(crate) fn moved(guard: &TelemetryGuard, prefixes: &[&str]) -> Vec<(String, f64)> {
    let Some(text) = guard.prometheus_text() else {
        return Vec::new();
    };
    let scrape = Scrape::parse(&text).unwrap_or_else(|e| {
        eprintln!("the scrape could not be read: {e}");
        std::process::exit(2);
    });
    scrape
        .headline()
        .filter(|s| prefixes.iter().any(|p| s.name().starts_with(p)))
        .filter(|s| s.value() != 0.0)
        .map(|s| (s.series(), s.value()))
        .collect()
}

/// Prints the series that moved under `title`.
pub(crate) fn print_moved(guard: &TelemetryGuard, title: &str, prefixes: &[&str]) {
    println!("\n{title}");
    let rows = moved(guard, prefixes);
    if rows.is_empty() {
        println!("  (nothing: is `prometheus` in OTEL_METRICS_EXPORTER?)");
    }
    for (series, value) in rows {
        println!("  {value:>10}  {series}");
    }
}

/// Shuts down, printing the pipeline's own counts.
pub(crate) fn finish(guard: TelemetryGuard) {
    let stats = guard.stats_handle();
    let result = guard.shutdown(Duration::from_secs(5));
    let s = stats.snapshot();
    println!(
        "\ntelemetry: spans exported {} / dropped {}, log records exported {} / dropped {}, metric exports {} / failed {}",
        s.traces.exported,
        s.traces.dropped(),
        s.logs.exported,
        s.logs.dropped(),
        s.metrics.exported,
        s.metrics.dropped()
    );
    if let Err(e) = result {
        println!("shutdown: {e}");
    }
}
