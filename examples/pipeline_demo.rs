//! A small service on the telemetry-core pipeline: it compiles dashboards for a few
//! seconds, some of them failing, and shows where the signals went.
//!
//! ```text
//! cargo run --example pipeline_demo                 # Prometheus scrape on 127.0.0.1:9464
//! DEMO_SECONDS=30 cargo run --example pipeline_demo
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 cargo run --example pipeline_demo
//! ```
//!
//! With no configuration it needs no collector: metrics are served for scraping on
//! loopback and spans and logs go nowhere. With `OTEL_EXPORTER_OTLP_ENDPOINT` set, all
//! three signals are exported there too. Every standard variable still applies.

use std::io::Write;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: u64 = std::env::var("DEMO_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let collector = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").is_ok();

    let builder = dataface_telemetry::core::build_info!(dataface_telemetry::local_defaults());
    let guard = dataface_telemetry::init_with("pipeline-demo", builder)?;
    if let Some(addr) = guard.prometheus_addr() {
        println!("scrape endpoint: http://{addr}/metrics");
    }
    if collector {
        println!("exporting OTLP to {}", guard.config().otlp.traces.endpoint);
    }

    metrics::describe_histogram!(
        "dataface.compile.duration",
        metrics::Unit::Seconds,
        "Time to compile one dashboard."
    );
    let ok = metrics::counter!("dataface.compile.outcomes", "dataface.outcome" => "success");
    let failed = metrics::counter!("dataface.compile.outcomes", "dataface.outcome" => "failed");
    let duration = metrics::histogram!("dataface.compile.duration");

    let start = Instant::now();
    let mut n: i64 = 0;
    while start.elapsed() < Duration::from_secs(seconds) {
        n += 1;
        let t = Instant::now();
        let span = tracing::info_span!("dataface.compile", dataface.dashboard.id = n);
        let _entered = span.enter();
        std::thread::sleep(Duration::from_millis(20));
        if n % 7 == 0 {
            tracing::warn!(error.type = "unknown_query", "dashboard failed to compile");
            failed.increment(1);
        } else {
            ok.increment(1);
        }
        duration.record(t.elapsed().as_secs_f64());
        if n % 25 == 0 {
            print!(
                "\rcompiled {n} dashboards ({}s of {seconds}s)",
                start.elapsed().as_secs()
            );
            std::io::stdout().flush()?;
        }
    }
    println!("\rcompiled {n} dashboards in {seconds}s                ");

    if let Some(text) = guard.prometheus_text() {
        println!("\nwhat a Prometheus scrape shows now (dataface_* series):");
        for line in text
            .lines()
            .filter(|l| l.starts_with("dataface_") && !l.contains("_bucket"))
        {
            println!("  {line}");
        }
    }
    let stats = guard.stats_handle();
    let shutdown = guard.shutdown(Duration::from_secs(5));
    let s = stats.snapshot();
    println!("\npipeline self-metrics:");
    for (name, sig) in [
        ("spans", s.traces),
        ("metric exports", s.metrics),
        ("log records", s.logs),
    ] {
        println!(
            "  {name:<15} attempted {:>6}  exported {:>6}  dropped {:>6}",
            sig.attempted,
            sig.exported,
            sig.dropped()
        );
    }
    match shutdown {
        Ok(()) => println!("shutdown: clean"),
        Err(e) => println!("shutdown: {e}"),
    }
    Ok(())
}
