//! OTLP over TLS and mutual TLS through a real TLS gateway: Debian's nginx terminates TLS
//! on loopback ports the test picks (`grpc_pass` for gRPC, a plain proxy for HTTP) in front
//! of a real rotel collector, which forwards to an in-process receiver. The CA, server and
//! client certificates are made at test time. Each test that calls `init` runs it in a
//! child process of its own; nginx and rotel are stopped by their process ids.

mod support;

use std::time::Duration;
use support::nginx::{Gateway, Nginx, Pki};
use support::{is_child, run_child, Received, Receiver, Rotel};
use telemetry_core::self_metrics::PipelineStats;

/// The chain under test: nginx (TLS) → rotel → in-process receiver.
struct Chain {
    // Dropped in this order: the gateway first, the receiver last.
    nginx: Nginx,
    _rotel: Rotel,
    rx: Receiver,
    pki: Pki,
}

fn chain(certificate: &str, require_client_certificate: bool) -> Chain {
    let pki = Pki::new();
    let rx = Receiver::start(true);
    let rotel = Rotel::start(&rx);
    let nginx = Nginx::start(
        &pki,
        &rotel,
        Gateway {
            certificate,
            require_client_certificate,
        },
    );
    Chain {
        nginx,
        _rotel: rotel,
        rx,
        pki,
    }
}

impl Chain {
    /// The variables pointing a child at the gateway over `grpc` or HTTP.
    fn env(&self, grpc: bool) -> Vec<(&'static str, String)> {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", self.nginx.endpoint(grpc)),
            (
                "OTEL_EXPORTER_OTLP_PROTOCOL",
                if grpc { "grpc" } else { "http/protobuf" }.into(),
            ),
            // Only the spans and logs emitted here, and one metric export at shutdown.
            ("OTEL_METRIC_EXPORT_INTERVAL", "600000".into()),
        ]
    }

    fn wait_all_signals(&self) -> Received {
        self.rx.wait(Duration::from_secs(20), |r| {
            r.spans.iter().any(|s| s.name == "dataface.tls.export")
                && r.logs.iter().any(|l| l.body.contains("sent over TLS"))
                && r.points.iter().any(|p| p.metric == "dataface.tls.sent")
        })
    }
}

/// What a child emits: one span, one log inside it, one counter; then shutdown. Returns
/// the pipeline's own counts and init's configuration warnings on stderr.
fn emit_all_signals() -> PipelineStats {
    let guard = telemetry_core::init("tls-service").expect("init");
    let stats = guard.stats_handle();
    {
        let _span = tracing::info_span!("dataface.tls.export", dataface.tls.case = "x").entered();
        tracing::info!("sent over TLS");
        metrics::counter!("dataface.tls.sent").increment(3);
    }
    let _ = guard.shutdown(Duration::from_secs(15));
    stats.snapshot()
}

fn child_delivers() {
    let stats = emit_all_signals();
    for (signal, s) in [
        ("traces", stats.traces),
        ("metrics", stats.metrics),
        ("logs", stats.logs),
    ] {
        assert!(s.exported >= 1, "{signal}: {s:?}");
        assert_eq!(s.dropped(), 0, "{signal}: {s:?}");
    }
    assert_eq!(stats.config_warnings, 0, "{stats:?}");
}

fn assert_delivered(got: &Received) {
    let span = got.span("dataface.tls.export");
    assert_eq!(span.attributes["dataface.tls.case"], "x");
    assert_eq!(span.resource["service.name"], "tls-service");
    let log = got.log("sent over TLS");
    assert_eq!(
        (&log.trace_id, &log.span_id),
        (&span.trace_id, &span.span_id)
    );
    let counter = got.point("dataface.tls.sent", &[]);
    assert_eq!((counter.kind, counter.value), ("sum", 3.0));
}

fn delivers(name: &str, grpc: bool, mutual: bool) {
    if is_child(name) {
        return child_delivers();
    }
    let chain = chain("server.pem", mutual);
    let mut env = chain.env(grpc);
    env.push(("OTEL_EXPORTER_OTLP_CERTIFICATE", chain.pki.path("ca.pem")));
    if mutual {
        env.push((
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            chain.pki.path("client.pem"),
        ));
        env.push((
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
            chain.pki.path("client.key"),
        ));
    }
    run_child(name, &env);
    let got = chain.wait_all_signals();
    assert_delivered(&got);
}

#[test]
fn tls_server_auth_over_grpc_delivers_all_signals() {
    delivers(
        "tls_server_auth_over_grpc_delivers_all_signals",
        true,
        false,
    );
}

#[test]
fn tls_server_auth_over_http_delivers_all_signals() {
    delivers(
        "tls_server_auth_over_http_delivers_all_signals",
        false,
        false,
    );
}

#[test]
fn mtls_with_the_client_certificate_delivers_over_grpc() {
    delivers(
        "mtls_with_the_client_certificate_delivers_over_grpc",
        true,
        true,
    );
}

#[test]
fn mtls_with_the_client_certificate_delivers_over_http() {
    delivers(
        "mtls_with_the_client_certificate_delivers_over_http",
        false,
        true,
    );
}

