//! The harness itself under test: per-thread isolation, carrying a capture into threads and
//! Tokio tasks, every assertion on a match and on a near miss, conformance against a fixture
//! catalog, coverage and untouched metric handles.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Barrier};
use telemetry_core::catalog::{
    owners, AttributeSpec, AttributeType, Catalog, ErrorClass, ErrorCodeSpec, InstrumentKind,
    LabelSpec, MetricSpec, Requirement, Section, Severity, SpanSpec, OTHER,
};
use telemetry_core::errors::{record_on_span, ErrorCode};
use telemetry_testing::{
    AttrValue, Capture, Captured, ConformanceError, Coverage, CoverageReport, MetricValue,
    SpanStatus, Violation,
};
use tracing::Level;

// ---------------------------------------------------------------------------------------------
// The fixture catalog.
// ---------------------------------------------------------------------------------------------

const OUTCOME: LabelSpec = LabelSpec::enumerated(
    "dataface.outcome",
    "How the fixture run ended.",
    &["success", "failed"],
);
const LANE: LabelSpec = LabelSpec::bounded(
    "dataface.fixture.lane",
    "The lane a fixture run waits in.",
    2,
)
.with_example("fast");
const ERROR_TYPE: LabelSpec =
    LabelSpec::bounded("error.type", "The error code of a failure.", 4).with_example("x");

const RUNS: MetricSpec = MetricSpec {
    name: "dataface.fixture.runs",
    kind: InstrumentKind::Counter,
    unit: "{run}",
    description: "Fixture runs, by outcome.",
    labels: &[OUTCOME],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
const PENDING: MetricSpec = MetricSpec {
    name: "dataface.fixture.pending",
    kind: InstrumentKind::Gauge,
    unit: "{run}",
    description: "Fixture runs waiting, by lane.",
    labels: &[LANE],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
const DURATION: MetricSpec = MetricSpec {
    name: "dataface.fixture.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time one fixture run takes.",
    labels: &[OUTCOME],
    buckets: &[0.1, 0.5, 1.0, 5.0],
    owner: owners::OBSERVABILITY_PLATFORM,
};
const ERRORS: MetricSpec = MetricSpec {
    name: "dataface.fixture.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Failed fixture runs, by error code.",
    labels: &[ERROR_TYPE],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};

const RUN: &str = "dataface.fixture.run";
const KIND: &str = "dataface.fixture.kind";

const RUN_SPAN: SpanSpec = SpanSpec {
    name: RUN,
    description: "One fixture run.",
    attributes: &[
        AttributeSpec {
            key: KIND,
            requirement: Requirement::Required,
            description: "The kind of run.",
            value_type: AttributeType::String { example: "batch" },
        },
        AttributeSpec {
            key: "error.type",
            requirement: Requirement::ConditionallyRequired,
            description: "The error code, when the run failed.",
            value_type: AttributeType::String {
                example: "fixture_broken",
            },
        },
    ],
    owner: owners::OBSERVABILITY_PLATFORM,
};

const FIXTURE_BROKEN: ErrorCodeSpec = ErrorCodeSpec {
    code: "fixture_broken",
    surface: "fixture",
    class: ErrorClass::Internal,
    retryable: false,
    severity: Severity::Error,
    owner: owners::OBSERVABILITY_PLATFORM,
    summary: "The fixture broke.",
    remedy: "Mend the fixture.",
};
const FIXTURE_SLOW: ErrorCodeSpec = ErrorCodeSpec {
    code: "fixture_slow",
    surface: "fixture",
    class: ErrorClass::Timeout,
    retryable: true,
    severity: Severity::Warning,
    owner: owners::OBSERVABILITY_PLATFORM,
    summary: "The fixture took too long.",
    remedy: "Retry the run.",
};

static SECTION: Section = Section {
    surface: "fixture",
    metrics: &[RUNS, PENDING, DURATION, ERRORS],
    spans: &[RUN_SPAN],
    events: &[],
    error_codes: &[FIXTURE_BROKEN, FIXTURE_SLOW],
    owners: &[owners::OBSERVABILITY_PLATFORM],
    series_budget: telemetry_core::catalog::DEFAULT_SERIES_BUDGET,
};
static CATALOG: Catalog = Catalog {
    version: "1.0.0",
    sections: &[&SECTION],
};

#[derive(Debug, Clone, Copy)]
enum FixtureError {
    Broken,
    Slow,
}

impl ErrorCode for FixtureError {
    fn spec(self) -> &'static ErrorCodeSpec {
        match self {
            FixtureError::Broken => &FIXTURE_BROKEN,
            FixtureError::Slow => &FIXTURE_SLOW,
        }
    }
}

#[test]
fn the_fixture_catalog_is_valid() {
    if let Err(e) = CATALOG.validate() {
        panic!("{e}");
    }
    assert_eq!(FixtureError::Broken.code(), "fixture_broken");
    assert_eq!(FixtureError::Slow.code(), "fixture_slow");
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

/// Runs `f` in a fresh capture and returns what it captured.
fn capture(f: impl FnOnce()) -> Captured {
    let capture = Capture::new();
    capture.in_scope(f);
    capture.signals()
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        panic!("panic payload is not text")
    }
}

/// One run tagged `tag`: a span with `dataface.fixture.tag = tag`, an event with field `tag`,
/// and the runs counter incremented by `tag`.
fn emit_tagged(tag: u32) {
    let span = tracing::info_span!(
        "dataface.fixture.run",
        dataface.fixture.kind = "isolation",
        dataface.fixture.tag = i64::from(tag)
    );
    span.in_scope(|| tracing::info!(tag = i64::from(tag), "isolated run"));
    metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(u64::from(tag));
}

/// Asserts `captured` holds the signals of `emit_tagged(tag)` and nothing else.
#[track_caller]
fn assert_sees_only(captured: &Captured, tag: u32) {
    captured
        .span(RUN)
        .with_attr("dataface.fixture.tag", tag)
        .only();
    assert_eq!(captured.spans.len(), 1, "{:#?}", captured.spans);
    captured
        .log(Level::INFO)
        .message_contains("isolated run")
        .with_field("tag", tag)
        .in_span(RUN)
        .only();
    captured
        .metric(&RUNS)
        .with("dataface.outcome", "success")
        .value(u64::from(tag));
    captured.any_metric().only();
    assert!(captured.untouched.is_empty(), "{:#?}", captured.untouched);
}

/// Asserts `captured` holds nothing at all.
#[track_caller]
fn assert_nothing(captured: &Captured) {
    captured.any_span().none();
    captured.any_log().none();
    captured.any_metric().none();
    assert!(captured.untouched.is_empty(), "{:#?}", captured.untouched);
}

// ---------------------------------------------------------------------------------------------
// 1. Isolation.
// ---------------------------------------------------------------------------------------------

const ROUNDS: usize = 50;

/// Many captures in a row on this thread, each seeing only its own run, while other tests
/// (parallel threads under `cargo test`) do the same with other tags.
fn isolation_rounds(tag: u32) {
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        capture.in_scope(|| emit_tagged(tag));
        assert_sees_only(&capture.signals(), tag);
    }
}

