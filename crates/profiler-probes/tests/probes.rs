//! Every API call emits exactly the signals its catalog entry promises; the captured signals
//! conform to the catalog; the crate's tests cover all of it.

use profiler_probes::catalog::{self, *};
use profiler_probes::*;
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_core::catalog::MetricSpec;
use telemetry_testing::{Capture, Captured, Coverage, MetricValue};
use tracing::Level;

/// A deadline no test run reaches.
const LONG: Duration = Duration::from_secs(600);
/// A deadline every test run passes after [`pass_deadline`].
const SHORT: Duration = Duration::from_millis(1);

fn pass_deadline() {
    std::thread::sleep(Duration::from_millis(5));
}

/// Runs `scenario` with fresh probes inside a fresh capture, checks conformance, and returns
/// what it emitted (untouched pre-registered handles aside).
fn run(scenario: impl FnOnce(&ProfilerProbes)) -> Captured {
    let capture = Capture::new();
    capture.in_scope(|| scenario(&ProfilerProbes::new()));
    let signals = capture.signals();
    signals.assert_conforms(&catalog::CATALOG);
    signals
}

/// Asserts the metrics updated are exactly `expected` (by catalog entry).
#[track_caller]
fn assert_updated(s: &Captured, expected: &[&MetricSpec]) {
    let updated: BTreeSet<&str> = s.metrics.iter().map(|m| m.name.as_str()).collect();
    let expected: BTreeSet<&str> = expected.iter().map(|m| m.name).collect();
    assert_eq!(updated, expected, "metrics updated");
}

fn now_unix() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn run_success(p: &ProfilerProbes) {
    let mut run = p.profile_run(WarehouseType::Snowflake, "analytics.orders", LONG);
    run.column_profiled("order_id");
    run.semantic_type_detected("order_id", SemanticType::Identifier, 0.99);
    run.column_profiled("customer_email");
    run.semantic_type_detected("customer_email", SemanticType::Email, 0.93);
    run.rows_profiled(100_000);
    run.rows_profiled(20_000);
    run.finish(RunOutcome::Success);
}

fn run_failed(p: &ProfilerProbes) {
    let run = p.profile_run(WarehouseType::PostgreSql, "hr.payroll", LONG);
    run.finish(RunOutcome::Failed(ProfileError::PermissionDenied));
}

fn run_timed_out_then_finished(p: &ProfilerProbes) {
    let mut run = p.profile_run(WarehouseType::Snowflake, "events.clickstream", SHORT);
    run.column_profiled("session_id");
    pass_deadline();
    run.column_profiled("page_url"); // the probe notices the deadline here
    assert!(run.timed_out());
    run.rows_profiled(5_000_000);
    run.finish(RunOutcome::Success);
}

fn run_dropped_after_deadline(p: &ProfilerProbes) {
    let _run = p.profile_run(WarehouseType::BigQuery, "events.raw", SHORT);
    pass_deadline();
    // A timer such as `tokio::time::timeout` drops the work, and the guard with it.
}

fn run_abandoned(p: &ProfilerProbes) {
    let mut run = p.profile_run(WarehouseType::Redshift, "sales.leads", LONG);
    run.column_profiled("lead_id");
}

fn run_cancelled(p: &ProfilerProbes) {
    p.profile_run(WarehouseType::DuckDb, "local.scratch", LONG)
        .finish(RunOutcome::Cancelled);
}

fn columns_skipped(p: &ProfilerProbes) {
    let mut run = p.profile_run(WarehouseType::BigQuery, "geo.regions", LONG);
    run.column_profiled("region_id");
    run.column_skipped("boundary", ProfileError::UnsupportedColumnType);
    run.column_skipped("sample_blob", ProfileError::SamplingFailed);
    run.finish(RunOutcome::Success);
}

fn feedback(p: &ProfilerProbes) {
    p.feedback(SemanticType::PostalCode, Feedback::Confirmed, "zip");
    p.feedback(
        SemanticType::PostalCode,
        Feedback::Corrected {
            to: SemanticType::Quantity,
        },
        "store_number",
    );
    p.feedback(SemanticType::Email, Feedback::Confirmed, "email");
}

fn reports(p: &ProfilerProbes) {
    p.report(WarehouseType::Snowflake, "analytics.orders").ok();
    p.report(WarehouseType::Snowflake, "analytics.orders")
        .fail(ProfileError::ReportRenderFailed);
    let _forgotten = p.report(WarehouseType::File, "uploads.prices");
}

