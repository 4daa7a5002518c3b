//! Promise: a huge value costs its own tail, never the batch it travels in. Through a real
//! rotel collector (its default 4 MiB request limit), over gRPC and HTTP, under the
//! default configuration, the host records ordinary spans and logs beside a span with a
//! 10 MB attribute value, a span with 10,000 attributes, a log with a 10 MB message and
//! field, and a counter with a 10 MB label value. The values are cut to the default length
//! and counted, the extra attributes dropped and counted, and every span and log reaches
//! the collector (exported == attempted, nothing dropped); the anchor is the same run
//! without the huge items.

use std::time::{Duration, Instant};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

const HUGE: usize = 10 * 1024 * 1024;
const ATTRIBUTES: usize = 10_000;

fn child(huge: bool) {
    let guard = telemetry_core::init("stress-big-values").expect("init");
    let stats = guard.stats_handle();
    let ordinary: u64 = stress::length(20, 2_000);
    let big = "v".repeat(HUGE);
    let rss_before = stress::rss_bytes();
    let start = Instant::now();
    for i in 0..ordinary {
        let _span = tracing::info_span!("stress.ordinary", i).entered();
        tracing::info!(i, "an ordinary log");
        if huge && i == ordinary / 2 {
            let _big = tracing::info_span!("stress.big_value", value = big.as_str()).entered();
            let many = tracing::info_span!("stress.many_attributes");
            for a in 0..ATTRIBUTES {
                many.set_attribute(format!("stress.attr.{a}"), format!("value {a}"));
            }
            drop(many);
            tracing::info!(field = big.as_str(), "{big}");
            metrics::counter!("stress.big_label", "label" => big.clone()).increment(1);
        }
    }
    let recorded = start.elapsed();
    let result = guard.shutdown(Duration::from_secs(20));
    let s = stats.snapshot();
    let label = if huge {
        "huge items"
    } else {
        "anchor, ordinary items only"
    };
    println!(
        "{label}: recorded in {recorded:?}, RSS +{} KiB; shutdown {}",
        stress::rss_bytes().saturating_sub(rss_before) / 1024,
        result
            .as_ref()
            .map_or_else(|e| e.to_string(), |()| "ok".into())
    );
    for (name, c) in [
        ("traces", s.traces),
        ("logs", s.logs),
        ("metrics", s.metrics),
    ] {
        println!(
            "  {name}: attempted {} exported {} dropped {} (export_error {}); values truncated {}, attributes dropped {}",
            c.attempted, c.exported, c.dropped(), c.dropped_export_error, c.values_truncated, c.attributes_dropped
        );
        assert_eq!(
            c.dropped(),
            0,
            "{label} {name}: the whole batch must arrive: {c:?}"
        );
        assert_eq!(c.attempted, c.exported, "{label} {name}: {c:?}");
    }
    assert!(result.is_ok(), "{result:?}");
    let extra = u64::from(huge);
    assert_eq!(s.traces.attempted, ordinary + 2 * extra);
    assert_eq!(s.logs.attempted, ordinary + extra);
    if huge {
        // The 10 MB attribute, the event's 10 MB field and the event name (its message).
        assert!(s.traces.values_truncated >= 3, "{:?}", s.traces);
        // 10,000 set here plus the few tracing-opentelemetry adds (code location, thread),
        // of which the default count limit keeps 128.
        assert!(
            s.traces.attributes_dropped >= (ATTRIBUTES - 128) as u64,
            "{:?}",
            s.traces
        );
        assert!(
            s.logs.values_truncated >= 2,
            "message and field: {:?}",
            s.logs
        );
        assert!(s.metrics.exported > 0, "{:?}", s.metrics);
    }
}

fn main() {
    if let Some(mode) = stress::child_mode() {
        return child(mode.ends_with("huge"));
    }
    let rotel = stress::Rotel::start(stress::free_port());
    for protocol in ["grpc", "http/protobuf"] {
        println!("{protocol} through rotel:");
        for what in ["anchor", "huge"] {
            stress::run_child(
                &format!("{protocol} {what}"),
                &[
                    ("OTEL_EXPORTER_OTLP_ENDPOINT", rotel.endpoint(protocol)),
                    ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
                    ("OTEL_METRIC_EXPORT_INTERVAL", "500".into()),
                    ("DATAFACE_LOG_STDERR", "false".into()),
                ],
            );
        }
    }
}