#[test]
fn isolation_parallel_test_1() {
    isolation_rounds(11);
}

#[test]
fn isolation_parallel_test_2() {
    isolation_rounds(12);
}

#[test]
fn isolation_parallel_test_3() {
    isolation_rounds(13);
}

#[test]
fn isolation_parallel_test_4() {
    isolation_rounds(14);
}

#[test]
fn isolation_parallel_test_5() {
    isolation_rounds(15);
}

#[test]
fn isolation_parallel_test_6() {
    isolation_rounds(16);
}

#[test]
fn eight_threads_with_a_capture_each_see_only_their_own_signals() {
    const THREADS: u32 = 8;
    let barrier = Arc::new(Barrier::new(THREADS as usize));
    let handles: Vec<_> = (1..=THREADS)
        .map(|tag| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let capture = Capture::new();
                // Every capture exists before anyone emits ...
                barrier.wait();
                capture.in_scope(|| emit_tagged(tag));
                // ... and everyone has emitted before anyone looks.
                barrier.wait();
                let signals = capture.signals();
                assert_sees_only(&signals, tag);
                signals
                    .metric(&RUNS)
                    .with("dataface.outcome", "success")
                    .value(u64::from(tag));
                signals
                    .span(RUN)
                    .with_attr("dataface.fixture.tag", tag)
                    .exactly(1);
                assert_eq!(
                    signals.spans[0].attributes.get("dataface.fixture.tag"),
                    Some(&AttrValue::I64(i64::from(tag)))
                );
            })
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
}

#[test]
fn nested_enter_restores_the_outer_capture() {
    let outer = Capture::new();
    let inner = Capture::new();
    outer.in_scope(|| {
        inner.in_scope(|| emit_tagged(2));
        emit_tagged(1);
    });
    assert_sees_only(&outer.signals(), 1);
    assert_sees_only(&inner.signals(), 2);
}

#[test]
fn nothing_is_captured_outside_the_scope() {
    let capture = Capture::new();
    // (Inside first: see `a_callsite_first_hit_outside_the_capture_is_still_captured`.)
    capture.in_scope(|| emit_tagged(4));
    emit_tagged(5);
    std::thread::spawn(|| emit_tagged(6))
        .join()
        .expect("the thread runs");
    assert_sees_only(&capture.signals(), 4);
}

fn first_hit_span() {
    let span = tracing::info_span!(
        "dataface.fixture.first_hit",
        dataface.fixture.kind = "first"
    );
    span.in_scope(|| tracing::info!("first hit"));
}

#[test]
fn a_callsite_first_hit_outside_the_capture_is_still_captured() {
    // Deterministic when this test is alone in its process (nextest, or
    // `cargo test --test harness -- --ignored --exact <name>`): tracing-core then has one
    // registered dispatcher and computes a new callsite's interest from the current thread's
    // default only, which outside the capture is "none", so `Interest::never` is cached.
    let capture = Capture::new();
    std::thread::spawn(first_hit_span)
        .join()
        .expect("the thread runs");
    capture.in_scope(first_hit_span);
    let signals = capture.signals();
    signals.span("dataface.fixture.first_hit").one();
    signals
        .log(Level::INFO)
        .in_span("dataface.fixture.first_hit")
        .one();
}

// ---------------------------------------------------------------------------------------------
// 2. Threads and Tokio.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_spawned_thread_is_not_captured_without_wrap() {
    let capture = Capture::new();
    capture
        .in_scope(|| std::thread::spawn(|| emit_tagged(7)).join())
        .expect("the thread runs");
    assert_nothing(&capture.signals());
}

#[test]
fn a_spawned_thread_is_captured_with_wrap() {
    let capture = Capture::new();
    std::thread::spawn(capture.wrap(|| emit_tagged(7)))
        .join()
        .expect("the thread runs");
    assert_sees_only(&capture.signals(), 7);
}