/// Every error code once, each through the operation that raises it.
fn every_error_code(p: &ProfilerProbes) {
    for code in ProfileError::ALL {
        match code {
            ProfileError::ReportRenderFailed => {
                p.report(WarehouseType::Other, "t").fail(*code);
            }
            ProfileError::UnsupportedColumnType => {
                let mut run = p.profile_run(WarehouseType::Other, "t", LONG);
                run.column_skipped("c", *code);
                run.finish(RunOutcome::Success);
            }
            _ => p
                .profile_run(WarehouseType::File, "t", LONG)
                .finish(RunOutcome::Failed(*code)),
        }
    }
}

#[test]
fn a_successful_run_records_duration_columns_rows_detections_and_freshness() {
    let before = now_unix();
    let s = run(run_success);
    let after = now_unix();
    s.span("dataface.profiler.run")
        .with_attr("dataface.warehouse.type", "snowflake")
        .with_attr("db.system.name", "snowflake")
        .with_attr("db.collection.name", "analytics.orders")
        .with_attr("dataface.profiler.deadline", 600)
        .with_attr("dataface.profiler.outcome", "success")
        .with_attr("dataface.profiler.columns", 2)
        .with_attr("dataface.profiler.columns_skipped", 0)
        .with_attr("dataface.profiler.rows", 120_000)
        .without_attr("error.type")
        .without_attr("dataface.abandoned")
        .without_attr("dataface.profiler.late_outcome")
        .status_not_error()
        .with_event("semantic type detected")
        .root()
        .one();
    assert_updated(
        &s,
        &[
            &RUN_DURATION,
            &RUNS_ACTIVE,
            &COLUMNS,
            &ROWS,
            &LAST_SUCCESS,
            &SEMANTIC_CONFIDENCE,
        ],
    );
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "snowflake")
        .with("dataface.outcome", "success")
        .histogram_count(1);
    s.metric(&RUN_DURATION).exactly(1);
    s.metric(&COLUMNS)
        .with("dataface.warehouse.type", "snowflake")
        .value(2);
    s.metric(&ROWS)
        .with("dataface.warehouse.type", "snowflake")
        .value(120_000);
    s.metric(&SEMANTIC_CONFIDENCE)
        .with("dataface.semantic_type", "identifier")
        .histogram_sum(0.99);
    s.metric(&SEMANTIC_CONFIDENCE)
        .with("dataface.semantic_type", "email")
        .histogram_count(1);
    // In flight during the run, back to zero after.
    s.metric(&RUNS_ACTIVE)
        .with("dataface.warehouse.type", "snowflake")
        .gauge(0.0);
    let fresh = s
        .metric(&LAST_SUCCESS)
        .with("dataface.warehouse.type", "snowflake")
        .one();
    let MetricValue::Gauge(at) = fresh.value else {
        panic!("{fresh}")
    };
    assert!(
        (before..=after).contains(&at),
        "{before} <= {at} <= {after}"
    );
    s.log(Level::DEBUG)
        .in_span("dataface.profiler.run")
        .message_contains("column profiled")
        .with_field("dataface.column.name", "customer_email")
        .one();
    s.log(Level::DEBUG)
        .in_span("dataface.profiler.run")
        .with_field("dataface.semantic_type", "email")
        .with_field("dataface.semantic.confidence", 0.93)
        .one();
}

#[test]
fn a_run_in_flight_shows_in_the_active_gauge() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let p = ProfilerProbes::new();
        let a = p.profile_run(WarehouseType::Snowflake, "a", LONG);
        let b = p.profile_run(WarehouseType::Snowflake, "b", LONG);
        capture
            .signals()
            .metric(&RUNS_ACTIVE)
            .with("dataface.warehouse.type", "snowflake")
            .gauge(2.0);
        a.finish(RunOutcome::Success);
        capture
            .signals()
            .metric(&RUNS_ACTIVE)
            .with("dataface.warehouse.type", "snowflake")
            .gauge(1.0);
        b.finish(RunOutcome::Success);
    });
    capture
        .signals()
        .metric(&RUNS_ACTIVE)
        .with("dataface.warehouse.type", "snowflake")
        .gauge(0.0);
}

