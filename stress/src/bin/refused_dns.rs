//! Promise: a collector that refuses connections, or whose name does not resolve, costs the
//! host nothing but counted drops, and says so once. Sustained host load (5,000 operations
//! a second: a span, a log, a counter, a histogram value) runs against a port nobody
//! listens on and against a host name that cannot resolve, beside the anchor: the same load
//! against a healthy rotel collector, at the same time. Figures: host latency p99 (within
//! 10% of healthy), RSS growth once the queues are full, exported + dropped == attempted,
//! and the export-failure warnings on stderr: one per signal for the whole failure streak.
//!
//! The name that cannot resolve has a 64-character label: the resolver refuses to build
//! the query, so no DNS traffic leaves the machine.

use std::time::Duration;

const RATE: u32 = 5_000;

fn child(mode: &str) {
    let duration = stress::length(Duration::from_secs(10), Duration::from_secs(120));
    let guard = telemetry_core::init("stress-refused-dns").expect("init");
    let load = stress::sustained_load(duration, RATE);
    let p99 = load.latency(0.99);
    let warm = load.rss[load.rss.len() / 4];
    let end = *load.rss.last().unwrap();
    println!(
        "{mode}: {} ops in {:?} ({:.0}/s); latency p50 {:?} p99 {p99:?}; RSS at 1/4 {} MiB, end {} MiB",
        load.latencies.len(),
        load.elapsed,
        load.rate(),
        load.latency(0.5),
        warm >> 20,
        end >> 20
    );
    println!("figure p99_ns {}", p99.as_nanos());
    println!("figure rate {:.0}", load.rate());
    println!("figure rss_growth {}", end.saturating_sub(warm));
    let s = stress::shutdown_accounted(mode, guard, Duration::from_secs(5));
    println!(
        "  metric exports failed: {}",
        s.metrics.dropped_export_error
    );
}

fn main() {
    if let Some(mode) = stress::child_mode() {
        return child(&mode);
    }
    let unresolvable = format!("http://{}.invalid:4317", "a".repeat(64));
    let refused = format!("http://127.0.0.1:{}", stress::free_port());
    let rotel = stress::Rotel::start(stress::free_port());
    let env = |endpoint: String| {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
            // Metrics fail once a second too, so their streak is as long as the others'.
            ("OTEL_METRIC_EXPORT_INTERVAL", "1000".to_owned()),
        ]
    };
    // All three at the same time, so the machine's other load weighs on each alike.
    let anchor = {
        let env = env(rotel.endpoint("grpc"));
        std::thread::spawn(move || stress::run_child("healthy (anchor)", &env))
    };
    let runs: Vec<_> = [
        ("connection refused", refused),
        ("DNS failure", unresolvable),
    ]
    .into_iter()
    .map(|(mode, endpoint)| {
        let env = env(endpoint);
        (
            mode,
            std::thread::spawn(move || stress::run_child_with_stderr(mode, &env)),
        )
    })
    .collect();
    let healthy = anchor.join().expect("the anchor run");
    drop(rotel);
    let p99_healthy = stress::figure(&healthy, "p99_ns");
    for (mode, run) in runs {
        let (out, stderr) = run.join().expect("the run");
        let p99 = stress::figure(&out, "p99_ns");
        let ratio = p99 / p99_healthy;
        println!(
            "{mode}: p99 / healthy p99 = {:.0} µs / {:.0} µs = {ratio:.2}",
            p99 / 1e3,
            p99_healthy / 1e3
        );
        for signal in ["traces", "logs", "metrics"] {
            let warnings = stderr
                .lines()
                .filter(|l| l.contains(&format!("{signal} export to")) && l.contains("failed"))
                .count();
            println!("  {signal}: {warnings} export-failure warning(s) on stderr for the streak");
            assert_eq!(
                warnings, 1,
                "{mode} {signal}: one warning per failure streak, never none, never a storm:\n{stderr}"
            );
        }
        assert!(
            stress::figure(&out, "rate") >= f64::from(RATE) * 0.95,
            "{mode}: the load fell short of {RATE}/s"
        );
        assert!(ratio <= 1.10, "{mode}: p99 {ratio:.2}x the healthy run");
        let growth = stress::figure(&out, "rss_growth");
        assert!(
            growth < 32.0 * 1024.0 * 1024.0,
            "{mode}: RSS grew {growth} bytes once the queues were full"
        );
    }
}
