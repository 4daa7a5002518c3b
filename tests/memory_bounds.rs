//! Memory outside metrics is bounded: events recorded on a span that is never entered are
//! kept up to the event limit, the rest dropped as they come and counted.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver};

#[test]
fn events_on_a_span_never_entered_are_bounded_and_counted() {
    const NAME: &str = "events_on_a_span_never_entered_are_bounded_and_counted";
    if is_child(NAME) {
        let guard = telemetry_core::init("memory-bounds").unwrap();
        let stats = guard.stats_handle();
        let span = tracing::info_span!("dataface.never.entered");
        for i in 0..20_000u64 {
            tracing::info!(parent: &span, i, "an event on a span nobody enters");
        }
        drop(span);
        guard.shutdown(Duration::from_secs(10)).unwrap();
        let s = stats.snapshot().traces;
        println!("events dropped by the limit: {}", s.events_dropped);
        assert_eq!(s.events_dropped, 20_000 - 128, "{s:?}");
        return;
    }
    let rx = Receiver::start(true);
    let mut env = rx.env();
    env.push(("OTEL_LOGS_EXPORTER", "none".into()));
    env.push(("DATAFACE_LOG_STDERR", "false".into()));
    run_child(NAME, &env);
    let got = rx.wait(Duration::from_secs(10), |r| !r.spans.is_empty());
    got.span("dataface.never.entered");
    let events = got.raw.matches("an event on a span nobody enters").count();
    assert_eq!(
        events, 128,
        "the default event limit (OTEL_SPAN_EVENT_COUNT_LIMIT)"
    );
}