#[test]
fn a_failed_run_sets_error_type_and_counts_the_error_by_warehouse_type() {
    let s = run(run_failed);
    s.span("dataface.profiler.run")
        .error_type("profile_permission_denied")
        .with_attr("dataface.profiler.outcome", "failure")
        .with_attr("dataface.warehouse.type", "postgresql")
        .one();
    assert_updated(&s, &[&RUN_DURATION, &RUN_ERRORS, &RUNS_ACTIVE]);
    s.metric(&RUN_ERRORS)
        .with("dataface.warehouse.type", "postgresql")
        .with("error.type", "profile_permission_denied")
        .value(1);
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "postgresql")
        .with("dataface.outcome", "failure")
        .histogram_count(1);
    s.metric(&LAST_SUCCESS).none();
}

#[test]
fn a_run_past_its_deadline_is_a_timeout_even_if_it_finishes_later() {
    let s = run(run_timed_out_then_finished);
    s.span("dataface.profiler.run")
        .error_type("profile_warehouse_timeout")
        .with_attr("dataface.profiler.outcome", "timeout")
        .with_attr("dataface.profiler.late_outcome", "success")
        .with_attr("dataface.profiler.columns", 2)
        .with_attr("dataface.profiler.rows", 5_000_000)
        .without_attr("dataface.abandoned")
        .one();
    assert_updated(
        &s,
        &[&RUN_DURATION, &RUN_ERRORS, &RUNS_ACTIVE, &COLUMNS, &ROWS],
    );
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "snowflake")
        .with("dataface.outcome", "timeout")
        .histogram_count(1);
    s.metric(&RUN_DURATION).exactly(1);
    s.metric(&RUN_ERRORS)
        .with("dataface.warehouse.type", "snowflake")
        .with("error.type", "profile_warehouse_timeout")
        .value(1);
    // The late success did not refresh the warehouse's profiles.
    s.metric(&LAST_SUCCESS).none();
}

#[test]
fn a_deadline_passed_without_progress_calls_is_a_timeout_at_finish() {
    for late in [
        RunOutcome::Success,
        RunOutcome::Cancelled,
        RunOutcome::Failed(ProfileError::SamplingFailed),
    ] {
        let s = run(|p| {
            let run = p.profile_run(WarehouseType::Redshift, "t", SHORT);
            pass_deadline();
            run.finish(late);
        });
        s.span("dataface.profiler.run")
            .error_type("profile_warehouse_timeout")
            .with_attr("dataface.profiler.late_outcome", late.label().as_str())
            .one();
        s.metric(&RUN_DURATION)
            .with("dataface.outcome", "timeout")
            .histogram_count(1);
        s.metric(&RUN_ERRORS)
            .with("error.type", "profile_warehouse_timeout")
            .value(1);
        s.metric(&RUN_ERRORS).exactly(1);
    }
}

#[test]
fn a_timeout_reported_by_the_caller_is_a_timeout() {
    for outcome in [
        RunOutcome::TimedOut,
        RunOutcome::Failed(ProfileError::WarehouseTimeout),
    ] {
        let s = run(|p| {
            p.profile_run(WarehouseType::Snowflake, "t", LONG)
                .finish(outcome)
        });
        s.span("dataface.profiler.run")
            .error_type("profile_warehouse_timeout")
            .with_attr("dataface.profiler.outcome", "timeout")
            .without_attr("dataface.profiler.late_outcome")
            .one();
        s.metric(&RUN_DURATION)
            .with("dataface.outcome", "timeout")
            .histogram_count(1);
        s.metric(&RUN_ERRORS)
            .with("error.type", "profile_warehouse_timeout")
            .value(1);
    }
}

#[test]
fn a_run_dropped_after_its_deadline_is_a_timeout_not_an_abandon() {
    let s = run(run_dropped_after_deadline);
    s.span("dataface.profiler.run")
        .error_type("profile_warehouse_timeout")
        .with_attr("dataface.profiler.outcome", "timeout")
        .without_attr("dataface.abandoned")
        .one();
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "bigquery")
        .with("dataface.outcome", "timeout")
        .histogram_count(1);
    s.metric(&RUN_DURATION)
        .with("dataface.outcome", "abandoned")
        .none();
}

#[test]
fn a_run_dropped_without_an_outcome_records_abandoned() {
    let s = run(run_abandoned);
    s.span("dataface.profiler.run")
        .with_attr("dataface.abandoned", true)
        .with_attr("dataface.profiler.outcome", "abandoned")
        .with_attr("dataface.profiler.columns", 1)
        .without_attr("error.type")
        .status_error()
        .one();
    assert_updated(&s, &[&RUN_DURATION, &RUNS_ACTIVE, &COLUMNS]);
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "redshift")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&RUN_ERRORS).none();
}

