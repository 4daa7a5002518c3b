//! # compiler-probes
//!
//! Telemetry for the YAML contract compiler, its migrations, the execution adapters and
//! rendering, per release (task card 000): a compile error spike is tied to the contract
//! version and compiler release that caused it, a breaking migration's blast radius is a
//! query, and a rollback is decided from data.
//!
//! ```
//! use compiler_probes::{CompileError, CompileOutcome, CompilerProbes, ContractVersion, Stage};
//!
//! let probes = CompilerProbes::new("2.5.0");
//! let mut compile = probes.compile(ContractVersion::parse("1.1"), "dash-42");
//! compile.stage(Stage::Parse).ok();
//! compile.stage(Stage::Resolve).fail(CompileError::UnknownQuery);
//! compile.finish(CompileOutcome::Failed(CompileError::UnknownQuery));
//! ```
//!
//! Every operation is a guard started with its context and finished with an outcome; a
//! guard dropped without one records `abandoned`. Metrics go through handle families
//! registered once per label combination in [`CompilerProbes::new`]: recording is an index
//! and an atomic update. Dashboard ids go on spans only. When telemetry is disabled a guard does
//! no work beyond one check.

pub mod catalog;

use catalog::*;
use metrics::{Counter, Gauge, Histogram};
use std::time::Duration;
use telemetry_core::errors::record_warning_on_span;
use telemetry_core::probe::{saturating_i64, Family, LabelValue};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A YAML contract version: the declared supported versions, else `Other`.
    pub enum ContractVersion: "dataface.contract.version",
        "YAML contract version of the dashboard (declared supported versions, else `other`)." {
        /// Contract 1.0.
        V1_0 = "1.0",
        /// Contract 1.1.
        V1_1 = "1.1",
        /// Contract 2.0.
        V2_0 = "2.0",
        /// Any version not declared here.
        Other = "other",
    }
}

impl ContractVersion {
    /// The declared version for `text` (`"1.1"`, `"v1.1"`), else `Other`.
    pub fn parse(text: &str) -> Self {
        let t = text.trim().trim_start_matches(['v', 'V']);
        Self::ALL
            .iter()
            .copied()
            .find(|v| *v != ContractVersion::Other && v.as_str() == t)
            .unwrap_or(ContractVersion::Other)
    }
}

telemetry_core::relabel! {
    /// The contract version a migration starts from.
    pub(crate) struct FromVersion(ContractVersion): "dataface.contract.from_version", "Contract version migrated from.";
}

telemetry_core::relabel! {
    /// The contract version a migration goes to.
    pub(crate) struct ToVersion(ContractVersion): "dataface.contract.to_version", "Contract version migrated to.";
}

