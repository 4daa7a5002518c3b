//! Promise: metric memory is bounded, whatever the host feeds the recorders. Through the
//! real recorders (Prometheus scrape and OTLP to a rotel collector, exporting every
//! second), the host records 1e6 distinct values of one label, then 1e5 distinct
//! undeclared metric names. Figures: RSS once a tenth of each phase is done (the anchor)
//! and at its end (flat: the growth between them is bounded), the series the scrape
//! holds, the total kept, and the overflow counted.

use std::time::Duration;

fn phase(name: &str, n: u64, mut record: impl FnMut(u64)) -> u64 {
    let mut anchor = 0;
    for i in 0..n {
        if i == n / 10 {
            anchor = stress::rss_bytes();
        }
        record(i);
    }
    let end = stress::rss_bytes();
    let growth = end.saturating_sub(anchor);
    println!(
        "{name}: {n} recorded; RSS after the first tenth (anchor) {} MiB, at the end {} MiB, growth {} KiB",
        anchor >> 20,
        end >> 20,
        growth >> 10
    );
    growth
}

fn child() {
    stress::watchdog(Duration::from_secs(600));
    let guard = telemetry_core::init("stress-metric-memory").expect("init");
    let stats = guard.stats_handle();
    println!("after init: RSS {} MiB", stress::rss_bytes() >> 20);
    let values: u64 = stress::length(1_000_000, 10_000_000);
    let names: u64 = stress::length(100_000, 1_000_000);
    let by_value = phase("distinct label values", values, |i| {
        metrics::counter!("stress.requests", "user" => i.to_string()).increment(1);
    });
    let by_name = phase("distinct undeclared metric names", names, |i| {
        metrics::counter!(format!("stress.name.{i}")).increment(1);
    });
    // Let an OTLP export carry the result.
    std::thread::sleep(Duration::from_millis(1500));
    let text = guard.prometheus_text().expect("the scrape is on");
    let series = text
        .lines()
        .filter(|l| l.starts_with("stress_requests_total{"))
        .count();
    let total: f64 = text
        .lines()
        .filter(|l| l.starts_with("stress_requests_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    let names_kept = text
        .lines()
        .filter(|l| l.starts_with("stress_name_"))
        .count();
    let name_overflow = stress::scraped(
        &text,
        r#"dataface_telemetry_cardinality_overflow_total{dataface_telemetry_metric="otel.metric.overflow"}"#,
    )
    .unwrap_or(0.0);
    println!(
        "scrape: stress_requests_total has {series} series holding a total of {total}; {names_kept} undeclared names kept, {name_overflow} registrations counted as overflow"
    );
    let result = guard.shutdown(Duration::from_secs(10));
    let m = stats.snapshot().metrics;
    println!(
        "OTLP metric exports: {} exported, {} failed; shutdown {}",
        m.exported,
        m.dropped_export_error,
        result
            .as_ref()
            .map_or_else(|e| e.to_string(), |()| "ok".into())
    );
    assert!(series <= 257, "{series} series: the label is not bounded");
    assert_eq!(
        total as u64, values,
        "the total is kept through the overflow series"
    );
    assert!(names_kept <= 256, "{names_kept} undeclared names kept");
    assert!(
        name_overflow >= (names - 256) as f64,
        "overflow not counted: {name_overflow}"
    );
    assert!(m.exported > 0 && m.dropped_export_error == 0, "{m:?}");
    let limit = 16 << 20;
    assert!(
        by_value < limit,
        "RSS grew {by_value} bytes through the label values"
    );
    assert!(
        by_name < limit,
        "RSS grew {by_name} bytes through the names"
    );
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    let rotel = stress::Rotel::start(stress::free_port());
    stress::run_child(
        "metric memory",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", rotel.endpoint("grpc")),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".into()),
            ("OTEL_METRICS_EXPORTER", "otlp,prometheus".into()),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "1000".into()),
            ("OTEL_TRACES_EXPORTER", "none".into()),
            ("OTEL_LOGS_EXPORTER", "none".into()),
            ("DATAFACE_LOG_STDERR", "false".into()),
        ],
    );
}
