//! Canary secrets never leave the process: not in an OTLP payload (in-process receiver, and
//! through a real rotel collector over gRPC and HTTP), not in the Prometheus text, not on
//! stderr; in every position a string leaves by: attribute values and arrays, span names
//! (`otel.name` too), span-event names, the status description, log bodies, the resource
//! (`OTEL_RESOURCE_ATTRIBUTES`, `DATAFACE_RELEASE`), embedded in larger text.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver};

const CANARIES: &[&str] = &[
    "canary-key-1",
    "canary-pass-2",
    "canary-sig-3",
    // The card number in both forms the child writes it. A bare "4111" also matches random
    // ids (a v4 UUID's third group starts with 4: the service.instance.id once read
    // a0b309d0-10d9-4111-...), so the canary carries its separator.
    "4111-1111",
    "4111 1111",
    "canary.person@example.com",
    "canary-bearer-4",
    "eyJzdWIiOiJjYW5hcnkifQ",
    "canary-ssn-5",
    "canary-cookie-6",
];

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5";
const SCRAPE_BEGIN: &str = "--- scrape begin";

fn child() {
    let guard = telemetry_core::init("redaction-test").expect("init");
    {
        let _span = tracing::info_span!(
            "dataface.redaction",
            api_key = "canary-key-1",
            url.full =
                "https://user:canary-pass-2@wh.example/x?X-Amz-Signature=canary-sig-3&page=2",
            note = "paid with 4111-1111-1111-1111 today",
            contact = "canary.person@example.com",
            auth = "Bearer canary-bearer-4",
            session = JWT,
            customer_ssn = "canary-ssn-5",
            dashboard.id = "d-42",
        )
        .entered();
        tracing::warn!(
            http.request.header.cookie = "canary-cookie-6",
            contact = "canary.person@example.com",
            note = "card 4111 1111 1111 1111",
            "login for canary.person@example.com with Bearer canary-bearer-4 failed"
        );
    }
    metrics::counter!("dataface.redaction.logins", "contact" => "canary.person@example.com")
        .increment(1);
    println!("{SCRAPE_BEGIN}\n{}", guard.prometheus_text().unwrap());
    guard.shutdown(Duration::from_secs(10)).unwrap();
}

#[test]
fn no_canary_reaches_otlp_prometheus_or_stderr() {
    const NAME: &str = "no_canary_reaches_otlp_prometheus_or_stderr";
    if is_child(NAME) {
        return child();
    }
    let rx = Receiver::start(false);
    let mut env = rx.env();
    env.push(("OTEL_METRICS_EXPORTER", "otlp,prometheus".into()));
    env.push(("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()));
    env.push(("DATAFACE_REDACT_KEYS", "ssn".into()));
    let output = run_child(NAME, &env);
    let got = rx.wait(Duration::from_secs(10), |r| {
        !r.spans.is_empty() && !r.logs.is_empty() && !r.points.is_empty()
    });
    let otlp = format!("{got:?}");
    for canary in CANARIES {
        assert!(!otlp.contains(canary), "{canary} reached OTLP:\n{otlp}");
        assert!(
            !output.contains(canary),
            "{canary} reached stderr or the scrape:\n{output}"
        );
    }
    // Redacted, not dropped: what is not secret is still there.
    let span = got.span("dataface.redaction");
    assert_eq!(span.attributes["api_key"], "[REDACTED]");
    assert_eq!(span.attributes["customer_ssn"], "[REDACTED]");
    assert_eq!(span.attributes["contact"], "[REDACTED:email]");
    assert_eq!(span.attributes["session"], "[REDACTED:jwt]");
    assert_eq!(span.attributes["auth"], "Bearer [REDACTED]");
    assert_eq!(span.attributes["note"], "paid with [REDACTED:card] today");
    assert_eq!(
        span.attributes["url.full"],
        "https://[REDACTED]@wh.example/x?X-Amz-Signature=[REDACTED]&page=2"
    );
    assert_eq!(span.attributes["dashboard.id"], "d-42");
    let log = got.log("login for");
    assert_eq!(
        log.body,
        "login for [REDACTED:email] with Bearer [REDACTED] failed"
    );
    assert_eq!(log.attributes["http.request.header.cookie"], "[REDACTED]");
    assert!(
        output.contains("dataface_redaction_logins_total{contact=\"[REDACTED:email]\"} 1"),
        "{output}"
    );
}

/// Canaries of the positions the value rules alone must cover: none of them sits under a
/// secret key that the attribute-level rule would catch.
const POSITION_CANARIES: &[&str] = &[
    "canary-name-1",
    "canary.literal@example.com",
    "canary.event@example.com",
    "canary-status-3",
    "canary-chain-4",
    "canary-res-5",
    "canary-res-6",
    "canary-rel-7",
    "canary-frag-8",
    "canary-form-9",
    "5500005555555559",
    "canary.mailto@example.com",
    "Y2FuYXJ5LWp3dA",
];

/// An error whose `source()` carries a URL with credentials.
#[derive(Debug)]
struct QueryFailed(std::io::Error);

impl std::fmt::Display for QueryFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("query failed")
    }
}

