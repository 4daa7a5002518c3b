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
//! guard dropped without one records `abandoned`. Metrics go through handles registered once
//! per label combination in [`CompilerProbes::new`]: recording is an array index and an
//! atomic update. Dashboard ids go on spans only. When telemetry is disabled a guard does
//! no work beyond one check.

pub mod catalog;

use metrics::{Counter, Gauge, Histogram};
use std::array;
use telemetry_core::errors::ErrorCode as _;
use telemetry_core::probe::Operation;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A YAML contract version: the declared supported versions, else `Other`.
    pub enum ContractVersion {
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

telemetry_core::label_enum! {
    /// How a compile, query or render ended (the `outcome` label).
    pub enum Outcome {
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
    /// A compile stage.
    pub enum Stage {
        /// YAML parsing.
        Parse = "parse",
        /// Normalization.
        Normalize = "normalize",
        /// Contract migration.
        Migrate = "migrate",
        /// Query and source resolution.
        Resolve = "resolve",
    }
}

/// The `stage` label value of an error raised outside any stage.
pub const NO_STAGE: &str = "none";

/// The `stage` label values of the error counter: the stages, then [`NO_STAGE`].
pub const ERROR_STAGES: &[&str] = &["parse", "normalize", "migrate", "resolve", NO_STAGE];

telemetry_core::label_enum! {
    /// How a contract migration ended.
    pub enum MigrationOutcome {
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
    pub enum Adapter {
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
    pub enum RenderFormat {
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
    pub enum CompileError for "compiler" {
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

const CONTRACTS: usize = ContractVersion::ALL.len();
const OUTCOMES: usize = Outcome::ALL.len();
const STAGES: usize = ERROR_STAGES.len();
const CODES: usize = CompileError::ALL.len();
const MIGRATION_OUTCOMES: usize = MigrationOutcome::ALL.len();
const ADAPTERS: usize = Adapter::ALL.len();
const FORMATS: usize = RenderFormat::ALL.len();

/// The compiler's probes for one compiler release. Create it once at start (or inside a
/// test capture): it registers every handle and reports the contract versions the release
/// supports.
#[derive(Debug)]
pub struct CompilerProbes {
    compiler_version: &'static str,
    compile_duration: [[Histogram; OUTCOMES]; CONTRACTS],
    compile_errors: [[[Counter; CONTRACTS]; STAGES]; CODES],
    migrations: [[[Counter; MIGRATION_OUTCOMES]; CONTRACTS]; CONTRACTS],
    dashboards: [Gauge; CONTRACTS],
    query_duration: [[Histogram; OUTCOMES]; ADAPTERS],
    query_errors: [[Counter; CODES]; ADAPTERS],
    query_rows: [Histogram; ADAPTERS],
    render_duration: [[Histogram; OUTCOMES]; FORMATS],
    render_errors: [[Counter; CODES]; FORMATS],
}

impl CompilerProbes {
    /// Registers the handles for `compiler_version` (the release, e.g.
    /// `env!("CARGO_PKG_VERSION")`) and reports every declared contract version but
    /// `other` as supported.
    pub fn new(compiler_version: &'static str) -> Self {
        Self::with_supported(compiler_version, &ContractVersion::ALL[..CONTRACTS - 1])
    }

    /// As [`new`](Self::new), with the contract versions this release supports.
    pub fn with_supported(compiler_version: &'static str, supported: &[ContractVersion]) -> Self {
        use catalog::*;
        let cv = compiler_version;
        for contract in supported {
            metrics::gauge!(CONTRACT_SUPPORT.name,
                "compiler_version" => cv, "contract_version" => contract.as_str())
            .set(1.0);
        }
        Self {
            compiler_version,
            compile_duration: array::from_fn(|c| {
                array::from_fn(|o| {
                    metrics::histogram!(COMPILE_DURATION.name,
                        "contract_version" => ContractVersion::ALL[c].as_str(),
                        "compiler_version" => cv,
                        "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            compile_errors: array::from_fn(|e| {
                array::from_fn(|s| {
                    array::from_fn(|c| {
                        metrics::counter!(COMPILE_ERRORS.name,
                            "error.type" => CompileError::CODES[e],
                            "stage" => ERROR_STAGES[s],
                            "contract_version" => ContractVersion::ALL[c].as_str(),
                            "compiler_version" => cv)
                    })
                })
            }),
            migrations: array::from_fn(|f| {
                array::from_fn(|t| {
                    array::from_fn(|o| {
                        metrics::counter!(MIGRATIONS.name,
                            "from_version" => ContractVersion::ALL[f].as_str(),
                            "to_version" => ContractVersion::ALL[t].as_str(),
                            "outcome" => MigrationOutcome::ALL[o].as_str())
                    })
                })
            }),
            dashboards: array::from_fn(
                |c| metrics::gauge!(DASHBOARDS.name, "contract_version" => ContractVersion::ALL[c].as_str()),
            ),
            query_duration: array::from_fn(|a| {
                array::from_fn(|o| {
                    metrics::histogram!(QUERY_DURATION.name,
                        "adapter" => Adapter::ALL[a].as_str(), "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            query_errors: array::from_fn(|a| {
                array::from_fn(|e| {
                    metrics::counter!(QUERY_ERRORS.name,
                        "adapter" => Adapter::ALL[a].as_str(), "error.type" => CompileError::CODES[e])
                })
            }),
            query_rows: array::from_fn(
                |a| metrics::histogram!(QUERY_ROWS.name, "adapter" => Adapter::ALL[a].as_str()),
            ),
            render_duration: array::from_fn(|f| {
                array::from_fn(|o| {
                    metrics::histogram!(RENDER_DURATION.name,
                        "format" => RenderFormat::ALL[f].as_str(), "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            render_errors: array::from_fn(|f| {
                array::from_fn(|e| {
                    metrics::counter!(RENDER_ERRORS.name,
                        "format" => RenderFormat::ALL[f].as_str(), "error.type" => CompileError::CODES[e])
                })
            }),
        }
    }

    /// The compiler release these probes report.
    pub fn compiler_version(&self) -> &'static str {
        self.compiler_version
    }

    /// Starts compiling one dashboard. The dashboard id goes on the span only.
    pub fn compile(&self, contract: ContractVersion, dashboard_id: &str) -> CompileGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.compile",
                dataface.contract.version = contract.as_str(),
                dataface.compiler.version = self.compiler_version,
                dataface.dashboard.id = dashboard_id,
            ))
        } else {
            Operation::disabled()
        };
        CompileGuard {
            probes: self,
            contract,
            op,
            last_stage: None,
            failed_stage: None,
        }
    }

    /// Starts migrating one dashboard contract from `from` to `to`.
    pub fn migration(&self, from: ContractVersion, to: ContractVersion) -> MigrationGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.contract.migrate",
                dataface.contract.from_version = from.as_str(),
                dataface.contract.to_version = to.as_str(),
            ))
        } else {
            Operation::disabled()
        };
        MigrationGuard {
            probes: self,
            from,
            to,
            op,
        }
    }

    /// Reports how many dashboards are on `contract` (the service counts them, e.g. at
    /// start and after each deploy).
    pub fn set_dashboards(&self, contract: ContractVersion, dashboards: u64) {
        self.dashboards[contract.index()].set(dashboards as f64);
    }

    /// Starts executing one query through `adapter`.
    pub fn query(&self, adapter: Adapter) -> QueryGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.query.execute",
                db.system.name = adapter.db_system_name(),
                dataface.query.adapter = adapter.as_str(),
            ))
        } else {
            Operation::disabled()
        };
        QueryGuard {
            probes: self,
            adapter,
            op,
        }
    }

    /// Starts rendering one dashboard as `format`.
    pub fn render(&self, format: RenderFormat) -> RenderGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.render",
                dataface.render.format = format.as_str(),
            ))
        } else {
            Operation::disabled()
        };
        RenderGuard {
            probes: self,
            format,
            op,
        }
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

/// One dashboard compile in flight. Finish it with [`finish`](Self::finish); dropped without,
/// it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the compile with an outcome, or it records `abandoned`"]
pub struct CompileGuard<'p> {
    probes: &'p CompilerProbes,
    contract: ContractVersion,
    op: Operation,
    last_stage: Option<Stage>,
    failed_stage: Option<Stage>,
}