/// A child whose spans the gateway refuses: two exports, both counted as `export_error`,
/// one warning for the streak.
fn child_is_rejected() {
    let guard = telemetry_core::init("tls-service").expect("init");
    let stats = guard.stats_handle();
    for _ in 0..2 {
        drop(tracing::info_span!("dataface.tls.export").entered());
        let _ = guard.force_flush(Duration::from_secs(10));
    }
    let _ = guard.shutdown(Duration::from_secs(10));
    let traces = stats.snapshot().traces;
    assert_eq!(
        (traces.exported, traces.dropped_export_error),
        (0, 2),
        "{traces:?}"
    );
}

/// Runs `name` against a chain that must refuse it, with spans only; returns the child's
/// output after checking the gateway passed nothing on.
fn rejected(name: &str, grpc: bool, chain: &Chain, extra: Vec<(&'static str, String)>) -> String {
    let mut env = chain.env(grpc);
    env.push(("OTEL_METRICS_EXPORTER", "none".into()));
    env.push(("OTEL_LOGS_EXPORTER", "none".into()));
    env.extend(extra);
    let out = run_child(name, &env);
    let warnings = out
        .lines()
        .filter(|l| l.contains("traces export to") && l.contains("failed"))
        .count();
    assert_eq!(warnings, 1, "one warning for the failure streak:\n{out}");
    assert!(
        out.contains(&chain.nginx.endpoint(grpc)),
        "the warning names the collector:\n{out}"
    );
    let got = chain.rx.wait(Duration::from_millis(500), |_| false);
    assert!(got.spans.is_empty(), "nothing passed: {:?}", got.spans);
    out
}

#[test]
fn mtls_without_the_client_certificate_is_rejected_and_counted() {
    const NAME: &str = "mtls_without_the_client_certificate_is_rejected_and_counted";
    if is_child(NAME) {
        return child_is_rejected();
    }
    let chain = chain("server.pem", true);
    let ca = vec![("OTEL_EXPORTER_OTLP_CERTIFICATE", chain.pki.path("ca.pem"))];
    rejected(NAME, true, &chain, ca);
    // nginx refused the requests that came without a certificate.
    assert!(
        chain.nginx.access_log().contains("status=400"),
        "access log:\n{}",
        chain.nginx.access_log()
    );
}

#[test]
fn tls_with_the_wrong_ca_is_rejected() {
    const NAME: &str = "tls_with_the_wrong_ca_is_rejected";
    if is_child(NAME) {
        return child_is_rejected();
    }
    let chain = chain("server.pem", false);
    let ca = vec![(
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        chain.pki.path("other-ca.pem"),
    )];
    let out = rejected(NAME, false, &chain, ca);
    assert!(
        !chain.nginx.access_log().contains("/v1/traces"),
        "no request got through the handshake:\n{}\n{out}",
        chain.nginx.access_log()
    );
}

#[test]
fn tls_with_an_expired_server_certificate_is_rejected() {
    const NAME: &str = "tls_with_an_expired_server_certificate_is_rejected";
    if is_child(NAME) {
        return child_is_rejected();
    }
    let chain = chain("expired.pem", false);
    let ca = vec![("OTEL_EXPORTER_OTLP_CERTIFICATE", chain.pki.path("ca.pem"))];
    rejected(NAME, true, &chain, ca);
    assert!(
        !chain.nginx.access_log().contains("TraceService"),
        "no request got through the handshake:\n{}",
        chain.nginx.access_log()
    );
}

const MISSING: &str = "/nonexistent/dataface-tls-secret-dir/ca.pem";

#[test]
fn tls_certificate_file_that_does_not_exist_is_an_init_problem() {
    const NAME: &str = "tls_certificate_file_that_does_not_exist_is_an_init_problem";
    if is_child(NAME) {
        // Not strict: a warning naming the variable, and the system roots only, which do
        // not trust the gateway's test CA.
        let guard = telemetry_core::init("tls-service").expect("init");
        let problems = guard.config().problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].variable(),
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE"
        );
        assert_eq!(
            problems[0].kind(),
            telemetry_core::config::ProblemKind::Unreadable
        );
        let stats = guard.stats_handle();
        drop(tracing::info_span!("dataface.tls.export").entered());
        let _ = guard.shutdown(Duration::from_secs(10));
        let traces = stats.snapshot().traces;
        assert_eq!((traces.exported, traces.dropped_export_error), (0, 1));
        return;
    }
    let chain = chain("server.pem", false);
    let mut env = chain.env(true);
    env.push(("OTEL_METRICS_EXPORTER", "none".into()));
    env.push(("OTEL_LOGS_EXPORTER", "none".into()));
    env.push(("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", MISSING.into()));
    let out = run_child(NAME, &env);
    assert!(
        out.contains("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE names a file that cannot be read"),
        "{out}"
    );
    assert!(
        !out.contains("dataface-tls-secret-dir"),
        "the path is never shown:\n{out}"
    );
}