#[test]
fn a_cancelled_run_is_neither_an_error_nor_a_success() {
    let s = run(run_cancelled);
    s.span("dataface.profiler.run")
        .with_attr("dataface.profiler.outcome", "cancelled")
        .without_attr("error.type")
        .status_not_error()
        .one();
    assert_updated(&s, &[&RUN_DURATION, &RUNS_ACTIVE]);
    s.metric(&RUN_DURATION)
        .with("dataface.warehouse.type", "duckdb")
        .with("dataface.outcome", "cancelled")
        .histogram_count(1);
}

#[test]
fn skipped_columns_are_counted_by_code_and_logged_in_the_run() {
    let s = run(columns_skipped);
    s.span("dataface.profiler.run")
        .with_attr("dataface.profiler.outcome", "success")
        .with_attr("dataface.profiler.columns", 1)
        .with_attr("dataface.profiler.columns_skipped", 2)
        .without_attr("error.type")
        .status_not_error()
        .with_event("column skipped: A column's physical type cannot be profiled; the column was skipped and the rest of the table profiled.")
        .one();
    s.metric(&COLUMNS_SKIPPED)
        .with("dataface.warehouse.type", "bigquery")
        .with("error.type", "profile_unsupported_column_type")
        .value(1);
    s.metric(&COLUMNS_SKIPPED)
        .with("error.type", "profile_sampling_failed")
        .value(1);
    s.metric(&RUN_ERRORS).none();
    s.log(Level::WARN)
        .in_span("dataface.profiler.run")
        .with_field("dataface.column.name", "boundary")
        .with_field("error.type", "profile_unsupported_column_type")
        .one();
}

#[test]
fn confidence_outside_zero_to_one_is_clamped() {
    let s = run(|p| {
        let mut run = p.profile_run(WarehouseType::DuckDb, "t", LONG);
        run.semantic_type_detected("a", SemanticType::Percentage, 97.0);
        run.semantic_type_detected("b", SemanticType::Percentage, -0.2);
        run.semantic_type_detected("c", SemanticType::Percentage, f64::NAN);
        run.finish(RunOutcome::Success);
    });
    let series = s
        .metric(&SEMANTIC_CONFIDENCE)
        .with("dataface.semantic_type", "percentage")
        .one();
    assert_eq!(series.value, MetricValue::Histogram(vec![1.0, 0.0, 0.0]));
}

#[test]
fn feedback_counts_verdicts_per_detected_type_and_logs_corrections() {
    let s = run(feedback);
    assert_updated(&s, &[&SEMANTIC_FEEDBACK]);
    s.metric(&SEMANTIC_FEEDBACK)
        .with("dataface.semantic_type", "postal_code")
        .with("dataface.semantic.verdict", "confirmed")
        .value(1);
    s.metric(&SEMANTIC_FEEDBACK)
        .with("dataface.semantic_type", "postal_code")
        .with("dataface.semantic.verdict", "corrected")
        .value(1);
    s.metric(&SEMANTIC_FEEDBACK)
        .with("dataface.semantic_type", "email")
        .value(1);
    s.log(Level::INFO)
        .with_field("dataface.semantic_type", "postal_code")
        .with_field("dataface.semantic.corrected_to", "quantity")
        .with_field("dataface.column.name", "store_number")
        .one();
    s.any_span().none();
}

#[test]
fn a_correction_to_the_detected_type_itself_is_a_confirmation() {
    let s = run(|p| {
        p.feedback(
            SemanticType::Email,
            Feedback::Corrected {
                to: SemanticType::Email,
            },
            "email",
        )
    });
    s.metric(&SEMANTIC_FEEDBACK)
        .with("dataface.semantic.verdict", "confirmed")
        .value(1);
    s.metric(&SEMANTIC_FEEDBACK)
        .with("dataface.semantic.verdict", "corrected")
        .none();
}

#[test]
fn reports_record_outcome_duration_and_errors() {
    let s = run(reports);
    assert_updated(&s, &[&REPORT_DURATION, &REPORT_ERRORS]);
    s.metric(&REPORT_DURATION)
        .with("dataface.outcome", "success")
        .histogram_count(1);
    s.metric(&REPORT_DURATION)
        .with("dataface.outcome", "failure")
        .histogram_count(1);
    s.metric(&REPORT_DURATION)
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&REPORT_ERRORS)
        .with("error.type", "inspector_report_render_failed")
        .value(1);
    s.span("dataface.profiler.report")
        .error_type("inspector_report_render_failed")
        .with_attr("dataface.warehouse.type", "snowflake")
        .with_attr("db.collection.name", "analytics.orders")
        .one();
    s.span("dataface.profiler.report")
        .with_attr("dataface.abandoned", true)
        .with_attr("dataface.warehouse.type", "file")
        .status_error()
        .one();
    s.span("dataface.profiler.report").exactly(3);
}