#[test]
fn wrap_returns_the_closure_result() {
    let capture = Capture::new();
    let value = std::thread::spawn(capture.wrap(|| {
        emit_tagged(8);
        42
    }))
    .join()
    .expect("the thread runs");
    assert_eq!(value, 42);
    assert_sees_only(&capture.signals(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokio_task_is_not_captured_without_task() {
    let capture = Capture::new();
    // Spawned from inside the capture: the task still runs on a worker thread without it.
    let task = capture.in_scope(|| {
        tokio::spawn(async {
            tokio::task::yield_now().await;
            emit_tagged(9);
        })
    });
    task.await.expect("the task runs");
    assert_nothing(&capture.signals());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokio_task_is_captured_with_task() {
    let capture = Capture::new();
    let task = tokio::spawn(capture.task(async {
        tokio::task::yield_now().await;
        emit_tagged(9);
        tokio::task::yield_now().await;
        7
    }));
    assert_eq!(task.await.expect("the task runs"), 7);
    assert_sees_only(&capture.signals(), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_span_instrumenting_an_inner_future_is_captured_across_polls() {
    let capture = Capture::new();
    let task = tokio::spawn(capture.task(async {
        // The span must be created inside the capture.
        let span = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "async");
        let inner = async {
            tokio::task::yield_now().await;
            tracing::info!(step = 1i64, "after the first yield");
            tokio::task::yield_now().await;
            tracing::info!(step = 2i64, "after the second yield");
        };
        tracing::Instrument::instrument(inner, span).await;
    }));
    task.await.expect("the task runs");
    let signals = capture.signals();
    signals.span(RUN).with_attr(KIND, "async").root().only();
    signals.log(Level::INFO).in_span(RUN).exactly(2);
    signals.any_log().with_field("step", 2).in_span(RUN).one();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_blocking_is_captured_with_wrap_only() {
    let capture = Capture::new();
    // (Wrapped first: see `a_callsite_first_hit_outside_the_capture_is_still_captured`.)
    tokio::task::spawn_blocking(capture.wrap(|| emit_tagged(4)))
        .await
        .expect("the blocking task runs");
    assert_sees_only(&capture.signals(), 4);
    // Not wrapped: nothing more arrives, even when spawned from inside the capture.
    let task = capture.in_scope(|| tokio::task::spawn_blocking(|| emit_tagged(3)));
    task.await.expect("the blocking task runs");
    assert_sees_only(&capture.signals(), 4);
}

// ---------------------------------------------------------------------------------------------
// 3. Assertions: each on a match and on a near miss.
// ---------------------------------------------------------------------------------------------

/// A run `batch` with an event and a child `fixture.step` (with a warning inside it), a run
/// `stream` failed with `fixture_broken`, an error log outside any span, and metrics: runs
/// success 2 / failed 1, pending{fast} = 4, duration{success} samples 0.25 and 0.5.
fn scenario() -> Captured {
    capture(|| {
        let batch = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "batch");
        batch.in_scope(|| {
            tracing::info!("fixture step done");
            let step = tracing::info_span!("fixture.step", fixture.index = 1i64);
            step.in_scope(|| {
                tracing::warn!(stage = "load", attempt = 2i64, "slow step detected");
            });
        });
        drop(batch);
        let stream = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "stream");
        record_on_span(&stream, FixtureError::Broken);
        drop(stream);
        tracing::error!(stage = "cleanup", "fixture cleanup failed");
        metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(2);
        metrics::counter!(RUNS.name, "dataface.outcome" => "failed").increment(1);
        metrics::gauge!(PENDING.name, "dataface.fixture.lane" => "fast").set(4.0);
        metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(0.25);
        metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(0.5);
    })
}

// Spans.

#[test]
fn span_with_attr_matches() {
    let s = scenario();
    s.span(RUN).with_attr(KIND, "batch").one();
    s.span(RUN).with_attr(KIND, "stream").one();
    // Integers compare as text.
    let step = s.span("fixture.step").with_attr("fixture.index", 1).one();
    assert_eq!(
        step.attributes.get("fixture.index"),
        Some(&AttrValue::I64(1))
    );
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"dataface.fixture.run\" and dataface.fixture.kind = \"bulk\""
)]
fn span_with_attr_near_miss_fails() {
    scenario().span(RUN).with_attr(KIND, "bulk").one();
}

#[test]
fn span_with_attr_present_matches() {
    let s = scenario();
    s.span(RUN)
        .with_attr_present("error.type")
        .with_attr(KIND, "stream")
        .one();
}

#[test]
#[should_panic(
    expected = "expected at least one: spans where name = \"fixture.step\" and error.type is set"
)]
fn span_with_attr_present_near_miss_fails() {
    scenario()
        .span("fixture.step")
        .with_attr_present("error.type")
        .exists();
}

#[test]
fn span_without_attr_matches() {
    let s = scenario();
    s.span(RUN)
        .without_attr("error.type")
        .with_attr(KIND, "batch")
        .one();
}

#[test]
#[should_panic(
    expected = "expected at least one: spans where name = \"dataface.fixture.run\" and dataface.fixture.kind is not set"
)]
fn span_without_attr_near_miss_fails() {
    scenario().span(RUN).without_attr(KIND).exists();
}

#[test]
fn span_child_of_matches() {
    let s = scenario();
    let step = s.span("fixture.step").child_of(RUN).one();
    let parent = s.span(RUN).with_attr(KIND, "batch").one();
    assert_eq!(
        step.parent_span_id.as_deref(),
        Some(parent.span_id.as_str())
    );
    assert_eq!(step.trace_id, parent.trace_id);
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"fixture.step\" and parent = \"dataface.fixture.other\""
)]
fn span_child_of_near_miss_fails() {
    scenario()
        .span("fixture.step")
        .child_of("dataface.fixture.other")
        .one();
}

#[test]
fn span_root_matches() {
    let s = scenario();
    s.span(RUN).root().exactly(2);
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"fixture.step\" and no parent"
)]
fn span_root_near_miss_fails() {
    scenario().span("fixture.step").root().one();
}

#[test]
fn span_status_error_matches() {
    let s = scenario();
    let failed = s.span(RUN).status_error().one();
    assert_eq!(
        failed.status,
        SpanStatus::Error(FIXTURE_BROKEN.summary.to_owned())
    );
    s.span(RUN)
        .status_not_error()
        .with_attr(KIND, "batch")
        .one();
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"dataface.fixture.run\" and dataface.fixture.kind = \"batch\" and status = error"
)]
fn span_status_error_near_miss_fails() {
    scenario()
        .span(RUN)
        .with_attr(KIND, "batch")
        .status_error()
        .one();
}