telemetry_core::label_enum! {
    /// How a compile, query or render ended (the `dataface.outcome` label).
    pub enum Outcome: "dataface.outcome", "How the operation ended." {
        /// Done without problems.
        Success = "success",
        /// Done, with warnings (or a truncated result).
        Warnings = "warnings",
        /// Failed with an error code.
        Failed = "failed",
        /// The guard was dropped without an outcome: a code path forgot to report.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// A compile stage. The error counter's `dataface.compile.stage` label is an `Option<Stage>`: `None`
    /// ([`NO_STAGE`]) for an error raised outside any stage.
    pub enum Stage: "dataface.compile.stage", "Compile stage where the error arose (`none`: outside any stage)." {
        /// YAML parsing.
        Parse = "parse",
        /// Normalization.
        Normalize = "normalize",
        /// Contract migration.
        Migrate = "migrate",
        /// Query and source resolution.
        Resolve = "resolve",
    }
    none = NO_STAGE;
}

/// The `dataface.compile.stage` label value of an error raised outside any stage.
pub const NO_STAGE: &str = "none";

/// The `dataface.compile.stage` label values of the error counter: the stages, then [`NO_STAGE`].
pub const ERROR_STAGES: &[&str] = <Option<Stage>>::VALUES;

telemetry_core::label_enum! {
    /// How a contract migration ended.
    pub enum MigrationOutcome: "dataface.outcome", "How the migration ended." {
        /// Migrated.
        Success = "success",
        /// Failed.
        Failed = "failed",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// An execution adapter.
    pub enum Adapter: "dataface.query.adapter", "Execution adapter (warehouse kind)." {
        /// Snowflake.
        Snowflake = "snowflake",
        /// BigQuery.
        BigQuery = "bigquery",
        /// PostgreSQL.
        PostgreSql = "postgresql",
        /// Redshift.
        Redshift = "redshift",
        /// DuckDB.
        DuckDb = "duckdb",
        /// Local files (CSV, Parquet).
        File = "file",
    }
}

impl Adapter {
    /// The `db.system.name` semantic-convention value.
    pub const fn db_system_name(self) -> &'static str {
        match self {
            Adapter::Snowflake => "snowflake",
            Adapter::BigQuery => "gcp.bigquery",
            Adapter::PostgreSql => "postgresql",
            Adapter::Redshift => "aws.redshift",
            Adapter::DuckDb => "duckdb",
            Adapter::File => "other_sql",
        }
    }
}

telemetry_core::label_enum! {
    /// A render output format.
    pub enum RenderFormat: "dataface.render.format", "Rendered output format." {
        /// HTML page.
        Html = "html",
        /// PNG image.
        Png = "png",
        /// PDF document.
        Pdf = "pdf",
        /// CSV export.
        Csv = "csv",
        /// JSON export.
        Json = "json",
    }
}

use crate::catalog::CORE_COMPILER;
telemetry_core::error_codes! {
    /// The compiler surface's error codes (owner: core-compiler).
    pub enum CompileError for "compiler", "The compiler error code." {
        /// A chart references an undefined query.
        UnknownQuery = "unknown_query", User, retryable: false, Error, CORE_COMPILER,
            "A chart references a query the contract does not define.",
            "Define the query under `queries:` or fix the chart's `query:` name; `dft validate` shows the line.";
        /// A query's source is missing.
        SourceNotFound = "source_not_found", User, retryable: false, Error, CORE_COMPILER,
            "A query names a source (table, file or model) that does not exist.",
            "Check the source name and that the warehouse connection can see it.";
        /// The contract is not valid YAML.
        InvalidYaml = "invalid_yaml", User, retryable: false, Error, CORE_COMPILER,
            "The dashboard file is not valid YAML.",
            "Fix the YAML at the reported line and column; indentation is the usual cause.";
        /// The contract declares a version this release cannot read.
        UnsupportedContractVersion = "unsupported_contract_version", Configuration, retryable: false, Error, CORE_COMPILER,
            "The contract version is not supported by this compiler release.",
            "Upgrade the compiler or set `version:` to a supported contract version.";
        /// Migrating the contract to the current version failed.
        MigrationFailed = "migration_failed", Internal, retryable: false, Critical, CORE_COMPILER,
            "Migrating the contract to the current version failed.",
            "Roll back the compiler release if this started with it; otherwise report the contract to core-compiler.";
        /// A template rendered more than the output limit.
        TemplateOutputTooLarge = "template_output_too_large", User, retryable: false, Error, CORE_COMPILER,
            "A template expanded beyond the output size limit.",
            "Reduce the template's loop bounds or split the dashboard.";
        /// The warehouse rejected the credentials.
        WarehouseAuthFailed = "warehouse_auth_failed", Configuration, retryable: false, Error, CORE_COMPILER,
            "The warehouse rejected the connection's credentials.",
            "Rotate or re-enter the connection's credentials; check the role's grants.";
        /// The query ran past its timeout.
        QueryTimeout = "query_timeout", Timeout, retryable: true, Error, CORE_COMPILER,
            "The query ran past its timeout.",
            "Retry; if it persists, add a filter or aggregate upstream, or raise the adapter timeout.";
        /// The warehouse could not be reached.
        WarehouseUnavailable = "warehouse_unavailable", Dependency, retryable: true, Error, CORE_COMPILER,
            "The warehouse could not be reached or is overloaded.",
            "Retry with backoff; check the warehouse's status page and network path.";
        /// The result was cut at the row limit.
        ResultTruncated = "result_truncated", User, retryable: false, Warning, CORE_COMPILER,
            "The result was truncated at the row limit.",
            "Aggregate in the query or raise the row limit for this chart.";
        /// Rendering ran past its timeout.
        RenderTimeout = "render_timeout", Timeout, retryable: true, Error, CORE_COMPILER,
            "Rendering the dashboard ran past its timeout.",
            "Retry; for large dashboards render fewer charts per page or export CSV.";
    }
}

/// The compiler's probes for one compiler release. Create it once at start (or inside a test
/// capture): it registers every handle and reports the contract versions the release
/// supports.
#[derive(Debug)]
pub struct CompilerProbes {
    compiler_version: &'static str,
    compiles: Family<(ContractVersion, Outcome), Counter>,
    compile_duration: Family<(), Histogram>,
    compile_errors: Family<(CompileError, ContractVersion), Counter>,
    compile_failed_stages: Family<Option<Stage>, Counter>,
    migrations: Family<(FromVersion, ToVersion, MigrationOutcome), Counter>,
    dashboards: Family<ContractVersion, Gauge>,
    queries: Family<(Adapter, Outcome), Counter>,
    query_duration: Family<Adapter, Histogram>,
    query_errors: Family<CompileError, Counter>,
    query_rows: Family<Adapter, Histogram>,
    renders: Family<(RenderFormat, Outcome), Counter>,
    render_duration: Family<RenderFormat, Histogram>,
    render_errors: Family<CompileError, Counter>,
}

impl CompilerProbes {
    /// Registers the handles for `compiler_version` (the release, e.g.
    /// `env!("CARGO_PKG_VERSION")`) and reports every declared contract version but
    /// `other` as supported.
    pub fn new(compiler_version: &'static str) -> Self {
        Self::with_supported(
            compiler_version,
            &ContractVersion::ALL[..ContractVersion::COUNT - 1],
        )
    }

    /// As [`new`](Self::new), with the contract versions this release supports.
    pub fn with_supported(compiler_version: &'static str, supported: &[ContractVersion]) -> Self {
        let release = &[(&COMPILER_VERSION, compiler_version)];
        let support: Family<ContractVersion, Gauge> =
            Family::register_where(&CONTRACT_SUPPORT, release, |c| supported.contains(&c));
        for contract in supported {
            support.get(*contract).set(1.0);
        }
        Self {
            compiler_version,
            compiles: Family::register_with(&COMPILES, release),
            compile_duration: Family::register_with(&COMPILE_DURATION, release),
            compile_errors: Family::register_with(&COMPILE_ERRORS, release),
            compile_failed_stages: Family::register(&COMPILE_FAILED_STAGES),
            migrations: Family::register(&MIGRATIONS),
            dashboards: Family::register(&DASHBOARDS),
            queries: Family::register(&QUERIES),
            query_duration: Family::register(&QUERY_DURATION),
            query_errors: Family::register(&QUERY_ERRORS),
            query_rows: Family::register(&QUERY_ROWS),
            renders: Family::register(&RENDERS),
            render_duration: Family::register(&RENDER_DURATION),
            render_errors: Family::register(&RENDER_ERRORS),
        }
    }

    /// The compiler release these probes report.
    pub fn compiler_version(&self) -> &'static str {
        self.compiler_version
    }

    /// Starts compiling one dashboard. The dashboard id goes on the span only.
    pub fn compile(&self, contract: ContractVersion, dashboard_id: &str) -> CompileGuard<'_> {
        let op = telemetry_core::operation!(
            COMPILE_SPAN,
            CONTRACT_ATTR = contract.as_str(),
            COMPILER_ATTR = self.compiler_version,
            DASHBOARD_ATTR = dashboard_id,
        );
        CompileGuard {
            probes: self,
            contract,
            last_stage: None,
            failed_stage: None,
            op,
        }
    }

    /// Starts migrating one dashboard contract from `from` to `to`.
    pub fn migration(&self, from: ContractVersion, to: ContractVersion) -> MigrationGuard<'_> {
        let op = telemetry_core::operation!(
            MIGRATE_SPAN,
            FROM_VERSION_ATTR = from.as_str(),
            TO_VERSION_ATTR = to.as_str(),
        );
        MigrationGuard::new(self, from, to, op)
    }

    /// Reports how many dashboards are on `contract` (the service counts them, e.g. at
    /// start and after each deploy).
    pub fn set_dashboards(&self, contract: ContractVersion, dashboards: u64) {
        self.dashboards.get(contract).set(dashboards as f64);
    }

    /// Starts executing one query through `adapter`.
    pub fn query(&self, adapter: Adapter) -> QueryGuard<'_> {
        let op = telemetry_core::operation!(
            QUERY_SPAN,
            DB_SYSTEM_ATTR = adapter.db_system_name(),
            ADAPTER_ATTR = adapter.as_str(),
        );
        QueryGuard::new(self, adapter, op)
    }

    /// Starts rendering one dashboard as `format`.
    pub fn render(&self, format: RenderFormat) -> RenderGuard<'_> {
        let op = telemetry_core::operation!(RENDER_SPAN, FORMAT_ATTR = format.as_str());
        RenderGuard::new(self, format, op)
    }
}

