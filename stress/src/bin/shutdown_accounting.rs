//! Promise: shutdown is bounded and the drop counts tell the truth. Against a collector
//! that accepts and never answers, the host records spans and logs, then shuts down with a
//! short timeout: shutdown returns within its bound, and when it returns every item is
//! counted, exported or dropped by reason (`shutdown_timeout` for what was left).

use std::time::{Duration, Instant};

fn main() {
    if let Ok(protocol) = std::env::var("STRESS_CHILD") {
        return child(&protocol);
    }
    stress::clean_env();
    for protocol in ["http/protobuf", "grpc"] {
        // One process, one init: each protocol runs in a child of its own.
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(std::env::args().skip(1))
            .env("STRESS_CHILD", protocol)
            .status()
            .expect("run the child");
        assert!(status.success(), "{protocol}: {status}");
    }
}

fn child(protocol: &str) {
    let items: u64 = stress::length(2_000, 200_000);
    let (_hole, port) = stress::silent_collector();
    stress::otlp_to(port, protocol);
    std::env::set_var("OTEL_EXPORTER_OTLP_TIMEOUT", "30000");
    std::env::set_var("DATAFACE_LOG_STDERR", "false");
    let guard = telemetry_core::init("stress-shutdown").expect("init");
    let stats = guard.stats_handle();
    for i in 0..items {
        let _span = tracing::info_span!("stress.work", i).entered();
        tracing::info!(i, "working");
    }
    let timeout = Duration::from_millis(500);
    let start = Instant::now();
    let result = guard.shutdown(timeout);
    let took = start.elapsed();
    let s = stats.snapshot();
    println!(
        "{protocol}: shutdown({timeout:?}) returned in {took:?} ({}); anchor: the bound {timeout:?}",
        if result.is_ok() { "ok" } else { "timed out" }
    );
    for (name, c) in [("traces", s.traces), ("logs", s.logs)] {
        println!(
            "  {name}: attempted {} = exported {} + dropped {} (queue_full {}, export_error {}, shutdown_timeout {}, rejected {}, exporter_panic {})",
            c.attempted,
            c.exported,
            c.dropped(),
            c.dropped_queue_full,
            c.dropped_export_error,
            c.dropped_shutdown_timeout,
            c.dropped_rejected,
            c.dropped_exporter_panic
        );
        assert_eq!(c.attempted, c.exported + c.dropped(), "{protocol} {name}");
    }
    assert!(
        took < timeout + Duration::from_secs(1),
        "{protocol}: {took:?}"
    );
}