#[test]
fn restored_freshness_never_moves_backwards() {
    let old = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let older = UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let s = run(|p| {
        p.restore_last_success(WarehouseType::Redshift, old);
        p.restore_last_success(WarehouseType::Redshift, older);
    });
    assert_updated(&s, &[&LAST_SUCCESS]);
    s.metric(&LAST_SUCCESS)
        .with("dataface.warehouse.type", "redshift")
        .gauge(1_700_000_000.0);
    let s = run(|p| {
        p.restore_last_success(WarehouseType::Redshift, old);
        run_success(p);
        p.profile_run(WarehouseType::Redshift, "t", LONG)
            .finish(RunOutcome::Success);
    });
    let series = s
        .metric(&LAST_SUCCESS)
        .with("dataface.warehouse.type", "redshift")
        .one();
    assert!(series.value.as_f64() > 1_700_000_000.0);
}

#[test]
fn undeclared_warehouse_and_semantic_types_are_recorded_as_other() {
    assert_eq!(WarehouseType::parse("Snowflake"), WarehouseType::Snowflake);
    assert_eq!(WarehouseType::parse("postgres"), WarehouseType::PostgreSql);
    assert_eq!(WarehouseType::parse("parquet"), WarehouseType::File);
    assert_eq!(WarehouseType::parse("clickhouse"), WarehouseType::Other);
    assert_eq!(SemanticType::parse("Postal Code"), SemanticType::PostalCode);
    assert_eq!(SemanticType::parse("postal-code"), SemanticType::PostalCode);
    assert_eq!(SemanticType::parse("iban"), SemanticType::Other);
    let s = run(|p| {
        let mut run = p.profile_run(WarehouseType::parse("clickhouse"), "t", LONG);
        run.semantic_type_detected("c", SemanticType::parse("iban"), 0.5);
        run.finish(RunOutcome::Failed(ProfileError::WarehouseUnavailable));
    });
    s.metric(&RUN_ERRORS)
        .with("dataface.warehouse.type", "other")
        .with("error.type", "profile_warehouse_unavailable")
        .value(1);
    s.metric(&SEMANTIC_CONFIDENCE)
        .with("dataface.semantic_type", "other")
        .histogram_count(1);
    s.span("dataface.profiler.run")
        .with_attr("db.system.name", "other_sql")
        .one();
}

#[test]
fn logs_inside_the_run_span_correlate() {
    let s = run(|p| {
        let run = p.profile_run(WarehouseType::Snowflake, "t", LONG);
        run.span()
            .in_scope(|| tracing::warn!(sample_rows = 10_000, "falling back to sampling"));
        run.finish(RunOutcome::Success);
    });
    s.log(Level::WARN)
        .in_span("dataface.profiler.run")
        .with_field("sample_rows", 10_000)
        .one();
}

#[test]
fn with_telemetry_disabled_nothing_is_recorded() {
    // No pipeline and no capture: probes stay inert, and no deadline is ever noticed.
    let p = ProfilerProbes::new();
    let mut run = p.profile_run(WarehouseType::Snowflake, "t", Duration::ZERO);
    assert!(run.span().is_disabled());
    run.column_profiled("c");
    run.semantic_type_detected("c", SemanticType::Email, 0.9);
    assert!(!run.timed_out());
    run.finish(RunOutcome::Success);
    let _dropped = p.profile_run(WarehouseType::Snowflake, "t", Duration::ZERO);
    p.feedback(SemanticType::Email, Feedback::Confirmed, "c");
    let report = p.report(WarehouseType::Snowflake, "t");
    assert!(report.span().is_disabled());
    report.ok();
}

#[test]
fn the_section_is_valid_and_shown_in_the_readme() {
    telemetry_testing::assert_section_ready(
        &catalog::CATALOG,
        &catalog::SECTION,
        include_str!("../README.md"),
    );
}

#[test]
fn the_tests_cover_the_whole_catalog() {
    let mut coverage = Coverage::for_section(&catalog::SECTION);
    for scenario in [
        run_success,
        run_failed,
        run_timed_out_then_finished,
        run_dropped_after_deadline,
        run_abandoned,
        run_cancelled,
        columns_skipped,
        feedback,
        reports,
        every_error_code,
    ] {
        coverage.add(&run(scenario));
    }
    coverage.assert_complete();
}
