//! Promise: events recorded on one span cannot make memory grow without bound, whether the
//! span is entered or never entered (tracing-opentelemetry buffers a span's events until it
//! closes). With logs off, 1e6 events go to an entered span, then 1e6 to a span that is
//! never entered, through a real rotel collector. Figures: RSS after the first tenth of
//! each phase (the anchor) and at its end, the events kept (the event limit, 128) and
//! those counted in `dataface.telemetry.limited{dataface.telemetry.limit="event_count"}`.

use std::time::{Duration, Instant};

fn phase(name: &str, n: u64, mut record: impl FnMut(u64)) -> u64 {
    let start = Instant::now();
    let mut anchor = 0;
    for i in 0..n {
        if i == n / 10 {
            anchor = stress::rss_bytes();
        }
        record(i);
    }
    let end = stress::rss_bytes();
    let growth = end.saturating_sub(anchor);
    println!(
        "{name}: {n} events in {:?}; RSS after the first tenth (anchor) {} MiB, at the end {} MiB, growth {} KiB",
        start.elapsed(),
        anchor >> 20,
        end >> 20,
        growth >> 10
    );
    growth
}

fn child() {
    stress::watchdog(Duration::from_secs(300));
    let n: u64 = stress::length(1_000_000, 10_000_000);
    let guard = telemetry_core::init("stress-span-events").expect("init");
    let stats = guard.stats_handle();
    let entered = {
        let _span = tracing::info_span!("stress.entered").entered();
        phase("entered span", n, |i| tracing::info!(i, "an event"))
    };
    let never = {
        let span = tracing::info_span!("stress.never_entered");
        phase(
            "span never entered",
            n,
            |i| tracing::info!(parent: &span, i, "an event"),
        )
    };
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
    let t = stats.snapshot().traces;
    println!(
        "spans exported {} of {}; events dropped by the limit and counted: {} (kept: {} per span)",
        t.exported,
        t.attempted,
        t.events_dropped,
        n - t.events_dropped / 2
    );
    assert_eq!((t.attempted, t.exported), (2, 2), "{t:?}");
    assert_eq!(t.events_dropped, 2 * (n - 128), "{t:?}");
    for (what, growth) in [("entered", entered), ("never entered", never)] {
        assert!(growth < 8 << 20, "{what}: RSS grew {growth} bytes");
    }
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    let rotel = stress::Rotel::start(stress::free_port());
    stress::run_child(
        "span events",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", rotel.endpoint("grpc")),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".into()),
            ("OTEL_LOGS_EXPORTER", "none".into()),
            ("OTEL_METRICS_EXPORTER", "none".into()),
            ("DATAFACE_LOG_STDERR", "false".into()),
        ],
    );
}
