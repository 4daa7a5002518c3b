//! Every API call emits exactly the signals its catalog entry promises; the captured signals
//! conform to the catalog; the crate's tests cover all of it.

use compiler_probes::catalog::{self, *};
use compiler_probes::*;
use telemetry_testing::{Capture, Captured, Coverage};
use tracing::Level;

/// Runs `scenario` with fresh probes inside a fresh capture, checks conformance, and returns
/// what it emitted (untouched pre-registered handles aside).
fn run(scenario: impl FnOnce(&CompilerProbes)) -> Captured {
    let capture = Capture::new();
    capture.in_scope(|| scenario(&CompilerProbes::new("2.5.0")));
    let signals = capture.signals();
    signals.assert_conforms(&catalog::CATALOG);
    signals
}

fn compile_success(p: &CompilerProbes) {
    let mut c = p.compile(ContractVersion::V1_1, "dash-1");
    c.stage(Stage::Parse).ok();
    c.stage(Stage::Normalize).ok();
    c.stage(Stage::Resolve).ok();
    c.finish(CompileOutcome::Success);
}

fn compile_warnings(p: &CompilerProbes) {
    p.compile(ContractVersion::V2_0, "dash-2")
        .finish(CompileOutcome::Warnings(3));
}

fn compile_failed_in_stage(p: &CompilerProbes) {
    let mut c = p.compile(ContractVersion::V1_0, "dash-3");
    c.stage(Stage::Parse).ok();
    c.stage(Stage::Migrate).fail(CompileError::MigrationFailed);
    c.finish(CompileOutcome::Failed(CompileError::MigrationFailed));
}

fn compile_abandoned(p: &CompilerProbes) {
    let mut c = p.compile(ContractVersion::V1_1, "dash-4");
    let _stage_forgotten = c.stage(Stage::Resolve);
}

fn migrations(p: &CompilerProbes) {
    p.migration(ContractVersion::V1_0, ContractVersion::V2_0)
        .ok();
    p.migration(ContractVersion::V1_1, ContractVersion::V2_0)
        .fail(CompileError::MigrationFailed);
    let _forgotten = p.migration(ContractVersion::V1_1, ContractVersion::V2_0);
}

fn dashboards(p: &CompilerProbes) {
    p.set_dashboards(ContractVersion::V1_1, 1_250);
    p.set_dashboards(ContractVersion::V2_0, 40);
}

fn queries(p: &CompilerProbes) {
    p.query(Adapter::Snowflake).ok(120);
    p.query(Adapter::DuckDb).truncated(10_000);
    p.query(Adapter::BigQuery).fail(CompileError::QueryTimeout);
    let _forgotten = p.query(Adapter::PostgreSql);
}

fn renders(p: &CompilerProbes) {
    p.render(RenderFormat::Png).ok();
    p.render(RenderFormat::Pdf)
        .fail(CompileError::RenderTimeout);
    let _forgotten = p.render(RenderFormat::Html);
}

/// Every error code once, each through the operation that raises it.
fn every_error_code(p: &CompilerProbes) {
    for code in CompileError::ALL {
        match code {
            CompileError::WarehouseAuthFailed
            | CompileError::QueryTimeout
            | CompileError::WarehouseUnavailable => p.query(Adapter::Redshift).fail(*code),
            CompileError::ResultTruncated => p.query(Adapter::File).truncated(5),
            CompileError::RenderTimeout => p.render(RenderFormat::Csv).fail(*code),
            _ => p
                .compile(ContractVersion::V2_0, "dash-e")
                .finish(CompileOutcome::Failed(*code)),
        }
    }
}

#[test]
fn a_successful_compile_records_its_stages_and_duration_by_version_and_release() {
    let s = run(compile_success);
    let compile = s
        .span("dataface.compile")
        .with_attr("dataface.contract.version", "1.1")
        .with_attr("dataface.compiler.version", "2.5.0")
        .with_attr("dataface.dashboard.id", "dash-1")
        .status_not_error()
        .root()
        .one();
    s.span("dataface.compile.stage")
        .child_of("dataface.compile")
        .exactly(3);
    s.span("dataface.compile.stage")
        .with_attr("dataface.compile.stage", "normalize")
        .one();
    assert!(!compile.attributes.contains_key("error.type"));
    s.metric(&COMPILES)
        .with("dataface.contract.version", "1.1")
        .with("dataface.compiler.version", "2.5.0")
        .with("dataface.outcome", "success")
        .value(1);
    s.metric(&COMPILES).exactly(1);
    s.metric(&COMPILE_DURATION)
        .with("dataface.compiler.version", "2.5.0")
        .histogram_count(1);
    s.metric(&COMPILE_DURATION).exactly(1);
    s.metric(&COMPILE_ERRORS).none();
    s.metric(&COMPILE_FAILED_STAGES).none();
}

#[test]
fn a_compile_with_warnings_says_how_many() {
    let s = run(compile_warnings);
    s.span("dataface.compile")
        .with_attr("dataface.compile.warnings", 3)
        .one();
    s.metric(&COMPILES)
        .with("dataface.contract.version", "2.0")
        .with("dataface.outcome", "warnings")
        .value(1);
    s.metric(&COMPILE_DURATION).histogram_count(1);
}

