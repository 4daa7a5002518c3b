//! Drop counts tell the truth against a scripted collector: items a collector rejects in a
//! `partial_success` answer are counted dropped (`rejected`), never exported; and the
//! export-path filter matches exact crate names, so host spans from crates whose names only
//! start like an export-path crate's reach OTLP.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver};

/// `Export{Trace,Logs}ServiceResponse { partial_success: { rejected: n, error_message } }`
/// in protobuf: both messages put the count in field 1 and the message in field 2.
fn partial_success(rejected: u8, message: &str) -> Vec<u8> {
    let mut inner = vec![0x08, rejected, 0x12, message.len() as u8];
    inner.extend_from_slice(message.as_bytes());
    let mut out = vec![0x0A, inner.len() as u8];
    out.extend(inner);
    out
}

/// An OTLP/HTTP collector on a loopback port that accepts every request and answers that
/// it rejected one item of each; returns its port and the count of requests per path.
fn rejecting_collector() -> (
    u16,
    std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>>,
) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::new()));
    let counts = seen.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = Vec::new();
            let _ = std::io::Read::read_to_end(request.as_reader(), &mut body);
            let path = request.url().to_owned();
            *counts.lock().unwrap().entry(path).or_insert(0) += 1;
            let answer = tiny_http::Response::from_data(partial_success(1, "one item refused"))
                .with_header(
                    "Content-Type: application/x-protobuf"
                        .parse::<tiny_http::Header>()
                        .unwrap(),
                );
            let _ = request.respond(answer);
        }
    });
    (port, seen)
}

#[test]
fn a_partial_success_is_counted_as_rejected_not_exported() {
    const NAME: &str = "a_partial_success_is_counted_as_rejected_not_exported";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "none".into())]);
        return;
    }
    let (port, seen) = rejecting_collector();
    std::env::set_var(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        format!("http://127.0.0.1:{port}"),
    );
    std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    let guard = telemetry_core::init("partial-success").unwrap();
    let stats = guard.stats_handle();
    for round in 0..3 {
        for _ in 0..10 {
            let _span = tracing::info_span!("dataface.work").entered();
            tracing::info!(round, "working");
        }
        guard.force_flush(Duration::from_secs(5)).unwrap();
    }
    guard.shutdown(Duration::from_secs(5)).unwrap();
    let s = stats.snapshot();
    let seen = seen.lock().unwrap().clone();
    println!("requests {seen:?}; stats {s:?}");
    for (signal, c, path) in [
        ("traces", s.traces, "/v1/traces"),
        ("logs", s.logs, "/v1/logs"),
    ] {
        let requests = seen.get(path).copied().unwrap_or(0);
        assert!(requests >= 3, "{signal}: {requests} requests");
        assert_eq!(
            c.dropped_rejected, requests,
            "{signal}: one per answer: {c:?}"
        );
        assert_eq!(c.exported, 30 - requests, "{signal}: {c:?}");
        assert_eq!(c.attempted, c.exported + c.dropped(), "{signal}: {c:?}");
    }
}

#[test]
fn host_spans_of_crates_named_like_export_path_crates_reach_otlp() {
    const NAME: &str = "host_spans_of_crates_named_like_export_path_crates_reach_otlp";
    if is_child(NAME) {
        let guard = telemetry_core::init("exact-crates").unwrap();
        drop(
            tracing::info_span!(target: "tower_http::trace::on_request", "tower_http.request")
                .entered(),
        );
        drop(tracing::info_span!(target: "reqwest_tracing", "reqwest_tracing.send").entered());
        drop(tracing::info_span!(target: "tonic_health::server", "tonic_health.check").entered());
        drop(tracing::info_span!(target: "hyper_util_pool", "hyper_util_pool.checkout").entered());
        // The export path itself stays out of OTLP.
        drop(tracing::warn_span!(target: "hyper_util::client", "hyper_util.connect").entered());
        drop(tracing::warn_span!(target: "tonic::transport", "tonic.transport").entered());
        guard.shutdown(Duration::from_secs(10)).unwrap();
        return;
    }
    let rx = Receiver::start(true);
    run_child(NAME, &rx.env());
    let got = rx.wait(Duration::from_secs(10), |r| r.spans.len() >= 4);
    for name in [
        "tower_http.request",
        "reqwest_tracing.send",
        "tonic_health.check",
        "hyper_util_pool.checkout",
    ] {
        got.span(name);
    }
    for name in ["hyper_util.connect", "tonic.transport"] {
        assert!(
            got.spans.iter().all(|s| s.name != name),
            "{name} is on the export path and must not reach OTLP"
        );
    }
}