/// How a compile ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompileOutcome {
    /// Compiled cleanly.
    Success,
    /// Compiled, with this many warnings.
    Warnings(u32),
    /// Failed with this code.
    Failed(CompileError),
}

telemetry_core::probe_guard! {
    /// One dashboard compile in flight. Finish it with [`finish`](Self::finish); dropped
    /// without, it records `abandoned`.
    #[must_use = "finish the compile with an outcome, or it records `abandoned`"]
    pub struct CompileGuard<'p> {
        probes: &'p CompilerProbes,
        contract: ContractVersion,
        last_stage: Option<Stage>,
        failed_stage: Option<Stage>,
    }
    drop(&mut self, _elapsed) {
        let key = (self.contract, Outcome::Abandoned);
        self.probes.compiles.get(key).increment(1);
    }
}

impl CompileGuard<'_> {
    /// Starts a stage as a child span of the compile.
    pub fn stage(&mut self, stage: Stage) -> StageGuard<'_> {
        self.last_stage = Some(stage);
        let op = self.op.child(|parent| {
            telemetry_core::probe_span!(parent: parent, STAGE_SPAN, STAGE_ATTR = stage.as_str())
        });
        StageGuard::new(stage, &mut self.failed_stage, op)
    }

    /// Records the outcome: the compile by contract version, release and outcome, its
    /// duration by release; on failure, the error by code, contract version and release, the
    /// stage that failed (else the last one started), and `error.type` on the span.
    pub fn finish(mut self, outcome: CompileOutcome) {
        let p = self.probes;
        let (elapsed, label) = match outcome {
            CompileOutcome::Success => (self.op.finish(), Outcome::Success),
            CompileOutcome::Warnings(n) => {
                let warnings = i64::from(n);
                self.op.span().set_attribute(WARNINGS_ATTR.key, warnings);
                (self.op.finish(), Outcome::Warnings)
            }
            CompileOutcome::Failed(code) => {
                let elapsed = self.op.fail(code);
                if elapsed.is_some() {
                    let stage = self.failed_stage.or(self.last_stage);
                    p.compile_errors.get((code, self.contract)).increment(1);
                    p.compile_failed_stages.get(stage).increment(1);
                }
                (elapsed, Outcome::Failed)
            }
        };
        if let Some(elapsed) = elapsed {
            p.compiles.get((self.contract, label)).increment(1);
            p.compile_duration.get(()).record(elapsed);
        }
    }
}