impl std::error::Error for QueryFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

fn every_position_child() {
    let guard = telemetry_core::init("redaction-positions").expect("init");
    let embedded = concat!(
        "cb https://app.example/cb#access_token=canary-frag-8&state=1 ",
        r#"body {"user":"ana","session":"eyJhbGciOiJIUzI1NiJ9.Y2FuYXJ5LWp3dA.c2ln"} "#,
        "form grant=1&authorization=Bearer%20canary-form-9 ",
        "paid ref5500005555555559 ",
        "<a href=\"mailto:canary.mailto@example.com\">"
    );
    {
        let span = tracing::info_span!(
            "dataface.redaction.positions",
            otel.name = "GET /reset?token=canary-name-1",
            otel.status_code = "ERROR",
            otel.status_description = "denied: password=canary-status-3",
            note = embedded,
            error = tracing::field::Empty,
        );
        let err = QueryFailed(std::io::Error::other(
            "connect https://svc:canary-chain-4@db.example failed",
        ));
        span.record("error", &err as &(dyn std::error::Error + 'static));
        let _entered = span.enter();
        // tracing-opentelemetry copies the message into the span event's name.
        tracing::info!("reset link sent to canary.event@example.com");
        tracing::warn!("{embedded}");
        tracing::error!(error = &err as &(dyn std::error::Error + 'static), "lookup");
    }
    drop(tracing::info_span!("notify canary.literal@example.com").entered());
    guard.shutdown(Duration::from_secs(10)).unwrap();
}

fn every_position(name: &str, grpc: bool) {
    if is_child(name) {
        return every_position_child();
    }
    let rx = Receiver::start(true);
    let rotel = support::Rotel::start(&rx);
    let (port, protocol) = if grpc {
        (rotel.grpc_port, "grpc")
    } else {
        (rotel.http_port, "http/protobuf")
    };
    let output = run_child(
        name,
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{port}"),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "deploy.link=https://ci:canary-res-5@ci.example/run,db.password=canary-res-6"
                    .into(),
            ),
            (
                "DATAFACE_RELEASE",
                "https://deploy:canary-rel-7@ci.example/build/42".into(),
            ),
        ],
    );
    let got = rx.wait(Duration::from_secs(20), |r| {
        r.spans.len() >= 2 && r.logs.len() >= 3 && !r.points.is_empty()
    });
    drop(rotel);
    for canary in POSITION_CANARIES {
        assert!(
            !got.raw.contains(canary),
            "{canary} reached OTLP through rotel ({protocol}):\n{}",
            got.raw
        );
        assert!(
            !output.contains(canary),
            "{canary} reached stderr:\n{output}"
        );
    }
    // Redacted in place, not dropped.
    let span = got.span("GET /reset?token=[REDACTED]");
    assert_eq!(span.status_code, 2, "the error status is kept");
    assert!(
        got.raw.contains("denied: password=[REDACTED]"),
        "{}",
        got.raw
    );
    assert!(
        got.raw.contains("reset link sent to [REDACTED:email]"),
        "{}",
        got.raw
    );
    assert!(
        got.raw
            .contains("connect https://[REDACTED]@db.example failed"),
        "{}",
        got.raw
    );
    assert_eq!(
        span.resource["deploy.link"],
        "https://[REDACTED]@ci.example/run"
    );
    assert_eq!(span.resource["db.password"], "[REDACTED]");
    assert_eq!(
        span.resource["service.version"],
        "https://[REDACTED]@ci.example/build/42"
    );
    got.span("notify [REDACTED:email]");
    let log = got.log("cb https://app.example/cb#access_token=[REDACTED]&state=1");
    assert!(
        log.body.contains("paid ref[REDACTED:card]")
            && log.body.contains("authorization=[REDACTED]")
            && log.body.contains("mailto:[REDACTED:email]")
            && log.body.contains("\"session\":\"[REDACTED:jwt]\""),
        "{}",
        log.body
    );
}

#[test]
fn no_canary_in_any_position_over_grpc_through_rotel() {
    every_position("no_canary_in_any_position_over_grpc_through_rotel", true);
}

#[test]
fn no_canary_in_any_position_over_http_through_rotel() {
    every_position("no_canary_in_any_position_over_http_through_rotel", false);
}