#[test]
fn span_error_type_matches_record_on_span() {
    let s = scenario();
    let failed = s.span(RUN).error_type("fixture_broken").one();
    assert_eq!(
        failed.attributes.get("error.type"),
        Some(&AttrValue::Str("fixture_broken".into()))
    );
}

#[test]
#[should_panic(expected = "error.type = \"fixture_slow\" and status = error")]
fn span_error_type_wrong_code_fails() {
    scenario().span(RUN).error_type("fixture_slow").one();
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"dataface.fixture.run\" and error.type = \"fixture_slow\" and status = error"
)]
fn span_error_type_without_error_status_fails() {
    // The attribute alone, without the status record_on_span sets, is a near miss.
    let s = capture(|| {
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch",
            error.type = "fixture_slow"
        ));
    });
    s.span(RUN).with_attr("error.type", "fixture_slow").one();
    s.span(RUN).error_type("fixture_slow").one();
}

#[test]
fn span_with_event_matches() {
    let s = scenario();
    let batch = s.span(RUN).with_event("fixture step done").one();
    assert_eq!(
        batch.attributes.get(KIND),
        Some(&AttrValue::Str("batch".into()))
    );
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): spans where name = \"dataface.fixture.run\" and has event \"fixture step started\""
)]
fn span_with_event_near_miss_fails() {
    scenario()
        .span(RUN)
        .with_event("fixture step started")
        .one();
}

// Logs.

#[test]
fn log_level_matches() {
    let s = scenario();
    s.log(Level::INFO).one();
    s.log(Level::WARN).one();
    s.log(Level::ERROR).one();
    s.any_log().exactly(3);
}

#[test]
#[should_panic(expected = "expected at least one: log records where level = DEBUG")]
fn log_level_near_miss_fails() {
    scenario().log(Level::DEBUG).exists();
}

#[test]
fn log_message_contains_matches() {
    let s = scenario();
    let log = s.log(Level::WARN).message_contains("slow step").one();
    assert_eq!(log.message, "slow step detected");
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): log records where level = WARN and message contains \"fast step\""
)]
fn log_message_contains_near_miss_fails() {
    scenario()
        .log(Level::WARN)
        .message_contains("fast step")
        .one();
}

#[test]
fn log_with_field_matches() {
    let s = scenario();
    s.log(Level::WARN)
        .with_field("stage", "load")
        .with_field("attempt", 2)
        .one();
    s.log(Level::ERROR).with_field("stage", "cleanup").one();
}

#[test]
#[should_panic(expected = "log records where level = WARN and stage = \"save\"")]
fn log_with_field_near_miss_fails() {
    scenario()
        .log(Level::WARN)
        .with_field("stage", "save")
        .one();
}

#[test]
fn log_in_span_matches() {
    let s = scenario();
    s.log(Level::WARN).in_span("fixture.step").one();
    s.log(Level::INFO).in_span(RUN).one();
    let error = s.log(Level::ERROR).one();
    assert_eq!((&error.trace_id, &error.span_id), (&None, &None));
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 0): log records where level = ERROR and inside span \"dataface.fixture.run\""
)]
fn log_in_span_near_miss_fails() {
    // The error log was emitted outside any span.
    scenario().log(Level::ERROR).in_span(RUN).one();
}

#[test]
#[should_panic(
    expected = "log records where level = WARN and inside span \"dataface.fixture.run\""
)]
fn log_in_span_of_the_parent_fails() {
    // Inside the step, not directly inside the run.
    scenario().log(Level::WARN).in_span(RUN).one();
}

// Metrics.

#[test]
fn metric_with_and_value_match() {
    let s = scenario();
    s.metric(&RUNS).with("dataface.outcome", "success").value(2);
    s.metric(&RUNS).with("dataface.outcome", "failed").value(1);
    // Series add up.
    s.metric(&RUNS).value(3);
    s.metric_named(RUNS.name).value(3);
}

#[test]
#[should_panic(
    expected = "expected a counter total of 3 (found 2 over 1 series): metric series where name = \"dataface.fixture.runs\" and kind = Counter and dataface.outcome = \"success\""
)]
fn metric_value_near_miss_fails() {
    scenario()
        .metric(&RUNS)
        .with("dataface.outcome", "success")
        .value(3);
}

#[test]
#[should_panic(expected = "expected a counter total of 2 (found 0 over 0 series)")]
fn metric_with_near_miss_fails() {
    scenario()
        .metric(&RUNS)
        .with("dataface.outcome", "succeeded")
        .value(2);
}

#[test]
#[should_panic(expected = "expected a counter total of 0 (found 0 over 1 series)")]
fn metric_value_on_a_gauge_fails() {
    scenario().metric_named(PENDING.name).value(0);
}

#[test]
fn metric_gauge_matches() {
    let s = scenario();
    s.metric(&PENDING)
        .with("dataface.fixture.lane", "fast")
        .gauge(4.0);
}

#[test]
#[should_panic(
    expected = "expected one gauge series = 5: metric series where name = \"dataface.fixture.pending\""
)]
fn metric_gauge_near_miss_fails() {
    scenario()
        .metric(&PENDING)
        .with("dataface.fixture.lane", "fast")
        .gauge(5.0);
}

#[test]
fn metric_histogram_count_matches() {
    let s = scenario();
    s.metric(&DURATION)
        .with("dataface.outcome", "success")
        .histogram_count(2);
}

#[test]
#[should_panic(expected = "expected 3 histogram samples (found 2)")]
fn metric_histogram_count_near_miss_fails() {
    scenario()
        .metric(&DURATION)
        .with("dataface.outcome", "success")
        .histogram_count(3);
}

