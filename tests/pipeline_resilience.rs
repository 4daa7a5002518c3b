//! The host's promises: a collector that is down or silent costs the host nothing but
//! counted drops, shutdown and drop are bounded, init twice is an error, and a disabled
//! pipeline installs nothing.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};
use support::{free_port, is_child, run_child};
use telemetry_core::InitError;

/// The value of the first Prometheus series whose line starts with `series`.
fn scraped(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn collector_absent_costs_the_host_nothing_but_counted_drops() {
    const NAME: &str = "collector_absent_costs_the_host_nothing_but_counted_drops";
    if !is_child(NAME) {
        let port = free_port(); // nothing listens there
        run_child(
            NAME,
            &[
                (
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    format!("http://127.0.0.1:{port}"),
                ),
                ("OTEL_METRICS_EXPORTER", "otlp,prometheus".into()),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()),
                ("OTEL_LOGS_EXPORTER", "none".into()),
            ],
        );
        return;
    }
    let guard =
        telemetry_core::init("absent-collector").expect("init succeeds without a collector");
    let start = Instant::now();
    for i in 0..10_000_i64 {
        let _span = tracing::info_span!("dataface.work", dataface.item = i).entered();
    }
    let recording = start.elapsed();
    println!("recorded 10000 spans in {recording:?}");
    // A pipeline that waited on the collector would take minutes here (10 s timeouts,
    // retries); recording must not wait at all.
    assert!(
        recording < Duration::from_secs(10),
        "recording blocked: {recording:?}"
    );

    let stats = guard.stats().traces;
    assert_eq!(stats.attempted, 10_000);
    assert_eq!(stats.exported, 0);
    // The queue holds 2048, plus the batch of 512 taken out of it for an export (as the
    // SDK's batch processor holds them); the rest is dropped and counted: as `queue_full`
    // while the queue is full, as `export_error` once an export against the absent
    // collector gave up (on a slow machine the first one can, while the host is still
    // recording).
    assert!(
        stats.dropped() >= 10_000 - (2048 + 512) && stats.dropped_queue_full > 0,
        "the queue holds 2048 plus the batch in export; the rest is dropped and counted: {stats:?}"
    );
    let text = guard.prometheus_text().expect("prometheus selected");
    let queue_full = scraped(
        &text,
        r#"dataface_telemetry_dropped_total{dataface_telemetry_signal="traces",dataface_telemetry_drop_reason="queue_full"}"#,
    )
    .unwrap_or_else(|| panic!("queue_full drops on the scrape:\n{text}"));
    assert_eq!(queue_full as u64, stats.dropped_queue_full);
    assert_eq!(
        scraped(
            &text,
            r#"dataface_telemetry_attempted_total{dataface_telemetry_signal="traces"}"#
        ),
        Some(10_000.0)
    );

    let start = Instant::now();
    let result = guard.shutdown(Duration::from_secs(2));
    let took = start.elapsed();
    println!("shutdown returned in {took:?}: {result:?}");
    assert!(
        took < Duration::from_secs(3),
        "shutdown overran its bound: {took:?}"
    );
}

/// A collector that accepts connections and never answers.
fn silent_collector() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn silent_env(port: u16, protocol: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "30000".into()),
        ("OTEL_BSP_SCHEDULE_DELAY", "10".into()),
    ]
}

#[test]
fn shutdown_is_bounded_when_the_collector_never_answers() {
    const NAME: &str = "shutdown_is_bounded_when_the_collector_never_answers";
    if !is_child(NAME) {
        let (_listener, port) = silent_collector();
        run_child(NAME, &silent_env(port, "http/protobuf"));
        return;
    }
    let guard = telemetry_core::init("silent-collector").unwrap();
    for _ in 0..100 {
        let _span = tracing::info_span!("dataface.work").entered();
        tracing::info!("working");
    }
    std::thread::sleep(Duration::from_millis(100)); // an export is now hanging
    let start = Instant::now();
    let err = guard
        .shutdown(Duration::from_millis(500))
        .expect_err("the flush cannot finish against a silent collector");
    let took = start.elapsed();
    println!("shutdown returned in {took:?}: {err}");
    assert!(
        took < Duration::from_millis(1500),
        "shutdown overran: {took:?}"
    );
    assert!(
        err.timed_out()
            .contains(&telemetry_core::config::Signal::Traces),
        "{err:?}"
    );
}