impl CompileGuard<'_> {
    /// The compile span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// Starts a stage as a child span of the compile.
    pub fn stage(&mut self, stage: Stage) -> StageGuard<'_> {
        self.last_stage = Some(stage);
        let op = if self.op.is_recording() {
            Operation::start(tracing::info_span!(
                parent: self.op.span(),
                "dataface.compile.stage",
                dataface.compile.stage = stage.as_str(),
            ))
        } else {
            Operation::disabled()
        };
        StageGuard {
            stage,
            failed: &mut self.failed_stage,
            op,
        }
    }

    /// Records the outcome: duration by contract version, release and outcome; on failure,
    /// the error by code, stage (the failed stage, else the last one started), contract
    /// version and release, and `error.type` on the span.
    pub fn finish(mut self, outcome: CompileOutcome) {
        let p = self.probes;
        let c = self.contract.index();
        let elapsed = match outcome {
            CompileOutcome::Success => self.op.finish(),
            CompileOutcome::Warnings(n) => {
                self.op
                    .span()
                    .set_attribute("dataface.compile.warnings", i64::from(n));
                self.op.finish()
            }
            CompileOutcome::Failed(code) => {
                let stage = self.failed_stage.or(self.last_stage).map(Stage::index);
                let elapsed = self.op.fail(code);
                if elapsed.is_some() {
                    p.compile_errors[code.index()][stage.unwrap_or(STAGES - 1)][c].increment(1);
                }
                elapsed
            }
        };
        let o = match outcome {
            CompileOutcome::Success => Outcome::Success,
            CompileOutcome::Warnings(_) => Outcome::Warnings,
            CompileOutcome::Failed(_) => Outcome::Failed,
        };
        if let Some(elapsed) = elapsed {
            p.compile_duration[c][o.index()].record(elapsed.as_secs_f64());
        }
    }
}