#[test]
fn metric_histogram_sum_matches() {
    let s = scenario();
    s.metric(&DURATION)
        .with("dataface.outcome", "success")
        .histogram_sum(0.75);
    let series = s.metric(&DURATION).one();
    assert_eq!(series.value, MetricValue::Histogram(vec![0.25, 0.5]));
    assert_eq!(series.value.as_f64(), 2.0);
}

#[test]
#[should_panic(expected = "expected histogram samples summing to 1 (found 0.75)")]
fn metric_histogram_sum_near_miss_fails() {
    scenario()
        .metric(&DURATION)
        .with("dataface.outcome", "success")
        .histogram_sum(1.0);
}

#[test]
#[should_panic(expected = "expected 0 histogram samples")]
fn histogram_count_on_counter_series_fails() {
    // Two counter series match; none is a histogram, so there is nothing to count.
    scenario().metric_named(RUNS.name).histogram_count(0);
}

#[test]
#[should_panic(expected = "expected histogram samples summing to 0")]
fn histogram_sum_on_counter_series_fails() {
    scenario().metric_named(RUNS.name).histogram_sum(0.0);
}

#[test]
#[should_panic(
    expected = "metric series where name = \"dataface.fixture.runs\" and kind = Counter"
)]
fn metric_recorded_as_another_kind_does_not_match_its_spec() {
    let s = capture(|| {
        metrics::gauge!(RUNS.name, "dataface.outcome" => "success").set(1.0);
    });
    s.metric_named(RUNS.name).one();
    s.metric(&RUNS).exists();
}

// Terminals.

#[test]
fn exactly_matches() {
    let s = scenario();
    assert_eq!(s.span(RUN).exactly(2).len(), 2);
    assert!(s.span("dataface.fixture.missing").exactly(0).is_empty());
}

#[test]
#[should_panic(expected = "expected exactly 2 (found 1): spans where name = \"fixture.step\"")]
fn exactly_near_miss_fails() {
    scenario().span("fixture.step").exactly(2);
}

#[test]
fn none_matches() {
    let s = scenario();
    s.span("dataface.fixture.missing").none();
    s.metric(&ERRORS).none();
    s.log(Level::DEBUG).none();
}

#[test]
#[should_panic(expected = "expected none (found 1): spans where name = \"fixture.step\"")]
fn none_near_miss_fails() {
    scenario().span("fixture.step").none();
}

#[test]
fn only_matches() {
    let s = scenario();
    assert_eq!(s.any_metric().only().len(), 4);
    assert_eq!(s.any_span().only().len(), 3);
    let single =
        capture(|| metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1));
    single.metric(&RUNS).only();
}

#[test]
#[should_panic(
    expected = "expected only these (found 2 matching, 2 unexpected): metric series where name = \"dataface.fixture.runs\""
)]
fn only_near_miss_fails() {
    scenario().metric_named(RUNS.name).only();
}

#[test]
#[should_panic(expected = "expected only these (found 0 matching, 0 unexpected)")]
fn only_on_nothing_fails() {
    capture(|| {}).any_span().only();
}

#[test]
fn one_matches() {
    let s = scenario();
    assert_eq!(s.span("fixture.step").one().name, "fixture.step");
}

#[test]
#[should_panic(
    expected = "expected exactly one (found 2): spans where name = \"dataface.fixture.run\""
)]
fn one_near_miss_fails() {
    scenario().span(RUN).one();
}

#[test]
fn exists_matches() {
    let s = scenario();
    let first = s.span(RUN).exists();
    assert_eq!(
        first.attributes.get(KIND),
        Some(&AttrValue::Str("batch".into()))
    );
}

#[test]
#[should_panic(expected = "expected at least one: spans where name = \"dataface.fixture.missing\"")]
fn exists_near_miss_fails() {
    scenario().span("dataface.fixture.missing").exists();
}

#[test]
#[should_panic(expected = "captured 0 spans (closest first):\n  (no spans captured)")]
fn a_failure_on_an_empty_capture_says_nothing_was_captured() {
    capture(|| {}).span(RUN).one();
}

#[test]
fn a_failure_lists_the_closest_match_first() {
    let s = capture(|| {
        drop(tracing::info_span!("fixture.unrelated"));
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch",
            dataface.fixture.tag = 1i64
        ));
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "stream",
            dataface.fixture.tag = 2i64
        ));
    });
    let message = panic_message(|| {
        s.span(RUN)
            .with_attr(KIND, "stream")
            .with_attr("dataface.fixture.tag", 3)
            .one();
    });
    assert!(
        message.starts_with(
            "expected exactly one (found 0): spans where name = \"dataface.fixture.run\" and dataface.fixture.kind = \"stream\" and dataface.fixture.tag = \"3\"\n"
        ),
        "{message}"
    );
    let listing: Vec<&str> = message
        .split_once("captured 3 spans (closest first):\n")
        .unwrap_or_else(|| panic!("no listing in {message}"))
        .1
        .lines()
        .collect();
    // (`target` is added by the tracing bridge.)
    assert_eq!(
        listing,
        [
            "  span dataface.fixture.run {dataface.fixture.kind=\"stream\", dataface.fixture.tag=\"2\", target=\"harness\"}",
            "  span dataface.fixture.run {dataface.fixture.kind=\"batch\", dataface.fixture.tag=\"1\", target=\"harness\"}",
            "  span fixture.unrelated {target=\"harness\"}",
        ]
    );
}

#[test]
fn a_failure_lists_metric_series_and_logs_closest_first() {
    let s = scenario();
    let message = panic_message(|| s.metric(&RUNS).with("dataface.outcome", "failed").value(5));
    let first = message
        .split_once("(closest first):\n")
        .map(|(_, rest)| rest.lines().next().unwrap_or_default().to_owned());
    assert_eq!(
        first.as_deref(),
        Some("  Counter dataface.fixture.runs {dataface.outcome=\"failed\"} = 1"),
        "{message}"
    );
    let message = panic_message(|| {
        s.log(Level::WARN).with_field("stage", "cleanup").one();
    });
    let first = message
        .split_once("(closest first):\n")
        .map(|(_, rest)| rest.lines().next().unwrap_or_default().to_owned());
    // Level (2) outweighs one field (1).
    assert_eq!(
        first.as_deref(),
        Some("  log WARN \"slow step detected\" {attempt=\"2\", stage=\"load\"}"),
        "{message}"
    );
}

