//! The OTLP specification's retry behaviour over HTTP: a retryable status (503) is retried
//! with backoff until it succeeds; a non-retryable one (400) is tried once and the batch is
//! dropped and counted.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{is_child, run_child};

/// A scripted OTLP/HTTP endpoint: answers the n-th request with `statuses[n]` (the last
/// one repeats) and counts the requests.
fn scripted(statuses: &'static [u16]) -> (u16, Arc<AtomicUsize>) {
    let (port, count, _) = scripted_with_heads(statuses);
    (port, count)
}

/// As [`scripted`], also keeping each request's head (lower-cased).
fn scripted_with_heads(
    statuses: &'static [u16],
) -> (u16, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = count.clone();
    let kept = heads.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(2))).ok();
            // Read the head, then the body by Content-Length.
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            let body_len = loop {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    kept.lock().unwrap().push(head.clone());
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break Some((end + 4, len));
                }
            };
            let Some((start, len)) = body_len else {
                continue;
            };
            while buf.len() < start + len {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let status = statuses[n.min(statuses.len() - 1)];
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, count, heads)
}

fn env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            format!("http://127.0.0.1:{port}/v1/traces"),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".into()),
        ("OTEL_METRICS_EXPORTER", "none".into()),
        ("OTEL_LOGS_EXPORTER", "none".into()),
    ]
}

fn one_span_then_shutdown() -> telemetry_core::self_metrics::SignalStats {
    let guard = telemetry_core::init("retry-test").unwrap();
    let stats = guard.stats_handle();
    drop(tracing::info_span!("dataface.retry").entered());
    let _ = guard.shutdown(Duration::from_secs(10));
    stats.snapshot().traces
}

#[test]
fn a_retryable_status_is_retried_until_the_export_succeeds() {
    const NAME: &str = "a_retryable_status_is_retried_until_the_export_succeeds";
    if is_child(NAME) {
        let stats = one_span_then_shutdown();
        assert_eq!((stats.exported, stats.dropped()), (1, 0), "{stats:?}");
        return;
    }
    let (port, requests) = scripted(&[503, 503, 200]);
    run_child(NAME, &env(port));
    assert_eq!(
        requests.load(Ordering::SeqCst),
        3,
        "two retries, then success"
    );
}

#[test]
fn a_non_retryable_status_is_tried_once_and_counted_as_dropped() {
    const NAME: &str = "a_non_retryable_status_is_tried_once_and_counted_as_dropped";
    if is_child(NAME) {
        let stats = one_span_then_shutdown();
        assert_eq!(
            (stats.exported, stats.dropped_export_error),
            (0, 1),
            "{stats:?}"
        );
        return;
    }
    let (port, requests) = scripted(&[400]);
    run_child(NAME, &env(port));
    assert_eq!(requests.load(Ordering::SeqCst), 1, "400 is not retryable");
}

#[test]
fn retries_are_bounded_when_the_collector_keeps_failing() {
    const NAME: &str = "retries_are_bounded_when_the_collector_keeps_failing";
    if is_child(NAME) {
        let stats = one_span_then_shutdown();
        assert_eq!(
            (stats.exported, stats.dropped_export_error),
            (0, 1),
            "{stats:?}"
        );
        return;
    }
    let (port, requests) = scripted(&[503]);
    run_child(NAME, &env(port));
    assert_eq!(
        requests.load(Ordering::SeqCst),
        4,
        "one attempt and three retries"
    );
}

#[test]
fn configured_headers_are_sent_with_every_request() {
    const NAME: &str = "configured_headers_are_sent_with_every_request";
    if is_child(NAME) {
        let stats = one_span_then_shutdown();
        assert_eq!(stats.exported, 1, "{stats:?}");
        return;
    }
    let (port, _, heads) = scripted_with_heads(&[200]);
    let mut env = env(port);
    env.push((
        "OTEL_EXPORTER_OTLP_HEADERS",
        "authorization=Bearer%20tok-123,x-dataface-tenant=acme".into(),
    ));
    run_child(NAME, &env);
    let heads = heads.lock().unwrap();
    assert!(
        heads
            .iter()
            .any(|h| h.contains("authorization: bearer tok-123")
                && h.contains("x-dataface-tenant: acme")),
        "{heads:?}"
    );
}