#[test]
fn dropping_the_guard_is_bounded_when_the_collector_never_answers() {
    const NAME: &str = "dropping_the_guard_is_bounded_when_the_collector_never_answers";
    if !is_child(NAME) {
        let (_listener, port) = silent_collector();
        run_child(NAME, &silent_env(port, "grpc"));
        return;
    }
    let guard = telemetry_core::init("silent-collector").unwrap();
    for _ in 0..100 {
        let _span = tracing::info_span!("dataface.work").entered();
    }
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    drop(guard);
    let took = start.elapsed();
    println!("drop returned in {took:?}");
    assert!(
        took < telemetry_core::DROP_SHUTDOWN_TIMEOUT + Duration::from_secs(1),
        "drop overran: {took:?}"
    );
    // After shutdown, what is recorded is dropped and counted, never exported.
    assert!(!telemetry_core::enabled());
}

#[test]
fn spans_after_shutdown_are_counted_as_dropped() {
    const NAME: &str = "spans_after_shutdown_are_counted_as_dropped";
    if !is_child(NAME) {
        run_child(
            NAME,
            &[
                (
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    format!("http://127.0.0.1:{}", free_port()),
                ),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".into()),
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "200".into()),
            ],
        );
        return;
    }
    let guard = telemetry_core::init("after-shutdown").unwrap();
    let stats = guard.stats_handle();
    let _ = guard.shutdown(Duration::from_secs(1));
    // The subscriber stays installed (it is global); its processors now drop, counting.
    for _ in 0..5 {
        let _span = tracing::info_span!("dataface.late").entered();
        tracing::info!("late");
    }
    assert!(!telemetry_core::enabled());
    let after = stats.snapshot();
    assert_eq!(after.traces.dropped_after_shutdown, 5, "{after:?}");
    assert_eq!(after.logs.dropped_after_shutdown, 5, "{after:?}");
}

#[test]
fn init_twice_is_an_error_not_a_panic() {
    const NAME: &str = "init_twice_is_an_error_not_a_panic";
    if !is_child(NAME) {
        run_child(
            NAME,
            &[
                ("OTEL_TRACES_EXPORTER", "none".into()),
                ("OTEL_METRICS_EXPORTER", "none".into()),
                ("OTEL_LOGS_EXPORTER", "none".into()),
            ],
        );
        return;
    }
    let guard = telemetry_core::init("first").unwrap();
    let second = telemetry_core::init("second");
    assert!(
        matches!(second, Err(InitError::AlreadyInitialized)),
        "{second:?}"
    );
    assert!(second.unwrap_err().to_string().contains("call init once"));
    guard.shutdown(Duration::from_secs(1)).unwrap();
}

#[test]
fn sdk_disabled_installs_nothing() {
    const NAME: &str = "sdk_disabled_installs_nothing";
    if !is_child(NAME) {
        run_child(
            NAME,
            &[
                ("OTEL_SDK_DISABLED", "true".into()),
                ("OTEL_METRICS_EXPORTER", "prometheus".into()),
            ],
        );
        return;
    }
    let guard = telemetry_core::init("disabled").unwrap();
    assert!(guard.is_disabled());
    assert!(!telemetry_core::enabled());
    assert_eq!(
        guard.prometheus_addr(),
        None,
        "no scrape endpoint when disabled"
    );
    // Recording is a no-op, not an error.
    metrics::counter!("dataface.compile.outcomes").increment(1);
    let _span = tracing::info_span!("dataface.compile").entered();
    assert_eq!(guard.stats(), Default::default());
    guard.shutdown(Duration::from_millis(10)).unwrap();
}

#[test]
fn strict_mode_turns_a_bad_value_into_an_init_error_naming_the_variable() {
    const NAME: &str = "strict_mode_turns_a_bad_value_into_an_init_error_naming_the_variable";
    if !is_child(NAME) {
        run_child(
            NAME,
            &[
                ("DATAFACE_TELEMETRY_STRICT", "true".into()),
                (
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "authorization=Bearer%20canary-secret,broken-canary".into(),
                ),
            ],
        );
        return;
    }
    let err =
        telemetry_core::init("strict").expect_err("strict mode rejects a malformed header list");
    let msg = err.to_string();
    assert!(msg.contains("OTEL_EXPORTER_OTLP_HEADERS"), "{msg}");
    assert!(!msg.contains("canary"), "the value leaked: {msg}");
    // A failed init leaves nothing behind: a corrected second call succeeds.
    let guard = telemetry_core::init_with(
        "strict",
        telemetry_core::config::TelemetryConfig::builder()
            .strict(false)
            .exporters(
                telemetry_core::config::Signal::Traces,
                telemetry_core::config::Exporters::NONE,
            ),
    )
    .expect("init after a failed init");
    guard.shutdown(Duration::from_millis(100)).ok();
}