#[test]
fn a_failure_lists_at_most_twenty_items() {
    let s = capture(|| {
        for i in 0..25i64 {
            tracing::info!(i, "event");
        }
    });
    let message = panic_message(|| {
        s.log(Level::INFO).with_field("i", 99).exists();
    });
    let listing = message
        .split_once("(closest first):\n")
        .expect("a listing")
        .1;
    assert_eq!(listing.lines().count(), 21, "{message}");
    assert!(listing.ends_with("  ... and 5 more"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// 4. Conformance.
// ---------------------------------------------------------------------------------------------

fn violations(f: impl FnOnce()) -> Vec<ConformanceError> {
    capture(f).conformance(&CATALOG)
}

fn rules(f: impl FnOnce()) -> Vec<Violation> {
    violations(f).into_iter().map(|e| e.rule).collect()
}

#[track_caller]
fn assert_clean(f: impl FnOnce()) {
    let found = violations(f);
    assert!(found.is_empty(), "{found:#?}");
}

/// Every declared signal, emitted as declared.
fn emit_everything() {
    metrics::describe_histogram!(DURATION.name, metrics::Unit::Seconds, DURATION.description);
    let batch = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "batch");
    batch.in_scope(|| {
        // Spans outside the dataface namespace are not the catalog's business.
        let _helper = tracing::info_span!("fixture.helper", anything = 1i64).entered();
        tracing::info!("working");
    });
    drop(batch);
    for (kind, code) in [
        ("stream", FixtureError::Broken),
        ("bulk", FixtureError::Slow),
    ] {
        let failed = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = kind);
        record_on_span(&failed, code);
        drop(failed);
        metrics::counter!(ERRORS.name, "error.type" => code.code()).increment(1);
    }
    metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1);
    metrics::counter!(RUNS.name, "dataface.outcome" => "failed").increment(2);
    metrics::counter!(RUNS.name, "dataface.outcome" => OTHER).increment(1);
    metrics::gauge!(PENDING.name, "dataface.fixture.lane" => "fast").set(1.0);
    metrics::gauge!(PENDING.name, "dataface.fixture.lane" => "slow").set(2.0);
    metrics::gauge!(PENDING.name, "dataface.fixture.lane" => OTHER).set(3.0);
    metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(0.3);
}

#[test]
fn a_clean_capture_conforms() {
    let s = capture(emit_everything);
    let found = s.conformance(&CATALOG);
    assert!(found.is_empty(), "{found:#?}");
    s.assert_conforms(&CATALOG);
    assert_clean(|| {});
}

#[test]
fn an_undeclared_metric_is_reported() {
    let found = violations(|| metrics::counter!("dataface.fixture.unknown").increment(1));
    assert_eq!(
        found,
        vec![ConformanceError {
            rule: Violation::UndeclaredMetric,
            detail: "metric dataface.fixture.unknown".into(),
        }]
    );
}

#[test]
fn a_metric_recorded_as_another_kind_is_reported() {
    let found = violations(|| {
        metrics::gauge!(RUNS.name, "dataface.outcome" => "success").set(1.0);
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::WrongKind]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.runs recorded as Gauge, declared Counter"
    );
}

#[test]
fn a_metric_described_in_another_unit_is_reported() {
    let found = violations(|| {
        metrics::describe_histogram!(
            DURATION.name,
            metrics::Unit::Milliseconds,
            DURATION.description
        );
        metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(250.0);
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::WrongUnit]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.duration described in \"ms\", declared \"s\""
    );
    // Described in the declared unit: fine.
    assert_clean(|| {
        metrics::describe_histogram!(DURATION.name, metrics::Unit::Seconds, "Time.");
        metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(0.25);
    });
}

#[test]
fn an_undeclared_label_is_reported() {
    let found = violations(|| {
        metrics::counter!(RUNS.name, "dataface.outcome" => "success", "region" => "eu")
            .increment(1);
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::UndeclaredLabel]
    );
    assert_eq!(found[0].detail, "metric dataface.fixture.runs label region");
}

#[test]
fn a_missing_label_is_reported() {
    let found = violations(|| metrics::counter!(RUNS.name).increment(1));
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::MissingLabel]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.runs series lacks label dataface.outcome"
    );
}

#[test]
fn a_value_outside_an_enumerated_set_is_reported() {
    let found = violations(|| {
        metrics::counter!(RUNS.name, "dataface.outcome" => "crashed").increment(1);
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::ValueOutsideSet]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.runs label dataface.outcome = \"crashed\""
    );
    // `other` is always allowed.
    assert_clean(|| metrics::counter!(RUNS.name, "dataface.outcome" => OTHER).increment(1));
}

#[test]
fn a_value_beyond_a_bounded_set_is_reported() {
    let found = violations(|| {
        for lane in ["fast", "slow", "bulk"] {
            metrics::gauge!(PENDING.name, "dataface.fixture.lane" => lane).set(1.0);
        }
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::ValueOutsideSet]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.pending label dataface.fixture.lane = \"bulk\""
    );
    // Within the bound (a value seen twice counts once), plus `other`: fine.
    assert_clean(|| {
        for lane in ["fast", "slow", "fast", OTHER] {
            metrics::gauge!(PENDING.name, "dataface.fixture.lane" => lane).set(1.0);
        }
    });
}