#[test]
fn tls_certificate_problems_are_init_errors_in_strict_mode() {
    const NAME: &str = "tls_certificate_problems_are_init_errors_in_strict_mode";
    if is_child(NAME) {
        let err = telemetry_core::init("tls-service").expect_err("strict init fails");
        let text = err.to_string();
        for var in [
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        ] {
            assert!(text.contains(var), "{var} named: {text}");
        }
        for secret in [
            "dataface-tls-secret-dir",
            "PRIVATE KEY",
            "BEGIN",
            "not a key",
        ] {
            assert!(!text.contains(secret), "{secret:?} not shown: {text}");
        }
        return;
    }
    let chain = chain("server.pem", false);
    // A key file holding garbage, and a CA path that does not exist.
    let garbage = chain.pki.path("garbage.key");
    std::fs::write(
        &garbage,
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let mut env = chain.env(true);
    env.push(("DATAFACE_TELEMETRY_STRICT", "true".into()));
    env.push(("OTEL_EXPORTER_OTLP_CERTIFICATE", MISSING.into()));
    env.push((
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        chain.pki.path("client.pem"),
    ));
    env.push(("OTEL_EXPORTER_OTLP_CLIENT_KEY", garbage));
    run_child(NAME, &env);
}

/// Headers and compression from the process environment never win over the code's.
fn child_with_code_overrides() {
    let guard = telemetry_core::init_with(
        "tls-service",
        telemetry_core::config::TelemetryConfig::builder()
            .otlp_headers(vec![("x-dataface-tenant".into(), "from-code".into())])
            .otlp_compression(telemetry_core::config::Compression::None),
    )
    .expect("init");
    // Over gRPC the exporter reads the compression variable itself: reported, not silent.
    let grpc = std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL").as_deref() == Ok("grpc");
    let problems: Vec<_> = guard
        .config()
        .problems()
        .iter()
        .map(|p| p.variable())
        .collect();
    let expected: &[&str] = if grpc {
        &["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"]
    } else {
        &[]
    };
    assert_eq!(problems, expected);
    let stats = guard.stats_handle();
    drop(tracing::info_span!("dataface.tls.export").entered());
    let _ = guard.shutdown(Duration::from_secs(10));
    assert_eq!(stats.snapshot().traces.exported, 1);
}

fn env_does_not_win(name: &str, grpc: bool) -> String {
    let chain = chain("server.pem", false);
    let mut env = chain.env(grpc);
    env.push(("OTEL_METRICS_EXPORTER", "none".into()));
    env.push(("OTEL_LOGS_EXPORTER", "none".into()));
    env.push(("OTEL_EXPORTER_OTLP_CERTIFICATE", chain.pki.path("ca.pem")));
    env.push((
        "OTEL_EXPORTER_OTLP_HEADERS",
        "x-dataface-tenant=from-env,x-extra=from-env".into(),
    ));
    env.push(("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip".into()));
    run_child(name, &env);
    chain
        .rx
        .wait(Duration::from_secs(20), |r| !r.spans.is_empty());
    let log = chain.nginx.access_log();
    assert!(log.contains("tenant=from-code extra=-"), "{log}");
    assert!(!log.contains("from-env"), "{log}");
    log
}

#[test]
fn tls_env_headers_and_compression_never_override_the_code_over_http() {
    const NAME: &str = "tls_env_headers_and_compression_never_override_the_code_over_http";
    if is_child(NAME) {
        return child_with_code_overrides();
    }
    let log = env_does_not_win(NAME, false);
    assert!(
        log.contains("/v1/traces tenant=from-code extra=- encoding=- "),
        "{log}"
    );
}

#[test]
fn tls_env_headers_never_override_the_code_over_grpc() {
    const NAME: &str = "tls_env_headers_never_override_the_code_over_grpc";
    if is_child(NAME) {
        return child_with_code_overrides();
    }
    let log = env_does_not_win(NAME, true);
    assert!(
        log.contains("TraceService/Export tenant=from-code extra=-"),
        "{log}"
    );
}

/// `init` errors never repeat the credentials of an endpoint URL.
#[test]
fn init_errors_never_repeat_url_credentials() {
    const NAME: &str = "init_errors_never_repeat_url_credentials";
    if is_child(NAME) {
        for protocol in ["grpc", "http/protobuf"] {
            // A host with a brace passes the configuration's URL check and fails
            // the exporter's: the error names the endpoint.
            let err = telemetry_core::init_with(
                "tls-service",
                telemetry_core::config::TelemetryConfig::builder()
                    .otlp_endpoint("https://user:s3cr3t-pass@col{lector:4317")
                    .otlp_protocol(if protocol == "grpc" {
                        telemetry_core::config::Protocol::Grpc
                    } else {
                        telemetry_core::config::Protocol::HttpProtobuf
                    }),
            )
            .expect_err("an invalid host fails init");
            let text = format!("{err} {err:?}");
            assert!(text.contains("col{lector:4317"), "{protocol}: {text}");
            assert!(!text.contains("s3cr3t-pass"), "{protocol}: {text}");
            assert!(!text.contains("user:"), "{protocol}: {text}");
        }
        return;
    }
    run_child(NAME, &[]);
}
