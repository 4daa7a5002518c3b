//! stderr is redacted like the exported signals in every part of a line: the names of the
//! spans an event sits in (literal names included) as well as its fields and message.

mod support;

use support::{is_child, run_child};

#[test]
fn literal_span_names_on_stderr_are_redacted() {
    const NAME: &str = "literal_span_names_on_stderr_are_redacted";
    if is_child(NAME) {
        let guard = telemetry_core::init("stderr-redaction").expect("init");
        {
            let _outer = tracing::info_span!("notify canary.outer@example.com").entered();
            let _inner =
                tracing::info_span!("GET /reset?token=canary-inner-2", step = 1_i64).entered();
            tracing::warn!("inside the literal spans");
        }
        guard
            .shutdown(std::time::Duration::from_secs(5))
            .expect("shutdown");
        return;
    }
    let output = run_child(
        NAME,
        &[
            ("OTEL_TRACES_EXPORTER", "none".into()),
            ("OTEL_LOGS_EXPORTER", "none".into()),
            ("OTEL_METRICS_EXPORTER", "none".into()),
        ],
    );
    let line = output
        .lines()
        .find(|l| l.contains("inside the literal spans"))
        .unwrap_or_else(|| panic!("the warning is on stderr:\n{output}"));
    for canary in ["canary.outer@example.com", "canary-inner-2"] {
        assert!(
            !output.contains(canary),
            "{canary} reached stderr:\n{output}"
        );
    }
    // Redacted in place: the span context is still there.
    assert!(line.contains("notify [REDACTED:email]"), "{line}");
    assert!(line.contains("GET /reset?token=[REDACTED]"), "{line}");
    // A line names its spans without their fields (exported as span attributes instead).
    assert!(!line.contains("step=1"), "{line}");
}
