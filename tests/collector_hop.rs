//! A real collector in the path: the `rotel` OTLP collector (installed by
//! scripts/install-test-deps.sh) receives our OTLP over gRPC or HTTP on loopback ports the
//! test picks and forwards it with its own OTLP exporter to an in-process receiver; the
//! test asserts all three signals arrive intact and stops rotel by its process id.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver, Rotel};

fn child() {
    let guard = telemetry_core::init("collector-hop").expect("init");
    metrics::describe_histogram!(
        "dataface.render.duration",
        metrics::Unit::Seconds,
        "Time to render one dashboard."
    );
    {
        let _span = tracing::info_span!(
            "dataface.render",
            dataface.render.format = "png",
            dataface.rows = 7_i64
        )
        .entered();
        tracing::warn!(dataface.render.format = "png", "render was slow");
        metrics::counter!("dataface.render.outcomes", "dataface.render.format" => "png", "dataface.outcome" => "success")
            .increment(2);
        metrics::histogram!("dataface.render.duration", "dataface.render.format" => "png")
            .record(1.5);
    }
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}

fn hop(name: &str, grpc: bool) {
    if is_child(name) {
        return child();
    }
    let rx = Receiver::start(true);
    let rotel = Rotel::start(&rx);
    let (port, protocol) = if grpc {
        (rotel.grpc_port, "grpc")
    } else {
        (rotel.http_port, "http/protobuf")
    };
    run_child(
        name,
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{port}"),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
            ("DATAFACE_RELEASE", "3.1.4".into()),
        ],
    );
    let got = rx.wait(Duration::from_secs(20), |r| {
        r.spans.iter().any(|s| s.name == "dataface.render")
            && !r.logs.is_empty()
            && r.points
                .iter()
                .any(|p| p.metric == "dataface.render.duration")
            && r.points
                .iter()
                .any(|p| p.metric == "dataface.render.outcomes")
    });
    drop(rotel);

    let span = got.span("dataface.render");
    assert_eq!(span.attributes["dataface.render.format"], "png");
    assert_eq!(span.attributes["dataface.rows"], "7");
    assert_eq!(span.resource["service.name"], "collector-hop");
    assert_eq!(span.resource["service.version"], "3.1.4");
    let log = got.log("render was slow");
    assert_eq!(log.severity_text, "WARN");
    assert_eq!(
        (&log.trace_id, &log.span_id),
        (&span.trace_id, &span.span_id)
    );
    assert_eq!(log.resource["service.name"], "collector-hop");
    let counter = got.point(
        "dataface.render.outcomes",
        &[
            ("dataface.render.format", "png"),
            ("dataface.outcome", "success"),
        ],
    );
    assert_eq!((counter.kind, counter.value), ("sum", 2.0));
    let hist = got.point(
        "dataface.render.duration",
        &[("dataface.render.format", "png")],
    );
    assert_eq!(
        (hist.kind, hist.count, hist.unit.as_str()),
        ("histogram", 1, "s")
    );
    assert_eq!(hist.value, 1.5);
    assert_eq!(hist.resource["service.version"], "3.1.4");
}

#[test]
fn all_signals_cross_a_real_collector_over_grpc() {
    hop("all_signals_cross_a_real_collector_over_grpc", true);
}

#[test]
fn all_signals_cross_a_real_collector_over_http() {
    hop("all_signals_cross_a_real_collector_over_http", false);
}