telemetry_core::probe_guard! {
    /// One compile stage in flight (a child span). Finish it with [`ok`](Self::ok) or
    /// [`fail`](Self::fail).
    #[must_use = "finish the stage with ok() or fail(code)"]
    pub struct StageGuard<'g> {
        stage: Stage,
        failed: &'g mut Option<Stage>,
    }
    drop(&mut self, _elapsed) {}
}

impl StageGuard<'_> {
    /// The stage completed.
    pub fn ok(mut self) {
        self.op.finish();
    }

    /// The stage failed with `code`: `error.type` on the stage span; the compile's error
    /// counter will carry this stage.
    pub fn fail(mut self, code: CompileError) {
        *self.failed = Some(self.stage);
        self.op.fail(code);
    }
}

telemetry_core::probe_guard! {
    /// One contract migration in flight.
    #[must_use = "finish the migration with ok() or fail(code), or it records `abandoned`"]
    pub struct MigrationGuard<'p> {
        probes: &'p CompilerProbes,
        from: ContractVersion,
        to: ContractVersion,
    }
    drop(&mut self, _elapsed) {
        self.record(MigrationOutcome::Abandoned);
    }
}

impl MigrationGuard<'_> {
    fn record(&self, outcome: MigrationOutcome) {
        let key = (FromVersion(self.from), ToVersion(self.to), outcome);
        self.probes.migrations.get(key).increment(1);
    }

    /// The migration succeeded.
    pub fn ok(mut self) {
        if self.op.finish().is_some() {
            self.record(MigrationOutcome::Success);
        }
    }

    /// The migration failed with `code` (usually [`CompileError::MigrationFailed`]).
    pub fn fail(mut self, code: CompileError) {
        if self.op.fail(code).is_some() {
            self.record(MigrationOutcome::Failed);
        }
    }
}