#[test]
fn a_failed_compile_sets_error_type_and_counts_the_error_by_version_and_release_and_by_stage() {
    let s = run(compile_failed_in_stage);
    s.span("dataface.compile")
        .error_type("migration_failed")
        .one();
    s.span("dataface.compile.stage")
        .with_attr("dataface.compile.stage", "migrate")
        .error_type("migration_failed")
        .one();
    s.span("dataface.compile.stage")
        .with_attr("dataface.compile.stage", "parse")
        .status_not_error()
        .one();
    s.metric(&COMPILE_ERRORS)
        .with("error.type", "migration_failed")
        .with("dataface.contract.version", "1.0")
        .with("dataface.compiler.version", "2.5.0")
        .value(1);
    s.metric(&COMPILE_FAILED_STAGES)
        .with("dataface.compile.stage", "migrate")
        .value(1);
    s.metric(&COMPILE_FAILED_STAGES).exactly(1);
    s.metric(&COMPILES)
        .with("dataface.contract.version", "1.0")
        .with("dataface.outcome", "failed")
        .value(1);
    // A failed compile's time counts toward the latency objective as a successful one's.
    s.metric(&COMPILE_DURATION).histogram_count(1);
}

#[test]
fn an_error_outside_any_stage_is_counted_under_stage_none() {
    let s = run(|p| {
        p.compile(ContractVersion::V2_0, "d")
            .finish(CompileOutcome::Failed(CompileError::InvalidYaml))
    });
    s.metric(&COMPILE_FAILED_STAGES)
        .with("dataface.compile.stage", NO_STAGE)
        .value(1);
    s.metric(&COMPILE_ERRORS)
        .with("error.type", "invalid_yaml")
        .with("dataface.contract.version", "2.0")
        .value(1);
}

#[test]
fn a_compile_dropped_without_an_outcome_records_abandoned() {
    let s = run(compile_abandoned);
    s.span("dataface.compile")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    s.span("dataface.compile.stage")
        .with_attr("dataface.abandoned", true)
        .one();
    s.metric(&COMPILES)
        .with("dataface.contract.version", "1.1")
        .with("dataface.outcome", "abandoned")
        .value(1);
    // No outcome, no time: an abandoned compile stays out of the latency objective.
    s.metric(&COMPILE_DURATION).none();
    s.metric(&COMPILE_ERRORS).none();
    s.metric(&COMPILE_FAILED_STAGES).none();
}

#[test]
fn migrations_count_by_versions_and_outcome() {
    let s = run(migrations);
    s.metric(&MIGRATIONS)
        .with("dataface.contract.from_version", "1.0")
        .with("dataface.contract.to_version", "2.0")
        .with("dataface.outcome", "success")
        .value(1);
    s.metric(&MIGRATIONS)
        .with("dataface.contract.from_version", "1.1")
        .with("dataface.outcome", "failed")
        .value(1);
    s.metric(&MIGRATIONS)
        .with("dataface.outcome", "abandoned")
        .value(1);
    s.span("dataface.contract.migrate")
        .error_type("migration_failed")
        .one();
    s.span("dataface.contract.migrate").exactly(3);
}

#[test]
fn dashboards_per_contract_version_are_a_gauge() {
    let s = run(dashboards);
    s.metric(&DASHBOARDS)
        .with("dataface.contract.version", "1.1")
        .gauge(1250.0);
    s.metric(&DASHBOARDS)
        .with("dataface.contract.version", "2.0")
        .gauge(40.0);
}

#[test]
fn the_release_reports_the_contract_versions_it_supports() {
    let s = run(|_| {});
    for v in ["1.0", "1.1", "2.0"] {
        s.metric(&CONTRACT_SUPPORT)
            .with("dataface.compiler.version", "2.5.0")
            .with("dataface.contract.version", v)
            .gauge(1.0);
    }
    s.metric(&CONTRACT_SUPPORT)
        .with("dataface.contract.version", "other")
        .none();
}