#[test]
fn other_does_not_count_towards_a_bounded_labels_bound() {
    // The same three series as in `a_value_beyond_a_bounded_set_is_reported`'s clean case,
    // `other` first: two distinct values plus `other` is within a bound of 2.
    assert_clean(|| {
        for lane in [OTHER, "fast", "slow"] {
            metrics::gauge!(PENDING.name, "dataface.fixture.lane" => lane).set(1.0);
        }
    });
}

#[test]
fn an_undeclared_dataface_span_is_reported() {
    let found = violations(|| drop(tracing::info_span!("dataface.fixture.unknown")));
    assert_eq!(
        found,
        vec![ConformanceError {
            rule: Violation::UndeclaredSpan,
            detail: "span dataface.fixture.unknown".into(),
        }]
    );
    // Spans outside the dataface namespace are not checked.
    assert_clean(|| drop(tracing::info_span!("fixture.helper")));
}

#[test]
fn an_undeclared_attribute_is_reported() {
    let found = violations(|| {
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch",
            dataface.fixture.extra = 1i64
        ));
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::UndeclaredAttribute]
    );
    assert_eq!(
        found[0].detail,
        "span dataface.fixture.run attribute dataface.fixture.extra"
    );
}

#[test]
fn a_missing_required_attribute_is_reported() {
    let found = violations(|| drop(tracing::info_span!("dataface.fixture.run")));
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::MissingRequiredAttribute]
    );
    assert_eq!(
        found[0].detail,
        "span dataface.fixture.run lacks required attribute dataface.fixture.kind"
    );
    // The conditionally required error.type may be absent.
    assert_clean(|| {
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch"
        ))
    });
}

#[test]
fn an_undeclared_error_code_on_a_span_is_reported() {
    let found = violations(|| {
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch",
            error.type = "fixture_gone"
        ));
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::UndeclaredErrorCode]
    );
    assert_eq!(
        found[0].detail,
        "span dataface.fixture.run error.type \"fixture_gone\""
    );
    // On any span, declared or not.
    assert_eq!(
        rules(|| drop(tracing::info_span!("fixture.helper", error.type = "fixture_gone"))),
        [Violation::UndeclaredErrorCode]
    );
}

#[test]
fn an_undeclared_error_code_on_a_metric_label_is_reported() {
    let found = violations(|| {
        metrics::counter!(ERRORS.name, "error.type" => "fixture_gone").increment(1);
    });
    assert_eq!(
        found.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Violation::UndeclaredErrorCode]
    );
    assert_eq!(
        found[0].detail,
        "metric dataface.fixture.errors error.type \"fixture_gone\""
    );
    assert_clean(|| {
        metrics::counter!(ERRORS.name, "error.type" => "fixture_broken").increment(1);
        metrics::counter!(ERRORS.name, "error.type" => OTHER).increment(1);
    });
}

#[test]
fn untouched_series_are_checked_too() {
    let found = rules(|| {
        let _registered = metrics::counter!(RUNS.name, "dataface.outcome" => "crashed");
    });
    assert_eq!(found, [Violation::ValueOutsideSet]);
}

#[test]
fn every_violation_is_reported_at_once() {
    let found = rules(|| {
        metrics::counter!("dataface.fixture.unknown").increment(1);
        metrics::counter!(RUNS.name, "region" => "eu").increment(1);
        drop(tracing::info_span!("dataface.fixture.run"));
    });
    assert_eq!(
        found,
        [
            Violation::UndeclaredMetric,
            Violation::UndeclaredLabel,
            Violation::MissingLabel,
            Violation::MissingRequiredAttribute,
        ]
    );
}

#[test]
#[should_panic(
    expected = "captured signals break the catalog (2 violation(s)):\n  UndeclaredMetric: metric dataface.fixture.unknown\n  UndeclaredSpan: span dataface.fixture.unknown"
)]
fn assert_conforms_panics_listing_the_violations() {
    capture(|| {
        metrics::counter!("dataface.fixture.unknown").increment(1);
        drop(tracing::info_span!("dataface.fixture.unknown"));
    })
    .assert_conforms(&CATALOG);
}

// ---------------------------------------------------------------------------------------------
// 5. Coverage.
// ---------------------------------------------------------------------------------------------

#[test]
fn coverage_of_nothing_misses_everything() {
    let report = Coverage::new(&CATALOG).report();
    assert_eq!(
        report,
        CoverageReport {
            missing_metrics: vec![RUNS.name, PENDING.name, DURATION.name, ERRORS.name],
            missing_spans: vec![RUN],
            missing_events: vec![],
            missing_error_codes: vec!["fixture_broken", "fixture_slow"],
            covered: 0,
            total: 7,
        }
    );
    assert!(!report.is_complete());
}

#[test]
fn coverage_reports_exactly_what_a_subset_missed() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(|| {
        metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1);
        // Registered but never updated: not emitted.
        let _registered = metrics::gauge!(PENDING.name, "dataface.fixture.lane" => "fast");
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch"
        ));
    }));
    let report = coverage.report();
    assert_eq!(
        report,
        CoverageReport {
            missing_metrics: vec![PENDING.name, DURATION.name, ERRORS.name],
            missing_spans: vec![],
            missing_events: vec![],
            missing_error_codes: vec!["fixture_broken", "fixture_slow"],
            covered: 2,
            total: 7,
        }
    );
    assert_eq!(
        report.to_string(),
        "telemetry coverage: 2/7 declared signals emitted\n  never emitted metrics: dataface.fixture.pending, dataface.fixture.duration, dataface.fixture.errors\n  never emitted error codes: fixture_broken, fixture_slow\n"
    );
}

#[test]
fn assert_complete_lists_what_is_missing() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(|| {
        metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1);
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch"
        ));
    }));
    let message = panic_message(|| coverage.assert_complete());
    assert!(
        message.starts_with("telemetry coverage: 2/7 declared signals emitted"),
        "{message}"
    );
    assert!(
        message.contains(
            "never emitted metrics: dataface.fixture.pending, dataface.fixture.duration, dataface.fixture.errors"
        ),
        "{message}"
    );
    assert!(
        message.contains("never emitted error codes: fixture_broken, fixture_slow"),
        "{message}"
    );
    assert!(!message.contains("never emitted spans"), "{message}");
}