telemetry_core::probe_guard! {
    /// One query in flight.
    #[must_use = "finish the query with ok(rows), truncated(rows) or fail(code), or it records `abandoned`"]
    pub struct QueryGuard<'p> {
        probes: &'p CompilerProbes,
        adapter: Adapter,
    }
    drop(&mut self, elapsed) {
        self.record(Outcome::Abandoned, None, None, Some(elapsed));
    }
}

impl QueryGuard<'_> {
    fn record(
        &self,
        outcome: Outcome,
        rows: Option<u64>,
        code: Option<CompileError>,
        elapsed: Option<Duration>,
    ) {
        let (p, adapter) = (self.probes, self.adapter);
        let Some(elapsed) = elapsed else { return };
        if let Some(rows) = rows {
            let span = self.op.span();
            span.set_attribute(ROWS_ATTR.key, saturating_i64(rows));
            p.query_rows.get(adapter).record(rows as f64);
            p.query_duration.get(adapter).record(elapsed);
        }
        if let Some(code) = code {
            p.query_errors.get(code).increment(1);
        }
        p.queries.get((adapter, outcome)).increment(1);
    }

    /// The query returned `rows` rows.
    pub fn ok(mut self, rows: u64) {
        let elapsed = self.op.finish();
        self.record(Outcome::Success, Some(rows), None, elapsed);
    }

    /// The query returned `rows` rows, cut at the row limit: outcome `warnings` and a
    /// `result_truncated` error.
    pub fn truncated(mut self, rows: u64) {
        // A warning, not a failure: `error.type` says what happened, the status stays unset.
        let code = CompileError::ResultTruncated;
        record_warning_on_span(self.op.span(), code);
        let elapsed = self.op.finish();
        self.record(Outcome::Warnings, Some(rows), Some(code), elapsed);
    }

    /// The query failed with `code` (auth failed, timeout, unavailable ...).
    pub fn fail(mut self, code: CompileError) {
        let elapsed = self.op.fail(code);
        self.record(Outcome::Failed, None, Some(code), elapsed);
    }
}

telemetry_core::probe_guard! {
    /// One render in flight.
    #[must_use = "finish the render with ok() or fail(code), or it records `abandoned`"]
    pub struct RenderGuard<'p> {
        probes: &'p CompilerProbes,
        format: RenderFormat,
    }
    drop(&mut self, _elapsed) {
        self.count(Outcome::Abandoned);
    }
}

impl RenderGuard<'_> {
    fn count(&self, outcome: Outcome) {
        self.probes.renders.get((self.format, outcome)).increment(1);
    }

    /// The render completed: counted, with its duration by format.
    pub fn ok(mut self) {
        if let Some(elapsed) = self.op.finish() {
            self.count(Outcome::Success);
            self.probes.render_duration.get(self.format).record(elapsed);
        }
    }

    /// The render failed with `code` (usually [`CompileError::RenderTimeout`]).
    pub fn fail(mut self, code: CompileError) {
        if self.op.fail(code).is_some() {
            self.probes.render_errors.get(code).increment(1);
            self.count(Outcome::Failed);
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
