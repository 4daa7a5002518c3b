//! Canary secrets never leave the process: not in an OTLP payload (in-process receiver),
//! not in the Prometheus text, not on stderr.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver};

const CANARIES: &[&str] = &[
    "canary-key-1",
    "canary-pass-2",
    "canary-sig-3",
    "4111",
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
