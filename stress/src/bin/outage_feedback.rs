//! Promise: with every log on (`DATAFACE_LOG=trace`, the export path's own crates
//! included) during a collector outage, telemetry never feeds on itself and never
//! deadlocks. The host records 1,000 spans and logs, then stays idle: what the export path
//! logs about its failures must not become items to export (the counts stay still while the
//! host is idle), stderr carries a bounded number of lines, and shutdown stays bounded.
//! Collectors: absent and silent, over gRPC and HTTP; the anchor is a healthy rotel run.

use std::time::{Duration, Instant};

fn child() {
    let idle = stress::length(Duration::from_secs(5), Duration::from_secs(60));
    stress::watchdog(idle + Duration::from_secs(60));
    let guard = telemetry_core::init("stress-outage-feedback").expect("init");
    let stats = guard.stats_handle();
    let start = Instant::now();
    for i in 0..1_000u64 {
        let _span = tracing::info_span!("stress.work", i).entered();
        tracing::info!(i, "host work");
    }
    let recording = start.elapsed();
    // Let the first exports fail (or succeed) before the idle window starts.
    std::thread::sleep(Duration::from_secs(2));
    let before = stats.snapshot();
    std::thread::sleep(idle);
    let after = stats.snapshot();
    let grew = (after.traces.attempted - before.traces.attempted)
        + (after.logs.attempted - before.logs.attempted);
    let start = Instant::now();
    let _ = guard.shutdown(Duration::from_secs(2));
    let took = start.elapsed();
    println!(
        "1000 spans and logs recorded in {recording:?}; items created while the host was idle for {idle:?}: {grew}; shutdown in {took:?}"
    );
    println!("figure grew {grew}");
    assert_eq!(grew, 0, "the export path fed items back into the pipeline");
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    let rotel = stress::Rotel::start(stress::free_port());
    let (_hole, silent) = stress::silent_collector();
    let absent = stress::free_port();
    for protocol in ["grpc", "http/protobuf"] {
        for (collector, endpoint) in [
            ("healthy (anchor)", rotel.endpoint(protocol)),
            ("absent", format!("http://127.0.0.1:{absent}")),
            ("silent", format!("http://127.0.0.1:{silent}")),
        ] {
            print!("{protocol}, {collector}: ");
            let (_, stderr) = stress::run_child_with_stderr(
                &format!("{protocol} {collector}"),
                &[
                    ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
                    ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
                    ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000".into()),
                    ("OTEL_METRIC_EXPORT_INTERVAL", "1000".into()),
                    ("DATAFACE_LOG", "trace".into()),
                ],
            );
            // The host's own 1,000 spans and logs are printed too; the rest is the
            // pipeline's and the export path's.
            let lines = stderr.lines().count();
            let others = stderr
                .lines()
                .filter(|l| !l.contains("host work") && !l.contains("stress.work"))
                .count();
            println!("  stderr: {lines} lines, {others} of them not the host's");
            assert!(
                others <= 50,
                "{protocol} {collector}: a storm on stderr:\n{stderr}"
            );
        }
    }
}