impl Drop for CompileGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.probes.compile_duration[self.contract.index()][Outcome::Abandoned.index()]
                .record(elapsed.as_secs_f64());
        }
    }
}

/// One compile stage in flight (a child span). Finish it with [`ok`](Self::ok) or
/// [`fail`](Self::fail).
#[derive(Debug)]
#[must_use = "finish the stage with ok() or fail(code)"]
pub struct StageGuard<'g> {
    stage: Stage,
    failed: &'g mut Option<Stage>,
    op: Operation,
}

impl StageGuard<'_> {
    /// The stage span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

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

impl Drop for StageGuard<'_> {
    fn drop(&mut self) {
        self.op.abandon();
    }
}

/// One contract migration in flight.
#[derive(Debug)]
#[must_use = "finish the migration with ok() or fail(code), or it records `abandoned`"]
pub struct MigrationGuard<'p> {
    probes: &'p CompilerProbes,
    from: ContractVersion,
    to: ContractVersion,
    op: Operation,
}

impl MigrationGuard<'_> {
    fn record(&self, outcome: MigrationOutcome) {
        self.probes.migrations[self.from.index()][self.to.index()][outcome.index()].increment(1);
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

impl Drop for MigrationGuard<'_> {
    fn drop(&mut self) {
        if self.op.abandon().is_some() {
            self.record(MigrationOutcome::Abandoned);
        }
    }
}

/// One query in flight.
#[derive(Debug)]
#[must_use = "finish the query with ok(rows), truncated(rows) or fail(code), or it records `abandoned`"]
pub struct QueryGuard<'p> {
    probes: &'p CompilerProbes,
    adapter: Adapter,
    op: Operation,
}

impl QueryGuard<'_> {
    /// The query span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn done(&mut self, outcome: Outcome, rows: Option<u64>, code: Option<CompileError>) {
        let a = self.adapter.index();
        let elapsed = match code {
            Some(code) => self.op.fail(code),
            None => self.op.finish(),
        };
        let Some(elapsed) = elapsed else { return };
        if let Some(rows) = rows {
            self.op.span().set_attribute(
                "dataface.query.rows",
                i64::try_from(rows).unwrap_or(i64::MAX),
            );
            self.probes.query_rows[a].record(rows as f64);
        }
        if let Some(code) = code {
            self.probes.query_errors[a][code.index()].increment(1);
        }
        self.probes.query_duration[a][outcome.index()].record(elapsed.as_secs_f64());
    }

    /// The query returned `rows` rows.
    pub fn ok(mut self, rows: u64) {
        self.done(Outcome::Success, Some(rows), None);
    }

    /// The query returned `rows` rows, cut at the row limit: outcome `warnings` and a
    /// `result_truncated` error.
    pub fn truncated(mut self, rows: u64) {
        // A warning, not a failure: `error.type` says what happened, the status stays unset.
        self.op.span().set_attribute(
            telemetry_core::errors::ERROR_TYPE,
            CompileError::ResultTruncated.code(),
        );
        let a = self.adapter.index();
        if let Some(elapsed) = self.op.finish() {
            self.op.span().set_attribute(
                "dataface.query.rows",
                i64::try_from(rows).unwrap_or(i64::MAX),
            );
            self.probes.query_rows[a].record(rows as f64);
            self.probes.query_errors[a][CompileError::ResultTruncated.index()].increment(1);
            self.probes.query_duration[a][Outcome::Warnings.index()].record(elapsed.as_secs_f64());
        }
    }

    /// The query failed with `code` (auth failed, timeout, unavailable ...).
    pub fn fail(mut self, code: CompileError) {
        self.done(Outcome::Failed, None, Some(code));
    }
}

impl Drop for QueryGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.probes.query_duration[self.adapter.index()][Outcome::Abandoned.index()]
                .record(elapsed.as_secs_f64());
        }
    }
}

/// One render in flight.
#[derive(Debug)]
#[must_use = "finish the render with ok() or fail(code), or it records `abandoned`"]
pub struct RenderGuard<'p> {
    probes: &'p CompilerProbes,
    format: RenderFormat,
    op: Operation,
}

impl RenderGuard<'_> {
    /// The render span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// The render completed.
    pub fn ok(mut self) {
        if let Some(elapsed) = self.op.finish() {
            self.probes.render_duration[self.format.index()][Outcome::Success.index()]
                .record(elapsed.as_secs_f64());
        }
    }

    /// The render failed with `code` (usually [`CompileError::RenderTimeout`]).
    pub fn fail(mut self, code: CompileError) {
        if let Some(elapsed) = self.op.fail(code) {
            let f = self.format.index();
            self.probes.render_errors[f][code.index()].increment(1);
            self.probes.render_duration[f][Outcome::Failed.index()].record(elapsed.as_secs_f64());
        }
    }
}

impl Drop for RenderGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.probes.render_duration[self.format.index()][Outcome::Abandoned.index()]
                .record(elapsed.as_secs_f64());
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
