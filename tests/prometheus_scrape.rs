//! The Prometheus scrape endpoint serves the self-metrics and build info, histograms as
//! histograms (buckets, not quantiles), and Debian's `promtool check metrics` (installed by
//! scripts/install-test-deps.sh) finds no problem in a scrape.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::{free_port, is_child, run_child};
use telemetry_testing::scrape::{MetricType, Scrape};

fn get(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the scrape endpoint");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Ask for the connection to close after the answer: the endpoint keeps HTTP/1.1
    // connections alive otherwise, and this reads the answer to the end of the stream.
    let request = request.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is not installed: run scripts/install-test-deps.sh");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn scrape_serves_self_metrics_and_build_info_and_passes_promtool() {
    const NAME: &str = "scrape_serves_self_metrics_and_build_info_and_passes_promtool";
    if !is_child(NAME) {
        let port = free_port();
        run_child(
            NAME,
            &[
                ("OTEL_METRICS_EXPORTER", "prometheus".into()),
                ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1".into()),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", port.to_string()),
                ("OTEL_TRACES_EXPORTER", "none".into()),
                ("OTEL_LOGS_EXPORTER", "none".into()),
                ("DATAFACE_RELEASE", "2.0.0".into()),
                // One bad value, to see the warning counted on the scrape.
                ("OTEL_BSP_SCHEDULE_DELAY", "soon".into()),
                ("PROMETHEUS_TEST_PORT", port.to_string()),
            ],
        );
        return;
    }
    let guard = telemetry_core::init("scrape-test").expect("init");
    let addr = guard.prometheus_addr().expect("scrape endpoint");
    assert_eq!(
        addr.port().to_string(),
        std::env::var("PROMETHEUS_TEST_PORT").unwrap()
    );

    metrics::describe_histogram!(
        "dataface.query.duration",
        metrics::Unit::Seconds,
        "Time to run one warehouse query."
    );
    metrics::histogram!("dataface.query.duration", "dataface.query.adapter" => "duckdb")
        .record(0.3);

    let response = get(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("text/plain; version=0.0.4"), "{head}");

    let scrape = Scrape::parse(body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    for (name, labels, value) in [
        (
            "dataface_build_info",
            &[
                ("service_name", "scrape-test"),
                ("service_version", "2.0.0"),
                ("vcs_ref_head_revision", "unknown"),
            ][..],
            1.0,
        ),
        (
            "dataface_telemetry_dropped_total",
            &[
                ("dataface_telemetry_signal", "traces"),
                ("dataface_telemetry_drop_reason", "queue_full"),
            ],
            0.0,
        ),
        (
            "dataface_telemetry_config_warnings_total",
            &[(
                "dataface_telemetry_config_variable",
                "OTEL_BSP_SCHEDULE_DELAY",
            )],
            1.0,
        ),
        (
            "dataface_query_duration_seconds_bucket",
            &[("dataface_query_adapter", "duckdb"), ("le", "+Inf")],
            1.0,
        ),
        (
            "dataface_query_duration_seconds_count",
            &[("dataface_query_adapter", "duckdb")],
            1.0,
        ),
    ] {
        assert_eq!(
            scrape.value(name, labels),
            Some(value),
            "{name}{labels:?} in the scrape:\n{body}"
        );
    }
    assert_eq!(
        scrape.metric_type("dataface_query_duration_seconds"),
        Some(MetricType::Histogram),
        "{body}"
    );
    let duration = scrape
        .histogram(
            "dataface_query_duration_seconds",
            &[("dataface_query_adapter", "duckdb")],
        )
        .expect("the query duration histogram");
    assert_eq!(duration.count, 1.0);
    assert!((duration.sum - 0.3).abs() < 1e-9, "{duration:?}");
    assert!(
        duration.buckets.len() > 1 && duration.buckets.last() == Some(&(f64::INFINITY, 1.0)),
        "buckets, not quantiles: {duration:?}"
    );
    assert!(
        scrape
            .samples()
            .iter()
            .all(|s| s.kind() != MetricType::Summary && s.label("quantile").is_none()),
        "histograms must not render as summaries:\n{body}"
    );

    let (ok, problems) = promtool_check(body);
    assert!(
        ok && problems.trim().is_empty(),
        "promtool check metrics: {problems}\n{body}"
    );

    let not_found = get(addr, "GET /other HTTP/1.1\r\n\r\n");
    assert!(not_found.starts_with("HTTP/1.1 404"), "{not_found}");
    let wrong_method = get(addr, "POST /metrics HTTP/1.1\r\n\r\n");
    assert!(wrong_method.starts_with("HTTP/1.1 405"), "{wrong_method}");

    guard.shutdown(Duration::from_secs(1)).unwrap();
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(500))
            .map(|mut s| {
                let _ = s.write_all(b"GET /metrics HTTP/1.1\r\n\r\n");
                let mut buf = String::new();
                s.set_read_timeout(Some(Duration::from_millis(500))).ok();
                let _ = s.read_to_string(&mut buf);
                buf.is_empty()
            })
            .unwrap_or(true),
        "the endpoint stops serving at shutdown"
    );
}
