//! OTLP delivery: the three signals reach an in-process receiver over gRPC and over
//! HTTP/protobuf, with the configured resource, and logs carry their span's trace context.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Received, Receiver};

/// What a service does: a span with attributes, a log record inside it, a counter and a
/// histogram.
fn workload() {
    metrics::describe_histogram!(
        "dataface.compile.duration",
        metrics::Unit::Seconds,
        "Time to compile one dashboard."
    );
    let outcomes = metrics::counter!("dataface.compile.outcomes", "dataface.outcome" => "success");
    let duration = metrics::histogram!("dataface.compile.duration");
    {
        let span = tracing::info_span!(
            "dataface.compile",
            dataface.contract.version = "v3",
            dataface.rows = 42_i64
        );
        let _entered = span.enter();
        tracing::info!(dashboard.id = "d-1", "compiled dashboard");
        let later = tracing::info_span!("dataface.compile.render");
        let _other = tracing::info_span!("dataface.unrelated").entered();
        tracing::warn!(parent: &later, "logged for an explicit parent");
        outcomes.increment(3);
        duration.record(0.25);
    }
}

fn child() {
    let guard = telemetry_core::init("pipeline-test").expect("init");
    assert!(telemetry_core::enabled());
    workload();
    let stats_before = guard.stats();
    guard
        .shutdown(Duration::from_secs(10))
        .expect("clean shutdown with the receiver up");
    assert_eq!(stats_before.traces.attempted, 3, "{stats_before:?}");
}

fn check(got: &Received) {
    let span = got.span("dataface.compile");
    assert_eq!(span.attributes["dataface.contract.version"], "v3");
    assert_eq!(span.attributes["dataface.rows"], "42");
    for (k, v) in [
        ("service.name", "pipeline-test"),
        ("service.version", "1.2.3"),
        ("deployment.environment.name", "staging"),
        ("team", "compiler"),
        ("telemetry.sdk.language", "rust"),
    ] {
        assert_eq!(
            span.resource.get(k).map(String::as_str),
            Some(v),
            "resource {k}: {:?}",
            span.resource
        );
    }
    assert!(span.resource.contains_key("service.instance.id"));

    let render = got.span("dataface.compile.render");
    let explicit = got.log("logged for an explicit parent");
    assert_eq!(
        (&explicit.trace_id, &explicit.span_id),
        (&render.trace_id, &render.span_id),
        "an explicit `parent:` decides the log's trace context"
    );

    let log = got.log("compiled dashboard");
    assert_eq!(
        log.trace_id, span.trace_id,
        "log correlated to its span's trace"
    );
    assert_eq!(log.span_id, span.span_id, "log correlated to its span");
    assert_eq!(log.attributes["dashboard.id"], "d-1");
    assert_eq!(log.resource["service.name"], "pipeline-test");

    let counter = got.point(
        "dataface.compile.outcomes",
        &[("dataface.outcome", "success")],
    );
    assert_eq!((counter.kind, counter.value), ("sum", 3.0));
    assert_eq!(counter.resource["service.version"], "1.2.3");
    let hist = got.point("dataface.compile.duration", &[]);
    assert_eq!(
        (hist.kind, hist.count, hist.unit.as_str()),
        ("histogram", 1, "s")
    );
    assert!((hist.value - 0.25).abs() < 1e-9);
    let info = got.point(
        "dataface.build.info",
        &[
            ("service.name", "pipeline-test"),
            ("service.version", "1.2.3"),
            ("vcs.ref.head.revision", "abc1234"),
        ],
    );
    assert_eq!(info.value, 1.0);
    // The self-metrics travel over OTLP too.
    let attempted = got.point(
        "dataface.telemetry.attempted",
        &[("dataface.telemetry.signal", "traces")],
    );
    assert_eq!(
        (attempted.kind, attempted.value),
        ("sum", 3.0),
        "three spans ended"
    );
}

fn delivers(name: &str, grpc: bool) {
    delivers_with(name, grpc, &[]);
}

