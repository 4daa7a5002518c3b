//! The live conformance check: the launch-day workload runs in a child process on the
//! product's pipeline and exports over OTLP/gRPC to a real `rotel` collector (installed by
//! scripts/install-test-deps.sh) on loopback ports the test picks, which forwards it to an
//! in-process receiver. Everything that arrives is held to the catalog with the capture
//! crate's conformance check, attribute types included: every span, span event, log record
//! and data point, and every attribute on them, is declared with the type it arrived with
//! (0 violations), and every declared metric, span, log event and error code was seen
//! (100% coverage). The counts are printed.
//!
//! The child's configuration is a realistic one with two choices that let every declared
//! signal happen: the probe crates' DEBUG events are on (`DATAFACE_LOG`), and
//! `OTEL_PROPAGATORS` names a propagator the SDK does not have (`xray`), which is reported
//! and ignored, so `dataface.telemetry.config.warnings` counts it. The day itself produces
//! the rest, `dataface.telemetry.cardinality.overflow` included (its preview builds report
//! more compiler releases than `compiler_version` is bounded to).

mod support;

use dataface_telemetry::CATALOG;
use launch_day::LaunchDay;
use std::time::Duration;
use support::{is_child, run_child, Receiver, Rotel};
use telemetry_testing::{ConformanceError, Coverage, Violation};

const NAME: &str = "launch_day_conforms_to_the_catalog_through_a_real_collector";
/// How long the child's day lasts.
const DAY: Duration = Duration::from_secs(3);

fn child() {
    let guard = dataface_telemetry::init_with("semconv-live", dataface_telemetry::local_defaults())
        .expect("init");
    let report = LaunchDay::new(DAY).run(|_| {});
    drop(report);
    support::shutdown_dropping_nothing(guard);
}

/// Conformance of what arrived, plus what the capture-side rules leave to the host: over
/// the wire every span and log record is the product's own, so each must carry a declared
/// name (the check itself lets a host's unnamed records through), and a span carries none of
/// the tracing bridge's own extras (`target`, `busy_ns`, `code.*`, `thread.*`: the product
/// switches them off, which the capture-side check cannot assume).
fn violations(got: &support::ReceivedSignals) -> Vec<ConformanceError> {
    let mut out = got.captured.conformance(&CATALOG);
    for s in &got.captured.spans {
        let declared = CATALOG.spans().find(|d| d.name == s.name);
        for key in s.attributes.keys() {
            let extra = key.starts_with("code.")
                || key.starts_with("thread.")
                || matches!(key.as_str(), "target" | "busy_ns" | "idle_ns" | "level");
            if extra && declared.is_some_and(|d| d.attributes.iter().all(|a| a.key != key)) {
                out.push(ConformanceError {
                    rule: Violation::UndeclaredAttribute,
                    detail: format!("span {} attribute {key} (the tracing bridge's)", s.name),
                });
            }
        }
        if !s.name.starts_with("dataface.") && CATALOG.spans().all(|d| d.name != s.name) {
            out.push(ConformanceError {
                rule: Violation::UndeclaredSpan,
                detail: format!("span {}", s.name),
            });
        }
    }
    for l in &got.captured.logs {
        if !l.name.starts_with("dataface.") && CATALOG.events().all(|d| d.name != l.name) {
            out.push(ConformanceError {
                rule: Violation::UndeclaredEvent,
                detail: format!("log record {:?} named {:?}", l.message, l.name),
            });
        }
    }
    out
}

// What a healthy day through a working collector cannot emit: nothing is dropped or
// cut (tests/export_accounting.rs, tests/memory_bounds.rs and the stress binaries
// exercise these). Everything else declared must cross the collector, updated: a
// series registered at 0 and never updated does not count.
const HEALTHY_DAY_SILENT: &[&str] = &[
    "dataface.telemetry.dropped",
    "dataface.telemetry.limited",
    "dataface.telemetry.stderr.dropped",
];

#[test]
fn launch_day_conforms_to_the_catalog_through_a_real_collector() {
    if is_child(NAME) {
        return child();
    }
    let rx = Receiver::start(true);
    let rotel = Rotel::start(&rx);
    run_child(
        NAME,
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{}", rotel.grpc_port),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".into()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "500".into()),
            ("OTEL_BSP_SCHEDULE_DELAY", "200".into()),
            ("OTEL_BLRP_SCHEDULE_DELAY", "200".into()),
            ("DATAFACE_RELEASE", "4.5.6".into()),
            ("DATAFACE_ENVIRONMENT", "conformance".into()),
            ("DATAFACE_LOG_STDERR", "false".into()),
            ("DATAFACE_LOG", "info,profiler_probes=debug".into()),
            ("OTEL_PROPAGATORS", "tracecontext,baggage,xray".into()),
        ],
    );
    // The child has shut down, everything flushed to rotel: wait until rotel has forwarded
    // a full coverage (or give up and report what is missing).
    let complete = |got: &support::ReceivedSignals| {
        let mut coverage = Coverage::new(&CATALOG);
        coverage.add(&got.captured);
        let report = coverage.report();
        report.covered + HEALTHY_DAY_SILENT.len() == report.total
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut got = rx.captured();
    while !complete(&got) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        got = rx.captured();
    }
    // A last look after a quiet moment: nothing still in flight escapes the check.
    std::thread::sleep(Duration::from_millis(500));
    let got = rx.captured();
    drop(rotel);

    let violations = violations(&got);
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&got.captured);
    let report = coverage.report();
    println!(
        "samples checked: {} ({} spans, {} span events, {} log records, {} data points; {} \
         attributes); violations: {}; coverage: {}/{} declared signals seen ({:.1}%)",
        got.spans + got.span_events + got.log_records + got.data_points,
        got.spans,
        got.span_events,
        got.log_records,
        got.data_points,
        got.attributes,
        violations.len(),
        report.covered,
        report.total,
        100.0 * report.covered as f64 / report.total as f64
    );
    assert!(got.spans > 0 && got.log_records > 0 && got.data_points > 0);
    let listed: Vec<String> = violations
        .iter()
        .take(50)
        .map(|v| format!("  {v}"))
        .collect();
    assert!(
        violations.is_empty(),
        "{} violation(s) of the catalog in what crossed the collector (first 50):\n{}",
        violations.len(),
        listed.join("\n")
    );
    let unexpected: Vec<&str> = report
        .missing_metrics
        .iter()
        .copied()
        .filter(|m| !HEALTHY_DAY_SILENT.contains(m))
        .collect();
    assert!(
        unexpected.is_empty()
            && report.missing_spans.is_empty()
            && report.missing_events.is_empty()
            && report.missing_error_codes.is_empty(),
        "{report}"
    );
    assert_eq!(
        report.covered + HEALTHY_DAY_SILENT.len(),
        report.total,
        "{report}"
    );
}