#[test]
fn queries_record_adapter_rows_duration_and_errors() {
    let s = run(queries);
    s.span("dataface.query.execute")
        .with_attr("db.system.name", "snowflake")
        .with_attr("dataface.query.adapter", "snowflake")
        .with_attr("dataface.query.rows", 120)
        .one();
    s.metric(&QUERY_ROWS)
        .with("dataface.query.adapter", "snowflake")
        .histogram_sum(120.0);
    s.metric(&QUERIES)
        .with("dataface.query.adapter", "snowflake")
        .with("dataface.outcome", "success")
        .value(1);
    s.metric(&QUERY_DURATION)
        .with("dataface.query.adapter", "snowflake")
        .histogram_count(1);
    // A truncated query returned rows: its time is on the histogram, its outcome `warnings`.
    s.metric(&QUERIES)
        .with("dataface.query.adapter", "duckdb")
        .with("dataface.outcome", "warnings")
        .value(1);
    s.metric(&QUERY_DURATION)
        .with("dataface.query.adapter", "duckdb")
        .histogram_count(1);
    s.metric(&QUERY_ERRORS)
        .with("error.type", "result_truncated")
        .value(1);
    s.span("dataface.query.execute")
        .with_attr("dataface.query.adapter", "duckdb")
        .with_attr("error.type", "result_truncated")
        .status_not_error()
        .one();
    s.metric(&QUERY_ERRORS)
        .with("error.type", "query_timeout")
        .value(1);
    s.metric(&QUERIES)
        .with("dataface.query.adapter", "bigquery")
        .with("dataface.outcome", "failed")
        .value(1);
    s.span("dataface.query.execute")
        .with_attr("dataface.query.adapter", "bigquery")
        .error_type("query_timeout")
        .one();
    s.metric(&QUERIES)
        .with("dataface.query.adapter", "postgresql")
        .with("dataface.outcome", "abandoned")
        .value(1);
    // Only queries that returned rows have a duration: not the failed, not the abandoned.
    s.metric(&QUERY_DURATION)
        .with("dataface.query.adapter", "bigquery")
        .none();
    s.metric(&QUERY_DURATION)
        .with("dataface.query.adapter", "postgresql")
        .none();
    s.metric(&QUERY_DURATION).exactly(2);
}

#[test]
fn renders_record_format_duration_and_errors() {
    let s = run(renders);
    s.metric(&RENDERS)
        .with("dataface.render.format", "png")
        .with("dataface.outcome", "success")
        .value(1);
    s.metric(&RENDER_DURATION)
        .with("dataface.render.format", "png")
        .histogram_count(1);
    s.metric(&RENDERS)
        .with("dataface.render.format", "pdf")
        .with("dataface.outcome", "failed")
        .value(1);
    s.metric(&RENDER_ERRORS)
        .with("error.type", "render_timeout")
        .value(1);
    s.metric(&RENDERS)
        .with("dataface.render.format", "html")
        .with("dataface.outcome", "abandoned")
        .value(1);
    // Only completed renders have a duration.
    s.metric(&RENDER_DURATION).exactly(1);
    s.span("dataface.render")
        .error_type("render_timeout")
        .with_attr("dataface.render.format", "pdf")
        .one();
}

#[test]
fn an_undeclared_contract_version_is_recorded_as_other() {
    assert_eq!(ContractVersion::parse("v1.1"), ContractVersion::V1_1);
    assert_eq!(ContractVersion::parse("9.9"), ContractVersion::Other);
    let s = run(|p| {
        p.compile(ContractVersion::parse("9.9"), "d")
            .finish(CompileOutcome::Failed(
                CompileError::UnsupportedContractVersion,
            ))
    });
    s.metric(&COMPILE_ERRORS)
        .with("dataface.contract.version", "other")
        .with("error.type", "unsupported_contract_version")
        .value(1);
}

#[test]
fn two_releases_side_by_side_are_separate_series() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let old = CompilerProbes::new("2.4.0");
        let new = CompilerProbes::new("2.5.0");
        old.compile(ContractVersion::V1_1, "d")
            .finish(CompileOutcome::Success);
        new.compile(ContractVersion::V1_1, "d")
            .finish(CompileOutcome::Failed(CompileError::MigrationFailed));
    });
    let s = capture.signals();
    s.metric(&COMPILE_ERRORS)
        .with("dataface.compiler.version", "2.5.0")
        .value(1);
    s.metric(&COMPILE_ERRORS)
        .with("dataface.compiler.version", "2.4.0")
        .none();
}

#[test]
fn logs_inside_the_compile_span_correlate() {
    let s = run(|p| {
        let c = p.compile(ContractVersion::V2_0, "dash-9");
        c.span()
            .in_scope(|| tracing::warn!(chart = "revenue", "slow source"));
        c.finish(CompileOutcome::Success);
    });
    s.log(Level::WARN)
        .in_span("dataface.compile")
        .with_field("chart", "revenue")
        .one();
}

#[test]
fn with_telemetry_disabled_nothing_is_recorded() {
    // No pipeline and no capture: probes stay inert.
    let p = CompilerProbes::new("2.5.0");
    let c = p.compile(ContractVersion::V1_0, "d");
    assert!(c.span().is_disabled());
    c.finish(CompileOutcome::Success);
}

#[test]
fn the_section_is_valid_and_shown_in_the_readme() {
    telemetry_testing::assert_section_ready(
        &catalog::CATALOG,
        &catalog::SECTION,
        include_str!("../README.md"),
    );
    assert_eq!(&ERROR_STAGES[..Stage::ALL.len()], Stage::VALUES);
}

#[test]
fn the_tests_cover_the_whole_catalog() {
    let mut coverage = Coverage::for_section(&catalog::SECTION);
    for scenario in [
        compile_success,
        compile_warnings,
        compile_failed_in_stage,
        compile_abandoned,
        migrations,
        dashboards,
        queries,
        renders,
        every_error_code,
    ] {
        coverage.add(&run(scenario));
    }
    coverage.assert_complete();
}