fn delivers_with(name: &str, grpc: bool, extra: &[(&'static str, &str)]) {
    if is_child(name) {
        return child();
    }
    let rx = Receiver::start(grpc);
    let mut env = rx.env();
    env.extend([
        ("DATAFACE_RELEASE", "1.2.3".to_owned()),
        ("DATAFACE_COMMIT", "abc1234".to_owned()),
        ("DATAFACE_ENVIRONMENT", "staging".to_owned()),
        ("OTEL_RESOURCE_ATTRIBUTES", "team=compiler".to_owned()),
    ]);
    env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    run_child(name, &env);
    let got = rx.wait(Duration::from_secs(10), |r| {
        !r.spans.is_empty() && !r.logs.is_empty() && !r.points.is_empty()
    });
    check(&got);
}

#[test]
fn grpc_delivers_spans_logs_and_metrics_with_resource() {
    delivers("grpc_delivers_spans_logs_and_metrics_with_resource", true);
}

#[test]
fn http_delivers_spans_logs_and_metrics_with_resource() {
    delivers("http_delivers_spans_logs_and_metrics_with_resource", false);
}

#[test]
fn grpc_with_gzip_compression_delivers() {
    delivers_with(
        "grpc_with_gzip_compression_delivers",
        true,
        &[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")],
    );
}

#[test]
fn http_with_gzip_compression_delivers() {
    delivers_with(
        "http_with_gzip_compression_delivers",
        false,
        &[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")],
    );
}

/// Issue 22: with `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION` set to the
/// exponential histogram, a histogram reaches OTLP as one base-2 exponential data point
/// whose buckets hold every sample, across five orders of magnitude.
fn exponential_child() {
    let guard = telemetry_core::init("pipeline-test").expect("init");
    let duration = metrics::histogram!("dataface.compile.duration");
    for v in [0.001, 0.02, 0.25, 0.25, 3.0, 120.0] {
        duration.record(v);
    }
    guard
        .shutdown(Duration::from_secs(10))
        .expect("clean shutdown with the receiver up");
}

/// Runs `exponential_child` exporting to a receiver, directly or through a rotel collector
/// process, and returns the histogram point that arrived.
fn histograms_with(name: &str, aggregation: Option<&str>, through_rotel: bool) -> support::Point {
    let rx = Receiver::start(through_rotel);
    let rotel = through_rotel.then(|| support::Rotel::start(&rx));
    let mut env = match &rotel {
        Some(r) => vec![
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{}", r.http_port),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
        ],
        None => rx.env(),
    };
    if let Some(a) = aggregation {
        env.push((
            "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
            a.to_owned(),
        ));
    }
    run_child(name, &env);
    let got = rx.wait(Duration::from_secs(10), |r| {
        r.points
            .iter()
            .any(|p| p.metric == "dataface.compile.duration")
    });
    drop(rotel);
    got.point("dataface.compile.duration", &[]).clone()
}

/// The exponential point the receiver got, with its six samples over five orders of magnitude.
fn assert_exponential(p: &support::Point) {
    assert_eq!(p.kind, "exponential_histogram", "{p:?}");
    assert_eq!(p.count, 6);
    assert!((p.value - 123.521).abs() < 1e-9, "{p:?}");
    let (scale, held) = p.exponential.expect("an exponential point");
    assert_eq!(held, 6, "every sample in a bucket: {p:?}");
    // 160 buckets over 0.001..120 (about 17 powers of two) leave a fine scale.
    assert!(scale >= 3, "scale {scale}");
}

#[test]
fn exponential_histograms_reach_otlp_when_asked_for() {
    let name = "exponential_histograms_reach_otlp_when_asked_for";
    if is_child(name) {
        return exponential_child();
    }
    assert_exponential(&histograms_with(
        name,
        Some("base2_exponential_bucket_histogram"),
        false,
    ));
}

/// The same point crosses a real collector (rotel, OTLP/HTTP in, OTLP/gRPC out) intact.
#[test]
fn exponential_histograms_cross_a_real_collector() {
    let name = "exponential_histograms_cross_a_real_collector";
    if is_child(name) {
        return exponential_child();
    }
    assert_exponential(&histograms_with(
        name,
        Some("base2_exponential_bucket_histogram"),
        true,
    ));
}

#[test]
fn explicit_bucket_histograms_stay_the_default() {
    let name = "explicit_bucket_histograms_stay_the_default";
    if is_child(name) {
        return exponential_child();
    }
    let p = histograms_with(name, None, false);
    assert_eq!((p.kind, p.count), ("histogram", 6), "{p:?}");
    assert!(p.exponential.is_none() && !p.bounds.is_empty());
}