#[test]
#[should_panic(expected = "never emitted spans: dataface.fixture.run")]
fn assert_complete_panics_on_a_missing_span() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(emit_everything_but_spans));
    coverage.assert_complete();
}

fn emit_everything_but_spans() {
    metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1);
    metrics::gauge!(PENDING.name, "dataface.fixture.lane" => "fast").set(1.0);
    metrics::histogram!(DURATION.name, "dataface.outcome" => "success").record(0.3);
    metrics::counter!(ERRORS.name, "error.type" => "fixture_broken").increment(1);
    metrics::counter!(ERRORS.name, "error.type" => "fixture_slow").increment(1);
}

#[test]
fn error_codes_are_covered_by_error_type_on_a_span() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(|| {
        let failed = tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "batch");
        record_on_span(&failed, FixtureError::Broken);
    }));
    let report = coverage.report();
    assert_eq!(report.missing_error_codes, ["fixture_slow"]);
    assert_eq!(
        report.missing_metrics,
        [RUNS.name, PENDING.name, DURATION.name, ERRORS.name]
    );
    assert!(report.missing_spans.is_empty());
    assert_eq!((report.covered, report.total), (2, 7));
}

#[test]
fn error_codes_are_covered_by_the_error_type_label() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(|| {
        metrics::counter!(ERRORS.name, "error.type" => FixtureError::Slow.code()).increment(1);
        // A registered handle that never counted covers nothing.
        let _registered = metrics::counter!(ERRORS.name, "error.type" => "fixture_broken");
    }));
    let report = coverage.report();
    assert_eq!(report.missing_error_codes, ["fixture_broken"]);
    assert_eq!(
        report.missing_metrics,
        [RUNS.name, PENDING.name, DURATION.name]
    );
    assert_eq!(report.missing_spans, [RUN]);
    assert_eq!((report.covered, report.total), (2, 7));
}

#[test]
fn coverage_accumulates_over_captures_until_complete() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(emit_everything_but_spans));
    assert_eq!(coverage.report().missing_spans, [RUN]);
    assert_eq!(coverage.report().covered, 6);
    coverage.add(&capture(|| {
        drop(tracing::info_span!(
            "dataface.fixture.run",
            dataface.fixture.kind = "batch"
        ));
    }));
    let report = coverage.report();
    assert!(report.is_complete(), "{report}");
    assert_eq!((report.covered, report.total), (7, 7));
    assert_eq!(
        report.to_string(),
        "telemetry coverage: 7/7 declared signals emitted\n"
    );
    coverage.assert_complete();
}

#[test]
fn emitting_everything_completes_coverage_in_one_capture() {
    let mut coverage = Coverage::new(&CATALOG);
    coverage.add(&capture(emit_everything));
    coverage.assert_complete();
    assert_eq!(coverage.report().covered, 7);
}

// ---------------------------------------------------------------------------------------------
// 6. Untouched handles.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_registered_but_never_updated_handle_is_untouched() {
    let s = capture(|| {
        let _failed = metrics::counter!(RUNS.name, "dataface.outcome" => "failed");
        let _duration = metrics::histogram!(DURATION.name, "dataface.outcome" => "success");
        metrics::counter!(RUNS.name, "dataface.outcome" => "success").increment(1);
    });
    assert_eq!(s.metrics.len(), 1);
    assert_eq!(s.metrics[0].name, RUNS.name);
    assert!(s.metrics[0].touched);
    let untouched: Vec<_> = s
        .untouched
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.kind,
                m.labels.get("dataface.outcome").cloned(),
                m.touched,
            )
        })
        .collect();
    assert_eq!(
        untouched,
        [
            (
                RUNS.name,
                InstrumentKind::Counter,
                Some("failed".to_owned()),
                false
            ),
            (
                DURATION.name,
                InstrumentKind::Histogram,
                Some("success".to_owned()),
                false
            ),
        ]
    );
    assert_eq!(s.untouched[0].value, MetricValue::Counter(0));
    // Queries see only updated series.
    s.metric(&RUNS).only();
    s.any_metric().only();
    s.metric(&RUNS).with("dataface.outcome", "failed").none();
    s.metric(&DURATION).none();
    s.metric(&RUNS).value(1);
}

#[test]
fn a_handle_keeps_the_capture_it_was_registered_in() {
    let capture = Capture::new();
    let counter =
        capture.in_scope(|| metrics::counter!(RUNS.name, "dataface.outcome" => "success"));
    assert_eq!(capture.signals().untouched.len(), 1);
    capture.signals().any_metric().none();
    // Updated outside the scope, even on another thread: still this capture's.
    std::thread::spawn(move || counter.increment(3))
        .join()
        .expect("the thread runs");
    let s = capture.signals();
    s.metric(&RUNS).with("dataface.outcome", "success").value(3);
    assert!(s.untouched.is_empty());
}

#[test]
fn a_handle_registered_outside_the_capture_is_not_captured() {
    let counter = metrics::counter!(RUNS.name, "dataface.outcome" => "success");
    let s = capture(|| counter.increment(1));
    assert_nothing(&s);
}

#[test]
fn an_event_with_an_explicit_parent_belongs_to_that_span() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let parent =
            tracing::info_span!("dataface.fixture.run", dataface.fixture.kind = "explicit");
        let other = tracing::info_span!("dataface.fixture.other").entered();
        tracing::warn!(parent: &parent, step = "late", "logged for the parent");
        drop(other);
        drop(parent);
    });
    let signals = capture.signals();
    signals
        .log(tracing::Level::WARN)
        .in_span("dataface.fixture.run")
        .with_field("step", "late")
        .one();
}
